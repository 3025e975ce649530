/* test_value.c: sl_value layout, constructors, deep copy and the renderings per type. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "types/value.h"

static sl_arena arena;

static void setup(void) { sl_arena_init(&arena, 0); }
static void teardown(void) { sl_arena_deinit(&arena); }

TestSuite(types_value, .init = setup, .fini = teardown);

enum { JAVA, SQL, JSON };

static const char *render(int how, const sl_value *v, unsigned flags)
{
        sl_str s;
        sl_str_init(&s);
        if (how == JAVA)
                sl_value_format(&s, v);
        else if (how == SQL)
                sl_value_format_sql(&s, v);
        else
                sl_value_format_json(&s, v, flags);
        char *r = sl_arena_strndup(&arena, sl_str_cstr(&s), sl_str_len(&s));
        sl_str_deinit(&s);
        return r;
}

static sl_value decv(const char *text)
{
        sl_decimal d;
        cr_assert_eq(sl_decimal_parse(text, strlen(text), &d, NULL), SL_OK);
        return sl_value_decimal(d);
}

/* `v` renders as `java` (Java's toString), `sql` (a SQL literal) and `json`. */
static void expect_renders(const sl_value *v, const char *java, const char *sql, const char *json)
{
        cr_expect_str_eq(render(JAVA, v, 0), java);
        cr_expect_str_eq(render(SQL, v, 0), sql, "%s", java);
        cr_expect_str_eq(render(JSON, v, 0), json, "%s", java);
}

Test(types_value, is_small_and_null_is_zero)
{
        cr_expect_eq(sizeof(sl_value), 24);
        sl_value zero;
        memset(&zero, 0, sizeof zero);
        cr_expect(sl_value_is_null(&zero));
        sl_value v = sl_value_null();
        cr_expect(sl_value_is_null(&v));
        cr_expect_eq(sl_value_type(&v), sl_type_null());
        v = decv("-12.50");
        cr_expect(sl_type_eq(sl_value_type(&v), sl_type_decimal(4, 2)));
        cr_expect_eq(sl_value_get_decimal(&v).unscaled, -1250);
        v = sl_value_time(5);
        cr_expect_eq(sl_value_type(&v), sl_type_time());
}

