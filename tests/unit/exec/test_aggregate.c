/* test_aggregate.c: aggregations through the topology test driver -- GROUP BY with a repartition,
 * table aggregation with undo, HAVING, TUMBLING / HOPPING / SESSION windows (windowed keys, late
 * records dropped and counted), EMIT FINAL, and restarts that restore the stores from the local
 * state plus changelog, or from the changelog alone. Outputs are the sink topic's records as text
 * (windowed keys: "key@start" from the 8-byte start after the key bytes). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "driver_fixture.h"
#include "exec/driver.h"
#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/parse.h"

static sl_test_driver_fixture fx;

static void setup(void)
{
        sl_test_driver_setup(&fx);
}

static void teardown(void)
{
        sl_test_driver_teardown(&fx);
}

TestSuite(exec_aggregate, .init = setup, .fini = teardown);

static void run_sql(const char *sql)
{
        sl_test_driver_run_sql(&fx, sql);
}

static void pipe_rec(const char *key, const char *value, int64_t ts)
{
        sl_err_detail e;
        sl_slice k = key ? sl_slice_from_cstr(key) : SL_SLICE(NULL, 0);
        sl_slice v = value ? sl_slice_from_cstr(value) : SL_SLICE(NULL, 0);

        cr_assert_eq(sl_exec_driver_pipe(fx.d, "in", -1, k, v, NULL, 0, ts, &e), SL_OK, "%s", e.message);
}

/* The records of topic "out" as "key=value" lines ("key@start=value" for windowed keys of
 * `window_bytes` trailing bytes, "key=<null>" for tombstones). */
static void outputs(char *buf, size_t size, size_t window_bytes)
{
        const sl_exec_record *got;
        size_t n = sl_exec_driver_outputs(fx.d, &got), len = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                const sl_exec_record *r = &got[i];
                size_t klen = r->key.len >= window_bytes ? r->key.len - window_bytes : r->key.len;

                if (strcmp(r->topic, "out") != 0)
                        continue;
                len += (size_t)snprintf(buf + len, size - len, "%.*s", (int)klen, (const char *)r->key.ptr);
                if (window_bytes)
                        len += (size_t)snprintf(buf + len, size - len, "@%lld",
                                                (long long)sl_load_be64(r->key.ptr + r->key.len - 8));
                len += (size_t)snprintf(buf + len, size - len, "=%.*s;", r->value.ptr ? (int)r->value.len : 6,
                                        r->value.ptr ? (const char *)r->value.ptr : "<null>");
        }
}

#define STREAM "CREATE STREAM S (K STRING KEY, G STRING, V INT) WITH (kafka_topic='in', value_format='JSON');"

Test(exec_aggregate, group_by_a_value_column_counts_and_sums_per_group)
{
        char out[2048];

        run_sql(STREAM "CREATE TABLE T WITH (kafka_topic='out') AS SELECT G, COUNT(*) AS C, SUM(V) AS S FROM S GROUP BY G;");
        pipe_rec("a", "{\"G\":\"x\",\"V\":1}", 10);
        pipe_rec("b", "{\"G\":\"y\",\"V\":2}", 11);
        pipe_rec("c", "{\"G\":\"x\",\"V\":3}", 12);
        pipe_rec("d", "{\"G\":null,\"V\":3}", 13);  /* no group: dropped */
        outputs(out, sizeof(out), 0);
        cr_assert_str_eq(out, "x={\"C\":1,\"S\":1};y={\"C\":1,\"S\":2};x={\"C\":2,\"S\":4};");
}

Test(exec_aggregate, table_aggregation_undoes_the_old_row)
{
        char out[2048];

        run_sql("CREATE TABLE S (K STRING PRIMARY KEY, G STRING, V INT) WITH (kafka_topic='in', value_format='JSON');"
                "CREATE TABLE T WITH (kafka_topic='out') AS SELECT G, SUM(V) AS S FROM S GROUP BY G;");
        pipe_rec("a", "{\"G\":\"x\",\"V\":1}", 10);
        pipe_rec("b", "{\"G\":\"x\",\"V\":2}", 11);
        pipe_rec("a", "{\"G\":\"y\",\"V\":5}", 12);  /* moves from x to y */
        pipe_rec("b", "{\"G\":\"x\",\"V\":4}", 13);  /* same group: one change */
        pipe_rec("b", NULL, 14);                     /* delete */
        outputs(out, sizeof(out), 0);
        cr_assert_str_eq(out, "x={\"S\":1};x={\"S\":3};x={\"S\":2};y={\"S\":5};x={\"S\":4};x={\"S\":0};");
}

Test(exec_aggregate, having_turns_failing_groups_into_tombstones)
{
        char out[2048];

        run_sql(STREAM "CREATE TABLE T WITH (kafka_topic='out') AS SELECT K, COUNT(*) AS C FROM S GROUP BY K "
                       "HAVING COUNT(*) > 1;");
        pipe_rec("a", "{\"V\":1}", 1);
        pipe_rec("a", "{\"V\":1}", 2);
        outputs(out, sizeof(out), 0);
        cr_assert_str_eq(out, "a={\"C\":2};");
}

