/* cmdlog.c: the command log, ksqlDB's command topic: the compacted topic `_sluice_commands` (one
 * partition) holds every accepted DDL and persistent-query statement in the order it ran. Each
 * record's value is a small script: the session's property overrides as SET statements, then the
 * statement itself (after a comment line with the id of the query it started, which the replay
 * hands to the metastore's id counter), so replaying it through sl_engine_execute runs it as it
 * first ran, with the same query id; keys are
 * unique ("<epoch ns>-<n>") so compaction keeps every command. sl_engine_recover replays the
 * log at start: the metastore is rebuilt and persistent queries restart with the ids the analyzer
 * hands out in the same order, so each finds its consumer group and resumes from its committed
 * offsets. An append is flushed before the statement's response goes out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

#define CMDLOG_TOPIC "_sluice_commands"
#define CMDLOG_TIMEOUT_MS 10000
/* First line of a command that started a persistent query: a SQL comment with its id. */
#define QUERY_ID_TAG "-- sluice query id: "

/* Statements that change the metastore or the set of persistent queries. */
static bool logged_kind(sl_ast_stmt_kind kind)
{
        if (sl_engine_meta_is_ddl(kind))
                return true;
        switch (kind) {
        case SL_AST_STMT_CREATE_STREAM_AS:
        case SL_AST_STMT_CREATE_TABLE_AS:
        case SL_AST_STMT_INSERT_INTO:
        case SL_AST_STMT_TERMINATE:
                return true;
        default:
                return false;
        }
}

static void kafka_conf(sl_engine *engine, sl_kafka_conf *conf)
{
        char bs[512];

        sl_engine_bootstrap(engine, bs, sizeof(bs));
        sl_kafka_conf_init(conf);
        sl_kafka_conf_set(conf, "bootstrap.servers", bs);
}

/* Appends `s` as a single-quoted SQL literal. */
static void append_quoted(sl_str *out, const char *s)
{
        sl_str_append(out, "'");
        for (; *s; s++) {
                if (*s == '\'')
                        sl_str_append(out, "''");
                else
                        sl_str_appendf(out, "%c", *s);
        }
        sl_str_append(out, "'");
}

void sl_engine_cmdlog_append(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                             const char *query_id)
{
        sl_err_detail err;
        sl_str v;
        char key[64];
        static unsigned long counter;

        if (engine->replaying || !engine->kafka || !logged_kind(stmt->kind))
                return;
        if (engine->cmdlog == NULL) {
                sl_kafka_conf conf;
                kafka_conf(engine, &conf);
                sl_kafka_conf_set(&conf, "acks", "all");
                sl_err rc = sl_kafka_producer_new(&conf, NULL, NULL, &engine->cmdlog, &err);
                sl_kafka_conf_deinit(&conf);
                if (rc != SL_OK) {
                        SL_LOG_ERROR("engine", "command log producer: %s; statement not logged: %s", err.message,
                                     stmt->text);
                        return;
                }
        }
        sl_str_init(&v);
        if (query_id != NULL)
                sl_str_appendf(&v, "%s%s\n", QUERY_ID_TAG, query_id);
        sl_map_iter it;
        sl_map_iter_init(&it, &ses->props);
        const void *mk;
        size_t mklen;
        void *mv;
        while (sl_map_iter_next(&it, &mk, &mklen, &mv)) {
                char *name = sl_strndup(mk, mklen);
                sl_str_append(&v, "SET ");
                append_quoted(&v, name);
                sl_str_append(&v, "=");
                append_quoted(&v, mv);
                sl_str_append(&v, ";\n");
                sl_free(name);
        }
        sl_str_append(&v, stmt->text);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(key, sizeof(key), "%lld%09ld-%lu", (long long)ts.tv_sec, ts.tv_nsec, ++counter);
        sl_slice k = {(const uint8_t *)key, strlen(key)};
        sl_slice val = {(const uint8_t *)sl_str_cstr(&v), sl_str_len(&v)};
        if (sl_kafka_producer_send(engine->cmdlog, CMDLOG_TOPIC, 0, k, val, NULL, 0, 0, NULL, &err) != SL_OK ||
            sl_kafka_producer_flush(engine->cmdlog, CMDLOG_TIMEOUT_MS, &err) != SL_OK)
                SL_LOG_ERROR("engine", "command log append failed: %s; statement: %s", err.message, stmt->text);
        sl_str_deinit(&v);
}

