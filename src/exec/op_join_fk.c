/* op_join_fk.c: foreign-key table-table joins (`ON L.FK = R.ID`, INNER and LEFT), with the
 * results Kafka Streams' subscription-based foreign-key join gives, keyed by the left table's
 * primary key. Three stores: the left rows by left key, the right rows by right key, and an index
 * (foreign key || left key) of which left rows point at which right key.
 *   left change   the row is stored and indexed under its new foreign key (the old index entry
 *                 goes when the key changed); it then joins the right row of that key: a match
 *                 emits the joined row; without one LEFT emits the left row with NULL right
 *                 columns and INNER emits a tombstone when the left row replaced an older one
 *                 (nothing for a new one). A delete emits a tombstone when there was a row.
 *   right change  the right row is stored (or deleted), and every left row indexed under its key
 *                 is re-emitted with it: joined, or for a delete NULL-padded (LEFT) or a
 *                 tombstone (INNER).
 * Results carry the time of the change that caused them, and the result row they replace as
 * old_row (NULL when the left key had none). */
#include "exec/op.h"

#include <string.h>

#include "exec/join_int.h"
#include "exec/task.h"
#include "types/keyenc.h"

typedef struct fk_state {
        sl_op base;          /* must be first: op.c casts to it */
        sl_exec_join j;      /* shared join helpers */
        sl_state_kv *left;   /* left key -> stored left row */
        sl_state_kv *right;  /* right key -> stored right row */
        sl_state_kv *index;  /* foreign key || left key -> empty */
        sl_buf pk;           /* encoded left key of the current record */
        sl_buf fk;           /* encoded foreign key (old, then new) */
        sl_buf ik;           /* index key being built */
} fk_state;

static sl_err fk_open(sl_op *op, sl_err_detail *err)
{
        fk_state *st = (fk_state *)op;
        sl_err rc;

        sl_exec_join_init(&st->j, op);
        sl_buf_init(&st->pk);
        sl_buf_init(&st->fk);
        sl_buf_init(&st->ik);
        if ((rc = sl_exec_join_kv(&st->j, op->node->u.join.left_store, &st->left, err)) != SL_OK ||
            (rc = sl_exec_join_kv(&st->j, op->node->u.join.right_store, &st->right, err)) != SL_OK)
                return rc;
        return sl_exec_join_kv(&st->j, op->node->u.join.outer_store, &st->index, err);
}

static void fk_close(sl_op *op)
{
        fk_state *st = (fk_state *)op;

        sl_buf_deinit(&st->pk);
        sl_buf_deinit(&st->fk);
        sl_buf_deinit(&st->ik);
        sl_exec_join_deinit(&st->j);
}

/* The left key (the key columns of the left input) of `row`. */
static void left_key(fk_state *st, const sl_value *row)
{
        const sl_plan_node *in = st->base.node->input;

        sl_buf_reset(&st->pk);
        for (size_t i = 0; i < in->width && i < st->base.node->u.join.right_lo; i++)
                if (in->cols[i].key)
                        sl_keyenc_append(&st->pk, &row[i]);
}

static sl_slice index_key(fk_state *st, sl_slice fk)
{
        sl_buf_reset(&st->ik);
        sl_buf_append(&st->ik, fk.ptr, fk.len);
        sl_buf_append(&st->ik, st->pk.data, st->pk.len);
        return SL_SLICE(st->ik.data, st->ik.len);
}

static sl_err fk_left(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        fk_state *st = (fk_state *)op;
        bool outer = op->node->u.join.kind == SL_AST_JOIN_LEFT;
        sl_err rc;

        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_slice pk, old, rv;
                bool had = false, has_old_fk = false, has_fk = false, found = false, found_old = false;
                sl_value *oldrow = NULL, *row, fkv = sl_value_null(), okv;
                int64_t ots;

                left_key(st, rec->row);
                pk = SL_SLICE(st->pk.data, st->pk.len);
                if ((rc = sl_state_kv_get(st->left, pk, &old, &had, err)) != SL_OK)
                        return rc;
                if (had) {
                        sl_rec orec = *rec;

                        oldrow = sl_exec_join_row(&st->j);
                        if ((rc = sl_exec_join_decode(&st->j, false, batch->arena, old, oldrow, &ots, err)) != SL_OK)
                                return rc;
                        orec.row = oldrow;
                        has_old_fk = sl_exec_join_key(&st->j, false, batch->arena, &orec, &okv);
                        sl_buf_reset(&st->fk);
                        sl_buf_append(&st->fk, st->j.key.data, st->j.key.len);
                        /* the result the left row had: with the right row of its old key */
                        if (has_old_fk &&
                            (rc = sl_state_kv_get(st->right, SL_SLICE(st->fk.data, st->fk.len), &rv, &found_old, err)) !=
                                    SL_OK)
                                return rc;
                        if (found_old && (rc = sl_exec_join_decode(&st->j, true, batch->arena, rv, oldrow, &ots, err)) !=
                                                 SL_OK)
                                return rc;
                }
                if (!rec->tombstone)
                        has_fk = sl_exec_join_key(&st->j, false, batch->arena, rec, &fkv);
                /* the old index entry goes when the foreign key changed */
                if (has_old_fk && (!has_fk || st->fk.len != st->j.key.len ||
                                   memcmp(st->fk.data, st->j.key.data, st->fk.len) != 0) &&
                    (rc = sl_state_kv_delete(st->index, index_key(st, SL_SLICE(st->fk.data, st->fk.len)), rec->ts,
                                             err)) != SL_OK)
                        return rc;
                if (rec->tombstone) {
                        if (!had)
                                continue;
                        if ((rc = sl_state_kv_delete(st->left, pk, rec->ts, err)) != SL_OK)
                                return rc;
                        sl_exec_join_emit(&st->j, rec, oldrow, &okv, rec->ts, true);
                        sl_exec_join_set_old(&st->j, found_old || outer ? oldrow : NULL);
                        continue;
                }
                sl_exec_join_encode(&st->j, false, rec->row, rec->ts);
                if ((rc = sl_state_kv_put(st->left, pk, SL_SLICE(st->j.val.data, st->j.val.len), rec->ts, err)) != SL_OK)
                        return rc;
                if (has_fk) {
                        sl_slice fk = SL_SLICE(st->j.key.data, st->j.key.len);

                        if ((rc = sl_state_kv_put(st->index, index_key(st, fk), SL_SLICE("", 0), rec->ts, err)) != SL_OK ||
                            (rc = sl_state_kv_get(st->right, fk, &rv, &found, err)) != SL_OK)
                                return rc;
                }
                row = sl_exec_join_row(&st->j);
                sl_exec_join_copy(&st->j, false, row, rec->row);
                if (found && (rc = sl_exec_join_decode(&st->j, true, batch->arena, rv, row, &ots, err)) != SL_OK)
                        return rc;
                if (found || outer)
                        sl_exec_join_emit(&st->j, rec, row, &fkv, rec->ts, false);
                else if (had)
                        sl_exec_join_emit(&st->j, rec, row, &fkv, rec->ts, true);
                else
                        continue;
                sl_exec_join_set_old(&st->j, had && (found_old || outer) ? oldrow : NULL);
        }
        return sl_exec_join_flush_out(&st->j, err);
}

