/* test_varint.c: LEB128 and zig-zag varints: the examples from the Kafka protocol guide and the
 * protobuf encoding notes, limits of INT32/INT64, and rejection of truncated and over-long input. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "common/varint.h"

typedef struct uvarint_case {
        uint64_t value;     /* unsigned value */
        size_t len;         /* encoded length */
        uint8_t bytes[10];  /* expected encoding */
} uvarint_case;

Test(common_varint, unsigned_examples_encode_as_published)
{
        static const uvarint_case cases[] = {
                {0, 1, {0x00}},
                {1, 1, {0x01}},
                {127, 1, {0x7f}},
                {128, 2, {0x80, 0x01}},
                {150, 2, {0x96, 0x01}},
                {300, 2, {0xac, 0x02}},
                {16383, 2, {0xff, 0x7f}},
                {16384, 3, {0x80, 0x80, 0x01}},
                {UINT32_MAX, 5, {0xff, 0xff, 0xff, 0xff, 0x0f}},
                {UINT64_MAX, 10, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                uint8_t out[SL_VARINT_MAX64];
                size_t n = sl_uvarint_encode(cases[i].value, out);
                cr_assert_eq(n, cases[i].len, "value %llu", (unsigned long long)cases[i].value);
                cr_assert_arr_eq(out, cases[i].bytes, n, "value %llu", (unsigned long long)cases[i].value);
                cr_assert_eq(sl_uvarint_size(cases[i].value), n);
                uint64_t back = 0;
                cr_assert_eq(sl_uvarint_decode(out, n, SL_VARINT_MAX64, &back), n);
                cr_assert_eq(back, cases[i].value);
        }
}

typedef struct varint_case {
        int64_t value;     /* signed value */
        size_t len;        /* encoded length */
        uint8_t bytes[3];  /* expected zig-zag encoding */
} varint_case;

Test(common_varint, zigzag_examples_encode_as_in_kafka_records)
{
        static const varint_case cases[] = {
                {0, 1, {0x00}},    {-1, 1, {0x01}},   {1, 1, {0x02}},         {-2, 1, {0x03}},
                {2, 1, {0x04}},    {-64, 1, {0x7f}},  {64, 2, {0x80, 0x01}},  {-65, 2, {0x81, 0x01}},
                {63, 1, {0x7e}},   {150, 2, {0xac, 0x02}},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                uint8_t out[SL_VARINT_MAX64];
                size_t n = sl_varint_encode(cases[i].value, out);
                cr_assert_eq(n, cases[i].len, "value %lld", (long long)cases[i].value);
                cr_assert_arr_eq(out, cases[i].bytes, n, "value %lld", (long long)cases[i].value);
                cr_assert_eq(sl_varint_size(cases[i].value), n);
                int64_t back = 99;
                cr_assert_eq(sl_varint_decode(out, n, SL_VARINT_MAX32, &back), n);
                cr_assert_eq(back, cases[i].value);
        }
}

Test(common_varint, zigzag_helpers_map_limits_both_ways)
{
        cr_assert_eq(sl_zigzag32(0), 0u);
        cr_assert_eq(sl_zigzag32(-1), 1u);
        cr_assert_eq(sl_zigzag32(1), 2u);
        cr_assert_eq(sl_zigzag32(INT32_MAX), 0xfffffffeu);
        cr_assert_eq(sl_zigzag32(INT32_MIN), 0xffffffffu);
        cr_assert_eq(sl_unzigzag32(0xfffffffeu), INT32_MAX);
        cr_assert_eq(sl_unzigzag32(0xffffffffu), INT32_MIN);
        cr_assert_eq(sl_zigzag64(INT64_MAX), UINT64_MAX - 1);
        cr_assert_eq(sl_zigzag64(INT64_MIN), UINT64_MAX);
        cr_assert_eq(sl_unzigzag64(UINT64_MAX - 1), INT64_MAX);
        cr_assert_eq(sl_unzigzag64(UINT64_MAX), INT64_MIN);
}

/* Each of the `n` `values` encodes in at most `max` bytes and decodes back (reading at most `max`). */
static void expect_round_trips(const int64_t *values, size_t n, size_t max)
{
        for (size_t i = 0; i < n; i++) {
                uint8_t out[SL_VARINT_MAX64];
                size_t len = sl_varint_encode(values[i], out);
                int64_t back;

                cr_assert_leq(len, max);
                cr_assert_eq(sl_varint_decode(out, len, max, &back), len);
                cr_assert_eq(back, values[i]);
        }
}

Test(common_varint, int32_and_int64_limits_round_trip)
{
        static const int64_t values32[] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX};
        static const int64_t values64[] = {INT64_MIN, INT64_MIN + 1, (int64_t)INT32_MIN - 1,
                                           (int64_t)INT32_MAX + 1, INT64_MAX - 1, INT64_MAX};

        expect_round_trips(values32, sizeof values32 / sizeof values32[0], SL_VARINT_MAX32);
        cr_assert_eq(sl_varint_size(INT32_MIN), 5);
        cr_assert_eq(sl_varint_size(INT32_MAX), 5);
        expect_round_trips(values64, sizeof values64 / sizeof values64[0], SL_VARINT_MAX64);
        cr_assert_eq(sl_varint_size(INT64_MIN), 10);
        cr_assert_eq(sl_varint_size(INT64_MAX), 10);
}

