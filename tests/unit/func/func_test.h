/* func_test.h: the harness every tests/unit/func/test_*.c shares. A registry with all built-ins and
 * a fresh arena per test (TestSuite init/fini); value builders; `fc_run` resolves a function by
 * name from its argument types, converts the arguments, calls it through sl_func_call and compares
 * the result's Java rendering (sl_value_format, "null" for NULL) with the expectation.
 *
 * Argument conventions: the static type of an argument is its value's type; a NULL value is an
 * untyped NULL literal unless built with TN(type). A lambda argument is built with LAM(&lambda),
 * where the test_lambda gives the body as a C function and its result type. */
#ifndef SL_TESTS_FUNC_TEST_H
#define SL_TESTS_FUNC_TEST_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/str.h"
#include "func/registry.h"
#include "types/decimal.h"
#include "types/type.h"
#include "types/value.h"

static sl_func_registry *reg;
static sl_arena *arena;

static void fc_setup(void)
{
        sl_err_detail err;
        reg = sl_func_registry_new();
        arena = sl_arena_new(0);
        sl_err rc = sl_func_registry_add_builtins(reg, &err);
        cr_assert_eq(rc, SL_OK, "builtins: %s", err.message);
}

static void fc_teardown(void)
{
        sl_func_registry_free(reg);
        sl_arena_free(arena);
}

/* A lambda body for tests: computes *out from the parameter values. */
typedef struct test_lambda {
        sl_value (*body)(const sl_value *params, size_t n);
        const sl_type *(*type)(const sl_type *const *params, size_t n);  /* result type */
        size_t arity;
} test_lambda;

#define LAMBDA_MARK 0x4c
#define LITERAL_MARK 0x53

/* Value builders. */
static inline sl_value S(const char *s) { return sl_value_string(s, strlen(s)); }
/* A STRING literal (the analyzer tells the registry its text). */
static inline sl_value SLIT(const char *s)
{
        sl_value v = S(s);
        v.pad_ = LITERAL_MARK;
        return v;
}
static inline sl_value B(const char *s) { return sl_value_bytes(s, strlen(s)); }
static inline sl_value I(int32_t v) { return sl_value_int(v); }
static inline sl_value L(int64_t v) { return sl_value_bigint(v); }
static inline sl_value D(double v) { return sl_value_double(v); }
static inline sl_value BOOL(bool v) { return sl_value_bool(v); }
static inline sl_value NUL(void) { return sl_value_null(); }
/* A NULL of a given static type. */
static inline sl_value TN(const sl_type *t)
{
        sl_value v = sl_value_null();
        v.u.comp.type = t;
        return v;
}
static inline sl_value LAM(const test_lambda *l)
{
        sl_value v = sl_value_null();
        v.pad_ = LAMBDA_MARK;
        v.len = (uint32_t)l->arity;
        v.u.comp.items = (const sl_value *)(const void *)l;
        return v;
}
static inline bool is_lambda(const sl_value *v) { return v->kind == SL_TYPE_NULL && v->pad_ == LAMBDA_MARK; }

/* DECIMAL from text, with the literal's own precision and scale. */
static inline sl_value DEC(const char *text)
{
        sl_decimal d;
        sl_err_detail err;
        cr_assert_eq(sl_decimal_parse(text, strlen(text), &d, &err), SL_OK, "decimal %s", text);
        return sl_value_decimal(d);
}

/* ARRAY<elem> of n values. */
static inline sl_value ARR(const sl_type *elem, size_t n, const sl_value *vals)
{
        sl_value *items;
        sl_value v = sl_value_composite_new(arena, sl_type_array(arena, elem), n, &items);
        if (n)
                memcpy(items, vals, n * sizeof *items);
        return v;
}
#define ARRV(elem, ...) ARR((elem), sizeof((sl_value[]){__VA_ARGS__}) / sizeof(sl_value), (sl_value[]){__VA_ARGS__})

