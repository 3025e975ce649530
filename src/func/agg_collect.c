/* agg_collect.c: COLLECT_LIST and COLLECT_SET, as ksqlDB's CollectListUdaf / CollectSetUdaf, over
 * values of any type. The state is the ARRAY<T> result itself. NULL values are collected too.
 *   COLLECT_LIST appends every value; undo removes the last element equal to the value (ksqlDB's
 *     choice: the order of a list aggregated from a table is not guaranteed); merge appends.
 *   COLLECT_SET appends values not present yet (equality as Java's equals: sl_value_eq); merge
 *     appends the second's new values; no undo (ksqlDB: not for table sources).
 * ksqlDB caps both at ksql.functions.collect_list.limit / collect_set.limit (unlimited by
 * default), which a caller passes in ctx->udata (agg.h). */
#include "func/agg.h"
#include "func/agg_int.h"
#include "types/compare.h"

/* A new ARRAY state of `t`: the first `n` items of `old` then `extra` (nextra of them, copied). */
static sl_value list_make(sl_func_ctx *ctx, const sl_type *t, const sl_value *old, size_t n, const sl_value *extra,
                          size_t nextra)
{
        sl_value *items;
        sl_value st = sl_value_composite_new(ctx->arena, t, n + nextra, &items);
        for (size_t i = 0; i < n; i++)
                items[i] = old->u.comp.items[i];
        for (size_t i = 0; i < nextra; i++)
                items[n + i] = sl_func_agg_own(ctx, &extra[i]);
        return st;
}

/* Elements of an ARRAY state (0 for a NULL state). */
static size_t list_len(const sl_value *st)
{
        return st->kind == SL_TYPE_ARRAY ? st->len : 0;
}

static bool list_contains(const sl_value *st, const sl_value *v)
{
        for (size_t i = 0; i < list_len(st); i++)
                if (sl_value_eq(&st->u.comp.items[i], v))
                        return true;
        return false;
}

static sl_err collect_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t = sl_func_agg_state_of(ctx);
        if (!t)
                return ctx->err->code;
        *state = list_make(ctx, t, NULL, 0, NULL, 0);
        return SL_OK;
}

/* The configured cap (ksql.functions.<name>.limit, see agg.h), or SIZE_MAX. */
static size_t limit_of(sl_func_ctx *ctx, bool set)
{
        const sl_func_agg_config *cfg = ctx->udata;
        int64_t lim = !cfg ? -1 : set ? cfg->collect_set_limit : cfg->collect_list_limit;
        return lim < 0 ? SIZE_MAX : (size_t)lim;
}

/* COLLECT_LIST (set false) appends args[0], COLLECT_SET (set true) only a value not yet in it;
 * neither beyond its limit. */
static sl_err collect_add(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, sl_value *out, bool set)
{
        const sl_type *t = sl_func_agg_state_type(ctx, state);
        size_t n = list_len(state);
        if (!t)
                return ctx->err->code;
        if (n >= limit_of(ctx, set) || (set && list_contains(state, &args[0]))) {
                *out = *state;
                return SL_OK;
        }
        *out = list_make(ctx, t, state, n, &args[0], 1);
        return SL_OK;
}

static sl_err list_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                              sl_value *out)
{
        (void)nargs;
        return collect_add(ctx, state, args, out, false);
}

static sl_err list_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        size_t n = list_len(state);
        (void)nargs;
        for (size_t i = n; i-- > 0;) {
                if (!sl_value_eq(&state->u.comp.items[i], &args[0]))
                        continue;
                sl_value *items;
                sl_value st = sl_value_composite_new(ctx->arena, state->u.comp.type, n - 1, &items);
                for (size_t j = 0, k = 0; j < n; j++)
                        if (j != i)
                                items[k++] = state->u.comp.items[j];
                *out = st;
                return SL_OK;
        }
        *out = *state;  /* never added (over the cap) */
        return SL_OK;
}

static sl_err list_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, a);
        size_t na = list_len(a), nb = list_len(b), lim = limit_of(ctx, false);
        if (!t)
                return ctx->err->code;
        if (na >= lim)
                nb = 0;
        else if (nb > lim - na)
                nb = lim - na;
        *out = list_make(ctx, t, a, na, nb ? b->u.comp.items : NULL, nb);
        return SL_OK;
}

static sl_err set_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                             sl_value *out)
{
        (void)nargs;
        return collect_add(ctx, state, args, out, true);
}

static sl_err set_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, a);
        size_t na = list_len(a), nb = list_len(b), lim = limit_of(ctx, true);
        sl_value cur;
        if (!t)
                return ctx->err->code;
        cur = list_make(ctx, t, a, na, NULL, 0);
        for (size_t i = 0; i < nb && cur.len < lim; i++) {
                if (list_contains(&cur, &b->u.comp.items[i]))
                        continue;
                cur = list_make(ctx, t, &cur, cur.len, &b->u.comp.items[i], 1);
        }
        *out = cur;
        return SL_OK;
}

static sl_err collect_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        if (state->kind == SL_TYPE_NULL)
                return collect_init(ctx, out);
        *out = *state;
        return SL_OK;
}

static const sl_func_agg_ops list_ops = {
        sizeof(sl_func_agg_ops), sl_func_agg_ret_array_arg0, collect_init, list_accumulate, list_undo, list_merge,
        collect_result,
};
static const sl_func_agg_ops set_ops = {
        sizeof(sl_func_agg_ops), sl_func_agg_ret_array_arg0, collect_init, set_accumulate, NULL, set_merge,
        collect_result,
};

#define LIST_DESC                                                                                                   \
        "Gather all of the values from an input grouping into a single Array field.\nAlthough this aggregate "     \
        "works on both Stream and Table inputs, the order of entries in the result array is not guaranteed when " \
        "working on Table input data.\nYou may limit the size of the resultant Array to N entries, beyond which "  \
        "any further values will be silently ignored, by setting the ksql.functions.collect_list.limit "           \
        "configuration to N."
#define SET_DESC                                                                                                    \
        "Gather all of the distinct values from an input grouping into a single Array.\nNot available for "        \
        "aggregating values from an input Table.\nYou may limit the size of the resultant Array to N entries, "    \
        "beyond which any further values will be silently ignored, by setting the "                                \
        "ksql.functions.collect_list.limit configuration to N."

static const sl_func_agg_builtin collect_rows[] = {
        {"collect_list", LIST_DESC, "T val1", "ARRAY<T>", NULL, &list_ops, "collect values of a field into a single Array", 0},
        {"collect_set", SET_DESC, "T val1", "ARRAY<T>", NULL, &set_ops,
         "collect distinct values of a Bigint field into a single Array", 0},
};

sl_err sl_func_agg_collect_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, collect_rows, err);
}
