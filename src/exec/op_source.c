/* op_source.c: the first operator of every task. Turns consumed records into rows of the
 * analyzer's input layout: the key bytes decode into the key columns, the value bytes into the
 * value columns (through the plan's serdes, into the per-batch arena), header columns come from the
 * record headers, and the pseudo block gets ROWTIME, ROWPARTITION and ROWOFFSET. Event time is the
 * record's timestamp, or the TIMESTAMP column when the source names one.
 *
 * A record whose key or value does not decode, or whose TIMESTAMP column is NULL, negative or
 * unparseable, is skipped, counted and logged to the processing log with the reason -- never a
 * crash. A record without a value (or a JSON null) is a tombstone: its key columns are decoded,
 * the rest is NULL, and later operators decide what it means (a table delete, a null stream row). */
#include "exec/op.h"

#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "exec/task.h"

typedef struct source_state {
        sl_op base;                /* must be first: op.c casts to it */
        sl_serde_scratch scratch;  /* the decoders' reusable stack */
        sl_value *keys;            /* decoded key columns, reused per record */
        sl_value *values;          /* decoded value columns, reused per record */
        bool keys_direct;          /* key slots are contiguous: decode straight into the row */
        bool values_direct;        /* value slots are contiguous: decode straight into the row */
        sl_func_ctx fctx;          /* PARSE_TIMESTAMP call site, when the TIMESTAMP column is text */
        sl_err_detail ferr;        /* its error slot */
        sl_state_kv *table;        /* a table source: latest record per key (timestamp || value bytes) */
        sl_buf stored;             /* scratch for a stored record */
} source_state;

static sl_err source_open(sl_op *op, sl_err_detail *err)
{
        source_state *st = (source_state *)op;
        const sl_plan_topic *t = &op->node->u.source.topic;

        (void)err;
        st->keys = sl_calloc(t->nkey + 1, sizeof(sl_value));
        st->values = sl_calloc(t->nvalue + 1, sizeof(sl_value));
        st->keys_direct = st->values_direct = true;
        for (size_t i = 1; i < t->nkey; i++)
                st->keys_direct &= t->key_slots[i] == t->key_slots[0] + i;
        for (size_t i = 1; i < t->nvalue; i++)
                st->values_direct &= t->value_slots[i] == t->value_slots[0] + i;
        st->keys_direct &= t->nkey > 0;
        st->values_direct &= t->nvalue > 0;
        st->fctx.res = op->node->u.source.ts_parse;
        st->fctx.err = &st->ferr;
        sl_buf_init(&st->stored);
        if (op->node->table && op->node->u.source.store && !op->node->u.source.internal)
                return sl_task_kv_store(op->task, op->node->u.source.store, &st->table, err);
        return SL_OK;
}

static void source_close(sl_op *op)
{
        source_state *st = (source_state *)op;

        sl_serde_scratch_deinit(&st->scratch);
        sl_func_ctx_release(&st->fctx);
        sl_buf_deinit(&st->stored);
        sl_free(st->keys);
        sl_free(st->values);
}

static void skip(sl_op *op, sl_proclog_kind kind, const sl_rec *rec, const char *what, const sl_err_detail *e)
{
        char reason[600];

        snprintf(reason, sizeof(reason), "%s: %s", what, e ? e->message : "");
        sl_proclog_add(op->task->log, kind, 1, op->node->u.source.topic.name, rec->partition, rec->offset, reason);
}

/* The HEADERS column: every header as STRUCT<KEY STRING, VALUE BYTES>, in record order. */
static sl_value all_headers(sl_arena *arena, const sl_type *type, const sl_rec *rec)
{
        sl_value *items, v;
        const sl_type *st = type->elem;

        if (type->kind != SL_TYPE_ARRAY || !st || st->kind != SL_TYPE_STRUCT || st->nfields != 2)
                return sl_value_null();
        v = sl_value_composite_new(arena, type, rec->nheaders, &items);
        for (size_t i = 0; i < rec->nheaders; i++) {
                sl_value *f;
                const sl_kafka_header *h = &rec->headers[i];

                items[i] = sl_value_composite_new(arena, st, 2, &f);
                f[0] = sl_value_string(h->key, strlen(h->key));
                f[1] = h->value.ptr ? sl_value_bytes(h->value.ptr, h->value.len) : sl_value_null();
        }
        return v;
}

/* HEADER('k'): the value of the last header called k, or NULL. */
static sl_value one_header(const char *key, const sl_rec *rec)
{
        for (size_t i = rec->nheaders; i-- > 0;)
                if (strcmp(rec->headers[i].key, key) == 0)
                        return rec->headers[i].value.ptr ? sl_value_bytes(rec->headers[i].value.ptr, rec->headers[i].value.len)
                                                         : sl_value_null();
        return sl_value_null();
}

