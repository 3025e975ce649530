/* test_agg_count.c: COUNT over columns and COUNT(*): NULLs skipped, undo, merge, empty groups. */
#include "agg_test.h"

TestSuite(agg_count, .init = fc_setup, .fini = fc_teardown);

Test(agg_count, counts_non_null_values)
{
        agg a;
        AGG_OPEN_RET(&a, "count", "BIGINT", T_STR());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "0");
        sl_value st = AGG_FOLD(&a, S("a"), NUL(), S("b"), S("a"), NUL());
        cr_assert_str_eq(agg_result(&a, st), "3");
        agg_close(&a);
}

Test(agg_count, star_counts_every_row)
{
        agg a;
        AGG_OPEN0(&a, "COUNT");
        cr_assert_str_eq(agg_ret(&a), "BIGINT");
        sl_value st = agg_init(&a);
        for (int i = 0; i < 5; i++)
                st = agg_add(&a, st, NULL, 0);
        cr_assert_str_eq(agg_result(&a, st), "5");
        st = agg_undo(&a, st, NULL, 0);
        cr_assert_str_eq(agg_result(&a, st), "4");
        agg_close(&a);
}

Test(agg_count, any_type)
{
        const sl_type *types[] = {T_INT(), T_DBL(), sl_type_decimal(4, 2), sl_type_bytes(), sl_type_date(),
                                  sl_type_array(arena, T_INT()), sl_type_map(arena, T_STR(), T_INT())};
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
                agg a;
                agg_open(&a, "COUNT", &types[i], 1);
                cr_assert_str_eq(agg_ret(&a), "BIGINT");
                sl_value st = agg_init(&a);
                sl_value n = TN(types[i]);
                st = agg_add(&a, st, &n, 1);
                cr_assert_str_eq(agg_result(&a, st), "0");
                agg_close(&a);
        }
}

Test(agg_count, undo_and_merge)
{
        agg a;
        AGG_OPEN(&a, "COUNT", T_INT());
        sl_value st = AGG_FOLD(&a, I(1), I(2), I(3));
        st = AGG_UNDO(&a, st, I(2));
        cr_assert_str_eq(agg_result(&a, st), "2");
        st = AGG_UNDO(&a, st, NUL());
        cr_assert_str_eq(agg_result(&a, st), "2");
        sl_value other = AGG_FOLD(&a, I(7), NUL(), I(8));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "4");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, agg_init(&a), agg_init(&a))), "0");
        agg_close(&a);
}

Test(agg_count, listed_as_aggregate)
{
        const sl_func *fn = sl_func_registry_get(reg, "count");
        cr_assert_not_null(fn);
        cr_assert_eq(fn->kind, SL_FUNC_AGGREGATE);
        cr_assert_str_eq(fn->category, "AGGREGATE");
        cr_assert_str_eq(fn->name, "COUNT");
}

TestSuite(agg_count_distinct, .init = fc_setup, .fini = fc_teardown);

Test(agg_count_distinct, small_counts_are_exact)
{
        agg a;
        AGG_OPEN_RET(&a, "COUNT_DISTINCT", "BIGINT", T_STR());
        cr_assert_null(a.res.ov->agg->undo);
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "0");
        sl_value st = AGG_FOLD(&a, S("one"), S("two"), S("one"), S("two"), NUL());
        cr_assert_str_eq(agg_result(&a, st), "2");
        sl_value other = AGG_FOLD(&a, S("two"), S("three"));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "3");
        agg_close(&a);

        AGG_OPEN(&a, "COUNT_DISTINCT", T_BIG());
        st = agg_init(&a);
        for (int64_t i = 0; i < 200; i++) {
                sl_value v = L(i % 100);
                st = agg_add(&a, st, &v, 1);
        }
        cr_assert_str_eq(agg_result(&a, st), "100");
        agg_close(&a);
}

Test(agg_count_distinct, large_counts_are_close)
{
        agg a;
        AGG_OPEN(&a, "COUNT_DISTINCT", T_INT());
        sl_value st = agg_init(&a);
        for (int32_t i = 0; i < 50000; i++) {
                sl_value v = I(i * 7919);
                sl_value out;
                cr_assert_eq(a.res.ov->agg->accumulate(&a.ctx, &st, &v, 1, &out), SL_OK);
                st = out;
        }
        sl_value r;
        cr_assert_eq(a.res.ov->agg->result(&a.ctx, &st, &r), SL_OK);
        /* the standard error is 0.8%: 4% is five of them */
        cr_assert(r.u.i64 > 48000 && r.u.i64 < 52000, "estimate %lld", (long long)r.u.i64);
        agg_close(&a);
}
