/* op_window_time.c: TUMBLING and HOPPING aggregation. A record at event time t belongs to every
 * window [s, s + size) with s a multiple of the advance (the size for TUMBLING) and s <= t < s + size.
 *
 * Walk through WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, GRACE PERIOD 2 SECONDS) for
 * one key:
 *   t=12000  windows [5000,15000) and [10000,20000): each state is read from the window store
 *            "Aggregate-Aggregate-Materialize" under (key, start), accumulated, written back, and an
 *            agg row with WINDOWSTART/WINDOWEND goes downstream, its record windowed (the sink writes
 *            the window after the key bytes, as Kafka Streams' windowed serdes do).
 *   t=23000  stream time (the largest t this operator has seen) becomes 23000; windows ending at or
 *            before 23000 - 2000 = 21000 are closed.
 *   t=9000   its windows [0,10000) and [5000,15000) end before 21000: the record is late. Each closed
 *            window it would have updated is skipped and counted as a late record in the processing
 *            log (Kafka Streams' dropped-records), and nothing is emitted.
 * With a write cache (and no HAVING, no EMIT FINAL) the states of the windows a batch updates stay
 * decoded until the batch's end, which writes and emits each window once with its last state, in
 * the order of their last updates (Kafka Streams' caching: EMIT CHANGES may skip intermediate
 * results).
 * The store keeps windows for the retention (max(RETENTION, size + grace)) and expires older ones
 * by segment. After a restart the stream time starts from the store's (the largest window start
 * written), so late records stay late.
 *
 * EMIT FINAL (Kafka Streams' emit-on-window-close, which ksqlDB uses): updates are not emitted;
 * after each record, once the close time (stream time - grace) has moved past the last one that
 * emitted, the windows of every key with start in (last close - size, close - size] that the store
 * still retains are read back and emitted, ordered by start then key, stamped with their stored
 * timestamps. By default such a store retains a window only until size + grace past its start. */
#include "exec/op.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "exec/exec_int.h"

typedef struct window_time_state {
        sl_op base;            /* must be first: op.c casts to it */
        sl_exec_agg ag;        /* the calls */
        sl_state_window *ws;   /* the window states (the task's) */
        sl_batch out;          /* emitted changes, in the input batch's arena */
        int64_t stream_time;   /* largest event time seen (INT64_MIN before any) */
        uint64_t late;         /* windows skipped as closed */
        bool need_old;         /* a HAVING filter follows: changes carry the previous agg row */
        int64_t last_emit;     /* EMIT FINAL: close time of the last emission, INT64_MIN: none */
} window_time_state;

static sl_err window_time_open(sl_op *op, sl_err_detail *err)
{
        window_time_state *st = (window_time_state *)op;
        const sl_plan_node *node = op->node;
        sl_state_window_opts wo = {
                .retention_ms = node->u.aggregate.retention_ms,
                .window_size_ms = node->u.aggregate.size_ms,
        };
        sl_err rc;

        sl_exec_agg_init(&st->ag, node, op->task->plan);
        sl_batch_init(&st->out, NULL);
        st->stream_time = INT64_MIN;
        st->need_old = op->next && op->next->node->kind == SL_PLAN_FILTER;
        st->last_emit = INT64_MIN;
        if ((rc = sl_task_window_store(op->task, node->u.aggregate.store, &wo, &st->ws, err)) != SL_OK)
                return rc;
        st->stream_time = sl_state_window_stream_time(st->ws);
        return SL_OK;
}

static void window_time_close(sl_op *op)
{
        window_time_state *st = (window_time_state *)op;

        sl_exec_agg_deinit(&st->ag);
        sl_batch_deinit(&st->out);
}

static void count_late(sl_op *op, const sl_rec *rec, int64_t start, int64_t end)
{
        window_time_state *st = (window_time_state *)op;
        char reason[160];

        st->late++;
        snprintf(reason, sizeof(reason), "record at %lld is late for window [%lld, %lld), closed at stream time %lld",
                 (long long)rec->ts, (long long)start, (long long)end, (long long)st->stream_time);
        sl_proclog_add(op->task->log, SL_PROCLOG_LATE, 1, NULL, rec->partition, rec->offset, reason);
}