/* Takes the window off the end of a windowed key (Kafka Streams' layout, see plan.h). */
static bool split_window(const sl_plan_topic *t, sl_rec *rec)
{
        size_t n = t->window == SL_CATALOG_WINDOW_SESSION ? 16 : 8;
        const uint8_t *w;

        if (rec->key.len < n)
                return false;
        w = rec->key.ptr + rec->key.len - n;
        if (t->window == SL_CATALOG_WINDOW_SESSION) {
                rec->win_end = (int64_t)sl_load_be64(w);
                rec->win_start = (int64_t)sl_load_be64(w + 8);
        } else {
                rec->win_start = (int64_t)sl_load_be64(w);
                rec->win_end = rec->win_start + t->window_size_ms;
        }
        rec->key.len -= n;
        rec->windowed = true;
        return true;
}

/* Event time from the TIMESTAMP column; false (reason in *why) when it has none. */
static bool column_time(source_state *st, sl_arena *arena, const sl_value *v, int64_t *ts, const char **why)
{
        const sl_plan_node *node = st->base.node;

        if (v->kind == SL_TYPE_BIGINT || v->kind == SL_TYPE_TIMESTAMP) {
                *ts = v->u.i64;
        } else if (v->kind == SL_TYPE_STRING && node->u.source.ts_parse) {
                sl_value args[2], out;

                args[0] = *v;
                args[1] = sl_value_string(node->u.source.ts_format, strlen(node->u.source.ts_format));
                st->fctx.arena = arena;
                if (sl_func_call(&st->fctx, args, 2, &out) != SL_OK || out.kind != SL_TYPE_TIMESTAMP) {
                        *why = "TIMESTAMP column does not parse with TIMESTAMP_FORMAT";
                        return false;
                }
                *ts = out.u.i64;
        } else {
                *why = "TIMESTAMP column is NULL";
                return false;
        }
        if (*ts < 0) {
                *why = "TIMESTAMP column is negative";
                return false;
        }
        return true;
}

/* A table change: the row the store held for the record's key becomes rec->old_row (its key
 * columns, its value columns decoded again, ROWTIME its time), and the store takes the new record
 * (or forgets the key for a tombstone). */
static sl_err materialize(source_state *st, sl_batch *batch, sl_rec *rec, const sl_value *row, sl_err_detail *err)
{
        const sl_plan_node *node = st->base.node;
        const sl_plan_topic *t = &node->u.source.topic;
        size_t pb = node->u.source.pseudo_base;
        sl_slice key = SL_SLICE(rec->key.ptr ? rec->key.ptr : (const uint8_t *)"", rec->key.len);
        sl_slice old;
        bool found, null_row = false;
        sl_err rc;

        rec->old_row = NULL;
        if ((rc = sl_state_kv_get(st->table, key, &old, &found, err)) != SL_OK)
                return rc;
        if (found && old.len >= 8) {
                sl_value *orow = sl_batch_row_new(batch, node->width);
                sl_err_detail e;

                for (size_t k = 0; k < t->nkey; k++)
                        orow[t->key_slots[k]] = row[t->key_slots[k]];
                if (sl_serde_deserialize(t->value_serde, SL_SLICE(old.ptr + 8, old.len - 8), batch->arena, &st->scratch,
                                         st->values, &null_row, &e) == SL_OK &&
                    !null_row) {
                        for (size_t k = 0; k < t->nvalue; k++)
                                orow[t->value_slots[k]] = st->values[k];
                        if (pb + SL_PSEUDO_ROWTIME < node->width)
                                orow[pb + SL_PSEUDO_ROWTIME] = sl_value_bigint((int64_t)sl_load_be64(old.ptr));
                        if (pb + SL_PSEUDO_ROWPARTITION < node->width)
                                orow[pb + SL_PSEUDO_ROWPARTITION] = sl_value_int(rec->partition);
                        rec->old_row = orow;
                }
        }
        if (rec->tombstone)
                return found ? sl_state_kv_delete(st->table, key, rec->ts, err) : SL_OK;
        sl_buf_reset(&st->stored);
        sl_buf_append_be64(&st->stored, (uint64_t)rec->ts);
        sl_buf_append(&st->stored, rec->value.ptr, rec->value.len);
        return sl_state_kv_put(st->table, key, SL_SLICE(st->stored.data, st->stored.len), rec->ts, err);
}

