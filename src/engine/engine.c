/* engine.c: the engine facade. sl_engine_execute walks a /ksql script statement by statement the
 * way ksqlDB's KsqlResource does: the whole script is parsed first (a syntax error anywhere runs
 * nothing), then each statement runs in order with `${var}` substituted from the variables defined
 * so far, and the first failing statement stops the script, its error carrying the entities of the
 * statements that already ran. DDL goes to the metastore (engine_meta.c), SHOW/DESCRIBE to
 * engine_show.c; SET/UNSET/DEFINE/UNDEFINE change the request's session here. Statements that need
 * the query manager (issue 5) get a "not supported yet" error. */
#include "engine/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "sql/parse.h"
#include "udf/loader.h"

#define ENGINE_VERSION "0.1.0"

const char *sl_engine_version(void)
{
        return ENGINE_VERSION;
}

/* UDF plugins from ksql.extension.dir (default <data.dir>/udf) when ksql.udfs.enabled (default
 * true); a failure is logged and the server serves on without them. */
static void load_udfs(sl_engine *engine, const sl_config *cfg)
{
        bool enabled = true;
        sl_err_detail uerr;
        sl_udf_report rep;
        char dir[1024];

        if (cfg != NULL && sl_config_get_bool(cfg, "ksql.udfs.enabled", true, &enabled, &uerr) != SL_OK)
                enabled = true;
        if (!enabled)
                return;
        const char *ext = cfg ? sl_config_get(cfg, "ksql.extension.dir") : NULL;
        const char *data = cfg ? sl_config_get(cfg, "data.dir") : NULL;
        if (ext != NULL)
                snprintf(dir, sizeof(dir), "%s", ext);
        else
                snprintf(dir, sizeof(dir), "%s/udf", data ? data : "./sluice-data");
        engine->udf = sl_udf_loader_new(engine->funcs);
        sl_udf_loader_set_config(engine->udf, cfg);
        memset(&rep, 0, sizeof(rep));
        if (sl_udf_loader_load_dir(engine->udf, dir, &rep, &uerr) != SL_OK)
                SL_LOG_WARN("engine", "UDF plugins of %s not loaded: %s", dir, uerr.message);
}

sl_err sl_engine_new(const sl_config *cfg, sl_engine **out, sl_err_detail *err)
{
        sl_engine *engine = sl_calloc(1, sizeof(*engine));
        const char *sid = cfg ? sl_config_get(cfg, "ksql.service.id") : NULL;

        *out = NULL;
        pthread_mutex_init(&engine->lock, NULL);
        engine->cfg = cfg;
        sl_vec_init(&engine->commands, sizeof(sl_engine_command));
        sl_vec_init(&engine->running, sizeof(sl_engine_query *));
        sl_vec_init(&engine->csts, sizeof(sl_engine_cst *));
        sl_engine_meta_init(engine);
        sl_engine_queries_init(engine);
        snprintf(engine->service_id, sizeof(engine->service_id), "%s", sid ? sid : "default_");
        /* a stable-looking id for this process; the bundled broker has no cluster id of its own */
        snprintf(engine->cluster_id, sizeof(engine->cluster_id), "sluice-%08lx",
                 (unsigned long)(time(NULL) ^ (unsigned long)(uintptr_t)engine) & 0xffffffffUL);
        bool kafka = true;
        if (cfg != NULL && sl_config_get_bool(cfg, "sluice.engine.kafka", true, &kafka, err))
                goto fail;
        engine->kafka = kafka;
        engine->funcs = sl_func_registry_new();
        if (sl_func_registry_add_builtins(engine->funcs, err))
                goto fail;
        load_udfs(engine, cfg);
        *out = engine;
        return SL_OK;
fail:
        sl_engine_free(engine);
        return err ? err->code : SL_ERR_INTERNAL;
}

