/* engine_topics.c: the engine's Kafka topics: SHOW [ALL] TOPICS, ksqlDB's topic rule for CREATE
 * STREAM/TABLE (the topic must exist, or PARTITIONS creates it; an existing topic must match the
 * PARTITIONS/REPLICAS given), real partition counts for DESCRIBE, and DROP ... DELETE TOPIC. The
 * engine talks to Kafka (the bundled broker or an external cluster, it cannot tell) through the
 * admin wrapper of src/kafka, created at first use from bootstrap.servers, or else from the
 * bundled broker's broker.listeners. With sluice.engine.kafka=false (unit tests, offline use) the
 * metastore runs without Kafka: topics are not checked and SHOW TOPICS fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "engine/engine_int.h"

#define TOPICS_TIMEOUT_MS 5000

/* "PLAINTEXT://127.0.0.1:9092,..." -> "127.0.0.1:9092,..." in `out`. */
static void listeners_to_bootstrap(const char *listeners, char *out, size_t len)
{
        size_t n = 0;
        const char *p = listeners;
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

void sl_engine_bootstrap(sl_engine *engine, char *out, size_t len)
{
        const char *bs = engine->cfg ? sl_config_get(engine->cfg, "bootstrap.servers") : NULL;

        if (bs != NULL) {
                snprintf(out, len, "%s", bs);
        } else {
                const char *l = engine->cfg ? sl_config_get(engine->cfg, "broker.listeners") : NULL;
                listeners_to_bootstrap(l ? l : "PLAINTEXT://127.0.0.1:9092", out, len);
        }
}

static sl_err admin_get(sl_engine *engine, sl_err_detail *err)
{
        char bootstrap[512];

        if (engine->admin != NULL)
                return SL_OK;
        sl_engine_bootstrap(engine, bootstrap, sizeof(bootstrap));
        sl_kafka_conf conf;
        sl_kafka_conf_init(&conf);
        sl_kafka_conf_set(&conf, "bootstrap.servers", bootstrap);
        sl_err rc = sl_kafka_admin_new(&conf, &engine->admin, err);
        sl_kafka_conf_deinit(&conf);
        return rc;
}

sl_err sl_engine_topics_show(sl_engine *engine, const sl_ast_stmt *stmt, sl_engine_result *res,
                             sl_engine_entity *ent)
{
        sl_err_detail err;
        sl_kafka_topic_info *topics = NULL;
        size_t n = 0;

        if (!engine->kafka) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text,
                               "SHOW TOPICS needs Kafka (sluice.engine.kafka is false)");
                return SL_ERR_UNSUPPORTED;
        }
        if (admin_get(engine, &err) != SL_OK ||
            sl_kafka_admin_list_topics(engine->admin, (stmt->flags & SL_AST_ALL) != 0, &res->arena, &topics, &n,
                                       TOPICS_TIMEOUT_MS, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not list the Kafka topics: %s",
                               err.message);
                return SL_ERR_IO;
        }
        ent->kind = SL_ENGINE_KAFKA_TOPICS;
        ent->ntopics = n;
        ent->topics = sl_arena_calloc(&res->arena, n ? n : 1, sizeof(*ent->topics));
        for (size_t i = 0; i < n; i++) {
                ent->topics[i].name = topics[i].name;
                ent->topics[i].partitions = topics[i].npartitions;
                ent->topics[i].replication = topics[i].replication;
        }
        return SL_OK;
}

/* The value of WITH property `name` as written, or NULL. */
static const char *with_prop(const sl_ast_stmt *stmt, const char *name)
{
        for (size_t i = 0; stmt->props != NULL && i < stmt->props->len; i++) {
                const sl_ast_property *p = stmt->props->items[i];
                if (sl_str_eq_ci(p->name.name, name) && p->value != NULL && p->value->text != NULL)
                        return p->value->text;
        }
        return NULL;
}

