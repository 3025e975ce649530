/* delimited.c: the DELIMITED format, CSV as ksqlDB reads and writes it (Apache Commons CSV's
 * DEFAULT format with a configurable one-character delimiter).
 *
 * Reading takes the first record of the text: fields split at the delimiter, a field that starts
 * with '"' is quoted ("" inside stands for one quote, delimiters and line breaks are kept), only
 * blanks may follow its closing quote; an unquoted field runs to the next delimiter or line break
 * and keeps quotes and blanks as they are. An empty field is NULL. The field count must equal the
 * column count. Types: BOOLEAN (Boolean.parseBoolean), INT/BIGINT (strict Java parseInt/parseLong),
 * DOUBLE (Double.parseDouble), DECIMAL (exact, HALF_UP to the scale), STRING, BYTES (base64),
 * DATE (days), TIME (ms of day), TIMESTAMP (ms). No ARRAY, MAP or STRUCT.
 *
 * Writing uses the same texts (DOUBLE as Java's Double.toString, DECIMAL plain) and Commons CSV's
 * minimal quoting: a field is quoted when it contains the delimiter, a quote or a line break,
 * starts with a character up to '#' or ends with one up to ' ', and the record's first field also
 * when it is empty or starts with ',', '-' or a non-ASCII character (ksqlDB's outputs show
 * "\"-10\"" for a negative first field). NULL is written as nothing, unquoted. */
#include "serde/serde_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "types/cast.h"
#include "types/decimal.h"

static bool delimited_type_ok(const sl_type *type)
{
        return !sl_type_is_composite(type) && type->kind != SL_TYPE_NULL;
}

static sl_err delimited_check(sl_serde *serde, sl_err_detail *err)
{
        return sl_serde_check_types(serde, delimited_type_ok, err);
}

static sl_err bad_field(sl_err_detail *err, const sl_serde_column *col, const char *p, size_t n)
{
        return sl_err_set(err, SL_ERR_SERDE, "cannot parse '%.*s' as %s for column %s", (int)(n > 64 ? 64 : n), p,
                          sl_type_kind_name(col->type->kind), col->name);
}

static sl_err convert_field(const sl_serde_column *col, const char *p, size_t n, sl_arena *arena, sl_value *out,
                            sl_err_detail *err)
{
        if (n == 0) {
                *out = sl_value_null();
                return SL_OK;
        }
        const sl_type *t = col->type;
        switch (t->kind) {
        case SL_TYPE_BOOLEAN:
                /* Boolean.parseBoolean: "true" in any case, anything else is false */
                *out = sl_value_bool(n == 4 && strncasecmp(p, "true", 4) == 0);
                return SL_OK;
        case SL_TYPE_INT:
        case SL_TYPE_DATE:
        case SL_TYPE_TIME: {
                int32_t v;
                if (!sl_serde_parse_i32(p, n, &v))
                        return bad_field(err, col, p, n);
                *out = (sl_value){.kind = (uint8_t)t->kind, .u.i32 = v};
                return SL_OK;
        }
        case SL_TYPE_BIGINT:
        case SL_TYPE_TIMESTAMP: {
                int64_t v;
                if (!sl_serde_parse_i64(p, n, &v))
                        return bad_field(err, col, p, n);
                *out = (sl_value){.kind = (uint8_t)t->kind, .u.i64 = v};
                return SL_OK;
        }
        case SL_TYPE_DOUBLE: {
                double d;
                if (sl_cast_parse_double(p, n, &d, NULL) != SL_OK)
                        return bad_field(err, col, p, n);
                *out = sl_value_double(d);
                return SL_OK;
        }
        case SL_TYPE_DECIMAL: {
                sl_decimal d;
                sl_err_detail derr;
                sl_err rc = sl_decimal_parse_to(p, n, t->precision, t->scale, &d, &derr);
                if (rc == SL_ERR_OVERFLOW)
                        return sl_err_set(err, SL_ERR_SERDE, "%s (column %s)", derr.message, col->name);
                if (rc != SL_OK)
                        return bad_field(err, col, p, n);
                *out = sl_value_decimal(d);
                return SL_OK;
        }
        case SL_TYPE_STRING:
                *out = sl_value_string_copy(arena, p, n);
                return SL_OK;
        case SL_TYPE_BYTES: {
                const uint8_t *b;
                size_t blen;
                if (!sl_serde_base64_decode(arena, p, n, &b, &blen))
                        return bad_field(err, col, p, n);
                *out = sl_value_bytes(b, blen);
                return SL_OK;
        }
        default:
                return sl_err_set(err, SL_ERR_INTERNAL, "DELIMITED serde built with an unsupported type");
        }
}

