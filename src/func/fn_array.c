/* fn_array.c: ksqlDB's ARRAY functions. Elements compare with sl_value_eq / sl_value_cmp (so
 * composites compare structurally and DECIMALs by value). The set functions (DISTINCT, EXCEPT,
 * INTERSECT, UNION) keep first occurrences in order; ARRAY_SORT puts NULLs last in both directions;
 * ARRAY_MAX/MIN skip NULLs. NULL arrays give NULL, except ARRAY_CONTAINS (false) and ARRAY_CONCAT
 * (the other array). */
#include "func/func_int.h"
#include "types/compare.h"

#define N SL_FUNC_NULL_IN_NULL_OUT

static const sl_value *items_of(const sl_value *v) { return v->u.comp.items; }

static bool contains(const sl_value *items, size_t n, const sl_value *x)
{
        for (size_t i = 0; i < n; i++)
                if (sl_value_eq(&items[i], x))
                        return true;
        return false;
}

/* Builds the result array from a scratch list of values. */
static sl_value array_of(sl_func_ctx *ctx, const sl_value *vals, size_t n)
{
        sl_value *items;
        sl_value r = fn_comp_new(ctx, n, &items);
        if (n)
                memcpy(items, vals, n * sizeof *items);
        return r;
}

static sl_err fn_array_contains(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        *out = sl_value_bool(a[0].kind != SL_TYPE_NULL && contains(items_of(&a[0]), a[0].len, &a[1]));
        return SL_OK;
}

static sl_err fn_array_length(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)ctx;
        (void)n;
        *out = sl_value_int((int32_t)a[0].len);
        return SL_OK;
}

/* Appends the elements of `src` not yet in tmp[0..*k) (and, when `filter` is given, present or
 * absent in it per `want`). */
static void add_distinct(sl_value *tmp, size_t *k, const sl_value *src, const sl_value *filter, bool want)
{
        for (size_t i = 0; i < src->len; i++) {
                const sl_value *x = &items_of(src)[i];
                if (filter && contains(items_of(filter), filter->len, x) != want)
                        continue;
                if (!contains(tmp, *k, x))
                        tmp[(*k)++] = *x;
        }
}

/* The distinct elements of `first` (kept or dropped per `want` by their presence in `filter`,
 * when given), then those of `second` (when given) not yet taken: ARRAY_DISTINCT, ARRAY_EXCEPT,
 * ARRAY_INTERSECT, ARRAY_UNION. */
static sl_err set_op(sl_func_ctx *ctx, const sl_value *first, const sl_value *filter, bool want, const sl_value *second,
                     sl_value *out)
{
        size_t cap = (size_t)first->len + (second ? second->len : 0) + 1;
        sl_value *tmp = sl_arena_alloc(ctx->arena, cap * sizeof *tmp);
        size_t k = 0;
        add_distinct(tmp, &k, first, filter, want);
        if (second)
                add_distinct(tmp, &k, second, NULL, false);
        *out = array_of(ctx, tmp, k);
        return SL_OK;
}

static sl_err fn_array_distinct(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return set_op(ctx, &a[0], NULL, false, NULL, out);
}

static sl_err fn_array_except(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return set_op(ctx, &a[0], &a[1], false, NULL, out);
}

static sl_err fn_array_intersect(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return set_op(ctx, &a[0], &a[1], true, NULL, out);
}

static sl_err fn_array_union(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return set_op(ctx, &a[0], NULL, false, &a[1], out);
}

static sl_err fn_array_concat(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        if (a[0].kind == SL_TYPE_NULL && a[1].kind == SL_TYPE_NULL)
                return SL_OK;
        size_t n0 = a[0].kind == SL_TYPE_NULL ? 0 : a[0].len, n1 = a[1].kind == SL_TYPE_NULL ? 0 : a[1].len;
        sl_value *items;
        *out = fn_comp_new(ctx, n0 + n1, &items);
        if (n0)
                memcpy(items, items_of(&a[0]), n0 * sizeof *items);
        if (n1)
                memcpy(items + n0, items_of(&a[1]), n1 * sizeof *items);
        return SL_OK;
}

/* ARRAY_REMOVE(array, x): every element equal to x (NULL removes NULLs). */
static sl_err fn_array_remove(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        if (a[0].kind == SL_TYPE_NULL)
                return SL_OK;
        sl_value *tmp = sl_arena_alloc(ctx->arena, (a[0].len + 1) * sizeof *tmp);
        size_t k = 0;
        for (size_t i = 0; i < a[0].len; i++)
                if (!sl_value_eq(&items_of(&a[0])[i], &a[1]))
                        tmp[k++] = items_of(&a[0])[i];
        *out = array_of(ctx, tmp, k);
        return SL_OK;
}

static sl_err extreme(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out, int sign)
{
        (void)n;
        (void)ctx;
        const sl_value *best = NULL;
        for (size_t i = 0; i < a[0].len; i++) {
                const sl_value *x = &items_of(&a[0])[i];
                if (x->kind != SL_TYPE_NULL && (!best || sign * sl_value_cmp(x, best) > 0))
                        best = x;
        }
        if (best)
                *out = *best;
        return SL_OK;
}

