/* expr_eval.c: per-row evaluation of typed expressions with SQL's three-valued logic.
 *
 * Operands arrive already converted to one type (the analyzer inserted CONVERT nodes), so each
 * operator only dispatches on one kind. Semantics follow ksqlDB (Java underneath):
 *   - INT and BIGINT arithmetic wraps on overflow (two's complement, as Java's int/long);
 *     division or modulus by zero is an error: the result is NULL and the error is counted;
 *     MIN / -1 wraps to MIN, MIN % -1 is 0;
 *   - DOUBLE follows IEEE-754 (x / 0.0 is Infinity, % is fmod); comparisons use C's operators, so
 *     -0.0 = 0.0 and NaN compares false with everything (Java primitives);
 *   - DECIMAL arithmetic is exact with the precision and scale rules of types/decimal.h;
 *   - ARRAY, MAP and STRUCT compare only for (in)equality, with Java's equals (sl_value_eq);
 *   - any NULL operand makes arithmetic, comparison, LIKE, BETWEEN, subscripts and dereferences
 *     NULL; AND is FALSE if either side is FALSE, OR is TRUE if either side is TRUE, else NULL;
 *     x IN (...) is TRUE on a match, else NULL if x or an element is NULL, else FALSE;
 *     IS [NOT] DISTINCT FROM treats NULL as a value;
 *   - a failed CAST or conversion, or a function error, gives NULL (counted), as ksqlDB logs and
 *     returns null.
 * All memory comes from ctx->arena. */
#include "sql/expr_compile.h"

#include <math.h>
#include <string.h>

#include "types/cast.h"
#include "types/compare.h"
#include "types/decimal.h"

static void fail(sl_expr_ctx *ctx, sl_value *out, sl_err code, const char *msg)
{
        ctx->errors++;
        if (msg)
                sl_err_set(&ctx->last_error, code, "%s", msg);
        *out = sl_value_null();
}

static void fail_detail(sl_expr_ctx *ctx, sl_value *out, const sl_err_detail *e)
{
        ctx->errors++;
        ctx->last_error = *e;
        *out = sl_value_null();
}

/* ---- LIKE ---- */

static size_t utf8_len(unsigned char c)
{
        if (c < 0x80)
                return 1;
        if ((c & 0xE0) == 0xC0)
                return 2;
        if ((c & 0xF0) == 0xE0)
                return 3;
        if ((c & 0xF8) == 0xF0)
                return 4;
        return 1;
}

bool sl_expr_like_match(const char *s, size_t slen, const char *pat, size_t plen, char escape)
{
        size_t si = 0, pi = 0;
        size_t star_p = SIZE_MAX, star_s = 0;

        while (si < slen) {
                if (pi < plen) {
                        char pc = pat[pi];

                        if (escape && pc == escape && pi + 1 < plen) {
                                size_t n = utf8_len((unsigned char)pat[pi + 1]);

                                if (si + n <= slen && pi + 1 + n <= plen && memcmp(s + si, pat + pi + 1, n) == 0) {
                                        si += n;
                                        pi += 1 + n;
                                        continue;
                                }
                        } else if (pc == '%') {
                                star_p = ++pi;
                                star_s = si;
                                continue;
                        } else if (pc == '_') {
                                si += utf8_len((unsigned char)s[si]);
                                pi++;
                                continue;
                        } else {
                                size_t n = utf8_len((unsigned char)pc);

                                if (si + n <= slen && pi + n <= plen && memcmp(s + si, pat + pi, n) == 0) {
                                        si += n;
                                        pi += n;
                                        continue;
                                }
                        }
                }
                if (star_p == SIZE_MAX)
                        return false;
                star_s += utf8_len((unsigned char)s[star_s]);
                si = star_s;
                pi = star_p;
        }
        while (pi < plen && pat[pi] == '%')
                pi++;
        return pi == plen;
}

/* ---- comparison ---- */

