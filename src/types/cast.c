/* cast.c: explicit CAST with ksqlDB's rules, the text parsers behind casts from STRING, and the
 * analyzer's implicit widening (INT -> BIGINT -> DECIMAL -> DOUBLE) and common supertype. Numeric
 * conversions all go through convert_numeric, which leans on decimal.c for anything DECIMAL. */
#include "types/cast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "types/compare.h"
#include "types/decimal.h"

/* ---- which casts exist ---- */

static bool is_numeric_kind(sl_type_kind k)
{
        return k >= SL_TYPE_INT && k <= SL_TYPE_DECIMAL;
}

static bool cast_ok(const sl_type *from, const sl_type *to)
{
        sl_type_kind f = from->kind, t = to->kind;
        if (f == SL_TYPE_NULL || sl_type_eq(from, to))
                return true;
        if (t == SL_TYPE_STRING)
                return f != SL_TYPE_BYTES;
        if (f == SL_TYPE_STRING)
                return t == SL_TYPE_BOOLEAN || is_numeric_kind(t) || sl_type_is_temporal(to);
        if (is_numeric_kind(f) && is_numeric_kind(t))
                return true;
        if (f == SL_TYPE_TIMESTAMP)
                return t == SL_TYPE_DATE || t == SL_TYPE_TIME;
        if (f == SL_TYPE_DATE)
                return t == SL_TYPE_TIMESTAMP;
        if (f != t)
                return false;
        switch (f) {
        case SL_TYPE_ARRAY:
                return cast_ok(from->elem, to->elem);
        case SL_TYPE_MAP:
                return cast_ok(from->key, to->key) && cast_ok(from->elem, to->elem);
        case SL_TYPE_STRUCT:
                for (size_t i = 0; i < from->nfields; i++) {
                        int j = sl_type_struct_field_index(to, from->fields[i].name);
                        if (j >= 0 && !cast_ok(from->fields[i].type, to->fields[j].type))
                                return false;
                }
                return true;
        default:
                return false;
        }
}

static sl_err unsupported(const sl_type *from, const sl_type *to, sl_err_detail *err)
{
        sl_str s;
        sl_str_init(&s);
        sl_str_append(&s, "Cast of ");
        sl_type_print(&s, from);
        sl_str_append(&s, " to ");
        sl_type_print(&s, to);
        sl_str_append(&s, " is not supported");
        sl_err_set(err, SL_ERR_CAST, "%s", sl_str_cstr(&s));
        sl_str_deinit(&s);
        return SL_ERR_CAST;
}

sl_err sl_cast_check(const sl_type *from, const sl_type *to, sl_err_detail *err)
{
        return cast_ok(from, to) ? SL_OK : unsupported(from, to, err);
}

bool sl_cast_allowed(const sl_type *from, const sl_type *to)
{
        return cast_ok(from, to);
}

/* ---- text parsers ---- */

static void trim(const char **text, size_t *len)
{
        const char *p = *text;
        size_t n = *len;
        while (n > 0 && (unsigned char)p[0] <= ' ') {
                p++;
                n--;
        }
        while (n > 0 && (unsigned char)p[n - 1] <= ' ')
                n--;
        *text = p;
        *len = n;
}

static sl_err bad_text(sl_err_detail *err, const char *what, const char *text, size_t len)
{
        return sl_err_set(err, SL_ERR_CAST, "failed to parse %s '%.*s'", what, (int)len, text);
}

/* Integer.parseInt / Long.parseLong over the trimmed text, within [min, max] */
static sl_err parse_integer(const char *text, size_t len, int64_t min, int64_t max, const char *what,
                            int64_t *out, sl_err_detail *err)
{
        const char *orig = text;
        size_t olen = len;
        trim(&text, &len);
        size_t i = 0;
        bool neg = false;
        if (i < len && (text[i] == '+' || text[i] == '-'))
                neg = text[i++] == '-';
        if (i == len)
                return bad_text(err, what, orig, olen);
        uint64_t limit = neg ? (uint64_t)0 - (uint64_t)min : (uint64_t)max, acc = 0;
        for (; i < len; i++) {
                if (text[i] < '0' || text[i] > '9')
                        return bad_text(err, what, orig, olen);
                unsigned d = (unsigned)(text[i] - '0');
                if (acc > (limit - d) / 10)
                        return bad_text(err, what, orig, olen);
                acc = acc * 10 + d;
        }
        *out = neg ? (int64_t)((uint64_t)0 - acc) : (int64_t)acc;
        return SL_OK;
}

