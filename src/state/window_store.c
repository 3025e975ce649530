/* window_store.c: the window store (window_store.h) as a layout over a kv store and the segments
 * of segments.c.
 *
 * Store key:     segment(start) 8 | escaped user key | start 8 [| sequence 4]
 * Changelog key: user key | start 8 (plain big-endian) [| sequence 4]
 *
 * Example, 1-minute tumbling windows, retention 10 minutes (segments of 5): put(K, 12:03, v) writes
 * segment(12:00) | esc(K) | 12:03. fetch(K, 12:00, 12:10) visits segments 12:00, 12:05 and 12:10,
 * seeking to esc(K) | 12:00 in the first and stopping each at esc(K) | 12:10:00.001. When this
 * key's window is flushed, the changelog sink gets K | 12:03 and the listener (K, 12:03, 12:04). */
#include "state/window_store.h"

#include <string.h>

#include "common/mem.h"
#include "state/state_int.h"

struct sl_state_window {
        sl_state_kv *kv;                        /* underlying store */
        sl_state_segs segs;                     /* stream time, retention, segments */
        int64_t size;                           /* window size for ends */
        bool dups;                              /* retain duplicates */
        uint32_t seq;                           /* next duplicate sequence number */
        sl_state_window_change_fn listener;     /* flush listener, or NULL */
        void *listener_arg;                     /* its opaque */
        sl_state_change_fn changelog;           /* changelog sink, or NULL */
        void *changelog_arg;                    /* its opaque */
        sl_buf kbuf;                            /* scratch: store keys */
        sl_buf ubuf;                            /* scratch: decoded user keys */
};

struct sl_state_window_iter {
        sl_state_window *ws;    /* the store */
        sl_state_seg_scan scan; /* raw entries */
        int64_t t_from;         /* window starts wanted: [t_from, t_to] */
        int64_t t_to;
        sl_buf key;             /* current user key */
};

static int64_t window_end(const sl_state_window *ws, int64_t start)
{
        return start > INT64_MAX - ws->size ? INT64_MAX : start + ws->size;
}

static void store_key(sl_state_window *ws, sl_slice key, int64_t start, bool with_seq, uint32_t seq)
{
        sl_buf_reset(&ws->kbuf);
        sl_state_segs_append(&ws->kbuf, sl_state_segs_id(&ws->segs, start));
        sl_state_key_escape(&ws->kbuf, key);
        sl_state_time_append(&ws->kbuf, start);
        if (with_seq)
                sl_buf_append_be32(&ws->kbuf, seq);
}

/* Splits a store key into user key (into `ukey`), start and sequence. */
static bool parse_store_key(const sl_state_window *ws, sl_slice k, sl_buf *ukey, int64_t *start, uint32_t *seq)
{
        size_t pos = 8;
        sl_buf_reset(ukey);
        if (k.len < 8 || !sl_state_key_unescape(ukey, k, &pos))
                return false;
        size_t tail = ws->dups ? 12 : 8;
        if (k.len - pos != tail)
                return false;
        *start = sl_state_time_load(k.ptr + pos);
        *seq = ws->dups ? sl_load_be32(k.ptr + pos + 8) : 0;
        return true;
}

static sl_err on_flush(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        sl_state_window *ws = opaque;
        if (chg->key.len == 0 || !ws->listener) /* stream time, not a window */
                return SL_OK;
        int64_t start;
        uint32_t seq;
        if (!parse_store_key(ws, chg->key, &ws->ubuf, &start, &seq))
                return sl_err_set(err, SL_ERR_CORRUPT, "malformed key in window store %s", sl_state_kv_name(ws->kv));
        sl_state_window_change wc = {
                .key = sl_buf_slice(&ws->ubuf),
                .start = start,
                .end = window_end(ws, start),
                .has_value = chg->has_value,
                .value = chg->value,
                .has_old = chg->has_old,
                .old_value = chg->old_value,
                .ts = chg->ts,
        };
        return ws->listener(ws->listener_arg, &wc, err);
}

static sl_err on_changelog(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        sl_state_window *ws = opaque;
        if (chg->key.len == 0 || !ws->changelog)
                return SL_OK;
        int64_t start;
        uint32_t seq;
        if (!parse_store_key(ws, chg->key, &ws->ubuf, &start, &seq))
                return sl_err_set(err, SL_ERR_CORRUPT, "malformed key in window store %s", sl_state_kv_name(ws->kv));
        sl_buf_append_be64(&ws->ubuf, (uint64_t)start);
        if (ws->dups)
                sl_buf_append_be32(&ws->ubuf, seq);
        sl_state_change c = *chg;
        c.key = sl_buf_slice(&ws->ubuf);
        return ws->changelog(ws->changelog_arg, &c, err);
}

