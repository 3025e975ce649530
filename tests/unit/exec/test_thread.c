/* test_thread.c: a stream thread against a real broker -- the bundled one, started as `sluiced
 * --broker-only` on a free loopback port with its own data directory (skipped when the sluiced binary
 * is missing). JSON records are produced, a CSAS with WHERE, functions and PARTITION BY runs on a
 * stream thread, and the output topic is read back and compared exactly; a malformed record in the
 * middle is skipped and counted while its neighbours flow. Then a second thread of the same query
 * (same consumer group) resumes from the committed offsets: new input appears once, old input is
 * not processed again. */
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
#include "common/log.h"
#include "common/mem.h"
#include "exec/query.h"
#include "exec/thread.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/parse.h"
#include "exec_test.h"

static void produce(const char *topic, const char *key, const char *value)
{
        sl_kafka_conf conf;
        sl_kafka_producer *p;
        sl_err_detail e;

        sl_kafka_conf_init(&conf);
        sl_kafka_conf_set(&conf, "bootstrap.servers", sl_test_broker_bootstrap);
        cr_assert_eq(sl_kafka_producer_new(&conf, NULL, NULL, &p, &e), SL_OK, "%s", e.message);
        cr_assert_eq(sl_kafka_producer_send(p, topic, 0, sl_slice_from_cstr(key), sl_slice_from_cstr(value), NULL, 0,
                                            1000, NULL, &e),
                     SL_OK, "%s", e.message);
        cr_assert_eq(sl_kafka_producer_flush(p, 10000, &e), SL_OK);
        sl_kafka_producer_free(p, 1000);
        sl_kafka_conf_deinit(&conf);
}

/* Reads every record of partition 0 of `topic` as "key=value" lines. */
static char *read_topic(const char *topic, size_t want)
{
        sl_kafka_conf conf;
        sl_kafka_consumer *c;
        sl_kafka_batch b;
        sl_kafka_tpo tpo = {topic, 0, SL_KAFKA_OFFSET_BEGINNING};
        sl_str out;
        size_t n = 0;
        sl_err_detail e;

        sl_kafka_conf_init(&conf);
        sl_kafka_conf_set(&conf, "bootstrap.servers", sl_test_broker_bootstrap);
        cr_assert_eq(sl_kafka_consumer_new(&conf, &c, &e), SL_OK);
        cr_assert_eq(sl_kafka_consumer_assign(c, &tpo, 1, &e), SL_OK);
        sl_kafka_batch_init(&b);
        sl_str_init(&out);
        for (int i = 0; i < 100 && n < want; i++) {
                sl_kafka_consumer_poll(c, &b, 100, 100, &e);
                for (size_t k = 0; k < b.len; k++, n++)
                        sl_str_appendf(&out, "%.*s=%.*s\n", (int)b.msgs[k].key.len,
                                       b.msgs[k].key.ptr ? (const char *)b.msgs[k].key.ptr : "", (int)b.msgs[k].value.len,
                                       b.msgs[k].value.ptr ? (const char *)b.msgs[k].value.ptr : "");
                sl_kafka_batch_reset(&b);
        }
        /* anything beyond `want` would show up now */
        sl_kafka_consumer_poll(c, &b, 100, 500, &e);
        for (size_t k = 0; k < b.len; k++)
                sl_str_appendf(&out, "EXTRA %.*s\n", (int)b.msgs[k].value.len, (const char *)b.msgs[k].value.ptr);
        sl_kafka_batch_reset(&b);
        sl_kafka_batch_deinit(&b);
        sl_kafka_consumer_free(c);
        sl_kafka_conf_deinit(&conf);
        return sl_str_detach(&out);
}

