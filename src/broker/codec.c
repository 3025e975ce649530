/* codec.c: the out-of-line writers of codec.h (the readers are macros). */
#include "broker/codec.h"

void sl_wr_strn(sl_buf *b, const char *s, size_t len)
{
        if (len > INT16_MAX)
                len = INT16_MAX;
        sl_wr_i16(b, (int16_t)len);
        sl_buf_append(b, s, len);
}

void sl_wr_str(sl_buf *b, const char *s)
{
        if (!s) {
                sl_wr_i16(b, -1);
                return;
        }
        sl_wr_strn(b, s, strlen(s));
}

void sl_wr_str_ref(sl_buf *b, sl_str_ref s)
{
        if (s.null)
                sl_wr_i16(b, -1);
        else
                sl_wr_strn(b, s.ptr, s.len);
}

void sl_wr_bytes(sl_buf *b, const void *p, size_t len, bool null)
{
        if (null) {
                sl_wr_i32(b, -1);
                return;
        }
        sl_wr_i32(b, (int32_t)len);
        sl_buf_append(b, p, len);
}

size_t sl_wr_i32_later(sl_buf *b)
{
        size_t pos = b->len;
        sl_wr_i32(b, 0);
        return pos;
}

void sl_wr_i32_patch(sl_buf *b, size_t pos, int32_t v)
{
        sl_store_be32(b->data + pos, (uint32_t)v);
}
