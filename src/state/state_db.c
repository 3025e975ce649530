/* state_db.c: opening, flushing, committing, closing and destroying a task's RocksDB instance
 * (state_db.h), and the small helpers the store files share (state_int.h). */
#include "state/state_db.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/mem.h"
#include "state/state_int.h"

sl_err sl_state_rocks_err(sl_err_detail *err, char *e, const char *what)
{
        sl_err_set(err, SL_ERR_IO, "%s: %s", what, e ? e : "unknown RocksDB error");
        rocksdb_free(e);
        return SL_ERR_IO;
}

void sl_state_db_opts_init(sl_state_db_opts *opts)
{
        memset(opts, 0, sizeof *opts);
        opts->cache_max_bytes = 10u << 20;
        opts->write_buffer_bytes = 16u << 20;
        opts->block_cache_bytes = 16u << 20;
}

static void set_options(sl_state_db *db, const sl_state_db_opts *o)
{
        db->opts = rocksdb_options_create();
        rocksdb_options_set_create_if_missing(db->opts, 1);
        rocksdb_options_set_create_missing_column_families(db->opts, 1);
        /* 2 cores shared by everything: one flush and one compaction thread at most */
        rocksdb_options_set_max_background_jobs(db->opts, 2);
        rocksdb_options_set_write_buffer_size(db->opts, o->write_buffer_bytes ? o->write_buffer_bytes : 16u << 20);
        rocksdb_options_set_max_write_buffer_number(db->opts, 3);
        /* WAL files are kept until every column family has flushed past them; cap them */
        rocksdb_options_set_max_total_wal_size(db->opts, 64u << 20);
        rocksdb_options_set_compression(db->opts, rocksdb_lz4_compression);
        rocksdb_options_set_max_open_files(db->opts, 256);
        rocksdb_options_set_info_log_level(db->opts, 3); /* ERROR: no chatty LOG files */
        rocksdb_options_set_keep_log_file_num(db->opts, 2);
        db->bbto = rocksdb_block_based_options_create();
        db->block_cache = rocksdb_cache_create_lru(o->block_cache_bytes ? o->block_cache_bytes : 16u << 20);
        rocksdb_block_based_options_set_block_cache(db->bbto, db->block_cache);
        rocksdb_block_based_options_set_filter_policy(db->bbto, rocksdb_filterpolicy_create_bloom(10));
        rocksdb_options_set_block_based_table_factory(db->opts, db->bbto);
        db->wopts = rocksdb_writeoptions_create();
        rocksdb_writeoptions_disable_WAL(db->wopts, o->disable_wal);
        db->ropts = rocksdb_readoptions_create();
}

sl_err sl_state_db_open(const char *task_dir, const sl_state_db_opts *opts, sl_state_db **out, sl_err_detail *err)
{
        sl_state_db_opts defaults;
        if (!opts) {
                sl_state_db_opts_init(&defaults);
                opts = &defaults;
        }
        sl_state_db *db = sl_calloc(1, sizeof *db);
        char *rdir = NULL;
        char *e = NULL;
        sl_err rc;
        const rocksdb_options_t **cf_opts = NULL;
        *out = NULL;
        db->dir = sl_strdup(task_dir);
        pthread_mutex_init(&db->lock, NULL);
        db->cache_max = opts->cache_max_bytes;
        db->disable_wal = opts->disable_wal;
        set_options(db, opts);
        rdir = sl_asprintf("%s/rocksdb", task_dir);
        if ((rc = sl_fs_mkdirs(rdir, "directory", err)) != SL_OK)
                goto fail;

        /* RocksDB must be opened with all its column families; a fresh directory has none listed */
        size_t n = 0;
        char **names = rocksdb_list_column_families(db->opts, rdir, &n, &e);
        if (e) { /* no db yet (the array may still have been allocated) */
                rocksdb_free(e);
                e = NULL;
                if (names)
                        rocksdb_list_column_families_destroy(names, n);
                n = 0;
                names = NULL;
        }
        db->ncf = n ? n : 1;
        db->cf_names = sl_calloc(db->ncf, sizeof *db->cf_names);
        db->cfs = sl_calloc(db->ncf, sizeof *db->cfs);
        cf_opts = sl_calloc(db->ncf, sizeof *cf_opts);
        for (size_t i = 0; i < db->ncf; i++) {
                db->cf_names[i] = sl_strdup(n ? names[i] : "default");
                cf_opts[i] = db->opts;
        }
        if (names)
                rocksdb_list_column_families_destroy(names, n);
        db->rdb = rocksdb_open_column_families(db->opts, rdir, (int)db->ncf, (const char *const *)db->cf_names,
                                               cf_opts, db->cfs, &e);
        if (e) {
                rc = sl_state_rocks_err(err, e, "cannot open state store");
                sl_err_set_detail(err, "The store is in %s.", rdir);
                db->rdb = NULL;
                goto fail;
        }
        sl_free(cf_opts);
        sl_free(rdir);
        *out = db;
        return SL_OK;
fail:
        sl_free(cf_opts);
        sl_free(rdir);
        sl_state_db_close(db);
        return rc;
}

