/* nexmark_load.c: the librdkafka programs of bench/nexmark/run around the generator.
 *   nexmark_load stats N                         generates N events without a broker; prints counts,
 *                                                shares and sizes per kind and a hash of all bytes
 *   nexmark_load load BOOTSTRAP N PARTS          creates the three topics (PARTS partitions) and
 *                                                produces events 0..N-1 (Mode A's pre-loaded input)
 *   nexmark_load rate BOOTSTRAP FIRST N RATE     produces events FIRST..FIRST+N-1 at RATE events/s
 *                                                of wall time (Mode B); record time = produce time
 *   nexmark_load side BOOTSTRAP PARTS            creates and fills side-input, q13's table: keys
 *                                                0..9999, values {"v":"side-<key>"}
 *   nexmark_load create BOOTSTRAP TOPIC PARTS    creates TOPIC
 *   nexmark_load watch BOOTSTRAP TOPIC EXPECT IDLE_MS
 *                                                reads TOPIC from the beginning until EXPECT records
 *                                                arrived and 1 s more (duplicates), or (EXPECT 0)
 *                                                none for IDLE_MS after the first (3 x IDLE_MS when
 *                                                short of EXPECT); prints "records first last p50
 *                                                p99": records seen, wall times (s since the
 *                                                epoch) of the first and of the last (EXPECT-th)
 *                                                record, latency percentiles (ms) of arrival minus
 *                                                record time
 *   nexmark_load watch-new BOOTSTRAP TOPIC EXPECT IDLE_MS
 *                                                the same from the end of TOPIC (Mode B's
 *                                                broker-only latency)
 *   nexmark_load pass BOOTSTRAP OUT N            the baseline: reads the three topics from the
 *                                                beginning and produces each record unchanged to
 *                                                OUT, same partition, until N; prints seconds from
 *                                                the first record read to the last delivered
 * Keys are ksqlDB's KAFKA-format BIGINT (8 bytes big-endian), partitioned with murmur2 as Java
 * clients and the engine do. Only librdkafka and the generator: no Sluice code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nexmark_gen.h"
#define RDK_PROG "nexmark_load"
#include "../common/rdk.h"

static long delivery_errors;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        (void)rk;
        (void)opaque;
        if (m->err && delivery_errors++ < 5)
                fprintf(stderr, "nexmark_load: delivery: %s\n", rd_kafka_err2str(m->err));
}

/* acks=all, murmur2 as Java clients, large batches; linger.ms `linger` */
static rd_kafka_t *producer(const char *bootstrap, const char *linger)
{
        char settings[256];

        snprintf(settings, sizeof(settings),
                 "linger.ms=%s acks=all partitioner=murmur2_random queue.buffering.max.messages=1000000 "
                 "batch.size=1000000",
                 linger);
        rd_kafka_conf_t *conf = rdk_conf(bootstrap, settings);
        rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
        return rdk_new(RD_KAFKA_PRODUCER, conf);
}

static rd_kafka_t *consumer(const char *bootstrap)
{
        return rdk_new(RD_KAFKA_CONSUMER,
                       rdk_conf(bootstrap, "group.id=nexmark-bench enable.auto.commit=false fetch.wait.max.ms=5"));
}

