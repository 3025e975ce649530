/* avro.c: the AVRO format (and JSON_SR, which shares its registry handling) in Confluent's wire
 * format: byte 0, the schema id (4 bytes, big-endian), then the Avro binary encoding of the record.
 *
 * Reading is driven by the writer's schema, looked up in the registry by the record's id and kept
 * in a per-serde cache: each writer field is matched to a column by name (exactly, else ignoring
 * case, as ksqlDB's connect translation does) and decoded straight into that column's type; fields
 * no column asks for are skipped, columns no field feeds are NULL. A compatible evolution of the
 * input's schema therefore needs nothing from the query. Writing is driven by the registered schema
 * too: ours (sl_avro_schema_of_columns, registered under the serde's subject on sl_serde_prepare or
 * the first record) or the one a KEY/VALUE_SCHEMA_ID names. Avro's unions choose the null branch
 * for NULL and the first branch that can hold the value otherwise.
 *
 * JSON_SR: the same five-byte header, then the JSON text the JSON serde reads and writes; a
 * serializer registers a JSON Schema of its columns. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"
#include "serde/avro.h"
#include "serde/serde_int.h"

/* One writer schema seen in input. */
typedef struct writer {
        int32_t id;
        const sl_avro *schema;   /* in the state's arena */
        int *field_col;          /* top-level record: column of each writer field, -1 none */
} writer;

/* The mutable part of an AVRO / JSON_SR serde, shared by the threads using it. */
typedef struct avro_state {
        pthread_mutex_t lock;      /* guards everything below */
        sl_arena arena;            /* parsed schemas */
        char *own_text;            /* the schema this serde writes (ours, or the given id's) */
        const sl_avro *own;        /* AVRO: parsed own_text */
        int *own_col;              /* own record's fields: the column each writes, -1 none (or NULL) */
        int32_t id;                /* registered id of own_text; 0 until known */
        writer *writers;           /* writer schemas by id */
        size_t nwriters;
        const writer *last;        /* the latest writer looked up (atomic; entries never change) */
} avro_state;

/* ---- reading ---- */

typedef struct rd {
        const uint8_t *p;
        const uint8_t *end;
        sl_arena *arena;
        sl_err_detail *err;
} rd;

static sl_err bad(rd *r, const char *fmt, const char *a, const char *b)
{
        return sl_err_set(r->err, SL_ERR_SERDE, fmt, a, b);
}

static bool rd_long(rd *r, int64_t *out)
{
        uint64_t v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
                if (r->p >= r->end)
                        return false;
                uint8_t b = *r->p++;
                v |= (uint64_t)(b & 0x7f) << shift;
                if (!(b & 0x80)) {
                        *out = (int64_t)((v >> 1) ^ (~(v & 1) + 1));
                        return true;
                }
        }
        return false;
}

static bool rd_bytes(rd *r, const uint8_t **p, size_t *n)
{
        int64_t len;
        if (!rd_long(r, &len) || len < 0 || len > r->end - r->p)
                return false;
        *p = r->p;
        *n = (size_t)len;
        r->p += len;
        return true;
}

static bool rd_fixed(rd *r, size_t n, const uint8_t **p)
{
        if ((size_t)(r->end - r->p) < n)
                return false;
        *p = r->p;
        r->p += n;
        return true;
}

static const char *type_name(const sl_type *t)
{
        return sl_type_kind_name(t->kind);
}

static const char *avro_name(const sl_avro *w)
{
        static const char *names[] = {"null",   "boolean", "int",   "long",  "float", "double", "bytes",
                                      "string", "record",  "enum",  "array", "map",   "union",  "fixed"};
        return names[w->kind];
}

static sl_err truncated(rd *r)
{
        return bad(r, "malformed Avro data: truncated or invalid encoding%s%s", "", "");
}

/* Reads one value of schema `w` and discards it. */
static sl_err skip(rd *r, const sl_avro *w, int depth)
{
        int64_t n;
        const uint8_t *p;
        size_t len;

        if (depth > 64)
                return bad(r, "Avro data nested too deeply%s%s", "", "");
        switch (w->kind) {
        case SL_AVRO_NULL: return SL_OK;
        case SL_AVRO_BOOLEAN: return rd_fixed(r, 1, &p) ? SL_OK : truncated(r);
        case SL_AVRO_INT:
        case SL_AVRO_LONG:
        case SL_AVRO_ENUM: return rd_long(r, &n) ? SL_OK : truncated(r);
        case SL_AVRO_FLOAT: return rd_fixed(r, 4, &p) ? SL_OK : truncated(r);
        case SL_AVRO_DOUBLE: return rd_fixed(r, 8, &p) ? SL_OK : truncated(r);
        case SL_AVRO_BYTES:
        case SL_AVRO_STRING: return rd_bytes(r, &p, &len) ? SL_OK : truncated(r);
        case SL_AVRO_FIXED: return rd_fixed(r, w->size, &p) ? SL_OK : truncated(r);
        case SL_AVRO_RECORD:
                for (size_t i = 0; i < w->nfields; i++) {
                        sl_err rc = skip(r, w->fields[i].type, depth + 1);
                        if (rc != SL_OK)
                                return rc;
                }
                return SL_OK;
        case SL_AVRO_UNION:
                if (!rd_long(r, &n) || n < 0 || (size_t)n >= w->nbranches)
                        return truncated(r);
                return skip(r, w->branches[n], depth + 1);
        case SL_AVRO_ARRAY:
        case SL_AVRO_MAP:
                for (;;) {
                        if (!rd_long(r, &n))
                                return truncated(r);
                        if (n == 0)
                                return SL_OK;
                        if (n < 0) {
                                int64_t size;
                                if (!rd_long(r, &size) || size < 0 || size > r->end - r->p)
                                        return truncated(r);
                                r->p += size;
                                continue;
                        }
                        /* items take at least a byte unless they are nulls: bound the loop by the input */
                        if (n > (r->end - r->p) + 1024)
                                return truncated(r);
                        for (int64_t i = 0; i < n; i++) {
                                sl_err rc;
                                if (w->kind == SL_AVRO_MAP && !rd_bytes(r, &p, &len))
                                        return truncated(r);
                                if ((rc = skip(r, w->items, depth + 1)) != SL_OK)
                                        return rc;
                        }
                }
        }
        return truncated(r);
}

static sl_err read_value(rd *r, const sl_avro *w, const sl_type *t, sl_value *out, int depth);

/* Matches a writer field name to a STRUCT field / column name: exact, else ignoring case. */
static int match_name(const char *wname, const char *const *names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(names[i], wname) == 0)
                        return (int)i;
        for (size_t i = 0; i < n; i++)
                if (strcasecmp(names[i], wname) == 0)
                        return (int)i;
        return -1;
}