/* <0, 0, >0 for two non-NULL values of one kind; *unordered for NaN. */
static int cmp_values(const sl_value *a, const sl_value *b, bool *unordered)
{
        *unordered = false;
        switch (a->kind) {
        case SL_TYPE_DOUBLE:
                if (isnan(a->u.f64) || isnan(b->u.f64)) {
                        *unordered = true;
                        return 1;
                }
                return a->u.f64 < b->u.f64 ? -1 : a->u.f64 > b->u.f64 ? 1 : 0;
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES: {
                size_t n = a->len < b->len ? a->len : b->len;
                int c = n ? memcmp(a->u.bytes, b->u.bytes, n) : 0;

                if (c)
                        return c;
                return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
        }
        default:
                return sl_value_cmp(a, b);
        }
}

static bool cmp_result(sl_ast_op op, int c, bool unordered)
{
        if (unordered)
                return op == SL_AST_OP_NE;
        switch (op) {
        case SL_AST_OP_EQ: return c == 0;
        case SL_AST_OP_NE: return c != 0;
        case SL_AST_OP_LT: return c < 0;
        case SL_AST_OP_LE: return c <= 0;
        case SL_AST_OP_GT: return c > 0;
        case SL_AST_OP_GE: return c >= 0;
        default: return false;
        }
}

static bool composite(const sl_value *v)
{
        return v->kind == SL_TYPE_ARRAY || v->kind == SL_TYPE_MAP || v->kind == SL_TYPE_STRUCT;
}

/* a op b for non-NULL values. */
static bool compare(sl_ast_op op, const sl_value *a, const sl_value *b)
{
        bool un;
        int c;

        if (composite(a) || composite(b)) {
                bool eq = sl_value_eq(a, b);
                return op == SL_AST_OP_NE ? !eq : eq;
        }
        c = cmp_values(a, b, &un);
        return cmp_result(op, c, un);
}

/* ---- arithmetic ---- */