SL_FUNC_INVOKE_WITH(fn_array_max, extreme, 1)
SL_FUNC_INVOKE_WITH(fn_array_min, extreme, -1)

/* Merge sort (stable) of values; NULLs last whatever the direction. */
static int sort_cmp(const sl_value *x, const sl_value *y, int dir)
{
        bool xn = x->kind == SL_TYPE_NULL, yn = y->kind == SL_TYPE_NULL;
        if (xn || yn)
                return xn - yn;
        return dir * sl_value_cmp(x, y);
}

static void merge_sort(sl_value *v, sl_value *tmp, size_t n, int dir)
{
        if (n < 2)
                return;
        size_t h = n / 2;
        merge_sort(v, tmp, h, dir);
        merge_sort(v + h, tmp, n - h, dir);
        size_t i = 0, j = h, k = 0;
        while (i < h && j < n)
                tmp[k++] = sort_cmp(&v[j], &v[i], dir) < 0 ? v[j++] : v[i++];
        while (i < h)
                tmp[k++] = v[i++];
        while (j < n)
                tmp[k++] = v[j++];
        memcpy(v, tmp, n * sizeof *v);
}

/* ARRAY_SORT(array [, 'ASC'|'DESC']): NULL for another direction. */
static sl_err fn_array_sort(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        int dir = 1;
        if (n > 1) {
                if (sl_func_str_eq_ci(&a[1], "DESC"))
                        dir = -1;
                else if (!sl_func_str_eq_ci(&a[1], "ASC"))
                        return SL_OK;
        }
        sl_value *items;
        *out = fn_comp_new(ctx, a[0].len, &items);
        if (a[0].len)
                memcpy(items, items_of(&a[0]), a[0].len * sizeof *items);
        sl_value *tmp = sl_arena_alloc(ctx->arena, (a[0].len + 1) * sizeof *tmp);
        merge_sort(items, tmp, a[0].len, dir);
        return SL_OK;
}

/* ARRAY_JOIN(array [, delimiter]): elements as Java renders them ("null" for NULL); default
 * delimiter ","; a NULL delimiter joins with nothing. */
static sl_err fn_array_join(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        if (a[0].kind == SL_TYPE_NULL)
                return SL_OK;
        const char *d = ",";
        size_t dl = 1;
        if (n > 1) {
                d = a[1].kind == SL_TYPE_NULL ? "" : fn_sp(&a[1]);
                dl = a[1].kind == SL_TYPE_NULL ? 0 : a[1].len;
        }
        sl_str s;
        sl_str_init(&s);
        for (size_t i = 0; i < a[0].len; i++) {
                if (i)
                        sl_str_append_n(&s, d, dl);
                sl_value_format(&s, &items_of(&a[0])[i]);
        }
        *out = fn_str_from(ctx, &s);
        sl_str_deinit(&s);
        return SL_OK;
}

/* SLICE(array, from, to): elements from..to inclusive, 1-based; NULL bounds mean the ends; NULL
 * when out of range. */
static sl_err fn_slice(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        if (a[0].kind == SL_TYPE_NULL)
                return SL_OK;
        int64_t len = a[0].len;
        int64_t from = a[1].kind == SL_TYPE_NULL ? 0 : (int64_t)a[1].u.i32 - 1;
        int64_t to = a[2].kind == SL_TYPE_NULL ? len : a[2].u.i32;
        if (from < 0 || to > len || from > to)
                return SL_OK;
        *out = array_of(ctx, items_of(&a[0]) + from, (size_t)(to - from));
        return SL_OK;
}

/* GENERATE_SERIES(start, end [, step]): inclusive; the step defaults to 1 or -1 and must point
 * from start to end. */
static sl_err fn_generate_series(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        bool big = a[0].kind == SL_TYPE_BIGINT;
        int64_t s = big ? a[0].u.i64 : a[0].u.i32, e = big ? a[1].u.i64 : a[1].u.i32;
        int64_t step = n > 2 ? (big ? a[2].u.i64 : a[2].u.i32) : (e >= s ? 1 : -1);
        if (step == 0)
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "GENERATE_SERIES step cannot be zero");
        if ((e > s && step < 0) || (e < s && step > 0))
                return sl_err_set(ctx->err, SL_ERR_FUNCTION, "GENERATE_SERIES step has wrong sign");
        __int128 count = ((__int128)e - s) / step + 1;
        if (count > 10000000)
                return sl_err_set(ctx->err, SL_ERR_LIMIT, "GENERATE_SERIES would produce %lld elements",
                                  (long long)count);
        sl_value *items;
        *out = fn_comp_new(ctx, (size_t)count, &items);
        for (int64_t i = 0; i < (int64_t)count; i++) {
                int64_t v = s + i * step;
                items[i] = big ? sl_value_bigint(v) : sl_value_int((int32_t)v);
        }
        return SL_OK;
}

