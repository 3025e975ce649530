/* analyze_expr.c: resolving and typing expressions. Walks an AST expression in the scope the
 * statement analysis set up (sources of FROM/JOIN, lambda parameters, the agg row of a GROUP BY
 * query) and builds the typed sl_expr tree: literals become constants of ksqlDB's literal types,
 * columns become slots, operators get ksqlDB's typing (INT -> BIGINT -> DECIMAL -> DOUBLE
 * promotion, DECIMAL precision and scale arithmetic, string literals coerced where ksqlDB does),
 * and function calls are resolved through the registry, lambdas included.
 *
 * In a GROUP BY query the projection and HAVING are resolved over the agg row: a sub-expression
 * equal to a GROUP BY expression becomes that key's slot, an aggregate call becomes an aggregate
 * slot (its arguments resolved over the input row), and a column met anywhere else marks the
 * expression as non-aggregate (the caller reports it with ksqlDB's message). */
#include "sql/analyze_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "sql/ast_print.h"
#include "types/cast.h"
#include "types/decimal.h"

void *az_fail_code(az *z, sl_err code, sl_pos pos, const char *fmt, ...)
{
        va_list ap;

        if (z->failed)
                return NULL;
        va_start(ap, fmt);
        sl_err_setv(z->err, code, fmt, ap);
        va_end(ap);
        if (z->err)
                z->err->pos = pos;
        z->failed = true;
        return NULL;
}

void *az_fail(az *z, sl_pos pos, const char *fmt, ...)
{
        va_list ap;

        if (z->failed)
                return NULL;
        va_start(ap, fmt);
        sl_err_setv(z->err, SL_ERR_ANALYZE, fmt, ap);
        va_end(ap);
        if (z->err)
                z->err->pos = pos;
        z->failed = true;
        return NULL;
}

static bool is_word_char(char c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '`';
}

/* ksqlDB's messages print identifiers bare where the canonical printer back-quotes keywords:
 * drops the back-quotes around plain upper-case names (`ID` -> ID). */
static const char *unquote_plain(az *z, const char *in)
{
        char *out = sl_arena_alloc(z->arena, strlen(in) + 1), *o = out;
        bool in_str = false;

        for (const char *p = in; *p;) {
                if (*p == '\'' ) {
                        in_str = !in_str;
                        *o++ = *p++;
                        continue;
                }
                if (!in_str && (p == in || !is_word_char(p[-1]))) {
                        static const char *const lits[] = {"TRUE", "FALSE", "NULL"};
                        bool done = false;

                        /* ksqlDB prints these literals in lower case */
                        for (size_t k = 0; k < 3 && !done; k++) {
                                size_t l = strlen(lits[k]);

                                if (strncmp(p, lits[k], l) == 0 && !is_word_char(p[l])) {
                                        for (size_t j = 0; j < l; j++)
                                                *o++ = (char)(p[j] + 32);
                                        p += l;
                                        done = true;
                                }
                        }
                        if (done)
                                continue;
                }
                if (!in_str && strncmp(p, " := ", 4) == 0) {
                        /* ksqlDB prints constructors as MAP(1:='cat'), STRUCT(F0:=V) */
                        memcpy(o, ":=", 2);
                        o += 2;
                        p += 4;
                        continue;
                }
                if (!in_str && *p == '`') {
                        const char *q = p + 1;
                        bool plain = (*q >= 'A' && *q <= 'Z') || *q == '_';

                        while (*q && *q != '`') {
                                if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_'))
                                        plain = false;
                                q++;
                        }
                        if (plain && *q == '`' && q[1] != '`') {
                                memcpy(o, p + 1, (size_t)(q - p - 1));
                                o += q - p - 1;
                                p = q + 1;
                                continue;
                        }
                }
                *o++ = *p++;
        }
        *o = '\0';
        return out;
}

/* In a join, ksqlDB's messages outside JOIN ON name source columns ALIAS_COLUMN. */
static sl_ast_expr *join_names_ast(az *z, const sl_ast_expr *e);

const char *az_expr_text(az *z, const sl_ast_expr *e)
{
        sl_str s;
        const char *r;

        if (z->a->has_query && z->a->nsources > 1 && z->clause && strcmp(z->clause, "JOIN ON") != 0 &&
            strcmp(z->clause, "PARTITION BY") != 0)
                e = join_names_ast(z, e);
        sl_str_init(&s);
        sl_ast_print_expr(&s, e);
        r = unquote_plain(z, sl_str_cstr(&s));
        sl_str_deinit(&s);
        return r;
}

const char *az_type_text(az *z, const sl_type *t)
{
        if (t->kind == SL_TYPE_NULL)
                return "null";
        return sl_type_to_cstr(z->arena, t);
}

/* A copy of `e` whose unqualified source columns carry their source's alias. */
static sl_ast_expr *qualify(az *z, const sl_ast_expr *e)
{
        sl_ast_expr *c;

        if (!e)
                return NULL;
        c = sl_arena_memdup(z->arena, e, sizeof(*e));
        if (e->kind == SL_AST_COLUMN && !e->qual && z->a->has_query) {
                for (size_t i = 0; i < z->a->nsources; i++) {
                        if (sl_catalog_source_column_index(z->a->sources[i].src, e->name) >= 0) {
                                c->qual = (char *)z->a->sources[i].alias;
                                break;
                        }
                }
        }
        if (e->kind == SL_AST_LAMBDA)
                return c;
        c->a = qualify(z, e->a);
        c->b = qualify(z, e->b);
        c->c = qualify(z, e->c);
        if (e->list && e->kind != SL_AST_LAMBDA) {
                c->list = sl_arena_memdup(z->arena, e->list, sizeof(*e->list));
                c->list->items = sl_arena_calloc(z->arena, e->list->len ? e->list->len : 1, sizeof(void *));
                for (size_t i = 0; i < e->list->len; i++)
                        c->list->items[i] = qualify(z, e->list->items[i]);
        }
        return c;
}

const char *az_expr_text_q(az *z, const sl_ast_expr *e)
{
        const char *saved = z->clause, *r;

        z->clause = "JOIN ON";  /* dotted, not ALIAS_COLUMN */
        r = az_expr_text(z, qualify(z, e));
        z->clause = saved;
        return r;
}

static sl_ast_expr *join_names_ast(az *z, const sl_ast_expr *e)
{
        sl_ast_expr *c = qualify(z, e);

        /* qualify copied every node: rename the qualified source columns in place */
        if (c && c->kind == SL_AST_COLUMN && c->qual) {
                for (size_t i = 0; i < z->a->nsources; i++)
                        if (strcmp(z->a->sources[i].alias, c->qual) == 0 &&
                            sl_catalog_source_column_index(z->a->sources[i].src, c->name) >= 0) {
                                c->name = sl_arena_sprintf(z->arena, "%s_%s", c->qual, c->name);
                                c->qual = NULL;
                                break;
                        }
                return c;
        }
        if (!c || c->kind == SL_AST_LAMBDA)
                return c;
        c->a = c->a ? join_names_ast(z, c->a) : NULL;
        c->b = c->b ? join_names_ast(z, c->b) : NULL;
        c->c = c->c ? join_names_ast(z, c->c) : NULL;
        for (size_t i = 0; c->list && i < c->list->len; i++)
                c->list->items[i] = join_names_ast(z, c->list->items[i]);
        return c;
}

/* ---- types ---- */

const sl_type *az_type(az *z, const sl_ast_type *t)
{
        switch (t->kind) {
        case SL_AST_TYPE_BOOLEAN: return sl_type_boolean();
        case SL_AST_TYPE_INT: return sl_type_int();
        case SL_AST_TYPE_BIGINT: return sl_type_bigint();
        case SL_AST_TYPE_DOUBLE: return sl_type_double();
        case SL_AST_TYPE_STRING: return sl_type_string();
        case SL_AST_TYPE_BYTES: return sl_type_bytes();
        case SL_AST_TYPE_DATE: return sl_type_date();
        case SL_AST_TYPE_TIME: return sl_type_time();
        case SL_AST_TYPE_TIMESTAMP: return sl_type_timestamp();
        case SL_AST_TYPE_DECIMAL: {
                sl_err_detail e;

                if (sl_type_decimal_check(t->precision, t->scale, &e) != SL_OK)
                        return az_fail(z, t->pos, "%s", e.message);
                return sl_type_decimal(t->precision, t->scale);
        }
        case SL_AST_TYPE_ARRAY: {
                const sl_type *el = az_type(z, t->elem);

                return el ? sl_type_array(z->arena, el) : NULL;
        }
        case SL_AST_TYPE_MAP: {
                const sl_type *k = az_type(z, t->key), *v = k ? az_type(z, t->elem) : NULL;

                return v ? sl_type_map(z->arena, k, v) : NULL;
        }
        case SL_AST_TYPE_STRUCT: {
                size_t n = t->fields ? t->fields->len : 0;
                sl_type_field *f = sl_arena_calloc(z->arena, n ? n : 1, sizeof(*f));

                for (size_t i = 0; i < n; i++) {
                        const sl_ast_field_def *fd = t->fields->items[i];

                        for (size_t j = 0; j < i; j++)
                                if (strcmp(f[j].name, fd->name.name) == 0)
                                        return az_fail(z, fd->name.pos, "Duplicate field names found in STRUCT");
                        f[i].name = fd->name.name;
                        if (!(f[i].type = az_type(z, fd->type)))
                                return NULL;
                }
                return sl_type_struct(z->arena, f, n);
        }
        case SL_AST_TYPE_CUSTOM: {
                const sl_type *ct = z->ctx->cat ? sl_catalog_type_get(z->ctx->cat, t->name) : NULL;

                if (!ct)
                        return az_fail(z, t->pos, "Unknown type: %s", t->name);
                return ct;
        }
        }
        return az_fail(z, t->pos, "unknown type");
}