static int struct_field(const sl_type *t, const char *wname)
{
        for (size_t i = 0; i < t->nfields; i++)
                if (strcmp(t->fields[i].name, wname) == 0)
                        return (int)i;
        for (size_t i = 0; i < t->nfields; i++)
                if (strcasecmp(t->fields[i].name, wname) == 0)
                        return (int)i;
        return -1;
}

/* Reads the blocks of an array or map into a fresh arena array of values (maps: key, value pairs). */
static sl_err read_blocks(rd *r, const sl_avro *w, const sl_type *t, sl_value **items, size_t *count, int depth)
{
        size_t len = 0, cap = 0, per = w->kind == SL_AVRO_MAP ? 2 : 1;
        sl_value *v = NULL;
        int64_t n;

        for (;;) {
                if (!rd_long(r, &n))
                        return truncated(r);
                if (n == 0)
                        break;
                if (n < 0) {
                        int64_t size;
                        if (!rd_long(r, &size) || n == INT64_MIN)
                                return truncated(r);
                        n = -n;
                }
                /* each item takes at least one byte, except nulls: bound the allocation by the input */
                if (n > (r->end - r->p) + 1024)
                        return truncated(r);
                if (len + (size_t)n > cap) {
                        size_t ncap = cap ? cap * 2 : 8;
                        while (ncap < len + (size_t)n)
                                ncap *= 2;
                        sl_value *nv = sl_arena_calloc(r->arena, ncap * per, sizeof(*nv));
                        if (len)
                                memcpy(nv, v, len * per * sizeof(*nv));
                        v = nv;
                        cap = ncap;
                }
                for (int64_t i = 0; i < n; i++, len++) {
                        sl_err rc;
                        if (per == 2) {
                                const uint8_t *p;
                                size_t kl;
                                if (!rd_bytes(r, &p, &kl))
                                        return truncated(r);
                                v[2 * len] = sl_value_string_copy(r->arena, (const char *)p, kl);
                                rc = read_value(r, w->items, t->elem, &v[2 * len + 1], depth + 1);
                        } else {
                                rc = read_value(r, w->items, t->elem, &v[len], depth + 1);
                        }
                        if (rc != SL_OK)
                                return rc;
                }
        }
        *items = v;
        *count = len;
        return SL_OK;
}

static sl_i128 unscaled_of(const uint8_t *p, size_t n)
{
        sl_i128 v = (n && (p[0] & 0x80)) ? -1 : 0;
        for (size_t i = 0; i < n; i++)
                v = (sl_i128)(((unsigned __int128)v << 8) | p[i]);
        return v;
}

