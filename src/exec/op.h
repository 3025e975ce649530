/* op.h: the operator interface. A task runs a chain of operators, one instance per plan node; a
 * batch enters at the source and each operator processes it and forwards what it emits to the
 * next one. Every operator file (op_filter.c, op_project.c ...) defines one sl_op_class with the
 * same entry points, as every PostgreSQL nodeX.c has ExecInitX/ExecX/ExecEndX:
 *   open       prepare per-task state (the instance is zeroed, `node`, `task`, `next` are set)
 *   process    consume a batch and forward results with sl_op_forward; may change the batch in
 *              place (filter compacts it) or forward another batch whose memory is in the same
 *              per-batch arena
 *   flush      at commit: push out what is buffered (sinks); optional
 *   punctuate  stream time advanced (windowed operators close windows); optional
 *   close      release per-task state
 * op.c is the only dispatcher: nothing else calls through a class. Operators of one task run on
 * the task's stream thread only. */
#ifndef SL_EXEC_OP_H
#define SL_EXEC_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "exec/batch.h"
#include "plan/plan.h"

typedef struct sl_op sl_op;
typedef struct sl_task sl_task;

typedef struct sl_op_class {
        const char *name;   /* "FILTER" ... */
        size_t size;        /* size of the operator's state struct, which begins with sl_op */
        sl_err (*open)(sl_op *op, sl_err_detail *err);
        sl_err (*process)(sl_op *op, sl_batch *batch, sl_err_detail *err);
        sl_err (*process_right)(sl_op *op, sl_batch *batch, sl_err_detail *err); /* joins: the right input */
        sl_err (*flush)(sl_op *op, sl_err_detail *err);                         /* may be NULL */
        sl_err (*punctuate)(sl_op *op, int64_t stream_time, sl_err_detail *err); /* may be NULL */
        void (*close)(sl_op *op);                                               /* may be NULL */
} sl_op_class;

/* The part every operator instance shares; each operator's state struct embeds it first. */
struct sl_op {
        const sl_op_class *cls;      /* its class */
        const sl_plan_node *node;    /* its plan node; the plan outlives the task */
        sl_task *task;               /* the task it belongs to */
        sl_op *next;                 /* downstream operator, NULL at the end of a chain */
        bool next_right;             /* this operator feeds the right input of `next` (a join) */
        uint64_t in;                 /* records received */
        uint64_t out;                /* records forwarded */
};

extern const sl_op_class sl_op_source_class;
extern const sl_op_class sl_op_filter_class;
extern const sl_op_class sl_op_flatmap_class;
extern const sl_op_class sl_op_project_class;
extern const sl_op_class sl_op_repartition_class;
extern const sl_op_class sl_op_sink_class;
extern const sl_op_class sl_op_join_stream_stream_class;
extern const sl_op_class sl_op_join_stream_table_class;
extern const sl_op_class sl_op_join_table_table_class;
extern const sl_op_class sl_op_join_fk_class;
extern const sl_op_class sl_op_group_by_class;
extern const sl_op_class sl_op_aggregate_class;
extern const sl_op_class sl_op_window_time_class;
extern const sl_op_class sl_op_window_session_class;

/* The class that runs plan node `node`. */
const sl_op_class *sl_op_class_of(const sl_plan_node *node);
/* Creates and opens the operator of `node` for `task`; `next` is its downstream (may be NULL).
 * On failure nothing is left allocated. */
sl_err sl_op_new(const sl_plan_node *node, sl_task *task, sl_op *next, sl_op **out, sl_err_detail *err);
/* Closes and frees; NULL does nothing. */
void sl_op_free(sl_op *op);
/* Runs `op` on a batch. */
sl_err sl_op_process(sl_op *op, sl_batch *batch, sl_err_detail *err);
/* Hands `batch` to op->next (drops it at the end of a chain); to its right input when
 * op->next_right. */
sl_err sl_op_forward(sl_op *op, sl_batch *batch, sl_err_detail *err);
sl_err sl_op_flush(sl_op *op, sl_err_detail *err);
sl_err sl_op_punctuate(sl_op *op, int64_t stream_time, sl_err_detail *err);

#endif
