/* exec_int.h: helpers shared by the operator files: the per-operator expression context (lambda
 * slots, error counting into the processing log) and the record writer that sinks and repartition
 * steps share (op_sink.c). Not for use outside src/exec. */
#ifndef SL_EXEC_EXEC_INT_H
#define SL_EXEC_EXEC_INT_H

#include "common/buf.h"
#include "exec/op.h"
#include "exec/task.h"
#include "sql/expr_compile.h"

/* An operator's evaluation context. */
typedef struct sl_exec_eval {
        sl_expr_ctx ctx;    /* row and arena set per record / batch */
        uint64_t reported;  /* ctx.errors already sent to the processing log */
} sl_exec_eval;

/* Sets up `ev` for the plan's lambda slots. */
void sl_exec_eval_init(sl_exec_eval *ev, const sl_plan *plan);
void sl_exec_eval_deinit(sl_exec_eval *ev);
/* Sends expression errors counted since the last call to the task's processing log. */
void sl_exec_eval_report(sl_op *op, sl_exec_eval *ev);

/* Serializes rows into a topic's records and writes them to the task's output. */
typedef struct sl_exec_writer {
        sl_buf key;           /* key bytes of the current record */
        sl_buf value;         /* value bytes of the current record */
        sl_value *cols;       /* the side's columns gathered from the row */
        size_t ncols;         /* allocated entries of cols */
        sl_func_ctx fctx;     /* PARSE_TIMESTAMP call site for a text TIMESTAMP column */
        sl_err_detail ferr;   /* its error slot */
} sl_exec_writer;

void sl_exec_writer_init(sl_exec_writer *w, const sl_plan_topic *topic);
void sl_exec_writer_deinit(sl_exec_writer *w);
/* Writes every record of `batch` to `topic`: the key from the key slots (absent when every key
 * column is NULL), the value from the value slots (absent for tombstones), the event time from
 * `ts_slot` when >= 0 (text parsed with `ts_parse` and `ts_format`; NULL or negative: the record is
 * skipped). Rows the serdes cannot encode are skipped and logged; an output failure is returned. */
sl_err sl_exec_writer_write(sl_op *op, sl_exec_writer *w, const sl_plan_topic *topic, int ts_slot,
                            const sl_func_resolved *ts_parse, const char *ts_format, sl_batch *batch, sl_err_detail *err);

#endif
