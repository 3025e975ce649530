/* fn_lambda.c: ksqlDB's invocation functions TRANSFORM, FILTER and REDUCE over arrays and maps.
 * The lambda arguments are evaluated through ctx->lambda, which the expression compiler provides;
 * an error from a lambda ends the call with that error (ksqlDB turns it into a NULL result). A NULL
 * predicate keeps nothing. TRANSFORM on a map that produces a key twice gives NULL, as ksqlDB's
 * map collector fails on duplicates. REDUCE of a NULL collection is its initial state; a NULL
 * initial state gives NULL. */
#include <string.h>

#include "func/func_int.h"
#include "types/compare.h"

static sl_err call_lambda(sl_func_ctx *ctx, size_t argi, const sl_value *largs, size_t n, sl_value *out)
{
        if (!ctx->lambda)
                return sl_err_set(ctx->err, SL_ERR_INTERNAL, "%s: no lambda evaluator", ctx->res->func->name);
        return ctx->lambda(ctx, argi, largs, n, out);
}

/* The values per entry of a collection: 1 for an array's elements, 2 for a map's keys and values. */
static size_t entry_width(const sl_value *collection)
{
        return collection->kind == SL_TYPE_MAP ? 2 : 1;
}

/* TRANSFORM over an array (one lambda per element) or a map (a key lambda and a value lambda per entry);
 * a map whose transformed keys repeat is NULL. */
static sl_err fn_transform(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        if (a[0].kind == SL_TYPE_NULL)
                return SL_OK;
        size_t w = entry_width(&a[0]);
        sl_value *items;
        sl_value r = fn_comp_new(ctx, a[0].len, &items);
        for (size_t i = 0; i < a[0].len; i++) {
                const sl_value *entry = &a[0].u.comp.items[w * i];
                for (size_t k = 0; k < w; k++) {
                        sl_err rc = call_lambda(ctx, k + 1, entry, w, &items[w * i + k]);
                        if (rc)
                                return rc;
                }
                if (w == 2)
                        for (size_t j = 0; j < i; j++)
                                if (sl_value_eq(&items[2 * j], &items[2 * i]))
                                        return SL_OK;  /* duplicate key: NULL */
        }
        *out = r;
        return SL_OK;
}

/* FILTER of an array or a map. */
static sl_err fn_filter(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        if (a[0].kind == SL_TYPE_NULL)
                return SL_OK;
        size_t width = entry_width(&a[0]);
        sl_value *items;
        sl_value r = fn_comp_new(ctx, a[0].len, &items);
        size_t k = 0;
        for (size_t i = 0; i < a[0].len; i++) {
                const sl_value *entry = &a[0].u.comp.items[width * i];
                sl_value keep;
                sl_err rc = call_lambda(ctx, 1, entry, width, &keep);
                if (rc)
                        return rc;
                if (keep.kind == SL_TYPE_BOOLEAN && keep.u.b)
                        memcpy(&items[width * k++], entry, width * sizeof *entry);
        }
        r.len = (uint32_t)k;
        *out = r;
        return SL_OK;
}

/* REDUCE of an array or a map: the lambda gets the state, then the entry's values. */
static sl_err fn_reduce(sl_func_ctx *ctx, const sl_value *a, size_t n, sl_value *out)
{
        (void)n;
        if (a[1].kind == SL_TYPE_NULL)
                return SL_OK;
        sl_value state = a[1];
        if (a[0].kind != SL_TYPE_NULL) {
                size_t width = entry_width(&a[0]);
                for (size_t i = 0; i < a[0].len; i++) {
                        sl_value args[3] = {state};
                        memcpy(&args[1], &a[0].u.comp.items[width * i], width * sizeof *args);
                        sl_err rc = call_lambda(ctx, 2, args, 1 + width, &state);
                        if (rc)
                                return rc;
                }
        }
        *out = state;
        return SL_OK;
}

#define LAMBDA "LAMBDA"

static const sl_func_builtin lambda_funcs[] = {
        {"transform", LAMBDA, "Applies a lambda to every element of an array, or to every key and value of a map.",
         "ARRAY<T> array, LAMBDA<T, U> function", "ARRAY<U>", fn_transform, 0, NULL},
        {"transform", LAMBDA, NULL, "MAP<K, V> map, LAMBDA<K, V, A> keyFunction, LAMBDA<K, V, B> valueFunction",
         "MAP<A, B>", fn_transform, 0, NULL},
        {"filter", LAMBDA, "Keeps the elements of an array, or the entries of a map, for which the lambda is true.",
         "ARRAY<T> array, LAMBDA<T, BOOLEAN> predicate", "ARRAY<T>", fn_filter, 0, NULL},
        {"filter", LAMBDA, NULL, "MAP<K, V> map, LAMBDA<K, V, BOOLEAN> predicate", "MAP<K, V>", fn_filter, 0,
         NULL},
        {"reduce", LAMBDA, "Folds an array or map into a state, starting from an initial state.",
         "ARRAY<T> array, S initialState, LAMBDA<S, T, S> function", "S", fn_reduce, 0, NULL},
        {"reduce", LAMBDA, NULL, "MAP<K, V> map, S initialState, LAMBDA<S, K, V, S> function", "S", fn_reduce, 0,
         NULL},
};

sl_err sl_func_lambda_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_ADD_TABLE(reg, lambda_funcs, err);
}
