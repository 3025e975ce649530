/* vec.c: the growable array. */
#include "common/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

void sl_vec_init(sl_vec *vec, size_t elem_size)
{
        vec->items = NULL;
        vec->len = vec->cap = 0;
        vec->elem_size = elem_size;
}

void sl_vec_deinit(sl_vec *vec)
{
        sl_free(vec->items);
        vec->items = NULL;
        vec->len = vec->cap = 0;
}

void sl_vec_clear(sl_vec *vec)
{
        vec->len = 0;
}

void sl_vec_reserve(sl_vec *vec, size_t extra)
{
        size_t max = (size_t)PTRDIFF_MAX / (vec->elem_size ? vec->elem_size : 1);
        if (extra > max - vec->len)
                sl_mem_overflow(extra, vec->elem_size);  /* the byte size would not fit */
        size_t need = vec->len + extra;
        if (need <= vec->cap)
                return;
        size_t cap = vec->cap ? vec->cap : 8;
        while (cap < need)
                cap = cap > max / 2 ? need : cap * 2;
        vec->items = sl_realloc(vec->items, cap * vec->elem_size);
        vec->cap = cap;
}

void *sl_vec_push(sl_vec *vec, const void *elem)
{
        sl_vec_reserve(vec, 1);
        void *slot = (char *)vec->items + vec->len++ * vec->elem_size;
        memcpy(slot, elem, vec->elem_size);
        return slot;
}

void *sl_vec_push_zero(sl_vec *vec)
{
        sl_vec_reserve(vec, 1);
        void *slot = (char *)vec->items + vec->len++ * vec->elem_size;
        memset(slot, 0, vec->elem_size);
        return slot;
}

int sl_vec_pop(sl_vec *vec, void *out)
{
        if (vec->len == 0)
                return 0;
        vec->len--;
        if (out)
                memcpy(out, (char *)vec->items + vec->len * vec->elem_size, vec->elem_size);
        return 1;
}

void *sl_vec_at(const sl_vec *vec, size_t i)
{
        return (char *)vec->items + i * vec->elem_size;
}

void sl_vec_remove(sl_vec *vec, size_t i)
{
        char *base = vec->items;
        memmove(base + i * vec->elem_size, base + (i + 1) * vec->elem_size,
                (vec->len - i - 1) * vec->elem_size);
        vec->len--;
}

void sl_vec_sort(sl_vec *vec, int (*cmp)(const void *, const void *))
{
        if (vec->len > 1)
                qsort(vec->items, vec->len, vec->elem_size, cmp);
}