sl_err sl_engine_topics_ensure(sl_engine *engine, const sl_ast_stmt *stmt, const char *topic, sl_engine_result *res)
{
        sl_err_detail err;
        sl_kafka_topic_info info;
        const char *parts = with_prop(stmt, "PARTITIONS"), *reps = with_prop(stmt, "REPLICAS");
        int want_parts = parts ? atoi(parts) : 0, want_reps = reps ? atoi(reps) : 0;

        if (!engine->kafka || topic == NULL)
                return SL_OK;
        if (admin_get(engine, &err) != SL_OK)
                goto kafka_error;
        sl_err rc = sl_kafka_admin_describe_topic(engine->admin, topic, &res->arena, &info, TOPICS_TIMEOUT_MS, &err);
        if (rc == SL_OK) {
                if ((want_parts > 0 && info.npartitions != want_parts) ||
                    (want_reps > 0 && info.replication != want_reps)) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                                       "A Kafka topic with the name '%s' already exists, with different partition/"
                                       "replica configuration than required. KSQL expects %d partitions (topic has "
                                       "%d), %d replication factor (topic has %d).", topic,
                                       want_parts > 0 ? want_parts : info.npartitions, info.npartitions,
                                       want_reps > 0 ? want_reps : info.replication, info.replication);
                        return SL_ERR_INVALID;
                }
                return SL_OK;
        }
        if (rc != SL_ERR_NOT_FOUND)
                goto kafka_error;
        if (want_parts <= 0) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "Topic '%s' does not exist. If you want to create a new topic for the %s please re-run "
                               "the statement providing the required 'PARTITIONS' configuration in the WITH clause "
                               "(and, optionally, 'REPLICAS'). For example: CREATE %s %s (...) WITH (KAFKA_TOPIC='%s', "
                               "PARTITIONS=2, REPLICAS=1, ...);", topic,
                               stmt->kind == SL_AST_STMT_CREATE_TABLE ? "table" : "stream",
                               stmt->kind == SL_AST_STMT_CREATE_TABLE ? "TABLE" : "STREAM", stmt->name.name, topic);
                return SL_ERR_NOT_FOUND;
        }
        rc = sl_kafka_admin_create_topic(engine->admin, topic, want_parts, want_reps > 0 ? want_reps : -1, NULL, 0,
                                         TOPICS_TIMEOUT_MS, &err);
        if (rc == SL_OK || rc == SL_ERR_EXISTS)
                return SL_OK;
kafka_error:
        sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not check Kafka topic '%s': %s",
                       topic ? topic : "", err.message);
        return SL_ERR_IO;
}

void sl_engine_topics_describe(sl_engine *engine, const char *topic, sl_arena *arena, int *partitions,
                               int *replication)
{
        sl_err_detail err;
        sl_kafka_topic_info info;

        if (!engine->kafka || topic == NULL || admin_get(engine, &err) != SL_OK)
                return;
        if (sl_kafka_admin_describe_topic(engine->admin, topic, arena, &info, TOPICS_TIMEOUT_MS, &err) == SL_OK) {
                *partitions = info.npartitions;
                *replication = info.replication;
        }
}

sl_err sl_engine_topics_delete(sl_engine *engine, const sl_ast_stmt *stmt, const char *topic, sl_engine_result *res)
{
        sl_err_detail err;

        if (!engine->kafka) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "DELETE TOPIC needs Kafka (sluice.engine.kafka is false)");
                return SL_ERR_UNSUPPORTED;
        }
        if (admin_get(engine, &err) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not delete topic %s: %s", topic,
                               err.message);
                return SL_ERR_IO;
        }
        sl_err rc = sl_kafka_admin_delete_topic(engine->admin, topic, TOPICS_TIMEOUT_MS, &err);
        if (rc != SL_OK && rc != SL_ERR_NOT_FOUND) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not delete topic %s: %s", topic,
                               err.message);
                return rc;
        }
        return SL_OK;
}
