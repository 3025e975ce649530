/* buf.h: a growable byte buffer and the borrowed byte range (sl_slice) used across modules.
 * Big-endian appends serve the Kafka wire format and the key encoding. */
#ifndef SL_COMMON_BUF_H
#define SL_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A borrowed byte range: never owns `ptr`. */
typedef struct sl_slice {
        const uint8_t *ptr;
        size_t len;
} sl_slice;

#define SL_SLICE(p, n) ((sl_slice){(const uint8_t *)(p), (n)})
sl_slice sl_slice_from_cstr(const char *s);
/* memcmp order; a proper prefix sorts first. */
int sl_slice_cmp(sl_slice a, sl_slice b);
bool sl_slice_eq(sl_slice a, sl_slice b);

/* Embeddable; zero-initialised is a valid empty buffer. `data` is always NUL-terminated past
 * `len` once anything was appended, so text can be read as a C string. */
typedef struct sl_buf {
        uint8_t *data;
        size_t len;
        size_t cap;
} sl_buf;

void sl_buf_init(sl_buf *buf);
void sl_buf_deinit(sl_buf *buf);
/* Sets len to 0, keeps capacity. */
void sl_buf_reset(sl_buf *buf);
/* Makes room for `extra` more bytes (plus the terminating NUL). */
void sl_buf_reserve(sl_buf *buf, size_t extra);
/* Hands the bytes to the caller (free with sl_free) and leaves `buf` empty. Never NULL. */
uint8_t *sl_buf_detach(sl_buf *buf, size_t *len);

void sl_buf_append(sl_buf *buf, const void *p, size_t len);
void sl_buf_append_u8(sl_buf *buf, uint8_t v);
void sl_buf_append_be16(sl_buf *buf, uint16_t v);
void sl_buf_append_be32(sl_buf *buf, uint32_t v);
void sl_buf_append_be64(sl_buf *buf, uint64_t v);
/* Appends p[0..len) as a JSON string as Jackson writes it: in quotes, the quote, backslash and
 * control characters escaped, the rest (UTF-8 included) as is. */
void sl_buf_append_json(sl_buf *buf, const char *p, size_t len);
/* Reserves `len` bytes at the end and returns a pointer to them (valid until the next append). */
uint8_t *sl_buf_extend(sl_buf *buf, size_t len);
sl_slice sl_buf_slice(const sl_buf *buf);

/* Big-endian loads from raw memory (no bounds checks: callers check first). */
uint16_t sl_load_be16(const uint8_t *p);
uint32_t sl_load_be32(const uint8_t *p);
uint64_t sl_load_be64(const uint8_t *p);
void sl_store_be16(uint8_t *p, uint16_t v);
void sl_store_be32(uint8_t *p, uint32_t v);
void sl_store_be64(uint8_t *p, uint64_t v);

#endif
