/* avro_schema.c: Avro schema JSON to the sl_avro tree (with logical types), the schema of a row of
 * ksqlDB columns, column types inferred from a schema, and Avro's schema resolution rules as the
 * schema registry's compatibility levels use them. See avro.h. */
#include "serde/avro.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"

/* A named type defined so far while parsing, for references by name. */
typedef struct named {
        const char *full;  /* namespace.name */
        sl_avro *schema;
        struct named *next;
} named;

/* Parse state. */
typedef struct parser {
        sl_arena *arena;      /* the result's */
        named *names;         /* defined named types (in arena) */
        sl_err_detail *err;
        int depth;            /* nesting, bounded against hostile input */
} parser;

static const sl_avro *parse_node(parser *p, json_t *j, const char *ns);

static const char *primitive_names[] = {
        [SL_AVRO_NULL] = "null",   [SL_AVRO_BOOLEAN] = "boolean", [SL_AVRO_INT] = "int",
        [SL_AVRO_LONG] = "long",   [SL_AVRO_FLOAT] = "float",     [SL_AVRO_DOUBLE] = "double",
        [SL_AVRO_BYTES] = "bytes", [SL_AVRO_STRING] = "string",
};

static const char *kind_name(sl_avro_kind kind)
{
        static const char *names[] = {"null",   "boolean", "int",   "long",  "float", "double", "bytes",
                                      "string", "record",  "enum",  "array", "map",   "union",  "fixed"};
        return names[kind];
}

static bool valid_name(const char *s)
{
        if (!s || !*s)
                return false;
        for (const char *c = s; *c; c++) {
                bool alpha = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '_';
                bool digit = *c >= '0' && *c <= '9';
                if (!(alpha || (digit && c != s) || (*c == '.' && c != s && c[1] && c[1] != '.')))
                        return false;
        }
        return true;
}

static const char *full_name(parser *p, const char *name, const char *ns)
{
        if (strchr(name, '.') || !ns || !*ns)
                return sl_arena_strdup(p->arena, name);
        return sl_arena_sprintf(p->arena, "%s.%s", ns, name);
}

static sl_avro *lookup(parser *p, const char *name, const char *ns)
{
        const char *full = strchr(name, '.') || !ns || !*ns ? name : NULL;
        char buf[512];

        if (!full) {
                snprintf(buf, sizeof(buf), "%s.%s", ns, name);
                full = buf;
        }
        for (named *n = p->names; n; n = n->next)
                if (strcmp(n->full, full) == 0)
                        return n->schema;
        /* an unqualified reference may also name a type of the null namespace */
        for (named *n = p->names; n; n = n->next)
                if (strcmp(n->full, name) == 0)
                        return n->schema;
        return NULL;
}

static sl_avro *new_node(parser *p, sl_avro_kind kind)
{
        sl_avro *s = sl_arena_calloc(p->arena, 1, sizeof(*s));
        s->kind = kind;
        return s;
}

static const sl_avro *fail(parser *p, const char *fmt, const char *arg)
{
        if (p->err && p->err->code == SL_OK)
                sl_err_set(p->err, SL_ERR_INVALID, fmt, arg ? arg : "");
        return NULL;
}

static bool define(parser *p, sl_avro *s, json_t *j, const char *ns, const char **out_ns)
{
        const char *name = json_string_value(json_object_get(j, "name"));
        const char *space = json_string_value(json_object_get(j, "namespace"));

        if (!valid_name(name)) {
                fail(p, "Invalid name: %s", name ? name : "(missing)");
                return false;
        }
        if (space && *space)
                ns = space;
        s->name = full_name(p, name, ns);
        for (named *n = p->names; n; n = n->next)
                if (strcmp(n->full, s->name) == 0) {
                        fail(p, "Can't redefine: %s", s->name);
                        return false;
                }
        named *n = sl_arena_calloc(p->arena, 1, sizeof(*n));
        n->full = s->name;
        n->schema = s;
        n->next = p->names;
        p->names = n;
        /* the namespace of nested definitions is the one of the enclosing full name */
        const char *dot = strrchr(s->name, '.');
        *out_ns = dot ? sl_arena_strndup(p->arena, s->name, (size_t)(dot - s->name)) : ns;
        return true;
}