static void arith(const sl_expr *e, const sl_value *a, const sl_value *b, sl_expr_ctx *ctx, sl_value *out)
{
        switch (a->kind) {
        case SL_TYPE_INT: {
                uint32_t x = (uint32_t)a->u.i32, y = (uint32_t)b->u.i32;
                int32_t r;

                switch (e->op) {
                case SL_AST_OP_ADD: r = (int32_t)(x + y); break;
                case SL_AST_OP_SUB: r = (int32_t)(x - y); break;
                case SL_AST_OP_MUL: r = (int32_t)(x * y); break;
                case SL_AST_OP_DIV:
                case SL_AST_OP_MOD:
                        if (b->u.i32 == 0)
                                return fail(ctx, out, SL_ERR_RANGE, "/ by zero");
                        if (b->u.i32 == -1)
                                r = e->op == SL_AST_OP_DIV ? (int32_t)(0u - x) : 0;
                        else
                                r = e->op == SL_AST_OP_DIV ? a->u.i32 / b->u.i32 : a->u.i32 % b->u.i32;
                        break;
                default: return fail(ctx, out, SL_ERR_INTERNAL, "bad operator");
                }
                *out = sl_value_int(r);
                return;
        }
        case SL_TYPE_BIGINT: {
                uint64_t x = (uint64_t)a->u.i64, y = (uint64_t)b->u.i64;
                int64_t r;

                switch (e->op) {
                case SL_AST_OP_ADD: r = (int64_t)(x + y); break;
                case SL_AST_OP_SUB: r = (int64_t)(x - y); break;
                case SL_AST_OP_MUL: r = (int64_t)(x * y); break;
                case SL_AST_OP_DIV:
                case SL_AST_OP_MOD:
                        if (b->u.i64 == 0)
                                return fail(ctx, out, SL_ERR_RANGE, "/ by zero");
                        if (b->u.i64 == -1)
                                r = e->op == SL_AST_OP_DIV ? (int64_t)(0u - x) : 0;
                        else
                                r = e->op == SL_AST_OP_DIV ? a->u.i64 / b->u.i64 : a->u.i64 % b->u.i64;
                        break;
                default: return fail(ctx, out, SL_ERR_INTERNAL, "bad operator");
                }
                *out = sl_value_bigint(r);
                return;
        }
        case SL_TYPE_DOUBLE: {
                double x = a->u.f64, y = b->u.f64, r;

                switch (e->op) {
                case SL_AST_OP_ADD: r = x + y; break;
                case SL_AST_OP_SUB: r = x - y; break;
                case SL_AST_OP_MUL: r = x * y; break;
                case SL_AST_OP_DIV: r = x / y; break;
                case SL_AST_OP_MOD: r = fmod(x, y); break;
                default: return fail(ctx, out, SL_ERR_INTERNAL, "bad operator");
                }
                *out = sl_value_double(r);
                return;
        }
        case SL_TYPE_DECIMAL: {
                static const sl_decimal_op dops[] = {
                        [SL_AST_OP_ADD] = SL_DECIMAL_ADD, [SL_AST_OP_SUB] = SL_DECIMAL_SUB,
                        [SL_AST_OP_MUL] = SL_DECIMAL_MUL, [SL_AST_OP_DIV] = SL_DECIMAL_DIV,
                        [SL_AST_OP_MOD] = SL_DECIMAL_MOD,
                };
                sl_decimal r;
                sl_err_detail err;

                if (b->kind != SL_TYPE_DECIMAL)
                        return fail(ctx, out, SL_ERR_INTERNAL, "mixed decimal operands");
                if (sl_decimal_arith(dops[e->op], sl_value_get_decimal(a), sl_value_get_decimal(b), &r, &err) != SL_OK)
                        return fail_detail(ctx, out, &err);
                if (e->type->kind == SL_TYPE_DECIMAL && (r.precision != e->type->precision || r.scale != e->type->scale) &&
                    sl_decimal_rescale(r, e->type->precision, e->type->scale, &r, &err) != SL_OK)
                        return fail_detail(ctx, out, &err);
                *out = sl_value_decimal(r);
                return;
        }
        default:
                return fail(ctx, out, SL_ERR_INTERNAL, "unsupported arithmetic operands");
        }
}

static void negate(const sl_value *a, sl_value *out)
{
        switch (a->kind) {
        case SL_TYPE_INT: *out = sl_value_int((int32_t)(0u - (uint32_t)a->u.i32)); break;
        case SL_TYPE_BIGINT: *out = sl_value_bigint((int64_t)(0u - (uint64_t)a->u.i64)); break;
        case SL_TYPE_DOUBLE: *out = sl_value_double(-a->u.f64); break;
        case SL_TYPE_DECIMAL: *out = sl_value_decimal(sl_decimal_negate(sl_value_get_decimal(a))); break;
        default: *out = sl_value_null(); break;
        }
}

/* ---- function calls and lambdas ---- */

/* What the lambda callback needs to find the call's lambda arguments. */
typedef struct lambda_env {
        const sl_expr *call;  /* the CALL node */
        sl_expr_ctx *ctx;     /* the evaluation context */
} lambda_env;

static sl_err eval_lambda(sl_func_ctx *fctx, size_t argi, const sl_value *largs, size_t n, sl_value *out)
{
        lambda_env *env = fctx->lambda_data;
        const sl_expr *lam = argi < env->call->nargs ? env->call->args[argi] : NULL;
        uint64_t before = env->ctx->errors;

        if (!lam || lam->kind != SL_EXPR_LAMBDA || n != lam->nparams)
                return sl_err_set(fctx->err, SL_ERR_INTERNAL, "argument %zu is not a lambda of %zu parameters", argi, n);
        for (size_t i = 0; i < n; i++)
                env->ctx->lvars[lam->index + (int)i] = largs[i];
        sl_expr_eval_tree(lam->args[0], env->ctx, out);
        if (env->ctx->errors != before) {
                *fctx->err = env->ctx->last_error;
                return env->ctx->last_error.code ? env->ctx->last_error.code : SL_ERR_FUNCTION;
        }
        return SL_OK;
}

