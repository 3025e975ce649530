/* thread.c: stream threads (thread.h). The producer-backed output sinks write through, the poll
 * loop that groups a polled batch into per-partition runs for the tasks, and the at-least-once
 * commit: producer flush first, offsets second. */
#include "exec/thread.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/time.h"
#include "common/vec.h"
#include "exec/task.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"

/* A task and where its records come from: partition `partition` of every source topic of its
 * sub-topology. */
typedef struct thread_task {
        size_t sub;         /* sub-topology */
        int32_t partition;
        int64_t *committed; /* per source of the sub: next offset last committed, -1 none */
        sl_task *task;
} thread_task;

struct sl_exec_thread {
        sl_exec_output out;          /* must be first: the producer-backed output of the tasks */
        const sl_plan *plan;         /* borrowed */
        sl_proclog *log;             /* borrowed */
        sl_kafka_consumer *consumer;
        sl_kafka_producer *producer;
        sl_kafka_conf rconf;         /* client properties of the restore consumer */
        sl_kafka_consumer *restorer; /* reads changelogs back, created on first restore */
        sl_kafka_batch rbatch;       /* its polled records */
        char *state_dir;             /* the tasks' state root (owned), or NULL */
        sl_kafka_batch batch;        /* polled records */
        sl_vec tasks;                /* of thread_task */
        int commit_interval_ms;
        int max_batch;
        bool transient;              /* a transient query: rows to on_row, no commits */
        bool merge;                  /* a sub-topology reads several topics (a join): see run_merged */
        sl_err (*on_row)(void *ctx, const sl_plan_node *sink, const sl_value *row, size_t width, int64_t ts,
                         bool tombstone, sl_err_detail *err);
        void *row_ctx;
        int64_t last_commit_ms;      /* monotonic time of the last commit */
        _Atomic uint64_t records;    /* consumed (read by other threads for stats) */
        _Atomic uint64_t commits;    /* commits made */
        pthread_t tid;
        bool running;                /* tid is a live thread */
        atomic_bool stop;            /* asks the loop to end */
        sl_err loop_err;             /* what ended the loop early */
        sl_err_detail loop_detail;
};

static sl_err producer_write(sl_exec_output *out, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                             const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err)
{
        sl_exec_thread *t = (sl_exec_thread *)out;

        return sl_kafka_producer_send(t->producer, topic, partition, key, value, headers, nheaders, ts, NULL, err);
}

static sl_err producer_flush(sl_exec_output *out, sl_err_detail *err)
{
        sl_exec_thread *t = (sl_exec_thread *)out;

        return sl_kafka_producer_flush(t->producer, 60000, err);
}

static sl_err rows_out(sl_exec_output *out, const sl_plan_node *sink, const sl_value *row, size_t width, int64_t ts,
                       bool tombstone, sl_err_detail *err)
{
        sl_exec_thread *t = (sl_exec_thread *)out;

        return t->on_row ? t->on_row(t->row_ctx, sink, row, width, ts, tombstone, err) : SL_OK;
}

static sl_err restorer_get(sl_exec_thread *t, sl_err_detail *err)
{
        return t->restorer ? SL_OK : sl_kafka_consumer_new(&t->rconf, &t->restorer, err);
}

static sl_err changelog_end(sl_exec_output *out, const char *topic, int32_t partition, int64_t *end,
                            sl_err_detail *err)
{
        sl_exec_thread *t = (sl_exec_thread *)out;
        int64_t low;
        sl_err rc;

        if ((rc = restorer_get(t, err)) != SL_OK)
                return rc;
        return sl_kafka_consumer_watermarks(t->restorer, topic, partition, &low, end, 10000, err);
}

/* Reads [from, end) of a changelog partition with the restore consumer. A compacted topic may
 * have removed its last records: a read that sees nothing for 2 s is complete. */
