/* main.c: sluiced, the server. Reads the configuration (--config FILE, --key=value overrides),
 * starts the bundled broker (unless bootstrap.servers names another cluster, see start_services),
 * the engine (replaying its command log) and the REST server, waits for SIGINT/SIGTERM and shuts
 * everything down in reverse order. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "broker/broker.h"
#include "common/config.h"
#include "common/log.h"
#include "engine/engine.h"
#include "registry/registry.h"
#include "server/server.h"
#include "sql/check.h"

/* Everything the server runs; a field per service. */
typedef struct services {
        sl_broker *broker;  /* NULL when an external Kafka is used */
        sl_registry_service *registry;  /* schema registry (own or a client of an external one) */
        sl_engine *engine;  /* metastore, functions, queries */
        sl_server *server;  /* the REST API */
} services;

static bool broker_only;

static bool is_flag(const char *arg)
{
        if (strcmp(arg, "--broker-only") == 0) {
                broker_only = true;
                return true;
        }
        return false;
}

static void usage(void)
{
        printf("usage: sluiced [--config FILE] [--key=value ...] [--broker-only]\n"
               "       sluiced --check FILE.sql    validate a script offline; errors as FILE:line:col: message\n"
               "       sluiced --format FILE.sql   print the canonical SQL of each statement\n"
               "  broker.listeners (PLAINTEXT://127.0.0.1:9092), data.dir (./sluice-data), num.partitions,\n"
               "  auto.create.topics.enable, log.segment.bytes, log.retention.ms, log.retention.bytes,\n"
               "  log.flush.interval.messages, log.flush.interval.ms, socket.request.max.bytes, log.level\n"
               "  bootstrap.servers: the Kafka cluster of the engine (default: the bundled broker's listener);\n"
               "  when set, no bundled broker starts unless broker.enabled=true\n"
               "  ksql.schema.registry.url: an external schema registry; unset, sluiced serves its own on\n"
               "  schema.registry.listeners (http://127.0.0.1:8081), stored in the _schemas topic\n");
}

/* The bundled broker runs unless bootstrap.servers names another cluster (then the engine never
 * needs a broker of its own); broker.enabled=true/false overrides that choice. */
static int start_services(services *svc, const sl_config *cfg, sl_err_detail *det)
{
        bool broker = sl_config_get(cfg, "bootstrap.servers") == NULL || broker_only;
        if (sl_config_get_bool(cfg, "broker.enabled", broker, &broker, det))
                return -1;
        if (broker && (sl_broker_new(cfg, &svc->broker, det) || sl_broker_start(svc->broker, det)))
                return -1;
        if (broker_only)
                return 0;
        /* the registry before the engine: the command log replay infers AVRO columns from it */
        char bs[512];
        bool kafka = true;
        const char *bsc = sl_config_get(cfg, "bootstrap.servers");
        const char *lst = sl_config_get(cfg, "broker.listeners");
        if (sl_config_get_bool(cfg, "sluice.engine.kafka", true, &kafka, det))
                return -1;
        if (bsc) {
                snprintf(bs, sizeof(bs), "%s", bsc);
        } else {
                /* the bundled broker's first listener, without its scheme */
                const char *l = lst ? lst : "PLAINTEXT://127.0.0.1:9092";
                const char *scheme = strstr(l, "://");
                if (scheme && scheme < l + strcspn(l, ","))
                        l = scheme + 3;
                snprintf(bs, sizeof(bs), "%.*s", (int)strcspn(l, ","), l);
        }
        if (sl_registry_service_start(cfg, kafka ? bs : NULL, &svc->registry, det))
                return -1;
        if (sl_engine_new(cfg, &svc->engine, det) || sl_engine_recover(svc->engine, det) ||
            sl_server_new(cfg, svc->engine, &svc->server, det) || sl_server_start(svc->server, det))
                return -1;
        return 0;
}

static void stop_services(services *svc)
{
        sl_server_free(svc->server);
        svc->server = NULL;
        sl_engine_free(svc->engine);
        svc->engine = NULL;
        sl_registry_service_stop(svc->registry);
        svc->registry = NULL;
        sl_broker_free(svc->broker);
        svc->broker = NULL;
}

int main(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--version") == 0) {
                        printf("sluiced 0.1.0\n");
                        return 0;
                }
                /* offline tools: no server, no data directory */
                if (strcmp(argv[i], "--check") == 0 || strcmp(argv[i], "--format") == 0) {
                        if (i + 1 >= argc) {
                                fprintf(stderr, "sluiced: %s needs a file name\n", argv[i]);
                                return 2;
                        }
                        if (strcmp(argv[i], "--check") == 0)
                                return sl_sql_check_file(argv[i + 1], stdout);
                        return sl_sql_format_file(argv[i + 1], stdout, stderr);
                }
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        usage();
                        return 0;
                }
        }
        int status = 1;
        services svc = {0};
        sl_err_detail det;
        sl_config *cfg = sl_config_new();
        if (sl_config_parse_args(cfg, argc, argv, is_flag, &det)) {
                fprintf(stderr, "sluiced: %s\n", det.message);
                usage();
                goto fail;
        }
        const char *level = sl_config_get(cfg, "log.level");
        sl_log_level lv;
        if (level && sl_log_level_parse(level, &lv) == 0)
                sl_log_set_level(lv);
        /* block the signals in every thread; the main thread waits for them */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);
        if (start_services(&svc, cfg, &det)) {
                fprintf(stderr, "sluiced: %s\n", det.message);
                goto fail;
        }
        int sig = 0;
        sigwait(&set, &sig);
        SL_LOG_INFO("sluiced", "%s received, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
        status = 0;
fail:
        stop_services(&svc);
        sl_config_free(cfg);
        return status;
}
