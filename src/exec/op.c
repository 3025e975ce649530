/* op.c: the one dispatcher of the operator interface (op.h). Maps plan node kinds to operator
 * classes, creates and frees instances, and counts records in and out of each. Also the
 * evaluation-context helpers the operator files share (exec_int.h). */
#include "exec/op.h"

#include <string.h>

#include "common/mem.h"
#include "exec/exec_int.h"

const sl_op_class *sl_op_class_of(const sl_plan_node *node)
{
        switch (node->kind) {
        case SL_PLAN_SOURCE: return &sl_op_source_class;
        case SL_PLAN_FILTER: return &sl_op_filter_class;
        case SL_PLAN_FLATMAP: return &sl_op_flatmap_class;
        case SL_PLAN_PROJECT: return &sl_op_project_class;
        case SL_PLAN_REPARTITION: return &sl_op_repartition_class;
        case SL_PLAN_SINK: return &sl_op_sink_class;
        case SL_PLAN_JOIN:
                switch (node->u.join.type) {
                case SL_PLAN_JOIN_STREAM_STREAM: return &sl_op_join_stream_stream_class;
                case SL_PLAN_JOIN_STREAM_TABLE: return &sl_op_join_stream_table_class;
                case SL_PLAN_JOIN_TABLE_TABLE: return &sl_op_join_table_table_class;
                case SL_PLAN_JOIN_FOREIGN_KEY: return &sl_op_join_fk_class;
                }
                return NULL;
        case SL_PLAN_GROUP_BY: return &sl_op_group_by_class;
        case SL_PLAN_AGGREGATE: return &sl_op_aggregate_class;
        case SL_PLAN_WINDOW_AGGREGATE: return &sl_op_window_time_class;
        case SL_PLAN_SESSION_AGGREGATE: return &sl_op_window_session_class;
        default: return NULL;
        }
}

sl_err sl_op_new(const sl_plan_node *node, sl_task *task, sl_op *next, sl_op **out, sl_err_detail *err)
{
        const sl_op_class *cls = sl_op_class_of(node);
        sl_op *op;
        sl_err rc;

        *out = NULL;
        if (!cls)
                return sl_err_set(err, SL_ERR_INTERNAL, "no operator for plan node kind %d", (int)node->kind);
        op = sl_calloc(1, cls->size);
        op->cls = cls;
        op->node = node;
        op->task = task;
        op->next = next;
        if (cls->open && (rc = cls->open(op, err)) != SL_OK) {
                if (cls->close)
                        cls->close(op);
                sl_free(op);
                return rc;
        }
        *out = op;
        return SL_OK;
}

void sl_op_free(sl_op *op)
{
        if (!op)
                return;
        if (op->cls->close)
                op->cls->close(op);
        sl_free(op);
}

sl_err sl_op_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        op->in += batch->len;
        return op->cls->process(op, batch, err);
}

sl_err sl_op_forward(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        op->out += batch->len;
        if (!op->next || batch->len == 0)
                return SL_OK;
        if (op->next_right) {
                op->next->in += batch->len;
                return op->next->cls->process_right(op->next, batch, err);
        }
        return sl_op_process(op->next, batch, err);
}

sl_err sl_op_flush(sl_op *op, sl_err_detail *err)
{
        return op->cls->flush ? op->cls->flush(op, err) : SL_OK;
}

sl_err sl_op_punctuate(sl_op *op, int64_t stream_time, sl_err_detail *err)
{
        return op->cls->punctuate ? op->cls->punctuate(op, stream_time, err) : SL_OK;
}

/* ---- helpers shared by the operator files (exec_int.h) ---- */

void sl_exec_eval_init(sl_exec_eval *ev, const sl_plan *plan)
{
        memset(ev, 0, sizeof(*ev));
        ev->ctx.lvars = sl_calloc(plan->nlvars + 1, sizeof(sl_value));
}

void sl_exec_eval_deinit(sl_exec_eval *ev)
{
        sl_free(ev->ctx.lvars);
        ev->ctx.lvars = NULL;
}

void sl_exec_eval_report(sl_op *op, sl_exec_eval *ev)
{
        if (ev->ctx.errors == ev->reported)
                return;
        sl_proclog_add(op->task->log, SL_PROCLOG_EXPRESSION, ev->ctx.errors - ev->reported, NULL, -1, -1,
                       ev->ctx.last_error.message);
        ev->reported = ev->ctx.errors;
}
