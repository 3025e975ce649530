/* test_agg_topk.c: TOPK (plain and with other columns) and TOPKDISTINCT: ordering, ties, NULLs,
 * k from the literal, merge, types. */
#include "agg_test.h"

TestSuite(agg_topk, .init = fc_setup, .fini = fc_teardown);

Test(agg_topk, values)
{
        agg a;
        AGG_OPEN_RET(&a, "TOPK", "ARRAY<INTEGER>", T_INT(), T_INT());
        sl_value st = agg_init(&a);
        const char *want[] = {"[0]", "[100, 0]", "[100, 99, 0]", "[100, 99, 7]", "[100, 100, 99]"};
        int vals[] = {0, 100, 99, 7, 100};
        for (int i = 0; i < 5; i++) {
                st = AGG_ADD(&a, st, I(vals[i]), I(3));
                cr_assert_str_eq(agg_result(&a, st), want[i]);
        }
        st = AGG_ADD(&a, st, NUL(), I(3));
        cr_assert_str_eq(agg_result(&a, st), "[100, 100, 99]");
        agg_close(&a);

        AGG_OPEN(&a, "topk", T_STR(), T_INT());
        agg_const(&a, 1, I(3));
        st = agg_init(&a);
        const char *sw[] = {"[a]", "[b, a]", "[c, b, a]", "[c, b, b]", "[d, c, b]"};
        const char *sv[] = {"a", "b", "c", "b", "d"};
        for (int i = 0; i < 5; i++) {
                st = AGG_ADD(&a, st, S(sv[i]), I(3));
                cr_assert_str_eq(agg_result(&a, st), sw[i]);
        }
        sl_value other = AGG_FOLD(&a, S("e"), S("c"));
        /* merge interleaves both sorted lists up to k */
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "[e, d, c]");
        agg_close(&a);
        cr_assert(strstr(AGG_RESOLVE_ERR("TOPK", sl_type_date(), T_INT()), "Function 'TOPK' does not accept") != NULL);
}

Test(agg_topk, with_other_columns)
{
        agg a;
        AGG_OPEN_RET(&a, "TOPK", "ARRAY<STRUCT<`sort_col` BIGINT, `col0` STRING>>", T_BIG(), T_STR(), T_INT());
        agg_const(&a, 2, I(3));
        sl_value st = agg_init(&a);
        st = AGG_ADD(&a, st, L(2147483648LL), S("zero"), I(3));
        st = AGG_ADD(&a, st, L(100), S("one"), I(3));
        st = AGG_ADD(&a, st, L(99), S("two"), I(3));
        st = AGG_ADD(&a, st, NUL(), S("three"), I(3));
        cr_assert_str_eq(agg_result(&a, st),
                         "[Struct{sort_col=2147483648,col0=zero}, Struct{sort_col=100,col0=one}, "
                         "Struct{sort_col=99,col0=two}]");
        st = AGG_ADD(&a, st, L(100), NUL(), I(3));
        /* the earlier of equal values stays first */
        cr_assert_str_eq(agg_result(&a, st),
                         "[Struct{sort_col=2147483648,col0=zero}, Struct{sort_col=100,col0=one}, "
                         "Struct{sort_col=100}]");
        agg_close(&a);
        const char *msg = AGG_RESOLVE_ERR("TOPK", T_INT(), T_STR(), T_STR());
        cr_assert(strstr(msg, "Function 'TOPK' does not accept parameters (INTEGER, STRING, STRING).") == msg, "%s",
                  msg);
}

Test(agg_topk, distinct)
{
        agg a;
        AGG_OPEN(&a, "TOPKDISTINCT", T_INT(), T_INT());
        agg_const(&a, 1, I(3));
        sl_value st = agg_init(&a);
        const char *want[] = {"[0]", "[100, 0]", "[100, 99, 0]", "[100, 99, 7]", "[100, 99, 7]"};
        int vals[] = {0, 100, 99, 7, 100};
        for (int i = 0; i < 5; i++) {
                st = AGG_ADD(&a, st, I(vals[i]), I(3));
                cr_assert_str_eq(agg_result(&a, st), want[i]);
        }
        sl_value other = AGG_FOLD(&a, I(100), I(8));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "[100, 99, 8]");
        agg_close(&a);

        AGG_OPEN_RET(&a, "TOPKDISTINCT", "ARRAY<DECIMAL(2, 1)>", sl_type_decimal(2, 1), T_INT());
        st = agg_init(&a);
        const char *dv[] = {"9.8", "8.9", "7.8", "6.5", "9.9"};
        for (int i = 0; i < 5; i++) {
                sl_value v = DEC(dv[i]);
                st = AGG_ADD(&a, st, v, I(3));
        }
        cr_assert_str_eq(agg_result(&a, st), "[9.9, 9.8, 8.9]");
        agg_close(&a);

        AGG_OPEN(&a, "TOPKDISTINCT", sl_type_bytes(), T_INT());
        st = agg_init(&a);
        const char *bv[] = {"B", "F", "G", "A", "F"};
        for (int i = 0; i < 5; i++)
                st = AGG_ADD(&a, st, B(bv[i]), I(3));
        sl_value r;
        cr_assert_eq(a.res.ov->agg->result(&a.ctx, &st, &r), SL_OK);
        cr_assert_eq(r.len, 3);
        cr_assert_eq(r.u.comp.items[0].u.bytes[0], 'G');
        cr_assert_eq(r.u.comp.items[1].u.bytes[0], 'F');
        cr_assert_eq(r.u.comp.items[2].u.bytes[0], 'B');
        agg_close(&a);

        AGG_EXPECT_RET("TOPKDISTINCT", "ARRAY<TIMESTAMP>", sl_type_timestamp(), T_INT());
}

Test(agg_topk, empty_groups)
{
        agg a;
        AGG_OPEN(&a, "TOPK", T_DBL(), T_INT());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "[]");
        cr_assert_str_eq(agg_result(&a, AGG_ADD(&a, agg_init(&a), NUL(), I(2))), "[]");
        agg_close(&a);
        AGG_OPEN(&a, "TOPKDISTINCT", T_STR(), T_INT());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "[]");
        agg_close(&a);
}
