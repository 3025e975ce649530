/* fn_map.c: ksqlDB's MAP functions. Maps keep insertion order; MAP_UNION lets the second map's
 * entries replace the first's; AS_MAP pairs keys with values by position (missing values are
 * NULL). ENTRIES lives with the arrays it returns (fn_array.c). */
#include "func/func_int.h"
#include "types/compare.h"

#define N SL_FUNC_NULL_IN_NULL_OUT

/* MAP_KEYS (which = 0) / MAP_VALUES (which = 1). */
static sl_err project(sl_func_ctx *ctx, const sl_value *m, sl_value *out, size_t which)
{
        sl_value *items;
        *out = fn_comp_new(ctx, m->len, &items);
        for (size_t i = 0; i < m->len; i++)
                items[i] = m->u.comp.items[2 * i + which];
        return SL_OK;
}

static sl_err fn_map_keys(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return project(ctx, &a[0], out, 0);
}

static sl_err fn_map_values(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        return project(ctx, &a[0], out, 1);
}

/* Puts key/value into items[0..2*cnt), replacing an equal key. */
static void put(sl_value *items, size_t *cnt, const sl_value *k, const sl_value *v)
{
        size_t j;
        for (j = 0; j < *cnt; j++)
                if (sl_value_eq(&items[2 * j], k))
                        break;
        items[2 * j] = *k;
        items[2 * j + 1] = *v;
        if (j == *cnt)
                (*cnt)++;
}

static sl_err fn_map_union(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        if (a[0].kind == SL_TYPE_NULL && a[1].kind == SL_TYPE_NULL)
                return SL_OK;
        size_t cap = (a[0].kind == SL_TYPE_NULL ? 0 : a[0].len) + (a[1].kind == SL_TYPE_NULL ? 0 : a[1].len), cnt = 0;
        sl_value *items;
        sl_value r = fn_comp_new(ctx, cap, &items);
        for (int m = 0; m < 2; m++) {
                if (a[m].kind == SL_TYPE_NULL)
                        continue;
                for (size_t i = 0; i < a[m].len; i++)
                        put(items, &cnt, &a[m].u.comp.items[2 * i], &a[m].u.comp.items[2 * i + 1]);
        }
        r.len = (uint32_t)cnt;
        *out = r;
        return SL_OK;
}

static sl_err fn_as_map(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        size_t cnt = 0;
        sl_value *items;
        sl_value r = fn_comp_new(ctx, a[0].len, &items);
        for (size_t i = 0; i < a[0].len; i++) {
                const sl_value *k = &a[0].u.comp.items[i];
                sl_value nul = sl_value_null();
                if (k->kind == SL_TYPE_NULL)
                        continue;
                put(items, &cnt, k, i < a[1].len ? &a[1].u.comp.items[i] : &nul);
        }
        r.len = (uint32_t)cnt;
        *out = r;
        return SL_OK;
}

static const sl_func_builtin map_funcs[] = {
        {"map_keys", "MAP", "Returns the keys of a map as an array.", "MAP<K, V> map", "ARRAY<K>", fn_map_keys, N, NULL},
        {"map_values", "MAP", "Returns the values of a map as an array.", "MAP<K, V> map", "ARRAY<V>", fn_map_values, N,
         NULL},
        {"map_union", "MAP", "Merges two maps; entries of the second replace those of the first.",
         "MAP<K, V> map1, MAP<K, V> map2", "MAP<K, V>", fn_map_union, 0, NULL},
        {"as_map", "MAP", "Builds a map from an array of keys and an array of values.",
         "ARRAY<STRING> keys, ARRAY<T> values", "MAP<STRING, T>", fn_as_map, N, NULL},
};

sl_err sl_func_map_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, map_funcs, err);
}
