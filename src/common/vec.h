/* vec.h: a growable array of fixed-size elements. Elements move when it grows: keep indices,
 * not pointers, across pushes. */
#ifndef SL_COMMON_VEC_H
#define SL_COMMON_VEC_H

#include <stddef.h>

typedef struct sl_vec {
        void *items;
        size_t len;
        size_t cap;
        size_t elem_size;
} sl_vec;

void sl_vec_init(sl_vec *vec, size_t elem_size);
/* Frees the array (not what elements point to). */
void sl_vec_deinit(sl_vec *vec);
void sl_vec_clear(sl_vec *vec);
void sl_vec_reserve(sl_vec *vec, size_t extra);
/* Appends a copy of *elem and returns a pointer to the stored element. */
void *sl_vec_push(sl_vec *vec, const void *elem);
/* Appends a zeroed element and returns it. */
void *sl_vec_push_zero(sl_vec *vec);
/* Copies the last element into *out (when out is non-NULL) and removes it; 0 if empty, else 1. */
int sl_vec_pop(sl_vec *vec, void *out);
void *sl_vec_at(const sl_vec *vec, size_t i);
void sl_vec_remove(sl_vec *vec, size_t i);
void sl_vec_sort(sl_vec *vec, int (*cmp)(const void *, const void *));

/* Typed access: SL_VEC_AT(&v, sl_value, i). */
#define SL_VEC_AT(vec, type, i) (((type *)(vec)->items)[(i)])

#endif