/* MAP<k, v> of n entries given as 2n alternating keys and values. */
static inline sl_value MAP(const sl_type *k, const sl_type *v, size_t n, const sl_value *kv)
{
        sl_value *items;
        sl_value m = sl_value_composite_new(arena, sl_type_map(arena, k, v), n, &items);
        if (n)
                memcpy(items, kv, 2 * n * sizeof *items);
        return m;
}
#define MAPV(k, v, ...) MAP((k), (v), sizeof((sl_value[]){__VA_ARGS__}) / sizeof(sl_value) / 2, (sl_value[]){__VA_ARGS__})

static inline const sl_type *T_STR(void) { return sl_type_string(); }
static inline const sl_type *T_INT(void) { return sl_type_int(); }
static inline const sl_type *T_BIG(void) { return sl_type_bigint(); }
static inline const sl_type *T_DBL(void) { return sl_type_double(); }

/* The static type of an argument in the harness's conventions; NULL for a lambda. */
static inline const sl_type *arg_type(const sl_value *v)
{
        if (is_lambda(v))
                return NULL;
        if (v->kind == SL_TYPE_NULL)
                return v->u.comp.type ? v->u.comp.type : sl_type_null();
        return sl_value_type(v);
}

/* Arguments of the call being run, for the lambda callbacks. */
static const sl_value *fc_cur_args;

static sl_err fc_type_lambda(void *data, size_t argi, const sl_type *const *params, size_t np, const sl_type **ret,
                             sl_err_detail *err)
{
        (void)err;
        const sl_value *args = data;
        const test_lambda *l = (const test_lambda *)(const void *)args[argi].u.comp.items;
        *ret = l->type(params, np);
        return SL_OK;
}

static sl_err fc_eval_lambda(sl_func_ctx *ctx, size_t argi, const sl_value *largs, size_t n, sl_value *out)
{
        const test_lambda *l = (const test_lambda *)(const void *)fc_cur_args[argi].u.comp.items;
        sl_value r = l->body(largs, n);
        return sl_func_value_widen(ctx->arena, &r, ctx->res->args[argi].lret, out, ctx->err);
}

/* Resolves `name` for `args`; returns the rc and fills res/err. */
static inline sl_err fc_resolve(const char *name, const sl_value *args, size_t n, sl_func_resolved *res,
                                sl_err_detail *err)
{
        sl_func_arg *fa = sl_arena_calloc(arena, n + 1, sizeof *fa);
        for (size_t i = 0; i < n; i++) {
                fa[i].type = arg_type(&args[i]);
                fa[i].lambda_arity = is_lambda(&args[i]) ? args[i].len : 0;
                if (args[i].kind == SL_TYPE_STRING && args[i].pad_ == LITERAL_MARK) {
                        fa[i].literal = (const char *)args[i].u.bytes;
                        fa[i].literal_len = args[i].len;
                }
        }
        return sl_func_registry_resolve(reg, name, fa, n, fc_type_lambda, (void *)args, arena, res, err);
}

/* Calls `name`; asserts that resolution and the call succeed; returns the result. */
static inline sl_value fc_call(const char *name, const sl_value *args, size_t n)
{
        sl_func_resolved res;
        sl_err_detail err;
        sl_err_clear(&err);
        sl_err rc = fc_resolve(name, args, n, &res, &err);
        cr_assert_eq(rc, SL_OK, "%s: resolve failed: %s", name, err.message);
        sl_value *conv = sl_arena_calloc(arena, n + 1, sizeof *conv);
        rc = sl_func_args_convert(arena, &res, args, n, conv, &err);
        cr_assert_eq(rc, SL_OK, "%s: convert failed: %s", name, err.message);
        sl_func_ctx ctx = {.arena = arena, .err = &err, .res = &res, .lambda = fc_eval_lambda};
        sl_value out;
        fc_cur_args = args;
        rc = sl_func_call(&ctx, conv, n, &out);
        sl_func_ctx_release(&ctx);
        cr_assert_eq(rc, SL_OK, "%s: call failed: %s", name, err.message);
        int want = res.func->kind == SL_FUNC_TABLE ? SL_TYPE_ARRAY : (int)res.ret->kind;  /* TABLE: rows */
        if (out.kind != SL_TYPE_NULL && res.ret->kind != SL_TYPE_NULL)
                cr_assert_eq(out.kind, want, "%s: result kind %d, declared %d", name, out.kind, want);
        return out;
}