static sl_err read_value(rd *r, const sl_avro *w, const sl_type *t, sl_value *out, int depth)
{
        int64_t n;
        const uint8_t *p;
        size_t len;
        sl_err rc;

        *out = sl_value_null();
        if (depth > 64)
                return bad(r, "Avro data nested too deeply%s%s", "", "");
        if (w->kind == SL_AVRO_UNION) {
                if (!rd_long(r, &n) || n < 0 || (size_t)n >= w->nbranches)
                        return truncated(r);
                return read_value(r, w->branches[n], t, out, depth + 1);
        }
        if (w->kind == SL_AVRO_NULL)
                return SL_OK;
        if (t == NULL)
                return skip(r, w, depth);
        switch (t->kind) {
        case SL_TYPE_BOOLEAN:
                if (w->kind != SL_AVRO_BOOLEAN)
                        break;
                if (!rd_fixed(r, 1, &p))
                        return truncated(r);
                *out = sl_value_bool(p[0] != 0);
                return SL_OK;
        case SL_TYPE_INT:
        case SL_TYPE_BIGINT:
                if ((w->kind != SL_AVRO_INT && w->kind != SL_AVRO_LONG) || w->logical != SL_AVRO_LT_NONE)
                        break;
                if (!rd_long(r, &n))
                        return truncated(r);
                if (t->kind == SL_TYPE_BIGINT) {
                        *out = sl_value_bigint(n);
                } else {
                        if (n < INT32_MIN || n > INT32_MAX)
                                return bad(r, "Avro long out of INTEGER range%s%s", "", "");
                        *out = sl_value_int((int32_t)n);
                }
                return SL_OK;
        case SL_TYPE_DOUBLE:
                if (w->kind == SL_AVRO_DOUBLE || w->kind == SL_AVRO_FLOAT) {
                        if (!rd_fixed(r, w->kind == SL_AVRO_DOUBLE ? 8 : 4, &p))
                                return truncated(r);
                        if (w->kind == SL_AVRO_DOUBLE) {
                                uint64_t bits = 0;
                                double d;
                                for (int i = 7; i >= 0; i--)
                                        bits = bits << 8 | p[i];
                                memcpy(&d, &bits, 8);
                                *out = sl_value_double(d);
                        } else {
                                uint32_t bits = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                                                (uint32_t)p[3] << 24;
                                float f;
                                memcpy(&f, &bits, 4);
                                *out = sl_value_double((double)f);
                        }
                        return SL_OK;
                }
                if ((w->kind == SL_AVRO_INT || w->kind == SL_AVRO_LONG) && w->logical == SL_AVRO_LT_NONE) {
                        if (!rd_long(r, &n))
                                return truncated(r);
                        *out = sl_value_double((double)n);
                        return SL_OK;
                }
                break;
        case SL_TYPE_DECIMAL: {
                sl_decimal d, res;
                sl_err_detail e2;
                if (w->logical != SL_AVRO_LT_DECIMAL)
                        break;
                if (w->kind == SL_AVRO_FIXED ? !rd_fixed(r, w->size, &p) : !rd_bytes(r, &p, &len))
                        return truncated(r);
                if (w->kind == SL_AVRO_FIXED)
                        len = w->size;
                if (len > 16)
                        return bad(r, "Avro decimal too large%s%s", "", "");
                d.unscaled = unscaled_of(p, len);
                d.precision = (uint8_t)(w->precision > 38 ? 38 : w->precision);
                d.scale = (uint8_t)w->scale;
                if (sl_decimal_rescale(d, t->precision, t->scale, &res, &e2) != SL_OK)
                        return sl_err_set(r->err, SL_ERR_SERDE, "%s", e2.message);
                *out = sl_value_decimal(res);
                return SL_OK;
        }
        case SL_TYPE_STRING:
                if (w->kind == SL_AVRO_STRING || w->kind == SL_AVRO_BYTES) {
                        if (!rd_bytes(r, &p, &len))
                                return truncated(r);
                        *out = sl_value_string_copy(r->arena, (const char *)p, len);
                        return SL_OK;
                }
                if ((w->kind == SL_AVRO_INT || w->kind == SL_AVRO_LONG) && w->logical == SL_AVRO_LT_NONE) {
                        /* ksqlDB's coercion of numbers to STRING */
                        char buf[32];
                        if (!rd_long(r, &n))
                                return truncated(r);
                        int k = snprintf(buf, sizeof(buf), "%lld", (long long)n);
                        *out = sl_value_string_copy(r->arena, buf, (size_t)k);
                        return SL_OK;
                }
                if (w->kind == SL_AVRO_BOOLEAN) {
                        if (!rd_fixed(r, 1, &p))
                                return truncated(r);
                        *out = sl_value_string_copy(r->arena, p[0] ? "true" : "false", p[0] ? 4 : 5);
                        return SL_OK;
                }
                if (w->kind == SL_AVRO_DOUBLE || w->kind == SL_AVRO_FLOAT) {
                        char buf[32];
                        sl_value d;
                        if ((rc = read_value(r, w, sl_type_double(), &d, depth + 1)) != SL_OK)
                                return rc;
                        size_t k = sl_value_fmt_double(d.u.f64, buf);
                        *out = sl_value_string_copy(r->arena, buf, k);
                        return SL_OK;
                }
                if (w->kind == SL_AVRO_ENUM) {
                        if (!rd_long(r, &n) || n < 0 || (size_t)n >= w->nsymbols)
                                return truncated(r);
                        *out = sl_value_string_copy(r->arena, w->symbols[n], strlen(w->symbols[n]));
                        return SL_OK;
                }
                break;
        case SL_TYPE_BYTES:
                if (w->kind == SL_AVRO_BYTES || w->kind == SL_AVRO_STRING) {
                        if (!rd_bytes(r, &p, &len))
                                return truncated(r);
                } else if (w->kind == SL_AVRO_FIXED) {
                        if (!rd_fixed(r, w->size, &p))
                                return truncated(r);
                        len = w->size;
                } else {
                        break;
                }
                *out = sl_value_bytes_copy(r->arena, p, len);
                return SL_OK;
        case SL_TYPE_DATE:
                if (w->kind != SL_AVRO_INT || (w->logical != SL_AVRO_LT_DATE && w->logical != SL_AVRO_LT_NONE))
                        break;
                if (!rd_long(r, &n))
                        return truncated(r);
                *out = sl_value_date((int32_t)n);
                return SL_OK;
        case SL_TYPE_TIME:
                if (w->logical == SL_AVRO_LT_TIME_MILLIS || (w->kind == SL_AVRO_INT && w->logical == SL_AVRO_LT_NONE)) {
                        if (!rd_long(r, &n))
                                return truncated(r);
                        *out = sl_value_time((int32_t)n);
                        return SL_OK;
                }
                if (w->logical == SL_AVRO_LT_TIME_MICROS) {
                        if (!rd_long(r, &n))
                                return truncated(r);
                        *out = sl_value_time((int32_t)(n / 1000));
                        return SL_OK;
                }
                break;
        case SL_TYPE_TIMESTAMP:
                if (w->kind != SL_AVRO_LONG)
                        break;
                if (!rd_long(r, &n))
                        return truncated(r);
                *out = sl_value_timestamp(w->logical == SL_AVRO_LT_TIMESTAMP_MICROS ? n / 1000 : n);
                return SL_OK;
        case SL_TYPE_ARRAY:
        case SL_TYPE_MAP: {
                sl_value *items = NULL;
                size_t count = 0;
                if ((t->kind == SL_TYPE_ARRAY) != (w->kind == SL_AVRO_ARRAY) ||
                    (t->kind == SL_TYPE_MAP && (w->kind != SL_AVRO_MAP || t->key->kind != SL_TYPE_STRING)))
                        break;
                if ((rc = read_blocks(r, w, t, &items, &count, depth)) != SL_OK)
                        return rc;
                *out = sl_value_composite(t, items, count);
                return SL_OK;
        }
        case SL_TYPE_STRUCT: {
                sl_value *items;
                if (w->kind != SL_AVRO_RECORD)
                        break;
                *out = sl_value_composite_new(r->arena, t, t->nfields, &items);
                for (size_t i = 0; i < w->nfields; i++) {
                        int k = struct_field(t, w->fields[i].name);
                        if (k < 0)
                                rc = skip(r, w->fields[i].type, depth + 1);
                        else
                                rc = read_value(r, w->fields[i].type, t->fields[k].type, &items[k], depth + 1);
                        if (rc != SL_OK)
                                return rc;
                }
                return SL_OK;
        }
        default:
                break;
        }
        return bad(r, "cannot convert Avro %s to %s", avro_name(w), type_name(t));
}

/* ---- writing ---- */

static void wr_long(sl_buf *out, int64_t v)
{
        uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
        uint8_t b[10];
        size_t n = 0;
        while (z >= 0x80) {
                b[n++] = (uint8_t)(z | 0x80);
                z >>= 7;
        }
        b[n++] = (uint8_t)z;
        sl_buf_append(out, b, n);
}

static void wr_bytes(sl_buf *out, const void *p, size_t n)
{
        wr_long(out, (int64_t)n);
        sl_buf_append(out, p, n);
}

/* Can a value of SQL type `t` be written as schema `w` (ignoring nulls)? */
static bool writable(const sl_avro *w, const sl_type *t)
{
        switch (t->kind) {
        case SL_TYPE_BOOLEAN: return w->kind == SL_AVRO_BOOLEAN;
        case SL_TYPE_INT: return (w->kind == SL_AVRO_INT || w->kind == SL_AVRO_LONG) && w->logical == SL_AVRO_LT_NONE;
        case SL_TYPE_BIGINT: return w->kind == SL_AVRO_LONG && w->logical == SL_AVRO_LT_NONE;
        case SL_TYPE_DOUBLE: return w->kind == SL_AVRO_DOUBLE || w->kind == SL_AVRO_FLOAT;
        case SL_TYPE_DECIMAL: return w->logical == SL_AVRO_LT_DECIMAL;
        case SL_TYPE_STRING: return w->kind == SL_AVRO_STRING || w->kind == SL_AVRO_ENUM;
        case SL_TYPE_BYTES: return w->kind == SL_AVRO_BYTES || w->kind == SL_AVRO_FIXED;
        case SL_TYPE_DATE: return w->kind == SL_AVRO_INT && w->logical != SL_AVRO_LT_TIME_MILLIS;
        case SL_TYPE_TIME: return w->logical == SL_AVRO_LT_TIME_MILLIS || w->logical == SL_AVRO_LT_TIME_MICROS;
        case SL_TYPE_TIMESTAMP:
                return w->logical == SL_AVRO_LT_TIMESTAMP_MILLIS || w->logical == SL_AVRO_LT_TIMESTAMP_MICROS ||
                       (w->kind == SL_AVRO_LONG && w->logical == SL_AVRO_LT_NONE);
        case SL_TYPE_ARRAY: return w->kind == SL_AVRO_ARRAY;
        case SL_TYPE_MAP: return w->kind == SL_AVRO_MAP;
        case SL_TYPE_STRUCT: return w->kind == SL_AVRO_RECORD;
        default: return false;
        }
}

