/* op_sink.c: the last operator of a query. Serializes each row's key columns with the sink
 * topic's key serde and its value columns with the value serde (a tombstone gets no value) and
 * writes the record through the task's output -- the Kafka producer in the runtime, a capture in
 * the topology test driver -- partitioned by the key, with the record's event time (or the sink's
 * TIMESTAMP column) and the headers of the record it came from. A row the format cannot write is
 * skipped and logged. The writer here is
 * shared with op_repartition.c (exec_int.h). A persistent query whose result is a TABLE also
 * applies each written change to its pull-query view (view.h), when the engine opened one. */
#include "exec/op.h"

#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "exec/exec_int.h"
#include "exec/view.h"

typedef struct sink_state {
        sl_op base;        /* must be first: op.c casts to it */
        sl_exec_writer w;  /* serializer buffers */
        uint64_t rows;     /* transient: rows handed out (LIMIT counts per task) */
        sl_exec_view *view; /* TABLE results: the query's pull-query view (a reference), or NULL */
} sink_state;

void sl_exec_writer_init(sl_exec_writer *w, const sl_plan_topic *topic)
{
        memset(w, 0, sizeof(*w));
        sl_buf_init(&w->key);
        sl_buf_init(&w->value);
        w->ncols = (topic->nkey > topic->nvalue ? topic->nkey : topic->nvalue) + 1;
        w->cols = sl_calloc(w->ncols, sizeof(sl_value));
        w->fctx.err = &w->ferr;
}

/* The event time a TIMESTAMP column of the output row gives; false when it gives none. */
static bool column_time(sl_exec_writer *w, const sl_func_resolved *ts_parse, const char *ts_format, sl_arena *arena,
                        const sl_value *v, int64_t *ts)
{
        if (v->kind == SL_TYPE_BIGINT || v->kind == SL_TYPE_TIMESTAMP) {
                *ts = v->u.i64;
        } else if (v->kind == SL_TYPE_STRING && ts_parse && ts_format) {
                sl_value args[2] = {*v, sl_value_string(ts_format, strlen(ts_format))}, out;

                w->fctx.arena = arena;
                w->fctx.res = ts_parse;
                if (sl_func_call(&w->fctx, args, 2, &out) != SL_OK || out.kind != SL_TYPE_TIMESTAMP)
                        return false;
                *ts = out.u.i64;
        } else {
                return false;
        }
        return *ts >= 0;
}

void sl_exec_writer_deinit(sl_exec_writer *w)
{
        sl_buf_deinit(&w->key);
        sl_buf_deinit(&w->value);
        sl_func_ctx_release(&w->fctx);
        sl_free(w->cols);
        w->cols = NULL;
}

static void log_skip(sl_op *op, sl_proclog_kind kind, const char *topic, const sl_rec *rec, const char *what,
                     const sl_err_detail *e)
{
        char reason[600];

        snprintf(reason, sizeof(reason), "%s: %s", what, e->message);
        sl_proclog_add(op->task->log, kind, 1, topic, rec->partition, rec->offset, reason);
}

