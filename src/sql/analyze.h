/* analyze.h: the semantic analyzer. Takes one parsed statement and a catalog, resolves every name
 * (sources, aliases, qualified columns, pseudo columns, struct fields, custom types, functions),
 * types every expression with ksqlDB's rules, checks each clause as ksqlDB does, and describes the
 * result: for queries the resolved sources, typed expressions for filters, keys, aggregates and
 * projections, and the output schema (key columns, value columns, generated names); for DDL the
 * source or type to register. Errors carry the position of the offending construct and read like
 * ksqlDB's messages.
 *
 * Row layouts (what SL_EXPR_COLUMN indexes):
 *   input row   for each source i of FROM/JOIN in order: its columns in catalog order (keys first)
 *               starting at sources[i].base, in a join followed by that source's own ROWTIME,
 *               ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND (S1.ROWTIME); then the shared
 *               pseudo block at `pseudo_base`:
 *               ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND, ROWKEY (the synthetic key
 *               of a FULL OUTER or expression join); `input_width` slots in all.
 *   agg row     (GROUP BY only) group keys 0..ngroup, then WINDOWSTART and WINDOWEND, then the
 *               aggregate results; `agg_width` slots. Projections and HAVING of an aggregation read it;
 *               WHERE, GROUP BY and aggregate arguments read the input row.
 * Nothing here touches the catalog: sl_analysis_apply registers the effects of a DDL statement. */
#ifndef SL_SQL_ANALYZE_H
#define SL_SQL_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "func/registry.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/expr_compile.h"

/* Pseudo columns, in the order of the pseudo block. */
typedef enum sl_analysis_pseudo {
        SL_PSEUDO_ROWTIME,
        SL_PSEUDO_ROWPARTITION,
        SL_PSEUDO_ROWOFFSET,
        SL_PSEUDO_WINDOWSTART,
        SL_PSEUDO_WINDOWEND,
        SL_PSEUDO_ROWKEY,
        SL_PSEUDO__COUNT
} sl_analysis_pseudo;

/* What the analyzer needs besides the statement. */
typedef struct sl_analyze_ctx {
        sl_catalog *cat;                 /* names resolve here (read only during analysis) */
        const sl_func_registry *reg;     /* scalar functions (and aggregates when registered) */
        const char *default_key_format;  /* ksql.persistence.default.format.key; NULL: KAFKA */
        const char *default_value_format;/* ksql.persistence.default.format.value; NULL: none */
} sl_analyze_ctx;

/* A source of the query. */
typedef struct sl_analysis_source {
        const sl_catalog_source *src;  /* borrowed from the catalog */
        const char *alias;             /* alias, or the source name */
        size_t base;                   /* its first slot in the input row */
        sl_pos pos;                    /* where it is named */
} sl_analysis_source;

/* A join step: the result so far joined with sources[right]. */
typedef struct sl_analysis_join {
        sl_ast_join_kind kind;        /* INNER, LEFT, RIGHT, FULL */
        size_t right;                 /* index into sources */
        sl_expr *left_key;            /* criteria side reading earlier sources */
        sl_expr *right_key;           /* criteria side reading sources[right] */
        bool stream_stream;           /* both sides streams: WITHIN applies */
        bool foreign_key;             /* table-table on a non-key column of the left */
        int64_t before_ms, after_ms;  /* WITHIN bounds */
        int64_t grace_ms;             /* GRACE PERIOD, -1 when absent */
        const sl_ast_join *ast;       /* the clause */
} sl_analysis_join;

/* An aggregate call of GROUP BY queries. */
typedef struct sl_analysis_agg {
        const char *name;             /* upper case: COUNT, SUM, ... */
        const sl_func_resolved *res;  /* when the registry holds the aggregate, else NULL */
        sl_expr **args;               /* over the input row; literal parameters are CONST */
        size_t nargs;
        bool star;                    /* COUNT(*) */
        const sl_type *type;          /* result type */
        const sl_ast_expr *ast;       /* the call */
} sl_analysis_agg;

