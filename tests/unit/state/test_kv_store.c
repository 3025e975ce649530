/* test_kv_store.c: the key-value store against an in-memory model under thousands of random
 * operations (cache large, small and off), scans merging cache and RocksDB, reports at flush,
 * old values, restore from the recorded changelog, persistence across close/reopen. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "state/kv_store.h"
#include "state/state_db.h"
#include "state/state_int.h"  /* sl_state_kv_evict */
#define STATE_TEST_TMPDIR "/tmp/sl_state_kv_XXXXXX"
#include "state_test.h"

static sl_state_kv *open_kv(sl_state_db *db, const char *name, bool old)
{
        sl_state_kv_opts ko = {.send_old_values = old};
        sl_state_kv *kv = NULL;
        sl_err_detail err;
        cr_assert_eq(sl_state_kv_open(db, name, &ko, &kv, &err), SL_OK, "%s", err.message);
        return kv;
}

/* Recorded reports */
typedef struct rec {
        uint8_t key[16];
        size_t klen;
        bool has_value;
        uint8_t value[64];
        size_t vlen;
        bool has_old;
        uint8_t old[64];
        size_t oldlen;
        int64_t ts;
} rec;

typedef struct log {
        rec *recs;
        size_t n, cap;
} log;

static sl_err record(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        (void)err;
        log *l = opaque;
        if (l->n == l->cap) {
                l->cap = l->cap ? l->cap * 2 : 64;
                l->recs = realloc(l->recs, l->cap * sizeof *l->recs);
        }
        rec *r = &l->recs[l->n++];
        memset(r, 0, sizeof *r);
        cr_assert_leq(chg->key.len, sizeof r->key);
        memcpy(r->key, chg->key.ptr, chg->key.len);
        r->klen = chg->key.len;
        r->has_value = chg->has_value;
        if (chg->has_value) {
                cr_assert_leq(chg->value.len, sizeof r->value);
                memcpy(r->value, chg->value.ptr, chg->value.len);
                r->vlen = chg->value.len;
        }
        r->has_old = chg->has_old;
        if (chg->has_old) {
                memcpy(r->old, chg->old_value.ptr, chg->old_value.len);
                r->oldlen = chg->old_value.len;
        }
        r->ts = chg->ts;
        return SL_OK;
}

static bool rec_is(const rec *r, const char *key, const char *value)
{
        if (r->klen != strlen(key) || memcmp(r->key, key, r->klen) != 0)
                return false;
        if (!value)
                return !r->has_value;
        return r->has_value && r->vlen == strlen(value) && memcmp(r->value, value, r->vlen) == 0;
}

/* The model: a fixed universe of keys in memcmp order, each present or not. */
#define NKEYS 160
typedef struct model {
        uint8_t key[NKEYS][6];
        size_t klen[NKEYS];
        bool present[NKEYS];
        uint8_t value[NKEYS][40];
        size_t vlen[NKEYS];
} model;

static int slice_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
        size_t n = al < bl ? al : bl;
        int c = n ? memcmp(a, b, n) : 0;
        return c ? c : (al > bl) - (al < bl);
}

static void model_init(model *m)
{
        static const uint8_t alphabet[] = {0x00, 0x01, 'a', 'b', 0xfe, 0xff};
        memset(m, 0, sizeof *m);
        size_t n = 0;
        while (n < NKEYS) {
                uint8_t k[6];
                size_t len = rng_next() % 6;
                for (size_t i = 0; i < len; i++)
                        k[i] = alphabet[rng_next() % sizeof alphabet];
                bool dup = false;
                for (size_t j = 0; j < n && !dup; j++)
                        dup = slice_cmp(m->key[j], m->klen[j], k, len) == 0;
                if (dup)
                        continue;
                /* insertion sort keeps the universe ordered */
                size_t pos = n;
                while (pos > 0 && slice_cmp(m->key[pos - 1], m->klen[pos - 1], k, len) > 0) {
                        memcpy(m->key[pos], m->key[pos - 1], 6);
                        m->klen[pos] = m->klen[pos - 1];
                        pos--;
                }
                memcpy(m->key[pos], k, len);
                m->klen[pos] = len;
                n++;
        }
}

static sl_slice mkey(const model *m, size_t i)
{
        return SL_SLICE(m->key[i], m->klen[i]);
}

/* Checks that `it` yields exactly the present model keys with index in [lo, hi) that pass
 * `match` (NULL: all), then frees it. */
