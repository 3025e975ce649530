/* test_task_state.c: the task-state API (task.h, task_state.c) against an in-memory output: stores
 * write their flushed updates to `_sluice_<queryid>-<store>-changelog` on the task's partition, a
 * checkpoint records the changelog end at commit, and a new task restores from its local store plus
 * the changelog tail, or from the changelog alone when the local directory is gone. With a write
 * cache, aggregations emit each group (and window) once per batch with its last state. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "exec/task.h"
#include "exec_test.h"
#include "state/checkpoint.h"

/* A captured record. */
typedef struct mem_rec {
        char topic[128];
        int32_t partition;
        char key[64];    /* bytes (window keys hold zeros) */
        size_t klen;
        char value[64];  /* "" with tombstone */
        bool tombstone;
} mem_rec;

/* An output keeping every record in memory, readable back. */
typedef struct mem_out {
        sl_exec_output out;  /* must be first */
        mem_rec recs[256];
        size_t n;
        int reads;           /* read calls */
        int64_t last_from;   /* offset the last read started at */
} mem_out;

static sl_err mem_write(sl_exec_output *out, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                        const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err)
{
        mem_out *m = (mem_out *)out;
        mem_rec *r = &m->recs[m->n++];

        (void)headers, (void)nheaders, (void)ts, (void)err;
        cr_assert_lt(m->n, 256);
        snprintf(r->topic, sizeof(r->topic), "%s", topic);
        r->partition = partition;
        cr_assert_lt(key.len, sizeof(r->key));
        memcpy(r->key, key.ptr, key.len);
        r->klen = key.len;
        r->tombstone = value.ptr == NULL;
        if (value.ptr)
                snprintf(r->value, sizeof(r->value), "%.*s", (int)value.len, (const char *)value.ptr);
        return SL_OK;
}

/* Offsets of one topic partition are the positions among its records. */
static sl_err mem_read(sl_exec_output *out, const char *topic, int32_t partition, int64_t from, sl_exec_read_fn fn,
                       void *opaque, int64_t *end, sl_err_detail *err)
{
        mem_out *m = (mem_out *)out;
        int64_t off = 0;
        sl_err rc;

        m->reads++;
        m->last_from = from;
        for (size_t i = 0; i < m->n; i++) {
                mem_rec *r = &m->recs[i];
                sl_kafka_msg msg = {.topic = r->topic, .partition = r->partition, .offset = off};

                if (strcmp(r->topic, topic) != 0 || r->partition != partition)
                        continue;
                msg.key = SL_SLICE((const uint8_t *)r->key, r->klen);
                if (!r->tombstone)
                        msg.value = SL_SLICE((const uint8_t *)r->value, strlen(r->value));
                if (off++ >= from && (rc = fn(opaque, &msg, err)) != SL_OK)
                        return rc;
        }
        *end = off;
        return SL_OK;
}

static sl_err mem_end(sl_exec_output *out, const char *topic, int32_t partition, int64_t *end, sl_err_detail *err)
{
        mem_out *m = (mem_out *)out;

        (void)err;
        *end = 0;
        for (size_t i = 0; i < m->n; i++)
                *end += strcmp(m->recs[i].topic, topic) == 0 && m->recs[i].partition == partition;
        return SL_OK;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
        (void)sb, (void)flag, (void)ftw;
        return remove(path);
}

typedef struct fixture {
        sl_func_registry *reg;
        sl_catalog *cat;
        sl_script *script;
        sl_plan *plan;
        sl_proclog log;
        mem_out out;
        char dir[64];
} fixture;

static fixture fx;

static void setup(void)
{
        sl_err_detail e;

        memset(&fx, 0, sizeof(fx));
        fx.reg = sl_func_registry_new();
        cr_assert_eq(sl_func_registry_add_builtins(fx.reg, &e), SL_OK);
        fx.cat = sl_catalog_mem_new();
        fx.plan = plan_of("CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON');"
                          "CREATE STREAM O AS SELECT * FROM S;",
                          fx.cat, fx.reg, &fx.script);
        sl_proclog_init(&fx.log, fx.plan->query_id);
        snprintf(fx.dir, sizeof(fx.dir), "/tmp/sluice-test-XXXXXX");
        cr_assert_not_null(mkdtemp(fx.dir));
        fx.out.out.write = mem_write;
        fx.out.out.read = mem_read;
        fx.out.out.end_offset = mem_end;
        fx.out.out.state_dir = fx.dir;
}

