/* kv_store.h: a key-value store over byte keys and byte values, in one column family of a task's
 * db (state_db.h), with an in-memory write cache in front of RocksDB.
 *
 * Keys are compared with memcmp (a proper prefix first): callers pass memcmp-ordered encodings
 * (types/keyenc.h) so that range scans follow SQL order. Reads see every write, whether it is still
 * in the cache or already in RocksDB; scans merge both, the cache winning, deletes being tombstones
 * in the cache until flushed. The cache also keeps entries already written (clean ones, including
 * keys found absent) for reads, evicting the least recently used when over budget.
 *
 * A write that reaches RocksDB (at a flush) is reported twice, in write order of each key's last
 * update: to the changelog sink (so the engine can produce it to
 * `_sluice_<queryid>-<store>-changelog`) and then to the flush listener (so the engine can forward
 * it downstream). With the db's cache_max_bytes at 0 every write is flushed at once, so every
 * update is reported; with a cache, repeated updates of a key between flushes are reported once.
 * Restoring from the changelog (sl_state_kv_restore) reports nothing.
 *
 * Thread: that of the db. The store belongs to the db and is freed by sl_state_db_close. */
#ifndef SL_STATE_KV_STORE_H
#define SL_STATE_KV_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "state/state_db.h"

typedef struct sl_state_kv sl_state_kv;
typedef struct sl_state_kv_iter sl_state_kv_iter;

/* One write reaching the store, as given to changelog sinks and flush listeners. All slices are
 * borrowed for the duration of the call. */
typedef struct sl_state_change {
        sl_slice key;       /* the store key (for window/session changelogs: the changelog key) */
        bool has_value;     /* false: a delete (tombstone) */
        sl_slice value;     /* the new value when has_value */
        bool has_old;       /* the store held a value before (only with send_old_values) */
        sl_slice old_value; /* that value when has_old */
        int64_t ts;         /* the timestamp given with the write */
} sl_state_change;

/* A changelog sink or flush listener. A non-OK return stops the flush (see sl_state_db_flush). */
typedef sl_err (*sl_state_change_fn)(void *opaque, const sl_state_change *chg, sl_err_detail *err);

typedef struct sl_state_kv_opts {
        bool send_old_values; /* report the value RocksDB held before each flushed write */
} sl_state_kv_opts;

/* Opens (creating its column family if needed) the store `name` of `db`. Opening a name twice
 * returns the same store. `opts` may be NULL (defaults). The store is freed by sl_state_db_close. */
sl_err sl_state_kv_open(sl_state_db *db, const char *name, const sl_state_kv_opts *opts, sl_state_kv **out,
                        sl_err_detail *err);
/* The store's name (its column family); borrowed. */
const char *sl_state_kv_name(const sl_state_kv *kv);

/* Sets (or with NULL clears) the changelog sink / flush listener. `opaque` is borrowed. */
void sl_state_kv_set_changelog(sl_state_kv *kv, sl_state_change_fn fn, void *opaque);
void sl_state_kv_set_listener(sl_state_kv *kv, sl_state_change_fn fn, void *opaque);

/* Looks `key` up. On success *found tells whether it exists and *value is borrowed, valid until the
 * next call on any store of the db. */
sl_err sl_state_kv_get(sl_state_kv *kv, sl_slice key, sl_slice *value, bool *found, sl_err_detail *err);
/* Writes `value` under `key` (copied), stamped `ts` for the reports. May flush the db's caches
 * (and so call sinks and listeners) when the cache budget is exceeded. */
sl_err sl_state_kv_put(sl_state_kv *kv, sl_slice key, sl_slice value, int64_t ts, sl_err_detail *err);
/* Deletes `key` (a tombstone until flushed). Same flushing as put. */
sl_err sl_state_kv_delete(sl_state_kv *kv, sl_slice key, int64_t ts, sl_err_detail *err);

/* Applies one changelog record (`value` NULL: tombstone) without reporting it anywhere. Records
 * are batched; any other call on the store (or a commit) applies the batch first. */
sl_err sl_state_kv_restore(sl_state_kv *kv, sl_slice key, const sl_slice *value, sl_err_detail *err);

/* Removes every key in [from, to) from the cache and from RocksDB (a range tombstone), without
 * reporting anything: for retention, whose expiry the changelog topic's own retention mirrors. */
sl_err sl_state_kv_purge_range(sl_state_kv *kv, sl_slice from, sl_slice to, sl_err_detail *err);

/* Scans keys in [*from, *to) in key order (NULL bound: unbounded). Caller frees the iterator with
 * sl_state_kv_iter_free. The store may change during the scan (writes, flushes, evictions, even by
 * listeners the scan's caller triggers): the next step then continues after the last key returned,
 * over the store's current contents. */
sl_err sl_state_kv_range(sl_state_kv *kv, const sl_slice *from, const sl_slice *to, sl_state_kv_iter **out,
                         sl_err_detail *err);
/* Scans the keys that start with `prefix`. */
sl_err sl_state_kv_prefix(sl_state_kv *kv, sl_slice prefix, sl_state_kv_iter **out, sl_err_detail *err);
/* Scans every key. */
sl_err sl_state_kv_all(sl_state_kv *kv, sl_state_kv_iter **out, sl_err_detail *err);

/* Advances to the next entry; false at the end or on error (see sl_state_kv_iter_error). `key` and
 * `value` are borrowed until the next step, seek or free. */
bool sl_state_kv_iter_next(sl_state_kv_iter *it, sl_slice *key, sl_slice *value);
/* Repositions so that the next step returns the first key >= max(`key`, the scan's lower bound). */
void sl_state_kv_iter_seek(sl_state_kv_iter *it, sl_slice key);
/* SL_OK, or the error that ended the scan (SL_ERR_IO from RocksDB, SL_ERR_STATE if the store
 * changed), filled into `err`. */
sl_err sl_state_kv_iter_error(const sl_state_kv_iter *it, sl_err_detail *err);
/* NULL does nothing. */
void sl_state_kv_iter_free(sl_state_kv_iter *it);

/* Statistics of the store. */
typedef struct sl_state_kv_stats {
        uint64_t puts;          /* puts and deletes */
        uint64_t gets;          /* lookups */
        uint64_t cache_hits;    /* lookups answered by the cache */
        uint64_t flushed;       /* entries written to RocksDB by flushes */
        uint64_t evictions;     /* clean entries evicted to stay within budget */
        size_t cache_entries;   /* entries in the cache now (clean and dirty) */
        size_t dirty_entries;   /* of which not yet written to RocksDB */
        size_t cache_bytes;     /* their bytes */
} sl_state_kv_stats;
void sl_state_kv_get_stats(const sl_state_kv *kv, sl_state_kv_stats *out);

#endif
