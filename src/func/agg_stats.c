/* agg_stats.c: STDDEV_SAMP, STDDEV_SAMPLE and CORRELATION, as ksqlDB's StandardDeviationSampUdaf,
 * StandardDeviationSampleUdaf and CorrelationUdaf, over INT, BIGINT and DOUBLE (DECIMAL widens to
 * DOUBLE). All return DOUBLE and have undo and merge.
 *   STDDEV_SAMP / STDDEV_SAMPLE: state STRUCT<SUM T, COUNT BIGINT, M2 DOUBLE>, updated with the
 *     Youngs-Cramer step, with ksqlDB's Java arithmetic (the integer sums wrap; the delta of an INT
 *     or BIGINT value is computed in long arithmetic). Fewer than two values give 0.0.
 *     STDDEV_SAMP returns M2 / (COUNT - 1) -- the sample variance, which is what ksqlDB's
 *     STDDEV_SAMP computes -- and STDDEV_SAMPLE its square root. Their merges differ as in ksqlDB:
 *     STDDEV_SAMP divides integer sums by counts in integer arithmetic.
 *   CORRELATION(x, y): Pearson's coefficient from STRUCT<X_SUM, Y_SUM, X_SQUARED_SUM,
 *     Y_SQUARED_SUM, XY_SUM DOUBLE, COUNT BIGINT>; rows where x or y is NULL are skipped; fewer
 *     than two distinct points give NaN (0 / 0), as in ksqlDB. */
#include <math.h>

#include "func/agg_int.h"

/* ---- standard deviation ---- */

enum { SD_SUM, SD_COUNT, SD_M2 };

/* Which of the two functions: their result and merge differ. */
typedef struct sd_kind {
        bool sqrt_result;  /* STDDEV_SAMPLE */
        bool float_merge;  /* STDDEV_SAMPLE: the mean difference of a merge in double arithmetic */
} sd_kind;

static sl_err sd_state(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                       sl_err_detail *err)
{
        if (nargs < 1)
                return sl_err_set(err, SL_ERR_INVALID, "stddev without an argument");
        sl_type_field f[3] = {{"SUM", args[0]}, {"COUNT", sl_type_bigint()}, {"M2", sl_type_double()}};
        *type = sl_type_struct(arena, f, 3);
        return SL_OK;
}

/* A state read into plain fields; the sum keeps its kind. */
typedef struct sd_vals {
        sl_type_kind kind;  /* INT, BIGINT or DOUBLE */
        int64_t isum;       /* INT/BIGINT sum */
        double dsum;        /* DOUBLE sum */
        int64_t count;
        double m2;
} sd_vals;

static void sd_read(const sl_value *st, const sl_type *t, sd_vals *v)
{
        *v = (sd_vals){.kind = t->fields[SD_SUM].type->kind};
        if (st->kind != SL_TYPE_STRUCT)
                return;
        const sl_value *f = st->u.comp.items;
        if (f[SD_SUM].kind == SL_TYPE_INT)
                v->isum = f[SD_SUM].u.i32;
        else if (f[SD_SUM].kind == SL_TYPE_BIGINT)
                v->isum = f[SD_SUM].u.i64;
        else if (f[SD_SUM].kind == SL_TYPE_DOUBLE)
                v->dsum = f[SD_SUM].u.f64;
        if (f[SD_COUNT].kind == SL_TYPE_BIGINT)
                v->count = f[SD_COUNT].u.i64;
        if (f[SD_M2].kind == SL_TYPE_DOUBLE)
                v->m2 = f[SD_M2].u.f64;
}

static sl_value sd_make(sl_func_ctx *ctx, const sl_type *t, const sd_vals *v)
{
        sl_value *items;
        sl_value st = sl_value_composite_new(ctx->arena, t, 3, &items);
        if (v->kind == SL_TYPE_INT)
                items[SD_SUM] = sl_value_int((int32_t)v->isum);
        else if (v->kind == SL_TYPE_BIGINT)
                items[SD_SUM] = sl_value_bigint(v->isum);
        else
                items[SD_SUM] = sl_value_double(v->dsum);
        items[SD_COUNT] = sl_value_bigint(v->count);
        items[SD_M2] = sl_value_double(v->m2);
        return st;
}