Test(types_value, doubles_print_as_java)
{
        static const struct {
                double in;
                const char *out;
        } cases[] = {
                {1.0, "1.0"},
                {10.3, "10.3"},
                {100.0, "100.0"},
                {1234567.0, "1234567.0"},
                {1e7, "1.0E7"},
                {12345678.9, "1.23456789E7"},
                {0.001, "0.001"},
                {1e-4, "1.0E-4"},
                {3e-5, "3.0E-5"},
                {0.1 + 0.2, "0.30000000000000004"},
                {-0.0, "-0.0"},
                {0.0, "0.0"},
                {-2.5, "-2.5"},
                {123456.789, "123456.789"},
                {1e21, "1.0E21"},
                {1e23, "1.0E23"},
                {DBL_MAX, "1.7976931348623157E308"},
                {DBL_MIN, "2.2250738585072014E-308"},
                {4.9e-324, "4.9E-324"},
                {-4.9e-324, "-4.9E-324"},
                {0.3, "0.3"},
                {2e-3, "0.002"},
                {9007199254740993.0, "9.007199254740992E15"},
                {NAN, "NaN"},
                {INFINITY, "Infinity"},
                {-INFINITY, "-Infinity"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char buf[32];
                size_t n = sl_value_fmt_double(cases[i].in, buf);
                cr_expect_str_eq(buf, cases[i].out);
                cr_expect_eq(n, strlen(cases[i].out));
        }
}

Test(types_value, temporal_values_print_as_ksqldb_casts)
{
        static const struct {
                int kind;
                int64_t v;
                const char *out;
        } cases[] = {
                {SL_TYPE_DATE, 10, "1970-01-11"},
                {SL_TYPE_DATE, -1, "1969-12-31"},
                {SL_TYPE_DATE, 19110, "2022-04-28"},
                {SL_TYPE_DATE, 2932897, "+10000-01-01"},
                {SL_TYPE_DATE, -719528, "0000-01-01"},
                {SL_TYPE_DATE, -719529, "-0001-12-31"},
                {SL_TYPE_TIME, 5000, "00:00:05"},
                {SL_TYPE_TIME, 60000, "00:01"},
                {SL_TYPE_TIME, 3723004, "01:02:03"},
                {SL_TYPE_TIME, 86399999, "23:59:59"},
                {SL_TYPE_TIMESTAMP, 10, "1970-01-01T00:00:00.010"},
                {SL_TYPE_TIMESTAMP, -1, "1969-12-31T23:59:59.999"},
                {SL_TYPE_TIMESTAMP, 1651182287943, "2022-04-28T21:44:47.943"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_value v = cases[i].kind == SL_TYPE_DATE   ? sl_value_date((int32_t)cases[i].v)
                             : cases[i].kind == SL_TYPE_TIME ? sl_value_time((int32_t)cases[i].v)
                                                             : sl_value_timestamp(cases[i].v);
                cr_expect_str_eq(render(JAVA, &v, 0), cases[i].out);
        }
}

Test(types_value, civil_conversion_round_trips)
{
        for (int64_t d = -1000000; d <= 1000000; d += 37) {
                int64_t y;
                int m, day;
                sl_value_civil_from_days(d, &y, &m, &day);
                cr_assert_eq(sl_value_days_from_civil(y, m, day), d, "day %ld", (long)d);
        }
        cr_expect_eq(sl_value_days_from_civil(2000, 3, 1), 11017);
}

Test(types_value, primitives_render_per_format)
{
        static const char bytes[] = {0, (char)0xFF, 'a'};
        struct {
                sl_value v;
                const char *java, *sql, *json;
        } cases[] = {
                {sl_value_null(), "null", "NULL", "null"},
                {sl_value_bool(true), "true", "TRUE", "true"},
                {sl_value_int(INT32_MIN), "-2147483648", "-2147483648", "-2147483648"},
                {sl_value_bigint(INT64_MAX), "9223372036854775807", "9223372036854775807", "9223372036854775807"},
                {sl_value_double(1e10), "1.0E10", "1.0E10", "1.0E10"},
                {sl_value_double(NAN), "NaN", "NaN", "\"NaN\""},
                {decv("10.50"), "10.50", "10.50", "10.50"},
                {decv("0.00000001"), "0.00000001", "0.00000001", "0.00000001"},
                {sl_value_string("it's \"x\"\n", 9), "it's \"x\"\n", "'it''s \"x\"\n'", "\"it's \\\"x\\\"\\n\""},
                {sl_value_string("\x01", 1), "\x01", "'\x01'", "\"\\u0001\""},
                {sl_value_bytes(bytes, 3), "AP9h", "X'00FF61'", "\"AP9h\""},
                {sl_value_date(10), "1970-01-11", "'1970-01-11'", "10"},
                {sl_value_time(5000), "00:00:05", "'00:00:05'", "5000"},
                {sl_value_timestamp(10), "1970-01-01T00:00:00.010", "'1970-01-01T00:00:00.010'", "10"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                expect_renders(&cases[i].v, cases[i].java, cases[i].sql, cases[i].json);
        }
        /* TO_JSON_STRING: temporal values as their CAST text */
        sl_value tm = sl_value_time(60220000), dt = sl_value_date(1000), ts2 = sl_value_timestamp(60220000000);
        cr_expect_str_eq(render(JSON, &tm, SL_VALUE_JSON_TEMPORAL_TEXT), "\"16:43:40\"");
        cr_expect_str_eq(render(JSON, &dt, SL_VALUE_JSON_TEMPORAL_TEXT), "\"1972-09-27\"");
        cr_expect_str_eq(render(JSON, &ts2, SL_VALUE_JSON_TEMPORAL_TEXT), "\"1971-11-28T23:46:40.000\"");
        sl_value ts = sl_value_timestamp(10), d = decv("-1.50");
        cr_expect_str_eq(render(JSON, &ts, SL_VALUE_JSON_TEMPORAL_TEXT), "\"1970-01-01T00:00:00.010\"");
        cr_expect_str_eq(render(JSON, &d, SL_VALUE_JSON_DECIMAL_TEXT), "\"-1.50\"");
}

Test(types_value, composites_render_per_format)
{
        const sl_type *arr_t = sl_type_array(&arena, sl_type_int());
        const sl_type *map_t = sl_type_map(&arena, sl_type_string(), sl_type_int());
        sl_type_field f[] = {{"F0", sl_type_int()}, {"f1", sl_type_int()}, {"S", sl_type_string()}};
        const sl_type *st_t = sl_type_struct(&arena, f, 3);
        sl_value *items;
        sl_value arr = sl_value_composite_new(&arena, arr_t, 2, &items);
        items[0] = sl_value_int(1);
        items[1] = sl_value_int(3);
        expect_renders(&arr, "[1, 3]", "ARRAY[1, 3]", "[1,3]");
        sl_value map = sl_value_composite_new(&arena, map_t, 2, &items);
        items[0] = sl_value_string("this", 4);
        items[1] = sl_value_int(1);
        items[2] = sl_value_string("n", 1);
        expect_renders(&map, "{this=1, n=null}", "MAP('this' := 1, 'n' := NULL)", "{\"this\":1,\"n\":null}");
        cr_expect_eq(sl_value_map_get(&map, &items[0])->u.i32, 1);
        sl_value missing = sl_value_string("zz", 2);
        cr_expect_eq(sl_value_map_get(&map, &missing), NULL);
        sl_value st = sl_value_composite_new(&arena, st_t, 3, &items);
        items[0] = sl_value_int(1);
        items[1] = sl_value_int(3);
        expect_renders(&st, "Struct{F0=1,f1=3}", "STRUCT(`F0` := 1, `f1` := 3, `S` := NULL)",
                       "{\"F0\":1,\"f1\":3,\"S\":null}");
        cr_expect_eq(sl_value_struct_field(&st, "f1")->u.i32, 3);
        cr_expect_eq(sl_value_struct_field(&st, "F1"), NULL);
        /* nested decimals and timestamps print with Java's toString, not the CAST text */
        const sl_type *any_t = sl_type_array(&arena, sl_type_decimal(8, 8));
        sl_value nested = sl_value_composite_new(&arena, any_t, 3, &items);
        items[0] = decv("0.00000001");
        items[1] = sl_value_timestamp(10);
        cr_expect_str_eq(render(JAVA, &nested, 0), "[1E-8, 1970-01-01 00:00:00.01, null]");
        /* a non-string map key becomes its text in JSON */
        const sl_type *imap_t = sl_type_map(&arena, sl_type_int(), sl_type_boolean());
        sl_value imap = sl_value_composite_new(&arena, imap_t, 1, &items);
        items[0] = sl_value_int(-7);
        items[1] = sl_value_bool(false);
        cr_expect_str_eq(render(JSON, &imap, 0), "{\"-7\":false}");
        sl_value empty = sl_value_composite_new(&arena, arr_t, 0, &items);
        cr_expect_str_eq(render(JAVA, &empty, 0), "[]");
        cr_expect_str_eq(render(JSON, &empty, 0), "[]");
}

Test(types_value, base64_pads)
{
        static const struct {
                const char *in, *out;
        } cases[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foobar", "Zm9vYmFy"}};
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_str s;
                sl_str_init(&s);
                sl_value_append_base64(&s, (const uint8_t *)cases[i].in, strlen(cases[i].in));
                cr_expect_str_eq(sl_str_cstr(&s), cases[i].out);
                sl_str_deinit(&s);
        }
}

Test(types_value, copy_is_deep)
{
        sl_arena *src = sl_arena_new(0);
        const sl_type *arr_t = sl_type_array(&arena, sl_type_string());
        const sl_type *outer_t = sl_type_map(&arena, sl_type_string(), arr_t);
        sl_value *items, *inner;
        sl_value map = sl_value_composite_new(src, outer_t, 1, &items);
        items[0] = sl_value_cstr_copy(src, "key");
        items[1] = sl_value_composite_new(src, arr_t, 2, &inner);
        inner[0] = sl_value_string_copy(src, "a\0b", 3);
        inner[1] = sl_value_bytes_copy(src, "", 0);
        sl_value copy = sl_value_copy(&arena, &map);
        const char *before = render(JAVA, &map, 0);
        memset(inner, 0xAB, 2 * sizeof *inner);  /* scribble over the source before freeing it */
        sl_arena_free(src);
        cr_expect_str_eq(render(JAVA, &copy, 0), before);
        cr_expect_eq(copy.u.comp.items[1].u.comp.items[0].len, 3);
        cr_expect_eq(memcmp(copy.u.comp.items[1].u.comp.items[0].u.bytes, "a\0b", 3), 0);
        sl_value s = sl_value_copy(&arena, &(sl_value){.kind = SL_TYPE_INT, .u.i32 = 4});
        cr_expect_eq(s.u.i32, 4);
        cr_expect_str_eq(sl_value_to_cstr(&arena, &copy), before);
}
