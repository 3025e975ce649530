/* state_db.h: one RocksDB instance per task (`state/<queryid>/<task>/rocksdb/`), a column family
 * per store, and the write cache budget its stores share.
 *
 * Durability. The changelog topic of each store is the source of truth; the local RocksDB is a
 * cache of it that makes restarts cheap. Kafka Streams disables RocksDB's write-ahead log and
 * flushes memtables to SST files at every commit. We keep the WAL on (unsynced, so a write costs a
 * buffered append) and sync it once per commit with rocksdb_flush_wal: one fsync per commit
 * instead of one SST file per store per commit, and a kill -9 loses nothing that reached the
 * process's WAL buffer. `disable_wal` switches to Kafka Streams' scheme (memtables flushed at
 * commit). Either way, after sl_state_db_commit returns, everything flushed so far survives a crash,
 * so the caller may then write the checkpoint (checkpoint.h) of the changelog offsets it produced.
 * Changelog records hold absolute values, so replaying the tail past the checkpoint over a store
 * that already holds some of it converges to the same contents.
 *
 * Caching. Stores buffer writes, and keep recent reads, in an in-memory cache (kv_store.h). The db
 * counts the bytes of all its stores' caches; past `cache_max_bytes` the least recently used clean
 * entries are evicted, and when dirty entries alone exceed it, every dirty store is flushed.
 * sl_state_db_flush writes all dirty entries of all stores as one RocksDB WriteBatch (atomic),
 * then reports each entry to its store's changelog sink and flush listener. A listener
 * may write to stores (forwarding downstream); the flush repeats until no store is dirty.
 *
 * Thread: a db and its stores belong to one stream thread. Another thread (a pull query) may call
 * them only while holding sl_state_db_lock, which the stream thread then holds while it processes
 * a batch and commits. Reads take the lock too: a lookup updates the cache. */
#ifndef SL_STATE_STATE_DB_H
#define SL_STATE_STATE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

typedef struct sl_state_db sl_state_db;

/* Options of one task's db. Start from sl_state_db_opts_init. */
typedef struct sl_state_db_opts {
        size_t cache_max_bytes;    /* write cache budget of all stores; 0 = write-through */
        bool disable_wal;          /* no RocksDB WAL; commit flushes memtables instead */
        size_t write_buffer_bytes; /* memtable size per column family */
        size_t block_cache_bytes;  /* LRU block cache shared by the db's column families */
} sl_state_db_opts;

/* Defaults: 10 MiB cache (ksqlDB's cache.max.bytes.buffering), WAL on, 16 MiB memtables, 16 MiB
 * block cache. */
void sl_state_db_opts_init(sl_state_db_opts *opts);

/* Opens or creates the db of task directory `task_dir` (created with parents if missing); its
 * RocksDB files go to `task_dir`/rocksdb, leaving the directory free for the checkpoint file.
 * Existing column families are opened; stores (kv_store.h, ...) add theirs on first open.
 * SL_ERR_IO when RocksDB refuses (for instance another process holds its lock). */
sl_err sl_state_db_open(const char *task_dir, const sl_state_db_opts *opts, sl_state_db **out,
                        sl_err_detail *err);

/* Writes every dirty cache entry of every store as one atomic WriteBatch, then calls the stores'
 * changelog sinks and flush listeners. Returns the first error of RocksDB or of a callback; after
 * an error the task must be closed and restored (some entries may not have been reported).
 * A flush called from inside a flush callback does nothing (the outer one continues). */
sl_err sl_state_db_flush(sl_state_db *db, sl_err_detail *err);

/* sl_state_db_flush, then makes everything written durable (WAL fsync, or memtable flush when the
 * WAL is disabled). Afterwards the caller may record changelog offsets in the checkpoint. */
sl_err sl_state_db_commit(sl_state_db *db, sl_err_detail *err);

/* Closes RocksDB and frees every store opened on `db`. Does not flush: dirty cache entries that
 * were not committed are dropped (they will be rebuilt from the changelog or the input).
 * NULL does nothing. */
void sl_state_db_close(sl_state_db *db);

/* Deletes the task directory and everything in it. The db must be closed. A missing directory is
 * not an error. */
sl_err sl_state_db_destroy(const char *task_dir, sl_err_detail *err);

/* The db's mutex (see Thread above). Not recursive. */
void sl_state_db_lock(sl_state_db *db);
void sl_state_db_unlock(sl_state_db *db);

/* The task directory given to open; borrowed, valid until close. */
const char *sl_state_db_dir(const sl_state_db *db);
/* Bytes currently held by the write caches of all stores. */
size_t sl_state_db_cache_bytes(const sl_state_db *db);
/* Number of flushes so far (explicit, commit and cache-full ones that found dirty entries). */
uint64_t sl_state_db_flush_count(const sl_state_db *db);

#endif
