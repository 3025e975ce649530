/* decimal.c: DECIMAL arithmetic. Values are 128-bit unscaled integers; every operation works on an
 * exact intermediate (a sign, a 512-bit magnitude and a scale: xdec), then rounds it HALF_UP to the
 * result scale and checks that it fits the result precision. 512 bits hold the largest intermediate,
 * the division numerator |A| * 10^e with |A| < 10^38 and e <= 77 (< 10^115 < 2^382).
 *
 * HALF_UP only needs the first discarded digit: a magnitude rounds up exactly when that digit is
 * >= 5, so rounding divides by 10^(k-1), then by 10 and looks at the remainder. */
#include "types/decimal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

#define WL 8  /* 64-bit limbs of a wide magnitude */

/* An unsigned 512-bit integer, limbs little-endian. */
typedef struct wide {
        uint64_t w[WL];
} wide;

/* An exact signed decimal: (neg ? -1 : 1) * mag * 10^-scale. */
typedef struct xdec {
        wide mag;   /* magnitude */
        bool neg;   /* sign; never set together with a zero magnitude after normalisation */
        int scale;  /* may exceed 38 in intermediates */
} xdec;

static u128 pow10_tab[SL_DECIMAL_MAX_PRECISION + 1];

__attribute__((constructor)) static void init_pow10(void)
{
        pow10_tab[0] = 1;
        for (int i = 1; i <= SL_DECIMAL_MAX_PRECISION; i++)
                pow10_tab[i] = pow10_tab[i - 1] * 10;
}

#define POW10_19 10000000000000000000ULL

sl_i128 sl_decimal_pow10(int n)
{
        return (sl_i128)pow10_tab[n];
}

static u128 abs128(sl_i128 v)
{
        return v < 0 ? -(u128)v : (u128)v;
}

bool sl_decimal_fits(sl_i128 unscaled, int precision)
{
        return abs128(unscaled) < pow10_tab[precision];
}

/* ---- wide magnitudes ---- */

static wide wide_from_u128(u128 v)
{
        wide r = {{0}};
        r.w[0] = (uint64_t)v;
        r.w[1] = (uint64_t)(v >> 64);
        return r;
}

static bool wide_is_zero(const wide *a)
{
        for (int i = 0; i < WL; i++)
                if (a->w[i])
                        return false;
        return true;
}

static int wide_cmp(const wide *a, const wide *b)
{
        for (int i = WL - 1; i >= 0; i--)
                if (a->w[i] != b->w[i])
                        return a->w[i] < b->w[i] ? -1 : 1;
        return 0;
}

/* a += b; returns true on overflow past 512 bits */
static bool wide_add(wide *a, const wide *b)
{
        u128 carry = 0;
        for (int i = 0; i < WL; i++) {
                carry += (u128)a->w[i] + b->w[i];
                a->w[i] = (uint64_t)carry;
                carry >>= 64;
        }
        return carry != 0;
}

/* a -= b, with a >= b */
static void wide_sub(wide *a, const wide *b)
{
        uint64_t borrow = 0;
        for (int i = 0; i < WL; i++) {
                uint64_t x = a->w[i], y = b->w[i];
                uint64_t d = x - y - borrow;
                borrow = (x < y) || (x - y < borrow);
                a->w[i] = d;
        }
}

/* a *= m; returns true on overflow */
static bool wide_mul_small(wide *a, uint64_t m)
{
        u128 carry = 0;
        for (int i = 0; i < WL; i++) {
                carry += (u128)a->w[i] * m;
                a->w[i] = (uint64_t)carry;
                carry >>= 64;
        }
        return carry != 0;
}

/* a /= d; returns the remainder */
static uint64_t wide_div_small(wide *a, uint64_t d)
{
        u128 rem = 0;
        for (int i = WL - 1; i >= 0; i--) {
                u128 cur = (rem << 64) | a->w[i];
                a->w[i] = (uint64_t)(cur / d);
                rem = cur % d;
        }
        return (uint64_t)rem;
}

