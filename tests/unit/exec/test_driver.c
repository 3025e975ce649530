/* test_driver.c: SQL to records through the whole stateless path -- parse, analyze, plan, run in
 * the topology test driver -- checking the bytes the sinks write: WHERE (NULL and FALSE drop),
 * projections with functions, PARTITION BY re-keying, EXPLODE, table filters as tombstones,
 * malformed records skipped and counted while their neighbours flow, TIMESTAMP columns, and one
 * query feeding another. */
#include <criterion/criterion.h>
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

static void run_sql(const char *sql)
{
        sl_test_driver_run_sql(&fx, sql);
}

static void pipe_raw(const char *topic, sl_slice k, const char *value, int64_t ts)
{
        sl_err_detail e;
        sl_slice v = value ? sl_slice_from_cstr(value) : SL_SLICE(NULL, 0);

        cr_assert_eq(sl_exec_driver_pipe(fx.d, topic, -1, k, v, NULL, 0, ts, &e), SL_OK, "%s", e.message);
}

static void pipe_rec(const char *topic, const char *key, const char *value, int64_t ts)
{
        sl_err_detail e;
        sl_slice k = key ? sl_slice_from_cstr(key) : SL_SLICE(NULL, 0);
        sl_slice v = value ? sl_slice_from_cstr(value) : SL_SLICE(NULL, 0);

        cr_assert_eq(sl_exec_driver_pipe(fx.d, topic, -1, k, v, NULL, 0, ts, &e), SL_OK, "%s", e.message);
}

/* Expected output: topic, key text (NULL: none), value text (NULL: tombstone), timestamp. */
typedef struct expect {
        const char *topic, *key, *value;
        int64_t ts;
} expect;

/* The records written to topics other than state changelogs. */
static size_t outputs(const sl_exec_record **out)
{
        static sl_exec_record kept[256];
        const sl_exec_record *all;
        size_t n = sl_exec_driver_outputs(fx.d, &all), k = 0;

        for (size_t i = 0; i < n && k < 256; i++) {
                size_t len = strlen(all[i].topic);

                if (len < 10 || strcmp(all[i].topic + len - 10, "-changelog") != 0)
                        kept[k++] = all[i];
        }
        *out = kept;
        return k;
}

static void check_outputs(const expect *want, size_t n)
{
        const sl_exec_record *got;
        size_t ngot = outputs(&got);

        for (size_t i = 0; i < ngot && i < n; i++) {
                cr_expect_str_eq(got[i].topic, want[i].topic, "record %zu topic", i);
                if (want[i].key) {
                        cr_assert(got[i].key.ptr, "record %zu has no key", i);
                        cr_expect_eq(got[i].key.len, strlen(want[i].key), "record %zu key length", i);
                        cr_expect(memcmp(got[i].key.ptr, want[i].key, got[i].key.len) == 0, "record %zu key %.*s", i,
                                  (int)got[i].key.len, (const char *)got[i].key.ptr);
                } else {
                        cr_expect_null(got[i].key.ptr, "record %zu key should be absent", i);
                }
                if (want[i].value) {
                        cr_assert(got[i].value.ptr, "record %zu is a tombstone", i);
                        cr_expect(got[i].value.len == strlen(want[i].value) &&
                                          memcmp(got[i].value.ptr, want[i].value, got[i].value.len) == 0,
                                  "record %zu value %.*s, want %s", i, (int)got[i].value.len,
                                  (const char *)got[i].value.ptr, want[i].value);
                } else {
                        cr_expect_null(got[i].value.ptr, "record %zu should be a tombstone", i);
                }
                cr_expect_eq(got[i].ts, want[i].ts, "record %zu timestamp %lld", i, (long long)got[i].ts);
        }
        cr_assert_eq(ngot, n, "records written: %zu, want %zu", ngot, n);
}

TestSuite(exec_driver, .init = setup, .fini = teardown);