sl_err sl_cast_parse_int(const char *text, size_t len, int32_t *out, sl_err_detail *err)
{
        int64_t v;
        sl_err rc = parse_integer(text, len, INT32_MIN, INT32_MAX, "INTEGER", &v, err);
        if (rc == SL_OK)
                *out = (int32_t)v;
        return rc;
}

sl_err sl_cast_parse_bigint(const char *text, size_t len, int64_t *out, sl_err_detail *err)
{
        return parse_integer(text, len, INT64_MIN, INT64_MAX, "BIGINT", out, err);
}

/* Double.parseDouble syntax: [sign] (NaN | Infinity | digits[.digits] | .digits)[(e|E)[sign]digits][fFdD] */
sl_err sl_cast_parse_double(const char *text, size_t len, double *out, sl_err_detail *err)
{
        const char *orig = text;
        size_t olen = len;
        trim(&text, &len);
        char buf[128];
        if (len == 0 || len >= sizeof buf)
                return bad_text(err, "DOUBLE", orig, olen);
        size_t i = 0;
        bool neg = false;
        if (text[i] == '+' || text[i] == '-')
                neg = text[i++] == '-';
        if (len - i == 3 && memcmp(text + i, "NaN", 3) == 0) {
                *out = NAN;
                return SL_OK;
        }
        if (len - i == 8 && memcmp(text + i, "Infinity", 8) == 0) {
                *out = neg ? -INFINITY : INFINITY;
                return SL_OK;
        }
        size_t digits = 0;
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
                digits++;
        if (i < len && text[i] == '.')
                for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++)
                        digits++;
        if (digits == 0)
                return bad_text(err, "DOUBLE", orig, olen);
        if (i < len && (text[i] == 'e' || text[i] == 'E')) {
                i++;
                if (i < len && (text[i] == '+' || text[i] == '-'))
                        i++;
                size_t start = i;
                for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
                        ;
                if (i == start)
                        return bad_text(err, "DOUBLE", orig, olen);
        }
        size_t numlen = i;
        if (i < len && strchr("fFdD", text[i]))
                i++;
        if (i != len)
                return bad_text(err, "DOUBLE", orig, olen);
        memcpy(buf, text, numlen);
        buf[numlen] = '\0';
        *out = strtod(buf, NULL);
        return SL_OK;
}

/* ksqlDB's booleanStringMatches: `text` is a non-empty case-insensitive prefix of `word` */
static bool prefix_of(const char *text, size_t len, const char *word)
{
        return len > 0 && len <= strlen(word) && strncasecmp(text, word, len) == 0;
}

bool sl_cast_parse_bool(const char *text, size_t len)
{
        trim(&text, &len);
        return prefix_of(text, len, "true") || prefix_of(text, len, "yes");
}

sl_err sl_cast_parse_bool_exact(const char *text, size_t len, bool *out, sl_err_detail *err)
{
        if (prefix_of(text, len, "true") || prefix_of(text, len, "yes")) {
                *out = true;
                return SL_OK;
        }
        if (prefix_of(text, len, "false") || prefix_of(text, len, "no")) {
                *out = false;
                return SL_OK;
        }
        return bad_text(err, "BOOLEAN", text, len);
}

/* Reads exactly `n` digits at text[*i]; false when they are not there. */
static bool read_digits(const char *text, size_t len, size_t *i, int n, int *out)
{
        int v = 0;
        for (int k = 0; k < n; k++, (*i)++) {
                if (*i >= len || text[*i] < '0' || text[*i] > '9')
                        return false;
                v = v * 10 + (text[*i] - '0');
        }
        *out = v;
        return true;
}

static bool valid_day(int64_t y, int m, int d)
{
        static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (m < 1 || m > 12 || d < 1)
                return false;
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        return d <= mdays[m - 1] + (m == 2 && leap);
}

