/* segments.c: time segments for the window and session stores (state_int.h): stream time kept in
 * the store, expiry of whole segments by one range delete, and the segment-skipping scan.
 *
 * Example: retention 10 min, segments of 5 min. Stream time reaches 12:31, so the oldest live time
 * is 12:21:00.001 and the live segments are those from [12:20, 12:25) on. Everything in segments
 * before 12:20 is range-deleted in one call; windows in [12:20, 12:21) stay in RocksDB until
 * stream time passes 12:35 but are no longer returned. A scan for key K over 12:00-12:40 visits
 * segments 12:20, 12:25, ..., seeking straight to K's part of each. */
#include <string.h>

#include "state/state_int.h"

#define META_KEY SL_SLICE("", 0)

void sl_state_segs_append(sl_buf *out, int64_t id)
{
        sl_state_time_append(out, id);
}

int64_t sl_state_segs_id(const sl_state_segs *sg, int64_t t)
{
        return sl_state_floor_div(t, sg->seg_ms);
}

int64_t sl_state_segs_min_live(const sl_state_segs *sg)
{
        if (sg->observed == INT64_MIN || sg->observed < INT64_MIN + sg->retention)
                return INT64_MIN;
        return sg->observed - sg->retention + 1;
}

sl_err sl_state_segs_init(sl_state_segs *sg, sl_state_kv *kv, int64_t retention, int64_t seg_ms,
                          sl_err_detail *err)
{
        memset(sg, 0, sizeof *sg);
        if (retention <= 0)
                return sl_err_set(err, SL_ERR_INVALID, "state store retention must be positive");
        if (seg_ms == 0)
                seg_ms = retention / 2 > 60000 ? retention / 2 : 60000;
        if (seg_ms <= 0)
                return sl_err_set(err, SL_ERR_INVALID, "state store segment interval must be positive");
        sg->kv = kv;
        sg->retention = retention;
        sg->seg_ms = seg_ms;
        sg->observed = INT64_MIN;
        sg->purged_below = INT64_MIN;
        sl_slice v;
        bool found;
        sl_err rc = sl_state_kv_get(kv, META_KEY, &v, &found, err);
        if (rc != SL_OK)
                return rc;
        if (found && v.len == 8)
                sg->observed = sl_state_time_load(v.ptr);
        return SL_OK;
}

sl_err sl_state_segs_observe(sl_state_segs *sg, int64_t t, bool restoring, sl_err_detail *err)
{
        if (t <= sg->observed)
                return SL_OK;
        sg->observed = t;
        uint8_t enc[8];
        sl_store_be64(enc, (uint64_t)t ^ (1ull << 63));
        sl_slice v = SL_SLICE(enc, 8);
        sl_err rc = restoring ? sl_state_kv_restore(sg->kv, META_KEY, &v, err)
                              : sl_state_kv_put(sg->kv, META_KEY, v, t, err);
        if (rc != SL_OK)
                return rc;
        int64_t min_live = sl_state_segs_min_live(sg);
        if (min_live == INT64_MIN)
                return SL_OK;
        int64_t live_seg = sl_state_segs_id(sg, min_live);
        if (live_seg <= sg->purged_below)
                return SL_OK;
        sl_buf from, to;
        sl_buf_init(&from);
        sl_buf_init(&to);
        sl_state_segs_append(&from, INT64_MIN);
        sl_state_segs_append(&to, live_seg);
        rc = sl_state_kv_purge_range(sg->kv, sl_buf_slice(&from), sl_buf_slice(&to), err);
        sl_buf_deinit(&from);
        sl_buf_deinit(&to);
        if (rc == SL_OK)
                sg->purged_below = live_seg;
        return rc;
}

void sl_state_seg_scan_init(sl_state_seg_scan *sc)
{
        memset(sc, 0, sizeof *sc);
        sl_buf_init(&sc->klo);
        sl_buf_init(&sc->tlo);
        sl_buf_init(&sc->khi);
        sl_buf_init(&sc->thi);
        sl_buf_init(&sc->bound);
}