static int final_cmp(const void *a, const void *b)
{
        const sl_exec_agg_final *x = a, *y = b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return sl_slice_cmp(x->key, y->key);
}

/* EMIT FINAL: emits the windows that closed since the last emission. */
static sl_err emit_final(sl_op *op, const sl_rec *rec, sl_batch *batch, sl_err_detail *err)
{
        window_time_state *st = (window_time_state *)op;
        const sl_plan_node *node = op->node;
        int64_t size = node->u.aggregate.size_ms;
        int64_t close = st->stream_time - node->u.aggregate.grace_ms, lower, upper;
        sl_state_window_iter *it = NULL;
        sl_state_window_rec wr;
        sl_exec_agg_finals wins = {0};
        sl_err rc;

        if (st->last_emit != INT64_MIN && st->last_emit >= close)
                return SL_OK;
        upper = close - size;
        if (upper < 0)
                return SL_OK;
        lower = st->last_emit == INT64_MIN ? 0 : (st->last_emit - size > 0 ? st->last_emit - size : 0) + 1;
        if (lower > upper)
                return SL_OK;
        if ((rc = sl_state_window_fetch_range(st->ws, NULL, NULL, lower, upper, &it, err)) != SL_OK)
                return rc;
        while (sl_state_window_iter_next(it, &wr))
                sl_exec_agg_final_add(&wins, batch->arena, wr.start, wr.start + size, wr.key, wr.value);
        rc = sl_state_window_iter_error(it, err);
        sl_state_window_iter_free(it);
        if (rc == SL_OK && (rc = sl_exec_agg_final_emit(op, &st->ag, &wins, final_cmp, &st->out, batch, rec, err)) ==
                                   SL_OK)
                st->last_emit = close;
        sl_free(wins.items);
        return rc;
}

/* The start of the first window containing `ts`: the smallest multiple of advance > ts - size. */
static int64_t first_window(const sl_plan_node *node, int64_t ts)
{
        int64_t size = node->u.aggregate.size_ms, advance = node->u.aggregate.advance_ms;
        int64_t first = ts - size + advance;

        return first < 0 ? 0 : first - first % advance;
}

/* Writes and emits the windows updated by the batch, once each (process_cached). */
static sl_err flush_slots(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        window_time_state *st = (window_time_state *)op;
        int64_t size = op->node->u.aggregate.size_ms;
        sl_exec_agg_slot **slots;
        size_t n;
        sl_err rc;

        slots = sl_exec_agg_slots(&st->ag, &n);
        for (size_t i = 0; i < n; i++) {
                sl_exec_agg_slot *slot = slots[i];
                bool dropped = false;

                sl_exec_agg_slot_take(&st->ag, slot);
                sl_exec_agg_encode(&st->ag, slot->ts);
                if ((rc = sl_state_window_put(st->ws, slot->key, slot->start,
                                              &SL_SLICE(st->ag.value.data, st->ag.value.len), slot->ts, &dropped,
                                              err)) != SL_OK)
                        return rc;
                if (dropped) {
                        count_late(op, slot->rec, slot->start, slot->start + size);
                        continue;
                }
                sl_exec_agg_emit_window(op, &st->ag, &st->out, batch, slot->rec->row, slot->rec, slot->start,
                                        slot->start + size, slot->ts);
        }
        return SL_OK;
}

/* With a write cache, emitting changes without HAVING: each window of each group is read, written
 * and emitted once per batch, with its last state (slots, exec_int.h), as Kafka Streams' caching
 * window store forwards a window once per flush. */