sl_err sl_exec_writer_write(sl_op *op, sl_exec_writer *w, const sl_plan_topic *topic, int ts_slot,
                            const sl_func_resolved *ts_parse, const char *ts_format, sl_batch *batch, sl_err_detail *err)
{
        sl_exec_output *out = op->task->out;
        sl_err rc;

        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];
                sl_slice key = {NULL, 0}, value = {NULL, 0};
                bool key_null = true, value_null = false;
                int64_t ts = rec->ts;
                sl_err_detail e;

                sl_buf_reset(&w->key);
                sl_buf_reset(&w->value);
                for (size_t k = 0; k < topic->nkey; k++) {
                        w->cols[k] = rec->row[topic->key_slots[k]];
                        key_null &= w->cols[k].kind == SL_TYPE_NULL;
                }
                /* a record consumed without a key keeps none; a single NULL key column is none */
                key_null = rec->null_key || (key_null && topic->nkey <= 1);
                if (!key_null && sl_serde_serialize(topic->key_serde, w->cols, &w->key, &key_null, &e) != SL_OK) {
                        log_skip(op, SL_PROCLOG_SERIALIZE, topic->name, rec, "failed to serialize key", &e);
                        continue;
                }
                if (!key_null && topic->nkey) {
                        if (topic->window != SL_CATALOG_WINDOW_NONE && rec->windowed) {
                                /* the window follows the key bytes, as Kafka Streams writes it */
                                if (topic->window == SL_CATALOG_WINDOW_SESSION)
                                        sl_buf_append_be64(&w->key, (uint64_t)rec->win_end);
                                sl_buf_append_be64(&w->key, (uint64_t)rec->win_start);
                        }
                        key = SL_SLICE(w->key.data ? w->key.data : (const uint8_t *)"", w->key.len);
                }
                if (!rec->tombstone) {
                        for (size_t k = 0; k < topic->nvalue; k++)
                                w->cols[k] = rec->row[topic->value_slots[k]];
                        if (sl_serde_serialize(topic->value_serde, w->cols, &w->value, &value_null, &e) != SL_OK) {
                                log_skip(op, SL_PROCLOG_SERIALIZE, topic->name, rec, "failed to serialize value", &e);
                                continue;
                        }
                        if (!value_null)
                                value = SL_SLICE(w->value.data ? w->value.data : (const uint8_t *)"", w->value.len);
                }
                if (ts_slot >= 0 && (size_t)ts_slot < rec->width && !rec->tombstone &&
                    !column_time(w, ts_parse, ts_format, batch->arena, &rec->row[ts_slot], &ts)) {
                        sl_proclog_add(op->task->log, SL_PROCLOG_TIMESTAMP, 1, topic->name, rec->partition, rec->offset,
                                       "TIMESTAMP column of the sink is NULL, negative or unparseable");
                        continue;
                }
                /* the input record's headers travel with it, as Kafka Streams forwards them */
                if ((rc = out->write(out, topic->name, -1, key, value, rec->headers, rec->nheaders, ts, err)) != SL_OK)
                        return rc;
        }
        op->out += batch->len;
        return SL_OK;
}

static sl_err sink_open(sl_op *op, sl_err_detail *err)
{
        sink_state *st = (sink_state *)op;

        (void)err;
        sl_exec_writer_init(&st->w, &op->node->u.sink.topic);
        /* the engine opens a view for each persistent query writing a table (view.h) */
        if (!op->node->u.sink.transient && op->node->table)
                st->view = sl_exec_view_acquire(op->task->plan->query_id);
        return SL_OK;
}

static void sink_close(sl_op *op)
{
        sl_exec_writer_deinit(&((sink_state *)op)->w);
        sl_exec_view_release(((sink_state *)op)->view);
}

/* A transient query hands rows to the output, up to its LIMIT. */
static sl_err sink_rows(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        sink_state *st = (sink_state *)op;
        sl_exec_output *out = op->task->out;
        int64_t limit = op->node->u.sink.limit;
        sl_err rc;

        for (size_t i = 0; i < batch->len; i++) {
                const sl_rec *rec = &batch->recs[i];

                if (limit >= 0 && st->rows >= (uint64_t)limit)
                        break;
                if (out->row && (rc = out->row(out, op->node, rec->row, rec->width, rec->ts, rec->tombstone, err)) != SL_OK)
                        return rc;
                st->rows++;
                op->out++;
        }
        return SL_OK;
}

static sl_err sink_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        sink_state *st = (sink_state *)op;

        sl_err rc;

        if (op->node->u.sink.transient)
                return sink_rows(op, batch, err);

        rc = sl_exec_writer_write(op, &st->w, &op->node->u.sink.topic, op->node->u.sink.ts_slot,
                                  op->node->u.sink.ts_parse, op->node->u.sink.ts_format, batch, err);
        if (rc == SL_OK && st->view != NULL)
                rc = sl_exec_view_apply(st->view, &op->node->u.sink.topic, batch, err);
        return rc;
}

static sl_err sink_flush(sl_op *op, sl_err_detail *err)
{
        sl_exec_output *out = op->task->out;

        return out->flush ? out->flush(out, err) : SL_OK;
}

const sl_op_class sl_op_sink_class = {
        .name = "SINK",
        .size = sizeof(sink_state),
        .open = sink_open,
        .process = sink_process,
        .flush = sink_flush,
        .close = sink_close,
};
