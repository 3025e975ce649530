/* session_store.c: the session store (session_store.h) as a layout over a kv store and the
 * segments of segments.c.
 *
 * Store key:     segment(end) 8 | escaped user key | end 8 | start 8
 * Changelog key: user key | end 8 | start 8 (plain big-endian)
 *
 * Example, gap 5 min: sessions of K are [12:00, 12:03] and [12:20, 12:21]. A record at 12:07 asks
 * find(K, 12:02, 12:12): in each segment from that of 12:02 on, the scan seeks to
 * esc(K) | 12:02 and reads K's sessions in end order, keeping those starting by 12:12: only
 * [12:00, 12:03]. The operator removes it and puts [12:00, 12:07]. */
#include "state/session_store.h"

#include <string.h>

#include "common/mem.h"
#include "state/state_int.h"

struct sl_state_session {
        sl_state_kv *kv;                        /* underlying store */
        sl_state_segs segs;                     /* stream time, retention, segments */
        sl_state_session_change_fn listener;    /* flush listener, or NULL */
        void *listener_arg;                     /* its opaque */
        sl_state_change_fn changelog;           /* changelog sink, or NULL */
        void *changelog_arg;                    /* its opaque */
        sl_buf kbuf;                            /* scratch: store keys */
        sl_buf ubuf;                            /* scratch: decoded user keys */
};

struct sl_state_session_iter {
        sl_state_session *ss;   /* the store */
        sl_state_seg_scan scan; /* raw entries */
        int64_t earliest_end;   /* sessions wanted: end >= earliest_end */
        int64_t latest_start;   /* and start <= latest_start */
        sl_buf key;             /* current user key */
};

static void store_key(sl_state_session *ss, sl_slice key, int64_t start, int64_t end)
{
        sl_buf_reset(&ss->kbuf);
        sl_state_segs_append(&ss->kbuf, sl_state_segs_id(&ss->segs, end));
        sl_state_key_escape(&ss->kbuf, key);
        sl_state_time_append(&ss->kbuf, end);
        sl_state_time_append(&ss->kbuf, start);
}

static bool parse_store_key(sl_slice k, sl_buf *ukey, int64_t *start, int64_t *end)
{
        size_t pos = 8;
        sl_buf_reset(ukey);
        if (k.len < 8 || !sl_state_key_unescape(ukey, k, &pos) || k.len - pos != 16)
                return false;
        *end = sl_state_time_load(k.ptr + pos);
        *start = sl_state_time_load(k.ptr + pos + 8);
        return true;
}

static sl_err on_flush(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        sl_state_session *ss = opaque;
        if (chg->key.len == 0 || !ss->listener) /* stream time, not a session */
                return SL_OK;
        int64_t start, end;
        if (!parse_store_key(chg->key, &ss->ubuf, &start, &end))
                return sl_err_set(err, SL_ERR_CORRUPT, "malformed key in session store %s", sl_state_kv_name(ss->kv));
        sl_state_session_change sc = {
                .key = sl_buf_slice(&ss->ubuf),
                .start = start,
                .end = end,
                .has_value = chg->has_value,
                .value = chg->value,
                .has_old = chg->has_old,
                .old_value = chg->old_value,
                .ts = chg->ts,
        };
        return ss->listener(ss->listener_arg, &sc, err);
}

static sl_err on_changelog(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        sl_state_session *ss = opaque;
        if (chg->key.len == 0 || !ss->changelog)
                return SL_OK;
        int64_t start, end;
        if (!parse_store_key(chg->key, &ss->ubuf, &start, &end))
                return sl_err_set(err, SL_ERR_CORRUPT, "malformed key in session store %s", sl_state_kv_name(ss->kv));
        sl_buf_append_be64(&ss->ubuf, (uint64_t)end);
        sl_buf_append_be64(&ss->ubuf, (uint64_t)start);
        sl_state_change c = *chg;
        c.key = sl_buf_slice(&ss->ubuf);
        return ss->changelog(ss->changelog_arg, &c, err);
}

static void session_free(void *opaque)
{
        sl_state_session *ss = opaque;
        sl_buf_deinit(&ss->kbuf);
        sl_buf_deinit(&ss->ubuf);
        sl_free(ss);
}

