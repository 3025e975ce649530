/* engine_meta.c: the engine's metastore at parse level: streams, tables and custom types kept as
 * their CREATE statements, with the checks ksqlDB makes before the analyzer (issue 4) does them
 * properly: required WITH properties, key columns, names already taken, unknown custom types. It
 * also turns parse-level types into the schema shape the REST API shows. The analyzer's catalog
 * (src/sql/catalog.h) replaces the storage when it lands; the entry points stay. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "sql/ast_print.h"

void sl_engine_meta_init(sl_engine *engine)
{
        sl_map_init(&engine->sources, false);
        sl_map_init(&engine->types, false);
}

static void source_free(sl_engine_source *src)
{
        if (src == NULL)
                return;
        sl_ast_stmt_free(src->stmt);
        sl_free(src);
}

void sl_engine_meta_deinit(sl_engine *engine)
{
        sl_map_iter it;
        const void *key;
        size_t keylen;
        void *value;

        sl_map_iter_init(&it, &engine->sources);
        while (sl_map_iter_next(&it, &key, &keylen, &value))
                source_free(value);
        sl_map_iter_init(&it, &engine->types);
        while (sl_map_iter_next(&it, &key, &keylen, &value))
                sl_ast_stmt_free(value);
        sl_map_deinit(&engine->sources);
        sl_map_deinit(&engine->types);
}

sl_engine_source *sl_engine_meta_source(sl_engine *engine, const char *name)
{
        return sl_map_get_s(&engine->sources, name);
}

/* The text of a WITH property literal (in the statement arena), or NULL when absent. */
static const char *prop_text(const sl_ast_stmt *stmt, const char *name)
{
        if (stmt->props == NULL)
                return NULL;
        for (size_t i = 0; i < stmt->props->len; i++) {
                const sl_ast_property *p = stmt->props->items[i];
                if (!sl_str_eq_ci(p->name.name, name))
                        continue;
                const sl_ast_expr *v = p->value;
                if (v == NULL)
                        return NULL;
                switch (v->kind) {
                case SL_AST_BOOL:
                        return v->bval ? "true" : "false";
                case SL_AST_NULL:
                        return NULL;
                default:
                        return v->text != NULL ? v->text : "";
                }
        }
        return NULL;
}

static char *upper_dup(sl_arena *arena, const char *s)
{
        char *u = sl_arena_strdup(arena, s);
        sl_str_upper(u);
        return u;
}

static const char *type_name(sl_ast_type_kind kind)
{
        switch (kind) {
        case SL_AST_TYPE_BOOLEAN: return "BOOLEAN";
        case SL_AST_TYPE_INT: return "INTEGER";
        case SL_AST_TYPE_BIGINT: return "BIGINT";
        case SL_AST_TYPE_DOUBLE: return "DOUBLE";
        case SL_AST_TYPE_DECIMAL: return "DECIMAL";
        case SL_AST_TYPE_STRING: return "STRING";
        case SL_AST_TYPE_BYTES: return "BYTES";
        case SL_AST_TYPE_DATE: return "DATE";
        case SL_AST_TYPE_TIME: return "TIME";
        case SL_AST_TYPE_TIMESTAMP: return "TIMESTAMP";
        case SL_AST_TYPE_ARRAY: return "ARRAY";
        case SL_AST_TYPE_MAP: return "MAP";
        case SL_AST_TYPE_STRUCT: return "STRUCT";
        case SL_AST_TYPE_CUSTOM: return "CUSTOM";
        }
        return "UNKNOWN";
}

