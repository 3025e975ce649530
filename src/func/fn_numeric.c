/* fn_numeric.c: ksqlDB's MATHEMATICAL functions. Integer overloads keep their type (ABS, CEIL,
 * FLOOR, TRUNC, ROUND), DECIMAL ones keep the scale and compute exactly on the unscaled value,
 * transcendental functions take DOUBLE (INT, BIGINT and DECIMAL widen to it) and follow Java's
 * Math (NaN and infinities, no errors). ROUND rounds ties away from zero for positive and toward
 * zero for negative values (ksqlDB's HALF_UP / HALF_DOWN by sign, so that ROUND(-1.5) = -1 as
 * Math.round). Also GREATEST, LEAST (NULLs skipped), RANDOM, PI, GEO_DISTANCE, AS_VALUE. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "func/func_int.h"
#include "types/compare.h"

#define N SL_FUNC_NULL_IN_NULL_OUT

/* Rounding modes of the helpers below. */
typedef enum round_mode {
        ROUND_HALF_SIGNED,  /* ksqlDB ROUND: ties up for positive, toward zero for negative */
        ROUND_DOWN,         /* toward zero (TRUNC) */
        ROUND_FLOOR,
        ROUND_CEIL,
} round_mode;

/* Rounds unscaled `u` at scale `s` to `places` fractional digits (may be negative); the result
 * keeps scale `s`. Saturates to 0 when places is far below the digits. */
static sl_i128 dec_round(sl_i128 u, int s, int places, round_mode mode)
{
        if (places >= s)
                return u;
        int drop = s - places;
        if (drop > 38)
                return 0;
        sl_i128 div = sl_decimal_pow10(drop);
        sl_i128 q = u / div, r = u % div;
        bool neg = u < 0;
        if (r != 0) {
                sl_i128 ar = r < 0 ? -r : r;
                switch (mode) {
                case ROUND_HALF_SIGNED: {
                        sl_i128 rest = div - ar;  /* compare ar with div / 2 without overflowing */
                        if (ar > rest || (ar == rest && !neg))
                                q += neg ? -1 : 1;
                        break;
                }
                case ROUND_DOWN:
                        break;
                case ROUND_FLOOR:
                        if (neg)
                                q -= 1;
                        break;
                case ROUND_CEIL:
                        if (!neg)
                                q += 1;
                        break;
                }
        }
        return q * div;  /* may exceed the input precision: dec_value checks the result type */
}

/* Rounds a double at `places` fractional digits the way BigDecimal.valueOf(v).setScale does:
 * on its shortest decimal text (Java Double.toString), not its binary value. */
static double double_round(double v, int places, round_mode mode)
{
        char buf[40], digits[40];
        if (!isfinite(v))
                return v;
        sl_value_fmt_double(v, buf);
        const char *p = buf;
        bool neg = false;
        if (*p == '-') {
                neg = true;
                p++;
        }
        int nd = 0, pt = -1, exp10 = 0;
        for (; *p && *p != 'E'; p++) {
                if (*p == '.')
                        pt = nd;
                else
                        digits[nd++] = *p;
        }
        if (pt < 0)
                pt = nd;
        if (*p == 'E')
                exp10 = atoi(p + 1);
        pt += exp10;
        /* strip leading zeros */
        int lead = 0;
        while (lead < nd - 1 && digits[lead] == '0') {
                lead++;
                pt--;
        }
        memmove(digits, digits + lead, (size_t)(nd - lead));
        nd -= lead;
        long keep = (long)pt + places;  /* digits to keep */
        if (keep >= nd)
                return v;
        bool up = false;
        bool rest_nonzero = false;
        int first = keep >= 0 ? digits[keep] - '0' : 0;
        for (long i = keep < 0 ? 0 : keep + 1; i < nd; i++)
                if (digits[i] != '0')
                        rest_nonzero = true;
        if (keep < 0 && nd > 0)
                rest_nonzero = rest_nonzero || digits[0] != '0';
        bool any = first != 0 || rest_nonzero;
        switch (mode) {
        case ROUND_HALF_SIGNED:
                up = neg ? (first > 5 || (first == 5 && rest_nonzero)) : first >= 5;
                if (keep < 0)
                        up = false;
                break;
        case ROUND_DOWN:
                break;
        case ROUND_FLOOR:
                up = neg && any;
                break;
        case ROUND_CEIL:
                up = !neg && any;
                break;
        }
        if (keep < 0)
                keep = 0;
        char out[64];
        int k = (int)keep;
        memcpy(out + 1, digits, (size_t)k);
        out[0] = '0';
        if (up) {
                int i = k;
                while (i >= 1 && out[i] == '9')
                        out[i--] = '0';
                if (i >= 1)
                        out[i]++;
                else
                        out[0] = '1';
        }
        /* value = out[0..k] * 10^(pt - k) */
        char text[96];
        snprintf(text, sizeof text, "%s%.*se%d", neg ? "-" : "", k + 1, out, pt - k);
        if (keep == 0 && !up)
                return 0.0;
        double r = strtod(text, NULL);
        return r == 0.0 ? 0.0 : r;
}