static sl_err write_value(sl_buf *out, const sl_avro *w, const sl_type *t, const sl_value *v, sl_err_detail *err,
                          int depth);

/* Writes a field's default (JSON, as the schema gives it; a union's is of its first branch). */
static sl_err write_default(sl_buf *out, const sl_avro *w, json_t *j, sl_err_detail *err, int depth)
{
        if (depth > 64)
                return sl_err_set(err, SL_ERR_SERDE, "default nested too deeply");
        switch (w->kind) {
        case SL_AVRO_NULL: return SL_OK;
        case SL_AVRO_BOOLEAN: sl_buf_append_u8(out, json_is_true(j)); return SL_OK;
        case SL_AVRO_INT:
        case SL_AVRO_LONG: wr_long(out, (int64_t)json_integer_value(j)); return SL_OK;
        case SL_AVRO_FLOAT:
        case SL_AVRO_DOUBLE: {
                sl_value d = sl_value_double(json_number_value(j));
                return write_value(out, w, sl_type_double(), &d, err, depth + 1);
        }
        case SL_AVRO_STRING:
        case SL_AVRO_BYTES:
        case SL_AVRO_FIXED: {
                const char *s = json_string_value(j);
                size_t n = s ? json_string_length(j) : 0;
                if (w->kind == SL_AVRO_FIXED) {
                        for (size_t i = 0; i < w->size; i++)
                                sl_buf_append_u8(out, i < n ? (uint8_t)s[i] : 0);
                } else {
                        wr_bytes(out, s ? s : "", n);
                }
                return SL_OK;
        }
        case SL_AVRO_ENUM: {
                const char *s = json_string_value(j);
                for (size_t i = 0; s && i < w->nsymbols; i++)
                        if (strcmp(w->symbols[i], s) == 0) {
                                wr_long(out, (int64_t)i);
                                return SL_OK;
                        }
                return sl_err_set(err, SL_ERR_SERDE, "bad default for Avro enum %s", w->name);
        }
        case SL_AVRO_ARRAY:
        case SL_AVRO_MAP: {
                size_t n = w->kind == SL_AVRO_ARRAY ? json_array_size(j) : json_object_size(j);
                if (n) {
                        wr_long(out, (int64_t)n);
                        if (w->kind == SL_AVRO_ARRAY) {
                                for (size_t i = 0; i < n; i++) {
                                        sl_err rc = write_default(out, w->items, json_array_get(j, i), err, depth + 1);
                                        if (rc != SL_OK)
                                                return rc;
                                }
                        } else {
                                const char *k;
                                json_t *v;
                                json_object_foreach(j, k, v) {
                                        wr_bytes(out, k, strlen(k));
                                        sl_err rc = write_default(out, w->items, v, err, depth + 1);
                                        if (rc != SL_OK)
                                                return rc;
                                }
                        }
                }
                wr_long(out, 0);
                return SL_OK;
        }
        case SL_AVRO_RECORD:
                for (size_t i = 0; i < w->nfields; i++) {
                        json_t *v = json_object_get(j, w->fields[i].name);
                        json_t *fd = NULL;
                        if (!v && w->fields[i].default_json)
                                v = fd = json_loads(w->fields[i].default_json, JSON_DECODE_ANY, NULL);
                        sl_err rc = write_default(out, w->fields[i].type, v, err, depth + 1);
                        json_decref(fd);
                        if (rc != SL_OK)
                                return rc;
                }
                return SL_OK;
        case SL_AVRO_UNION:
                wr_long(out, 0);
                return write_default(out, w->branches[0], j, err, depth + 1);
        }
        return sl_err_set(err, SL_ERR_SERDE, "bad Avro default");
}

/* Writes field `f` of a record: the value, or its default when the value is NULL and the field's
 * schema has no null to write. */
static sl_err write_field(sl_buf *out, const sl_avro_field *f, const sl_type *t, const sl_value *v, sl_err_detail *err,
                          int depth)
{
        if (sl_value_is_null(v) && f->default_json) {
                bool nullable = f->type->kind == SL_AVRO_NULL;
                for (size_t i = 0; f->type->kind == SL_AVRO_UNION && i < f->type->nbranches; i++)
                        nullable = nullable || f->type->branches[i]->kind == SL_AVRO_NULL;
                if (!nullable) {
                        json_t *j = json_loads(f->default_json, JSON_DECODE_ANY, NULL);
                        sl_err rc = write_default(out, f->type, j, err, depth);
                        json_decref(j);
                        return rc;
                }
        }
        return write_value(out, f->type, t, v, err, depth);
}

static sl_err write_union(sl_buf *out, const sl_avro *w, const sl_type *t, const sl_value *v, sl_err_detail *err,
                          int depth)
{
        for (size_t i = 0; i < w->nbranches; i++) {
                const sl_avro *b = w->branches[i];
                if (sl_value_is_null(v) ? b->kind == SL_AVRO_NULL : (b->kind != SL_AVRO_NULL && writable(b, t))) {
                        wr_long(out, (int64_t)i);
                        return write_value(out, b, t, v, err, depth + 1);
                }
        }
        if (sl_value_is_null(v))
                return sl_err_set(err, SL_ERR_SERDE, "null value for a non-optional Avro schema");
        return sl_err_set(err, SL_ERR_SERDE, "no branch of the Avro union can hold %s", type_name(t));
}

