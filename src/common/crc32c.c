/* crc32c.c: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78). The SSE4.2 path handles 8
 * bytes per instruction; the portable path uses slicing-by-8 tables built on first use. */
#include "common/crc32c.h"

#include <pthread.h>
#include <string.h>

#define POLY 0x82F63B78u

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void build_table(void)
{
        for (uint32_t n = 0; n < 256; n++) {
                uint32_t c = n;
                for (int k = 0; k < 8; k++)
                        c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
                table[0][n] = c;
        }
        for (uint32_t n = 0; n < 256; n++)
                for (int k = 1; k < 8; k++)
                        table[k][n] = (table[k - 1][n] >> 8) ^ table[0][table[k - 1][n] & 0xff];
}

uint32_t sl_crc32c_sw(uint32_t crc, const void *data, size_t len)
{
        const unsigned char *p = data;
        pthread_once(&table_once, build_table);
        crc = ~crc;
        while (len >= 8) {
                uint64_t w;
                memcpy(&w, p, 8);
                w ^= crc;  /* little-endian hosts only; x86-64 and aarch64 are */
                crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
                      table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^
                      table[2][(w >> 40) & 0xff] ^ table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
                p += 8;
                len -= 8;
        }
        while (len--)
                crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
        return ~crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t crc, const void *data, size_t len)
{
        const unsigned char *p = data;
        uint64_t c = ~crc;
        while (len >= 8) {
                uint64_t w;
                memcpy(&w, p, 8);
                c = __builtin_ia32_crc32di(c, w);
                p += 8;
                len -= 8;
        }
        uint32_t c32 = (uint32_t)c;
        while (len--)
                c32 = __builtin_ia32_crc32qi(c32, *p++);
        return ~c32;
}

int sl_crc32c_hw_available(void)
{
        return __builtin_cpu_supports("sse4.2");
}

uint32_t sl_crc32c(uint32_t crc, const void *data, size_t len)
{
        static int hw = -1;
        if (hw < 0)
                hw = sl_crc32c_hw_available();
        return hw ? crc32c_hw(crc, data, len) : sl_crc32c_sw(crc, data, len);
}
#else
int sl_crc32c_hw_available(void)
{
        return 0;
}

uint32_t sl_crc32c(uint32_t crc, const void *data, size_t len)
{
        return sl_crc32c_sw(crc, data, len);
}
#endif
