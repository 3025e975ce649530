/* query.c: the query manager. Persistent queries (CREATE STREAM/TABLE AS SELECT, INSERT INTO ...
 * SELECT) are analyzed against the metastore, planned (src/plan), their sink topic created through
 * the Kafka admin client (the PARTITIONS given, else as many partitions as the source topic), applied
 * to the catalog and run by src/exec's stream threads in the consumer group `_sluice_query_<ID>`,
 * committing at least once; their ids are the analyzer's (CSAS_<SINK>_<n>, INSERTQUERY_<n>), so
 * replaying the command log in order gives each query its old id and its old committed offsets.
 * TERMINATE [ALL] stops them, SHOW QUERIES lists them, EXPLAIN prints a plan. Transient push
 * queries (REST /query, /query-stream) plan the same way with a row callback that renders each row
 * as a JSON array into the server's sink, and stop after LIMIT rows.
 *
 * Threads: the engine's lock guards the list of persistent queries; transient queries are owned by
 * the REST connection that started them. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "exec/query.h"
#include "kafka/conf.h"
#include "plan/plan.h"
#include "sql/parse.h"
#include "types/type.h"
#include "types/value.h"

#define QUERY_TOPIC_TIMEOUT_MS 10000

/* One running persistent query. */
struct sl_engine_pq {
        char *id;                /* CSAS_S_1 ... (heap) */
        char *sql;               /* the statement text (heap) */
        char *sink;              /* sink source name (heap) */
        char *sink_topic;        /* its topic (heap) */
        sl_ast_stmt *stmt;       /* owned: the analysis and plan borrow it */
        sl_plan *plan;           /* owned */
        sl_exec_query *run;      /* owned: the stream threads */
};

void sl_engine_bootstrap(sl_engine *engine, char *out, size_t len)
{
        const char *bs = engine->cfg ? sl_config_get(engine->cfg, "bootstrap.servers") : NULL;
        size_t n = 0;

        if (bs != NULL) {
                snprintf(out, len, "%s", bs);
                return;
        }
        /* the bundled broker: "PLAINTEXT://127.0.0.1:9092,..." -> "127.0.0.1:9092,..." */
        const char *p = engine->cfg ? sl_config_get(engine->cfg, "broker.listeners") : NULL;
        if (p == NULL)
                p = "PLAINTEXT://127.0.0.1:9092";
        while (*p && n + 1 < len) {
                const char *scheme = strstr(p, "://");
                const char *comma = strchr(p, ',');
                if (scheme != NULL && (comma == NULL || scheme < comma))
                        p = scheme + 3;
                while (*p && *p != ',' && n + 1 < len)
                        out[n++] = *p++;
                if (*p == ',' && n + 1 < len) {
                        out[n++] = ',';
                        p++;
                }
        }
        out[n] = '\0';
}

/* The engine's admin client, created at first use. */
static sl_err admin(sl_engine *engine, sl_err_detail *err)
{
        char bs[512];

        if (engine->admin != NULL)
                return SL_OK;
        sl_engine_bootstrap(engine, bs, sizeof(bs));
        sl_kafka_conf conf;
        sl_kafka_conf_init(&conf);
        sl_kafka_conf_set(&conf, "bootstrap.servers", bs);
        sl_err rc = sl_kafka_admin_new(&conf, &engine->admin, err);
        sl_kafka_conf_deinit(&conf);
        return rc;
}

static int session_int(sl_engine *engine, sl_engine_session *ses, const char *name, int dflt)
{
        const char *v = sl_engine_session_prop(engine, ses, name);
        char *end = NULL;
        long n = v ? strtol(v, &end, 10) : 0;
        return v && end != v && *end == '\0' && n > 0 ? (int)n : dflt;
}

/* The thread configuration of a query from the session: bootstrap.servers, auto.offset.reset,
 * commit interval. `kconf` must be initialized; it is filled and stays the caller's. */
static void thread_conf(sl_engine *engine, sl_engine_session *ses, sl_kafka_conf *kconf, sl_exec_thread_conf *tc)
{
        char bs[512];

        sl_engine_bootstrap(engine, bs, sizeof(bs));
        sl_kafka_conf_set(kconf, "bootstrap.servers", bs);
        memset(tc, 0, sizeof(*tc));
        tc->kafka = kconf;
        tc->auto_offset_reset = sl_engine_session_prop(engine, ses, "ksql.streams.auto.offset.reset");
        tc->commit_interval_ms = session_int(engine, ses, "ksql.streams.commit.interval.ms", 2000);
}

