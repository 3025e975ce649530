/* test_crc32c.c: CRC-32C against the published check vectors (RFC 3720 appendix B.4 and the
 * usual "123456789" check value), and the hardware path against the portable one on random
 * buffers, whole and split at random points (continuation through the `crc` argument). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "common/crc32c.h"

/* xorshift64*: a fixed-seed generator so every run checks the same buffers */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 0x2545f4914f6cdd1dull;
}

typedef struct crc_case {
        const char *name;    /* what the vector is */
        uint8_t data[64];    /* input bytes */
        size_t len;          /* bytes used in data */
        uint32_t expected;   /* published CRC-32C */
} crc_case;

static void fill_cases(crc_case *cases, size_t *count)
{
        size_t n = 0;
        cases[n] = (crc_case){.name = "123456789", .len = 9, .expected = 0xE3069283u};
        memcpy(cases[n].data, "123456789", 9);
        n++;
        cases[n] = (crc_case){.name = "32 zeros", .len = 32, .expected = 0x8A9136AAu};
        n++;
        cases[n] = (crc_case){.name = "32 x 0xFF", .len = 32, .expected = 0x62A8AB43u};
        memset(cases[n].data, 0xff, 32);
        n++;
        cases[n] = (crc_case){.name = "ascending 0..31", .len = 32, .expected = 0x46DD794Eu};
        for (int i = 0; i < 32; i++)
                cases[n].data[i] = (uint8_t)i;
        n++;
        cases[n] = (crc_case){.name = "descending 31..0", .len = 32, .expected = 0x113FDB5Cu};
        for (int i = 0; i < 32; i++)
                cases[n].data[i] = (uint8_t)(31 - i);
        n++;
        /* RFC 3720 B.4: an iSCSI SCSI Read (10) command PDU, 48 bytes */
        static const uint8_t pdu[48] = {
                0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        };
        cases[n] = (crc_case){.name = "iSCSI read PDU", .len = 48, .expected = 0xD9963A56u};
        memcpy(cases[n].data, pdu, 48);
        n++;
        cases[n] = (crc_case){.name = "empty", .len = 0, .expected = 0};
        n++;
        *count = n;
}

Test(common_crc32c, published_check_vectors_match_on_both_paths)
{
        crc_case cases[8];
        size_t n;
        fill_cases(cases, &n);
        for (size_t i = 0; i < n; i++) {
                cr_expect_eq(sl_crc32c(0, cases[i].data, cases[i].len), cases[i].expected,
                             "%s: dispatching path gave %08x", cases[i].name,
                             sl_crc32c(0, cases[i].data, cases[i].len));
                cr_expect_eq(sl_crc32c_sw(0, cases[i].data, cases[i].len), cases[i].expected,
                             "%s: portable path gave %08x", cases[i].name,
                             sl_crc32c_sw(0, cases[i].data, cases[i].len));
        }
}

Test(common_crc32c, vectors_hold_when_fed_one_byte_at_a_time)
{
        crc_case cases[8];
        size_t n;
        fill_cases(cases, &n);
        for (size_t i = 0; i < n; i++) {
                uint32_t hw = 0, sw = 0;
                for (size_t k = 0; k < cases[i].len; k++) {
                        hw = sl_crc32c(hw, cases[i].data + k, 1);
                        sw = sl_crc32c_sw(sw, cases[i].data + k, 1);
                }
                cr_expect_eq(hw, cases[i].expected, "%s", cases[i].name);
                cr_expect_eq(sw, cases[i].expected, "%s", cases[i].name);
        }
}

Test(common_crc32c, zero_length_extension_leaves_crc_unchanged)
{
        uint32_t c = sl_crc32c(0, "abc", 3);
        cr_assert_eq(sl_crc32c(c, "", 0), c);
        cr_assert_eq(sl_crc32c_sw(c, NULL, 0), c);
}

Test(common_crc32c, hardware_and_portable_agree_on_random_buffers_of_every_length)
{
        if (!sl_crc32c_hw_available())
                cr_log_warn("no SSE4.2 here: only the portable path is exercised");
        uint8_t buf[301 + 8];
        for (size_t len = 0; len <= 300; len++) {
                /* vary the alignment too: the 8-byte loops read unaligned words */
                size_t off = len % 8;
                for (size_t i = 0; i < len; i++)
                        buf[off + i] = (uint8_t)rng_next();
                uint32_t whole_hw = sl_crc32c(0, buf + off, len);
                uint32_t whole_sw = sl_crc32c_sw(0, buf + off, len);
                cr_assert_eq(whole_hw, whole_sw, "len %zu: %08x vs %08x", len, whole_hw, whole_sw);
                for (int trial = 0; trial < 4; trial++) {
                        size_t cut = len ? (size_t)(rng_next() % (len + 1)) : 0;
                        uint32_t hw = sl_crc32c(sl_crc32c(0, buf + off, cut), buf + off + cut, len - cut);
                        uint32_t sw = sl_crc32c_sw(sl_crc32c_sw(0, buf + off, cut), buf + off + cut, len - cut);
                        /* mixed: start on one path, finish on the other */
                        uint32_t mix = sl_crc32c_sw(sl_crc32c(0, buf + off, cut), buf + off + cut, len - cut);
                        cr_assert_eq(hw, whole_sw, "len %zu cut %zu: hw continuation", len, cut);
                        cr_assert_eq(sw, whole_sw, "len %zu cut %zu: sw continuation", len, cut);
                        cr_assert_eq(mix, whole_sw, "len %zu cut %zu: mixed continuation", len, cut);
                }
        }
}

Test(common_crc32c, single_bit_flip_changes_the_crc)
{
        uint8_t buf[64];
        for (size_t i = 0; i < sizeof buf; i++)
                buf[i] = (uint8_t)rng_next();
        uint32_t base = sl_crc32c(0, buf, sizeof buf);
        for (size_t bit = 0; bit < sizeof buf * 8; bit++) {
                buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                cr_assert_neq(sl_crc32c(0, buf, sizeof buf), base, "bit %zu", bit);
                buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
}
