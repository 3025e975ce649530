/* test_join.c: the join operators beyond what the QTT cases show: a table-table FULL OUTER join
 * hands each result on with the result row it replaces (old_row) and turns a delete into the other
 * side's row or a tombstone; a stream-stream LEFT join with GRACE matches duplicates of one key and
 * time and forgets them, emits an unmatched row only once stream time has passed its window plus
 * grace, and emits a row that arrives after its window closed at once; a foreign-key join follows
 * a left row that moves to another right key; an aggregation over a table-table join undoes the
 * results a change replaces. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "exec/driver.h"
#include "exec/op.h"
#include "exec/task.h"
#include "case_table.h"
#include "exec_test.h"

static sl_func_registry *reg;
static sl_catalog *cat;
static sl_script *script;
static sl_plan *plan;

static void setup(void)
{
        sl_err_detail e;

        reg = sl_func_registry_new();
        cr_assert_eq(sl_func_registry_add_builtins(reg, &e), SL_OK);
        cat = sl_catalog_mem_new();
        script = NULL;
        plan = NULL;
}

static void teardown(void)
{
        sl_plan_free(plan);
        sl_script_free(script);
        sl_catalog_free(cat);
        sl_func_registry_free(reg);
}

TestSuite(exec_join, .init = setup, .fini = teardown);

/* ---- a capture operator after the join: what it emitted, with old rows ---- */

static char seen[16][160];
static size_t nseen;
static size_t slot_a, slot_b; /* L.A and R.B in the join's output row */

static void render(sl_str *s, const sl_value *row)
{
        if (!row) {
                sl_str_append(s, "none");
                return;
        }
        sl_value_format_json(s, &row[slot_a], 0);
        sl_str_append_char(s, ',');
        sl_value_format_json(s, &row[slot_b], 0);
}

static sl_err capture_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        (void)op;
        (void)err;
        for (size_t i = 0; i < batch->len && nseen < 16; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_str s;

                sl_str_init(&s);
                if (rec->tombstone)
                        sl_str_append(&s, "DELETE");
                else
                        render(&s, rec->row);
                sl_str_append(&s, " old ");
                render(&s, rec->old_row);
                snprintf(seen[nseen++], sizeof(seen[0]), "%s", sl_str_cstr(&s));
                sl_str_deinit(&s);
        }
        return SL_OK;
}

static const sl_op_class capture_class = {.name = "CAPTURE", .size = sizeof(sl_op), .process = capture_process};

static sl_err drop_write(sl_exec_output *out, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                         const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err)
{
        (void)out, (void)topic, (void)partition, (void)key, (void)value, (void)headers, (void)nheaders, (void)ts;
        (void)err;
        return SL_OK;
}

static void feed(sl_task *task, const char *topic, const char *key, const char *value, int64_t ts)
{
        static int64_t offset;
        sl_kafka_msg msg = {.topic = topic, .partition = 0, .offset = offset++, .timestamp = ts,
                            .key = sl_slice_from_cstr(key),
                            .value = value ? sl_slice_from_cstr(value) : SL_SLICE(NULL, 0)};
        sl_err_detail e;

        cr_assert_eq(sl_task_process(task, &msg, 1, &e), SL_OK, "%s", e.message);
}

