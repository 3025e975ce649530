/* op_aggregate.c: non-windowed aggregation (GROUP BY without WINDOW), and the aggregation core the
 * windowed operators share (exec_int.h: sl_exec_agg_*).
 *
 * Input rows come from GROUP_BY (op_group_by.c): the group keys first, then every aggregate call's
 * arguments, then, for a table input, an undo flag. For each row the group's states are read from
 * the kv store "Aggregate-Aggregate-Materialize" (or initialized), the row is accumulated (or, when
 * flagged, undone: ksqlDB's TableUdaf), the states are written back, and the agg row (group keys,
 * WINDOWSTART/WINDOWEND NULL, the aggregate results) goes downstream as a table change stamped with
 * the larger of the record's and the stored timestamp, as Kafka Streams' timestamped stores do.
 *
 * Every update is emitted (ksqlDB with cache.max.bytes.buffering=0). With a write cache the store
 * reports each key once per flush to its changelog; downstream still sees each update, except that
 * within one batch only the last update of each group is forwarded. Over a stream without HAVING
 * the states of a batch's groups stay decoded in slots (exec_int.h) until the batch's end, which
 * writes and emits each group once, in the order of their last updates. */
#include "exec/op.h"

#include <stdlib.h>
#include <string.h>

#include "common/map.h"
#include "common/mem.h"
#include "exec/exec_int.h"
#include "types/keyenc.h"

/* ---- the aggregation core (exec_int.h) ---- */

void sl_exec_agg_init(sl_exec_agg *ag, const sl_plan_node *node, const sl_plan *plan)
{
        size_t n = node->u.aggregate.naggs;

        memset(ag, 0, sizeof(*ag));
        ag->node = node;
        ag->fctx = sl_calloc(n + 1, sizeof(*ag->fctx));
        ag->states = sl_calloc(n + 1, sizeof(*ag->states));
        ag->scratch = sl_calloc(n + 1, sizeof(*ag->scratch));
        for (size_t i = 0; i < n; i++) {
                ag->fctx[i].res = node->u.aggregate.aggs[i].res;
                ag->fctx[i].udata = ag->fctx[i].res && ag->fctx[i].res->ov ? ag->fctx[i].res->ov->udata : NULL;
                ag->fctx[i].err = &ag->ferr;
        }
        sl_buf_init(&ag->key);
        sl_buf_init(&ag->value);
        sl_buf_init(&ag->slot_key);
        sl_map_init(&ag->slots, false);
        sl_exec_eval_init(&ag->ev, plan);
}

void sl_exec_agg_deinit(sl_exec_agg *ag)
{
        for (size_t i = 0; ag->fctx && i < ag->node->u.aggregate.naggs; i++)
                sl_func_ctx_release(&ag->fctx[i]);
        sl_free(ag->fctx);
        sl_free(ag->states);
        sl_free(ag->scratch);
        sl_buf_deinit(&ag->key);
        sl_buf_deinit(&ag->value);
        sl_buf_deinit(&ag->slot_key);
        sl_map_deinit(&ag->slots);
        sl_free(ag->order);
        sl_exec_eval_deinit(&ag->ev);
}

bool sl_exec_agg_key(sl_exec_agg *ag, const sl_value *row)
{
        size_t nkeys = ag->node->u.aggregate.nkeys;

        sl_buf_reset(&ag->key);
        for (size_t k = 0; k < nkeys; k++)
                if (row[k].kind == SL_TYPE_NULL)
                        return false;
        sl_keyenc_append_tuple(&ag->key, row, nkeys);
        return true;
}

sl_err sl_exec_agg_decode_key(sl_exec_agg *ag, sl_arena *arena, sl_slice key, sl_value *keys, sl_err_detail *err)
{
        const sl_plan_node *node = ag->node;
        size_t nkeys = node->u.aggregate.nkeys;
        const sl_type *types[64];

        if (nkeys > 64)
                return sl_err_set(err, SL_ERR_LIMIT, "too many group keys");
        for (size_t k = 0; k < nkeys; k++)
                types[k] = node->cols[k].type;
        return sl_keyenc_decode_tuple(arena, types, nkeys, key, keys, err);
}