/* ---- function kinds ---- */

/* Aggregates and table functions ksqlDB has built in; used when the registry does not (yet)
 * hold them. */
static const char *const builtin_aggs[] = {
        "COUNT", "COUNT_DISTINCT", "SUM", "SUM_LIST", "AVG", "MIN", "MAX", "TOPK", "TOPKDISTINCT",
        "COLLECT_LIST", "COLLECT_SET", "HISTOGRAM", "EARLIEST_BY_OFFSET", "LATEST_BY_OFFSET",
        "CORRELATION", "STDDEV_SAMP", "STDDEV_SAMPLE", "ATTR",
};
static const char *const builtin_tfs[] = {"EXPLODE", "CUBE_EXPLODE"};

static bool in_list(const char *const *list, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (sl_str_eq_ci(list[i], name))
                        return true;
        return false;
}

bool az_is_aggregate(az *z, const char *name)
{
        const sl_func *fn = z->ctx->reg ? sl_func_registry_get(z->ctx->reg, name) : NULL;

        if (fn)
                return fn->kind == SL_FUNC_AGGREGATE;
        return in_list(builtin_aggs, sizeof(builtin_aggs) / sizeof(builtin_aggs[0]), name);
}

bool az_is_table_function(az *z, const char *name)
{
        const sl_func *fn = z->ctx->reg ? sl_func_registry_get(z->ctx->reg, name) : NULL;

        if (fn)
                return fn->kind == SL_FUNC_TABLE;
        return in_list(builtin_tfs, sizeof(builtin_tfs) / sizeof(builtin_tfs[0]), name);
}

static bool has_aggregate_list(az *z, const sl_ast_list *l)
{
        for (size_t i = 0; l && i < l->len; i++)
                if (az_has_aggregate(z, l->items[i]))
                        return true;
        return false;
}

bool az_has_aggregate(az *z, const sl_ast_expr *e)
{
        if (!e)
                return false;
        switch (e->kind) {
        case SL_AST_CALL:
                if (az_is_aggregate(z, e->name))
                        return true;
                return has_aggregate_list(z, e->list);
        case SL_AST_LAMBDA:
                return false;
        case SL_AST_CASE: case SL_AST_IN: case SL_AST_ARRAY: case SL_AST_MAP: case SL_AST_STRUCT:
                if (has_aggregate_list(z, e->list))
                        return true;
                break;
        default:
                break;
        }
        return az_has_aggregate(z, e->a) || az_has_aggregate(z, e->b) || az_has_aggregate(z, e->c);
}

/* ---- helpers ---- */

static sl_expr *mk(az *z, sl_expr_kind kind, const sl_type *type, size_t nargs, const sl_ast_expr *ast)
{
        sl_expr *e = sl_expr_new(z->arena, kind, type, nargs);

        e->ast = ast;
        return e;
}

/* A node of `kind` over the operands l and r, constant when both are. */
static sl_expr *mk_binary(az *z, sl_expr_kind kind, const sl_type *type, const sl_ast_expr *ast, sl_expr *l, sl_expr *r)
{
        sl_expr *e = mk(z, kind, type, 2, ast);

        e->args[0] = l;
        e->args[1] = r;
        e->constant = l->constant && r->constant;
        return e;
}

static bool all_constant(sl_expr *const *args, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!args[i]->constant)
                        return false;
        return true;
}

static bool is_null_lit(const sl_expr *e)
{
        return e->type->kind == SL_TYPE_NULL;
}

/* Is `e` a string literal (possibly converted)? */
static bool is_string_lit(const sl_expr *e)
{
        return e->kind == SL_EXPR_CONST && e->type->kind == SL_TYPE_STRING;
}

/* Coerces a STRING literal to `to` as ksqlDB's literal coercion does (numbers, booleans,
 * temporals from ISO text). NULL when it does not convert (no error set). */
static sl_expr *coerce_literal(az *z, const sl_expr *lit, const sl_type *to)
{
        const char *s = (const char *)lit->value.u.bytes;
        size_t n = lit->value.len;
        sl_value v;
        sl_err_detail e;

        switch (to->kind) {
        case SL_TYPE_BOOLEAN: {
                bool b;
                if (sl_cast_parse_bool_exact(s, n, &b, &e))
                        return NULL;
                v = sl_value_bool(b);
                break;
        }
        case SL_TYPE_INT: {
                int32_t i;
                if (sl_cast_parse_int(s, n, &i, &e))
                        return NULL;
                v = sl_value_int(i);
                break;
        }
        case SL_TYPE_BIGINT: {
                int64_t i;
                if (sl_cast_parse_bigint(s, n, &i, &e))
                        return NULL;
                v = sl_value_bigint(i);
                break;
        }
        case SL_TYPE_DOUBLE: {
                double d;
                if (sl_cast_parse_double(s, n, &d, &e))
                        return NULL;
                v = sl_value_double(d);
                break;
        }
        case SL_TYPE_DECIMAL: {
                sl_decimal d;
                if (sl_decimal_parse_to(s, n, to->precision, to->scale, &d, &e))
                        return NULL;
                v = sl_value_decimal(d);
                break;
        }
        case SL_TYPE_DATE: {
                int32_t d;
                if (sl_cast_parse_date(s, n, &d, &e))
                        return NULL;
                v = sl_value_date(d);
                break;
        }
        case SL_TYPE_TIME: {
                int32_t d;
                if (sl_cast_parse_time(s, n, &d, &e))
                        return NULL;
                v = sl_value_time(d);
                break;
        }
        case SL_TYPE_TIMESTAMP: {
                int64_t d;
                if (sl_cast_parse_timestamp(s, n, &d, &e))
                        return NULL;
                v = sl_value_timestamp(d);
                break;
        }
        default:
                return NULL;
        }
        {
                sl_expr *c = sl_expr_const(z->arena, v, to);
                c->ast = lit->ast;
                return c;
        }
}

/* Is `e` ROWTIME, WINDOWSTART or WINDOWEND (compared with ISO text by "magic" conversion)? */
static bool is_time_pseudo(az *z, const sl_expr *e)
{
        return e->kind == SL_EXPR_COLUMN && z->a->has_query && !z->agg_phase &&
               (e->index == (int)(z->a->pseudo_base + SL_PSEUDO_ROWTIME) ||
                e->index == (int)(z->a->pseudo_base + SL_PSEUDO_WINDOWSTART) ||
                e->index == (int)(z->a->pseudo_base + SL_PSEUDO_WINDOWEND));
}

/* Magic conversion of an ISO timestamp string compared with a BIGINT time pseudo column. */
static sl_expr *magic_time(az *z, const sl_expr *lit)
{
        sl_expr *t = coerce_literal(z, lit, sl_type_timestamp());

        if (!t)
                return NULL;
        t->value = sl_value_bigint(t->value.u.i64);
        t->type = sl_type_bigint();
        return t;
}

static const char *cmp_op_name(sl_ast_op op)
{
        switch (op) {
        case SL_AST_OP_EQ: return "EQUAL";
        case SL_AST_OP_NE: return "NOT_EQUAL";
        case SL_AST_OP_LT: return "LESS_THAN";
        case SL_AST_OP_LE: return "LESS_THAN_OR_EQUAL";
        case SL_AST_OP_GT: return "GREATER_THAN";
        case SL_AST_OP_GE: return "GREATER_THAN_OR_EQUAL";
        default: return "?";
        }
}

/* Brings two operands of a comparison to one type; false when they cannot be compared. */
static bool unify_comparison(az *z, sl_expr **l, sl_expr **r)
{
        const sl_type *lt = (*l)->type, *rt = (*r)->type, *common;

        /* ksqlDB converts a string literal only for temporal operands (and the BIGINT time
         * pseudo columns: ROWTIME >= '2018-01-01'); '100' against a number is a type error */
        if (is_string_lit(*r) && rt->kind != lt->kind && (is_time_pseudo(z, *l) || sl_type_is_temporal(lt))) {
                sl_expr *c = is_time_pseudo(z, *l) ? magic_time(z, *r) : coerce_literal(z, *r, lt);
                if (!c)
                        return false;
                *r = c;
                return true;
        }
        if (is_string_lit(*l) && rt->kind != lt->kind && (is_time_pseudo(z, *r) || sl_type_is_temporal(rt))) {
                sl_expr *c = is_time_pseudo(z, *r) ? magic_time(z, *l) : coerce_literal(z, *l, rt);
                if (!c)
                        return false;
                *l = c;
                return true;
        }
        if (lt->kind == SL_TYPE_NULL || rt->kind == SL_TYPE_NULL)
                return true;
        if ((lt->kind == SL_TYPE_DATE && rt->kind == SL_TYPE_TIMESTAMP) ||
            (lt->kind == SL_TYPE_TIMESTAMP && rt->kind == SL_TYPE_DATE)) {
                /* ksqlDB compares a DATE with a TIMESTAMP as the timestamp of its midnight */
                sl_expr **d = lt->kind == SL_TYPE_DATE ? l : r;
                sl_expr *c = sl_expr_new(z->arena, SL_EXPR_CAST, sl_type_timestamp(), 1);

                c->args[0] = *d;
                c->constant = (*d)->constant;
                c->ast = (*d)->ast;
                *d = c;
                return true;
        }
        common = sl_cast_common_type(z->arena, lt, rt);
        if (!common)
                return false;
        *l = sl_expr_convert(z->arena, *l, common);
        *r = sl_expr_convert(z->arena, *r, common);
        return true;
}