static sl_err changelog_read(sl_exec_output *out, const char *topic, int32_t partition, int64_t from, sl_exec_read_fn fn,
                             void *opaque, int64_t *end, sl_err_detail *err)
{
        sl_exec_thread *t = (sl_exec_thread *)out;
        sl_kafka_tpo tpo = {.topic = topic, .partition = partition, .offset = from};
        int64_t next = from, idle_since = sl_time_mono_ms();
        sl_err rc;

        if ((rc = changelog_end(out, topic, partition, end, err)) != SL_OK)
                return rc;
        if (from >= *end)
                return SL_OK;
        if ((rc = sl_kafka_consumer_assign(t->restorer, &tpo, 1, err)) != SL_OK)
                return rc;
        while (next < *end && sl_time_mono_ms() - idle_since < 2000) {
                if ((rc = sl_kafka_consumer_poll(t->restorer, &t->rbatch, 1000, 200, err)) != SL_OK)
                        goto done;
                if (t->rbatch.len)
                        idle_since = sl_time_mono_ms();
                for (size_t i = 0; i < t->rbatch.len; i++) {
                        const sl_kafka_msg *m = &t->rbatch.msgs[i];

                        if (m->offset >= *end)
                                continue;
                        if ((rc = fn(opaque, m, err)) != SL_OK)
                                goto done;
                        next = m->offset + 1;
                }
        }
done:
        sl_kafka_batch_reset(&t->rbatch);
        sl_kafka_consumer_assign(t->restorer, NULL, 0, NULL);
        return rc;
}

/* Delivery reports: failures are records lost to the sink, counted in the processing log. */
static void on_delivery(void *opaque, const sl_kafka_delivery *d)
{
        sl_exec_thread *t = opaque;

        if (d->err != SL_OK)
                sl_proclog_add(t->log, SL_PROCLOG_PRODUCE, 1, d->topic, d->partition, -1, d->errstr);
}

sl_err sl_exec_thread_new(const sl_plan *plan, const sl_exec_thread_conf *conf, sl_proclog *log, sl_exec_thread **out,
                          sl_err_detail *err)
{
        sl_exec_thread *t = sl_calloc(1, sizeof(*t));
        sl_kafka_conf cc, pc;
        const char **topics = sl_calloc(plan->nnodes + 1, sizeof(*topics));
        size_t ntopics = 0;
        char group[512];
        sl_err rc;

        *out = NULL;
        t->out.write = producer_write;
        t->out.flush = producer_flush;
        t->out.row = rows_out;
        t->out.read = changelog_read;
        t->out.end_offset = changelog_end;
        t->state_dir = conf->state_dir ? sl_strdup(conf->state_dir) : NULL;
        t->out.state_dir = t->state_dir;
        t->out.state_cache_bytes = conf->cache_max_bytes > 0 ? (size_t)conf->cache_max_bytes : 0;
        t->on_row = conf->on_row;
        t->row_ctx = conf->row_ctx;
        t->transient = plan->nnodes && plan->nodes[plan->nnodes - 1]->kind == SL_PLAN_SINK &&
                       plan->nodes[plan->nnodes - 1]->u.sink.transient;
        t->plan = plan;
        t->log = log;
        t->commit_interval_ms = conf->commit_interval_ms > 0 ? conf->commit_interval_ms : 2000;
        t->max_batch = conf->max_batch > 0 ? conf->max_batch : 1000;
        t->last_commit_ms = sl_time_mono_ms();
        sl_vec_init(&t->tasks, sizeof(thread_task));
        sl_kafka_batch_init(&t->batch);
        sl_kafka_batch_init(&t->rbatch);
        sl_kafka_conf_init(&cc);
        sl_kafka_conf_init(&pc);
        sl_kafka_conf_init(&t->rconf);
        for (size_t i = 0; conf->kafka && i < conf->kafka->len; i++) {
                sl_kafka_conf_set(&cc, conf->kafka->keys[i], conf->kafka->values[i]);
                sl_kafka_conf_set(&pc, conf->kafka->keys[i], conf->kafka->values[i]);
                sl_kafka_conf_set(&t->rconf, conf->kafka->keys[i], conf->kafka->values[i]);
        }
        snprintf(group, sizeof(group), "%s%s", t->transient ? "_sluice_" : "_sluice_query_", plan->query_id);
        sl_kafka_conf_set(&cc, "group.id", group);
        sl_kafka_conf_set(&cc, "auto.offset.reset", conf->auto_offset_reset ? conf->auto_offset_reset : "latest");
        if ((rc = sl_kafka_consumer_new(&cc, &t->consumer, err)) != SL_OK)
                goto fail;
        if ((rc = sl_kafka_producer_new(&pc, on_delivery, t, &t->producer, err)) != SL_OK)
                goto fail;
        for (size_t s = 0; s < plan->nsubs; s++) {
                t->merge = t->merge || plan->subs[s].nsources > 1;
                for (size_t k = 0; k < plan->subs[s].nsources; k++) {
                        const char *name = plan->subs[s].sources[k]->u.source.topic.name;
                        bool dup = false;

                        for (size_t i = 0; i < ntopics && !dup; i++)
                                dup = strcmp(topics[i], name) == 0;
                        if (!dup)
                                topics[ntopics++] = name;
                }
        }
        if ((rc = sl_kafka_consumer_subscribe(t->consumer, topics, ntopics, err)) != SL_OK)
                goto fail;
        sl_free(topics);
        sl_kafka_conf_deinit(&cc);
        sl_kafka_conf_deinit(&pc);
        *out = t;
        return SL_OK;
fail:
        sl_free(topics);
        sl_kafka_conf_deinit(&cc);
        sl_kafka_conf_deinit(&pc);
        sl_exec_thread_free(t);
        return rc;
}

