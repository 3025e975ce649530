/* test_agg_offset.c: EARLIEST_BY_OFFSET and LATEST_BY_OFFSET in all four forms: NULL handling with
 * and without ignoreNulls, the n-forms, merges as in ksqlDB's session-window cases, empty groups,
 * and ATTR. */
#include "agg_test.h"

TestSuite(agg_offset, .init = fc_setup, .fini = fc_teardown);

Test(agg_offset, earliest_single)
{
        agg a;
        AGG_OPEN_RET(&a, "EARLIEST_BY_OFFSET", "INTEGER", T_INT());
        cr_assert_str_eq(sl_type_to_cstr(arena, a.stype), "STRUCT<`SEQ` BIGINT, `VAL` INTEGER>");
        cr_assert_null(a.res.ov->agg->undo);
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "null");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, NUL(), I(2), I(3))), "2");
        agg_close(&a);

        AGG_OPEN(&a, "EARLIEST_BY_OFFSET", T_INT(), sl_type_boolean());
        agg_const(&a, 1, BOOL(false));
        sl_value st = agg_init(&a);
        st = AGG_ADD(&a, st, NUL(), BOOL(false));
        st = AGG_ADD(&a, st, I(2), BOOL(false));
        cr_assert_str_eq(agg_result(&a, st), "null");
        agg_close(&a);
}

Test(agg_offset, latest_single)
{
        agg a;
        AGG_OPEN_RET(&a, "LATEST_BY_OFFSET", "STRING", T_STR());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "null");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("a"), S("b"), NUL())), "b");
        agg_close(&a);

        AGG_OPEN(&a, "LATEST_BY_OFFSET", T_STR(), sl_type_boolean());
        agg_const(&a, 1, BOOL(false));
        sl_value st = agg_init(&a);
        st = AGG_ADD(&a, st, S("a"), BOOL(false));
        st = AGG_ADD(&a, st, NUL(), BOOL(false));
        cr_assert_str_eq(agg_result(&a, st), "null");
        agg_close(&a);
}

Test(agg_offset, n_forms)
{
        agg a;
        AGG_OPEN_RET(&a, "EARLIEST_BY_OFFSET", "ARRAY<INTEGER>", T_INT(), T_INT());
        cr_assert_str_eq(sl_type_to_cstr(arena, a.stype), "ARRAY<STRUCT<`SEQ` BIGINT, `VAL` INTEGER>>");
        agg_const(&a, 1, I(2));
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "[]");
        sl_value st = agg_init(&a);
        const char *we[] = {"[]", "[1]", "[1, 2]", "[1, 2]"};
        sl_value ve[] = {NUL(), I(1), I(2), I(3)};
        for (int i = 0; i < 4; i++) {
                st = AGG_ADD(&a, st, ve[i], I(2));
                cr_assert_str_eq(agg_result(&a, st), we[i]);
        }
        agg_close(&a);

        AGG_OPEN(&a, "LATEST_BY_OFFSET", T_INT(), T_INT(), sl_type_boolean());
        agg_const(&a, 1, I(2));
        agg_const(&a, 2, BOOL(false));
        st = agg_init(&a);
        const char *wl[] = {"[1]", "[1, null]", "[null, 2]", "[2, 3]"};
        sl_value vl[] = {I(1), NUL(), I(2), I(3)};
        for (int i = 0; i < 4; i++) {
                st = AGG_ADD(&a, st, vl[i], I(2), BOOL(false));
                cr_assert_str_eq(agg_result(&a, st), wl[i]);
        }
        agg_close(&a);

        /* n must be at least 1: init (which the analyzer tries) and accumulate refuse */
        AGG_OPEN(&a, "LATEST_BY_OFFSET", T_INT(), T_INT());
        sl_value empty = agg_init(&a);
        agg_const(&a, 1, I(0));
        cr_assert_eq(a.res.ov->agg->init(&a.ctx, &st), SL_ERR_FUNCTION);
        cr_assert_str_eq(a.err.message, "latestN must be 1 or greater");
        sl_value v[] = {I(1), I(0)};
        cr_assert_eq(agg_add_err(&a, empty, v, 2), SL_ERR_FUNCTION);
        agg_close(&a);
}

/* Kafka Streams merges sessions into a fresh state, then adds the new row: init, merge..., add. */
static sl_value session(agg *a, const sl_value *older, size_t n, const sl_value *args, size_t nargs)
{
        sl_value st = agg_init(a);
        for (size_t i = 0; i < n; i++)
                st = agg_merge(a, st, older[i]);
        return agg_add(a, st, args, nargs);
}

