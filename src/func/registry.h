/* registry.h: the function registry. Every function callable from SQL -- built-in or loaded from a
 * UDF plugin -- is an sl_func (a name, a kind, DESCRIBE FUNCTION texts) with typed overloads. The
 * analyzer resolves a call to one overload with sl_func_registry_resolve; the evaluator then calls
 * it through sl_func_call with an sl_func_ctx.
 *
 * Signatures are written as text and parsed once at registration:
 *   params   "STRING str, INT pos, INT len"     names are optional and only for DESCRIBE
 *            "ARRAY<T> list, T val"             a single capital letter is a type variable
 *            "STRING... strs"                   `...` makes the last parameter variadic (0+ times)
 *            "ARRAY<T>, LAMBDA<T, U>"           a lambda taking T and returning U (last = return)
 *   types    BOOLEAN INT BIGINT DOUBLE STRING BYTES DATE TIME TIMESTAMP, DECIMAL (any precision
 *            and scale), ANY (any type, not bound), STRUCT (any struct), ARRAY<p>, MAP<p, p>
 *   returns  a pattern whose variables are all bound by the parameters ("ARRAY<U>"), or NULL with
 *            a ret_fn that computes the type from the resolved argument types.
 *
 * Resolution (ksqlDB's UdfIndex, as its messages and tests show it): a NULL literal (type NULL)
 * matches any parameter. Pass 1 looks for overloads that match exactly (a type variable binds at
 * its first non-NULL occurrence and later occurrences must be equal); when several match, the ones
 * without type variables, then the non-variadic ones are preferred, and a remaining tie is
 * ambiguous. Pass 2 allows ksqlDB's implicit widening INT -> BIGINT -> DECIMAL -> DOUBLE
 * (element-wise in ARRAY and MAP), and a type variable takes the widest type of its occurrences
 * (IFNULL(INT, BIGINT) is BIGINT); exactly one overload must then match, else the call is ambiguous
 * (GREATEST(INT, BIGINT) is, as in ksqlDB); in this pass a STRING literal that parses as ISO-8601
 * also matches a DATE, TIME or TIMESTAMP parameter (GREATEST(date_col, '2022-06-14')), and
 * sl_func_args_convert parses it; overloads flagged SL_FUNC_EXACT take part in pass 1 only (the
 * built-in aggregates: ksqlDB resolves UDAFs without implicit casts, so AVG(DECIMAL) is an
 * error, not a DOUBLE average). Lambda arguments are typed last: once the other
 * arguments bind the variables of a lambda's parameters, the caller's type_lambda callback types
 * the lambda body, and its result binds or must fit the lambda's return pattern.
 *
 * Threads: the registry is built at start (built-ins, then plugins) and only read afterwards;
 * concurrent reads are safe, writes are not. */
#ifndef SL_FUNC_REGISTRY_H
#define SL_FUNC_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "common/err.h"
#include "common/map.h"
#include "common/vec.h"
#include "types/type.h"
#include "types/value.h"

/* What a function computes per call. */
typedef enum sl_func_kind {
        SL_FUNC_SCALAR = 0,     /* one value per row */
        SL_FUNC_AGGREGATE = 1,  /* folds rows of a group (sl_func_agg_ops) */
        SL_FUNC_TABLE = 2,      /* zero or more rows per row: invoke returns an ARRAY of them, and the
                                 * resolved return type is the type of one row (the element) */
} sl_func_kind;

/* Kinds of type pattern nodes. */
typedef enum sl_func_pat_kind {
        SL_FUNC_PAT_TYPE,         /* a concrete primitive type */
        SL_FUNC_PAT_DECIMAL,      /* DECIMAL of any precision and scale */
        SL_FUNC_PAT_ANY,          /* any type; not bound */
        SL_FUNC_PAT_STRUCT,       /* any STRUCT */
        SL_FUNC_PAT_VAR,          /* a type variable */
        SL_FUNC_PAT_ARRAY,        /* ARRAY<elem> */
        SL_FUNC_PAT_MAP,          /* MAP<key, elem> */
        SL_FUNC_PAT_LAMBDA,       /* LAMBDA<params..., elem> */
} sl_func_pat_kind;

/* A parameter or return type pattern; immutable, lives in the registry's arena. */
typedef struct sl_func_pat sl_func_pat;
struct sl_func_pat {
        sl_func_pat_kind kind;
        const sl_type *type;              /* TYPE: the primitive singleton */
        int var;                          /* VAR: variable number, 0 ('A') .. 25 ('Z') */
        const sl_func_pat *key;           /* MAP: key pattern */
        const sl_func_pat *elem;          /* ARRAY element, MAP value, LAMBDA return */
        const sl_func_pat *const *params; /* LAMBDA: parameter patterns */
        size_t nparams;                   /* LAMBDA: arity */
};