/* The error of a failed call to the processing log's expression count. */
static void call_failed(sl_exec_agg *ag, const char *what)
{
        ag->ev.ctx.errors++;
        sl_err_set(&ag->ev.ctx.last_error, SL_ERR_INVALID, "%s: %s", what, ag->ferr.message);
}

/* Whether states of `type` are stored as raw bytes (exec_int.h). */
static bool raw_state(const sl_type *type)
{
        return type && (type->kind == SL_TYPE_STRING || type->kind == SL_TYPE_BYTES);
}

/* The states of a stored value (past its timestamp) into states[0..n). */
static sl_err decode_states(sl_arena *arena, const sl_type *const *types, size_t n, sl_slice in, sl_value *states,
                            sl_err_detail *err)
{
        size_t pos = 8;
        sl_err rc;

        for (size_t i = 0; i < n; i++) {
                size_t len;
                uint8_t *p;

                if (!raw_state(types[i])) {
                        if ((rc = sl_keyenc_decode(arena, types[i], in, &pos, &states[i], err)) != SL_OK)
                                return rc;
                        continue;
                }
                if (pos < in.len && in.ptr[pos] == 0x00) {
                        states[i] = sl_value_null();
                        pos++;
                        continue;
                }
                if (in.len - pos < 5 || in.ptr[pos] != 0x01 || in.len - pos - 5 < sl_load_be32(in.ptr + pos + 1))
                        return sl_err_set(err, SL_ERR_CORRUPT, "aggregate state %zu: bad length at byte %zu", i,
                                          pos);
                len = sl_load_be32(in.ptr + pos + 1);
                p = sl_arena_alloc(arena, len + 1);
                memcpy(p, in.ptr + pos + 5, len);
                p[len] = 0;
                states[i] = types[i]->kind == SL_TYPE_STRING ? sl_value_string((const char *)p, len)
                                                              : sl_value_bytes(p, len);
                pos += 5 + len;
        }
        if (pos != in.len)
                return sl_err_set(err, SL_ERR_CORRUPT, "aggregate states: %zu trailing bytes", in.len - pos);
        return SL_OK;
}

sl_err sl_exec_agg_load(sl_exec_agg *ag, sl_arena *arena, const sl_slice *stored, bool into_scratch, int64_t *ts,
                        sl_err_detail *err)
{
        const sl_plan_node *node = ag->node;
        size_t n = node->u.aggregate.naggs;
        sl_value *states = into_scratch ? ag->scratch : ag->states;

        *ts = -1;
        if (stored && stored->len >= 8) {
                *ts = (int64_t)sl_load_be64(stored->ptr);
                return decode_states(arena, node->u.aggregate.state_types, n, *stored, states, err);
        }
        for (size_t i = 0; i < n; i++) {
                sl_func_ctx *fc = &ag->fctx[i];

                fc->arena = arena;
                states[i] = sl_value_null();
                if (fc->res->ov->agg->init(fc, &states[i]) != SL_OK)
                        call_failed(ag, node->u.aggregate.aggs[i].name);
        }
        return SL_OK;
}

void sl_exec_agg_apply(sl_op *op, sl_exec_agg *ag, sl_arena *arena, const sl_value *row, bool undo)
{
        const sl_plan_node *node = ag->node;

        for (size_t i = 0; i < node->u.aggregate.naggs; i++) {
                sl_func_ctx *fc = &ag->fctx[i];
                const sl_func_agg_ops *ops = fc->res->ov->agg;
                const sl_value *args = &row[node->u.aggregate.arg_slot[i]];
                size_t nargs = node->u.aggregate.aggs[i].nargs;
                sl_value out = sl_value_null();
                sl_err rc;

                fc->arena = arena;
                if (undo && !ops->undo)
                        continue;
                rc = undo ? ops->undo(fc, &ag->states[i], args, nargs, &out)
                          : ops->accumulate(fc, &ag->states[i], args, nargs, &out);
                if (rc != SL_OK) {
                        call_failed(ag, node->u.aggregate.aggs[i].name);
                        continue;
                }
                ag->states[i] = out;
        }
        sl_exec_eval_report(op, &ag->ev);
}

