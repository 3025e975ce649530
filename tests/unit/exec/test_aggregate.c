/* test_aggregate.c: aggregations through the topology test driver -- GROUP BY with a repartition,
 * table aggregation with undo, HAVING, TUMBLING / HOPPING / SESSION windows (windowed keys, late
 * records dropped and counted), EMIT FINAL, and restarts that restore the stores from the local
 * state plus changelog, or from the changelog alone. Outputs are the sink topic's records as text
 * (windowed keys: "key@start" from the 8-byte start after the key bytes). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "case_table.h"
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


/* One record piped into topic "in", after an optional restart of the driver. */
typedef struct agg_rec {
        const char *key;   /* its key; NULL ends the list */
        const char *value; /* its JSON value; NULL: a tombstone */
        int64_t ts;        /* its timestamp */
        int restart;       /* before piping it: 0 nothing, 1 restart, 2 restart losing the local state */
} agg_rec;

/* A case: statements, records in, the records of "out" as text (see outputs). */
typedef struct agg_case {
        const char *name;      /* what it shows */
        const char *sql;       /* the statements, after STREAM unless they create S themselves */
        agg_rec recs[8];       /* the records in */
        size_t window_bytes;   /* trailing bytes of windowed keys (8, sessions 16), 0: not windowed */
        const char *want;      /* the outputs */
        long late;             /* records dropped as late, -1: not checked */
} agg_case;

#define STREAM "CREATE STREAM S (K STRING KEY, G STRING, V INT) WITH (kafka_topic='in', value_format='JSON');"
#define CTAS "CREATE TABLE T WITH (kafka_topic='out') AS "
#define ONE "{\"V\":1}"

static const agg_case cases[] = {
        {"group by a value column counts and sums per group",
         STREAM CTAS "SELECT G, COUNT(*) AS C, SUM(V) AS S FROM S GROUP BY G;",
         {{"a", "{\"G\":\"x\",\"V\":1}", 10, 0}, {"b", "{\"G\":\"y\",\"V\":2}", 11, 0},
          {"c", "{\"G\":\"x\",\"V\":3}", 12, 0}, {"d", "{\"G\":null,\"V\":3}", 13, 0} /* no group: dropped */},
         0, "x={\"C\":1,\"S\":1};y={\"C\":1,\"S\":2};x={\"C\":2,\"S\":4};", -1},
        {"table aggregation undoes the old row",
         "CREATE TABLE S (K STRING PRIMARY KEY, G STRING, V INT) WITH (kafka_topic='in', value_format='JSON');"
         CTAS "SELECT G, SUM(V) AS S FROM S GROUP BY G;",
         {{"a", "{\"G\":\"x\",\"V\":1}", 10, 0}, {"b", "{\"G\":\"x\",\"V\":2}", 11, 0},
          {"a", "{\"G\":\"y\",\"V\":5}", 12, 0} /* moves from x to y */,
          {"b", "{\"G\":\"x\",\"V\":4}", 13, 0} /* same group: one change */, {"b", NULL, 14, 0} /* delete */},
         0, "x={\"S\":1};x={\"S\":3};x={\"S\":2};y={\"S\":5};x={\"S\":4};x={\"S\":0};", -1},
        {"having turns failing groups into tombstones",
         STREAM CTAS "SELECT K, COUNT(*) AS C FROM S GROUP BY K HAVING COUNT(*) > 1;",
         {{"a", ONE, 1, 0}, {"a", ONE, 2, 0}}, 0, "a={\"C\":2};", -1},
        {"tumbling windows drop and count late records",
         STREAM CTAS "SELECT K, COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) "
                     "GROUP BY K;",
         {{"a", ONE, 3, 0}, {"a", ONE, 12, 0}, {"a", ONE, 14, 0} /* stream time 14: window [0,10) open until 15 */,
          {"a", ONE, 9, 0}, {"a", ONE, 20, 0}, {"a", ONE, 8, 0} /* late: [0,10) closed at 15 */},
         8, "a@0={\"C\":1};a@10={\"C\":1};a@10={\"C\":2};a@0={\"C\":2};a@20={\"C\":1};", 1},
        {"hopping windows update every covering window",
         STREAM CTAS "SELECT K, SUM(V) AS S FROM S WINDOW HOPPING (SIZE 10 MILLISECONDS, ADVANCE BY 5 MILLISECONDS) "
                     "GROUP BY K;",
         {{"a", ONE, 7, 0}, {"a", "{\"V\":2}", 12, 0}}, 8, "a@0={\"S\":1};a@5={\"S\":1};a@5={\"S\":3};a@10={\"S\":2};", -1},
        /* session keys end with end and start; the "@" shows the start (last 8 bytes) */
        {"sessions merge and retract the merged ones",
         STREAM CTAS "SELECT K, COUNT(*) AS C FROM S WINDOW SESSION (20 MILLISECONDS) GROUP BY K;",
         {{"a", ONE, 0, 0}, {"a", ONE, 30, 0}, {"a", ONE, 15, 0} /* bridges both sessions */},
         16, "a@0={\"C\":1};a@30={\"C\":1};a@0=<null>;a@30=<null>;a@0={\"C\":3};", -1},
        {"emit final emits each window once when it closes",
         STREAM CTAS "SELECT K, COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) "
                     "GROUP BY K EMIT FINAL;",
         {{"a", ONE, 1, 0}, {"a", ONE, 2, 0}, {"a", ONE, 11, 0}, {"a", ONE, 25, 0}}, 8, "a@0={\"C\":2};a@10={\"C\":1};", -1},
        {"restart restores counts from local state and changelog",
         STREAM CTAS "SELECT K, COUNT(*) AS C FROM S GROUP BY K;",
         {{"a", ONE, 1, 0}, {"a", ONE, 2, 0}, {"a", ONE, 3, 1}, {"a", ONE, 4, 2}},
         0, "a={\"C\":1};a={\"C\":2};a={\"C\":3};a={\"C\":4};", -1},
        {"windowed state survives a lost local directory",
         STREAM CTAS "SELECT K, COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY K;",
         {{"a", ONE, 1, 0}, {"a", ONE, 2, 2}}, 8, "a@0={\"C\":1};a@0={\"C\":2};", -1},
};

SL_TEST_CASE_INDICES(exec_aggregate, cases, SL_TEST_COUNT(cases))

ParameterizedTest(size_t *i, exec_aggregate, cases)
{
        const agg_case *c = &cases[*i];
        char out[2048];
        sl_err_detail e;

        sl_test_driver_run_sql(&fx, c->sql);
        for (const agg_rec *r = c->recs; r->key; r++) {
                sl_slice v = r->value ? sl_slice_from_cstr(r->value) : SL_SLICE(NULL, 0);

                if (r->restart)
                        cr_assert_eq(sl_exec_driver_restart(fx.d, r->restart == 2, &e), SL_OK, "%s: %s", c->name,
                                     e.message);
                cr_assert_eq(sl_exec_driver_pipe(fx.d, "in", -1, sl_slice_from_cstr(r->key), v, NULL, 0, r->ts, &e),
                             SL_OK, "%s: %s", c->name, e.message);
        }
        outputs(out, sizeof(out), c->window_bytes);
        cr_assert_str_eq(out, c->want, "%s", c->name);
        if (c->late >= 0)
                cr_assert_eq(sl_proclog_count(sl_exec_driver_log(fx.d, 0), SL_PROCLOG_LATE), (uint64_t)c->late, "%s",
                             c->name);
}
