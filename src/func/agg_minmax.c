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

/* One overload of MIN or MAX over `type`; `extreme` ("minimum", "maximum") and `what` ("an
 * integer") word the descriptions. */
#define MINMAX_ROW(name, ops, extreme, type, ret_fn, what)                                   \
        {name, "Computes the " extreme " value for a key.", type " val1", type, ret_fn, ops, \
         "Computes the " extreme " value for " what " key.", 0}
/* All nine overloads of MIN or MAX. */
#define MINMAX_ROWS(name, ops, extreme)                                                   \
        MINMAX_ROW(name, ops, extreme, "INT", NULL, "an integer"),                        \
        MINMAX_ROW(name, ops, extreme, "BIGINT", NULL, "a long"),                         \
        MINMAX_ROW(name, ops, extreme, "DOUBLE", NULL, "a double"),                       \
        MINMAX_ROW(name, ops, extreme, "DECIMAL", sl_func_agg_ret_arg0, "a decimal"),     \
        MINMAX_ROW(name, ops, extreme, "DATE", NULL, "a date"),                           \
        MINMAX_ROW(name, ops, extreme, "TIME", NULL, "a time"),                           \
        MINMAX_ROW(name, ops, extreme, "TIMESTAMP", NULL, "a timestamp"),                 \
        MINMAX_ROW(name, ops, extreme, "STRING", NULL, "a string"),                       \
        MINMAX_ROW(name, ops, extreme, "BYTES", NULL, "a bytes")

static const sl_func_agg_builtin minmax_rows[] = {
        MINMAX_ROWS("MIN", &min_ops, "minimum"),
        MINMAX_ROWS("MAX", &max_ops, "maximum"),
};

sl_err sl_func_agg_minmax_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, minmax_rows, err);
}
