/* test_compare.c: the total order, equality and hashing of values. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "common/mem.h"
#include "types/compare.h"

static sl_arena arena;

static void setup(void) { sl_arena_init(&arena, 0); }
static void teardown(void) { sl_arena_deinit(&arena); }

TestSuite(types_compare, .init = setup, .fini = teardown);

static sl_value decv(const char *text)
{
        sl_decimal d;
        cr_assert_eq(sl_decimal_parse(text, strlen(text), &d, NULL), SL_OK);
        return sl_value_decimal(d);
}

static int sign(int c) { return (c > 0) - (c < 0); }

/* Every list is in strictly ascending order; checks all pairs both ways. */
static void check_ascending(const sl_value *vals, size_t n)
{
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++) {
                        int want = (i > j) - (i < j);
                        cr_expect_eq(sign(sl_value_cmp(&vals[i], &vals[j])), want, "items %zu and %zu", i, j);
                        cr_expect_eq(sl_value_eq(&vals[i], &vals[j]), i == j);
                }
}

Test(types_compare, doubles_order_as_java_double_compare)
{
        sl_value v[] = {
                sl_value_null(),           sl_value_double(-INFINITY), sl_value_double(-DBL_MAX),
                sl_value_double(-1),       sl_value_double(-DBL_MIN),  sl_value_double(-0.0),
                sl_value_double(0.0),      sl_value_double(4.9e-324),  sl_value_double(1),
                sl_value_double(DBL_MAX),  sl_value_double(INFINITY),  sl_value_double(NAN),
        };
        check_ascending(v, sizeof v / sizeof v[0]);
        sl_value nan2 = sl_value_double(-NAN);
        cr_expect(sl_value_eq(&v[11], &nan2));
        cr_expect_eq(sl_value_hash(&v[11], 0), sl_value_hash(&nan2, 0));
        cr_expect_eq(sl_value_cmp_double(-0.0, 0.0), -1);
        cr_expect_eq(sl_value_cmp_double(NAN, INFINITY), 1);
        cr_expect_eq(sl_value_cmp_double(NAN, NAN), 0);
}

Test(types_compare, primitives_order_naturally)
{
        sl_value ints[] = {sl_value_null(), sl_value_int(INT32_MIN), sl_value_int(-1), sl_value_int(0),
                           sl_value_int(INT32_MAX)};
        check_ascending(ints, 5);
        sl_value bigs[] = {sl_value_bigint(INT64_MIN), sl_value_bigint(-1), sl_value_bigint(INT64_MAX)};
        check_ascending(bigs, 3);
        sl_value bools[] = {sl_value_null(), sl_value_bool(false), sl_value_bool(true)};
        check_ascending(bools, 3);
        sl_value strs[] = {sl_value_null(), sl_value_string("", 0), sl_value_string("\0", 1), sl_value_string("a", 1),
                           sl_value_string("a\0", 2), sl_value_string("ab", 2), sl_value_string("\xff", 1)};
        check_ascending(strs, 7);
        sl_value times[] = {sl_value_timestamp(-1), sl_value_timestamp(0), sl_value_timestamp(1)};
        check_ascending(times, 3);
        sl_value decs[] = {decv("-99999999999999999999999999999999999999"), decv("-1.5"),
                           decv("-0.00000000000000000000000000000000000001"), decv("0"), decv("0.5"), decv("1.25"),
                           decv("99999999999999999999999999999999999999")};
        check_ascending(decs, 7);
}

Test(types_compare, decimals_compare_by_value_and_hash_alike)
{
        sl_value a = decv("1.50"), b = decv("1.5"), c = decv("1.500000000"), z1 = decv("0.00"), z2 = decv("0");
        cr_expect(sl_value_eq(&a, &b));
        cr_expect(sl_value_eq(&a, &c));
        cr_expect(sl_value_eq(&z1, &z2));
        cr_expect_eq(sl_value_hash(&a, 3), sl_value_hash(&b, 3));
        cr_expect_eq(sl_value_hash(&a, 3), sl_value_hash(&c, 3));
        cr_expect_eq(sl_value_hash(&z1, 3), sl_value_hash(&z2, 3));
        cr_expect_neq(sl_value_hash(&a, 3), sl_value_hash(&z1, 3));
}

Test(types_compare, mixed_numeric_kinds_compare_by_value)
{
        sl_value i = sl_value_int(2), l = sl_value_bigint(2), d = decv("2.00"), f = sl_value_double(2.0),
                 half = decv("2.5"), big = sl_value_bigint(INT64_MAX), s = sl_value_string("2", 1);
        cr_expect_eq(sl_value_cmp(&i, &l), 0);
        cr_expect_eq(sl_value_cmp(&i, &d), 0);
        cr_expect_eq(sl_value_cmp(&d, &f), 0);
        cr_expect_lt(sl_value_cmp(&l, &half), 0);
        cr_expect_gt(sl_value_cmp(&big, &half), 0);
        cr_expect_lt(sl_value_cmp(&i, &s), 0); /* different kinds order by kind */
        cr_expect_gt(sl_value_cmp(&s, &i), 0);
}