/* ---- return types ---- */

/* DECIMAL(p, s) -> DECIMAL(min(38, p + 1), s): room for a carry (CEIL(9.9) = 10.0). */
static sl_err ret_dec_carry(sl_arena *arena, const sl_type *const *a, size_t n, const sl_type **ret, sl_err_detail *err)
{
        (void)arena;
        (void)n;
        (void)err;
        int p = a[0]->precision + 1;
        *ret = sl_type_decimal(p > 38 ? 38 : p, a[0]->scale);
        return SL_OK;
}

/* DECIMAL(p, s) -> DECIMAL(min(38, p - s + 1), 0). */
static sl_err ret_dec_int(sl_arena *arena, const sl_type *const *a, size_t n, const sl_type **ret, sl_err_detail *err)
{
        (void)arena;
        (void)n;
        (void)err;
        int p = a[0]->precision - a[0]->scale + 1;
        *ret = sl_type_decimal(p > 38 ? 38 : p, 0);
        return SL_OK;
}

static sl_err ret_dec_same(sl_arena *arena, const sl_type *const *a, size_t n, const sl_type **ret, sl_err_detail *err)
{
        (void)arena;
        (void)n;
        (void)err;
        *ret = a[0];
        return SL_OK;
}

/* The widest decimal of all (non-NULL) arguments: max scale, max integer digits. */
static sl_err ret_dec_widest(sl_arena *arena, const sl_type *const *a, size_t n, const sl_type **ret, sl_err_detail *err)
{
        (void)arena;
        int s = 0, ip = 1;
        for (size_t i = 0; i < n; i++) {
                if (a[i]->kind != SL_TYPE_DECIMAL)
                        continue;
                if (a[i]->scale > s)
                        s = a[i]->scale;
                if (a[i]->precision - a[i]->scale > ip)
                        ip = a[i]->precision - a[i]->scale;
        }
        if (ip + s > 38)
                return sl_err_set(err, SL_ERR_TYPE, "decimal arguments need more than 38 digits");
        *ret = sl_type_decimal(ip + s, s);
        return SL_OK;
}

/* ---- functions ---- */

static sl_value dec_value(sl_func_ctx *ctx, sl_i128 u, int scale)
{
        const sl_type *t = ctx->res->ret;
        sl_decimal d = {.unscaled = u, .precision = t->precision, .scale = (uint8_t)scale};
        if (scale != t->scale) {
                sl_decimal r;
                if (sl_decimal_rescale(d, t->precision, t->scale, &r, NULL) != SL_OK)
                        return sl_value_null();
                return sl_value_decimal(r);
        }
        if (!sl_decimal_fits(u, t->precision))
                return sl_value_null();
        return sl_value_decimal(d);
}

static sl_err fn_abs(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        switch (a[0].kind) {
        case SL_TYPE_INT:
                *out = sl_value_int(a[0].u.i32 < 0 ? (int32_t)(0u - (uint32_t)a[0].u.i32) : a[0].u.i32);
                break;
        case SL_TYPE_BIGINT:
                *out = sl_value_bigint(a[0].u.i64 < 0 ? (int64_t)(0ull - (uint64_t)a[0].u.i64) : a[0].u.i64);
                break;
        case SL_TYPE_DOUBLE:
                *out = sl_value_double(fabs(a[0].u.f64));
                break;
        default:
                *out = dec_value(ctx, a[0].u.dec < 0 ? -a[0].u.dec : a[0].u.dec, a[0].scale);
                break;
        }
        return SL_OK;
}