/* An output column. */
typedef struct sl_analysis_column {
        const char *name;     /* final name (alias, derived or KSQL_COL_n) */
        const sl_type *type;  /* its type */
        bool key;             /* a key column of the result */
        sl_expr *expr;        /* over the input row, or the agg row for aggregations */
} sl_analysis_column;

/* The analyzed statement. Everything lives in `arena`, freed with the analysis; catalog entries
 * are borrowed. */
typedef struct sl_analysis {
        sl_arena arena;                  /* owns the analysis */
        const sl_ast_stmt *stmt;         /* the statement (borrowed; outlives the analysis) */
        sl_ast_stmt_kind kind;           /* its kind */

        /* queries (SELECT, C*AS, INSERT INTO ... SELECT) */
        bool has_query;                  /* the fields below are meaningful */
        bool pull;                       /* a pull query (no EMIT) */
        sl_analysis_source *sources;     /* FROM, then each JOIN's source */
        size_t nsources;
        sl_analysis_join *joins;         /* nsources - 1 steps */
        size_t njoins;
        size_t pseudo_base;              /* first pseudo slot */
        size_t input_width;              /* slots of the input row */
        size_t nlvars;                   /* lambda slots any expression uses */
        sl_expr *where;                  /* or NULL */
        sl_expr **partition_by;          /* PARTITION BY keys over the input row */
        size_t npartition_by;
        bool partition_by_null;          /* PARTITION BY NULL: key-less result */
        sl_expr **group_by;              /* GROUP BY keys over the input row */
        size_t ngroup_by;
        bool aggregate;                  /* GROUP BY (or aggregates): projections read the agg row */
        sl_analysis_agg *aggs;           /* aggregate calls */
        size_t naggs;
        size_t agg_width;                /* slots of the agg row */
        const sl_ast_window *window;     /* WINDOW clause, or NULL */
        sl_expr *having;                 /* over the agg row, or NULL */
        bool has_table_function;         /* EXPLODE/CUBE_EXPLODE in the projection */
        sl_analysis_column *columns;     /* output schema: key columns first, then values */
        size_t ncolumns;
        sl_catalog_kind result_kind;     /* STREAM or TABLE */
        sl_catalog_window result_window; /* windowed result key */
        sl_ast_emit emit;                /* EMIT clause */
        int64_t limit;                   /* LIMIT n, or -1 */

        /* DDL and C*AS: the source to register (owned until sl_analysis_apply takes it) */
        sl_catalog_source *new_source;
        const char *query_id;            /* C*AS / INSERT INTO: generated query id, else NULL */
        const sl_type *new_type;         /* CREATE TYPE: the resolved type */

        /* INSERT VALUES: one typed value expression per sink column (NULL: not given) */
        const sl_catalog_source *sink;   /* INSERT INTO / INSERT VALUES target */
        sl_expr **values;                /* by sink column index; ROWTIME at index ncolumns */
} sl_analysis;

/* Analyzes one statement. On success *out is the analysis (free with sl_analysis_free); on failure
 * *out is NULL and `err` has ksqlDB's message and the position. */
sl_err sl_analyze(const sl_analyze_ctx *ctx, const sl_ast_stmt *stmt, sl_analysis **out, sl_err_detail *err);
void sl_analysis_free(sl_analysis *a);
/* Applies a statement's effect to the catalog: registers the source of CREATE STREAM/TABLE and
 * C*AS (taking it from the analysis), the query of C*AS/INSERT INTO, CREATE/DROP TYPE, DROP
 * STREAM/TABLE, ALTER ... ADD. Statements without catalog effects do nothing. */
sl_err sl_analysis_apply(sl_catalog *cat, sl_analysis *a, sl_err_detail *err);

/* Name of a pseudo column ("ROWTIME"...). */
const char *sl_analysis_pseudo_name(sl_analysis_pseudo p);
/* Appends the output schema as ksqlDB's post-conditions write it: "`ID` INTEGER KEY, `V` STRING". */
void sl_analysis_print_schema(sl_str *out, const sl_analysis *a);
/* Same for a catalog source. */
void sl_catalog_source_print_schema(sl_str *out, const sl_catalog_source *src);

#endif
