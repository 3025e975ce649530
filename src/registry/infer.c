/* infer.c: CREATE STREAM/TABLE over AVRO without value (key) columns takes its columns from the
 * registry (JSON_SR: from its JSON Schema), as ksqlDB does: the latest version of `<topic>-value` (`<topic>-key`), or the schema
 * VALUE_SCHEMA_ID (KEY_SCHEMA_ID) names. A record gives one column per field (names upper-cased),
 * anything else -- or a record with WRAP_SINGLE_VALUE=false -- one column ROWVAL (key: ROWKEY).
 * The result is the statement rewritten with the columns, which then runs as if they had been
 * written (DESCRIBE and the catalog show them). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "registry/registry.h"
#include "serde/avro.h"
#include "sql/ast_print.h"
#include "sql/parse.h"

/* The literal text of property `name` of `stmt`, an integer as decimal text, or NULL. */
static const sl_ast_expr *prop(const sl_ast_stmt *stmt, const char *name)
{
        for (size_t i = 0; stmt->props && i < stmt->props->len; i++) {
                const sl_ast_property *p = stmt->props->items[i];
                if (sl_str_eq_ci(p->name.name, name))
                        return p->value;
        }
        return NULL;
}

static const sl_type *json_schema_type(sl_arena *arena, json_t *j, int depth);

/* Appends the inferred column definitions of one side to `cols`. */
static sl_err side_columns(const sl_serde_registry *reg, const char *topic, bool key, bool json_sr, bool table,
                           const sl_ast_expr *id_prop, bool unwrap,
                           sl_str *cols, bool *found, sl_err_detail *err)
{
        
        char *text = NULL;
        char subject[512];
        int32_t id = 0;
        sl_arena arena;
        const sl_avro *schema;
        const sl_type *type;
        sl_err rc;

        *found = false;
        snprintf(subject, sizeof(subject), "%s-%s", topic, key ? "key" : "value");
        if (!reg)
                return sl_err_set(err, SL_ERR_INVALID,
                                  "Cannot infer columns: no schema registry (ksql.schema.registry.url) is configured");
        if (id_prop && id_prop->kind == SL_AST_INTEGER)
                rc = reg->schema_by_id(reg, (int32_t)id_prop->ival, &text, err);
        else
                rc = reg->latest(reg, subject, &id, &text, err);
        if (rc == SL_ERR_NOT_FOUND) {
                if (key && !table && !id_prop)
                        return SL_OK;  /* a stream without a key schema simply has no key */
                return sl_err_set(err, SL_ERR_INVALID,
                                  "Schema for message %s on topic '%s' does not exist in the Schema Registry.Subject: %s",
                                  key ? "keys" : "values", topic, subject);
        }
        if (rc != SL_OK)
                return rc;
        sl_arena_init(&arena, 0);
        if (json_sr) {
                json_t *j = json_loads(text, 0, NULL);
                type = json_schema_type(&arena, j, 0);
                json_decref(j);
                if (!type) {
                        rc = sl_err_set(err, SL_ERR_UNSUPPORTED, "Cannot infer columns from the JSON schema of %s", subject);
                        goto out;
                }
        } else if ((rc = sl_avro_parse(&arena, text, &schema, err)) != SL_OK ||
                   (rc = sl_avro_to_type(&arena, schema, &type, err)) != SL_OK) {
                goto out;
        }
        const char *suffix = key ? (table ? " PRIMARY KEY" : " KEY") : "";
        /* a key record of one field is one STRUCT key column (keys are unwrapped) */
        if (type->kind == SL_TYPE_STRUCT && !unwrap && type->nfields > (key ? 1u : 0u)) {
                for (size_t i = 0; i < type->nfields; i++) {
                        char *name = sl_strdup(type->fields[i].name);
                        sl_str_upper(name);
                        if (sl_str_len(cols))
                                sl_str_append(cols, ", ");
                        sl_ast_print_ident(cols, name);
                        sl_str_append(cols, " ");
                        sl_type_print(cols, type->fields[i].type);
                        sl_str_append(cols, suffix);
                        sl_free(name);
                }
        } else {
                if (sl_str_len(cols))
                        sl_str_append(cols, ", ");
                sl_str_append(cols, key ? "ROWKEY " : "ROWVAL ");
                sl_type_print(cols, type);
                sl_str_append(cols, suffix);
        }
        *found = true;
out:
        sl_arena_deinit(&arena);
        sl_free(text);
        return rc;
}

static bool registry_format(const char *f)
{
        return f && (strcmp(f, "AVRO") == 0 || strcmp(f, "JSON_SR") == 0);
}

/* The SQL type of a JSON Schema as ksqlDB's connect translation infers it (integer: BIGINT unless
 * connect.type int32...; a nullable oneOf collapses; an object with properties is a STRUCT, one
 * with additionalProperties a MAP). NULL when it has none. */