static sl_err write_value(sl_buf *out, const sl_avro *w, const sl_type *t, const sl_value *v, sl_err_detail *err,
                          int depth)
{
        if (depth > 64)
                return sl_err_set(err, SL_ERR_SERDE, "value nested too deeply");
        if (w->kind == SL_AVRO_UNION)
                return write_union(out, w, t, v, err, depth);
        if (w->kind == SL_AVRO_NULL)
                return sl_value_is_null(v) ? SL_OK : sl_err_set(err, SL_ERR_SERDE, "non-null value for Avro null");
        if (sl_value_is_null(v))
                return sl_err_set(err, SL_ERR_SERDE, "null value for a non-optional Avro %s", avro_name(w));
        if (!writable(w, t))
                return sl_err_set(err, SL_ERR_SERDE, "cannot write %s as Avro %s", type_name(t), avro_name(w));
        switch (t->kind) {
        case SL_TYPE_BOOLEAN: sl_buf_append_u8(out, v->u.b ? 1 : 0); return SL_OK;
        case SL_TYPE_INT:
        case SL_TYPE_DATE: wr_long(out, v->u.i32); return SL_OK;
        case SL_TYPE_BIGINT: wr_long(out, v->u.i64); return SL_OK;
        case SL_TYPE_TIME:
                wr_long(out, w->logical == SL_AVRO_LT_TIME_MICROS ? (int64_t)v->u.i32 * 1000 : v->u.i32);
                return SL_OK;
        case SL_TYPE_TIMESTAMP:
                wr_long(out, w->logical == SL_AVRO_LT_TIMESTAMP_MICROS ? v->u.i64 * 1000 : v->u.i64);
                return SL_OK;
        case SL_TYPE_DOUBLE: {
                uint8_t b[8];
                if (w->kind == SL_AVRO_FLOAT) {
                        float f = (float)v->u.f64;
                        uint32_t bits;
                        memcpy(&bits, &f, 4);
                        for (int i = 0; i < 4; i++)
                                b[i] = (uint8_t)(bits >> (8 * i));
                        sl_buf_append(out, b, 4);
                } else {
                        uint64_t bits;
                        memcpy(&bits, &v->u.f64, 8);
                        for (int i = 0; i < 8; i++)
                                b[i] = (uint8_t)(bits >> (8 * i));
                        sl_buf_append(out, b, 8);
                }
                return SL_OK;
        }
        case SL_TYPE_DECIMAL: {
                sl_decimal d = sl_value_get_decimal(v);
                sl_err_detail e2;
                uint8_t b[16];
                size_t start = 0;
                if (d.scale != w->scale &&
                    sl_decimal_rescale(d, w->precision > 38 ? 38 : w->precision, w->scale, &d, &e2) != SL_OK)
                        return sl_err_set(err, SL_ERR_SERDE, "%s", e2.message);
                for (int i = 15; i >= 0; i--)
                        b[15 - i] = (uint8_t)((unsigned __int128)d.unscaled >> (8 * i));
                /* minimal two's complement, as Java's BigInteger.toByteArray */
                while (start < 15 && ((b[start] == 0 && !(b[start + 1] & 0x80)) ||
                                      (b[start] == 0xff && (b[start + 1] & 0x80))))
                        start++;
                if (w->kind == SL_AVRO_FIXED) {
                        if (16 - start > w->size)
                                return sl_err_set(err, SL_ERR_SERDE, "decimal does not fit Avro fixed");
                        for (size_t i = 16 - start; i < w->size; i++)
                                sl_buf_append_u8(out, (d.unscaled < 0) ? 0xff : 0);
                        sl_buf_append(out, b + start, 16 - start);
                } else {
                        wr_bytes(out, b + start, 16 - start);
                }
                return SL_OK;
        }
        case SL_TYPE_STRING:
                if (w->kind == SL_AVRO_ENUM) {
                        for (size_t i = 0; i < w->nsymbols; i++)
                                if (strlen(w->symbols[i]) == v->len && memcmp(w->symbols[i], v->u.bytes, v->len) == 0) {
                                        wr_long(out, (int64_t)i);
                                        return SL_OK;
                                }
                        return sl_err_set(err, SL_ERR_SERDE, "'%.*s' is not a symbol of Avro enum %s", (int)v->len,
                                          (const char *)v->u.bytes, w->name);
                }
                wr_bytes(out, v->u.bytes, v->len);
                return SL_OK;
        case SL_TYPE_BYTES:
                if (w->kind == SL_AVRO_FIXED) {
                        if (v->len != w->size)
                                return sl_err_set(err, SL_ERR_SERDE, "BYTES of length %u for Avro fixed(%zu)",
                                                  v->len, w->size);
                        sl_buf_append(out, v->u.bytes, v->len);
                } else {
                        wr_bytes(out, v->u.bytes, v->len);
                }
                return SL_OK;
        case SL_TYPE_ARRAY:
        case SL_TYPE_MAP: {
                bool map = t->kind == SL_TYPE_MAP;
                if (v->len) {
                        wr_long(out, v->len);
                        for (uint32_t i = 0; i < v->len; i++) {
                                const sl_value *item = map ? &v->u.comp.items[2 * i + 1] : &v->u.comp.items[i];
                                if (map) {
                                        const sl_value *k = &v->u.comp.items[2 * i];
                                        if (k->kind != SL_TYPE_STRING)
                                                return sl_err_set(err, SL_ERR_SERDE, "Avro only supports MAPs with STRING keys");
                                        wr_bytes(out, k->u.bytes, k->len);
                                }
                                sl_err rc = write_value(out, w->items, t->elem, item, err, depth + 1);
                                if (rc != SL_OK)
                                        return rc;
                        }
                }
                wr_long(out, 0);
                return SL_OK;
        }
        case SL_TYPE_STRUCT:
                for (size_t i = 0; i < w->nfields; i++) {
                        int k = struct_field(t, w->fields[i].name);
                        sl_value nul = sl_value_null();
                        sl_err rc = write_field(out, &w->fields[i], k < 0 ? NULL : t->fields[k].type,
                                                k < 0 ? &nul : &v->u.comp.items[k], err, depth + 1);
                        if (rc != SL_OK)
                                return rc;
                }
                return SL_OK;
        default:
                return sl_err_set(err, SL_ERR_SERDE, "cannot write %s as Avro", type_name(t));
        }
}

/* ---- the registry side ---- */

static avro_state *state_of(const sl_serde *serde)
{
        return (avro_state *)serde->state;
}