/* The sub-topology reading `topic`, or plan->nsubs. */
static size_t sub_of(const sl_plan *plan, const char *topic)
{
        for (size_t s = 0; s < plan->nsubs; s++)
                for (size_t k = 0; k < plan->subs[s].nsources; k++)
                        if (strcmp(plan->subs[s].sources[k]->u.source.topic.name, topic) == 0)
                                return s;
        return plan->nsubs;
}

static void thread_task_free(thread_task *tt)
{
        sl_task_free(tt->task);
        sl_free(tt->committed);
}

/* The task reading `topic` / `partition`, created on first use. */
static sl_err task_for(sl_exec_thread *t, const char *topic, int32_t partition, sl_task **out, sl_err_detail *err)
{
        thread_task *tt;
        size_t sub = sub_of(t->plan, topic);
        sl_err rc;

        if (sub == t->plan->nsubs)
                return sl_err_set(err, SL_ERR_INTERNAL, "no sub-topology reads topic %s", topic);
        for (size_t i = 0; i < t->tasks.len; i++) {
                tt = sl_vec_at(&t->tasks, i);
                if (tt->partition == partition && tt->sub == sub) {
                        *out = tt->task;
                        return SL_OK;
                }
        }
        tt = sl_vec_push_zero(&t->tasks);
        tt->sub = sub;
        tt->partition = partition;
        tt->committed = sl_calloc(t->plan->subs[sub].nsources + 1, sizeof(*tt->committed));
        for (size_t k = 0; k < t->plan->subs[sub].nsources; k++)
                tt->committed[k] = -1;
        if ((rc = sl_task_new(t->plan, sub, partition, &t->out, t->log, &tt->task, err)) != SL_OK) {
                sl_free(tt->committed);
                sl_vec_pop(&t->tasks, NULL);
                return rc;
        }
        *out = tt->task;
        return SL_OK;
}

/* After a commit: tasks of partitions a rebalance took away are dropped (their work is flushed
 * and committed), so a thread never commits stale offsets for another thread's partitions. */
static void drop_revoked(sl_exec_thread *t)
{
        sl_arena arena;
        sl_kafka_tpo *parts = NULL;
        size_t n = 0;

        sl_arena_init(&arena, 0);
        if (sl_kafka_consumer_assignment(t->consumer, &arena, &parts, &n, NULL) == SL_OK) {
                for (size_t i = t->tasks.len; i-- > 0;) {
                        thread_task *tt = sl_vec_at(&t->tasks, i);
                        bool owned = false;

                        for (size_t k = 0; k < n && !owned; k++)
                                owned = parts[k].partition == tt->partition &&
                                        sub_of(t->plan, parts[k].topic) == tt->sub;
                        if (!owned) {
                                thread_task_free(tt);
                                sl_vec_remove(&t->tasks, i);
                        }
                }
        }
        sl_arena_deinit(&arena);
}

