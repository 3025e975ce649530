/* query.c: the query manager. Persistent queries (CREATE STREAM/TABLE AS SELECT, INSERT INTO ...
 * SELECT) are analyzed against the metastore, planned (src/plan), their sink topic created through
 * the Kafka admin client (the PARTITIONS given, else as many partitions as the source topic), applied
 * to the catalog and run by src/exec's stream threads in the consumer group `_sluice_query_<ID>`,
 * committing at least once; their ids are the analyzer's (CSAS_<SINK>_<n>, INSERTQUERY_<n>), so
 * replaying the command log in order gives each query its old id and its old committed offsets.
 * TERMINATE [ALL] stops them, SHOW QUERIES lists them (and the transient push queries of
 * engine_query.c), EXPLAIN prints a plan.
 *
 * Threads: the engine's lock guards the list of persistent queries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "exec/query.h"
#include "exec/view.h"
#include "kafka/conf.h"
#include "kafka/producer.h"
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
        char **sources;          /* names of the sources it reads (heap) */
        size_t nsources;
        sl_ast_stmt *stmt;       /* owned: the analysis and plan borrow it */
        sl_plan *plan;           /* owned */
        sl_exec_query *run;      /* owned: the stream threads */
        sl_exec_view *view;      /* TABLE results: the pull-query view (engine_pull.c), or NULL */
        bool drop_view;          /* TERMINATE: delete the view's directory when closing it */
};

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

/* librdkafka client properties a server or session may set as ksql.streams.<name>. */
static const char *const client_props[] = {
        "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "fetch.min.bytes",
        "fetch.wait.max.ms", "linger.ms", "compression.type", "acks", "security.protocol", "sasl.mechanisms",
        "sasl.username", "sasl.password", "ssl.ca.location", "ssl.certificate.location", "ssl.key.location",
        "ssl.key.password",
};

/* The thread configuration of a query from the session: bootstrap.servers, the client properties
 * above, auto.offset.reset, commit interval. `kconf` must be initialized; it is filled and stays
 * the caller's. */