/* JSON Schema of a SQL type (JSON_SR), nullable as ksqlDB writes it. */
static void json_schema(sl_str *out, const sl_type *t)
{
        sl_str_append(out, "{\"oneOf\":[{\"type\":\"null\"},");
        switch (t->kind) {
        case SL_TYPE_BOOLEAN: sl_str_append(out, "{\"type\":\"boolean\"}"); break;
        case SL_TYPE_INT: sl_str_append(out, "{\"type\":\"integer\",\"connect.type\":\"int32\"}"); break;
        case SL_TYPE_BIGINT: sl_str_append(out, "{\"type\":\"integer\",\"connect.type\":\"int64\"}"); break;
        case SL_TYPE_DOUBLE: sl_str_append(out, "{\"type\":\"number\",\"connect.type\":\"float64\"}"); break;
        case SL_TYPE_DECIMAL:
                sl_str_appendf(out,
                               "{\"type\":\"number\",\"title\":\"org.apache.kafka.connect.data.Decimal\","
                               "\"connect.version\":1,\"connect.type\":\"bytes\",\"connect.parameters\":"
                               "{\"scale\":\"%d\",\"connect.decimal.precision\":\"%d\"}}",
                               t->scale, t->precision);
                break;
        case SL_TYPE_BYTES: sl_str_append(out, "{\"type\":\"string\",\"connect.type\":\"bytes\"}"); break;
        case SL_TYPE_DATE:
                sl_str_append(out, "{\"type\":\"integer\",\"title\":\"org.apache.kafka.connect.data.Date\","
                                   "\"connect.version\":1,\"connect.type\":\"int32\"}");
                break;
        case SL_TYPE_TIME:
                sl_str_append(out, "{\"type\":\"integer\",\"title\":\"org.apache.kafka.connect.data.Time\","
                                   "\"connect.version\":1,\"connect.type\":\"int32\"}");
                break;
        case SL_TYPE_TIMESTAMP:
                sl_str_append(out, "{\"type\":\"integer\",\"title\":\"org.apache.kafka.connect.data.Timestamp\","
                                   "\"connect.version\":1,\"connect.type\":\"int64\"}");
                break;
        case SL_TYPE_ARRAY:
                sl_str_append(out, "{\"type\":\"array\",\"items\":");
                json_schema(out, t->elem);
                sl_str_append(out, "}");
                break;
        case SL_TYPE_MAP:
                sl_str_append(out, "{\"type\":\"object\",\"additionalProperties\":");
                json_schema(out, t->elem);
                sl_str_append(out, ",\"connect.type\":\"map\"}");
                break;
        case SL_TYPE_STRUCT:
                sl_str_append(out, "{\"type\":\"object\",\"properties\":{");
                for (size_t i = 0; i < t->nfields; i++) {
                        sl_str_appendf(out, "%s\"%s\":", i ? "," : "", t->fields[i].name);
                        json_schema(out, t->fields[i].type);
                }
                sl_str_append(out, "}}");
                break;
        default: sl_str_append(out, "{\"type\":\"string\"}"); break;
        }
        sl_str_append(out, "]}");
}

/* Can `w` (or a branch of it) hold a non-null `t`? */
static bool holds(const sl_avro *w, const sl_type *t)
{
        bool ok = writable(w, t);
        for (size_t i = 0; w->kind == SL_AVRO_UNION && i < w->nbranches; i++)
                ok = ok || writable(w->branches[i], t);
        return ok;
}

/* The record the rows are written as (the first record branch of a union), or NULL. */
static const sl_avro *own_record(const sl_avro *w)
{
        for (size_t i = 0; w->kind == SL_AVRO_UNION && i < w->nbranches; i++)
                if (w->branches[i]->kind == SL_AVRO_RECORD)
                        return w->branches[i];
        return w->kind == SL_AVRO_RECORD ? w : NULL;
}

/* Does `w` hold every column of `serde` (each a field by name, or the unwrapped value)? */
static bool holds_columns(const sl_serde *serde, const sl_avro *w)
{
        const sl_avro *rec = own_record(w);

        if (serde->unwrapped && serde->ncolumns == 1)
                return holds(w, serde->columns[0].type);
        if (!rec)
                return false;
        for (size_t c = 0; c < serde->ncolumns; c++) {
                const char *name = serde->columns[c].name;
                int found = -1;
                for (size_t i = 0; i < rec->nfields && found < 0; i++)
                        if (strcasecmp(rec->fields[i].name, name) == 0)
                                found = (int)i;
                if (found < 0 || !holds(rec->fields[found].type, serde->columns[c].type))
                        return false;
        }
        return true;
}

/* Parses st->own_text as the schema rows are written with, and maps its fields to columns. */
static sl_err own_schema(const sl_serde *serde, avro_state *st, sl_err_detail *err)
{
        sl_err rc = sl_avro_parse(&st->arena, st->own_text, &st->own, err);
        if (rc != SL_OK) {
                char why[sizeof(err->message)];
                if (err && serde->schema_id <= 0) {
                        snprintf(why, sizeof(why), "%s", err->message);
                        sl_err_set(err, rc, "Schema is not compatible with Avro: %s", why);
                }
                return rc;
        }
        const sl_avro *rec = own_record(st->own);
        st->own_col = NULL;
        if (rec) {
                const char **names = sl_calloc(serde->ncolumns + 1, sizeof(*names));
                for (size_t k = 0; k < serde->ncolumns; k++)
                        names[k] = serde->columns[k].name;
                int *map = sl_arena_calloc(&st->arena, rec->nfields + 1, sizeof(int));
                for (size_t i = 0; i < rec->nfields; i++)
                        map[i] = match_name(rec->fields[i].name, names, serde->ncolumns);
                st->own_col = map;
                sl_free(names);
        }
        /* a given schema must be able to hold the columns */
        if (serde->unwrapped && serde->ncolumns == 1 && !holds(st->own, serde->columns[0].type))
                return sl_err_set(err, SL_ERR_INVALID, "the Avro schema cannot hold a %s", type_name(serde->columns[0].type));
        return SL_OK;
}

static sl_err state_new(sl_serde *serde, sl_err_detail *err)
{
        avro_state *st = sl_calloc(1, sizeof(*st));
        sl_str text;

        pthread_mutex_init(&st->lock, NULL);
        sl_arena_init(&st->arena, 0);
        serde->state = st;
        if (serde->schema_id > 0) {
                if (!serde->registry)
                        return sl_err_set(err, SL_ERR_INVALID, "a schema id needs a schema registry");
                sl_err rc = serde->registry->schema_by_id(serde->registry, serde->schema_id, &st->own_text, err);
                if (rc != SL_OK)
                        return rc;
                st->id = serde->schema_id;
        } else {
                sl_str_init(&text);
                if (serde->format == SL_SERDE_AVRO) {
                        sl_avro_schema_of_columns(&text, serde->columns, serde->ncolumns, serde->unwrapped,
                                                  serde->full_name);
                } else if (serde->unwrapped) {
                        json_schema(&text, serde->columns[0].type);
                } else {
                        sl_str_append(&text, "{\"type\":\"object\",\"properties\":{");
                        for (size_t i = 0; i < serde->ncolumns; i++) {
                                sl_str_appendf(&text, "%s\"%s\":", i ? "," : "", serde->columns[i].name);
                                json_schema(&text, serde->columns[i].type);
                        }
                        sl_str_append(&text, "}}");
                }
                st->own_text = sl_str_detach(&text);
        }
        if (serde->format == SL_SERDE_AVRO)
                return own_schema(serde, st, err);
        return SL_OK;
}

static void state_release(sl_serde *serde)
{
        avro_state *st = state_of(serde);
        if (!st)
                return;
        pthread_mutex_destroy(&st->lock);
        sl_arena_deinit(&st->arena);
        sl_free(st->own_text);
        sl_free(st);
        serde->state = NULL;
}