/* yyyy[-MM[-dd]] (partial forms only when `partial`), consuming text[*i..]; days since epoch */
static bool parse_date_part(const char *text, size_t len, size_t *i, bool partial, int64_t *days)
{
        int y, m = 1, d = 1;
        if (!read_digits(text, len, i, 4, &y))
                return false;
        if (*i < len && text[*i] == '-') {
                (*i)++;
                if (!read_digits(text, len, i, 2, &m))
                        return false;
                if (*i < len && text[*i] == '-') {
                        (*i)++;
                        if (!read_digits(text, len, i, 2, &d))
                                return false;
                } else if (!partial) {
                        return false;
                }
        } else if (!partial) {
                return false;
        }
        if (!valid_day(y, m, d))
                return false;
        *days = sl_value_days_from_civil(y, m, d);
        return true;
}

/* HH[:mm[:ss[.f{1,9}]]]; `need_minutes` makes :mm mandatory (LocalTime.parse). ms of day */
static bool parse_time_part(const char *text, size_t len, size_t *i, bool need_minutes, int64_t *ms)
{
        int h, mi = 0, s = 0, frac = 0, fdigits = 0;
        if (!read_digits(text, len, i, 2, &h))
                return false;
        if (*i < len && text[*i] == ':') {
                (*i)++;
                if (!read_digits(text, len, i, 2, &mi))
                        return false;
                if (*i < len && text[*i] == ':') {
                        (*i)++;
                        if (!read_digits(text, len, i, 2, &s))
                                return false;
                        if (*i < len && text[*i] == '.') {
                                (*i)++;
                                for (; *i < len && text[*i] >= '0' && text[*i] <= '9'; (*i)++, fdigits++)
                                        if (fdigits < 3)
                                                frac = frac * 10 + (text[*i] - '0');
                                if (fdigits == 0 || fdigits > 9)
                                        return false;
                                for (int k = fdigits; k < 3; k++)
                                        frac *= 10;
                        }
                }
        } else if (need_minutes) {
                return false;
        }
        if (h > 23 || mi > 59 || s > 59)
                return false;
        *ms = ((int64_t)h * 3600 + mi * 60 + s) * 1000 + frac;
        return true;
}

sl_err sl_cast_parse_date(const char *text, size_t len, int32_t *out, sl_err_detail *err)
{
        size_t i = 0;
        int64_t days;
        if (!parse_date_part(text, len, &i, true, &days) || i != len)
                return bad_text(err, "date", text, len);
        *out = (int32_t)days;
        return SL_OK;
}

sl_err sl_cast_parse_time(const char *text, size_t len, int32_t *out, sl_err_detail *err)
{
        size_t i = 0;
        int64_t ms;
        if (!parse_time_part(text, len, &i, true, &ms) || i != len)
                return bad_text(err, "time", text, len);
        *out = (int32_t)ms;
        return SL_OK;
}

sl_err sl_cast_parse_timestamp(const char *text, size_t len, int64_t *out, sl_err_detail *err)
{
        size_t i = 0;
        int64_t days, ms = 0, offset = 0;
        bool has_t = memchr(text, 'T', len) != NULL;
        if (!parse_date_part(text, len, &i, !has_t, &days))
                return bad_text(err, "timestamp", text, len);
        if (has_t) {
                if (i >= len || text[i] != 'T')
                        return bad_text(err, "timestamp", text, len);
                i++;
                if (!parse_time_part(text, len, &i, false, &ms))
                        return bad_text(err, "timestamp", text, len);
                if (i < len && text[i] == 'Z') {
                        i++;
                } else if (i < len && (text[i] == '+' || text[i] == '-')) {
                        int sign = text[i++] == '-' ? -1 : 1, oh, om = 0;
                        if (!read_digits(text, len, &i, 2, &oh))
                                return bad_text(err, "timestamp", text, len);
                        if (i < len && text[i] == ':')
                                i++;
                        if (i < len && !read_digits(text, len, &i, 2, &om))
                                return bad_text(err, "timestamp", text, len);
                        if (oh > 18 || om > 59)
                                return bad_text(err, "timestamp", text, len);
                        offset = sign * ((int64_t)oh * 3600 + om * 60) * 1000;
                }
        }
        if (i != len)
                return bad_text(err, "timestamp", text, len);
        *out = days * 86400000 + ms - offset;
        return SL_OK;
}