static sl_err delimited_decode(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                               sl_value *row, bool *row_null, sl_err_detail *err)
{
        (void)scratch, (void)row_null;
        const char *p = (const char *)in.ptr, *e = p + in.len;
        char delim = serde->delimiter;
        /* Commons CSV skips empty lines before the first record */
        while (p < e && (*p == '\r' || *p == '\n'))
                p++;
        if (p >= e)
                return sl_err_set(err, SL_ERR_SERDE, "No fields in record");
        size_t nfields = 0;
        for (;;) {
                const char *s;
                size_t n;
                if (p < e && *p == '"') {
                        /* quoted: find the closing quote; "" is an escaped quote */
                        const char *q = p + 1;
                        bool doubled = false;
                        for (;;) {
                                const char *hit = memchr(q, '"', (size_t)(e - q));
                                if (!hit)
                                        return sl_err_set(err, SL_ERR_SERDE,
                                                          "EOF reached before encapsulated token finished");
                                if (hit + 1 < e && hit[1] == '"') {
                                        doubled = true;
                                        q = hit + 2;
                                        continue;
                                }
                                q = hit;
                                break;
                        }
                        s = p + 1;
                        n = (size_t)(q - s);
                        if (doubled) {
                                char *d = sl_arena_alloc(arena, n + 1);
                                size_t o = 0;
                                for (size_t i = 0; i < n; i++) {
                                        d[o++] = s[i];
                                        if (s[i] == '"')
                                                i++;
                                }
                                s = d;
                                n = o;
                        }
                        p = q + 1;
                        while (p < e && (*p == ' ' || *p == '\t') && *p != delim)
                                p++;
                        if (p < e && *p != delim && *p != '\r' && *p != '\n')
                                return sl_err_set(err, SL_ERR_SERDE,
                                                  "invalid char between encapsulated token and delimiter");
                } else {
                        s = p;
                        while (p < e && *p != delim && *p != '\r' && *p != '\n')
                                p++;
                        n = (size_t)(p - s);
                }
                if (nfields < serde->ncolumns) {
                        sl_err rc = convert_field(&serde->columns[nfields], s, n, arena, &row[nfields], err);
                        if (rc != SL_OK)
                                return rc;
                }
                nfields++;
                if (p < e && *p == delim) {
                        p++;
                        if (p == e) {
                                /* a trailing delimiter ends with one more, empty field */
                                if (nfields < serde->ncolumns)
                                        row[nfields] = sl_value_null();
                                nfields++;
                                break;
                        }
                        continue;
                }
                break;  /* end of input or end of the first record */
        }
        if (nfields != serde->ncolumns)
                return sl_err_set(err, SL_ERR_SERDE, "Unexpected field count, csvFields:%zu schemaFields:%zu", nfields,
                                  serde->ncolumns);
        return SL_OK;
}

/* Appends `text` with Commons CSV's minimal quoting (see the file comment). */
static void append_field(sl_buf *out, const char *text, size_t n, bool first, char delim)
{
        bool quote = false;
        if (n == 0) {
                quote = first;
        } else {
                unsigned char c = (unsigned char)text[0];
                if (first && (c < 0x20 || c == ',' || c == '-' || c > 0x7E)) {
                        quote = true;
                } else if (c <= '#') {
                        quote = true;
                } else {
                        for (size_t i = 0; i < n; i++) {
                                char ch = text[i];
                                if (ch == '\n' || ch == '\r' || ch == '"' || ch == delim) {
                                        quote = true;
                                        break;
                                }
                        }
                        if (!quote && (unsigned char)text[n - 1] <= ' ')
                                quote = true;
                }
        }
        if (!quote) {
                sl_buf_append(out, text, n);
                return;
        }
        sl_buf_append_u8(out, '"');
        size_t start = 0;
        for (size_t i = 0; i < n; i++) {
                if (text[i] == '"') {
                        sl_buf_append(out, text + start, i + 1 - start);
                        sl_buf_append_u8(out, '"');
                        start = i + 1;
                }
        }
        sl_buf_append(out, text + start, n - start);
        sl_buf_append_u8(out, '"');
}

static sl_err delimited_encode(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                               sl_err_detail *err)
{
        (void)out_null;
        size_t mark = out->len;
        sl_buf tmp;
        sl_buf_init(&tmp);
        char num[64];
        for (size_t i = 0; i < serde->ncolumns; i++) {
                const sl_value *v = &row[i];
                const char *text = num;
                size_t n = 0;
                if (i)
                        sl_buf_append_u8(out, (uint8_t)serde->delimiter);
                switch (v->kind) {
                case SL_TYPE_NULL:
                        continue;
                case SL_TYPE_BOOLEAN:
                        text = v->u.b ? "true" : "false";
                        n = strlen(text);
                        break;
                case SL_TYPE_INT:
                case SL_TYPE_DATE:
                case SL_TYPE_TIME:
                        n = (size_t)snprintf(num, sizeof num, "%d", v->u.i32);
                        break;
                case SL_TYPE_BIGINT:
                case SL_TYPE_TIMESTAMP:
                        n = (size_t)snprintf(num, sizeof num, "%lld", (long long)v->u.i64);
                        break;
                case SL_TYPE_DOUBLE:
                        n = sl_value_fmt_double(v->u.f64, num);
                        break;
                case SL_TYPE_DECIMAL:
                        n = sl_decimal_format(sl_value_get_decimal(v), num);
                        break;
                case SL_TYPE_STRING:
                        text = (const char *)v->u.bytes;
                        n = v->len;
                        break;
                case SL_TYPE_BYTES:
                        sl_buf_reset(&tmp);
                        sl_serde_base64_append(&tmp, v->u.bytes, v->len);
                        text = (const char *)tmp.data;
                        n = tmp.len;
                        break;
                default:
                        sl_buf_deinit(&tmp);
                        out->len = mark;
                        if (out->data)
                                out->data[mark] = 0;
                        return sl_err_set(err, SL_ERR_SERDE, "The 'DELIMITED' format does not support type '%s'",
                                          sl_type_kind_name(v->kind));
                }
                append_field(out, text ? text : "", n, i == 0, serde->delimiter);
        }
        sl_buf_deinit(&tmp);
        return SL_OK;
}

const sl_serde_ops sl_serde_delimited_ops = {
        .check = delimited_check,
        .decode = delimited_decode,
        .encode = delimited_encode,
};
