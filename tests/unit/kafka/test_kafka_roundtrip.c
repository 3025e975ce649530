/* test_kafka_roundtrip.c: the librdkafka wrappers against a real broker: the bundled one, started
 * here as `sluiced --broker-only` on a free loopback port with its own data directory. sluiced is
 * found in $SLUICE_BIN or in ../bin beside this test's build directory; when it is missing or has no
 * bundled broker yet, the broker tests skip with a message. The tests without a broker always run. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "broker_fixture.h"
#include "common/arena.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

static void conf_for(sl_kafka_conf *conf)
{
        sl_kafka_conf_init(conf);
        sl_kafka_conf_set(conf, "bootstrap.servers", sl_test_broker_bootstrap);
}

/* ---- tests that need no broker ---- */

Test(kafka_conf, set_get_and_override)
{
        sl_kafka_conf conf;
        sl_kafka_conf_init(&conf);
        cr_expect_null(sl_kafka_conf_get(&conf, "group.id"));
        sl_kafka_conf_set(&conf, "group.id", "a");
        sl_kafka_conf_set(&conf, "client.id", "c");
        sl_kafka_conf_set(&conf, "group.id", "b");
        cr_expect_str_eq(sl_kafka_conf_get(&conf, "group.id"), "b");
        cr_expect_str_eq(sl_kafka_conf_get(&conf, "client.id"), "c");
        cr_expect_eq(conf.len, 2);
        sl_kafka_conf_deinit(&conf);
        cr_expect_eq(conf.len, 0);
}

Test(kafka_conf, bad_property_is_invalid)
{
        sl_kafka_conf conf;
        sl_kafka_conf_init(&conf);
        sl_kafka_conf_set(&conf, "no.such.property", "1");
        sl_err_detail err;
        sl_kafka_consumer *c = (sl_kafka_consumer *)1;
        cr_expect_eq(sl_kafka_consumer_new(&conf, &c, &err), SL_ERR_INVALID);
        cr_expect_null(c);
        cr_expect(strstr(err.message, "no.such.property"), "%s", err.message);
        sl_kafka_producer *p = (sl_kafka_producer *)1;
        cr_expect_eq(sl_kafka_producer_new(&conf, NULL, NULL, &p, &err), SL_ERR_INVALID);
        cr_expect_null(p);
        sl_kafka_admin *a = (sl_kafka_admin *)1;
        cr_expect_eq(sl_kafka_admin_new(&conf, &a, &err), SL_ERR_INVALID);
        cr_expect_null(a);
        sl_kafka_conf_deinit(&conf);
}

typedef struct reports {
        int n;                /* delivery reports seen */
        int failed;           /* of which failed */
        sl_err last_err;      /* code of the last report */
        int64_t offsets[512]; /* offset per msg_opaque index */
        int32_t parts[512];   /* partition per msg_opaque index */
} reports;

static void on_delivery(void *opaque, const sl_kafka_delivery *d)
{
        reports *r = opaque;
        r->n++;
        r->last_err = d->err;
        if (d->err)
                r->failed++;
        intptr_t idx = (intptr_t)d->msg_opaque;
        if (idx >= 0 && idx < 512) {
                r->offsets[idx] = d->offset;
                r->parts[idx] = d->partition;
        }
}

Test(kafka_producer, undeliverable_record_is_reported_as_failed)
{
        sl_kafka_conf conf;
        sl_kafka_conf_init(&conf);
        char dead[64];
        snprintf(dead, sizeof dead, "127.0.0.1:%d", sl_test_port_free());  /* nobody listens */
        sl_kafka_conf_set(&conf, "bootstrap.servers", dead);
        sl_kafka_conf_set(&conf, "message.timeout.ms", "300");
        sl_kafka_conf_set(&conf, "log_level", "0");
        reports r = {0};
        sl_kafka_producer *p;
        sl_err_detail err;
        cr_assert_eq(sl_kafka_producer_new(&conf, on_delivery, &r, &p, &err), SL_OK, "%s", err.message);
        cr_assert_eq(sl_kafka_producer_send(p, "t", -1, sl_slice_from_cstr("k"), sl_slice_from_cstr("v"), NULL, 0, 0,
                                            (void *)(intptr_t)0, &err),
                     SL_OK);
        cr_expect_geq(sl_kafka_producer_outstanding(p), 1);  /* plus any queued error events */
        cr_expect_eq(sl_kafka_producer_flush(p, 10000, &err), SL_OK, "%s", err.message);
        cr_expect_eq(r.n, 1);
        cr_expect_eq(r.failed, 1);
        cr_expect_eq(r.last_err, SL_ERR_TIMEOUT, "got %s", sl_err_name(r.last_err));
        uint64_t ok, bad;
        sl_kafka_producer_stats(p, &ok, &bad);
        cr_expect(ok == 0 && bad == 1);
        sl_kafka_producer_free(p, 0);
        sl_kafka_conf_deinit(&conf);
}