static sl_err fk_right(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        fk_state *st = (fk_state *)op;
        bool outer = op->node->u.join.kind == SL_AST_JOIN_LEFT;
        sl_err rc;

        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_state_kv_iter *it = NULL;
                sl_slice fk, k, v, old;
                sl_value key, *rold = NULL;
                bool had = false;
                sl_buf keys;
                size_t nkeys = 0;

                if (!sl_exec_join_key(&st->j, true, batch->arena, rec, &key))
                        continue;
                sl_buf_reset(&st->fk);
                sl_buf_append(&st->fk, st->j.key.data, st->j.key.len);
                fk = SL_SLICE(st->fk.data, st->fk.len);
                if ((rc = sl_state_kv_get(st->right, fk, &old, &had, err)) != SL_OK)
                        return rc;
                if (had) {
                        int64_t ots;

                        rold = sl_exec_join_row(&st->j);
                        if ((rc = sl_exec_join_decode(&st->j, true, batch->arena, old, rold, &ots, err)) != SL_OK)
                                return rc;
                }
                if (rec->tombstone) {
                        if (!had)
                                continue;
                        rc = sl_state_kv_delete(st->right, fk, rec->ts, err);
                } else {
                        sl_exec_join_encode(&st->j, true, rec->row, rec->ts);
                        rc = sl_state_kv_put(st->right, fk, SL_SLICE(st->j.val.data, st->j.val.len), rec->ts, err);
                }
                if (rc != SL_OK)
                        return rc;
                /* the left keys pointing here (copied: lookups below move the iterator's store) */
                sl_buf_init(&keys);
                if ((rc = sl_state_kv_prefix(st->index, fk, &it, err)) != SL_OK) {
                        sl_buf_deinit(&keys);
                        return rc;
                }
                while (sl_state_kv_iter_next(it, &k, &v)) {
                        uint32_t len = (uint32_t)(k.len - fk.len);

                        sl_buf_append(&keys, &len, sizeof(len));
                        sl_buf_append(&keys, k.ptr + fk.len, len);
                        nkeys++;
                }
                rc = sl_state_kv_iter_error(it, err);
                sl_state_kv_iter_free(it);
                for (size_t off = 0, n = 0; rc == SL_OK && n < nkeys; n++) {
                        uint32_t len;
                        sl_slice lv;
                        bool found = false;
                        sl_value *row;
                        int64_t lts;

                        memcpy(&len, keys.data + off, sizeof(len));
                        off += sizeof(len);
                        rc = sl_state_kv_get(st->left, SL_SLICE(keys.data + off, len), &lv, &found, err);
                        off += len;
                        if (rc != SL_OK || !found)
                                continue;
                        row = sl_exec_join_row(&st->j);
                        if ((rc = sl_exec_join_decode(&st->j, false, batch->arena, lv, row, &lts, err)) != SL_OK)
                                break;
                        if (had || outer) {
                                /* the result this replaces: the left row with the old right row */
                                sl_value *prev = sl_exec_join_row(&st->j);

                                sl_exec_join_copy(&st->j, false, prev, row);
                                if (had)
                                        sl_exec_join_copy(&st->j, true, prev, rold);
                                if (!rec->tombstone)
                                        sl_exec_join_copy(&st->j, true, row, rec->row);
                                sl_exec_join_emit(&st->j, rec, row, &key, rec->ts, rec->tombstone && !outer);
                                sl_exec_join_set_old(&st->j, prev);
                                continue;
                        }
                        if (!rec->tombstone)
                                sl_exec_join_copy(&st->j, true, row, rec->row);
                        sl_exec_join_emit(&st->j, rec, row, &key, rec->ts, rec->tombstone && !outer);
                }
                sl_buf_deinit(&keys);
                if (rc != SL_OK)
                        return rc;
        }
        return sl_exec_join_flush_out(&st->j, err);
}

const sl_op_class sl_op_join_fk_class = {
        .name = "JOIN",
        .size = sizeof(fk_state),
        .open = fk_open,
        .process = fk_left,
        .process_right = fk_right,
        .close = fk_close,
};