/* Creates the sink topic of a persistent query unless it exists: PARTITIONS when given, else the
 * partition count of the (first) source topic. */
static sl_err sink_topic_create(sl_engine *engine, const sl_plan *plan, const sl_catalog_source *sink,
                                sl_err_detail *err)
{
        sl_arena arena;
        sl_kafka_topic_info info;
        int partitions = sink->partitions;
        sl_err rc;

        if (!engine->kafka)
                return SL_OK;
        if ((rc = admin(engine, err)) != SL_OK)
                return rc;
        sl_arena_init(&arena, 0);
        if (partitions <= 0 && plan->nsubs > 0) {
                const char *src = plan->subs[0].source->u.source.topic.name;
                sl_err_detail e2;
                if (sl_kafka_admin_describe_topic(engine->admin, src, &arena, &info, QUERY_TOPIC_TIMEOUT_MS, &e2) ==
                    SL_OK)
                        partitions = (int)info.npartitions;
        }
        if (partitions <= 0)
                partitions = 1;
        rc = sl_kafka_admin_create_topic(engine->admin, sink->topic, partitions, -1, NULL, 0, QUERY_TOPIC_TIMEOUT_MS,
                                         err);
        if (rc == SL_ERR_EXISTS)
                rc = SL_OK;
        sl_arena_deinit(&arena);
        return rc;
}

static void pq_free(sl_engine_pq *pq)
{
        if (pq == NULL)
                return;
        sl_exec_query_free(pq->run);
        sl_plan_free(pq->plan);
        sl_ast_stmt_free(pq->stmt);
        sl_free(pq->id);
        sl_free(pq->sql);
        sl_free(pq->sink);
        sl_free(pq->sink_topic);
        sl_free(pq);
}

static sl_engine_pq *pq_find(sl_engine *engine, const char *id, size_t *index)
{
        for (size_t i = 0; i < engine->pqs.len; i++) {
                sl_engine_pq *pq = SL_VEC_AT(&engine->pqs, sl_engine_pq *, i);
                if (sl_str_eq_ci(pq->id, id)) {
                        if (index)
                                *index = i;
                        return pq;
                }
        }
        return NULL;
}

