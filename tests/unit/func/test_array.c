/* test_array.c: the ARRAY and MAP families: QTT cases for the set functions, sort with NULLs last,
 * min/max skipping NULLs, join renderings, slice bounds, generate_series steps and errors, entries,
 * map_keys/values/union, as_map; plus generic resolution (ARRAY<T> binding T). */
#include "func_test.h"

TestSuite(func_array, .init = fc_setup, .fini = fc_teardown);

#define IA(...) ARRV(T_INT(), __VA_ARGS__)
#define SA(...) ARRV(T_STR(), __VA_ARGS__)

Test(func_array, contains_length_distinct_sets)
{
        sl_value empty = ARR(T_INT(), 0, NULL);
        fcase cases[] = {
                FC("array_contains", "true", SA(S("Pink"), S("Yellow")), S("Pink")),
                FC("array_contains", "false", SA(S("Black")), S("Pink")),
                FC("array_contains", "false", TN(sl_type_array(arena, T_STR())), S("Pink")),
                FC("array_contains", "true", SA(S("a"), NUL()), TN(T_STR())),
                FC("array_length", "2", IA(I(-1), I(0))),
                FC("array_length", "0", empty),
                FC("array_length", "null", TN(sl_type_array(arena, T_INT()))),
                FC("array_distinct", "[foo, bar]", SA(S("foo"), S("bar"), S("foo"))),
                FC("array_distinct", "[0, null, 1, -1]", IA(I(0), NUL(), I(1), I(0), I(-1))),
                FC("array_distinct", "[[foo, bar, foo], [foo]]",
                   ARRV(sl_type_array(arena, T_STR()), SA(S("foo"), S("bar"), S("foo")), SA(S("foo"), S("bar"), S("foo")),
                        SA(S("foo")))),
                FC("array_except", "[0, -1]", IA(I(0), I(0), I(1), I(0), I(-1)), IA(I(1), I(-2))),
                FC("array_except", "[]", IA(I(0), I(0), I(1), I(0), I(-1)), IA(I(1), I(-1), I(0))),
                FC("array_except", "[0, 1, -1]", IA(I(0), I(0), I(1), I(0), I(-1)), empty),
                FC("array_except", "null", IA(I(0)), TN(sl_type_array(arena, T_INT()))),
                FC("array_intersect", "[0, 1]", IA(I(0), I(0), I(1), I(0), I(-1)), IA(I(1), I(-2), I(0))),
                FC("array_intersect", "[]", IA(I(0), I(0), I(1)), IA(I(3), I(4))),
                FC("array_union", "[0, 1, -1, -2]", IA(I(0), I(0), I(1), I(0), I(-1)), IA(I(1), I(-2), I(0))),
                FC("array_union", "[1, -2]", empty, IA(I(1), I(-2))),
                FC("array_concat", "[0, 0, 1, 1, -2]", IA(I(0), I(0), I(1)), IA(I(1), I(-2))),
                FC("array_concat", "[1, -2]", TN(sl_type_array(arena, T_INT())), IA(I(1), I(-2))),
                FC("array_concat", "[0, 3]", IA(I(0), I(3)), TN(sl_type_array(arena, T_INT()))),
                FC("array_concat", "null", TN(sl_type_array(arena, T_INT())), TN(sl_type_array(arena, T_INT()))),
                FC("array_remove", "[bar]", SA(S("foo"), S("bar"), S("foo")), S("foo")),
                FC("array_remove", "[0, null, 1, 0]", IA(I(0), NUL(), I(1), I(0), I(-1)), I(-1)),
                FC("array_remove", "[0, 1, 0, -1]", IA(I(0), NUL(), I(1), I(0), I(-1)), TN(T_INT())),
                FC("array_remove", "null", TN(sl_type_array(arena, T_INT())), I(1)),
        };
        FC_RUN(cases);
        cr_expect_str_eq(FC_RET("array_distinct", SA(S("x"))), "ARRAY<STRING>");
        FC_FAILS("array_contains", "does not accept parameters (ARRAY<STRING>, INTEGER)", SA(S("x")), I(1));
}

