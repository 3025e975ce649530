/* engine_query.c: transient push queries (SELECT ... EMIT CHANGES [LIMIT n]) for /query and
 * /query-stream. The statement is analyzed, planned (src/plan) and run by one stream thread of
 * src/exec that reads the sources from Kafka in a consumer group of its own; each result row comes
 * back on that thread through on_row, is rendered as a JSON array and handed to the REST layer's
 * sink. LIMIT ends the query with "Limit Reached"; closing it stops and joins the thread, after
 * which no sink call happens. Pull queries (engine_pull.c) deliver their rows inside start and
 * return an ended query (sl_engine_query_new_done); a PRINT (engine_print.c) is wrapped in a
 * query here only to be closed. */
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "exec/query.h"
#include "plan/plan.h"
#include "types/value.h"

struct sl_engine_query {
        sl_engine *engine;             /* borrowed: the registry of running queries */
        char *sql;                     /* the statement (heap), for SHOW QUERIES */
        pthread_mutex_t lock;          /* serializes sink calls (rows may come from several threads) */
        sl_plan *plan;                 /* owned; owns the analysis */
        sl_exec_query *exec;           /* the running threads, owned */
        sl_engine_query_sink sink;     /* where rows go */
        int64_t limit;                 /* LIMIT n, or -1 */
        int64_t rows;                  /* rows handed to the sink */
        bool ended;                    /* sink->end was called, or the sink asked to stop */
        sl_kafka_conf kafka;           /* client properties of the threads */
        bool has_bg;                   /* pull queries: `bg` runs `bg_arg` */
        pthread_t bg;                  /* the thread delivering a pull query's rows */
        void *bg_arg;                  /* its job, owned */
        void (*bg_cancel)(void *arg);  /* asks the job to stop soon */
        void (*bg_free)(void *arg);    /* frees the job once its thread has ended */
        void *printer;                 /* PRINT: its printer (engine_print.c) and nothing else is set */
};

static sl_err on_row(void *ctx, const sl_plan_node *node, const sl_value *row, size_t width, int64_t ts,
                     bool tombstone, sl_err_detail *err)
{
        sl_engine_query *q = ctx;
        sl_str s;

        (void)node;
        (void)ts;
        (void)err;
        pthread_mutex_lock(&q->lock);
        if (q->ended) {
                pthread_mutex_unlock(&q->lock);
                return SL_OK;
        }
        sl_str_init(&s);
        sl_str_append_char(&s, '[');
        for (size_t i = 0; i < width; i++) {
                if (i)
                        sl_str_append_char(&s, ',');
                sl_value_format_json(&s, &row[i], SL_VALUE_JSON_TEMPORAL_TEXT);
        }
        sl_str_append_char(&s, ']');
        if (!q->sink.row(q->sink.ctx, sl_str_cstr(&s), tombstone))
                q->ended = true;
        q->rows++;
        if (!q->ended && q->limit >= 0 && q->rows >= q->limit) {
                q->ended = true;
                q->sink.end(q->sink.ctx, "Limit Reached", NULL);
        }
        pthread_mutex_unlock(&q->lock);
        sl_str_deinit(&s);
        return SL_OK;
}

static void unregister(sl_engine_query *q)
{
        sl_engine *engine = q->engine;
        pthread_mutex_lock(&engine->lock);
        for (size_t i = 0; i < engine->running.len; i++) {
                if (SL_VEC_AT(&engine->running, sl_engine_query *, i) == q) {
                        sl_vec_remove(&engine->running, i);
                        break;
                }
        }
        pthread_mutex_unlock(&engine->lock);
}

size_t sl_engine_running_queries(sl_engine *engine, sl_arena *arena, sl_engine_query_info **out)
{
        size_t n = engine->running.len;
        sl_engine_query_info *rows = sl_arena_calloc(arena, n ? n : 1, sizeof(*rows));
        for (size_t i = 0; i < n; i++) {
                sl_engine_query *q = SL_VEC_AT(&engine->running, sl_engine_query *, i);
                rows[i].id = sl_arena_strdup(arena, q->plan->query_id);
                rows[i].query_string = sl_arena_strdup(arena, q->sql);
                rows[i].query_type = "PUSH";
                rows[i].state = "RUNNING";
        }
        *out = rows;
        return n;
}

void sl_engine_query_close(sl_engine_query *q)
{
        if (q == NULL)
                return;
        if (q->printer != NULL) {
                sl_engine_print_close(q->printer);
                sl_free(q);
                return;
        }
        unregister(q);
        if (q->has_bg) {
                q->bg_cancel(q->bg_arg);
                pthread_join(q->bg, NULL);  /* no sink call after this */
                q->bg_free(q->bg_arg);
        }
        sl_exec_query_free(q->exec);  /* stops and joins: no on_row after this */
        sl_plan_free(q->plan);
        sl_kafka_conf_deinit(&q->kafka);
        pthread_mutex_destroy(&q->lock);
        sl_free(q->sql);
        sl_free(q);
}

sl_engine_query *sl_engine_query_new_done(sl_engine *engine, const char *sql)
{
        sl_engine_query *q = sl_calloc(1, sizeof(*q));

        q->engine = engine;
        q->sql = sl_strdup(sql ? sql : "");
        pthread_mutex_init(&q->lock, NULL);
        q->ended = true;
        q->limit = -1;
        sl_kafka_conf_init(&q->kafka);
        return q;
}

