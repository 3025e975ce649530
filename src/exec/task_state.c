/* task_state.c: the state of a task (task.h): one RocksDB per task under
 * <state dir>/<queryid>/<taskid>/ (src/state), a column family per store, each store's changelog
 * topic `_sluice_<queryid>-<store>-changelog` (partition = the task's partition), restore and
 * checkpoints.
 *
 * Life of a store, for the COUNT of `CREATE TABLE T AS SELECT K, COUNT(*) FROM S GROUP BY K`,
 * task 1_0:
 *   1. The aggregate operator opens "Aggregate-Aggregate-Materialize" when the task is built. The
 *      task opens its db on first use (creating the directory), opens the store's column family,
 *      reads the checkpoint file and reads the changelog's partition 0 from the checkpointed offset
 *      (0 when there is no checkpoint: a new task, or a lost local directory) up to its current
 *      end through the output's `read`, applying every record without reporting it. Records the
 *      local store already holds are applied again: they hold absolute values, so the store
 *      converges to the changelog's last value per key.
 *   2. Each update goes to the store's write cache; at a flush (every update with no cache, at
 *      commit or when the cache is full otherwise) it is written to RocksDB and reported to the
 *      changelog sink here, which writes it through the task's output.
 *   3. At commit the stream thread flushes the task (operators, then stores), flushes the producer
 *      (every changelog record stored), then calls sl_task_checkpoint: the db syncs its WAL and
 *      the checkpoint records each changelog's end offset. Only then are source offsets committed.
 * A crash after step 2 but before 3 replays input records whose updates the changelog already
 * has: at-least-once, the bounded double counting the README states.
 *
 * Without a state dir (transient queries) a task keeps its stores in a private temp dir removed
 * with the task and writes no changelogs. */
#include "exec/task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/mem.h"
#include "state/checkpoint.h"
#include "state/state_db.h"

/* One store of the task. */
typedef struct task_store {
        char *name;                  /* store name (owned) */
        sl_plan_store_kind kind;
        sl_state_kv *kv;             /* KV: the store (the db's) */
        sl_state_window *ws;         /* WINDOW: the store (the db's) */
        sl_state_session *ss;        /* SESSION: the store (the db's) */
        char *changelog;             /* changelog topic (owned), NULL: none */
        sl_task *task;               /* back pointer for the changelog sink */
} task_store;

struct sl_task_state {
        sl_state_db *db;             /* the task's RocksDB */
        char *dir;                   /* task directory (owned) */
        bool tmp;                    /* a private temp dir: removed at free */
        bool changelogs;             /* stores write changelogs and restore from them */
        sl_state_checkpoint cp;      /* checkpoint read at open */
        task_store **stores;         /* stores opened */
        size_t nstores;
};

/* The task's state, its db opened on first call. */
static sl_err state_get(sl_task *task, sl_task_state **out, sl_err_detail *err)
{
        sl_task_state *st = task->state;
        sl_state_db_opts opts;
        sl_err_detail e;
        sl_err rc;

        if (st) {
                *out = st;
                return SL_OK;
        }
        st = sl_calloc(1, sizeof(*st));
        if (task->out && task->out->state_dir) {
                size_t n = strlen(task->out->state_dir) + strlen(task->plan->query_id) + strlen(task->id) + 3;

                st->dir = sl_malloc(n);
                snprintf(st->dir, n, "%s/%s/%s", task->out->state_dir, task->plan->query_id, task->id);
                st->changelogs = task->out->write != NULL;
        } else {
                char tmpl[] = "/tmp/sluice-task-XXXXXX";

                if (!mkdtemp(tmpl)) {
                        rc = sl_err_set(err, SL_ERR_IO, "cannot create a temp state directory: %s", strerror(errno));
                        goto fail;
                }
                st->dir = sl_strdup(tmpl);
                st->tmp = true;
        }
        if ((rc = sl_fs_mkdirs(st->dir, "state directory", err)) != SL_OK)
                goto fail;
        sl_state_db_opts_init(&opts);
        opts.cache_max_bytes = task->out ? task->out->state_cache_bytes : 0;
        /* another stream thread of this process may still hold the task a rebalance just moved
         * here: it lets go at its next commit, so a locked db is retried for a while */
        for (int tries = 0; (rc = sl_state_db_open(st->dir, &opts, &st->db, err)) == SL_ERR_IO && tries < 150; tries++)
                nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        if (rc != SL_OK)
                goto fail;
        if (st->changelogs && sl_state_checkpoint_read(st->dir, &st->cp, &e) != SL_OK) {
                /* a damaged checkpoint: restore everything from the changelogs */
                SL_LOG_WARN("exec", "%s task %s: %s; restoring from the changelogs", task->plan->query_id, task->id,
                            e.message);
                sl_state_checkpoint_deinit(&st->cp);
        }
        task->state = st;
        *out = st;
        return SL_OK;
fail:
        if (st->tmp)
                sl_state_db_destroy(st->dir, NULL);
        sl_free(st->dir);
        sl_free(st);
        return rc;
}