static sl_engine_schema *schema_of(sl_engine *engine, const sl_ast_type *type, sl_arena *arena,
                                   sl_err_detail *err, int depth)
{
        if (depth > 64) {
                sl_err_set(err, SL_ERR_INVALID, "custom types nest too deeply");
                return NULL;
        }
        if (type->kind == SL_AST_TYPE_CUSTOM) {
                const sl_ast_stmt *def = sl_map_get_s(&engine->types, type->name);
                if (def == NULL) {
                        sl_err_set(err, SL_ERR_NOT_FOUND, "Unknown type: %s", type->name);
                        return NULL;
                }
                return schema_of(engine, def->type, arena, err, depth + 1);
        }
        sl_engine_schema *s = sl_arena_calloc(arena, 1, sizeof(*s));
        s->type = type_name(type->kind);
        if (type->kind == SL_AST_TYPE_DECIMAL) {
                s->precision = type->precision;
                s->scale = type->scale;
        }
        if (type->elem != NULL) {
                s->member = schema_of(engine, type->elem, arena, err, depth + 1);
                if (s->member == NULL)
                        return NULL;
        }
        if (type->kind == SL_AST_TYPE_STRUCT) {
                size_t n = type->fields ? type->fields->len : 0;
                s->fields = sl_arena_calloc(arena, n ? n : 1, sizeof(*s->fields));
                s->nfields = n;
                for (size_t i = 0; i < n; i++) {
                        const sl_ast_field_def *f = type->fields->items[i];
                        s->fields[i].name = sl_arena_strdup(arena, f->name.name);
                        s->fields[i].schema = schema_of(engine, f->type, arena, err, depth + 1);
                        if (s->fields[i].schema == NULL)
                                return NULL;
                }
        }
        return s;
}

sl_engine_schema *sl_engine_meta_schema(sl_engine *engine, const sl_ast_type *type, sl_arena *arena,
                                        sl_err_detail *err)
{
        return schema_of(engine, type, arena, err, 0);
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t sorted_keys(const sl_map *map, sl_arena *arena, const char ***out)
{
        size_t n = sl_map_len(map), i = 0;
        const char **keys = sl_arena_calloc(arena, n ? n : 1, sizeof(*keys));
        sl_map_iter it;
        const void *key;
        size_t keylen;
        void *value;

        sl_map_iter_init(&it, map);
        while (sl_map_iter_next(&it, &key, &keylen, &value))
                keys[i++] = sl_arena_strndup(arena, key, keylen);
        qsort(keys, n, sizeof(*keys), cmp_names);
        *out = keys;
        return n;
}

size_t sl_engine_meta_sources(sl_engine *engine, sl_arena *arena, sl_engine_source ***out)
{
        const char **names;
        size_t n = sorted_keys(&engine->sources, arena, &names);
        sl_engine_source **srcs = sl_arena_calloc(arena, n ? n : 1, sizeof(*srcs));

        for (size_t i = 0; i < n; i++)
                srcs[i] = sl_map_get_s(&engine->sources, names[i]);
        *out = srcs;
        return n;
}

size_t sl_engine_meta_types(sl_engine *engine, sl_arena *arena, sl_engine_type_def **out)
{
        const char **names;
        size_t n = sorted_keys(&engine->types, arena, &names);
        sl_engine_type_def *defs = sl_arena_calloc(arena, n ? n : 1, sizeof(*defs));
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
                const sl_ast_stmt *def = sl_map_get_s(&engine->types, names[i]);
                sl_err_detail err;
                sl_engine_schema *s = sl_engine_meta_schema(engine, def->type, arena, &err);
                if (s == NULL)
                        continue;
                defs[k].name = names[i];
                defs[k++].schema = s;
        }
        *out = defs;
        return k;
}

void sl_engine_meta_source_info(const sl_engine_source *src, sl_engine_source_info *out)
{
        out->name = src->name;
        out->type = src->table ? "TABLE" : "STREAM";
        out->topic = src->topic;
        out->key_format = src->key_format;
        out->value_format = src->value_format;
        out->windowed = src->window_type != NULL;
}

