/* agg_topk.c: TOPK and TOPKDISTINCT, as ksqlDB's TopkKudaf and TopkDistinctKudaf.
 *   TOPK(col, k)                 ARRAY of col's type: the k largest values, largest first,
 *                                duplicates kept; col is INT, BIGINT, DOUBLE or STRING
 *   TOPK(col, other..., k)       ARRAY<STRUCT<sort_col, col0, col1...>>: the rows of the k largest
 *                                col values with the other columns' values of those rows
 *   TOPKDISTINCT(col, k)         the k largest distinct values; col is INT, BIGINT, DOUBLE,
 *                                STRING, DECIMAL, DATE, TIME, TIMESTAMP or BYTES
 * k is an INT literal (an init argument, see registry.h). Rows whose col is NULL are skipped. The
 * state is the result list, kept sorted (stable: among equal values the earlier row first). Values
 * compare as Java's compareTo (sl_func_agg_cmp). Merge interleaves the two sorted lists up to k
 * (session windows); no undo (ksqlDB: streams only). */
#include "func/agg_int.h"
#include "types/compare.h"

/* ---- types ---- */

/* ARRAY<col> for (col, k); ARRAY<STRUCT<sort_col col, col0 a1, ...>> for (col, a1..., k). */
static sl_err topk_type(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                        sl_err_detail *err)
{
        if (nargs < 2 || args[nargs - 1]->kind != SL_TYPE_INT) {
                sl_str s;
                sl_str_init(&s);
                for (size_t i = 0; i < nargs; i++) {
                        if (i)
                                sl_str_append(&s, ", ");
                        sl_type_print(&s, args[i]);
                }
                sl_err rc = sl_err_set(err, SL_ERR_TYPE, "Function 'TOPK' does not accept parameters (%s).",
                                       sl_str_cstr(&s));
                sl_str_deinit(&s);
                return rc;
        }
        if (nargs == 2) {
                *type = sl_type_array(arena, args[0]);
                return SL_OK;
        }
        sl_type_field *f = sl_arena_calloc(arena, nargs - 1, sizeof *f);
        f[0] = (sl_type_field){"sort_col", args[0]};
        for (size_t i = 1; i + 1 < nargs; i++)
                f[i] = (sl_type_field){sl_arena_sprintf(arena, "col%zu", i - 1), args[i]};
        *type = sl_type_array(arena, sl_type_struct(arena, f, nargs - 1));
        return SL_OK;
}

/* ---- shared ---- */

static size_t list_len(const sl_value *st)
{
        return st->kind == SL_TYPE_ARRAY ? st->len : 0;
}

/* The value an element sorts by: itself, or its sort_col. */
static const sl_value *sort_val(const sl_value *e)
{
        return e->kind == SL_TYPE_STRUCT ? &e->u.comp.items[0] : e;
}

/* k from the call: the literal (ctx->res), else the row's last argument; 0 when unknown. */
static int64_t k_of(sl_func_ctx *ctx, const sl_value *args, size_t nargs)
{
        size_t last = ctx->res->nargs ? ctx->res->nargs - 1 : 0;
        const sl_value *v = sl_func_agg_init_arg(ctx, args, args ? nargs : 0, last);
        return v && v->kind == SL_TYPE_INT ? v->u.i32 : 0;
}

static sl_err topk_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t = sl_func_agg_state_of(ctx);
        sl_value *items;
        if (!t)
                return ctx->err->code;
        *state = sl_value_composite_new(ctx->arena, t, 0, &items);
        return SL_OK;
}

/* A copy of list `st` (type `t`, n elements) with `e` in place of the last element (`replace`) or
 * appended, then stable-sorted largest first: an insertion of `e` after the elements >= it. */