void sl_engine_free(sl_engine *engine)
{
        if (engine == NULL)
                return;
        for (size_t i = 0; i < engine->commands.len; i++) {
                sl_engine_command *c = sl_vec_at(&engine->commands, i);
                sl_free(c->id);
                sl_free(c->status);
                sl_free(c->message);
        }
        sl_vec_deinit(&engine->commands);
        sl_engine_queries_stop_all(engine);
        sl_engine_pull_sources_stop_all(engine);
        sl_vec_deinit(&engine->csts);
        sl_engine_cmdlog_close(engine);
        /* the REST server closes its queries before the engine goes */
        if (SL_NEVER(engine->running.len != 0))
                SL_LOG_WARN("engine", "%zu queries still running at shutdown", engine->running.len);
        sl_vec_deinit(&engine->running);
        sl_engine_meta_deinit(engine);
        sl_kafka_admin_free(engine->admin);
        sl_func_registry_free(engine->funcs);
        sl_udf_loader_free(engine->udf);
        pthread_mutex_destroy(&engine->lock);
        sl_free(engine);
}

const char *sl_engine_service_id(const sl_engine *engine)
{
        return engine->service_id;
}

const char *sl_engine_cluster_id(const sl_engine *engine)
{
        return engine->cluster_id;
}

int64_t sl_engine_command_seq(sl_engine *engine)
{
        pthread_mutex_lock(&engine->lock);
        int64_t seq = engine->seq;
        pthread_mutex_unlock(&engine->lock);
        return seq;
}

int64_t sl_engine_command_add(sl_engine *engine, const char *id, const char *message)
{
        sl_engine_command *c = sl_vec_push_zero(&engine->commands);
        c->id = sl_strdup(id);
        c->status = sl_strdup("SUCCESS");
        c->message = sl_strdup(message ? message : "");
        return ++engine->seq;
}

size_t sl_engine_command_statuses(sl_engine *engine, sl_arena *arena, const char ***ids,
                                  const char ***statuses, const char ***messages)
{
        pthread_mutex_lock(&engine->lock);
        size_t n = engine->commands.len;
        *ids = sl_arena_calloc(arena, n ? n : 1, sizeof(char *));
        *statuses = sl_arena_calloc(arena, n ? n : 1, sizeof(char *));
        *messages = sl_arena_calloc(arena, n ? n : 1, sizeof(char *));
        for (size_t i = 0; i < n; i++) {
                sl_engine_command *c = sl_vec_at(&engine->commands, i);
                (*ids)[i] = sl_arena_strdup(arena, c->id);
                (*statuses)[i] = sl_arena_strdup(arena, c->status);
                (*messages)[i] = sl_arena_strdup(arena, c->message);
        }
        pthread_mutex_unlock(&engine->lock);
        return n;
}

bool sl_engine_source_exists(sl_engine *engine, const char *name, sl_arena *arena, const char **canon)
{
        pthread_mutex_lock(&engine->lock);
        const sl_catalog_source *src = sl_engine_meta_source(engine, name);
        if (src == NULL) {
                char *up = sl_arena_strdup(arena, name);
                sl_str_upper(up);
                src = sl_engine_meta_source(engine, up);
        }
        if (src != NULL && canon != NULL)
                *canon = sl_arena_strdup(arena, src->name);
        pthread_mutex_unlock(&engine->lock);
        return src != NULL;
}

void sl_engine_fail(sl_engine_result *res, int code, bool statement, const char *stmt_text, const char *fmt,
                    ...)
{
        va_list ap;
        sl_str s;

        sl_str_init(&s);
        va_start(ap, fmt);
        sl_str_appendv(&s, fmt, ap);
        va_end(ap);
        res->failed = true;
        res->error_code = code;
        res->statement_error = statement;
        res->error_message = sl_arena_strdup(&res->arena, sl_str_cstr(&s));
        res->error_statement = stmt_text ? sl_arena_strdup(&res->arena, stmt_text) : NULL;
        sl_str_deinit(&s);
}