static sl_avro_logical logical_of(json_t *j, sl_avro *s)
{
        const char *lt = json_string_value(json_object_get(j, "logicalType"));

        if (!lt)
                return SL_AVRO_LT_NONE;
        if (strcmp(lt, "decimal") == 0 && (s->kind == SL_AVRO_BYTES || s->kind == SL_AVRO_FIXED)) {
                json_t *pr = json_object_get(j, "precision"), *sc = json_object_get(j, "scale");
                if (!json_is_integer(pr) || json_integer_value(pr) < 1 || json_integer_value(pr) > 1000)
                        return SL_AVRO_LT_NONE;
                s->precision = (int)json_integer_value(pr);
                s->scale = json_is_integer(sc) ? (int)json_integer_value(sc) : 0;
                if (s->scale < 0 || s->scale > s->precision)
                        return SL_AVRO_LT_NONE;
                return SL_AVRO_LT_DECIMAL;
        }
        if (strcmp(lt, "date") == 0 && s->kind == SL_AVRO_INT)
                return SL_AVRO_LT_DATE;
        if (strcmp(lt, "time-millis") == 0 && s->kind == SL_AVRO_INT)
                return SL_AVRO_LT_TIME_MILLIS;
        if (strcmp(lt, "time-micros") == 0 && s->kind == SL_AVRO_LONG)
                return SL_AVRO_LT_TIME_MICROS;
        if (strcmp(lt, "timestamp-millis") == 0 && s->kind == SL_AVRO_LONG)
                return SL_AVRO_LT_TIMESTAMP_MILLIS;
        if (strcmp(lt, "timestamp-micros") == 0 && s->kind == SL_AVRO_LONG)
                return SL_AVRO_LT_TIMESTAMP_MICROS;
        /* unknown or misplaced logical types are ignored, as the specification asks */
        return SL_AVRO_LT_NONE;
}

static const char **string_list(parser *p, json_t *arr, size_t *n)
{
        size_t len = json_is_array(arr) ? json_array_size(arr) : 0;
        const char **out = sl_arena_calloc(p->arena, len + 1, sizeof(*out));

        for (size_t i = 0; i < len; i++) {
                const char *s = json_string_value(json_array_get(arr, i));
                if (!s)
                        return NULL;
                out[i] = sl_arena_strdup(p->arena, s);
        }
        *n = len;
        return out;
}

