/* state_int.h: what the files of src/state share and nothing outside sees: the db's RocksDB handles,
 * the flush protocol between state_db.c and kv_store.c, and the hooks window_store.c and
 * session_store.c use to build on a kv store. Only src/state includes rocksdb/c.h. */
#ifndef SL_STATE_STATE_INT_H
#define SL_STATE_STATE_INT_H

#include <pthread.h>
#include <rocksdb/c.h>

#include "state/kv_store.h"
#include "state/state_db.h"

struct sl_state_db {
        char *dir;                              /* task directory (owned) */
        rocksdb_t *rdb;                         /* the open RocksDB */
        rocksdb_options_t *opts;                /* db and column family options */
        rocksdb_block_based_table_options_t *bbto; /* table options (bloom filter, block cache) */
        rocksdb_cache_t *block_cache;           /* shared by the column families */
        rocksdb_writeoptions_t *wopts;          /* WAL on or off, never sync per write */
        rocksdb_readoptions_t *ropts;           /* point lookups */
        char **cf_names;                        /* column families open, names owned */
        rocksdb_column_family_handle_t **cfs;   /* their handles, parallel to cf_names */
        size_t ncf;                             /* number of column families */
        sl_state_kv **stores;                   /* stores opened on the db (owned) */
        size_t nstores;                         /* number of stores */
        size_t cache_bytes;                     /* bytes in all stores' caches */
        size_t cache_max;                       /* budget; above it every dirty store is flushed */
        bool disable_wal;                       /* commit flushes memtables instead of syncing the WAL */
        bool flushing;                          /* a flush is running (listeners may re-enter) */
        uint64_t flushes;                       /* flushes that found something to write */
        pthread_mutex_t lock;                   /* sl_state_db_lock: stream thread vs pull queries */
};

/* Fills `err` with a RocksDB error message `e` (freed here) and returns SL_ERR_IO. */
sl_err sl_state_rocks_err(sl_err_detail *err, char *e, const char *what);

/* The column family `name`, created when missing; borrowed from the db. NULL on error. */
rocksdb_column_family_handle_t *sl_state_db_cf(sl_state_db *db, const char *name, sl_err_detail *err);
/* Registers a store so that flushes and close reach it. Takes ownership of `kv`. */
void sl_state_db_add_store(sl_state_db *db, sl_state_kv *kv);
/* Keeps the caches within budget after a write to `kv`: evicts clean entries (kv's first), and
 * when dirty ones alone exceed the budget flushes (unless a flush is running). */
sl_err sl_state_db_enforce_budget(sl_state_db *db, sl_state_kv *kv, sl_err_detail *err);
/* Evicts clean entries of `kv`, least recently used first, until the db's caches hold at most
 * `target` bytes or kv has no clean entry left. */
void sl_state_kv_evict(sl_state_kv *kv, size_t target);

/* Flush protocol, driven by sl_state_db_flush: detach copies the dirty entries out and turns them
 * clean (false when there are none); stage reads old values if wanted and adds the copies to `wb`;
 * after the batch is written, emit reports them (when `report`) and drops the copies, even on error. */
bool sl_state_kv_detach(sl_state_kv *kv);
sl_err sl_state_kv_stage(sl_state_kv *kv, rocksdb_writebatch_t *wb, sl_err_detail *err);
sl_err sl_state_kv_emit(sl_state_kv *kv, bool report, sl_err_detail *err);
/* Writes the pending restore batch, if any. */
sl_err sl_state_kv_apply_restore(sl_state_kv *kv, sl_err_detail *err);
/* Frees the store (db close). */
void sl_state_kv_free(sl_state_kv *kv);
/* Adds a destructor run when the store is freed, for the window/session wrappers. */
void sl_state_kv_set_owner(sl_state_kv *kv, void (*free_fn)(void *), void *owner);
/* The wrapper registered with sl_state_kv_set_owner, or NULL. */
void *sl_state_kv_owner(const sl_state_kv *kv);