typedef struct sl_func_ctx sl_func_ctx;
typedef struct sl_func sl_func;
typedef struct sl_func_overload sl_func_overload;
typedef struct sl_func_resolved sl_func_resolved;
typedef struct sl_func_registry sl_func_registry;
/* Aggregate callbacks (state type, init, accumulate, undo, merge, result); see below. */
typedef struct sl_func_agg_ops sl_func_agg_ops;

/* Computes one result into `out`; memory the result points to comes from ctx->arena or is borrowed
 * from the arguments (COALESCE returns one of them), so arguments must outlive results. Arguments
 * have already been converted to the resolved parameter types (ctx->res->args[i].type). Returns
 * SL_OK, with a NULL result for bad input where ksqlDB returns null, or an error code with
 * ctx->err filled when ksqlDB would throw (the evaluator logs it and the result is NULL). */
typedef sl_err (*sl_func_invoke_fn)(sl_func_ctx *ctx, const sl_value *args, size_t nargs, sl_value *out);
/* Computes the return type from the resolved argument types (lambda arguments: NULL), in `arena`. */
typedef sl_err (*sl_func_ret_fn)(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **ret,
                                 sl_err_detail *err);

/* Overload flags. */
enum {
        SL_FUNC_NULL_IN_NULL_OUT = 1 << 0,  /* any NULL argument gives NULL without calling invoke */
        SL_FUNC_NONDETERMINISTIC = 1 << 1,  /* RANDOM, UUID: never constant-folded */
        SL_FUNC_EXACT = 1 << 2,             /* matched without implicit casts (resolution pass 1 only) */
};

/* A parsed signature. */
typedef struct sl_func_sig {
        const sl_func_pat *const *params;  /* parameter patterns */
        const char *const *names;          /* parameter names ("" when unnamed) */
        size_t nparams;                    /* count, the variadic one included */
        bool variadic;                     /* the last parameter repeats 0 or more times */
        const sl_func_pat *ret;            /* return pattern, NULL when ret_fn computes it */
} sl_func_sig;

/* An aggregate (ksqlDB's Udaf<I, A, O>): the per-group state is an sl_value of the overload's
 * intermediate type, so that state stores can serialize it like any column. Every callback
 * allocates from ctx->arena and may return the state it was given, changed or not. NULL results
 * follow ksqlDB: accumulate sees NULL arguments and decides itself (COUNT(col) skips them).
 * For aggregates the overload's return type (sig.ret / ret_fn) is the output type O. */
struct sl_func_agg_ops {
        size_t size;  /* sizeof(sl_func_agg_ops) when built: later fields are optional */
        /* The intermediate type A for the resolved argument types (in `arena`). */
        sl_err (*state_type)(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                             sl_err_detail *err);
        /* The empty state. */
        sl_err (*init)(sl_func_ctx *ctx, sl_value *state);
        /* Folds one row's arguments into the state. */
        sl_err (*accumulate)(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                             sl_value *out);
        /* Removes one row (table aggregations, ksqlDB's TableUdaf); NULL when unsupported. */
        sl_err (*undo)(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out);
        /* Merges two states (session windows); NULL when unsupported. */
        sl_err (*merge)(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out);
        /* The output value of a state. */
        sl_err (*result)(sl_func_ctx *ctx, const sl_value *state, sl_value *out);
};

/* One typed overload of a function. */
struct sl_func_overload {
        sl_func_sig sig;             /* parameters and return pattern */
        sl_func_ret_fn ret_fn;       /* return type callback, or NULL */
        sl_func_invoke_fn invoke;    /* SCALAR and TABLE */
        const sl_func_agg_ops *agg;  /* AGGREGATE (borrowed; the plugin or built-in keeps it) */
        unsigned flags;              /* SL_FUNC_* above */
        void *udata;                 /* plugin data, handed back in ctx->udata */
        const char *description;     /* per overload, may be NULL */
        const sl_func *func;         /* the function it belongs to */
        /* AGGREGATE: how many of the call's last arguments are init arguments (ksqlDB's UDAF
         * factory parameters: TOPK's k, EARLIEST_BY_OFFSET's n and ignoreNulls), which must be
         * literals ("Parameter 2 passed to function X must be a literal constant, ..."). */
        size_t ninit;
};

