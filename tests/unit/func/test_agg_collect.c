/* test_agg_collect.c: COLLECT_LIST, COLLECT_SET and HISTOGRAM: NULLs, duplicates, composite
 * elements, undo, merge, the configured limits, HISTOGRAM's 1000-entry cap. */
#include "agg_test.h"
#include "func/agg.h"

TestSuite(agg_collect, .init = fc_setup, .fini = fc_teardown);

Test(agg_collect, list_keeps_order_duplicates_and_nulls)
{
        agg a;
        AGG_OPEN_RET(&a, "COLLECT_LIST", "ARRAY<DECIMAL(4, 1)>", sl_type_decimal(4, 1));
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "[]");
        sl_value st = AGG_FOLD(&a, DEC("500.9"), DEC("300.8"), NUL(), DEC("300.8"), NUL());
        cr_assert_str_eq(agg_result(&a, st), "[500.9, 300.8, null, 300.8, null]");
        /* undo drops the last equal element */
        st = AGG_UNDO(&a, st, DEC("300.8"));
        cr_assert_str_eq(agg_result(&a, st), "[500.9, 300.8, null, null]");
        st = AGG_UNDO(&a, st, NUL());
        cr_assert_str_eq(agg_result(&a, st), "[500.9, 300.8, null]");
        st = AGG_UNDO(&a, st, DEC("1.0"));
        cr_assert_str_eq(agg_result(&a, st), "[500.9, 300.8, null]");
        sl_value other = AGG_FOLD(&a, DEC("1.0"));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "[500.9, 300.8, null, 1.0]");
        agg_close(&a);
}

Test(agg_collect, list_of_composites)
{
        agg a;
        const sl_type *m = sl_type_map(arena, T_STR(), T_BIG());
        agg_open(&a, "collect_list", &m, 1);
        cr_assert_str_eq(agg_ret(&a), "ARRAY<MAP<STRING, BIGINT>>");
        sl_value st = AGG_FOLD(&a, MAPV(T_STR(), T_BIG(), S("Record0"), L(1)), MAPV(T_STR(), T_BIG(), S("Record1"), L(100)));
        cr_assert_str_eq(agg_result(&a, st), "[{Record0=1}, {Record1=100}]");
        st = AGG_UNDO(&a, st, MAPV(T_STR(), T_BIG(), S("Record0"), L(1)));
        cr_assert_str_eq(agg_result(&a, st), "[{Record1=100}]");
        agg_close(&a);
}

Test(agg_collect, list_limit)
{
        agg a;
        sl_func_agg_config cfg = SL_FUNC_AGG_CONFIG_DEFAULT;
        cfg.collect_list_limit = 1;
        AGG_OPEN(&a, "COLLECT_LIST", T_INT());
        a.ctx.udata = &cfg;
        sl_value st = AGG_FOLD(&a, I(0), I(100));
        cr_assert_str_eq(agg_result(&a, st), "[0]");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, AGG_FOLD(&a, I(5)))), "[0]");
        cfg.collect_list_limit = -1;
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, I(0), I(100))), "[0, 100]");
        agg_close(&a);
}

Test(agg_collect, set)
{
        agg a;
        AGG_OPEN_RET(&a, "COLLECT_SET", "ARRAY<STRING>", T_STR());
        cr_assert_null(a.res.ov->agg->undo);
        sl_value st = AGG_FOLD(&a, S("foo"), S("baz"), S("foo"), NUL(), S("bar"), NUL());
        cr_assert_str_eq(agg_result(&a, st), "[foo, baz, null, bar]");
        sl_value other = AGG_FOLD(&a, S("bar"), S("qux"));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "[foo, baz, null, bar, qux]");
        sl_func_agg_config cfg = SL_FUNC_AGG_CONFIG_DEFAULT;
        cfg.collect_set_limit = 2;
        a.ctx.udata = &cfg;
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("a"), S("a"), S("b"), S("c"))), "[a, b]");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, AGG_FOLD(&a, S("a")), other)), "[a, bar]");
        agg_close(&a);
}

Test(agg_collect, set_of_structs)
{
        agg a;
        sl_type_field f[] = {{"A", T_STR()}, {"B", T_BIG()}};
        const sl_type *st_t = sl_type_struct(arena, f, 2);
        agg_open(&a, "COLLECT_SET", &st_t, 1);
        sl_value *i1, *i2;
        sl_value s1 = sl_value_composite_new(arena, st_t, 2, &i1), s2 = sl_value_composite_new(arena, st_t, 2, &i2);
        i1[0] = S("Record0"), i1[1] = L(1), i2[0] = S("Record0"), i2[1] = L(1);
        sl_value st = AGG_FOLD(&a, s1, s2);
        cr_assert_str_eq(agg_result(&a, st), "[Struct{A=Record0,B=1}]");
        agg_close(&a);
}

TestSuite(agg_histogram, .init = fc_setup, .fini = fc_teardown);

Test(agg_histogram, counts_undo_merge)
{
        agg a;
        AGG_OPEN_RET(&a, "HISTOGRAM", "MAP<STRING, BIGINT>", T_STR());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "{}");
        sl_value st = AGG_FOLD(&a, S("baz"), S("foo"), S("baz"), NUL());
        cr_assert_str_eq(agg_result(&a, st), "{baz=2, foo=1}");
        st = AGG_UNDO(&a, st, S("foo"));
        cr_assert_str_eq(agg_result(&a, st), "{baz=2}");
        st = AGG_UNDO(&a, st, S("nope"));
        cr_assert_str_eq(agg_result(&a, st), "{baz=2}");
        sl_value other = AGG_FOLD(&a, S("baz"), S("x"));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "{baz=3, x=1}");
        cr_assert_str_eq(AGG_RESOLVE_ERR("histogram", T_INT()),
                         "Function 'histogram' does not accept parameters (INTEGER).\nValid alternatives are:\n"
                         "histogram(STRING val1)");
        agg_close(&a);
}

Test(agg_histogram, limit_of_1000_entries)
{
        agg a;
        char buf[16];
        AGG_OPEN(&a, "HISTOGRAM", T_STR());
        sl_value st = agg_init(&a);
        for (int i = 0; i < 1005; i++) {
                snprintf(buf, sizeof buf, "v%d", i);
                sl_value v = sl_value_string_copy(arena, buf, strlen(buf));
                st = agg_add(&a, st, &v, 1);
        }
        cr_assert_eq(st.len, 1000);
        st = AGG_FOLD(&a, S("v0"));
        cr_assert_str_eq(agg_result(&a, st), "{v0=1}");
        agg_close(&a);
}
