/* state_test.h: fixtures shared by the state store tests: a seedable xorshift generator, and (when
 * the including file defines STATE_TEST_TMPDIR, a mkdtemp template) a temporary db directory and a
 * db opened on it with small RocksDB buffers and the given cache size; (when it defines
 * STATE_TEST_REC_KEY, the key capacity) a recorder of the changelog of a window or session store. */
#ifndef SL_TEST_STATE_TEST_H
#define SL_TEST_STATE_TEST_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "state/kv_store.h"
#include "state/state_db.h"

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