/* CEIL, FLOOR, TRUNC, ROUND without places: integers unchanged; DOUBLE per mode. */
static sl_err round_whole(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, round_mode mode)
{
        (void)n;
        switch (a[0].kind) {
        case SL_TYPE_INT:
        case SL_TYPE_BIGINT:
                *out = a[0];
                return SL_OK;
        case SL_TYPE_DOUBLE: {
                double v = a[0].u.f64, r;
                switch (mode) {
                case ROUND_FLOOR: r = floor(v); break;
                case ROUND_CEIL: r = ceil(v); break;
                case ROUND_DOWN: r = trunc(v); break;
                default: r = floor(v + 0.5); break;  /* Math.round */
                }
                if (ctx->res->ret->kind == SL_TYPE_BIGINT) {
                        int64_t l = isnan(r) ? 0 : r >= 9.2233720368547758e18 ? INT64_MAX : r <= -9.2233720368547758e18 ? INT64_MIN : (int64_t)r;
                        *out = sl_value_bigint(l);
                } else {
                        *out = sl_value_double(r);
                }
                return SL_OK;
        }
        default:
                *out = dec_value(ctx, dec_round(a[0].u.dec, a[0].scale, 0, mode), a[0].scale);
                return SL_OK;
        }
}

SL_FUNC_INVOKE_WITH(fn_ceil, round_whole, ROUND_CEIL)
SL_FUNC_INVOKE_WITH(fn_floor, round_whole, ROUND_FLOOR)

/* ROUND / TRUNC with optional places. */
static sl_err round_places(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, round_mode mode)
{
        if (n == 1)
                return round_whole(ctx, a, n, out, mode);
        int places = a[1].u.i32;
        if (a[0].kind == SL_TYPE_DOUBLE) {
                *out = sl_value_double(double_round(a[0].u.f64, places, mode));
                return SL_OK;
        }
        *out = dec_value(ctx, dec_round(a[0].u.dec, a[0].scale, places, mode), a[0].scale);
        return SL_OK;
}

SL_FUNC_INVOKE_WITH(fn_round, round_places, ROUND_HALF_SIGNED)
SL_FUNC_INVOKE_WITH(fn_trunc, round_places, ROUND_DOWN)

static sl_err fn_sign(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        int s;
        switch (a[0].kind) {
        case SL_TYPE_INT: s = (a[0].u.i32 > 0) - (a[0].u.i32 < 0); break;
        case SL_TYPE_BIGINT: s = (a[0].u.i64 > 0) - (a[0].u.i64 < 0); break;
        case SL_TYPE_DOUBLE: s = (a[0].u.f64 > 0) - (a[0].u.f64 < 0); break;
        default: s = (a[0].u.dec > 0) - (a[0].u.dec < 0); break;
        }
        *out = sl_value_int(s);
        return SL_OK;
}

/* DOUBLE functions of one and of two arguments: the C function computes the result. */
typedef double (*d1_fn)(double);
typedef double (*d2_fn)(double, double);

static double cot_(double x) { return 1.0 / tan(x); }
static double degrees_(double x) { return x * (180.0 / M_PI); }
static double radians_(double x) { return x / 180.0 * M_PI; }

static sl_err double1(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, d1_fn f)
{
        (void)ctx;
        (void)n;
        *out = sl_value_double(f(a[0].u.f64));
        return SL_OK;
}

static sl_err double2(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, d2_fn f)
{
        (void)ctx;
        (void)n;
        *out = sl_value_double(f(a[0].u.f64, a[1].u.f64));
        return SL_OK;
}