static void thread_conf(sl_engine *engine, sl_engine_session *ses, sl_kafka_conf *kconf, sl_exec_thread_conf *tc)
{
        char bs[512];

        sl_engine_bootstrap(engine, bs, sizeof(bs));
        sl_kafka_conf_set(kconf, "bootstrap.servers", bs);
        for (size_t i = 0; i < sizeof(client_props) / sizeof(client_props[0]); i++) {
                char name[128];
                snprintf(name, sizeof(name), "ksql.streams.%s", client_props[i]);
                const char *v = sl_engine_session_prop(engine, ses, name);
                if (v != NULL)
                        sl_kafka_conf_set(kconf, client_props[i], v);
        }
        memset(tc, 0, sizeof(*tc));
        tc->kafka = kconf;
        tc->auto_offset_reset = sl_engine_session_prop(engine, ses, "ksql.streams.auto.offset.reset");
        tc->commit_interval_ms = session_int(engine, ses, "ksql.streams.commit.interval.ms", 2000);
        tc->cache_max_bytes = session_int(engine, ses, "ksql.streams.cache.max.bytes.buffering", 10 << 20);
        if (sl_engine_session_prop(engine, ses, "ksql.streams.cache.max.bytes.buffering") &&
            strcmp(sl_engine_session_prop(engine, ses, "ksql.streams.cache.max.bytes.buffering"), "0") == 0)
                tc->cache_max_bytes = 0;
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

/* The partition count of `topic`, or 0 when unknown. */
static int topic_partitions(sl_engine *engine, const char *topic)
{
        sl_arena arena;
        sl_kafka_topic_info info;
        sl_err_detail e;
        int n = 0;

        sl_arena_init(&arena, 0);
        if (sl_kafka_admin_describe_topic(engine->admin, topic, &arena, &info, QUERY_TOPIC_TIMEOUT_MS, &e) == SL_OK)
                n = (int)info.npartitions;
        sl_arena_deinit(&arena);
        return n;
}

/* Creates the query's internal topics unless they exist: repartition topics and the compacted
 * changelog topics of its state stores, with the partitions of the query's (first) source topic,
 * as ksqlDB sizes them. */
static sl_err internal_topics_create(sl_engine *engine, const sl_plan *plan, sl_err_detail *err)
{
        static const char *const compact[] = {"cleanup.policy", "compact"};
        sl_arena arena;
        int partitions;
        sl_err rc = SL_OK;

        if (!engine->kafka || plan->nsubs == 0 || (plan->nsubs == 1 && plan->nstores == 0))
                return SL_OK;
        if ((rc = admin(engine, err)) != SL_OK)
                return rc;
        partitions = topic_partitions(engine, plan->subs[0].source->u.source.topic.name);
        if (partitions <= 0)
                partitions = 1;
        sl_arena_init(&arena, 0);
        /* every source of a sub: a join's re-keyed side need not be its sub's first source */
        for (size_t i = 0; i < plan->nsubs && rc == SL_OK; i++) {
                for (size_t k = 0; k < plan->subs[i].nsources && rc == SL_OK; k++) {
                        const sl_plan_node *src = plan->subs[i].sources[k];

                        if (!src->u.source.internal)
                                continue;
                        rc = sl_kafka_admin_create_topic(engine->admin, src->u.source.topic.name, partitions, -1, NULL,
                                                         0, QUERY_TOPIC_TIMEOUT_MS, err);
                        if (rc == SL_ERR_EXISTS)
                                rc = SL_OK;
                }
        }
        for (size_t i = 0; i < plan->nstores && rc == SL_OK; i++) {
                rc = sl_kafka_admin_create_topic(engine->admin, sl_plan_changelog_topic(plan, plan->stores[i].name, &arena),
                                                 partitions, -1, compact, 1, QUERY_TOPIC_TIMEOUT_MS, err);
                if (rc == SL_ERR_EXISTS)
                        rc = SL_OK;
        }
        sl_arena_deinit(&arena);
        return rc;
}

static void pq_free(sl_engine_pq *pq)
{
        if (pq == NULL)
                return;
        sl_exec_query_free(pq->run);
        sl_exec_view_close(pq->view, pq->drop_view);  /* after the threads: no sink writes to it */
        sl_plan_free(pq->plan);
        sl_ast_stmt_free(pq->stmt);
        sl_free(pq->id);
        sl_free(pq->sql);
        sl_free(pq->sink);
        sl_free(pq->sink_topic);
        for (size_t i = 0; i < pq->nsources; i++)
                sl_free(pq->sources[i]);
        sl_free(pq->sources);
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
        pq->sources = sl_calloc(a->nsources ? a->nsources : 1, sizeof(char *));
        for (size_t i = 0; i < a->nsources; i++)
                if (a->sources[i].src != NULL)
                        pq->sources[pq->nsources++] = sl_strdup(a->sources[i].src->name);
        sl_plan_ctx pctx = {.reg = engine->funcs};
        if (sl_plan_build(&pctx, a, &pq->plan, &err) != SL_OK) {
                if (err.code == SL_ERR_UNSUPPORTED)
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                                       "%s is not supported yet by this server", err.message);
                else
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                goto fail;
        }
        a = NULL;  /* the plan owns it */
        /* the sink's schemas first: an incompatible one refuses the statement before any topic exists */
        if (sl_engine_schema_prepare_sinks(pq->plan, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "Could not register schema: %s",
                               err.message);
                goto fail;
        }
        if (sink_topic_create(engine, pq->plan, sink, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not create topic %s: %s",
                               pq->sink_topic, err.message);
                goto fail;
        }
        if (internal_topics_create(engine, pq->plan, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not create the internal topics of %s: %s",
                               pq->id, err.message);
                goto fail;
        }
        if (sl_analysis_apply(engine->cat, pq->plan->analysis, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                goto fail;
        }
        thread_conf(engine, ses, &kconf, &tc);
        pq->view = sl_engine_pull_view_open(engine, pq->plan, &kconf);
        const char *data = engine->cfg ? sl_config_get(engine->cfg, "data.dir") : NULL;
        char state_dir[1024];
        snprintf(state_dir, sizeof(state_dir), "%s/state", data ? data : "./sluice-data");
        tc.state_dir = state_dir;
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
        pq->drop_view = true;
        pq_free(pq);
}

void sl_engine_queries_sync(sl_engine *engine)
{
        for (size_t i = engine->pqs.len; i-- > 0;) {
                sl_engine_pq *pq = SL_VEC_AT(&engine->pqs, sl_engine_pq *, i);
                if (engine->cat->ops->get_query(engine->cat, pq->id) == NULL)
                        persistent_stop(engine, i);
        }
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

/* SHOW QUERIES: the persistent queries, then the running transient ones. */
static sl_err show_queries(sl_engine *engine, sl_engine_result *res, sl_engine_entity *ent)
{
        sl_engine_query_info *tq = NULL;
        size_t n = engine->pqs.len;
        size_t nt = sl_engine_running_queries(engine, &res->arena, &tq);

        ent->kind = SL_ENGINE_QUERIES;
        ent->nqueries = n + nt;
        ent->queries = sl_arena_calloc(&res->arena, n + nt ? n + nt : 1, sizeof(*ent->queries));
        if (nt > 0)
                memcpy(ent->queries + n, tq, nt * sizeof(*tq));
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

/* INSERT INTO s [(cols)] VALUES (...): the analyzer's typed values, produced as one record by
 * engine_insert.c with the sink's formats. */
static sl_err insert_values(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt, sl_engine_result *res,
                            sl_engine_entity *ent)
{
        sl_analysis *a = sl_engine_meta_analyze(engine, ses, stmt, res);
        sl_err_detail err;
        sl_err rc = SL_ERR_INVALID;
        sl_arena arena;
        int code;

        /* ksqlDB answers INSERT VALUES with no entity */
        (void)ent;
        if (a == NULL)
                return SL_ERR_ANALYZE;
        if (!engine->kafka) {
                sl_analysis_free(a);
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "INSERT VALUES needs Kafka (sluice.engine.kafka is false)");
                return SL_ERR_UNSUPPORTED;
        }
        sl_arena_init(&arena, 0);
        const sl_catalog_source *sink = a->sink;
        sl_value *row = sl_arena_calloc(&arena, sink->ncolumns + 1, sizeof(*row));
        sl_expr_ctx ectx = {.arena = &arena};
        for (size_t i = 0; i < sink->ncolumns; i++)
                row[i] = a->values[i] ? (sl_expr_eval_tree(a->values[i], &ectx, &row[i]), row[i]) : sl_value_null();
        int64_t ts = 0;
        if (a->values[sink->ncolumns] != NULL) {
                sl_value t;
                sl_expr_eval_tree(a->values[sink->ncolumns], &ectx, &t);
                if (t.kind == SL_TYPE_BIGINT)
                        ts = t.u.i64;
        }
        if (ectx.errors > 0) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "Failed to insert values into '%s': %s",
                               sink->name, ectx.last_error.message);
                goto out;
        }
        if ((rc = sl_engine_insert_produce(engine, sink, row, ts, &code, &err)) != SL_OK)
                sl_engine_fail(res, code, true, stmt->text, "%s", err.message);
out:
        sl_analysis_free(a);
        sl_arena_deinit(&arena);
        return rc;
}