/* A function: a name and its overloads. */
struct sl_func {
        const char *name;         /* as registered (built-ins: lower case, as ksqlDB's messages) */
        sl_func_kind kind;
        const char *category;     /* "STRING", "MATHEMATICAL", ... (SHOW FUNCTIONS) */
        const char *description;  /* DESCRIBE FUNCTION */
        const char *author;
        const char *version;
        sl_vec overloads;         /* of sl_func_overload *, in registration order */
};

/* What registers a function (the UDF loader fills it from the plugin's struct). */
typedef struct sl_func_def {
        const char *name;         /* case-insensitive key; copied */
        sl_func_kind kind;
        const char *category;     /* copied; NULL -> "OTHER" */
        const char *description;  /* copied; may be NULL */
        const char *author;       /* copied; may be NULL */
        const char *version;      /* copied; may be NULL */
} sl_func_def;

/* What registers one overload. */
typedef struct sl_func_overload_def {
        const char *params;          /* signature text, see the file comment */
        const char *returns;         /* return pattern text, or NULL with ret_fn */
        sl_func_ret_fn ret_fn;
        sl_func_invoke_fn invoke;
        const sl_func_agg_ops *agg;
        unsigned flags;
        void *udata;
        const char *description;     /* copied; may be NULL */
        size_t ninit;                /* AGGREGATE: see sl_func_overload.ninit */
} sl_func_overload_def;

/* A row of a family's built-in table: one overload; rows with the same name make one function. */
typedef struct sl_func_builtin {
        const char *name;
        const char *category;
        const char *description;  /* taken from the first row of the name that has one */
        const char *params;
        const char *returns;
        sl_func_invoke_fn invoke;
        unsigned flags;
        sl_func_ret_fn ret_fn;
} sl_func_builtin;

/* One argument as the analyzer sees it. */
typedef struct sl_func_arg {
        const sl_type *type;    /* static type; sl_type_null() for a NULL literal; NULL for a lambda */
        size_t lambda_arity;    /* lambda arguments only: number of parameters */
        const char *literal;    /* a STRING literal's text, or NULL: ksqlDB lets an ISO-8601 string
                                 * literal stand for a DATE, TIME or TIMESTAMP parameter */
        size_t literal_len;     /* its length */
} sl_func_arg;

/* Types a lambda body given its parameter types; returns the body's type in *ret. */
typedef sl_err (*sl_func_lambda_type_fn)(void *data, size_t argi, const sl_type *const *params, size_t nparams,
                                         const sl_type **ret, sl_err_detail *err);

/* One resolved argument. */
typedef struct sl_func_resolved_arg {
        const sl_type *type;             /* convert the argument to this (sl_type_null(): leave it); NULL for a lambda */
        const sl_type *const *lparams;   /* lambda: its parameter types */
        size_t nlparams;                 /* lambda: arity */
        const sl_type *lret;             /* lambda: the type its result must be converted to */
        /* AGGREGATE: the value of an init argument (one of the overload's last `ninit`), a literal
         * the analyzer has converted to `type`; NULL for other arguments. The callbacks read it here
         * (merge gets no arguments), as ksqlDB hands its UDAF factories their literal arguments. */
        const sl_value *constant;
} sl_func_resolved_arg;

/* The outcome of resolution, in the caller's arena; the evaluator keeps it with the compiled call. */
struct sl_func_resolved {
        const sl_func *func;
        const sl_func_overload *ov;
        const sl_func_resolved_arg *args;  /* one per argument */
        size_t nargs;
        const sl_type *ret;                /* the result type (TABLE: the type of one row) */
};

/* What a function sees while it runs. The evaluator fills one per call site and reuses it; a ctx
 * (with its cache) belongs to one thread at a time, so an evaluator whose compiled expressions are
 * shared between stream threads keeps one ctx per call site per thread. */
struct sl_func_ctx {
        sl_arena *arena;                 /* all result memory; outlives the result */
        sl_err_detail *err;              /* filled when invoke returns an error */
        const sl_func_resolved *res;     /* argument and result types, the overload */
        void *udata;                     /* the overload's udata */
        /* Evaluates lambda argument `argi` on `n` parameter values into `out` (converted to the
         * resolved lret). Set by the expression compiler; NULL when the call has no lambda. */
        sl_err (*lambda)(sl_func_ctx *ctx, size_t argi, const sl_value *largs, size_t n, sl_value *out);
        void *lambda_data;               /* the compiler's state for `lambda` */
        /* A function's private cache for this call site (a compiled regular expression, say), kept
         * across calls. Zero-initialised by the evaluator, released by sl_func_ctx_release. */
        void *cache;
        void (*cache_free)(void *cache);  /* frees `cache`; set together with it */
};