Test(exec_join, table_table_outer_join_carries_old_rows_and_deletes)
{
        sl_exec_output out = {.write = drop_write};
        sl_proclog log;
        sl_task *task = NULL;
        sl_op capture = {.cls = &capture_class};
        sl_err_detail e;
        static const char *const want[] = {
                "\"x\",null old none",          /* left alone */
                "\"x\",\"y\" old \"x\",null",   /* right joins it */
                "\"x2\",\"y\" old \"x\",\"y\"", /* left update */
                "null,\"y\" old \"x2\",\"y\"",  /* left delete: the right row stays */
                "DELETE old null,\"y\"",        /* right delete: nothing left */
        };

        plan = plan_of("CREATE TABLE L (ID BIGINT PRIMARY KEY, A STRING) WITH (kafka_topic='l', key_format='json', "
                       "value_format='json');"
                       "CREATE TABLE R (ID BIGINT PRIMARY KEY, B STRING) WITH (kafka_topic='r', key_format='json', "
                       "value_format='json');"
                       "CREATE TABLE O AS SELECT ROWKEY AS K, A, B FROM L FULL OUTER JOIN R ON L.ID = R.ID;",
                       cat, reg, &script);
        sl_proclog_init(&log, plan->query_id);
        cr_assert_eq(plan->nsubs, 1);
        cr_assert_eq(sl_task_new(plan, 0, 0, &out, &log, &task, &e), SL_OK, "%s", e.message);
        for (size_t i = 0; i < task->nops; i++) {
                if (task->ops[i]->node->kind != SL_PLAN_JOIN)
                        continue;
                task->ops[i]->next = &capture;
                slot_a = 1;
                slot_b = task->ops[i]->node->u.join.right_lo + 1;
        }
        nseen = 0;
        feed(task, "l", "1", "{\"A\":\"x\"}", 10);
        feed(task, "r", "1", "{\"B\":\"y\"}", 20);
        feed(task, "l", "1", "{\"A\":\"x2\"}", 30);
        feed(task, "l", "1", NULL, 40);
        feed(task, "l", "1", NULL, 45); /* deleting nothing emits nothing */
        feed(task, "r", "1", NULL, 50);
        cr_assert_eq(nseen, sizeof(want) / sizeof(*want), "%zu results", nseen);
        for (size_t i = 0; i < nseen; i++)
                cr_expect_str_eq(seen[i], want[i], "result %zu", i);
        sl_task_free(task);
        sl_proclog_deinit(&log);
}

/* ---- through the topology test driver ---- */

static void pipe(sl_exec_driver *d, const char *topic, const char *key, const char *value, int64_t ts)
{
        sl_err_detail e;

        cr_assert_eq(sl_exec_driver_pipe(d, topic, -1, sl_slice_from_cstr(key),
                                         value ? sl_slice_from_cstr(value) : SL_SLICE(NULL, 0), NULL, 0, ts, &e),
                     SL_OK, "%s", e.message);
}

/* The outputs as "key|value@ts" lines (value "null" for a tombstone). */
static void outputs(sl_exec_driver *d, char *buf, size_t cap)
{
        const sl_exec_record *got;
        size_t n = sl_exec_driver_outputs(d, &got), len = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n && len < cap; i++) {
                if (strncmp(got[i].topic, "_sluice_", 8) == 0)
                        continue;
                len += (size_t)snprintf(buf + len, cap - len, "%.*s|%.*s@%lld\n", (int)got[i].key.len,
                                        (const char *)got[i].key.ptr, got[i].value.ptr ? (int)got[i].value.len : 4,
                                        got[i].value.ptr ? (const char *)got[i].value.ptr : "null",
                                        (long long)got[i].ts);
        }
}

/* One record piped into the driver. */
typedef struct join_rec {
        const char *topic; /* its topic; NULL ends the list */
        const char *key;   /* its key (JSON) */
        const char *value; /* its JSON value; NULL: a tombstone */
        int64_t ts;        /* its timestamp */
} join_rec;

/* A case through the driver: statements, records in, the outputs (see outputs). */
typedef struct join_case {
        const char *name;  /* what it shows */
        const char *sql;   /* the statements */
        join_rec recs[8];  /* the records in */
        const char *want;  /* the outputs */
} join_case;

#define WITH_JSON(topic) " WITH (kafka_topic='" topic "', key_format='json', value_format='json');"

