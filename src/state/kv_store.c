/* kv_store.c: the key-value store (kv_store.h): a cache over one RocksDB column family.
 *
 * Each cache entry is in three structures: a chained hash table (point lookups), a skip list in key
 * order (scans merge it with a RocksDB iterator, the cache winning), and one of two lists. Dirty
 * entries (writes not yet in RocksDB) are in the dirty list in order of last update, the order of
 * reports at flush, as Kafka Streams' cache reports its dirty keys. Clean entries (flushed writes,
 * values read from RocksDB, keys found absent) are in an LRU list and are what eviction drops. A
 * delete is an entry with `tomb` set.
 *
 * Example, budget large: put(b,1) put(a,2) put(b,3) delete(a) leaves two dirty entries, b=3 and
 * a=tombstone, in dirty order b, a (a's delete was the last update). A scan merges them with
 * RocksDB, hiding RocksDB's a. At flush the db copies both writes out (into the flush arena), turns
 * the entries clean, writes the copies in one batch with the other stores' writes, then reports
 * b=3 and a=tombstone to the changelog sink and the listener. A later get(a) is answered by the
 * clean tombstone without touching RocksDB.
 *
 * Budget (state_db.c): after a write, clean entries are evicted; if dirty ones alone exceed the
 * budget, everything is flushed and then evicted. With a budget of 0 each put is flushed, and
 * reported, before it returns, and nothing stays cached. Restored changelog records bypass the
 * cache: they go into a WriteBatch of their own, written before any other operation on the store. */
#include "state/kv_store.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/map.h"
#include "common/mem.h"
#include "state/state_int.h"

#define MAX_HEIGHT 16
#define ENTRY_OVERHEAD 64           /* bytes counted per entry beyond key and value */
#define RESTORE_BATCH_BYTES (4u << 20)

/* One cache entry; the key bytes follow next[height]. */
typedef struct centry {
        struct centry *hnext;   /* hash chain */
        struct centry *lprev;   /* dirty list when dirty, LRU list when clean: previous */
        struct centry *lnext;   /* and next */
        uint8_t *val;           /* value bytes (owned); NULL until a non-empty value is written */
        size_t vlen;            /* value length */
        size_t vcap;            /* bytes allocated at val */
        bool tomb;              /* a delete (dirty) or a key known to be absent (clean) */
        bool dirty;             /* not yet written to RocksDB */
        int64_t ts;             /* timestamp of the last write */
        uint64_t hash;          /* hash of the key */
        size_t klen;            /* key length */
        int height;             /* skip list levels */
        struct centry *next[];  /* skip list forward links */
} centry;

#define ENTRY_KEY(e) ((uint8_t *)&(e)->next[(e)->height])

/* A doubly linked list of entries, oldest first. */
typedef struct clist {
        centry *first;  /* least recently added */
        centry *last;   /* most recently added */
} clist;

/* A write being flushed: copies in the flush arena, so that listeners may change the cache. */
typedef struct frec {
        const uint8_t *key;     /* key bytes */
        size_t klen;            /* key length */
        const uint8_t *val;     /* value bytes */
        size_t vlen;            /* value length */
        bool tomb;              /* a delete */
        int64_t ts;             /* timestamp of the write */
        const uint8_t *old;     /* value RocksDB held (send_old_values) */
        size_t oldlen;          /* its length */
        bool has_old;           /* old is set */
} frec;

