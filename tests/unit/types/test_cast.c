/* test_cast.c: CAST per ksqlDB's rules (cases from its cast/date/time/timestamp/decimal behaviour),
 * the STRING parsers, implicit widening and the common supertype. */
#include <criterion/criterion.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "types/cast.h"

static sl_arena arena;

static void setup(void) { sl_arena_init(&arena, 0); }
static void teardown(void) { sl_arena_deinit(&arena); }

TestSuite(types_cast, .init = setup, .fini = teardown);

static sl_value str(const char *s) { return sl_value_string(s, strlen(s)); }

static sl_value decv(const char *text)
{
        sl_decimal d;
        cr_assert_eq(sl_decimal_parse(text, strlen(text), &d, NULL), SL_OK);
        return sl_value_decimal(d);
}

static const char *sql(const sl_value *v)
{
        sl_str s;
        sl_str_init(&s);
        sl_value_format_sql(&s, v);
        char *r = sl_arena_strndup(&arena, sl_str_cstr(&s), sl_str_len(&s));
        sl_str_deinit(&s);
        return r;
}

typedef struct cast_case {
        sl_value in;
        const sl_type *to;
        sl_err rc;        /* expected result code */
        const char *out;  /* expected result as a SQL literal when rc is SL_OK */
} cast_case;

static void run(const cast_case *cases, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                sl_value out;
                sl_err_detail err;
                sl_err rc = sl_value_cast(&arena, &cases[i].in, cases[i].to, &out, &err);
                cr_expect_eq(rc, cases[i].rc, "case %zu (%s to %s): rc %s", i, sql(&cases[i].in),
                             sl_type_to_cstr(&arena, cases[i].to), sl_err_name(rc));
                if (rc != SL_OK || cases[i].rc != SL_OK)
                        continue;
                cr_expect_str_eq(sql(&out), cases[i].out, "case %zu", i);
                if (out.kind != SL_TYPE_NULL)
                        cr_expect(sl_type_eq(sl_value_type(&out), cases[i].to), "case %zu: result type", i);
        }
}

Test(types_cast, numbers_follow_java_conversions)
{
        const sl_type *d21 = sl_type_decimal(2, 1);
        cast_case cases[] = {
                {sl_value_bigint(2147483648LL), sl_type_int(), SL_OK, "-2147483648"},
                {sl_value_bigint(-1), sl_type_int(), SL_OK, "-1"},
                {sl_value_int(-1), sl_type_bigint(), SL_OK, "-1"},
                {sl_value_int(7), sl_type_double(), SL_OK, "7.0"},
                {sl_value_bigint(INT64_MAX), sl_type_double(), SL_OK, "9.223372036854776E18"},
                {sl_value_double(3.3 - 2.1), sl_type_int(), SL_OK, "1"},
                {sl_value_double(-2.9), sl_type_bigint(), SL_OK, "-2"},
                {sl_value_double(NAN), sl_type_int(), SL_OK, "0"},
                {sl_value_double(1e20), sl_type_int(), SL_OK, "2147483647"},
                {sl_value_double(-1e20), sl_type_bigint(), SL_OK, "-9223372036854775808"},
                {sl_value_double(INFINITY), sl_type_bigint(), SL_OK, "9223372036854775807"},
                {decv("10.01"), sl_type_int(), SL_OK, "10"},
                {decv("-10.99"), sl_type_bigint(), SL_OK, "-10"},
                {decv("10.01"), sl_type_double(), SL_OK, "10.01"},
                {decv("3000000000.5"), sl_type_int(), SL_OK, "-1294967296"},
                {sl_value_int(1), d21, SL_OK, "1.0"},
                {sl_value_int(-1), d21, SL_OK, "-1.0"},
                {sl_value_int(10), d21, SL_ERR_OVERFLOW, NULL},
                {sl_value_bigint(INT64_MIN), sl_type_decimal(19, 0), SL_OK, "-9223372036854775808"},
                {sl_value_bigint(INT64_MIN), sl_type_decimal(18, 0), SL_ERR_OVERFLOW, NULL},
                {sl_value_double(0.99), d21, SL_OK, "1.0"},
                {sl_value_double(0.01), d21, SL_OK, "0.0"},
                {sl_value_double(1.1), d21, SL_OK, "1.1"},
                {sl_value_double(NAN), d21, SL_ERR_OVERFLOW, NULL},
                {decv("10.12"), sl_type_decimal(5, 3), SL_OK, "10.120"},
                {decv("1.00"), sl_type_decimal(5, 3), SL_OK, "1.000"},
                {decv("-1.25"), d21, SL_OK, "-1.3"},
                {decv("10.12"), sl_type_decimal(3, 2), SL_ERR_OVERFLOW, NULL},
                {decv("10.12"), sl_type_decimal(4, 2), SL_OK, "10.12"},
        };
        run(cases, sizeof cases / sizeof cases[0]);
}