/* ksqlDB's createDelta: x * (COUNT + 1) - (SUM + x), in the sum's Java arithmetic. */
static double sd_delta(const sd_vals *v, const sl_value *x)
{
        switch (v->kind) {
        case SL_TYPE_INT: {
                int64_t a = sl_func_agg_add_i64(0, (int64_t)((uint64_t)(int64_t)x->u.i32 * (uint64_t)(v->count + 1)));
                int32_t b = sl_func_agg_add_i32((int32_t)v->isum, x->u.i32);
                return (double)sl_func_agg_sub_i64(a, b);
        }
        case SL_TYPE_BIGINT: {
                int64_t a = (int64_t)((uint64_t)x->u.i64 * (uint64_t)(v->count + 1));
                int64_t b = sl_func_agg_add_i64(v->isum, x->u.i64);
                return (double)sl_func_agg_sub_i64(a, b);
        }
        default:
                return x->u.f64 * (double)(v->count + 1) - (v->dsum + x->u.f64);
        }
}

/* SUM + sign * x in the sum's arithmetic. */
static void sd_sum_add(sd_vals *v, const sl_value *x, int sign)
{
        if (v->kind == SL_TYPE_INT)
                v->isum = sign > 0 ? sl_func_agg_add_i32((int32_t)v->isum, x->u.i32)
                                   : sl_func_agg_sub_i32((int32_t)v->isum, x->u.i32);
        else if (v->kind == SL_TYPE_BIGINT)
                v->isum = sign > 0 ? sl_func_agg_add_i64(v->isum, x->u.i64) : sl_func_agg_sub_i64(v->isum, x->u.i64);
        else
                v->dsum = sign > 0 ? v->dsum + x->u.f64 : v->dsum - x->u.f64;
}

static sl_err sd_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t = sl_func_agg_state_of(ctx);
        sd_vals v;
        if (!t)
                return ctx->err->code;
        sd_read(&(sl_value){.kind = SL_TYPE_NULL}, t, &v);
        *state = sd_make(ctx, t, &v);
        return SL_OK;
}

/* Adds (dir 1) or removes (dir -1) the value args[0]: Welford's update of M2 either way. */
static sl_err sd_step(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, sl_value *out, int dir)
{
        const sl_type *t = sl_func_agg_state_type(ctx, state);
        sd_vals v;
        if (!t)
                return ctx->err->code;
        if (args[0].kind == SL_TYPE_NULL) {
                *out = *state;
                return SL_OK;
        }
        sd_read(state, t, &v);
        int64_t old = v.count, n = old + dir;
        double m2 = 0.0;
        if ((dir > 0 ? old : n) > 0) {
                double d = sd_delta(&v, &args[0]);
                m2 = d * d / ((double)n * (double)old);
        }
        sd_sum_add(&v, &args[0], dir);
        v.count = n;
        v.m2 = v.m2 + dir * m2;
        *out = sd_make(ctx, t, &v);
        return SL_OK;
}

static sl_err sd_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                            sl_value *out)
{
        (void)nargs;
        return sd_step(ctx, state, args, out, 1);
}

static sl_err sd_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        (void)nargs;
        return sd_step(ctx, state, args, out, -1);
}

/* mean(a) - mean(b) as ksqlDB's mergeInner computes it. */
static double sd_mean_diff(const sd_vals *a, const sd_vals *b, bool float_merge)
{
        if (a->kind == SL_TYPE_DOUBLE)
                return a->dsum / (double)a->count - b->dsum / (double)b->count;
        if (float_merge)
                return (double)a->isum / (double)a->count - (double)b->isum / (double)b->count;
        if (a->count == -1 || b->count == -1)  /* only after undoing more than was added; avoids INT64_MIN / -1 */
                return (double)a->isum / (double)a->count - (double)b->isum / (double)b->count;
        return (double)sl_func_agg_sub_i64(a->isum / a->count, b->isum / b->count);
}