sl_err sl_engine_query_new_bg(sl_engine *engine, const char *sql, void *(*run)(void *), void *arg,
                              void (*cancel)(void *), void (*free_fn)(void *), sl_engine_query **out,
                              sl_err_detail *err)
{
        sl_engine_query *q = sl_engine_query_new_done(engine, sql);
        int e;

        *out = NULL;
        q->bg_arg = arg;
        q->bg_cancel = cancel;
        q->bg_free = free_fn;
        if ((e = pthread_create(&q->bg, NULL, run, arg)) != 0) {
                free_fn(arg);
                sl_engine_query_close(q);
                return sl_err_set(err, SL_ERR_IO, "cannot start the query's thread: %s", strerror(e));
        }
        q->has_bg = true;
        *out = q;
        return SL_OK;
}

sl_engine_query *sl_engine_query_wrap_print(sl_engine *engine, void *printer)
{
        sl_engine_query *q = sl_calloc(1, sizeof(*q));
        q->engine = engine;
        q->printer = printer;
        return q;
}

void sl_engine_query_fill_header(const sl_analysis *a, const char *query_id,
                                 bool (*mark_key)(const sl_analysis *a, size_t i), sl_arena *arena,
                                 sl_engine_query_header *hdr)
{
        sl_str schema;

        sl_str_init(&schema);
        hdr->query_id = sl_arena_strdup(arena, query_id);
        hdr->ncolumns = a->ncolumns;
        hdr->column_names = sl_arena_calloc(arena, a->ncolumns ? a->ncolumns : 1, sizeof(char *));
        hdr->column_types = sl_arena_calloc(arena, a->ncolumns ? a->ncolumns : 1, sizeof(char *));
        for (size_t i = 0; i < a->ncolumns; i++) {
                sl_str t;
                sl_str_init(&t);
                sl_type_print(&t, a->columns[i].type);
                hdr->column_names[i] = sl_arena_strdup(arena, a->columns[i].name);
                hdr->column_types[i] = sl_arena_strdup(arena, sl_str_cstr(&t));
                sl_str_appendf(&schema, "%s`%s` %s%s", i ? ", " : "", a->columns[i].name, sl_str_cstr(&t),
                               mark_key && mark_key(a, i) ? " KEY" : "");
                sl_str_deinit(&t);
        }
        hdr->schema = sl_arena_strdup(arena, sl_str_cstr(&schema));
        hdr->pull = mark_key != NULL;
        sl_str_deinit(&schema);
}

sl_err sl_engine_transient_plan(sl_engine *engine, const sl_ast_stmt *stmt, sl_analysis *a, const char *kind,
                                const char *scope, sl_plan **plan, sl_engine_result *res)
{
        sl_plan_ctx pctx = {.reg = engine->funcs};
        sl_err_detail err;
        sl_err rc;

        if (!engine->kafka) {
                sl_analysis_free(a);
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "%s%s need Kafka (sluice.engine.kafka is false)", kind, scope);
                return SL_ERR_UNSUPPORTED;
        }
        pthread_mutex_lock(&engine->lock);
        rc = sl_plan_build(&pctx, a, plan, &err);
        pthread_mutex_unlock(&engine->lock);
        if (rc != SL_OK) {
                sl_analysis_free(a);
                if (rc == SL_ERR_UNSUPPORTED)
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                                       "%s with %s are not supported yet by this server", kind, err.message);
                else
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
        }
        return rc;
}

sl_err sl_engine_push_query_start(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                                  sl_analysis *a, const sl_engine_query_sink *sink, sl_arena *arena,
                                  sl_engine_query_header *hdr, sl_engine_query **out, sl_engine_result *res)
{
        sl_plan *plan = NULL;
        sl_err_detail err;
        char bootstrap[512];
        sl_err rc;

        *out = NULL;
        if ((rc = sl_engine_transient_plan(engine, stmt, a, "Push queries", "", &plan, res)) != SL_OK)
                return rc;
        sl_engine_query *q = sl_calloc(1, sizeof(*q));
        q->engine = engine;
        q->sql = sl_strdup(stmt->text);
        pthread_mutex_init(&q->lock, NULL);
        q->plan = plan;
        q->sink = *sink;
        q->limit = plan->analysis->limit;
        sl_kafka_conf_init(&q->kafka);
        sl_engine_bootstrap(engine, bootstrap, sizeof(bootstrap));
        sl_kafka_conf_set(&q->kafka, "bootstrap.servers", bootstrap);
        const char *reset = sl_engine_session_prop(engine, ses, "ksql.streams.auto.offset.reset");
        sl_exec_thread_conf conf = {
                .kafka = &q->kafka,
                .auto_offset_reset = reset ? reset : "latest",
                .commit_interval_ms = 0,
                .max_batch = 0,
                .on_row = on_row,
                .row_ctx = q,
        };
        sl_engine_query_fill_header(plan->analysis, plan->query_id, NULL, arena, hdr);
        if (sl_exec_query_new(plan, &conf, 1, &q->exec, &err) != SL_OK ||
            sl_exec_query_start(q->exec, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not start the query: %s",
                               err.message);
                sl_engine_query_close(q);
                memset(hdr, 0, sizeof(*hdr));
                return SL_ERR_IO;
        }
        pthread_mutex_lock(&engine->lock);
        sl_vec_push(&engine->running, &q);
        pthread_mutex_unlock(&engine->lock);
        *out = q;
        return SL_OK;
}