/* Calls `name` and returns the error code of the call itself (resolution must succeed). */
static inline sl_err fc_call_err(const char *name, const sl_value *args, size_t n, sl_err_detail *err)
{
        sl_func_resolved res;
        sl_err rc = fc_resolve(name, args, n, &res, err);
        cr_assert_eq(rc, SL_OK, "%s: resolve failed: %s", name, err->message);
        sl_value *conv = sl_arena_calloc(arena, n + 1, sizeof *conv);
        cr_assert_eq(sl_func_args_convert(arena, &res, args, n, conv, err), SL_OK);
        sl_func_ctx ctx = {.arena = arena, .err = err, .res = &res, .lambda = fc_eval_lambda};
        sl_value out;
        fc_cur_args = args;
        rc = sl_func_call(&ctx, conv, n, &out);
        sl_func_ctx_release(&ctx);
        return rc;
}

static inline const char *fc_render(const sl_value *v)
{
        if (v->kind == SL_TYPE_NULL)
                return "null";
        return sl_value_to_cstr(arena, v);
}

/* One table row: function, expected rendering, arguments. */
typedef struct fcase {
        const char *fn;      /* function name */
        const char *want;    /* sl_value_format of the result, "null" for NULL */
        size_t n;            /* argument count */
        sl_value a[8];       /* arguments */
} fcase;

#define FC(fn, want, ...) {fn, want, sizeof((sl_value[]){__VA_ARGS__}) / sizeof(sl_value), {__VA_ARGS__}}
#define FC0(fn, want) {fn, want, 0, {{0}}}

static inline void fc_check(const fcase *c)
{
        sl_value out = fc_call(c->fn, c->a, c->n);
        const char *got = fc_render(&out);
        cr_expect_str_eq(got, c->want, "%s(...) with %zu args: got '%s', want '%s'", c->fn, c->n, got, c->want);
}

static inline void fc_run(const fcase *cases, size_t n)
{
        for (size_t i = 0; i < n; i++)
                fc_check(&cases[i]);
}
#define FC_RUN(cases) fc_run((cases), sizeof(cases) / sizeof((cases)[0]))

/* Asserts that resolving `name` fails with a message containing `msg`. */
static inline void fc_resolve_fails(const char *name, const sl_value *args, size_t n, const char *msg)
{
        sl_func_resolved res;
        sl_err_detail err;
        sl_err rc = fc_resolve(name, args, n, &res, &err);
        cr_assert_neq(rc, SL_OK, "%s: resolution should fail", name);
        cr_expect(strstr(err.message, msg) != NULL, "%s: message '%s' lacks '%s'", name, err.message, msg);
}
#define FC_FAILS(name, msg, ...)                                                                                    \
        fc_resolve_fails((name), (sl_value[]){__VA_ARGS__}, sizeof((sl_value[]){__VA_ARGS__}) / sizeof(sl_value), \
                         (msg))

/* The resolved return type of a call, printed. */
static inline const char *fc_ret_type(const char *name, const sl_value *args, size_t n)
{
        sl_func_resolved res;
        sl_err_detail err;
        cr_assert_eq(fc_resolve(name, args, n, &res, &err), SL_OK, "%s: %s", name, err.message);
        return sl_type_to_cstr(arena, res.ret);
}
#define FC_RET(name, ...) fc_ret_type((name), (sl_value[]){__VA_ARGS__}, sizeof((sl_value[]){__VA_ARGS__}) / sizeof(sl_value))

#endif
