/* test_keyenc.c: the memcmp order of key encodings equals sl_value_cmp's order, per type and for
 * tuples, over 100k random pairs each; every encoding decodes back to an equal value. The random
 * generators favour edge values (INT_MIN, -0.0, NaNs, infinities, empty strings, embedded NULs,
 * 38-digit decimals, prefixes) and small ranges so that equal values and shared prefixes occur. */
#include <criterion/criterion.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "types/compare.h"
#include "types/keyenc.h"

#define PAIRS 100000

static sl_arena arena;
static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static void setup(void) { sl_arena_init(&arena, 0); }
static void teardown(void) { sl_arena_deinit(&arena); }

TestSuite(types_keyenc, .init = setup, .fini = teardown);

static uint64_t rnd(void)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
}

static uint64_t below(uint64_t n) { return rnd() % n; }

static int64_t gen_i64(int64_t min, int64_t max)
{
        int64_t edges[] = {min, min + 1, -1, 0, 1, max - 1, max};
        switch (below(4)) {
        case 0:
                return edges[below(7)];
        case 1:
                return (int64_t)below(21) - 10;
        default:
                if (min == INT32_MIN)
                        return (int32_t)(uint32_t)rnd();
                return (int64_t)rnd();
        }
}

static double gen_double(void)
{
        static const uint64_t nan_bits[] = {0x7FF8000000000000ULL, 0xFFF8000000000000ULL, 0x7FF0000000000001ULL,
                                            0xFFFFFFFFFFFFFFFFULL};
        double edges[] = {-0.0, 0.0, INFINITY, -INFINITY, DBL_MIN, -DBL_MIN, 4.9e-324, -4.9e-324,
                          DBL_MAX, -DBL_MAX, 1.0, -1.0};
        uint64_t bits;
        double d;
        switch (below(5)) {
        case 0:
                return edges[below(sizeof edges / sizeof edges[0])];
        case 1:
                bits = nan_bits[below(4)];
                memcpy(&d, &bits, sizeof d);
                return d;
        case 2:
                return ((double)below(41) - 20) / 8.0;
        default:
                bits = rnd();
                memcpy(&d, &bits, sizeof d);
                return d;
        }
}

static sl_decimal gen_decimal(int p, int s)
{
        sl_i128 lim = sl_decimal_pow10(p), u;
        switch (below(4)) {
        case 0: {
                sl_i128 edges[] = {0, 1, -1, lim - 1, -(lim - 1)};
                u = edges[below(5)];
                break;
        }
        case 1:
                u = ((sl_i128)below(41) - 20) % lim;
                break;
        default:
                u = (sl_i128)((((unsigned __int128)rnd() << 64) | rnd()) % (unsigned __int128)lim);
                if (rnd() & 1)
                        u = -u;
        }
        return (sl_decimal){u, (uint8_t)p, (uint8_t)s};
}

static sl_value gen_bytes(int kind)
{
        static const uint8_t alphabet[] = {0x00, 0x01, 0xFF, 'a', 'b'};
        size_t n = below(7);
        uint8_t *p = sl_arena_alloc(&arena, n + 1);
        for (size_t i = 0; i < n; i++)
                p[i] = alphabet[below(sizeof alphabet)];
        return kind == SL_TYPE_STRING ? sl_value_string((const char *)p, n) : sl_value_bytes(p, n);
}

static sl_value gen(const sl_type *t);

static sl_value gen_small_int(void)
{
        return below(8) == 0 ? sl_value_null() : sl_value_int((int32_t)below(3) - 1);
}

