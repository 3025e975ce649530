/* test_agg_stats.c: STDDEV_SAMP, STDDEV_SAMPLE and CORRELATION against the sequences of ksqlDB's
 * query-validation cases (same inputs per key, same outputs), plus undo, merge and types. */
#include "agg_test.h"

TestSuite(agg_stats, .init = fc_setup, .fini = fc_teardown);

/* Folds vals one by one and checks the result after each. */
static void expect_seq(agg *a, const sl_value *vals, const char *const *want, size_t n)
{
        sl_value st = agg_init(a);
        for (size_t i = 0; i < n; i++) {
                st = agg_add(a, st, &vals[i], 1);
                cr_assert_str_eq(agg_result(a, st), want[i], "step %zu", i);
        }
}
#define EXPECT_SEQ(a, vals, want) expect_seq((a), (vals), (want), sizeof(vals) / sizeof((vals)[0]))

Test(agg_stats, stddev_samp_is_ksqldb_variance)
{
        agg a;
        AGG_OPEN_RET(&a, "stddev_samp", "DOUBLE", T_INT());
        cr_assert_str_eq(sl_type_to_cstr(arena, a.stype), "STRUCT<`SUM` INTEGER, `COUNT` BIGINT, `M2` DOUBLE>");
        sl_value k0[] = {I(0), I(10), I(7), I(6)};
        const char *w0[] = {"0.0", "50.0", "26.333333333333332", "17.583333333333332"};
        EXPECT_SEQ(&a, k0, w0);
        sl_value k100[] = {I(50), I(10), I(3), NUL()};
        const char *w100[] = {"0.0", "800.0", "643.0", "643.0"};
        EXPECT_SEQ(&a, k100, w100);
        agg_close(&a);

        AGG_OPEN(&a, "STDDEV_SAMP", T_BIG());
        sl_value l0[] = {L(2147483648LL), L(100), L(-2), NUL()};
        const char *wl0[] = {"0.0", "2.3058427944653343E18", "1.5372286026580004E18", "1.5372286026580004E18"};
        EXPECT_SEQ(&a, l0, wl0);
        sl_value l100[] = {L(500), L(100), L(0), L(-6)};
        const char *wl100[] = {"0.0", "80000.0", "70000.0", "57275.666666666664"};
        EXPECT_SEQ(&a, l100, wl100);
        agg_close(&a);

        AGG_OPEN(&a, "STDDEV_SAMP", T_DBL());
        sl_value d[] = {D(10.0), D(12.0), D(13.0), D(14.0), D(16.0)};
        const char *wd[] = {"0.0", "2.0", "2.333333333333333", "2.9166666666666665", "5.0"};
        EXPECT_SEQ(&a, d, wd);
        agg_close(&a);
}

Test(agg_stats, stddev_sample_is_the_root)
{
        agg a;
        AGG_OPEN(&a, "STDDEV_SAMPLE", T_BIG());
        sl_value l0[] = {L(2147483648LL), L(100), L(-2), NUL()};
        const char *wl0[] = {"0.0", "1.5185001792773468E9", "1.2398502339629574E9", "1.2398502339629574E9"};
        EXPECT_SEQ(&a, l0, wl0);
        sl_value l100[] = {L(500), L(100), L(0), L(-6)};
        const char *wl100[] = {"0.0", "282.842712474619", "264.5751311064591", "239.32335169528832"};
        EXPECT_SEQ(&a, l100, wl100);
        agg_close(&a);
        AGG_OPEN(&a, "stddev_sample", T_DBL());
        sl_value d[] = {D(10.0), D(12.0), D(13.0), D(14.0), D(16.0)};
        const char *wd[] = {"0.0", "1.4142135623730951", "1.5275252316519465", "1.707825127659933", "2.23606797749979"};
        EXPECT_SEQ(&a, d, wd);
        agg_close(&a);
}

