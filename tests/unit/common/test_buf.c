/* test_buf.c: the byte buffer (growth, NUL termination, detach, reset) and big-endian loads and
 * stores, and slice comparison. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/mem.h"

Test(common_buf, big_endian_stores_put_the_most_significant_byte_first)
{
        uint8_t b[8];
        sl_store_be16(b, 0x1234);
        cr_assert_arr_eq(b, ((uint8_t[]){0x12, 0x34}), 2);
        sl_store_be32(b, 0x89abcdefu);
        cr_assert_arr_eq(b, ((uint8_t[]){0x89, 0xab, 0xcd, 0xef}), 4);
        sl_store_be64(b, 0x0102030405060708ull);
        cr_assert_arr_eq(b, ((uint8_t[]){1, 2, 3, 4, 5, 6, 7, 8}), 8);
        sl_store_be64(b, 0xfedcba9876543210ull);
        cr_assert_arr_eq(b, ((uint8_t[]){0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}), 8);
}

Test(common_buf, big_endian_loads_invert_stores_at_any_offset)
{
        static const uint64_t values[] = {0, 1, 0x7f, 0x80, 0xff, 0x8000, 0xffff, 0x80000000u, 0xffffffffu,
                                          0x8000000000000000ull, UINT64_MAX, 0x0123456789abcdefull};
        uint8_t raw[16];
        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
                for (size_t off = 0; off < 8; off++) {  /* unaligned too */
                        sl_store_be16(raw + off, (uint16_t)values[i]);
                        cr_assert_eq(sl_load_be16(raw + off), (uint16_t)values[i]);
                        sl_store_be32(raw + off, (uint32_t)values[i]);
                        cr_assert_eq(sl_load_be32(raw + off), (uint32_t)values[i]);
                        sl_store_be64(raw + off, values[i]);
                        cr_assert_eq(sl_load_be64(raw + off), values[i]);
                }
        }
        static const uint8_t neg[] = {0xff, 0xff, 0xff, 0xfe};
        cr_assert_eq((int32_t)sl_load_be32(neg), -2, "two's complement reads back signed");
}

Test(common_buf, appends_are_big_endian_and_contiguous)
{
        sl_buf buf;
        sl_buf_init(&buf);
        sl_buf_append_u8(&buf, 0xaa);
        sl_buf_append_be16(&buf, 0x0102);
        sl_buf_append_be32(&buf, 0x03040506);
        sl_buf_append_be64(&buf, 0x0708090a0b0c0d0eull);
        sl_buf_append(&buf, "xy", 2);
        static const uint8_t want[] = {0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 'x', 'y'};
        cr_assert_eq(buf.len, sizeof want);
        cr_assert_arr_eq(buf.data, want, sizeof want);
        cr_assert_eq(buf.data[buf.len], 0, "NUL past the end");
        sl_buf_deinit(&buf);
        cr_assert_null(buf.data);
        cr_assert_eq(buf.len, 0);
}

Test(common_buf, growth_over_many_kilobytes_keeps_content_and_terminator)
{
        sl_buf buf = {0};
        for (uint32_t i = 0; i < 50000; i++) {
                sl_buf_append_be32(&buf, i);
                cr_assert_lt(buf.len, buf.cap, "room for the NUL");
                cr_assert_eq(buf.data[buf.len], 0);
        }
        cr_assert_eq(buf.len, 200000);
        for (uint32_t i = 0; i < 50000; i++)
                cr_assert_eq(sl_load_be32(buf.data + 4 * i), i);
        sl_buf_deinit(&buf);
}

Test(common_buf, extend_returns_room_at_the_end)
{
        sl_buf buf;
        sl_buf_init(&buf);
        sl_buf_append(&buf, "ab", 2);
        uint8_t *p = sl_buf_extend(&buf, 3);
        cr_assert_eq(p, buf.data + 2);
        memcpy(p, "cde", 3);
        cr_assert_eq(buf.len, 5);
        cr_assert_str_eq((char *)buf.data, "abcde");
        cr_assert_not_null(sl_buf_extend(&buf, 0));
        cr_assert_eq(buf.len, 5);
        sl_buf_deinit(&buf);
}

Test(common_buf, reserve_then_extend_does_not_move_the_data)
{
        sl_buf buf;
        sl_buf_init(&buf);
        sl_buf_reserve(&buf, 1000);
        uint8_t *before = buf.data;
        cr_assert_geq(buf.cap, 1001);
        for (int i = 0; i < 1000; i++)
                sl_buf_append_u8(&buf, (uint8_t)i);
        cr_assert_eq(buf.data, before, "reserved room is used without reallocation");
        sl_buf_deinit(&buf);
}