/* Changelog sink of every store: the flushed write goes to the changelog's partition of the task. */
static sl_err changelog_write(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        task_store *ts = opaque;
        sl_exec_output *out = ts->task->out;
        sl_slice value = {NULL, 0};

        if (chg->has_value)
                value = SL_SLICE(chg->value.ptr ? chg->value.ptr : (const uint8_t *)"", chg->value.len);
        return out->write(out, ts->changelog, ts->task->partition, chg->key, value, NULL, 0, chg->ts < 0 ? 0 : chg->ts,
                          err);
}

/* Restore: one changelog record into the store. */
static sl_err restore_one(void *opaque, const sl_kafka_msg *msg, sl_err_detail *err)
{
        task_store *ts = opaque;
        const sl_slice *value = msg->value.ptr ? &msg->value : NULL;

        if (!msg->key.ptr)
                return SL_OK;
        switch (ts->kind) {
        case SL_PLAN_STORE_KV: return sl_state_kv_restore(ts->kv, msg->key, value, err);
        case SL_PLAN_STORE_WINDOW: return sl_state_window_restore(ts->ws, msg->key, value, err);
        case SL_PLAN_STORE_SESSION: return sl_state_session_restore(ts->ss, msg->key, value, err);
        }
        return SL_OK;
}

static task_store *store_find(sl_task_state *st, const char *name)
{
        for (size_t i = 0; i < st->nstores; i++)
                if (strcmp(st->stores[i]->name, name) == 0)
                        return st->stores[i];
        return NULL;
}

/* Opens the store `name` of `kind` (opts: the window/session options) and restores it. */
static sl_err store_open(sl_task *task, const char *name, sl_plan_store_kind kind, const void *opts, task_store **out,
                         sl_err_detail *err)
{
        sl_task_state *st;
        task_store *ts;
        sl_arena arena;
        int64_t from, end = 0;
        sl_err rc;

        *out = NULL;
        if ((rc = state_get(task, &st, err)) != SL_OK)
                return rc;
        if ((ts = store_find(st, name)) != NULL) {
                if (ts->kind != kind)
                        return sl_err_set(err, SL_ERR_STATE, "store %s of task %s opened as another kind", name,
                                          task->id);
                *out = ts;
                return SL_OK;
        }
        ts = sl_calloc(1, sizeof(*ts));
        ts->name = sl_strdup(name);
        ts->kind = kind;
        ts->task = task;
        switch (kind) {
        case SL_PLAN_STORE_KV: rc = sl_state_kv_open(st->db, name, NULL, &ts->kv, err); break;
        case SL_PLAN_STORE_WINDOW: rc = sl_state_window_open(st->db, name, opts, &ts->ws, err); break;
        case SL_PLAN_STORE_SESSION: rc = sl_state_session_open(st->db, name, opts, &ts->ss, err); break;
        }
        if (rc != SL_OK)
                goto fail;
        if (st->changelogs) {
                sl_arena_init(&arena, 0);
                ts->changelog = sl_strdup(sl_plan_changelog_topic(task->plan, name, &arena));
                sl_arena_deinit(&arena);
                from = sl_state_checkpoint_offset(&st->cp, name);
                if (from < 0)
                        from = 0;
                if (task->out->read &&
                    (rc = task->out->read(task->out, ts->changelog, task->partition, from, restore_one, ts, &end,
                                          err)) != SL_OK)
                        goto fail;
                switch (kind) {
                case SL_PLAN_STORE_KV: sl_state_kv_set_changelog(ts->kv, changelog_write, ts); break;
                case SL_PLAN_STORE_WINDOW: sl_state_window_set_changelog(ts->ws, changelog_write, ts); break;
                case SL_PLAN_STORE_SESSION: sl_state_session_set_changelog(ts->ss, changelog_write, ts); break;
                }
                if (end > from)
                        SL_LOG_INFO("exec", "%s task %s: store %s restored from offset %lld to %lld",
                                    task->plan->query_id, task->id, name, (long long)from, (long long)end);
        }
        st->stores = sl_realloc(st->stores, (st->nstores + 1) * sizeof(*st->stores));
        st->stores[st->nstores++] = ts;
        *out = ts;
        return SL_OK;
fail:
        /* the store itself belongs to the db (freed at close) */
        sl_free(ts->name);
        sl_free(ts->changelog);
        sl_free(ts);
        return rc;
}