Test(agg_offset, session_merges_as_ksqldb)
{
        agg a;
        /* LATEST_BY_OFFSET(F0, 2, false) over 1, null, 2 where the third row joins both sessions */
        AGG_OPEN(&a, "LATEST_BY_OFFSET", T_INT(), T_INT(), sl_type_boolean());
        agg_const(&a, 1, I(2));
        agg_const(&a, 2, BOOL(false));
        sl_value s1 = AGG_ADD(&a, agg_init(&a), I(1), I(2), BOOL(false));
        sl_value s2 = AGG_ADD(&a, agg_init(&a), NUL(), I(2), BOOL(false));
        sl_value olds[] = {s1, s2};
        sl_value st = session(&a, olds, 2, (sl_value[]){I(2), I(2), BOOL(false)}, 3);
        cr_assert_str_eq(agg_result(&a, st), "[null, 2]");
        agg_close(&a);

        /* LATEST_BY_OFFSET(F0) (nulls ignored): a merged session with a NULL keeps the value */
        AGG_OPEN(&a, "LATEST_BY_OFFSET", T_INT());
        s1 = AGG_FOLD(&a, I(1));
        s2 = agg_init(&a);
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, s1, s2)), "1");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, s2, s1)), "1");
        agg_close(&a);

        /* LATEST_BY_OFFSET(F0, false): the later of two sessions wins even when it is NULL */
        AGG_OPEN(&a, "LATEST_BY_OFFSET", T_INT(), sl_type_boolean());
        agg_const(&a, 1, BOOL(false));
        s1 = AGG_ADD(&a, agg_init(&a), I(1), BOOL(false));
        s2 = AGG_ADD(&a, agg_init(&a), NUL(), BOOL(false));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, s1, s2)), "null");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, s2, s1)), "null");
        agg_close(&a);

        /* EARLIEST_BY_OFFSET(F0): the earlier session's value */
        AGG_OPEN(&a, "EARLIEST_BY_OFFSET", T_INT());
        s1 = AGG_FOLD(&a, I(1));
        s2 = AGG_FOLD(&a, I(2));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, s2, s1)), "1");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, agg_init(&a), s2)), "2");
        agg_close(&a);

        /* EARLIEST_BY_OFFSET(F0, 2, true): the two earliest of both */
        AGG_OPEN(&a, "EARLIEST_BY_OFFSET", T_INT(), T_INT(), sl_type_boolean());
        agg_const(&a, 1, I(2));
        agg_const(&a, 2, BOOL(true));
        s1 = AGG_ADD(&a, agg_init(&a), I(1), I(2), BOOL(true));
        s2 = AGG_ADD(&a, AGG_ADD(&a, agg_init(&a), I(2), I(2), BOOL(true)), I(3), I(2), BOOL(true));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, s2, s1)), "[1, 2]");
        agg_close(&a);
}

Test(agg_offset, composite_values)
{
        agg a;
        const sl_type *arr = sl_type_array(arena, T_STR());
        agg_open(&a, "LATEST_BY_OFFSET", &arr, 1);
        cr_assert_str_eq(agg_ret(&a), "ARRAY<STRING>");
        sl_value st = AGG_FOLD(&a, ARRV(T_STR(), S("x")), ARRV(T_STR(), S("y"), S("z")));
        cr_assert_str_eq(agg_result(&a, st), "[y, z]");
        agg_close(&a);
}

TestSuite(agg_attr, .init = fc_setup, .fini = fc_teardown);

Test(agg_attr, single_value_or_null)
{
        agg a;
        AGG_OPEN_RET(&a, "ATTR", "STRING", T_STR());
        cr_assert_str_eq(agg_result(&a, agg_init(&a)), "null");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("s"), S("s"), S("s"))), "s");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("1"), S("2"))), "null");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, S("1"), NUL(), S("1"))), "null");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, NUL(), NUL())), "null");
        /* the table case: 1, 1, (tombstones undo both), 2, 3, (undo 3) */
        sl_value st = AGG_FOLD(&a, S("1"), S("1"));
        st = AGG_UNDO(&a, st, S("1"));
        cr_assert_str_eq(agg_result(&a, st), "1");
        st = AGG_UNDO(&a, st, S("1"));
        cr_assert_str_eq(agg_result(&a, st), "null");
        st = AGG_UNDO(&a, st, S("1"));
        st = AGG_ADD(&a, st, S("2"));
        cr_assert_str_eq(agg_result(&a, st), "2");
        st = AGG_ADD(&a, st, S("3"));
        cr_assert_str_eq(agg_result(&a, st), "null");
        st = AGG_UNDO(&a, st, S("3"));
        cr_assert_str_eq(agg_result(&a, st), "2");
        sl_value other = AGG_FOLD(&a, S("2"));
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, other)), "2");
        cr_assert_str_eq(agg_result(&a, agg_merge(&a, st, AGG_FOLD(&a, S("4")))), "null");
        agg_close(&a);
}

Test(agg_attr, composite)
{
        agg a;
        const sl_type *arr = sl_type_array(arena, T_INT());
        agg_open(&a, "ATTR", &arr, 1);
        cr_assert_str_eq(agg_ret(&a), "ARRAY<INTEGER>");
        cr_assert_str_eq(agg_result(&a, AGG_FOLD(&a, ARRV(T_INT(), I(1), I(2)), ARRV(T_INT(), I(1), I(2)))), "[1, 2]");
        agg_close(&a);
}
