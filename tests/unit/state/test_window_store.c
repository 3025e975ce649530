/* test_window_store.c: the window store against a model under random puts, deletes, lookups and
 * fetches (cache on and off, across close/reopen), retention dropping old windows and purging
 * their segments, duplicates, and restore from the recorded changelog. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "state/session_store.h"
#include "state/state_db.h"
#include "state/window_store.h"
#define STATE_TEST_TMPDIR "/tmp/sl_state_win_XXXXXX"
#define STATE_TEST_REC_KEY 16
#include "state_test.h"

#define SIZE 100
#define RETENTION 2000
#define SEGMENT 500

static sl_state_window *open_ws(sl_state_db *db, bool dups)
{
        sl_state_window_opts wo = {.retention_ms = RETENTION, .segment_ms = SEGMENT, .window_size_ms = SIZE,
                                   .retain_duplicates = dups};
        sl_state_window *ws = NULL;
        sl_err_detail err;
        cr_assert_eq(sl_state_window_open(db, "win", &wo, &ws, &err), SL_OK, "%s", err.message);
        return ws;
}

/* Keys with zero bytes and prefixes of each other, in memcmp order. */
#define NK 8
STATE_TEST_KEYS({"", 0}, {"\0", 1}, {"\0\0", 2}, {"\0a", 2}, {"a", 1}, {"a\0", 2}, {"ab", 2}, {"\xff", 1})

/* Model: windows of a fixed time grid, start = T0 + slot * 10. */
#define T0 (-3000)
#define NSLOT 1200
typedef struct model {
        bool present[NK][NSLOT];
        uint32_t value[NK][NSLOT];
        int64_t observed;
} model;

static int64_t slot_start(int s)
{
        return T0 + (int64_t)s * 10;
}

static int64_t min_live(const model *m)
{
        return m->observed == INT64_MIN ? INT64_MIN : m->observed - RETENTION + 1;
}

static bool live(const model *m, int k, int s)
{
        return m->present[k][s] && slot_start(s) >= min_live(m);
}

static int64_t seg_of(int64_t t)
{
        return t >= 0 ? t / SEGMENT : -((-t + SEGMENT - 1) / SEGMENT);
}

/* Expected (key, slot) pairs of a fetch_range, in the store's order: segment, key, start. */
static int expected_range(const model *m, int klo, int khi, int64_t from, int64_t to, int *ek, int *es)
{
        int n = 0;
        int64_t seg_lo = seg_of(slot_start(0)), seg_hi = seg_of(slot_start(NSLOT - 1));
        for (int64_t seg = seg_lo; seg <= seg_hi; seg++)
                for (int k = klo; k <= khi; k++)
                        for (int s = 0; s < NSLOT; s++)
                                if (seg_of(slot_start(s)) == seg && live(m, k, s) && slot_start(s) >= from &&
                                    slot_start(s) <= to) {
                                        ek[n] = k;
                                        es[n] = s;
                                        n++;
                                }
        return n;
}

static void check_iter(sl_state_window_iter *it, const int *ek, const int *es, int n, const model *m)
{
        sl_state_window_rec rec;
        int i = 0;
        while (sl_state_window_iter_next(it, &rec)) {
                cr_assert_lt(i, n, "extra window");
                cr_assert(sl_slice_eq(rec.key, K(ek[i])), "window %d: key differs", i);
                cr_assert_eq(rec.start, slot_start(es[i]), "window %d: start %ld, want %ld", i, (long)rec.start,
                             (long)slot_start(es[i]));
                cr_assert_eq(rec.end, rec.start + SIZE);
                cr_assert_eq(rec.value.len, 4);
                uint32_t v;
                memcpy(&v, rec.value.ptr, 4);
                cr_assert_eq(v, m->value[ek[i]][es[i]]);
                i++;
        }
        sl_err_detail err;
        cr_assert_eq(sl_state_window_iter_error(it, &err), SL_OK, "%s", err.message);
        cr_assert_eq(i, n, "got %d windows, want %d", i, n);
        sl_state_window_iter_free(it);
}

static void check_everything(sl_state_window *ws, const model *m)
{
        static int ek[NK * NSLOT], es[NK * NSLOT];
        int n = expected_range(m, 0, NK - 1, INT64_MIN, INT64_MAX, ek, es);
        sl_state_window_iter *it;
        cr_assert_eq(sl_state_window_fetch_range(ws, NULL, NULL, INT64_MIN, INT64_MAX, &it, NULL), SL_OK);
        check_iter(it, ek, es, n, m);
}

