/* arena.c: bump allocation in chained blocks. An allocation larger than a block gets a block of
 * its own, so one big row never wastes a standard block. */
#include "common/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"

#define DEFAULT_BLOCK (8 * 1024)
#define ALIGN (alignof(max_align_t))

struct sl_arena_block {
        sl_arena_block *prev;  /* older block */
        size_t size;           /* usable bytes in data[] */
        size_t used;
        alignas(max_align_t) unsigned char data[];
};

/* A size no block can hold (it would wrap when rounded up or added to the header) is a caller's
 * bug, treated as out of memory. */
static size_t round_up(size_t n)
{
        if (n > (size_t)PTRDIFF_MAX - sizeof(sl_arena_block) - ALIGN)
                sl_mem_overflow(1, n);
        return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

void sl_arena_init(sl_arena *arena, size_t block_size)
{
        arena->head = NULL;
        arena->block_size = block_size;
        arena->used_total = 0;
}

/* Frees `b` and every older block chained behind it. */
static void free_chain(sl_arena_block *b)
{
        while (b) {
                sl_arena_block *prev = b->prev;
                sl_free(b);
                b = prev;
        }
}

void sl_arena_deinit(sl_arena *arena)
{
        free_chain(arena->head);
        arena->head = NULL;
        arena->used_total = 0;
}

void sl_arena_reset(sl_arena *arena)
{
        sl_arena_block *keep = arena->head;
        if (!keep)
                return;
        /* keep the newest block (standard size or larger); free the rest */
        free_chain(keep->prev);
        keep->prev = NULL;
        keep->used = 0;
        arena->used_total = 0;
}

sl_arena *sl_arena_new(size_t block_size)
{
        sl_arena *arena = sl_malloc(sizeof *arena);
        sl_arena_init(arena, block_size);
        return arena;
}

void sl_arena_free(sl_arena *arena)
{
        if (!arena)
                return;
        sl_arena_deinit(arena);
        sl_free(arena);
}

void *sl_arena_alloc(sl_arena *arena, size_t size)
{
        size_t need = round_up(size ? size : 1);
        sl_arena_block *b = arena->head;
        if (!b || b->size - b->used < need) {
                size_t std = arena->block_size ? arena->block_size : DEFAULT_BLOCK;
                size_t bsize = need > std ? need : std;
                sl_arena_block *nb = sl_malloc(sizeof *nb + bsize);
                nb->size = bsize;
                nb->used = 0;
                if (b && need > std && b->size - b->used >= ALIGN) {
                        /* oversized: slot it behind the current block so the current one keeps filling */
                        nb->prev = b->prev;
                        b->prev = nb;
                        nb->used = need;
                        arena->used_total += need;
                        return nb->data;
                }
                nb->prev = b;
                arena->head = b = nb;
        }
        void *p = b->data + b->used;
        b->used += need;
        arena->used_total += need;
        return p;
}

void *sl_arena_calloc(sl_arena *arena, size_t count, size_t size)
{
        if (size && count > SIZE_MAX / size)
                sl_mem_overflow(count, size);
        void *p = sl_arena_alloc(arena, count * size);
        memset(p, 0, count * size);
        return p;
}

void *sl_arena_memdup(sl_arena *arena, const void *p, size_t len)
{
        void *q = sl_arena_alloc(arena, len);
        if (len)
                memcpy(q, p, len);
        return q;
}

char *sl_arena_strndup(sl_arena *arena, const char *s, size_t len)
{
        char *q = sl_arena_alloc(arena, len + 1);
        memcpy(q, s, len);
        q[len] = '\0';
        return q;
}

char *sl_arena_strdup(sl_arena *arena, const char *s)
{
        return sl_arena_strndup(arena, s, strlen(s));
}

char *sl_arena_sprintf(sl_arena *arena, const char *fmt, ...)
{
        va_list ap, ap2;
        va_start(ap, fmt);
        va_copy(ap2, ap);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        size_t len = n < 0 ? 0 : (size_t)n;
        char *q = sl_arena_alloc(arena, len + 1);
        vsnprintf(q, len + 1, fmt, ap2);
        va_end(ap2);
        return q;
}