static sl_expr *comparison(az *z, const sl_ast_expr *ast, sl_ast_op op, sl_expr *l, sl_expr *r,
                           const sl_ast_expr *la, const sl_ast_expr *ra)
{
        sl_expr *e;
        const sl_type *lt = l->type, *rt = r->type;

        if (is_null_lit(l) && is_null_lit(r))
                return az_fail(z, ast->pos, "%sComparison with NULL not supported: NULL %s NULL", z->prefix,
                               op == SL_AST_OP_NE ? "<>" : op == SL_AST_OP_EQ ? "=" : "?");
        if (!unify_comparison(z, &l, &r))
                goto bad;
        if (sl_type_is_composite(l->type) && op != SL_AST_OP_EQ && op != SL_AST_OP_NE)
                goto bad;
        if (l->type->kind == SL_TYPE_BOOLEAN && op != SL_AST_OP_EQ && op != SL_AST_OP_NE &&
            !is_null_lit(r))
                goto bad;
        e = mk_binary(z, SL_EXPR_CMP, sl_type_boolean(), ast, l, r);
        e->op = op;
        return e;
bad:
        return az_fail(z, ast->pos, "%sCannot compare %s (%s) to %s (%s) with %s.", z->prefix, az_expr_text(z, la),
                       az_type_text(z, lt), az_expr_text(z, ra), az_type_text(z, rt), cmp_op_name(op));
}

static sl_expr *arithmetic(az *z, const sl_ast_expr *ast, sl_ast_op op, sl_expr *l, sl_expr *r)
{
        const sl_type *lt = l->type, *rt = r->type, *res;
        sl_expr *e;

        if (lt->kind == SL_TYPE_NULL || rt->kind == SL_TYPE_NULL)
                return az_fail(z, ast->pos, "%sError processing expression: %s. Arithmetic on types %s and %s are not supported.",
                               z->prefix, az_expr_text(z, ast), az_type_text(z, lt), az_type_text(z, rt));
        if (op == SL_AST_OP_CONCAT || (op == SL_AST_OP_ADD && lt->kind == SL_TYPE_STRING && rt->kind == SL_TYPE_STRING)) {
                if (lt->kind != SL_TYPE_STRING || rt->kind != SL_TYPE_STRING)
                        goto bad;
                return mk_binary(z, SL_EXPR_CONCAT, sl_type_string(), ast, l, r);
        }
        if (!sl_type_is_numeric(lt) || !sl_type_is_numeric(rt))
                goto bad;
        if (lt->kind == SL_TYPE_DOUBLE || rt->kind == SL_TYPE_DOUBLE) {
                res = sl_type_double();
                l = sl_expr_convert(z->arena, l, res);
                r = sl_expr_convert(z->arena, r, res);
        } else if (lt->kind == SL_TYPE_DECIMAL || rt->kind == SL_TYPE_DECIMAL) {
                const sl_type *ld = sl_cast_decimal_of(lt), *rd = sl_cast_decimal_of(rt);
                int p, s;
                static const sl_decimal_op dops[] = {
                        [SL_AST_OP_ADD] = SL_DECIMAL_ADD, [SL_AST_OP_SUB] = SL_DECIMAL_SUB,
                        [SL_AST_OP_MUL] = SL_DECIMAL_MUL, [SL_AST_OP_DIV] = SL_DECIMAL_DIV,
                        [SL_AST_OP_MOD] = SL_DECIMAL_MOD,
                };

                sl_decimal_result_type(dops[op], ld->precision, ld->scale, rd->precision, rd->scale, &p, &s);
                res = sl_type_decimal(p, s);
                l = sl_expr_convert(z->arena, l, ld);
                r = sl_expr_convert(z->arena, r, rd);
        } else if (lt->kind == SL_TYPE_BIGINT || rt->kind == SL_TYPE_BIGINT) {
                res = sl_type_bigint();
                l = sl_expr_convert(z->arena, l, res);
                r = sl_expr_convert(z->arena, r, res);
        } else {
                res = sl_type_int();
        }
        e = mk_binary(z, SL_EXPR_ARITH, res, ast, l, r);
        e->op = op;
        return e;
bad:
        return az_fail(z, ast->pos, "%sError processing expression: %s. Unsupported arithmetic types. %s %s",
                       z->prefix, az_expr_text(z, ast), sl_type_kind_name(l->type->kind),
                       sl_type_kind_name(r->type->kind));
}

sl_expr *az_expect_boolean(az *z, sl_expr *e, const sl_ast_expr *ast, const char *clause)
{
        if (!e)
                return NULL;
        if (e->type->kind != SL_TYPE_BOOLEAN && e->type->kind != SL_TYPE_NULL)
                return az_fail(z, ast->pos, "Type error in %s expression: Should evaluate to boolean but is %s (%s) instead.",
                               clause, az_expr_text(z, ast), az_type_text(z, e->type));
        return e;
}

/* ---- columns ---- */

static const sl_type *pseudo_type(sl_analysis_pseudo p)
{
        return p == SL_PSEUDO_ROWPARTITION ? sl_type_int() : sl_type_bigint();
}

static int pseudo_of(const char *name)
{
        for (int p = 0; p < SL_PSEUDO__COUNT; p++)
                if (strcmp(name, sl_analysis_pseudo_name((sl_analysis_pseudo)p)) == 0)
                        return p;
        return -1;
}

static sl_expr *column_slot(az *z, const sl_ast_expr *ast, size_t slot, const sl_type *type)
{
        sl_expr *e = mk(z, SL_EXPR_COLUMN, type, 0, ast);

        e->index = (int)slot;
        return e;
}

static sl_expr *unresolved(az *z, const sl_ast_expr *ast)
{
        if (strcmp(z->clause, "PARTITION BY") == 0 && !ast->qual)
                return az_fail(z, ast->pos, "PARTITION BY column '%s' cannot be resolved. '%s' must be a column in the "
                                            "source schema since PARTITION BY is applied on the input.",
                               ast->name, ast->name);
        if (ast->qual)
                return az_fail(z, ast->pos, "%s column '%s.%s' cannot be resolved.", z->clause, ast->qual, ast->name);
        return az_fail(z, ast->pos, "%s column '%s' cannot be resolved.", z->clause, ast->name);
}

static sl_expr *pseudo_column(az *z, const sl_ast_expr *ast, int p)
{
        sl_analysis *a = z->a;

        if (p == SL_PSEUDO_ROWKEY) {
                if (!z->synthetic_key)
                        return unresolved(z, ast);
                return column_slot(z, ast, a->pseudo_base + SL_PSEUDO_ROWKEY, z->rowkey_type);
        }
        if ((p == SL_PSEUDO_WINDOWSTART || p == SL_PSEUDO_WINDOWEND) && !z->windowed_input &&
            ((z->in_agg && z->allow_agg) || strcmp(z->clause, "GROUP BY") == 0 || strcmp(z->clause, "HAVING") == 0))
                return az_fail(z, ast->pos, "Window bounds column %s can only be used in the SELECT clause of windowed "
                                            "aggregations", ast->name);
        if ((p == SL_PSEUDO_WINDOWSTART || p == SL_PSEUDO_WINDOWEND) && !z->windowed_input) {
                if (z->agg_phase || (a->window && z->allow_agg))
                        goto ok;
                if (strcmp(z->clause, "SELECT") == 0)
                        return unresolved(z, ast);
                return az_fail(z, ast->pos, "%sUnknown column %s.", z->prefix, ast->name);
        }
ok:
        return column_slot(z, ast, a->pseudo_base + (size_t)p, pseudo_type((sl_analysis_pseudo)p));
}