/* CREATE STREAM/TABLE AS SELECT, INSERT INTO ... SELECT. */
static sl_err persistent_start(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                               sl_engine_result *res, sl_engine_entity *ent)
{
        sl_engine_pq *pq = sl_calloc(1, sizeof(*pq));
        sl_analysis *a = NULL;
        sl_err_detail err;
        sl_err rc = SL_ERR_INVALID;
        sl_kafka_conf kconf;
        sl_exec_thread_conf tc;

        sl_kafka_conf_init(&kconf);
        /* a copy of the statement the plan can keep */
        if (sl_parse_statement(stmt->text, NULL, &pq->stmt, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                goto fail;
        }
        a = sl_engine_meta_analyze(engine, ses, pq->stmt, res);
        if (a == NULL) {
                rc = SL_ERR_ANALYZE;
                goto fail;
        }
        if (a->query_id == NULL) {
                /* CREATE ... AS over an existing source with IF NOT EXISTS: nothing to run */
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "Nothing to run for this statement");
                goto fail;
        }
        pq->id = sl_strdup(a->query_id);
        const sl_catalog_source *sink = a->new_source ? a->new_source : a->sink;
        pq->sink = sl_strdup(sink->name);
        pq->sink_topic = sl_strdup(sink->topic);
        pq->sql = sl_strdup(stmt->text);
        sl_plan_ctx pctx = {.reg = engine->funcs};
        if (sl_plan_build(&pctx, a, &pq->plan, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s%s",
                               err.code == SL_ERR_UNSUPPORTED ? "Not supported yet by this server: " : "",
                               err.message);
                goto fail;
        }
        a = NULL;  /* the plan owns it */
        if (sink_topic_create(engine, pq->plan, sink, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not create topic %s: %s",
                               pq->sink_topic, err.message);
                goto fail;
        }
        if (sl_analysis_apply(engine->cat, pq->plan->analysis, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                goto fail;
        }
        thread_conf(engine, ses, &kconf, &tc);
        int nthreads = session_int(engine, ses, "ksql.streams.num.stream.threads", 1);
        if (sl_exec_query_new(pq->plan, &tc, nthreads, &pq->run, &err) != SL_OK ||
            sl_exec_query_start(pq->run, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not start query %s: %s", pq->id,
                               err.message);
                /* the catalog has the sink now: drop the query record so TERMINATE is not needed */
                engine->cat->ops->drop_query(engine->cat, pq->id, NULL);
                goto fail;
        }
        SL_LOG_INFO("engine", "query %s started: %s", pq->id, pq->sql);
        sl_vec_push(&engine->pqs, &pq);
        ent->kind = SL_ENGINE_CURRENT_STATUS;
        ent->status = "SUCCESS";
        ent->query_id = sl_arena_strdup(&res->arena, pq->id);
        if (stmt->kind == SL_AST_STMT_INSERT_INTO) {
                ent->command_id = sl_arena_sprintf(&res->arena, "stream/`%s`/create", pq->sink);
                ent->message = sl_arena_sprintf(&res->arena, "Created query with ID %s", pq->id);
        } else {
                const char *what = stmt->kind == SL_AST_STMT_CREATE_TABLE_AS ? "table" : "stream";
                ent->command_id = sl_arena_sprintf(&res->arena, "%s/`%s`/create", what, pq->sink);
                ent->message = sl_arena_sprintf(&res->arena, "Created query with ID %s", pq->id);
        }
        ent->command_seq = sl_engine_command_add(engine, ent->command_id, ent->message);
        sl_kafka_conf_deinit(&kconf);
        return SL_OK;
fail:
        sl_kafka_conf_deinit(&kconf);
        if (a != NULL)
                sl_analysis_free(a);
        pq_free(pq);
        return rc;
}

/* Stops and forgets one persistent query (the catalog record too). */
static void persistent_stop(sl_engine *engine, size_t index)
{
        sl_engine_pq *pq = SL_VEC_AT(&engine->pqs, sl_engine_pq *, index);
        sl_err_detail err;

        sl_vec_remove(&engine->pqs, index);
        if (sl_exec_query_stop(pq->run, &err) != SL_OK)
                SL_LOG_WARN("engine", "query %s stopped with an error: %s", pq->id, err.message);
        engine->cat->ops->drop_query(engine->cat, pq->id, NULL);
        SL_LOG_INFO("engine", "query %s terminated", pq->id);
        pq_free(pq);
}

static sl_err terminate(sl_engine *engine, const sl_ast_stmt *stmt, sl_engine_result *res, sl_engine_entity *ent)
{
        const char *id = stmt->name.name;

        if (stmt->flags & SL_AST_ALL) {
                while (engine->pqs.len > 0)
                        persistent_stop(engine, engine->pqs.len - 1);
        } else {
                size_t idx = 0;
                if (id == NULL || pq_find(engine, id, &idx) == NULL) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "Unknown queryId: %s",
                                       id ? id : "");
                        return SL_ERR_NOT_FOUND;
                }
                persistent_stop(engine, idx);
        }
        ent->kind = SL_ENGINE_CURRENT_STATUS;
        ent->status = "SUCCESS";
        ent->command_id = (stmt->flags & SL_AST_ALL) ? "terminate/ALL/execute" :
                                                      sl_arena_sprintf(&res->arena, "terminate/%s/execute", id);
        ent->message = "Query terminated.";
        ent->command_seq = sl_engine_command_add(engine, ent->command_id, ent->message);
        return SL_OK;
}

static sl_err show_queries(sl_engine *engine, sl_engine_result *res, sl_engine_entity *ent)
{
        size_t n = engine->pqs.len;

        ent->kind = SL_ENGINE_QUERIES;
        ent->nqueries = n;
        ent->queries = sl_arena_calloc(&res->arena, n ? n : 1, sizeof(*ent->queries));
        for (size_t i = 0; i < n; i++) {
                sl_engine_pq *pq = SL_VEC_AT(&engine->pqs, sl_engine_pq *, i);
                sl_engine_query_info *qi = &ent->queries[i];
                qi->id = sl_arena_strdup(&res->arena, pq->id);
                qi->query_string = sl_arena_strdup(&res->arena, pq->sql);
                qi->sink = sl_arena_strdup(&res->arena, pq->sink);
                qi->sink_topic = sl_arena_strdup(&res->arena, pq->sink_topic);
                qi->query_type = "PERSISTENT";
                qi->state = "RUNNING";
        }
        return SL_OK;
}

