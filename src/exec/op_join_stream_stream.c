/* op_join_stream_stream.c: windowed stream-stream joins (INNER, LEFT, RIGHT, FULL OUTER) with
 * Kafka Streams 3.x semantics (KStreamKStreamJoin), which ksqlDB's results follow.
 *
 * Both inputs are buffered in window stores keyed by the join key, one entry per record at its
 * event time (retain_duplicates), kept for before + after + grace. A left record at time t joins
 * every right record of its key in [t - before, t + after] (a right record at t: left records in
 * [t - after, t + before]); each match is emitted at once, at the later of the two times. Stream
 * time is shared by both inputs (the highest time seen).
 *
 * Records of the outer side(s) without a match:
 *   - without GRACE PERIOD (ksqlDB's legacy JoinWindows.of) they are emitted at once, NULL-padded,
 *     even if a match arrives later (which then emits the joined row too): the "spurious" results;
 *   - with GRACE PERIOD they wait in the outer store until their window has closed, that is until
 *     stream time passes t + after + grace (right records: t + before + grace); a match arriving
 *     before that removes them. The store is swept, oldest first, when a record arrives that does
 *     not lag stream time, before that record is joined. A record whose window has closed already
 *     when it arrives is emitted NULL-padded at once.
 * Records with a NULL key or value are dropped. Example (LEFT, WITHIN 1 MINUTE GRACE PERIOD 1
 * MINUTE): left A@0 waits; right a@60000 matches it (A,a)@60000 and removes it; left B@330000
 * waits; left C@90000 (key 2) arrives with its window closed and is emitted (C,NULL)@90000. */
#include "exec/op.h"

#include <string.h>

#include "exec/join_int.h"
#include "exec/task.h"
#include "types/keyenc.h"

typedef struct ss_state {
        sl_op base;             /* must be first: op.c casts to it */
        sl_exec_join j;         /* shared join helpers */
        sl_state_window *ws[2]; /* left, right buffers: join key -> rows by time */
        sl_state_kv *outer;     /* with GRACE: unmatched outer rows, by time, side, key, sequence */
        int64_t before, after;  /* WITHIN (before, after) */
        int64_t grace;          /* effective grace */
        int64_t stream_time;    /* highest time seen on either side, -1 before any */
        uint64_t seq;           /* sequence of outer entries (duplicates of one key and time) */
        sl_buf okey;            /* outer store key being built */
} ss_state;

static sl_err ss_open(sl_op *op, sl_err_detail *err)
{
        ss_state *st = (ss_state *)op;
        const sl_plan_node *node = op->node;
        sl_state_window_opts wo = {0};
        sl_err rc;

        sl_exec_join_init(&st->j, op);
        sl_buf_init(&st->okey);
        st->before = node->u.join.before_ms;
        st->after = node->u.join.after_ms;
        /* JoinWindows.of(): 24 hours less twice the time difference */
        st->grace = node->u.join.grace_ms >= 0 ? node->u.join.grace_ms
                                               : (86400000 - 2 * st->before > 0 ? 86400000 - 2 * st->before : 0);
        st->stream_time = -1;
        wo.window_size_ms = st->before + st->after;
        wo.retention_ms = st->before + st->after + st->grace;
        if (wo.retention_ms <= 0)
                wo.retention_ms = 1;
        wo.retain_duplicates = true;
        if ((rc = sl_exec_join_window(&st->j, node->u.join.left_store, &wo, &st->ws[0], err)) != SL_OK ||
            (rc = sl_exec_join_window(&st->j, node->u.join.right_store, &wo, &st->ws[1], err)) != SL_OK)
                return rc;
        if (node->u.join.grace_ms >= 0 && node->u.join.kind != SL_AST_JOIN_INNER)
                return sl_exec_join_kv(&st->j, node->u.join.outer_store, &st->outer, err);
        return SL_OK;
}

static void ss_close(sl_op *op)
{
        ss_state *st = (ss_state *)op;

        sl_buf_deinit(&st->okey);
        sl_exec_join_deinit(&st->j);
}

/* Is `right` (the side) an outer side of the join? */
static bool outer_side(const sl_op *op, bool right)
{
        sl_ast_join_kind kind = op->node->u.join.kind;

        return kind == SL_AST_JOIN_FULL || (kind == SL_AST_JOIN_LEFT && !right) || (kind == SL_AST_JOIN_RIGHT && right);
}

/* time (order-preserving) || side (0 right, 1 left, as Kafka Streams orders them) || key */
static void outer_prefix(ss_state *st, int64_t ts, bool right, sl_slice key)
{
        uint8_t side = right ? 0 : 1;

        sl_buf_reset(&st->okey);
        sl_buf_append_be64(&st->okey, (uint64_t)ts ^ UINT64_C(0x8000000000000000));
        sl_buf_append(&st->okey, &side, 1);
        sl_buf_append(&st->okey, key.ptr, key.len);
}