struct sl_state_kv {
        sl_state_db *db;                        /* the db that owns the store */
        char *name;                             /* store and column family name (owned) */
        rocksdb_column_family_handle_t *cf;     /* borrowed from the db */
        bool send_old;                          /* read old values at flush */
        centry **buckets;                       /* hash table, power-of-two size */
        size_t nbuckets;                        /* its size (0 until the first insert) */
        unsigned bits;                          /* log2(nbuckets) */
        size_t count;                           /* entries in the cache */
        centry *head[MAX_HEIGHT];               /* skip list head links */
        clist dirty;                            /* dirty entries in order of last update */
        clist lru;                              /* clean entries, least recently used first */
        size_t bytes;                           /* bytes counted for the cache entries */
        frec *fl;                               /* writes being flushed */
        size_t nfl;                             /* their number */
        size_t capfl;                           /* capacity of fl */
        sl_arena fl_arena;                      /* their bytes, reset after each flush */
        uint64_t mod;                           /* bumped on every change, watched by iterators */
        uint64_t rgen;                          /* bumped on every write to RocksDB */
        rocksdb_iterator_t *spare;              /* a RocksDB iterator of generation spare_gen, for reuse */
        uint64_t spare_gen;                     /* rgen when it was created */
        uint64_t rng;                           /* skip list level generator */
        rocksdb_pinnableslice_t *pinned;        /* value of the last RocksDB lookup */
        rocksdb_writebatch_t *restore_wb;       /* restored records not yet written */
        sl_state_change_fn changelog;           /* changelog sink, or NULL */
        void *changelog_arg;                    /* its opaque */
        sl_state_change_fn listener;            /* flush listener, or NULL */
        void *listener_arg;                     /* its opaque */
        void (*owner_free)(void *);             /* destructor of a wrapper store, or NULL */
        void *owner;                            /* that wrapper */
        sl_state_kv_stats stats;                /* counters (cache_* filled on demand) */
};

struct sl_state_kv_iter {
        sl_state_kv *kv;                /* the store scanned */
        uint64_t mod;                   /* kv->mod when positioned */
        rocksdb_iterator_t *rit;        /* RocksDB side (unbounded: reused across scans, see rocks_iter) */
        uint64_t gen;                   /* kv->rgen when rit was created */
        sl_buf lo;                      /* lower bound (copy) */
        bool has_lo;                    /* lo is set */
        sl_buf hi;                      /* upper bound, exclusive (copy) */
        bool has_hi;                    /* hi is set */
        sl_buf last;                    /* last key returned, to continue after a change */
        bool has_last;                  /* last is set */
        bool fresh;                     /* not positioned yet: the first next starts at lo */
        centry *c;                      /* next cache entry not yet consumed */
        bool adv_rocks;                 /* step RocksDB before the next comparison */
        bool adv_cache;                 /* step the cache before the next comparison */
        sl_err status;                  /* error that ended the scan */
        char msg[256];                  /* its message */
};

static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
        size_t n = alen < blen ? alen : blen;
        int c = n ? memcmp(a, b, n) : 0;
        if (c != 0)
                return c;
        return alen < blen ? -1 : alen > blen;
}

static size_t entry_bytes(const centry *e)
{
        return ENTRY_OVERHEAD + (size_t)e->height * sizeof(centry *) + e->klen + e->vlen;
}

static void account(sl_state_kv *kv, size_t add, size_t sub)
{
        kv->bytes = kv->bytes + add - sub;
        kv->db->cache_bytes = kv->db->cache_bytes + add - sub;
}

/* Hash table */

static uint64_t key_hash(sl_slice key)
{
        return sl_hash_bytes(key.ptr, key.len, 0x5157a7e);
}

/* Bucket of hash `h` in a table of 2^bits buckets: the top bits of a Fibonacci multiply, as the low
 * bits of sl_hash_bytes are not spread enough for short, similar keys. */
