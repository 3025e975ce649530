/* base64.c: the base64 decoding loop shared by BYTES in serdes and FROM_BYTES/TO_BYTES. */
#include "common/base64.h"

static int char_value(unsigned char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        return c == '+' ? 62 : c == '/' ? 63 : -1;
}

long sl_base64_decode_chars(const char *p, size_t n, uint8_t *dst)
{
        uint32_t acc = 0;
        int bits = 0;
        long o = 0;
        for (size_t i = 0; i < n; i++) {
                int v = char_value((unsigned char)p[i]);
                if (v < 0)
                        return -1;
                acc = (acc << 6) | (uint32_t)v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        dst[o++] = (uint8_t)(acc >> bits);
                }
        }
        return o;
}
