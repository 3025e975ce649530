/* agg_minmax.c: MIN and MAX, as ksqlDB's MinKudaf / MaxKudaf over INT, BIGINT, DOUBLE, DECIMAL,
 * DATE, TIME, TIMESTAMP, STRING and BYTES. The state is the extreme seen so far, of the argument's
 * type, NULL until a non-NULL value arrives (so an empty group or one of NULLs gives NULL). Values
 * compare as Java's compareTo (sl_func_agg_cmp). No undo: ksqlDB rejects MIN and MAX over a table
 * source. Merge keeps the extreme of both (session windows). */
#include "func/agg_int.h"

static sl_err minmax_init(sl_func_ctx *ctx, sl_value *state)
{
        (void)ctx;
        *state = sl_value_null();
        return SL_OK;
}

/* The state after seeing `cur`: `sign` < 0 keeps the smaller (MIN), > 0 the larger (MAX). As in
 * ksqlDB, a tie keeps the state. */
static void minmax_fold(sl_func_ctx *ctx, const sl_value *state, const sl_value *cur, int sign, sl_value *out)
{
        if (cur->kind == SL_TYPE_NULL) {
                *out = *state;
                return;
        }
        if (state->kind == SL_TYPE_NULL || sign * sl_func_agg_cmp(cur, state) > 0) {
                *out = sl_func_agg_own(ctx, cur);
                return;
        }
        *out = *state;
}

static sl_err min_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                             sl_value *out)
{
        (void)nargs;
        minmax_fold(ctx, state, &args[0], -1, out);
        return SL_OK;
}

static sl_err max_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                             sl_value *out)
{
        (void)nargs;
        minmax_fold(ctx, state, &args[0], 1, out);
        return SL_OK;
}

static sl_err min_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        minmax_fold(ctx, b, a, -1, out);
        return SL_OK;
}

static sl_err max_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        minmax_fold(ctx, b, a, 1, out);
        return SL_OK;
}

static sl_err minmax_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        (void)ctx;
        *out = *state;
        return SL_OK;
}

static const sl_func_agg_ops min_ops = {
        sizeof(sl_func_agg_ops), sl_func_agg_ret_arg0, minmax_init, min_accumulate, NULL, min_merge, minmax_result,
};
static const sl_func_agg_ops max_ops = {
        sizeof(sl_func_agg_ops), sl_func_agg_ret_arg0, minmax_init, max_accumulate, NULL, max_merge, minmax_result,
};

#define MIN_DESC "Computes the minimum value for a key."
#define MAX_DESC "Computes the maximum value for a key."

static const sl_func_agg_builtin minmax_rows[] = {
        {"MIN", MIN_DESC, "INT val1", "INT", NULL, &min_ops, "Computes the minimum value for an integer key.", 0},
        {"MIN", MIN_DESC, "BIGINT val1", "BIGINT", NULL, &min_ops, "Computes the minimum value for a long key.", 0},
        {"MIN", MIN_DESC, "DOUBLE val1", "DOUBLE", NULL, &min_ops, "Computes the minimum value for a double key.", 0},
        {"MIN", MIN_DESC, "DECIMAL val1", "DECIMAL", sl_func_agg_ret_arg0, &min_ops,
         "Computes the minimum value for a decimal key.", 0},
        {"MIN", MIN_DESC, "DATE val1", "DATE", NULL, &min_ops, "Computes the minimum value for a date key.", 0},
        {"MIN", MIN_DESC, "TIME val1", "TIME", NULL, &min_ops, "Computes the minimum value for a time key.", 0},
        {"MIN", MIN_DESC, "TIMESTAMP val1", "TIMESTAMP", NULL, &min_ops,
         "Computes the minimum value for a timestamp key.", 0},
        {"MIN", MIN_DESC, "STRING val1", "STRING", NULL, &min_ops, "Computes the minimum value for a string key.", 0},
        {"MIN", MIN_DESC, "BYTES val1", "BYTES", NULL, &min_ops, "Computes the minimum value for a bytes key.", 0},
        {"MAX", MAX_DESC, "INT val1", "INT", NULL, &max_ops, "Computes the maximum value for an integer key.", 0},
        {"MAX", MAX_DESC, "BIGINT val1", "BIGINT", NULL, &max_ops, "Computes the maximum value for a long key.", 0},
        {"MAX", MAX_DESC, "DOUBLE val1", "DOUBLE", NULL, &max_ops, "Computes the maximum value for a double key.", 0},
        {"MAX", MAX_DESC, "DECIMAL val1", "DECIMAL", sl_func_agg_ret_arg0, &max_ops,
         "Computes the maximum value for a decimal key.", 0},
        {"MAX", MAX_DESC, "DATE val1", "DATE", NULL, &max_ops, "Computes the maximum value for a date key.", 0},
        {"MAX", MAX_DESC, "TIME val1", "TIME", NULL, &max_ops, "Computes the maximum value for a time key.", 0},
        {"MAX", MAX_DESC, "TIMESTAMP val1", "TIMESTAMP", NULL, &max_ops,
         "Computes the maximum value for a timestamp key.", 0},
        {"MAX", MAX_DESC, "STRING val1", "STRING", NULL, &max_ops, "Computes the maximum value for a string key.", 0},
        {"MAX", MAX_DESC, "BYTES val1", "BYTES", NULL, &max_ops, "Computes the maximum value for a bytes key.", 0},
};

sl_err sl_func_agg_minmax_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, minmax_rows, err);
}