SL_FUNC_INVOKE_WITH(fn_exp, double1, exp)
SL_FUNC_INVOKE_WITH(fn_ln, double1, log)
SL_FUNC_INVOKE_WITH(fn_log_e, double1, log)
SL_FUNC_INVOKE_WITH(fn_sqrt, double1, sqrt)
SL_FUNC_INVOKE_WITH(fn_cbrt, double1, cbrt)
SL_FUNC_INVOKE_WITH(fn_sin, double1, sin)
SL_FUNC_INVOKE_WITH(fn_cos, double1, cos)
SL_FUNC_INVOKE_WITH(fn_tan, double1, tan)
SL_FUNC_INVOKE_WITH(fn_asin, double1, asin)
SL_FUNC_INVOKE_WITH(fn_acos, double1, acos)
SL_FUNC_INVOKE_WITH(fn_atan, double1, atan)
SL_FUNC_INVOKE_WITH(fn_sinh, double1, sinh)
SL_FUNC_INVOKE_WITH(fn_cosh, double1, cosh)
SL_FUNC_INVOKE_WITH(fn_tanh, double1, tanh)
SL_FUNC_INVOKE_WITH(fn_cot, double1, cot_)
SL_FUNC_INVOKE_WITH(fn_degrees, double1, degrees_)
SL_FUNC_INVOKE_WITH(fn_radians, double1, radians_)
SL_FUNC_INVOKE_WITH(fn_power, double2, pow)
SL_FUNC_INVOKE_WITH(fn_atan2, double2, atan2)

/* LOG(base, value): NaN for a base <= 0 or 1, as ksqlDB. */
static sl_err fn_log_base(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        double b = a[0].u.f64, v = a[1].u.f64;
        if (b <= 0 || b == 1.0)
                *out = sl_value_double(NAN);
        else
                *out = sl_value_double(log(v) / log(b));
        return SL_OK;
}

static sl_err fn_pi(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)a;
        (void)n;
        *out = sl_value_double(M_PI);
        return SL_OK;
}

/* Per-thread xorshift state for RANDOM, seeded from the kernel. */
static _Thread_local uint64_t rng_state;

static sl_err fn_random(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)a;
        (void)n;
        if (rng_state == 0) {
                if (getrandom(&rng_state, sizeof rng_state, 0) != (ssize_t)sizeof rng_state || rng_state == 0)
                        rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)&rng_state;
        }
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        uint64_t r = rng_state * 0x2545f4914f6cdd1dull;
        *out = sl_value_double((double)(r >> 11) * 0x1.0p-53);
        return SL_OK;
}

/* GREATEST / LEAST: NULLs are skipped; NULL when all are NULL. DECIMALs of different scales
 * compare by value and the winner is rescaled to the result type. */
static sl_err extreme(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, int sign)
{
        const sl_value *best = NULL;
        for (size_t i = 0; i < n; i++) {
                if (a[i].kind == SL_TYPE_NULL)
                        continue;
                if (!best || sign * sl_value_cmp(&a[i], best) > 0)
                        best = &a[i];
        }
        if (!best)
                return SL_OK;
        if (best->kind == SL_TYPE_DECIMAL)
                return sl_func_value_widen(ctx->arena, best, ctx->res->ret, out, ctx->err);
        *out = *best;
        return SL_OK;
}

SL_FUNC_INVOKE_WITH(fn_greatest, extreme, 1)
SL_FUNC_INVOKE_WITH(fn_least, extreme, -1)

/* GEO_DISTANCE(lat1, lon1, lat2, lon2 [, unit]): great-circle (haversine) distance in km or miles. */
static sl_err fn_geo_distance(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        double radius = 6371.0;
        if (n > 4 && a[4].kind != SL_TYPE_NULL) {
                if (sl_func_str_eq_ci(&a[4], "MI") || sl_func_str_eq_ci(&a[4], "MILES") ||
                    sl_func_str_eq_ci(&a[4], "MILE"))
                        radius = 3959.0;
                else if (!sl_func_str_eq_ci(&a[4], "KM") && !sl_func_str_eq_ci(&a[4], "KILOMETERS") &&
                         !sl_func_str_eq_ci(&a[4], "KILOMETRES"))
                        return sl_err_set(ctx->err, SL_ERR_FUNCTION,
                                          "GeoDistance function units parameter must be one of miles, mi, km or kilometers");
        }
        for (size_t i = 0; i < 4; i++)
                if (a[i].kind == SL_TYPE_NULL)
                        return SL_OK;
        double lat1 = a[0].u.f64, lon1 = a[1].u.f64, lat2 = a[2].u.f64, lon2 = a[3].u.f64;
        if (lat1 < -90 || lat1 > 90 || lat2 < -90 || lat2 > 90 || lon1 < -180 || lon1 > 180 || lon2 < -180 ||
            lon2 > 180)
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "valid latitudes are -90 to 90 and longitudes -180 to 180");
        double dlat = radians_(lat2 - lat1), dlon = radians_(lon2 - lon1);
        double h = pow(sin(dlat / 2), 2) + pow(sin(dlon / 2), 2) * cos(radians_(lat1)) * cos(radians_(lat2));
        *out = sl_value_double(2 * radius * asin(sqrt(h)));
        return SL_OK;
}