void sl_engine_result_deinit(sl_engine_result *res)
{
        sl_vec_deinit(&res->entities);
        sl_arena_deinit(&res->arena);
}

static void result_init(sl_engine_result *res)
{
        memset(res, 0, sizeof(*res));
        sl_arena_init(&res->arena, 0);
        sl_vec_init(&res->entities, sizeof(sl_engine_entity));
}

/* ---- properties ---- */

/* Properties a session may override besides every ksql.* one: Kafka Streams and client settings
 * ksqlDB accepts in streamsProperties and SET. */
static const char *const client_props[] = {
        "auto.offset.reset", "processing.guarantee", "commit.interval.ms", "cache.max.bytes.buffering",
        "num.stream.threads", "buffered.records.per.partition", "max.poll.records", "max.task.idle.ms",
        "fetch.min.bytes", "linger.ms", "batch.size", "compression.type", "acks",
};

/* The defaults SHOW PROPERTIES lists when the server configuration does not set them. */
static const struct {
        const char *name;
        const char *scope;
        const char *value;
} default_props[] = {
        {"ksql.service.id", "KSQL", "default_"},
        {"ksql.persistence.default.format.key", "KSQL", "KAFKA"},
        {"ksql.persistence.default.format.value", "KSQL", ""},
        {"ksql.output.topic.name.prefix", "KSQL", ""},
        {"ksql.query.pull.table.scan.enabled", "KSQL", "true"},
        {"ksql.streams.auto.offset.reset", "KAFKA_STREAMS", "latest"},
        {"ksql.streams.commit.interval.ms", "KAFKA_STREAMS", "2000"},
        {"ksql.streams.cache.max.bytes.buffering", "KAFKA_STREAMS", "10000000"},
        {"ksql.streams.processing.guarantee", "KAFKA_STREAMS", "at_least_once"},
        {"ksql.streams.num.stream.threads", "KAFKA_STREAMS", "4"},
};

/* Property names as ksqlDB keys them: client settings get the ksql.streams. prefix. */
static const char *canonical_prop(const char *name, sl_arena *arena)
{
        if (sl_str_starts_with(name, "ksql.") || sl_str_starts_with(name, "sluice."))
                return name;
        return sl_arena_sprintf(arena, "ksql.streams.%s", name);
}

static bool prop_allowed(const char *name)
{
        if (sl_str_starts_with(name, "ksql.") || sl_str_starts_with(name, "sluice."))
                return true;
        for (size_t i = 0; i < sizeof(client_props) / sizeof(client_props[0]); i++)
                if (strcmp(name, client_props[i]) == 0)
                        return true;
        return false;
}

/* Checks a property override; on failure fills `msg` (ksqlDB's wording). */
static bool prop_check(const char *name, const char *value, char *msg, size_t msglen)
{
        const char *bare = sl_str_starts_with(name, "ksql.streams.") ? name + strlen("ksql.streams.") : name;

        if (!prop_allowed(name)) {
                snprintf(msg, msglen, "Not recognizable as ksql, streams, consumer, or producer property: '%s'",
                         name);
                return false;
        }
        if (strcmp(bare, "auto.offset.reset") == 0 && strcmp(value, "earliest") != 0 &&
            strcmp(value, "latest") != 0 && strcmp(value, "none") != 0) {
                snprintf(msg, msglen,
                         "Invalid value %s for configuration auto.offset.reset: String must be one of: latest, "
                         "earliest, none", value);
                return false;
        }
        return true;
}

bool sl_engine_property_valid(const char *name, char *msg, size_t msglen)
{
        if (prop_allowed(name))
                return true;
        snprintf(msg, msglen, "Not recognizable as ksql, streams, consumer, or producer property: '%s'", name);
        return false;
}