/* ---- against the bundled broker ---- */

static void kafka_broker_start(void)
{
        sl_test_broker_start("kafka_test");
}

TestSuite(kafka_broker, .init = kafka_broker_start, .fini = sl_test_broker_stop, .timeout = 120);

Test(kafka_broker, admin_create_describe_list_delete)
{
        sl_kafka_conf conf;
        conf_for(&conf);
        sl_kafka_admin *a;
        sl_err_detail err;
        sl_arena arena;
        sl_arena_init(&arena, 0);
        cr_assert_eq(sl_kafka_admin_new(&conf, &a, &err), SL_OK, "%s", err.message);
        const char *cfg[] = {"cleanup.policy", "compact"};
        cr_assert_eq(sl_kafka_admin_create_topic(a, "orders", 3, 1, cfg, 1, 10000, &err), SL_OK, "%s", err.message);
        cr_expect_eq(sl_kafka_admin_create_topic(a, "orders", 3, 1, NULL, 0, 10000, &err), SL_ERR_EXISTS, "%s",
                     err.message);
        cr_assert_eq(sl_kafka_admin_create_topic(a, "_internal", 1, -1, NULL, 0, 10000, &err), SL_OK, "%s", err.message);

        sl_kafka_topic_info info;
        cr_assert_eq(sl_kafka_admin_describe_topic(a, "orders", &arena, &info, 10000, &err), SL_OK, "%s", err.message);
        cr_expect_str_eq(info.name, "orders");
        cr_expect_eq(info.npartitions, 3);
        cr_expect_eq(info.replication, 1);
        cr_expect_eq(sl_kafka_admin_describe_topic(a, "missing", &arena, &info, 10000, &err), SL_ERR_NOT_FOUND, "%s",
                     err.message);

        sl_kafka_topic_info *list;
        size_t n;
        cr_assert_eq(sl_kafka_admin_list_topics(a, false, &arena, &list, &n, 10000, &err), SL_OK, "%s", err.message);
        cr_expect_eq(n, 1);
        cr_expect_str_eq(list[0].name, "orders");
        cr_assert_eq(sl_kafka_admin_list_topics(a, true, &arena, &list, &n, 10000, &err), SL_OK, "%s", err.message);
        cr_expect_eq(n, 2);
        cr_expect_str_eq(list[0].name, "_internal");

        sl_kafka_config_entry *cfgs;
        size_t ncfg;
        cr_assert_eq(sl_kafka_admin_topic_configs(a, "orders", &arena, &cfgs, &ncfg, 10000, &err), SL_OK, "%s",
                     err.message);
        bool found = false;
        for (size_t i = 0; i < ncfg; i++)
                if (strcmp(cfgs[i].name, "cleanup.policy") == 0)
                        found = cfgs[i].value && strcmp(cfgs[i].value, "compact") == 0;
        cr_expect(found, "cleanup.policy=compact not among %zu configs", ncfg);

        cr_expect_eq(sl_kafka_admin_delete_topic(a, "orders", 10000, &err), SL_OK, "%s", err.message);
        cr_expect_eq(sl_kafka_admin_delete_topic(a, "orders", 10000, &err), SL_ERR_NOT_FOUND, "%s", err.message);
        cr_expect_eq(sl_kafka_admin_describe_topic(a, "orders", &arena, &info, 10000, &err), SL_ERR_NOT_FOUND);
        sl_kafka_admin_free(a);
        sl_arena_deinit(&arena);
        sl_kafka_conf_deinit(&conf);
}

#define NREC 300