static sl_err registry_prepare(const sl_serde *serde, sl_err_detail *err)
{
        avro_state *st = state_of(serde);
        sl_err rc = SL_OK;
        int32_t id;

        if (__atomic_load_n(&st->id, __ATOMIC_ACQUIRE) > 0)
                return SL_OK;
        if (!serde->registry)
                return sl_err_set(err, SL_ERR_INVALID, "the %s format needs a schema registry (ksql.schema.registry.url)",
                                  sl_serde_format_name(serde->format));
        if (!serde->subject)
                return sl_err_set(err, SL_ERR_INVALID, "no subject to register the %s schema under",
                                  sl_serde_format_name(serde->format));
        pthread_mutex_lock(&st->lock);
        if (st->id == 0 && serde->prefer_latest && serde->format == SL_SERDE_AVRO) {
                /* INSERT VALUES: the subject's latest schema when it holds the columns (a source
                 * whose columns were inferred), as ksqlDB writes with the source's schema */
                char *text = NULL;
                sl_arena tmp;
                const sl_avro *latest;
                sl_arena_init(&tmp, 0);
                if (serde->registry->latest(serde->registry, serde->subject, &id, &text, NULL) == SL_OK &&
                    sl_avro_parse(&tmp, text, &latest, NULL) == SL_OK && holds_columns(serde, latest)) {
                        char *old = st->own_text;
                        st->own_text = text;
                        text = old;
                        if ((rc = own_schema(serde, st, err)) == SL_OK)
                                __atomic_store_n(&st->id, id, __ATOMIC_RELEASE);
                }
                sl_arena_deinit(&tmp);
                sl_free(text);
        }
        if (st->id == 0 && rc == SL_OK) {
                rc = serde->registry->register_schema(serde->registry, serde->subject,
                                                      serde->format == SL_SERDE_AVRO ? "AVRO" : "JSON", st->own_text,
                                                      &id, err);
                if (rc == SL_OK)
                        __atomic_store_n(&st->id, id, __ATOMIC_RELEASE);
        }
        pthread_mutex_unlock(&st->lock);
        return rc;
}

/* The writer schema of `id`, parsed and cached. */
static sl_err writer_of(const sl_serde *serde, int32_t id, const writer **out, sl_err_detail *err)
{
        avro_state *st = state_of(serde);
        sl_err rc = SL_OK;
        char *text = NULL;
        const writer *last = __atomic_load_n(&st->last, __ATOMIC_ACQUIRE);

        /* the common case, one writer schema for a while: no lock */
        if (last && last->id == id) {
                *out = last;
                return SL_OK;
        }
        pthread_mutex_lock(&st->lock);
        for (size_t i = 0; i < st->nwriters; i++)
                if (st->writers[i].id == id) {
                        *out = &st->writers[i];
                        goto done;
                }
        if (!serde->registry) {
                rc = sl_err_set(err, SL_ERR_SERDE, "the AVRO format needs a schema registry");
                goto done;
        }
        if ((rc = serde->registry->schema_by_id(serde->registry, id, &text, err)) != SL_OK) {
                if (rc == SL_ERR_NOT_FOUND)
                        rc = sl_err_set(err, SL_ERR_SERDE, "Schema %d not found", (int)id);
                else if (err)
                        err->code = rc = SL_ERR_SERDE;
                goto done;
        }
        writer w = {.id = id};
        if ((rc = sl_avro_parse(&st->arena, text, &w.schema, err)) != SL_OK) {
                if (err)
                        err->code = rc = SL_ERR_SERDE;
                goto done;
        }
        if (w.schema->kind == SL_AVRO_RECORD && !serde->unwrapped) {
                const char **names = sl_calloc(serde->ncolumns + 1, sizeof(*names));
                for (size_t i = 0; i < serde->ncolumns; i++)
                        names[i] = serde->columns[i].name;
                w.field_col = sl_arena_calloc(&st->arena, w.schema->nfields + 1, sizeof(int));
                for (size_t i = 0; i < w.schema->nfields; i++)
                        w.field_col[i] = match_name(w.schema->fields[i].name, names, serde->ncolumns);
                sl_free(names);
        }
        /* entries never move once handed out: grow by copying into the arena */
        writer *nw = sl_arena_calloc(&st->arena, st->nwriters + 1, sizeof(*nw));
        if (st->nwriters)
                memcpy(nw, st->writers, st->nwriters * sizeof(*nw));
        nw[st->nwriters] = w;
        *out = &nw[st->nwriters];
        /* the old array stays valid (arena) for pointers already handed out */
        st->writers = nw;
        st->nwriters++;
done:
        if (rc == SL_OK)
                __atomic_store_n(&st->last, *out, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&st->lock);
        sl_free(text);
        return rc;
}

static sl_err read_header(const sl_serde *serde, sl_slice in, int32_t *id, sl_err_detail *err)
{
        *id = 0;
        if (in.len < 5 || in.ptr[0] != 0)
                return sl_err_set(err, SL_ERR_SERDE, "Unknown magic byte!");
        (void)serde;
        *id = (int32_t)sl_load_be32(in.ptr + 1);
        return SL_OK;
}

/* ---- AVRO ops ---- */

static bool avro_type_ok(const sl_type *t)
{
        switch (t->kind) {
        case SL_TYPE_MAP: return t->key->kind == SL_TYPE_STRING && avro_type_ok(t->elem);
        case SL_TYPE_ARRAY: return avro_type_ok(t->elem);
        case SL_TYPE_STRUCT:
                for (size_t i = 0; i < t->nfields; i++)
                        if (!avro_type_ok(t->fields[i].type))
                                return false;
                return true;
        default: return t->kind != SL_TYPE_NULL;
        }
}

static sl_err avro_check(sl_serde *serde, sl_err_detail *err)
{
        for (size_t i = 0; i < serde->ncolumns; i++)
                if (!avro_type_ok(serde->columns[i].type))
                        return sl_err_set(err, SL_ERR_UNSUPPORTED, "Avro only supports MAPs with STRING keys");
        return state_new(serde, err);
}

