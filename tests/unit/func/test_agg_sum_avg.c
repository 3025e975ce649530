/* test_agg_sum_avg.c: SUM, SUM_LIST and AVG: result types per overload, Java wrap-around of INT
 * and BIGINT sums, DECIMAL overflow, NULLs, undo, merge, empty groups. */
#include "agg_test.h"

TestSuite(agg_sum, .init = fc_setup, .fini = fc_teardown);

Test(agg_sum, types)
{
        AGG_EXPECT_RET("sum", "INTEGER", T_INT());
        AGG_EXPECT_RET("SUM", "BIGINT", T_BIG());
        AGG_EXPECT_RET("SUM", "DOUBLE", T_DBL());
        AGG_EXPECT_RET("SUM", "DECIMAL(4, 1)", sl_type_decimal(4, 1));
        const char *msg = AGG_RESOLVE_ERR("SUM", T_STR());
        cr_assert(strstr(msg, "Function 'SUM' does not accept parameters (STRING).") == msg, "%s", msg);
}

Test(agg_sum, int_sum_wraps_like_java)
{
        agg a;
        AGG_OPEN(&a, "SUM", T_INT());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "0");
        sl_value st = AGG_FOLD(&a, I(0), I(100), NUL(), I(500));
        cr_assert_str_eq(agg_result(&a, st), "600");
        st = AGG_FOLD(&a, I(2147483647), I(1));
        cr_assert_str_eq(agg_result(&a, st), "-2147483648");
        st = AGG_UNDO(&a, st, I(1));
        cr_assert_str_eq(agg_result(&a, st), "2147483647");
        agg_close(&a);

        AGG_EXPECT_FOLD("SUM", T_BIG(), "-9223372036854775807", L(INT64_MAX), L(2));
}

Test(agg_sum, bigint_double_undo_merge)
{
        agg a;
        AGG_OPEN(&a, "SUM", T_BIG());
        sl_value st = AGG_FOLD(&a, L(2147483648LL), L(100));
        cr_assert_str_eq(agg_result(&a, st), "2147483748");
        st = AGG_UNDO(&a, st, L(100));
        st = AGG_UNDO(&a, st, NUL());
        cr_assert_str_eq(agg_result(&a, st), "2147483648");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, AGG_FOLD(&a, L(2)))), "2147483650");
        agg_close(&a);

        AGG_EXPECT_FOLD("SUM", T_DBL(), "105.5", D(5.4), D(100.1));
}

Test(agg_sum, int_argument_literal_widens_nothing)
{
        /* SUM(2) sums INTs, SUM(CAST(2 AS BIGINT)) BIGINTs */
        AGG_EXPECT_FOLD("SUM", T_INT(), "6", I(2), I(2), I(2));
}

Test(agg_sum, decimal)
{
        agg a;
        AGG_OPEN(&a, "SUM", sl_type_decimal(4, 1));
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "0.0");
        sl_value st = AGG_FOLD(&a, DEC("500.9"), DEC("300.8"));
        cr_assert_str_eq(agg_result(&a, st), "801.7");
        sl_value v = DEC("400.8");
        cr_assert_eq(agg_add_err(&a, st, &v, 1), SL_ERR_OVERFLOW);
        cr_assert(strstr(a.err.message, "Numeric field overflow: A field with precision 4 and scale 1 must round to "
                                        "an absolute value less than 10^3. Got 1203") == a.err.message,
                  "%s", a.err.message);
        st = AGG_UNDO(&a, st, DEC("0.7"));
        cr_assert_str_eq(agg_result(&a, st), "801.0");
        /* a merged sum that does not fit the type fails too (ksqlDB could not store it either) */
        sl_value big = AGG_FOLD(&a, DEC("500.0")), out;
        cr_assert_eq(a.res.ov->agg->merge(&a.ctx, &st, &big, &out), SL_ERR_OVERFLOW);
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, AGG_FOLD(&a, DEC("-1.0")))), "800.0");
        agg_close(&a);

        /* 38 digits: the 128-bit sum itself would overflow */
        AGG_OPEN(&a, "SUM", sl_type_decimal(38, 0));
        st = AGG_FOLD(&a, DEC("99999999999999999999999999999999999999"));
        v = DEC("99999999999999999999999999999999999999");
        cr_assert_eq(agg_add_err(&a, st, &v, 1), SL_ERR_OVERFLOW);
        v = DEC("-99999999999999999999999999999999999999");
        cr_assert_eq(agg_add_err(&a, AGG_FOLD(&a, v), &v, 1), SL_ERR_OVERFLOW);
        agg_close(&a);

        AGG_EXPECT_FOLD("SUM", sl_type_decimal(6, 2), "1308.00", DEC("5.40"), DEC("100.10"), DEC("500.90"),
                        DEC("300.80"), DEC("400.80"));
}