static void check_scan(const model *m, sl_state_kv_iter *it, size_t lo, size_t hi, const sl_slice *prefix)
{
        sl_slice k, v;
        size_t i = lo;
        while (sl_state_kv_iter_next(it, &k, &v)) {
                while (i < hi && (!m->present[i] ||
                                  (prefix && (m->klen[i] < prefix->len ||
                                              memcmp(m->key[i], prefix->ptr, prefix->len) != 0))))
                        i++;
                cr_assert_lt(i, hi, "scan returned an extra key");
                cr_assert_eq(slice_cmp(k.ptr, k.len, m->key[i], m->klen[i]), 0, "scan key %zu differs", i);
                cr_assert_eq(v.len, m->vlen[i]);
                cr_assert_eq(memcmp(v.ptr, m->value[i], v.len), 0);
                i++;
        }
        sl_err_detail err;
        cr_assert_eq(sl_state_kv_iter_error(it, &err), SL_OK, "%s", err.message);
        for (; i < hi; i++)
                cr_assert(!m->present[i] || (prefix && (m->klen[i] < prefix->len ||
                                                        memcmp(m->key[i], prefix->ptr, prefix->len) != 0)),
                          "scan missed key %zu", i);
        sl_state_kv_iter_free(it);
}

static void check_all(sl_state_kv *kv, const model *m)
{
        sl_state_kv_iter *it;
        cr_assert_eq(sl_state_kv_all(kv, &it, NULL), SL_OK);
        check_scan(m, it, 0, NKEYS, NULL);
}

/* Random operations against the model; the changelog is recorded into `cl`. Returns the db
 * (possibly reopened). */
static void run_random(const char *dir, size_t cache, int ops, log *cl, model *m)
{
        sl_state_db *db = open_db(dir, cache);
        sl_state_kv *kv = open_kv(db, "store", false);
        sl_state_kv_set_changelog(kv, record, cl);
        sl_err_detail err;
        for (int op = 0; op < ops; op++) {
                size_t i = rng_next() % NKEYS;
                unsigned r = rng_next() % 100;
                if (r < 45) {
                        m->vlen[i] = rng_next() % 40;
                        for (size_t j = 0; j < m->vlen[i]; j++)
                                m->value[i][j] = (uint8_t)rng_next();
                        m->present[i] = true;
                        cr_assert_eq(sl_state_kv_put(kv, mkey(m, i), SL_SLICE(m->value[i], m->vlen[i]), op, &err),
                                     SL_OK, "%s", err.message);
                } else if (r < 60) {
                        m->present[i] = false;
                        cr_assert_eq(sl_state_kv_delete(kv, mkey(m, i), op, &err), SL_OK);
                } else if (r < 85) {
                        sl_slice v;
                        bool found;
                        cr_assert_eq(sl_state_kv_get(kv, mkey(m, i), &v, &found, &err), SL_OK);
                        cr_assert_eq(found, m->present[i], "op %d key %zu", op, i);
                        if (found) {
                                cr_assert_eq(v.len, m->vlen[i]);
                                cr_assert_eq(memcmp(v.ptr, m->value[i], v.len), 0);
                        }
                } else if (r < 93) {
                        cr_assert_leq(sl_state_db_cache_bytes(db), cache);
                        size_t j = rng_next() % NKEYS;
                        size_t lo = i < j ? i : j, hi = i < j ? j : i;
                        sl_slice from = mkey(m, lo), to = mkey(m, hi);
                        sl_state_kv_iter *it;
                        cr_assert_eq(sl_state_kv_range(kv, &from, &to, &it, &err), SL_OK);
                        check_scan(m, it, lo, hi, NULL);
                } else if (r < 97) {
                        sl_slice prefix = SL_SLICE(m->key[i], m->klen[i] ? rng_next() % (m->klen[i] + 1) : 0);
                        sl_state_kv_iter *it;
                        cr_assert_eq(sl_state_kv_prefix(kv, prefix, &it, &err), SL_OK);
                        check_scan(m, it, 0, NKEYS, &prefix);
                } else if (r < 99) {
                        sometimes_commit(db);
                } else if (rng_next() % 4 == 0) {
                        /* persistence: commit, close, reopen */
                        db = reopen_db(db, dir, cache);
                        kv = open_kv(db, "store", false);
                        sl_state_kv_set_changelog(kv, record, cl);
                        check_all(kv, m);
                }
        }
        check_all(kv, m);
        cr_assert_eq(sl_state_db_commit(db, &err), SL_OK);
        sl_state_kv_stats st;
        sl_state_kv_get_stats(kv, &st);
        cr_assert_eq(st.dirty_entries, 0);
        cr_assert_eq(cache == 0, sl_state_db_cache_bytes(db) == 0, "write-through caches nothing");
        sl_state_db_close(db);
}