/* Key layout helpers shared by the window and session stores. A user key is escaped so that it
 * delimits itself and keeps memcmp order: 00 becomes 00 FF, and 00 01 terminates it. Times are
 * 8 bytes big-endian with the sign bit flipped (memcmp order = signed order). */
void sl_state_key_escape(sl_buf *out, sl_slice key);
/* The escaped body without the terminator: <= every escaped key >= `key`'s, and followed by 00 02 it
 * bounds every escaped key <= `key`. */
void sl_state_key_escape_body(sl_buf *out, sl_slice key);
/* Unescapes the key at in[*pos] into `out` (appending) and advances past the terminator. False if
 * malformed. */
bool sl_state_key_unescape(sl_buf *out, sl_slice in, size_t *pos);
void sl_state_time_append(sl_buf *out, int64_t t);
int64_t sl_state_time_load(const uint8_t *p);
/* floor(t / interval) for any sign of t. */
int64_t sl_state_floor_div(int64_t t, int64_t interval);

/* Segmented layout shared by window_store.c and session_store.c (segments.c). Keys are
 * segment || escaped key || times; the empty key holds the store's stream time (8 bytes, as
 * sl_state_time_append), so that retention survives a restart. Reports of the empty key are
 * filtered out by the wrappers. */
typedef struct sl_state_segs {
        sl_state_kv *kv;        /* the underlying store */
        int64_t retention;      /* retention in ms */
        int64_t seg_ms;         /* segment interval in ms */
        int64_t observed;       /* stream time; INT64_MIN before any */
        int64_t purged_below;   /* segments below this id are already range-deleted */
        uint64_t expired;       /* writes dropped as expired */
} sl_state_segs;

/* Validates the intervals and reads the persisted stream time. */
sl_err sl_state_segs_init(sl_state_segs *sg, sl_state_kv *kv, int64_t retention, int64_t seg_ms,
                          sl_err_detail *err);
/* Oldest live time: observed - retention + 1, or INT64_MIN. */
int64_t sl_state_segs_min_live(const sl_state_segs *sg);
int64_t sl_state_segs_id(const sl_state_segs *sg, int64_t t);
/* Advances stream time to `t` if later (persisting it through the cache, or through the restore
 * batch when `restoring`), and range-deletes fully expired segments. */
sl_err sl_state_segs_observe(sl_state_segs *sg, int64_t t, bool restoring, sl_err_detail *err);
/* Appends the 8-byte encoding of segment `id`. */
void sl_state_segs_append(sl_buf *out, int64_t id);

/* A scan over segments [seg_lo, seg_hi] that, in each segment, visits only keys in
 * [seg || klo || tlo, upper) where upper is seg || klo || thi when thi is set, else seg || khi when
 * has_khi, else the next segment. Empty segments cost one seek. The caller fills the four bounds
 * after init, then starts. */
typedef struct sl_state_seg_scan {
        sl_state_kv_iter *kit;  /* NULL once finished (or when the range is empty) */
        int64_t seg_hi;         /* last segment */
        sl_buf klo;             /* key part of the lower bound */
        sl_buf tlo;             /* time part of the lower bound */
        sl_buf khi;             /* key part of the upper bound */
        bool has_khi;           /* khi is set */
        sl_buf thi;             /* time part of the upper bound (with klo) */
        sl_buf bound;           /* scratch for the bounds */
        sl_err status;          /* error that ended the scan */
        sl_err_detail detail;   /* its description */
} sl_state_seg_scan;

void sl_state_seg_scan_init(sl_state_seg_scan *sc);
sl_err sl_state_seg_scan_start(sl_state_seg_scan *sc, sl_state_kv *kv, int64_t seg_lo, int64_t seg_hi,
                               sl_err_detail *err);
/* Next raw entry inside the bounds; false at the end or on error (sc->status). */
bool sl_state_seg_scan_next(sl_state_seg_scan *sc, sl_slice *key, sl_slice *value);
void sl_state_seg_scan_deinit(sl_state_seg_scan *sc);

#endif