/* a *= 10^k; returns true on overflow */
static bool wide_mul_pow10(wide *a, int k)
{
        bool over = false;
        for (; k >= 19; k -= 19)
                over |= wide_mul_small(a, POW10_19);
        if (k > 0)
                over |= wide_mul_small(a, (uint64_t)pow10_tab[k]);
        return over;
}

/* a /= 10^k (k >= 1), truncating; returns the first discarded digit */
static int wide_div_pow10(wide *a, int k)
{
        int m = k - 1;
        for (; m >= 19; m -= 19)
                wide_div_small(a, POW10_19);
        if (m > 0)
                wide_div_small(a, (uint64_t)pow10_tab[m]);
        return (int)wide_div_small(a, 10);
}

static wide wide_mul128(u128 a, u128 b)
{
        uint64_t x[2] = {(uint64_t)a, (uint64_t)(a >> 64)}, y[2] = {(uint64_t)b, (uint64_t)(b >> 64)};
        wide r = {{0}};
        for (int i = 0; i < 2; i++) {
                u128 carry = 0;
                for (int j = 0; j < 2; j++) {
                        carry += (u128)x[i] * y[j] + r.w[i + j];
                        r.w[i + j] = (uint64_t)carry;
                        carry >>= 64;
                }
                r.w[i + 2] = (uint64_t)carry;
        }
        return r;
}

static int wide_bits(const wide *a)
{
        for (int i = WL - 1; i >= 0; i--)
                if (a->w[i])
                        return i * 64 + 64 - __builtin_clzll(a->w[i]);
        return 0;
}

/* q = n / d, r = n % d; d != 0 */
static void wide_divmod(const wide *n, const wide *d, wide *q, wide *r)
{
        if (wide_bits(d) <= 64) {
                *q = *n;
                *r = wide_from_u128(wide_div_small(q, d->w[0]));
                return;
        }
        wide quot = {{0}}, rem = {{0}};
        for (int bit = wide_bits(n) - 1; bit >= 0; bit--) {
                for (int i = WL - 1; i > 0; i--)
                        rem.w[i] = (rem.w[i] << 1) | (rem.w[i - 1] >> 63);
                rem.w[0] = (rem.w[0] << 1) | ((n->w[bit / 64] >> (bit % 64)) & 1);
                if (wide_cmp(&rem, d) >= 0) {
                        wide_sub(&rem, d);
                        quot.w[bit / 64] |= 1ULL << (bit % 64);
                }
        }
        *q = quot;
        *r = rem;
}

static bool wide_fits_u128(const wide *a)
{
        for (int i = 2; i < WL; i++)
                if (a->w[i])
                        return false;
        return true;
}

static u128 wide_to_u128(const wide *a)
{
        return ((u128)a->w[1] << 64) | a->w[0];
}

/* ---- exact signed intermediates ---- */

static xdec xdec_from(sl_decimal d)
{
        return (xdec){.mag = wide_from_u128(abs128(d.unscaled)), .neg = d.unscaled < 0, .scale = d.scale};
}

static sl_err overflow(sl_err_detail *err, int precision, int scale)
{
        return sl_err_set(err, SL_ERR_OVERFLOW,
                          "numeric field overflow: a field with precision %d and scale %d must round to an "
                          "absolute value less than 10^%d",
                          precision, scale, precision - scale);
}

/* Brings x to `scale`: exactly when growing, HALF_UP when shrinking. */
static sl_err xdec_set_scale(xdec *x, int scale, int precision, sl_err_detail *err)
{
        if (scale > x->scale) {
                if (wide_mul_pow10(&x->mag, scale - x->scale))
                        return overflow(err, precision, scale);
        } else if (scale < x->scale) {
                int k = x->scale - scale;
                if (k > 160) {  /* more digits than 512 bits hold: everything is discarded */
                        x->mag = (wide){{0}};
                } else if (wide_div_pow10(&x->mag, k) >= 5) {
                        wide one = wide_from_u128(1);
                        wide_add(&x->mag, &one);
                }
        }
        x->scale = scale;
        return SL_OK;
}