void sl_engine_meta_source_desc(sl_engine *engine, const sl_engine_source *src, bool extended,
                                sl_arena *arena, sl_engine_source_desc *out)
{
        const sl_ast_list *els = src->stmt->elements;
        size_t n = els ? els->len : 0, k = 0;

        memset(out, 0, sizeof(*out));
        sl_engine_meta_source_info(src, &out->info);
        out->fields = sl_arena_calloc(arena, n ? n : 1, sizeof(*out->fields));
        /* key columns first, then the others in declaration order, as ksqlDB lists them */
        for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < n; i++) {
                        const sl_ast_field_def *f = els->items[i];
                        bool key = f->constraint == SL_AST_COL_KEY || f->constraint == SL_AST_COL_PRIMARY_KEY;
                        if (key != (pass == 0))
                                continue;
                        sl_engine_field *out_f = &out->fields[k];
                        sl_err_detail err;
                        out_f->name = sl_arena_strdup(arena, f->name.name);
                        out_f->schema = sl_engine_meta_schema(engine, f->type, arena, &err);
                        if (out_f->schema == NULL)
                                continue;
                        if (key)
                                out_f->field_type = "KEY";
                        else if (f->constraint == SL_AST_COL_HEADER || f->constraint == SL_AST_COL_HEADERS)
                                out_f->field_type = "HEADER";
                        if (f->header_key != NULL)
                                out_f->header_key = sl_arena_strdup(arena, f->header_key);
                        k++;
                }
        }
        out->nfields = k;
        out->timestamp = src->timestamp ? src->timestamp : "";
        out->window_type = src->window_type;
        out->statement = src->stmt->text;
        out->partitions = src->partitions;
        out->replication = src->replication;
        out->extended = extended;
}

static bool known_format(const char *f)
{
        static const char *const formats[] = {"JSON", "JSON_SR", "AVRO", "PROTOBUF", "PROTOBUF_NOSR",
                                              "DELIMITED", "KAFKA", "NONE"};
        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
                if (strcmp(f, formats[i]) == 0)
                        return true;
        return false;
}