const char *sl_engine_session_prop(sl_engine *engine, sl_engine_session *ses, const char *name)
{
        const char *v = ses ? sl_map_get_s(&ses->props, name) : NULL;

        if (v == NULL && ses != NULL && sl_str_starts_with(name, "ksql.streams."))
                v = sl_map_get_s(&ses->props, name + strlen("ksql.streams."));
        if (v == NULL && engine->cfg != NULL)
                v = sl_config_get(engine->cfg, name);
        if (v == NULL)
                for (size_t i = 0; i < sizeof(default_props) / sizeof(default_props[0]); i++)
                        if (strcmp(default_props[i].name, name) == 0)
                                v = default_props[i].value;
        return v;
}

/* SHOW PROPERTIES rows: defaults, the server configuration, then the session's overrides. */
static void list_properties(sl_engine *engine, sl_engine_session *ses, sl_arena *arena, sl_engine_entity *ent)
{
        size_t ndef = sizeof(default_props) / sizeof(default_props[0]);
        size_t cap = ndef + sl_map_len(&ses->props) + 64, n = 0;
        sl_engine_property *props = sl_arena_calloc(arena, cap, sizeof(*props));
        sl_map seen;

        sl_map_init(&seen, false);
        /* session overrides first so they win */
        sl_map_iter it;
        const void *key;
        size_t keylen;
        void *value;
        sl_map_iter_init(&it, &ses->props);
        while (sl_map_iter_next(&it, &key, &keylen, &value) && n < cap) {
                const char *name = canonical_prop(sl_arena_strndup(arena, key, keylen), arena);
                if (sl_map_put_s(&seen, name, (void *)1) != NULL)
                        continue;
                props[n++] = (sl_engine_property){name, sl_str_starts_with(name, "ksql.streams.") ?
                                                  "KAFKA_STREAMS" : "KSQL", sl_arena_strdup(arena, value),
                                                  "SESSION", true, true};
        }
        size_t pos = 0;
        const char *k, *v;
        while (engine->cfg && sl_config_iter(engine->cfg, &pos, &k, &v) && n < cap) {
                if (sl_map_put_s(&seen, k, (void *)1) != NULL)
                        continue;
                props[n++] = (sl_engine_property){sl_arena_strdup(arena, k),
                                                  sl_str_starts_with(k, "ksql.streams.") ? "KAFKA_STREAMS" :
                                                  sl_str_starts_with(k, "ksql.") ? "KSQL" : "SERVER",
                                                  sl_arena_strdup(arena, v), "SERVER", prop_allowed(k), false};
        }
        for (size_t i = 0; i < ndef && n < cap; i++) {
                if (sl_map_put_s(&seen, default_props[i].name, (void *)1) != NULL)
                        continue;
                props[n++] = (sl_engine_property){default_props[i].name, default_props[i].scope,
                                                  default_props[i].value, "SERVER", true, false};
        }
        sl_map_deinit(&seen);
        ent->kind = SL_ENGINE_PROPERTIES;
        ent->props = props;
        ent->nprops = n;
}

/* ---- the session ---- */

static void session_set(sl_map *map, const char *name, const char *value)
{
        sl_free(sl_map_put_s(map, name, sl_strdup(value)));
}

static void session_init(sl_engine_session *ses, const sl_engine_request *req)
{
        sl_map_init(&ses->props, false);
        sl_map_init(&ses->vars, true);
        sl_vec_init(&ses->var_order, sizeof(char *));
        for (size_t i = 0; i < req->nprops; i++)
                session_set(&ses->props, req->props[i].name, req->props[i].value);
        for (size_t i = 0; i < req->nvars; i++) {
                if (sl_map_get_s(&ses->vars, req->vars[i].name) == NULL) {
                        char *n = sl_strdup(req->vars[i].name);
                        sl_vec_push(&ses->var_order, &n);
                }
                session_set(&ses->vars, req->vars[i].name, req->vars[i].value);
        }
}