void sl_state_seg_scan_deinit(sl_state_seg_scan *sc)
{
        sl_state_kv_iter_free(sc->kit);
        sc->kit = NULL;
        sl_buf_deinit(&sc->klo);
        sl_buf_deinit(&sc->tlo);
        sl_buf_deinit(&sc->khi);
        sl_buf_deinit(&sc->thi);
        sl_buf_deinit(&sc->bound);
}

static sl_slice lower_bound(sl_state_seg_scan *sc, int64_t seg)
{
        sl_buf_reset(&sc->bound);
        sl_state_segs_append(&sc->bound, seg);
        sl_buf_append(&sc->bound, sc->klo.data, sc->klo.len);
        sl_buf_append(&sc->bound, sc->tlo.data, sc->tlo.len);
        return sl_buf_slice(&sc->bound);
}

static sl_slice upper_bound(sl_state_seg_scan *sc, int64_t seg)
{
        sl_buf_reset(&sc->bound);
        if (sc->thi.len) {
                sl_state_segs_append(&sc->bound, seg);
                sl_buf_append(&sc->bound, sc->klo.data, sc->klo.len);
                sl_buf_append(&sc->bound, sc->thi.data, sc->thi.len);
        } else if (sc->has_khi) {
                sl_state_segs_append(&sc->bound, seg);
                sl_buf_append(&sc->bound, sc->khi.data, sc->khi.len);
        } else {
                sl_state_segs_append(&sc->bound, seg + 1);
        }
        return sl_buf_slice(&sc->bound);
}

sl_err sl_state_seg_scan_start(sl_state_seg_scan *sc, sl_state_kv *kv, int64_t seg_lo, int64_t seg_hi,
                               sl_err_detail *err)
{
        sc->seg_hi = seg_hi;
        if (seg_lo > seg_hi)
                return SL_OK;
        sl_buf lo, hi;
        sl_buf_init(&lo);
        sl_buf_init(&hi);
        sl_state_segs_append(&lo, seg_lo);
        sl_state_segs_append(&hi, seg_hi + 1);
        sl_slice from = sl_buf_slice(&lo), to = sl_buf_slice(&hi);
        sl_err rc = sl_state_kv_range(kv, &from, &to, &sc->kit, err);
        sl_buf_deinit(&lo);
        sl_buf_deinit(&hi);
        if (rc == SL_OK)
                sl_state_kv_iter_seek(sc->kit, lower_bound(sc, seg_lo));
        return rc;
}

static int slice_cmp(sl_slice a, sl_slice b)
{
        return sl_slice_cmp(a, b);
}

bool sl_state_seg_scan_next(sl_state_seg_scan *sc, sl_slice *key, sl_slice *value)
{
        while (sc->kit) {
                if (!sl_state_kv_iter_next(sc->kit, key, value)) {
                        sc->status = sl_state_kv_iter_error(sc->kit, &sc->detail);
                        break;
                }
                if (key->len < 8) {
                        sc->status = sl_err_set(&sc->detail, SL_ERR_CORRUPT, "state key too short for a segment");
                        break;
                }
                int64_t seg = sl_state_time_load(key->ptr);
                if (slice_cmp(*key, lower_bound(sc, seg)) < 0) {
                        sl_state_kv_iter_seek(sc->kit, sl_buf_slice(&sc->bound));
                        continue;
                }
                if (slice_cmp(*key, upper_bound(sc, seg)) >= 0) {
                        if (seg >= sc->seg_hi)
                                break;
                        sl_state_kv_iter_seek(sc->kit, lower_bound(sc, seg + 1));
                        continue;
                }
                return true;
        }
        sl_state_kv_iter_free(sc->kit);
        sc->kit = NULL;
        return false;
}
