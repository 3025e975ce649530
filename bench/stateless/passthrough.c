/* passthrough.c: the librdkafka programs of bench/stateless/run.
 *   passthrough create BOOTSTRAP TOPIC PARTS     creates TOPIC (the watcher subscribes before the
 *                                                query creates its output)
 *   passthrough gen BOOTSTRAP TOPIC COUNT        produces COUNT JSON records of about 200 B (key
 *                                                "k<i>"); prints how many pass the bench's WHERE
 *   passthrough pass BOOTSTRAP IN OUT COUNT      the baseline: consumes COUNT records of IN (group
 *                                                "passthrough", from the beginning) and produces each
 *                                                unchanged to OUT, same partition; nothing else
 *   passthrough watch BOOTSTRAP TOPIC COUNT      reads TOPIC from the beginning until COUNT records
 *                                                arrived; prints "records seconds" from the first
 *                                                record received to the last
 * Only librdkafka: no Sluice code, so the baseline measures the client and the broker alone. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/bench_kafka.h"

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
        fprintf(stderr, "passthrough: %s: %s\n", what, why);
        exit(1);
}

static int assigned;

/* Eager rebalance: take the assignment; "ready" on stderr once partitions are assigned. */
static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
                         void *opaque)
{
        (void)opaque;
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                rd_kafka_assign(rk, parts);
                if (!assigned++) {
                        fprintf(stderr, "ready\n");
                        fflush(stderr);
                }
        } else {
                rd_kafka_assign(rk, NULL);
        }
}

static rd_kafka_t *client(rd_kafka_type_t type, const char *bootstrap, const char *group)
{
        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();

        if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
                die("conf", errstr);
        if (type == RD_KAFKA_PRODUCER) {
                rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof(errstr));
                rd_kafka_conf_set(conf, "acks", "all", errstr, sizeof(errstr));
        } else {
                rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof(errstr));
                rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof(errstr));
                rd_kafka_conf_set(conf, "enable.auto.commit", "true", errstr, sizeof(errstr));
                rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
        }
        rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
        if (rk == NULL)
                die("rd_kafka_new", errstr);
        return rk;
}

static void produce(rd_kafka_t *p, const char *topic, int32_t part, const void *key, size_t klen, const void *val,
                    size_t vlen)
{
        rd_kafka_resp_err_t e = bench_produce(p, topic, part, key, klen, val, vlen, 0);

        if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
                die("produce", rd_kafka_err2str(e));
}

static rd_kafka_t *subscribe(const char *bootstrap, const char *group, const char *topic)
{
        rd_kafka_t *c = client(RD_KAFKA_CONSUMER, bootstrap, group);
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);

        rd_kafka_poll_set_consumer(c);
        rd_kafka_topic_partition_list_add(l, topic, RD_KAFKA_PARTITION_UA);
        if (rd_kafka_subscribe(c, l) != RD_KAFKA_RESP_ERR_NO_ERROR)
                die("subscribe", topic);
        rd_kafka_topic_partition_list_destroy(l);
        return c;
}

static void create(const char *bootstrap, const char *topic, int parts)
{
        char errstr[512];
        rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, bootstrap, NULL);
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, parts, -1, errstr, sizeof(errstr));
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);

        if (nt == NULL)
                die("NewTopic", errstr);
        rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
        if (ev == NULL)
                die("CreateTopics", "timed out");
        const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
        size_t n = 0;
        const rd_kafka_topic_result_t **tr = rd_kafka_CreateTopics_result_topics(res, &n);
        if (n != 1 || (rd_kafka_topic_result_error(tr[0]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
                       rd_kafka_topic_result_error(tr[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS))
                die("CreateTopics", n ? rd_kafka_err2str(rd_kafka_topic_result_error(tr[0])) : "no result");
        rd_kafka_event_destroy(ev);
        rd_kafka_queue_destroy(q);
        rd_kafka_NewTopic_destroy(nt);
        rd_kafka_destroy(rk);
}

int main(int argc, char **argv)
{
        if (argc == 5 && strcmp(argv[1], "create") == 0) {
                create(argv[2], argv[3], atoi(argv[4]));
                return 0;
        }
        if (argc == 5 && strcmp(argv[1], "gen") == 0) {
                rd_kafka_t *p = client(RD_KAFKA_PRODUCER, argv[2], NULL);
                long n = atol(argv[4]), pass = 0;
                char key[32], val[512];
                static const char *const cities[] = {"lyon", "oslo", "porto", "quito", "x"};
                for (long i = 0; i < n; i++) {
                        int amount = (int)((i * 7919) % 100);
                        const char *city = cities[i % 5];
                        int kl = snprintf(key, sizeof(key), "k%ld", i);
                        int vl = snprintf(val, sizeof(val),
                                          "{\"id\":%ld,\"name\":\"customer-%ld\",\"amount\":%d,\"city\":\"%s\","
                                          "\"note\":\"the quick brown fox jumps over the lazy dog %08ld\","
                                          "\"ts\":\"2026-11-25T18:00:00Z\",\"flag\":%s}",
                                          i, i, amount, city, i * 31, i % 2 ? "true" : "false");
                        if (amount >= 10 && strcmp(city, "x") != 0)
                                pass++;
                        produce(p, argv[3], RD_KAFKA_PARTITION_UA, key, (size_t)kl, val, (size_t)vl);
                        rd_kafka_poll(p, 0);
                }
                rd_kafka_flush(p, 60000);
                rd_kafka_destroy(p);
                printf("%ld\n", pass);
                return 0;
        }
        if (argc == 6 && strcmp(argv[1], "pass") == 0) {
                rd_kafka_t *c = subscribe(argv[2], "passthrough", argv[3]);
                rd_kafka_t *p = client(RD_KAFKA_PRODUCER, argv[2], NULL);
                long n = atol(argv[5]), got = 0;
                while (got < n) {
                        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
                        if (m == NULL)
                                continue;
                        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                                produce(p, argv[4], m->partition, m->key, m->key_len, m->payload, m->len);
                                got++;
                        }
                        rd_kafka_message_destroy(m);
                        rd_kafka_poll(p, 0);
                }
                rd_kafka_flush(p, 60000);
                rd_kafka_consumer_close(c);
                rd_kafka_destroy(c);
                rd_kafka_destroy(p);
                return 0;
        }
        if (argc == 5 && strcmp(argv[1], "watch") == 0) {
                char group[64];
                snprintf(group, sizeof(group), "watch-%s", argv[3]);
                rd_kafka_t *c = subscribe(argv[2], group, argv[3]);
                long n = atol(argv[4]), got = 0;
                double t0 = 0, t1 = 0;
                while (got < n) {
                        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
                        if (m == NULL)
                                continue;
                        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                                t1 = now();
                                if (got++ == 0)
                                        t0 = t1;
                        }
                        rd_kafka_message_destroy(m);
                }
                rd_kafka_consumer_close(c);
                rd_kafka_destroy(c);
                printf("%ld %.3f\n", got, t1 - t0);
                return 0;
        }
        fprintf(stderr, "usage: passthrough gen|pass|watch ...\n");
        return 2;
}
