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

/* Where sinks write records. */
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
};

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
/* Flushes every operator (sinks push buffered records to the output). */
sl_err sl_task_flush(sl_task *task, sl_err_detail *err);

#endif