/* Creates an empty registry / frees it and everything registered. _free(NULL) does nothing. */
sl_func_registry *sl_func_registry_new(void);
void sl_func_registry_free(sl_func_registry *reg);

/* Registers a function, or returns the existing one of that name when the kind agrees (a second
 * definition adds overloads). SL_ERR_EXISTS when the name is taken by another kind. */
sl_err sl_func_registry_add(sl_func_registry *reg, const sl_func_def *def, sl_func **out, sl_err_detail *err);
/* Parses and adds an overload. SL_ERR_PARSE for a bad signature (message names it); SL_ERR_EXISTS
 * when an overload with the same parameter patterns exists. */
sl_err sl_func_registry_add_overload(sl_func_registry *reg, sl_func *fn, const sl_func_overload_def *def,
                                     sl_err_detail *err);
/* Registers a family's table of built-ins (kind SCALAR, author "sluice"). */
sl_err sl_func_registry_add_table(sl_func_registry *reg, const sl_func_builtin *rows, size_t n, sl_err_detail *err);
/* Registers every built-in scalar and aggregate function. */
sl_err sl_func_registry_add_builtins(sl_func_registry *reg, sl_err_detail *err);

/* Case-insensitive lookup; NULL when absent. */
const sl_func *sl_func_registry_get(const sl_func_registry *reg, const char *name);
size_t sl_func_registry_count(const sl_func_registry *reg);
/* Every function sorted by name into *out (allocated in `arena`); returns the count. */
size_t sl_func_registry_list(const sl_func_registry *reg, sl_arena *arena, const sl_func ***out);

/* Resolves a call. The result lives in `arena`. `type_lambda` may be NULL when no argument is a
 * lambda. Errors: SL_ERR_NOT_FOUND "Can't find any functions with the name 'X'", SL_ERR_TYPE
 * "Function 'x' does not accept parameters (STRING, INTEGER).\nValid alternatives are:\n...",
 * SL_ERR_TYPE "Function 'x' cannot be resolved due to ambiguous method parameters (...)." or an
 * error of type_lambda or ret_fn. */
sl_err sl_func_registry_resolve(const sl_func_registry *reg, const char *name, const sl_func_arg *args,
                                size_t nargs, sl_func_lambda_type_fn type_lambda, void *data, sl_arena *arena,
                                sl_func_resolved *out, sl_err_detail *err);
/* Same on a known function. */
sl_err sl_func_resolve(const sl_func *fn, const sl_func_arg *args, size_t nargs, sl_func_lambda_type_fn type_lambda,
                       void *data, sl_arena *arena, sl_func_resolved *out, sl_err_detail *err);

/* Converts argument values to their resolved types (implicit widening only) into `out` (n values;
 * may alias `args`); new memory in `arena`. SL_ERR_OVERFLOW when a value does not fit a DECIMAL. */
sl_err sl_func_args_convert(sl_arena *arena, const sl_func_resolved *res, const sl_value *args, size_t n,
                            sl_value *out, sl_err_detail *err);
/* Implicit widening of one value to `to` (INT -> BIGINT -> DECIMAL -> DOUBLE, element-wise; a
 * STRING to DATE/TIME/TIMESTAMP by ISO-8601 parsing, SL_ERR_CAST when it does not parse). */
sl_err sl_func_value_widen(sl_arena *arena, const sl_value *v, const sl_type *to, sl_value *out, sl_err_detail *err);
/* True when `from` widens implicitly to `to` (the rule resolution uses). */
bool sl_func_type_widens(const sl_type *from, const sl_type *to);

/* Calls the resolved overload: applies SL_FUNC_NULL_IN_NULL_OUT, then invoke. Arguments must
 * already be converted (sl_func_args_convert). */
sl_err sl_func_call(sl_func_ctx *ctx, const sl_value *args, size_t nargs, sl_value *out);

/* Frees the call site's cache (ctx->cache); the ctx can be reused afterwards. */
void sl_func_ctx_release(sl_func_ctx *ctx);

/* Parses a parameter list / a single pattern (for plugins and tests); result in `arena`. */
sl_err sl_func_sig_parse(sl_arena *arena, const char *params, const char *returns, sl_func_sig *out,
                         sl_err_detail *err);
/* Appends a pattern / an overload as DESCRIBE FUNCTION and the error messages show them:
 * "ARRAY<T>", "substring(STRING str, INTEGER pos)". */
void sl_func_pat_print(sl_str *out, const sl_func_pat *pat);
void sl_func_overload_print(sl_str *out, const sl_func_overload *ov);

#endif
