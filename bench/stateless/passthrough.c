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
#define RDK_PROG "passthrough"
#include "../common/rdk.h"

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
        char settings[256];
        rd_kafka_conf_t *conf;

        if (type == RD_KAFKA_PRODUCER)
                return rdk_new(type, rdk_conf(bootstrap, "linger.ms=5 acks=all"));
        snprintf(settings, sizeof(settings), "group.id=%s auto.offset.reset=earliest enable.auto.commit=true", group);
        conf = rdk_conf(bootstrap, settings);
        rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
        return rdk_new(type, conf);
}

static rd_kafka_t *subscribe(const char *bootstrap, const char *group, const char *topic)
{
        rd_kafka_t *c = client(RD_KAFKA_CONSUMER, bootstrap, group);
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);

        rd_kafka_topic_partition_list_add(l, topic, RD_KAFKA_PARTITION_UA);
        if (rd_kafka_subscribe(c, l) != RD_KAFKA_RESP_ERR_NO_ERROR)
                rdk_die("subscribe", topic);
        rd_kafka_topic_partition_list_destroy(l);
        return c;
}

int main(int argc, char **argv)
{
        if (argc == 5 && strcmp(argv[1], "create") == 0) {
                rdk_create_topic(argv[2], argv[3], atoi(argv[4]));
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
                        rdk_produce(p, argv[3], RD_KAFKA_PARTITION_UA, key, (size_t)kl, val, (size_t)vl);
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
                rdk_pass(c, p, argv[4], atol(argv[5]));
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
                                t1 = rdk_now();
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