static sl_err avro_decode(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                          sl_value *row, bool *row_null, sl_err_detail *err)
{
        const writer *w = NULL;
        int32_t id = 0;
        sl_err rc;
        rd r = {.p = in.ptr + 5, .end = in.ptr + in.len, .arena = arena, .err = err};

        (void)scratch;
        if (serde->ncolumns == 0)
                return SL_OK;  /* nothing to read (a stream without key columns) */
        if ((rc = read_header(serde, in, &id, err)) != SL_OK)
                return rc;
        if ((rc = writer_of(serde, id, &w, err)) != SL_OK)
                return rc;
        const sl_avro *s = w->schema;
        if (serde->unwrapped || serde->ncolumns == 0) {
                if (serde->ncolumns == 0)
                        return SL_OK;
                if (s->kind == SL_AVRO_NULL || (s->kind == SL_AVRO_UNION && r.p < r.end && r.p[0] == 0 &&
                                                s->branches[0]->kind == SL_AVRO_NULL)) {
                        *row_null = true;
                        return SL_OK;
                }
                rc = read_value(&r, s, serde->columns[0].type, &row[0], 0);
        } else {
                /* a nullable top-level record: the null branch is a null row */
                int64_t b;
                if (s->kind == SL_AVRO_UNION) {
                        if (!rd_long(&r, &b) || b < 0 || (size_t)b >= s->nbranches)
                                return truncated(&r);
                        s = s->branches[b];
                        if (s->kind == SL_AVRO_NULL) {
                                *row_null = true;
                                return SL_OK;
                        }
                }
                if (s->kind != SL_AVRO_RECORD) {
                        /* a non-record writer for one wrapped column (e.g. a primitive key schema) */
                        if (serde->ncolumns != 1)
                                return sl_err_set(err, SL_ERR_SERDE, "expected an Avro record, got %s", avro_name(s));
                        rc = read_value(&r, s, serde->columns[0].type, &row[0], 0);
                } else {
                        rc = SL_OK;
                        for (size_t i = 0; i < s->nfields && rc == SL_OK; i++) {
                                int c = s == w->schema ? w->field_col[i] : -1;
                                if (s != w->schema) {
                                        const char **names = sl_arena_calloc(arena, serde->ncolumns + 1, sizeof(*names));
                                        for (size_t k = 0; k < serde->ncolumns; k++)
                                                names[k] = serde->columns[k].name;
                                        c = match_name(s->fields[i].name, names, serde->ncolumns);
                                }
                                if (c < 0)
                                        rc = skip(&r, s->fields[i].type, 0);
                                else
                                        rc = read_value(&r, s->fields[i].type, serde->columns[c].type, &row[c], 0);
                        }
                }
        }
        if (rc == SL_OK && r.p != r.end)
                rc = sl_err_set(err, SL_ERR_SERDE, "malformed Avro data: %zu bytes after the record",
                                (size_t)(r.end - r.p));
        return rc;
}

/* Starts a Schema Registry framed value in `out`: an unwrapped NULL sets *out_null and writes
 * nothing (*framed false); otherwise registers the schema and writes the magic byte and the schema
 * id (*framed true). */
static sl_err sr_frame(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null, bool *framed,
                       sl_err_detail *err)
{
        avro_state *st = state_of(serde);
        sl_err rc;

        *framed = false;
        if (serde->unwrapped && serde->ncolumns == 1 && sl_value_is_null(&row[0])) {
                *out_null = true;
                return SL_OK;
        }
        if ((rc = registry_prepare(serde, err)) != SL_OK)
                return rc;
        sl_buf_append_u8(out, 0);
        sl_buf_append_be32(out, (uint32_t)__atomic_load_n(&st->id, __ATOMIC_ACQUIRE));
        *framed = true;
        return SL_OK;
}

static sl_err avro_encode(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                          sl_err_detail *err)
{
        avro_state *st = state_of(serde);
        size_t start = out->len;
        bool framed;
        sl_err rc;

        if ((rc = sr_frame(serde, row, out, out_null, &framed, err)) != SL_OK || !framed)
                return rc;
        if (serde->unwrapped && serde->ncolumns == 1) {
                rc = write_value(out, st->own, serde->columns[0].type, &row[0], err, 0);
        } else {
                const sl_avro *w = st->own;
                if (w->kind == SL_AVRO_UNION) {
                        size_t i = 0;
                        while (i < w->nbranches && w->branches[i]->kind != SL_AVRO_RECORD)
                                i++;
                        if (i == w->nbranches) {
                                rc = sl_err_set(err, SL_ERR_SERDE, "the Avro schema has no record");
                                goto out;
                        }
                        wr_long(out, (int64_t)i);
                        w = w->branches[i];
                }
                if (w->kind != SL_AVRO_RECORD) {
                        if (serde->ncolumns == 1)
                                rc = write_value(out, w, serde->columns[0].type, &row[0], err, 0);
                        else
                                rc = sl_err_set(err, SL_ERR_SERDE, "the Avro schema is not a record");
                        goto out;
                }
                rc = SL_OK;
                for (size_t i = 0; i < w->nfields && rc == SL_OK; i++) {
                        int c = st->own_col ? st->own_col[i] : -1;
                        sl_value nul = sl_value_null();
                        rc = write_field(out, &w->fields[i], c < 0 ? NULL : serde->columns[c].type,
                                         c < 0 ? &nul : &row[c], err, 0);
                }
        }
out:
        if (rc != SL_OK)
                out->len = start;
        return rc;
}

const sl_serde_ops sl_serde_avro_ops = {
        .check = avro_check,
        .decode = avro_decode,
        .encode = avro_encode,
        .prepare = registry_prepare,
        .release = state_release,
};

/* ---- JSON_SR ops: the header, then the JSON serde ---- */

static sl_err json_sr_check(sl_serde *serde, sl_err_detail *err)
{
        sl_err rc = sl_serde_json_ops.check(serde, err);
        if (rc != SL_OK)
                return rc;
        return state_new(serde, err);
}

static sl_err json_sr_decode(const sl_serde *serde, sl_slice in, sl_arena *arena, sl_serde_scratch *scratch,
                             sl_value *row, bool *row_null, sl_err_detail *err)
{
        int32_t id;
        if (serde->ncolumns == 0)
                return SL_OK;
        sl_err rc = read_header(serde, in, &id, err);
        if (rc != SL_OK)
                return rc;
        return sl_serde_json_ops.decode(serde, SL_SLICE(in.ptr + 5, in.len - 5), arena, scratch, row, row_null, err);
}

static sl_err json_sr_encode(const sl_serde *serde, const sl_value *row, sl_buf *out, bool *out_null,
                             sl_err_detail *err)
{
        size_t start = out->len;
        bool framed;
        sl_err rc;

        if ((rc = sr_frame(serde, row, out, out_null, &framed, err)) != SL_OK || !framed)
                return rc;
        rc = sl_serde_json_ops.encode(serde, row, out, out_null, err);
        if (rc != SL_OK || *out_null)
                out->len = start;
        return rc;
}

const sl_serde_ops sl_serde_json_sr_ops = {
        .check = json_sr_check,
        .decode = json_sr_decode,
        .encode = json_sr_encode,
        .prepare = registry_prepare,
        .release = state_release,
};

const char *sl_serde_schema_text(const sl_serde *serde)
{
        if (serde->format != SL_SERDE_AVRO && serde->format != SL_SERDE_JSON_SR)
                return NULL;
        avro_state *st = state_of(serde);
        return st ? st->own_text : NULL;
}
