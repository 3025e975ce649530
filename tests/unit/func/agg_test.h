/* agg_test.h: the harness the tests/unit/func/test_agg_*.c share, on top of func_test.h. An
 * `agg` resolves an aggregate by name from argument types and runs its callbacks the way an
 * aggregation operator does: init, accumulate / undo per row, merge of two states, result. Each
 * step round-trips the state through the key encoding (sl_keyenc_append_tuple / decode with the
 * overload's state type), as the stores do, so a state that cannot be serialized fails the test.
 * Callbacks are called with their output aliasing their (first) state, as callers may do.
 * Results are compared through their Java rendering (sl_value_format, "null" for NULL). */
#ifndef SL_TESTS_AGG_TEST_H
#define SL_TESTS_AGG_TEST_H

#include "common/buf.h"
#include "func_test.h"
#include "types/keyenc.h"

/* One aggregate call site. */
typedef struct agg {
        sl_func_resolved res;   /* the resolved overload */
        sl_func_ctx ctx;        /* its ctx (arena: the test arena) */
        sl_err_detail err;      /* last error */
        const sl_type *stype;   /* the state type */
} agg;

/* Resolves `name` for argument types `types` (n of them) into *a; asserts success. */
static inline void agg_open(agg *a, const char *name, const sl_type *const *types, size_t n)
{
        sl_func_arg *fa = sl_arena_calloc(arena, n + 1, sizeof *fa);
        memset(a, 0, sizeof *a);
        for (size_t i = 0; i < n; i++)
                fa[i].type = types[i];
        sl_err rc = sl_func_registry_resolve(reg, name, fa, n, NULL, NULL, arena, &a->res, &a->err);
        cr_assert_eq(rc, SL_OK, "%s: resolve: %s", name, a->err.message);
        cr_assert_eq(a->res.func->kind, SL_FUNC_AGGREGATE, "%s is not an aggregate", name);
        a->ctx = (sl_func_ctx){.arena = arena, .err = &a->err, .res = &a->res};
        const sl_type **st = sl_arena_calloc(arena, n + 1, sizeof *st);
        for (size_t i = 0; i < n; i++)
                st[i] = a->res.args[i].type;
        rc = a->res.ov->agg->state_type(arena, st, n, &a->stype, &a->err);
        cr_assert_eq(rc, SL_OK, "%s: state_type: %s", name, a->err.message);
}
#define AGG_OPEN(a, name, ...)                                                                         \
        agg_open((a), (name), (const sl_type *const[]){__VA_ARGS__},                                  \
                 sizeof((const sl_type *const[]){__VA_ARGS__}) / sizeof(const sl_type *))
/* An aggregate called without arguments (COUNT(*)). */
#define AGG_OPEN0(a, name) agg_open((a), (name), NULL, 0)

static inline void agg_close(agg *a) { sl_func_ctx_release(&a->ctx); }

/* Records literal `v` for init argument `i`, as the analyzer does (sl_func_resolved_arg.constant). */
static inline void agg_const(agg *a, size_t i, sl_value v)
{
        sl_func_resolved_arg *ra = sl_arena_calloc(arena, a->res.nargs + 1, sizeof *ra);
        sl_value *cv = sl_arena_alloc(arena, sizeof *cv);
        memcpy(ra, a->res.args, a->res.nargs * sizeof *ra);
        cr_assert_eq(sl_func_value_widen(arena, &v, ra[i].type, cv, &a->err), SL_OK);
        ra[i].constant = cv;
        a->res.args = ra;
}

/* The state after encoding and decoding it with the state type. */
static inline sl_value agg_roundtrip(agg *a, const sl_value *st)
{
        sl_buf buf;
        sl_value out;
        sl_err_detail err;
        sl_buf_init(&buf);
        sl_keyenc_append_tuple(&buf, st, 1);
        sl_err rc = sl_keyenc_decode_tuple(arena, &a->stype, 1, SL_SLICE(buf.data, buf.len), &out, &err);
        sl_buf_deinit(&buf);
        cr_assert_eq(rc, SL_OK, "state does not decode: %s", err.message);
        return out;
}

static inline sl_value agg_init(agg *a)
{
        sl_value st;
        sl_err rc = a->res.ov->agg->init(&a->ctx, &st);
        cr_assert_eq(rc, SL_OK, "init: %s", a->err.message);
        return agg_roundtrip(a, &st);
}

/* Converts the row's arguments to the resolved types (implicit widening), as the analyzer does. */
static inline const sl_value *agg_args(agg *a, const sl_value *args, size_t n)
{
        sl_value *conv = sl_arena_calloc(arena, n + 1, sizeof *conv);
        sl_err rc = sl_func_args_convert(arena, &a->res, args, n, conv, &a->err);
        cr_assert_eq(rc, SL_OK, "convert: %s", a->err.message);
        return conv;
}

/* The callbacks are called with the output aliasing the (first) state, as callers may do. */
static inline sl_value agg_add(agg *a, sl_value st, const sl_value *args, size_t n)
{
        sl_err rc = a->res.ov->agg->accumulate(&a->ctx, &st, agg_args(a, args, n), n, &st);
        cr_assert_eq(rc, SL_OK, "accumulate: %s", a->err.message);
        return agg_roundtrip(a, &st);
}
#define AGG_ADD(a, st, ...)                                                                            \
        agg_add((a), (st), (sl_value[]){__VA_ARGS__}, sizeof((sl_value[]){__VA_ARGS__}) / sizeof(sl_value))

