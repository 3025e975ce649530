/* op_window_session.c: SESSION aggregation. A session of a key is a run of its records no further
 * apart than the gap; it spans [first record time, last record time].
 *
 * Walk through WINDOW SESSION (30 SECONDS) for one key:
 *   t=10000  no session within [10000 - 30000, 10000 + 30000]: a new session [10000,10000] with
 *            the record accumulated is stored and emitted.
 *   t=70000  nothing within [40000, 100000]: a second session [70000,70000].
 *   t=40000  both sessions lie within [10000, 70000]: they merge with the record into
 *            [10000,70000]. Their states are merged (the aggregate's merge), the record is
 *            accumulated, the two old sessions are removed -- each emitted as a tombstone of its
 *            windowed key, as Kafka Streams does -- and the merged session is stored and emitted.
 * Stream time is the largest record time seen; a merged session ending before the close time,
 * stream time - gap - grace (a session may still grow by a gap), is late: the record is dropped and
 * counted. Output records are stamped with the session end.
 *
 * EMIT FINAL: no update is emitted; once the close time has moved past the last one that emitted,
 * the sessions of every key ending in [last close, close) are read back and emitted, ordered by
 * end, then key, then start. */
#include "exec/op.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "exec/exec_int.h"

typedef struct window_session_state {
        sl_op base;             /* must be first: op.c casts to it */
        sl_exec_agg ag;         /* the calls */
        sl_state_session *ss;   /* the sessions (the task's) */
        sl_batch out;           /* emitted changes, in the input batch's arena */
        int64_t stream_time;    /* largest event time seen (INT64_MIN before any) */
        int64_t *starts;        /* sessions found for the current record: starts and ends */
        int64_t *ends;
        size_t cap;             /* allocated entries of starts/ends */
        uint64_t late;          /* records dropped as late */
        int64_t last_emit;      /* EMIT FINAL: close time of the last emission, INT64_MIN: none */
} window_session_state;


static sl_err window_session_open(sl_op *op, sl_err_detail *err)
{
        window_session_state *st = (window_session_state *)op;
        const sl_plan_node *node = op->node;
        sl_state_session_opts so = {.retention_ms = node->u.aggregate.retention_ms};

        sl_exec_agg_init(&st->ag, node, op->task->plan);
        sl_batch_init(&st->out, NULL);
        st->stream_time = INT64_MIN;
        st->last_emit = INT64_MIN;
        return sl_task_session_store(op->task, node->u.aggregate.store, &so, &st->ss, err);
}

static void window_session_close(sl_op *op)
{
        window_session_state *st = (window_session_state *)op;

        sl_exec_agg_deinit(&st->ag);
        sl_batch_deinit(&st->out);
        sl_free(st->starts);
        sl_free(st->ends);
}

/* Emits the change of session [start, end] of the current key: its agg row, or a tombstone. */
static void emit(sl_op *op, const sl_rec *rec, sl_batch *batch, int64_t start, int64_t end, bool tombstone)
{
        window_session_state *st = (window_session_state *)op;

        sl_exec_agg_emit_window(op, &st->ag, &st->out, batch, rec->row, rec, start, end, end)->tombstone = tombstone;
}