Test(types_cast, strings_parse_or_fail)
{
        const sl_type *d21 = sl_type_decimal(2, 1);
        cast_case cases[] = {
                {str(" 42 "), sl_type_int(), SL_OK, "42"},
                {str("-2147483648"), sl_type_int(), SL_OK, "-2147483648"},
                {str("2147483648"), sl_type_int(), SL_ERR_CAST, NULL},
                {str("abc"), sl_type_int(), SL_ERR_CAST, NULL},
                {str(""), sl_type_int(), SL_ERR_CAST, NULL},
                {str("1.5"), sl_type_int(), SL_ERR_CAST, NULL},
                {str("+7"), sl_type_bigint(), SL_OK, "7"},
                {str("9223372036854775807"), sl_type_bigint(), SL_OK, "9223372036854775807"},
                {str("-9223372036854775809"), sl_type_bigint(), SL_ERR_CAST, NULL},
                {str("10.3"), sl_type_double(), SL_OK, "10.3"},
                {str("1e3"), sl_type_double(), SL_OK, "1000.0"},
                {str("-Infinity"), sl_type_double(), SL_OK, "-Infinity"},
                {str("NaN"), sl_type_double(), SL_OK, "NaN"},
                {str("2.5d"), sl_type_double(), SL_OK, "2.5"},
                {str("nan"), sl_type_double(), SL_ERR_CAST, NULL},
                {str("1e"), sl_type_double(), SL_ERR_CAST, NULL},
                {str("0.1"), d21, SL_OK, "0.1"},
                {str("0.99"), d21, SL_OK, "1.0"},
                {str("0.01"), d21, SL_OK, "0.0"},
                {str("-0.05"), d21, SL_OK, "-0.1"},
                {str("99"), d21, SL_ERR_OVERFLOW, NULL},
                {str("x1"), d21, SL_ERR_CAST, NULL},
                {str("true"), sl_type_boolean(), SL_OK, "TRUE"},
                {str(" Y "), sl_type_boolean(), SL_OK, "TRUE"},
                {str("tRu"), sl_type_boolean(), SL_OK, "TRUE"},
                {str("truex"), sl_type_boolean(), SL_OK, "FALSE"},
                {str("no"), sl_type_boolean(), SL_OK, "FALSE"},
                {str(""), sl_type_boolean(), SL_OK, "FALSE"},
                {str("1970-01-10"), sl_type_date(), SL_OK, "'1970-01-10'"},
                {str("1970-01"), sl_type_date(), SL_OK, "'1970-01-01'"},
                {str("1969-12-31"), sl_type_date(), SL_OK, "'1969-12-31'"},
                {str("2024-02-29"), sl_type_date(), SL_OK, "'2024-02-29'"},
                {str("2023-02-29"), sl_type_date(), SL_ERR_CAST, NULL},
                {str("foo"), sl_type_date(), SL_ERR_CAST, NULL},
                {str("00:00:00.010"), sl_type_time(), SL_OK, "'00:00'"},
                {str("00:00:01"), sl_type_time(), SL_OK, "'00:00:01'"},
                {str("00:01"), sl_type_time(), SL_OK, "'00:01'"},
                {str("24:00"), sl_type_time(), SL_ERR_CAST, NULL},
                {str("7:00"), sl_type_time(), SL_ERR_CAST, NULL},
                {str("2022-04-28T21:44:47.943"), sl_type_timestamp(), SL_OK, "'2022-04-28T21:44:47.943'"},
                {str("2022-04-28T21:44:47.943Z"), sl_type_timestamp(), SL_OK, "'2022-04-28T21:44:47.943'"},
                {str("2022-04-28T23:44:47.943+02:00"), sl_type_timestamp(), SL_OK, "'2022-04-28T21:44:47.943'"},
                {str("2022-04-28T19:44-0200"), sl_type_timestamp(), SL_OK, "'2022-04-28T21:44:00.000'"},
                {str("1970-01-01T00:00:01"), sl_type_timestamp(), SL_OK, "'1970-01-01T00:00:01.000'"},
                {str("1970-01-01T00"), sl_type_timestamp(), SL_OK, "'1970-01-01T00:00:00.000'"},
                {str("2020"), sl_type_timestamp(), SL_OK, "'2020-01-01T00:00:00.000'"},
                {str("2020-01T00:00"), sl_type_timestamp(), SL_ERR_CAST, NULL},
                {str("foo"), sl_type_timestamp(), SL_ERR_CAST, NULL},
        };
        run(cases, sizeof cases / sizeof cases[0]);
}

