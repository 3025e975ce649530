/* agg_offset.c: EARLIEST_BY_OFFSET and LATEST_BY_OFFSET, as ksqlDB's EarliestByOffset /
 * LatestByOffset, over values of any type:
 *   X(col [, ignoreNulls])       the earliest / latest value, of col's type
 *   X(col, n [, ignoreNulls])    the earliest / latest n values, ARRAY of col's type
 * ignoreNulls (a BOOLEAN literal, default true) skips NULL values; n is an INT literal >= 1. The
 * analyzer requires both to be literals (ksqlDB's "must be a literal constant").
 *
 * "By offset" is the order rows reach the aggregation, which is offset order per partition and
 * key: EARLIEST keeps the first value(s) it sees, LATEST replaces with every new one. Each kept
 * value carries a sequence number (STRUCT<SEQ BIGINT, VAL T>, the n-forms an ARRAY of them), used
 * only to order values when session windows merge; sequence numbers come from one process-wide
 * counter (sl_func_agg_next_seq), as ksqlDB's AtomicLong. Merge follows ksqlDB exactly, including
 * that the n-forms keep the n smallest sequence numbers of both sides (for LATEST too: the new
 * row is added after the merges, which then keeps the latest). No undo: ksqlDB rejects these over
 * table sources. */
#include "func/agg_int.h"

enum { OF_SEQ, OF_VAL };

/* The call's shape, from its arguments. */
typedef struct of_args {
        bool multi;         /* the n-form */
        int64_t n;          /* n-form: how many */
        bool ignore_nulls;  /* skip NULL values */
} of_args;

/* Reads n / ignoreNulls: the literals the analyzer recorded in ctx->res, else the row's
 * arguments (`args` NULL in merge: then the defaults, n unbounded). */
static sl_err of_parse(sl_func_ctx *ctx, const sl_value *args, size_t nargs, bool earliest, of_args *oa)
{
        const sl_func_resolved *res = ctx->res;
        *oa = (of_args){.ignore_nulls = true, .n = INT64_MAX};
        for (size_t i = 1; i < res->nargs; i++) {
                const sl_type *t = res->args[i].type;
                const sl_value *v = sl_func_agg_init_arg(ctx, args, nargs, i);
                if (t && t->kind == SL_TYPE_BOOLEAN) {
                        if (v && v->kind == SL_TYPE_BOOLEAN)
                                oa->ignore_nulls = v->u.b;
                        continue;
                }
                oa->multi = true;
                if (!v)
                        continue;
                oa->n = v->kind == SL_TYPE_INT ? v->u.i32 : 0;
                if (oa->n <= 0)
                        return sl_err_set(ctx->err, SL_ERR_FUNCTION, "%s must be 1 or greater",
                                          earliest ? "earliestN" : "latestN");
        }
        return SL_OK;
}

/* Whether the resolved overload is an n-form (the second parameter is the INT n). */
static bool is_multi(const sl_func_resolved *res)
{
        return res->nargs >= 2 && res->args[1].type && res->args[1].type->kind == SL_TYPE_INT;
}

static sl_err of_state(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                       sl_err_detail *err)
{
        if (nargs < 1)
                return sl_err_set(err, SL_ERR_INVALID, "by-offset aggregate without an argument");
        sl_type_field f[2] = {{"SEQ", sl_type_bigint()}, {"VAL", args[0]}};
        const sl_type *st = sl_type_struct(arena, f, 2);
        *type = nargs >= 2 && args[1]->kind == SL_TYPE_INT ? sl_type_array(arena, st) : st;
        return SL_OK;
}

static sl_err of_ret(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **ret,
                     sl_err_detail *err)
{
        if (nargs < 1)
                return sl_err_set(err, SL_ERR_INVALID, "by-offset aggregate without an argument");
        *ret = nargs >= 2 && args[1]->kind == SL_TYPE_INT ? sl_type_array(arena, args[0]) : args[0];
        return SL_OK;
}

/* A new entry {SEQ: next, VAL: v}. */
static sl_value entry_new(sl_func_ctx *ctx, const sl_type *et, const sl_value *v)
{
        sl_value *items;
        sl_value e = sl_value_composite_new(ctx->arena, et, 2, &items);
        items[OF_SEQ] = sl_value_bigint(sl_func_agg_next_seq());
        items[OF_VAL] = sl_func_agg_own(ctx, v);
        return e;
}

