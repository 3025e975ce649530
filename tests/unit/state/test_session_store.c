/* test_session_store.c: the session store against a model of sessions, driven the way a session
 * aggregation drives it (find the sessions overlapping [t - gap, t + gap], remove them, put the
 * merged one), with random lookups and range finds, cache on and off, close/reopen, retention and
 * restore from the recorded changelog. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "state/session_store.h"
#include "state/state_db.h"
#define STATE_TEST_TMPDIR "/tmp/sl_state_ses_XXXXXX"
#define STATE_TEST_REC_KEY 24
#include "state_test.h"

#define GAP 50
#define RETENTION 1000
#define SEGMENT 300

static sl_state_session *open_ss(sl_state_db *db)
{
        sl_state_session_opts so = {.retention_ms = RETENTION, .segment_ms = SEGMENT};
        sl_state_session *ss = NULL;
        sl_err_detail err;
        cr_assert_eq(sl_state_session_open(db, "ses", &so, &ss, &err), SL_OK, "%s", err.message);
        return ss;
}

#define NK 6
STATE_TEST_KEYS({"", 0}, {"\0", 1}, {"\0x", 2}, {"x", 1}, {"x\0", 2}, {"xy", 2})

/* Model: a list of sessions. */
#define MAXS 20000
typedef struct sess {
        int k;
        int64_t start, end;
        uint32_t count;
        bool alive;
} sess;

typedef struct model {
        sess s[MAXS];
        int n;
        int64_t observed;
} model;

static int64_t min_live(const model *m)
{
        return m->observed == INT64_MIN ? INT64_MIN : m->observed - RETENTION + 1;
}

static int64_t seg_of(int64_t t)
{
        return t >= 0 ? t / SEGMENT : -((-t + SEGMENT - 1) / SEGMENT);
}

static bool matches(const model *m, const sess *x, int klo, int khi, int64_t earliest_end, int64_t latest_start)
{
        return x->alive && x->k >= klo && x->k <= khi && x->end >= min_live(m) && x->end >= earliest_end &&
               x->start <= latest_start;
}

/* ordering of find_range: segment of end, key, end, start (find of one key: end, start) */
static int cmp_sess(const void *a, const void *b)
{
        const sess *x = *(const sess *const *)a, *y = *(const sess *const *)b;
        int64_t sx = seg_of(x->end), sy = seg_of(y->end);
        if (sx != sy)
                return sx < sy ? -1 : 1;
        if (x->k != y->k)
                return x->k < y->k ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        return (x->start > y->start) - (x->start < y->start);
}

static int expected(model *m, int klo, int khi, int64_t earliest_end, int64_t latest_start, sess **out)
{
        int n = 0;
        for (int i = 0; i < m->n; i++)
                if (matches(m, &m->s[i], klo, khi, earliest_end, latest_start))
                        out[n++] = &m->s[i];
        qsort(out, (size_t)n, sizeof *out, cmp_sess);
        return n;
}

static void check_iter(sl_state_session_iter *it, sess **want, int n)
{
        sl_state_session_rec rec;
        int i = 0;
        while (sl_state_session_iter_next(it, &rec)) {
                cr_assert_lt(i, n, "extra session [%ld, %ld]", (long)rec.start, (long)rec.end);
                cr_assert(sl_slice_eq(rec.key, K(want[i]->k)), "session %d: key", i);
                cr_assert(rec.start == want[i]->start && rec.end == want[i]->end,
                          "session %d: [%ld, %ld] want [%ld, %ld]", i, (long)rec.start, (long)rec.end, (long)want[i]->start, (long)want[i]->end);
                cr_assert(rec.value.len == 4 && memcmp(rec.value.ptr, &want[i]->count, 4) == 0);
                i++;
        }
        sl_err_detail err;
        cr_assert_eq(sl_state_session_iter_error(it, &err), SL_OK, "%s", err.message);
        cr_assert_eq(i, n, "got %d sessions, want %d", i, n);
        sl_state_session_iter_free(it);
}

static sess *want_buf[MAXS];

static void check_everything(sl_state_session *ss, model *m)
{
        int n = expected(m, 0, NK - 1, INT64_MIN, INT64_MAX, want_buf);
        sl_state_session_iter *it;
        cr_assert_eq(sl_state_session_find_range(ss, NULL, NULL, INT64_MIN, INT64_MAX, &it, NULL), SL_OK);
        check_iter(it, want_buf, n);
}