static sl_value gen(const sl_type *t)
{
        if (below(20) == 0)
                return sl_value_null();
        sl_value *items;
        switch (t->kind) {
        case SL_TYPE_BOOLEAN:
                return sl_value_bool(rnd() & 1);
        case SL_TYPE_INT:
                return sl_value_int((int32_t)gen_i64(INT32_MIN, INT32_MAX));
        case SL_TYPE_DATE:
                return sl_value_date((int32_t)gen_i64(INT32_MIN, INT32_MAX));
        case SL_TYPE_TIME:
                return sl_value_time((int32_t)below(86400000));
        case SL_TYPE_BIGINT:
                return sl_value_bigint(gen_i64(INT64_MIN, INT64_MAX));
        case SL_TYPE_TIMESTAMP:
                return sl_value_timestamp(gen_i64(INT64_MIN, INT64_MAX));
        case SL_TYPE_DOUBLE:
                return sl_value_double(gen_double());
        case SL_TYPE_DECIMAL: {
                /* any precision and scale: values of different scales compare by value */
                int p = below(3) == 0 ? 38 : 1 + (int)below(38);
                int s = below(3) == 0 ? p : (int)below((uint64_t)p + 1);
                return sl_value_decimal(gen_decimal(p, s));
        }
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES:
                return gen_bytes(t->kind);
        case SL_TYPE_ARRAY: {
                size_t n = below(5);
                sl_value v = sl_value_composite_new(&arena, t, n, &items);
                for (size_t i = 0; i < n; i++)
                        items[i] = gen_small_int();
                return v;
        }
        case SL_TYPE_MAP: {
                size_t n = below(4);
                sl_value v = sl_value_composite_new(&arena, t, n, &items);
                static const char *keys[] = {"a", "b", "", "a\0"};
                size_t first = below(4);
                for (size_t i = 0; i < n; i++) {
                        size_t k = (first + i) % 4;  /* distinct keys, shuffled insertion order */
                        items[2 * i] = sl_value_string(keys[k], k == 3 ? 2 : strlen(keys[k]));
                        items[2 * i + 1] = gen_small_int();
                }
                return v;
        }
        case SL_TYPE_STRUCT: {
                sl_value v = sl_value_composite_new(&arena, t, t->nfields, &items);
                items[0] = gen_small_int();
                items[1] = below(4) ? gen_bytes(SL_TYPE_STRING) : sl_value_null();
                return v;
        }
        default:
                return sl_value_null();
        }
}

static int sign(int c) { return (c > 0) - (c < 0); }

/* Exact identity for round trips: sl_value_cmp equality plus the bits cmp cannot see. */
static bool same(const sl_value *a, const sl_value *b)
{
        if (sl_value_cmp(a, b) != 0 || a->kind != b->kind)
                return false;
        if (a->kind == SL_TYPE_DOUBLE && !isnan(a->u.f64))
                return memcmp(&a->u.f64, &b->u.f64, sizeof(double)) == 0;
        if (a->kind == SL_TYPE_DECIMAL)
                return a->u.dec == b->u.dec && a->scale == b->scale && a->precision == b->precision;
        return true;
}

static void check_pairs(const sl_type *t)
{
        sl_buf ea, eb;
        sl_buf_init(&ea);
        sl_buf_init(&eb);
        for (int i = 0; i < PAIRS; i++) {
                sl_arena_reset(&arena);
                sl_value a = gen(t), b = gen(t);
                sl_buf_reset(&ea);
                sl_buf_reset(&eb);
                sl_keyenc_append(&ea, &a);
                sl_keyenc_append(&eb, &b);
                int want = sign(sl_value_cmp(&a, &b)), got = sign(sl_slice_cmp(sl_buf_slice(&ea), sl_buf_slice(&eb)));
                if (want != got || want != -sign(sl_value_cmp(&b, &a)))
                        cr_assert_fail("pair %d: cmp %d, memcmp %d: %s vs %s", i, want, got,
                                       sl_value_to_cstr(&arena, &a), sl_value_to_cstr(&arena, &b));
                if (want == 0 && sl_value_hash(&a, 1) != sl_value_hash(&b, 1))
                        cr_assert_fail("equal values hash differently: %s vs %s", sl_value_to_cstr(&arena, &a),
                                       sl_value_to_cstr(&arena, &b));
                const sl_type *dt = a.kind == SL_TYPE_DECIMAL ? sl_value_type(&a) : t;
                sl_value back;
                size_t pos = 0;
                sl_err_detail err;
                if (sl_keyenc_decode(&arena, dt, sl_buf_slice(&ea), &pos, &back, &err) != SL_OK || pos != ea.len ||
                    !same(&a, &back))
                        cr_assert_fail("pair %d: %s does not round-trip (%s)", i, sl_value_to_cstr(&arena, &a),
                                       err.message);
        }
        sl_buf_deinit(&ea);
        sl_buf_deinit(&eb);
}

Test(types_keyenc, order_boolean) { check_pairs(sl_type_boolean()); }
Test(types_keyenc, order_int) { check_pairs(sl_type_int()); }
Test(types_keyenc, order_bigint) { check_pairs(sl_type_bigint()); }
Test(types_keyenc, order_double) { check_pairs(sl_type_double()); }
Test(types_keyenc, order_decimal_across_scales) { check_pairs(sl_type_decimal(38, 0)); }
Test(types_keyenc, order_string) { check_pairs(sl_type_string()); }
Test(types_keyenc, order_bytes) { check_pairs(sl_type_bytes()); }
Test(types_keyenc, order_date) { check_pairs(sl_type_date()); }
Test(types_keyenc, order_time) { check_pairs(sl_type_time()); }
Test(types_keyenc, order_timestamp) { check_pairs(sl_type_timestamp()); }