static int64_t entry_seq(const sl_value *e)
{
        return e->kind == SL_TYPE_STRUCT && e->u.comp.items[OF_SEQ].kind == SL_TYPE_BIGINT
                       ? e->u.comp.items[OF_SEQ].u.i64
                       : 0;
}

static bool entry_val_null(const sl_value *e)
{
        return e->kind != SL_TYPE_STRUCT || e->u.comp.items[OF_VAL].kind == SL_TYPE_NULL;
}

/* ksqlDB's INTERMEDIATE_STRUCT_COMPARATOR: by sequence, a negative sequence (wrapped around)
 * after the non-negative ones. */
static int seq_cmp(const sl_value *a, const sl_value *b)
{
        int64_t s1 = entry_seq(a), s2 = entry_seq(b);
        if (s1 < 0 && s2 >= 0)
                return 1;
        if (s2 < 0 && s1 >= 0)
                return -1;
        return s1 < s2 ? -1 : s1 > s2;
}

/* The _IGNORE_NULLS variant: an entry with a NULL value before any other. */
static int seq_cmp_ignore_nulls(const sl_value *a, const sl_value *b)
{
        bool na = entry_val_null(a), nb = entry_val_null(b);
        if (na && nb)
                return 0;
        if (na)
                return -1;
        if (nb)
                return 1;
        return seq_cmp(a, b);
}

static size_t arr_len(const sl_value *st)
{
        return st->kind == SL_TYPE_ARRAY ? st->len : 0;
}

/* An ARRAY state of type `t` holding items[0..n). */
static sl_value arr_make(sl_func_ctx *ctx, const sl_type *t, const sl_value *src, size_t n)
{
        sl_value *items;
        sl_value st = sl_value_composite_new(ctx->arena, t, n, &items);
        if (n)
                memcpy(items, src, n * sizeof *items);
        return st;
}

/* ---- init ---- */

static sl_err earliest_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t;
        of_args oa;
        sl_err rc = of_parse(ctx, NULL, 0, true, &oa);  /* n >= 1, as ksqlDB's factory checks */
        if (rc)
                return rc;
        if (!is_multi(ctx->res)) {
                *state = sl_value_null();
                return SL_OK;
        }
        if (!(t = sl_func_agg_state_of(ctx)))
                return ctx->err->code;
        *state = arr_make(ctx, t, NULL, 0);
        return SL_OK;
}

static sl_err latest_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t = sl_func_agg_state_of(ctx);
        of_args oa;
        sl_err rc = of_parse(ctx, NULL, 0, false, &oa);
        if (rc)
                return rc;
        if (!t)
                return ctx->err->code;
        if (is_multi(ctx->res))
                *state = arr_make(ctx, t, NULL, 0);
        else
                *state = entry_new(ctx, t, &(sl_value){.kind = SL_TYPE_NULL});
        return SL_OK;
}

/* ---- accumulate ---- */

/* EARLIEST_BY_OFFSET keeps the first value (the first n), LATEST_BY_OFFSET the last (n). */
static sl_err of_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out,
                            bool earliest)
{
        const sl_type *t;
        of_args oa;
        sl_err rc = of_parse(ctx, args, nargs, earliest, &oa);
        if (rc)
                return rc;
        if (!(t = sl_func_agg_state_of(ctx)))
                return ctx->err->code;
        *out = *state;
        if (args[0].kind == SL_TYPE_NULL && oa.ignore_nulls)
                return SL_OK;
        if (!oa.multi) {
                if (!earliest || state->kind == SL_TYPE_NULL)
                        *out = entry_new(ctx, t, &args[0]);
                return SL_OK;
        }
        size_t n = arr_len(state), keep = n;  /* of the old ones, the last `keep` */
        if (earliest && (int64_t)n >= oa.n)
                return SL_OK;
        if (!earliest && (int64_t)n + 1 > oa.n)
                keep = (size_t)oa.n - 1;
        sl_value *items;
        sl_value res = sl_value_composite_new(ctx->arena, t, keep + 1, &items);
        for (size_t i = 0; i < keep; i++)
                items[i] = state->u.comp.items[n - keep + i];
        items[keep] = entry_new(ctx, t->elem, &args[0]);
        *out = res;
        return SL_OK;
}

static sl_err earliest_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                                  sl_value *out)
{
        return of_accumulate(ctx, state, args, nargs, out, true);
}

static sl_err latest_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                                sl_value *out)
{
        return of_accumulate(ctx, state, args, nargs, out, false);
}

/* ---- merge ---- */