sl_err sl_state_session_open(sl_state_db *db, const char *name, const sl_state_session_opts *opts,
                             sl_state_session **out, sl_err_detail *err)
{
        sl_state_kv *kv;
        *out = NULL;
        if (!opts)
                return sl_err_set(err, SL_ERR_INVALID, "session store %s needs options (a retention)", name);
        sl_state_kv_opts ko = {.send_old_values = opts->send_old_values};
        sl_err rc = sl_state_kv_open(db, name, &ko, &kv, err);
        if (rc != SL_OK)
                return rc;
        if (sl_state_kv_owner(kv)) {
                *out = sl_state_kv_owner(kv);
                return SL_OK;
        }
        sl_state_session *ss = sl_calloc(1, sizeof *ss);
        ss->kv = kv;
        sl_buf_init(&ss->kbuf);
        sl_buf_init(&ss->ubuf);
        if ((rc = sl_state_segs_init(&ss->segs, kv, opts->retention_ms, opts->segment_ms, err)) != SL_OK) {
                session_free(ss);
                return rc;
        }
        sl_state_kv_set_owner(kv, session_free, ss);
        sl_state_kv_set_listener(kv, on_flush, ss);
        sl_state_kv_set_changelog(kv, on_changelog, ss);
        *out = ss;
        return SL_OK;
}

void sl_state_session_set_listener(sl_state_session *ss, sl_state_session_change_fn fn, void *opaque)
{
        ss->listener = fn;
        ss->listener_arg = opaque;
}

void sl_state_session_set_changelog(sl_state_session *ss, sl_state_change_fn fn, void *opaque)
{
        ss->changelog = fn;
        ss->changelog_arg = opaque;
}

static sl_err write_session(sl_state_session *ss, sl_slice key, int64_t start, int64_t end, const sl_slice *value,
                            int64_t ts, bool *dropped, sl_err_detail *err)
{
        if (dropped)
                *dropped = false;
        if (end < start)
                return sl_err_set(err, SL_ERR_INVALID, "session ends (%lld) before it starts (%lld)", (long long)end,
                                  (long long)start);
        sl_err rc = sl_state_segs_observe(&ss->segs, end, false, err);
        if (rc != SL_OK)
                return rc;
        if (end < sl_state_segs_min_live(&ss->segs)) {
                ss->segs.expired++;
                if (dropped)
                        *dropped = true;
                return SL_OK;
        }
        store_key(ss, key, start, end);
        if (value)
                return sl_state_kv_put(ss->kv, sl_buf_slice(&ss->kbuf), *value, ts, err);
        return sl_state_kv_delete(ss->kv, sl_buf_slice(&ss->kbuf), ts, err);
}

sl_err sl_state_session_put(sl_state_session *ss, sl_slice key, int64_t start, int64_t end, sl_slice value,
                            int64_t ts, bool *dropped, sl_err_detail *err)
{
        return write_session(ss, key, start, end, &value, ts, dropped, err);
}

sl_err sl_state_session_remove(sl_state_session *ss, sl_slice key, int64_t start, int64_t end, int64_t ts,
                               sl_err_detail *err)
{
        return write_session(ss, key, start, end, NULL, ts, NULL, err);
}

sl_err sl_state_session_get(sl_state_session *ss, sl_slice key, int64_t start, int64_t end, sl_slice *value,
                            bool *found, sl_err_detail *err)
{
        *found = false;
        if (end < sl_state_segs_min_live(&ss->segs))
                return SL_OK;
        store_key(ss, key, start, end);
        return sl_state_kv_get(ss->kv, sl_buf_slice(&ss->kbuf), value, found, err);
}

static sl_state_session_iter *iter_new(sl_state_session *ss, int64_t earliest_end, int64_t latest_start)
{
        sl_state_session_iter *it = sl_calloc(1, sizeof *it);
        it->ss = ss;
        sl_state_seg_scan_init(&it->scan);
        sl_buf_init(&it->key);
        int64_t min_live = sl_state_segs_min_live(&ss->segs);
        it->earliest_end = earliest_end > min_live ? earliest_end : min_live;
        it->latest_start = latest_start;
        return it;
}

static sl_err iter_start(sl_state_session_iter *it, sl_state_session_iter **out, sl_err_detail *err)
{
        sl_state_session *ss = it->ss;
        sl_err rc = SL_OK;
        /* sessions end between earliest_end and stream time (the largest end written) */
        if (ss->segs.observed != INT64_MIN && it->earliest_end <= ss->segs.observed)
                rc = sl_state_seg_scan_start(&it->scan, ss->kv, sl_state_segs_id(&ss->segs, it->earliest_end),
                                             sl_state_segs_id(&ss->segs, ss->segs.observed), err);
        if (rc != SL_OK) {
                sl_state_session_iter_free(it);
                it = NULL;
        }
        *out = it;
        return rc;
}