/* EXPLAIN <query id> | EXPLAIN <statement>: the plan as text in a currentStatus message. */
static sl_err explain(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt, sl_engine_result *res,
                      sl_engine_entity *ent)
{
        sl_str s;
        sl_err_detail err;

        sl_str_init(&s);
        if (stmt->inner == NULL) {
                sl_engine_pq *pq = stmt->name.name ? pq_find(engine, stmt->name.name, NULL) : NULL;
                if (pq == NULL) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "Query with id:%s does not exist",
                                       stmt->name.name ? stmt->name.name : "");
                        sl_str_deinit(&s);
                        return SL_ERR_NOT_FOUND;
                }
                sl_plan_explain(pq->plan, &s);
        } else {
                sl_analysis *a = sl_engine_meta_analyze(engine, ses, stmt->inner, res);
                sl_plan *plan = NULL;
                sl_plan_ctx pctx = {.reg = engine->funcs};
                if (a == NULL) {
                        sl_str_deinit(&s);
                        return SL_ERR_ANALYZE;
                }
                if (sl_plan_build(&pctx, a, &plan, &err) != SL_OK) {
                        sl_analysis_free(a);
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                        sl_str_deinit(&s);
                        return SL_ERR_UNSUPPORTED;
                }
                sl_plan_explain(plan, &s);
                sl_plan_free(plan);
        }
        ent->kind = SL_ENGINE_CURRENT_STATUS;
        ent->status = "SUCCESS";
        ent->command_id = "explain";
        ent->message = sl_arena_strdup(&res->arena, sl_str_cstr(&s));
        sl_str_deinit(&s);
        return SL_OK;
}

sl_err sl_engine_queries_run(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                             sl_engine_result *res, sl_engine_entity *ent)
{
        switch (stmt->kind) {
        case SL_AST_STMT_CREATE_STREAM_AS:
        case SL_AST_STMT_CREATE_TABLE_AS:
        case SL_AST_STMT_INSERT_INTO:
                if (!engine->kafka) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                                       "Persistent queries need Kafka (sluice.engine.kafka is false)");
                        return SL_ERR_UNSUPPORTED;
                }
                return persistent_start(engine, ses, stmt, res, ent);
        case SL_AST_STMT_TERMINATE:
                return terminate(engine, stmt, res, ent);
        case SL_AST_STMT_LIST_QUERIES:
                return show_queries(engine, res, ent);
        case SL_AST_STMT_EXPLAIN:
                return explain(engine, ses, stmt, res, ent);
        default:
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s is not supported yet by this server",
                               sl_ast_stmt_kind_name(stmt->kind));
                return SL_ERR_UNSUPPORTED;
        }
}

void sl_engine_queries_init(sl_engine *engine)
{
        sl_vec_init(&engine->pqs, sizeof(sl_engine_pq *));
}

void sl_engine_queries_stop_all(sl_engine *engine)
{
        while (engine->pqs.len > 0) {
                size_t i = engine->pqs.len - 1;
                sl_engine_pq *pq = SL_VEC_AT(&engine->pqs, sl_engine_pq *, i);
                sl_vec_remove(&engine->pqs, i);
                pq_free(pq);  /* stops the threads: they commit what they processed */
        }
        sl_vec_deinit(&engine->pqs);
}

/* ---- transient push queries ---- */

struct sl_engine_query {
        sl_engine_query_sink sink;  /* where rows go */
        sl_ast_stmt *stmt;          /* owned: the plan borrows it */
        sl_plan *plan;              /* owned */
        sl_exec_query *run;         /* owned */
        sl_kafka_conf kconf;        /* the threads' client configuration */
        int64_t limit;              /* LIMIT n, or -1 */
        size_t ncols;               /* output columns rendered per row */
        _Atomic int64_t rows;       /* rows delivered */
        atomic_bool ended;          /* `end` was called */
};