/* Changelog records */

static void random_case(size_t cache, int ops)
{
        STATE_TEST_DB(dir, db, cache);
        model *m = calloc(1, sizeof *m);
        m->observed = INT64_MIN;
        log cl = {0};
        static int ek[NK * NSLOT], es[NK * NSLOT];
        sl_state_window *ws = open_ws(db, false);
        sl_state_window_set_changelog(ws, record, &cl);
        sl_err_detail err;
        int cursor = 0; /* stream time moves forward through the slots, records arrive out of order */
        for (int op = 0; op < ops; op++) {
                if (cursor < NSLOT - 1 && rng_next() % 4 == 0)
                        cursor++;
                int k = (int)(rng_next() % NK);
                int back = (int)(rng_next() % 260); /* up to 2600 ms late: some beyond retention */
                int s = cursor - back < 0 ? 0 : cursor - back;
                unsigned r = rng_next() % 100;
                if (r < 45) {
                        uint32_t v = (uint32_t)rng_next();
                        bool dropped;
                        if (slot_start(s) > m->observed)
                                m->observed = slot_start(s);
                        bool expect_drop = slot_start(s) < min_live(m);
                        sl_slice vs = SL_SLICE(&v, 4);
                        cr_assert_eq(sl_state_window_put(ws, K(k), slot_start(s), &vs, op, &dropped, &err), SL_OK,
                                     "%s", err.message);
                        cr_assert_eq(dropped, expect_drop);
                        if (!dropped) {
                                m->present[k][s] = true;
                                m->value[k][s] = v;
                        }
                } else if (r < 55) {
                        if (slot_start(s) > m->observed)
                                m->observed = slot_start(s);
                        cr_assert_eq(sl_state_window_put(ws, K(k), slot_start(s), NULL, op, NULL, &err), SL_OK);
                        m->present[k][s] = false;
                } else if (r < 75) {
                        sl_slice v;
                        bool found;
                        cr_assert_eq(sl_state_window_get(ws, K(k), slot_start(s), &v, &found, &err), SL_OK);
                        cr_assert_eq(found, live(m, k, s), "op %d key %d slot %d", op, k, s);
                        if (found)
                                cr_assert(v.len == 4 && memcmp(v.ptr, &m->value[k][s], 4) == 0);
                } else if (r < 88) {
                        int64_t from = slot_start(s) - (int64_t)(rng_next() % 500);
                        int64_t to = from + (int64_t)(rng_next() % 1500);
                        int n = expected_range(m, k, k, from, to, ek, es);
                        sl_state_window_iter *it;
                        cr_assert_eq(sl_state_window_fetch(ws, K(k), from, to, &it, &err), SL_OK);
                        check_iter(it, ek, es, n, m);
                } else if (r < 96) {
                        int k2 = (int)(rng_next() % NK);
                        int klo = k < k2 ? k : k2, khi = k < k2 ? k2 : k;
                        int64_t from = slot_start(s) - (int64_t)(rng_next() % 1000);
                        int64_t to = from + (int64_t)(rng_next() % 3000);
                        int n = expected_range(m, klo, khi, from, to, ek, es);
                        sl_state_window_iter *it;
                        sl_slice kf = K(klo), kt = K(khi);
                        cr_assert_eq(sl_state_window_fetch_range(ws, &kf, &kt, from, to, &it, &err), SL_OK);
                        check_iter(it, ek, es, n, m);
                } else if (r < 99) {
                        sometimes_commit(db);
                } else if (rng_next() % 4 == 0) {
                        db = reopen_db(db, dir, cache);
                        ws = open_ws(db, false);
                        sl_state_window_set_changelog(ws, record, &cl);
                        cr_assert_eq(sl_state_window_stream_time(ws), m->observed, "stream time persisted");
                        check_everything(ws, m);
                }
        }
        check_everything(ws, m);

        /* restore the changelog into a fresh store */
        char *dir2 = make_tmpdir();
        db = reopen_db(db, dir2, cache);
        ws = open_ws(db, false);
        log none = {0};
        sl_state_window_set_changelog(ws, record, &none);
        STATE_TEST_REPLAY(sl_state_window_restore, ws, &cl);
        /* stream time also advanced through deletes of windows never flushed as puts */
        cr_assert_eq(sl_state_window_observe(ws, m->observed, &err), SL_OK);
        check_everything(ws, m);
        cr_assert_eq(sl_state_db_commit(db, &err), SL_OK);
        cr_assert_eq(none.n, 0);
        close_tmp_db(db, dir2);
        random_case_done(cl.recs, m, dir);
}

