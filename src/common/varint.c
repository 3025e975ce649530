/* varint.c: LEB128 and zig-zag varints with strict length limits (a 6-byte VARINT is malformed). */
#include "common/varint.h"

size_t sl_uvarint_encode(uint64_t v, uint8_t *out)
{
        size_t n = 0;
        while (v >= 0x80) {
                out[n++] = (uint8_t)(v | 0x80);
                v >>= 7;
        }
        out[n++] = (uint8_t)v;
        return n;
}

size_t sl_varint_encode(int64_t v, uint8_t *out)
{
        return sl_uvarint_encode(sl_zigzag64(v), out);
}

void sl_buf_append_uvarint(sl_buf *buf, uint64_t v)
{
        uint8_t tmp[SL_VARINT_MAX64];
        sl_buf_append(buf, tmp, sl_uvarint_encode(v, tmp));
}

void sl_buf_append_varint(sl_buf *buf, int64_t v)
{
        sl_buf_append_uvarint(buf, sl_zigzag64(v));
}

/* A limit of SL_VARINT_MAX32 bytes or fewer means a 32-bit field: its last group may not carry
 * bits beyond 32, so a decoded VARINT always zig-zags back into int32 range. No limit reaches past
 * ten bytes, whose last group carries only bit 63. */
size_t sl_uvarint_decode(const uint8_t *p, size_t len, size_t maxbytes, uint64_t *out)
{
        unsigned bits = maxbytes <= SL_VARINT_MAX32 ? 32 : 64;
        uint64_t v = 0;
        if (maxbytes > SL_VARINT_MAX64)
                maxbytes = SL_VARINT_MAX64;
        for (size_t i = 0; i < len && i < maxbytes; i++) {
                unsigned shift = (unsigned)(7 * i);
                uint64_t group = p[i] & 0x7f;
                if (shift + 7 > bits && group >> (bits - shift))
                        return 0;  /* the value does not fit the field */
                v |= group << shift;
                if (!(p[i] & 0x80)) {
                        *out = v;
                        return i + 1;
                }
        }
        return 0;
}

size_t sl_varint_decode(const uint8_t *p, size_t len, size_t maxbytes, int64_t *out)
{
        uint64_t u;
        size_t n = sl_uvarint_decode(p, len, maxbytes, &u);
        if (n)
                *out = sl_unzigzag64(u);
        return n;
}

size_t sl_uvarint_size(uint64_t v)
{
        size_t n = 1;
        while (v >= 0x80) {
                v >>= 7;
                n++;
        }
        return n;
}

size_t sl_varint_size(int64_t v)
{
        return sl_uvarint_size(sl_zigzag64(v));
}
