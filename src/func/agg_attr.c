/* agg_attr.c: ATTR(col), as ksqlDB's Attr: the value of col when every row of the group agrees on
 * it (NULL counts as a value), else NULL. The state lists the distinct values seen with their
 * counts, ARRAY<STRUCT<VALUE T, COUNT INT>>; undo decrements a count (not below 0), so ATTR works
 * over tables, and merge adds the counts. */
#include "func/agg_int.h"
#include "types/compare.h"

enum { AT_VALUE, AT_COUNT };

static sl_err attr_state(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                         sl_err_detail *err)
{
        if (nargs < 1)
                return sl_err_set(err, SL_ERR_INVALID, "attr without an argument");
        sl_type_field f[2] = {{"VALUE", args[0]}, {"COUNT", sl_type_int()}};
        *type = sl_type_array(arena, sl_type_struct(arena, f, 2));
        return SL_OK;
}

static size_t list_len(const sl_value *st)
{
        return st->kind == SL_TYPE_ARRAY ? st->len : 0;
}

static int32_t entry_count(const sl_value *e)
{
        return e->kind == SL_TYPE_STRUCT && e->u.comp.items[AT_COUNT].kind == SL_TYPE_INT
                       ? e->u.comp.items[AT_COUNT].u.i32
                       : 0;
}

static const sl_value *entry_value(const sl_value *e)
{
        static const sl_value null_value = {.kind = SL_TYPE_NULL};
        return e->kind == SL_TYPE_STRUCT ? &e->u.comp.items[AT_VALUE] : &null_value;
}

static sl_value entry_make(sl_func_ctx *ctx, const sl_type *et, sl_value v, int32_t count)
{
        sl_value *f;
        sl_value e = sl_value_composite_new(ctx->arena, et, 2, &f);
        f[AT_VALUE] = v;
        f[AT_COUNT] = sl_value_int(count);
        return e;
}

/* ksqlDB's update: the entry equal to `v` gets max(0, count + delta); a new entry only for a
 * positive delta. */
static sl_err attr_update(sl_func_ctx *ctx, const sl_value *state, const sl_value *v, int32_t delta, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, state);
        size_t n = list_len(state);
        sl_value *items;
        if (!t)
                return ctx->err->code;
        for (size_t i = 0; i < n; i++) {
                const sl_value *e = &state->u.comp.items[i];
                if (!sl_value_eq(entry_value(e), v))
                        continue;
                int32_t c = sl_func_agg_add_i32(entry_count(e), delta);
                sl_value res = sl_value_composite_new(ctx->arena, t, n, &items);
                memcpy(items, state->u.comp.items, n * sizeof *items);
                items[i] = entry_make(ctx, t->elem, *entry_value(e), c < 0 ? 0 : c);
                *out = res;
                return SL_OK;
        }
        if (delta <= 0) {
                *out = *state;
                return SL_OK;
        }
        sl_value res = sl_value_composite_new(ctx->arena, t, n + 1, &items);
        if (n)
                memcpy(items, state->u.comp.items, n * sizeof *items);
        items[n] = entry_make(ctx, t->elem, sl_func_agg_own(ctx, v), delta);
        *out = res;
        return SL_OK;
}

static sl_err attr_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t = sl_func_agg_state_of(ctx);
        sl_value *items;
        if (!t)
                return ctx->err->code;
        *state = sl_value_composite_new(ctx->arena, t, 0, &items);
        return SL_OK;
}

static sl_err attr_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                              sl_value *out)
{
        (void)nargs;
        return attr_update(ctx, state, &args[0], 1, out);
}

static sl_err attr_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        (void)nargs;
        return attr_update(ctx, state, &args[0], -1, out);
}

static sl_err attr_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        sl_value cur = *a;
        if (cur.kind == SL_TYPE_NULL) {
                sl_err rc = attr_init(ctx, &cur);
                if (rc)
                        return rc;
        }
        for (size_t i = 0; i < list_len(b); i++) {
                const sl_value *e = &b->u.comp.items[i];
                sl_err rc = attr_update(ctx, &cur, entry_value(e), entry_count(e), &cur);
                if (rc)
                        return rc;
        }
        *out = cur;
        return SL_OK;
}

/* The single value with a positive count, else NULL. */
static sl_err attr_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        const sl_value *only = NULL;
        size_t live = 0;
        (void)ctx;
        for (size_t i = 0; i < list_len(state); i++) {
                const sl_value *e = &state->u.comp.items[i];
                if (entry_count(e) > 0) {
                        only = entry_value(e);
                        live++;
                }
        }
        *out = live == 1 ? *only : sl_value_null();
        return SL_OK;
}

static const sl_func_agg_ops attr_ops = {
        sizeof(sl_func_agg_ops), attr_state, attr_init, attr_accumulate, attr_undo, attr_merge, attr_result,
};

static const sl_func_agg_builtin attr_rows[] = {
        {"ATTR",
         "The ATTR() aggregation indicates there are multiple values, but only one was expected. For example, if "
         "aggregating against a table that semantically should have only one value for a column given a key, this "
         "aggregation enables users to indicate that they expect only a single value.\n\nIf the aggregation "
         "encounters more than a single value for the expected singular column, the entire aggregation will return "
         "null.",
         "T val1", "T", NULL, &attr_ops, "Collect as a singleton", 0},
};

sl_err sl_func_agg_attr_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, attr_rows, err);
}