static sl_err sd_merge_kind(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out, bool float_merge)
{
        const sl_type *t = sl_func_agg_state_type(ctx, a);
        sd_vals x, y, r;
        if (!t)
                return ctx->err->code;
        sd_read(a, t, &x);
        sd_read(b, t, &y);
        r = x;
        r.count = x.count + y.count;
        if (x.count == 0 || y.count == 0) {
                r.m2 = x.m2 + y.m2;
        } else {
                double inner = sd_mean_diff(&x, &y, float_merge);
                int64_t cc = (int64_t)((uint64_t)x.count * (uint64_t)y.count);  /* Java long product */
                r.m2 = x.m2 + y.m2 + (double)cc * inner * inner / (double)r.count;
        }
        if (r.kind == SL_TYPE_INT)
                r.isum = sl_func_agg_add_i32((int32_t)x.isum, (int32_t)y.isum);
        else if (r.kind == SL_TYPE_BIGINT)
                r.isum = sl_func_agg_add_i64(x.isum, y.isum);
        else
                r.dsum = x.dsum + y.dsum;
        *out = sd_make(ctx, t, &r);
        return SL_OK;
}

static sl_err samp_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        return sd_merge_kind(ctx, a, b, out, false);
}

static sl_err sample_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        return sd_merge_kind(ctx, a, b, out, true);
}

/* M2 / (COUNT - 1), 0.0 below two values. */
static double sd_variance(const sl_value *state)
{
        if (state->kind != SL_TYPE_STRUCT)
                return 0.0;
        sd_vals v;
        sd_read(state, state->u.comp.type, &v);
        if (v.count < 2)
                return 0.0;
        return v.m2 / (double)(v.count - 1);
}

static sl_err samp_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        (void)ctx;
        *out = sl_value_double(sd_variance(state));
        return SL_OK;
}

static sl_err sample_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        (void)ctx;
        *out = sl_value_double(sqrt(sd_variance(state)));
        return SL_OK;
}

static const sl_func_agg_ops samp_ops = {
        sizeof(sl_func_agg_ops), sd_state, sd_init, sd_accumulate, sd_undo, samp_merge, samp_result,
};
static const sl_func_agg_ops sample_ops = {
        sizeof(sl_func_agg_ops), sd_state, sd_init, sd_accumulate, sd_undo, sample_merge, sample_result,
};

/* ---- correlation ---- */

enum { CR_X_SUM, CR_Y_SUM, CR_XX_SUM, CR_YY_SUM, CR_XY_SUM, CR_COUNT, CR_NFIELDS };

static sl_err corr_state(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                         sl_err_detail *err)
{
        (void)args, (void)nargs, (void)err;
        const sl_type *d = sl_type_double();
        sl_type_field f[CR_NFIELDS] = {{"X_SUM", d},         {"Y_SUM", d},  {"X_SQUARED_SUM", d},
                                       {"Y_SQUARED_SUM", d}, {"XY_SUM", d}, {"COUNT", sl_type_bigint()}};
        *type = sl_type_struct(arena, f, CR_NFIELDS);
        return SL_OK;
}

/* The five sums and the count of a state (zeros for NULL). */
static void corr_read(const sl_value *st, double s[5], int64_t *count)
{
        *count = 0;
        for (int i = 0; i < 5; i++)
                s[i] = 0.0;
        if (st->kind != SL_TYPE_STRUCT)
                return;
        for (int i = 0; i < 5; i++)
                if (st->u.comp.items[i].kind == SL_TYPE_DOUBLE)
                        s[i] = st->u.comp.items[i].u.f64;
        if (st->u.comp.items[CR_COUNT].kind == SL_TYPE_BIGINT)
                *count = st->u.comp.items[CR_COUNT].u.i64;
}

static sl_value corr_make(sl_func_ctx *ctx, const sl_type *t, const double s[5], int64_t count)
{
        sl_value *items;
        sl_value st = sl_value_composite_new(ctx->arena, t, CR_NFIELDS, &items);
        for (int i = 0; i < 5; i++)
                items[i] = sl_value_double(s[i]);
        items[CR_COUNT] = sl_value_bigint(count);
        return st;
}

static double to_double(const sl_value *v)
{
        switch (v->kind) {
        case SL_TYPE_INT: return (double)v->u.i32;
        case SL_TYPE_BIGINT: return (double)v->u.i64;
        default: return v->u.f64;
        }
}