/* partitions of `topic`, waiting for it to exist */
static int partitions_of(rd_kafka_t *rk, const char *topic)
{
        for (int tries = 0; tries < 600; tries++) {
                const struct rd_kafka_metadata *md = NULL;
                rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
                int n = 0;

                if (rd_kafka_metadata(rk, 0, t, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 &&
                    md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
                        n = md->topics[0].partition_cnt;
                if (md)
                        rd_kafka_metadata_destroy(md);
                rd_kafka_topic_destroy(t);
                if (n > 0)
                        return n;
                usleep(100000);
        }
        rdk_die("metadata", topic);
        return 0;
}

static int64_t start_offset = RD_KAFKA_OFFSET_BEGINNING;

static void assign_all(rd_kafka_t *c, const char *const *topics, int ntopics)
{
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);

        for (int i = 0; i < ntopics; i++) {
                int n = partitions_of(c, topics[i]);
                for (int p = 0; p < n; p++)
                        rd_kafka_topic_partition_list_add(l, topics[i], p)->offset = start_offset;
        }
        if (rd_kafka_assign(c, l) != RD_KAFKA_RESP_ERR_NO_ERROR)
                rdk_die("assign", topics[0]);
        rd_kafka_topic_partition_list_destroy(l);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
        const unsigned char *s = p;

        for (size_t i = 0; i < n; i++)
                h = (h ^ s[i]) * 0x100000001b3ull;
        return h;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static int stats(long n)
{
        nexmark_conf conf;
        static nexmark_event ev;
        long count[3] = {0}, bytes[3] = {0}, delayed = 0, hot_auction = 0, hot_bidder = 0, hot_channel = 0;
        long hot_seller = 0, with_channel_id = 0, late_expires = 0;
        int64_t max_time = 0, min_time = INT64_MAX;
        uint64_t h = 0xcbf29ce484222325ull;

        nexmark_conf_default(&conf);
        for (long i = 0; i < n; i++) {
                unsigned char key[8];

                nexmark_event_make(&conf, (uint64_t)i, &ev);
                count[ev.kind]++;
                bytes[ev.kind] += (long)ev.json_len;
                delayed += ev.delayed;
                if (ev.date_time > max_time)
                        max_time = ev.date_time;
                if (ev.date_time < min_time)
                        min_time = ev.date_time;
                if (ev.kind == NEXMARK_BID) {
                        hot_auction += ev.auction % 100 == 0;
                        hot_bidder += ev.bidder % 100 == 1;
                        hot_channel += strncmp(ev.channel, "channel-", 8) != 0;
                        with_channel_id += strstr(ev.url, "channel_id=") != NULL;
                } else if (ev.kind == NEXMARK_AUCTION) {
                        hot_seller += ev.seller % 100 == 0;
                        late_expires += ev.expires <= ev.date_time;
                }
                nexmark_key_bytes(ev.key, key);
                h = fnv(h, key, 8);
                h = fnv(h, ev.json, ev.json_len);
        }
        printf("events %ld\n", n);
        printf("persons %ld\nauctions %ld\nbids %ld\n", count[0], count[1], count[2]);
        for (int k = 0; k < 3; k++)
                printf("avg_json_%s %.1f\n", k == 0 ? "person" : k == 1 ? "auction" : "bid",
                       count[k] ? (double)bytes[k] / (double)count[k] : 0.0);
        printf("delayed_share %.4f\n", n ? (double)delayed / (double)n : 0.0);
        printf("hot_auction_share %.4f\n", count[2] ? (double)hot_auction / (double)count[2] : 0.0);
        printf("hot_bidder_share %.4f\n", count[2] ? (double)hot_bidder / (double)count[2] : 0.0);
        printf("hot_channel_share %.4f\n", count[2] ? (double)hot_channel / (double)count[2] : 0.0);
        printf("channel_id_share %.4f\n", count[2] ? (double)with_channel_id / (double)count[2] : 0.0);
        printf("hot_seller_share %.4f\n", count[1] ? (double)hot_seller / (double)count[1] : 0.0);
        printf("bad_expires %ld\n", late_expires);
        printf("event_time_span_ms %lld\n", (long long)(n ? max_time - min_time : 0));
        printf("bytes %ld\n", bytes[0] + bytes[1] + bytes[2]);
        printf("hash %016llx\n", (unsigned long long)h);
        return 0;
}

/* produces events [first, first+n); rate > 0 paces them on the wall clock */
static void produce_events(const char *bootstrap, long first, long n, double rate)
{
        rd_kafka_t *p;
        nexmark_conf conf;
        static nexmark_event ev;
        double t0;

        nexmark_conf_default(&conf);
        p = rate > 0 ? producer(bootstrap, "0") : producer(bootstrap, "20");
        t0 = rdk_now();
        for (long i = 0; i < n; i++) {
                unsigned char key[8];

                if (rate > 0 && (i & 63) == 0) {
                        double due = t0 + (double)i / rate;
                        double wait = due - rdk_now();
                        if (wait > 0.0002)
                                usleep((useconds_t)(wait * 1e6));
                }
                nexmark_event_make(&conf, (uint64_t)(first + i), &ev);
                nexmark_key_bytes(ev.key, key);
                rdk_produce(p, nexmark_topic(ev.kind), RD_KAFKA_PARTITION_UA, key, 8, ev.json, ev.json_len);
                rd_kafka_poll(p, 0);
        }
        if (rd_kafka_flush(p, 600000) != RD_KAFKA_RESP_ERR_NO_ERROR)
                rdk_die("flush", "timed out");
        rd_kafka_destroy(p);
        printf("%ld %.3f\n", n, rdk_now() - t0);
}

static int watch(const char *bootstrap, const char *topic, long expect, int idle_ms)
{
        rd_kafka_t *c = consumer(bootstrap);
        const char *topics[1] = {topic};
        long got = 0, cap = 1 << 20, nlat = 0;
        double first = 0, last = 0, at_expect = 0, deadline;
        double *lat = malloc((size_t)cap * sizeof(*lat));

        assign_all(c, topics, 1);
        fprintf(stderr, "ready\n");
        fflush(stderr);
        deadline = rdk_now() + 1200;
        for (;;) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 20);
                double t = rdk_now();

                /* past the expected count, listen 1 s more for duplicates (a re-read arrives
                 * among the records, so the count reaches EXPECT early and the rest follow) */
                if (expect > 0 && got >= expect && t - at_expect > 1.0)
                        break;
                if (m == NULL) {
                        if ((got > 0 && got < expect && (t - last) * 1000 > 3 * idle_ms) ||
                            (got > 0 && expect <= 0 && (t - last) * 1000 > idle_ms) || t > deadline)
                                break;
                        continue;
                }
                if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                        rd_kafka_timestamp_type_t tt;
                        int64_t ts = rd_kafka_message_timestamp(m, &tt);

                        if (expect <= 0 || got < expect)
                                last = t;
                        if (got++ == 0)
                                first = t;
                        if (got == expect)
                                at_expect = t;
                        if (ts > 0) {
                                if (nlat == cap) {
                                        /* keep a uniform-ish sample: every other one */
                                        for (long i = 0; i < cap / 2; i++)
                                                lat[i] = lat[2 * i];
                                        nlat = cap / 2;
                                }
                                lat[nlat++] = t * 1000.0 - (double)ts;
                        }
                }
                rd_kafka_message_destroy(m);
        }
        double p50 = -1, p99 = -1;
        if (nlat > 0) {
                qsort(lat, (size_t)nlat, sizeof(*lat), cmp_double);
                p50 = lat[(long)(0.50 * (double)(nlat - 1))];
                p99 = lat[(long)(0.99 * (double)(nlat - 1))];
        }
        printf("%ld %.6f %.6f %.3f %.3f\n", got, first, last, p50, p99);
        fflush(stdout);
        free(lat);
        /* stopping early leaves prefetched records behind, and rd_kafka_destroy can then wait
         * for ever: the answer is out, leave without it */
        _exit(0);
}

