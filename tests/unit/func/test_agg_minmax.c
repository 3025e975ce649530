/* test_agg_minmax.c: MIN and MAX over every type ksqlDB accepts: NULL handling, empty groups,
 * Java ordering (Double.compareTo, signed bytes), merge, no undo. */
#include "agg_test.h"

TestSuite(agg_minmax, .init = fc_setup, .fini = fc_teardown);

Test(agg_minmax, numbers)
{
        agg a;
        AGG_OPEN_RET(&a, "MIN", "INTEGER", T_INT());
        cr_assert_null(a.res.ov->agg->undo);
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "null");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, NUL(), NUL())), "null");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, NUL(), I(3), I(-1), NUL(), I(7))), "-1");
        agg_close(&a);

        AGG_OPEN_RET(&a, "MAX", "BIGINT", T_BIG());
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, L(3), L(INT64_MAX), L(-1))), "9223372036854775807");
        agg_close(&a);

        AGG_OPEN(&a, "MAX", T_DBL());
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, D(-0.0), D(0.0))), "0.0");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, D(1.0), D(NAN), D(2.0))), "NaN");
        agg_close(&a);
        AGG_OPEN(&a, "MIN", T_DBL());
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, D(0.0), D(-0.0))), "-0.0");
        agg_close(&a);

        AGG_OPEN_RET(&a, "MAX", "DECIMAL(5, 2)", sl_type_decimal(5, 2));
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, DEC("1.50"), DEC("10.01"), DEC("-100.00"))), "10.01");
        agg_close(&a);
}

Test(agg_minmax, strings_bytes_times)
{
        agg a;
        AGG_OPEN(&a, "MAX", T_STR());
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("apple"), S("banana"), S("ban"))), "banana");
        agg_close(&a);
        AGG_OPEN(&a, "MIN", T_STR());
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("b"), S(""), S("a"))), "");
        agg_close(&a);
        /* String.compareTo is by UTF-16 unit: U+1F600 (a surrogate pair) sorts before U+FFFD */
        AGG_OPEN(&a, "MAX", T_STR());
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("x\xef\xbf\xbd"), S("x\xf0\x9f\x98\x80"), S("x"))),
                         "x\xef\xbf\xbd");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("\xc3\xa9"), S("z"), S("\xe4\xb8\xad"))), "\xe4\xb8\xad");
        agg_close(&a);

        /* ByteBuffer.compareTo: 0x80 is -128, below 0x01 */
        AGG_OPEN(&a, "MIN", sl_type_bytes());
        sl_value st = AGG_FOLD(&a, sl_value_bytes("\x01", 1), sl_value_bytes("\x80", 1));
        sl_value r;
        cr_assert_eq(a.res.ov->agg->result(&a.ctx, &st, &r), SL_OK);
        cr_assert_eq(r.len, 1);
        cr_assert_eq(r.u.bytes[0], 0x80);
        agg_close(&a);

        AGG_OPEN_RET(&a, "MAX", "DATE", sl_type_date());
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, sl_value_date(10), sl_value_date(19000), sl_value_date(-3))),
                         "2022-01-08");
        agg_close(&a);
        AGG_EXPECT_RET("MIN", "TIME", sl_type_time());
        AGG_OPEN(&a, "MIN", sl_type_timestamp());
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, sl_value_timestamp(1000), sl_value_timestamp(0))),
                         "1970-01-01T00:00:00.000");
        agg_close(&a);
}

Test(agg_minmax, merge)
{
        agg a;
        AGG_OPEN(&a, "MAX", T_INT());
        sl_value x = AGG_FOLD(&a, I(1), I(5)), y = AGG_FOLD(&a, I(3));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, x, y)), "5");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, agg_init(&a), y)), "3");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, x, agg_init(&a))), "5");
        agg_close(&a);
        AGG_OPEN(&a, "MIN", T_INT());
        x = AGG_FOLD(&a, I(1), I(5)), y = AGG_FOLD(&a, I(-3));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, x, y)), "-3");
        agg_close(&a);
}

Test(agg_minmax, rejected_types)
{
        const char *msg = AGG_RESOLVE_ERR("MAX", sl_type_boolean());
        cr_assert(strstr(msg, "Function 'MAX' does not accept parameters (BOOLEAN).") == msg, "%s", msg);
        msg = AGG_RESOLVE_ERR("MIN", sl_type_array(arena, T_INT()));
        cr_assert(strstr(msg, "Function 'MIN' does not accept parameters (ARRAY<INTEGER>).") == msg, "%s", msg);
}
