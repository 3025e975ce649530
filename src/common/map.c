/* map.c: open-addressing hash map with linear probing and tombstones. The table doubles at 70%
 * load (live + deleted), so probes stay short; deleted slots are swept by the rehash. */
#include "common/map.h"

#include <string.h>

#include "common/mem.h"

struct sl_map_entry {
        void *key;       /* NULL: never used; TOMBSTONE: deleted */
        size_t keylen;
        uint64_t hash;
        void *value;
};

static char tombstone_mark;
#define TOMBSTONE ((void *)&tombstone_mark)

/* wyhash-style mixing of 64-bit words; fast and well distributed for short keys */
static uint64_t mix(uint64_t a, uint64_t b)
{
        __uint128_t r = (__uint128_t)a * b;
        return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t load_le(const unsigned char *p, size_t n)
{
        uint64_t v = 0;
        memcpy(&v, p, n);
        return v;
}

static uint64_t hash_impl(const unsigned char *p, size_t len, uint64_t seed, bool ci)
{
        const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
        uint64_t h = seed ^ mix(len ^ k0, k1);
        unsigned char tmp[8];
        while (len) {
                size_t n = len < 8 ? len : 8;
                const unsigned char *src = p;
                if (ci) {
                        for (size_t i = 0; i < n; i++)
                                tmp[i] = (unsigned char)(p[i] >= 'a' && p[i] <= 'z' ? p[i] - 32 : p[i]);
                        src = tmp;
                }
                h = mix(h ^ load_le(src, n) ^ k0, k1 ^ n);
                p += n;
                len -= n;
        }
        return mix(h, k0) ^ h;
}

uint64_t sl_hash_bytes(const void *p, size_t len, uint64_t seed)
{
        return hash_impl(p, len, seed, false);
}

static bool key_eq(const sl_map *map, const sl_map_entry *e, const void *key, size_t keylen, uint64_t h)
{
        if (e->hash != h || e->keylen != keylen)
                return false;
        if (keylen == 0)
                return true;  /* an empty key may come as NULL, which memcmp must not see */
        if (!map->ci)
                return memcmp(e->key, key, keylen) == 0;
        const unsigned char *a = e->key, *b = key;
        for (size_t i = 0; i < keylen; i++) {
                unsigned char x = a[i] >= 'a' && a[i] <= 'z' ? a[i] - 32 : a[i];
                unsigned char y = b[i] >= 'a' && b[i] <= 'z' ? b[i] - 32 : b[i];
                if (x != y)
                        return false;
        }
        return true;
}

void sl_map_init(sl_map *map, bool case_insensitive)
{
        memset(map, 0, sizeof *map);
        map->ci = case_insensitive;
}

void sl_map_deinit(sl_map *map)
{
        for (size_t i = 0; i < map->cap; i++)
                if (map->slots[i].key && map->slots[i].key != TOMBSTONE)
                        sl_free(map->slots[i].key);
        sl_free(map->slots);
        sl_map_init(map, map->ci);
}

/* Slot holding `key`, or NULL. */
static sl_map_entry *find(const sl_map *map, const void *key, size_t keylen, uint64_t h)
{
        if (!map->cap)
                return NULL;
        for (size_t i = h & (map->cap - 1);; i = (i + 1) & (map->cap - 1)) {
                sl_map_entry *e = &map->slots[i];
                if (!e->key)
                        return NULL;
                if (e->key != TOMBSTONE && key_eq(map, e, key, keylen, h))
                        return e;
        }
}

static void grow(sl_map *map)
{
        size_t oldcap = map->cap;
        sl_map_entry *old = map->slots;
        size_t cap = oldcap ? oldcap : 8;
        while (map->len * 10 >= cap * 5)  /* after the rehash, at most half full */
                cap *= 2;
        if (cap < 8)
                cap = 8;
        map->slots = sl_calloc(cap, sizeof *map->slots);
        map->cap = cap;
        map->used = map->len;
        for (size_t i = 0; i < oldcap; i++) {
                sl_map_entry *e = &old[i];
                if (!e->key || e->key == TOMBSTONE)
                        continue;
                size_t j = e->hash & (cap - 1);
                while (map->slots[j].key)
                        j = (j + 1) & (cap - 1);
                map->slots[j] = *e;
        }
        sl_free(old);
}

void *sl_map_put(sl_map *map, const void *key, size_t keylen, void *value)
{
        uint64_t h = hash_impl(key, keylen, 0, map->ci);
        sl_map_entry *e = find(map, key, keylen, h);
        if (e) {
                void *prev = e->value;
                e->value = value;
                return prev;
        }
        if ((map->used + 1) * 10 > map->cap * 7)
                grow(map);
        size_t i = h & (map->cap - 1);
        while (map->slots[i].key && map->slots[i].key != TOMBSTONE)
                i = (i + 1) & (map->cap - 1);
        e = &map->slots[i];
        if (!e->key)
                map->used++;
        e->key = sl_malloc(keylen ? keylen : 1);
        if (keylen)
                memcpy(e->key, key, keylen);
        e->keylen = keylen;
        e->hash = h;
        e->value = value;
        map->len++;
        return NULL;
}

void *sl_map_get(const sl_map *map, const void *key, size_t keylen)
{
        sl_map_entry *e = find(map, key, keylen, hash_impl(key, keylen, 0, map->ci));
        return e ? e->value : NULL;
}

bool sl_map_contains(const sl_map *map, const void *key, size_t keylen)
{
        return find(map, key, keylen, hash_impl(key, keylen, 0, map->ci)) != NULL;
}

void *sl_map_del(sl_map *map, const void *key, size_t keylen)
{
        sl_map_entry *e = find(map, key, keylen, hash_impl(key, keylen, 0, map->ci));
        if (!e)
                return NULL;
        void *value = e->value;
        sl_free(e->key);
        e->key = TOMBSTONE;
        e->value = NULL;
        map->len--;
        return value;
}

size_t sl_map_len(const sl_map *map)
{
        return map->len;
}

void *sl_map_put_s(sl_map *map, const char *key, void *value)
{
        return sl_map_put(map, key, strlen(key), value);
}

void *sl_map_get_s(const sl_map *map, const char *key)
{
        return sl_map_get(map, key, strlen(key));
}

void *sl_map_del_s(sl_map *map, const char *key)
{
        return sl_map_del(map, key, strlen(key));
}

void sl_map_iter_init(sl_map_iter *it, const sl_map *map)
{
        it->map = map;
        it->next = 0;
}

bool sl_map_iter_next(sl_map_iter *it, const void **key, size_t *keylen, void **value)
{
        while (it->next < it->map->cap) {
                sl_map_entry *e = &it->map->slots[it->next++];
                if (!e->key || e->key == TOMBSTONE)
                        continue;
                if (key)
                        *key = e->key;
                if (keylen)
                        *keylen = e->keylen;
                if (value)
                        *value = e->value;
                return true;
        }
        return false;
}