rocksdb_column_family_handle_t *sl_state_db_cf(sl_state_db *db, const char *name, sl_err_detail *err)
{
        for (size_t i = 0; i < db->ncf; i++)
                if (strcmp(db->cf_names[i], name) == 0)
                        return db->cfs[i];
        char *e = NULL;
        rocksdb_column_family_handle_t *cf = rocksdb_create_column_family(db->rdb, db->opts, name, &e);
        if (e) {
                sl_state_rocks_err(err, e, "cannot create state store");
                return NULL;
        }
        db->cf_names = sl_realloc(db->cf_names, (db->ncf + 1) * sizeof *db->cf_names);
        db->cfs = sl_realloc(db->cfs, (db->ncf + 1) * sizeof *db->cfs);
        db->cf_names[db->ncf] = sl_strdup(name);
        db->cfs[db->ncf] = cf;
        db->ncf++;
        return cf;
}

void sl_state_db_add_store(sl_state_db *db, sl_state_kv *kv)
{
        db->stores = sl_realloc(db->stores, (db->nstores + 1) * sizeof *db->stores);
        db->stores[db->nstores++] = kv;
}

sl_err sl_state_db_flush(sl_state_db *db, sl_err_detail *err)
{
        if (db->flushing)
                return SL_OK;
        sl_err rc = SL_OK;
        db->flushing = true;
        bool *detached = sl_calloc(db->nstores ? db->nstores : 1, sizeof *detached);
        /* listeners may dirty stores again (forwarding downstream): repeat until all are clean */
        for (;;) {
                size_t nstores = db->nstores; /* a listener may open a store: it is seen next round */
                bool any = false;
                for (size_t i = 0; i < nstores; i++)
                        any |= detached[i] = sl_state_kv_detach(db->stores[i]);
                if (!any)
                        break;
                db->flushes++;
                rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
                for (size_t i = 0; i < nstores && rc == SL_OK; i++)
                        if (detached[i])
                                rc = sl_state_kv_stage(db->stores[i], wb, err);
                if (rc == SL_OK) {
                        char *e = NULL;
                        rocksdb_write(db->rdb, db->wopts, wb, &e);
                        if (e)
                                rc = sl_state_rocks_err(err, e, "cannot write state");
                }
                rocksdb_writebatch_destroy(wb);
                /* emit frees the detached entries, also after an error */
                for (size_t i = 0; i < nstores; i++) {
                        if (!detached[i])
                                continue;
                        sl_err erc = sl_state_kv_emit(db->stores[i], rc == SL_OK, err);
                        if (rc == SL_OK)
                                rc = erc;
                }
                if (rc != SL_OK)
                        break;
                if (db->nstores > nstores) {
                        detached = sl_realloc(detached, db->nstores * sizeof *detached);
                        memset(detached, 0, db->nstores * sizeof *detached);
                }
        }
        sl_free(detached);
        db->flushing = false;
        return rc;
}

sl_err sl_state_db_enforce_budget(sl_state_db *db, sl_state_kv *kv, sl_err_detail *err)
{
        if (db->cache_bytes <= db->cache_max)
                return SL_OK;
        sl_state_kv_evict(kv, db->cache_max);
        for (size_t i = 0; i < db->nstores && db->cache_bytes > db->cache_max; i++)
                sl_state_kv_evict(db->stores[i], db->cache_max);
        if (db->cache_bytes <= db->cache_max || db->flushing)
                return SL_OK;
        /* dirty entries alone exceed the budget: write them all, then they are clean and evictable */
        sl_err rc = sl_state_db_flush(db, err);
        for (size_t i = 0; i < db->nstores && db->cache_bytes > db->cache_max; i++)
                sl_state_kv_evict(db->stores[i], db->cache_max);
        return rc;
}