Test(types_compare, composites)
{
        const sl_type *arr_t = sl_type_array(&arena, sl_type_int());
        sl_value *x, *y, *z;
        sl_value a0 = sl_value_composite_new(&arena, arr_t, 0, &x);
        sl_value a1 = sl_value_composite_new(&arena, arr_t, 1, &x);
        x[0] = sl_value_int(1);
        sl_value a2 = sl_value_composite_new(&arena, arr_t, 2, &y);
        y[0] = sl_value_int(1);
        sl_value a3 = sl_value_composite_new(&arena, arr_t, 2, &z);
        z[0] = sl_value_int(1);
        z[1] = sl_value_int(0);
        sl_value a4 = sl_value_composite_new(&arena, arr_t, 1, &x);
        x[0] = sl_value_int(2);
        sl_value arrays[] = {sl_value_null(), a0, a1, a2, a3, a4};
        check_ascending(arrays, 6);

        const sl_type *map_t = sl_type_map(&arena, sl_type_string(), sl_type_int());
        sl_value m1 = sl_value_composite_new(&arena, map_t, 2, &x);
        x[0] = sl_value_string("a", 1);
        x[1] = sl_value_int(1);
        x[2] = sl_value_string("b", 1);
        x[3] = sl_value_int(2);
        sl_value m2 = sl_value_composite_new(&arena, map_t, 2, &y);
        y[0] = x[2];
        y[1] = x[3];
        y[2] = x[0];
        y[3] = x[1];
        cr_expect(sl_value_eq(&m1, &m2));
        cr_expect_eq(sl_value_hash(&m1, 9), sl_value_hash(&m2, 9));
        y[3] = sl_value_int(5);
        cr_expect_lt(sl_value_cmp(&m1, &m2), 0);
        uint32_t *idx = sl_value_map_sorted(&m2);
        cr_expect_eq(idx[0], 1);
        cr_expect_eq(idx[1], 0);
        sl_free(idx);

        sl_type_field f[] = {{"A", sl_type_int()}, {"B", sl_type_string()}};
        const sl_type *st_t = sl_type_struct(&arena, f, 2);
        sl_value s1 = sl_value_composite_new(&arena, st_t, 2, &x);
        x[0] = sl_value_int(1);
        sl_value s2 = sl_value_composite_new(&arena, st_t, 2, &y);
        y[0] = sl_value_int(1);
        y[1] = sl_value_string("", 0);
        sl_value s3 = sl_value_composite_new(&arena, st_t, 2, &z);
        z[0] = sl_value_int(2);
        sl_value structs[] = {s1, s2, s3};
        check_ascending(structs, 3);
        cr_expect_neq(sl_value_hash(&s1, 0), sl_value_hash(&s2, 0));
}

/* Maps of n entries with keys 0..n-1 inserted in descending order; `bump` changes the value of key 0. */
static sl_value int_map(size_t n, int bump)
{
        const sl_type *map_t = sl_type_map(&arena, sl_type_int(), sl_type_int());
        sl_value *x;
        sl_value m = sl_value_composite_new(&arena, map_t, (uint32_t)n, &x);
        for (size_t i = 0; i < n; i++) {
                x[2 * i] = sl_value_int((int32_t)(n - 1 - i));
                x[2 * i + 1] = sl_value_int((int32_t)(n - 1 - i) + (i == n - 1 ? bump : 0));
        }
        return m;
}

Test(types_compare, maps_small_and_large_compare_in_key_order)
{
        static const size_t sizes[] = {1, 31, 32, 33, 200};
        for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
                size_t n = sizes[k];
                sl_value lo = int_map(n, 0), hi = int_map(n, 1), lo2 = int_map(n, 0);
                sl_value ordered[] = {sl_value_null(), lo, hi};
                check_ascending(ordered, 3);
                cr_expect(sl_value_eq(&lo, &lo2), "size %zu", n);
                uint32_t idx[200];
                sl_value_map_sort_into(&hi, idx);
                for (size_t i = 0; i < n; i++)
                        cr_expect_eq(idx[i], n - 1 - i, "size %zu entry %zu", n, i);
        }
        /* a shorter map that agrees on its entries sorts first, on either side of the stack bound */
        sl_value a = int_map(32, 0), b = int_map(33, 0);
        cr_expect_neq(sl_value_cmp(&a, &b), 0);
}

Test(types_compare, hash_depends_on_seed_and_value)
{
        sl_value a = sl_value_string("abc", 3), b = sl_value_string("abd", 3), n = sl_value_null();
        cr_expect_neq(sl_value_hash(&a, 1), sl_value_hash(&b, 1));
        cr_expect_neq(sl_value_hash(&a, 1), sl_value_hash(&a, 2));
        cr_expect_eq(sl_value_hash(&n, 1), sl_value_hash(&n, 1));
        sl_value t = sl_value_bool(true), f = sl_value_bool(false);
        cr_expect_neq(sl_value_hash(&t, 0), sl_value_hash(&f, 0));
}
