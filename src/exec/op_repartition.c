/* op_repartition.c: PARTITION BY. The projection before it has already computed the new key
 * columns (the first columns of the row), so re-keying is done by the time a record gets here.
 * When the plan sends rows `through` an internal topic (_sluice_<queryid>-<n>-repartition, for a
 * stateful step after it that needs records co-partitioned by the new key), this operator ends its
 * sub-topology: it writes each record to that topic, partitioned by the new key, and the next
 * sub-topology's source reads it back. Otherwise it forwards the batch unchanged and the sink's
 * producer partitions by the new key, which is how ksqlDB writes a stream's PARTITION BY result. */
#include "exec/op.h"

#include "exec/exec_int.h"

typedef struct repartition_state {
        sl_op base;        /* must be first: op.c casts to it */
        sl_exec_writer w;  /* serializer buffers for the internal topic */
} repartition_state;

static sl_err repartition_open(sl_op *op, sl_err_detail *err)
{
        (void)err;
        sl_exec_writer_init(&((repartition_state *)op)->w, &op->node->u.repartition.topic);
        return SL_OK;
}

static void repartition_close(sl_op *op)
{
        sl_exec_writer_deinit(&((repartition_state *)op)->w);
}

static sl_err repartition_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        repartition_state *st = (repartition_state *)op;

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
