/* engine_topics.c: SHOW [ALL] TOPICS. The engine talks to Kafka (the bundled broker or an external
 * cluster, it cannot tell) through the admin wrapper of src/kafka, created at first use from
 * bootstrap.servers, or else from the bundled broker's broker.listeners. */
#include <stdio.h>
#include <string.h>

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

static sl_err admin_get(sl_engine *engine, sl_err_detail *err)
{
        char bootstrap[512];
        const char *bs = engine->cfg ? sl_config_get(engine->cfg, "bootstrap.servers") : NULL;

        if (engine->admin != NULL)
                return SL_OK;
        if (bs != NULL) {
                snprintf(bootstrap, sizeof(bootstrap), "%s", bs);
        } else {
                const char *l = engine->cfg ? sl_config_get(engine->cfg, "broker.listeners") : NULL;
                listeners_to_bootstrap(l ? l : "PLAINTEXT://127.0.0.1:9092", bootstrap, sizeof(bootstrap));
        }
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