void sl_engine_cmdlog_close(sl_engine *engine)
{
        sl_kafka_producer_free(engine->cmdlog, CMDLOG_TIMEOUT_MS);
        engine->cmdlog = NULL;
}

/* Creates the command topic (one partition, compacted) unless it exists. */
static sl_err topic_create(sl_engine *engine, sl_err_detail *err)
{
        static const char *const configs[] = {"cleanup.policy", "compact"};
        sl_kafka_conf conf;
        sl_kafka_admin *admin = NULL;
        sl_err rc;

        kafka_conf(engine, &conf);
        rc = sl_kafka_admin_new(&conf, &admin, err);
        sl_kafka_conf_deinit(&conf);
        if (rc != SL_OK)
                return rc;
        rc = sl_kafka_admin_create_topic(admin, CMDLOG_TOPIC, 1, -1, configs, 1, CMDLOG_TIMEOUT_MS, err);
        if (rc == SL_ERR_EXISTS)
                rc = SL_OK;
        sl_kafka_admin_free(admin);
        return rc;
}

/* Runs one logged command. */
static void replay_one(sl_engine *engine, const sl_kafka_msg *m)
{
        sl_engine_request req;
        sl_engine_result res;
        char *sql = sl_malloc(m->value.len + 1);

        memcpy(sql, m->value.ptr, m->value.len);
        sql[m->value.len] = '\0';
        if (strncmp(sql, QUERY_ID_TAG, strlen(QUERY_ID_TAG)) == 0) {
                /* the query gets its logged id: CSAS_S_<n> / INSERTQUERY_<n> */
                const char *end = strchr(sql, '\n');
                const char *p = end ? end : sql + strlen(sql);
                while (p > sql && p[-1] >= '0' && p[-1] <= '9')
                        p--;
                if (*p >= '0' && *p <= '9')
                        sl_engine_metastore_set_seq(engine->cat, strtoull(p, NULL, 10));
        }
        memset(&req, 0, sizeof(req));
        req.sql = sql;
        req.command_seq = -1;
        sl_engine_execute(engine, &req, &res);
        if (res.failed)
                SL_LOG_WARN("engine", "command log offset %lld did not replay: %s", (long long)m->offset,
                            res.error_message ? res.error_message : "");
        sl_engine_result_deinit(&res);
        sl_free(sql);
}

sl_err sl_engine_recover(sl_engine *engine, sl_err_detail *err)
{
        sl_kafka_consumer *c = NULL;
        sl_kafka_conf conf;
        sl_kafka_batch batch;
        int64_t low = 0, high = 0, next = 0;
        size_t n = 0;
        sl_err rc;

        if (!engine->kafka)
                return SL_OK;
        if ((rc = topic_create(engine, err)) != SL_OK)
                return rc;
        kafka_conf(engine, &conf);
        rc = sl_kafka_consumer_new(&conf, &c, err);
        sl_kafka_conf_deinit(&conf);
        if (rc != SL_OK)
                return rc;
        sl_kafka_batch_init(&batch);
        if ((rc = sl_kafka_consumer_watermarks(c, CMDLOG_TOPIC, 0, &low, &high, CMDLOG_TIMEOUT_MS, err)) != SL_OK)
                goto out;
        sl_kafka_tpo tp = {CMDLOG_TOPIC, 0, SL_KAFKA_OFFSET_BEGINNING};
        if ((rc = sl_kafka_consumer_assign(c, &tp, 1, err)) != SL_OK)
                goto out;
        engine->replaying = true;
        next = low;
        while (next < high) {
                if ((rc = sl_kafka_consumer_poll(c, &batch, 100, 1000, err)) != SL_OK)
                        break;
                for (size_t i = 0; i < batch.len; i++) {
                        const sl_kafka_msg *m = &batch.msgs[i];
                        next = m->offset + 1;
                        if (m->value.ptr == NULL)
                                continue;
                        replay_one(engine, m);
                        n++;
                }
        }
        engine->replaying = false;
        if (rc == SL_OK)
                SL_LOG_INFO("engine", "command log replayed: %zu commands", n);
out:
        sl_kafka_batch_deinit(&batch);
        sl_kafka_consumer_free(c);
        return rc;
}