/* ENTRIES(map, sorted): ARRAY<STRUCT<K STRING, V T>>, optionally sorted by key. */
static sl_err ret_entries(sl_arena *arena, const sl_type *const *a, size_t n, const sl_type **ret, sl_err_detail *err)
{
        (void)n;
        (void)err;
        const sl_type *v = a[0]->kind == SL_TYPE_MAP ? a[0]->elem : sl_type_null();
        sl_type_field f[2] = {{"K", sl_type_string()}, {"V", v}};
        *ret = sl_type_array(arena, sl_type_struct(arena, f, 2));
        return SL_OK;
}

static sl_err fn_entries(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        const sl_type *st = ctx->res->ret->elem;
        size_t cnt = a[0].len;
        sl_value *items;
        *out = fn_comp_new(ctx, cnt, &items);
        for (size_t i = 0; i < cnt; i++) {
                sl_value *f;
                items[i] = sl_value_composite_new(ctx->arena, st, 2, &f);
                f[0] = items_of(&a[0])[2 * i];
                f[1] = items_of(&a[0])[2 * i + 1];
        }
        if (a[1].u.b && cnt > 1) {
                /* sort by the key field: a struct compares field by field, keys are unique */
                sl_value *tmp = sl_arena_alloc(ctx->arena, cnt * sizeof *tmp);
                merge_sort(items, tmp, cnt, 1);
        }
        return SL_OK;
}

#define ARR "ARRAY"

static const sl_func_builtin array_funcs[] = {
        {"array_contains", ARR, "Returns true if the array contains the value.", "ARRAY<T> array, T val", "BOOLEAN",
         fn_array_contains, 0, NULL},
        {"array_length", ARR, "Returns the number of elements in the array.", "ARRAY<T> array", "INT", fn_array_length,
         N, NULL},
        {"array_distinct", ARR, "Returns the distinct elements of the array in their order.", "ARRAY<T> array",
         "ARRAY<T>", fn_array_distinct, N, NULL},
        {"array_except", ARR, "Returns the distinct elements of the first array not in the second.",
         "ARRAY<T> left, ARRAY<T> right", "ARRAY<T>", fn_array_except, N, NULL},
        {"array_intersect", ARR, "Returns the distinct elements present in both arrays.",
         "ARRAY<T> left, ARRAY<T> right", "ARRAY<T>", fn_array_intersect, N, NULL},
        {"array_union", ARR, "Returns the distinct elements of both arrays.", "ARRAY<T> left, ARRAY<T> right",
         "ARRAY<T>", fn_array_union, N, NULL},
        {"array_concat", ARR, "Concatenates two arrays; a NULL array counts as empty unless both are NULL.",
         "ARRAY<T> left, ARRAY<T> right", "ARRAY<T>", fn_array_concat, 0, NULL},
        {"array_remove", ARR, "Removes every element equal to the value.", "ARRAY<T> array, T victim", "ARRAY<T>",
         fn_array_remove, 0, NULL},
        {"array_max", ARR, "Returns the largest non-null element.", "ARRAY<T> array", "T", fn_array_max, N, NULL},
        {"array_min", ARR, "Returns the smallest non-null element.", "ARRAY<T> array", "T", fn_array_min, N, NULL},
        {"array_sort", ARR, "Sorts the array ascending or descending ('ASC', 'DESC'); NULLs last.", "ARRAY<T> array",
         "ARRAY<T>", fn_array_sort, N, NULL},
        {"array_sort", ARR, NULL, "ARRAY<T> array, STRING direction", "ARRAY<T>", fn_array_sort, N, NULL},
        {"array_join", ARR, "Joins the elements into a string with a delimiter (default ',').", "ARRAY<T> array",
         "STRING", fn_array_join, 0, NULL},
        {"array_join", ARR, NULL, "ARRAY<T> array, STRING delimiter", "STRING", fn_array_join, 0, NULL},
        {"slice", ARR, "Returns the elements from..to (1-based, inclusive).", "ARRAY<T> array, INT from, INT to",
         "ARRAY<T>", fn_slice, 0, NULL},
        {"generate_series", ARR, "Returns the numbers from start to end (inclusive) in steps.", "INT start, INT end",
         "ARRAY<INT>", fn_generate_series, N, NULL},
        {"generate_series", ARR, NULL, "INT start, INT end, INT step", "ARRAY<INT>", fn_generate_series, N, NULL},
        {"generate_series", ARR, NULL, "BIGINT start, BIGINT end", "ARRAY<BIGINT>", fn_generate_series, N, NULL},
        {"generate_series", ARR, NULL, "BIGINT start, BIGINT end, BIGINT step", "ARRAY<BIGINT>", fn_generate_series,
         N, NULL},
        {"entries", "MAP", "Returns the map's entries as an array of STRUCT<K, V>, optionally sorted by key.",
         "MAP<STRING, T> map, BOOLEAN sorted", NULL, fn_entries, N, ret_entries},
};

sl_err sl_func_array_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, array_funcs, err);
}