/* composite types live outside `arena`, which check_pairs resets every pair */
static sl_arena types;

static void types_setup(void)
{
        setup();
        sl_arena_init(&types, 0);
}

static void types_teardown(void)
{
        sl_arena_deinit(&types);
        teardown();
}

Test(types_keyenc, order_array, .init = types_setup, .fini = types_teardown)
{
        check_pairs(sl_type_array(&types, sl_type_int()));
}

Test(types_keyenc, order_map, .init = types_setup, .fini = types_teardown)
{
        check_pairs(sl_type_map(&types, sl_type_string(), sl_type_int()));
}

Test(types_keyenc, order_struct, .init = types_setup, .fini = types_teardown)
{
        sl_type_field f[] = {{"A", sl_type_int()}, {"B", sl_type_string()}};
        check_pairs(sl_type_struct(&types, f, 2));
}

/* Member k of an (INT, STRING, DECIMAL(10,2)) tuple, from small ranges so that members tie often. */
static sl_value gen_member(size_t k)
{
        if (k == 0)
                return gen_small_int();
        if (k == 1)
                return gen_bytes(SL_TYPE_STRING);
        return sl_value_decimal(gen_decimal(3, 2));
}

/* Tuples (INT, STRING, DECIMAL(10,2)) of length 0..3: lexicographic, a prefix first. */
Test(types_keyenc, order_tuples_with_prefixes)
{
        const sl_type *types[3] = {sl_type_int(), sl_type_string(), sl_type_decimal(10, 2)};
        sl_buf ea, eb;
        sl_buf_init(&ea);
        sl_buf_init(&eb);
        for (int i = 0; i < PAIRS; i++) {
                sl_value a[3], b[3];
                size_t na = below(4), nb = below(4);
                sl_arena_reset(&arena);
                for (size_t k = 0; k < 3; k++) {
                        a[k] = gen_member(k);
                        b[k] = below(2) ? a[k] : gen_member(k);
                }
                int want = 0;
                for (size_t k = 0; k < (na < nb ? na : nb) && want == 0; k++)
                        want = sign(sl_value_cmp(&a[k], &b[k]));
                if (want == 0)
                        want = (na > nb) - (na < nb);
                sl_buf_reset(&ea);
                sl_buf_reset(&eb);
                sl_keyenc_append_tuple(&ea, a, na);
                sl_keyenc_append_tuple(&eb, b, nb);
                int got = sign(sl_slice_cmp(sl_buf_slice(&ea), sl_buf_slice(&eb)));
                if (want != got)
                        cr_assert_fail("tuple pair %d: cmp %d, memcmp %d", i, want, got);
                sl_value back[3];
                sl_err_detail err;
                if (sl_keyenc_decode_tuple(&arena, types, na, sl_buf_slice(&ea), back, &err) != SL_OK)
                        cr_assert_fail("tuple %d does not decode: %s", i, err.message);
                for (size_t k = 0; k < na; k++)
                        if (sl_value_cmp(&a[k], &back[k]) != 0)
                                cr_assert_fail("tuple %d member %zu does not round-trip", i, k);
        }
        sl_buf_deinit(&ea);
        sl_buf_deinit(&eb);
}