Test(common_varint, every_power_of_two_boundary_round_trips)
{
        for (int bit = 0; bit < 64; bit++) {
                uint64_t v = (uint64_t)1 << bit;
                uint64_t probes[] = {v - 1, v, v + 1};
                for (int k = 0; k < 3; k++) {
                        uint8_t out[SL_VARINT_MAX64];
                        size_t n = sl_uvarint_encode(probes[k], out);
                        cr_assert_eq(n, sl_uvarint_size(probes[k]));
                        uint64_t back;
                        cr_assert_eq(sl_uvarint_decode(out, n, SL_VARINT_MAX64, &back), n);
                        cr_assert_eq(back, probes[k]);
                        int64_t s = (int64_t)probes[k], sback;
                        n = sl_varint_encode(s, out);
                        cr_assert_eq(sl_varint_decode(out, n, SL_VARINT_MAX64, &sback), n);
                        cr_assert_eq(sback, s);
                }
        }
}

Test(common_varint, truncated_input_is_rejected)
{
        uint8_t out[SL_VARINT_MAX64];
        size_t n = sl_uvarint_encode(UINT64_MAX, out);
        for (size_t len = 0; len < n; len++) {
                uint64_t v = 12345;
                cr_assert_eq(sl_uvarint_decode(out, len, SL_VARINT_MAX64, &v), 0, "len %zu", len);
                cr_assert_eq(v, 12345, "output must be untouched on failure");
        }
        int64_t s = 7;
        cr_assert_eq(sl_varint_decode((const uint8_t *)"\x80", 1, SL_VARINT_MAX32, &s), 0);
        cr_assert_eq(s, 7);
        cr_assert_eq(sl_varint_decode(NULL, 0, SL_VARINT_MAX32, &s), 0);
}

