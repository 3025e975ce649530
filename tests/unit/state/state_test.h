/* state_test.h: fixtures shared by the state store tests: a seedable xorshift generator, and (when
 * the including file defines STATE_TEST_TMPDIR, a mkdtemp template) a temporary db directory and a
 * db opened on it with small RocksDB buffers and the given cache size; (when it defines
 * STATE_TEST_REC_KEY, the key capacity) a recorder of the changelog of a window or session store; a
 * slice helper S() and STATE_TEST_RANDOM, the random model tests of a store. */
#ifndef SL_TEST_STATE_TEST_H
#define SL_TEST_STATE_TEST_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "state/kv_store.h"
#include "state/state_db.h"

/* A slice over a C string. */
static inline sl_slice S(const char *s)
{
        return sl_slice_from_cstr(s);
}

/* The keys of a store's model: keys[NK] (NK defined by the including file) from the initialisers
 * {bytes, length}, and K(i), key i as a slice. */
#define STATE_TEST_KEYS(...)                                                                              \
        static const struct {                                                                             \
                const char *p; /* the key's bytes */                                                      \
                size_t len;    /* their count */                                                          \
        } keys[NK] = {__VA_ARGS__};                                                                       \
        static sl_slice K(int i) { return SL_SLICE(keys[i].p, keys[i].len); }

/* The three random model tests of a store: the including file's random_case(cache, ops), after
 * seeding the generator, as PREFIX_cache_on (1 MiB cache, OPS operations), PREFIX_cache_small (SMALL
 * bytes of cache, OPS) and PREFIX_write_through (no cache, WT_OPS), each with its own seed. */
#define STATE_TEST_RANDOM_CASES(SUITE, PREFIX, SEED_ON, SEED_SMALL, SEED_WT, SMALL, OPS, WT_OPS)        \
        Test(SUITE, PREFIX##_cache_on) { rng_state = (SEED_ON); random_case(1 << 20, (OPS)); }         \
        Test(SUITE, PREFIX##_cache_small) { rng_state = (SEED_SMALL); random_case((SMALL), (OPS)); }   \
        Test(SUITE, PREFIX##_write_through) { rng_state = (SEED_WT); random_case(0, (WT_OPS)); }

/* The changes a store's listener saw: their time bounds and whether they had a value. */
typedef struct span_log {
        int n;                   /* changes seen, at most 8 */
        int64_t start[8], end[8]; /* their bounds */
        bool has_value[8];       /* false: a removal */
} span_log;

/* Appends the change CHG (a window or session change) to the span_log L. */
#define STATE_TEST_SPAN_LOG(L, CHG)                      \
        do {                                             \
                cr_assert_lt((L)->n, 8);                 \
                (L)->start[(L)->n] = (CHG)->start;       \
                (L)->end[(L)->n] = (CHG)->end;           \
                (L)->has_value[(L)->n] = (CHG)->has_value; \
                (L)->n++;                                \
        } while (0)

static uint64_t rng_state __attribute__((unused));  /* the generator's state; tests seed it */

static inline uint64_t rng_next(void)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 0x2545f4914f6cdd1dull;
}

#ifdef STATE_TEST_TMPDIR
static inline char *make_tmpdir(void)
{
        char tmpl[] = STATE_TEST_TMPDIR;
        cr_assert_not_null(mkdtemp(tmpl));
        return sl_strdup(tmpl);
}

static inline void remove_tmpdir(char *dir)
{
        cr_assert_eq(sl_state_db_destroy(dir, NULL), SL_OK);
        sl_free(dir);
}

static inline sl_state_db *open_db(const char *dir, size_t cache)
{
        sl_state_db_opts o;
        sl_state_db_opts_init(&o);
        o.cache_max_bytes = cache;
        o.write_buffer_bytes = 1 << 20;
        o.block_cache_bytes = 1 << 20;
        sl_state_db *db = NULL;
        sl_err_detail err;
        cr_assert_eq(sl_state_db_open(dir, &o, &db, &err), SL_OK, "%s", err.message);
        return db;
}

/* Declares DIR, a new temporary directory, and DB, a db opened on it with cache CACHE. */
#define STATE_TEST_DB(DIR, DB, CACHE) char *DIR = make_tmpdir(); sl_state_db *DB = open_db(DIR, (CACHE))

/* In the random model tests: commits `db` one time in three (commits cost an fsync: keep them few). */
static inline void sometimes_commit(sl_state_db *db)
{
        sl_err_detail err;

        if (rng_next() % 3 == 0)
                cr_assert_eq(sl_state_db_commit(db, &err), SL_OK, "%s", err.message);
}

/* Commits and closes `db` and opens a db on `dir` (its own directory or another) with cache `cache`. */
static inline sl_state_db *reopen_db(sl_state_db *db, const char *dir, size_t cache)
{
        cr_assert_eq(sl_state_db_commit(db, NULL), SL_OK);
        sl_state_db_close(db);
        return open_db(dir, cache);
}

/* The end of a random model test: frees its changelog records and model, removes its directory. */
static inline void random_case_done(void *recs, void *model, char *dir)
{
        free(recs);
        free(model);
        remove_tmpdir(dir);
}

/* Closes `db` and removes its directory `dir`. */
static inline void close_tmp_db(sl_state_db *db, char *dir)
{
        sl_state_db_close(db);
        remove_tmpdir(dir);
}
#endif

#ifdef STATE_TEST_REC_KEY
/* One recorded changelog record of a window or session store (values are 4-byte counts). */
typedef struct rec {
        uint8_t key[STATE_TEST_REC_KEY];  /* the store key, at most STATE_TEST_REC_KEY bytes */
        size_t klen;                      /* its length */
        bool has_value;                   /* false: a tombstone */
        uint32_t value;                   /* the value's first 4 bytes */
} rec;

/* The recorded changelog: records in order, grown with realloc (caller frees recs). */
typedef struct log {
        rec *recs;
        size_t n, cap;
} log;

/* The store's changelog sink: appends the change to the log `opaque`. */
static inline sl_err record(void *opaque, const sl_state_change *chg, sl_err_detail *err)
{
        (void)err;
        log *l = opaque;
        if (l->n == l->cap) {
                l->cap = l->cap ? l->cap * 2 : 256;
                l->recs = realloc(l->recs, l->cap * sizeof *l->recs);
        }
        rec *r = &l->recs[l->n++];
        cr_assert_leq(chg->key.len, sizeof r->key);
        memcpy(r->key, chg->key.ptr, chg->key.len);
        r->klen = chg->key.len;
        r->has_value = chg->has_value;
        r->value = 0;
        if (chg->has_value)
                memcpy(&r->value, chg->value.ptr, chg->value.len < 4 ? chg->value.len : 4);
        return SL_OK;
}

/* Replays every record of the log `cl` into `store` through its restore function RESTORE
 * (sl_state_window_restore or sl_state_session_restore); each must succeed. */
#define STATE_TEST_REPLAY(RESTORE, store, cl)                                                            \
        for (size_t i_ = 0; i_ < (cl)->n; i_++) {                                                        \
                sl_slice v_ = SL_SLICE(&(cl)->recs[i_].value, 4);                                        \
                sl_err_detail e_;                                                                        \
                cr_assert_eq(RESTORE((store), SL_SLICE((cl)->recs[i_].key, (cl)->recs[i_].klen),          \
                                     (cl)->recs[i_].has_value ? &v_ : NULL, &e_),                        \
                             SL_OK, "%s", e_.message);                                                   \
        }
#endif

#endif