/* Consumes until `want` records arrived or 30 s passed; copies what the checks need. */
typedef struct seen {
        int n;
        int32_t part[NREC];
        int64_t off[NREC];
        int64_t ts[NREC];
        char key[NREC][16];     /* "" for an absent key */
        char value[NREC][32];   /* "<null>" for a tombstone */
        char hdr[NREC][32];     /* first header "k=v", "" when none */
        int nhdr[NREC];
} seen;

static void consume(sl_kafka_consumer *c, seen *s, int want)
{
        sl_kafka_batch batch;
        sl_kafka_batch_init(&batch);
        sl_err_detail err;
        time_t end = time(NULL) + 30;
        while (s->n < want && time(NULL) < end) {
                sl_err rc = sl_kafka_consumer_poll(c, &batch, 64, 200, &err);
                cr_assert(rc == SL_OK || rc == SL_ERR_NOT_FOUND, "poll: %s", err.message);
                for (size_t i = 0; i < batch.len && s->n < NREC; i++) {
                        const sl_kafka_msg *m = &batch.msgs[i];
                        int k = s->n++;
                        s->part[k] = m->partition;
                        s->off[k] = m->offset;
                        s->ts[k] = m->timestamp;
                        snprintf(s->key[k], sizeof s->key[k], "%.*s", (int)m->key.len, m->key.ptr ? (const char *)m->key.ptr : "");
                        if (m->value.ptr)
                                snprintf(s->value[k], sizeof s->value[k], "%.*s", (int)m->value.len, (const char *)m->value.ptr);
                        else
                                strcpy(s->value[k], "<null>");
                        s->nhdr[k] = (int)m->nheaders;
                        s->hdr[k][0] = 0;
                        if (m->nheaders)
                                snprintf(s->hdr[k], sizeof s->hdr[k], "%s=%.*s", m->headers[0].key,
                                         (int)m->headers[0].value.len, (const char *)m->headers[0].value.ptr);
                }
        }
        sl_kafka_batch_deinit(&batch);
}

