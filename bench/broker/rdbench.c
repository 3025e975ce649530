/* rdbench.c: the librdkafka load generator of bench/broker/run.
 *   rdbench produce BOOTSTRAP TOPIC COUNT SIZE   acks=all producer; prints "records seconds"
 *   rdbench consume BOOTSTRAP TOPIC COUNT        reads COUNT records from the beginning of every
 *                                                partition; prints "records bytes seconds"
 * Times run from the first send (or first record received) to the last delivery report (or
 * record). */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long delivered, failed;

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        (void)rk;
        (void)opaque;
        if (m->err)
                failed++;
        else
                delivered++;
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v)
{
        char err[256];
        if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "%s=%s: %s\n", k, v, err);
                exit(2);
        }
}

static int produce(const char *bootstrap, const char *topic, long count, int size)
{
        char err[256];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", bootstrap);
        set(conf, "acks", "all");
        set(conf, "linger.ms", "5");
        set(conf, "batch.num.messages", "100000");
        set(conf, "batch.size", "1000000");
        set(conf, "queue.buffering.max.messages", "2000000");
        set(conf, "queue.buffering.max.kbytes", "2000000");
        rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        if (!rk) {
                fprintf(stderr, "%s\n", err);
                return 2;
        }
        char *payload = malloc((size_t)size);
        memset(payload, 'x', (size_t)size);
        double t0 = now();
        for (long i = 0; i < count; i++) {
                while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(payload, (size_t)size),
                                         RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) ==
                       RD_KAFKA_RESP_ERR__QUEUE_FULL)
                        rd_kafka_poll(rk, 1);
                if ((i & 1023) == 0)
                        rd_kafka_poll(rk, 0);
        }
        rd_kafka_flush(rk, 600000);
        double t1 = now();
        printf("%ld %.3f\n", delivered, t1 - t0);
        free(payload);
        rd_kafka_destroy(rk);
        return failed ? 1 : 0;
}

static int consume(const char *bootstrap, const char *topic, long count)
{
        char err[256];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", bootstrap);
        set(conf, "group.id", "rdbench");
        set(conf, "enable.auto.commit", "false");
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
        if (!rk) {
                fprintf(stderr, "%s\n", err);
                return 2;
        }
        const struct rd_kafka_metadata *md;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) || md->topic_cnt != 1) {
                fprintf(stderr, "no metadata for %s\n", topic);
                return 2;
        }
        rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
        for (int p = 0; p < md->topics[0].partition_cnt; p++)
                rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_assign(rk, parts);
        rd_kafka_topic_partition_list_destroy(parts);
        long got = 0;
        long long bytes = 0;
        double t0 = 0, deadline = now() + 600;
        while (got < count && now() < deadline) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
                if (!m)
                        continue;
                if (!m->err) {
                        if (!got)
                                t0 = now();
                        got++;
                        bytes += (long long)m->len;
                }
                rd_kafka_message_destroy(m);
        }
        double t1 = now();
        printf("%ld %lld %.3f\n", got, bytes, t1 - t0);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return got == count ? 0 : 1;
}

int main(int argc, char **argv)
{
        if (argc >= 6 && strcmp(argv[1], "produce") == 0)
                return produce(argv[2], argv[3], atol(argv[4]), atoi(argv[5]));
        if (argc >= 5 && strcmp(argv[1], "consume") == 0)
                return consume(argv[2], argv[3], atol(argv[4]));
        fprintf(stderr, "usage: rdbench produce BOOTSTRAP TOPIC COUNT SIZE | consume BOOTSTRAP TOPIC COUNT\n");
        return 2;
}