/* Runs the thread until `records` more input records were consumed (or 15 s), then commits. */
static void run_until(sl_exec_thread *t, uint64_t records)
{
        uint64_t r = 0, c;
        sl_err_detail e;

        for (int i = 0; i < 150 && r < records; i++) {
                cr_assert_eq(sl_exec_thread_run_once(t, 100, &e), SL_OK, "%s", e.message);
                sl_exec_thread_stats(t, &r, &c);
        }
        cr_assert_geq(r, records, "consumed %llu of %llu records", (unsigned long long)r, (unsigned long long)records);
        cr_assert_eq(sl_exec_thread_commit(t, &e), SL_OK, "%s", e.message);
}

/* What each broker test sets up: the bundled broker, two topics and the plan of a script's last statement. */
typedef struct {
        sl_func_registry *reg; /* owned */
        sl_catalog *cat;       /* owned */
        sl_script *script;     /* owned */
        sl_plan *plan;         /* owned */
        sl_kafka_conf kc;      /* client settings for the broker */
        sl_exec_thread_conf tc; /* the query threads' settings: from the earliest offset, commits every 100 ms */
} broker_fx;

/* Starts the broker, creates topics `in` (with `in_parts` partitions) and `out`, and plans `sql`. */
static void broker_fx_start(broker_fx *f, const char *in, int in_parts, const char *out, const char *sql)
{
        sl_kafka_admin *admin;
        sl_err_detail e;

        f->reg = sl_func_registry_new();
        f->cat = sl_catalog_mem_new();
        f->script = NULL;
        sl_log_set_level(SL_LOG_ERROR);
        sl_test_broker_start("exec_thread");
        sl_kafka_conf_init(&f->kc);
        sl_kafka_conf_set(&f->kc, "bootstrap.servers", sl_test_broker_bootstrap);
        cr_assert_eq(sl_kafka_admin_new(&f->kc, &admin, &e), SL_OK);
        cr_assert_eq(sl_kafka_admin_create_topic(admin, in, in_parts, 1, NULL, 0, 10000, &e), SL_OK, "%s", e.message);
        cr_assert_eq(sl_kafka_admin_create_topic(admin, out, 1, 1, NULL, 0, 10000, &e), SL_OK, "%s", e.message);
        sl_kafka_admin_free(admin);
        cr_assert_eq(sl_func_registry_add_builtins(f->reg, &e), SL_OK);
        f->plan = plan_of(sql, f->cat, f->reg, &f->script);
        f->tc = (sl_exec_thread_conf){.kafka = &f->kc, .auto_offset_reset = "earliest", .commit_interval_ms = 100};
}

/* Frees what broker_fx_start made and stops the broker. */
static void broker_fx_stop(broker_fx *f)
{
        sl_plan_free(f->plan);
        sl_script_free(f->script);
        sl_catalog_free(f->cat);
        sl_func_registry_free(f->reg);
        sl_kafka_conf_deinit(&f->kc);
        sl_test_broker_stop();
}