/* The n-forms: both lists (each in sequence order) merged by sequence, the first n kept. */
static sl_err multi_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, int64_t n, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, a);
        size_t na = arr_len(a), nb = arr_len(b), i = 0, j = 0, k = 0;
        if (!t)
                return ctx->err->code;
        size_t total = na + nb, keep = (uint64_t)total < (uint64_t)n ? total : (size_t)n;
        sl_value *items;
        sl_value res = sl_value_composite_new(ctx->arena, t, keep, &items);
        while (k < keep) {
                if (j >= nb || (i < na && seq_cmp(&a->u.comp.items[i], &b->u.comp.items[j]) <= 0))
                        items[k++] = a->u.comp.items[i++];
                else
                        items[k++] = b->u.comp.items[j++];
        }
        *out = res;
        return SL_OK;
}

static sl_err of_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out, bool earliest)
{
        of_args oa;
        sl_err rc = of_parse(ctx, NULL, 0, earliest, &oa);
        if (rc)
                return rc;
        if (oa.multi)
                return multi_merge(ctx, a, b, oa.n, out);
        if (a->kind == SL_TYPE_NULL)
                *out = *b;
        else if (b->kind == SL_TYPE_NULL)
                *out = *a;
        else if (earliest)
                *out = seq_cmp(a, b) < 0 ? *a : *b;
        else
                *out = (oa.ignore_nulls ? seq_cmp_ignore_nulls(a, b) : seq_cmp(a, b)) >= 0 ? *a : *b;
        return SL_OK;
}

static sl_err earliest_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        return of_merge(ctx, a, b, out, true);
}

static sl_err latest_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        return of_merge(ctx, a, b, out, false);
}

/* ---- result ---- */

static sl_err of_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        if (!is_multi(ctx->res)) {
                *out = state->kind == SL_TYPE_STRUCT ? state->u.comp.items[OF_VAL] : sl_value_null();
                return SL_OK;
        }
        size_t n = arr_len(state);
        sl_value *items;
        sl_value res = sl_value_composite_new(ctx->arena, ctx->res->ret, n, &items);
        for (size_t i = 0; i < n; i++)
                items[i] = state->u.comp.items[i].kind == SL_TYPE_STRUCT ? state->u.comp.items[i].u.comp.items[OF_VAL]
                                                                         : sl_value_null();
        *out = res;
        return SL_OK;
}

static const sl_func_agg_ops earliest_ops = {
        sizeof(sl_func_agg_ops), of_state, earliest_init, earliest_accumulate, NULL, earliest_merge, of_result,
};
static const sl_func_agg_ops latest_ops = {
        sizeof(sl_func_agg_ops), of_state, latest_init, latest_accumulate, NULL, latest_merge, of_result,
};

#define EARLIEST_DESC "This function returns the oldest N values for the column, computed by offset."

static const sl_func_agg_builtin offset_rows[] = {
        {"EARLIEST_BY_OFFSET", EARLIEST_DESC, "T val1", "T", NULL, &earliest_ops, "return the earliest value of a column", 0},
        {"EARLIEST_BY_OFFSET", EARLIEST_DESC, "T val1, BOOLEAN ignoreNulls", "T", NULL, &earliest_ops,
         "return the earliest value of a column", 1},
        {"EARLIEST_BY_OFFSET", EARLIEST_DESC, "T val1, INT earliestN", "ARRAY<T>", of_ret, &earliest_ops,
         "return the earliest N values of a column", 1},
        {"EARLIEST_BY_OFFSET", EARLIEST_DESC, "T val1, INT earliestN, BOOLEAN ignoreNulls", "ARRAY<T>", of_ret,
         &earliest_ops, "return the earliest N values of a column", 2},
        /* ksqlDB describes LATEST_BY_OFFSET with EARLIEST's text */
        {"LATEST_BY_OFFSET", EARLIEST_DESC, "T val1", "T", NULL, &latest_ops, "return the latest value of a column", 0},
        {"LATEST_BY_OFFSET", EARLIEST_DESC, "T val1, BOOLEAN ignoreNulls", "T", NULL, &latest_ops,
         "return the latest value of a column", 1},
        {"LATEST_BY_OFFSET", EARLIEST_DESC, "T val1, INT latestN", "ARRAY<T>", of_ret, &latest_ops,
         "return the latest N values of a column", 1},
        {"LATEST_BY_OFFSET", EARLIEST_DESC, "T val1, INT latestN, BOOLEAN ignoreNulls", "ARRAY<T>", of_ret, &latest_ops,
         "return the latest N values of a column", 2},
};

sl_err sl_func_agg_offset_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, offset_rows, err);
}