static const sl_avro *parse_record(parser *p, json_t *j, const char *ns)
{
        sl_avro *s = new_node(p, SL_AVRO_RECORD);
        json_t *fields = json_object_get(j, "fields");

        if (!define(p, s, j, ns, &ns))
                return NULL;
        if (!json_is_array(fields))
                return fail(p, "Record has no fields: %s", s->name);
        s->nfields = json_array_size(fields);
        s->fields = sl_arena_calloc(p->arena, s->nfields + 1, sizeof(*s->fields));
        for (size_t i = 0; i < s->nfields; i++) {
                json_t *f = json_array_get(fields, i);
                const char *name = json_string_value(json_object_get(f, "name"));
                if (!json_is_object(f) || !name)
                        return fail(p, "Invalid field in record %s", s->name);
                if (!valid_name(name) || strchr(name, '.')) {
                        /* Avro's (Java) wording */
                        bool first = (*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') || *name == '_';
                        return fail(p, first ? "Illegal character in: %s" : "Illegal initial character: %s", name);
                }
                for (size_t k = 0; k < i; k++)
                        if (strcmp(s->fields[k].name, name) == 0)
                                return fail(p, "Duplicate field name: %s", name);
                json_t *t = json_object_get(f, "type");
                if (!t)
                        return fail(p, "No field type: %s", name);
                s->fields[i].name = sl_arena_strdup(p->arena, name);
                if (!(s->fields[i].type = parse_node(p, t, ns)))
                        return NULL;
                json_t *def = json_object_get(f, "default");
                s->fields[i].has_default = def != NULL;
                if (def) {
                        char *t = json_dumps(def, JSON_COMPACT | JSON_ENCODE_ANY);
                        s->fields[i].default_json = sl_arena_strdup(p->arena, t);
                        free(t);
                }
                s->fields[i].aliases = string_list(p, json_object_get(f, "aliases"), &s->fields[i].naliases);
        }
        return s;
}

static const sl_avro *parse_object(parser *p, json_t *j, const char *ns)
{
        json_t *type = json_object_get(j, "type");
        const char *t = json_string_value(type);
        sl_avro *s;

        if (!t) {
                /* {"type": {...}} or {"type": [...]}: the nested schema, annotations aside */
                if (json_is_object(type) || json_is_array(type))
                        return parse_node(p, type, ns);
                return fail(p, "No type: %s", "");
        }
        if (strcmp(t, "record") == 0 || strcmp(t, "error") == 0)
                return parse_record(p, j, ns);
        if (strcmp(t, "enum") == 0) {
                s = new_node(p, SL_AVRO_ENUM);
                if (!define(p, s, j, ns, &ns))
                        return NULL;
                s->symbols = string_list(p, json_object_get(j, "symbols"), &s->nsymbols);
                if (!s->symbols || !json_is_array(json_object_get(j, "symbols")))
                        return fail(p, "Enum symbols must be a list of strings: %s", s->name);
                s->has_default = json_object_get(j, "default") != NULL;
                return s;
        }
        if (strcmp(t, "fixed") == 0) {
                s = new_node(p, SL_AVRO_FIXED);
                if (!define(p, s, j, ns, &ns))
                        return NULL;
                json_t *size = json_object_get(j, "size");
                if (!json_is_integer(size) || json_integer_value(size) < 0)
                        return fail(p, "Invalid fixed size: %s", s->name);
                s->size = (size_t)json_integer_value(size);
                s->logical = logical_of(j, s);
                return s;
        }
        if (strcmp(t, "array") == 0 || strcmp(t, "map") == 0) {
                bool arr = t[0] == 'a';
                json_t *items = json_object_get(j, arr ? "items" : "values");
                s = new_node(p, arr ? SL_AVRO_ARRAY : SL_AVRO_MAP);
                if (!items)
                        return fail(p, arr ? "Array has no items type%s" : "Map has no values type%s", "");
                if (!(s->items = parse_node(p, items, ns)))
                        return NULL;
                return s;
        }
        for (int k = SL_AVRO_NULL; k <= SL_AVRO_STRING; k++) {
                if (strcmp(t, primitive_names[k]) == 0) {
                        s = new_node(p, (sl_avro_kind)k);
                        s->logical = logical_of(j, s);
                        return s;
                }
        }
        /* a reference to a named type, as an object */
        if ((s = lookup(p, t, ns)) != NULL)
                return s;
        return fail(p, "Undefined name: %s", t);
}

static const sl_avro *parse_node(parser *p, json_t *j, const char *ns)
{
        const sl_avro *out = NULL;

        if (++p->depth > 64)
                return fail(p, "Schema nested too deeply%s", "");
        if (json_is_string(j)) {
                const char *t = json_string_value(j);
                for (int k = SL_AVRO_NULL; k <= SL_AVRO_STRING; k++)
                        if (strcmp(t, primitive_names[k]) == 0) {
                                out = new_node(p, (sl_avro_kind)k);
                                goto done;
                        }
                if (!(out = lookup(p, t, ns)))
                        fail(p, "Undefined name: %s", t);
        } else if (json_is_object(j)) {
                out = parse_object(p, j, ns);
        } else if (json_is_array(j)) {
                sl_avro *u = new_node(p, SL_AVRO_UNION);
                u->nbranches = json_array_size(j);
                u->branches = sl_arena_calloc(p->arena, u->nbranches + 1, sizeof(*u->branches));
                for (size_t i = 0; i < u->nbranches; i++) {
                        if (!(u->branches[i] = parse_node(p, json_array_get(j, i), ns)))
                                goto done;
                        if (u->branches[i]->kind == SL_AVRO_UNION) {
                                fail(p, "Unions may not immediately contain other unions%s", "");
                                goto done;
                        }
                        for (size_t k = 0; k < i; k++) {
                                const sl_avro *a = u->branches[k], *b = u->branches[i];
                                bool named_kind = a->kind == SL_AVRO_RECORD || a->kind == SL_AVRO_ENUM ||
                                                  a->kind == SL_AVRO_FIXED;
                                if (a->kind == b->kind && (!named_kind || strcmp(a->name, b->name) == 0)) {
                                        fail(p, "Duplicate in union: %s", kind_name(a->kind));
                                        goto done;
                                }
                        }
                }
                out = u;
        } else {
                fail(p, "Not a schema: %s", json_is_null(j) ? "null" : "value");
        }
done:
        p->depth--;
        return out;
}

sl_err sl_avro_parse(sl_arena *arena, const char *json, const sl_avro **out, sl_err_detail *err)
{
        json_error_t jerr;
        json_t *j = json_loads(json, JSON_DECODE_ANY, &jerr);
        sl_err_detail local;
        parser p = {.arena = arena, .err = err ? err : &local};

        *out = NULL;
        sl_err_clear(p.err);
        if (!j)
                return sl_err_set(err, SL_ERR_INVALID, "Invalid schema: %s", jerr.text);
        *out = parse_node(&p, j, NULL);
        json_decref(j);
        if (!*out)
                return p.err->code ? p.err->code : SL_ERR_INVALID;
        return SL_OK;
}

/* ---- the schema of a row of columns (ksqlDB's connect-style Avro schema) ---- */

static void append_json_string(sl_str *out, const char *s)
{
        json_t *j = json_string(s);
        char *t = json_dumps(j, JSON_ENCODE_ANY);
        sl_str_append(out, t);
        free(t);
        json_decref(j);
}

static void type_schema(sl_str *out, const sl_type *t, const char *record_name, bool optional);

static void record_schema(sl_str *out, const sl_serde_column *cols, const sl_type_field *fields, size_t n,
                          const char *full_name)
{
        const char *dot = strrchr(full_name, '.');

        sl_str_append(out, "{\"type\":\"record\",\"name\":");
        append_json_string(out, dot ? dot + 1 : full_name);
        if (dot) {
                char *ns = sl_strndup(full_name, (size_t)(dot - full_name));
                sl_str_append(out, ",\"namespace\":");
                append_json_string(out, ns);
                sl_free(ns);
        }
        sl_str_append(out, ",\"fields\":[");
        for (size_t i = 0; i < n; i++) {
                const char *name = cols ? cols[i].name : fields[i].name;
                const sl_type *type = cols ? cols[i].type : fields[i].type;
                char *sub = sl_malloc(strlen(full_name) + strlen(name) + 2);
                sprintf(sub, "%s_%s", full_name, name);
                sl_str_append(out, i ? ",{\"name\":" : "{\"name\":");
                append_json_string(out, name);
                sl_str_append(out, ",\"type\":");
                type_schema(out, type, sub, true);
                sl_str_append(out, ",\"default\":null}");
                sl_free(sub);
        }
        sl_str_append(out, "],\"connect.name\":");
        append_json_string(out, full_name);
        sl_str_append(out, "}");
}

static void type_schema(sl_str *out, const sl_type *t, const char *record_name, bool optional)
{
        if (optional)
                sl_str_append(out, "[\"null\",");
        switch (t->kind) {
        case SL_TYPE_BOOLEAN: sl_str_append(out, "\"boolean\""); break;
        case SL_TYPE_INT: sl_str_append(out, "\"int\""); break;
        case SL_TYPE_BIGINT: sl_str_append(out, "\"long\""); break;
        case SL_TYPE_DOUBLE: sl_str_append(out, "\"double\""); break;
        case SL_TYPE_STRING: sl_str_append(out, "\"string\""); break;
        case SL_TYPE_BYTES: sl_str_append(out, "\"bytes\""); break;
        case SL_TYPE_DECIMAL:
                sl_str_appendf(out,
                               "{\"type\":\"bytes\",\"scale\":%d,\"precision\":%d,\"connect.version\":1,"
                               "\"connect.parameters\":{\"scale\":\"%d\",\"connect.decimal.precision\":\"%d\"},"
                               "\"connect.name\":\"org.apache.kafka.connect.data.Decimal\",\"logicalType\":\"decimal\"}",
                               t->scale, t->precision, t->scale, t->precision);
                break;
        case SL_TYPE_DATE:
                sl_str_append(out, "{\"type\":\"int\",\"connect.version\":1,"
                                   "\"connect.name\":\"org.apache.kafka.connect.data.Date\",\"logicalType\":\"date\"}");
                break;
        case SL_TYPE_TIME:
                sl_str_append(out, "{\"type\":\"int\",\"connect.version\":1,"
                                   "\"connect.name\":\"org.apache.kafka.connect.data.Time\",\"logicalType\":\"time-millis\"}");
                break;
        case SL_TYPE_TIMESTAMP:
                sl_str_append(out, "{\"type\":\"long\",\"connect.version\":1,"
                                   "\"connect.name\":\"org.apache.kafka.connect.data.Timestamp\","
                                   "\"logicalType\":\"timestamp-millis\"}");
                break;
        case SL_TYPE_ARRAY:
                sl_str_append(out, "{\"type\":\"array\",\"items\":");
                type_schema(out, t->elem, record_name, true);
                sl_str_append(out, "}");
                break;
        case SL_TYPE_MAP:
                sl_str_append(out, "{\"type\":\"map\",\"values\":");
                type_schema(out, t->elem, record_name, true);
                sl_str_append(out, "}");
                break;
        case SL_TYPE_STRUCT:
                record_schema(out, NULL, t->fields, t->nfields, record_name);
                break;
        default:
                sl_str_append(out, "\"null\"");
                break;
        }
        if (optional)
                sl_str_append(out, "]");
}

void sl_avro_schema_of_columns(sl_str *out, const sl_serde_column *columns, size_t ncolumns, bool unwrapped,
                               const char *full_name)
{
        if (!full_name || !*full_name)
                full_name = "io.confluent.ksql.avro_schemas.KsqlDataSourceSchema";
        if (unwrapped && ncolumns == 1)
                type_schema(out, columns[0].type, full_name, true);
        else
                record_schema(out, columns, NULL, ncolumns, full_name);
}

/* ---- inference ---- */

static sl_err to_type(sl_arena *arena, const sl_avro *s, int depth, const sl_type **out, sl_err_detail *err)
{
        if (depth > 32)
                return sl_err_set(err, SL_ERR_UNSUPPORTED, "recursive Avro schemas are not supported");
        switch (s->logical) {
        case SL_AVRO_LT_DECIMAL:
                if (s->precision > SL_DECIMAL_MAX_PRECISION)
                        return sl_err_set(err, SL_ERR_UNSUPPORTED, "DECIMAL precision must be <= 38");
                *out = sl_type_decimal(s->precision, s->scale);
                return SL_OK;
        case SL_AVRO_LT_DATE: *out = sl_type_date(); return SL_OK;
        case SL_AVRO_LT_TIME_MILLIS:
        case SL_AVRO_LT_TIME_MICROS: *out = sl_type_time(); return SL_OK;
        case SL_AVRO_LT_TIMESTAMP_MILLIS:
        case SL_AVRO_LT_TIMESTAMP_MICROS: *out = sl_type_timestamp(); return SL_OK;
        default: break;
        }
        switch (s->kind) {
        case SL_AVRO_BOOLEAN: *out = sl_type_boolean(); return SL_OK;
        case SL_AVRO_INT: *out = sl_type_int(); return SL_OK;
        case SL_AVRO_LONG: *out = sl_type_bigint(); return SL_OK;
        case SL_AVRO_FLOAT:
        case SL_AVRO_DOUBLE: *out = sl_type_double(); return SL_OK;
        case SL_AVRO_BYTES:
        case SL_AVRO_FIXED: *out = sl_type_bytes(); return SL_OK;
        case SL_AVRO_STRING:
        case SL_AVRO_ENUM: *out = sl_type_string(); return SL_OK;
        case SL_AVRO_ARRAY:
        case SL_AVRO_MAP: {
                const sl_type *e;
                sl_err rc = to_type(arena, s->items, depth + 1, &e, err);
                if (rc != SL_OK)
                        return rc;
                *out = s->kind == SL_AVRO_ARRAY ? sl_type_array(arena, e) : sl_type_map(arena, sl_type_string(), e);
                return SL_OK;
        }
        case SL_AVRO_RECORD: {
                sl_type_field *f = sl_arena_calloc(arena, s->nfields + 1, sizeof(*f));
                for (size_t i = 0; i < s->nfields; i++) {
                        sl_err rc = to_type(arena, s->fields[i].type, depth + 1, &f[i].type, err);
                        if (rc != SL_OK)
                                return rc;
                        /* ksqlDB upper-cases the names of inferred fields */
                        char *name = sl_arena_strdup(arena, s->fields[i].name);
                        sl_str_upper(name);
                        f[i].name = name;
                }
                *out = sl_type_struct(arena, f, s->nfields);
                return SL_OK;
        }
        case SL_AVRO_UNION: {
                const sl_avro *one = NULL;
                size_t nonnull = 0;
                for (size_t i = 0; i < s->nbranches; i++)
                        if (s->branches[i]->kind != SL_AVRO_NULL) {
                                one = s->branches[i];
                                nonnull++;
                        }
                if (nonnull == 1)
                        return to_type(arena, one, depth + 1, out, err);
                return sl_err_set(err, SL_ERR_UNSUPPORTED, "Avro unions of several types are not supported");
        }
        default:
                return sl_err_set(err, SL_ERR_UNSUPPORTED, "Avro type '%s' has no SQL type", kind_name(s->kind));
        }
}

sl_err sl_avro_to_type(sl_arena *arena, const sl_avro *schema, const sl_type **out, sl_err_detail *err)
{
        return to_type(arena, schema, 0, out, err);
}

/* ---- schema resolution ---- */

static const char *short_name(const char *full)
{
        const char *dot = full ? strrchr(full, '.') : NULL;
        return dot ? dot + 1 : full ? full : "";
}

static bool why_set(sl_str *why, const char *fmt, const char *a, const char *b)
{
        if (why) {
                sl_str_reset(why);
                sl_str_appendf(why, fmt, a, b);
        }
        return false;
}

static bool promotable(sl_avro_kind w, sl_avro_kind r)
{
        switch (w) {
        case SL_AVRO_INT: return r == SL_AVRO_LONG || r == SL_AVRO_FLOAT || r == SL_AVRO_DOUBLE;
        case SL_AVRO_LONG: return r == SL_AVRO_FLOAT || r == SL_AVRO_DOUBLE;
        case SL_AVRO_FLOAT: return r == SL_AVRO_DOUBLE;
        case SL_AVRO_STRING: return r == SL_AVRO_BYTES;
        case SL_AVRO_BYTES: return r == SL_AVRO_STRING;
        default: return false;
        }
}

/* A pair already being compared further up (recursive schemas). */
typedef struct seen_pair {
        const sl_avro *r, *w;
        const struct seen_pair *up;
} seen_pair;

static bool can_read(const sl_avro *r, const sl_avro *w, const seen_pair *up, sl_str *why)
{
        for (const seen_pair *s = up; s; s = s->up)
                if (s->r == r && s->w == w)
                        return true;
        seen_pair me = {r, w, up};

        if (w->kind == SL_AVRO_UNION) {
                for (size_t i = 0; i < w->nbranches; i++)
                        if (!can_read(r, w->branches[i], &me, why))
                                return false;
                return true;
        }
        if (r->kind == SL_AVRO_UNION) {
                for (size_t i = 0; i < r->nbranches; i++)
                        if (can_read(r->branches[i], w, &me, NULL))
                                return true;
                return why_set(why, "reader union lacking writer type: %s%s", kind_name(w->kind), "");
        }
        if (r->kind != w->kind) {
                if (promotable(w->kind, r->kind))
                        return true;
                return why_set(why, "reader type: %s not compatible with writer type: %s", kind_name(r->kind),
                               kind_name(w->kind));
        }
        switch (r->kind) {
        case SL_AVRO_RECORD:
                if (strcmp(short_name(r->name), short_name(w->name)) != 0)
                        return why_set(why, "name mismatch: reader %s, writer %s", r->name, w->name);
                for (size_t i = 0; i < r->nfields; i++) {
                        const sl_avro_field *rf = &r->fields[i];
                        const sl_avro_field *wf = NULL;
                        for (size_t k = 0; k < w->nfields && !wf; k++) {
                                if (strcmp(w->fields[k].name, rf->name) == 0)
                                        wf = &w->fields[k];
                                for (size_t a = 0; a < rf->naliases && !wf; a++)
                                        if (strcmp(w->fields[k].name, rf->aliases[a]) == 0)
                                                wf = &w->fields[k];
                        }
                        if (!wf) {
                                if (!rf->has_default)
                                        return why_set(why, "reader field '%s' of %s has no default value and is "
                                                            "missing from the writer", rf->name, r->name);
                                continue;
                        }
                        if (!can_read(rf->type, wf->type, &me, why))
                                return false;
                }
                return true;
        case SL_AVRO_ENUM:
                if (strcmp(short_name(r->name), short_name(w->name)) != 0)
                        return why_set(why, "name mismatch: reader %s, writer %s", r->name, w->name);
                if (r->has_default)
                        return true;
                for (size_t i = 0; i < w->nsymbols; i++) {
                        bool found = false;
                        for (size_t k = 0; k < r->nsymbols && !found; k++)
                                found = strcmp(r->symbols[k], w->symbols[i]) == 0;
                        if (!found)
                                return why_set(why, "reader enum %s lacks writer symbol %s", r->name, w->symbols[i]);
                }
                return true;
        case SL_AVRO_FIXED:
                if (strcmp(short_name(r->name), short_name(w->name)) != 0 || r->size != w->size)
                        return why_set(why, "fixed mismatch: reader %s, writer %s", r->name, w->name);
                return true;
        case SL_AVRO_ARRAY:
        case SL_AVRO_MAP:
                return can_read(r->items, w->items, &me, why);
        default:
                return true;
        }
}

bool sl_avro_can_read(const sl_avro *reader, const sl_avro *writer, sl_str *why)
{
        return can_read(reader, writer, NULL, why);
}

static const char *const compat_names[] = {
        [SL_AVRO_COMPAT_NONE] = "NONE",
        [SL_AVRO_COMPAT_BACKWARD] = "BACKWARD",
        [SL_AVRO_COMPAT_BACKWARD_TRANSITIVE] = "BACKWARD_TRANSITIVE",
        [SL_AVRO_COMPAT_FORWARD] = "FORWARD",
        [SL_AVRO_COMPAT_FORWARD_TRANSITIVE] = "FORWARD_TRANSITIVE",
        [SL_AVRO_COMPAT_FULL] = "FULL",
        [SL_AVRO_COMPAT_FULL_TRANSITIVE] = "FULL_TRANSITIVE",
};

bool sl_avro_compat_parse(const char *name, sl_avro_compat *out)
{
        for (size_t i = 0; i < sizeof(compat_names) / sizeof(compat_names[0]); i++)
                if (name && strcasecmp(name, compat_names[i]) == 0) {
                        *out = (sl_avro_compat)i;
                        return true;
                }
        return false;
}

const char *sl_avro_compat_name(sl_avro_compat level)
{
        return compat_names[level];
}

bool sl_avro_compatible(sl_avro_compat level, const sl_avro *candidate, const sl_avro *const *old, size_t nold,
                        sl_str *why)
{
        bool transitive = level == SL_AVRO_COMPAT_BACKWARD_TRANSITIVE || level == SL_AVRO_COMPAT_FORWARD_TRANSITIVE ||
                          level == SL_AVRO_COMPAT_FULL_TRANSITIVE;
        bool backward = level == SL_AVRO_COMPAT_BACKWARD || level == SL_AVRO_COMPAT_BACKWARD_TRANSITIVE ||
                        level == SL_AVRO_COMPAT_FULL || level == SL_AVRO_COMPAT_FULL_TRANSITIVE;
        bool forward = level == SL_AVRO_COMPAT_FORWARD || level == SL_AVRO_COMPAT_FORWARD_TRANSITIVE ||
                       level == SL_AVRO_COMPAT_FULL || level == SL_AVRO_COMPAT_FULL_TRANSITIVE;

        if (level == SL_AVRO_COMPAT_NONE || nold == 0)
                return true;
        for (size_t i = transitive ? 0 : nold - 1; i < nold; i++) {
                /* backward: the new schema reads data written with the old one */
                if (backward && !can_read(candidate, old[i], NULL, why))
                        return false;
                if (forward && !can_read(old[i], candidate, NULL, why))
                        return false;
        }
        return true;
}