static void map_free_values(sl_map *map)
{
        sl_map_iter it;
        const void *key;
        size_t keylen;
        void *value;

        sl_map_iter_init(&it, map);
        while (sl_map_iter_next(&it, &key, &keylen, &value))
                sl_free(value);
        sl_map_deinit(map);
}

static void session_deinit(sl_engine_session *ses)
{
        map_free_values(&ses->props);
        map_free_values(&ses->vars);
        for (size_t i = 0; i < ses->var_order.len; i++)
                sl_free(SL_VEC_AT(&ses->var_order, char *, i));
        sl_vec_deinit(&ses->var_order);
}

static const char *lookup_var(void *ctx, const char *name)
{
        sl_engine_session *ses = ctx;
        return sl_map_get_s(&ses->vars, name);
}

/* ---- statements ---- */

static const char *unsupported_name(sl_ast_stmt_kind kind)
{
        switch (kind) {
        case SL_AST_STMT_CREATE_STREAM_AS: return "CREATE STREAM AS SELECT";
        case SL_AST_STMT_CREATE_TABLE_AS: return "CREATE TABLE AS SELECT";
        case SL_AST_STMT_INSERT_INTO: return "INSERT INTO ... SELECT";
        case SL_AST_STMT_INSERT_VALUES: return "INSERT INTO ... VALUES";
        case SL_AST_STMT_TERMINATE: return "TERMINATE";
        case SL_AST_STMT_PAUSE: return "PAUSE";
        case SL_AST_STMT_RESUME: return "RESUME";
        case SL_AST_STMT_EXPLAIN: return "EXPLAIN";
        case SL_AST_STMT_ALTER_SYSTEM: return "ALTER SYSTEM";
        case SL_AST_STMT_LIST_CONNECTORS: return "SHOW CONNECTORS";
        case SL_AST_STMT_LIST_PLUGINS: return "SHOW CONNECTOR PLUGINS";
        case SL_AST_STMT_DESCRIBE_CONNECTOR: return "DESCRIBE CONNECTOR";
        case SL_AST_STMT_CREATE_CONNECTOR: return "CREATE CONNECTOR";
        case SL_AST_STMT_DROP_CONNECTOR: return "DROP CONNECTOR";
        case SL_AST_STMT_ASSERT_TOPIC: return "ASSERT TOPIC";
        case SL_AST_STMT_ASSERT_SCHEMA: return "ASSERT SCHEMA";
        default: return sl_ast_stmt_kind_name(kind);
        }
}

static bool run_statement_inferred(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                                   sl_engine_result *res);

/* Runs one statement. Returns false when the statement failed and the script must stop. A CREATE
 * over AVRO without columns runs (and is logged) with the columns the schema registry gives, so a
 * restart does not depend on the registry's latest version then (engine_schema.c). */
static bool run_statement(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                          sl_engine_result *res)
{
        sl_ast_stmt *inferred = NULL;
        bool ok;

        if (sl_engine_schema_infer(engine, ses, stmt, &inferred, res) != SL_OK)
                return false;
        ok = run_statement_inferred(engine, ses, inferred ? inferred : stmt, res);
        sl_ast_stmt_free(inferred);
        return ok;
}