Test(common_buf, reset_keeps_capacity_and_empties)
{
        sl_buf buf;
        sl_buf_init(&buf);
        sl_buf_reset(&buf);  /* on an empty buffer too */
        sl_buf_append(&buf, "hello", 5);
        size_t cap = buf.cap;
        sl_buf_reset(&buf);
        cr_assert_eq(buf.len, 0);
        cr_assert_eq(buf.cap, cap);
        cr_assert_str_eq((char *)buf.data, "");
        sl_buf_append(&buf, "x", 1);
        cr_assert_str_eq((char *)buf.data, "x");
        sl_buf_deinit(&buf);
}

Test(common_buf, detach_hands_over_terminated_bytes_and_empties)
{
        sl_buf buf;
        sl_buf_init(&buf);
        sl_buf_append(&buf, "a\0b", 3);
        size_t len = 0;
        uint8_t *p = sl_buf_detach(&buf, &len);
        cr_assert_eq(len, 3);
        cr_assert_eq(memcmp(p, "a\0b\0", 4), 0);
        cr_assert_null(buf.data);
        cr_assert_eq(buf.len, 0);
        cr_assert_eq(buf.cap, 0);
        sl_buf_append(&buf, "z", 1);  /* still usable */
        cr_assert_str_eq((char *)buf.data, "z");
        sl_buf_deinit(&buf);
        sl_free(p);
}

Test(common_buf, detach_of_an_empty_buffer_is_an_empty_string)
{
        sl_buf buf;
        sl_buf_init(&buf);
        size_t len = 99;
        uint8_t *p = sl_buf_detach(&buf, &len);
        cr_assert_not_null(p);
        cr_assert_eq(len, 0);
        cr_assert_eq(p[0], 0);
        sl_free(p);
        p = sl_buf_detach(&buf, NULL);
        cr_assert_not_null(p);
        sl_free(p);
}

Test(common_buf, slice_views_the_buffer)
{
        sl_buf buf;
        sl_buf_init(&buf);
        sl_slice s = sl_buf_slice(&buf);
        cr_assert_eq(s.len, 0);
        sl_buf_append(&buf, "key", 3);
        s = sl_buf_slice(&buf);
        cr_assert_eq(s.ptr, buf.data);
        cr_assert_eq(s.len, 3);
        cr_assert(sl_slice_eq(s, sl_slice_from_cstr("key")));
        sl_buf_deinit(&buf);
}

Test(common_buf, slices_compare_in_memcmp_order_with_prefix_first)
{
        typedef struct cmp_case {
                const char *a;  /* left operand */
                size_t alen;
                const char *b;  /* right operand */
                size_t blen;
                int sign;       /* expected sign of cmp */
        } cmp_case;
        static const cmp_case cases[] = {
                {"", 0, "", 0, 0},           {NULL, 0, "", 0, 0},       {"", 0, "a", 1, -1},
                {"a", 1, "", 0, 1},          {"ab", 2, "abc", 3, -1},   {"abc", 3, "ab", 2, 1},
                {"abc", 3, "abd", 3, -1},    {"b", 1, "abc", 3, 1},     {"\x80", 1, "\x7f", 1, 1},
                {"a\0", 2, "a", 1, 1},       {"abc", 3, "abc", 3, 0},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_slice a = SL_SLICE(cases[i].a, cases[i].alen), b = SL_SLICE(cases[i].b, cases[i].blen);
                int c = sl_slice_cmp(a, b);
                int sign = (c > 0) - (c < 0);
                cr_assert_eq(sign, cases[i].sign, "case %zu", i);
                cr_assert_eq(sl_slice_eq(a, b), cases[i].sign == 0, "case %zu", i);
        }
}

Test(common_buf, impossible_growth_aborts, .signal = SIGABRT)
{
        sl_log_set_level(SL_LOG_OFF);  /* the abort is expected: keep its message out of the output */
        sl_buf buf;
        sl_buf_init(&buf);
        sl_buf_append(&buf, "abc", 3);
        /* len + extra + 1 wraps: the buffer must not pretend to have the room */
        sl_buf_extend(&buf, SIZE_MAX - 2);
}

Test(common_buf, growth_past_half_the_address_space_aborts, .signal = SIGABRT, .timeout = 20)
{
        sl_log_set_level(SL_LOG_OFF);
        sl_buf buf;
        sl_buf_init(&buf);
        sl_buf_append(&buf, "abc", 3);
        /* doubling the capacity would wrap to 0 and never reach this */
        sl_buf_reserve(&buf, SIZE_MAX / 2 + 10);
}