Test(exec_aggregate, tumbling_windows_drop_and_count_late_records)
{
        char out[2048];

        run_sql(STREAM "CREATE TABLE T WITH (kafka_topic='out') AS SELECT K, COUNT(*) AS C FROM S "
                       "WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) GROUP BY K;");
        pipe_rec("a", "{\"V\":1}", 3);
        pipe_rec("a", "{\"V\":1}", 12);
        pipe_rec("a", "{\"V\":1}", 14);  /* stream time 14: window [0,10) open until 15 */
        pipe_rec("a", "{\"V\":1}", 9);
        pipe_rec("a", "{\"V\":1}", 20);
        pipe_rec("a", "{\"V\":1}", 8);   /* late: [0,10) closed at 15 */
        outputs(out, sizeof(out), 8);
        cr_assert_str_eq(out, "a@0={\"C\":1};a@10={\"C\":1};a@10={\"C\":2};a@0={\"C\":2};a@20={\"C\":1};");
        cr_assert_eq(sl_proclog_count(sl_exec_driver_log(fx.d, 0), SL_PROCLOG_LATE), 1);
}

Test(exec_aggregate, hopping_windows_update_every_covering_window)
{
        char out[2048];

        run_sql(STREAM "CREATE TABLE T WITH (kafka_topic='out') AS SELECT K, SUM(V) AS S FROM S "
                       "WINDOW HOPPING (SIZE 10 MILLISECONDS, ADVANCE BY 5 MILLISECONDS) GROUP BY K;");
        pipe_rec("a", "{\"V\":1}", 7);
        pipe_rec("a", "{\"V\":2}", 12);
        outputs(out, sizeof(out), 8);
        cr_assert_str_eq(out, "a@0={\"S\":1};a@5={\"S\":1};a@5={\"S\":3};a@10={\"S\":2};");
}

Test(exec_aggregate, sessions_merge_and_retract_the_merged_ones)
{
        char out[2048];

        run_sql(STREAM "CREATE TABLE T WITH (kafka_topic='out') AS SELECT K, COUNT(*) AS C FROM S "
                       "WINDOW SESSION (20 MILLISECONDS) GROUP BY K;");
        pipe_rec("a", "{\"V\":1}", 0);
        pipe_rec("a", "{\"V\":1}", 30);
        pipe_rec("a", "{\"V\":1}", 15);  /* bridges both sessions */
        outputs(out, sizeof(out), 16);
        /* session keys end with end and start; the "@" shows the start (last 8 bytes) */
        cr_assert_str_eq(out, "a@0={\"C\":1};a@30={\"C\":1};a@0=<null>;a@30=<null>;a@0={\"C\":3};");
}

Test(exec_aggregate, emit_final_emits_each_window_once_when_it_closes)
{
        char out[2048];

        run_sql(STREAM "CREATE TABLE T WITH (kafka_topic='out') AS SELECT K, COUNT(*) AS C FROM S "
                       "WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY K EMIT FINAL;");
        pipe_rec("a", "{\"V\":1}", 1);
        pipe_rec("a", "{\"V\":1}", 2);
        pipe_rec("a", "{\"V\":1}", 11);
        pipe_rec("a", "{\"V\":1}", 25);
        outputs(out, sizeof(out), 8);
        cr_assert_str_eq(out, "a@0={\"C\":2};a@10={\"C\":1};");
}

Test(exec_aggregate, restart_restores_counts_from_local_state_and_changelog)
{
        char out[2048];
        sl_err_detail e;

        run_sql(STREAM "CREATE TABLE T WITH (kafka_topic='out') AS SELECT K, COUNT(*) AS C FROM S GROUP BY K;");
        pipe_rec("a", "{\"V\":1}", 1);
        pipe_rec("a", "{\"V\":1}", 2);
        cr_assert_eq(sl_exec_driver_restart(fx.d, false, &e), SL_OK, "%s", e.message);
        pipe_rec("a", "{\"V\":1}", 3);
        cr_assert_eq(sl_exec_driver_restart(fx.d, true, &e), SL_OK, "%s", e.message);
        pipe_rec("a", "{\"V\":1}", 4);
        outputs(out, sizeof(out), 0);
        cr_assert_str_eq(out, "a={\"C\":1};a={\"C\":2};a={\"C\":3};a={\"C\":4};");
}

Test(exec_aggregate, windowed_state_survives_a_lost_local_directory)
{
        char out[2048];
        sl_err_detail e;

        run_sql(STREAM "CREATE TABLE T WITH (kafka_topic='out') AS SELECT K, COUNT(*) AS C FROM S "
                       "WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY K;");
        pipe_rec("a", "{\"V\":1}", 1);
        cr_assert_eq(sl_exec_driver_restart(fx.d, true, &e), SL_OK, "%s", e.message);
        pipe_rec("a", "{\"V\":1}", 2);
        outputs(out, sizeof(out), 8);
        cr_assert_str_eq(out, "a@0={\"C\":1};a@0={\"C\":2};");
}
