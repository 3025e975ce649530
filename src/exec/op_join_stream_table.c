/* op_join_stream_table.c: stream-table joins (INNER, LEFT). The table input (right) only updates
 * the operator's copy of the table, one stored row per join key (a tombstone deletes it); a
 * stream record (left) looks its key up and, as Kafka Streams' KStreamKTableJoin does, joins the
 * table's value as of its arrival: INNER emits only on a match, LEFT also emits the stream row
 * with NULL table columns. The result keeps the stream record's time. Stream records with a NULL
 * value are dropped; a NULL join key drops the record for INNER and pads it for LEFT. */
#include "exec/op.h"

#include "exec/join_int.h"
#include "exec/task.h"

typedef struct st_state {
        sl_op base;         /* must be first: op.c casts to it */
        sl_exec_join j;     /* shared join helpers */
        sl_state_kv *table; /* the table side: join key -> stored right row */
} st_state;

static sl_err st_open(sl_op *op, sl_err_detail *err)
{
        st_state *st = (st_state *)op;

        sl_exec_join_init(&st->j, op);
        return sl_exec_join_kv(&st->j, op->node->u.join.right_store, &st->table, err);
}

static void st_close(sl_op *op)
{
        sl_exec_join_deinit(&((st_state *)op)->j);
}

/* The table side: remember the latest row per key. */
static sl_err st_right(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        st_state *st = (st_state *)op;
        sl_err rc;

        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_value key;

                if (!sl_exec_join_key(&st->j, true, batch->arena, rec, &key))
                        continue;
                if (rec->tombstone) {
                        rc = sl_state_kv_delete(st->table, SL_SLICE(st->j.key.data, st->j.key.len), rec->ts, err);
                } else {
                        sl_exec_join_encode(&st->j, true, rec->row, rec->ts);
                        rc = sl_state_kv_put(st->table, SL_SLICE(st->j.key.data, st->j.key.len),
                                             SL_SLICE(st->j.val.data, st->j.val.len), rec->ts, err);
                }
                if (rc != SL_OK)
                        return rc;
        }
        return SL_OK;
}

/* The stream side: look each record's key up in the table. */
static sl_err st_left(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        st_state *st = (st_state *)op;
        bool left = op->node->u.join.kind == SL_AST_JOIN_LEFT;
        sl_err rc;

        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_value key, *row;
                sl_slice v;
                bool found = false;
                int64_t ts;

                if (rec->tombstone)
                        continue;
                if (sl_exec_join_key(&st->j, false, batch->arena, rec, &key) &&
                    (rc = sl_state_kv_get(st->table, SL_SLICE(st->j.key.data, st->j.key.len), &v, &found, err)) != SL_OK)
                        return rc;
                if (!found && !left)
                        continue;
                row = sl_exec_join_row(&st->j);
                sl_exec_join_copy(&st->j, false, row, rec->row);
                if (found && (rc = sl_exec_join_decode(&st->j, true, batch->arena, v, row, &ts, err)) != SL_OK)
                        return rc;
                sl_exec_join_emit(&st->j, rec, row, &key, rec->ts, false);
        }
        return sl_exec_join_flush_out(&st->j, err);
}

const sl_op_class sl_op_join_stream_table_class = {
        .name = "JOIN",
        .size = sizeof(st_state),
        .open = st_open,
        .process = st_left,
        .process_right = st_right,
        .close = st_close,
};