/* Replays the recorded changelog into a fresh db and compares with the model. */
static void check_restore(const log *cl, const model *m)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_kv *kv = open_kv(db, "store", false);
        log none = {0};
        sl_state_kv_set_changelog(kv, record, &none);
        sl_state_kv_set_listener(kv, record, &none);
        for (size_t i = 0; i < cl->n; i++) {
                sl_slice v = SL_SLICE(cl->recs[i].value, cl->recs[i].vlen);
                cr_assert_eq(sl_state_kv_restore(kv, SL_SLICE(cl->recs[i].key, cl->recs[i].klen),
                                                  cl->recs[i].has_value ? &v : NULL, NULL),
                             SL_OK);
        }
        check_all(kv, m);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(none.n, 0, "restore must not report");
        sl_state_db_close(db);
        /* and it persisted */
        db = open_db(dir, 1 << 20);
        kv = open_kv(db, "store", false);
        check_all(kv, m);
        close_tmp_db(db, dir);
}

static void random_case(size_t cache, int ops)
{
        char *dir = make_tmpdir();
        model *m = calloc(1, sizeof *m);
        model_init(m);
        log cl = {0};
        run_random(dir, cache, ops, &cl, m);
        /* reopen once more: everything committed is there */
        sl_state_db *db = open_db(dir, cache);
        check_all(open_kv(db, "store", false), m);
        sl_state_db_close(db);
        check_restore(&cl, m);
        random_case_done(cl.recs, m, dir);
}

STATE_TEST_RANDOM_CASES(state_kv_store, random_ops_match_model, 0x1234567ull, 0xabcdefull, 0x77777ull, 700, 6000, 4000)