Test(func_array, max_min_sort_join)
{
        sl_value strs = SA(S("foo"), S("fo"), S("Food"), NUL(), S("F"), S("food"));
        fcase cases[] = {
                FC("array_max", "true", ARRV(sl_type_boolean(), NUL(), BOOL(false), BOOL(true))),
                FC("array_max", "1", IA(I(0), NUL(), I(1), I(0), I(-1))),
                FC("array_max", "food", strs),
                FC("array_min", "F", strs),
                FC("array_min", "-9.9", ARRV(sl_type_decimal(2, 1), DEC("1.0"), DEC("-9.9"), DEC("1.5"))),
                FC("array_max", "null", ARR(T_INT(), 0, NULL)),
                FC("array_sort", "[F, Food, fo, foo, food, null]", strs),
                FC("array_sort", "[food, foo, fo, Food, F, null]", strs, S("desc")),
                FC("array_sort", "[-1, 0, 0, 1, null]", IA(I(0), NUL(), I(1), I(0), I(-1))),
                FC("array_sort", "null", IA(I(1)), S("sideways")),
                FC("array_sort", "[false, false, true]", ARRV(sl_type_boolean(), BOOL(false), BOOL(true), BOOL(false))),
                FC("array_join", "true,null,false", ARRV(sl_type_boolean(), BOOL(true), NUL(), BOOL(false))),
                FC("array_join", "1?23?-42?0", IA(I(1), I(23), I(-42), I(0)), S("?")),
                FC("array_join", "1.23 -23.42 0.0", ARRV(T_DBL(), D(1.23), D(-23.42), D(0.0)), S(" ")),
                FC("array_join", "123.45#987.65", ARRV(sl_type_decimal(5, 2), DEC("123.45"), DEC("987.65")), S("#")),
                FC("array_join", "123-420", IA(I(1), I(23), I(-42), I(0)), TN(T_STR())),
                FC("array_join", "HelloFrom", SA(S("Hello"), S("From")), S("")),
        };
        FC_RUN(cases);
}

Test(func_array, slice_generate_series)
{
        fcase cases[] = {
                FC("slice", "[b, c]", SA(S("a"), S("b"), S("c"), S("d")), I(2), I(3)),
                FC("slice", "[a, b]", SA(S("a"), S("b"), S("c"), S("d")), TN(T_INT()), I(2)),
                FC("slice", "[c, d]", SA(S("a"), S("b"), S("c"), S("d")), I(3), TN(T_INT())),
                FC("slice", "null", SA(S("a"), S("b")), I(1), I(5)),
                FC("generate_series", "[0, 1, 2, 3]", I(0), I(3)),
                FC("generate_series", "[4, 3, 2, 1, 0]", I(4), I(0)),
                FC("generate_series", "[-2, 0]", I(-2), I(1), I(2)),
                FC("generate_series", "[9, 6, 3, 0]", I(9), I(0), I(-3)),
                FC("generate_series", "[1, -1]", I(1), I(-2), I(-2)),
                FC("generate_series", "[5]", L(5), L(5)),
                FC("generate_series", "null", TN(T_INT()), I(5)),
        };
        FC_RUN(cases);
        cr_expect_str_eq(FC_RET("generate_series", L(1), I(3)), "ARRAY<BIGINT>");
        sl_err_detail err;
        sl_value zero[] = {I(0), I(3), I(0)};
        cr_expect_eq(fc_call_err("generate_series", zero, 3, &err), SL_ERR_FUNCTION);
        sl_value wrong[] = {I(0), I(3), I(-1)};
        cr_expect_eq(fc_call_err("generate_series", wrong, 3, &err), SL_ERR_FUNCTION);
}

Test(func_array, maps_and_entries)
{
        sl_value m1 = MAPV(T_STR(), T_INT(), S("foo"), I(10), S("bar"), I(20), S("baz"), I(30));
        sl_value m2 = MAPV(T_STR(), T_INT(), S("foo"), I(99), S("apple"), I(-1));
        sl_value mnull = TN(sl_type_map(arena, T_STR(), T_INT()));
        fcase cases[] = {
                FC("map_keys", "[foo, bar, baz]", m1),
                FC("map_values", "[10, 20, 30]", m1),
                FC("map_keys", "null", mnull),
                FC("map_union", "{foo=99, bar=20, baz=30, apple=-1}", m1, m2),
                FC("map_union", "{foo=99, apple=-1}", mnull, m2),
                FC("map_union", "null", mnull, mnull),
                FC("as_map", "{a=1, b=2}", SA(S("a"), S("b")), IA(I(1), I(2), I(3))),
                FC("as_map", "{a=1, b=2, c=null}", SA(S("a"), S("b"), S("c")), IA(I(1), I(2))),
                FC("entries", "[Struct{K=foo,V=10}, Struct{K=bar,V=20}, Struct{K=baz,V=30}]", m1, BOOL(false)),
                FC("entries", "[Struct{K=bar,V=20}, Struct{K=baz,V=30}, Struct{K=foo,V=10}]", m1, BOOL(true)),
                FC("entries", "null", mnull, BOOL(true)),
        };
        FC_RUN(cases);
        cr_expect_str_eq(FC_RET("entries", m1, BOOL(true)), "ARRAY<STRUCT<`K` STRING, `V` INTEGER>>");
        cr_expect_str_eq(FC_RET("map_values", m1), "ARRAY<INTEGER>");
}
