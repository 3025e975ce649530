/* agg_count.c: COUNT. COUNT(col) counts the rows where col is not NULL; COUNT(*) (no argument,
 * which ksqlDB reads as COUNT(ROWTIME)) counts every row. The state is the BIGINT count itself; undo
 * subtracts (aggregation over tables), merge adds (session windows). */
#include "func/agg_int.h"

static sl_err state_bigint(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                           sl_err_detail *err)
{
        (void)arena, (void)args, (void)nargs, (void)err;
        *type = sl_type_bigint();
        return SL_OK;
}

/* A BIGINT state; NULL (never produced here) counts as 0. */
static int64_t count_of(const sl_value *state)
{
        return state->kind == SL_TYPE_BIGINT ? state->u.i64 : 0;
}

static sl_err count_init(sl_func_ctx *ctx, sl_value *state)
{
        (void)ctx;
        *state = sl_value_bigint(0);
        return SL_OK;
}

/* Whether the row counts: COUNT(*) counts all, COUNT(col) the non-NULL ones. */
static bool counts(const sl_value *args, size_t nargs)
{
        return nargs == 0 || args[0].kind != SL_TYPE_NULL;
}

static sl_err count_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                               sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(sl_func_agg_add_i64(count_of(state), counts(args, nargs) ? 1 : 0));
        return SL_OK;
}

static sl_err count_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(sl_func_agg_sub_i64(count_of(state), counts(args, nargs) ? 1 : 0));
        return SL_OK;
}

static sl_err count_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(sl_func_agg_add_i64(count_of(a), count_of(b)));
        return SL_OK;
}

static sl_err count_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(count_of(state));
        return SL_OK;
}

static const sl_func_agg_ops count_ops = {
        sizeof(sl_func_agg_ops), state_bigint, count_init, count_accumulate, count_undo, count_merge, count_result,
};

static const sl_func_agg_builtin count_rows[] = {
        {"COUNT", "Counts records by key.", "", "BIGINT", NULL, &count_ops, "Counts records by key."},
        {"COUNT", "Counts records by key.", "ANY val1", "BIGINT", NULL, &count_ops, "Counts records by key."},
};

sl_err sl_func_agg_count_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, count_rows, err);
}
