/* expr_compile.h: typed, resolved expressions and their compiled form.
 *
 * The analyzer turns an AST expression into an sl_expr tree: every node has its static type, every
 * column reference is a slot index into the row layout the analyzer chose (sl_analysis in
 * analyze.h documents it), every function call is resolved to one overload, implicit widenings are
 * explicit CONVERT nodes, and lambda parameters are slots of their own. Nothing is looked up by
 * name after that.
 *
 * sl_expr_compile then prepares a tree for evaluation once per query (constant folding of
 * deterministic sub-trees, LIKE patterns pre-split), and sl_expr_eval evaluates it per row over an
 * array of sl_value with SQL's three-valued logic. Evaluation allocates only from the caller's
 * per-batch arena; a runtime failure (division by zero, a failed cast, a function error) yields
 * NULL and is counted in the context, as ksqlDB logs the error and goes on with a null. */
#ifndef SL_SQL_EXPR_COMPILE_H
#define SL_SQL_EXPR_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "func/registry.h"
#include "sql/ast.h"
#include "types/type.h"
#include "types/value.h"

typedef enum sl_expr_kind {
        SL_EXPR_CONST,        /* value */
        SL_EXPR_COLUMN,       /* index: slot of the row */
        SL_EXPR_LAMBDA_VAR,   /* index: lambda parameter slot */
        SL_EXPR_CONVERT,      /* args[0] widened implicitly to `type` */
        SL_EXPR_CAST,         /* CAST(args[0] AS type): failure gives NULL */
        SL_EXPR_NEG,          /* -args[0] */
        SL_EXPR_ARITH,        /* args[0] op args[1], op ADD SUB MUL DIV MOD; operands already of
                               * one kind (DECIMALs may differ in precision and scale) */
        SL_EXPR_CONCAT,       /* STRING args[0] + args[1] (|| or + on strings) */
        SL_EXPR_CMP,          /* args[0] op args[1], op EQ NE LT LE GT GE; operands of one kind */
        SL_EXPR_AND,          /* args[0..nargs) */
        SL_EXPR_OR,           /* args[0..nargs) */
        SL_EXPR_NOT,          /* args[0] */
        SL_EXPR_IS_NULL,      /* args[0] IS [NOT] NULL (negated) */
        SL_EXPR_IS_DISTINCT,  /* args[0] IS [NOT] DISTINCT FROM args[1] (negated) */
        SL_EXPR_BETWEEN,      /* args[0] [NOT] BETWEEN args[1] AND args[2] */
        SL_EXPR_IN,           /* args[0] [NOT] IN (args[1..nargs)) */
        SL_EXPR_LIKE,         /* args[0] [NOT] LIKE args[1], escape (0: none) */
        SL_EXPR_CASE,         /* args: WHEN0, THEN0, WHEN1, THEN1, ..., [ELSE] (has_else) */
        SL_EXPR_DEREF,        /* args[0]->field #index */
        SL_EXPR_SUBSCRIPT,    /* args[0][args[1]]: ARRAY (1-based, negative from the end) or MAP */
        SL_EXPR_CALL,         /* fn(args): a scalar function */
        SL_EXPR_ARRAY,        /* ARRAY[args] */
        SL_EXPR_MAP,          /* MAP(args[0] := args[1], ...) */
        SL_EXPR_STRUCT,       /* STRUCT(field i := args[i]) of `type` */
        SL_EXPR_LAMBDA,       /* params at slots index..index+nparams, body args[0] */
} sl_expr_kind;

typedef struct sl_expr sl_expr;

struct sl_expr {
        sl_expr_kind kind;
        const sl_type *type;          /* static result type; sl_type_null() for a NULL literal */
        sl_ast_op op;                 /* ARITH, CMP */
        bool negated;                 /* IS_NULL, IS_DISTINCT, BETWEEN, IN, LIKE */
        bool has_else;                /* CASE */
        bool constant;                /* no column, no lambda variable, deterministic */
        char escape;                  /* LIKE escape character, 0 when none */
        int index;                    /* COLUMN / LAMBDA_VAR slot, DEREF field, LAMBDA first slot */
        size_t nparams;               /* LAMBDA arity */
        sl_value value;               /* CONST */
        sl_expr **args;               /* operands */
        size_t nargs;
        const sl_func_resolved *fn;   /* CALL */
        const sl_ast_expr *ast;       /* where it came from (messages, names); may be NULL */
};

/* Builds a node in `arena` with room for `nargs` operands (zeroed). */
sl_expr *sl_expr_new(sl_arena *arena, sl_expr_kind kind, const sl_type *type, size_t nargs);
/* A CONST node. The value is borrowed (keep what it points to alive in `arena` or longer). */
sl_expr *sl_expr_const(sl_arena *arena, sl_value v, const sl_type *type);
/* `e` widened to `to` (no node when the types are equal or `e` is a NULL literal). */
sl_expr *sl_expr_convert(sl_arena *arena, sl_expr *e, const sl_type *to);
/* Structural equality of two resolved trees (same slots, operators, constants, functions). */
bool sl_expr_equal(const sl_expr *a, const sl_expr *b);
/* True when the tree reads slot `index` of the row. */
bool sl_expr_uses_column(const sl_expr *e, int index);

/* ---- compilation and evaluation ---- */

typedef struct sl_expr_prog sl_expr_prog;

/* The per-row evaluation context, filled by the caller (an operator) and reused across rows. */
typedef struct sl_expr_ctx {
        sl_arena *arena;           /* per-batch arena: every result and temporary goes here */
        const sl_value *row;       /* the row, laid out as the analyzer said */
        sl_value *lvars;           /* lambda parameter slots: at least sl_expr_prog_nlvars */
        uint64_t errors;           /* runtime errors turned into NULL so far (incremented) */
        sl_err_detail last_error;  /* the most recent such error, for the processing log */
} sl_expr_ctx;

/* Compiles `e` for evaluation; the program lives in `arena` (the plan's) and borrows nothing from
 * the analyzer's arena except types and resolved functions, which the caller keeps alive.
 * `nlvars` is the number of lambda slots (sl_analysis.nlvars). Folds constant sub-trees.
 * Returns NULL only for a tree the evaluator cannot run (err says why). */
sl_expr_prog *sl_expr_compile(sl_arena *arena, const sl_expr *e, size_t nlvars, sl_err_detail *err);
size_t sl_expr_prog_nlvars(const sl_expr_prog *prog);
const sl_type *sl_expr_prog_type(const sl_expr_prog *prog);
/* The folded tree (for tests and EXPLAIN). */
const sl_expr *sl_expr_prog_root(const sl_expr_prog *prog);

/* Evaluates into *out (memory from ctx->arena). Never fails: runtime errors give NULL and are
 * counted in ctx. Thread: a program is read-only and may be shared; a ctx is per thread. */
void sl_expr_eval(const sl_expr_prog *prog, sl_expr_ctx *ctx, sl_value *out);
/* Evaluates a tree directly (no folding). Same contract. */
void sl_expr_eval_tree(const sl_expr *e, sl_expr_ctx *ctx, sl_value *out);
/* For predicates: true only when the result is TRUE (FALSE and NULL drop the row). */
bool sl_expr_eval_pred(const sl_expr_prog *prog, sl_expr_ctx *ctx);

/* SQL LIKE on byte strings: % any run, _ one UTF-8 character, `escape` (0 none) quotes the next
 * pattern character. Exposed for tests and pull-query key ranges. */
bool sl_expr_like_match(const char *s, size_t slen, const char *pat, size_t plen, char escape);

#endif