Test(state_kv_store, scan_merges_cache_over_disk)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_kv *kv = open_kv(db, "s", false);
        const char *disk[] = {"a", "c", "e", "g"};
        for (int i = 0; i < 4; i++)
                cr_assert_eq(sl_state_kv_put(kv, S(disk[i]), S("disk"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        sl_state_db_close(db); /* an empty cache: a..g are on disk only */
        db = open_db(dir, 1 << 20);
        kv = open_kv(db, "s", false);
        /* cache: overwrite c, delete e, add b and h, delete a key only on disk (g) */
        cr_assert_eq(sl_state_kv_put(kv, S("c"), S("cache"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_delete(kv, S("e"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("b"), S("cache"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("h"), S("cache"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_delete(kv, S("g"), 0, NULL), SL_OK);
        sl_state_kv_stats st;
        sl_state_kv_get_stats(kv, &st);
        cr_assert_eq(st.cache_entries, 5);
        cr_assert_eq(st.dirty_entries, 5);
        const char *want_k[] = {"a", "b", "c", "h"};
        const char *want_v[] = {"disk", "cache", "cache", "cache"};
        sl_state_kv_iter *it;
        cr_assert_eq(sl_state_kv_all(kv, &it, NULL), SL_OK);
        sl_slice k, v;
        int n = 0;
        while (sl_state_kv_iter_next(it, &k, &v)) {
                cr_assert_lt(n, 4);
                cr_assert(sl_slice_eq(k, S(want_k[n])) && sl_slice_eq(v, S(want_v[n])), "entry %d", n);
                n++;
        }
        cr_assert_eq(n, 4);
        /* seek back to the start of the range */
        sl_state_kv_iter_seek(it, S("bb"));
        cr_assert(sl_state_kv_iter_next(it, &k, &v) && sl_slice_eq(k, S("c")));
        sl_state_kv_iter_free(it);
        /* bounded scan [b, h) */
        sl_slice from = S("b"), to = S("h");
        cr_assert_eq(sl_state_kv_range(kv, &from, &to, &it, NULL), SL_OK);
        cr_assert(sl_state_kv_iter_next(it, &k, &v) && sl_slice_eq(k, S("b")));
        cr_assert(sl_state_kv_iter_next(it, &k, &v) && sl_slice_eq(k, S("c")));
        cr_assert_not(sl_state_kv_iter_next(it, &k, &v));
        sl_state_kv_iter_free(it);
        close_tmp_db(db, dir);
}

Test(state_kv_store, scan_continues_after_store_changes)
{
        size_t caches[] = {1 << 20, 0};
        for (int round = 0; round < 2; round++) {
                char *dir = make_tmpdir();
                sl_state_db *db = open_db(dir, caches[round]);
                sl_state_kv *kv = open_kv(db, "s", false);
                cr_assert_eq(sl_state_kv_put(kv, S("a"), S("1"), 0, NULL), SL_OK);
                cr_assert_eq(sl_state_kv_put(kv, S("c"), S("3"), 0, NULL), SL_OK);
                cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
                cr_assert_eq(sl_state_kv_put(kv, S("e"), S("5"), 0, NULL), SL_OK);
                sl_state_kv_iter *it;
                cr_assert_eq(sl_state_kv_all(kv, &it, NULL), SL_OK);
                sl_slice k, v;
                cr_assert(sl_state_kv_iter_next(it, &k, &v) && sl_slice_eq(k, S("a")));
                /* behind the scan (not seen), ahead of it (seen), deleted ahead (not seen) */
                cr_assert_eq(sl_state_kv_put(kv, S("0"), S("0"), 0, NULL), SL_OK);
                cr_assert_eq(sl_state_kv_put(kv, S("b"), S("2"), 0, NULL), SL_OK);
                cr_assert_eq(sl_state_kv_delete(kv, S("c"), 0, NULL), SL_OK);
                cr_assert_eq(sl_state_db_flush(db, NULL), SL_OK);
                cr_assert_eq(sl_state_kv_put(kv, S("d"), S("4"), 0, NULL), SL_OK);
                cr_assert(sl_state_kv_iter_next(it, &k, &v) && sl_slice_eq(k, S("b")) && sl_slice_eq(v, S("2")));
                cr_assert_eq(sl_state_kv_put(kv, S("e"), S("55"), 0, NULL), SL_OK);
                cr_assert(sl_state_kv_iter_next(it, &k, &v) && sl_slice_eq(k, S("d")));
                cr_assert(sl_state_kv_iter_next(it, &k, &v) && sl_slice_eq(k, S("e")) && sl_slice_eq(v, S("55")));
                cr_assert_not(sl_state_kv_iter_next(it, &k, &v));
                cr_assert_eq(sl_state_kv_iter_error(it, NULL), SL_OK);
                sl_state_kv_iter_free(it);
                sl_state_db_close(db);
                remove_tmpdir(dir);
        }
}

Test(state_kv_store, reads_are_cached_within_budget)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_kv *kv = open_kv(db, "s", false);
        char k[16];
        for (int i = 0; i < 1000; i++) {
                snprintf(k, sizeof k, "key%04d", i);
                cr_assert_eq(sl_state_kv_put(kv, S(k), S("value"), 0, NULL), SL_OK);
        }
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        sl_state_db_close(db);
        /* a budget for about 100 entries: reads fill the cache and evict the least recently used */
        db = open_db(dir, 100 * 230);
        kv = open_kv(db, "s", false);
        sl_state_kv_stats st;
        sl_slice v;
        bool found;
        for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 50; i++) {
                        snprintf(k, sizeof k, "key%04d", i);
                        cr_assert_eq(sl_state_kv_get(kv, S(k), &v, &found, NULL), SL_OK);
                        cr_assert(found && sl_slice_eq(v, S("value")));
                }
        }
        sl_state_kv_get_stats(kv, &st);
        cr_assert_eq(st.gets, 100);
        cr_assert_eq(st.cache_hits, 50, "second round from the cache");
        for (int i = 0; i < 1000; i++) {
                snprintf(k, sizeof k, "key%04d", i);
                cr_assert_eq(sl_state_kv_get(kv, S(k), &v, &found, NULL), SL_OK);
                cr_assert(found);
                cr_assert_leq(sl_state_db_cache_bytes(db), 100 * 230);
        }
        snprintf(k, sizeof k, "nokey");
        cr_assert_eq(sl_state_kv_get(kv, S(k), &v, &found, NULL), SL_OK);
        cr_assert_not(found);
        cr_assert_eq(sl_state_kv_get(kv, S(k), &v, &found, NULL), SL_OK);
        cr_assert_not(found, "a cached miss stays a miss");
        sl_state_kv_get_stats(kv, &st);
        cr_assert_gt(st.evictions, 600);
        cr_assert_eq(st.evictions + st.cache_entries, 1001, "every key read was cached once");
        cr_assert_eq(st.dirty_entries, 0);
        close_tmp_db(db, dir);
}

Test(state_kv_store, cache_reports_last_update_per_key_in_update_order)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_kv *kv = open_kv(db, "s", true);
        log cl = {0}, fl = {0};
        sl_state_kv_set_changelog(kv, record, &cl);
        sl_state_kv_set_listener(kv, record, &fl);
        cr_assert_eq(sl_state_kv_put(kv, S("a"), S("0"), 1, NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(fl.n, 1);
        cr_assert(rec_is(&fl.recs[0], "a", "0") && !fl.recs[0].has_old);
        fl.n = cl.n = 0;
        cr_assert_eq(sl_state_kv_put(kv, S("b"), S("1"), 2, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("a"), S("2"), 3, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("c"), S("3"), 4, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("b"), S("4"), 5, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_delete(kv, S("a"), 6, NULL), SL_OK);
        cr_assert_eq(fl.n, 0, "nothing reported before the flush");
        cr_assert_eq(sl_state_db_flush(db, NULL), SL_OK);
        cr_assert_eq(fl.n, 3);
        cr_assert_eq(cl.n, 3);
        cr_assert(rec_is(&fl.recs[0], "c", "3") && fl.recs[0].ts == 4 && !fl.recs[0].has_old);
        cr_assert(rec_is(&fl.recs[1], "b", "4") && fl.recs[1].ts == 5);
        cr_assert(rec_is(&fl.recs[2], "a", NULL) && fl.recs[2].ts == 6);
        cr_assert(fl.recs[2].has_old && fl.recs[2].oldlen == 1 && fl.recs[2].old[0] == '0');
        for (int i = 0; i < 3; i++)
                cr_assert(memcmp(&cl.recs[i], &fl.recs[i], sizeof(rec)) == 0);
        free(cl.recs);
        free(fl.recs);
        close_tmp_db(db, dir);
}

Test(state_kv_store, write_through_reports_every_update_with_old_value)
{
        STATE_TEST_DB(dir, db, 0);
        sl_state_kv *kv = open_kv(db, "s", true);
        log fl = {0};
        sl_state_kv_set_listener(kv, record, &fl);
        cr_assert_eq(sl_state_kv_put(kv, S("k"), S("1"), 1, NULL), SL_OK);
        cr_assert_eq(fl.n, 1);
        cr_assert_eq(sl_state_kv_put(kv, S("k"), S("2"), 2, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_delete(kv, S("k"), 3, NULL), SL_OK);
        cr_assert_eq(fl.n, 3);
        cr_assert(rec_is(&fl.recs[0], "k", "1") && !fl.recs[0].has_old);
        cr_assert(rec_is(&fl.recs[1], "k", "2") && fl.recs[1].has_old && fl.recs[1].old[0] == '1');
        cr_assert(rec_is(&fl.recs[2], "k", NULL) && fl.recs[2].has_old && fl.recs[2].old[0] == '2');
        cr_assert_eq(sl_state_db_cache_bytes(db), 0);
        free(fl.recs);
        close_tmp_db(db, dir);
}

/* A listener of store a forwards into store b, as an operator feeding a downstream one would. */
typedef struct fwd {
        sl_state_kv *to;
        int calls;
} fwd;

static sl_err forward(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        fwd *f = opaque;
        f->calls++;
        if (!chg->has_value)
                return sl_state_kv_delete(f->to, chg->key, chg->ts, err);
        return sl_state_kv_put(f->to, chg->key, chg->value, chg->ts, err);
}

Test(state_kv_store, flush_repeats_while_listeners_dirty_stores)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_kv *b = open_kv(db, "b", false); /* opened first: flushed first in each round */
        sl_state_kv *a = open_kv(db, "a", false);
        fwd f = {.to = b};
        log bl = {0};
        sl_state_kv_set_listener(a, forward, &f);
        sl_state_kv_set_changelog(b, record, &bl);
        for (int i = 0; i < 100; i++) {
                char k[8];
                snprintf(k, sizeof k, "k%03d", i);
                cr_assert_eq(sl_state_kv_put(a, S(k), S("v"), i, NULL), SL_OK);
        }
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(f.calls, 100);
        cr_assert_eq(bl.n, 100);
        sl_state_kv_stats st;
        sl_state_kv_get_stats(a, &st);
        cr_assert_eq(st.dirty_entries, 0);
        sl_state_kv_get_stats(b, &st);
        cr_assert_eq(st.dirty_entries, 0);
        cr_assert_eq(st.cache_entries, 100);
        sl_state_db_close(db);
        db = open_db(dir, 1 << 20);
        b = open_kv(db, "b", false);
        sl_slice v;
        bool found;
        cr_assert_eq(sl_state_kv_get(b, S("k042"), &v, &found, NULL), SL_OK);
        cr_assert(found && sl_slice_eq(v, S("v")));
        free(bl.recs);
        close_tmp_db(db, dir);
}

Test(state_kv_store, uncommitted_cache_is_dropped_at_close)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_kv *kv = open_kv(db, "s", false);
        cr_assert_eq(sl_state_kv_put(kv, S("kept"), S("1"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("lost"), S("2"), 0, NULL), SL_OK);
        sl_state_db_close(db);
        db = open_db(dir, 1 << 20);
        kv = open_kv(db, "s", false);
        sl_slice v;
        bool found;
        cr_assert_eq(sl_state_kv_get(kv, S("kept"), &v, &found, NULL), SL_OK);
        cr_assert(found);
        cr_assert_eq(sl_state_kv_get(kv, S("lost"), &v, &found, NULL), SL_OK);
        cr_assert_not(found);
        close_tmp_db(db, dir);
}

Test(state_kv_store, prefix_scan_of_ff_bytes_and_empty_prefix)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_kv *kv = open_kv(db, "s", false);
        const uint8_t k1[] = {0xff}, k2[] = {0xff, 0xff, 0x00}, k3[] = {0xfe, 0xff};
        cr_assert_eq(sl_state_kv_put(kv, SL_SLICE(k1, 1), S("1"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, SL_SLICE(k3, 2), S("3"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, SL_SLICE(k2, 3), S("2"), 0, NULL), SL_OK);
        sl_state_kv_iter *it;
        sl_slice k, v;
        int n = 0;
        cr_assert_eq(sl_state_kv_prefix(kv, SL_SLICE(k1, 1), &it, NULL), SL_OK);
        while (sl_state_kv_iter_next(it, &k, &v))
                n++;
        sl_state_kv_iter_free(it);
        cr_assert_eq(n, 2);
        n = 0;
        cr_assert_eq(sl_state_kv_prefix(kv, SL_SLICE(k3, 1), &it, NULL), SL_OK);
        while (sl_state_kv_iter_next(it, &k, &v))
                n++;
        sl_state_kv_iter_free(it);
        cr_assert_eq(n, 1);
        n = 0;
        cr_assert_eq(sl_state_kv_prefix(kv, SL_SLICE(k3, 0), &it, NULL), SL_OK);
        while (sl_state_kv_iter_next(it, &k, &v))
                n++;
        sl_state_kv_iter_free(it);
        cr_assert_eq(n, 3);
        close_tmp_db(db, dir);
}

Test(state_kv_store, purge_range_drops_cache_and_disk_silently)
{
        STATE_TEST_DB(dir, db, 1 << 20);
        sl_state_kv *kv = open_kv(db, "s", false);
        log fl = {0};
        sl_state_kv_set_listener(kv, record, &fl);
        cr_assert_eq(sl_state_kv_put(kv, S("a"), S("1"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("b"), S("1"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("bb"), S("1"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("c"), S("1"), 0, NULL), SL_OK);
        fl.n = 0;
        cr_assert_eq(sl_state_kv_purge_range(kv, S("b"), S("c"), NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        cr_assert_eq(fl.n, 1);
        cr_assert(rec_is(&fl.recs[0], "c", "1"));
        const char *want[] = {"a", "c"};
        sl_state_kv_iter *it;
        sl_slice k, v;
        int n = 0;
        cr_assert_eq(sl_state_kv_all(kv, &it, NULL), SL_OK);
        while (sl_state_kv_iter_next(it, &k, &v)) {
                cr_assert_lt(n, 2);
                cr_assert(sl_slice_eq(k, S(want[n++])));
        }
        sl_state_kv_iter_free(it);
        cr_assert_eq(n, 2);
        free(fl.recs);
        close_tmp_db(db, dir);
}

Test(state_kv_store, destroy_removes_task_directory)
{
        char *dir = make_tmpdir();
        char *task = sl_asprintf("%s/q1/0_1", dir);
        sl_state_db *db = open_db(task, 0);
        cr_assert_eq(sl_state_kv_put(open_kv(db, "s", false), S("a"), S("1"), 0, NULL), SL_OK);
        sl_state_db_close(db);
        cr_assert_eq(sl_state_db_destroy(task, NULL), SL_OK);
        FILE *f = fopen(task, "r");
        cr_assert_null(f);
        cr_assert_eq(sl_state_db_destroy(task, NULL), SL_OK, "a missing directory is fine");
        sl_free(task);
        remove_tmpdir(dir);
}

Test(state_kv_store, second_open_of_locked_db_fails)
{
        STATE_TEST_DB(dir, db, 0);
        sl_state_db *db2 = NULL;
        sl_err_detail err;
        cr_assert_eq(sl_state_db_open(dir, NULL, &db2, &err), SL_ERR_IO);
        cr_assert_null(db2);
        cr_assert(strstr(err.message, "cannot open state store") != NULL);
        close_tmp_db(db, dir);
}

/* Keys from the key encoding (types/keyenc.h): a (STRING, BIGINT) tuple per key, with NULLs, zero
 * bytes and negative numbers. A full scan must return them in sl_value_cmp order and decode back;
 * a prefix scan on the encoded STRING alone returns that string's keys. */
#include "common/arena.h"
#include "types/compare.h"
#include "types/keyenc.h"

Test(state_kv_store, keyenc_tuples_scan_in_sql_order)
{
        rng_state = 0x6b6579ull;
        STATE_TEST_DB(dir, db, 4096); /* small: the keys end up in cache and RocksDB */
        sl_state_kv *kv = open_kv(db, "s", false);
        static const char *strs[] = {"", "a", "a\0b", "a\0", "ab", "b", "\xff"};
        static const size_t slen[] = {0, 1, 3, 2, 2, 1, 1};
        sl_buf key;
        sl_buf_init(&key);
        int n = 0;
        for (int i = 0; i < 400; i++) {
                int si = (int)(rng_next() % 8); /* 7: NULL */
                sl_value t[2];
                t[0] = si == 7 ? sl_value_null() : sl_value_string(strs[si], slen[si]);
                t[1] = rng_next() % 10 == 0 ? sl_value_null() : sl_value_bigint((int64_t)(rng_next() % 2001) - 1000);
                sl_buf_reset(&key);
                sl_keyenc_append_tuple(&key, t, 2);
                cr_assert_eq(sl_state_kv_put(kv, sl_buf_slice(&key), S("v"), 0, NULL), SL_OK);
                if (i == 200)
                        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        }
        const sl_type *types[2] = {sl_type_string(), sl_type_bigint()};
        sl_arena arena;
        sl_arena_init(&arena, 0);
        sl_value prev[2];
        sl_state_kv_iter *it;
        sl_slice k, v;
        cr_assert_eq(sl_state_kv_all(kv, &it, NULL), SL_OK);
        while (sl_state_kv_iter_next(it, &k, &v)) {
                sl_value cur[2];
                sl_err_detail err;
                cr_assert_eq(sl_keyenc_decode_tuple(&arena, types, 2, k, cur, &err), SL_OK, "%s", err.message);
                if (n > 0) {
                        int c = sl_value_cmp(&prev[0], &cur[0]);
                        if (c == 0)
                                c = sl_value_cmp(&prev[1], &cur[1]);
                        cr_assert_lt(c, 0, "key %d out of SQL order", n);
                }
                prev[0] = cur[0];
                prev[1] = cur[1];
                n++;
        }
        sl_state_kv_iter_free(it);
        cr_assert_gt(n, 100);
        /* every key of string "a" (and none of "a\0b", "a\0", "ab") */
        sl_value a = sl_value_string("a", 1);
        sl_buf_reset(&key);
        sl_keyenc_append(&key, &a);
        cr_assert_eq(sl_state_kv_prefix(kv, sl_buf_slice(&key), &it, NULL), SL_OK);
        int na = 0;
        while (sl_state_kv_iter_next(it, &k, &v)) {
                sl_value cur[2];
                cr_assert_eq(sl_keyenc_decode_tuple(&arena, types, 2, k, cur, NULL), SL_OK);
                cr_assert(cur[0].kind == SL_TYPE_STRING && cur[0].len == 1 && cur[0].u.bytes[0] == 'a');
                na++;
        }
        sl_state_kv_iter_free(it);
        cr_assert_gt(na, 10);
        sl_arena_deinit(&arena);
        sl_buf_deinit(&key);
        close_tmp_db(db, dir);
}

/* Two threads incrementing one counter under the db lock, as the stream thread and a pull query
 * sharing a db would: no update is lost. */
#include <pthread.h>

typedef struct counter_ctx {
        sl_state_db *db;
        sl_state_kv *kv;
} counter_ctx;

static void *count_up(void *arg)
{
        counter_ctx *c = arg;
        for (int i = 0; i < 2000; i++) {
                sl_state_db_lock(c->db);
                sl_slice v;
                bool found;
                uint64_t n = 0;
                cr_assert_eq(sl_state_kv_get(c->kv, S("n"), &v, &found, NULL), SL_OK);
                if (found)
                        memcpy(&n, v.ptr, 8);
                n++;
                cr_assert_eq(sl_state_kv_put(c->kv, S("n"), SL_SLICE(&n, 8), 0, NULL), SL_OK);
                if (i % 500 == 0)
                        cr_assert_eq(sl_state_db_flush(c->db, NULL), SL_OK);
                sl_state_db_unlock(c->db);
        }
        return NULL;
}

Test(state_kv_store, lock_serializes_threads)
{
        char *dir = make_tmpdir();
        counter_ctx c = {.db = open_db(dir, 1 << 20)};
        c.kv = open_kv(c.db, "s", false);
        pthread_t t;
        cr_assert_eq(pthread_create(&t, NULL, count_up, &c), 0);
        count_up(&c);
        pthread_join(t, NULL);
        sl_slice v;
        bool found;
        uint64_t n = 0;
        cr_assert_eq(sl_state_kv_get(c.kv, S("n"), &v, &found, NULL), SL_OK);
        memcpy(&n, v.ptr, 8);
        cr_assert_eq(n, 4000);
        sl_state_db_close(c.db);
        remove_tmpdir(dir);
}

/* The keys a scan returns, concatenated. */
static const char *scan_keys(sl_state_kv *kv, const char *from, const char *to)
{
        static char buf[64];
        sl_slice lo = S(from), hi = S(to), k, v;
        sl_state_kv_iter *it;
        size_t n = 0;

        cr_assert_eq(sl_state_kv_range(kv, &lo, &hi, &it, NULL), SL_OK);
        while (sl_state_kv_iter_next(it, &k, &v) && n + k.len < sizeof(buf)) {
                memcpy(buf + n, k.ptr, k.len);
                n += k.len;
        }
        buf[n] = '\0';
        sl_state_kv_iter_free(it);
        return buf;
}

Test(state_kv_store, scans_see_every_flush_and_keep_their_bounds_on_disk)
{
        /* scans reuse a RocksDB iterator until the next write to RocksDB */
        char *dir = make_tmpdir();
        sl_state_db *db = open_db(dir, 1 << 20);
        sl_state_kv *kv = open_kv(db, "s", false);
        cr_assert_eq(sl_state_kv_put(kv, S("a"), S("1"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_put(kv, S("d"), S("4"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        sl_state_kv_evict(kv, 0);
        cr_assert_str_eq(scan_keys(kv, "a", "z"), "ad");
        cr_assert_eq(sl_state_kv_put(kv, S("b"), S("2"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_kv_delete(kv, S("d"), 0, NULL), SL_OK);
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        sl_state_kv_evict(kv, 0); /* b and d's deletion are on disk only */
        cr_assert_str_eq(scan_keys(kv, "a", "z"), "ab");
        cr_assert_str_eq(scan_keys(kv, "a", "b"), "a");
        cr_assert_str_eq(scan_keys(kv, "b", "c"), "b");
        cr_assert_eq(sl_state_kv_put(kv, S("c"), S("3"), 0, NULL), SL_OK); /* in the cache only */
        cr_assert_str_eq(scan_keys(kv, "a", "c"), "ab");
        cr_assert_str_eq(scan_keys(kv, "a", "cc"), "abc");
        sl_state_db_close(db);
        remove_tmpdir(dir);
}