void sl_exec_agg_merge(sl_op *op, sl_exec_agg *ag, sl_arena *arena)
{
        const sl_plan_node *node = ag->node;

        for (size_t i = 0; i < node->u.aggregate.naggs; i++) {
                sl_func_ctx *fc = &ag->fctx[i];
                const sl_func_agg_ops *ops = fc->res->ov->agg;
                sl_value out = sl_value_null();

                fc->arena = arena;
                if (!ops->merge)
                        continue;
                if (ops->merge(fc, &ag->states[i], &ag->scratch[i], &out) != SL_OK) {
                        call_failed(ag, node->u.aggregate.aggs[i].name);
                        continue;
                }
                ag->states[i] = out;
        }
        sl_exec_eval_report(op, &ag->ev);
}

void sl_exec_agg_encode(sl_exec_agg *ag, int64_t ts)
{
        const sl_plan_node *node = ag->node;

        sl_buf_reset(&ag->value);
        sl_buf_append_be64(&ag->value, (uint64_t)ts);
        for (size_t i = 0; i < node->u.aggregate.naggs; i++) {
                const sl_value *v = &ag->states[i];

                if (!raw_state(node->u.aggregate.state_types[i])) {
                        sl_keyenc_append(&ag->value, v);
                } else if (v->kind == SL_TYPE_NULL) {
                        sl_buf_append_u8(&ag->value, 0x00);
                } else {
                        sl_buf_append_u8(&ag->value, 0x01);
                        sl_buf_append_be32(&ag->value, v->len);
                        sl_buf_append(&ag->value, v->u.bytes, v->len);
                }
        }
}

/* ---- EMIT FINAL lists (exec_int.h) ---- */

void sl_exec_agg_final_add(sl_exec_agg_finals *f, sl_arena *arena, int64_t start, int64_t end, sl_slice key,
                           sl_slice value)
{
        sl_exec_agg_final *w;

        if (f->n == f->cap) {
                f->cap = f->cap ? 2 * f->cap : 16;
                f->items = sl_realloc(f->items, f->cap * sizeof(*f->items));
        }
        w = &f->items[f->n++];
        w->start = start;
        w->end = end;
        w->key = SL_SLICE(sl_arena_memdup(arena, key.ptr, key.len), key.len);
        w->value = SL_SLICE(sl_arena_memdup(arena, value.ptr, value.len), value.len);
}

sl_err sl_exec_agg_final_emit(sl_op *op, sl_exec_agg *ag, sl_exec_agg_finals *f, int (*cmp)(const void *, const void *),
                              sl_batch *out, sl_batch *batch, const sl_rec *rec, sl_err_detail *err)
{
        sl_value *keys = sl_batch_row_new(batch, ag->node->u.aggregate.nkeys + 1);
        sl_err rc = SL_OK;

        if (f->n)
                qsort(f->items, f->n, sizeof(*f->items), cmp);
        for (size_t i = 0; i < f->n && rc == SL_OK; i++)
                rc = sl_exec_agg_emit_stored(op, ag, out, batch, keys, rec, f->items[i].key, f->items[i].value,
                                             f->items[i].start, f->items[i].end, err);
        return rc;
}

/* ---- the batch's slots (exec_int.h) ---- */

void sl_exec_agg_slots_begin(sl_exec_agg *ag)
{
        if (sl_map_len(&ag->slots)) {
                sl_map_deinit(&ag->slots);
                sl_map_init(&ag->slots, false);
        }
        ag->nslots = 0;
        ag->seq = 0;
}

/* The map key of a slot into ag->slot_key. */
static sl_slice slot_key(sl_exec_agg *ag, sl_slice key, int64_t start)
{
        sl_buf_reset(&ag->slot_key);
        sl_buf_append(&ag->slot_key, key.ptr, key.len);
        sl_buf_append_be64(&ag->slot_key, (uint64_t)start);
        return SL_SLICE(ag->slot_key.data, ag->slot_key.len);
}