static void key_upper(sl_buf *out, sl_slice key)
{
        sl_state_key_escape_body(out, key);
        sl_buf_append_u8(out, 0);
        sl_buf_append_u8(out, 2);
}

sl_err sl_state_session_find(sl_state_session *ss, sl_slice key, int64_t earliest_end, int64_t latest_start,
                             sl_state_session_iter **out, sl_err_detail *err)
{
        sl_state_session_iter *it = iter_new(ss, earliest_end, latest_start);
        sl_state_key_escape(&it->scan.klo, key);
        sl_state_time_append(&it->scan.tlo, it->earliest_end);
        key_upper(&it->scan.khi, key);
        it->scan.has_khi = true;
        return iter_start(it, out, err);
}

sl_err sl_state_session_find_range(sl_state_session *ss, const sl_slice *key_from, const sl_slice *key_to,
                                   int64_t earliest_end, int64_t latest_start, sl_state_session_iter **out,
                                   sl_err_detail *err)
{
        sl_state_session_iter *it = iter_new(ss, earliest_end, latest_start);
        if (key_from)
                sl_state_key_escape(&it->scan.klo, *key_from);
        if (key_to) {
                key_upper(&it->scan.khi, *key_to);
                it->scan.has_khi = true;
        }
        return iter_start(it, out, err);
}

bool sl_state_session_iter_next(sl_state_session_iter *it, sl_state_session_rec *rec)
{
        sl_slice k, v;
        while (sl_state_seg_scan_next(&it->scan, &k, &v)) {
                int64_t start, end;
                if (!parse_store_key(k, &it->key, &start, &end)) {
                        it->scan.status = sl_err_set(&it->scan.detail, SL_ERR_CORRUPT,
                                                     "malformed key in session store %s", sl_state_kv_name(it->ss->kv));
                        return false;
                }
                if (end < it->earliest_end || start > it->latest_start)
                        continue;
                rec->key = sl_buf_slice(&it->key);
                rec->start = start;
                rec->end = end;
                rec->value = v;
                return true;
        }
        return false;
}

sl_err sl_state_session_iter_error(const sl_state_session_iter *it, sl_err_detail *err)
{
        if (it->scan.status == SL_OK)
                return SL_OK;
        if (err)
                *err = it->scan.detail;
        return it->scan.status;
}

void sl_state_session_iter_free(sl_state_session_iter *it)
{
        if (!it)
                return;
        sl_state_seg_scan_deinit(&it->scan);
        sl_buf_deinit(&it->key);
        sl_free(it);
}

sl_err sl_state_session_restore(sl_state_session *ss, sl_slice changelog_key, const sl_slice *value,
                                sl_err_detail *err)
{
        if (changelog_key.len < 16)
                return sl_err_set(err, SL_ERR_CORRUPT, "changelog key of session store %s too short",
                                  sl_state_kv_name(ss->kv));
        sl_slice key = SL_SLICE(changelog_key.ptr, changelog_key.len - 16);
        int64_t end = (int64_t)sl_load_be64(changelog_key.ptr + key.len);
        int64_t start = (int64_t)sl_load_be64(changelog_key.ptr + key.len + 8);
        sl_err rc = sl_state_segs_observe(&ss->segs, end, true, err);
        if (rc != SL_OK)
                return rc;
        if (end < sl_state_segs_min_live(&ss->segs))
                return SL_OK;
        store_key(ss, key, start, end);
        return sl_state_kv_restore(ss->kv, sl_buf_slice(&ss->kbuf), value, err);
}

sl_err sl_state_session_observe(sl_state_session *ss, int64_t stream_time, sl_err_detail *err)
{
        return sl_state_segs_observe(&ss->segs, stream_time, false, err);
}

int64_t sl_state_session_stream_time(const sl_state_session *ss)
{
        return ss->segs.observed;
}

uint64_t sl_state_session_expired_count(const sl_state_session *ss)
{
        return ss->segs.expired;
}

sl_state_kv *sl_state_session_kv(sl_state_session *ss)
{
        return ss->kv;
}
