/* ep_info.c: the small GET endpoints: /info (KsqlServerInfo), /healthcheck (metastore, Kafka and
 * command runner health; Kafka is checked by connecting to the broker), /status (command statuses,
 * whole or one), /clusterStatus (this single host), /is_valid_property/NAME and /v1/metadata[/id]. */
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>

#include "common/str.h"
#include "server/server_int.h"

enum MHD_Result sl_server_ep_info(sl_server_req *req)
{
        sl_engine *engine = req->srv->engine;
        json_t *info = json_pack("{s:s, s:s, s:s, s:s}", "version", sl_engine_version(), "kafkaClusterId",
                                 sl_engine_cluster_id(engine), "ksqlServiceId", sl_engine_service_id(engine),
                                 "serverStatus", "RUNNING");
        return sl_server_send_json(req, 200, json_pack("{s:o}", "KsqlServerInfo", info), SL_CT_JSON);
}

/* The first broker address: bootstrap.servers, else the bundled broker's listener. */
static void broker_address(const sl_config *cfg, char *host, size_t hostlen, char *port, size_t portlen)
{
        const char *s = sl_config_get(cfg, "bootstrap.servers");
        if (s == NULL)
                s = sl_config_get(cfg, "broker.listeners");
        if (s == NULL)
                s = "127.0.0.1:9092";
        const char *p = strstr(s, "://");
        p = p ? p + 3 : s;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char addr[300];
        snprintf(addr, sizeof(addr), "%.*s", (int)len, p);
        char *colon = strrchr(addr, ':');
        if (colon != NULL) {
                *colon = '\0';
                snprintf(port, portlen, "%s", colon + 1);
        } else {
                snprintf(port, portlen, "9092");
        }
        snprintf(host, hostlen, "%.*s", (int)(hostlen ? hostlen - 1 : 0), *addr ? addr : "127.0.0.1");
}

/* True when a TCP connection to the broker opens within a second. */
static bool kafka_reachable(const sl_config *cfg)
{
        char host[256], port[16];
        struct addrinfo hints = {0}, *ai = NULL;
        bool ok = false;

        broker_address(cfg, host, sizeof(host), port, sizeof(port));
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL)
                return false;
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd >= 0) {
                int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
                if (rc == 0) {
                        ok = true;
                } else if (errno == EINPROGRESS) {
                        struct pollfd pfd = {fd, POLLOUT, 0};
                        int soerr = 0;
                        socklen_t sl = sizeof(soerr);
                        if (poll(&pfd, 1, 1000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
                            soerr == 0)
                                ok = true;
                }
                close(fd);
        }
        freeaddrinfo(ai);
        return ok;
}

enum MHD_Result sl_server_ep_healthcheck(sl_server_req *req)
{
        bool kafka = kafka_reachable(req->srv->cfg);
        json_t *details = json_pack("{s:{s:b}, s:{s:b}, s:{s:b}}", "metastore", "isHealthy", 1, "kafka", "isHealthy",
                                    kafka, "commandRunner", "isHealthy", 1);
        json_t *j = json_pack("{s:b, s:o, s:s}", "isHealthy", kafka, "details", details, "serverState", "READY");
        return sl_server_send_json(req, kafka ? 200 : 503, j, SL_CT_JSON);
}

static bool id_matches(const char *id, const char *want)
{
        /* "stream/`S`/create" also answers to /status/stream/S/create */
        while (*id && *want) {
                if (*id == '`') {
                        id++;
                        continue;
                }
                if (*id != *want)
                        return false;
                id++;
                want++;
        }
        while (*id == '`')
                id++;
        return *id == '\0' && *want == '\0';
}

enum MHD_Result sl_server_ep_status(sl_server_req *req)
{
        sl_arena arena;
        const char **ids, **statuses, **messages;
        enum MHD_Result ret;

        sl_arena_init(&arena, 0);
        size_t n = sl_engine_command_statuses(req->srv->engine, &arena, &ids, &statuses, &messages);
        if (strcmp(req->url, "/status") == 0) {
                json_t *m = json_object();
                for (size_t i = 0; i < n; i++)
                        json_object_set_new(m, ids[i], json_string(statuses[i]));
                ret = sl_server_send_json(req, 200, json_pack("{s:o}", "commandStatuses", m), SL_CT_JSON);
                goto out;
        }
        const char *want = req->url + strlen("/status/");
        for (size_t i = n; i-- > 0;) {
                if (id_matches(ids[i], want) || sl_str_eq_ci(ids[i], want)) {
                        ret = sl_server_send_json(req, 200, json_pack("{s:s, s:s}", "status", statuses[i], "message",
                                                                      messages[i]),
                                                  SL_CT_JSON);
                        goto out;
                }
        }
        ret = sl_server_send_error(req, 40400, "Command not found: %s", want);
out:
        sl_arena_deinit(&arena);
        return ret;
}

enum MHD_Result sl_server_ep_cluster_status(sl_server_req *req)
{
        struct timeval tv;
        char key[300];

        gettimeofday(&tv, NULL);
        json_int_t now = (json_int_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
        snprintf(key, sizeof(key), "%s:%d", req->srv->host, req->srv->port);
        json_t *host = json_pack("{s:b, s:I, s:{}, s:{s:{}, s:I}}", "hostAlive", 1, "lastStatusUpdateMs", now,
                                 "activeStandbyPerQuery", "hostStoreLags", "stateStoreLags", "updateTimeMs", now);
        json_t *cs = json_object();
        json_object_set_new(cs, key, host);
        return sl_server_send_json(req, 200, json_pack("{s:o}", "clusterStatus", cs), SL_CT_JSON);
}

enum MHD_Result sl_server_ep_valid_property(sl_server_req *req)
{
        char msg[512];
        const char *name = req->url + strlen("/is_valid_property/");

        if (!sl_engine_property_valid(name, msg, sizeof(msg)))
                return sl_server_send_error(req, 40000, "%s", msg);
        return sl_server_send_json(req, 200, json_true(), SL_CT_JSON);
}

enum MHD_Result sl_server_ep_metadata(sl_server_req *req)
{
        sl_engine *engine = req->srv->engine;
        json_t *clusters = json_pack("{s:s, s:s}", "kafka-cluster", sl_engine_cluster_id(engine), "ksql-cluster",
                                     sl_engine_service_id(engine));
        json_t *id = json_pack("{s:{s:[], s:o}}", "scope", "path", "clusters", clusters);
        if (strcmp(req->url, "/v1/metadata/id") == 0)
                return sl_server_send_json(req, 200, id, SL_CT_JSON);
        return sl_server_send_json(req, 200, json_pack("{s:s, s:o}", "version", sl_engine_version(), "clusterId", id),
                                   SL_CT_JSON);
}
