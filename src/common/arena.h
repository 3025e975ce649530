/* arena.h: a region allocator. Many small allocations, one free: statement ASTs, per-batch rows.
 * Memory is never freed one object at a time; sl_arena_reset keeps the first block for reuse. */
#ifndef SL_COMMON_ARENA_H
#define SL_COMMON_ARENA_H

#include <stddef.h>

typedef struct sl_arena_block sl_arena_block;

/* Embeddable; zero-initialised is a valid empty arena with the default block size. */
typedef struct sl_arena {
        sl_arena_block *head;  /* current block; older blocks are chained behind it */
        size_t block_size;     /* size of ordinary blocks; 0 means the default (8 KiB) */
        size_t used_total;     /* bytes handed out since the last reset, for statistics */
} sl_arena;

void sl_arena_init(sl_arena *arena, size_t block_size);
/* Frees every block. The arena is empty and usable afterwards. */
void sl_arena_deinit(sl_arena *arena);
/* Forgets every allocation but keeps one block, so a per-batch arena allocates nothing in the
 * steady state. */
void sl_arena_reset(sl_arena *arena);

sl_arena *sl_arena_new(size_t block_size);
void sl_arena_free(sl_arena *arena);

/* Returns `size` bytes aligned for any type, valid until reset/deinit. Never NULL. */
void *sl_arena_alloc(sl_arena *arena, size_t size);
/* Zero-filled variant. */
void *sl_arena_calloc(sl_arena *arena, size_t count, size_t size);
/* Copies in the arena, NUL-terminated. */
char *sl_arena_strdup(sl_arena *arena, const char *s);
char *sl_arena_strndup(sl_arena *arena, const char *s, size_t len);
void *sl_arena_memdup(sl_arena *arena, const void *p, size_t len);
char *sl_arena_sprintf(sl_arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