Test(agg_sum, sum_list)
{
        agg a;
        AGG_OPEN_RET(&a, "SUM_LIST", "INTEGER", sl_type_array(arena, T_INT()));
        sl_value st = AGG_FOLD(&a, ARRV(T_INT(), I(1), I(1)), ARRV(T_INT(), I(2), I(2)), NUL(),
                               ARRV(T_INT(), I(100), I(100), TN(T_INT())));
        cr_assert_str_eq(agg_result(&a, st), "206");
        st = AGG_UNDO(&a, st, ARRV(T_INT(), I(2), I(2)));
        cr_assert_str_eq(agg_result(&a, st), "202");
        agg_close(&a);

        AGG_OPEN_RET(&a, "sum_list", "DOUBLE", sl_type_array(arena, T_DBL()));
        st = AGG_FOLD(&a, ARRV(T_DBL(), D(1.0), D(1.0)), ARRV(T_DBL(), D(2.0), D(2.0)));
        cr_assert_str_eq(agg_result(&a, st), "6.0");
        agg_close(&a);

        AGG_EXPECT_RET("sum_list", "BIGINT", sl_type_array(arena, T_BIG()));
}

TestSuite(agg_avg, .init = fc_setup, .fini = fc_teardown);

Test(agg_avg, int)
{
        agg a;
        AGG_OPEN_RET(&a, "AVG", "DOUBLE", T_INT());
        cr_assert_eq(a.stype->kind, SL_TYPE_STRUCT);
        cr_assert_str_eq(sl_type_to_cstr(arena, a.stype), "STRUCT<`SUM` INTEGER, `COUNT` BIGINT>");
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "0.0");
        sl_value st = AGG_FOLD(&a, I(2), I(2), I(0), NUL());
        cr_assert_str_eq(agg_result(&a, st), "1.3333333333333333");
        st = AGG_UNDO(&a, st, I(0));
        cr_assert_str_eq(agg_result(&a, st), "2.0");
        st = AGG_UNDO(&a, st, NUL());
        cr_assert_str_eq(agg_result(&a, st), "2.0");
        sl_value other = AGG_FOLD(&a, I(5));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "3.0");
        agg_close(&a);
}

Test(agg_avg, bigint_wraps_double)
{
        AGG_EXPECT_FOLD("avg", T_BIG(), "-4.611686018427388E18", L(2), L(INT64_MAX));

        AGG_EXPECT_FOLD("avg", T_DBL(), "-66633.46666666666", D(-200000.6), D(100.2), D(0.0));
}

Test(agg_avg, no_implicit_casts)
{
        /* ksqlDB resolves aggregates without implicit casts: AVG has INT, BIGINT and DOUBLE only */
        const char *msg = AGG_RESOLVE_ERR("avg", sl_type_decimal(4, 1));
        cr_assert(strstr(msg, "Function 'avg' does not accept parameters (DECIMAL(4, 1)).") == msg, "%s", msg);
        msg = AGG_RESOLVE_ERR("avg", T_STR());
        cr_assert(strstr(msg, "Function 'avg' does not accept parameters (STRING).") == msg, "%s", msg);
        msg = AGG_RESOLVE_ERR("CORRELATION", T_INT(), T_BIG());
        cr_assert(strstr(msg, "Function 'correlation' does not accept parameters (INTEGER, BIGINT).") == msg, "%s",
                  msg);
        msg = AGG_RESOLVE_ERR("SUM_LIST", sl_type_array(arena, sl_type_decimal(4, 1)));
        cr_assert(strstr(msg, "Function 'sum_list' does not accept parameters (ARRAY<DECIMAL(4, 1)>).") == msg, "%s",
                  msg);
}
