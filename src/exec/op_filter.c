/* op_filter.c: the WHERE operator. Evaluates the compiled predicate per record and passes on rows
 * where it is TRUE (NULL and FALSE both drop). On a table a row that fails becomes a delete of its
 * key (a tombstone), as ksqlDB's table filter forwards one; on a stream it is dropped, and so is a
 * null stream row. Stateless; one per task; compacts the batch in place. */
#include "exec/op.h"

#include "exec/exec_int.h"

typedef struct filter_state {
        sl_op base;        /* must be first: op.c casts to it */
        sl_exec_eval ev;   /* evaluation context */
} filter_state;

static sl_err filter_open(sl_op *op, sl_err_detail *err)
{
        filter_state *st = (filter_state *)op;

        (void)err;
        sl_exec_eval_init(&st->ev, op->task->plan);
        return SL_OK;
}

static void filter_close(sl_op *op)
{
        sl_exec_eval_deinit(&((filter_state *)op)->ev);
}

static sl_err filter_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        filter_state *st = (filter_state *)op;
        const sl_expr_prog *pred = op->node->u.filter.pred;
        bool table = op->node->table;
        sl_plan_kind in = op->node->input ? op->node->input->kind : SL_PLAN_SOURCE;
        bool old_tracked = table && (in == SL_PLAN_AGGREGATE || in == SL_PLAN_WINDOW_AGGREGATE ||
                                     in == SL_PLAN_SESSION_AGGREGATE ||
                                     (in == SL_PLAN_JOIN && (op->node->input->u.join.type == SL_PLAN_JOIN_TABLE_TABLE ||
                                                             op->node->input->u.join.type == SL_PLAN_JOIN_FOREIGN_KEY)));
        size_t kept = 0;

        st->ev.ctx.arena = batch->arena;
        for (size_t i = 0; i < batch->len; i++) {
                sl_rec *rec = &batch->recs[i];

                /* a table change's old row counts only if it passed too */
                if (rec->old_row) {
                        st->ev.ctx.row = rec->old_row;
                        if (!sl_expr_eval_pred(pred, &st->ev.ctx))
                                rec->old_row = NULL;
                }
                if (!rec->tombstone) {
                        st->ev.ctx.row = rec->row;
                        if (!sl_expr_eval_pred(pred, &st->ev.ctx)) {
                                if (!table)
                                        continue;
                                rec->tombstone = true;
                        }
                } else if (!table) {
                        continue;
                }
                /* a table change whose old and new rows both fail is no change (Kafka Streams'
                 * KTableFilter with old values) */
                if (table && rec->tombstone && old_tracked && !rec->old_row)
                        continue;
                batch->recs[kept++] = *rec;
        }
        batch->len = kept;
        sl_exec_eval_report(op, &st->ev);
        return sl_op_forward(op, batch, err);
}

const sl_op_class sl_op_filter_class = {
        .name = "FILTER",
        .size = sizeof(filter_state),
        .open = filter_open,
        .process = filter_process,
        .close = filter_close,
};