Test(types_cast, to_string_and_temporal)
{
        static const uint8_t raw[] = {1, 2};
        cast_case cases[] = {
                {sl_value_int(-1), sl_type_string(), SL_OK, "'-1'"},
                {sl_value_double(1e10), sl_type_string(), SL_OK, "'1.0E10'"},
                {decv("0.00"), sl_type_string(), SL_OK, "'0.00'"},
                {sl_value_bool(false), sl_type_string(), SL_OK, "'false'"},
                {sl_value_date(10), sl_type_string(), SL_OK, "'1970-01-11'"},
                {sl_value_time(5000), sl_type_string(), SL_OK, "'00:00:05'"},
                {sl_value_timestamp(10), sl_type_string(), SL_OK, "'1970-01-01T00:00:00.010'"},
                {sl_value_bytes(raw, 2), sl_type_string(), SL_ERR_CAST, NULL},
                {sl_value_timestamp(5000), sl_type_date(), SL_OK, "'1970-01-01'"},
                {sl_value_timestamp(-2000), sl_type_date(), SL_OK, "'1969-12-31'"},
                {sl_value_timestamp(86400100), sl_type_date(), SL_OK, "'1970-01-02'"},
                {sl_value_timestamp(-2000), sl_type_time(), SL_OK, "'23:59:58'"},
                {sl_value_timestamp(86400100), sl_type_time(), SL_OK, "'00:00'"},
                {sl_value_date(-1), sl_type_timestamp(), SL_OK, "'1969-12-31T00:00:00.000'"},
                {sl_value_time(1), sl_type_timestamp(), SL_ERR_CAST, NULL},
                {sl_value_bool(true), sl_type_int(), SL_ERR_CAST, NULL},
                {sl_value_int(1), sl_type_boolean(), SL_ERR_CAST, NULL},
                {sl_value_null(), sl_type_int(), SL_OK, "NULL"},
                {sl_value_null(), sl_type_array(&arena, sl_type_int()), SL_OK, "NULL"},
                {sl_value_bytes(raw, 2), sl_type_bytes(), SL_OK, "X'0102'"},
        };
        run(cases, sizeof cases / sizeof cases[0]);
        /* the TIME cast keeps milliseconds, even though its STRING form drops them */
        sl_value t;
        sl_value in = str("00:00:00.010");
        cr_assert_eq(sl_value_cast(&arena, &in, sl_type_time(), &t, NULL), SL_OK);
        cr_expect_eq(t.u.i32, 10);
}