static const sl_type *json_schema_type(sl_arena *arena, json_t *j, int depth)
{
        const char *type = json_string_value(json_object_get(j, "type"));
        const char *ct = json_string_value(json_object_get(j, "connect.type"));
        const char *title = json_string_value(json_object_get(j, "title"));
        json_t *one = json_object_get(j, "oneOf");

        if (!json_is_object(j) || depth > 32)
                return NULL;
        if (json_is_array(one) || json_is_array(json_object_get(j, "anyOf"))) {
                json_t *alts = json_is_array(one) ? one : json_object_get(j, "anyOf"), *pick = NULL;
                size_t i;
                json_t *alt;
                json_array_foreach(alts, i, alt) {
                        const char *t = json_string_value(json_object_get(alt, "type"));
                        if (t && strcmp(t, "null") == 0)
                                continue;
                        if (pick)
                                return NULL;
                        pick = alt;
                }
                return pick ? json_schema_type(arena, pick, depth + 1) : NULL;
        }
        if (title && strcmp(title, "org.apache.kafka.connect.data.Decimal") == 0) {
                json_t *params = json_object_get(j, "connect.parameters");
                const char *p = json_string_value(json_object_get(params, "connect.decimal.precision"));
                const char *sc = json_string_value(json_object_get(params, "scale"));
                return sl_type_decimal(p ? atoi(p) : 38, sc ? atoi(sc) : 0);
        }
        if (title && strcmp(title, "org.apache.kafka.connect.data.Date") == 0)
                return sl_type_date();
        if (title && strcmp(title, "org.apache.kafka.connect.data.Time") == 0)
                return sl_type_time();
        if (title && strcmp(title, "org.apache.kafka.connect.data.Timestamp") == 0)
                return sl_type_timestamp();
        if (!type)
                return NULL;
        if (strcmp(type, "boolean") == 0)
                return sl_type_boolean();
        if (strcmp(type, "integer") == 0)
                return ct && (strcmp(ct, "int32") == 0 || strcmp(ct, "int16") == 0 || strcmp(ct, "int8") == 0)
                               ? sl_type_int()
                               : sl_type_bigint();
        if (strcmp(type, "number") == 0)
                return sl_type_double();
        if (strcmp(type, "string") == 0)
                return ct && strcmp(ct, "bytes") == 0 ? sl_type_bytes() : sl_type_string();
        if (strcmp(type, "array") == 0) {
                const sl_type *e = json_schema_type(arena, json_object_get(j, "items"), depth + 1);
                return e ? sl_type_array(arena, e) : NULL;
        }
        if (strcmp(type, "object") == 0) {
                json_t *props = json_object_get(j, "properties");
                json_t *extra = json_object_get(j, "additionalProperties");
                if (!json_is_object(props) && json_is_object(extra)) {
                        const sl_type *v = json_schema_type(arena, extra, depth + 1);
                        return v ? sl_type_map(arena, sl_type_string(), v) : NULL;
                }
                size_t n = json_is_object(props) ? json_object_size(props) : 0, k = 0;
                sl_type_field *f = sl_arena_calloc(arena, n + 1, sizeof(*f));
                const char *name;
                json_t *pv;
                json_object_foreach(props, name, pv) {
                        char *up = sl_arena_strdup(arena, name);
                        sl_str_upper(up);
                        f[k].name = up;
                        if (!(f[k].type = json_schema_type(arena, pv, depth + 1)))
                                return NULL;
                        k++;
                }
                return sl_type_struct(arena, f, k);
        }
        return NULL;
}