static sl_expr *column(az *z, const sl_ast_expr *ast)
{
        sl_analysis *a = z->a;
        int p;

        if (!ast->qual) {
                for (size_t i = z->nlparams; i-- > 0;) {
                        if (strcmp(z->lparams[i].name, ast->name) == 0) {
                                sl_expr *e = mk(z, SL_EXPR_LAMBDA_VAR, z->lparams[i].type, 0, ast);
                                e->index = z->lparams[i].slot;
                                return e;
                        }
                }
        }
        if (!a->has_query && ast->qual)
                return az_fail(z, ast->pos, "'%s' is not a valid stream/table name or alias.", ast->qual);
        if (!a->has_query)
                return unresolved(z, ast);
        if (ast->qual) {
                for (size_t i = 0; i < a->nsources; i++) {
                        const sl_analysis_source *s = &a->sources[i];
                        int c;

                        if (strcmp(s->alias, ast->qual) != 0)
                                continue;
                        c = sl_catalog_source_column_index(s->src, ast->name);
                        if (c >= 0)
                                return column_slot(z, ast, s->base + (size_t)c, s->src->columns[c].type);
                        if ((p = pseudo_of(ast->name)) >= 0 && p != SL_PSEUDO_ROWKEY) {
                                if (a->nsources > 1 && ((p != SL_PSEUDO_WINDOWSTART && p != SL_PSEUDO_WINDOWEND) ||
                                                        s->src->window != SL_CATALOG_WINDOW_NONE))
                                        return column_slot(z, ast, s->base + s->src->ncolumns + (size_t)p,
                                                           pseudo_type((sl_analysis_pseudo)p));
                                return pseudo_column(z, ast, p);
                        }
                        return unresolved(z, ast);
                }
                return az_fail(z, ast->pos, "'%s' is not a valid stream/table name or alias.", ast->qual);
        }
        {
                int found = -1, fc = -1;

                for (size_t i = 0; i < a->nsources; i++) {
                        int c = sl_catalog_source_column_index(a->sources[i].src, ast->name);

                        if (c < 0)
                                continue;
                        if (found >= 0)
                                return az_fail(z, ast->pos, "Column '%s' is ambiguous. Could be %s.%s or %s.%s.",
                                               ast->name, a->sources[found].alias, ast->name,
                                               a->sources[i].alias, ast->name);
                        found = (int)i;
                        fc = c;
                }
                if (found >= 0)
                        return column_slot(z, ast, a->sources[found].base + (size_t)fc,
                                           a->sources[found].src->columns[fc].type);
        }
        if ((p = pseudo_of(ast->name)) >= 0)
                return pseudo_column(z, ast, p);
        return unresolved(z, ast);
}

/* ---- literals ---- */

static sl_expr *literal(az *z, const sl_ast_expr *ast)
{
        sl_value v;
        const sl_type *t;
        sl_err_detail e;
        sl_expr *r;

        switch (ast->kind) {
        case SL_AST_NULL:
                v = sl_value_null();
                t = sl_type_null();
                break;
        case SL_AST_BOOL:
                v = sl_value_bool(ast->bval);
                t = sl_type_boolean();
                break;
        case SL_AST_INTEGER:
                if (ast->ival >= INT32_MIN && ast->ival <= INT32_MAX) {
                        v = sl_value_int((int32_t)ast->ival);
                        t = sl_type_int();
                } else {
                        v = sl_value_bigint(ast->ival);
                        t = sl_type_bigint();
                }
                break;
        case SL_AST_DOUBLE:
                v = sl_value_double(ast->dval);
                t = sl_type_double();
                break;
        case SL_AST_STRING:
                v = sl_value_string(ast->text, strlen(ast->text));
                t = sl_type_string();
                break;
        case SL_AST_DECIMAL:
        case SL_AST_TYPED_LIT: {
                sl_decimal d;
                const char *text = ast->text;

                if (ast->kind == SL_AST_TYPED_LIT && !sl_str_eq_ci(ast->name, "DECIMAL"))
                        return az_fail(z, ast->pos, "Unsupported typed literal: %s", ast->name);
                if (sl_decimal_parse(text, strlen(text), &d, &e) != SL_OK)
                        return az_fail(z, ast->pos, "Invalid DECIMAL literal: %s", text);
                v = sl_value_decimal(d);
                t = sl_type_decimal(d.precision, d.scale);
                break;
        }
        default:
                return az_fail(z, ast->pos, "unsupported literal");
        }
        r = sl_expr_const(z->arena, v, t);
        r->ast = ast;
        return r;
}

/* ---- function calls ---- */

/* State shared with the registry's lambda typing callback. */
typedef struct call_state {
        az *z;
        const sl_ast_expr *call;  /* the CALL node */
} call_state;

/* Types lambda argument `argi` of `call` with the given parameter types into a LAMBDA node. */
static sl_expr *type_lambda_node(az *z, const sl_ast_expr *lam, const sl_type *const *params, size_t nparams)
{
        size_t mark = z->nlparams;
        sl_expr *body, *e;
        int first = (int)z->a->nlvars;

        if (!lam->list || lam->list->len != nparams)
                return az_fail(z, lam->pos, "Lambda has %zu parameters but %zu were expected",
                               lam->list ? lam->list->len : 0, nparams);
        if (z->nlparams + nparams > AZ_MAX_LPARAMS)
                return az_fail(z, lam->pos, "lambdas nested too deeply");
        for (size_t i = 0; i < nparams; i++) {
                z->lparams[z->nlparams++] = (az_lparam){
                        .name = lam->list->items[i], .slot = first + (int)i, .type = params[i]};
        }
        z->a->nlvars += nparams;
        body = az_expr(z, lam->a);
        z->nlparams = mark;
        if (!body)
                return NULL;
        e = mk(z, SL_EXPR_LAMBDA, body->type, 1, lam);
        e->index = first;
        e->nparams = nparams;
        e->args[0] = body;
        return e;
}

static sl_err lambda_cb(void *data, size_t argi, const sl_type *const *params, size_t nparams, const sl_type **ret,
                        sl_err_detail *err)
{
        call_state *cs = data;
        sl_expr *e = type_lambda_node(cs->z, cs->call->list->items[argi], params, nparams);

        if (!e) {
                if (err && cs->z->err)
                        *err = *cs->z->err;
                cs->z->failed = false;  /* the registry reports it; we re-raise its error */
                return cs->z->err ? cs->z->err->code : SL_ERR_ANALYZE;
        }
        *ret = e->type;
        return SL_OK;
}

/* Types an aggregate call the registry does not know, with ksqlDB's result types. */
static const sl_type *builtin_agg_type(az *z, const char *name, sl_expr **args, size_t n, bool star,
                                       const sl_ast_expr *ast)
{
        const sl_type *t0 = n > 0 ? args[0]->type : NULL;
        sl_str sig;
        const char *s;

        if (sl_str_eq_ci(name, "COUNT") || sl_str_eq_ci(name, "COUNT_DISTINCT")) {
                if (star || n <= 1)
                        return sl_type_bigint();
                goto bad;
        }
        if (n == 0)
                goto bad;
        if (sl_str_eq_ci(name, "SUM")) {
                if (n == 1 && sl_type_is_numeric(t0))
                        return t0;
                goto bad;
        }
        if (sl_str_eq_ci(name, "SUM_LIST")) {
                if (n == 1 && t0->kind == SL_TYPE_ARRAY && sl_type_is_numeric(t0->elem))
                        return t0->elem;
                goto bad;
        }
        if (sl_str_eq_ci(name, "AVG") || sl_str_eq_ci(name, "STDDEV_SAMP") || sl_str_eq_ci(name, "STDDEV_SAMPLE")) {
                if (n == 1 && sl_type_is_numeric(t0))
                        return sl_type_double();
                goto bad;
        }
        if (sl_str_eq_ci(name, "CORRELATION")) {
                if (n == 2 && sl_type_is_numeric(t0) && sl_type_is_numeric(args[1]->type))
                        return sl_type_double();
                goto bad;
        }
        if (sl_str_eq_ci(name, "MIN") || sl_str_eq_ci(name, "MAX")) {
                if (n == 1 && !sl_type_is_composite(t0) && t0->kind != SL_TYPE_BOOLEAN && t0->kind != SL_TYPE_NULL)
                        return t0;
                goto bad;
        }
        if (sl_str_eq_ci(name, "ATTR"))
                return n == 1 ? t0 : NULL;
        if (sl_str_eq_ci(name, "COLLECT_LIST") || sl_str_eq_ci(name, "COLLECT_SET")) {
                if (n == 1 && t0->kind != SL_TYPE_NULL)
                        return sl_type_array(z->arena, t0);
                goto bad;
        }
        if (sl_str_eq_ci(name, "TOPK") || sl_str_eq_ci(name, "TOPKDISTINCT")) {
                if (n >= 2 && sl_type_is_integral(args[n - 1]->type) && t0->kind != SL_TYPE_NULL) {
                        if (n == 2)
                                return sl_type_array(z->arena, t0);
                        {
                                sl_type_field *f = sl_arena_calloc(z->arena, n - 1, sizeof(*f));
                                f[0] = (sl_type_field){"sort_col", t0};
                                for (size_t i = 1; i + 1 < n; i++)
                                        f[i] = (sl_type_field){sl_arena_sprintf(z->arena, "col%zu", i - 1), args[i]->type};
                                return sl_type_array(z->arena, sl_type_struct(z->arena, f, n - 1));
                        }
                }
                goto bad;
        }
        if (sl_str_eq_ci(name, "HISTOGRAM")) {
                if (n == 1 && t0->kind == SL_TYPE_STRING)
                        return sl_type_map(z->arena, sl_type_string(), sl_type_bigint());
                goto bad;
        }
        if (sl_str_eq_ci(name, "EARLIEST_BY_OFFSET") || sl_str_eq_ci(name, "LATEST_BY_OFFSET")) {
                if (n >= 2 && args[1]->type->kind != SL_TYPE_BOOLEAN && !args[1]->constant)
                        return az_fail(z, ast->pos, "Parameter 2 passed to function %s must be a literal constant, but was expression: '%s'",
                                       name, az_expr_text(z, ast->list->items[1]));
                if (n == 1 || (n == 2 && args[1]->type->kind == SL_TYPE_BOOLEAN))
                        return t0;
                if ((n == 2 || n == 3) && sl_type_is_integral(args[1]->type))
                        return sl_type_array(z->arena, t0);
                goto bad;
        }
bad:
        sl_str_init(&sig);
        for (size_t i = 0; i < n; i++) {
                if (i)
                        sl_str_append(&sig, ", ");
                sl_str_append(&sig, az_type_text(z, args[i]->type));
        }
        s = sl_arena_strdup(z->arena, sl_str_cstr(&sig));
        sl_str_deinit(&sig);
        return az_fail(z, ast->pos, "Function '%s' does not accept parameters (%s).", name, s);
}