sl_exec_agg_slot *sl_exec_agg_slot_get(sl_exec_agg *ag, sl_slice key, int64_t start)
{
        sl_slice k = slot_key(ag, key, start);

        return sl_map_get(&ag->slots, k.ptr, k.len);
}

void sl_exec_agg_slot_take(sl_exec_agg *ag, const sl_exec_agg_slot *slot)
{
        memcpy(ag->states, slot->states, ag->node->u.aggregate.naggs * sizeof(*ag->states));
}

void sl_exec_agg_slot_keep(sl_exec_agg *ag, sl_arena *arena, sl_exec_agg_slot *slot, sl_slice key, int64_t start,
                           const sl_rec *rec, int64_t ts)
{
        size_t n = ag->node->u.aggregate.naggs;

        if (!slot) {
                sl_slice k = slot_key(ag, key, start);

                slot = sl_arena_alloc(arena, sizeof(*slot));
                slot->states = sl_arena_alloc(arena, (n ? n : 1) * sizeof(*slot->states));
                slot->start = start;
                slot->key = SL_SLICE(sl_arena_memdup(arena, key.ptr, key.len), key.len);
                sl_map_put(&ag->slots, k.ptr, k.len, slot);
                if (ag->nslots == ag->cap) {
                        ag->cap = ag->cap ? 2 * ag->cap : 64;
                        ag->order = sl_realloc(ag->order, ag->cap * sizeof(*ag->order));
                }
                ag->order[ag->nslots++] = slot;
        }
        memcpy(slot->states, ag->states, n * sizeof(*ag->states));
        slot->ts = ts;
        slot->rec = rec;
        slot->seq = ag->seq++;
}