Test(exec_thread, csas_over_the_bundled_broker_resumes_from_committed_offsets, .timeout = 120)
{
        broker_fx f;
        sl_exec_thread *t;
        sl_proclog log;
        sl_err_detail e;
        char *got;

        broker_fx_start(&f, "orders", 1, "BIG",
                        "CREATE STREAM ORDERS (ID STRING KEY, ITEM STRING, QTY INT) "
                        "WITH (kafka_topic='orders', value_format='JSON');"
                        "CREATE STREAM BIG WITH (kafka_topic='BIG') AS SELECT UCASE(ITEM) AS ITEM, ID, QTY * 10 AS Q "
                        "FROM ORDERS WHERE QTY > 1 PARTITION BY UCASE(ITEM);");
        produce("orders", "o1", "{\"ITEM\":\"apple\",\"QTY\":2}");
        produce("orders", "o2", "{\"ITEM\":\"pear\",\"QTY\":1}");
        produce("orders", "o3", "{\"ITEM\":\"fig\",\"QTY\":"); /* malformed */
        produce("orders", "o4", "{\"ITEM\":\"kiwi\",\"QTY\":3}");

        sl_proclog_init(&log, f.plan->query_id);
        cr_assert_eq(sl_exec_thread_new(f.plan, &f.tc, &log, &t, &e), SL_OK, "%s", e.message);
        run_until(t, 4);
        sl_exec_thread_free(t);
        cr_expect_eq(sl_proclog_count(&log, SL_PROCLOG_DESERIALIZE), 1);
        got = read_topic("BIG", 2);
        cr_expect_str_eq(got, "APPLE={\"ID\":\"o1\",\"Q\":20}\nKIWI={\"ID\":\"o4\",\"Q\":30}\n");
        sl_free(got);

        /* a restarted query resumes from its committed offsets: only the new record is processed */
        produce("orders", "o5", "{\"ITEM\":\"plum\",\"QTY\":5}");
        cr_assert_eq(sl_exec_thread_new(f.plan, &f.tc, &log, &t, &e), SL_OK, "%s", e.message);
        run_until(t, 1);
        sl_exec_thread_free(t);
        got = read_topic("BIG", 3);
        cr_expect_str_eq(got, "APPLE={\"ID\":\"o1\",\"Q\":20}\nKIWI={\"ID\":\"o4\",\"Q\":30}\nPLUM={\"ID\":\"o5\",\"Q\":50}\n");
        sl_free(got);

        sl_proclog_deinit(&log);
        broker_fx_stop(&f);
}

Test(exec_thread, query_with_two_threads_over_two_partitions, .timeout = 120)
{
        broker_fx f;
        sl_exec_query *q;
        sl_err_detail e;
        uint64_t records = 0, commits = 0;
        char *got;
        size_t lines = 0;

        broker_fx_start(&f, "two", 2, "ONE",
                        "CREATE STREAM TWO (ID STRING KEY, V INT) WITH (kafka_topic='two', value_format='JSON');"
                        "CREATE STREAM ONE WITH (kafka_topic='ONE') AS SELECT ID, V + 1 AS W FROM TWO;");
        f.tc.commit_interval_ms = 200;
        {
                sl_kafka_producer *p;

                cr_assert_eq(sl_kafka_producer_new(&f.kc, NULL, NULL, &p, &e), SL_OK);
                for (int i = 0; i < 20; i++) {
                        char k[16], v[32];

                        snprintf(k, sizeof(k), "k%d", i);
                        snprintf(v, sizeof(v), "{\"V\":%d}", i);
                        cr_assert_eq(sl_kafka_producer_send(p, "two", i % 2, sl_slice_from_cstr(k), sl_slice_from_cstr(v),
                                                            NULL, 0, 1000 + i, NULL, &e),
                                     SL_OK);
                }
                cr_assert_eq(sl_kafka_producer_flush(p, 10000, &e), SL_OK);
                sl_kafka_producer_free(p, 1000);
        }
        cr_assert_eq(sl_exec_query_new(f.plan, &f.tc, 2, &q, &e), SL_OK, "%s", e.message);
        cr_assert_eq(sl_exec_query_start(q, &e), SL_OK, "%s", e.message);
        for (int i = 0; i < 300 && records < 20; i++) {
                usleep(50000);
                sl_exec_query_stats(q, &records, &commits);
        }
        cr_assert_eq(sl_exec_query_stop(q, &e), SL_OK, "%s", e.message);
        sl_exec_query_stats(q, &records, &commits);
        cr_expect_eq(records, 20);
        cr_expect_gt(commits, 0);
        cr_expect_eq(sl_proclog_skipped(sl_exec_query_log(q)), 0);
        sl_exec_query_free(q);
        got = read_topic("ONE", 20);
        for (const char *p = got; *p; p++)
                lines += *p == '\n';
        cr_expect_eq(lines, 20, "%s", got);
        cr_expect(strstr(got, "k7={\"W\":8}\n"), "%s", got);
        cr_expect_null(strstr(got, "EXTRA"), "%s", got);
        sl_free(got);
        broker_fx_stop(&f);
}
