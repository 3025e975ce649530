/* view.c: the pull-query views of persistent TABLE queries (view.h): a registry of open views by
 * query id, the row layout in the view's RocksDB kv store, the sink's writes, reads for pull
 * queries, and the rebuild from the sink topic. Every operation on a view's store holds the
 * store's db lock (sl_state_db_lock), which is the view's mutex. */
#include "exec/view.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "common/time.h"
#include "kafka/consumer.h"
#include "serde/serde.h"
#include "state/kv_store.h"
#include "state/state_db.h"
#include "types/keyenc.h"

#define VIEW_STORE "view"
#define REBUILD_TIMEOUT_MS 60000
#define SCAN_YIELD_ROWS 256

struct sl_exec_view {
        char *query_id;                  /* registry key (heap) */
        char *dir;                       /* the view's directory (heap) */
        sl_state_db *db;                 /* owned; its lock is the view's mutex */
        sl_state_kv *kv;                 /* the rows; belongs to db */
        sl_arena arena;                  /* types */
        const sl_type **key_types;       /* nkey, in `arena` */
        size_t nkey;
        const sl_type **value_types;     /* nvalue, in `arena` */
        size_t nvalue;
        sl_catalog_window window;        /* windowed keys */
        int refs;                        /* references (the opener's and acquirers'), under reg_lock */
        bool registered;                 /* in the registry, under reg_lock */
        bool destroy;                    /* delete the directory when the last reference goes */
        sl_buf key;                      /* encoding buffers of writers (under the db lock) */
        sl_buf value;
        sl_exec_view *next;              /* registry list */
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static sl_exec_view *reg_head;            /* open views, under reg_lock */

/* Frees a view, deleting its directory when `destroy` was asked: the last release, or a failed open. */
static void view_free(sl_exec_view *view)
{
        sl_err_detail err;

        sl_state_db_close(view->db);
        if (view->destroy && sl_state_db_destroy(view->dir, &err) != SL_OK)
                SL_LOG_WARN("exec", "view of %s not deleted: %s", view->query_id, err.message);
        sl_buf_deinit(&view->key);
        sl_buf_deinit(&view->value);
        sl_arena_deinit(&view->arena);
        sl_free(view->query_id);
        sl_free(view->dir);
        sl_free(view);
}

sl_err sl_exec_view_open_types(const char *dir, const char *query_id, const sl_type *const *key_types, size_t nkey,
                               const sl_type *const *value_types, size_t nvalue, sl_catalog_window window,
                               sl_exec_view **out, sl_err_detail *err)
{
        sl_state_db_opts opts;
        sl_exec_view *view;
        sl_err rc;

        *out = NULL;
        view = sl_calloc(1, sizeof(*view));
        view->query_id = sl_strdup(query_id);
        view->dir = sl_strdup(dir);
        sl_arena_init(&view->arena, 0);
        sl_buf_init(&view->key);
        sl_buf_init(&view->value);
        view->refs = 1;
        view->nkey = nkey;
        view->nvalue = nvalue;
        view->window = window;
        view->key_types = sl_arena_calloc(&view->arena, view->nkey + 1, sizeof(sl_type *));
        view->value_types = sl_arena_calloc(&view->arena, view->nvalue + 1, sizeof(sl_type *));
        for (size_t i = 0; i < view->nkey; i++)
                view->key_types[i] = sl_type_copy(&view->arena, key_types[i]);
        for (size_t i = 0; i < view->nvalue; i++)
                view->value_types[i] = sl_type_copy(&view->arena, value_types[i]);
        sl_state_db_opts_init(&opts);
        opts.cache_max_bytes = 0;  /* write-through: readers and writers see RocksDB */
        opts.write_buffer_bytes = 8u << 20;
        opts.block_cache_bytes = 8u << 20;
        /* the registry lock spans the open: a second open of the id fails before RocksDB's lock */
        pthread_mutex_lock(&reg_lock);
        for (sl_exec_view *v = reg_head; v; v = v->next) {
                if (sl_str_eq_ci(v->query_id, query_id)) {
                        pthread_mutex_unlock(&reg_lock);
                        rc = sl_err_set(err, SL_ERR_EXISTS, "query %s has a view open already", query_id);
                        goto fail;
                }
        }
        if ((rc = sl_state_db_open(dir, &opts, &view->db, err)) != SL_OK ||
            (rc = sl_state_kv_open(view->db, VIEW_STORE, NULL, &view->kv, err)) != SL_OK) {
                pthread_mutex_unlock(&reg_lock);
                goto fail;
        }
        view->next = reg_head;
        reg_head = view;
        view->registered = true;
        pthread_mutex_unlock(&reg_lock);
        *out = view;
        return SL_OK;
fail:
        view_free(view);
        return rc;
}

sl_err sl_exec_view_open(const char *dir, const char *query_id, const sl_plan_node *sink, sl_exec_view **out,
                         sl_err_detail *err)
{
        const sl_plan_topic *topic = &sink->u.sink.topic;
        const sl_type **types = sl_calloc(topic->nkey + topic->nvalue + 1, sizeof(sl_type *));
        sl_err rc;

        for (size_t i = 0; i < topic->nkey; i++)
                types[i] = sink->cols[topic->key_slots[i]].type;
        for (size_t i = 0; i < topic->nvalue; i++)
                types[topic->nkey + i] = sink->cols[topic->value_slots[i]].type;
        rc = sl_exec_view_open_types(dir, query_id, types, topic->nkey, types + topic->nkey, topic->nvalue,
                                     topic->window, out, err);
        sl_free(types);
        return rc;
}

void sl_exec_view_release(sl_exec_view *view)
{
        bool last;

        if (view == NULL)
                return;
        pthread_mutex_lock(&reg_lock);
        last = --view->refs == 0;
        pthread_mutex_unlock(&reg_lock);
        if (last)
                view_free(view);
}

void sl_exec_view_close(sl_exec_view *view, bool destroy)
{
        if (view == NULL)
                return;
        pthread_mutex_lock(&reg_lock);
        if (view->registered) {
                for (sl_exec_view **p = &reg_head; *p; p = &(*p)->next) {
                        if (*p == view) {
                                *p = view->next;
                                break;
                        }
                }
                view->registered = false;
        }
        view->destroy = destroy;
        pthread_mutex_unlock(&reg_lock);
        sl_exec_view_release(view);
}

sl_exec_view *sl_exec_view_acquire(const char *query_id)
{
        sl_exec_view *found = NULL;

        if (query_id == NULL)
                return NULL;
        pthread_mutex_lock(&reg_lock);
        for (sl_exec_view *v = reg_head; v; v = v->next) {
                if (sl_str_eq_ci(v->query_id, query_id)) {
                        v->refs++;
                        found = v;
                        break;
                }
        }
        pthread_mutex_unlock(&reg_lock);
        return found;
}

void sl_exec_view_schema(const sl_exec_view *view, const sl_type *const **key_types, size_t *nkey,
                         const sl_type *const **value_types, size_t *nvalue, sl_catalog_window *window)
{
        *key_types = view->key_types;
        *nkey = view->nkey;
        *value_types = view->value_types;
        *nvalue = view->nvalue;
        *window = view->window;
}

bool sl_exec_view_is_empty(sl_exec_view *view)
{
        sl_state_kv_iter *it = NULL;
        sl_err_detail err;
        sl_slice k, v;
        bool empty = true;

        sl_state_db_lock(view->db);
        if (sl_state_kv_all(view->kv, &it, &err) == SL_OK)
                empty = !sl_state_kv_iter_next(it, &k, &v);
        sl_state_kv_iter_free(it);
        sl_state_db_unlock(view->db);
        return empty;
}

/* The store key of a row into view->key. */
static void encode_key(sl_exec_view *view, const sl_value *keys, bool windowed, int64_t ws, int64_t we)
{
        sl_buf_reset(&view->key);
        sl_keyenc_append_tuple(&view->key, keys, view->nkey);
        if (view->window != SL_CATALOG_WINDOW_NONE && windowed) {
                sl_value w[2] = {sl_value_bigint(ws), sl_value_bigint(we)};
                sl_keyenc_append_tuple(&view->key, w, 2);
        }
}

static sl_slice buf_slice(const sl_buf *b)
{
        return SL_SLICE(b->data ? b->data : (const uint8_t *)"", b->len);
}

/* One change; caller holds the db lock. `values` NULL deletes. */
static sl_err put_row(sl_exec_view *view, const sl_value *keys, const sl_value *values, bool windowed, int64_t ws,
                      int64_t we, int64_t ts, sl_err_detail *err)
{
        encode_key(view, keys, windowed, ws, we);
        if (values == NULL)
                return sl_state_kv_delete(view->kv, buf_slice(&view->key), ts, err);
        sl_value t = sl_value_bigint(ts);
        sl_buf_reset(&view->value);
        sl_keyenc_append(&view->value, &t);
        sl_keyenc_append_tuple(&view->value, values, view->nvalue);
        return sl_state_kv_put(view->kv, buf_slice(&view->key), buf_slice(&view->value), ts, err);
}

sl_err sl_exec_view_put(sl_exec_view *view, const sl_value *keys, const sl_value *values, bool windowed, int64_t ws,
                        int64_t we, int64_t ts, sl_err_detail *err)
{
        sl_err rc;

        sl_state_db_lock(view->db);
        rc = put_row(view, keys, values, windowed, ws, we, ts, err);
        sl_state_db_unlock(view->db);
        return rc;
}

sl_err sl_exec_view_apply(sl_exec_view *view, const sl_plan_topic *topic, const sl_batch *batch, sl_err_detail *err)
{
        sl_value stack_keys[8], stack_values[32];
        sl_value *keys = view->nkey <= 8 ? stack_keys : sl_calloc(view->nkey, sizeof(sl_value));
        sl_value *values = view->nvalue <= 32 ? stack_values : sl_calloc(view->nvalue, sizeof(sl_value));
        sl_err rc = SL_OK;

        sl_state_db_lock(view->db);
        for (size_t i = 0; i < batch->len && rc == SL_OK; i++) {
                const sl_rec *rec = &batch->recs[i];

                if (rec->row == NULL || rec->null_key)
                        continue;
                for (size_t k = 0; k < view->nkey && k < topic->nkey; k++)
                        keys[k] = rec->row[topic->key_slots[k]];
                if (!rec->tombstone)
                        for (size_t k = 0; k < view->nvalue && k < topic->nvalue; k++)
                                values[k] = rec->row[topic->value_slots[k]];
                rc = put_row(view, keys, rec->tombstone ? NULL : values, rec->windowed, rec->win_start, rec->win_end,
                             rec->ts, err);
        }
        sl_state_db_unlock(view->db);
        if (keys != stack_keys)
                sl_free(keys);
        if (values != stack_values)
                sl_free(values);
        return rc;
}

/* Decodes one stored entry and calls fn; caller holds the db lock. */
static sl_err emit_entry(sl_exec_view *view, sl_slice key, sl_slice value, sl_arena *arena, sl_exec_view_row_fn fn,
                         void *ctx, bool *stop, sl_err_detail *err)
{
        sl_exec_view_row row;
        sl_value *keys = sl_arena_calloc(arena, view->nkey + 1, sizeof(sl_value));
        sl_value *values = sl_arena_calloc(arena, view->nvalue + 1, sizeof(sl_value));
        sl_value t;
        size_t pos = 0;
        sl_err rc;

        memset(&row, 0, sizeof(row));
        for (size_t i = 0; i < view->nkey; i++)
                if ((rc = sl_keyenc_decode(arena, view->key_types[i], key, &pos, &keys[i], err)) != SL_OK)
                        return rc;
        if (view->window != SL_CATALOG_WINDOW_NONE && pos < key.len) {
                sl_value w[2];
                for (int i = 0; i < 2; i++)
                        if ((rc = sl_keyenc_decode(arena, sl_type_bigint(), key, &pos, &w[i], err)) != SL_OK)
                                return rc;
                row.windowed = true;
                row.win_start = w[0].u.i64;
                row.win_end = w[1].u.i64;
        }
        pos = 0;
        if ((rc = sl_keyenc_decode(arena, sl_type_bigint(), value, &pos, &t, err)) != SL_OK)
                return rc;
        row.ts = t.u.i64;
        if ((rc = sl_keyenc_decode_tuple(arena, view->value_types, view->nvalue,
                                         SL_SLICE(value.ptr + pos, value.len - pos), values, err)) != SL_OK)
                return rc;
        row.keys = keys;
        row.values = values;
        return fn(ctx, &row, stop, err);
}

/* Calls fn for every entry of `it`; caller holds the db lock. Every SCAN_YIELD_ROWS rows the lock
 * is released and fn called with no row. Frees the iterator. */
static sl_err emit_iter(sl_exec_view *view, sl_state_kv_iter *it, sl_arena *arena, sl_exec_view_row_fn fn, void *ctx,
                        sl_err_detail *err)
{
        sl_slice k, v;
        bool stop = false;
        sl_err rc = SL_OK;

        size_t n = 0;

        while (rc == SL_OK && !stop && sl_state_kv_iter_next(it, &k, &v)) {
                rc = emit_entry(view, k, v, arena, fn, ctx, &stop, err);
                sl_arena_reset(arena);
                /* a long scan lets writers in now and then: the iterator continues after the
                 * last key it returned, over what the store holds then */
                if (rc == SL_OK && !stop && ++n % SCAN_YIELD_ROWS == 0) {
                        sl_state_db_unlock(view->db);
                        rc = fn(ctx, NULL, &stop, err);  /* the reader may deliver without the lock */
                        sl_state_db_lock(view->db);
                }
        }
        if (rc == SL_OK)
                rc = sl_state_kv_iter_error(it, err);
        sl_state_kv_iter_free(it);
        return rc;
}

sl_err sl_exec_view_lookup(sl_exec_view *view, const sl_value *keys, sl_arena *arena, sl_exec_view_row_fn fn,
                           void *ctx, sl_err_detail *err)
{
        sl_state_kv_iter *it = NULL;
        sl_buf kb;
        sl_err rc;

        sl_buf_init(&kb);
        sl_keyenc_append_tuple(&kb, keys, view->nkey);
        sl_state_db_lock(view->db);
        if (view->window == SL_CATALOG_WINDOW_NONE) {
                sl_slice v;
                bool found = false, stop = false;
                rc = sl_state_kv_get(view->kv, buf_slice(&kb), &v, &found, err);
                if (rc == SL_OK && found)
                        rc = emit_entry(view, buf_slice(&kb), v, arena, fn, ctx, &stop, err);
                sl_arena_reset(arena);
        } else if ((rc = sl_state_kv_prefix(view->kv, buf_slice(&kb), &it, err)) == SL_OK) {
                rc = emit_iter(view, it, arena, fn, ctx, err);
        }
        sl_state_db_unlock(view->db);
        sl_buf_deinit(&kb);
        return rc;
}

/* The smallest byte string above every string that starts with b (b loses trailing 0xFF bytes and
 * its last byte grows); false when there is none (all 0xFF). */
static bool prefix_successor(sl_buf *b)
{
        while (b->len > 0 && b->data[b->len - 1] == 0xFF)
                b->len--;
        if (b->len == 0)
                return false;
        b->data[b->len - 1]++;
        return true;
}

sl_err sl_exec_view_range(sl_exec_view *view, const sl_value *lo, bool lo_incl, const sl_value *hi, bool hi_incl,
                          sl_arena *arena, sl_exec_view_row_fn fn, void *ctx, sl_err_detail *err)
{
        sl_state_kv_iter *it = NULL;
        sl_buf from, to;
        sl_slice sfrom, sto;
        bool has_from = false, has_to = false;
        sl_err rc;

        sl_buf_init(&from);
        sl_buf_init(&to);
        if (lo != NULL) {
                sl_keyenc_append(&from, lo);
                /* a bound on the first key column covers every key that starts with it */
                has_from = lo_incl || prefix_successor(&from);
                if (!has_from) {
                        rc = SL_OK;  /* nothing sorts above */
                        goto out;
                }
        }
        if (hi != NULL) {
                sl_keyenc_append(&to, hi);
                has_to = !hi_incl || prefix_successor(&to);
        }
        sfrom = buf_slice(&from);
        sto = buf_slice(&to);
        sl_state_db_lock(view->db);
        if ((rc = sl_state_kv_range(view->kv, has_from ? &sfrom : NULL, has_to ? &sto : NULL, &it, err)) == SL_OK)
                rc = emit_iter(view, it, arena, fn, ctx, err);
        sl_state_db_unlock(view->db);
out:
        sl_buf_deinit(&from);
        sl_buf_deinit(&to);
        return rc;
}

/* ---- rebuild from the sink topic ---- */

/* Applies one sink-topic record; caller holds the db lock. False when it cannot be read. */
static bool rebuild_record(sl_exec_view *view, const sl_plan_topic *topic, const sl_kafka_msg *m, sl_arena *arena,
                           sl_value *keys, sl_value *values, sl_err_detail *err)
{
        sl_slice kb = m->key;
        bool windowed = false, null_row = false;
        int64_t ws = 0, we = 0;

        if (kb.ptr == NULL)
                return false;
        if (view->window != SL_CATALOG_WINDOW_NONE) {
                size_t wlen = view->window == SL_CATALOG_WINDOW_SESSION ? 16 : 8;
                if (kb.len < wlen)
                        return false;
                const uint8_t *p = kb.ptr + kb.len - wlen;
                uint64_t a = 0, b = 0;
                for (int i = 0; i < 8; i++)
                        a = a << 8 | p[i];
                if (wlen == 16) {
                        for (int i = 8; i < 16; i++)
                                b = b << 8 | p[i];
                        we = (int64_t)a;
                        ws = (int64_t)b;
                } else {
                        ws = (int64_t)a;
                        we = ws + topic->window_size_ms;
                }
                windowed = true;
                kb.len -= wlen;
        }
        if (sl_serde_deserialize(topic->key_serde, kb, arena, NULL, keys, &null_row, err) != SL_OK)
                return false;
        bool tombstone = m->value.ptr == NULL;
        if (!tombstone) {
                if (sl_serde_deserialize(topic->value_serde, m->value, arena, NULL, values, &null_row, err) != SL_OK)
                        return false;
                tombstone = null_row;
        }
        return put_row(view, keys, tombstone ? NULL : values, windowed, ws, we, m->timestamp, err) == SL_OK;
}

sl_err sl_exec_view_rebuild(sl_exec_view *view, const sl_kafka_conf *kafka, const sl_plan_topic *topic,
                            int npartitions, uint64_t *records, sl_err_detail *err)
{
        sl_kafka_consumer *c = NULL;
        sl_kafka_tpo *parts = sl_calloc((size_t)(npartitions > 0 ? npartitions : 1), sizeof(*parts));
        int64_t *high = sl_calloc((size_t)(npartitions > 0 ? npartitions : 1), sizeof(int64_t));
        int64_t *pos = sl_calloc((size_t)(npartitions > 0 ? npartitions : 1), sizeof(int64_t));
        sl_value *keys = sl_calloc(view->nkey + 1, sizeof(sl_value));
        sl_value *values = sl_calloc(view->nvalue + 1, sizeof(sl_value));
        sl_kafka_batch batch;
        sl_kafka_conf conf;
        sl_arena arena;
        int64_t deadline = sl_time_mono_ms() + REBUILD_TIMEOUT_MS;
        sl_err rc;

        *records = 0;
        sl_kafka_batch_init(&batch);
        sl_arena_init(&arena, 0);
        sl_kafka_conf_init(&conf);
        sl_kafka_conf_set(&conf, "bootstrap.servers", sl_kafka_conf_get(kafka, "bootstrap.servers"));
        if ((rc = sl_kafka_consumer_new(&conf, &c, err)) != SL_OK)
                goto out;
        size_t left = 0;
        for (int p = 0; p < npartitions; p++) {
                int64_t low;
                parts[p] = (sl_kafka_tpo){topic->name, p, SL_KAFKA_OFFSET_BEGINNING};
                if ((rc = sl_kafka_consumer_watermarks(c, topic->name, p, &low, &high[p], 10000, err)) != SL_OK)
                        goto out;
                pos[p] = low;
                if (pos[p] < high[p])
                        left++;
        }
        if (left == 0)
                goto out;
        if ((rc = sl_kafka_consumer_assign(c, parts, (size_t)npartitions, err)) != SL_OK)
                goto out;
        while (left > 0) {
                if (sl_time_mono_ms() > deadline) {
                        rc = sl_err_set(err, SL_ERR_TIMEOUT, "reading %s to its end took too long", topic->name);
                        goto out;
                }
                if ((rc = sl_kafka_consumer_poll(c, &batch, 1000, 500, err)) != SL_OK)
                        goto out;
                sl_state_db_lock(view->db);
                for (size_t i = 0; i < batch.len; i++) {
                        const sl_kafka_msg *m = &batch.msgs[i];
                        sl_err_detail e;
                        int32_t p = m->partition;

                        if (p < 0 || p >= npartitions || pos[p] >= high[p])
                                continue;
                        if (!rebuild_record(view, topic, m, &arena, keys, values, &e))
                                SL_LOG_WARN("exec", "view of %s: record %s[%d]@%lld skipped while rebuilding",
                                            view->query_id, topic->name, (int)p, (long long)m->offset);
                        (*records)++;
                        pos[p] = m->offset + 1;
                        if (pos[p] >= high[p])
                                left--;
                        sl_arena_reset(&arena);
                }
                sl_state_db_unlock(view->db);
                sl_kafka_batch_reset(&batch);
        }
out:
        sl_kafka_batch_reset(&batch);
        sl_kafka_batch_deinit(&batch);
        sl_kafka_consumer_free(c);
        sl_kafka_conf_deinit(&conf);
        sl_arena_deinit(&arena);
        sl_free(parts);
        sl_free(high);
        sl_free(pos);
        sl_free(keys);
        sl_free(values);
        return rc;
}