Test(kafka_broker, produce_consume_commit_round_trip)
{
        sl_kafka_conf conf;
        conf_for(&conf);
        sl_err_detail err;
        sl_kafka_admin *a;
        cr_assert_eq(sl_kafka_admin_new(&conf, &a, &err), SL_OK);
        cr_assert_eq(sl_kafka_admin_create_topic(a, "rt", 3, 1, NULL, 0, 10000, &err), SL_OK, "%s", err.message);
        sl_kafka_admin_free(a);

        static reports r;
        sl_kafka_producer *p;
        cr_assert_eq(sl_kafka_producer_new(&conf, on_delivery, &r, &p, &err), SL_OK, "%s", err.message);
        for (int i = 0; i < NREC; i++) {
                char key[16], value[32];
                snprintf(key, sizeof key, "k%d", i % 10);
                snprintf(value, sizeof value, "{\"i\":%d}", i);
                sl_kafka_header h = {"src", sl_slice_from_cstr("test")};
                sl_slice k = i == 7 ? SL_SLICE(NULL, 0) : sl_slice_from_cstr(key);
                sl_slice v = i == 5 ? SL_SLICE(NULL, 0) : sl_slice_from_cstr(value);
                cr_assert_eq(sl_kafka_producer_send(p, "rt", -1, k, v, i % 2 ? &h : NULL, i % 2, 1700000000000 + i,
                                                    (void *)(intptr_t)i, &err),
                             SL_OK, "%s", err.message);
        }
        cr_assert_eq(sl_kafka_producer_flush(p, 30000, &err), SL_OK, "%s", err.message);
        cr_expect_eq(r.n, NREC);
        cr_expect_eq(r.failed, 0);
        /* keyed records go to one partition per key */
        for (int i = 10; i < NREC; i++)
                if (i != 7 && i % 10 != 7)
                        cr_expect_eq(r.parts[i], r.parts[i % 10 == 7 ? 17 : i % 10], "key k%d moved partition", i % 10);
        /* ...and on the partition Java's DefaultPartitioner picks (murmur2; values from
         * kafka-python's Java-compatible murmur2 for keys k0..k9 over 3 partitions) */
        static const int32_t java_part[10] = {2, 2, 0, 1, 1, 0, 1, 1, 2, 2};
        for (int i = 0; i < 10; i++)
                if (i != 7)
                        cr_expect_eq(r.parts[i], java_part[i], "key k%d", i);
        sl_kafka_producer_free(p, 1000);

        /* a group consumer reads everything, then commits */
        sl_kafka_conf_set(&conf, "group.id", "g1");
        sl_kafka_consumer *c;
        cr_assert_eq(sl_kafka_consumer_new(&conf, &c, &err), SL_OK, "%s", err.message);
        const char *topics[] = {"rt"};
        cr_assert_eq(sl_kafka_consumer_subscribe(c, topics, 1, &err), SL_OK, "%s", err.message);
        static seen s;
        consume(c, &s, NREC);
        cr_assert_eq(s.n, NREC, "consumed %d of %d", s.n, NREC);
        int64_t next[3] = {0, 0, 0};
        bool got[NREC] = {0};
        for (int k = 0; k < s.n; k++) {
                int i = -1;
                if (strcmp(s.value[k], "<null>") == 0)
                        i = 5;
                else
                        sscanf(s.value[k], "{\"i\":%d}", &i);
                cr_assert(i >= 0 && i < NREC);
                cr_expect(!got[i], "record %d twice", i);
                got[i] = true;
                cr_expect_eq(s.part[k], r.parts[i]);
                cr_expect_eq(s.off[k], r.offsets[i], "record %d offset", i);
                cr_expect_eq(s.ts[k], 1700000000000 + i);
                if (i == 7)
                        cr_expect_str_eq(s.key[k], "");
                else
                        cr_expect_eq(atoi(s.key[k] + 1), i % 10);
                cr_expect_eq(s.nhdr[k], i % 2);
                if (i % 2)
                        cr_expect_str_eq(s.hdr[k], "src=test");
                cr_assert(s.part[k] >= 0 && s.part[k] < 3);
                if (s.off[k] + 1 > next[s.part[k]])
                        next[s.part[k]] = s.off[k] + 1;
        }
        sl_kafka_tpo offs[3] = {{"rt", 0, next[0]}, {"rt", 1, next[1]}, {"rt", 2, next[2]}};
        cr_expect_eq(sl_kafka_consumer_commit(c, offs, 3, &err), SL_OK, "%s", err.message);
        int64_t low, high, total = 0;
        for (int pn = 0; pn < 3; pn++) {
                cr_assert_eq(sl_kafka_consumer_watermarks(c, "rt", pn, &low, &high, 10000, &err), SL_OK, "%s", err.message);
                cr_expect_eq(high, next[pn], "partition %d high watermark", pn);
                total += high - low;
        }
        cr_expect_eq(total, NREC);
        sl_kafka_consumer_free(c);

        /* another member of the group sees the committed offsets */
        cr_assert_eq(sl_kafka_consumer_new(&conf, &c, &err), SL_OK, "%s", err.message);
        sl_kafka_tpo q[3] = {{"rt", 0, 0}, {"rt", 1, 0}, {"rt", 2, 0}};
        cr_assert_eq(sl_kafka_consumer_committed(c, q, 3, 10000, &err), SL_OK, "%s", err.message);
        for (int pn = 0; pn < 3; pn++)
                cr_expect_eq(q[pn].offset, next[pn], "partition %d committed", pn);
        sl_kafka_consumer_free(c);

        /* a group-less consumer assigned to one partition from the beginning reads just it */
        sl_kafka_conf cfg2;
        conf_for(&cfg2);
        cr_assert_eq(sl_kafka_consumer_new(&cfg2, &c, &err), SL_OK, "%s", err.message);
        sl_kafka_tpo one = {"rt", 1, SL_KAFKA_OFFSET_BEGINNING};
        cr_assert_eq(sl_kafka_consumer_assign(c, &one, 1, &err), SL_OK, "%s", err.message);
        static seen s1;
        consume(c, &s1, (int)next[1]);
        cr_expect_eq(s1.n, next[1]);
        for (int k = 0; k < s1.n; k++) {
                cr_expect_eq(s1.part[k], 1);
                cr_expect_eq(s1.off[k], k);
        }
        sl_arena arena;
        sl_arena_init(&arena, 0);
        sl_kafka_tpo *asg;
        size_t nasg;
        cr_expect_eq(sl_kafka_consumer_assignment(c, &arena, &asg, &nasg, &err), SL_OK);
        cr_expect(nasg == 1 && strcmp(asg[0].topic, "rt") == 0 && asg[0].partition == 1);
        sl_arena_deinit(&arena);
        sl_kafka_consumer_free(c);
        sl_kafka_conf_deinit(&cfg2);
        sl_kafka_conf_deinit(&conf);
}

