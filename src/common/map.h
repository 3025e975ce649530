/* map.h: a hash map from byte-string keys to pointers. Open addressing with linear probing;
 * keys are copied in, values are borrowed (the map never frees them). */
#ifndef SL_COMMON_MAP_H
#define SL_COMMON_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sl_map_entry sl_map_entry;

typedef struct sl_map {
        sl_map_entry *slots;
        size_t cap;    /* power of two, or 0 */
        size_t len;    /* live entries */
        size_t used;   /* live + deleted slots, drives resizing */
        bool ci;       /* keys compare and hash ASCII-case-insensitively */
} sl_map;

/* Walks entries in no particular order; the map must not change during a walk. */
typedef struct sl_map_iter {
        const sl_map *map;
        size_t next;
} sl_map_iter;

void sl_map_init(sl_map *map, bool case_insensitive);
/* Frees the keys and slots; values are the caller's. */
void sl_map_deinit(sl_map *map);

/* Inserts or replaces; returns the previous value or NULL. */
void *sl_map_put(sl_map *map, const void *key, size_t keylen, void *value);
void *sl_map_get(const sl_map *map, const void *key, size_t keylen);
bool sl_map_contains(const sl_map *map, const void *key, size_t keylen);
/* Removes the entry; returns its value or NULL. */
void *sl_map_del(sl_map *map, const void *key, size_t keylen);
size_t sl_map_len(const sl_map *map);

/* NUL-terminated key shorthands. */
void *sl_map_put_s(sl_map *map, const char *key, void *value);
void *sl_map_get_s(const sl_map *map, const char *key);
void *sl_map_del_s(sl_map *map, const char *key);

void sl_map_iter_init(sl_map_iter *it, const sl_map *map);
/* Advances; false at the end. Key pointers stay valid until the entry is removed. key, keylen and
 * value may each be NULL when not wanted. */
bool sl_map_iter_next(sl_map_iter *it, const void **key, size_t *keylen, void **value);

/* 64-bit hash of bytes (used by the map and by value hashing). */
uint64_t sl_hash_bytes(const void *p, size_t len, uint64_t seed);

#endif