static sl_value insert_sorted(sl_func_ctx *ctx, const sl_type *t, const sl_value *st, size_t n, bool replace,
                              const sl_value *e)
{
        size_t keep = replace ? n - 1 : n, m = keep + 1, at = keep;
        sl_value *items;
        sl_value out = sl_value_composite_new(ctx->arena, t, m, &items);
        for (size_t i = 0; i < keep; i++) {
                if (sl_func_agg_cmp(sort_val(&st->u.comp.items[i]), sort_val(e)) < 0) {
                        at = i;
                        break;
                }
        }
        for (size_t i = 0, j = 0; i < m; i++)
                items[i] = i == at ? *e : st->u.comp.items[j++];
        return out;
}

static sl_err topk_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        if (state->kind == SL_TYPE_NULL)
                return topk_init(ctx, out);
        *out = *state;
        return SL_OK;
}

/* ---- TOPK ---- */

static bool list_contains(const sl_value *st, const sl_value *v)
{
        for (size_t i = 0; i < list_len(st); i++)
                if (sl_value_eq(&st->u.comp.items[i], v))
                        return true;
        return false;
}

/* TOPK (distinct false: the other arguments ride along in a STRUCT when given) and TOPKDISTINCT
 * (distinct true: a value already kept is not added again): args[0] into the sorted top k. */
static sl_err topk_add(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out,
                       bool distinct)
{
        const sl_type *t = sl_func_agg_state_type(ctx, state);
        size_t n = list_len(state);
        int64_t k = k_of(ctx, args, nargs);
        sl_value e;
        if (!t)
                return ctx->err->code;
        *out = *state;
        if (args[0].kind == SL_TYPE_NULL || k <= 0)
                return SL_OK;
        if ((int64_t)n >= k) {
                const sl_value *last = &state->u.comp.items[n - 1];
                if (sl_func_agg_cmp(&args[0], distinct ? last : sort_val(last)) <= 0)
                        return SL_OK;
        }
        if (distinct && list_contains(state, &args[0]))
                return SL_OK;
        if (!distinct && t->elem->kind == SL_TYPE_STRUCT && nargs > 2) {
                sl_value *f;
                e = sl_value_composite_new(ctx->arena, t->elem, t->elem->nfields, &f);
                for (size_t i = 0; i < t->elem->nfields && i + 1 < nargs; i++)
                        f[i] = sl_func_agg_own(ctx, &args[i]);
        } else {
                e = sl_func_agg_own(ctx, &args[0]);
        }
        *out = insert_sorted(ctx, t, state, n, (int64_t)n >= k, &e);
        return SL_OK;
}

static sl_err topk_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                              sl_value *out)
{
        return topk_add(ctx, state, args, nargs, out, false);
}

/* Both sorted lists merged, the first k kept; TOPKDISTINCT (distinct) keeps one of equal values. */
static sl_err topk_merge_lists(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out, bool distinct)
{
        const sl_type *t = sl_func_agg_state_type(ctx, a);
        size_t na = list_len(a), nb = list_len(b), i = 0, j = 0, m = 0;
        int64_t k = k_of(ctx, NULL, 0);
        if (!t)
                return ctx->err->code;
        if (k <= 0)  /* not known here: keep what both hold */
                k = (int64_t)(na > nb ? na : nb);
        sl_value *items;
        size_t cap = na + nb < (uint64_t)k ? na + nb : (size_t)k;
        sl_value res = sl_value_composite_new(ctx->arena, t, cap, &items);
        while (m < cap && (i < na || j < nb)) {
                const sl_value *v1 = i < na ? &a->u.comp.items[i] : NULL;
                const sl_value *v2 = j < nb ? &b->u.comp.items[j] : NULL;
                int c = !v1 || !v2 ? 0 : distinct ? sl_func_agg_cmp(v1, v2) : sl_func_agg_cmp(sort_val(v1), sort_val(v2));
                if (v1 && (!v2 || c > 0 || (c == 0 && !distinct))) {
                        items[m++] = *v1;
                        i++;
                } else if (!v1 || c < 0) {
                        items[m++] = *v2;
                        j++;
                } else {
                        items[m++] = *v1;
                        i++;
                        j++;
                }
        }
        res.len = (uint32_t)m;
        *out = res;
        return SL_OK;
}

static sl_err topk_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        return topk_merge_lists(ctx, a, b, out, false);
}