/* accumulate expected to fail: returns the error code. */
static inline sl_err agg_add_err(agg *a, sl_value st, const sl_value *args, size_t n)
{
        sl_value out;
        return a->res.ov->agg->accumulate(&a->ctx, &st, agg_args(a, args, n), n, &out);
}

static inline sl_value agg_undo(agg *a, sl_value st, const sl_value *args, size_t n)
{
        cr_assert(a->res.ov->agg->undo != NULL, "no undo");
        sl_err rc = a->res.ov->agg->undo(&a->ctx, &st, agg_args(a, args, n), n, &st);
        cr_assert_eq(rc, SL_OK, "undo: %s", a->err.message);
        return agg_roundtrip(a, &st);
}
#define AGG_UNDO(a, st, ...)                                                                           \
        agg_undo((a), (st), (sl_value[]){__VA_ARGS__}, sizeof((sl_value[]){__VA_ARGS__}) / sizeof(sl_value))

static inline sl_value agg_merge(agg *a, sl_value x, sl_value y)
{
        cr_assert(a->res.ov->agg->merge != NULL, "no merge");
        sl_err rc = a->res.ov->agg->merge(&a->ctx, &x, &y, &x);
        cr_assert_eq(rc, SL_OK, "merge: %s", a->err.message);
        return agg_roundtrip(a, &x);
}

/* The result of a state, rendered. Asserts that its kind is the declared return type's. */
static inline const char *agg_result(agg *a, sl_value st)
{
        sl_value out = st;
        sl_err rc = a->res.ov->agg->result(&a->ctx, &out, &out);
        cr_assert_eq(rc, SL_OK, "result: %s", a->err.message);
        if (out.kind != SL_TYPE_NULL)
                cr_assert_eq(out.kind, a->res.ret->kind, "result kind %d, declared %d", out.kind, a->res.ret->kind);
        return sl_value_to_cstr(arena, &out);
}

/* The declared return type, printed ("BIGINT", "ARRAY<INTEGER>"). */
static inline const char *agg_ret(agg *a) { return sl_type_to_cstr(arena, a->res.ret); }
/* agg_open, then its return type must print as `ret`. */
static inline void agg_open_ret(agg *a, const char *name, const char *ret, const sl_type *const *types, size_t n)
{
        agg_open(a, name, types, n);
        cr_assert_str_eq(agg_ret(a), ret, "%s", name);
}
#define AGG_OPEN_RET(a, name, ret, ...)                                                                \
        agg_open_ret((a), (name), (ret), (const sl_type *const[]){__VA_ARGS__},                       \
                     sizeof((const sl_type *const[]){__VA_ARGS__}) / sizeof(const sl_type *))
/* `name` over arguments of the given types returns `ret`. */
#define AGG_EXPECT_RET(name, ret, ...)                                                                 \
        do {                                                                                           \
                agg a_;                                                                                \
                AGG_OPEN_RET(&a_, (name), (ret), __VA_ARGS__);                                         \
                agg_close(&a_);                                                                        \
        } while (0)

/* Folds rows of one argument each, from init; returns the state. */
static inline sl_value agg_fold(agg *a, const sl_value *vals, size_t n)
{
        sl_value st = agg_init(a);
        for (size_t i = 0; i < n; i++)
                st = agg_add(a, st, &vals[i], 1);
        return st;
}
#define AGG_FOLD(a, ...) agg_fold((a), (sl_value[]){__VA_ARGS__}, sizeof((sl_value[]){__VA_ARGS__}) / sizeof(sl_value))
/* `name` over one argument of `type` folds the values to the result `want`. */
#define AGG_EXPECT_FOLD(name, type, want, ...)                                                         \
        do {                                                                                           \
                agg a_;                                                                                \
                AGG_OPEN(&a_, (name), type);                                                           \
                cr_assert_str_eq(agg_result(&a_, AGG_FOLD(&a_, __VA_ARGS__)), (want), "%s", (name));  \
                agg_close(&a_);                                                                        \
        } while (0)

/* Resolution of `name` for the types must fail; returns the message. */
static inline const char *agg_resolve_err(const char *name, const sl_type *const *types, size_t n)
{
        sl_func_arg *fa = sl_arena_calloc(arena, n + 1, sizeof *fa);
        sl_func_resolved res;
        sl_err_detail err;
        for (size_t i = 0; i < n; i++)
                fa[i].type = types[i];
        sl_err rc = sl_func_registry_resolve(reg, name, fa, n, NULL, NULL, arena, &res, &err);
        cr_assert_neq(rc, SL_OK, "%s resolved", name);
        return sl_arena_strdup(arena, err.message);
}
#define AGG_RESOLVE_ERR(name, ...)                                                                     \
        agg_resolve_err((name), (const sl_type *const[]){__VA_ARGS__},                                \
                        sizeof((const sl_type *const[]){__VA_ARGS__}) / sizeof(const sl_type *))

#endif
