/* state_test.h: fixtures shared by the state store tests: a seedable xorshift generator, and (when
 * the including file defines STATE_TEST_TMPDIR, a mkdtemp template) a temporary db directory and a
 * db opened on it with small RocksDB buffers and the given cache size. */
#ifndef SL_TEST_STATE_TEST_H
#define SL_TEST_STATE_TEST_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/mem.h"
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

#endif