static void window_free(void *opaque)
{
        sl_state_window *ws = opaque;
        sl_buf_deinit(&ws->kbuf);
        sl_buf_deinit(&ws->ubuf);
        sl_free(ws);
}

sl_err sl_state_window_open(sl_state_db *db, const char *name, const sl_state_window_opts *opts,
                            sl_state_window **out, sl_err_detail *err)
{
        sl_state_kv *kv;
        *out = NULL;
        if (!opts)
                return sl_err_set(err, SL_ERR_INVALID, "window store %s needs options (a retention)", name);
        sl_state_kv_opts ko = {.send_old_values = opts->send_old_values};
        sl_err rc = sl_state_kv_open(db, name, &ko, &kv, err);
        if (rc != SL_OK)
                return rc;
        if (sl_state_kv_owner(kv)) { /* opened before */
                *out = sl_state_kv_owner(kv);
                return SL_OK;
        }
        sl_state_window *ws = sl_calloc(1, sizeof *ws);
        ws->kv = kv;
        ws->size = opts->window_size_ms;
        ws->dups = opts->retain_duplicates;
        sl_buf_init(&ws->kbuf);
        sl_buf_init(&ws->ubuf);
        if ((rc = sl_state_segs_init(&ws->segs, kv, opts->retention_ms, opts->segment_ms, err)) != SL_OK) {
                window_free(ws);
                return rc;
        }
        sl_state_kv_set_owner(kv, window_free, ws);
        sl_state_kv_set_listener(kv, on_flush, ws);
        sl_state_kv_set_changelog(kv, on_changelog, ws);
        *out = ws;
        return SL_OK;
}

void sl_state_window_set_listener(sl_state_window *ws, sl_state_window_change_fn fn, void *opaque)
{
        ws->listener = fn;
        ws->listener_arg = opaque;
}

void sl_state_window_set_changelog(sl_state_window *ws, sl_state_change_fn fn, void *opaque)
{
        ws->changelog = fn;
        ws->changelog_arg = opaque;
}

sl_err sl_state_window_put(sl_state_window *ws, sl_slice key, int64_t start, const sl_slice *value, int64_t ts,
                           bool *dropped, sl_err_detail *err)
{
        if (dropped)
                *dropped = false;
        if (ws->dups && !value)
                return SL_OK;
        sl_err rc = sl_state_segs_observe(&ws->segs, start, false, err);
        if (rc != SL_OK)
                return rc;
        if (start < sl_state_segs_min_live(&ws->segs)) {
                ws->segs.expired++;
                if (dropped)
                        *dropped = true;
                return SL_OK;
        }
        store_key(ws, key, start, ws->dups, ws->seq++);
        if (value)
                return sl_state_kv_put(ws->kv, sl_buf_slice(&ws->kbuf), *value, ts, err);
        return sl_state_kv_delete(ws->kv, sl_buf_slice(&ws->kbuf), ts, err);
}

sl_err sl_state_window_get(sl_state_window *ws, sl_slice key, int64_t start, sl_slice *value, bool *found,
                           sl_err_detail *err)
{
        *found = false;
        if (ws->dups)
                return sl_err_set(err, SL_ERR_UNSUPPORTED, "point lookup in a window store with duplicates");
        if (start < sl_state_segs_min_live(&ws->segs))
                return SL_OK;
        store_key(ws, key, start, false, 0);
        return sl_state_kv_get(ws->kv, sl_buf_slice(&ws->kbuf), value, found, err);
}

/* Common part of the fetches: segment range from the clipped time range. */
static sl_err iter_start(sl_state_window *ws, sl_state_window_iter *it, int64_t t_from, int64_t t_to,
                         sl_err_detail *err)
{
        int64_t min_live = sl_state_segs_min_live(&ws->segs);
        if (t_from < min_live)
                t_from = min_live;
        if (t_to > ws->segs.observed)
                t_to = ws->segs.observed;
        it->t_from = t_from;
        it->t_to = t_to;
        if (t_from > t_to)
                return SL_OK;
        return sl_state_seg_scan_start(&it->scan, ws->kv, sl_state_segs_id(&ws->segs, t_from),
                                       sl_state_segs_id(&ws->segs, t_to), err);
}

static sl_state_window_iter *iter_new(sl_state_window *ws)
{
        sl_state_window_iter *it = sl_calloc(1, sizeof *it);
        it->ws = ws;
        sl_state_seg_scan_init(&it->scan);
        sl_buf_init(&it->key);
        return it;
}