Test(agg_stats, stddev_undo_and_merge)
{
        agg a;
        AGG_OPEN(&a, "STDDEV_SAMP", T_DBL());
        sl_value st = AGG_FOLD(&a, D(10.0), D(12.0), D(13.0));
        st = AGG_UNDO(&a, st, NUL());
        cr_assert_str_eq(agg_result(&a, st), "2.333333333333333");
        sl_value x = AGG_FOLD(&a, D(10.0), D(12.0)), y = AGG_FOLD(&a, D(13.0), D(14.0), D(16.0));
        /* the pooled variance of the five values */
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, x, y)), "5.000000000000001");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, agg_init(&a), y)), agg_result(&a, y));
        agg_close(&a);

        AGG_OPEN(&a, "STDDEV_SAMPLE", T_INT());
        st = AGG_FOLD(&a, I(1), I(2), I(3), I(4));
        st = AGG_UNDO(&a, st, I(4));
        cr_assert_eq(agg_result(&a, st)[0], '1');  /* sqrt of about 1 (ksqlDB's undo formula is approximate) */
        agg_close(&a);
        cr_assert(strstr(AGG_RESOLVE_ERR("STDDEV_SAMP", T_STR()), "Function 'STDDEV_SAMP' does not accept") != NULL);
}

Test(agg_stats, correlation)
{
        agg a;
        AGG_OPEN_RET(&a, "CORRELATION", "DOUBLE", T_DBL(), T_DBL());
        sl_value st = agg_init(&a);
        st = AGG_ADD(&a, st, D(1.5), D(8.0));
        cr_assert_str_eq(agg_result(&a, st), "NaN");
        st = AGG_ADD(&a, st, D(-1.0), D(-2.0));
        cr_assert_str_eq(agg_result(&a, st), "1.0");
        st = AGG_ADD(&a, st, D(-4.5), D(-1.0));
        cr_assert_str_eq(agg_result(&a, st), "0.7580764521133173");
        st = AGG_ADD(&a, st, NUL(), D(-6.0));
        cr_assert_str_eq(agg_result(&a, st), "0.7580764521133173");
        agg_close(&a);

        /* the table case: (bob, alice) then alice changes, then charlie */
        AGG_OPEN(&a, "correlation", T_DBL(), T_DBL());
        st = agg_init(&a);
        st = AGG_ADD(&a, st, D(1.5), D(8.0));
        st = AGG_ADD(&a, st, D(-3.5), D(-2.0));
        cr_assert_str_eq(agg_result(&a, st), "1.0");
        st = AGG_UNDO(&a, st, D(1.5), D(8.0));
        st = AGG_ADD(&a, st, D(-1.0), D(-2.0));
        cr_assert_str_eq(agg_result(&a, st), "NaN");
        st = AGG_ADD(&a, st, D(-4.5), D(-1.0));
        cr_assert_str_eq(agg_result(&a, st), "-0.7205766921228921");
        sl_value x = AGG_ADD(&a, agg_init(&a), D(1.5), D(8.0));
        sl_value y = AGG_ADD(&a, AGG_ADD(&a, agg_init(&a), D(-1.0), D(-2.0)), D(-4.5), D(-1.0));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, x, y)), "0.7580764521133173");
        agg_close(&a);

        AGG_OPEN(&a, "correlation", T_INT(), T_INT());
        st = agg_init(&a);
        st = AGG_ADD(&a, st, I(1), I(8));
        st = AGG_ADD(&a, st, I(-1), I(-2));
        st = AGG_ADD(&a, st, I(-4), I(-1));
        cr_assert_str_eq(agg_result(&a, st), "0.7455284088780169");
        agg_close(&a);
}

Test(agg_stats, empty_groups)
{
        agg a;
        AGG_OPEN(&a, "STDDEV_SAMP", T_INT());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "0.0");
        agg_close(&a);
        AGG_OPEN(&a, "STDDEV_SAMPLE", T_DBL());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "0.0");
        agg_close(&a);
        /* ksqlDB divides 0 by 0 */
        AGG_OPEN(&a, "CORRELATION", T_BIG(), T_BIG());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "NaN");
        agg_close(&a);
}