Test(types_cast, composites_convert_member_wise)
{
        const sl_type *arr_big = sl_type_array(&arena, sl_type_bigint());
        const sl_type *inner_ss = sl_type_map(&arena, sl_type_string(), sl_type_string());
        const sl_type *inner_si = sl_type_map(&arena, sl_type_string(), sl_type_int());
        const sl_type *map_ss = sl_type_map(&arena, sl_type_string(), inner_ss);
        const sl_type *map_si = sl_type_map(&arena, sl_type_string(), inner_si);
        sl_type_field from_f[] = {{"F0", sl_type_bigint()}, {"F1", sl_type_string()}};
        sl_type_field to_f[] = {{"F0", sl_type_string()}, {"F3", sl_type_string()}};
        const sl_type *from_st = sl_type_struct(&arena, from_f, 2), *to_st = sl_type_struct(&arena, to_f, 2);
        sl_value *items, *inner;

        sl_value arr = sl_value_composite_new(&arena, arr_big, 3, &items);
        items[0] = sl_value_bigint(1);
        items[1] = sl_value_bigint(2147483648LL);
        cast_case cases[] = {
                {arr, sl_type_array(&arena, sl_type_int()), SL_OK, "ARRAY[1, -2147483648, NULL]"},
                {arr, sl_type_array(&arena, sl_type_string()), SL_OK, "ARRAY['1', '2147483648', NULL]"},
                {arr, sl_type_string(), SL_OK, "'[1, 2147483648, null]'"},
                {arr, sl_type_map(&arena, sl_type_string(), sl_type_int()), SL_ERR_CAST, NULL},
        };
        run(cases, sizeof cases / sizeof cases[0]);

        sl_value map = sl_value_composite_new(&arena, map_ss, 1, &items);
        items[0] = str("k1");
        items[1] = sl_value_composite_new(&arena, map_ss->elem, 1, &inner);
        inner[0] = str("k2");
        inner[1] = str("10");
        sl_value st = sl_value_composite_new(&arena, from_st, 2, &items);
        items[0] = sl_value_bigint(1);
        items[1] = str("3");
        cast_case more[] = {
                {map, map_si, SL_OK, "MAP('k1' := MAP('k2' := 10))"},
                {map, sl_type_string(), SL_OK, "'{k1={k2=10}}'"},
                {st, to_st, SL_OK, "STRUCT(`F0` := '1', `F3` := NULL)"},
                {st, sl_type_string(), SL_OK, "'Struct{F0=1,F1=3}'"},
        };
        run(more, sizeof more / sizeof more[0]);
        /* keys that collide after the cast keep the last value */
        const sl_type *map_ds = sl_type_map(&arena, sl_type_double(), sl_type_string());
        sl_value dmap = sl_value_composite_new(&arena, map_ds, 3, &items);
        items[0] = sl_value_double(1.2);
        items[1] = str("a");
        items[2] = sl_value_double(2.0);
        items[3] = str("b");
        items[4] = sl_value_double(1.7);
        items[5] = str("c");
        cast_case collide[] = {
                {dmap, sl_type_map(&arena, sl_type_int(), sl_type_string()), SL_OK, "MAP(1 := 'c', 2 := 'b')"},
        };
        run(collide, 1);
        /* an element that fails fails the whole cast */
        inner[1] = str("ten");
        sl_value out;
        cr_expect_eq(sl_value_cast(&arena, &map, map_si, &out, NULL), SL_ERR_CAST);
}

Test(types_cast, check_names_unsupported_casts_like_ksqldb)
{
        sl_err_detail err;
        sl_type_field f[] = {{"F0", sl_type_string()}, {"F1", sl_type_int()}};
        cr_expect_eq(sl_cast_check(sl_type_string(), sl_type_struct(&arena, f, 2), &err), SL_ERR_CAST);
        cr_expect_str_eq(err.message, "Cast of STRING to STRUCT<`F0` STRING, `F1` INTEGER> is not supported");
        cr_expect_eq(sl_cast_check(sl_type_string(), sl_type_map(&arena, sl_type_string(), sl_type_int()), &err),
                     SL_ERR_CAST);
        cr_expect_str_eq(err.message, "Cast of STRING to MAP<STRING, INTEGER> is not supported");
        cr_expect_eq(sl_cast_check(sl_type_string(), sl_type_array(&arena, sl_type_int()), &err), SL_ERR_CAST);
        cr_expect_str_eq(err.message, "Cast of STRING to ARRAY<INTEGER> is not supported");
        cr_expect_eq(sl_cast_check(sl_type_bytes(), sl_type_string(), &err), SL_ERR_CAST);
        cr_expect_eq(sl_cast_check(sl_type_time(), sl_type_date(), &err), SL_ERR_CAST);
        cr_expect_eq(sl_cast_check(sl_type_null(), sl_type_bytes(), &err), SL_OK);
        cr_expect(sl_cast_allowed(sl_type_decimal(4, 2), sl_type_int()));
        cr_expect(sl_cast_allowed(sl_type_array(&arena, sl_type_bigint()), sl_type_array(&arena, sl_type_string())));
        cr_expect(!sl_cast_allowed(sl_type_array(&arena, sl_type_bytes()), sl_type_array(&arena, sl_type_int())));
}