Test(exec_driver, filter_and_projection_with_functions)
{
        run_sql("CREATE STREAM S (ID STRING KEY, NAME STRING, V BIGINT) WITH (kafka_topic='in', value_format='JSON');"
                "CREATE STREAM O AS SELECT ID, UCASE(NAME) AS N, V * 2 AS V2 FROM S WHERE V > 10;");
        pipe_rec("in", "a", "{\"NAME\":\"x\",\"V\":5}", 1);
        pipe_rec("in", "b", "{\"name\":\"y\",\"v\":50}", 2);
        pipe_rec("in", "c", "{\"NAME\":\"z\"}", 3); /* V NULL: the predicate is NULL, the row drops */
        pipe_rec("in", "d", "{\"NAME\":null,\"V\":11}", 4);
        check_outputs((expect[]){{"O", "b", "{\"N\":\"Y\",\"V2\":100}", 2}, {"O", "d", "{\"N\":null,\"V2\":22}", 4}},
                      2);
}

Test(exec_driver, malformed_records_are_skipped_and_counted)
{
        char last[512];

        run_sql("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='in', value_format='JSON');"
                "CREATE STREAM O AS SELECT * FROM S;");
        pipe_raw("in", SL_SLICE("\0\0\0\1", 4), "{\"V\":1}", 10);
        pipe_raw("in", SL_SLICE("\0\0\0\2", 4), "{\"V\":", 11);       /* truncated JSON */
        pipe_raw("in", SL_SLICE("\0\0\0\3", 4), "{\"V\":\"abc\"}", 12); /* not an INT */
        pipe_raw("in", SL_SLICE("\0\0\0\4", 4), "{\"V\":4}", 13);
        cr_assert_eq(sl_proclog_count(sl_exec_driver_log(fx.d, 0), SL_PROCLOG_DESERIALIZE), 2);
        sl_proclog_last(sl_exec_driver_log(fx.d, 0), last, sizeof(last));
        cr_expect(strstr(last, "in [0] at offset 2"), "last message: %s", last);
        {
                const sl_exec_record *got;

                cr_assert_eq(sl_exec_driver_outputs(fx.d, &got), 2);
                cr_expect_eq(got[0].ts, 10);
                cr_expect_eq(got[1].ts, 13);
                cr_expect(got[1].value.len == 7 && memcmp(got[1].value.ptr, "{\"V\":4}", 7) == 0);
                cr_expect(got[1].key.len == 4 && memcmp(got[1].key.ptr, "\0\0\0\4", 4) == 0);
        }
}

Test(exec_driver, partition_by_rekeys)
{
        run_sql("CREATE STREAM S (K STRING KEY, ID BIGINT, NAME STRING) WITH (kafka_topic='in', value_format='DELIMITED');"
                "CREATE STREAM R AS SELECT NAME, ID FROM S PARTITION BY NAME;");
        pipe_rec("in", "0", "0,zero", 5);
        pipe_rec("in", "1", NULL, 6);
        check_outputs((expect[]){{"R", "zero", "0", 5}, {"R", NULL, NULL, 6}}, 2);
}

Test(exec_driver, explode_emits_one_row_per_element)
{
        run_sql("CREATE STREAM S (K STRING KEY, A ARRAY<INT>) WITH (kafka_topic='in', value_format='JSON');"
                "CREATE STREAM O AS SELECT K, EXPLODE(A) + 1 AS X FROM S;");
        pipe_rec("in", "k", "{\"A\":[1,2,3]}", 1);
        pipe_rec("in", "e", "{\"A\":[]}", 2);
        pipe_rec("in", "n", "{\"A\":null}", 3);
        check_outputs((expect[]){{"O", "k", "{\"X\":2}", 1}, {"O", "k", "{\"X\":3}", 1}, {"O", "k", "{\"X\":4}", 1}}, 3);
}