static void teardown(void)
{
        nftw(fx.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        sl_proclog_deinit(&fx.log);
        sl_plan_free(fx.plan);
        sl_script_free(fx.script);
        sl_catalog_free(fx.cat);
        sl_func_registry_free(fx.reg);
}

TestSuite(exec_task_state, .init = setup, .fini = teardown);

static sl_task *task_new(int32_t partition)
{
        sl_task *task = NULL;
        sl_err_detail e;

        cr_assert_eq(sl_task_new(fx.plan, 0, partition, &fx.out.out, &fx.log, &task, &e), SL_OK, "%s", e.message);
        return task;
}

static void put(sl_state_kv *kv, const char *k, const char *v)
{
        cr_assert_eq(sl_state_kv_put(kv, SL_SLICE((const uint8_t *)k, strlen(k)), SL_SLICE((const uint8_t *)v, strlen(v)),
                                     1, NULL),
                     SL_OK);
}

/* The value of `k` in `kv` as a string ("" when absent). */
static const char *get(sl_state_kv *kv, const char *k)
{
        static char buf[64];
        sl_slice v;
        bool found;

        cr_assert_eq(sl_state_kv_get(kv, SL_SLICE((const uint8_t *)k, strlen(k)), &v, &found, NULL), SL_OK);
        snprintf(buf, sizeof(buf), "%.*s", found ? (int)v.len : 0, found ? (const char *)v.ptr : "");
        return buf;
}

/* The task's key-value store "store". */
static sl_state_kv *store_of(sl_task *task)
{
        sl_state_kv *kv;

        cr_assert_eq(sl_task_kv_store(task, "store", &kv, NULL), SL_OK);
        return kv;
}

/* Flushes the task's stores and writes its checkpoint, as a commit does. */
static void commit(sl_task *task)
{
        cr_assert_eq(sl_task_flush(task, NULL), SL_OK);
        cr_assert_eq(sl_task_checkpoint(task, NULL), SL_OK);
}

/* Removes the query's local state directory, as on a new machine. */
static void lose_local_state(void)
{
        char qdir[256];

        snprintf(qdir, sizeof(qdir), "%s/%s", fx.dir, fx.plan->query_id);
        cr_assert_eq(nftw(qdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* Frees `task` and makes it again for `partition`, as a restart does (`lose_state`: on a machine
 * without the local state directory). */
static sl_task *task_restart(sl_task *task, int32_t partition, bool lose_state)
{
        sl_task_free(task);
        if (lose_state)
                lose_local_state();
        return task_new(partition);
}

/* The restored store of `task` (freed here) restored from changelog offset `from` and holds k1 = v1
 * and k2 = v2 ("": absent). */
static void expect_restored(sl_task *task, int64_t from, const char *k1, const char *v1, const char *k2,
                            const char *v2)
{
        sl_state_kv *kv = store_of(task);

        cr_assert_eq(fx.out.last_from, from);
        cr_assert_str_eq(get(kv, k1), v1);
        cr_assert_str_eq(get(kv, k2), v2);
        sl_task_free(task);
}

Test(exec_task_state, flushed_writes_go_to_the_changelog_of_the_task_partition)
{
        sl_task *task = task_new(3);
        sl_state_kv *kv, *again;
        char topic[256];

        cr_assert_eq(sl_task_kv_store(task, "Aggregate-Aggregate-Materialize", &kv, NULL), SL_OK);
        cr_assert_eq(sl_task_kv_store(task, "Aggregate-Aggregate-Materialize", &again, NULL), SL_OK);
        cr_assert_eq(kv, again);
        put(kv, "a", "1");
        put(kv, "a", "2");
        cr_assert_eq(sl_state_kv_delete(kv, SL_SLICE((const uint8_t *)"b", 1), 1, NULL), SL_OK);
        snprintf(topic, sizeof(topic), "_sluice_%s-Aggregate-Aggregate-Materialize-changelog", fx.plan->query_id);
        /* no write cache in this output: every update is reported at once */
        cr_assert_eq(fx.out.n, 3);
        cr_assert_str_eq(fx.out.recs[0].topic, topic);
        cr_assert_eq(fx.out.recs[0].partition, 3);
        cr_assert_str_eq(fx.out.recs[1].value, "2");
        cr_assert(fx.out.recs[2].tombstone);
        sl_task_free(task);
}

Test(exec_task_state, restart_restores_the_tail_past_the_checkpoint)
{
        sl_task *task = task_new(0);
        sl_state_kv *kv;
        sl_state_checkpoint cp = {0};
        char tdir[256];

        kv = store_of(task);
        put(kv, "a", "1");
        put(kv, "b", "1");
        commit(task);
        snprintf(tdir, sizeof(tdir), "%s/%s/%s", fx.dir, fx.plan->query_id, task->id);
        cr_assert_eq(sl_state_checkpoint_read(tdir, &cp, NULL), SL_OK);
        cr_assert_eq(sl_state_checkpoint_offset(&cp, "store"), 2);
        sl_state_checkpoint_deinit(&cp);
        /* an update after the commit reaches the changelog only (the task dies before the next one) */
        put(kv, "a", "7");
        /* the local RocksDB may have it too; a restored store must in any case hold it */
        expect_restored(task_restart(task, 0, false), 2, "a", "7", "b", "1"); /* restore starts at the checkpoint */
}

Test(exec_task_state, lost_local_state_is_rebuilt_from_the_changelog)
{
        sl_task *task = task_new(1);
        sl_state_kv *kv = store_of(task);

        put(kv, "x", "1");
        put(kv, "y", "2");
        cr_assert_eq(sl_state_kv_delete(kv, SL_SLICE((const uint8_t *)"y", 1), 1, NULL), SL_OK);
        put(kv, "x", "3");
        commit(task);
        expect_restored(task_restart(task, 1, true), 0, "x", "3", "y", ""); /* no checkpoint: the whole changelog */
}

Test(exec_task_state, window_store_restores_from_its_changelog)
{
        sl_task *task = task_new(0);
        sl_state_window_opts wo = {.retention_ms = 100000, .window_size_ms = 1000};
        sl_state_window *ws;
        sl_err_detail e;
        sl_slice v;
        bool found = false;

        cr_assert_eq(sl_task_window_store(task, "win", &wo, &ws, &e), SL_OK, "%s", e.message);
        cr_assert_eq(sl_state_window_put(ws, SL_SLICE((const uint8_t *)"k", 1), 5000,
                                         &SL_SLICE((const uint8_t *)"v5", 2), 5000, NULL, NULL),
                     SL_OK);
        cr_assert_eq(sl_task_flush(task, NULL), SL_OK);
        task = task_restart(task, 0, true);
        cr_assert_eq(sl_task_window_store(task, "win", &wo, &ws, &e), SL_OK, "%s", e.message);
        cr_assert_eq(sl_state_window_get(ws, SL_SLICE((const uint8_t *)"k", 1), 5000, &v, &found, NULL), SL_OK);
        cr_assert(found);
        cr_assert_eq(v.len, 2);
        sl_task_free(task);
}

Test(exec_task_state, without_a_state_dir_stores_are_private_and_unlogged)
{
        sl_task *task;
        sl_state_kv *kv;

        fx.out.out.state_dir = NULL;
        task = task_new(0);
        kv = store_of(task);
        put(kv, "a", "1");
        cr_assert_eq(sl_task_flush(task, NULL), SL_OK);
        cr_assert_eq(fx.out.n, 0);
        cr_assert_str_eq(get(kv, "a"), "1");
        sl_task_free(task);
}

/* Plans `sql` (over the fixture's stream S) in place of the fixture's query. */
static void replan(const char *sql)
{
        sl_proclog_deinit(&fx.log);
        sl_plan_free(fx.plan);
        sl_script_free(fx.script);
        fx.plan = plan_of(sql, fx.cat, fx.reg, &fx.script);
        sl_proclog_init(&fx.log, fx.plan->query_id); /* it names the query */
}

/* Feeds one batch of records of S (key ids[i], value {"V":vals[i]}, timestamp ts[i]). */
static void feed(sl_task *task, const int32_t *ids, const int32_t *vals, const int64_t *ts, size_t n)
{
        sl_kafka_msg msgs[16];
        uint8_t keys[16][4];
        char values[16][32];
        sl_err_detail e;

        cr_assert_leq(n, 16);
        for (size_t i = 0; i < n; i++) {
                sl_store_be32(keys[i], (uint32_t)ids[i]);
                snprintf(values[i], sizeof(values[i]), "{\"V\":%d}", vals[i]);
                msgs[i] = (sl_kafka_msg){.topic = "s", .partition = 0, .offset = (int64_t)i, .timestamp = ts[i],
                                         .key = SL_SLICE(keys[i], 4),
                                         .value = SL_SLICE((const uint8_t *)values[i], strlen(values[i]))};
        }
        cr_assert_eq(sl_task_process(task, msgs, n, &e), SL_OK, "%s", e.message);
}

/* The records written to topic "T" as "id@start=value;" ("id=value;" unwindowed), then forgets them. */
static const char *sink_records(bool windowed)
{
        static char buf[1024];
        size_t len = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < fx.out.n; i++) {
                const mem_rec *r = &fx.out.recs[i];

                if (strcmp(r->topic, "T") != 0)
                        continue;
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%d", (int)sl_load_be32((const uint8_t *)r->key));
                if (windowed)
                        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "@%lld",
                                                (long long)sl_load_be64((const uint8_t *)r->key + 4));
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, "=%s;", r->value);
        }
        fx.out.n = 0;
        return buf;
}

Test(exec_task_state, with_a_write_cache_a_batch_emits_each_group_once)
{
        static const int32_t ids[] = {1, 2, 1, 1, 3}, vals[] = {5, 6, 7, 8, 9};
        static const int64_t ts[] = {10, 11, 12, 13, 14};
        sl_task *task;

        fx.out.out.state_cache_bytes = 1 << 20;
        replan("CREATE TABLE T AS SELECT ID, COUNT(*) AS C, SUM(V) AS S, COUNT_DISTINCT(V) AS D FROM S GROUP BY ID;");
        task = task_new(0);
        /* in the order of each group's last update, with its last state */
        feed(task, ids, vals, ts, 5);
        cr_assert_str_eq(sink_records(false), "2={\"C\":1,\"S\":6,\"D\":1};1={\"C\":3,\"S\":20,\"D\":3};"
                                              "3={\"C\":1,\"S\":9,\"D\":1};");
        /* the next batch starts from the stored states (COUNT_DISTINCT's kept as raw bytes) */
        feed(task, ids + 2, vals, ts + 2, 2);
        cr_assert_str_eq(sink_records(false), "1={\"C\":5,\"S\":31,\"D\":4};");
        sl_task_free(task);
}

Test(exec_task_state, with_a_write_cache_a_batch_emits_each_window_once)
{
        static const int32_t ids[] = {1, 1, 2, 1, 1}, vals[] = {1, 2, 3, 4, 5};
        static const int64_t ts[] = {7, 12, 11, 8, 1};
        sl_task *task;

        fx.out.out.state_cache_bytes = 1 << 20;
        replan("CREATE TABLE T AS SELECT ID, SUM(V) AS S FROM S "
               "WINDOW HOPPING (SIZE 10 MILLISECONDS, ADVANCE BY 5 MILLISECONDS, GRACE PERIOD 2 MILLISECONDS) "
               "GROUP BY ID;");
        task = task_new(0);
        /* t=8 and t=1 are late for [0,10) (closed at stream time 12 - 2), counted, not emitted */
        feed(task, ids, vals, ts, 5);
        cr_assert_str_eq(sink_records(true), "1@0={\"S\":1};1@10={\"S\":2};2@5={\"S\":3};2@10={\"S\":3};"
                                             "1@5={\"S\":7};");
        cr_assert_eq(sl_proclog_count(&fx.log, SL_PROCLOG_LATE), 2);
        feed(task, ids + 1, vals + 3, ts + 1, 1);
        cr_assert_str_eq(sink_records(true), "1@5={\"S\":11};1@10={\"S\":6};");
        sl_task_free(task);
}