sl_err sl_engine_meta_create_source(sl_engine *engine, sl_engine_session *ses, sl_ast_stmt *stmt,
                                    sl_engine_result *res, sl_engine_entity *ent)
{
        bool table = stmt->kind == SL_AST_STMT_CREATE_TABLE;
        const char *what = table ? "table" : "stream";
        const char *text = stmt->text;
        sl_engine_source *src = NULL;
        sl_arena *a = stmt->arena;
        sl_err_detail err;

        sl_engine_source *old = sl_map_get_s(&engine->sources, stmt->name.name);
        if (old != NULL && !(stmt->flags & SL_AST_OR_REPLACE)) {
                if (stmt->flags & SL_AST_IF_NOT_EXISTS) {
                        ent->kind = SL_ENGINE_WARNING;
                        ent->message = sl_arena_sprintf(&res->arena,
                                                        "Cannot add %s '%s': A %s with the same name already exists",
                                                        what, stmt->name.name, old->table ? "table" : "stream");
                        sl_ast_stmt_free(stmt);
                        return SL_OK;
                }
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                               "Cannot add %s '%s': A %s with the same name already exists", what,
                               stmt->name.name, old->table ? "table" : "stream");
                goto fail;
        }
        if (old != NULL && old->table != table) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                               "Cannot add %s '%s': A %s with the same name already exists", what,
                               stmt->name.name, old->table ? "table" : "stream");
                goto fail;
        }
        if (stmt->elements == NULL || stmt->elements->len == 0) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                               "The statement does not define any columns.");
                goto fail;
        }
        src = sl_calloc(1, sizeof(*src));
        src->stmt = stmt;
        src->name = stmt->name.name;
        src->table = table;
        bool has_key = false;
        sl_map seen;
        sl_map_init(&seen, false);
        for (size_t i = 0; i < stmt->elements->len; i++) {
                const sl_ast_field_def *f = stmt->elements->items[i];
                if (f->constraint == SL_AST_COL_KEY || f->constraint == SL_AST_COL_PRIMARY_KEY)
                        has_key = true;
                if (sl_map_put_s(&seen, f->name.name, (void *)f) != NULL) {
                        sl_map_deinit(&seen);
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text, "Duplicate column names:%s%s",
                                       "\n\t", f->name.name);
                        goto fail;
                }
                if (sl_engine_meta_schema(engine, f->type, a, &err) == NULL) {
                        sl_map_deinit(&seen);
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text, "%s", err.message);
                        goto fail;
                }
        }
        sl_map_deinit(&seen);
        if (table && !has_key) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                               "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.");
                goto fail;
        }
        src->topic = prop_text(stmt, "KAFKA_TOPIC");
        if (src->topic == NULL) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                               "Missing required property \"KAFKA_TOPIC\" which has no default value.");
                goto fail;
        }
        const char *format = prop_text(stmt, "FORMAT");
        const char *kf = prop_text(stmt, "KEY_FORMAT");
        const char *vf = prop_text(stmt, "VALUE_FORMAT");
        if (format != NULL && (kf != NULL || vf != NULL)) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                               "Cannot supply both 'FORMAT' and '%s' properties, as 'FORMAT' sets both key "
                               "and value formats.", kf != NULL ? "KEY_FORMAT" : "VALUE_FORMAT");
                goto fail;
        }
        if (format != NULL)
                kf = vf = format;
        if (kf == NULL)
                kf = sl_engine_session_prop(engine, ses, "ksql.persistence.default.format.key");
        if (vf == NULL)
                vf = sl_engine_session_prop(engine, ses, "ksql.persistence.default.format.value");
        if (vf == NULL || *vf == '\0') {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                               "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either "
                               "provide one or set a default via the 'ksql.persistence.default.format.value' "
                               "config.");
                goto fail;
        }
        src->key_format = upper_dup(a, kf ? kf : "KAFKA");
        src->value_format = upper_dup(a, vf);
        if (!known_format(src->key_format) || !known_format(src->value_format)) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text, "Unknown format: %s",
                               known_format(src->key_format) ? src->value_format : src->key_format);
                goto fail;
        }
        const char *ts = prop_text(stmt, "TIMESTAMP");
        if (ts != NULL) {
                char *u = upper_dup(a, ts);
                bool found = false;
                for (size_t i = 0; i < stmt->elements->len; i++) {
                        const sl_ast_field_def *f = stmt->elements->items[i];
                        if (strcmp(f->name.name, u) == 0 || strcmp(f->name.name, ts) == 0)
                                found = true;
                }
                if (!found) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                                       "The TIMESTAMP column set in the WITH clause does not exist in the "
                                       "schema: '%s'", u);
                        goto fail;
                }
                src->timestamp = u;
        }
        const char *wt = prop_text(stmt, "WINDOW_TYPE");
        if (wt != NULL)
                src->window_type = upper_dup(a, wt);
        const char *parts = prop_text(stmt, "PARTITIONS");
        src->partitions = parts ? atoi(parts) : 0;
        const char *reps = prop_text(stmt, "REPLICAS");
        src->replication = reps ? atoi(reps) : (parts ? 1 : 0);

        if (old != NULL)
                source_free(sl_map_del_s(&engine->sources, old->name));
        sl_map_put_s(&engine->sources, src->name, src);
        char *id = sl_arena_sprintf(&res->arena, "%s/`%s`/create", what, src->name);
        const char *msg = table ? "Table created" : "Stream created";
        ent->kind = SL_ENGINE_CURRENT_STATUS;
        ent->command_id = id;
        ent->status = "SUCCESS";
        ent->message = msg;
        ent->command_seq = sl_engine_command_add(engine, id, msg);
        return SL_OK;
fail:
        if (src != NULL)
                source_free(src);
        else
                sl_ast_stmt_free(stmt);
        return SL_ERR_ANALYZE;
}

sl_err sl_engine_meta_drop_source(sl_engine *engine, const sl_ast_stmt *stmt, sl_engine_result *res,
                                  sl_engine_entity *ent)
{
        bool table = stmt->kind == SL_AST_STMT_DROP_TABLE;
        const char *name = stmt->name.name;
        sl_engine_source *src = sl_map_get_s(&engine->sources, name);

        if (src == NULL) {
                if (stmt->flags & SL_AST_IF_EXISTS) {
                        ent->kind = SL_ENGINE_CURRENT_STATUS;
                        ent->command_id = sl_arena_sprintf(&res->arena, "%s/`%s`/drop",
                                                           table ? "table" : "stream", name);
                        ent->status = "SUCCESS";
                        ent->message = sl_arena_sprintf(&res->arena, "Source `%s` does not exist.", name);
                        ent->command_seq = sl_engine_command_add(engine, ent->command_id, ent->message);
                        return SL_OK;
                }
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s %s does not exist.",
                               table ? "Table" : "Stream", name);
                return SL_ERR_NOT_FOUND;
        }
        if (src->table != table) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "Incompatible data source type is %s, but statement was DROP %s",
                               src->table ? "TABLE" : "STREAM", table ? "TABLE" : "STREAM");
                return SL_ERR_ANALYZE;
        }
        if (stmt->flags & SL_AST_DELETE_TOPIC) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "DROP ... DELETE TOPIC is not supported yet by this server");
                return SL_ERR_UNSUPPORTED;
        }
        char *id = sl_arena_sprintf(&res->arena, "%s/`%s`/drop", table ? "table" : "stream", name);
        char *msg = sl_arena_sprintf(&res->arena, "Source `%s` (topic: %s) was dropped.", name, src->topic);
        sl_map_del_s(&engine->sources, name);
        source_free(src);
        ent->kind = SL_ENGINE_CURRENT_STATUS;
        ent->command_id = id;
        ent->status = "SUCCESS";
        ent->message = msg;
        ent->command_seq = sl_engine_command_add(engine, id, msg);
        return SL_OK;
}

