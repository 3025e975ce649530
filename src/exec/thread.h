/* thread.h: a stream thread runs the tasks of one persistent query against Kafka. It owns a
 * consumer in the query's group `_sluice_query_<QUERYID>` subscribed to every source topic of the
 * plan (Kafka spreads partitions over the threads and instances of the group), a producer that
 * sinks write through, and one task per (sub-topology, partition) it has seen records of.
 *
 * Loop: poll a batch, hand each run of records of one partition to its task, and every
 * `commit_interval_ms` (ksql.streams.commit.interval.ms) commit at least once: flush the tasks
 * (their stores' changelog records go out), flush the producer (every record written so far is
 * acknowledged), checkpoint the tasks' state (changelog end offsets), then commit the source
 * offsets the tasks have processed. Stores restore from their changelogs through a second,
 * group-less consumer of the thread. A crash between the two replays records, never loses them. A commit that fails (a
 * rebalance in progress) is logged and retried at the next interval.
 *
 * After each commit the tasks of partitions a rebalance took away are dropped. Not yet: a
 * rebalance callback that commits before partitions move (records processed since the last commit
 * are then processed again by the new owner, which at-least-once allows); sink topics must exist
 * before records reach them. */
#ifndef SL_EXEC_THREAD_H
#define SL_EXEC_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "exec/proclog.h"
#include "kafka/conf.h"
#include "plan/plan.h"

typedef struct sl_exec_thread sl_exec_thread;

/* What a thread needs besides the plan. */
typedef struct sl_exec_thread_conf {
        const sl_kafka_conf *kafka;       /* bootstrap.servers and other client properties (copied) */
        const char *auto_offset_reset;    /* "earliest" or "latest" (ksqlDB's default); NULL: latest */
        int commit_interval_ms;           /* ksql.streams.commit.interval.ms; <= 0: 2000 */
        int max_batch;                    /* records per poll; <= 0: 1000 */
        /* Transient queries: receives each result row (see sl_exec_output.row), on the stream
         * thread. Transient queries read in a group of their own and commit nothing. */
        sl_err (*on_row)(void *ctx, const sl_plan_node *sink, const sl_value *row, size_t width, int64_t ts,
                         bool tombstone, sl_err_detail *err);
        void *row_ctx;                    /* passed to on_row */
        const char *state_dir;            /* tasks' state under <state_dir>/<queryid>/<taskid>/ (copied);
                                           * NULL: private temp dirs and no changelogs */
        int64_t cache_max_bytes;          /* ksql.streams.cache.max.bytes.buffering: each task's store
                                           * write cache; 0: every update flushed and emitted */
} sl_exec_thread_conf;

/* Creates a thread for `plan` (borrowed; outlives the thread) writing its processing log to `log`
 * (borrowed). Creates the consumer and the producer and subscribes; does not start running. */
sl_err sl_exec_thread_new(const sl_plan *plan, const sl_exec_thread_conf *conf, sl_proclog *log, sl_exec_thread **out,
                          sl_err_detail *err);
/* Stops it if running (with a last commit) and frees it. NULL does nothing. */
void sl_exec_thread_free(sl_exec_thread *t);
/* One iteration: polls up to `timeout_ms`, processes what came, commits when the interval has
 * passed. For tests and for callers that drive the loop themselves. */
sl_err sl_exec_thread_run_once(sl_exec_thread *t, int timeout_ms, sl_err_detail *err);
/* Flushes the sinks and commits the processed offsets now. */
sl_err sl_exec_thread_commit(sl_exec_thread *t, sl_err_detail *err);
/* Runs the loop on a new OS thread until sl_exec_thread_stop. */
sl_err sl_exec_thread_start(sl_exec_thread *t, sl_err_detail *err);
/* Asks the loop to stop, waits for it, and commits what was processed. Returns the error that
 * stopped the loop early, if any. */
sl_err sl_exec_thread_stop(sl_exec_thread *t, sl_err_detail *err);
/* Records consumed and commits made so far. */
void sl_exec_thread_stats(const sl_exec_thread *t, uint64_t *records, uint64_t *commits);

#endif
