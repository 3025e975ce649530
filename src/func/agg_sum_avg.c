/* agg_sum_avg.c: SUM, SUM_LIST and AVG, as ksqlDB's SumKudaf, ListSumUdaf and AverageUdaf.
 *   SUM(INT) is INT, SUM(BIGINT) BIGINT, SUM(DOUBLE) DOUBLE (Java arithmetic: integers wrap on
 *     overflow), SUM(DECIMAL(p,s)) DECIMAL(p,s), failing with "Numeric field overflow" when the sum
 *     needs more than p - s integer digits. The state is the running sum, starting at 0, so an
 *     empty group sums to 0. NULL inputs are skipped.
 *   SUM_LIST(ARRAY<INT|BIGINT|DOUBLE>) adds the non-NULL elements of each list.
 *   AVG(INT|BIGINT|DOUBLE) is DOUBLE (a DECIMAL argument widens to DOUBLE); the state is
 *     STRUCT<SUM T, COUNT BIGINT>; the average of no rows is 0.0.
 * All have undo (aggregation over tables) and merge (session windows). */
#include <stdio.h>

#include "func/agg_int.h"

/* ---- numeric helpers: state values of kind INT, BIGINT, DOUBLE or DECIMAL ---- */

/* The zero of a numeric type. */
static sl_value zero_of(const sl_type *t)
{
        switch (t->kind) {
        case SL_TYPE_INT: return sl_value_int(0);
        case SL_TYPE_BIGINT: return sl_value_bigint(0);
        case SL_TYPE_DECIMAL:
                return sl_value_decimal((sl_decimal){.unscaled = 0, .precision = (uint8_t)t->precision,
                                                     .scale = (uint8_t)t->scale});
        default: return sl_value_double(0.0);
        }
}

/* `v` as a DECIMAL of scale `scale` (arguments are converted already; this guards decoded states). */
static sl_i128 dec_at_scale(const sl_value *v, int scale)
{
        sl_i128 u = v->u.dec;
        for (int s = v->scale; s < scale; s++)
                u *= 10;
        for (int s = v->scale; s > scale; s--)
                u /= 10;
        return u;
}

/* BigDecimal.toPlainString() of `d` rounded HALF_UP to d.precision significant digits (ksqlDB's
 * MathContext), into buf (SL_DECIMAL_STR_MAX + 40 bytes). */
static void plain_rounded(sl_decimal d, char *buf)
{
        sl_i128 u = d.unscaled, mag = u < 0 ? -u : u;
        int digits = 0, scale = d.scale;
        for (sl_i128 m = mag; m; m /= 10)
                digits++;
        while (digits > d.precision) {
                int drop = digits - d.precision;
                sl_i128 p = sl_decimal_pow10(drop), q = mag / p;
                if ((mag % p) * 2 >= p)
                        q++;
                mag = q;
                scale -= drop;
                digits = 0;
                for (sl_i128 m = mag; m; m /= 10)
                        digits++;
        }
        sl_decimal r = {.unscaled = u < 0 ? -mag : mag, .precision = SL_DECIMAL_MAX_PRECISION,
                        .scale = (uint8_t)(scale > 0 ? scale : 0)};
        size_t n = sl_decimal_format(r, buf);
        for (int i = scale; i < 0; i++)
                buf[n++] = '0';
        buf[n] = '\0';
}

/* a + sign * b, both of a's kind (b converted to a's type). A DECIMAL sum that outgrows its
 * precision fails with ksqlDB's "Numeric field overflow"; ksqlDB checks only in aggregate, but
 * such a sum could not be stored after undo or merge either (undoing rows never added, merging
 * two nearly full sums). */
static sl_err num_add(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, int sign, sl_value *out)
{
        switch (a->kind) {
        case SL_TYPE_INT:
                *out = sl_value_int(sign > 0 ? sl_func_agg_add_i32(a->u.i32, b->u.i32)
                                             : sl_func_agg_sub_i32(a->u.i32, b->u.i32));
                return SL_OK;
        case SL_TYPE_BIGINT:
                *out = sl_value_bigint(sign > 0 ? sl_func_agg_add_i64(a->u.i64, b->u.i64)
                                                : sl_func_agg_sub_i64(a->u.i64, b->u.i64));
                return SL_OK;
        case SL_TYPE_DOUBLE:
                *out = sl_value_double(sign > 0 ? a->u.f64 + b->u.f64 : a->u.f64 - b->u.f64);
                return SL_OK;
        case SL_TYPE_DECIMAL: {
                sl_i128 y = dec_at_scale(b, a->scale), sum;
                bool wrapped = sign > 0 ? __builtin_add_overflow(a->u.dec, y, &sum)
                                        : __builtin_sub_overflow(a->u.dec, y, &sum);
                sl_decimal d = {.unscaled = sum, .precision = a->precision, .scale = a->scale};
                if (wrapped || !sl_decimal_fits(sum, a->precision)) {
                        char buf[SL_DECIMAL_STR_MAX + 40];
                        if (wrapped)
                                snprintf(buf, sizeof buf, "a value beyond 10^38");
                        else
                                plain_rounded(d, buf);
                        return sl_err_set(ctx->err, SL_ERR_OVERFLOW,
                                          "Numeric field overflow: A field with precision %d and scale %d must round "
                                          "to an absolute value less than 10^%d. Got %s",
                                          a->precision, a->scale, a->precision - a->scale, buf);
                }
                *out = sl_value_decimal(d);
                return SL_OK;
        }
        default:
                return sl_err_set(ctx->err, SL_ERR_TYPE, "%s: not a numeric state", ctx->res->func->name);
        }
}