static bool run_statement_inferred(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                                   sl_engine_result *res)
{
        sl_engine_entity ent;
        const char *text = stmt->text;
        sl_err rc = SL_OK;
        bool emit = true;

        memset(&ent, 0, sizeof(ent));
        ent.statement_text = sl_arena_strdup(&res->arena, text);
        if (sl_engine_meta_is_ddl(stmt->kind))
                rc = sl_engine_meta_ddl(engine, ses, stmt, res, &ent);
        else switch (stmt->kind) {
        case SL_AST_STMT_LIST_TOPICS:
                if (stmt->flags & SL_AST_EXTENDED) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                                       "SHOW TOPICS EXTENDED is not supported yet by this server");
                        rc = SL_ERR_UNSUPPORTED;
                        break;
                }
                rc = sl_engine_topics_show(engine, stmt, res, &ent);
                break;
        case SL_AST_STMT_LIST_PROPERTIES:
                list_properties(engine, ses, &res->arena, &ent);
                break;
        case SL_AST_STMT_LIST_STREAMS:
        case SL_AST_STMT_LIST_TABLES:
        case SL_AST_STMT_LIST_FUNCTIONS:
        case SL_AST_STMT_LIST_TYPES:
        case SL_AST_STMT_LIST_VARIABLES:
        case SL_AST_STMT_DESCRIBE:
        case SL_AST_STMT_DESCRIBE_STREAMS:
        case SL_AST_STMT_DESCRIBE_TABLES:
        case SL_AST_STMT_DESCRIBE_FUNCTION:
                rc = sl_engine_show(engine, ses, stmt, res, &ent);
                break;
        case SL_AST_STMT_SET: {
                char msg[512];
                if (!prop_check(stmt->key, stmt->value, msg, sizeof(msg))) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text, "%s", msg);
                        rc = SL_ERR_INVALID;
                        break;
                }
                session_set(&ses->props, stmt->key, stmt->value);
                emit = false;
                break;
        }
        case SL_AST_STMT_UNSET:
                sl_free(sl_map_del_s(&ses->props, stmt->key));
                emit = false;
                break;
        case SL_AST_STMT_DEFINE:
                if (sl_map_get_s(&ses->vars, stmt->key) == NULL) {
                        char *n = sl_strdup(stmt->key);
                        sl_vec_push(&ses->var_order, &n);
                }
                session_set(&ses->vars, stmt->key, stmt->value);
                emit = false;
                break;
        case SL_AST_STMT_UNDEFINE: {
                char *old = sl_map_del_s(&ses->vars, stmt->key);
                if (old == NULL) {
                        ent.kind = SL_ENGINE_WARNING;
                        ent.message = sl_arena_sprintf(&res->arena,
                                                       "Cannot undefine variable '%s' which was never defined",
                                                       stmt->key);
                } else {
                        emit = false;
                        sl_free(old);
                        for (size_t i = 0; i < ses->var_order.len; i++) {
                                char *n = SL_VEC_AT(&ses->var_order, char *, i);
                                if (sl_str_eq_ci(n, stmt->key)) {
                                        sl_free(n);
                                        sl_vec_remove(&ses->var_order, i);
                                        break;
                                }
                        }
                }
                break;
        }
        case SL_AST_STMT_QUERY:
        case SL_AST_STMT_PRINT:
                sl_engine_fail(res, SL_ENGINE_QUERY_ENDPOINT, true, text,
                               "The following statement types should be issued to the websocket endpoint "
                               "'/query':\n\t* PRINT\n\t* SELECT");
                rc = SL_ERR_INVALID;
                break;
        case SL_AST_STMT_RUN_SCRIPT:
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text,
                               "RUN SCRIPT runs in the shell: the server only accepts the statements of the "
                               "script");
                rc = SL_ERR_INVALID;
                break;
        case SL_AST_STMT_CREATE_STREAM_AS:
        case SL_AST_STMT_CREATE_TABLE_AS:
        case SL_AST_STMT_INSERT_INTO:
        case SL_AST_STMT_TERMINATE:
        case SL_AST_STMT_EXPLAIN:
        case SL_AST_STMT_LIST_QUERIES:
                rc = sl_engine_queries_run(engine, ses, stmt, res, &ent);
                break;
        case SL_AST_STMT_INSERT_VALUES:
                /* ksqlDB answers an insert with no entity */
                rc = sl_engine_queries_run(engine, ses, stmt, res, &ent);
                emit = false;
                break;
        default:
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, text, "%s is not supported yet by this server",
                               unsupported_name(stmt->kind));
                rc = SL_ERR_UNSUPPORTED;
                break;
        }
        if (rc != SL_OK)
                return false;
        sl_engine_queries_sync(engine);
        sl_engine_pull_sources_sync(engine);
        sl_engine_cmdlog_append(engine, ses, stmt, ent.query_id);
        if (emit)
                sl_vec_push(&res->entities, &ent);
        return true;
}