typedef struct rebal {
        int assigned;  /* partitions handed to us */
        int revoked;   /* partitions taken back */
        int calls;
} rebal;

static void on_rebalance(void *opaque, bool assigned, const sl_kafka_tpo *parts, size_t n)
{
        rebal *r = opaque;
        r->calls++;
        for (size_t i = 0; i < n; i++)
                cr_expect_str_eq(parts[i].topic, "rb");
        if (assigned)
                r->assigned += (int)n;
        else
                r->revoked += (int)n;
}

Test(kafka_broker, rebalance_hook_seek_pause)
{
        sl_kafka_conf conf;
        conf_for(&conf);
        sl_err_detail err;
        sl_kafka_admin *a;
        cr_assert_eq(sl_kafka_admin_new(&conf, &a, &err), SL_OK);
        cr_assert_eq(sl_kafka_admin_create_topic(a, "rb", 2, 1, NULL, 0, 10000, &err), SL_OK, "%s", err.message);
        sl_kafka_admin_free(a);
        sl_kafka_producer *p;
        cr_assert_eq(sl_kafka_producer_new(&conf, NULL, NULL, &p, &err), SL_OK);
        for (int i = 0; i < 20; i++) {
                char v[16];
                snprintf(v, sizeof v, "%d", i);
                cr_assert_eq(sl_kafka_producer_send(p, "rb", i % 2, SL_SLICE(NULL, 0), sl_slice_from_cstr(v), NULL, 0, 0,
                                                    NULL, &err),
                             SL_OK);
        }
        cr_assert_eq(sl_kafka_producer_flush(p, 30000, &err), SL_OK, "%s", err.message);
        uint64_t ok, bad;
        sl_kafka_producer_stats(p, &ok, &bad);
        cr_expect(ok == 20 && bad == 0);
        sl_kafka_producer_free(p, 1000);

        sl_kafka_conf_set(&conf, "group.id", "g-rb");
        rebal r = {0};
        sl_kafka_consumer *c;
        cr_assert_eq(sl_kafka_consumer_new_rebalance(&conf, on_rebalance, &r, &c, &err), SL_OK, "%s", err.message);
        const char *topics[] = {"rb"};
        cr_assert_eq(sl_kafka_consumer_subscribe(c, topics, 1, &err), SL_OK);
        static seen s;
        consume(c, &s, 20);
        cr_expect_eq(s.n, 20);
        cr_expect_eq(r.assigned, 2, "assigned %d partitions", r.assigned);

        /* back to the start of partition 0: its 10 records come again */
        sl_kafka_tpo p0 = {"rb", 0, 0};
        cr_assert_eq(sl_kafka_consumer_seek(c, &p0, 1, 10000, &err), SL_OK, "%s", err.message);
        static seen again;
        consume(c, &again, 10);
        cr_expect_eq(again.n, 10);
        for (int k = 0; k < again.n; k++)
                cr_expect(again.part[k] == 0 && again.off[k] == k);

        /* paused partitions deliver nothing; resumed ones continue */
        sl_kafka_tpo both[2] = {{"rb", 0, 0}, {"rb", 1, 0}};
        cr_expect_eq(sl_kafka_consumer_pause(c, both, 2, &err), SL_OK, "%s", err.message);
        cr_expect_eq(sl_kafka_consumer_seek(c, &p0, 1, 10000, &err), SL_OK, "%s", err.message);
        sl_kafka_batch batch;
        sl_kafka_batch_init(&batch);
        cr_expect_eq(sl_kafka_consumer_poll(c, &batch, 64, 500, &err), SL_OK);
        cr_expect_eq(batch.len, 0);
        cr_expect_eq(sl_kafka_consumer_resume(c, both, 2, &err), SL_OK, "%s", err.message);
        sl_kafka_batch_deinit(&batch);
        static seen after;
        consume(c, &after, 10);
        cr_expect_eq(after.n, 10);
        sl_kafka_consumer_free(c);
        cr_expect_eq(r.revoked, 2, "revoked %d partitions on close", r.revoked);
        sl_kafka_conf_deinit(&conf);
}
