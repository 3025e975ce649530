/* rdk.h: the librdkafka helpers the bench tools share (nexmark_load.c, stateless/passthrough.c,
 * broker/rdbench.c; bench_kafka.h underneath): wall clock, fatal errors, configuration from a
 * "key=value ..." string, produce with retry on a full queue, topic creation and the
 * consume-and-produce loop of the passthrough baselines. Header-only (static inline) so that every
 * tool still builds from its one .c file: `#include "../common/rdk.h"` after defining RDK_PROG,
 * the name errors start with. Only librdkafka: no Sluice code, so the baselines measure the client
 * and the broker alone. */
#ifndef BENCH_COMMON_RDK_H
#define BENCH_COMMON_RDK_H

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_kafka.h"

#ifndef RDK_PROG
#define RDK_PROG "bench"
#endif

/* wall-clock seconds since the epoch (comparable with record timestamps) */
static inline double rdk_now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void rdk_die(const char *what, const char *why)
{
        fprintf(stderr, "%s: %s: %s\n", RDK_PROG, what, why);
        exit(1);
}

/* a configuration with bootstrap.servers and the space-separated key=value pairs of `settings` */
static inline rd_kafka_conf_t *rdk_conf(const char *bootstrap, const char *settings)
{
        char errstr[512], kv[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();

        if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
                rdk_die("bootstrap.servers", errstr);
        for (const char *s = settings; *s;) {
                size_t n = strcspn(s, " ");
                char *eq;

                snprintf(kv, sizeof(kv), "%.*s", (int)n, s);
                s += n + (s[n] == ' ');
                if ((eq = strchr(kv, '=')) == NULL)
                        rdk_die(kv, "not key=value");
                *eq = '\0';
                if (rd_kafka_conf_set(conf, kv, eq + 1, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
                        rdk_die(kv, errstr);
        }
        return conf;
}

/* a client of `conf` (taken); a consumer's messages come from rd_kafka_consumer_poll */
static inline rd_kafka_t *rdk_new(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
        char errstr[512];
        rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));

        if (rk == NULL)
                rdk_die("rd_kafka_new", errstr);
        if (type == RD_KAFKA_CONSUMER)
                rd_kafka_poll_set_consumer(rk);
        return rk;
}

/* produces one record (copied), polling while the local queue is full (bench_kafka.h); dies on
 * any other error */
static inline void rdk_produce(rd_kafka_t *p, const char *topic, int32_t part, const void *key, size_t klen,
                               const void *val, size_t vlen)
{
        rd_kafka_resp_err_t e = bench_produce(p, topic, part, key, klen, val, vlen, 0);

        if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
                rdk_die("produce", rd_kafka_err2str(e));
}

/* creates `topic` with `parts` partitions; an existing one is fine */
static inline void rdk_create_topic(const char *bootstrap, const char *topic, int parts)
{
        char errstr[512];
        rd_kafka_t *rk = rdk_new(RD_KAFKA_PRODUCER, rdk_conf(bootstrap, ""));
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, parts, -1, errstr, sizeof(errstr));
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);

        if (nt == NULL)
                rdk_die("NewTopic", errstr);
        rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
        if (ev == NULL)
                rdk_die("CreateTopics", "timed out");
        const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
        size_t n = 0;
        const rd_kafka_topic_result_t **tr = rd_kafka_CreateTopics_result_topics(res, &n);
        if (n != 1 || (rd_kafka_topic_result_error(tr[0]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
                       rd_kafka_topic_result_error(tr[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS))
                rdk_die("CreateTopics", n ? rd_kafka_err2str(rd_kafka_topic_result_error(tr[0])) : "no result");
        rd_kafka_event_destroy(ev);
        rd_kafka_queue_destroy(q);
        rd_kafka_NewTopic_destroy(nt);
        rd_kafka_destroy(rk);
}

/* the passthrough baseline's loop: reads n records from consumer c and produces each unchanged to
 * `out` through p, same partition, then flushes p; returns the wall time of the first record read */
static inline double rdk_pass(rd_kafka_t *c, rd_kafka_t *p, const char *out, long n)
{
        long got = 0;
        double first = 0;

        while (got < n) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);

                if (m == NULL)
                        continue;
                if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                        if (got++ == 0)
                                first = rdk_now();
                        rdk_produce(p, out, m->partition, m->key, m->key_len, m->payload, m->len);
                }
                rd_kafka_message_destroy(m);
                rd_kafka_poll(p, 0);
        }
        if (rd_kafka_flush(p, 600000) != RD_KAFKA_RESP_ERR_NO_ERROR)
                rdk_die("flush", "timed out");
        return first;
}

#endif