/* ---- runtime casts ---- */

/* Java's (int)/(long) of a double: truncation, saturation, NaN -> 0 */
static int64_t double_to_integral(double d, int64_t min, int64_t max)
{
        if (isnan(d))
                return 0;
        if (d <= (double)min)
                return min;
        if (d >= (double)max)
                return max;
        return (int64_t)d;
}

/* Any numeric value to any numeric type; the one place numeric promotion happens. */
static sl_err convert_numeric(const sl_value *v, const sl_type *to, sl_value *out, sl_err_detail *err)
{
        sl_decimal d;
        int64_t i = v->kind == SL_TYPE_INT ? v->u.i32 : v->u.i64;
        switch (to->kind) {
        case SL_TYPE_INT:
        case SL_TYPE_BIGINT:
                if (v->kind == SL_TYPE_DOUBLE)
                        i = to->kind == SL_TYPE_INT ? double_to_integral(v->u.f64, INT32_MIN, INT32_MAX)
                                                    : double_to_integral(v->u.f64, INT64_MIN, INT64_MAX);
                else if (v->kind == SL_TYPE_DECIMAL)
                        i = sl_decimal_to_i64_wrap(sl_value_get_decimal(v));
                *out = to->kind == SL_TYPE_INT ? sl_value_int((int32_t)(uint32_t)(uint64_t)i) : sl_value_bigint(i);
                return SL_OK;
        case SL_TYPE_DOUBLE:
                if (v->kind == SL_TYPE_DOUBLE)
                        *out = *v;
                else if (v->kind == SL_TYPE_DECIMAL)
                        *out = sl_value_double(sl_decimal_to_double(sl_value_get_decimal(v)));
                else
                        *out = sl_value_double((double)i);
                return SL_OK;
        case SL_TYPE_DECIMAL: {
                sl_err rc;
                if (v->kind == SL_TYPE_DOUBLE)
                        rc = sl_decimal_from_double(v->u.f64, to->precision, to->scale, &d, err);
                else if (v->kind == SL_TYPE_DECIMAL)
                        rc = sl_decimal_rescale(sl_value_get_decimal(v), to->precision, to->scale, &d, err);
                else
                        rc = sl_decimal_from_i64(i, to->precision, to->scale, &d, err);
                if (rc == SL_OK)
                        *out = sl_value_decimal(d);
                return rc;
        }
        default:
                return sl_err_set(err, SL_ERR_INTERNAL, "not a numeric type");
        }
}

static sl_err cast_from_string(sl_arena *arena, const sl_value *v, const sl_type *to, sl_value *out,
                               sl_err_detail *err)
{
        const char *p = (const char *)v->u.bytes;
        size_t n = v->len;
        sl_err rc = SL_OK;
        switch (to->kind) {
        case SL_TYPE_BOOLEAN:
                *out = sl_value_bool(sl_cast_parse_bool(p, n));
                break;
        case SL_TYPE_INT:
                *out = sl_value_int(0);
                rc = sl_cast_parse_int(p, n, &out->u.i32, err);
                break;
        case SL_TYPE_BIGINT:
                *out = sl_value_bigint(0);
                rc = sl_cast_parse_bigint(p, n, &out->u.i64, err);
                break;
        case SL_TYPE_DOUBLE:
                *out = sl_value_double(0);
                rc = sl_cast_parse_double(p, n, &out->u.f64, err);
                break;
        case SL_TYPE_DECIMAL: {
                sl_decimal d;
                rc = sl_decimal_parse_to(p, n, to->precision, to->scale, &d, err);
                if (rc == SL_ERR_PARSE)
                        rc = bad_text(err, "DECIMAL", p, n);
                if (rc == SL_OK)
                        *out = sl_value_decimal(d);
                break;
        }
        case SL_TYPE_DATE:
                *out = sl_value_date(0);
                rc = sl_cast_parse_date(p, n, &out->u.i32, err);
                break;
        case SL_TYPE_TIME:
                *out = sl_value_time(0);
                rc = sl_cast_parse_time(p, n, &out->u.i32, err);
                break;
        case SL_TYPE_TIMESTAMP:
                *out = sl_value_timestamp(0);
                rc = sl_cast_parse_timestamp(p, n, &out->u.i64, err);
                break;
        default:
                (void)arena;
                return unsupported(sl_type_string(), to, err);
        }
        return rc;
}