static sl_err push_row(void *ctx, const sl_plan_node *node, const sl_value *row, size_t width, int64_t ts,
                       bool tombstone, sl_err_detail *err)
{
        sl_engine_query *q = ctx;
        sl_str s;

        (void)node;
        (void)ts;
        (void)err;
        if (atomic_load(&q->ended))
                return SL_OK;
        sl_str_init(&s);
        sl_str_append(&s, "[");
        for (size_t i = 0; i < q->ncols && i < width; i++) {
                if (i)
                        sl_str_append(&s, ",");
                sl_value_format_json(&s, &row[i], 0);
        }
        sl_str_append(&s, "]");
        bool more = q->sink.row(q->sink.ctx, sl_str_cstr(&s), tombstone);
        sl_str_deinit(&s);
        int64_t n = atomic_fetch_add(&q->rows, 1) + 1;
        if (!more || (q->limit >= 0 && n >= q->limit)) {
                bool was = atomic_exchange(&q->ended, true);
                if (!was && q->sink.end)
                        q->sink.end(q->sink.ctx, more ? "Limit Reached" : NULL, NULL);
        }
        return SL_OK;
}

sl_err sl_engine_push_start(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                            const sl_engine_query_sink *sink, sl_arena *arena, sl_engine_query_header *hdr,
                            sl_engine_query **out, sl_engine_result *res)
{
        sl_engine_query *q = sl_calloc(1, sizeof(*q));
        sl_err_detail err;
        sl_exec_thread_conf tc;
        sl_analysis *a = NULL;
        sl_err rc = SL_ERR_INVALID;

        sl_kafka_conf_init(&q->kconf);
        q->sink = *sink;
        if (sl_parse_statement(stmt->text, NULL, &q->stmt, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                goto fail;
        }
        pthread_mutex_lock(&engine->lock);
        a = sl_engine_meta_analyze(engine, ses, q->stmt, res);
        pthread_mutex_unlock(&engine->lock);
        if (a == NULL) {
                rc = SL_ERR_ANALYZE;
                goto fail;
        }
        if (a->pull) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "Pull queries are not supported yet by this server");
                rc = SL_ERR_UNSUPPORTED;
                goto fail;
        }
        q->limit = a->limit;
        q->ncols = a->ncolumns;
        hdr->ncolumns = a->ncolumns;
        hdr->column_names = sl_arena_calloc(arena, a->ncolumns ? a->ncolumns : 1, sizeof(char *));
        hdr->column_types = sl_arena_calloc(arena, a->ncolumns ? a->ncolumns : 1, sizeof(char *));
        for (size_t i = 0; i < a->ncolumns; i++) {
                sl_str t;
                sl_str_init(&t);
                sl_type_print(&t, a->columns[i].type);
                hdr->column_names[i] = sl_arena_strdup(arena, a->columns[i].name);
                hdr->column_types[i] = sl_arena_strdup(arena, sl_str_cstr(&t));
                sl_str_deinit(&t);
        }
        {
                sl_str sc;
                sl_str_init(&sc);
                sl_analysis_print_schema(&sc, a);
                hdr->schema = sl_arena_strdup(arena, sl_str_cstr(&sc));
                sl_str_deinit(&sc);
        }
        sl_plan_ctx pctx = {.reg = engine->funcs};
        if (sl_plan_build(&pctx, a, &q->plan, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s%s",
                               err.code == SL_ERR_UNSUPPORTED ? "Not supported yet by this server: " : "",
                               err.message);
                rc = err.code;
                goto fail;
        }
        a = NULL;
        hdr->query_id = sl_arena_strdup(arena, q->plan->query_id ? q->plan->query_id : "transient");
        thread_conf(engine, ses, &q->kconf, &tc);
        tc.on_row = push_row;
        tc.row_ctx = q;
        if (sl_exec_query_new(q->plan, &tc, 1, &q->run, &err) != SL_OK || sl_exec_query_start(q->run, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not start the query: %s",
                               err.message);
                rc = err.code;
                goto fail;
        }
        *out = q;
        return SL_OK;
fail:
        if (a != NULL)
                sl_analysis_free(a);
        q->sink.end = NULL;
        sl_engine_query_close(q);
        return rc;
}

void sl_engine_query_close(sl_engine_query *q)
{
        if (q == NULL)
                return;
        atomic_store(&q->ended, true);
        sl_exec_query_free(q->run);
        sl_plan_free(q->plan);
        sl_ast_stmt_free(q->stmt);
        sl_kafka_conf_deinit(&q->kconf);
        sl_free(q);
}
