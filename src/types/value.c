/* value.c: sl_value constructors, deep copy and the three text renderings (Java toString as ksqlDB's
 * CAST to STRING produces it, SQL literals, JSON as ksqlDB's JSON serde writes it), plus the
 * primitive formatters (Java Double.toString, ISO dates and times, base64) that serdes share. */
#include "types/value.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types/compare.h"

sl_value sl_value_string_copy(sl_arena *arena, const char *p, size_t len)
{
        return sl_value_string(sl_arena_memdup(arena, len ? p : "", len), len);
}

sl_value sl_value_cstr_copy(sl_arena *arena, const char *s)
{
        return sl_value_string_copy(arena, s, strlen(s));
}

sl_value sl_value_bytes_copy(sl_arena *arena, const void *p, size_t len)
{
        return sl_value_bytes(sl_arena_memdup(arena, len ? p : "", len), len);
}

sl_value sl_value_composite_new(sl_arena *arena, const sl_type *type, size_t n, sl_value **items)
{
        size_t count = type->kind == SL_TYPE_MAP ? 2 * n : n;
        sl_value *arr = sl_arena_calloc(arena, count ? count : 1, sizeof *arr);  /* zero is NULL */
        *items = arr;
        return sl_value_composite(type, arr, n);
}

const sl_value *sl_value_struct_field(const sl_value *v, const char *name)
{
        if (v->kind != SL_TYPE_STRUCT)
                return NULL;
        int i = sl_type_struct_field_index(v->u.comp.type, name);
        return i < 0 ? NULL : &v->u.comp.items[i];
}

const sl_value *sl_value_map_get(const sl_value *v, const sl_value *key)
{
        if (v->kind != SL_TYPE_MAP)
                return NULL;
        for (uint32_t i = 0; i < v->len; i++)
                if (sl_value_eq(&v->u.comp.items[2 * i], key))
                        return &v->u.comp.items[2 * i + 1];
        return NULL;
}

const sl_type *sl_value_type(const sl_value *v)
{
        switch (v->kind) {
        case SL_TYPE_DECIMAL:
                return sl_type_decimal(v->precision, v->scale);
        case SL_TYPE_ARRAY:
        case SL_TYPE_MAP:
        case SL_TYPE_STRUCT:
                return v->u.comp.type;
        default:
                return sl_type_primitive((sl_type_kind)v->kind);
        }
}

static size_t item_count(const sl_value *v)
{
        return v->kind == SL_TYPE_MAP ? 2 * (size_t)v->len : v->len;
}

sl_value sl_value_copy(sl_arena *arena, const sl_value *v)
{
        switch (v->kind) {
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES: {
                sl_value r = *v;
                r.u.bytes = sl_arena_memdup(arena, v->len ? (const void *)v->u.bytes : "", v->len);
                return r;
        }
        case SL_TYPE_ARRAY:
        case SL_TYPE_MAP:
        case SL_TYPE_STRUCT: {
                sl_value *items;
                sl_value r = sl_value_composite_new(arena, v->u.comp.type, v->len, &items);
                for (size_t i = 0; i < item_count(v); i++)
                        items[i] = sl_value_copy(arena, &v->u.comp.items[i]);
                return r;
        }
        default:
                return *v;
        }
}

/* ---- primitive formatters ---- */

/* The digits Java's Double.toString picks for `v` (finite, > 0): the shortest that read back as
 * `v`, the closest such; when one digit would do, the closest of one or two digits (4.9E-324, not
 * 5.0E-324). Writes the digits without a point into `digs` and returns the count; *exp10 is the
 * exponent of the first digit. Any 15-digit rounding that reads back, stripped of trailing zeros,
 * is the shortest: a shorter round-tripping decimal would be that rounding. */
static int shortest_digits(double v, char *digs, int *exp10)
{
        char buf[40];
        int prec = 15;
        for (; prec < 17; prec++) {
                snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
                if (strtod(buf, NULL) == v)
                        break;
        }
        if (prec == 17)
                snprintf(buf, sizeof buf, "%.16e", v);
        if (prec == 15) {
                char two[16];
                snprintf(two, sizeof two, "%.1e", v);
                if (strtod(two, NULL) == v)
                        memcpy(buf, two, strlen(two) + 1);
        }
        int n = 0;
        char *p = buf;
        for (; *p != 'e'; p++)
                if (*p != '.')
                        digs[n++] = *p;
        *exp10 = atoi(p + 1);
        while (n > 1 && digs[n - 1] == '0')
                n--;
        digs[n] = '\0';
        return n;
}