/* The statement of `script` that contains byte `offset`: its text from the previous top-level
 * ';' (the parser does not tell), trimmed. */
static const char *failed_statement_text(const char *text, size_t offset, sl_arena *arena)
{
        size_t len = strlen(text), start = 0, end = len;
        bool in_str = false, in_q = false;

        if (offset > len)
                offset = len;
        for (size_t i = 0; i < len; i++) {
                char c = text[i];
                if (c == '\'' && !in_q)
                        in_str = !in_str;
                else if (c == '`' && !in_str)
                        in_q = !in_q;
                else if (c == ';' && !in_str && !in_q) {
                        if (i < offset)
                                start = i + 1;
                        else {
                                end = i + 1;
                                break;
                        }
                }
        }
        while (start < end && (text[start] == ' ' || text[start] == '\n' || text[start] == '\t' ||
                               text[start] == '\r'))
                start++;
        return sl_arena_strndup(arena, text + start, end - start);
}

void sl_engine_execute(sl_engine *engine, const sl_engine_request *req, sl_engine_result *res)
{
        sl_engine_session ses;
        sl_script *script = NULL;
        char msg[512];

        result_init(res);
        session_init(&ses, req);
        for (size_t i = 0; i < req->nprops; i++) {
                if (!prop_check(req->props[i].name, req->props[i].value, msg, sizeof(msg))) {
                        sl_engine_fail(res, SL_ENGINE_BAD_REQUEST, false, NULL, "%s", msg);
                        goto out;
                }
        }
        pthread_mutex_lock(&engine->lock);
        if (req->command_seq > engine->seq) {
                /* every command runs synchronously, so a later number was never handed out */
                pthread_mutex_unlock(&engine->lock);
                sl_engine_fail(res, 50301, false, NULL,
                               "Timed out while waiting for a previous command to execute. command sequence "
                               "number: %lld", (long long)req->command_seq);
                goto out;
        }
        if (sl_parse_script(req->sql ? req->sql : "", NULL, &script) != SL_OK) {
                sl_str s;
                sl_str_init(&s);
                sl_parse_error_format(&script->errors[0], &s);
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true,
                               failed_statement_text(script->text, script->errors[0].pos.offset, &res->arena),
                               "%s", sl_str_cstr(&s));
                sl_str_deinit(&s);
                pthread_mutex_unlock(&engine->lock);
                goto out;
        }
        for (size_t i = 0; i < script->nstmts; i++) {
                sl_ast_stmt *stmt = script->stmts[i];
                sl_ast_stmt *subst = NULL;
                if (strstr(stmt->text, "${") != NULL && stmt->kind != SL_AST_STMT_DEFINE &&
                    stmt->kind != SL_AST_STMT_UNDEFINE) {
                        sl_parse_opts opts = {lookup_var, &ses};
                        sl_err_detail err;
                        if (sl_parse_statement(stmt->text, &opts, &subst, &err) != SL_OK) {
                                sl_str s;
                                sl_str_init(&s);
                                sl_parse_error_format(&err, &s);
                                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s",
                                               sl_str_cstr(&s));
                                sl_str_deinit(&s);
                                break;
                        }
                        stmt = subst;
                }
                bool ok = run_statement(engine, &ses, stmt, res);
                sl_ast_stmt_free(subst);
                if (!ok)
                        break;
        }
        pthread_mutex_unlock(&engine->lock);
out:
        sl_script_free(script);
        session_deinit(&ses);
}