static sl_err source_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        source_state *st = (source_state *)op;
        const sl_plan_node *node = op->node;
        const sl_plan_topic *t = &node->u.source.topic;
        size_t pb = node->u.source.pseudo_base;
        sl_task *task = op->task;
        size_t kept = 0;

        for (size_t i = 0; i < batch->len; i++) {
                sl_rec *rec = &batch->recs[i];
                sl_value *row = sl_batch_row_new(batch, node->width);
                sl_err_detail e;
                bool null_row = false;

                sl_value *keys = st->keys_direct ? &row[t->key_slots[0]] : st->keys;

                if (t->window != SL_CATALOG_WINDOW_NONE && rec->key.ptr && !split_window(t, rec)) {
                        skip(op, SL_PROCLOG_DESERIALIZE, rec, "windowed key too short for its window", NULL);
                        continue;
                }
                sl_value *values = st->values_direct ? &row[t->value_slots[0]] : st->values;

                if (sl_serde_deserialize(t->key_serde, rec->key, batch->arena, &st->scratch, keys, &null_row, &e) != SL_OK) {
                        skip(op, SL_PROCLOG_DESERIALIZE, rec, "failed to deserialize key", &e);
                        continue;
                }
                if (node->table && t->nkey && null_row)
                        continue; /* a table row needs a key: dropped, as Kafka Streams drops it */
                rec->null_key = null_row || !rec->key.ptr;
                if (!st->keys_direct)
                        for (size_t k = 0; k < t->nkey; k++)
                                row[t->key_slots[k]] = st->keys[k];
                null_row = false;
                if (rec->value.ptr &&
                    sl_serde_deserialize(t->value_serde, rec->value, batch->arena, &st->scratch, values, &null_row, &e) !=
                            SL_OK) {
                        skip(op, SL_PROCLOG_DESERIALIZE, rec, "failed to deserialize value", &e);
                        continue;
                }
                rec->tombstone = !rec->value.ptr || null_row;
                if (rec->tombstone && st->values_direct)
                        memset(values, 0, t->nvalue * sizeof(*values)); /* NULLs (a JSON null may leave any) */
                else if (!rec->tombstone && !st->values_direct)
                        for (size_t k = 0; k < t->nvalue; k++)
                                row[t->value_slots[k]] = st->values[k];
                for (size_t h = 0; h < node->u.source.nhdrs; h++) {
                        const sl_plan_header_col *hc = &node->u.source.hdrs[h];

                        row[hc->slot] = hc->header_key ? one_header(hc->header_key, rec)
                                                       : all_headers(batch->arena, node->cols[hc->slot].type, rec);
                }
                if (node->u.source.ts_slot >= 0 && !rec->tombstone) {
                        const char *why = NULL;

                        if (!column_time(st, batch->arena, &row[node->u.source.ts_slot], &rec->ts, &why)) {
                                skip(op, SL_PROCLOG_TIMESTAMP, rec, why, NULL);
                                continue;
                        }
                }
                if (rec->tombstone)
                        ; /* pseudo columns live in the value: a null row has none */
                else if (pb + SL_PSEUDO_ROWTIME < node->width)
                        row[pb + SL_PSEUDO_ROWTIME] = sl_value_bigint(rec->ts);
                if (!rec->tombstone && pb + SL_PSEUDO_ROWPARTITION < node->width)
                        row[pb + SL_PSEUDO_ROWPARTITION] = sl_value_int(rec->partition);
                if (!rec->tombstone && pb + SL_PSEUDO_ROWOFFSET < node->width)
                        row[pb + SL_PSEUDO_ROWOFFSET] = sl_value_bigint(rec->offset);
                if (rec->windowed && pb + SL_PSEUDO_WINDOWEND < node->width) {
                        /* window bounds belong to the key: a null row has them too */
                        row[pb + SL_PSEUDO_WINDOWSTART] = sl_value_bigint(rec->win_start);
                        row[pb + SL_PSEUDO_WINDOWEND] = sl_value_bigint(rec->win_end);
                }
                if (rec->ts > task->stream_time)
                        task->stream_time = rec->ts;
                if (st->table) {
                        sl_err rc = materialize(st, batch, rec, row, err);

                        if (rc != SL_OK)
                                return rc;
                }
                rec->row = row;
                rec->width = (uint32_t)node->width;
                batch->recs[kept++] = *rec;
        }
        batch->len = kept;
        return sl_op_forward(op, batch, err);
}

const sl_op_class sl_op_source_class = {
        .name = "SOURCE",
        .size = sizeof(source_state),
        .open = source_open,
        .process = source_process,
        .close = source_close,
};