sl_err sl_task_kv_store(sl_task *task, const char *name, sl_state_kv **out, sl_err_detail *err)
{
        task_store *ts;
        sl_err rc = store_open(task, name, SL_PLAN_STORE_KV, NULL, &ts, err);

        *out = rc == SL_OK ? ts->kv : NULL;
        return rc;
}

sl_err sl_task_window_store(sl_task *task, const char *name, const sl_state_window_opts *opts, sl_state_window **out,
                            sl_err_detail *err)
{
        task_store *ts;
        sl_err rc = store_open(task, name, SL_PLAN_STORE_WINDOW, opts, &ts, err);

        *out = rc == SL_OK ? ts->ws : NULL;
        return rc;
}

sl_err sl_task_session_store(sl_task *task, const char *name, const sl_state_session_opts *opts,
                             sl_state_session **out, sl_err_detail *err)
{
        task_store *ts;
        sl_err rc = store_open(task, name, SL_PLAN_STORE_SESSION, opts, &ts, err);

        *out = rc == SL_OK ? ts->ss : NULL;
        return rc;
}

bool sl_task_state_write_through(const sl_task *task)
{
        return !task->out || task->out->state_cache_bytes == 0;
}

sl_err sl_task_state_flush(sl_task *task, sl_err_detail *err)
{
        return task->state ? sl_state_db_flush(task->state->db, err) : SL_OK;
}

sl_err sl_task_checkpoint(sl_task *task, sl_err_detail *err)
{
        sl_task_state *st = task->state;
        sl_state_checkpoint_entry *entries;
        size_t n = 0;
        sl_err rc;

        if (!st)
                return SL_OK;
        if ((rc = sl_state_db_commit(st->db, err)) != SL_OK)
                return rc;
        if (!st->changelogs || !task->out->end_offset)
                return SL_OK;
        entries = sl_calloc(st->nstores + 1, sizeof(*entries));
        for (size_t i = 0; i < st->nstores; i++) {
                int64_t end;

                if ((rc = task->out->end_offset(task->out, st->stores[i]->changelog, task->partition, &end, err)) !=
                    SL_OK)
                        goto done;
                entries[n].name = st->stores[i]->name;
                entries[n].offset = end;
                n++;
        }
        rc = sl_state_checkpoint_write(st->dir, entries, n, err);
done:
        sl_free(entries);
        return rc;
}

void sl_task_state_free(sl_task *task)
{
        sl_task_state *st = task->state;

        if (!st)
                return;
        sl_state_db_close(st->db);
        if (st->tmp)
                sl_state_db_destroy(st->dir, NULL);
        for (size_t i = 0; i < st->nstores; i++) {
                sl_free(st->stores[i]->name);
                sl_free(st->stores[i]->changelog);
                sl_free(st->stores[i]);
        }
        sl_free(st->stores);
        sl_state_checkpoint_deinit(&st->cp);
        sl_free(st->dir);
        sl_free(st);
        task->state = NULL;
}
