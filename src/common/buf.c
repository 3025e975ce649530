/* buf.c: the growable byte buffer, slices and big-endian loads and stores. */
#include "common/buf.h"

#include <stdint.h>
#include <string.h>

#include "common/mem.h"

sl_slice sl_slice_from_cstr(const char *s)
{
        return SL_SLICE(s, strlen(s));
}

int sl_slice_cmp(sl_slice a, sl_slice b)
{
        size_t n = a.len < b.len ? a.len : b.len;
        int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
        if (c)
                return c;
        return a.len < b.len ? -1 : a.len > b.len;
}

bool sl_slice_eq(sl_slice a, sl_slice b)
{
        return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

void sl_buf_init(sl_buf *buf)
{
        buf->data = NULL;
        buf->len = buf->cap = 0;
}

void sl_buf_deinit(sl_buf *buf)
{
        sl_free(buf->data);
        sl_buf_init(buf);
}

void sl_buf_reset(sl_buf *buf)
{
        buf->len = 0;
        if (buf->data)
                buf->data[0] = 0;
}

void sl_buf_reserve(sl_buf *buf, size_t extra)
{
        if (extra > (size_t)PTRDIFF_MAX - 1 - buf->len)
                sl_mem_overflow(1, extra);  /* len + extra + 1 would not fit */
        size_t need = buf->len + extra + 1; /* +1: keep room for the terminating NUL */
        if (need <= buf->cap)
                return;
        size_t cap = buf->cap ? buf->cap : 64;
        while (cap < need)
                cap = cap > (size_t)PTRDIFF_MAX / 2 ? need : cap * 2;
        buf->data = sl_realloc(buf->data, cap);
        buf->cap = cap;
}

uint8_t *sl_buf_detach(sl_buf *buf, size_t *len)
{
        sl_buf_reserve(buf, 0);
        buf->data[buf->len] = 0;
        uint8_t *p = buf->data;
        if (len)
                *len = buf->len;
        sl_buf_init(buf);
        return p;
}

uint8_t *sl_buf_extend(sl_buf *buf, size_t len)
{
        sl_buf_reserve(buf, len);
        uint8_t *p = buf->data + buf->len;
        buf->len += len;
        buf->data[buf->len] = 0;
        return p;
}

void sl_buf_append(sl_buf *buf, const void *p, size_t len)
{
        uint8_t *dst = sl_buf_extend(buf, len);
        if (len)
                memcpy(dst, p, len);
}

void sl_buf_append_u8(sl_buf *buf, uint8_t v)
{
        *sl_buf_extend(buf, 1) = v;
}

void sl_buf_append_be16(sl_buf *buf, uint16_t v)
{
        sl_store_be16(sl_buf_extend(buf, 2), v);
}

void sl_buf_append_be32(sl_buf *buf, uint32_t v)
{
        sl_store_be32(sl_buf_extend(buf, 4), v);
}

void sl_buf_append_be64(sl_buf *buf, uint64_t v)
{
        sl_store_be64(sl_buf_extend(buf, 8), v);
}

sl_slice sl_buf_slice(const sl_buf *buf)
{
        return SL_SLICE(buf->data, buf->len);
}

uint16_t sl_load_be16(const uint8_t *p)
{
        return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

uint32_t sl_load_be32(const uint8_t *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t sl_load_be64(const uint8_t *p)
{
        return (uint64_t)sl_load_be32(p) << 32 | sl_load_be32(p + 4);
}

void sl_store_be16(uint8_t *p, uint16_t v)
{
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
}

void sl_store_be32(uint8_t *p, uint32_t v)
{
        p[0] = (uint8_t)(v >> 24);
        p[1] = (uint8_t)(v >> 16);
        p[2] = (uint8_t)(v >> 8);
        p[3] = (uint8_t)v;
}

void sl_store_be64(uint8_t *p, uint64_t v)
{
        sl_store_be32(p, (uint32_t)(v >> 32));
        sl_store_be32(p + 4, (uint32_t)v);
}

/* A JSON string as Jackson writes it: quote, backslash and control characters escaped, the rest
 * (UTF-8 included) as is. */
void sl_buf_append_json(sl_buf *out, const char *p, size_t len)
{
        static const char hex[] = "0123456789ABCDEF";
        sl_buf_reserve(out, len + 2);
        sl_buf_append_u8(out, '"');
        size_t start = 0;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)p[i];
                if (c >= 0x20 && c != '"' && c != '\\')
                        continue;
                sl_buf_append(out, p + start, i - start);
                start = i + 1;
                char esc[6] = {'\\', 0};
                size_t en = 2;
                switch (c) {
                case '"': esc[1] = '"'; break;
                case '\\': esc[1] = '\\'; break;
                case '\n': esc[1] = 'n'; break;
                case '\r': esc[1] = 'r'; break;
                case '\t': esc[1] = 't'; break;
                case '\b': esc[1] = 'b'; break;
                case '\f': esc[1] = 'f'; break;
                default:
                        esc[1] = 'u';
                        esc[2] = '0';
                        esc[3] = '0';
                        esc[4] = hex[c >> 4];
                        esc[5] = hex[c & 15];
                        en = 6;
                        break;
                }
                sl_buf_append(out, esc, en);
        }
        sl_buf_append(out, p + start, len - start);
        sl_buf_append_u8(out, '"');
}