sl_err sl_exec_thread_commit(sl_exec_thread *t, sl_err_detail *err)
{
        size_t cap = 1;
        sl_kafka_tpo *offs;
        size_t n = 0;
        sl_err rc;

        for (size_t i = 0; i < t->tasks.len; i++)
                cap += ((thread_task *)sl_vec_at(&t->tasks, i))->task->sub->nsources;
        offs = sl_calloc(cap, sizeof(*offs));
        if (t->transient) {
                sl_free(offs);
                t->last_commit_ms = sl_time_mono_ms();
                return SL_OK;
        }
        /* sinks first: an offset is committed only once what came of its records is stored */
        for (size_t i = 0; i < t->tasks.len; i++)
                if ((rc = sl_task_flush(((thread_task *)sl_vec_at(&t->tasks, i))->task, err)) != SL_OK)
                        goto done;
        if ((rc = sl_kafka_producer_flush(t->producer, 60000, err)) != SL_OK)
                goto done;
        /* then the state: what the stores hold is in their changelogs up to these offsets */
        for (size_t i = 0; i < t->tasks.len; i++)
                if ((rc = sl_task_checkpoint(((thread_task *)sl_vec_at(&t->tasks, i))->task, err)) != SL_OK)
                        goto done;
        for (size_t i = 0; i < t->tasks.len; i++) {
                thread_task *tt = sl_vec_at(&t->tasks, i);

                for (size_t k = 0; k < tt->task->sub->nsources; k++) {
                        if (tt->task->next_offsets[k] < 0 || tt->task->next_offsets[k] == tt->committed[k])
                                continue;
                        offs[n].topic = tt->task->sub->sources[k]->u.source.topic.name;
                        offs[n].partition = tt->partition;
                        offs[n].offset = tt->task->next_offsets[k];
                        n++;
                }
        }
        rc = n ? sl_kafka_consumer_commit(t->consumer, offs, n, err) : SL_OK;
        if (rc == SL_OK) {
                for (size_t i = 0; i < t->tasks.len; i++) {
                        thread_task *tt = sl_vec_at(&t->tasks, i);

                        for (size_t k = 0; k < tt->task->sub->nsources; k++)
                                if (tt->task->next_offsets[k] >= 0)
                                        tt->committed[k] = tt->task->next_offsets[k];
                }
                t->commits += n > 0;
                t->last_commit_ms = sl_time_mono_ms();
                drop_revoked(t);
        }
done:
        sl_free(offs);
        return rc;
}

/* A join's task reads several topics. Within a polled batch its records go in in time order across
 * those topics, each topic partition keeping its offset order, as Kafka Streams picks the
 * partition whose next record is the oldest: a table update is applied before the later stream
 * records it should enrich even when the poll returned them the other way round. */
static sl_err run_merged(sl_exec_thread *t, sl_err_detail *err)
{
        size_t n = t->batch.len;
        const sl_kafka_msg *msgs = t->batch.msgs;
        bool *done = sl_calloc(n + 1, sizeof(*done));
        int *src = sl_calloc(n + 1, sizeof(*src));
        size_t *idx = sl_calloc(n + 1, sizeof(*idx));
        sl_kafka_msg *run = sl_calloc(n + 1, sizeof(*run));
        sl_err rc = SL_OK;

        for (size_t i = 0; i < n && rc == SL_OK; i++) {
                sl_task *task = NULL;
                size_t sub, m = 0, nsrc;
                size_t *cur;

                if (done[i])
                        continue;
                if ((rc = task_for(t, msgs[i].topic, msgs[i].partition, &task, err)) != SL_OK)
                        break;
                sub = sub_of(t->plan, msgs[i].topic);
                nsrc = task->sub->nsources;
                cur = sl_calloc(nsrc + 1, sizeof(*cur));
                /* this task's records, in batch order */
                for (size_t j = i; j < n; j++) {
                        if (done[j] || msgs[j].partition != msgs[i].partition || sub_of(t->plan, msgs[j].topic) != sub)
                                continue;
                        src[j] = sl_task_source_index(task, msgs[j].topic);
                        if (src[j] >= 0)
                                idx[m++] = j;
                }
                for (;;) {
                        int best = -1;
                        int64_t best_ts = 0, bound = INT64_MAX;
                        size_t nrun = 0;

                        /* the oldest head among the sources; the next oldest bounds its run */
                        for (size_t k = 0; k < nsrc; k++) {
                                while (cur[k] < m && (done[idx[cur[k]]] || src[idx[cur[k]]] != (int)k))
                                        cur[k]++;
                                if (cur[k] == m)
                                        continue;
                                if (best < 0 || msgs[idx[cur[k]]].timestamp < best_ts) {
                                        if (best >= 0 && best_ts < bound)
                                                bound = best_ts;
                                        best = (int)k;
                                        best_ts = msgs[idx[cur[k]]].timestamp;
                                } else if (msgs[idx[cur[k]]].timestamp < bound) {
                                        bound = msgs[idx[cur[k]]].timestamp;
                                }
                        }
                        if (best < 0)
                                break;
                        for (size_t c = cur[best]; c < m; c++) {
                                size_t j = idx[c];

                                if (done[j] || src[j] != best)
                                        continue;
                                if (nrun && msgs[j].timestamp > bound)
                                        break;
                                run[nrun++] = msgs[j];
                                done[j] = true;
                        }
                        if ((rc = sl_task_process(task, run, nrun, err)) != SL_OK)
                                break;
                }
                sl_free(cur);
        }
        sl_free(done);
        sl_free(src);
        sl_free(idx);
        sl_free(run);
        return rc;
}