Test(types_keyenc, layout_examples)
{
        static const struct {
                const char *dec;
                const char *hex;
        } cases[] = {
                {"12.5", "04822360"}, {"-12.5", "027DDC9F"}, {"0.00", "03"}, {"12.50", "04822360"},
                {"0.05", "047F60"},   {"100", "04832110"}, {"100.0", "04832110"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_decimal d;
                cr_assert_eq(sl_decimal_parse(cases[i].dec, strlen(cases[i].dec), &d, NULL), SL_OK);
                sl_value v = sl_value_decimal(d);
                sl_buf b;
                sl_buf_init(&b);
                sl_keyenc_append(&b, &v);
                char hex[64] = "";
                for (size_t k = 0; k < b.len; k++)
                        sprintf(hex + 2 * k, "%02X", b.data[k]);
                cr_expect_str_eq(hex, cases[i].hex, "%s", cases[i].dec);
                sl_buf_deinit(&b);
        }
        sl_value s = sl_value_string("a\0b", 3), n = sl_value_null();
        sl_buf b;
        sl_buf_init(&b);
        sl_keyenc_append(&b, &s);
        sl_keyenc_append(&b, &n);
        cr_expect_eq(b.len, 8);
        cr_expect_eq(memcmp(b.data, "\x01" "a\x00\xFF" "b\x00\x01\x00", 8), 0);
        sl_buf_deinit(&b);
}

Test(types_keyenc, decode_rejects_malformed_keys)
{
        static const struct {
                const char *bytes;
                size_t len;
                int kind;
        } cases[] = {
                {"\x01\x00\x00", 3, SL_TYPE_INT},         /* truncated */
                {"\x07", 1, SL_TYPE_INT},                 /* bad tag */
                {"\x01" "ab", 3, SL_TYPE_STRING},         /* unterminated */
                {"\x01" "a\x00\x05", 4, SL_TYPE_STRING},  /* bad escape */
                {"\x01\x02", 2, SL_TYPE_BOOLEAN},
                {"\x04\x80", 2, SL_TYPE_DECIMAL},         /* truncated digits */
                {"\x04\xA8\x22\x20", 4, SL_TYPE_DECIMAL}, /* 11 * 10^38: does not fit DECIMAL(10,2) */
                {"\x04\x80\x23\x40", 4, SL_TYPE_DECIMAL}, /* 0.123 needs scale 3 */
                {"\x04\x80\xB0", 3, SL_TYPE_DECIMAL},     /* nibble 11 */
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const sl_type *t = cases[i].kind == SL_TYPE_DECIMAL ? sl_type_decimal(10, 2)
                                                                     : sl_type_primitive((sl_type_kind)cases[i].kind);
                sl_value v;
                size_t pos = 0;
                sl_err_detail err;
                cr_expect_eq(sl_keyenc_decode(&arena, t, SL_SLICE(cases[i].bytes, cases[i].len), &pos, &v, &err),
                             SL_ERR_CORRUPT, "case %zu", i);
                cr_expect_eq(pos, 0);
        }
        const sl_type *one[1] = {sl_type_boolean()};
        sl_value v;
        cr_expect_eq(sl_keyenc_decode_tuple(&arena, one, 1, SL_SLICE("\x01\x01\x00", 3), &v, NULL), SL_ERR_CORRUPT);
}

/* Random bytes never crash the decoder; whatever decodes re-encodes to a key that decodes equal. */
Test(types_keyenc, decode_survives_random_bytes, .init = types_setup, .fini = types_teardown)
{
        sl_type_field f[] = {{"A", sl_type_int()}, {"B", sl_type_string()}};
        const sl_type *all[] = {
                sl_type_boolean(), sl_type_int(), sl_type_bigint(), sl_type_double(), sl_type_decimal(10, 2),
                sl_type_decimal(38, 38), sl_type_string(), sl_type_time(), sl_type_array(&types, sl_type_int()),
                sl_type_map(&types, sl_type_string(), sl_type_decimal(5, 1)), sl_type_struct(&types, f, 2),
        };
        static const uint8_t alphabet[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x80, 0x7F, 0xFF, 0x22, 0x11};
        sl_buf re;
        sl_buf_init(&re);
        int decoded = 0;
        for (int i = 0; i < PAIRS; i++) {
                uint8_t key[12];
                size_t len = below(sizeof key + 1);
                for (size_t k = 0; k < len; k++)
                        key[k] = below(3) ? alphabet[below(sizeof alphabet)] : (uint8_t)rnd();
                const sl_type *t = all[below(sizeof all / sizeof all[0])];
                sl_arena_reset(&arena);
                sl_value v, again;
                size_t pos = 0;
                if (sl_keyenc_decode(&arena, t, SL_SLICE(key, len), &pos, &v, NULL) != SL_OK)
                        continue;
                decoded++;
                if (pos > len)
                        cr_assert_fail("decoder read past the end");
                sl_buf_reset(&re);
                sl_keyenc_append(&re, &v);
                pos = 0;
                if (sl_keyenc_decode(&arena, t, sl_buf_slice(&re), &pos, &again, NULL) != SL_OK || pos != re.len ||
                    sl_value_cmp(&v, &again) != 0)
                        cr_assert_fail("case %d: re-encoded key does not decode equal", i);
        }
        cr_expect_gt(decoded, 1000);
        sl_buf_deinit(&re);
}