static sl_err fn_as_value(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        *out = a[0];
        return SL_OK;
}

#define MATH "MATHEMATICAL"
/* GREATEST or LEAST over each comparable type (the first row carries the description). */
#define EXTREME_ROW(name, fn, desc, type, ret, ret_fn) {name, MATH, desc, type " val, " type "... vals", ret, fn, 0, ret_fn}
#define EXTREME_ROWS(name, fn, desc)                                  \
        EXTREME_ROW(name, fn, desc, "INT", "INT", NULL),              \
        EXTREME_ROW(name, fn, NULL, "BIGINT", "BIGINT", NULL),        \
        EXTREME_ROW(name, fn, NULL, "DOUBLE", "DOUBLE", NULL),        \
        EXTREME_ROW(name, fn, NULL, "DECIMAL", NULL, ret_dec_widest), \
        EXTREME_ROW(name, fn, NULL, "STRING", "STRING", NULL),        \
        EXTREME_ROW(name, fn, NULL, "BYTES", "BYTES", NULL),          \
        EXTREME_ROW(name, fn, NULL, "DATE", "DATE", NULL),            \
        EXTREME_ROW(name, fn, NULL, "TIME", "TIME", NULL),            \
        EXTREME_ROW(name, fn, NULL, "TIMESTAMP", "TIMESTAMP", NULL)
#define D1ROW(name, fn, desc) {name, MATH, desc, "DOUBLE value", "DOUBLE", fn, N, NULL}