static int pass(const char *bootstrap, const char *out, long n)
{
        static const char *const topics[3] = {"nexmark-person", "nexmark-auction", "nexmark-bid"};
        rd_kafka_t *c = consumer(bootstrap);
        rd_kafka_t *p = producer(bootstrap, "5");
        double first;

        assign_all(c, topics, 3);
        first = rdk_pass(c, p, out, n);
        printf("%ld %.3f\n", n, rdk_now() - first);
        rd_kafka_destroy(c);
        rd_kafka_destroy(p);
        return delivery_errors ? 1 : 0;
}

int main(int argc, char **argv)
{
        if (argc == 3 && strcmp(argv[1], "stats") == 0)
                return stats(atol(argv[2]));
        if (argc == 5 && strcmp(argv[1], "load") == 0) {
                for (int k = 0; k < 3; k++)
                        rdk_create_topic(argv[2], nexmark_topic((nexmark_kind)k), atoi(argv[4]));
                produce_events(argv[2], 0, atol(argv[3]), 0);
                return delivery_errors ? 1 : 0;
        }
        if (argc == 6 && strcmp(argv[1], "rate") == 0) {
                produce_events(argv[2], atol(argv[3]), atol(argv[4]), atof(argv[5]));
                return delivery_errors ? 1 : 0;
        }
        if (argc == 4 && strcmp(argv[1], "side") == 0) {
                rd_kafka_t *p;

                rdk_create_topic(argv[2], "side-input", atoi(argv[3]));
                p = producer(argv[2], "5");
                for (int k = 0; k < 10000; k++) {
                        unsigned char key[8];
                        char val[32];
                        int len = snprintf(val, sizeof(val), "{\"v\":\"side-%d\"}", k);

                        nexmark_key_bytes(k, key);
                        rdk_produce(p, "side-input", RD_KAFKA_PARTITION_UA, key, 8, val, (size_t)len);
                        rd_kafka_poll(p, 0);
                }
                rd_kafka_flush(p, 60000);
                rd_kafka_destroy(p);
                return delivery_errors ? 1 : 0;
        }
        if (argc == 5 && strcmp(argv[1], "create") == 0) {
                rdk_create_topic(argv[2], argv[3], atoi(argv[4]));
                return 0;
        }
        if (argc == 6 && strcmp(argv[1], "watch") == 0)
                return watch(argv[2], argv[3], atol(argv[4]), atoi(argv[5]));
        if (argc == 6 && strcmp(argv[1], "watch-new") == 0) {
                start_offset = RD_KAFKA_OFFSET_END;
                return watch(argv[2], argv[3], atol(argv[4]), atoi(argv[5]));
        }
        if (argc == 5 && strcmp(argv[1], "pass") == 0)
                return pass(argv[2], argv[3], atol(argv[4]));
        fprintf(stderr, "usage: nexmark_load stats|load|rate|create|watch|pass ...\n");
        return 2;
}