static const sl_func_agg_ops topk_ops = {
        sizeof(sl_func_agg_ops), topk_type, topk_init, topk_accumulate, NULL, topk_merge, topk_result,
};

/* ---- TOPKDISTINCT ---- */

static sl_err distinct_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                                  sl_value *out)
{
        return topk_add(ctx, state, args, nargs, out, true);
}

static sl_err distinct_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        return topk_merge_lists(ctx, a, b, out, true);
}

static const sl_func_agg_ops distinct_ops = {
        sizeof(sl_func_agg_ops), topk_type, topk_init, distinct_accumulate, NULL, distinct_merge, topk_result,
};

#define TOPK_DESC "Returns the top k values for a column and other values in those records."
#define TOPKD_DESC "Computes the top k distinct values for a column, per key."

static const sl_func_agg_builtin topk_rows[] = {
        {"TOPK", TOPK_DESC, "INT val1, INT k", "ARRAY<INT>", NULL, &topk_ops,
         "Returns the top k values for an integer column and other values in those records.", 1},
        {"TOPK", TOPK_DESC, "INT val1, ANY... val2", "ARRAY<STRUCT>", topk_type, &topk_ops,
         "Returns the top k values for an integer column and other values in those records.", 1},
        {"TOPK", TOPK_DESC, "BIGINT val1, INT k", "ARRAY<BIGINT>", NULL, &topk_ops,
         "Returns the top k values for a bigint column and other values in those records.", 1},
        {"TOPK", TOPK_DESC, "BIGINT val1, ANY... val2", "ARRAY<STRUCT>", topk_type, &topk_ops,
         "Returns the top k values for a bigint column and other values in those records.", 1},
        {"TOPK", TOPK_DESC, "DOUBLE val1, INT k", "ARRAY<DOUBLE>", NULL, &topk_ops,
         "Returns the top k values for a double column and other values in those records.", 1},
        {"TOPK", TOPK_DESC, "DOUBLE val1, ANY... val2", "ARRAY<STRUCT>", topk_type, &topk_ops,
         "Returns the top k values for a double column and other values in those records.", 1},
        {"TOPK", TOPK_DESC, "STRING val1, INT k", "ARRAY<STRING>", NULL, &topk_ops,
         "Returns the top k values for a string column and other values in those records.", 1},
        {"TOPK", TOPK_DESC, "STRING val1, ANY... val2", "ARRAY<STRUCT>", topk_type, &topk_ops,
         "Returns the top k values for a string column and other values in those records.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "INT val1, INT k", "ARRAY<INT>", NULL, &distinct_ops,
         "Calculates the top k distinct values for an integer column, per key.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "BIGINT val1, INT k", "ARRAY<BIGINT>", NULL, &distinct_ops,
         "Calculates the top k distinct values for a long column, per key.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "DOUBLE val1, INT k", "ARRAY<DOUBLE>", NULL, &distinct_ops,
         "Calculates the top k distinct values for a double column, per key.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "STRING val1, INT k", "ARRAY<STRING>", NULL, &distinct_ops,
         "Calculates the top k distinct values for a string column, per key.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "DECIMAL val1, INT k", "ARRAY<DECIMAL>", sl_func_agg_ret_array_arg0, &distinct_ops,
         "Calculates the top k distinct values for a decimal column, per key.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "DATE val1, INT k", "ARRAY<DATE>", NULL, &distinct_ops,
         "Calculates the top k distinct values for a date column, per key.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "TIME val1, INT k", "ARRAY<TIME>", NULL, &distinct_ops,
         "Calculates the top k distinct values for a time column, per key.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "TIMESTAMP val1, INT k", "ARRAY<TIMESTAMP>", NULL, &distinct_ops,
         "Calculates the top k distinct values for a timestamp column, per key.", 1},
        {"TOPKDISTINCT", TOPKD_DESC, "BYTES val1, INT k", "ARRAY<BYTES>", NULL, &distinct_ops,
         "Calculates the top k distinct values for a bytes column, per key.", 1},
};

sl_err sl_func_agg_topk_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, topk_rows, err);
}
