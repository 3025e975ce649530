/* varint.h: LEB128 unsigned varints and zig-zag signed varints, as Kafka records use them
 * (VARINT <= 5 bytes, VARLONG <= 10 bytes). */
#ifndef SL_COMMON_VARINT_H
#define SL_COMMON_VARINT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define SL_VARINT_MAX32 5
#define SL_VARINT_MAX64 10

static inline uint32_t sl_zigzag32(int32_t v) { return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31); }
static inline uint64_t sl_zigzag64(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int32_t sl_unzigzag32(uint32_t v) { return (int32_t)(v >> 1) ^ -(int32_t)(v & 1); }
static inline int64_t sl_unzigzag64(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/* Writes into `out` (room for SL_VARINT_MAX64 bytes); returns the bytes written. */
size_t sl_uvarint_encode(uint64_t v, uint8_t *out);
size_t sl_varint_encode(int64_t v, uint8_t *out);
void sl_buf_append_uvarint(sl_buf *buf, uint64_t v);
void sl_buf_append_varint(sl_buf *buf, int64_t v);
/* Decodes from p[0..len). Returns bytes consumed, or 0 when the input is truncated or longer than
 * `maxbytes` (5 for 32-bit fields, 10 for 64-bit). */
size_t sl_uvarint_decode(const uint8_t *p, size_t len, size_t maxbytes, uint64_t *out);
size_t sl_varint_decode(const uint8_t *p, size_t len, size_t maxbytes, int64_t *out);
/* Encoded size of `v`. */
size_t sl_uvarint_size(uint64_t v);
size_t sl_varint_size(int64_t v);

#endif
