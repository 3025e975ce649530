/* op_suppress.c: EMIT FINAL. Holds back the changes of a windowed aggregation and emits one row per
 * window once it has closed: when stream time (the largest timestamp of the changes this operator
 * has seen) reaches the window's end plus the grace period, as Kafka Streams' suppress
 * (untilWindowCloses) does.
 *
 * The buffer is the kv store "KTABLE-SUPPRESS-STATE-STORE" (with its changelog, so a restart
 * neither loses nor repeats windows beyond at-least-once), keyed by
 * window end || window start || group key, so that closed windows form a prefix of the key order:
 * each flush scans from the start up to the first window still open. A value is the change's
 * timestamp then the agg row as a keyenc tuple; a tombstone (a session merged away) removes the
 * window's entry. */
#include "exec/op.h"

#include "common/mem.h"
#include "exec/exec_int.h"
#include "types/keyenc.h"

typedef struct suppress_state {
        sl_op base;           /* must be first: op.c casts to it */
        sl_state_kv *kv;      /* the buffer (the task's) */
        sl_buf key;           /* scratch key */
        sl_buf value;         /* scratch value */
        sl_batch out;         /* emitted rows */
        const sl_type **types;/* the row's column types, for decoding */
        size_t nkeys;         /* group keys: row slots 0..nkeys */
        int64_t grace;        /* the aggregate's grace period */
        int64_t stream_time;  /* largest change timestamp seen */
        const char *time_key; /* buffer key of the persisted stream time ("" sorts first: kept apart) */
} suppress_state;

static sl_err suppress_open(sl_op *op, sl_err_detail *err)
{
        suppress_state *st = (suppress_state *)op;
        const sl_plan_node *node = op->node;
        sl_slice v;
        bool found;
        sl_err rc;

        sl_buf_init(&st->key);
        sl_buf_init(&st->value);
        sl_batch_init(&st->out, NULL);
        st->types = sl_calloc(node->width + 1, sizeof(*st->types));
        for (size_t i = 0; i < node->width; i++)
                st->types[i] = node->cols[i].type;
        while (st->nkeys < node->width && node->cols[st->nkeys].key)
                st->nkeys++;
        st->grace = node->input->u.aggregate.grace_ms;
        st->stream_time = INT64_MIN;
        if ((rc = sl_task_kv_store(op->task, "KTABLE-SUPPRESS-STATE-STORE", &st->kv, err)) != SL_OK)
                return rc;
        /* the stream time lives under the one key that is not 16+ bytes long */
        if ((rc = sl_state_kv_get(st->kv, SL_SLICE("T", 1), &v, &found, err)) != SL_OK)
                return rc;
        if (found && v.len == 8)
                st->stream_time = (int64_t)sl_load_be64(v.ptr);
        return SL_OK;
}

static void suppress_close(sl_op *op)
{
        suppress_state *st = (suppress_state *)op;

        sl_buf_deinit(&st->key);
        sl_buf_deinit(&st->value);
        sl_batch_deinit(&st->out);
        sl_free(st->types);
}

/* end and start, sign-flipped big-endian so that memcmp order is time order */
static void append_time(sl_buf *b, int64_t t)
{
        sl_buf_append_be64(b, (uint64_t)t ^ (1ULL << 63));
}

static int64_t load_time(const uint8_t *p)
{
        return (int64_t)(sl_load_be64(p) ^ (1ULL << 63));
}