void sl_engine_queries_stats(sl_engine *engine, const char *source, sl_arena *arena, sl_engine_source_desc *desc)
{
        uint64_t consumed = 0, failed = 0;
        bool any = false;

        for (size_t i = 0; i < engine->pqs.len; i++) {
                sl_engine_pq *pq = SL_VEC_AT(&engine->pqs, sl_engine_pq *, i);
                bool reads = false;
                for (size_t k = 0; k < pq->nsources; k++)
                        if (sl_str_eq_ci(pq->sources[k], source))
                                reads = true;
                if (!reads)
                        continue;
                uint64_t records = 0, commits = 0;
                sl_exec_query_stats(pq->run, &records, &commits);
                consumed += records;
                failed += sl_proclog_skipped(sl_exec_query_log(pq->run));
                any = true;
        }
        if (!any)
                return;
        desc->statistics = sl_arena_sprintf(arena, "consumer-total-messages: %llu", (unsigned long long)consumed);
        desc->error_stats = sl_arena_sprintf(arena, "consumer-failed-messages: %llu", (unsigned long long)failed);
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
                        /* the analyzer's verdict first: a wrong statement gets its real error */
                        sl_analysis *a = sl_engine_meta_analyze(engine, ses, stmt, res);
                        if (a == NULL)
                                return SL_ERR_ANALYZE;
                        sl_analysis_free(a);
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                                       "Persistent queries need Kafka (sluice.engine.kafka is false)");
                        return SL_ERR_UNSUPPORTED;
                }
                return persistent_start(engine, ses, stmt, res, ent);
        case SL_AST_STMT_TERMINATE:
                return terminate(engine, stmt, res, ent);
        case SL_AST_STMT_INSERT_VALUES:
                return insert_values(engine, ses, stmt, res, ent);
        case SL_AST_STMT_LIST_QUERIES:
                return show_queries(engine, res, ent);
        case SL_AST_STMT_EXPLAIN:
                return explain(engine, ses, stmt, res, ent);
        default:
                break;
        }
        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s is not supported yet by this server",
                       sl_ast_stmt_kind_name(stmt->kind));
        return SL_ERR_UNSUPPORTED;
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
        sl_kafka_producer_free(engine->ins_producer, QUERY_TOPIC_TIMEOUT_MS);
        engine->ins_producer = NULL;
}
