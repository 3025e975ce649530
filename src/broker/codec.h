/* codec.h: Kafka wire primitives. Readers are macros over a cursor (sl_rd) that jump to the
 * caller's `bad_frame:` label on underflow or on a length that cannot be right, as librdkafka's
 * rd_kafka_buf_read_* jump to err_parse; writers append big-endian values to an sl_buf.
 * Only non-flexible encodings are needed: every version we advertise is non-flexible. */
#ifndef SL_BROKER_CODEC_H
#define SL_BROKER_CODEC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"

/* A read cursor over a borrowed frame. */
typedef struct sl_rd {
        const uint8_t *p;    /* next byte */
        const uint8_t *end;  /* one past the last byte */
} sl_rd;

#define SL_RD_LEFT(rd) ((size_t)((rd)->end - (rd)->p))
#define SL_RD_NEED(rd, n)                                                                                  \
        do {                                                                                               \
                if (SL_RD_LEFT(rd) < (size_t)(n))                                                          \
                        goto bad_frame;                                                                    \
        } while (0)

/* A fixed-size integer of `n` bytes, read with `load` and converted to `type`. */
#define SL_RD_FIXED(rd, out, n, type, load)                                                                \
        do {                                                                                               \
                SL_RD_NEED(rd, n);                                                                         \
                *(out) = (type)load((rd)->p);                                                              \
                (rd)->p += (n);                                                                            \
        } while (0)
#define sl_rd_i8(rd, out) SL_RD_FIXED(rd, out, 1, int8_t, *)
#define sl_rd_i16(rd, out) SL_RD_FIXED(rd, out, 2, int16_t, sl_load_be16)
#define sl_rd_i32(rd, out) SL_RD_FIXED(rd, out, 4, int32_t, sl_load_be32)
#define sl_rd_i64(rd, out) SL_RD_FIXED(rd, out, 8, int64_t, sl_load_be64)
/* A length-prefixed STRING / NULLABLE_STRING (`rd_len` sl_rd_i16, `T` int16_t) or BYTES /
 * NULLABLE_BYTES (sl_rd_i32, int32_t) into an sl_str_ref (null => .null = true, .len = 0). */
#define SL_RD_SIZED(rd, out, T, rd_len)                                                                    \
        do {                                                                                               \
                T len_;                                                                                    \
                rd_len(rd, &len_);                                                                         \
                if (len_ < -1)                                                                             \
                        goto bad_frame;                                                                    \
                (out)->null = len_ == -1;                                                                  \
                (out)->len = len_ < 0 ? 0 : (size_t)len_;                                                  \
                SL_RD_NEED(rd, (out)->len);                                                                \
                (out)->ptr = (const char *)(rd)->p;                                                        \
                (rd)->p += (out)->len;                                                                     \
        } while (0)
#define sl_rd_str(rd, out) SL_RD_SIZED(rd, out, int16_t, sl_rd_i16)
#define sl_rd_bytes(rd, out) SL_RD_SIZED(rd, out, int32_t, sl_rd_i32)
/* ARRAY count: -1 (null) is returned as -1; a count larger than the bytes left (every element
 * takes at least `min_elem` bytes) is a bad frame, so callers may allocate `count` elements. */
#define sl_rd_array(rd, out, min_elem)                                                                     \
        do {                                                                                               \
                sl_rd_i32(rd, (out));                                                                      \
                if (*(out) < -1 || (*(out) > 0 && (size_t)*(out) * (size_t)(min_elem) > SL_RD_LEFT(rd)))    \
                        goto bad_frame;                                                                    \
        } while (0)

/* A borrowed string or byte range inside a frame. */
typedef struct sl_str_ref {
        const char *ptr;  /* not NUL-terminated */
        size_t len;
        bool null;        /* NULLABLE_* null */
} sl_str_ref;

static inline bool sl_str_ref_eq(sl_str_ref a, const char *s)
{
        size_t n = strlen(s);
        return !a.null && a.len == n && memcmp(a.ptr, s, n) == 0;
}

static inline void sl_wr_i8(sl_buf *b, int8_t v) { sl_buf_append_u8(b, (uint8_t)v); }
static inline void sl_wr_i16(sl_buf *b, int16_t v) { sl_buf_append_be16(b, (uint16_t)v); }
static inline void sl_wr_i32(sl_buf *b, int32_t v) { sl_buf_append_be32(b, (uint32_t)v); }
static inline void sl_wr_i64(sl_buf *b, int64_t v) { sl_buf_append_be64(b, (uint64_t)v); }
static inline void sl_wr_bool(sl_buf *b, bool v) { sl_buf_append_u8(b, v ? 1 : 0); }
/* STRING from a C string; NULL writes a null NULLABLE_STRING. */
void sl_wr_str(sl_buf *b, const char *s);
void sl_wr_strn(sl_buf *b, const char *s, size_t len);
void sl_wr_str_ref(sl_buf *b, sl_str_ref s);
/* BYTES / NULLABLE_BYTES (NULL with len 0 and null=true writes -1). */
void sl_wr_bytes(sl_buf *b, const void *p, size_t len, bool null);
/* Reserves an INT32 to be patched later (array counts); returns its position. */
size_t sl_wr_i32_later(sl_buf *b);
void sl_wr_i32_patch(sl_buf *b, size_t pos, int32_t v);

#endif
