/* test_percentile.c: the APPROX_PERCENTILE aggregate example (udf/percentile.c) through the
 * registry's aggregate ops: accuracy, undo, merge, NULLs, errors, state checks. */
#include <math.h>

#include "udf_test.h"

static sl_func_resolved res;
static sl_func_ctx ctx;
static const sl_func_agg_ops *ops;

static void init(void)
{
        fix_init();
        cr_assert_eq(fix_load(SL_UDF_EXAMPLE_DIR, "percentile.so"), SL_OK, "%s", err.message);
        sl_value row[2] = {sl_value_double(0), sl_value_double(0.5)};
        cr_assert_eq(fix_resolve("approx_percentile", row, 2, &res), SL_OK, "%s", err.message);
        ctx = (sl_func_ctx){.arena = &arena, .err = &err, .res = &res};
        ops = res.ov->agg;
}

TestSuite(udf_percentile, .init = init, .fini = fix_fini);

static sl_value empty(void)
{
        sl_value s;
        cr_assert_eq(ops->init(&ctx, &s), SL_OK, "%s", err.message);
        return s;
}

static sl_value add(sl_value s, double v, double p)
{
        sl_value row[2] = {sl_value_double(v), sl_value_double(p)};
        cr_assert_eq(ops->accumulate(&ctx, &s, row, 2, &s), SL_OK, "%s", err.message);
        return s;
}

static sl_value undo(sl_value s, double v, double p)
{
        sl_value row[2] = {sl_value_double(v), sl_value_double(p)};
        cr_assert_eq(ops->undo(&ctx, &s, row, 2, &s), SL_OK, "%s", err.message);
        return s;
}

static double result(sl_value s)
{
        sl_value out;
        cr_assert_eq(ops->result(&ctx, &s, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.kind, SL_TYPE_DOUBLE);
        return out.u.f64;
}

#define assert_close(got, want) cr_assert(fabs((got) - (want)) <= 0.0101 * fabs(want), "got %g, want %g", got, want)

Test(udf_percentile, state_is_bytes)
{
        const sl_type *t;
        cr_assert_eq(ops->state_type(&arena, NULL, 0, &t, &err), SL_OK);
        cr_assert_eq(t->kind, SL_TYPE_BYTES);
        cr_assert_eq(empty().kind, SL_TYPE_BYTES);
        cr_assert_not_null(ops->undo);
        cr_assert_not_null(ops->merge);
}

Test(udf_percentile, within_one_percent)
{
        double ps[] = {0.0, 0.1, 0.5, 0.9, 0.99, 1.0};
        for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
                sl_value s = empty();
                /* a shuffled 1..1000 */
                for (int i = 0; i < 1000; i++)
                        s = add(s, (double)((i * 617) % 1000 + 1), ps[k]);
                double want = floor(ps[k] * 999) + 1;
                assert_close(result(s), want);
        }
}

Test(udf_percentile, negatives_zeros_and_positives)
{
        sl_value s = empty();
        double vals[] = {-50, -5, 0, 0, 0, 3, 70, -0.0, 1e-320};
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
                s = add(s, vals[i], 0.0);
        assert_close(result(s), -50.0);
        s = add(s, 1, 0.5); /* p follows the latest row */
        cr_assert_float_eq(result(s), 0.0, 1e-12);
        s = add(s, 1, 1.0);
        assert_close(result(s), 70.0);
        s = add(s, -1, 0.1);
        assert_close(result(s), -5.0);
}

Test(udf_percentile, undo_removes_rows)
{
        sl_value s = empty();
        for (int i = 1; i <= 100; i++)
                s = add(s, i, 0.5);
        for (int i = 51; i <= 100; i++)
                s = undo(s, i, 0.5);
        assert_close(result(s), 25.0);
        for (int i = 1; i <= 50; i++)
                s = undo(s, i, 0.5);
        sl_value out;
        cr_assert_eq(ops->result(&ctx, &s, &out), SL_OK);
        cr_assert(sl_value_is_null(&out));
        s = undo(s, 42, 0.5); /* never added: no change, no error */
        cr_assert_eq(ops->result(&ctx, &s, &out), SL_OK);
        cr_assert(sl_value_is_null(&out));
}

Test(udf_percentile, merge_equals_one_pass)
{
        sl_value a = empty(), b = empty(), all = empty(), m;
        for (int i = 0; i < 500; i++) {
                double v = (i % 7 == 0 ? -1 : 1) * (double)(i * 37 % 1013);
                if (i % 2)
                        a = add(a, v, 0.75);
                else
                        b = add(b, v, 0.75);
                all = add(all, v, 0.75);
        }
        cr_assert_eq(ops->merge(&ctx, &a, &b, &m), SL_OK, "%s", err.message);
        cr_assert_eq(m.len, all.len);
        cr_assert_eq(memcmp(m.u.bytes, all.u.bytes, m.len), 0);
        cr_assert_eq(ops->merge(&ctx, &a, &b, &m), SL_OK, "%s", err.message);
        sl_value e = empty();
        cr_assert_eq(ops->merge(&ctx, &e, &all, &m), SL_OK, "%s", err.message);
        cr_assert_float_eq(result(m), result(all), 1e-12);
}

Test(udf_percentile, nulls_and_non_finite_values_are_skipped)
{
        sl_value s = empty();
        sl_value row[2] = {sl_value_null(), sl_value_double(0.5)};
        cr_assert_eq(ops->accumulate(&ctx, &s, row, 2, &s), SL_OK, "%s", err.message);
        s = add(s, NAN, 0.5);
        s = add(s, INFINITY, 0.5);
        s = add(s, 8, 0.5);
        assert_close(result(s), 8.0);
        sl_value out, e = empty();
        cr_assert_eq(ops->result(&ctx, &e, &out), SL_OK);
        cr_assert(sl_value_is_null(&out));
}

Test(udf_percentile, bad_percentile_is_an_error)
{
        sl_value s = empty();
        sl_value row[2] = {sl_value_double(1), sl_value_double(1.5)};
        cr_assert_eq(ops->accumulate(&ctx, &s, row, 2, &s), SL_ERR_FUNCTION);
        cr_assert(strstr(err.message, "between 0 and 1, got 1.5"), "%s", err.message);
        row[1] = sl_value_null();
        cr_assert_eq(ops->accumulate(&ctx, &s, row, 2, &s), SL_ERR_FUNCTION);
        cr_assert(strstr(err.message, "must not be NULL"), "%s", err.message);
}

Test(udf_percentile, corrupt_state_is_an_error)
{
        sl_value bad = sl_value_bytes("\x07garbage", 8), out;
        cr_assert_eq(ops->result(&ctx, &bad, &out), SL_ERR_FUNCTION);
        cr_assert(strstr(err.message, "corrupt APPROX_PERCENTILE state"), "%s", err.message);
        sl_value s = add(empty(), 5, 0.5);
        sl_value cut = sl_value_bytes(s.u.bytes, s.len - 1);
        cr_assert_eq(ops->result(&ctx, &cut, &out), SL_ERR_FUNCTION);
}

Test(udf_percentile, integer_arguments_widen)
{
        sl_value row[2] = {sl_value_int(3), sl_value_double(0.5)};
        sl_func_resolved r;
        cr_assert_eq(fix_resolve("APPROX_PERCENTILE", row, 2, &r), SL_OK, "%s", err.message);
        cr_assert_eq(r.args[0].type->kind, SL_TYPE_DOUBLE);
        cr_assert_eq(r.ret->kind, SL_TYPE_DOUBLE);
}