/* One record: find overlapping sessions, merge, store, emit. */
static sl_err session_one(sl_op *op, const sl_rec *rec, sl_batch *batch, sl_err_detail *err)
{
        window_session_state *st = (window_session_state *)op;
        const sl_plan_node *node = op->node;
        int64_t gap = node->u.aggregate.size_ms, grace = node->u.aggregate.grace_ms;
        sl_slice key = SL_SLICE(st->ag.key.data, st->ag.key.len);
        int64_t mstart = rec->ts, mend = rec->ts, ts;
        sl_state_session_iter *it = NULL;
        sl_state_session_rec srec;
        size_t n = 0;
        sl_err rc;

        if (rec->ts > st->stream_time)
                st->stream_time = rec->ts;
        if ((rc = sl_exec_agg_load(&st->ag, batch->arena, NULL, false, &ts, err)) != SL_OK)
                return rc;
        if ((rc = sl_state_session_find(st->ss, key, rec->ts - gap, rec->ts + gap, &it, err)) != SL_OK)
                return rc;
        while (sl_state_session_iter_next(it, &srec)) {
                int64_t sts;

                if ((rc = sl_exec_agg_load(&st->ag, batch->arena, &srec.value, true, &sts, err)) != SL_OK)
                        goto done;
                sl_exec_agg_merge(op, &st->ag, batch->arena);
                if (n == st->cap) {
                        st->cap = st->cap ? 2 * st->cap : 8;
                        st->starts = sl_realloc(st->starts, st->cap * sizeof(*st->starts));
                        st->ends = sl_realloc(st->ends, st->cap * sizeof(*st->ends));
                }
                st->starts[n] = srec.start;
                st->ends[n] = srec.end;
                n++;
                if (srec.start < mstart)
                        mstart = srec.start;
                if (srec.end > mend)
                        mend = srec.end;
        }
        if ((rc = sl_state_session_iter_error(it, err)) != SL_OK)
                goto done;
        sl_state_session_iter_free(it);
        it = NULL;
        if (mend < st->stream_time - grace - gap) {
                char reason[160];

                st->late++;
                snprintf(reason, sizeof(reason), "record at %lld is late for session [%lld, %lld], closed at stream time %lld",
                         (long long)rec->ts, (long long)mstart, (long long)mend, (long long)st->stream_time);
                sl_proclog_add(op->task->log, SL_PROCLOG_LATE, 1, NULL, rec->partition, rec->offset, reason);
                goto done;
        }
        if (mstart != rec->ts || mend != rec->ts) {
                for (size_t i = 0; i < n && !node->u.aggregate.emit_final; i++) {
                        if ((rc = sl_state_session_remove(st->ss, key, st->starts[i], st->ends[i], st->ends[i], err)) !=
                            SL_OK)
                                goto done;
                        emit(op, rec, batch, st->starts[i], st->ends[i], true);
                }
                for (size_t i = 0; i < n && node->u.aggregate.emit_final; i++)
                        if ((rc = sl_state_session_remove(st->ss, key, st->starts[i], st->ends[i], st->ends[i], err)) !=
                            SL_OK)
                                goto done;
        }
        sl_exec_agg_apply(op, &st->ag, batch->arena, rec->row, false);
        sl_exec_agg_encode(&st->ag, mend);
        if ((rc = sl_state_session_put(st->ss, key, mstart, mend, SL_SLICE(st->ag.value.data, st->ag.value.len), mend,
                                       NULL, err)) != SL_OK)
                goto done;
        if (!node->u.aggregate.emit_final)
                emit(op, rec, batch, mstart, mend, false);
done:
        sl_state_session_iter_free(it);
        return rc;
}

static int final_cmp(const void *a, const void *b)
{
        const sl_exec_agg_final *x = a, *y = b;
        int c;

        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        if ((c = sl_slice_cmp(x->key, y->key)) != 0)
                return c;
        return x->start < y->start ? -1 : x->start > y->start;
}

/* EMIT FINAL: emits the sessions that closed since the last emission. */
static sl_err emit_final(sl_op *op, const sl_rec *rec, sl_batch *batch, sl_err_detail *err)
{
        window_session_state *st = (window_session_state *)op;
        const sl_plan_node *node = op->node;
        int64_t close = st->stream_time - node->u.aggregate.grace_ms - node->u.aggregate.size_ms;
        int64_t lower = st->last_emit == INT64_MIN ? 0 : st->last_emit;
        sl_state_session_iter *it = NULL;
        sl_state_session_rec sr;
        sl_exec_agg_finals ss = {0};
        sl_err rc;

        if (st->last_emit != INT64_MIN && st->last_emit >= close)
                return SL_OK;
        if (close <= 0 || lower > close - 1)
                return SL_OK;
        if ((rc = sl_state_session_find_range(st->ss, NULL, NULL, lower, INT64_MAX, &it, err)) != SL_OK)
                return rc;
        while (sl_state_session_iter_next(it, &sr))
                if (sr.end <= close - 1)
                        sl_exec_agg_final_add(&ss, batch->arena, sr.start, sr.end, sr.key, sr.value);
        rc = sl_state_session_iter_error(it, err);
        sl_state_session_iter_free(it);
        if (rc == SL_OK && (rc = sl_exec_agg_final_emit(op, &st->ag, &ss, final_cmp, &st->out, batch, rec, err)) ==
                                   SL_OK)
                st->last_emit = close;
        sl_free(ss.items);
        return rc;
}

static sl_err window_session_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        window_session_state *st = (window_session_state *)op;
        sl_err rc;

        sl_batch_clear(&st->out);
        st->out.arena = batch->arena;
        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];

                if (rec->tombstone || rec->ts < 0 || !sl_exec_agg_key(&st->ag, rec->row))
                        continue;
                if ((rc = session_one(op, rec, batch, err)) != SL_OK)
                        return rc;
                if (op->node->u.aggregate.emit_final && (rc = emit_final(op, rec, batch, err)) != SL_OK)
                        return rc;
        }
        return sl_op_forward(op, &st->out, err);
}

const sl_op_class sl_op_window_session_class = {
        .name = "SESSION_AGGREGATE",
        .size = sizeof(window_session_state),
        .open = window_session_open,
        .process = window_session_process,
        .close = window_session_close,
};