STATE_TEST_RANDOM_CASES(state_window_store, random_ops_match_model, 0x5eed1ull, 0x5eed2ull, 0x5eed3ull, 2000, 5000, 3000)

static int count_raw(sl_state_window *ws)
{
        sl_state_kv_iter *it;
        cr_assert_eq(sl_state_kv_all(sl_state_window_kv(ws), &it, NULL), SL_OK);
        sl_slice k, v;
        int n = 0;
        while (sl_state_kv_iter_next(it, &k, &v))
                n += k.len > 0; /* not the stream time entry */
        sl_state_kv_iter_free(it);
        return n;
}

Test(state_window_store, retention_drops_old_windows_and_purges_segments)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_window_opts wo = {.retention_ms = 100, .segment_ms = 50, .window_size_ms = 10};
        sl_state_window *ws;
        cr_assert_eq(sl_state_window_open(db, "w", &wo, &ws, NULL), SL_OK);
        sl_slice v = S("x");
        bool dropped;
        cr_assert_eq(sl_state_window_put(ws, S("k"), 0, &v, 0, &dropped, NULL), SL_OK);
        cr_assert_eq(sl_state_window_put(ws, S("k"), 60, &v, 0, &dropped, NULL), SL_OK);
        cr_assert_eq(sl_state_window_put(ws, S("k"), 120, &v, 0, &dropped, NULL), SL_OK);
        cr_assert_not(dropped);
        cr_assert_eq(sl_state_window_stream_time(ws), 120);
        /* min live = 21: window 0 is expired but its segment [0, 50) still holds 21..49 */
        sl_state_window_iter *it;
        sl_state_window_rec rec;
        cr_assert_eq(sl_state_window_fetch(ws, S("k"), INT64_MIN, INT64_MAX, &it, NULL), SL_OK);
        cr_assert(sl_state_window_iter_next(it, &rec) && rec.start == 60 && rec.end == 70);
        cr_assert(sl_state_window_iter_next(it, &rec) && rec.start == 120);
        cr_assert_not(sl_state_window_iter_next(it, &rec));
        sl_state_window_iter_free(it);
        cr_assert_eq(sl_state_window_put(ws, S("k"), 20, &v, 0, &dropped, NULL), SL_OK);
        cr_assert(dropped);
        cr_assert_eq(sl_state_window_expired_count(ws), 1);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(count_raw(ws), 3);
        /* stream time 200: min live 101, segments 0 and 1 are purged */
        cr_assert_eq(sl_state_window_observe(ws, 200, NULL), SL_OK);
        cr_assert_eq(count_raw(ws), 1);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        sl_state_db_close(db);
        db = open_db(dir, 1 << 20);
        cr_assert_eq(sl_state_window_open(db, "w", &wo, &ws, NULL), SL_OK);
        cr_assert_eq(sl_state_window_stream_time(ws), 200);
        cr_assert_eq(count_raw(ws), 1);
        close_tmp_db(db, dir);
}