sl_err sl_registry_infer_columns(const sl_serde_registry *reg, const sl_ast_stmt *stmt, const sl_catalog_source *src,
                                 sl_ast_stmt **out, sl_err_detail *err)
{
        sl_str cols, sql;
        sl_err rc = SL_OK;
        bool found;

        *out = NULL;
        if (!src || (stmt->kind != SL_AST_STMT_CREATE_STREAM && stmt->kind != SL_AST_STMT_CREATE_TABLE))
                return SL_OK;
        bool table = stmt->kind == SL_AST_STMT_CREATE_TABLE;
        size_t nkey = 0, nval = 0;
        for (size_t i = 0; src && i < src->ncolumns; i++) {
                nkey += src->columns[i].role == SL_CATALOG_KEY;
                nval += src->columns[i].role == SL_CATALOG_VALUE;
        }
        /* ksqlDB's checks of the schema properties */
        for (int side = 0; side < 2; side++) {
                const char *fmt = side ? src->value_format : src->key_format;
                const sl_ast_expr *id = prop(stmt, side ? "VALUE_SCHEMA_ID" : "KEY_SCHEMA_ID");
                bool sr = fmt && (registry_format(fmt) || strcmp(fmt, "PROTOBUF") == 0);
                if (!id)
                        continue;
                if (!sr)
                        return sl_err_set(err, SL_ERR_INVALID,
                                          "%s_FORMAT should support schema inference when %s_SCHEMA_ID is provided. "
                                          "Current format is %s.",
                                          side ? "VALUE" : "KEY", side ? "VALUE" : "KEY", fmt ? fmt : "KAFKA");
                if (side ? nval : nkey)
                        return sl_err_set(err, SL_ERR_INVALID,
                                          "Table elements and %s_SCHEMA_ID cannot both exist for create statement.",
                                          side ? "VALUE" : "KEY");
        }
        const sl_ast_expr *fn = prop(stmt, "VALUE_AVRO_SCHEMA_FULL_NAME");
        if (fn && fn->kind == SL_AST_STRING) {
                const char *t = fn->text;
                while (*t == ' ')
                        t++;
                if (!src->value_format || strcmp(src->value_format, "AVRO") != 0)
                        return sl_err_set(err, SL_ERR_INVALID, "%s does not support the following configs: [fullSchemaName]",
                                          src->value_format ? src->value_format : "KAFKA");
                if (!*t)
                        return sl_err_set(err, SL_ERR_INVALID,
                                          "fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}");
        }
        /* declared AVRO columns must make a valid Avro schema (field names) */
        for (int side = 0; side < 2; side++) {
                const char *fmt = side ? src->value_format : src->key_format;
                sl_serde_column cols[64];
                size_t n = 0;
                if (!fmt || strcmp(fmt, "AVRO") != 0)
                        continue;
                for (size_t i = 0; i < src->ncolumns && n < 64; i++)
                        if (src->columns[i].role == (side ? SL_CATALOG_VALUE : SL_CATALOG_KEY)) {
                                cols[n].name = src->columns[i].name;
                                cols[n++].type = src->columns[i].type;
                        }
                if (n == 0)
                        continue;
                sl_str text;
                sl_arena tmp;
                const sl_avro *as;
                sl_err_detail e2;
                sl_str_init(&text);
                sl_arena_init(&tmp, 0);
                sl_avro_schema_of_columns(&text, cols, n, side ? false : n == 1, NULL);
                sl_err prc = sl_avro_parse(&tmp, sl_str_cstr(&text), &as, &e2);
                sl_arena_deinit(&tmp);
                sl_str_deinit(&text);
                if (prc != SL_OK)
                        return sl_err_set(err, SL_ERR_INVALID, "Schema is not compatible with Avro: %s", e2.message);
        }
        bool infer_value = src && registry_format(src->value_format) && nval == 0;
        bool infer_key = src && registry_format(src->key_format) && nkey == 0;
        if (!infer_value && !infer_key)
                return SL_OK;
        const sl_ast_expr *wrap = prop(stmt, "WRAP_SINGLE_VALUE");
        bool unwrap = wrap && ((wrap->kind == SL_AST_BOOL && !wrap->bval) ||
                               (wrap->kind == SL_AST_STRING && sl_str_eq_ci(wrap->text, "false")));
        sl_str_init(&cols);
        sl_str_init(&sql);
        if (infer_key && (rc = side_columns(reg, src->topic, true, strcmp(src->key_format, "JSON_SR") == 0, table, prop(stmt, "KEY_SCHEMA_ID"), false, &cols, &found,
                                            err)) != SL_OK)
                goto done;
        if (infer_value && (rc = side_columns(reg, src->topic, false, strcmp(src->value_format, "JSON_SR") == 0, table, prop(stmt, "VALUE_SCHEMA_ID"), unwrap, &cols,
                                              &found, err)) != SL_OK)
                goto done;
        if (sl_str_len(&cols) == 0)
                goto done;
        /* the canonical text with the columns spliced in before WITH */
        char *text = sl_ast_stmt_to_sql(stmt);
        const char *with = strstr(text, " WITH (");
        if (!with) {
                sl_free(text);
                goto done;
        }
        size_t at = (size_t)(with - text);
        if (at > 0 && text[at - 1] == ')') {
                sl_str_append_n(&sql, text, at - 1);
                sl_str_appendf(&sql, ", %s)", sl_str_cstr(&cols));
        } else {
                sl_str_append_n(&sql, text, at);
                sl_str_appendf(&sql, " (%s)", sl_str_cstr(&cols));
        }
        sl_str_append(&sql, with);
        sl_free(text);
        rc = sl_parse_statement(sl_str_cstr(&sql), NULL, out, err);
done:
        sl_str_deinit(&cols);
        sl_str_deinit(&sql);
        return rc;
}
