/* op_join_stream_table.c: placeholder, replaced below. */
#include "exec/op.h"

static sl_err join_open(sl_op *op, sl_err_detail *err)
{
        (void)op;
        return sl_err_set(err, SL_ERR_UNSUPPORTED, "join");
}

static sl_err join_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        return sl_op_forward(op, batch, err);
}

const sl_op_class sl_op_join_stream_table_class = {
        .name = "JOIN",
        .size = sizeof(sl_op),
        .open = join_open,
        .process = join_process,
        .process_right = join_process,
};