static int slot_cmp(const void *a, const void *b)
{
        const sl_exec_agg_slot *x = *(sl_exec_agg_slot *const *)a, *y = *(sl_exec_agg_slot *const *)b;

        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

sl_exec_agg_slot **sl_exec_agg_slots(sl_exec_agg *ag, size_t *n)
{
        if (ag->nslots > 1)
                qsort(ag->order, ag->nslots, sizeof(*ag->order), slot_cmp);
        *n = ag->nslots;
        return ag->order;
}

sl_value *sl_exec_agg_row(sl_op *op, sl_exec_agg *ag, sl_batch *batch, const sl_value *keys, bool windowed,
                          int64_t start, int64_t end)
{
        const sl_plan_node *node = ag->node;
        size_t nkeys = node->u.aggregate.nkeys;
        sl_value *row = sl_batch_row_new(batch, node->width);

        for (size_t k = 0; k < nkeys; k++)
                row[k] = keys[k];
        if (windowed) {
                row[nkeys] = sl_value_bigint(start);
                row[nkeys + 1] = sl_value_bigint(end);
        }
        for (size_t i = 0; i < node->u.aggregate.naggs; i++) {
                sl_func_ctx *fc = &ag->fctx[i];
                sl_value out = sl_value_null();

                fc->arena = batch->arena;
                if (fc->res->ov->agg->result(fc, &ag->states[i], &out) != SL_OK) {
                        call_failed(ag, node->u.aggregate.aggs[i].name);
                        out = sl_value_null();
                }
                row[nkeys + 2 + i] = out;
        }
        sl_exec_eval_report(op, &ag->ev);
        return row;
}

sl_rec *sl_exec_emit(sl_batch *out, const sl_plan_node *node, sl_value *row, int64_t ts)
{
        sl_rec *rec = sl_batch_push(out);

        rec->row = row;
        rec->width = (uint32_t)node->width;
        rec->ts = ts;
        rec->partition = -1;
        rec->offset = -1;
        return rec;
}

sl_rec *sl_exec_agg_emit_window(sl_op *op, sl_exec_agg *ag, sl_batch *out, sl_batch *batch, const sl_value *keys,
                                const sl_rec *rec, int64_t start, int64_t end, int64_t ts)
{
        sl_rec *o = sl_exec_emit(out, op->node, sl_exec_agg_row(op, ag, batch, keys, true, start, end), ts);

        o->windowed = true;
        o->win_start = start;
        o->win_end = end;
        o->headers = rec->headers;
        o->nheaders = rec->nheaders;
        return o;
}

sl_err sl_exec_agg_emit_stored(sl_op *op, sl_exec_agg *ag, sl_batch *out, sl_batch *batch, sl_value *keys,
                               const sl_rec *rec, sl_slice key, sl_slice value, int64_t start, int64_t end,
                               sl_err_detail *err)
{
        int64_t ts;
        sl_err rc;

        if ((rc = sl_exec_agg_decode_key(ag, batch->arena, key, keys, err)) != SL_OK ||
            (rc = sl_exec_agg_load(ag, batch->arena, &value, false, &ts, err)) != SL_OK)
                return rc;
        sl_exec_agg_emit_window(op, ag, out, batch, keys, rec, start, end, ts);
        return SL_OK;
}

/* ---- the operator ---- */

typedef struct aggregate_state {
        sl_op base;        /* must be first: op.c casts to it */
        sl_exec_agg ag;    /* the calls */
        sl_state_kv *kv;   /* the group states (the task's) */
        sl_batch out;      /* emitted changes, in the input batch's arena */
        sl_map last;       /* group key -> index in out + 1: within a batch, last update only */
        bool need_old;     /* a HAVING filter follows: changes carry the previous agg row */
        sl_value *quiet_old; /* the agg row before a quiet undo (batch arena), for the addition */
} aggregate_state;

static sl_err aggregate_open(sl_op *op, sl_err_detail *err)
{
        aggregate_state *st = (aggregate_state *)op;

        sl_exec_agg_init(&st->ag, op->node, op->task->plan);
        sl_batch_init(&st->out, NULL);
        sl_map_init(&st->last, false);
        st->need_old = op->next && op->next->node->kind == SL_PLAN_FILTER;
        return sl_task_kv_store(op->task, op->node->u.aggregate.store, &st->kv, err);
}

static void aggregate_close(sl_op *op)
{
        aggregate_state *st = (aggregate_state *)op;

        sl_exec_agg_deinit(&st->ag);
        sl_batch_deinit(&st->out);
        sl_map_deinit(&st->last);
}

/* With a write cache: keeps only the last update of each group of the batch. */
static void keep_last(aggregate_state *st, sl_slice key)
{
        size_t idx = st->out.len; /* 1-based index of the record just emitted */
        void *prev = sl_map_get(&st->last, key.ptr, key.len);

        if (prev)
                st->out.recs[(size_t)(uintptr_t)prev - 1].row = NULL;
        sl_map_put(&st->last, key.ptr, key.len, (void *)(uintptr_t)idx);
}

/* With a write cache, over a stream without HAVING: each group is read, written and emitted once
 * per batch, with its last state (slots, exec_int.h). */
static sl_err process_cached(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        aggregate_state *st = (aggregate_state *)op;
        sl_exec_agg_slot **slots;
        size_t n;
        sl_err rc;

        sl_exec_agg_slots_begin(&st->ag);
        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_exec_agg_slot *slot;
                sl_slice key, stored;
                bool found;
                int64_t ts;

                if (rec->tombstone || !sl_exec_agg_key(&st->ag, rec->row))
                        continue;
                key = SL_SLICE(st->ag.key.data, st->ag.key.len);
                if ((slot = sl_exec_agg_slot_get(&st->ag, key, 0)) != NULL) {
                        sl_exec_agg_slot_take(&st->ag, slot);
                        ts = slot->ts;
                } else if ((rc = sl_state_kv_get(st->kv, key, &stored, &found, err)) != SL_OK ||
                           (rc = sl_exec_agg_load(&st->ag, batch->arena, found ? &stored : NULL, false, &ts, err)) !=
                                   SL_OK) {
                        return rc;
                }
                sl_exec_agg_apply(op, &st->ag, batch->arena, rec->row, false);
                sl_exec_agg_slot_keep(&st->ag, batch->arena, slot, key, 0, rec, rec->ts > ts ? rec->ts : ts);
        }
        slots = sl_exec_agg_slots(&st->ag, &n);
        for (size_t i = 0; i < n; i++) {
                sl_exec_agg_slot *slot = slots[i];
                sl_rec *o;

                sl_exec_agg_slot_take(&st->ag, slot);
                sl_exec_agg_encode(&st->ag, slot->ts);
                if ((rc = sl_state_kv_put(st->kv, slot->key, SL_SLICE(st->ag.value.data, st->ag.value.len), slot->ts,
                                          err)) != SL_OK)
                        return rc;
                o = sl_exec_emit(&st->out, op->node,
                                 sl_exec_agg_row(op, &st->ag, batch, slot->rec->row, false, 0, 0), slot->ts);
                o->headers = slot->rec->headers;
                o->nheaders = slot->rec->nheaders;
        }
        return sl_op_forward(op, &st->out, err);
}

