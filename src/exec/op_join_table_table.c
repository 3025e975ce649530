/* op_join_table_table.c: table-table joins on primary keys (INNER, LEFT, RIGHT, FULL OUTER), as
 * Kafka Streams' KTableKTable*Join processors join changes. Each input's latest row per key is kept
 * in its store; a change of one side (an update or a tombstone) is stored, the other side's row of
 * the same key is looked up, and the result row of that key is re-emitted:
 *   INNER  only when the other side has a row: the joined row, or a tombstone when this side's row
 *          was deleted;
 *   LEFT   left changes always emit (the right columns NULL without a match; a delete is a
 *          tombstone); right changes emit only when the left has a row (NULL right columns when
 *          the right row was deleted). RIGHT mirrors LEFT;
 *   FULL   emits the row of whichever sides still have one, a tombstone when neither has.
 * A change that finds nothing to join and had no previous row emits nothing. The result's time is
 * the later of the change's and the other side's row's. Each result carries the result row it
 * replaces as old_row (NULL when the key had none), for table steps after the join. */
#include "exec/op.h"

#include "exec/join_int.h"
#include "exec/task.h"

typedef struct tt_state {
        sl_op base;          /* must be first: op.c casts to it */
        sl_exec_join j;      /* shared join helpers */
        sl_state_kv *left;   /* left key -> stored left row */
        sl_state_kv *right;  /* right key -> stored right row */
} tt_state;

static sl_err tt_open(sl_op *op, sl_err_detail *err)
{
        tt_state *st = (tt_state *)op;
        sl_err rc;

        sl_exec_join_init(&st->j, op);
        if ((rc = sl_exec_join_kv(&st->j, op->node->u.join.left_store, &st->left, err)) != SL_OK)
                return rc;
        return sl_exec_join_kv(&st->j, op->node->u.join.right_store, &st->right, err);
}

static void tt_close(sl_op *op)
{
        sl_exec_join_deinit(&((tt_state *)op)->j);
}

static sl_err tt_side(sl_op *op, sl_batch *batch, bool right, sl_err_detail *err)
{
        tt_state *st = (tt_state *)op;
        sl_ast_join_kind kind = op->node->u.join.kind;
        sl_state_kv *mine = right ? st->right : st->left, *other = right ? st->left : st->right;
        /* does this side keep rows without a match on the other (LEFT for the left side ...)? */
        bool mine_outer = kind == SL_AST_JOIN_FULL || (kind == SL_AST_JOIN_LEFT && !right) ||
                          (kind == SL_AST_JOIN_RIGHT && right);
        bool other_outer = kind == SL_AST_JOIN_FULL || (kind == SL_AST_JOIN_LEFT && right) ||
                           (kind == SL_AST_JOIN_RIGHT && !right);
        sl_err rc;

        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_slice key, v, old;
                sl_value kv, *row, *oldrow = NULL;
                bool found = false, had = false, old_result;
                int64_t ts = rec->ts, ots = 0;

                if (!sl_exec_join_key(&st->j, right, batch->arena, rec, &kv))
                        continue;
                key = SL_SLICE(st->j.key.data, st->j.key.len);
                if ((rc = sl_state_kv_get(mine, key, &old, &had, err)) != SL_OK)
                        return rc;
                if (had) {
                        int64_t ots0;

                        oldrow = sl_exec_join_row(&st->j);
                        if ((rc = sl_exec_join_decode(&st->j, right, batch->arena, old, oldrow, &ots0, err)) != SL_OK)
                                return rc;
                }
                if (rec->tombstone) {
                        if (!had)
                                continue; /* deleting nothing changes nothing */
                        rc = sl_state_kv_delete(mine, key, rec->ts, err);
                } else {
                        sl_exec_join_encode(&st->j, right, rec->row, rec->ts);
                        rc = sl_state_kv_put(mine, key, SL_SLICE(st->j.val.data, st->j.val.len), rec->ts, err);
                }
                if (rc != SL_OK)
                        return rc;
                if ((rc = sl_state_kv_get(other, key, &v, &found, err)) != SL_OK)
                        return rc;
                row = sl_exec_join_row(&st->j);
                if (found) {
                        if ((rc = sl_exec_join_decode(&st->j, !right, batch->arena, v, row, &ots, err)) != SL_OK)
                                return rc;
                        if (ots > ts)
                                ts = ots;
                }
                /* the result this change replaces: the old row of this side with the other's */
                old_result = (had && (found || mine_outer)) || (!had && found && other_outer);
                if (old_result) {
                        if (!oldrow)
                                oldrow = sl_exec_join_row(&st->j);
                        sl_exec_join_copy(&st->j, !right, oldrow, row);
                } else {
                        oldrow = NULL;
                }
                if (!rec->tombstone)
                        sl_exec_join_copy(&st->j, right, row, rec->row);
                if (!found && !mine_outer)
                        continue;
                if (rec->tombstone) {
                        /* this side's row is gone: the other side alone when it keeps it */
                        sl_exec_join_emit(&st->j, rec, row, &kv, ts, !(found && other_outer));
                        sl_exec_join_set_old(&st->j, oldrow);
                        continue;
                }
                sl_exec_join_emit(&st->j, rec, row, &kv, ts, false);
                sl_exec_join_set_old(&st->j, oldrow);
        }
        return sl_exec_join_flush_out(&st->j, err);
}

static sl_err tt_left(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        return tt_side(op, batch, false, err);
}

static sl_err tt_right(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        return tt_side(op, batch, true, err);
}

const sl_op_class sl_op_join_table_table_class = {
        .name = "JOIN",
        .size = sizeof(tt_state),
        .open = tt_open,
        .process = tt_left,
        .process_right = tt_right,
        .close = tt_close,
};
