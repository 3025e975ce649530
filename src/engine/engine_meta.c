/* engine_meta.c: the engine's metastore: the analyzer's catalog (src/sql/catalog.h, in memory until
 * the command log of issue 5 makes it durable). DDL statements go through the analyzer, which
 * checks them as ksqlDB does and builds the source or type, then through sl_analysis_apply; this
 * file turns the outcome into ksqlDB's currentStatus entities and catalog entries into the REST
 * API's source and schema shapes. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "types/type.h"

void sl_engine_meta_init(sl_engine *engine)
{
        engine->cat = sl_engine_metastore_new();
        sl_map_init(&engine->type_names, false);
}

void sl_engine_meta_deinit(sl_engine *engine)
{
        sl_catalog_free(engine->cat);
        sl_map_deinit(&engine->type_names);
}

const sl_catalog_source *sl_engine_meta_source(sl_engine *engine, const char *name)
{
        return sl_catalog_source_get(engine->cat, name);
}

sl_engine_schema *sl_engine_meta_schema(const sl_type *type, sl_arena *arena)
{
        sl_engine_schema *s = sl_arena_calloc(arena, 1, sizeof(*s));

        switch (type->kind) {
        case SL_TYPE_BOOLEAN: s->type = "BOOLEAN"; break;
        case SL_TYPE_INT: s->type = "INTEGER"; break;
        case SL_TYPE_BIGINT: s->type = "BIGINT"; break;
        case SL_TYPE_DOUBLE: s->type = "DOUBLE"; break;
        case SL_TYPE_DECIMAL:
                s->type = "DECIMAL";
                s->precision = type->precision;
                s->scale = type->scale;
                break;
        case SL_TYPE_STRING: s->type = "STRING"; break;
        case SL_TYPE_BYTES: s->type = "BYTES"; break;
        case SL_TYPE_DATE: s->type = "DATE"; break;
        case SL_TYPE_TIME: s->type = "TIME"; break;
        case SL_TYPE_TIMESTAMP: s->type = "TIMESTAMP"; break;
        case SL_TYPE_ARRAY:
                s->type = "ARRAY";
                s->member = sl_engine_meta_schema(type->elem, arena);
                break;
        case SL_TYPE_MAP:
                s->type = "MAP";
                s->member = sl_engine_meta_schema(type->elem, arena);
                break;
        case SL_TYPE_STRUCT:
                s->type = "STRUCT";
                s->nfields = type->nfields;
                s->fields = sl_arena_calloc(arena, type->nfields ? type->nfields : 1, sizeof(*s->fields));
                for (size_t i = 0; i < type->nfields; i++) {
                        s->fields[i].name = sl_arena_strdup(arena, type->fields[i].name);
                        s->fields[i].schema = sl_engine_meta_schema(type->fields[i].type, arena);
                }
                break;
        default:
                s->type = "NULL";
                break;
        }
        return s;
}

size_t sl_engine_meta_sources(sl_engine *engine, sl_arena *arena, const sl_catalog_source ***out)
{
        return engine->cat->ops->list_sources(engine->cat, arena, out);
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t sl_engine_meta_types(sl_engine *engine, sl_arena *arena, sl_engine_type_def **out)
{
        size_t n = sl_map_len(&engine->type_names), k = 0;
        const char **names = sl_arena_calloc(arena, n ? n : 1, sizeof(*names));
        sl_engine_type_def *defs = sl_arena_calloc(arena, n ? n : 1, sizeof(*defs));
        sl_map_iter it;
        const void *key;
        size_t keylen;
        void *value;

        sl_map_iter_init(&it, &engine->type_names);
        while (sl_map_iter_next(&it, &key, &keylen, &value))
                names[k++] = sl_arena_strndup(arena, key, keylen);
        qsort(names, k, sizeof(*names), cmp_names);
        n = 0;
        for (size_t i = 0; i < k; i++) {
                const sl_type *t = sl_catalog_type_get(engine->cat, names[i]);
                if (t == NULL)
                        continue;
                defs[n].name = names[i];
                defs[n++].schema = sl_engine_meta_schema(t, arena);
        }
        *out = defs;
        return n;
}

void sl_engine_meta_source_info(const sl_catalog_source *src, sl_engine_source_info *out)
{
        out->name = src->name;
        out->type = src->kind == SL_CATALOG_TABLE ? "TABLE" : "STREAM";
        out->topic = src->topic;
        out->key_format = src->key_format ? src->key_format : "KAFKA";
        out->value_format = src->value_format ? src->value_format : "";
        out->windowed = src->window != SL_CATALOG_WINDOW_NONE;
}

void sl_engine_meta_source_desc(sl_engine *engine, const sl_catalog_source *src, bool extended,
                                sl_arena *arena, sl_engine_source_desc *out)
{
        memset(out, 0, sizeof(*out));
        sl_engine_meta_source_info(src, &out->info);
        out->fields = sl_arena_calloc(arena, src->ncolumns ? src->ncolumns : 1, sizeof(*out->fields));
        out->nfields = src->ncolumns;
        for (size_t i = 0; i < src->ncolumns; i++) {
                const sl_catalog_column *c = &src->columns[i];
                sl_engine_field *f = &out->fields[i];
                f->name = sl_arena_strdup(arena, c->name);
                f->schema = sl_engine_meta_schema(c->type, arena);
                if (c->role == SL_CATALOG_KEY)
                        f->field_type = "KEY";
                else if (c->role == SL_CATALOG_HEADER || c->role == SL_CATALOG_HEADERS)
                        f->field_type = "HEADER";
                if (c->header_key != NULL)
                        f->header_key = sl_arena_strdup(arena, c->header_key);
        }
        out->timestamp = src->timestamp_column ? src->timestamp_column : "";
        out->window_type = src->window != SL_CATALOG_WINDOW_NONE ? sl_catalog_window_name(src->window) : NULL;
        out->statement = src->sql ? src->sql : "";
        out->partitions = src->partitions;
        out->replication = src->partitions > 0 ? 1 : 0;
        sl_engine_topics_describe(engine, src->topic, arena, &out->partitions, &out->replication);
        out->extended = extended;
}

sl_analysis *sl_engine_meta_analyze(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                                    sl_engine_result *res)
{
        sl_analyze_ctx ctx = {
                .cat = engine->cat,
                .reg = engine->funcs,
                .default_key_format = sl_engine_session_prop(engine, ses, "ksql.persistence.default.format.key"),
                .default_value_format = sl_engine_session_prop(engine, ses, "ksql.persistence.default.format.value"),
        };
        sl_analysis *a = NULL;
        sl_err_detail err;

        if (ctx.default_value_format != NULL && *ctx.default_value_format == '\0')
                ctx.default_value_format = NULL;
        if (sl_analyze(&ctx, stmt, &a, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                return NULL;
        }
        return a;
}

static void status(sl_engine *engine, sl_engine_result *res, sl_engine_entity *ent, char *id, char *msg)
{
        ent->kind = SL_ENGINE_CURRENT_STATUS;
        ent->command_id = id;
        ent->status = "SUCCESS";
        ent->message = msg;
        ent->command_seq = sl_engine_command_add(engine, id, msg);
        (void)res;
}

bool sl_engine_meta_is_ddl(sl_ast_stmt_kind kind)
{
        switch (kind) {
        case SL_AST_STMT_CREATE_STREAM:
        case SL_AST_STMT_CREATE_TABLE:
        case SL_AST_STMT_DROP_STREAM:
        case SL_AST_STMT_DROP_TABLE:
        case SL_AST_STMT_CREATE_TYPE:
        case SL_AST_STMT_DROP_TYPE:
        case SL_AST_STMT_ALTER_STREAM:
        case SL_AST_STMT_ALTER_TABLE:
                return true;
        default:
                return false;
        }
}

sl_err sl_engine_meta_ddl(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                          sl_engine_result *res, sl_engine_entity *ent)
{
        const char *name = stmt->name.name;
        sl_arena *ra = &res->arena;
        const sl_catalog_source *old = sl_catalog_source_get(engine->cat, name);
        bool type_existed = sl_catalog_type_get(engine->cat, name) != NULL;
        const char *old_topic = old && old->topic ? sl_arena_strdup(ra, old->topic) : "";
        const char *old_kind = old ? (old->kind == SL_CATALOG_TABLE ? "table" : "stream") : NULL;
        sl_err_detail err;
        sl_err rc = SL_ERR_ANALYZE;

        sl_analysis *a = sl_engine_meta_analyze(engine, ses, stmt, res);
        if (a == NULL)
                return SL_ERR_ANALYZE;
        if (a->new_source != NULL && (stmt->kind == SL_AST_STMT_CREATE_STREAM || stmt->kind == SL_AST_STMT_CREATE_TABLE) &&
            sl_engine_topics_ensure(engine, stmt, a->new_source->topic, res) != SL_OK) {
                rc = SL_ERR_INVALID;
                goto out;
        }
        if (sl_analysis_apply(engine->cat, a, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                goto out;
        }
        if ((stmt->kind == SL_AST_STMT_DROP_STREAM || stmt->kind == SL_AST_STMT_DROP_TABLE) &&
            (stmt->flags & SL_AST_DELETE_TOPIC) && old != NULL && *old_topic &&
            sl_engine_topics_delete(engine, stmt, old_topic, res) != SL_OK)
                goto out;
        rc = SL_OK;
        switch (stmt->kind) {
        case SL_AST_STMT_CREATE_STREAM:
        case SL_AST_STMT_CREATE_TABLE: {
                bool table = stmt->kind == SL_AST_STMT_CREATE_TABLE;
                const char *what = table ? "table" : "stream";
                if (old != NULL && !(stmt->flags & SL_AST_OR_REPLACE)) {
                        /* IF NOT EXISTS on an existing source: nothing happened */
                        ent->kind = SL_ENGINE_WARNING;
                        ent->message = sl_arena_sprintf(ra, "Cannot add %s '%s': A %s with the same name already exists",
                                                        what, name, old_kind);
                        break;
                }
                status(engine, res, ent, sl_arena_sprintf(ra, "%s/`%s`/create", what, name),
                       table ? "Table created" : "Stream created");
                break;
        }
        case SL_AST_STMT_DROP_STREAM:
        case SL_AST_STMT_DROP_TABLE: {
                const char *what = stmt->kind == SL_AST_STMT_DROP_TABLE ? "table" : "stream";
                char *id = sl_arena_sprintf(ra, "%s/`%s`/drop", what, name);
                if (old == NULL)
                        status(engine, res, ent, id, sl_arena_sprintf(ra, "Source `%s` does not exist.", name));
                else
                        status(engine, res, ent, id,
                               sl_arena_sprintf(ra, "Source `%s` (topic: %s) was dropped.", name, old_topic));
                break;
        }
        case SL_AST_STMT_CREATE_TYPE:
                if (type_existed) {
                        ent->kind = SL_ENGINE_WARNING;
                        ent->message = sl_arena_sprintf(ra, "Type %s already exists", name);
                        break;
                }
                sl_map_put_s(&engine->type_names, name, (void *)1);
                {
                        sl_str s;
                        sl_str_init(&s);
                        sl_type_print(&s, sl_catalog_type_get(engine->cat, name));
                        status(engine, res, ent, sl_arena_sprintf(ra, "type/%s/create", name),
                               sl_arena_sprintf(ra, "Registered custom type with name '%s' and SQL type %s", name,
                                                sl_str_cstr(&s)));
                        sl_str_deinit(&s);
                }
                break;
        case SL_AST_STMT_DROP_TYPE:
                if (!type_existed) {
                        ent->kind = SL_ENGINE_WARNING;
                        ent->message = sl_arena_sprintf(ra, "Type %s does not exist.", name);
                        break;
                }
                sl_map_del_s(&engine->type_names, name);
                status(engine, res, ent, sl_arena_sprintf(ra, "type/%s/drop", name),
                       sl_arena_sprintf(ra, "Dropped type '%s'", name));
                break;
        case SL_AST_STMT_ALTER_STREAM:
        case SL_AST_STMT_ALTER_TABLE: {
                bool table = stmt->kind == SL_AST_STMT_ALTER_TABLE;
                status(engine, res, ent, sl_arena_sprintf(ra, "%s/`%s`/alter", table ? "table" : "stream", name),
                       table ? "Table altered" : "Stream altered");
                break;
        }
        default:
                break;
        }
out:
        sl_analysis_free(a);
        return rc;
}