static void call(const sl_expr *e, sl_expr_ctx *ctx, sl_value *out)
{
        sl_value *args = e->nargs ? sl_arena_alloc(ctx->arena, e->nargs * sizeof(*args)) : NULL;
        sl_err_detail err;
        lambda_env env = {e, ctx};
        sl_func_ctx fctx = {
                .arena = ctx->arena, .err = &err, .res = e->fn, .udata = e->fn ? e->fn->ov->udata : NULL,
                .lambda = eval_lambda, .lambda_data = &env,
        };

        if (!e->fn)
                return fail(ctx, out, SL_ERR_UNSUPPORTED, "table function in scalar context");
        for (size_t i = 0; i < e->nargs; i++) {
                if (e->args[i]->kind == SL_EXPR_LAMBDA)
                        args[i] = sl_value_null();
                else
                        sl_expr_eval_tree(e->args[i], ctx, &args[i]);
        }
        sl_err_clear(&err);
        sl_err rc = sl_func_call(&fctx, args, e->nargs, out);
        /* the ctx lives for this call only: free what the function cached in it (a compiled
         * regular expression, say); results never point into the cache */
        sl_func_ctx_release(&fctx);
        if (rc != SL_OK)
                return fail_detail(ctx, out, &err);
}

/* ---- the walk ---- */

/* Evaluates a BOOLEAN operand: 1 true, 0 false, -1 NULL. */
static int eval_bool(const sl_expr *e, sl_expr_ctx *ctx)
{
        sl_value v;

        sl_expr_eval_tree(e, ctx, &v);
        if (v.kind != SL_TYPE_BOOLEAN)
                return -1;
        return v.u.b ? 1 : 0;
}

static sl_value tri(int t)
{
        return t < 0 ? sl_value_null() : sl_value_bool(t == 1);
}