size_t sl_engine_session_vars(sl_engine_session *ses, sl_arena *arena, sl_engine_kv **out)
{
        size_t n = ses->var_order.len;
        sl_engine_kv *kv = sl_arena_calloc(arena, n ? n : 1, sizeof(*kv));
        for (size_t i = 0; i < n; i++) {
                const char *name = SL_VEC_AT(&ses->var_order, char *, i);
                kv[i].name = sl_arena_strdup(arena, name);
                kv[i].value = sl_arena_strdup(arena, sl_map_get_s(&ses->vars, name));
        }
        *out = kv;
        return n;
}

/* ---- queries and inserts: the query manager plugs in here (issue 5) ---- */

sl_err sl_engine_query_start(sl_engine *engine, const sl_engine_request *req, const sl_engine_query_sink *sink,
                             sl_arena *arena, sl_engine_query_header *hdr, sl_engine_query **out,
                             sl_engine_result *res)
{
        sl_script *script = NULL;
        sl_err rc = SL_ERR_UNSUPPORTED;
        sl_engine_session ses;
        sl_parse_opts opts = {lookup_var, &ses};
        char msg[512];

        memset(hdr, 0, sizeof(*hdr));
        *out = NULL;
        result_init(res);
        session_init(&ses, req);
        for (size_t i = 0; i < req->nprops; i++) {
                if (!prop_check(req->props[i].name, req->props[i].value, msg, sizeof(msg))) {
                        sl_engine_fail(res, SL_ENGINE_BAD_REQUEST, false, NULL, "%s", msg);
                        rc = SL_ERR_INVALID;
                        goto out;
                }
        }
        if (sl_parse_script(req->sql ? req->sql : "", &opts, &script) != SL_OK) {
                sl_str s;
                sl_str_init(&s);
                sl_parse_error_format(&script->errors[0], &s);
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, req->sql, "%s", sl_str_cstr(&s));
                sl_str_deinit(&s);
                rc = SL_ERR_PARSE;
                goto out;
        }
        if (script->nstmts != 1) {
                sl_engine_fail(res, SL_ENGINE_BAD_REQUEST, false, NULL,
                               "Expected exactly one query, got %zu statements", script->nstmts);
                rc = SL_ERR_INVALID;
                goto out;
        }
        sl_ast_stmt *stmt = script->stmts[0];
        if (stmt->kind != SL_AST_STMT_QUERY && stmt->kind != SL_AST_STMT_PRINT) {
                sl_engine_fail(res, SL_ENGINE_BAD_REQUEST, false, NULL,
                               "Statement type `%s' not supported for this resource",
                               sl_ast_stmt_kind_name(stmt->kind));
                rc = SL_ERR_INVALID;
                goto out;
        }
        if (stmt->kind == SL_AST_STMT_PRINT) {
                void *printer = NULL;
                rc = sl_engine_print_start(engine, &ses, stmt, sink, &printer, res);
                if (rc == SL_OK) {
                        hdr->print = true;
                        *out = sl_engine_query_wrap_print(engine, printer);
                }
                goto out;
        }
        if (stmt->kind == SL_AST_STMT_QUERY) {
                /* the analyzer's verdict first: unknown sources or columns get their real error */
                pthread_mutex_lock(&engine->lock);
                sl_analysis *a = sl_engine_meta_analyze(engine, &ses, stmt, res);
                pthread_mutex_unlock(&engine->lock);
                if (a == NULL) {
                        rc = SL_ERR_ANALYZE;
                        goto out;
                }
                if (a->emit != SL_AST_EMIT_NONE && !a->pull) {
                        rc = sl_engine_push_query_start(engine, &ses, stmt, a, sink, arena, hdr, out, res);
                        goto out;
                }
                if (a->pull) {
                        rc = sl_engine_pull_query_start(engine, &ses, stmt, a, sink, arena, hdr, out, res);
                        goto out;
                }
                sl_analysis_free(a);
        }
        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s not supported yet by this server",
                       stmt->kind == SL_AST_STMT_PRINT ? "PRINT is" : "Push queries are");
out:
        sl_script_free(script);
        session_deinit(&ses);
        return rc;
}
