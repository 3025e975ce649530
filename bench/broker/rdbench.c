/* rdbench.c: the librdkafka load generator of bench/broker/run.
 *   rdbench produce BOOTSTRAP TOPIC COUNT SIZE   acks=all producer; prints "records seconds"
 *   rdbench consume BOOTSTRAP TOPIC COUNT        reads COUNT records from the beginning of every
 *                                                partition; prints "records bytes seconds"
 * Times run from the first send (or first record received) to the last delivery report (or
 * record). */
#define RDK_PROG "rdbench"
#include "../common/rdk.h"

static long delivered, failed;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        (void)rk;
        (void)opaque;
        if (m->err)
                failed++;
        else
                delivered++;
}

static int produce(const char *bootstrap, const char *topic, long count, int size)
{
        rd_kafka_conf_t *conf = rdk_conf(bootstrap, "acks=all linger.ms=5 batch.num.messages=100000 batch.size=1000000 "
                                                     "queue.buffering.max.messages=2000000 queue.buffering.max.kbytes=2000000");
        rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
        rd_kafka_t *rk = rdk_new(RD_KAFKA_PRODUCER, conf);
        char *payload = malloc((size_t)size);
        memset(payload, 'x', (size_t)size);
        double t0 = rdk_now();
        for (long i = 0; i < count; i++) {
                while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(payload, (size_t)size),
                                         RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) ==
                       RD_KAFKA_RESP_ERR__QUEUE_FULL)
                        rd_kafka_poll(rk, 1);
                if ((i & 1023) == 0)
                        rd_kafka_poll(rk, 0);
        }
        rd_kafka_flush(rk, 600000);
        double t1 = rdk_now();
        printf("%ld %.3f\n", delivered, t1 - t0);
        free(payload);
        rd_kafka_destroy(rk);
        return failed ? 1 : 0;
}

static int consume(const char *bootstrap, const char *topic, long count)
{
        rd_kafka_t *rk = rdk_new(RD_KAFKA_CONSUMER, rdk_conf(bootstrap, "group.id=rdbench enable.auto.commit=false"));
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
        double t0 = 0, deadline = rdk_now() + 600;
        while (got < count && rdk_now() < deadline) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
                if (!m)
                        continue;
                if (!m->err) {
                        if (!got)
                                t0 = rdk_now();
                        got++;
                        bytes += (long long)m->len;
                }
                rd_kafka_message_destroy(m);
        }
        double t1 = rdk_now();
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