/* Rounds x to DECIMAL(precision, scale) into *out. */
static sl_err xdec_to_decimal(xdec x, int precision, int scale, sl_decimal *out, sl_err_detail *err)
{
        sl_err rc = xdec_set_scale(&x, scale, precision, err);
        if (rc != SL_OK)
                return rc;
        if (!wide_fits_u128(&x.mag) || wide_to_u128(&x.mag) >= pow10_tab[precision])
                return overflow(err, precision, scale);
        u128 m = wide_to_u128(&x.mag);
        out->unscaled = x.neg ? -(sl_i128)m : (sl_i128)m;
        out->precision = (uint8_t)precision;
        out->scale = (uint8_t)scale;
        return SL_OK;
}

/* Adds two xdecs of the same scale. */
static xdec xdec_add(xdec a, xdec b)
{
        if (a.neg == b.neg) {
                wide_add(&a.mag, &b.mag);
                return a;
        }
        if (wide_cmp(&a.mag, &b.mag) >= 0) {
                wide_sub(&a.mag, &b.mag);
                a.neg = a.neg && !wide_is_zero(&a.mag);
                return a;
        }
        wide_sub(&b.mag, &a.mag);
        return b;
}

static int max_i(int a, int b) { return a > b ? a : b; }
static int min_i(int a, int b) { return a < b ? a : b; }

/* ---- parsing and formatting ---- */

static bool is_blank(char c)
{
        return (unsigned char)c <= ' ';
}

/* Parses Java BigDecimal syntax into x (scale >= 0; a negative exponent scale is multiplied out). */
static sl_err parse_xdec(const char *text, size_t len, xdec *x, sl_err_detail *err)
{
        size_t i = 0, end = len;
        while (i < end && is_blank(text[i]))
                i++;
        while (end > i && is_blank(text[end - 1]))
                end--;
        *x = (xdec){{{0}}, false, 0};
        if (i < end && (text[i] == '+' || text[i] == '-'))
                x->neg = text[i++] == '-';
        int digits = 0, sig = 0, frac = 0;
        bool point = false;
        for (; i < end; i++) {
                char c = text[i];
                if (c == '.' && !point) {
                        point = true;
                        continue;
                }
                if (c < '0' || c > '9')
                        break;
                digits++;
                if (point)
                        frac++;
                if (sig == 0 && c == '0')
                        continue;
                if (++sig > 150)
                        return sl_err_set(err, SL_ERR_OVERFLOW, "too many digits in decimal '%.*s'", (int)len, text);
                wide_mul_small(&x->mag, 10);
                wide d = wide_from_u128((u128)(c - '0'));
                wide_add(&x->mag, &d);
        }
        long exp = 0;
        if (digits > 0 && i < end && (text[i] == 'e' || text[i] == 'E')) {
                i++;
                bool eneg = false;
                if (i < end && (text[i] == '+' || text[i] == '-'))
                        eneg = text[i++] == '-';
                size_t start = i;
                for (; i < end && text[i] >= '0' && text[i] <= '9'; i++)
                        if (exp < 100000)
                                exp = exp * 10 + (text[i] - '0');
                if (i == start)
                        digits = 0;
                if (eneg)
                        exp = -exp;
        }
        if (digits == 0 || i != end)
                return sl_err_set(err, SL_ERR_PARSE, "invalid decimal '%.*s'", (int)len, text);
        long scale = frac - exp;
        if (scale < -200 || scale > 1000)
                return sl_err_set(err, SL_ERR_OVERFLOW, "decimal exponent out of range in '%.*s'", (int)len, text);
        if (scale < 0) {
                if (wide_mul_pow10(&x->mag, (int)-scale))
                        return sl_err_set(err, SL_ERR_OVERFLOW, "decimal '%.*s' is too large", (int)len, text);
                scale = 0;
        }
        x->scale = (int)scale;
        if (wide_is_zero(&x->mag))
                x->neg = false;
        return SL_OK;
}

static int digits_u128(u128 v)
{
        int d = 1;
        while (d <= SL_DECIMAL_MAX_PRECISION && v >= pow10_tab[d])
                d++;
        return d;
}