static sl_err aggregate_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        aggregate_state *st = (aggregate_state *)op;
        const sl_plan_node *node = op->node;
        int undo_slot = node->u.aggregate.undo_slot;
        bool dedup = !sl_task_state_write_through(op->task) && batch->len > 1;
        sl_err rc;

        sl_batch_clear(&st->out);
        st->out.arena = batch->arena;
        st->quiet_old = NULL;
        if (dedup && undo_slot < 0 && !st->need_old)
                return process_cached(op, batch, err);
        if (dedup && sl_map_len(&st->last)) {
                sl_map_deinit(&st->last);
                sl_map_init(&st->last, false);
        }
        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                int mode = undo_slot >= 0 && rec->row[undo_slot].kind == SL_TYPE_INT ? rec->row[undo_slot].u.i32
                                                                                      : SL_PLAN_AGG_ADD;
                bool undo = mode != SL_PLAN_AGG_ADD;
                sl_slice stored;
                bool found;
                int64_t ts;
                sl_value *old = NULL;
                sl_rec *o;

                if (rec->tombstone || !sl_exec_agg_key(&st->ag, rec->row))
                        continue;
                if ((rc = sl_state_kv_get(st->kv, SL_SLICE(st->ag.key.data, st->ag.key.len), &stored, &found, err)) !=
                    SL_OK)
                        return rc;
                if ((rc = sl_exec_agg_load(&st->ag, batch->arena, found ? &stored : NULL, false, &ts, err)) != SL_OK)
                        return rc;
                if (found && st->need_old)
                        old = sl_exec_agg_row(op, &st->ag, batch, rec->row, false, 0, 0);
                sl_exec_agg_apply(op, &st->ag, batch->arena, rec->row, undo);
                if (rec->ts > ts)
                        ts = rec->ts;
                sl_exec_agg_encode(&st->ag, ts);
                if ((rc = sl_state_kv_put(st->kv, SL_SLICE(st->ag.key.data, st->ag.key.len),
                                          SL_SLICE(st->ag.value.data, st->ag.value.len), ts, err)) != SL_OK)
                        return rc;
                if (mode == SL_PLAN_AGG_UNDO_QUIET) {
                        /* the addition that follows emits; it must see the row before the undo */
                        st->quiet_old = old;
                        continue;
                }
                if (st->quiet_old) {
                        old = st->quiet_old;
                        st->quiet_old = NULL;
                }
                o = sl_exec_emit(&st->out, node, sl_exec_agg_row(op, &st->ag, batch, rec->row, false, 0, 0), ts);
                o->old_row = old;
                o->headers = rec->headers;
                o->nheaders = rec->nheaders;
                if (dedup)
                        keep_last(st, SL_SLICE(st->ag.key.data, st->ag.key.len));
        }
        if (dedup) {
                size_t kept = 0;

                for (size_t i = 0; i < st->out.len; i++)
                        if (st->out.recs[i].row)
                                st->out.recs[kept++] = st->out.recs[i];
                st->out.len = kept;
        }
        return sl_op_forward(op, &st->out, err);
}

const sl_op_class sl_op_aggregate_class = {
        .name = "AGGREGATE",
        .size = sizeof(aggregate_state),
        .open = aggregate_open,
        .process = aggregate_process,
        .close = aggregate_close,
};
