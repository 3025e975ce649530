/* op_repartition.c: PARTITION BY. The projection before it has already computed the new key
 * columns (the first columns of the row), so re-keying is done by the time a record gets here.
 * When the plan sends rows `through` an internal topic (_sluice_<queryid>-<n>-repartition, for a
 * stateful step after it that needs records co-partitioned by the new key), this operator ends its
 * sub-topology: it writes each record to that topic, partitioned by the new key, and the next
 * sub-topology's source reads it back. Otherwise it forwards the batch unchanged and the sink's
 * producer partitions by the new key, which is how ksqlDB writes a stream's PARTITION BY result. */
#include "exec/op.h"

#include <string.h>

#include "exec/exec_int.h"

typedef struct repartition_state {
        sl_op base;        /* must be first: op.c casts to it */
        sl_exec_writer w;  /* serializer buffers for the internal topic */
        sl_exec_eval ev;   /* joins: the key expression */
} repartition_state;

static sl_err repartition_open(sl_op *op, sl_err_detail *err)
{
        (void)err;
        sl_exec_writer_init(&((repartition_state *)op)->w, &op->node->u.repartition.topic);
        sl_exec_eval_init(&((repartition_state *)op)->ev, op->task->plan);
        return SL_OK;
}

static void repartition_close(sl_op *op)
{
        sl_exec_writer_deinit(&((repartition_state *)op)->w);
        sl_exec_eval_deinit(&((repartition_state *)op)->ev);
}

/* Joins: the row plus its new key in one more slot (a NULL key drops the record, as Kafka
 * Streams drops records it cannot join). */
static void rekey(repartition_state *st, sl_batch *batch)
{
        size_t w = st->base.node->width, kept = 0;

        st->ev.ctx.arena = batch->arena;
        for (size_t i = 0; i < batch->len; i++) {
                sl_rec *rec = &batch->recs[i];
                sl_value *row = sl_batch_row_new(batch, w);

                memcpy(row, rec->row, (rec->width < w - 1 ? rec->width : w - 1) * sizeof(*row));
                st->ev.ctx.row = rec->row;
                sl_expr_eval(st->base.node->u.repartition.key_prog, &st->ev.ctx, &row[w - 1]);
                if (row[w - 1].kind == SL_TYPE_NULL || rec->tombstone)
                        continue;
                rec->row = row;
                rec->width = (uint32_t)w;
                rec->null_key = false;
                batch->recs[kept++] = *rec;
        }
        batch->len = kept;
        sl_exec_eval_report(&st->base, &st->ev);
}

static sl_err repartition_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        repartition_state *st = (repartition_state *)op;

        if (op->node->u.repartition.key_prog)
                rekey(st, batch);
        if (!op->node->u.repartition.through)
                return sl_op_forward(op, batch, err);
        return sl_exec_writer_write(op, &st->w, &op->node->u.repartition.topic, -1, NULL, NULL, batch, err);
}

const sl_op_class sl_op_repartition_class = {
        .name = "REPARTITION",
        .size = sizeof(repartition_state),
        .open = repartition_open,
        .process = repartition_process,
        .close = repartition_close,
};