sl_err sl_engine_meta_create_type(sl_engine *engine, sl_ast_stmt *stmt, sl_engine_result *res,
                                  sl_engine_entity *ent)
{
        const char *name = stmt->name.name;
        const sl_ast_stmt *old = sl_map_get_s(&engine->types, name);
        sl_err_detail err;

        if (old != NULL) {
                char *was = NULL;
                sl_str s;
                sl_str_init(&s);
                sl_ast_print_type(&s, old->type);
                was = sl_arena_strdup(&res->arena, sl_str_cstr(&s));
                sl_str_deinit(&s);
                if (stmt->flags & SL_AST_IF_NOT_EXISTS) {
                        ent->kind = SL_ENGINE_WARNING;
                        ent->message = sl_arena_sprintf(&res->arena, "Type %s already exists with type: %s", name,
                                                        was);
                        sl_ast_stmt_free(stmt);
                        return SL_OK;
                }
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "Cannot register custom type '%s' since it is already registered with type: %s",
                               name, was);
                sl_ast_stmt_free(stmt);
                return SL_ERR_EXISTS;
        }
        if (sl_engine_meta_schema(engine, stmt->type, stmt->arena, &err) == NULL) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                sl_ast_stmt_free(stmt);
                return SL_ERR_ANALYZE;
        }
        sl_str s;
        sl_str_init(&s);
        sl_ast_print_type(&s, stmt->type);
        char *id = sl_arena_sprintf(&res->arena, "type/%s/create", name);
        char *msg = sl_arena_sprintf(&res->arena, "Registered custom type with name '%s' and SQL type %s", name,
                                     sl_str_cstr(&s));
        sl_str_deinit(&s);
        sl_map_put_s(&engine->types, name, stmt);
        ent->kind = SL_ENGINE_CURRENT_STATUS;
        ent->command_id = id;
        ent->status = "SUCCESS";
        ent->message = msg;
        ent->command_seq = sl_engine_command_add(engine, id, msg);
        return SL_OK;
}

sl_err sl_engine_meta_drop_type(sl_engine *engine, const sl_ast_stmt *stmt, sl_engine_result *res,
                                sl_engine_entity *ent)
{
        const char *name = stmt->name.name;
        sl_ast_stmt *old = sl_map_get_s(&engine->types, name);
        char *id = sl_arena_sprintf(&res->arena, "type/%s/drop", name);

        if (old == NULL) {
                if (stmt->flags & SL_AST_IF_EXISTS) {
                        ent->kind = SL_ENGINE_WARNING;
                        ent->message = sl_arena_sprintf(&res->arena, "Type %s does not exist.", name);
                        return SL_OK;
                }
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "Type %s does not exist.", name);
                return SL_ERR_NOT_FOUND;
        }
        sl_map_del_s(&engine->types, name);
        sl_ast_stmt_free(old);
        ent->kind = SL_ENGINE_CURRENT_STATUS;
        ent->command_id = id;
        ent->status = "SUCCESS";
        ent->message = sl_arena_sprintf(&res->arena, "Dropped type '%s'", name);
        ent->command_seq = sl_engine_command_add(engine, id, ent->message);
        return SL_OK;
}
