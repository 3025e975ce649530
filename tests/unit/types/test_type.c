/* test_type.c: type singletons, composite construction, equality and ksqlDB's type printing. */
#include <criterion/criterion.h>
#include <string.h>

#include "types/type.h"

static sl_arena arena;

static void setup(void) { sl_arena_init(&arena, 0); }
static void teardown(void) { sl_arena_deinit(&arena); }

TestSuite(types_type, .init = setup, .fini = teardown);

static const char *print(const sl_type *t)
{
        return sl_type_to_cstr(&arena, t);
}

Test(types_type, primitives_are_singletons_named_as_ksqldb)
{
        cr_expect_eq(sl_type_int(), sl_type_primitive(SL_TYPE_INT));
        cr_expect_eq(sl_type_primitive(SL_TYPE_DECIMAL), NULL);
        cr_expect_eq(sl_type_primitive(SL_TYPE_ARRAY), NULL);
        cr_expect_str_eq(print(sl_type_int()), "INTEGER");
        cr_expect_str_eq(print(sl_type_string()), "STRING");
        cr_expect_str_eq(print(sl_type_bigint()), "BIGINT");
        cr_expect_str_eq(print(sl_type_timestamp()), "TIMESTAMP");
        cr_expect_str_eq(print(sl_type_null()), "NULL");
        cr_expect_str_eq(print(sl_type_decimal(4, 2)), "DECIMAL(4, 2)");
        cr_expect_eq(sl_type_decimal(4, 2), sl_type_decimal(4, 2));
        cr_expect_eq(sl_type_decimal(39, 2), NULL);
        cr_expect_eq(sl_type_decimal(2, 3), NULL);
        cr_expect_eq(sl_type_decimal(0, 0), NULL);
        cr_expect_neq(sl_type_decimal(38, 38), NULL);
}

Test(types_type, decimal_check_messages)
{
        sl_err_detail err;
        cr_expect_eq(sl_type_decimal_check(10, 2, &err), SL_OK);
        cr_expect_eq(sl_type_decimal_check(0, 0, &err), SL_ERR_TYPE);
        cr_expect_str_eq(err.message, "DECIMAL precision must be >= 1");
        cr_expect_eq(sl_type_decimal_check(39, 0, &err), SL_ERR_TYPE);
        cr_expect_str_eq(err.message, "DECIMAL precision must be <= 38");
        cr_expect_eq(sl_type_decimal_check(3, 4, &err), SL_ERR_TYPE);
        cr_expect_eq(sl_type_decimal_check(3, -1, &err), SL_ERR_TYPE);
}

Test(types_type, composites_print_like_ksqldb)
{
        const sl_type *arr = sl_type_array(&arena, sl_type_int());
        const sl_type *map = sl_type_map(&arena, sl_type_string(), sl_type_int());
        sl_type_field f[] = {{"F0", sl_type_string()}, {"F1", sl_type_int()}, {"we`ird", arr}};
        const sl_type *st = sl_type_struct(&arena, f, 2);
        cr_expect_str_eq(print(arr), "ARRAY<INTEGER>");
        cr_expect_str_eq(print(map), "MAP<STRING, INTEGER>");
        cr_expect_str_eq(print(st), "STRUCT<`F0` STRING, `F1` INTEGER>");
        cr_expect_str_eq(print(sl_type_struct(&arena, f, 3)),
                         "STRUCT<`F0` STRING, `F1` INTEGER, `we``ird` ARRAY<INTEGER>>");
        cr_expect_str_eq(print(sl_type_struct(&arena, NULL, 0)), "STRUCT<>");
        cr_expect_str_eq(print(sl_type_array(&arena, sl_type_map(&arena, sl_type_string(), sl_type_decimal(20, 10)))),
                         "ARRAY<MAP<STRING, DECIMAL(20, 10)>>");
}

static bool has_lower(const char *name, void *ctx)
{
        (void)ctx;
        for (; *name; name++)
                if (*name >= 'a' && *name <= 'z')
                        return true;
        return false;
}