void sl_expr_eval_tree(const sl_expr *e, sl_expr_ctx *ctx, sl_value *out)
{
        sl_value a, b, c;

        switch (e->kind) {
        case SL_EXPR_CONST:
                *out = e->value;
                return;
        case SL_EXPR_COLUMN:
                *out = ctx->row ? ctx->row[e->index] : sl_value_null();
                return;
        case SL_EXPR_LAMBDA_VAR:
                *out = ctx->lvars ? ctx->lvars[e->index] : sl_value_null();
                return;
        case SL_EXPR_CONVERT: {
                sl_err_detail err;

                sl_expr_eval_tree(e->args[0], ctx, &a);
                if (sl_value_is_null(&a)) {
                        *out = a;
                        return;
                }
                if (sl_func_value_widen(ctx->arena, &a, e->type, out, &err) != SL_OK)
                        return fail_detail(ctx, out, &err);
                return;
        }
        case SL_EXPR_CAST: {
                sl_err_detail err;

                sl_expr_eval_tree(e->args[0], ctx, &a);
                if (sl_value_is_null(&a)) {
                        *out = a;
                        return;
                }
                if (sl_value_cast(ctx->arena, &a, e->type, out, &err) != SL_OK)
                        return fail_detail(ctx, out, &err);
                return;
        }
        case SL_EXPR_NEG:
                sl_expr_eval_tree(e->args[0], ctx, &a);
                negate(&a, out);
                return;
        case SL_EXPR_ARITH:
                sl_expr_eval_tree(e->args[0], ctx, &a);
                sl_expr_eval_tree(e->args[1], ctx, &b);
                if (sl_value_is_null(&a) || sl_value_is_null(&b)) {
                        *out = sl_value_null();
                        return;
                }
                arith(e, &a, &b, ctx, out);
                return;
        case SL_EXPR_CONCAT: {
                char *p;

                sl_expr_eval_tree(e->args[0], ctx, &a);
                sl_expr_eval_tree(e->args[1], ctx, &b);
                if (sl_value_is_null(&a) || sl_value_is_null(&b)) {
                        *out = sl_value_null();
                        return;
                }
                p = sl_arena_alloc(ctx->arena, (size_t)a.len + b.len + 1);
                if (a.len)
                        memcpy(p, a.u.bytes, a.len);
                if (b.len)
                        memcpy(p + a.len, b.u.bytes, b.len);
                p[a.len + b.len] = '\0';
                *out = sl_value_string(p, (size_t)a.len + b.len);
                return;
        }
        case SL_EXPR_CMP:
                sl_expr_eval_tree(e->args[0], ctx, &a);
                sl_expr_eval_tree(e->args[1], ctx, &b);
                if (sl_value_is_null(&a) || sl_value_is_null(&b)) {
                        *out = sl_value_null();
                        return;
                }
                *out = sl_value_bool(compare(e->op, &a, &b));
                return;
        case SL_EXPR_AND: {
                int r = 1;

                for (size_t i = 0; i < e->nargs; i++) {
                        int t = eval_bool(e->args[i], ctx);

                        if (t == 0) {
                                *out = sl_value_bool(false);
                                return;
                        }
                        if (t < 0)
                                r = -1;
                }
                *out = tri(r);
                return;
        }
        case SL_EXPR_OR: {
                int r = 0;

                for (size_t i = 0; i < e->nargs; i++) {
                        int t = eval_bool(e->args[i], ctx);

                        if (t == 1) {
                                *out = sl_value_bool(true);
                                return;
                        }
                        if (t < 0)
                                r = -1;
                }
                *out = tri(r);
                return;
        }
        case SL_EXPR_NOT: {
                int t = eval_bool(e->args[0], ctx);

                *out = tri(t < 0 ? -1 : !t);
                return;
        }
        case SL_EXPR_IS_NULL:
                sl_expr_eval_tree(e->args[0], ctx, &a);
                *out = sl_value_bool(sl_value_is_null(&a) != e->negated);
                return;
        case SL_EXPR_IS_DISTINCT: {
                bool distinct;

                sl_expr_eval_tree(e->args[0], ctx, &a);
                sl_expr_eval_tree(e->args[1], ctx, &b);
                if (sl_value_is_null(&a) || sl_value_is_null(&b))
                        distinct = sl_value_is_null(&a) != sl_value_is_null(&b);
                else
                        distinct = !compare(SL_AST_OP_EQ, &a, &b);
                *out = sl_value_bool(distinct != e->negated);
                return;
        }
        case SL_EXPR_BETWEEN: {
                int r;

                sl_expr_eval_tree(e->args[0], ctx, &a);
                sl_expr_eval_tree(e->args[1], ctx, &b);
                sl_expr_eval_tree(e->args[2], ctx, &c);
                if (sl_value_is_null(&a)) {
                        *out = sl_value_null();
                        return;
                }
                {
                        int lo = sl_value_is_null(&b) ? -1 : compare(SL_AST_OP_GE, &a, &b);
                        int hi = sl_value_is_null(&c) ? -1 : compare(SL_AST_OP_LE, &a, &c);

                        r = (lo == 0 || hi == 0) ? 0 : (lo < 0 || hi < 0) ? -1 : 1;
                }
                if (e->negated && r >= 0)
                        r = !r;
                *out = tri(r);
                return;
        }
        case SL_EXPR_IN: {
                bool saw_null = false;

                sl_expr_eval_tree(e->args[0], ctx, &a);
                if (sl_value_is_null(&a)) {
                        *out = sl_value_null();
                        return;
                }
                for (size_t i = 1; i < e->nargs; i++) {
                        sl_expr_eval_tree(e->args[i], ctx, &b);
                        if (sl_value_is_null(&b)) {
                                saw_null = true;
                                continue;
                        }
                        if (compare(SL_AST_OP_EQ, &a, &b)) {
                                *out = sl_value_bool(!e->negated);
                                return;
                        }
                }
                *out = saw_null ? sl_value_null() : sl_value_bool(e->negated);
                return;
        }
        case SL_EXPR_LIKE:
                sl_expr_eval_tree(e->args[0], ctx, &a);
                sl_expr_eval_tree(e->args[1], ctx, &b);
                if (sl_value_is_null(&a) || sl_value_is_null(&b)) {
                        *out = sl_value_null();
                        return;
                }
                *out = sl_value_bool(sl_expr_like_match((const char *)a.u.bytes, a.len, (const char *)b.u.bytes, b.len,
                                                        e->escape) != e->negated);
                return;
        case SL_EXPR_CASE: {
                size_t nw = e->has_else ? (e->nargs - 1) / 2 : e->nargs / 2;

                for (size_t i = 0; i < nw; i++) {
                        if (eval_bool(e->args[2 * i], ctx) == 1) {
                                sl_expr_eval_tree(e->args[2 * i + 1], ctx, out);
                                return;
                        }
                }
                if (e->has_else)
                        sl_expr_eval_tree(e->args[e->nargs - 1], ctx, out);
                else
                        *out = sl_value_null();
                return;
        }
        case SL_EXPR_DEREF:
                sl_expr_eval_tree(e->args[0], ctx, &a);
                if (a.kind != SL_TYPE_STRUCT || (uint32_t)e->index >= a.len) {
                        *out = sl_value_null();
                        return;
                }
                *out = a.u.comp.items[e->index];
                return;
        case SL_EXPR_SUBSCRIPT:
                sl_expr_eval_tree(e->args[0], ctx, &a);
                sl_expr_eval_tree(e->args[1], ctx, &b);
                *out = sl_value_null();
                if (sl_value_is_null(&a) || sl_value_is_null(&b))
                        return;
                if (a.kind == SL_TYPE_ARRAY) {
                        int64_t i = b.kind == SL_TYPE_INT ? b.u.i32 : b.u.i64;

                        if (i > 0 && (uint64_t)i <= a.len)
                                *out = a.u.comp.items[i - 1];
                        else if (i < 0 && (uint64_t)(-(i + 1)) < a.len)
                                *out = a.u.comp.items[(int64_t)a.len + i];
                } else if (a.kind == SL_TYPE_MAP) {
                        const sl_value *v = sl_value_map_get(&a, &b);

                        if (v)
                                *out = *v;
                }
                return;
        case SL_EXPR_CALL:
                call(e, ctx, out);
                return;
        case SL_EXPR_ARRAY: {
                sl_value *items;

                *out = sl_value_composite_new(ctx->arena, e->type, e->nargs, &items);
                for (size_t i = 0; i < e->nargs; i++)
                        sl_expr_eval_tree(e->args[i], ctx, &items[i]);
                return;
        }
        case SL_EXPR_MAP: {
                size_t n = e->nargs / 2, m = 0;
                sl_value *items;

                *out = sl_value_composite_new(ctx->arena, e->type, n, &items);
                for (size_t i = 0; i < n; i++) {
                        size_t j;

                        sl_expr_eval_tree(e->args[2 * i], ctx, &a);
                        sl_expr_eval_tree(e->args[2 * i + 1], ctx, &b);
                        for (j = 0; j < m; j++)
                                if (sl_value_eq(&items[2 * j], &a))
                                        break;
                        items[2 * j] = a;
                        items[2 * j + 1] = b;
                        if (j == m)
                                m++;
                }
                out->len = (uint32_t)m;
                return;
        }
        case SL_EXPR_STRUCT: {
                sl_value *items;

                *out = sl_value_composite_new(ctx->arena, e->type, e->type->nfields, &items);
                for (size_t i = 0; i < e->nargs; i++)
                        sl_expr_eval_tree(e->args[i], ctx, &items[i]);
                return;
        }
        case SL_EXPR_LAMBDA:
                *out = sl_value_null();
                return;
        }
        *out = sl_value_null();
}