static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static sl_err cast_composite(sl_arena *arena, const sl_value *v, const sl_type *to, sl_value *out,
                             sl_err_detail *err)
{
        sl_value *items;
        sl_value r;
        sl_err rc = SL_OK;
        switch (to->kind) {
        case SL_TYPE_ARRAY:
                r = sl_value_composite_new(arena, to, v->len, &items);
                for (uint32_t i = 0; i < v->len && rc == SL_OK; i++)
                        rc = sl_value_cast(arena, &v->u.comp.items[i], to->elem, &items[i], err);
                break;
        case SL_TYPE_MAP: {
                /* keys that become equal collapse into one entry holding the last value, as
                 * ksqlDB's HashMap.put does */
                r = sl_value_composite_new(arena, to, v->len, &items);
                uint32_t n = 0;
                for (uint32_t i = 0; i < v->len && rc == SL_OK; i++) {
                        sl_value k, val;
                        rc = sl_value_cast(arena, &v->u.comp.items[2 * i], to->key, &k, err);
                        if (rc == SL_OK)
                                rc = sl_value_cast(arena, &v->u.comp.items[2 * i + 1], to->elem, &val, err);
                        if (rc != SL_OK)
                                break;
                        uint32_t j = 0;
                        while (j < n && !sl_value_eq(&items[2 * j], &k))
                                j++;
                        items[2 * j] = k;
                        items[2 * j + 1] = val;
                        n += j == n;
                }
                r.len = n;
                break;
        }
        default:
                r = sl_value_composite_new(arena, to, to->nfields, &items);
                for (size_t i = 0; i < to->nfields && rc == SL_OK; i++) {
                        const sl_value *f = sl_value_struct_field(v, to->fields[i].name);
                        if (f)
                                rc = sl_value_cast(arena, f, to->fields[i].type, &items[i], err);
                }
                break;
        }
        if (rc == SL_OK)
                *out = r;
        return rc;
}

sl_err sl_value_cast(sl_arena *arena, const sl_value *v, const sl_type *to, sl_value *out, sl_err_detail *err)
{
        if (v->kind == SL_TYPE_NULL) {
                *out = sl_value_null();
                return SL_OK;
        }
        const sl_type *from = sl_value_type(v);
        if (!cast_ok(from, to))
                return unsupported(from, to, err);
        if (sl_type_eq(from, to)) {
                *out = *v;
                return SL_OK;
        }
        if (to->kind == SL_TYPE_STRING) {
                sl_str s;
                sl_str_init(&s);
                sl_value_format(&s, v);
                *out = sl_value_string_copy(arena, sl_str_cstr(&s), sl_str_len(&s));
                sl_str_deinit(&s);
                return SL_OK;
        }
        if (v->kind == SL_TYPE_STRING)
                return cast_from_string(arena, v, to, out, err);
        if (is_numeric_kind(v->kind))
                return convert_numeric(v, to, out, err);
        switch (v->kind) {
        case SL_TYPE_TIMESTAMP:
                if (to->kind == SL_TYPE_DATE)
                        *out = sl_value_date((int32_t)floor_div(v->u.i64, 86400000));
                else
                        *out = sl_value_time((int32_t)(v->u.i64 - floor_div(v->u.i64, 86400000) * 86400000));
                return SL_OK;
        case SL_TYPE_DATE:
                *out = sl_value_timestamp((int64_t)v->u.i32 * 86400000);
                return SL_OK;
        default:
                return cast_composite(arena, v, to, out, err);
        }
}

/* ---- implicit conversions ---- */

const sl_type *sl_cast_decimal_of(const sl_type *type)
{
        switch (type->kind) {
        case SL_TYPE_INT:
                return sl_type_decimal(SL_DECIMAL_INT_PRECISION, 0);
        case SL_TYPE_BIGINT:
                return sl_type_decimal(SL_DECIMAL_BIGINT_PRECISION, 0);
        case SL_TYPE_DECIMAL:
                return type;
        default:
                return NULL;
        }
}

