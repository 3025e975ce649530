/* analyze_int.h: what the analyzer's files share -- the analysis state of one statement and the
 * expression typing entry points. Private to src/sql/analyze*.c. */
#ifndef SL_SQL_ANALYZE_INT_H
#define SL_SQL_ANALYZE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/str.h"
#include "sql/analyze.h"

/* Deepest lambda nesting (ksqlDB allows nesting; parameters per lambda are at most 3). */
#define AZ_MAX_LPARAMS 64

/* A lambda parameter in scope. */
typedef struct az_lparam {
        const char *name;     /* as written (upper-cased unless quoted) */
        int slot;             /* lambda slot */
        const sl_type *type;  /* its type */
} az_lparam;

/* The analysis of one statement in progress. */
typedef struct az {
        const sl_analyze_ctx *ctx;   /* catalog and registry */
        sl_analysis *a;              /* the result being built */
        sl_arena *arena;             /* &a->arena */
        sl_err_detail *err;          /* the caller's */
        const char *clause;          /* "SELECT", "WHERE", ...: names unresolved columns */
        const char *prefix;          /* "Error in WHERE expression: " for type errors, or "" */
        az_lparam lparams[AZ_MAX_LPARAMS];  /* lambda parameters in scope, innermost last */
        size_t nlparams;
        bool allow_agg;              /* aggregate calls allowed here (SELECT, HAVING) */
        bool agg_phase;              /* resolving over the agg row (GROUP BY queries) */
        bool in_agg;                 /* inside an aggregate call's arguments */
        const char *agg_name;        /* that aggregate's name */
        bool allow_table_fn;         /* table functions allowed here (SELECT) */
        bool windowed_input;         /* WINDOWSTART/WINDOWEND readable on the input row */
        bool synthetic_key;          /* ROWKEY resolves (FULL OUTER or expression join) */
        const sl_type *rowkey_type;  /* its type */
        bool nonagg_seen;            /* a column outside GROUP BY was met in agg_phase */
        const sl_ast_expr *nonagg_ast; /* the first such column */
        bool failed;                 /* an error is already in err */
} az;

/* Sets err (SL_ERR_ANALYZE, at pos) unless an error is already recorded; returns NULL. */
void *az_fail(az *z, sl_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Same with a specific code. */
void *az_fail_code(az *z, sl_err code, sl_pos pos, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The expression as ksqlDB prints it in messages, in the analysis arena. */
const char *az_expr_text(az *z, const sl_ast_expr *e);
/* Same with unqualified source columns qualified by their source (join messages). */
const char *az_expr_text_q(az *z, const sl_ast_expr *e);
/* The type as ksqlDB prints it, in the analysis arena. */
const char *az_type_text(az *z, const sl_type *t);

/* Resolves and types `e` in the current scope; NULL on error (err filled). */
sl_expr *az_expr(az *z, const sl_ast_expr *e);
/* Resolves an AST type (custom types through the catalog); NULL on error. */
const sl_type *az_type(az *z, const sl_ast_type *t);
/* Is `name` an aggregate / table function? */
bool az_is_aggregate(az *z, const char *name);
bool az_is_table_function(az *z, const char *name);
/* Does the AST contain an aggregate call (outside lambdas)? */
bool az_has_aggregate(az *z, const sl_ast_expr *e);
/* Converts a typed expression to BOOLEAN context: errors with ksqlDB's "Type error in <clause>
 * expression: Should evaluate to boolean but is ..." when it is not BOOLEAN. */
sl_expr *az_expect_boolean(az *z, sl_expr *e, const sl_ast_expr *ast, const char *clause);

#endif