/* Table functions the registry does not know: EXPLODE(ARRAY<T>) -> T, CUBE_EXPLODE(ARRAY<T>) -> ARRAY<T>. */
static const sl_type *builtin_tf_type(az *z, const char *name, sl_expr **args, size_t n, const sl_ast_expr *ast)
{
        if (n == 1 && args[0]->type->kind == SL_TYPE_ARRAY)
                return sl_str_eq_ci(name, "EXPLODE") ? args[0]->type->elem : args[0]->type;
        char *lower = sl_arena_strdup(z->arena, name);

        sl_str_lower(lower);
        return az_fail(z, ast->pos, "Function '%s' does not accept parameters (%s).", lower,
                       n ? az_type_text(z, args[0]->type) : "");
}

static sl_expr *aggregate_call(az *z, const sl_ast_expr *ast);

static sl_expr *call(az *z, const sl_ast_expr *ast)
{
        size_t n = ast->list ? ast->list->len : 0;
        sl_func_arg *fargs = sl_arena_calloc(z->arena, n ? n : 1, sizeof(*fargs));
        sl_expr **args = sl_arena_calloc(z->arena, n ? n : 1, sizeof(*args));
        sl_func_resolved *res;
        call_state cs = {z, ast};
        sl_err_detail e;
        sl_expr *r;

        if (az_is_aggregate(z, ast->name))
                return aggregate_call(z, ast);
        for (size_t i = 0; i < n; i++) {
                const sl_ast_expr *arg = ast->list->items[i];

                if (arg->kind == SL_AST_LAMBDA) {
                        fargs[i].lambda_arity = arg->list ? arg->list->len : 0;
                        continue;
                }
                if (arg->kind == SL_AST_UNIT) {
                        args[i] = sl_expr_const(z->arena, sl_value_string(arg->name, strlen(arg->name)),
                                                sl_type_string());
                        args[i]->ast = arg;
                } else if (!(args[i] = az_expr(z, arg))) {
                        return NULL;
                }
                fargs[i].type = args[i]->type;
        }
        if (az_is_table_function(z, ast->name) &&
            !(z->ctx->reg && sl_func_registry_get(z->ctx->reg, ast->name))) {
                const sl_type *t;

                if (!z->allow_table_fn)
                        return az_fail(z, ast->pos, "Table functions can only be used in the SELECT clause: %s",
                                       ast->name);
                if (!(t = builtin_tf_type(z, ast->name, args, n, ast)))
                        return NULL;
                z->a->has_table_function = true;
                r = mk(z, SL_EXPR_CALL, t, n, ast);
                memcpy(r->args, args, n * sizeof(*args));
                return r;
        }
        if (!z->ctx->reg)
                return az_fail_code(z, SL_ERR_NOT_FOUND, ast->pos, "Can't find any functions with the name '%s'",
                                    ast->name);
        res = sl_arena_calloc(z->arena, 1, sizeof(*res));
        sl_err_clear(&e);
        if (sl_func_registry_resolve(z->ctx->reg, ast->name, fargs, n, lambda_cb, &cs, z->arena, res, &e) != SL_OK) {
                if (z->failed)
                        return NULL;
                return az_fail_code(z, e.code == SL_ERR_NOT_FOUND ? SL_ERR_NOT_FOUND : SL_ERR_ANALYZE, ast->pos,
                                    "%s", e.message);
        }
        if (res->func->kind == SL_FUNC_TABLE) {
                if (!z->allow_table_fn)
                        return az_fail(z, ast->pos, "Table functions can only be used in the SELECT clause: %s",
                                       ast->name);
                z->a->has_table_function = true;
        }
        r = mk(z, SL_EXPR_CALL, res->ret, n, ast);
        r->fn = res;
        for (size_t i = 0; i < n; i++) {
                const sl_ast_expr *arg = ast->list->items[i];

                if (arg->kind == SL_AST_LAMBDA) {
                        sl_expr *lam = type_lambda_node(z, arg, res->args[i].lparams, res->args[i].nlparams);

                        if (!lam)
                                return NULL;
                        if (res->args[i].lret)
                                lam->args[0] = sl_expr_convert(z->arena, lam->args[0], res->args[i].lret);
                        r->args[i] = lam;
                        continue;
                }
                r->args[i] = args[i];
                if (res->args[i].type && res->args[i].type->kind != SL_TYPE_NULL)
                        r->args[i] = sl_expr_convert(z->arena, args[i], res->args[i].type);
        }
        r->constant = all_constant(r->args, n) && !(res->ov->flags & SL_FUNC_NONDETERMINISTIC) &&
                      res->func->kind == SL_FUNC_SCALAR;
        for (size_t i = 0; i < n; i++)
                if (r->args[i]->kind == SL_EXPR_LAMBDA)
                        r->constant = false;
        return r;
}

/* Literal AST nodes (ksqlDB's Literal): what an aggregate's init arguments must be. */
static bool is_literal_ast(const sl_ast_expr *e)
{
        switch (e->kind) {
        case SL_AST_NULL:
        case SL_AST_BOOL:
        case SL_AST_INTEGER:
        case SL_AST_DECIMAL:
        case SL_AST_DOUBLE:
        case SL_AST_STRING:
        case SL_AST_TYPED_LIT:
                return true;
        default:
                return false;
        }
}

/* An aggregate's init arguments (the overload's last ninit, ksqlDB's UDAF factory arguments):
 * each must be a literal; its value, converted to the parameter type, goes into the resolution
 * (sl_func_resolved_arg.constant) for the callbacks. False after az_fail. */
static bool agg_init_args(az *z, const sl_ast_expr *ast, sl_expr **args, size_t n, sl_func_resolved *r)
{
        size_t ninit = r->ov->ninit < n ? r->ov->ninit : n;
        sl_func_resolved_arg *ra = sl_arena_calloc(z->arena, n + 1, sizeof(*ra));
        char *name = sl_arena_strdup(z->arena, ast->name);

        sl_str_upper(name);
        memcpy(ra, r->args, n * sizeof(*ra));
        for (size_t i = n - ninit; i < n; i++) {
                const sl_ast_expr *an = ast->list->items[i];
                sl_value *cv = sl_arena_calloc(z->arena, 1, sizeof(*cv));
                sl_err_detail e;

                if (!is_literal_ast(an) || args[i]->kind != SL_EXPR_CONST) {
                        az_fail(z, an->pos, "Parameter %zu passed to function %s must be a literal constant, but was "
                                "expression: '%s'", i + 1, name, az_expr_text(z, an));
                        return false;
                }
                *cv = args[i]->value;
                if (ra[i].type && ra[i].type->kind != SL_TYPE_NULL && !sl_value_is_null(cv) &&
                    sl_func_value_widen(z->arena, &args[i]->value, ra[i].type, cv, &e) != SL_OK) {
                        az_fail(z, an->pos, "%s", e.message);
                        return false;
                }
                ra[i].constant = cv;
        }
        r->args = ra;
        /* ksqlDB creates the function from its literals when it plans the query, and its factory
         * rejects bad ones ("latestN must be 1 or greater"): a trial init does the same */
        {
                sl_err_detail e;
                sl_func_ctx fc = {.arena = z->arena, .err = &e, .res = r};
                sl_value st;
                sl_err rc;

                sl_err_clear(&e);
                rc = r->ov->agg->init(&fc, &st);
                sl_func_ctx_release(&fc);
                if (rc != SL_OK) {
                        az_fail(z, ast->pos, "%s", e.message);
                        return false;
                }
        }
        return true;
}

/* ROWTIME as the argument of aggregate call `ast`, typed as the call's own arguments are. */
static sl_expr *rowtime_arg(az *z, const sl_ast_expr *ast)
{
        sl_ast_ident id = {.name = sl_arena_strdup(z->arena, "ROWTIME"), .pos = ast->pos};
        sl_ast_expr *col = sl_ast_expr_column(z->arena, NULL, id);
        bool saved_phase = z->agg_phase, saved_in = z->in_agg;
        sl_expr *e;

        z->agg_phase = false;
        z->in_agg = true;
        e = az_expr(z, col);
        z->agg_phase = saved_phase;
        z->in_agg = saved_in;
        return e;
}