/* ksqlDB's DecimalUtil.canImplicitlyCast */
static bool decimal_fits_in(const sl_type *a, const sl_type *b)
{
        return a->scale <= b->scale && a->precision - a->scale <= b->precision - b->scale;
}

bool sl_cast_implicit_ok(const sl_type *from, const sl_type *to)
{
        if (from->kind == SL_TYPE_NULL || sl_type_eq(from, to))
                return true;
        if (is_numeric_kind(from->kind) && is_numeric_kind(to->kind)) {
                if (to->kind == SL_TYPE_DOUBLE)
                        return true;
                if (to->kind == SL_TYPE_BIGINT)
                        return from->kind == SL_TYPE_INT;
                if (to->kind == SL_TYPE_DECIMAL && from->kind != SL_TYPE_DOUBLE)
                        return decimal_fits_in(sl_cast_decimal_of(from), to);
                return false;
        }
        if (from->kind != to->kind)
                return false;
        switch (from->kind) {
        case SL_TYPE_ARRAY:
                return sl_cast_implicit_ok(from->elem, to->elem);
        case SL_TYPE_MAP:
                return sl_cast_implicit_ok(from->key, to->key) && sl_cast_implicit_ok(from->elem, to->elem);
        case SL_TYPE_STRUCT:
                if (from->nfields != to->nfields)
                        return false;
                for (size_t i = 0; i < from->nfields; i++)
                        if (strcmp(from->fields[i].name, to->fields[i].name) != 0 ||
                            !sl_cast_implicit_ok(from->fields[i].type, to->fields[i].type))
                                return false;
                return true;
        default:
                return false;
        }
}

const sl_type *sl_cast_common_type(sl_arena *arena, const sl_type *a, const sl_type *b)
{
        if (a->kind == SL_TYPE_NULL)
                return b;
        if (b->kind == SL_TYPE_NULL || sl_type_eq(a, b))
                return a;
        if (is_numeric_kind(a->kind) && is_numeric_kind(b->kind)) {
                if (a->kind == SL_TYPE_DOUBLE || b->kind == SL_TYPE_DOUBLE)
                        return sl_type_double();
                if (a->kind != SL_TYPE_DECIMAL && b->kind != SL_TYPE_DECIMAL)
                        return sl_type_bigint();
                /* DecimalUtil.widen: the larger integer part and the larger scale */
                const sl_type *x = sl_cast_decimal_of(a), *y = sl_cast_decimal_of(b);
                int whole = x->precision - x->scale > y->precision - y->scale ? x->precision - x->scale
                                                                            : y->precision - y->scale;
                int scale = x->scale > y->scale ? x->scale : y->scale;
                int precision = whole + scale;
                if (precision > SL_DECIMAL_MAX_PRECISION) {
                        precision = SL_DECIMAL_MAX_PRECISION;
                        scale = precision - whole < 0 ? 0 : precision - whole;
                }
                return sl_type_decimal(precision, scale);
        }
        if (a->kind != b->kind)
                return NULL;
        switch (a->kind) {
        case SL_TYPE_ARRAY: {
                const sl_type *e = sl_cast_common_type(arena, a->elem, b->elem);
                return e ? sl_type_array(arena, e) : NULL;
        }
        case SL_TYPE_MAP: {
                const sl_type *k = sl_cast_common_type(arena, a->key, b->key);
                const sl_type *v = sl_cast_common_type(arena, a->elem, b->elem);
                return k && v ? sl_type_map(arena, k, v) : NULL;
        }
        case SL_TYPE_STRUCT: {
                if (a->nfields != b->nfields)
                        return NULL;
                sl_type_field *f = sl_arena_calloc(arena, a->nfields ? a->nfields : 1, sizeof *f);
                for (size_t i = 0; i < a->nfields; i++) {
                        if (strcmp(a->fields[i].name, b->fields[i].name) != 0)
                                return NULL;
                        f[i].name = a->fields[i].name;
                        f[i].type = sl_cast_common_type(arena, a->fields[i].type, b->fields[i].type);
                        if (!f[i].type)
                                return NULL;
                }
                return sl_type_struct(arena, f, a->nfields);
        }
        default:
                return NULL;
        }
}