Test(types_cast, implicit_widening_and_common_type)
{
        const sl_type *d42 = sl_type_decimal(4, 2), *d100 = sl_type_decimal(10, 0);
        cr_expect(sl_cast_implicit_ok(sl_type_int(), sl_type_bigint()));
        cr_expect(sl_cast_implicit_ok(sl_type_int(), sl_type_double()));
        cr_expect(sl_cast_implicit_ok(sl_type_bigint(), sl_type_decimal(19, 0)));
        cr_expect(!sl_cast_implicit_ok(sl_type_bigint(), d100));
        cr_expect(sl_cast_implicit_ok(sl_type_int(), sl_type_decimal(12, 2)));
        cr_expect(!sl_cast_implicit_ok(sl_type_int(), d42));
        cr_expect(sl_cast_implicit_ok(d42, sl_type_decimal(5, 3)));
        cr_expect(!sl_cast_implicit_ok(d42, sl_type_decimal(5, 1)));
        cr_expect(sl_cast_implicit_ok(d42, sl_type_double()));
        cr_expect(!sl_cast_implicit_ok(sl_type_double(), d42));
        cr_expect(!sl_cast_implicit_ok(sl_type_bigint(), sl_type_int()));
        cr_expect(!sl_cast_implicit_ok(sl_type_string(), sl_type_int()));
        cr_expect(sl_cast_implicit_ok(sl_type_null(), sl_type_string()));
        cr_expect(sl_cast_implicit_ok(sl_type_array(&arena, sl_type_int()), sl_type_array(&arena, sl_type_bigint())));

        static const struct {
                int a, b;  /* indexes into types[] */
                const char *out;
        } cases[] = {
                {0, 1, "BIGINT"}, {1, 0, "BIGINT"}, {0, 3, "DECIMAL(12, 2)"}, {1, 3, "DECIMAL(21, 2)"},
                {3, 2, "DOUBLE"}, {0, 2, "DOUBLE"}, {4, 0, "INTEGER"},        {3, 5, "DECIMAL(38, 1)"},
                {6, 6, "STRING"}, {6, 0, NULL},     {7, 8, "ARRAY<BIGINT>"},  {7, 6, NULL},
        };
        const sl_type *types[] = {
                sl_type_int(), sl_type_bigint(), sl_type_double(), d42, sl_type_null(), sl_type_decimal(38, 1),
                sl_type_string(), sl_type_array(&arena, sl_type_int()), sl_type_array(&arena, sl_type_bigint()),
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const sl_type *t = sl_cast_common_type(&arena, types[cases[i].a], types[cases[i].b]);
                if (!cases[i].out) {
                        cr_expect_eq(t, NULL, "case %zu", i);
                        continue;
                }
                cr_assert_neq(t, NULL, "case %zu", i);
                cr_expect_str_eq(sl_type_to_cstr(&arena, t), cases[i].out, "case %zu", i);
        }
        cr_expect_eq(sl_cast_decimal_of(sl_type_string()), NULL);
        cr_expect_eq(sl_cast_decimal_of(d42), d42);
        sl_type_field f1[] = {{"A", sl_type_int()}}, f2[] = {{"A", sl_type_double()}}, f3[] = {{"B", sl_type_int()}};
        const sl_type *s = sl_cast_common_type(&arena, sl_type_struct(&arena, f1, 1), sl_type_struct(&arena, f2, 1));
        cr_expect_str_eq(sl_type_to_cstr(&arena, s), "STRUCT<`A` DOUBLE>");
        cr_expect_eq(sl_cast_common_type(&arena, sl_type_struct(&arena, f1, 1), sl_type_struct(&arena, f3, 1)), NULL);
}

Test(types_cast, parsers_directly)
{
        bool b;
        cr_expect_eq(sl_cast_parse_bool_exact("ye", 2, &b, NULL), SL_OK);
        cr_expect(b);
        cr_expect_eq(sl_cast_parse_bool_exact("FALS", 4, &b, NULL), SL_OK);
        cr_expect(!b);
        cr_expect_eq(sl_cast_parse_bool_exact("maybe", 5, &b, NULL), SL_ERR_CAST);
        cr_expect_eq(sl_cast_parse_bool_exact("", 0, &b, NULL), SL_ERR_CAST);
        int32_t d;
        cr_expect_eq(sl_cast_parse_date("10000-01-01", 11, &d, NULL), SL_ERR_CAST);
        cr_expect_eq(sl_cast_parse_date("2020-1-01", 9, &d, NULL), SL_ERR_CAST);
        int64_t ts;
        cr_expect_eq(sl_cast_parse_timestamp("1970-01-01T00:00:00.123456789", 29, &ts, NULL), SL_OK);
        cr_expect_eq(ts, 123);
        cr_expect_eq(sl_cast_parse_timestamp("1970-01-01T00:00:00.", 20, &ts, NULL), SL_ERR_CAST);
        cr_expect_eq(sl_cast_parse_timestamp("1970-01-01T00:00:00+25:00", 25, &ts, NULL), SL_ERR_CAST);
}