static const sl_func_builtin numeric_funcs[] = {
        {"abs", MATH, "Returns the absolute value of its argument.", "INT value", "INT", fn_abs, N, NULL},
        {"abs", MATH, NULL, "BIGINT value", "BIGINT", fn_abs, N, NULL},
        {"abs", MATH, NULL, "DOUBLE value", "DOUBLE", fn_abs, N, NULL},
        {"abs", MATH, NULL, "DECIMAL value", NULL, fn_abs, N, ret_dec_same},
        {"ceil", MATH, "Returns the smallest integer value not less than the argument.", "INT value", "INT", fn_ceil,
         N, NULL},
        {"ceil", MATH, NULL, "BIGINT value", "BIGINT", fn_ceil, N, NULL},
        {"ceil", MATH, NULL, "DOUBLE value", "DOUBLE", fn_ceil, N, NULL},
        {"ceil", MATH, NULL, "DECIMAL value", NULL, fn_ceil, N, ret_dec_carry},
        {"floor", MATH, "Returns the largest integer value not greater than the argument.", "INT value", "INT",
         fn_floor, N, NULL},
        {"floor", MATH, NULL, "BIGINT value", "BIGINT", fn_floor, N, NULL},
        {"floor", MATH, NULL, "DOUBLE value", "DOUBLE", fn_floor, N, NULL},
        {"floor", MATH, NULL, "DECIMAL value", NULL, fn_floor, N, ret_dec_carry},
        {"round", MATH, "Rounds a value to the given number of decimal places (default 0).", "INT value", "INT",
         fn_round, N, NULL},
        {"round", MATH, NULL, "BIGINT value", "BIGINT", fn_round, N, NULL},
        {"round", MATH, NULL, "DOUBLE value", "BIGINT", fn_round, N, NULL},
        {"round", MATH, NULL, "DOUBLE value, INT decimalPlaces", "DOUBLE", fn_round, N, NULL},
        {"round", MATH, NULL, "DECIMAL value", NULL, fn_round, N, ret_dec_int},
        {"round", MATH, NULL, "DECIMAL value, INT decimalPlaces", NULL, fn_round, N, ret_dec_carry},
        {"trunc", MATH, "Truncates a value toward zero to the given number of decimal places (default 0).",
         "INT value", "INT", fn_trunc, N, NULL},
        {"trunc", MATH, NULL, "BIGINT value", "BIGINT", fn_trunc, N, NULL},
        {"trunc", MATH, NULL, "DOUBLE value", "BIGINT", fn_trunc, N, NULL},
        {"trunc", MATH, NULL, "DOUBLE value, INT decimalPlaces", "DOUBLE", fn_trunc, N, NULL},
        {"trunc", MATH, NULL, "DECIMAL value", NULL, fn_trunc, N, ret_dec_int},
        {"trunc", MATH, NULL, "DECIMAL value, INT decimalPlaces", NULL, fn_trunc, N, ret_dec_same},
        {"sign", MATH, "Returns the sign of a value: -1, 0 or 1.", "INT value", "INT", fn_sign, N, NULL},
        {"sign", MATH, NULL, "BIGINT value", "INT", fn_sign, N, NULL},
        {"sign", MATH, NULL, "DOUBLE value", "INT", fn_sign, N, NULL},
        {"sign", MATH, NULL, "DECIMAL value", "INT", fn_sign, N, NULL},
        D1ROW("exp", fn_exp, "Returns e raised to the power of the value."),
        D1ROW("ln", fn_ln, "Returns the natural logarithm of the value."),
        {"log", MATH, "Returns the natural logarithm of the value, or its logarithm in a given base.", "DOUBLE value",
         "DOUBLE", fn_log_e, N, NULL},
        {"log", MATH, NULL, "DOUBLE base, DOUBLE value", "DOUBLE", fn_log_base, N, NULL},
        D1ROW("sqrt", fn_sqrt, "Returns the square root of the value."),
        D1ROW("cbrt", fn_cbrt, "Returns the cube root of the value."),
        D1ROW("sin", fn_sin, "Returns the sine of an angle in radians."),
        D1ROW("cos", fn_cos, "Returns the cosine of an angle in radians."),
        D1ROW("tan", fn_tan, "Returns the tangent of an angle in radians."),
        D1ROW("cot", fn_cot, "Returns the cotangent of an angle in radians."),
        D1ROW("asin", fn_asin, "Returns the arc sine of the value."),
        D1ROW("acos", fn_acos, "Returns the arc cosine of the value."),
        D1ROW("atan", fn_atan, "Returns the arc tangent of the value."),
        D1ROW("sinh", fn_sinh, "Returns the hyperbolic sine of the value."),
        D1ROW("cosh", fn_cosh, "Returns the hyperbolic cosine of the value."),
        D1ROW("tanh", fn_tanh, "Returns the hyperbolic tangent of the value."),
        D1ROW("degrees", fn_degrees, "Converts radians to degrees."),
        D1ROW("radians", fn_radians, "Converts degrees to radians."),
        {"atan2", MATH, "Returns the angle of the point (x, y) given as atan2(y, x).", "DOUBLE y, DOUBLE x", "DOUBLE",
         fn_atan2, N, NULL},
        {"power", MATH, "Returns base raised to the power of exponent.", "DOUBLE base, DOUBLE exponent", "DOUBLE",
         fn_power, N, NULL},
        {"pi", MATH, "Returns the value of pi.", "", "DOUBLE", fn_pi, 0, NULL},
        {"random", MATH, "Returns a random DOUBLE between 0.0 (inclusive) and 1.0 (exclusive).", "", "DOUBLE",
         fn_random, SL_FUNC_NONDETERMINISTIC, NULL},
        EXTREME_ROWS("greatest", fn_greatest, "Returns the highest non-null value among the arguments."),
        EXTREME_ROWS("least", fn_least, "Returns the lowest non-null value among the arguments."),
        {"geo_distance", "OTHER", "Great-circle distance between two points given as latitude and longitude, in km (default) or miles.",
         "DOUBLE lat1, DOUBLE lon1, DOUBLE lat2, DOUBLE lon2", "DOUBLE", fn_geo_distance, 0, NULL},
        {"geo_distance", "OTHER", NULL, "DOUBLE lat1, DOUBLE lon1, DOUBLE lat2, DOUBLE lon2, STRING units", "DOUBLE",
         fn_geo_distance, 0, NULL},
        {"as_value", "OTHER", "Copies a key column into the value.", "T value", "T", fn_as_value, 0, NULL},
};

sl_err sl_func_numeric_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, numeric_funcs, err);
}