Test(exec_driver, table_filter_emits_tombstones)
{
        run_sql("CREATE TABLE T (ID STRING PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='JSON');"
                "CREATE TABLE O AS SELECT * FROM T WHERE V > 1;");
        pipe_rec("t", "a", "{\"V\":2}", 1);
        pipe_rec("t", "a", "{\"V\":0}", 2);
        pipe_rec("t", "b", NULL, 3);
        check_outputs((expect[]){{"O", "a", "{\"V\":2}", 1}, {"O", "a", NULL, 2}, {"O", "b", NULL, 3}}, 3);
}

Test(exec_driver, timestamp_column_sets_event_time)
{
        run_sql("CREATE STREAM S (ID STRING KEY, TS BIGINT, V INT) WITH (kafka_topic='in', value_format='JSON', "
                "timestamp='TS');"
                "CREATE STREAM O AS SELECT ID, V, ROWTIME AS RT FROM S;");
        pipe_rec("in", "a", "{\"TS\":1000,\"V\":1}", 1);
        pipe_rec("in", "b", "{\"V\":2}", 2); /* no timestamp: skipped */
        check_outputs((expect[]){{"O", "a", "{\"V\":1,\"RT\":1000}", 1000}}, 1);
        cr_expect_eq(sl_proclog_count(sl_exec_driver_log(fx.d, 0), SL_PROCLOG_TIMESTAMP), 1);
}

Test(exec_driver, one_query_feeds_another)
{
        run_sql("CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='in', value_format='JSON');"
                "CREATE STREAM A AS SELECT ID, V + 1 AS V FROM S;"
                "CREATE STREAM B AS SELECT ID, V * 10 AS W FROM A WHERE V > 2;");
        pipe_rec("in", "x", "{\"V\":1}", 1);
        pipe_rec("in", "y", "{\"V\":2}", 2);
        check_outputs((expect[]){{"A", "x", "{\"V\":2}", 1}, {"A", "y", "{\"V\":3}", 2}, {"B", "y", "{\"W\":30}", 2}},
                      3);
}

/* Parses and analyzes one statement over the catalog built so far (the script is kept in the fixture). */
static sl_analysis *analyze_one(const char *sql)
{
        sl_script *script = NULL;
        sl_analyze_ctx ctx = {.cat = fx.cat, .reg = fx.reg};
        sl_analysis *a = NULL;
        sl_err_detail e;

        cr_assert_eq(sl_parse_script(sql, NULL, &script), SL_OK);
        fx.scripts[fx.nscripts++] = script;
        cr_assert_eq(sl_analyze(&ctx, script->stmts[0], &a, &e), SL_OK, "%s", e.message);
        return a;
}

Test(exec_driver, repartition_through_an_internal_topic)
{
        sl_plan_ctx pctx = {.reg = fx.reg};
        sl_analysis *a;
        sl_plan *plan = NULL;
        sl_err_detail e;

        run_sql("CREATE STREAM S (K STRING KEY, ID BIGINT, NAME STRING) WITH (kafka_topic='in', value_format='JSON');");
        a = analyze_one("CREATE STREAM R AS SELECT NAME, ID FROM S PARTITION BY NAME;");
        cr_assert_eq(sl_plan_logical(&pctx, a, &plan, &e), SL_OK);
        plan->nodes[2]->u.repartition.through = true;
        cr_assert_eq(sl_plan_physical(plan, &e), SL_OK, "%s", e.message);
        plan->analysis = a;
        fx.plans[fx.nplans++] = plan;
        cr_assert_eq(sl_exec_driver_add(fx.d, plan, &e), SL_OK);
        pipe_rec("in", "k1", "{\"ID\":7,\"NAME\":\"seven\"}", 70);
        /* the internal topic keeps the source's KAFKA key format (one key column) */
        check_outputs((expect[]){{"_sluice_CSAS_R_0-2-repartition", "seven", "{\"ID\":7}", 70},
                                 {"R", "seven", "{\"ID\":7}", 70}},
                      2);
}