Test(types_type, print_ex_quotes_only_where_asked)
{
        sl_type_field inner[] = {{"ts", sl_type_bigint()}};
        sl_type_field f[] = {{"A", sl_type_int()}, {"b", sl_type_struct(&arena, inner, 1)}};
        sl_str s;
        sl_str_init(&s);
        sl_type_print_ex(&s, sl_type_array(&arena, sl_type_struct(&arena, f, 2)), has_lower, NULL);
        cr_expect_str_eq(sl_str_cstr(&s), "ARRAY<STRUCT<A INTEGER, `b` STRUCT<`ts` BIGINT>>>");
        sl_str_deinit(&s);
}

Test(types_type, equality_is_structural)
{
        sl_type_field f1[] = {{"A", sl_type_int()}, {"B", sl_type_array(&arena, sl_type_string())}};
        sl_type_field f2[] = {{"A", sl_type_int()}, {"B", sl_type_array(&arena, sl_type_string())}};
        sl_type_field f3[] = {{"A", sl_type_int()}, {"b", sl_type_array(&arena, sl_type_string())}};
        const sl_type *s1 = sl_type_struct(&arena, f1, 2), *s2 = sl_type_struct(&arena, f2, 2);
        cr_expect(sl_type_eq(s1, s2));
        cr_expect(!sl_type_eq(s1, sl_type_struct(&arena, f3, 2)));
        cr_expect(!sl_type_eq(s1, sl_type_struct(&arena, f1, 1)));
        cr_expect(!sl_type_eq(sl_type_decimal(4, 2), sl_type_decimal(4, 1)));
        cr_expect(!sl_type_eq(sl_type_map(&arena, sl_type_string(), sl_type_int()),
                              sl_type_map(&arena, sl_type_string(), sl_type_bigint())));
        cr_expect(!sl_type_eq(sl_type_int(), sl_type_bigint()));
        cr_expect_eq(sl_type_struct_field_index(s1, "B"), 1);
        cr_expect_eq(sl_type_struct_field_index(s1, "b"), -1);
        cr_expect_eq(sl_type_struct_field_index(sl_type_int(), "B"), -1);
}

Test(types_type, copy_is_deep_and_equal)
{
        sl_arena other;
        sl_arena_init(&other, 0);
        char name[] = "FIELD";
        sl_type_field f[] = {{name, sl_type_map(&arena, sl_type_string(), sl_type_decimal(10, 2))}};
        const sl_type *st = sl_type_struct(&arena, f, 1);
        name[0] = 'X'; /* the constructor copied the name */
        cr_expect_str_eq(st->fields[0].name, "FIELD");
        const sl_type *copy = sl_type_copy(&other, st);
        cr_expect(sl_type_eq(copy, st));
        cr_expect_neq(copy, st);
        cr_expect_neq(copy->fields[0].type, st->fields[0].type);
        sl_arena_deinit(&arena);
        sl_arena_init(&arena, 0);
        cr_expect_str_eq(print(copy), "STRUCT<`FIELD` MAP<STRING, DECIMAL(10, 2)>>");
        sl_arena_deinit(&other);
}

Test(types_type, kind_predicates)
{
        cr_expect(sl_type_is_numeric(sl_type_decimal(3, 1)));
        cr_expect(sl_type_is_numeric(sl_type_double()));
        cr_expect(!sl_type_is_numeric(sl_type_string()));
        cr_expect(sl_type_is_integral(sl_type_bigint()));
        cr_expect(!sl_type_is_integral(sl_type_double()));
        cr_expect(sl_type_is_temporal(sl_type_time()));
        cr_expect(!sl_type_is_temporal(sl_type_bigint()));
        cr_expect(sl_type_is_composite(sl_type_array(&arena, sl_type_int())));
        cr_expect(!sl_type_is_composite(sl_type_bytes()));
        cr_expect_str_eq(sl_type_kind_name((sl_type_kind)99), "UNKNOWN");
}