Test(state_window_store, duplicates_are_kept_in_write_order_and_restored)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_window_opts wo = {.retention_ms = 1000, .window_size_ms = 0, .retain_duplicates = true};
        sl_state_window *ws;
        cr_assert_eq(sl_state_window_open(db, "j", &wo, &ws, NULL), SL_OK);
        log cl = {0};
        sl_state_window_set_changelog(ws, record, &cl);
        uint32_t vals[] = {7, 8, 9};
        for (int i = 0; i < 3; i++) {
                sl_slice v = SL_SLICE(&vals[i], 4);
                cr_assert_eq(sl_state_window_put(ws, S("k"), 5, &v, 5, NULL, NULL), SL_OK);
        }
        cr_assert_eq(sl_state_window_put(ws, S("k"), 5, NULL, 5, NULL, NULL), SL_OK, "ignored");
        sl_slice got;
        bool found;
        cr_assert_eq(sl_state_window_get(ws, S("k"), 5, &got, &found, NULL), SL_ERR_UNSUPPORTED);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(cl.n, 3);
        sl_state_db_close(db);
        char *dir2 = make_tmpdir();
        db = open_db(dir2, 1 << 20);
        cr_assert_eq(sl_state_window_open(db, "j", &wo, &ws, NULL), SL_OK);
        for (size_t i = 0; i < cl.n; i++) {
                sl_slice v = SL_SLICE(&cl.recs[i].value, 4);
                cr_assert_eq(sl_state_window_restore(ws, SL_SLICE(cl.recs[i].key, cl.recs[i].klen), &v, NULL), SL_OK);
        }
        sl_state_window_iter *it;
        sl_state_window_rec rec;
        cr_assert_eq(sl_state_window_fetch(ws, S("k"), 0, 10, &it, NULL), SL_OK);
        for (int i = 0; i < 3; i++) {
                cr_assert(sl_state_window_iter_next(it, &rec));
                cr_assert(rec.start == 5 && memcmp(rec.value.ptr, &vals[i], 4) == 0);
        }
        cr_assert_not(sl_state_window_iter_next(it, &rec));
        sl_state_window_iter_free(it);
        /* a put after restore does not overwrite a restored duplicate */
        sl_slice v = SL_SLICE(&vals[0], 4);
        cr_assert_eq(sl_state_window_put(ws, S("k"), 5, &v, 5, NULL, NULL), SL_OK);
        int n = 0;
        cr_assert_eq(sl_state_window_fetch(ws, S("k"), 0, 10, &it, NULL), SL_OK);
        while (sl_state_window_iter_next(it, &rec))
                n++;
        sl_state_window_iter_free(it);
        cr_assert_eq(n, 4);
        free(cl.recs);
        close_tmp_db(db, dir2);
        remove_tmpdir(dir);
}

static sl_err wlisten(void *opaque, const sl_state_window_change *chg, sl_err_detail *err)
{
        (void)err;
        cr_assert(sl_slice_eq(chg->key, S("user")));
        STATE_TEST_SPAN_LOG((span_log *)opaque, chg);
        return SL_OK;
}

Test(state_window_store, listener_gets_decoded_windows_and_changelog_keys_are_key_and_start)
{
        STATE_TEST_DB(dir, db, 0);
        sl_state_window_opts wo = {.retention_ms = 10000, .window_size_ms = 60};
        sl_state_window *ws;
        cr_assert_eq(sl_state_window_open(db, "w", &wo, &ws, NULL), SL_OK);
        span_log wl = {0};
        log cl = {0};
        sl_state_window_set_listener(ws, wlisten, &wl);
        sl_state_window_set_changelog(ws, record, &cl);
        uint32_t one = 1;
        sl_slice v = SL_SLICE(&one, 4);
        cr_assert_eq(sl_state_window_put(ws, S("user"), 120, &v, 130, NULL, NULL), SL_OK);
        cr_assert_eq(sl_state_window_put(ws, S("user"), 120, NULL, 131, NULL, NULL), SL_OK);
        cr_assert_eq(wl.n, 2);
        cr_assert(wl.start[0] == 120 && wl.end[0] == 180 && wl.has_value[0] && !wl.has_value[1]);
        cr_assert_eq(cl.n, 2);
        const uint8_t want[] = {'u', 's', 'e', 'r', 0, 0, 0, 0, 0, 0, 0, 120};
        cr_assert(cl.recs[0].klen == sizeof want && memcmp(cl.recs[0].key, want, sizeof want) == 0);
        cr_assert_not(cl.recs[1].has_value);
        free(cl.recs);
        close_tmp_db(db, dir);
}

Test(state_window_store, invalid_retention_is_refused)
{
        STATE_TEST_DB(dir, db, 0);
        sl_state_window_opts wo = {.retention_ms = 0};
        sl_state_window *ws;
        sl_err_detail err;
        cr_assert_eq(sl_state_window_open(db, "w", &wo, &ws, &err), SL_ERR_INVALID);
        cr_assert_null(ws);
        cr_assert_eq(sl_state_window_open(db, "w", NULL, &ws, &err), SL_ERR_INVALID);
        cr_assert_null(ws);
        sl_state_session *ss;
        cr_assert_eq(sl_state_session_open(db, "s", NULL, &ss, &err), SL_ERR_INVALID);
        sl_state_session_opts so = {.retention_ms = 10, .segment_ms = -1};
        cr_assert_eq(sl_state_session_open(db, "s", &so, &ss, &err), SL_ERR_INVALID);
        cr_assert_null(ss);
        close_tmp_db(db, dir);
}