sl_err sl_state_db_commit(sl_state_db *db, sl_err_detail *err)
{
        sl_err rc;
        char *e = NULL;
        if (SL_NEVER(db->flushing))
                return sl_err_set(err, SL_ERR_STATE, "commit inside a state flush");
        for (size_t i = 0; i < db->nstores; i++)
                if ((rc = sl_state_kv_apply_restore(db->stores[i], err)) != SL_OK)
                        return rc;
        if ((rc = sl_state_db_flush(db, err)) != SL_OK)
                return rc;
        if (!db->disable_wal) {
                rocksdb_flush_wal(db->rdb, 1, &e);
                if (e)
                        return sl_state_rocks_err(err, e, "cannot sync state");
                return SL_OK;
        }
        rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
        rocksdb_flushoptions_set_wait(fo, 1);
        for (size_t i = 0; i < db->ncf && !e; i++)
                rocksdb_flush_cf(db->rdb, fo, db->cfs[i], &e);
        rocksdb_flushoptions_destroy(fo);
        if (e)
                return sl_state_rocks_err(err, e, "cannot flush state");
        return SL_OK;
}

void sl_state_db_close(sl_state_db *db)
{
        if (!db)
                return;
        size_t dropped = 0;
        for (size_t i = 0; i < db->nstores; i++) {
                sl_state_kv_stats st;
                sl_state_kv_get_stats(db->stores[i], &st);
                dropped += st.cache_entries;
                sl_state_kv_free(db->stores[i]);
        }
        if (dropped)
                SL_LOG_DEBUG("state", "%s: closing drops %zu uncommitted cache entries", db->dir, dropped);
        sl_free(db->stores);
        for (size_t i = 0; i < db->ncf; i++) {
                if (db->cfs[i])
                        rocksdb_column_family_handle_destroy(db->cfs[i]);
                sl_free(db->cf_names[i]);
        }
        sl_free(db->cfs);
        sl_free(db->cf_names);
        if (db->rdb)
                rocksdb_close(db->rdb);
        rocksdb_readoptions_destroy(db->ropts);
        rocksdb_writeoptions_destroy(db->wopts);
        rocksdb_options_destroy(db->opts);
        rocksdb_block_based_options_destroy(db->bbto);
        rocksdb_cache_destroy(db->block_cache);
        pthread_mutex_destroy(&db->lock);
        sl_free(db->dir);
        sl_free(db);
}

void sl_state_db_lock(sl_state_db *db)
{
        pthread_mutex_lock(&db->lock);
}

void sl_state_db_unlock(sl_state_db *db)
{
        pthread_mutex_unlock(&db->lock);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
        (void)sb;
        (void)flag;
        (void)ftw;
        return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

sl_err sl_state_db_destroy(const char *task_dir, sl_err_detail *err)
{
        struct stat st;
        if (lstat(task_dir, &st) != 0 && errno == ENOENT)
                return SL_OK;
        if (nftw(task_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
                return sl_err_set(err, SL_ERR_IO, "cannot delete state directory %s: %s", task_dir,
                                  strerror(errno));
        return SL_OK;
}

const char *sl_state_db_dir(const sl_state_db *db)
{
        return db->dir;
}

size_t sl_state_db_cache_bytes(const sl_state_db *db)
{
        return db->cache_bytes;
}

uint64_t sl_state_db_flush_count(const sl_state_db *db)
{
        return db->flushes;
}

/* Key layout helpers (state_int.h). */

void sl_state_key_escape_body(sl_buf *out, sl_slice key)
{
        for (size_t i = 0; i < key.len; i++) {
                sl_buf_append_u8(out, key.ptr[i]);
                if (key.ptr[i] == 0)
                        sl_buf_append_u8(out, 0xff);
        }
}

void sl_state_key_escape(sl_buf *out, sl_slice key)
{
        sl_state_key_escape_body(out, key);
        sl_buf_append_u8(out, 0);
        sl_buf_append_u8(out, 1);
}

bool sl_state_key_unescape(sl_buf *out, sl_slice in, size_t *pos)
{
        size_t i = *pos;
        while (i < in.len) {
                uint8_t b = in.ptr[i++];
                if (b != 0) {
                        sl_buf_append_u8(out, b);
                        continue;
                }
                if (i >= in.len)
                        return false;
                uint8_t n = in.ptr[i++];
                if (n == 1) {
                        *pos = i;
                        return true;
                }
                if (n != 0xff)
                        return false;
                sl_buf_append_u8(out, 0);
        }
        return false;
}

void sl_state_time_append(sl_buf *out, int64_t t)
{
        sl_buf_append_be64(out, (uint64_t)t ^ (1ull << 63));
}

int64_t sl_state_time_load(const uint8_t *p)
{
        return (int64_t)(sl_load_be64(p) ^ (1ull << 63));
}

int64_t sl_state_floor_div(int64_t t, int64_t interval)
{
        int64_t q = t / interval;
        if (t % interval != 0 && t < 0)
                q--;
        return q;
}