sl_err sl_exec_thread_run_once(sl_exec_thread *t, int timeout_ms, sl_err_detail *err)
{
        sl_err rc;
        size_t i = 0;

        if ((rc = sl_kafka_consumer_poll(t->consumer, &t->batch, (size_t)t->max_batch, timeout_ms, err)) != SL_OK) {
                /* an unknown topic at start is not fatal: the loop polls again */
                SL_LOG_DEBUG("exec", "%s: poll: %s", t->plan->query_id, err ? err->message : "");
                rc = SL_OK;
        }
        t->records += t->batch.len;
        if (t->merge) {
                rc = run_merged(t, err);
                i = t->batch.len;
        }
        while (i < t->batch.len) {
                const sl_kafka_msg *m = &t->batch.msgs[i];
                size_t j = i + 1;
                sl_task *task = NULL;

                while (j < t->batch.len && t->batch.msgs[j].partition == m->partition &&
                       strcmp(t->batch.msgs[j].topic, m->topic) == 0)
                        j++;
                if ((rc = task_for(t, m->topic, m->partition, &task, err)) != SL_OK ||
                    (rc = sl_task_process(task, m, j - i, err)) != SL_OK)
                        break;
                i = j;
        }
        sl_kafka_batch_reset(&t->batch);
        sl_kafka_producer_poll(t->producer, 0);
        if (rc == SL_OK && sl_time_mono_ms() - t->last_commit_ms >= t->commit_interval_ms) {
                sl_err_detail ce;

                /* a commit refused during a rebalance is retried at the next interval: the
                 * records stay processed and their offsets uncommitted, which at-least-once allows */
                if (sl_exec_thread_commit(t, &ce) != SL_OK) {
                        SL_LOG_WARN("exec", "%s: commit failed, retried later: %s", t->plan->query_id, ce.message);
                        t->last_commit_ms = sl_time_mono_ms();
                }
        }
        return rc;
}

static void *loop(void *arg)
{
        sl_exec_thread *t = arg;

        while (!atomic_load(&t->stop)) {
                sl_err_clear(&t->loop_detail);
                if ((t->loop_err = sl_exec_thread_run_once(t, 100, &t->loop_detail)) != SL_OK) {
                        SL_LOG_ERROR("exec", "%s: stream thread stops: %s", t->plan->query_id, t->loop_detail.message);
                        break;
                }
        }
        return NULL;
}

sl_err sl_exec_thread_start(sl_exec_thread *t, sl_err_detail *err)
{
        if (t->running)
                return sl_err_set(err, SL_ERR_STATE, "stream thread of %s already runs", t->plan->query_id);
        atomic_store(&t->stop, false);
        t->loop_err = SL_OK;
        if (pthread_create(&t->tid, NULL, loop, t) != 0)
                return sl_err_set(err, SL_ERR_IO, "cannot start a stream thread for %s", t->plan->query_id);
        t->running = true;
        return SL_OK;
}

sl_err sl_exec_thread_stop(sl_exec_thread *t, sl_err_detail *err)
{
        sl_err rc;

        if (t->running) {
                atomic_store(&t->stop, true);
                pthread_join(t->tid, NULL);
                t->running = false;
        }
        rc = sl_exec_thread_commit(t, err);
        if (t->loop_err != SL_OK) {
                if (err)
                        *err = t->loop_detail;
                return t->loop_err;
        }
        return rc;
}

void sl_exec_thread_stats(const sl_exec_thread *t, uint64_t *records, uint64_t *commits)
{
        *records = atomic_load(&((sl_exec_thread *)t)->records);
        *commits = atomic_load(&((sl_exec_thread *)t)->commits);
}

void sl_exec_thread_free(sl_exec_thread *t)
{
        if (!t)
                return;
        if (t->running)
                sl_exec_thread_stop(t, NULL);
        for (size_t i = 0; i < t->tasks.len; i++)
                thread_task_free(sl_vec_at(&t->tasks, i));
        sl_vec_deinit(&t->tasks);
        sl_kafka_batch_deinit(&t->batch);
        sl_kafka_batch_deinit(&t->rbatch);
        sl_kafka_consumer_free(t->consumer);
        sl_kafka_consumer_free(t->restorer);
        sl_kafka_conf_deinit(&t->rconf);
        sl_kafka_producer_free(t->producer, 10000);
        sl_free(t->state_dir);
        sl_free(t);
}
