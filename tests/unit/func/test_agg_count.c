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

/* The estimate after each of `n` distinct values i * 7919 folded one by one into `st`. */
static void fold_estimates(agg *a, sl_value *st, int32_t from, int32_t to, char **out)
{
        for (int32_t i = from; i < to; i++) {
                sl_value v = I(i * 7919);
                *st = agg_add(a, *st, &v, 1);
                if (out)
                        out[i] = strdup(agg_result(a, *st));
        }
}

Test(agg_count_distinct, merge_and_roundtrip_agree_across_sizes)
{
        /* small sets keep a sparse register list, large ones all registers: folding, merging two
         * halves and a store round trip give the same estimates on both sides of the switch */
        enum { N = 1600 };
        static char *est[N];
        static const int32_t cuts[] = {0, 700, 1100}, ends[] = {0, 900, 1100, 1300, N};
        agg a;
        AGG_OPEN(&a, "COUNT_DISTINCT", T_INT());
        sl_value all = agg_init(&a);
        fold_estimates(&a, &all, 0, N, est);
        cr_assert_str_eq(est[0], "1");
        cr_assert_str_eq(est[99], "100");
        for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
                for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
                        int32_t cut = cuts[c], end = ends[e];
                        if (end < cut)
                                continue;
                        sl_value x = agg_init(&a), y = agg_init(&a);
                        fold_estimates(&a, &x, 0, cut, NULL);
                        fold_estimates(&a, &y, cut, end, NULL);
                        sl_value xy = agg_merge(&a, x, y), yx = agg_merge(&a, y, x);
                        const char *want = end ? est[end - 1] : "0";
                        cr_assert_str_eq(agg_result(&a, xy), want, "merge at %d..%d", cut, end);
                        cr_assert_str_eq(agg_result(&a, yx), want, "merge at %d..%d", cut, end);
                        cr_assert_str_eq(agg_result(&a, agg_roundtrip(&a, &xy)), want);
                }
        }
        /* values already counted change nothing */
        sl_value again = all;
        fold_estimates(&a, &again, 0, 100, NULL);
        cr_assert_str_eq(agg_result(&a, again), est[N - 1]);
        for (int i = 0; i < N; i++)
                free(est[i]);
        agg_close(&a);
}