/* A state that may be NULL (never produced here): the type's zero instead. */
static sl_value num_state(const sl_value *state, const sl_type *t)
{
        return state->kind == SL_TYPE_NULL ? zero_of(t) : *state;
}

/* ---- SUM ---- */

static sl_err sum_init(sl_func_ctx *ctx, sl_value *state)
{
        *state = zero_of(ctx->res->ret);
        return SL_OK;
}

static sl_err sum_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                             sl_value *out)
{
        sl_value s = num_state(state, ctx->res->ret);
        (void)nargs;
        if (args[0].kind == SL_TYPE_NULL) {
                *out = s;
                return SL_OK;
        }
        return num_add(ctx, &s, &args[0], 1, out);
}

static sl_err sum_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        sl_value s = num_state(state, ctx->res->ret);
        (void)nargs;
        if (args[0].kind == SL_TYPE_NULL) {
                *out = s;
                return SL_OK;
        }
        return num_add(ctx, &s, &args[0], -1, out);
}

static sl_err sum_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        sl_value x = num_state(a, ctx->res->ret), y = num_state(b, ctx->res->ret);
        return num_add(ctx, &x, &y, 1, out);
}

static sl_err sum_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        *out = num_state(state, ctx->res->ret);
        return SL_OK;
}

static const sl_func_agg_ops sum_ops = {
        sizeof(sl_func_agg_ops), sl_func_agg_ret_arg0, sum_init, sum_accumulate, sum_undo, sum_merge, sum_result,
};

/* ---- SUM_LIST ---- */

static sl_err sum_list_state(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                             sl_err_detail *err)
{
        (void)arena;
        if (nargs < 1 || args[0]->kind != SL_TYPE_ARRAY)
                return sl_err_set(err, SL_ERR_INVALID, "sum_list: not a list");
        *type = args[0]->elem;
        return SL_OK;
}

/* The sum of the non-NULL elements of list `v` (of the state's kind) added to / taken from `s`. */
static sl_err sum_list_apply(sl_func_ctx *ctx, const sl_value *state, const sl_value *v, int sign, sl_value *out)
{
        sl_value s = num_state(state, ctx->res->ret);
        sl_value sum = zero_of(ctx->res->ret);
        if (v->kind == SL_TYPE_NULL) {
                *out = s;
                return SL_OK;
        }
        for (size_t i = 0; i < v->len; i++) {
                if (v->u.comp.items[i].kind == SL_TYPE_NULL)
                        continue;
                sl_err rc = num_add(ctx, &sum, &v->u.comp.items[i], 1, &sum);
                if (rc)
                        return rc;
        }
        return num_add(ctx, &s, &sum, sign, out);
}

static sl_err sum_list_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                                  sl_value *out)
{
        (void)nargs;
        return sum_list_apply(ctx, state, &args[0], 1, out);
}

static sl_err sum_list_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                            sl_value *out)
{
        (void)nargs;
        return sum_list_apply(ctx, state, &args[0], -1, out);
}

static const sl_func_agg_ops sum_list_ops = {
        sizeof(sl_func_agg_ops), sum_list_state, sum_init, sum_list_accumulate, sum_list_undo, sum_merge, sum_result,
};

/* ---- AVG ---- */

/* STRUCT<SUM T, COUNT BIGINT>. */
static sl_err avg_state(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                        sl_err_detail *err)
{
        if (nargs < 1)
                return sl_err_set(err, SL_ERR_INVALID, "avg without an argument");
        sl_type_field f[2] = {{"SUM", args[0]}, {"COUNT", sl_type_bigint()}};
        *type = sl_type_struct(arena, f, 2);
        return SL_OK;
}

/* A new AVG state of type `t` with `sum` and `count`. */
static sl_value avg_make(sl_func_ctx *ctx, const sl_type *t, sl_value sum, int64_t count)
{
        sl_value *items;
        sl_value st = sl_value_composite_new(ctx->arena, t, 2, &items);
        items[0] = sum;
        items[1] = sl_value_bigint(count);
        return st;
}