static sl_err corr_init(sl_func_ctx *ctx, sl_value *state)
{
        const sl_type *t = sl_func_agg_state_of(ctx);
        double s[5] = {0};
        if (!t)
                return ctx->err->code;
        *state = corr_make(ctx, t, s, 0);
        return SL_OK;
}

static sl_err corr_step(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, int sign, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, state);
        double s[5];
        int64_t count;
        if (!t)
                return ctx->err->code;
        if (args[0].kind == SL_TYPE_NULL || args[1].kind == SL_TYPE_NULL) {
                *out = *state;
                return SL_OK;
        }
        double x = to_double(&args[0]), y = to_double(&args[1]);
        double d[5] = {x, y, x * x, y * y, x * y};
        corr_read(state, s, &count);
        for (int i = 0; i < 5; i++)
                s[i] = sign > 0 ? s[i] + d[i] : s[i] - d[i];
        *out = corr_make(ctx, t, s, sign > 0 ? count + 1 : count - 1);
        return SL_OK;
}

static sl_err corr_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                              sl_value *out)
{
        (void)nargs;
        return corr_step(ctx, state, args, 1, out);
}

static sl_err corr_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        (void)nargs;
        return corr_step(ctx, state, args, -1, out);
}

static sl_err corr_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        const sl_type *t = sl_func_agg_state_type(ctx, a);
        double s1[5], s2[5];
        int64_t c1, c2;
        if (!t)
                return ctx->err->code;
        corr_read(a, s1, &c1);
        corr_read(b, s2, &c2);
        for (int i = 0; i < 5; i++)
                s1[i] += s2[i];
        *out = corr_make(ctx, t, s1, c1 + c2);
        return SL_OK;
}

static sl_err corr_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        double s[5];
        int64_t count;
        (void)ctx;
        corr_read(state, s, &count);
        double n = (double)count;
        double num = n * s[CR_XY_SUM] - s[CR_X_SUM] * s[CR_Y_SUM];
        double dx = n * s[CR_XX_SUM] - s[CR_X_SUM] * s[CR_X_SUM];
        double dy = n * s[CR_YY_SUM] - s[CR_Y_SUM] * s[CR_Y_SUM];
        *out = sl_value_double(num / sqrt(dx * dy));
        return SL_OK;
}

static const sl_func_agg_ops corr_ops = {
        sizeof(sl_func_agg_ops), corr_state, corr_init, corr_accumulate, corr_undo, corr_merge, corr_result,
};

#define SAMP_DESC "Returns the sample standard deviation of the column. Applicable only to numeric types."
/* The three overloads of STDDEV_SAMP or STDDEV_SAMPLE. */
#define SAMP_ROWS(name, ops)                                                                                  \
        {name, SAMP_DESC, "BIGINT val1", "DOUBLE", NULL, ops, "Compute sample standard deviation of column with type Long.", \
         0},                                                                                                  \
        {name, SAMP_DESC, "INT val1", "DOUBLE", NULL, ops,                                                    \
         "Compute sample standard deviation of column with type Integer.", 0},                                \
        {name, SAMP_DESC, "DOUBLE val1", "DOUBLE", NULL, ops,                                                 \
         "Compute sample standard deviation of column with type Double.", 0}
#define CORR_DESC "Computes the Pearson correlation coefficient between two columns of data."

static const sl_func_agg_builtin stats_rows[] = {
        SAMP_ROWS("STDDEV_SAMP", &samp_ops),
        SAMP_ROWS("STDDEV_SAMPLE", &sample_ops),
        {"correlation", CORR_DESC, "DOUBLE val1, DOUBLE val2", "DOUBLE", NULL, &corr_ops,
         "Computes the Pearson correlation coefficient between two DOUBLE columns.", 0},
        {"correlation", CORR_DESC, "INT val1, INT val2", "DOUBLE", NULL, &corr_ops,
         "Computes the Pearson correlation coefficient between two INTEGER columns.", 0},
        {"correlation", CORR_DESC, "BIGINT val1, BIGINT val2", "DOUBLE", NULL, &corr_ops,
         "Computes the Pearson correlation coefficient between two BIGINT columns.", 0},
};

sl_err sl_func_agg_stats_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, stats_rows, err);
}
