/* agg_histogram.c: HISTOGRAM(STRING), as ksqlDB's HistogramUdaf: a MAP<STRING, BIGINT> from each
 * distinct value to its number of occurrences, at most 1000 entries (further new values are
 * ignored; known ones still count). The state is the map itself, entries in first-seen order.
 * Undo decrements and drops an entry that reaches 0 (aggregation over tables); merge adds the
 * counts. NULL values are not counted (ksqlDB would put a null key, which no format can write). */
#include "func/agg_int.h"

#define HISTOGRAM_LIMIT 1000

static size_t map_len(const sl_value *st)
{
        return st->kind == SL_TYPE_MAP ? st->len : 0;
}

/* Index of key `k` in map state `st`, or -1. */
static long map_find(const sl_value *st, const sl_value *k)
{
        for (size_t i = 0; i < map_len(st); i++) {
                const sl_value *key = &st->u.comp.items[2 * i];
                if (key->kind == SL_TYPE_STRING && key->len == k->len &&
                    (k->len == 0 || memcmp(key->u.bytes, k->u.bytes, k->len) == 0))
                        return (long)i;
        }
        return -1;
}

/* A copy of map `st` (of type `t`) with room for `extra` more entries; *items receives them. */
static sl_value map_copy(sl_func_ctx *ctx, const sl_type *t, const sl_value *st, size_t n, size_t extra,
                         sl_value **items)
{
        sl_value m = sl_value_composite_new(ctx->arena, t, n + extra, items);
        if (n)
                memcpy(*items, st->u.comp.items, 2 * n * sizeof **items);
        return m;
}

/* `st` with `count` added to key `k`'s entry; an entry that drops below 1 is removed; a new key is
 * added only when `count` > 0 and the map holds fewer than HISTOGRAM_LIMIT entries. */
static sl_err histo_add(sl_func_ctx *ctx, const sl_value *st, const sl_value *k, int64_t count, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, st);
        size_t n = map_len(st);
        long at;
        sl_value *items;
        if (!t)
                return ctx->err->code;
        if (k->kind == SL_TYPE_NULL) {
                *out = *st;
                return SL_OK;
        }
        at = map_find(st, k);
        if (at < 0) {
                if (count <= 0 || n >= HISTOGRAM_LIMIT) {
                        *out = *st;
                        return SL_OK;
                }
                *out = map_copy(ctx, t, st, n, 1, &items);
                items[2 * n] = sl_func_agg_own(ctx, k);
                items[2 * n + 1] = sl_value_bigint(count);
                return SL_OK;
        }
        int64_t c = sl_func_agg_add_i64(st->u.comp.items[2 * at + 1].u.i64, count);
        if (c < 1) {
                sl_value m = sl_value_composite_new(ctx->arena, t, n - 1, &items);
                for (size_t i = 0, j = 0; i < n; i++) {
                        if ((long)i == at)
                                continue;
                        items[2 * j] = st->u.comp.items[2 * i];
                        items[2 * j + 1] = st->u.comp.items[2 * i + 1];
                        j++;
                }
                *out = m;
                return SL_OK;
        }
        *out = map_copy(ctx, t, st, n, 0, &items);
        items[2 * at + 1] = sl_value_bigint(c);
        return SL_OK;
}

static sl_err histo_state(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                          sl_err_detail *err)
{
        (void)args, (void)nargs, (void)err;
        *type = sl_type_map(arena, sl_type_string(), sl_type_bigint());
        return SL_OK;
}

static sl_err histo_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t = sl_func_agg_state_of(ctx);
        sl_value *items;
        if (!t)
                return ctx->err->code;
        *state = sl_value_composite_new(ctx->arena, t, 0, &items);
        return SL_OK;
}

static sl_err histo_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                               sl_value *out)
{
        (void)nargs;
        return histo_add(ctx, state, &args[0], 1, out);
}

static sl_err histo_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        (void)nargs;
        return histo_add(ctx, state, &args[0], -1, out);
}

static sl_err histo_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        sl_value cur = *a;
        if (cur.kind == SL_TYPE_NULL) {
                sl_err rc = histo_init(ctx, &cur);
                if (rc)
                        return rc;
        }
        for (size_t i = 0; i < map_len(b); i++) {
                sl_err rc = histo_add(ctx, &cur, &b->u.comp.items[2 * i], b->u.comp.items[2 * i + 1].u.i64, &cur);
                if (rc)
                        return rc;
        }
        *out = cur;
        return SL_OK;
}

static sl_err histo_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        if (state->kind == SL_TYPE_NULL)
                return histo_init(ctx, out);
        *out = *state;
        return SL_OK;
}

static const sl_func_agg_ops histo_ops = {
        sizeof(sl_func_agg_ops), histo_state, histo_init, histo_accumulate, histo_undo, histo_merge, histo_result,
};

static const sl_func_agg_builtin histo_rows[] = {
        {"histogram",
         "Returns a map of each distinct String from the input Stream or Table and how many times each occurs. "
         "\nThis version limits the size of the resultant Map to 1000 entries. Any entries added beyond this limit "
         "will be ignored.",
         "STRING val1", "MAP<STRING, BIGINT>", NULL, &histo_ops, "Build a value-to-count histogram of input Strings", 0},
};

sl_err sl_func_agg_histogram_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, histo_rows, err);
}