/* Emits the outer rows whose window has closed, oldest first, and forgets them. */
static sl_err sweep(ss_state *st, const sl_rec *from, sl_arena *arena, sl_err_detail *err)
{
        const sl_type *ktype = st->base.node->u.join.left_key->type;
        sl_state_kv_iter *it = NULL;
        sl_slice k, v;
        sl_err rc;
        int64_t longest = st->before > st->after ? st->before : st->after;

        if ((rc = sl_state_kv_all(st->outer, &it, err)) != SL_OK)
                return rc;
        while (sl_state_kv_iter_next(it, &k, &v)) {
                int64_t ts, vts;
                bool right;
                sl_value key, *row;
                size_t pos = 9;
                sl_buf copy;

                if (k.len < 9 + 8)
                        continue;
                ts = (int64_t)(sl_load_be64(k.ptr) ^ UINT64_C(0x8000000000000000));
                right = k.ptr[8] == 0;
                if (ts + longest + st->grace >= st->stream_time)
                        break; /* this and every later entry is still open */
                if (ts + (right ? st->before : st->after) + st->grace >= st->stream_time)
                        continue;
                row = sl_exec_join_row(&st->j);
                if ((rc = sl_exec_join_decode(&st->j, right, arena, v, row, &vts, err)) != SL_OK ||
                    (rc = sl_keyenc_decode(arena, ktype, k, &pos, &key, err)) != SL_OK)
                        goto done;
                sl_exec_join_emit(&st->j, from, row, &key, ts, false);
                /* the key is borrowed from the iterator: delete through a copy */
                sl_buf_init(&copy);
                sl_buf_append(&copy, k.ptr, k.len);
                rc = sl_state_kv_delete(st->outer, SL_SLICE(copy.data, copy.len), ts, err);
                sl_buf_deinit(&copy);
                if (rc != SL_OK)
                        goto done;
        }
        rc = sl_state_kv_iter_error(it, err);
done:
        sl_state_kv_iter_free(it);
        return rc;
}

/* Forgets the waiting outer rows of side `right` at `ts` for the current key (they matched). */
static sl_err unwait(ss_state *st, int64_t ts, bool right, sl_err_detail *err)
{
        sl_state_kv_iter *it = NULL;
        sl_slice k, v;
        sl_buf keys;
        size_t n = 0;
        sl_err rc;

        outer_prefix(st, ts, right, SL_SLICE(st->j.key.data, st->j.key.len));
        if ((rc = sl_state_kv_prefix(st->outer, SL_SLICE(st->okey.data, st->okey.len), &it, err)) != SL_OK)
                return rc;
        sl_buf_init(&keys);
        while (sl_state_kv_iter_next(it, &k, &v)) {
                sl_buf_append(&keys, k.ptr, k.len);
                n++;
        }
        rc = sl_state_kv_iter_error(it, err);
        sl_state_kv_iter_free(it);
        /* every entry of the prefix has the same length: prefix + 8-byte sequence */
        for (size_t i = 0; rc == SL_OK && i < n; i++) {
                size_t len = keys.len / n;

                rc = sl_state_kv_delete(st->outer, SL_SLICE(keys.data + i * len, len), ts, err);
        }
        sl_buf_deinit(&keys);
        return rc;
}

static sl_err ss_side(sl_op *op, sl_batch *batch, bool right, sl_err_detail *err)
{
        ss_state *st = (ss_state *)op;
        sl_state_window *mine = st->ws[right], *other = st->ws[!right];
        sl_err rc;

        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_state_window_iter *it = NULL;
                sl_state_window_rec w;
                sl_slice key;
                sl_value kv, *row;
                int64_t ts = rec->ts, from, to;
                bool matched = false;

                if (rec->tombstone || !sl_exec_join_key(&st->j, right, batch->arena, rec, &kv))
                        continue;
                key = SL_SLICE(st->j.key.data, st->j.key.len);
                sl_exec_join_encode(&st->j, right, rec->row, ts);
                if ((rc = sl_state_window_put(mine, key, ts, &(sl_slice){st->j.val.data, st->j.val.len}, ts, NULL,
                                              err)) != SL_OK)
                        return rc;
                if (ts > st->stream_time)
                        st->stream_time = ts;
                if (st->outer && ts == st->stream_time && (rc = sweep(st, rec, batch->arena, err)) != SL_OK)
                        return rc;
                from = ts - (right ? st->after : st->before);
                to = ts + (right ? st->before : st->after);
                if (from < 0)
                        from = 0;
                if (to < 0)
                        to = 0;
                if ((rc = sl_state_window_fetch(other, key, from, to, &it, err)) != SL_OK)
                        return rc;
                while (sl_state_window_iter_next(it, &w)) {
                        int64_t ots;

                        row = sl_exec_join_row(&st->j);
                        sl_exec_join_copy(&st->j, right, row, rec->row);
                        if ((rc = sl_exec_join_decode(&st->j, !right, batch->arena, w.value, row, &ots, err)) != SL_OK)
                                break;
                        if (st->outer && (rc = unwait(st, w.start, !right, err)) != SL_OK)
                                break;
                        matched = true;
                        sl_exec_join_emit(&st->j, rec, row, &kv, ts > ots ? ts : ots, false);
                }
                if (rc == SL_OK)
                        rc = sl_state_window_iter_error(it, err);
                sl_state_window_iter_free(it);
                if (rc != SL_OK)
                        return rc;
                if (matched || !outer_side(op, right))
                        continue;
                if (!st->outer || to < st->stream_time) {
                        row = sl_exec_join_row(&st->j);
                        sl_exec_join_copy(&st->j, right, row, rec->row);
                        sl_exec_join_emit(&st->j, rec, row, &kv, ts, false);
                        continue;
                }
                outer_prefix(st, ts, right, key);
                sl_buf_append_be64(&st->okey, st->seq++);
                if ((rc = sl_state_kv_put(st->outer, SL_SLICE(st->okey.data, st->okey.len),
                                          SL_SLICE(st->j.val.data, st->j.val.len), ts, err)) != SL_OK)
                        return rc;
        }
        return sl_exec_join_flush_out(&st->j, err);
}

static sl_err ss_left(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        return ss_side(op, batch, false, err);
}

static sl_err ss_right(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        return ss_side(op, batch, true, err);
}

const sl_op_class sl_op_join_stream_stream_class = {
        .name = "JOIN",
        .size = sizeof(ss_state),
        .open = ss_open,
        .process = ss_left,
        .process_right = ss_right,
        .close = ss_close,
};