sl_err sl_state_window_fetch(sl_state_window *ws, sl_slice key, int64_t t_from, int64_t t_to,
                             sl_state_window_iter **out, sl_err_detail *err)
{
        sl_state_window_iter *it = iter_new(ws);
        sl_state_key_escape(&it->scan.klo, key);
        sl_state_key_escape_body(&it->scan.khi, key);
        sl_buf_append_u8(&it->scan.khi, 0);
        sl_buf_append_u8(&it->scan.khi, 2);
        it->scan.has_khi = true;
        sl_state_time_append(&it->scan.tlo, t_from);
        if (t_to < INT64_MAX)
                sl_state_time_append(&it->scan.thi, t_to + 1);
        sl_err rc = iter_start(ws, it, t_from, t_to, err);
        if (rc != SL_OK) {
                sl_state_window_iter_free(it);
                it = NULL;
        }
        *out = it;
        return rc;
}

sl_err sl_state_window_fetch_range(sl_state_window *ws, const sl_slice *key_from, const sl_slice *key_to,
                                   int64_t t_from, int64_t t_to, sl_state_window_iter **out, sl_err_detail *err)
{
        sl_state_window_iter *it = iter_new(ws);
        if (key_from) {
                sl_state_key_escape(&it->scan.klo, *key_from);
        }
        if (key_to) {
                sl_state_key_escape_body(&it->scan.khi, *key_to);
                sl_buf_append_u8(&it->scan.khi, 0);
                sl_buf_append_u8(&it->scan.khi, 2);
                it->scan.has_khi = true;
        }
        sl_err rc = iter_start(ws, it, t_from, t_to, err);
        if (rc != SL_OK) {
                sl_state_window_iter_free(it);
                it = NULL;
        }
        *out = it;
        return rc;
}

bool sl_state_window_iter_next(sl_state_window_iter *it, sl_state_window_rec *rec)
{
        sl_slice k, v;
        while (sl_state_seg_scan_next(&it->scan, &k, &v)) {
                int64_t start;
                uint32_t seq;
                if (!parse_store_key(it->ws, k, &it->key, &start, &seq)) {
                        it->scan.status = sl_err_set(&it->scan.detail, SL_ERR_CORRUPT,
                                                     "malformed key in window store %s", sl_state_kv_name(it->ws->kv));
                        return false;
                }
                if (start < it->t_from || start > it->t_to)
                        continue;
                rec->key = sl_buf_slice(&it->key);
                rec->start = start;
                rec->end = window_end(it->ws, start);
                rec->value = v;
                return true;
        }
        return false;
}

sl_err sl_state_window_iter_error(const sl_state_window_iter *it, sl_err_detail *err)
{
        if (it->scan.status == SL_OK)
                return SL_OK;
        if (err)
                *err = it->scan.detail;
        return it->scan.status;
}

void sl_state_window_iter_free(sl_state_window_iter *it)
{
        if (!it)
                return;
        sl_state_seg_scan_deinit(&it->scan);
        sl_buf_deinit(&it->key);
        sl_free(it);
}

sl_err sl_state_window_restore(sl_state_window *ws, sl_slice changelog_key, const sl_slice *value,
                               sl_err_detail *err)
{
        size_t tail = ws->dups ? 12 : 8;
        if (changelog_key.len < tail)
                return sl_err_set(err, SL_ERR_CORRUPT, "changelog key of window store %s too short",
                                  sl_state_kv_name(ws->kv));
        sl_slice key = SL_SLICE(changelog_key.ptr, changelog_key.len - tail);
        int64_t start = (int64_t)sl_load_be64(changelog_key.ptr + key.len);
        uint32_t seq = ws->dups ? sl_load_be32(changelog_key.ptr + key.len + 8) : 0;
        sl_err rc = sl_state_segs_observe(&ws->segs, start, true, err);
        if (rc != SL_OK)
                return rc;
        if (start < sl_state_segs_min_live(&ws->segs))
                return SL_OK;
        if (ws->dups && seq >= ws->seq)
                ws->seq = seq + 1;
        store_key(ws, key, start, ws->dups, seq);
        return sl_state_kv_restore(ws->kv, sl_buf_slice(&ws->kbuf), value, err);
}

sl_err sl_state_window_observe(sl_state_window *ws, int64_t stream_time, sl_err_detail *err)
{
        return sl_state_segs_observe(&ws->segs, stream_time, false, err);
}

int64_t sl_state_window_stream_time(const sl_state_window *ws)
{
        return ws->segs.observed;
}

uint64_t sl_state_window_expired_count(const sl_state_window *ws)
{
        return ws->segs.expired;
}

sl_state_kv *sl_state_window_kv(sl_state_window *ws)
{
        return ws->kv;
}
