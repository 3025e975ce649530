/* task.h: a task runs one sub-topology of a query for one partition number of its source topics
 * (several when the sub-topology joins co-partitioned topics): the
 * chain of operator instances built from the plan's nodes, a per-batch arena reset after every
 * batch, the stream time (highest event time seen) and the next source offset to commit. A task
 * belongs to one stream thread (or to the topology test driver) and is never shared.
 *
 * Sinks write through an sl_exec_output: a Kafka producer in the runtime (thread.c), a capture in
 * the topology test driver (driver.c). */
#ifndef SL_EXEC_TASK_H
#define SL_EXEC_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "exec/batch.h"
#include "exec/op.h"
#include "exec/proclog.h"
#include "kafka/consumer.h"
#include "plan/plan.h"
#include "state/kv_store.h"
#include "state/session_store.h"
#include "state/window_store.h"

/* Receives one record read back from a topic (restore); a non-OK return stops the read. */
typedef sl_err (*sl_exec_read_fn)(void *opaque, const sl_kafka_msg *msg, sl_err_detail *err);

/* Where sinks write records, and the environment of a task's state. */
typedef struct sl_exec_output sl_exec_output;
struct sl_exec_output {
        /* Writes one record: key/value ptr NULL for an absent key / a tombstone, partition -1 to
         * partition by the key's hash, headers may be NULL. Bytes are copied before returning. */
        sl_err (*write)(sl_exec_output *out, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                        const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err);
        /* Returns once every record written so far is stored (or failed and was logged). */
        sl_err (*flush)(sl_exec_output *out, sl_err_detail *err);
        /* Transient queries: one result row (laid out as `sink`->cols; values in the per-batch
         * arena, valid during the call only); `tombstone` for a table delete. May be NULL. */
        sl_err (*row)(sl_exec_output *out, const sl_plan_node *sink, const sl_value *row, size_t width, int64_t ts,
                      bool tombstone, sl_err_detail *err);
        /* Reads partition `partition` of `topic` from offset `from` up to its end as it is when
         * called, handing each record to `fn`; *end gets that end offset. NULL: no topic can be
         * read back (stores start from their local state only). */
        sl_err (*read)(sl_exec_output *out, const char *topic, int32_t partition, int64_t from, sl_exec_read_fn fn,
                       void *opaque, int64_t *end, sl_err_detail *err);
        /* The end offset (next offset to be written) of a partition, once every write so far is
         * stored (call after flush). NULL: unknown (no checkpoint is written). */
        sl_err (*end_offset)(sl_exec_output *out, const char *topic, int32_t partition, int64_t *end,
                             sl_err_detail *err);
        const char *state_dir;    /* tasks keep state in <state_dir>/<queryid>/<taskid>/; NULL: a
                                   * private temp dir removed with the task, and no changelogs */
        size_t state_cache_bytes; /* write cache of a task's stores (ksql.streams.cache.max.bytes.buffering);
                                   * 0: every update is flushed (and emitted) at once */
};

typedef struct sl_task_state sl_task_state;

struct sl_task {
        const sl_plan *plan;      /* borrowed; outlives the task */
        const sl_plan_sub *sub;   /* the sub-topology it runs */
        int32_t partition;        /* source partition */
        char id[32];              /* "<sub>_<partition>", as Kafka Streams names tasks */
        sl_op **ops;              /* one per node of the sub-topology; ops[0] is the first source */
        size_t nops;
        size_t *source_ops;       /* per source of the sub (sub->sources order): its index in ops */
        int64_t *next_offsets;    /* per source: next offset to read (commit this), -1 before any */
        sl_arena arena;           /* per-batch arena */
        sl_batch in;              /* the batch being processed */
        sl_exec_output *out;      /* borrowed: where sinks write */
        sl_proclog *log;          /* borrowed: the query's processing log */
        int64_t stream_time;      /* highest event time seen, -1 before the first record */
        int64_t punctuated;       /* stream time the operators were last punctuated with */
        int64_t next_offset;      /* next_offsets[0] (single-source sub-topologies) */
        uint64_t records;         /* records fed */
        sl_task_state *state;     /* its stores (task_state.c), NULL until one is opened */
};

/* Builds the operators of sub-topology `sub` of `plan` for `partition`. `out` and `log` are
 * borrowed and must outlive the task. */
sl_err sl_task_new(const sl_plan *plan, size_t sub, int32_t partition, sl_exec_output *out, sl_proclog *log,
                   sl_task **task, sl_err_detail *err);
void sl_task_free(sl_task *task);
/* The index in sub->sources of the source reading `topic`, or -1. */
int sl_task_source_index(const sl_task *task, const char *topic);
/* Runs msgs[0..n) (all of one source topic of the task and its partition, in offset order; msgs[0].topic
 * picks the source, NULL: the first) through the chain as
 * one batch, punctuates the operators when stream time advanced, then resets the per-batch arena. Malformed records are skipped and logged; an error
 * return means the task cannot go on (the output failed). */
sl_err sl_task_process(sl_task *task, const sl_kafka_msg *msgs, size_t n, sl_err_detail *err);
/* Flushes every operator (sinks push buffered records to the output), then the stores' write
 * caches (their changelog records go to the output). */
sl_err sl_task_flush(sl_task *task, sl_err_detail *err);

/* ---- state (task_state.c) ---- */
/* The task's store `name`, a column family of the task's RocksDB (state/<queryid>/<taskid>/
 * under the output's state dir; a temp dir in the topology test driver), opened on first use,
 * restored from its changelog `_sluice_<queryid>-<name>-changelog` (from the checkpointed offset,
 * or from the start when the local state is gone), every flushed write sent to that changelog,
 * checkpointed at commit. Same name twice: same store. The store belongs to the task. */
sl_err sl_task_kv_store(sl_task *task, const char *name, sl_state_kv **out, sl_err_detail *err);
sl_err sl_task_window_store(sl_task *task, const char *name, const sl_state_window_opts *opts,
                            sl_state_window **out, sl_err_detail *err);
sl_err sl_task_session_store(sl_task *task, const char *name, const sl_state_session_opts *opts,
                             sl_state_session **out, sl_err_detail *err);
/* Whether every flushed write is reported at once (no write cache): operators then emit every
 * update, as ksqlDB does with cache.max.bytes.buffering=0. */
bool sl_task_state_write_through(const sl_task *task);
/* Writes the stores' dirty entries to RocksDB and their changelogs (part of sl_task_flush). */
sl_err sl_task_state_flush(sl_task *task, sl_err_detail *err);
/* After the output has stored every changelog record (its flush returned): makes the local
 * stores durable and records the changelog end offsets in the task's checkpoint, so that a
 * restart restores only the tail. Does nothing for a task without stores. */
sl_err sl_task_checkpoint(sl_task *task, sl_err_detail *err);
/* Frees the stores (closing RocksDB without flushing) and removes a private temp dir. */
void sl_task_state_free(sl_task *task);

#endif