static sl_expr *aggregate_call(az *z, const sl_ast_expr *ast)
{
        sl_analysis *a = z->a;
        size_t n = ast->list ? ast->list->len : 0;
        sl_expr **args = sl_arena_calloc(z->arena, n ? n : 1, sizeof(*args));
        bool saved_phase = z->agg_phase, saved_in = z->in_agg;
        const sl_type *type = NULL;
        const sl_func_resolved *res = NULL;
        const sl_func *fn = z->ctx->reg ? sl_func_registry_get(z->ctx->reg, ast->name) : NULL;
        sl_analysis_agg *agg;
        sl_expr *slot;

        if (z->in_agg)
                return az_fail(z, ast->pos, "Aggregate functions can not be nested: %s(%s())", z->agg_name,
                               ast->name);
        z->agg_phase = false;
        z->in_agg = true;
        z->agg_name = ast->name;
        for (size_t i = 0; i < n; i++) {
                if (!(args[i] = az_expr(z, ast->list->items[i]))) {
                        z->agg_phase = saved_phase;
                        z->in_agg = saved_in;
                        return NULL;
                }
        }
        z->agg_phase = saved_phase;
        z->in_agg = saved_in;
        if (!z->allow_agg)
                return az_fail(z, ast->pos, "%s does not support aggregate functions: %s is an aggregate function.",
                               z->clause, ast->name);
        if (fn) {
                sl_func_arg *fargs = sl_arena_calloc(z->arena, n ? n : 1, sizeof(*fargs));
                sl_func_resolved *r = sl_arena_calloc(z->arena, 1, sizeof(*r));
                sl_err_detail e;

                for (size_t i = 0; i < n; i++)
                        fargs[i].type = args[i]->type;
                if (sl_func_resolve(fn, fargs, n, NULL, NULL, z->arena, r, &e) != SL_OK) {
                        /* X(*) and X() aggregate ROWTIME, ksqlDB's default argument (COUNT has its own
                         * zero-argument form) */
                        if (n != 0 || !(args[0] = rowtime_arg(z, ast)))
                                return z->failed ? NULL : az_fail(z, ast->pos, "%s", e.message);
                        n = 1;
                        fargs[0].type = args[0]->type;
                        if (sl_func_resolve(fn, fargs, n, NULL, NULL, z->arena, r, &e) != SL_OK)
                                return az_fail(z, ast->pos, "%s", e.message);
                }
                if (r->ov->ninit && !agg_init_args(z, ast, args, n, r))
                        return NULL;
                for (size_t i = 0; i < n; i++)
                        if (r->args[i].type && r->args[i].type->kind != SL_TYPE_NULL)
                                args[i] = sl_expr_convert(z->arena, args[i], r->args[i].type);
                res = r;
                type = r->ret;
        } else if (!(type = builtin_agg_type(z, ast->name, args, n, ast->star, ast))) {
                return NULL;
        }
        /* the same call twice is one aggregate */
        for (size_t i = 0; i < a->naggs; i++) {
                bool same = sl_str_eq_ci(a->aggs[i].name, ast->name) && a->aggs[i].nargs == n &&
                            a->aggs[i].star == ast->star;

                for (size_t j = 0; same && j < n; j++)
                        same = sl_expr_equal(a->aggs[i].args[j], args[j]);
                if (same) {
                        slot = column_slot(z, ast, a->ngroup_by + 2 + i, a->aggs[i].type);
                        return slot;
                }
        }
        {
                size_t cap = a->naggs + 1;
                sl_analysis_agg *na = sl_arena_calloc(z->arena, cap, sizeof(*na));

                if (a->naggs)
                        memcpy(na, a->aggs, a->naggs * sizeof(*na));
                a->aggs = na;
        }
        agg = &a->aggs[a->naggs];
        agg->name = sl_arena_strdup(z->arena, ast->name);
        sl_str_upper((char *)agg->name);
        agg->res = res;
        agg->args = args;
        agg->nargs = n;
        agg->star = ast->star;
        agg->type = type;
        agg->ast = ast;
        slot = column_slot(z, ast, a->ngroup_by + 2 + a->naggs, type);
        a->naggs++;
        a->aggregate = true;
        return slot;
}

/* ---- the other operators ---- */

static sl_expr *list_common(az *z, sl_expr **items, size_t n, const sl_type **out)
{
        const sl_type *t = sl_type_null();

        for (size_t i = 0; i < n; i++) {
                const sl_type *c;

                if (items[i]->type->kind == SL_TYPE_NULL)
                        continue;
                if (t->kind == SL_TYPE_NULL) {
                        t = items[i]->type;
                        continue;
                }
                if (is_string_lit(items[i]) && t->kind != SL_TYPE_STRING) {
                        sl_expr *c2 = coerce_literal(z, items[i], t);
                        if (!c2)
                                return items[i];
                        items[i] = c2;
                        continue;
                }
                if (!(c = sl_cast_common_type(z->arena, t, items[i]->type)))
                        return items[i];
                t = c;
        }
        for (size_t i = 0; i < n; i++)
                items[i] = sl_expr_convert(z->arena, items[i], t);
        *out = t;
        return NULL;
}

/* A literal's text for "invalid input syntax" messages: string contents unquoted. */
static const char *lit_text(az *z, const sl_expr *e)
{
        if (is_string_lit(e))
                return sl_arena_strndup(z->arena, (const char *)e->value.u.bytes, e->value.len);
        return e->ast ? az_expr_text(z, e->ast) : "?";
}

/* Literal coercion inside IN lists and ARRAY constructors (ksqlDB's CoercionUtil): against a
 * STRING, other literals become their text; against a number, a string literal must read as a
 * number (widening the list when it needs a wider type); otherwise a string literal must read as
 * the target type. Returns the item, a coerced constant, or NULL when it cannot convert. */
static sl_expr *coerce_item(az *z, sl_expr *it, const sl_type *target, const sl_expr *against)
{
        if (it->kind != SL_EXPR_CONST || sl_value_is_null(&it->value) || sl_type_eq(it->type, target))
                return it;
        if (target->kind == SL_TYPE_STRING && !sl_type_is_composite(it->type)) {
                sl_expr *c = sl_expr_const(z->arena, sl_value_cstr_copy(z->arena, sl_value_to_cstr(z->arena, &it->value)),
                                           sl_type_string());
                c->ast = it->ast;
                return c;
        }
        if (!is_string_lit(it))
                return it;
        if (against && is_time_pseudo(z, against))
                return magic_time(z, it);
        {
                sl_expr *c = coerce_literal(z, it, target);
                sl_decimal d;
                sl_err_detail e;

                if (c || !sl_type_is_numeric(target))
                        return c;
                if (sl_decimal_parse((const char *)it->value.u.bytes, it->value.len, &d, &e) != SL_OK)
                        return NULL;
                c = sl_expr_const(z->arena, sl_value_decimal(d), sl_type_decimal(d.precision, d.scale));
                c->ast = it->ast;
                return c;
        }
}

static sl_expr *in_predicate(az *z, const sl_ast_expr *ast)
{
        size_t n = ast->list ? ast->list->len : 0;
        sl_expr *e = mk(z, SL_EXPR_IN, sl_type_boolean(), n + 1, ast);
        const sl_type *common, *vt;
        sl_expr *bad;

        if (!(e->args[0] = az_expr(z, ast->a)))
                return NULL;
        vt = e->args[0]->type;
        for (size_t i = 0; i < n; i++) {
                sl_expr *it = az_expr(z, ast->list->items[i]), *c;

                if (!it)
                        return NULL;
                if (vt->kind != SL_TYPE_NULL && !(c = coerce_item(z, it, vt, e->args[0])))
                        return az_fail(z, it->ast ? it->ast->pos : ast->pos, "Invalid Predicate: invalid input syntax for type %s: \"%s\"",
                                       sl_type_kind_name(vt->kind), lit_text(z, it));
                e->args[i + 1] = vt->kind != SL_TYPE_NULL ? c : it;
        }
        if ((bad = list_common(z, e->args, n + 1, &common)) != NULL)
                return az_fail(z, bad->ast ? bad->ast->pos : ast->pos,
                               "Invalid Predicate: operator does not exist: %s = %s (%s)",
                               az_type_text(z, e->args[0]->type), az_type_text(z, bad->type),
                               bad->ast ? az_expr_text(z, bad->ast) : "?");
        e->negated = ast->negated;
        e->constant = all_constant(e->args, n + 1);
        return e;
}

static sl_expr *case_expr(az *z, const sl_ast_expr *ast)
{
        size_t nw = ast->list ? ast->list->len : 0;
        size_t n = 2 * nw + (ast->b ? 1 : 0);
        sl_expr *e = mk(z, SL_EXPR_CASE, NULL, n, ast), *operand = NULL;
        const sl_type *t = sl_type_null();

        if (ast->a && !(operand = az_expr(z, ast->a)))
                return NULL;
        for (size_t i = 0; i < nw; i++) {
                const sl_ast_expr *w = ast->list->items[i];
                sl_expr *cond = az_expr(z, w->a), *then;

                if (!cond)
                        return NULL;
                if (operand) {
                        if (!(cond = comparison(z, w->a, SL_AST_OP_EQ, operand, cond, ast->a, w->a)))
                                return NULL;
                } else if (cond->type->kind != SL_TYPE_BOOLEAN && cond->type->kind != SL_TYPE_NULL) {
                        return az_fail(z, w->a->pos, "WHEN operand type should be boolean. Type for '%s' is %s",
                                       az_expr_text(z, w->a), az_type_text(z, cond->type));
                }
                if (!(then = az_expr(z, w->b)))
                        return NULL;
                e->args[2 * i] = cond;
                e->args[2 * i + 1] = then;
        }
        if (ast->b) {
                if (!(e->args[n - 1] = az_expr(z, ast->b)))
                        return NULL;
                e->has_else = true;
        }
        for (size_t i = 0; i < n; i++) {
                sl_expr *r = e->args[i];
                const sl_type *c;

                if ((i % 2 == 0 && i != n - 1) || (i == n - 1 && !e->has_else && i % 2 == 0))
                        continue;
                if (r->type->kind == SL_TYPE_NULL)
                        continue;
                if (t->kind == SL_TYPE_NULL) {
                        t = r->type;
                        continue;
                }
                if (!(c = sl_cast_common_type(z->arena, t, r->type)))
                        return az_fail(z, r->ast ? r->ast->pos : ast->pos,
                                       "Invalid Case expression. Type for all 'THEN' clauses should be the same.\n"
                                       "THEN expression '%s' has type: %s.",
                                       r->ast ? az_expr_text(z, r->ast) : "?", az_type_text(z, r->type));
                t = c;
        }
        if (t->kind == SL_TYPE_NULL)
                return az_fail(z, ast->pos, "Invalid Case expression. All case branches have NULL type");
        for (size_t i = 0; i < n; i++)
                if (i % 2 == 1 || (i == n - 1 && e->has_else))
                        e->args[i] = sl_expr_convert(z->arena, e->args[i], t);
        e->type = t;
        e->constant = all_constant(e->args, n);
        return e;
}