/* One record of key k at time t, aggregated as a session count. */
static void aggregate(sl_state_session *ss, model *m, int k, int64_t t)
{
        sl_err_detail err;
        int n = expected(m, k, k, t - GAP, t + GAP, want_buf);
        sl_state_session_iter *it;
        cr_assert_eq(sl_state_session_find(ss, K(k), t - GAP, t + GAP, &it, &err), SL_OK);
        /* the store's answer, copied before writing */
        int64_t starts[64], ends[64];
        uint32_t counts[64];
        int got = 0;
        sl_state_session_rec rec;
        while (sl_state_session_iter_next(it, &rec)) {
                cr_assert_lt(got, 64);
                starts[got] = rec.start;
                ends[got] = rec.end;
                memcpy(&counts[got], rec.value.ptr, 4);
                cr_assert(got < n && starts[got] == want_buf[got]->start && ends[got] == want_buf[got]->end);
                got++;
        }
        cr_assert_eq(sl_state_session_iter_error(it, NULL), SL_OK);
        sl_state_session_iter_free(it);
        cr_assert_eq(got, n);
        int64_t start = t, end = t;
        uint32_t count = 1;
        for (int i = 0; i < got; i++) {
                start = starts[i] < start ? starts[i] : start;
                end = ends[i] > end ? ends[i] : end;
                count += counts[i];
                want_buf[i]->alive = false;
                cr_assert_eq(sl_state_session_remove(ss, K(k), starts[i], ends[i], t, &err), SL_OK);
        }
        if (end > m->observed)
                m->observed = end;
        bool dropped;
        cr_assert_eq(sl_state_session_put(ss, K(k), start, end, SL_SLICE(&count, 4), t, &dropped, &err), SL_OK);
        cr_assert_eq(dropped, end < min_live(m));
        if (!dropped) {
                cr_assert_lt(m->n, MAXS);
                m->s[m->n++] = (sess){.k = k, .start = start, .end = end, .count = count, .alive = true};
        }
}

static void random_case(size_t cache, int ops)
{
        STATE_TEST_DB(dir, db, cache);
        model *m = calloc(1, sizeof *m);
        m->observed = INT64_MIN;
        log cl = {0};
        sl_state_session *ss = open_ss(db);
        sl_state_session_set_changelog(ss, record, &cl);
        sl_err_detail err;
        int64_t now = -2000;
        for (int op = 0; op < ops; op++) {
                now += (int64_t)(rng_next() % 8);
                int k = (int)(rng_next() % NK);
                int64_t t = now - (int64_t)(rng_next() % 1200); /* some records beyond retention */
                unsigned r = rng_next() % 100;
                if (r < 60) {
                        aggregate(ss, m, k, t);
                } else if (r < 75) {
                        int i = m->n ? (int)(rng_next() % (unsigned)m->n) : 0;
                        if (m->n == 0)
                                continue;
                        sess *x = &m->s[i];
                        /* the same bounds may have been removed and put again (a record inside a
                         * session): the live entry is the one to compare with */
                        for (int j = 0; j < m->n; j++)
                                if (m->s[j].alive && m->s[j].k == x->k && m->s[j].start == x->start &&
                                    m->s[j].end == x->end)
                                        x = &m->s[j];
                        sl_slice v;
                        bool found;
                        cr_assert_eq(sl_state_session_get(ss, K(x->k), x->start, x->end, &v, &found, &err), SL_OK);
                        bool want = x->alive && x->end >= min_live(m);
                        cr_assert_eq(found, want);
                        if (found)
                                cr_assert(v.len == 4 && memcmp(v.ptr, &x->count, 4) == 0);
                } else if (r < 93) {
                        int k2 = (int)(rng_next() % NK);
                        int klo = k < k2 ? k : k2, khi = k < k2 ? k2 : k;
                        int64_t ee = t - (int64_t)(rng_next() % 400), ls = ee + (int64_t)(rng_next() % 800);
                        int n = expected(m, klo, khi, ee, ls, want_buf);
                        sl_state_session_iter *it;
                        sl_slice kf = K(klo), kt = K(khi);
                        cr_assert_eq(sl_state_session_find_range(ss, &kf, &kt, ee, ls, &it, &err), SL_OK);
                        check_iter(it, want_buf, n);
                } else if (r < 99) {
                        sometimes_commit(db);
                } else if (rng_next() % 4 == 0) {
                        db = reopen_db(db, dir, cache);
                        ss = open_ss(db);
                        sl_state_session_set_changelog(ss, record, &cl);
                        cr_assert_eq(sl_state_session_stream_time(ss), m->observed);
                        check_everything(ss, m);
                }
        }
        check_everything(ss, m);

        /* restore the changelog into a fresh store */
        char *dir2 = make_tmpdir();
        db = reopen_db(db, dir2, cache);
        ss = open_ss(db);
        STATE_TEST_REPLAY(sl_state_session_restore, ss, &cl);
        cr_assert_eq(sl_state_session_observe(ss, m->observed, &err), SL_OK);
        check_everything(ss, m);
        close_tmp_db(db, dir2);
        random_case_done(cl.recs, m, dir);
}