static sl_err process_cached(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        window_time_state *st = (window_time_state *)op;
        const sl_plan_node *node = op->node;
        int64_t size = node->u.aggregate.size_ms, advance = node->u.aggregate.advance_ms;
        sl_err rc;

        sl_exec_agg_slots_begin(&st->ag);
        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                int64_t close;

                if (rec->tombstone || rec->ts < 0 || !sl_exec_agg_key(&st->ag, rec->row))
                        continue;
                if (rec->ts > st->stream_time)
                        st->stream_time = rec->ts;
                close = st->stream_time - node->u.aggregate.grace_ms;
                for (int64_t start = first_window(node, rec->ts); start <= rec->ts; start += advance) {
                        sl_slice key = SL_SLICE(st->ag.key.data, st->ag.key.len), stored;
                        sl_exec_agg_slot *slot;
                        int64_t ts;
                        bool found;

                        if (start + size <= close) {
                                count_late(op, rec, start, start + size);
                                continue;
                        }
                        if ((slot = sl_exec_agg_slot_get(&st->ag, key, start)) != NULL) {
                                sl_exec_agg_slot_take(&st->ag, slot);
                                ts = slot->ts;
                        } else if ((rc = sl_state_window_get(st->ws, key, start, &stored, &found, err)) != SL_OK ||
                                   (rc = sl_exec_agg_load(&st->ag, batch->arena, found ? &stored : NULL, false, &ts,
                                                          err)) != SL_OK) {
                                return rc;
                        }
                        sl_exec_agg_apply(op, &st->ag, batch->arena, rec->row, false);
                        sl_exec_agg_slot_keep(&st->ag, batch->arena, slot, key, start, rec,
                                              rec->ts > ts ? rec->ts : ts);
                }
        }
        if ((rc = flush_slots(op, batch, err)) != SL_OK)
                return rc;
        return sl_op_forward(op, &st->out, err);
}

static sl_err window_time_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        window_time_state *st = (window_time_state *)op;
        const sl_plan_node *node = op->node;
        int64_t size = node->u.aggregate.size_ms, advance = node->u.aggregate.advance_ms;
        int64_t grace = node->u.aggregate.grace_ms;
        sl_err rc;

        sl_batch_clear(&st->out);
        st->out.arena = batch->arena;
        if (!sl_task_state_write_through(op->task) && !st->need_old && !node->u.aggregate.emit_final)
                return process_cached(op, batch, err);
        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_slice key;
                int64_t close;

                if (rec->tombstone || rec->ts < 0 || !sl_exec_agg_key(&st->ag, rec->row))
                        continue;
                key = SL_SLICE(st->ag.key.data, st->ag.key.len);
                if (rec->ts > st->stream_time)
                        st->stream_time = rec->ts;
                close = st->stream_time - grace;
                for (int64_t start = first_window(node, rec->ts); start <= rec->ts; start += advance) {
                        int64_t end = start + size, ts;
                        sl_slice stored;
                        bool found, dropped = false;
                        sl_value *old = NULL;
                        sl_rec *o;

                        if (end <= close) {
                                count_late(op, rec, start, end);
                                continue;
                        }
                        if ((rc = sl_state_window_get(st->ws, key, start, &stored, &found, err)) != SL_OK)
                                return rc;
                        if ((rc = sl_exec_agg_load(&st->ag, batch->arena, found ? &stored : NULL, false, &ts, err)) !=
                            SL_OK)
                                return rc;
                        if (found && st->need_old)
                                old = sl_exec_agg_row(op, &st->ag, batch, rec->row, true, start, end);
                        sl_exec_agg_apply(op, &st->ag, batch->arena, rec->row, false);
                        if (rec->ts > ts)
                                ts = rec->ts;
                        sl_exec_agg_encode(&st->ag, ts);
                        if ((rc = sl_state_window_put(st->ws, key, start,
                                                      &SL_SLICE(st->ag.value.data, st->ag.value.len), ts, &dropped,
                                                      err)) != SL_OK)
                                return rc;
                        if (dropped) {
                                count_late(op, rec, start, end);
                                continue;
                        }
                        if (node->u.aggregate.emit_final)
                                continue;
                        o = sl_exec_agg_emit_window(op, &st->ag, &st->out, batch, rec->row, rec, start, end, ts);
                        o->old_row = old;
                        /* the key bytes are reused by the next window */
                        key = SL_SLICE(st->ag.key.data, st->ag.key.len);
                }
                if (node->u.aggregate.emit_final && (rc = emit_final(op, rec, batch, err)) != SL_OK)
                        return rc;
        }
        return sl_op_forward(op, &st->out, err);
}

const sl_op_class sl_op_window_time_class = {
        .name = "WINDOW_AGGREGATE",
        .size = sizeof(window_time_state),
        .open = window_time_open,
        .process = window_time_process,
        .close = window_time_close,
};