static sl_expr *subscript(az *z, const sl_ast_expr *ast)
{
        sl_expr *base = az_expr(z, ast->a), *idx, *e;

        if (!base || !(idx = az_expr(z, ast->b)))
                return NULL;
        if (base->type->kind == SL_TYPE_ARRAY) {
                if (!sl_type_is_integral(idx->type) && idx->type->kind != SL_TYPE_NULL)
                        return az_fail(z, ast->b->pos, "%sArray index must be an INTEGER, got %s", z->prefix,
                                       az_type_text(z, idx->type));
                idx = sl_expr_convert(z->arena, idx, sl_type_bigint());
                e = mk(z, SL_EXPR_SUBSCRIPT, base->type->elem, 2, ast);
        } else if (base->type->kind == SL_TYPE_MAP) {
                if (idx->type->kind != base->type->key->kind && is_string_lit(idx)) {
                        sl_expr *c = coerce_literal(z, idx, base->type->key);
                        if (c)
                                idx = c;
                }
                if (!sl_cast_implicit_ok(idx->type, base->type->key))
                        return az_fail(z, ast->b->pos, "%sMap key must be %s, got %s", z->prefix,
                                       az_type_text(z, base->type->key), az_type_text(z, idx->type));
                idx = sl_expr_convert(z->arena, idx, base->type->key);
                e = mk(z, SL_EXPR_SUBSCRIPT, base->type->elem, 2, ast);
        } else {
                return az_fail(z, ast->pos, "%sCannot subscript a value of type %s: %s", z->prefix,
                               az_type_text(z, base->type), az_expr_text(z, ast->a));
        }
        e->args[0] = base;
        e->args[1] = idx;
        e->constant = base->constant && idx->constant;
        return e;
}

static sl_expr *deref(az *z, const sl_ast_expr *ast)
{
        sl_expr *base = az_expr(z, ast->a), *e;
        int f;

        if (!base)
                return NULL;
        if (base->type->kind != SL_TYPE_STRUCT)
                return az_fail(z, ast->pos, "%sCan't dereference a value of type %s: %s", z->prefix,
                               az_type_text(z, base->type), az_expr_text(z, ast));
        f = sl_type_struct_field_index(base->type, ast->name);
        if (f < 0)
                return az_fail(z, ast->pos, "%sCould not find field '%s' in '%s'.", z->prefix, ast->name,
                               az_expr_text(z, ast->a));
        e = mk(z, SL_EXPR_DEREF, base->type->fields[f].type, 1, ast);
        e->index = f;
        e->args[0] = base;
        e->constant = base->constant;
        return e;
}

static sl_expr *constructor(az *z, const sl_ast_expr *ast)
{
        size_t n = ast->list ? ast->list->len : 0;
        sl_expr *e;

        if (ast->kind == SL_AST_ARRAY) {
                const sl_type *t;
                sl_expr *bad;

                if (n == 0)
                        return az_fail(z, ast->pos, "Array constructor cannot be empty. Please supply at least one element "
                                                    "(see https://github.com/confluentinc/ksql/issues/4239).");
                e = mk(z, SL_EXPR_ARRAY, NULL, n, ast);
                for (size_t i = 0; i < n; i++)
                        if (!(e->args[i] = az_expr(z, ast->list->items[i])))
                                return NULL;
                {
                        /* literals take the type of the first non-NULL element */
                        const sl_type *first = NULL;

                        for (size_t i = 0; i < n && !first; i++)
                                if (e->args[i]->type->kind != SL_TYPE_NULL)
                                        first = e->args[i]->type;
                        for (size_t i = 0; first && i < n; i++) {
                                sl_expr *c = coerce_item(z, e->args[i], first, NULL);

                                if (!c)
                                        return az_fail(z, e->args[i]->ast ? e->args[i]->ast->pos : ast->pos,
                                                       "invalid input syntax for type %s: \"%s\"", az_type_text(z, first),
                                                       lit_text(z, e->args[i]));
                                e->args[i] = c;
                        }
                }
                if ((bad = list_common(z, e->args, n, &t)) != NULL)
                        return az_fail(z, bad->ast ? bad->ast->pos : ast->pos,
                                       "invalid input syntax for type %s: \"%s\"", az_type_text(z, e->args[0]->type),
                                       bad->ast ? az_expr_text(z, bad->ast) : "?");
                if (t->kind == SL_TYPE_NULL)
                        return az_fail(z, ast->pos, "Cannot construct an array with all NULL elements "
                                                    "(see https://github.com/confluentinc/ksql/issues/4239). As a "
                                                    "workaround, you may cast a NULL value to the desired type.");
                e->type = sl_type_array(z->arena, t);
        } else if (ast->kind == SL_AST_MAP) {
                sl_expr **keys = sl_arena_calloc(z->arena, n ? n : 1, sizeof(*keys));
                sl_expr **vals = sl_arena_calloc(z->arena, n ? n : 1, sizeof(*vals));
                const sl_type *kt, *vt;

                if (n == 0)
                        return az_fail(z, ast->pos, "Map constructor cannot be empty. Please supply at least one key value "
                                                    "pair (see https://github.com/confluentinc/ksql/issues/4239).");
                for (size_t i = 0; i < n; i++) {
                        const sl_ast_expr *en = ast->list->items[i];

                        if (!(keys[i] = az_expr(z, en->a)) || !(vals[i] = az_expr(z, en->b)))
                                return NULL;
                }
                for (int side = 0; side < 2; side++) {
                        sl_expr **xs = side ? vals : keys;
                        const sl_type *first = NULL;

                        for (size_t i = 0; i < n && !first; i++)
                                if (xs[i]->type->kind != SL_TYPE_NULL)
                                        first = xs[i]->type;
                        for (size_t i = 0; first && i < n; i++) {
                                sl_expr *c = coerce_item(z, xs[i], first, NULL);

                                if (!c)
                                        return az_fail(z, xs[i]->ast ? xs[i]->ast->pos : ast->pos,
                                                       "invalid input syntax for type %s: \"%s\".", az_type_text(z, first),
                                                       lit_text(z, xs[i]));
                                xs[i] = c;
                        }
                }
                if (list_common(z, keys, n, &kt) || list_common(z, vals, n, &vt))
                        return az_fail(z, ast->pos, "Map keys and values must each have one type: %s",
                                       az_expr_text(z, ast));
                if (kt->kind == SL_TYPE_NULL)
                        return az_fail(z, ast->pos, "Cannot construct a map with all NULL keys");
                if (vt->kind == SL_TYPE_NULL)
                        return az_fail(z, ast->pos, "Cannot construct a map with all NULL values");
                e = mk(z, SL_EXPR_MAP, sl_type_map(z->arena, kt, vt), 2 * n, ast);
                for (size_t i = 0; i < n; i++) {
                        e->args[2 * i] = keys[i];
                        e->args[2 * i + 1] = vals[i];
                }
        } else {
                sl_type_field *f = sl_arena_calloc(z->arena, n ? n : 1, sizeof(*f));

                e = mk(z, SL_EXPR_STRUCT, NULL, n, ast);
                for (size_t i = 0; i < n; i++) {
                        const sl_ast_expr *fe = ast->list->items[i];

                        for (size_t j = 0; j < i; j++)
                                if (strcmp(f[j].name, fe->name) == 0)
                                        return az_fail(z, fe->pos, "Duplicate field names found in STRUCT");
                        if (!(e->args[i] = az_expr(z, fe->a)))
                                return NULL;
                        f[i].name = fe->name;
                        f[i].type = e->args[i]->type;
                        if (f[i].type->kind == SL_TYPE_NULL)
                                f[i].type = sl_type_string();  /* ksqlDB types a NULL field as STRING */
                }
                e->type = sl_type_struct(z->arena, f, n);
        }
        e->constant = all_constant(e->args, e->nargs);
        return e;
}