/* Reads a state (NULL or NULL fields read as zero). */
static void avg_read(const sl_value *state, const sl_type *t, sl_value *sum, int64_t *count)
{
        const sl_type *st = t->fields[0].type;
        *sum = zero_of(st);
        *count = 0;
        if (state->kind != SL_TYPE_STRUCT)
                return;
        if (state->u.comp.items[0].kind != SL_TYPE_NULL)
                *sum = state->u.comp.items[0];
        if (state->u.comp.items[1].kind == SL_TYPE_BIGINT)
                *count = state->u.comp.items[1].u.i64;
}

static sl_err avg_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t = sl_func_agg_state_of(ctx);
        if (!t)
                return ctx->err->code;
        *state = avg_make(ctx, t, zero_of(t->fields[0].type), 0);
        return SL_OK;
}

static sl_err avg_step(sl_func_ctx *ctx, const sl_value *state, const sl_value *v, int sign, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, state);
        sl_value sum;
        int64_t count;
        sl_err rc;
        if (!t)
                return ctx->err->code;
        if (v->kind == SL_TYPE_NULL) {
                *out = *state;
                return SL_OK;
        }
        avg_read(state, t, &sum, &count);
        if ((rc = num_add(ctx, &sum, v, sign, &sum)))
                return rc;
        *out = avg_make(ctx, t, sum, sign > 0 ? count + 1 : count - 1);
        return SL_OK;
}

static sl_err avg_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                             sl_value *out)
{
        (void)nargs;
        return avg_step(ctx, state, &args[0], 1, out);
}

static sl_err avg_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        (void)nargs;
        return avg_step(ctx, state, &args[0], -1, out);
}

static sl_err avg_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, a);
        sl_value s1, s2;
        int64_t c1, c2;
        sl_err rc;
        if (!t)
                return ctx->err->code;
        avg_read(a, t, &s1, &c1);
        avg_read(b, t, &s2, &c2);
        if ((rc = num_add(ctx, &s1, &s2, 1, &s1)))
                return rc;
        *out = avg_make(ctx, t, s1, c1 + c2);
        return SL_OK;
}

static double num_to_double(const sl_value *v)
{
        switch (v->kind) {
        case SL_TYPE_INT: return (double)v->u.i32;
        case SL_TYPE_BIGINT: return (double)v->u.i64;
        case SL_TYPE_DECIMAL: return sl_decimal_to_double(sl_value_get_decimal(v));
        case SL_TYPE_DOUBLE: return v->u.f64;
        default: return 0.0;
        }
}

static sl_err avg_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        sl_value sum;
        int64_t count;
        if (state->kind != SL_TYPE_STRUCT) {
                *out = sl_value_double(0.0);
                return SL_OK;
        }
        (void)ctx;
        avg_read(state, state->u.comp.type, &sum, &count);
        *out = sl_value_double(count == 0 ? 0.0 : num_to_double(&sum) / (double)count);
        return SL_OK;
}

static const sl_func_agg_ops avg_ops = {
        sizeof(sl_func_agg_ops), avg_state, avg_init, avg_accumulate, avg_undo, avg_merge, avg_result,
};

#define SUM_DESC "Computes the sum for a key."
#define AVG_DESC \
        "Returns the average value of the column computed as the sum divided by thecount. Applicable only to " \
        "numeric types."
#define SUM_LIST_DESC "Returns the sum of elements contained in the list."

static const sl_func_agg_builtin sum_rows[] = {
        {"SUM", SUM_DESC, "DECIMAL val1", "DECIMAL", sl_func_agg_ret_arg0, &sum_ops,
         "Computes the sum of decimal values for a key, resulting in a decimal with the same precision and scale.", 0},
        {"SUM", SUM_DESC, "DOUBLE val1", "DOUBLE", NULL, &sum_ops, SUM_DESC, 0},
        {"SUM", SUM_DESC, "BIGINT val1", "BIGINT", NULL, &sum_ops, SUM_DESC, 0},
        {"SUM", SUM_DESC, "INT val1", "INT", NULL, &sum_ops, SUM_DESC, 0},
        {"sum_list", SUM_LIST_DESC, "ARRAY<DOUBLE> val1", "DOUBLE", NULL, &sum_list_ops,
         "sum double values in a list into a single double", 0},
        {"sum_list", SUM_LIST_DESC, "ARRAY<INT> val1", "INT", NULL, &sum_list_ops,
         "sum int values in a list into a single int", 0},
        {"sum_list", SUM_LIST_DESC, "ARRAY<BIGINT> val1", "BIGINT", NULL, &sum_list_ops,
         "sum long values in a list into a single long", 0},
        {"avg", AVG_DESC, "BIGINT val1", "DOUBLE", NULL, &avg_ops, "Compute average of column with type Long.", 0},
        {"avg", AVG_DESC, "INT val1", "DOUBLE", NULL, &avg_ops, "Compute average of column with type Integer.", 0},
        {"avg", AVG_DESC, "DOUBLE val1", "DOUBLE", NULL, &avg_ops, "Compute average of column with type Double.", 0},
};

sl_err sl_func_agg_sum_avg_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, sum_rows, err);
}