Test(common_varint, overlong_encodings_are_rejected)
{
        /* 6 bytes for a VARINT whose limit is 5 */
        static const uint8_t six[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
        int64_t s;
        uint64_t u;
        cr_assert_eq(sl_varint_decode(six, sizeof six, SL_VARINT_MAX32, &s), 0);
        cr_assert_eq(sl_uvarint_decode(six, sizeof six, SL_VARINT_MAX32, &u), 0);
        /* accepted when the limit allows it: the limit, not the content, rejected it */
        cr_assert_eq(sl_uvarint_decode(six, sizeof six, SL_VARINT_MAX64, &u), 6);
        cr_assert_eq(u, 0);
        /* 11 bytes for a VARLONG */
        static const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
        cr_assert_eq(sl_varint_decode(eleven, sizeof eleven, SL_VARINT_MAX64, &s), 0);
}

Test(common_varint, five_byte_varint_beyond_32_bits_is_rejected)
{
        /* ff ff ff ff 1f decodes to 2^33 - 1: no INT32 zig-zags to it */
        static const uint8_t wide[] = {0xff, 0xff, 0xff, 0xff, 0x1f};
        int64_t s = 5;
        cr_assert_eq(sl_varint_decode(wide, sizeof wide, SL_VARINT_MAX32, &s), 0);
        cr_assert_eq(s, 5);
        /* the largest 5-byte value that still fits 32 bits is fine */
        static const uint8_t max32[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
        uint64_t u;
        cr_assert_eq(sl_uvarint_decode(max32, sizeof max32, SL_VARINT_MAX32, &u), 5);
        cr_assert_eq(u, UINT32_MAX);
        /* the same bytes are a valid VARLONG */
        cr_assert_eq(sl_uvarint_decode(wide, sizeof wide, SL_VARINT_MAX64, &u), 5);
        cr_assert_eq(u, 0x1ffffffffull);
}

Test(common_varint, ten_byte_varlong_beyond_64_bits_is_rejected)
{
        /* the tenth byte may carry only bit 63 */
        uint8_t wide[10];
        memset(wide, 0xff, 9);
        wide[9] = 0x02;
        uint64_t u = 1;
        cr_assert_eq(sl_uvarint_decode(wide, sizeof wide, SL_VARINT_MAX64, &u), 0);
        cr_assert_eq(u, 1);
        wide[9] = 0x01;
        cr_assert_eq(sl_uvarint_decode(wide, sizeof wide, SL_VARINT_MAX64, &u), 10);
        cr_assert_eq(u, UINT64_MAX);
}

Test(common_varint, limit_above_ten_bytes_still_stops_at_ten)
{
        /* a generous limit must not shift past 64 bits */
        static const uint8_t twelve[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
        uint64_t u = 3;
        cr_assert_eq(sl_uvarint_decode(twelve, sizeof twelve, 64, &u), 0);
        cr_assert_eq(u, 3);
}

Test(common_varint, decode_stops_at_the_first_terminated_value)
{
        static const uint8_t two[] = {0xac, 0x02, 0x01};
        uint64_t u;
        cr_assert_eq(sl_uvarint_decode(two, sizeof two, SL_VARINT_MAX32, &u), 2);
        cr_assert_eq(u, 300);
        cr_assert_eq(sl_uvarint_decode(two + 2, 1, SL_VARINT_MAX32, &u), 1);
        cr_assert_eq(u, 1);
}

Test(common_varint, buffer_appends_concatenate_encodings)
{
        sl_buf buf;
        sl_buf_init(&buf);
        sl_buf_append_uvarint(&buf, 300);
        sl_buf_append_varint(&buf, -64);
        sl_buf_append_varint(&buf, 64);
        sl_buf_append_varint(&buf, INT64_MIN);
        static const uint8_t head[] = {0xac, 0x02, 0x7f, 0x80, 0x01};
        cr_assert_eq(buf.len, sizeof head + 10);
        cr_assert_arr_eq(buf.data, head, sizeof head);
        size_t off = 0, n;
        uint64_t u;
        int64_t s;
        n = sl_uvarint_decode(buf.data + off, buf.len - off, SL_VARINT_MAX32, &u);
        cr_assert(n == 2 && u == 300);
        off += n;
        n = sl_varint_decode(buf.data + off, buf.len - off, SL_VARINT_MAX32, &s);
        cr_assert(n == 1 && s == -64);
        off += n;
        n = sl_varint_decode(buf.data + off, buf.len - off, SL_VARINT_MAX32, &s);
        cr_assert(n == 2 && s == 64);
        off += n;
        n = sl_varint_decode(buf.data + off, buf.len - off, SL_VARINT_MAX64, &s);
        cr_assert(n == 10 && s == INT64_MIN);
        off += n;
        cr_assert_eq(off, buf.len);
        sl_buf_deinit(&buf);
}