static size_t bucket_of(uint64_t h, unsigned bits)
{
        return (size_t)((h * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

static centry *hash_find(const sl_state_kv *kv, sl_slice key, uint64_t h)
{
        if (!kv->nbuckets)
                return NULL;
        for (centry *e = kv->buckets[bucket_of(h, kv->bits)]; e; e = e->hnext)
                if (e->hash == h && e->klen == key.len && (!key.len || memcmp(ENTRY_KEY(e), key.ptr, key.len) == 0))
                        return e;
        return NULL;
}

static void hash_insert(sl_state_kv *kv, centry *e)
{
        if (kv->count + 1 > kv->nbuckets) {
                unsigned bits = kv->nbuckets ? kv->bits + 1 : 6;
                size_t n = (size_t)1 << bits;
                centry **b = sl_calloc(n, sizeof *b);
                for (size_t i = 0; i < kv->nbuckets; i++) {
                        for (centry *x = kv->buckets[i], *next; x; x = next) {
                                next = x->hnext;
                                x->hnext = b[bucket_of(x->hash, bits)];
                                b[bucket_of(x->hash, bits)] = x;
                        }
                }
                sl_free(kv->buckets);
                kv->buckets = b;
                kv->nbuckets = n;
                kv->bits = bits;
        }
        centry **slot = &kv->buckets[bucket_of(e->hash, kv->bits)];
        e->hnext = *slot;
        *slot = e;
}

static void hash_remove(sl_state_kv *kv, centry *e)
{
        centry **p = &kv->buckets[bucket_of(e->hash, kv->bits)];
        while (*p != e)
                p = &(*p)->hnext;
        *p = e->hnext;
}

/* Skip list */

static int random_height(sl_state_kv *kv)
{
        kv->rng ^= kv->rng << 13;
        kv->rng ^= kv->rng >> 7;
        kv->rng ^= kv->rng << 17;
        uint64_t r = kv->rng;
        int h = 1;
        while (h < MAX_HEIGHT && (r & 3) == 0) {
                h++;
                r >>= 2;
        }
        return h;
}

/* First entry with key >= `key`; fills update[] with each level's last entry before it (NULL
 * meaning the head) when `update` is non-NULL. */
static centry *skip_find_ge(sl_state_kv *kv, const uint8_t *key, size_t klen, centry **update)
{
        centry *prev = NULL;
        for (int lvl = MAX_HEIGHT - 1; lvl >= 0; lvl--) {
                centry *x = prev ? prev->next[lvl] : kv->head[lvl];
                while (x && key_cmp(ENTRY_KEY(x), x->klen, key, klen) < 0) {
                        prev = x;
                        x = x->next[lvl];
                }
                if (update)
                        update[lvl] = prev;
        }
        return prev ? prev->next[0] : kv->head[0];
}

static void skip_link(sl_state_kv *kv, centry *e, centry **update)
{
        for (int lvl = 0; lvl < e->height; lvl++) {
                centry **link = update[lvl] ? &update[lvl]->next[lvl] : &kv->head[lvl];
                e->next[lvl] = *link;
                *link = e;
        }
}

static void skip_unlink(sl_state_kv *kv, centry *e, centry **update)
{
        for (int lvl = 0; lvl < e->height; lvl++) {
                centry **link = update[lvl] ? &update[lvl]->next[lvl] : &kv->head[lvl];
                if (*link == e)
                        *link = e->next[lvl];
        }
}

/* Lists */

static void list_unlink(clist *l, centry *e)
{
        if (e->lprev)
                e->lprev->lnext = e->lnext;
        else
                l->first = e->lnext;
        if (e->lnext)
                e->lnext->lprev = e->lprev;
        else
                l->last = e->lprev;
        e->lprev = e->lnext = NULL;
}

static void list_append(clist *l, centry *e)
{
        e->lprev = l->last;
        e->lnext = NULL;
        if (l->last)
                l->last->lnext = e;
        else
                l->first = e;
        l->last = e;
}

static clist *list_of(sl_state_kv *kv, const centry *e)
{
        return e->dirty ? &kv->dirty : &kv->lru;
}

static void entry_free(centry *e)
{
        sl_free(e->val);
        sl_free(e);
}

/* Removes one entry from the hash, the skip list and its list, and frees it. */
static void cache_remove(sl_state_kv *kv, centry *e)
{
        centry *update[MAX_HEIGHT];
        skip_find_ge(kv, ENTRY_KEY(e), e->klen, update);
        skip_unlink(kv, e, update);
        hash_remove(kv, e);
        list_unlink(list_of(kv, e), e);
        account(kv, 0, entry_bytes(e));
        kv->count--;
        kv->mod++;
        entry_free(e);
}

/* A new entry for `key`, linked into the hash and the skip list (not into a list). */
static centry *cache_insert(sl_state_kv *kv, sl_slice key, uint64_t h)
{
        centry *update[MAX_HEIGHT];
        int height = random_height(kv);
        centry *e = sl_malloc(sizeof *e + (size_t)height * sizeof(centry *) + key.len);
        memset(e, 0, sizeof *e);
        e->height = height;
        e->hash = h;
        e->klen = key.len;
        if (key.len)
                memcpy(ENTRY_KEY(e), key.ptr, key.len);
        skip_find_ge(kv, key.ptr, key.len, update);
        skip_link(kv, e, update);
        hash_insert(kv, e);
        kv->count++;
        kv->mod++;
        return e;
}

static void set_value(centry *e, const uint8_t *p, size_t len, bool tomb)
{
        e->tomb = tomb;
        e->vlen = tomb ? 0 : len;
        if (e->vlen > e->vcap) { /* an update of the same size (a counter, a sum) reuses the buffer */
                sl_free(e->val);
                e->val = sl_malloc(e->vlen);
                e->vcap = e->vlen;
        }
        if (e->vlen)
                memcpy(e->val, p, e->vlen);
}

/* Evicts clean entries, least recently used first, until the db's caches hold at most `target`
 * bytes or this store has none left. */
static void evict_clean(sl_state_kv *kv, size_t target)
{
        while (kv->db->cache_bytes > target && kv->lru.first) {
                kv->stats.evictions++;
                cache_remove(kv, kv->lru.first);
        }
}

void sl_state_kv_evict(sl_state_kv *kv, size_t target)
{
        evict_clean(kv, target);
}

static sl_err cache_write(sl_state_kv *kv, sl_slice key, const sl_slice *value, int64_t ts, sl_err_detail *err)
{
        sl_err rc = sl_state_kv_apply_restore(kv, err);
        if (rc != SL_OK)
                return rc;
        uint64_t h = key_hash(key);
        centry *e = hash_find(kv, key, h);
        kv->stats.puts++;
        if (e) {
                account(kv, 0, entry_bytes(e));
                list_unlink(list_of(kv, e), e);
                kv->mod++;
        } else {
                e = cache_insert(kv, key, h);
        }
        set_value(e, value ? value->ptr : NULL, value ? value->len : 0, value == NULL);
        e->ts = ts;
        e->dirty = true;
        list_append(&kv->dirty, e);
        account(kv, entry_bytes(e), 0);
        return sl_state_db_enforce_budget(kv->db, kv, err);
}

/* Exported */

sl_err sl_state_kv_open(sl_state_db *db, const char *name, const sl_state_kv_opts *opts, sl_state_kv **out,
                        sl_err_detail *err)
{
        *out = NULL;
        for (size_t i = 0; i < db->nstores; i++) {
                if (strcmp(db->stores[i]->name, name) == 0) {
                        *out = db->stores[i];
                        return SL_OK;
                }
        }
        rocksdb_column_family_handle_t *cf = sl_state_db_cf(db, name, err);
        if (!cf)
                return SL_ERR_IO;
        sl_state_kv *kv = sl_calloc(1, sizeof *kv);
        kv->db = db;
        kv->name = sl_strdup(name);
        kv->cf = cf;
        kv->send_old = opts && opts->send_old_values;
        sl_arena_init(&kv->fl_arena, 0);
        kv->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)kv;
        if (!kv->rng)
                kv->rng = 1;
        sl_state_db_add_store(db, kv);
        *out = kv;
        return SL_OK;
}

const char *sl_state_kv_name(const sl_state_kv *kv)
{
        return kv->name;
}

void sl_state_kv_set_changelog(sl_state_kv *kv, sl_state_change_fn fn, void *opaque)
{
        kv->changelog = fn;
        kv->changelog_arg = opaque;
}

void sl_state_kv_set_listener(sl_state_kv *kv, sl_state_change_fn fn, void *opaque)
{
        kv->listener = fn;
        kv->listener_arg = opaque;
}

void sl_state_kv_set_owner(sl_state_kv *kv, void (*free_fn)(void *), void *owner)
{
        kv->owner_free = free_fn;
        kv->owner = owner;
}

void *sl_state_kv_owner(const sl_state_kv *kv)
{
        return kv->owner;
}

sl_err sl_state_kv_get(sl_state_kv *kv, sl_slice key, sl_slice *value, bool *found, sl_err_detail *err)
{
        sl_err rc = sl_state_kv_apply_restore(kv, err);
        *found = false;
        *value = SL_SLICE(NULL, 0);
        if (rc != SL_OK)
                return rc;
        kv->stats.gets++;
        uint64_t h = key_hash(key);
        centry *e = hash_find(kv, key, h);
        if (e) {
                kv->stats.cache_hits++;
                if (!e->dirty) { /* most recently used */
                        list_unlink(&kv->lru, e);
                        list_append(&kv->lru, e);
                }
                *found = !e->tomb;
                if (*found)
                        *value = SL_SLICE(e->val ? e->val : (const uint8_t *)"", e->vlen);
                return SL_OK;
        }
        if (kv->pinned) {
                rocksdb_pinnableslice_destroy(kv->pinned);
                kv->pinned = NULL;
        }
        char *e_msg = NULL;
        kv->pinned = rocksdb_get_pinned_cf(kv->db->rdb, kv->db->ropts, kv->cf, (const char *)key.ptr, key.len, &e_msg);
        if (e_msg)
                return sl_state_rocks_err(err, e_msg, "cannot read state");
        size_t len = 0;
        const char *p = NULL;
        if (kv->pinned) {
                p = rocksdb_pinnableslice_value(kv->pinned, &len);
                *found = true;
                *value = SL_SLICE(p ? p : "", len);
        }
        /* keep it as a clean entry (a miss too: the put that usually follows finds its slot) if it
         * fits after evicting older clean entries */
        size_t need = ENTRY_OVERHEAD + MAX_HEIGHT * sizeof(centry *) + key.len + len;
        if (need > kv->db->cache_max)
                return SL_OK;
        evict_clean(kv, kv->db->cache_max - need);
        if (kv->db->cache_bytes > kv->db->cache_max - need)
                return SL_OK;
        e = cache_insert(kv, key, h);
        set_value(e, (const uint8_t *)p, len, !kv->pinned);
        list_append(&kv->lru, e);
        account(kv, entry_bytes(e), 0);
        if (*found)
                *value = SL_SLICE(e->val ? e->val : (const uint8_t *)"", e->vlen);
        return SL_OK;
}

sl_err sl_state_kv_put(sl_state_kv *kv, sl_slice key, sl_slice value, int64_t ts, sl_err_detail *err)
{
        return cache_write(kv, key, &value, ts, err);
}

sl_err sl_state_kv_delete(sl_state_kv *kv, sl_slice key, int64_t ts, sl_err_detail *err)
{
        return cache_write(kv, key, NULL, ts, err);
}

sl_err sl_state_kv_apply_restore(sl_state_kv *kv, sl_err_detail *err)
{
        if (!kv->restore_wb)
                return SL_OK;
        char *e = NULL;
        rocksdb_write(kv->db->rdb, kv->db->wopts, kv->restore_wb, &e);
        rocksdb_writebatch_destroy(kv->restore_wb);
        kv->restore_wb = NULL;
        kv->mod++;
        kv->rgen++;
        if (e)
                return sl_state_rocks_err(err, e, "cannot write restored state");
        return SL_OK;
}

sl_err sl_state_kv_restore(sl_state_kv *kv, sl_slice key, const sl_slice *value, sl_err_detail *err)
{
        centry *e = hash_find(kv, key, key_hash(key));
        if (e) /* the changelog is the truth: an unflushed write of the key is superseded */
                cache_remove(kv, e);
        if (!kv->restore_wb)
                kv->restore_wb = rocksdb_writebatch_create();
        if (value)
                rocksdb_writebatch_put_cf(kv->restore_wb, kv->cf, (const char *)key.ptr, key.len,
                                          (const char *)value->ptr, value->len);
        else
                rocksdb_writebatch_delete_cf(kv->restore_wb, kv->cf, (const char *)key.ptr, key.len);
        kv->mod++;
        size_t size = 0;
        rocksdb_writebatch_data(kv->restore_wb, &size);
        if (size >= RESTORE_BATCH_BYTES)
                return sl_state_kv_apply_restore(kv, err);
        return SL_OK;
}

sl_err sl_state_kv_purge_range(sl_state_kv *kv, sl_slice from, sl_slice to, sl_err_detail *err)
{
        sl_err rc = sl_state_kv_apply_restore(kv, err);
        if (rc != SL_OK)
                return rc;
        if (key_cmp(from.ptr, from.len, to.ptr, to.len) >= 0)
                return SL_OK;
        kv->mod++;
        for (;;) {
                centry *e = skip_find_ge(kv, from.ptr, from.len, NULL);
                if (!e || key_cmp(ENTRY_KEY(e), e->klen, to.ptr, to.len) >= 0)
                        break;
                cache_remove(kv, e);
        }
        char *e = NULL;
        kv->rgen++;
        rocksdb_delete_range_cf(kv->db->rdb, kv->db->wopts, kv->cf, (const char *)from.ptr, from.len,
                                (const char *)to.ptr, to.len, &e);
        if (e)
                return sl_state_rocks_err(err, e, "cannot delete state range");
        return SL_OK;
}

/* Flush protocol (state_int.h) */

bool sl_state_kv_detach(sl_state_kv *kv)
{
        if (!kv->dirty.first)
                return false;
        assert(kv->nfl == 0); /* flushes do not nest (sl_state_db_flush) */
        /* copy the writes out and keep the entries as clean ones: listeners may then write to the
         * store (even the same keys) and evictions may drop entries without touching the flush */
        while (kv->dirty.first) {
                centry *e = kv->dirty.first;
                list_unlink(&kv->dirty, e);
                if (kv->nfl == kv->capfl) {
                        kv->capfl = kv->capfl ? kv->capfl * 2 : 64;
                        kv->fl = sl_realloc(kv->fl, kv->capfl * sizeof *kv->fl);
                }
                frec *f = &kv->fl[kv->nfl++];
                memset(f, 0, sizeof *f);
                f->key = e->klen ? sl_arena_memdup(&kv->fl_arena, ENTRY_KEY(e), e->klen) : (const uint8_t *)"";
                f->klen = e->klen;
                f->val = e->vlen ? sl_arena_memdup(&kv->fl_arena, e->val, e->vlen) : (const uint8_t *)"";
                f->vlen = e->vlen;
                f->tomb = e->tomb;
                f->ts = e->ts;
                e->dirty = false;
                list_append(&kv->lru, e);
        }
        return true;
}

sl_err sl_state_kv_stage(sl_state_kv *kv, rocksdb_writebatch_t *wb, sl_err_detail *err)
{
        kv->rgen++; /* the batch is written next: iterators taken before it do not see it */
        for (size_t i = 0; i < kv->nfl; i++) {
                frec *f = &kv->fl[i];
                if (kv->send_old) {
                        char *msg = NULL;
                        size_t len = 0;
                        char *v = rocksdb_get_cf(kv->db->rdb, kv->db->ropts, kv->cf, (const char *)f->key, f->klen,
                                                 &len, &msg);
                        if (msg)
                                return sl_state_rocks_err(err, msg, "cannot read state");
                        if (v) {
                                f->has_old = true;
                                f->oldlen = len;
                                f->old = len ? sl_arena_memdup(&kv->fl_arena, v, len) : (const uint8_t *)"";
                                rocksdb_free(v);
                        }
                }
                if (f->tomb)
                        rocksdb_writebatch_delete_cf(wb, kv->cf, (const char *)f->key, f->klen);
                else
                        rocksdb_writebatch_put_cf(wb, kv->cf, (const char *)f->key, f->klen, (const char *)f->val,
                                                  f->vlen);
                kv->stats.flushed++;
        }
        return SL_OK;
}

sl_err sl_state_kv_emit(sl_state_kv *kv, bool report, sl_err_detail *err)
{
        sl_err rc = SL_OK;
        size_t n = kv->nfl;
        /* a listener may write to this store: new dirty entries wait for the next round */
        for (size_t i = 0; i < n && report && rc == SL_OK; i++) {
                const frec *f = &kv->fl[i];
                sl_state_change chg = {
                        .key = SL_SLICE(f->key, f->klen),
                        .has_value = !f->tomb,
                        .value = SL_SLICE(f->val, f->vlen),
                        .has_old = f->has_old,
                        .old_value = SL_SLICE(f->old ? f->old : (const uint8_t *)"", f->oldlen),
                        .ts = f->ts,
                };
                if (kv->changelog)
                        rc = kv->changelog(kv->changelog_arg, &chg, err);
                if (rc == SL_OK && kv->listener)
                        rc = kv->listener(kv->listener_arg, &chg, err);
        }
        kv->nfl = 0;
        sl_arena_reset(&kv->fl_arena);
        return rc;
}

void sl_state_kv_free(sl_state_kv *kv)
{
        if (!kv)
                return;
        if (kv->owner_free)
                kv->owner_free(kv->owner);
        for (centry *e = kv->head[0], *next; e; e = next) {
                next = e->next[0];
                entry_free(e);
        }
        kv->db->cache_bytes -= kv->bytes;
        sl_free(kv->buckets);
        sl_free(kv->fl);
        sl_arena_deinit(&kv->fl_arena);
        if (kv->pinned)
                rocksdb_pinnableslice_destroy(kv->pinned);
        if (kv->restore_wb)
                rocksdb_writebatch_destroy(kv->restore_wb);
        if (kv->spare)
                rocksdb_iter_destroy(kv->spare);
        sl_free(kv->name);
        sl_free(kv);
}

void sl_state_kv_get_stats(const sl_state_kv *kv, sl_state_kv_stats *out)
{
        *out = kv->stats;
        out->cache_entries = kv->count;
        out->cache_bytes = kv->bytes;
        out->dirty_entries = 0;
        for (const centry *e = kv->dirty.first; e; e = e->lnext)
                out->dirty_entries++;
}

/* Iterators */

/* A RocksDB iterator over the store's current RocksDB content: the spare one when nothing was
 * written to RocksDB since it was created (creating one costs more than most scans), else a new
 * one. Iterators carry no RocksDB upper bound, so any may be reused for any range; the scan
 * checks the bound itself. */
static rocksdb_iterator_t *rocks_iter(sl_state_kv *kv, uint64_t *gen)
{
        rocksdb_iterator_t *rit = kv->spare;

        kv->spare = NULL;
        if (rit && kv->spare_gen != kv->rgen) {
                rocksdb_iter_destroy(rit);
                rit = NULL;
        }
        if (!rit)
                rit = rocksdb_create_iterator_cf(kv->db->rdb, kv->db->ropts, kv->cf);
        *gen = kv->rgen;
        return rit;
}

/* Gives back an iterator of rocks_iter: kept as the spare while still current. */
static void rocks_iter_release(sl_state_kv *kv, rocksdb_iterator_t *rit, uint64_t gen)
{
        if (!rit)
                return;
        if (gen != kv->rgen || kv->spare) {
                rocksdb_iter_destroy(rit);
                return;
        }
        kv->spare = rit;
        kv->spare_gen = gen;
}

/* Positions both sides at the first key >= max(key, lo). */
static void iter_position(sl_state_kv_iter *it, sl_slice key)
{
        if (it->has_lo && key_cmp(key.ptr, key.len, it->lo.data, it->lo.len) < 0)
                key = sl_buf_slice(&it->lo);
        if (key.len)
                rocksdb_iter_seek(it->rit, (const char *)key.ptr, key.len);
        else
                rocksdb_iter_seek_to_first(it->rit);
        it->c = skip_find_ge(it->kv, key.ptr, key.len, NULL);
        it->adv_rocks = it->adv_cache = false;
        it->mod = it->kv->mod;
}

/* The store changed under the iterator: take a fresh RocksDB view and continue after the last key
 * returned (its successor in memcmp order is the key with a 00 byte appended). */
static void iter_resync(sl_state_kv_iter *it)
{
        if (it->gen != it->kv->rgen) {
                rocksdb_iter_destroy(it->rit);
                it->rit = rocks_iter(it->kv, &it->gen);
        }
        if (!it->has_last) {
                iter_position(it, sl_buf_slice(&it->lo));
                return;
        }
        sl_buf_append_u8(&it->last, 0);
        iter_position(it, sl_buf_slice(&it->last));
        it->last.len--;
}

sl_err sl_state_kv_range(sl_state_kv *kv, const sl_slice *from, const sl_slice *to, sl_state_kv_iter **out,
                         sl_err_detail *err)
{
        sl_err rc = sl_state_kv_apply_restore(kv, err);
        *out = NULL;
        if (rc != SL_OK)
                return rc;
        sl_state_kv_iter *it = sl_calloc(1, sizeof *it);
        it->kv = kv;
        sl_buf_init(&it->lo);
        sl_buf_init(&it->hi);
        sl_buf_init(&it->last);
        if (from) {
                it->has_lo = true;
                sl_buf_append(&it->lo, from->ptr, from->len);
        }
        if (to) {
                it->has_hi = true;
                sl_buf_append(&it->hi, to->ptr, to->len);
        }
        it->rit = rocks_iter(kv, &it->gen);
        it->fresh = true; /* a seek may come first (sl_state_kv_iter_seek): position lazily */
        *out = it;
        return SL_OK;
}

sl_err sl_state_kv_prefix(sl_state_kv *kv, sl_slice prefix, sl_state_kv_iter **out, sl_err_detail *err)
{
        /* the upper bound is the prefix with trailing FF bytes dropped and the last byte
         * incremented; a prefix of FF bytes only has none */
        size_t n = prefix.len;
        while (n > 0 && prefix.ptr[n - 1] == 0xff)
                n--;
        if (n == 0)
                return sl_state_kv_range(kv, &prefix, NULL, out, err);
        uint8_t *hi = sl_malloc(n);
        memcpy(hi, prefix.ptr, n);
        hi[n - 1]++;
        sl_slice to = SL_SLICE(hi, n);
        sl_err rc = sl_state_kv_range(kv, &prefix, &to, out, err);
        sl_free(hi);
        return rc;
}

sl_err sl_state_kv_all(sl_state_kv *kv, sl_state_kv_iter **out, sl_err_detail *err)
{
        return sl_state_kv_range(kv, NULL, NULL, out, err);
}

void sl_state_kv_iter_seek(sl_state_kv_iter *it, sl_slice key)
{
        if (it->status != SL_OK)
                return;
        it->has_last = false;
        it->fresh = false;
        if (it->gen != it->kv->rgen) {
                rocksdb_iter_destroy(it->rit);
                it->rit = rocks_iter(it->kv, &it->gen);
        }
        iter_position(it, key);
}

bool sl_state_kv_iter_next(sl_state_kv_iter *it, sl_slice *key, sl_slice *value)
{
        if (it->status != SL_OK)
                return false;
        if (it->fresh) {
                it->fresh = false;
                iter_position(it, sl_buf_slice(&it->lo));
        }
        if (it->kv->mod != it->mod)
                iter_resync(it);
        for (;;) {
                if (it->adv_rocks)
                        rocksdb_iter_next(it->rit);
                if (it->adv_cache)
                        it->c = it->c->next[0];
                it->adv_rocks = it->adv_cache = false;
                bool rv = rocksdb_iter_valid(it->rit);
                if (!rv) {
                        char *e = NULL;
                        rocksdb_iter_get_error(it->rit, &e);
                        if (e) {
                                it->status = SL_ERR_IO;
                                snprintf(it->msg, sizeof it->msg, "cannot scan state: %s", e);
                                rocksdb_free(e);
                                return false;
                        }
                }
                centry *c = it->c;
                if (c && it->has_hi && key_cmp(ENTRY_KEY(c), c->klen, it->hi.data, it->hi.len) >= 0)
                        c = it->c = NULL;
                if (!rv && !c)
                        return false;
                size_t rlen = 0;
                const char *rk = rv ? rocksdb_iter_key(it->rit, &rlen) : NULL;
                if (rv && it->has_hi && key_cmp((const uint8_t *)rk, rlen, it->hi.data, it->hi.len) >= 0) {
                        rv = false;
                        rk = NULL;
                        if (!c)
                                return false;
                }
                int cmp = !rv ? 1 : !c ? -1 : key_cmp((const uint8_t *)rk, rlen, ENTRY_KEY(c), c->klen);
                if (cmp < 0) {
                        size_t vlen = 0;
                        const char *v = rocksdb_iter_value(it->rit, &vlen);
                        *key = SL_SLICE(rk, rlen);
                        *value = SL_SLICE(v ? v : "", vlen);
                        it->adv_rocks = true;
                } else {
                        it->adv_cache = true;
                        it->adv_rocks = cmp == 0; /* the cache shadows RocksDB's entry */
                        if (c->tomb)
                                continue;
                        *key = SL_SLICE(ENTRY_KEY(c), c->klen);
                        *value = SL_SLICE(c->val ? c->val : (const uint8_t *)"", c->vlen);
                }
                sl_buf_reset(&it->last);
                sl_buf_append(&it->last, key->ptr, key->len);
                it->has_last = true;
                return true;
        }
}

sl_err sl_state_kv_iter_error(const sl_state_kv_iter *it, sl_err_detail *err)
{
        if (it->status != SL_OK)
                return sl_err_set(err, it->status, "%s", it->msg);
        return SL_OK;
}

void sl_state_kv_iter_free(sl_state_kv_iter *it)
{
        if (!it)
                return;
        rocks_iter_release(it->kv, it->rit, it->gen);
        sl_buf_deinit(&it->lo);
        sl_buf_deinit(&it->hi);
        sl_buf_deinit(&it->last);
        sl_free(it);
}