STATE_TEST_RANDOM_CASES(state_session_store, merging_matches_model, 0xa11ceull, 0xb0bull, 0xca7ull, 1500, 5000, 3000)

Test(state_session_store, find_returns_overlapping_sessions_only)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_session *ss = open_ss(db);
        sl_slice v = S("v");
        cr_assert_eq(sl_state_session_put(ss, S("k"), 0, 30, v, 0, NULL, NULL), SL_OK);
        cr_assert_eq(sl_state_session_put(ss, S("k"), 100, 120, v, 0, NULL, NULL), SL_OK);
        cr_assert_eq(sl_state_session_put(ss, S("k"), 400, 400, v, 0, NULL, NULL), SL_OK);
        cr_assert_eq(sl_state_session_put(ss, S("kk"), 60, 70, v, 0, NULL, NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        /* a record at 75 with gap 50: [25, 125] overlaps [0, 30] and [100, 120], not kk's session */
        sl_state_session_iter *it;
        sl_state_session_rec rec;
        cr_assert_eq(sl_state_session_find(ss, S("k"), 25, 125, &it, NULL), SL_OK);
        cr_assert(sl_state_session_iter_next(it, &rec) && rec.start == 0 && rec.end == 30);
        cr_assert(sl_state_session_iter_next(it, &rec) && rec.start == 100 && rec.end == 120);
        cr_assert_not(sl_state_session_iter_next(it, &rec));
        sl_state_session_iter_free(it);
        /* end < start is refused */
        sl_err_detail err;
        cr_assert_eq(sl_state_session_put(ss, S("k"), 10, 5, v, 0, NULL, &err), SL_ERR_INVALID);
        close_tmp_db(db, dir);
}

static sl_err slisten(void *opaque, const sl_state_session_change *chg, sl_err_detail *err)
{
        (void)err;
        STATE_TEST_SPAN_LOG((span_log *)opaque, chg);
        return SL_OK;
}

Test(state_session_store, merge_reports_removal_and_new_session)
{
        STATE_TEST_DB(dir, db, 0);
        sl_state_session *ss = open_ss(db);
        span_log sl = {0};
        log cl = {0};
        sl_state_session_set_listener(ss, slisten, &sl);
        sl_state_session_set_changelog(ss, record, &cl);
        sl_slice v = S("v");
        cr_assert_eq(sl_state_session_put(ss, S("k"), 10, 10, v, 10, NULL, NULL), SL_OK);
        cr_assert_eq(sl_state_session_remove(ss, S("k"), 10, 10, 40, NULL), SL_OK);
        cr_assert_eq(sl_state_session_put(ss, S("k"), 10, 40, v, 40, NULL, NULL), SL_OK);
        cr_assert_eq(sl.n, 3);
        cr_assert(sl.has_value[0] && !sl.has_value[1] && sl.has_value[2]);
        cr_assert(sl.start[2] == 10 && sl.end[2] == 40);
        const uint8_t want[] = {'k', 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 10};
        cr_assert(cl.n == 3 && cl.recs[2].klen == sizeof want && memcmp(cl.recs[2].key, want, sizeof want) == 0);
        free(cl.recs);
        close_tmp_db(db, dir);
}