size_t sl_value_fmt_double(double v, char *buf)
{
        if (isnan(v))
                return (size_t)sprintf(buf, "NaN");
        if (isinf(v))
                return (size_t)sprintf(buf, v > 0 ? "Infinity" : "-Infinity");
        size_t len = 0;
        if (signbit(v)) {
                buf[len++] = '-';
                v = -v;
        }
        if (v == 0) {
                strcpy(buf + len, "0.0");
                return len + 3;
        }
        char digs[24];
        int e;
        int n = shortest_digits(v, digs, &e);
        if (e >= -3 && e < 7) {
                /* plain: integer part, point, at least one fraction digit */
                if (e < 0) {
                        buf[len++] = '0';
                        buf[len++] = '.';
                        for (int i = -1; i > e; i--)
                                buf[len++] = '0';
                        for (int i = 0; i < n; i++)
                                buf[len++] = digs[i];
                } else {
                        for (int i = 0; i <= e; i++)
                                buf[len++] = i < n ? digs[i] : '0';
                        buf[len++] = '.';
                        if (n > e + 1)
                                for (int i = e + 1; i < n; i++)
                                        buf[len++] = digs[i];
                        else
                                buf[len++] = '0';
                }
        } else {
                buf[len++] = digs[0];
                buf[len++] = '.';
                if (n > 1)
                        for (int i = 1; i < n; i++)
                                buf[len++] = digs[i];
                else
                        buf[len++] = '0';
                len += (size_t)sprintf(buf + len, "E%d", e);
        }
        buf[len] = '\0';
        return len;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t sl_value_days_from_civil(int64_t year, int month, int day)
{
        year -= month <= 2;
        int64_t era = (year >= 0 ? year : year - 399) / 400;
        int64_t yoe = year - era * 400;
        int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

void sl_value_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
        days += 719468;
        int64_t era = (days >= 0 ? days : days - 146096) / 146097;
        int64_t doe = days - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        *day = (int)(doy - (153 * mp + 2) / 5 + 1);
        *month = (int)(mp < 10 ? mp + 3 : mp - 9);
        *year = yoe + era * 400 + (*month <= 2);
}

/* LocalDate.toString year: 4 digits at least, '+' above 9999, '-' below 0 */
static size_t fmt_civil_date(int64_t days, char *buf, bool plus)
{
        int64_t y;
        int m, d;
        sl_value_civil_from_days(days, &y, &m, &d);
        if (y > 9999 && plus)
                return (size_t)sprintf(buf, "+%" PRId64 "-%02d-%02d", y, m, d);
        if (y < 0)
                return (size_t)sprintf(buf, "-%04" PRId64 "-%02d-%02d", -y, m, d);
        return (size_t)sprintf(buf, "%04" PRId64 "-%02d-%02d", y, m, d);
}

size_t sl_value_fmt_date(int32_t days, char *buf)
{
        return fmt_civil_date(days, buf, true);
}

size_t sl_value_fmt_time(int32_t ms, char *buf)
{
        int64_t secs = ms / 1000;
        int h = (int)(secs / 3600), m = (int)(secs / 60 % 60), s = (int)(secs % 60);
        if (s == 0)
                return (size_t)sprintf(buf, "%02d:%02d", h, m);
        return (size_t)sprintf(buf, "%02d:%02d:%02d", h, m, s);
}

static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* date part, separator, HH:mm:ss; the milliseconds of the day go to *msec */
static size_t fmt_date_time(int64_t ms, char sep, char *buf, int *msec)
{
        int64_t days = floor_div(ms, 86400000);
        int64_t rem = ms - days * 86400000;
        size_t len = fmt_civil_date(days, buf, false);
        len += (size_t)sprintf(buf + len, "%c%02d:%02d:%02d", sep, (int)(rem / 3600000), (int)(rem / 60000 % 60),
                               (int)(rem / 1000 % 60));
        *msec = (int)(rem % 1000);
        return len;
}

size_t sl_value_fmt_timestamp(int64_t ms, char *buf)
{
        int msec;
        size_t len = fmt_date_time(ms, 'T', buf, &msec);
        return len + (size_t)sprintf(buf + len, ".%03d", msec);
}

void sl_value_append_base64(sl_str *out, const uint8_t *p, size_t len)
{
        static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (size_t i = 0; i < len; i += 3) {
                uint32_t v = (uint32_t)p[i] << 16;
                if (i + 1 < len)
                        v |= (uint32_t)p[i + 1] << 8;
                if (i + 2 < len)
                        v |= p[i + 2];
                char q[4] = {tab[v >> 18], tab[(v >> 12) & 63], i + 1 < len ? tab[(v >> 6) & 63] : '=',
                             i + 2 < len ? tab[v & 63] : '='};
                sl_str_append_n(out, q, 4);
        }
}

/* ---- renderings ---- */

/* BigDecimal.toString: plain unless the adjusted exponent is below -6 */
static void append_decimal_java(sl_str *out, sl_decimal d)
{
        char digs[SL_DECIMAL_STR_MAX];
        sl_decimal whole = {.unscaled = d.unscaled, .precision = SL_DECIMAL_MAX_PRECISION, .scale = 0};
        size_t n = sl_decimal_format(whole, digs);
        const char *p = digs;
        bool neg = *p == '-';
        if (neg) {
                p++;
                n--;
        }
        int adjusted = (int)n - 1 - d.scale;
        if (adjusted >= -6) {
                sl_decimal_append(out, d);
                return;
        }
        if (neg)
                sl_str_append_char(out, '-');
        sl_str_append_char(out, p[0]);
        if (n > 1) {
                sl_str_append_char(out, '.');
                sl_str_append_n(out, p + 1, n - 1);
        }
        sl_str_appendf(out, "E%d", adjusted);
}

/* java.sql.Timestamp.toString in UTC: fraction without trailing zeros, at least ".0" */
static void append_timestamp_java(sl_str *out, int64_t ms)
{
        char buf[40];
        int msec;
        size_t len = fmt_date_time(ms, ' ', buf, &msec);
        sl_str_append_n(out, buf, len);
        if (msec == 0)
                sl_str_append(out, ".0");
        else if (msec % 100 == 0)
                sl_str_appendf(out, ".%d", msec / 100);
        else if (msec % 10 == 0)
                sl_str_appendf(out, ".%02d", msec / 10);
        else
                sl_str_appendf(out, ".%03d", msec);
}

/* Primitive kinds that print the same in every rendering. Returns false for the others. */
static bool append_common(sl_str *out, const sl_value *v)
{
        char buf[48];
        switch (v->kind) {
        case SL_TYPE_INT:
                sl_str_appendf(out, "%" PRId32, v->u.i32);
                return true;
        case SL_TYPE_BIGINT:
                sl_str_appendf(out, "%" PRId64, v->u.i64);
                return true;
        case SL_TYPE_DOUBLE:
                sl_str_append_n(out, buf, sl_value_fmt_double(v->u.f64, buf));
                return true;
        default:
                return false;
        }
}

static void format_java(sl_str *out, const sl_value *v, bool nested)
{
        char buf[48];
        if (append_common(out, v))
                return;
        switch (v->kind) {
        case SL_TYPE_NULL:
                sl_str_append(out, "null");
                break;
        case SL_TYPE_BOOLEAN:
                sl_str_append(out, v->u.b ? "true" : "false");
                break;
        case SL_TYPE_DECIMAL:
                if (nested)
                        append_decimal_java(out, sl_value_get_decimal(v));
                else
                        sl_decimal_append(out, sl_value_get_decimal(v));
                break;
        case SL_TYPE_STRING:
                sl_str_append_n(out, (const char *)v->u.bytes, v->len);
                break;
        case SL_TYPE_BYTES:
                sl_value_append_base64(out, v->u.bytes, v->len);
                break;
        case SL_TYPE_DATE:
                sl_str_append_n(out, buf, sl_value_fmt_date(v->u.i32, buf));
                break;
        case SL_TYPE_TIME:
                if (nested) {
                        int s = v->u.i32 / 1000;
                        sl_str_appendf(out, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
                } else {
                        sl_str_append_n(out, buf, sl_value_fmt_time(v->u.i32, buf));
                }
                break;
        case SL_TYPE_TIMESTAMP:
                if (nested)
                        append_timestamp_java(out, v->u.i64);
                else
                        sl_str_append_n(out, buf, sl_value_fmt_timestamp(v->u.i64, buf));
                break;
        case SL_TYPE_ARRAY:
                sl_str_append_char(out, '[');
                for (uint32_t i = 0; i < v->len; i++) {
                        if (i)
                                sl_str_append(out, ", ");
                        format_java(out, &v->u.comp.items[i], true);
                }
                sl_str_append_char(out, ']');
                break;
        case SL_TYPE_MAP:
                sl_str_append_char(out, '{');
                for (uint32_t i = 0; i < v->len; i++) {
                        if (i)
                                sl_str_append(out, ", ");
                        format_java(out, &v->u.comp.items[2 * i], true);
                        sl_str_append_char(out, '=');
                        format_java(out, &v->u.comp.items[2 * i + 1], true);
                }
                sl_str_append_char(out, '}');
                break;
        case SL_TYPE_STRUCT: {
                /* Kafka Connect Struct.toString: null fields are left out */
                bool first = true;
                sl_str_append(out, "Struct{");
                for (uint32_t i = 0; i < v->len; i++) {
                        if (v->u.comp.items[i].kind == SL_TYPE_NULL)
                                continue;
                        if (!first)
                                sl_str_append_char(out, ',');
                        first = false;
                        sl_str_appendf(out, "%s=", v->u.comp.type->fields[i].name);
                        format_java(out, &v->u.comp.items[i], true);
                }
                sl_str_append_char(out, '}');
                break;
        }
        }
}

void sl_value_format(sl_str *out, const sl_value *v)
{
        format_java(out, v, false);
}

/* The Java text of `v` as a quoted string: a JSON string when `json`, else a SQL literal. */
static void append_quoted_java(sl_str *out, const sl_value *v, bool json)
{
        sl_str text;
        sl_str_init(&text);
        format_java(&text, v, false);
        if (json)
                sl_buf_append_json(&out->buf, sl_str_cstr(&text), sl_str_len(&text));
        else
                sl_str_append_sql_quoted(out, sl_str_cstr(&text), sl_str_len(&text));
        sl_str_deinit(&text);
}

static void append_backquoted(sl_str *out, const char *name)
{
        sl_str_append_char(out, '`');
        for (; *name; name++) {
                if (*name == '`')
                        sl_str_append_char(out, '`');
                sl_str_append_char(out, *name);
        }
        sl_str_append_char(out, '`');
}

void sl_value_format_sql(sl_str *out, const sl_value *v)
{
        if (append_common(out, v))
                return;
        switch (v->kind) {
        case SL_TYPE_NULL:
                sl_str_append(out, "NULL");
                break;
        case SL_TYPE_BOOLEAN:
                sl_str_append(out, v->u.b ? "TRUE" : "FALSE");
                break;
        case SL_TYPE_DECIMAL:
                sl_decimal_append(out, sl_value_get_decimal(v));
                break;
        case SL_TYPE_STRING:
                sl_str_append_sql_quoted(out, (const char *)v->u.bytes, v->len);
                break;
        case SL_TYPE_BYTES:
                sl_str_append(out, "X'");
                for (uint32_t i = 0; i < v->len; i++)
                        sl_str_appendf(out, "%02X", v->u.bytes[i]);
                sl_str_append_char(out, '\'');
                break;
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
        case SL_TYPE_TIMESTAMP: {
                append_quoted_java(out, v, false);
                break;
        }
        case SL_TYPE_ARRAY:
                sl_str_append(out, "ARRAY[");
                for (uint32_t i = 0; i < v->len; i++) {
                        if (i)
                                sl_str_append(out, ", ");
                        sl_value_format_sql(out, &v->u.comp.items[i]);
                }
                sl_str_append_char(out, ']');
                break;
        case SL_TYPE_MAP:
                sl_str_append(out, "MAP(");
                for (uint32_t i = 0; i < v->len; i++) {
                        if (i)
                                sl_str_append(out, ", ");
                        sl_value_format_sql(out, &v->u.comp.items[2 * i]);
                        sl_str_append(out, " := ");
                        sl_value_format_sql(out, &v->u.comp.items[2 * i + 1]);
                }
                sl_str_append_char(out, ')');
                break;
        case SL_TYPE_STRUCT:
                sl_str_append(out, "STRUCT(");
                for (uint32_t i = 0; i < v->len; i++) {
                        if (i)
                                sl_str_append(out, ", ");
                        append_backquoted(out, v->u.comp.type->fields[i].name);
                        sl_str_append(out, " := ");
                        sl_value_format_sql(out, &v->u.comp.items[i]);
                }
                sl_str_append_char(out, ')');
                break;
        }
}

void sl_value_format_json(sl_str *out, const sl_value *v, unsigned flags)
{
        switch (v->kind) {
        case SL_TYPE_NULL:
                sl_str_append(out, "null");
                return;
        case SL_TYPE_DOUBLE:
                if (!isfinite(v->u.f64)) {
                        char buf[16];
                        sl_value_fmt_double(v->u.f64, buf);
                        sl_buf_append_json(&out->buf, buf, strlen(buf));
                        return;
                }
                break;
        case SL_TYPE_DECIMAL:
                if (flags & SL_VALUE_JSON_DECIMAL_TEXT) {
                        char buf[SL_DECIMAL_STR_MAX];
                        sl_buf_append_json(&out->buf, buf, sl_decimal_format(sl_value_get_decimal(v), buf));
                        return;
                }
                break;
        case SL_TYPE_STRING:
                sl_buf_append_json(&out->buf, (const char *)v->u.bytes, v->len);
                return;
        case SL_TYPE_BYTES:
                sl_str_append_char(out, '"');
                sl_value_append_base64(out, v->u.bytes, v->len);
                sl_str_append_char(out, '"');
                return;
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
        case SL_TYPE_TIMESTAMP:
                if (flags & SL_VALUE_JSON_TEMPORAL_TEXT) {
                        append_quoted_java(out, v, true);
                } else if (v->kind == SL_TYPE_TIMESTAMP) {
                        sl_str_appendf(out, "%" PRId64, v->u.i64);
                } else {
                        sl_str_appendf(out, "%" PRId32, v->u.i32);
                }
                return;
        case SL_TYPE_ARRAY:
                sl_str_append_char(out, '[');
                for (uint32_t i = 0; i < v->len; i++) {
                        if (i)
                                sl_str_append_char(out, ',');
                        sl_value_format_json(out, &v->u.comp.items[i], flags);
                }
                sl_str_append_char(out, ']');
                return;
        case SL_TYPE_MAP:
                sl_str_append_char(out, '{');
                for (uint32_t i = 0; i < v->len; i++) {
                        const sl_value *k = &v->u.comp.items[2 * i];
                        if (i)
                                sl_str_append_char(out, ',');
                        if (k->kind == SL_TYPE_STRING) {
                                sl_value_format_json(out, k, flags);
                        } else {
                                append_quoted_java(out, k, true);
                        }
                        sl_str_append_char(out, ':');
                        sl_value_format_json(out, &v->u.comp.items[2 * i + 1], flags);
                }
                sl_str_append_char(out, '}');
                return;
        case SL_TYPE_STRUCT:
                sl_str_append_char(out, '{');
                for (uint32_t i = 0; i < v->len; i++) {
                        const char *name = v->u.comp.type->fields[i].name;
                        if (i)
                                sl_str_append_char(out, ',');
                        sl_buf_append_json(&out->buf, name, strlen(name));
                        sl_str_append_char(out, ':');
                        sl_value_format_json(out, &v->u.comp.items[i], flags);
                }
                sl_str_append_char(out, '}');
                return;
        default:
                break;
        }
        /* numbers and booleans read the same as their Java text */
        format_java(out, v, false);
}

char *sl_value_to_cstr(sl_arena *arena, const sl_value *v)
{
        sl_str s;
        sl_str_init(&s);
        sl_value_format(&s, v);
        char *r = sl_arena_strndup(arena, sl_str_cstr(&s), sl_str_len(&s));
        sl_str_deinit(&s);
        return r;
}