Test(exec_driver, cube_explode_skips_repeated_null_combinations)
{
        run_sql("CREATE STREAM S (K STRING KEY, A INT, B INT) WITH (kafka_topic='in', value_format='JSON');"
                "CREATE STREAM O AS SELECT K, CUBE_EXPLODE(ARRAY[A, B]) AS C FROM S;");
        pipe_rec("in", "k", "{\"A\":1,\"B\":null}", 1);
        check_outputs((expect[]){{"O", "k", "{\"C\":[null,null]}", 1}, {"O", "k", "{\"C\":[1,null]}", 1}}, 2);
}

/* Plans a transient SELECT over the catalog built so far and starts it. */
static void run_transient(const char *sql)
{
        sl_plan_ctx pctx = {.reg = fx.reg};
        sl_analysis *a = analyze_one(sql);
        sl_plan *plan = NULL;
        sl_err_detail e;

        cr_assert_eq(sl_plan_build(&pctx, a, &plan, &e), SL_OK, "%s", e.message);
        cr_assert(sl_str_starts_with(plan->query_id, "transient_S_"), "%s", plan->query_id);
        fx.plans[fx.nplans++] = plan;
        cr_assert_eq(sl_exec_driver_add(fx.d, plan, &e), SL_OK);
}

Test(exec_driver, transient_push_query_emits_rows_up_to_its_limit)
{
        char *const *rows;

        run_sql("CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='in', value_format='JSON');");
        run_transient("SELECT ID, V * 2 AS W FROM S WHERE V > 0 EMIT CHANGES LIMIT 2;");
        pipe_rec("in", "a", "{\"V\":1}", 1);
        pipe_rec("in", "b", "{\"V\":0}", 2);
        pipe_rec("in", "c", "{\"V\":3}", 3);
        pipe_rec("in", "d", "{\"V\":4}", 4);
        cr_assert_eq(sl_exec_driver_rows(fx.d, &rows), 2);
        cr_expect_str_eq(rows[0], "[\"a\",2]");
        cr_expect_str_eq(rows[1], "[\"c\",6]");
        check_outputs(NULL, 0); /* nothing goes to a topic */
}

Test(exec_driver, windowed_keys_keep_their_window)
{
        const sl_exec_record *got;
        uint8_t key[12];

        run_sql("CREATE STREAM S (K INT KEY, V INT) WITH (kafka_topic='in', value_format='JSON', "
                "WINDOW_TYPE='TUMBLING', WINDOW_SIZE='10 SECONDS');"
                "CREATE STREAM O AS SELECT K, V, WINDOWSTART AS WS, WINDOWEND AS WE FROM S;");
        memcpy(key, "\0\0\0\5", 4);
        memcpy(key + 4, "\0\0\0\0\0\0\x27\x10", 8); /* window start 10000 */
        pipe_raw("in", SL_SLICE(key, 12), "{\"V\":1}", 10001);
        pipe_raw("in", SL_SLICE(key, 6), "{\"V\":2}", 10002); /* too short for its window: skipped */
        cr_assert_eq(sl_exec_driver_outputs(fx.d, &got), 1);
        cr_expect_eq(got[0].key.len, 12);
        cr_expect(memcmp(got[0].key.ptr, key, 12) == 0, "the sink writes the window after the key");
        cr_expect(got[0].value.len == strlen("{\"V\":1,\"WS\":10000,\"WE\":20000}") &&
                          memcmp(got[0].value.ptr, "{\"V\":1,\"WS\":10000,\"WE\":20000}", got[0].value.len) == 0,
                  "%.*s", (int)got[0].value.len, (const char *)got[0].value.ptr);
        cr_expect_eq(sl_proclog_count(sl_exec_driver_log(fx.d, 0), SL_PROCLOG_DESERIALIZE), 1);
}