/* Emits and removes every buffered window closed at stream time. */
static sl_err emit_closed(suppress_state *st, sl_batch *batch, sl_err_detail *err)
{
        sl_op *op = &st->base;
        const sl_plan_node *node = op->node;
        sl_state_kv_iter *it = NULL;
        sl_slice k, v;
        sl_buf done;
        sl_err rc;

        sl_buf_init(&done);
        sl_buf_reset(&st->key);
        append_time(&st->key, INT64_MIN);
        if ((rc = sl_state_kv_range(st->kv, &SL_SLICE(st->key.data, st->key.len), NULL, &it, err)) != SL_OK)
                goto out;
        while (sl_state_kv_iter_next(it, &k, &v)) {
                int64_t end, start, ts;
                sl_value *row;
                sl_rec *o;

                if (k.len < 16 || v.len < 8)
                        continue;
                end = load_time(k.ptr);
                start = load_time(k.ptr + 8);
                if (end + st->grace > st->stream_time)
                        break;
                row = sl_batch_row_new(batch, node->width);
                ts = (int64_t)sl_load_be64(v.ptr);
                if ((rc = sl_keyenc_decode_tuple(batch->arena, st->types, node->width, SL_SLICE(v.ptr + 8, v.len - 8),
                                                 row, err)) != SL_OK)
                        goto out;
                o = sl_exec_emit(&st->out, node, row, ts);
                o->windowed = true;
                o->win_start = start;
                o->win_end = end;
                /* keys to delete after the scan */
                sl_buf_append_be32(&done, (uint32_t)k.len);
                sl_buf_append(&done, k.ptr, k.len);
        }
        if ((rc = sl_state_kv_iter_error(it, err)) != SL_OK)
                goto out;
        sl_state_kv_iter_free(it);
        it = NULL;
        for (size_t pos = 0; pos + 4 <= done.len;) {
                uint32_t len = (uint32_t)done.data[pos] << 24 | (uint32_t)done.data[pos + 1] << 16 |
                               (uint32_t)done.data[pos + 2] << 8 | done.data[pos + 3];

                if ((rc = sl_state_kv_delete(st->kv, SL_SLICE(done.data + pos + 4, len), st->stream_time, err)) !=
                    SL_OK)
                        goto out;
                pos += 4 + len;
        }
out:
        sl_state_kv_iter_free(it);
        sl_buf_deinit(&done);
        return rc;
}

static sl_err suppress_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        suppress_state *st = (suppress_state *)op;
        const sl_plan_node *node = op->node;
        int64_t before = st->stream_time;
        sl_err rc;

        sl_batch_clear(&st->out);
        st->out.arena = batch->arena;
        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];

                if (!rec->windowed)
                        continue;
                if (rec->ts > st->stream_time)
                        st->stream_time = rec->ts;
                sl_buf_reset(&st->key);
                append_time(&st->key, rec->win_end);
                append_time(&st->key, rec->win_start);
                sl_keyenc_append_tuple(&st->key, rec->row, st->nkeys);
                if (rec->tombstone) {
                        rc = sl_state_kv_delete(st->kv, SL_SLICE(st->key.data, st->key.len), rec->ts, err);
                } else {
                        sl_buf_reset(&st->value);
                        sl_buf_append_be64(&st->value, (uint64_t)rec->ts);
                        sl_keyenc_append_tuple(&st->value, rec->row, node->width);
                        rc = sl_state_kv_put(st->kv, SL_SLICE(st->key.data, st->key.len),
                                             SL_SLICE(st->value.data, st->value.len), rec->ts, err);
                }
                if (rc != SL_OK)
                        return rc;
        }
        if (st->stream_time > before) {
                sl_buf_reset(&st->value);
                sl_buf_append_be64(&st->value, (uint64_t)st->stream_time);
                if ((rc = sl_state_kv_put(st->kv, SL_SLICE("T", 1), SL_SLICE(st->value.data, 8), st->stream_time,
                                          err)) != SL_OK)
                        return rc;
                if ((rc = emit_closed(st, batch, err)) != SL_OK)
                        return rc;
        }
        return sl_op_forward(op, &st->out, err);
}

const sl_op_class sl_op_suppress_class = {
        .name = "SUPPRESS",
        .size = sizeof(suppress_state),
        .open = suppress_open,
        .process = suppress_process,
        .close = suppress_close,
};