static sl_expr *cast(az *z, const sl_ast_expr *ast)
{
        sl_expr *a = az_expr(z, ast->a), *e;
        const sl_type *to;
        sl_err_detail err;

        if (!a || !(to = az_type(z, ast->type)))
                return NULL;
        if (a->type->kind != SL_TYPE_NULL && sl_cast_check(a->type, to, &err) != SL_OK)
                return az_fail(z, ast->pos, "%s%s", strcmp(z->clause, "SELECT") == 0   ? "Invalid Select: "
                                                    : strcmp(z->clause, "WHERE") == 0 ? "Invalid Predicate: "
                                                                                      : z->prefix,
                               err.message);
        e = mk(z, SL_EXPR_CAST, to, 1, ast);
        e->args[0] = a;
        e->constant = a->constant;
        return e;
}

static sl_expr *input_expr(az *z, const sl_ast_expr *ast)
{
        sl_expr *e, *l, *r;

        switch (ast->kind) {
        case SL_AST_NULL: case SL_AST_BOOL: case SL_AST_INTEGER: case SL_AST_DECIMAL: case SL_AST_DOUBLE:
        case SL_AST_STRING: case SL_AST_TYPED_LIT:
                return literal(z, ast);
        case SL_AST_VARIABLE:
                return az_fail(z, ast->pos, "Can't find variable ${%s}", ast->name);
        case SL_AST_COLUMN:
                return column(z, ast);
        case SL_AST_DEREF:
                return deref(z, ast);
        case SL_AST_SUBSCRIPT:
                return subscript(z, ast);
        case SL_AST_CALL:
                return call(z, ast);
        case SL_AST_UNIT:
                return az_fail(z, ast->pos, "Unexpected time unit %s", ast->name);
        case SL_AST_UNARY:
                if (!(l = az_expr(z, ast->a)))
                        return NULL;
                if (ast->op == SL_AST_OP_NOT) {
                        if (l->type->kind != SL_TYPE_BOOLEAN && l->type->kind != SL_TYPE_NULL)
                                return az_fail(z, ast->pos, "%sNOT requires a BOOLEAN operand, got %s (%s)", z->prefix,
                                               az_expr_text(z, ast->a), az_type_text(z, l->type));
                        e = mk(z, SL_EXPR_NOT, sl_type_boolean(), 1, ast);
                } else {
                        if (!sl_type_is_numeric(l->type) && l->type->kind != SL_TYPE_NULL)
                                return az_fail(z, ast->pos, "%sUnary %s requires a numeric operand, got %s (%s)",
                                               z->prefix, ast->op == SL_AST_OP_NEG ? "-" : "+",
                                               az_expr_text(z, ast->a), az_type_text(z, l->type));
                        if (ast->op == SL_AST_OP_POS)
                                return l;
                        e = mk(z, SL_EXPR_NEG, l->type->kind == SL_TYPE_NULL ? sl_type_int() : l->type, 1, ast);
                }
                e->args[0] = l;
                e->constant = l->constant;
                return e;
        case SL_AST_BINARY:
                if (!(l = az_expr(z, ast->a)) || !(r = az_expr(z, ast->b)))
                        return NULL;
                switch (ast->op) {
                case SL_AST_OP_AND:
                case SL_AST_OP_OR:
                        if (!az_expect_boolean(z, l, ast->a, z->clause) || !az_expect_boolean(z, r, ast->b, z->clause))
                                return NULL;
                        return mk_binary(z, ast->op == SL_AST_OP_AND ? SL_EXPR_AND : SL_EXPR_OR, sl_type_boolean(), ast,
                                         l, r);
                case SL_AST_OP_EQ: case SL_AST_OP_NE: case SL_AST_OP_LT: case SL_AST_OP_LE: case SL_AST_OP_GT:
                case SL_AST_OP_GE:
                        return comparison(z, ast, ast->op, l, r, ast->a, ast->b);
                default:
                        return arithmetic(z, ast, ast->op, l, r);
                }
        case SL_AST_BETWEEN: {
                sl_expr *v = az_expr(z, ast->a), *lo, *hi, *c1, *c2;

                if (!v || !(lo = az_expr(z, ast->b)) || !(hi = az_expr(z, ast->c)))
                        return NULL;
                if (!(c1 = comparison(z, ast, SL_AST_OP_GE, v, lo, ast->a, ast->b)) ||
                    !(c2 = comparison(z, ast, SL_AST_OP_LE, v, hi, ast->a, ast->c)))
                        return NULL;
                e = mk(z, SL_EXPR_BETWEEN, sl_type_boolean(), 3, ast);
                e->args[0] = c1->args[0];
                e->args[1] = c1->args[1];
                e->args[2] = c2->args[1];
                if (!sl_type_eq(c1->args[0]->type, c2->args[0]->type)) {
                        const sl_type *t = sl_cast_common_type(z->arena, c1->args[0]->type, c2->args[0]->type);

                        for (int i = 0; i < 3 && t; i++)
                                e->args[i] = sl_expr_convert(z->arena, i == 2 ? c2->args[1] : e->args[i], t);
                }
                e->negated = ast->negated;
                e->constant = all_constant(e->args, 3);
                return e;
        }
        case SL_AST_IN:
                return in_predicate(z, ast);
        case SL_AST_LIKE: {
                sl_expr *v = az_expr(z, ast->a), *p;

                if (!v || !(p = az_expr(z, ast->b)))
                        return NULL;
                if ((v->type->kind != SL_TYPE_STRING && v->type->kind != SL_TYPE_NULL) ||
                    (p->type->kind != SL_TYPE_STRING && p->type->kind != SL_TYPE_NULL))
                        return az_fail(z, ast->pos, "%sLIKE requires STRING operands: %s", z->prefix,
                                       az_expr_text(z, ast));
                if (ast->text && strlen(ast->text) != 1)
                        return az_fail(z, ast->pos, "%sLIKE escape must be a single character: '%s'", z->prefix,
                                       ast->text);
                e = mk(z, SL_EXPR_LIKE, sl_type_boolean(), 2, ast);
                e->args[0] = v;
                e->args[1] = p;
                e->escape = ast->text ? ast->text[0] : 0;
                e->negated = ast->negated;
                e->constant = v->constant && p->constant;
                return e;
        }
        case SL_AST_IS_NULL:
                if (!(l = az_expr(z, ast->a)))
                        return NULL;
                e = mk(z, SL_EXPR_IS_NULL, sl_type_boolean(), 1, ast);
                e->args[0] = l;
                e->negated = ast->negated;
                e->constant = l->constant;
                return e;
        case SL_AST_IS_DISTINCT:
                if (!(l = az_expr(z, ast->a)) || !(r = az_expr(z, ast->b)))
                        return NULL;
                if (!unify_comparison(z, &l, &r))
                        return az_fail(z, ast->pos, "%sCannot compare %s (%s) to %s (%s) with IS_DISTINCT_FROM.",
                                       z->prefix, az_expr_text(z, ast->a), az_type_text(z, l->type),
                                       az_expr_text(z, ast->b), az_type_text(z, r->type));
                e = mk_binary(z, SL_EXPR_IS_DISTINCT, sl_type_boolean(), ast, l, r);
                e->negated = ast->negated;
                return e;
        case SL_AST_CASE:
                return case_expr(z, ast);
        case SL_AST_CAST:
                return cast(z, ast);
        case SL_AST_ARRAY: case SL_AST_MAP: case SL_AST_STRUCT:
                return constructor(z, ast);
        case SL_AST_LAMBDA:
                return az_fail(z, ast->pos, "Lambdas are only allowed as arguments of TRANSFORM, FILTER and REDUCE");
        case SL_AST_WHEN: case SL_AST_ENTRY: case SL_AST_FIELD:
                break;
        }
        return az_fail(z, ast->pos, "unexpected expression");
}

static bool reads_row(const sl_expr *e)
{
        if (e->kind == SL_EXPR_COLUMN)
                return true;
        for (size_t i = 0; i < e->nargs; i++)
                if (e->args[i] && reads_row(e->args[i]))
                        return true;
        return false;
}

/* Over the agg row: see the file comment. */
static sl_expr *agg_phase_expr(az *z, const sl_ast_expr *ast)
{
        sl_analysis *a = z->a;
        sl_expr *t;

        if (ast->kind == SL_AST_CALL && az_is_aggregate(z, ast->name))
                return aggregate_call(z, ast);
        if (az_has_aggregate(z, ast))
                return input_expr(z, ast);
        z->agg_phase = false;
        t = input_expr(z, ast);
        z->agg_phase = true;
        if (!t)
                return NULL;
        for (size_t k = 0; k < a->ngroup_by; k++)
                if (sl_expr_equal(t, a->group_by[k]))
                        return column_slot(z, ast, k, t->type);
        if (!reads_row(t))
                return t;
        if (t->kind == SL_EXPR_COLUMN) {
                if (t->index == (int)(a->pseudo_base + SL_PSEUDO_WINDOWSTART))
                        return column_slot(z, ast, a->ngroup_by, t->type);
                if (t->index == (int)(a->pseudo_base + SL_PSEUDO_WINDOWEND))
                        return column_slot(z, ast, a->ngroup_by + 1, t->type);
                if (!z->nonagg_seen)
                        z->nonagg_ast = ast;
                z->nonagg_seen = true;
                return t;
        }
        /* not a key as a whole: look inside */
        return input_expr(z, ast);
}

sl_expr *az_expr(az *z, const sl_ast_expr *e)
{
        if (z->failed)
                return NULL;
        if (z->agg_phase && !z->in_agg)
                return agg_phase_expr(z, e);
        return input_expr(z, e);
}