static const join_case cases[] = {
        {"stream-stream left join with grace",
         "CREATE STREAM L (ID BIGINT KEY, A STRING)" WITH_JSON("l")
         "CREATE STREAM R (ID BIGINT KEY, B STRING)" WITH_JSON("r")
         "CREATE STREAM O AS SELECT L.ID, A, B FROM L LEFT JOIN R WITHIN 1 SECOND GRACE PERIOD 2 SECONDS "
         "ON L.ID = R.ID;",
         {{"l", "1", "{\"A\":\"a1\"}", 1000},
          {"l", "1", "{\"A\":\"a2\"}", 1000}, /* a duplicate of key and time */
          {"r", "1", "{\"B\":\"b\"}", 1500},  /* matches both, which stop waiting */
          {"l", "2", "{\"A\":\"c\"}", 2000},  /* waits for 2000 + 1000 + 2000 */
          {"l", "3", "{\"A\":\"d\"}", 5000},  /* not yet past 5000 */
          {"l", "4", "{\"A\":\"e\"}", 5001},  /* stream time 5001: (c, NULL) comes out */
          {"l", "5", "{\"A\":\"f\"}", 1000}}, /* its window closed long ago: out at once */
         "1|{\"A\":\"a1\",\"B\":\"b\"}@1500\n"
         "1|{\"A\":\"a2\",\"B\":\"b\"}@1500\n"
         "2|{\"A\":\"c\",\"B\":null}@2000\n"
         "5|{\"A\":\"f\",\"B\":null}@1000\n"},
        {"foreign-key join follows a moved left row",
         "CREATE TABLE ORDERS (ID BIGINT PRIMARY KEY, ITEM BIGINT)" WITH_JSON("o")
         "CREATE TABLE ITEMS (ID BIGINT PRIMARY KEY, NAME STRING)" WITH_JSON("i")
         "CREATE TABLE OUT AS SELECT O.ID, ITEM, NAME FROM ORDERS O JOIN ITEMS I ON O.ITEM = I.ID;",
         {{"i", "7", "{\"NAME\":\"pen\"}", 1},
          {"i", "8", "{\"NAME\":\"ink\"}", 2},
          {"o", "1", "{\"ITEM\":7}", 3},
          {"o", "1", "{\"ITEM\":8}", 4},          /* moves to item 8 */
          {"i", "7", "{\"NAME\":\"pencil\"}", 5}, /* no longer concerns order 1 */
          {"i", "8", "{\"NAME\":\"ink2\"}", 6},
          {"o", "1", "{\"ITEM\":9}", 7}},         /* no item 9: the result goes */
         "1|{\"ITEM\":7,\"NAME\":\"pen\"}@3\n"
         "1|{\"ITEM\":8,\"NAME\":\"ink\"}@4\n"
         "1|{\"ITEM\":8,\"NAME\":\"ink2\"}@6\n"
         "1|null@7\n"},
        {"aggregation over a table join undoes replaced results",
         "CREATE TABLE L (ID BIGINT PRIMARY KEY, G STRING)" WITH_JSON("l")
         "CREATE TABLE R (ID BIGINT PRIMARY KEY, V INT)" WITH_JSON("r")
         "CREATE TABLE C AS SELECT G, COUNT(*) AS N, SUM(V) AS S FROM L JOIN R ON L.ID = R.ID GROUP BY G;",
         {{"l", "1", "{\"G\":\"a\"}", 1},
          {"r", "1", "{\"V\":5}", 2},   /* joins: a counts 1 */
          {"l", "2", "{\"G\":\"a\"}", 3},
          {"r", "2", "{\"V\":7}", 4},   /* a counts 2 */
          {"l", "1", "{\"G\":\"b\"}", 5}, /* moves from a to b */
          {"r", "2", NULL, 6}},         /* the inner join loses row 2: a counts 0 */
         "\"a\"|{\"N\":1,\"S\":5}@2\n"
         "\"a\"|{\"N\":2,\"S\":12}@4\n"
         "\"a\"|{\"N\":1,\"S\":7}@5\n"
         "\"b\"|{\"N\":1,\"S\":5}@5\n"
         "\"a\"|{\"N\":0,\"S\":0}@6\n"},
};

SL_TEST_CASE_INDICES(exec_join, driver_cases, SL_TEST_COUNT(cases))

ParameterizedTest(size_t *i, exec_join, driver_cases)
{
        const join_case *c = &cases[*i];
        sl_exec_driver *d = sl_exec_driver_new();
        sl_err_detail e;
        char buf[2048];

        plan = plan_of(c->sql, cat, reg, &script);
        cr_assert_eq(sl_exec_driver_add(d, plan, &e), SL_OK, "%s: %s", c->name, e.message);
        for (const join_rec *r = c->recs; r->topic; r++)
                pipe(d, r->topic, r->key, r->value, r->ts);
        outputs(d, buf, sizeof(buf));
        cr_expect_str_eq(buf, c->want, "%s", c->name);
        sl_exec_driver_free(d);
}