sl_err sl_decimal_parse(const char *text, size_t len, sl_decimal *out, sl_err_detail *err)
{
        xdec x;
        sl_err rc = parse_xdec(text, len, &x, err);
        if (rc != SL_OK)
                return rc;
        if (x.scale > SL_DECIMAL_MAX_PRECISION || !wide_fits_u128(&x.mag) ||
            wide_to_u128(&x.mag) >= pow10_tab[SL_DECIMAL_MAX_PRECISION])
                return sl_err_set(err, SL_ERR_OVERFLOW, "decimal '%.*s' exceeds precision %d", (int)len, text,
                                  SL_DECIMAL_MAX_PRECISION);
        u128 m = wide_to_u128(&x.mag);
        int precision = m == 0 ? x.scale + 1 : max_i(digits_u128(m), x.scale);
        precision = min_i(precision, SL_DECIMAL_MAX_PRECISION);
        return xdec_to_decimal(x, precision, x.scale, out, err);
}

sl_err sl_decimal_parse_to(const char *text, size_t len, int precision, int scale, sl_decimal *out,
                           sl_err_detail *err)
{
        xdec x;
        sl_err rc = parse_xdec(text, len, &x, err);
        if (rc != SL_OK)
                return rc;
        return xdec_to_decimal(x, precision, scale, out, err);
}

size_t sl_decimal_format(sl_decimal d, char *buf)
{
        char digs[SL_DECIMAL_MAX_PRECISION + 2];
        int n = 0;
        u128 m = abs128(d.unscaled);
        do {
                digs[n++] = (char)('0' + (int)(m % 10));
                m /= 10;
        } while (m);
        while (n <= d.scale)
                digs[n++] = '0';
        size_t len = 0;
        if (d.unscaled < 0)
                buf[len++] = '-';
        for (int i = n - 1; i >= 0; i--) {
                buf[len++] = digs[i];
                if (i == d.scale && i > 0)
                        buf[len++] = '.';
        }
        buf[len] = '\0';
        return len;
}

void sl_decimal_append(sl_str *out, sl_decimal d)
{
        char buf[SL_DECIMAL_STR_MAX];
        size_t n = sl_decimal_format(d, buf);
        sl_str_append_n(out, buf, n);
}

/* ---- conversions ---- */

sl_err sl_decimal_rescale(sl_decimal d, int precision, int scale, sl_decimal *out, sl_err_detail *err)
{
        return xdec_to_decimal(xdec_from(d), precision, scale, out, err);
}

sl_err sl_decimal_from_i64(int64_t v, int precision, int scale, sl_decimal *out, sl_err_detail *err)
{
        sl_decimal d = {.unscaled = v, .precision = SL_DECIMAL_MAX_PRECISION, .scale = 0};
        return xdec_to_decimal(xdec_from(d), precision, scale, out, err);
}

sl_err sl_decimal_from_double(double v, int precision, int scale, sl_decimal *out, sl_err_detail *err)
{
        if (!isfinite(v))
                return sl_err_set(err, SL_ERR_OVERFLOW, "cannot convert %f to DECIMAL(%d, %d)", v, precision, scale);
        /* integers up to 2^53 are exact; with at most `precision` digits no rounding happens, with
         * more the value overflows either way */
        if (fabs(v) <= 9007199254740992.0 && v == trunc(v))
                return sl_decimal_from_i64((int64_t)v, precision, scale, out, err);
        /* The exact binary value: 767 significant digits are enough for any double. */
        char buf[800];
        snprintf(buf, sizeof buf, "%.770e", fabs(v));
        char *e = strchr(buf, 'e');
        long exp10 = strtol(e + 1, NULL, 10);
        /* keep `precision` significant digits, HALF_UP on the next one */
        xdec x = {{{0}}, v < 0, 0};
        int kept = 0;
        const char *p = buf;
        for (; kept < precision && p < e; p++) {
                if (*p == '.')
                        continue;
                wide_mul_small(&x.mag, 10);
                wide dig = wide_from_u128((u128)(*p - '0'));
                wide_add(&x.mag, &dig);
                kept++;
        }
        if (p < e && *p == '.')
                p++;
        if (p < e && *p >= '5') {
                wide one = wide_from_u128(1);
                wide_add(&x.mag, &one);
        }
        /* value = mag * 10^(exp10 - kept + 1) */
        long sc = kept - 1 - exp10;
        if (exp10 >= precision - scale)
                return overflow(err, precision, scale);
        if (sc < 0) {
                wide_mul_pow10(&x.mag, (int)-sc);
                sc = 0;
        }
        x.scale = (int)sc;
        return xdec_to_decimal(x, precision, scale, out, err);
}

