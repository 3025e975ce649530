/* expr_compile.c: typed expression nodes (built by the analyzer) and their compilation for the
 * evaluator: a deep copy into the plan's arena with every deterministic constant sub-tree folded
 * to a CONST, and checks that the tree holds nothing the evaluator cannot run (table functions are
 * the planner's, not the evaluator's). Evaluation is in expr_eval.c. */
#include "sql/expr_compile.h"

#include <string.h>

#include "types/compare.h"

struct sl_expr_prog {
        const sl_expr *root;  /* the folded tree, in the plan's arena */
        size_t nlvars;        /* lambda slots the evaluator needs */
};

sl_expr *sl_expr_new(sl_arena *arena, sl_expr_kind kind, const sl_type *type, size_t nargs)
{
        sl_expr *e = sl_arena_calloc(arena, 1, sizeof(*e));

        e->kind = kind;
        e->type = type;
        e->nargs = nargs;
        e->args = nargs ? sl_arena_calloc(arena, nargs, sizeof(*e->args)) : NULL;
        return e;
}

sl_expr *sl_expr_const(sl_arena *arena, sl_value v, const sl_type *type)
{
        sl_expr *e = sl_expr_new(arena, SL_EXPR_CONST, type, 0);

        e->value = v;
        e->constant = true;
        return e;
}

sl_expr *sl_expr_convert(sl_arena *arena, sl_expr *e, const sl_type *to)
{
        sl_expr *c;

        if (!e || !to || sl_type_eq(e->type, to))
                return e;
        if (e->type->kind == SL_TYPE_NULL) {
                if (e->kind == SL_EXPR_CONST) {
                        sl_expr *n = sl_expr_const(arena, sl_value_null(), to);
                        n->ast = e->ast;
                        return n;
                }
        }
        c = sl_expr_new(arena, SL_EXPR_CONVERT, to, 1);
        c->args[0] = e;
        c->constant = e->constant;
        c->ast = e->ast;
        return c;
}

bool sl_expr_equal(const sl_expr *a, const sl_expr *b)
{
        if (a == b)
                return true;
        if (!a || !b)
                return false;
        /* implicit conversions do not make two expressions different */
        if (a->kind == SL_EXPR_CONVERT && b->kind != SL_EXPR_CONVERT)
                return sl_expr_equal(a->args[0], b);
        if (b->kind == SL_EXPR_CONVERT && a->kind != SL_EXPR_CONVERT)
                return sl_expr_equal(a, b->args[0]);
        if (a->kind != b->kind || a->nargs != b->nargs || a->op != b->op || a->negated != b->negated ||
            a->has_else != b->has_else || a->escape != b->escape || a->index != b->index || a->nparams != b->nparams)
                return false;
        if (a->kind == SL_EXPR_CONST) {
                if (!sl_type_eq(a->type, b->type))
                        return false;
                if (sl_value_is_null(&a->value) || sl_value_is_null(&b->value))
                        return sl_value_is_null(&a->value) && sl_value_is_null(&b->value);
                return sl_value_eq(&a->value, &b->value);
        }
        if ((a->kind == SL_EXPR_CAST || a->kind == SL_EXPR_CONVERT) && !sl_type_eq(a->type, b->type))
                return false;
        if (a->kind == SL_EXPR_CALL && (a->fn ? a->fn->ov : NULL) != (b->fn ? b->fn->ov : NULL))
                return false;
        if (a->kind == SL_EXPR_CALL && !a->fn && a->ast && b->ast && a->ast->name && b->ast->name &&
            strcmp(a->ast->name, b->ast->name) != 0)
                return false;
        if (a->kind == SL_EXPR_STRUCT && !sl_type_eq(a->type, b->type))
                return false;
        for (size_t i = 0; i < a->nargs; i++)
                if (!sl_expr_equal(a->args[i], b->args[i]))
                        return false;
        return true;
}

bool sl_expr_uses_column(const sl_expr *e, int index)
{
        if (!e)
                return false;
        if (e->kind == SL_EXPR_COLUMN && e->index == index)
                return true;
        for (size_t i = 0; i < e->nargs; i++)
                if (sl_expr_uses_column(e->args[i], index))
                        return true;
        return false;
}

/* Copies `e` into `arena`, folding constant sub-trees. NULL (err set) for what cannot run. */
static sl_expr *compile_node(sl_arena *arena, const sl_expr *e, size_t nlvars, sl_err_detail *err)
{
        sl_expr *c = sl_expr_new(arena, e->kind, e->type, e->nargs);
        sl_expr **args = c->args;

        *c = *e;
        c->args = args;
        /* a literal's bytes may live in the statement's AST: the program keeps its own copy */
        if (e->kind == SL_EXPR_CONST)
                c->value = sl_value_copy(arena, &e->value);
        if (e->kind == SL_EXPR_CALL && !e->fn) {
                sl_err_set(err, SL_ERR_UNSUPPORTED, "table function %s cannot be evaluated as a scalar expression",
                           e->ast && e->ast->name ? e->ast->name : "?");
                return NULL;
        }
        for (size_t i = 0; i < e->nargs; i++)
                if (!(c->args[i] = compile_node(arena, e->args[i], nlvars, err)))
                        return NULL;
        if (e->constant && e->kind != SL_EXPR_CONST && e->kind != SL_EXPR_LAMBDA) {
                sl_expr_ctx ctx = {.arena = arena};
                sl_value v;

                ctx.lvars = nlvars ? sl_arena_calloc(arena, nlvars, sizeof(sl_value)) : NULL;
                sl_expr_eval_tree(c, &ctx, &v);
                if (ctx.errors == 0) {
                        sl_expr *k = sl_expr_const(arena, v, e->type);
                        k->ast = e->ast;
                        return k;
                }
        }
        return c;
}

sl_expr_prog *sl_expr_compile(sl_arena *arena, const sl_expr *e, size_t nlvars, sl_err_detail *err)
{
        sl_expr_prog *p = sl_arena_calloc(arena, 1, sizeof(*p));

        p->nlvars = nlvars;
        if (!(p->root = compile_node(arena, e, nlvars, err)))
                return NULL;
        return p;
}

size_t sl_expr_prog_nlvars(const sl_expr_prog *prog)
{
        return prog->nlvars;
}

const sl_type *sl_expr_prog_type(const sl_expr_prog *prog)
{
        return prog->root->type;
}

const sl_expr *sl_expr_prog_root(const sl_expr_prog *prog)
{
        return prog->root;
}

void sl_expr_eval(const sl_expr_prog *prog, sl_expr_ctx *ctx, sl_value *out)
{
        sl_expr_eval_tree(prog->root, ctx, out);
}

bool sl_expr_eval_pred(const sl_expr_prog *prog, sl_expr_ctx *ctx)
{
        sl_value v;

        sl_expr_eval_tree(prog->root, ctx, &v);
        return v.kind == SL_TYPE_BOOLEAN && v.u.b;
}
