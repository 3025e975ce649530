/* op_group_by.c: the GROUP BY step before an aggregation. Evaluates the group keys and every
 * aggregate call's arguments over the input row into one row (keys first, as the repartition
 * topic's key and the aggregate's store key want them). A row with a NULL group key belongs to no
 * group and is dropped, as ksqlDB drops it; a stream record without a value is ignored.
 *
 * A table input carries changes (rec->old_row, op_source.c): each becomes up to two rows, the undo
 * of the old row and the addition of the new one (the mode slot says which), so that the aggregate
 * subtracts what the row contributed before and adds what it contributes now -- even when the
 * change moves the row to another group (and, through the repartition topic, to another
 * partition). When both rows fall in the same group the undo is quiet: the group then changes
 * once, as ksqlDB emits it. */
#include "exec/op.h"

#include "exec/exec_int.h"
#include "types/compare.h"

typedef struct group_by_state {
        sl_op base;        /* must be first: op.c casts to it */
        sl_exec_eval ev;   /* evaluation context */
        sl_batch out;      /* rows out, in the input batch's arena */
} group_by_state;

static sl_err group_by_open(sl_op *op, sl_err_detail *err)
{
        group_by_state *st = (group_by_state *)op;

        (void)err;
        sl_exec_eval_init(&st->ev, op->task->plan);
        sl_batch_init(&st->out, NULL);
        return SL_OK;
}

static void group_by_close(sl_op *op)
{
        group_by_state *st = (group_by_state *)op;

        sl_exec_eval_deinit(&st->ev);
        sl_batch_deinit(&st->out);
}

/* Evaluates `in` (a row of the input) into a new output record; drops rows with a NULL key. */
static sl_value *eval(group_by_state *st, const sl_value *in, sl_batch *batch)
{
        const sl_plan_node *node = st->base.node;
        size_t n = node->u.group_by.n;
        sl_value *row = sl_batch_row_new(batch, node->width);

        st->ev.ctx.row = in;
        for (size_t c = 0; c < n; c++) {
                sl_expr_eval(node->u.group_by.progs[c], &st->ev.ctx, &row[c]);
                if (c < node->u.group_by.nkeys && row[c].kind == SL_TYPE_NULL)
                        return NULL;
        }
        return row;
}

/* Same group keys? */
static bool same_keys(const sl_plan_node *node, const sl_value *a, const sl_value *b)
{
        for (size_t k = 0; k < node->u.group_by.nkeys; k++)
                if (sl_value_cmp(&a[k], &b[k]) != 0)
                        return false;
        return true;
}

static void emit(group_by_state *st, const sl_rec *rec, sl_value *row, int mode)
{
        const sl_plan_node *node = st->base.node;
        sl_rec *o;

        if (!row)
                return;
        if (node->u.group_by.undo)
                row[node->u.group_by.n] = sl_value_int(mode);
        o = sl_batch_push(&st->out);
        *o = *rec;
        o->row = row;
        o->old_row = NULL;
        o->width = (uint32_t)node->width;
        o->tombstone = false;
        o->null_key = false;
        o->windowed = false;
}

static sl_err group_by_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        group_by_state *st = (group_by_state *)op;
        bool table = op->node->u.group_by.undo;

        sl_batch_clear(&st->out);
        st->out.arena = batch->arena;
        st->ev.ctx.arena = batch->arena;
        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_value *old = table && rec->old_row ? eval(st, rec->old_row, batch) : NULL;
                sl_value *row = !rec->tombstone ? eval(st, rec->row, batch) : NULL;

                emit(st, rec, old, row && old && same_keys(op->node, old, row) ? SL_PLAN_AGG_UNDO_QUIET : SL_PLAN_AGG_UNDO);
                emit(st, rec, row, SL_PLAN_AGG_ADD);
        }
        sl_exec_eval_report(op, &st->ev);
        return sl_op_forward(op, &st->out, err);
}

const sl_op_class sl_op_group_by_class = {
        .name = "GROUP_BY",
        .size = sizeof(group_by_state),
        .open = group_by_open,
        .process = group_by_process,
        .close = group_by_close,
};