double sl_decimal_to_double(sl_decimal d)
{
        char buf[SL_DECIMAL_STR_MAX];
        sl_decimal_format(d, buf);
        return strtod(buf, NULL);
}

int64_t sl_decimal_to_i64_wrap(sl_decimal d)
{
        sl_i128 t = d.unscaled / (sl_i128)pow10_tab[d.scale];
        return (int64_t)(uint64_t)(u128)t;
}

size_t sl_decimal_to_be_bytes(sl_decimal d, uint8_t out[16])
{
        u128 u = (u128)d.unscaled;
        int n = 16;
        /* drop leading bytes that only repeat the sign of the next one */
        while (n > 1) {
                uint8_t top = (uint8_t)(u >> (8 * (n - 1))), next = (uint8_t)(u >> (8 * (n - 2)));
                if (!((top == 0x00 && !(next & 0x80)) || (top == 0xFF && (next & 0x80))))
                        break;
                n--;
        }
        for (int i = 0; i < n; i++)
                out[i] = (uint8_t)(u >> (8 * (n - 1 - i)));
        return (size_t)n;
}

sl_err sl_decimal_from_be_bytes(const uint8_t *p, size_t len, int precision, int scale, sl_decimal *out,
                                sl_err_detail *err)
{
        if (len == 0)
                return sl_err_set(err, SL_ERR_CORRUPT, "empty decimal bytes");
        uint8_t ext = (p[0] & 0x80) ? 0xFF : 0x00;
        for (; len > 16; p++, len--)
                if (p[0] != ext || ((p[1] ^ ext) & 0x80))
                        return sl_err_set(err, SL_ERR_CORRUPT, "decimal bytes wider than 128 bits");
        u128 u = ext ? ~(u128)0 : 0;
        for (size_t i = 0; i < len; i++)
                u = (u << 8) | p[i];
        sl_i128 v = (sl_i128)u;
        if (!sl_decimal_fits(v, precision))
                return overflow(err, precision, scale);
        *out = (sl_decimal){.unscaled = v, .precision = (uint8_t)precision, .scale = (uint8_t)scale};
        return SL_OK;
}

/* ---- arithmetic ---- */

void sl_decimal_result_type(sl_decimal_op op, int p1, int s1, int p2, int s2, int *precision, int *scale)
{
        int p, s;
        switch (op) {
        case SL_DECIMAL_ADD:
        case SL_DECIMAL_SUB:
                s = max_i(s1, s2);
                p = s + max_i(p1 - s1, p2 - s2) + 1;
                break;
        case SL_DECIMAL_MUL:
                p = p1 + p2 + 1;
                s = s1 + s2;
                break;
        case SL_DECIMAL_DIV:
                s = max_i(6, s1 + p2 + 1);
                p = p1 - s1 + s2 + s;
                break;
        default:
                s = max_i(s1, s2);
                p = min_i(p1 - s1, p2 - s2) + s;
                break;
        }
        if (p > SL_DECIMAL_MAX_PRECISION) {
                int whole = p - s;
                s = max_i(SL_DECIMAL_MAX_PRECISION - whole, min_i(s, 6));
                p = SL_DECIMAL_MAX_PRECISION;
        }
        if (p < 1)
                p = 1;
        *precision = p;
        *scale = min_i(s, p);
}

sl_err sl_decimal_arith(sl_decimal_op op, sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err)
{
        int p, s;
        sl_decimal_result_type(op, a.precision, a.scale, b.precision, b.scale, &p, &s);
        xdec xa = xdec_from(a), xb = xdec_from(b), r;
        switch (op) {
        case SL_DECIMAL_SUB:
                xb.neg = !xb.neg && !wide_is_zero(&xb.mag);
                /* fall through */
        case SL_DECIMAL_ADD: {
                int sc = max_i(a.scale, b.scale);
                xdec_set_scale(&xa, sc, p, NULL);
                xdec_set_scale(&xb, sc, p, NULL);
                r = xdec_add(xa, xb);
                break;
        }
        case SL_DECIMAL_MUL:
                r.mag = wide_mul128(abs128(a.unscaled), abs128(b.unscaled));
                r.neg = (a.unscaled < 0) != (b.unscaled < 0) && !wide_is_zero(&r.mag);
                r.scale = a.scale + b.scale;
                break;
        case SL_DECIMAL_DIV: {
                if (b.unscaled == 0)
                        return sl_err_set(err, SL_ERR_RANGE, "division by zero");
                /* q * 10^s = A * 10^(s - s1 + s2) / B, rounded HALF_UP on the remainder */
                int e = s - a.scale + b.scale;
                if (e >= 0)
                        wide_mul_pow10(&xa.mag, e);
                else
                        wide_mul_pow10(&xb.mag, -e);
                wide rem, twice;
                wide_divmod(&xa.mag, &xb.mag, &r.mag, &rem);
                twice = rem;
                wide_add(&twice, &rem);
                if (wide_cmp(&twice, &xb.mag) >= 0) {
                        wide one = wide_from_u128(1);
                        wide_add(&r.mag, &one);
                }
                r.neg = xa.neg != xb.neg && !wide_is_zero(&r.mag);
                r.scale = s;
                break;
        }
        default: {
                if (b.unscaled == 0)
                        return sl_err_set(err, SL_ERR_RANGE, "division by zero");
                int sc = max_i(a.scale, b.scale);
                xdec_set_scale(&xa, sc, p, NULL);
                xdec_set_scale(&xb, sc, p, NULL);
                wide q;
                wide_divmod(&xa.mag, &xb.mag, &q, &r.mag);
                r.neg = xa.neg && !wide_is_zero(&r.mag);
                r.scale = sc;
                break;
        }
        }
        return xdec_to_decimal(r, p, s, out, err);
}

sl_err sl_decimal_add(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err)
{
        return sl_decimal_arith(SL_DECIMAL_ADD, a, b, out, err);
}

sl_err sl_decimal_sub(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err)
{
        return sl_decimal_arith(SL_DECIMAL_SUB, a, b, out, err);
}

sl_err sl_decimal_mul(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err)
{
        return sl_decimal_arith(SL_DECIMAL_MUL, a, b, out, err);
}

sl_err sl_decimal_div(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err)
{
        return sl_decimal_arith(SL_DECIMAL_DIV, a, b, out, err);
}

sl_err sl_decimal_mod(sl_decimal a, sl_decimal b, sl_decimal *out, sl_err_detail *err)
{
        return sl_decimal_arith(SL_DECIMAL_MOD, a, b, out, err);
}

sl_decimal sl_decimal_negate(sl_decimal d)
{
        d.unscaled = -d.unscaled;
        return d;
}

int sl_decimal_cmp(sl_decimal a, sl_decimal b)
{
        if (a.scale == b.scale)
                return (a.unscaled > b.unscaled) - (a.unscaled < b.unscaled);
        int sa = (a.unscaled > 0) - (a.unscaled < 0), sb = (b.unscaled > 0) - (b.unscaled < 0);
        if (sa != sb || sa == 0)
                return (sa > sb) - (sa < sb);
        xdec xa = xdec_from(a), xb = xdec_from(b);
        int sc = max_i(a.scale, b.scale);
        xdec_set_scale(&xa, sc, SL_DECIMAL_MAX_PRECISION, NULL);
        xdec_set_scale(&xb, sc, SL_DECIMAL_MAX_PRECISION, NULL);
        int c = wide_cmp(&xa.mag, &xb.mag);
        return sa < 0 ? -c : c;
}

sl_decimal sl_decimal_normalize(sl_decimal d)
{
        if (d.unscaled == 0)
                return (sl_decimal){.unscaled = 0, .precision = 1, .scale = 0};
        while (d.scale > 0 && d.unscaled % 10 == 0) {
                d.unscaled /= 10;
                d.scale--;
        }
        d.precision = (uint8_t)max_i(digits_u128(abs128(d.unscaled)), d.scale);
        return d;
}
