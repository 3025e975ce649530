/* plan.h: the plan of one persistent query, between the analyzer (src/sql) and the runtime
 * (src/exec). logical.c turns an sl_analysis into a chain of plan nodes -- source, filter,
 * flatmap, project, repartition, sink -- each with the schema of the rows it emits; physical.c
 * compiles the expressions, builds the serdes and cuts the chain into sub-topologies at
 * repartition topics; explain.c prints it as ksqlDB's EXPLAIN does.
 *
 * Rows. Every node emits rows of sl_value, `width` slots wide, laid out as its `cols` say:
 *   source    the analyzer's input row (its columns at `base`, keys first; the pseudo block of
 *             ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND, ROWKEY at `pseudo_base`)
 *   filter    its input row, unchanged
 *   flatmap   its input row plus one slot per table function call (the k-th element of its
 *             result for the k-th emitted row)
 *   project   the output schema: key columns first, then value columns
 *   repartition, sink: their input row
 *   group_by  the group keys (key columns), then the arguments of every aggregate call in order,
 *             then (table input) an INT: SL_PLAN_AGG_ADD, SL_PLAN_AGG_UNDO (the undo of an old
 *             row) or SL_PLAN_AGG_UNDO_QUIET (an undo whose result is not emitted: the addition
 *             of the new row to the same group follows)
 *   aggregate the analyzer's agg row: group keys, WINDOWSTART, WINDOWEND, aggregate results;
 *             emits table changes (windowed ones carry their window)
 *
 * A plan is immutable once built and shared by every task of the query, on any thread: compiled
 * expressions and serdes are read-only. It owns the analysis it was built from, because compiled
 * expressions borrow the analysis' types and resolved functions. */
#ifndef SL_PLAN_PLAN_H
#define SL_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "common/str.h"
#include "serde/serde.h"
#include "sql/analyze.h"
#include "sql/catalog.h"
#include "sql/expr_compile.h"

typedef enum sl_plan_kind {
        SL_PLAN_SOURCE,       /* topic records -> rows */
        SL_PLAN_FILTER,       /* WHERE */
        SL_PLAN_FLATMAP,      /* table functions of the SELECT list */
        SL_PLAN_PROJECT,      /* SELECT list (with PARTITION BY keys) */
        SL_PLAN_REPARTITION,  /* new key; through an internal topic when a later step needs it */
        SL_PLAN_SINK,         /* rows -> topic records */
        SL_PLAN_JOIN,         /* two inputs -> joined rows (logical_join.c) */
        SL_PLAN_GROUP_BY,     /* GROUP BY: group keys and aggregate arguments (tables: undo + add) */
        SL_PLAN_AGGREGATE,    /* aggregation per group key into a kv store */
        SL_PLAN_WINDOW_AGGREGATE,  /* TUMBLING / HOPPING aggregation into a window store */
        SL_PLAN_SESSION_AGGREGATE, /* SESSION aggregation into a session store */
        SL_PLAN__COUNT
} sl_plan_kind;

/* One column of a node's output row. */
typedef struct sl_plan_column {
        const char *name;     /* column name (pseudo columns by their names) */
        const sl_type *type;  /* static type */
        bool key;             /* part of the record key */
} sl_plan_column;

/* How rows map to a topic's records: the serdes and which row slots each side holds. */
typedef struct sl_plan_topic {
        const char *name;              /* topic name */
        sl_serde_format key_format;    /* KEY_FORMAT */
        sl_serde_format value_format;  /* VALUE_FORMAT */
        sl_serde *key_serde;           /* owned by the plan */
        sl_serde *value_serde;         /* owned by the plan */
        size_t *key_slots;             /* row slot of each key column, in serde order */
        size_t nkey;
        size_t *value_slots;           /* row slot of each value column, in serde order */
        size_t nvalue;
        bool value_unwrapped;          /* one value column written bare (WRAP_SINGLE_VALUE=false) */
        char key_delimiter;            /* KEY_DELIMITER for DELIMITED, 0: ',' */
        char value_delimiter;          /* VALUE_DELIMITER for DELIMITED, 0: ',' */
        int partitions;                /* known partition count, or 0 (ask the cluster) */
        sl_catalog_window window;      /* windowed keys: the key bytes are followed by the window
                                        * as Kafka Streams writes it (TUMBLING/HOPPING: 8-byte
                                        * big-endian start; SESSION: end, then start) */
        int64_t window_size_ms;        /* TUMBLING/HOPPING: the window size (WINDOWEND = start + size) */
        int32_t key_schema_id;         /* KEY_SCHEMA_ID (schema registry formats), 0: none */
        int32_t value_schema_id;       /* VALUE_SCHEMA_ID, 0: none */
        const char *key_full_name;     /* KEY_SCHEMA_FULL_NAME (AVRO record name), or NULL */
        const char *value_full_name;   /* VALUE_AVRO_SCHEMA_FULL_NAME / VALUE_SCHEMA_FULL_NAME, or NULL */
} sl_plan_topic;

/* A HEADERS or HEADER('k') column of a source. */
typedef struct sl_plan_header_col {
        size_t slot;             /* row slot */
        const char *header_key;  /* HEADER('k'): the key; NULL for HEADERS (all of them) */
} sl_plan_header_col;

/* Table functions the flatmap knows. */
typedef enum sl_plan_tf_kind {
        SL_PLAN_TF_EXPLODE,       /* built in: one row per array element */
        SL_PLAN_TF_CUBE_EXPLODE,  /* built in: one row per combination of elements and NULLs */
        SL_PLAN_TF_REGISTRY,      /* a registry function of kind TABLE: invoke returns an ARRAY */
} sl_plan_tf_kind;

/* One table function call of a flatmap. */
typedef struct sl_plan_tf {
        sl_plan_tf_kind kind;
        const char *name;              /* function name, for EXPLAIN and messages */
        const sl_func_resolved *fn;    /* REGISTRY: the overload (the analysis' arena) */
        sl_expr_prog **args;           /* compiled arguments over the flatmap's input row */
        size_t nargs;
        const sl_type *type;           /* type of one emitted element */
} sl_plan_tf;

/* What a join node joins. */
typedef enum sl_plan_join_type {
        SL_PLAN_JOIN_STREAM_STREAM,  /* windowed: both sides buffered in window stores */
        SL_PLAN_JOIN_STREAM_TABLE,   /* stream records look the table up */
        SL_PLAN_JOIN_TABLE_TABLE,    /* primary keys; both sides materialized */
        SL_PLAN_JOIN_FOREIGN_KEY,    /* table-table, left column = right primary key */
} sl_plan_join_type;

typedef struct sl_plan_node sl_plan_node;

struct sl_plan_node {
        sl_plan_kind kind;
        int id;                      /* position in the chain, from 0 at the source */
        int sub;                     /* sub-topology it runs in */
        sl_plan_node *input;         /* upstream node, NULL for a source; a join's left input */
        sl_plan_node *right;         /* a join's right input; NULL for every other kind */
        sl_plan_column *cols;        /* output row layout */
        size_t width;                /* slots of the output row */
        bool table;                  /* emits table changes (deletes are tombstones) */
        union {
                struct {
                        const char *source;       /* stream or table name */
                        sl_plan_topic topic;      /* key and value slots start at `base` */
                        size_t base;              /* first slot of the source's columns */
                        sl_plan_header_col *hdrs; /* header columns */
                        size_t nhdrs;
                        size_t pseudo_base;       /* first pseudo slot */
                        int ts_slot;              /* TIMESTAMP column slot, or -1 (record time) */
                        const char *ts_format;    /* TIMESTAMP_FORMAT, or NULL */
                        const sl_func_resolved *ts_parse; /* PARSE_TIMESTAMP for a STRING column */
                        bool internal;            /* reads a repartition topic */
                        const char *store;        /* a table: the kv store materializing it (latest
                                                   * row per key; changes get old_row), or NULL */
                } source;
                struct {
                        const sl_expr *expr;      /* the predicate (analysis) */
                        sl_expr_prog *pred;       /* compiled */
                } filter;
                struct {
                        const sl_expr **exprs;    /* one per output column (table calls rewritten) */
                        sl_expr_prog **progs;     /* compiled */
                        size_t n;
                        bool rekey;               /* PARTITION BY: computes a new key (records get one) */
                } project;
                struct {
                        sl_plan_tf *tfs;          /* calls, in SELECT-list order */
                        size_t ntfs;
                } flatmap;
                struct {
                        sl_plan_topic topic;      /* the internal topic when `through` */
                        bool through;             /* writes to and re-reads from `topic` */
                        const sl_expr *key;       /* joins: the new key, computed into the last slot
                                                   * (the row is its input row plus that slot) */
                        sl_expr_prog *key_prog;   /* compiled */
                        size_t side_base;         /* joins: the re-read row's own pseudo block */
                } repartition;
                struct {
                        sl_plan_join_type type;
                        sl_ast_join_kind kind;      /* INNER, LEFT, RIGHT, FULL */
                        const sl_expr *left_key;    /* over the left input row */
                        const sl_expr *right_key;   /* over the right input row */
                        sl_expr_prog *left_prog;    /* compiled */
                        sl_expr_prog *right_prog;
                        size_t right_lo, right_hi;  /* slots the right input fills: its columns and
                                                     * its own ROWTIME..WINDOWEND; the left input
                                                     * fills [0, right_lo) */
                        size_t pseudo_base;         /* the shared pseudo block of the output */
                        int64_t before_ms;          /* stream-stream: WITHIN (before, after) */
                        int64_t after_ms;
                        int64_t grace_ms;           /* GRACE PERIOD, -1: none given (eager outer rows) */
                        const char *left_store;     /* store names (Kafka Streams' style) */
                        const char *right_store;
                        const char *outer_store;    /* stream-stream with GRACE: unmatched rows */
                        const char *right_name;     /* right source, for EXPLAIN */
                } join;
                struct {
                        const sl_expr **exprs;    /* group keys, then every aggregate argument */
                        sl_expr_prog **progs;     /* compiled */
                        size_t n;
                        size_t nkeys;             /* leading key expressions */
                        bool undo;                /* table input: one more slot, the undo flag */
                } group_by;
                struct {
                        const sl_analysis_agg *aggs; /* the calls (analysis) */
                        size_t naggs;
                        size_t nkeys;             /* group keys: input slots 0..nkeys */
                        size_t *arg_slot;         /* per call: input slot of its first argument */
                        const sl_type **state_types; /* per call: intermediate state type */
                        int undo_slot;            /* input slot of the undo flag, or -1 */
                        const char *store;        /* state store name */
                        sl_catalog_window window; /* NONE, TUMBLING, HOPPING, SESSION */
                        int64_t size_ms;          /* window size (SESSION: the gap) */
                        int64_t advance_ms;       /* HOPPING advance (TUMBLING: the size) */
                        int64_t grace_ms;         /* GRACE PERIOD (default 24 h) */
                        int64_t retention_ms;     /* store retention: max(RETENTION, size + grace) */
                        bool emit_final;          /* EMIT FINAL: one row per window once it closed */
                } aggregate;
                struct {
                        const char *sink;         /* stream or table name; NULL for a transient query */
                        bool transient;           /* rows go to the output's row callback, no topic */
                        int64_t limit;            /* transient: LIMIT n, or -1 */
                        sl_plan_topic topic;      /* key and value slots of the output row */
                        int ts_slot;              /* sink TIMESTAMP column slot, or -1 */
                        const char *ts_format;    /* its TIMESTAMP_FORMAT, or NULL */
                        const sl_func_resolved *ts_parse; /* PARSE_TIMESTAMP for a STRING column */
                } sink;
        } u;
};

/* A sub-topology: its source topics, the nodes reading them (several sources meet at joins),
 * ending in a sink or a repartition topic. Runs as one task per partition number; the task of
 * partition p receives partition p of every source topic. */
typedef struct sl_plan_sub {
        int id;                 /* 0, 1, ... */
        sl_plan_node *source;   /* its first SOURCE node */
        sl_plan_node **sources; /* every SOURCE node (a join reads two co-partitioned topics) */
        size_t nsources;
        sl_plan_node **nodes;   /* source first, in data order */
        size_t nnodes;
} sl_plan_sub;

/* The last slot of a GROUP_BY row over a table. */
enum { SL_PLAN_AGG_ADD = 0, SL_PLAN_AGG_UNDO = 1, SL_PLAN_AGG_UNDO_QUIET = 2 };

/* Kinds of state stores (src/state). */
typedef enum sl_plan_store_kind {
        SL_PLAN_STORE_KV,       /* key-value (tables, aggregations) */
        SL_PLAN_STORE_WINDOW,   /* TUMBLING/HOPPING windows, stream-stream joins */
        SL_PLAN_STORE_SESSION,  /* SESSION windows */
} sl_plan_store_kind;

/* A state store the query's tasks open, declared at plan time so that the engine can create its
 * compacted changelog topic `_sluice_<queryid>-<name>-changelog` (with the partitions of sub-topology
 * `sub`'s source) before the query starts. Names follow Kafka Streams' / ksqlDB's
 * ("Aggregate-Aggregate-Materialize", "KafkaTopic_Right-Reduce"). */
typedef struct sl_plan_store {
        const char *name;         /* store name (the plan's arena) */
        sl_plan_store_kind kind;
        int sub;                  /* sub-topology whose tasks open it */
} sl_plan_store;

/* What the planner needs besides the analysis. */
typedef struct sl_plan_ctx {
        const sl_func_registry *reg;  /* table functions of the registry (may be NULL) */
        int wrap_single_values;       /* ksql.persistence.wrap.single.values: 1 true, -1 false, 0 unset (true) */
} sl_plan_ctx;

typedef struct sl_plan {
        sl_arena arena;            /* owns the plan */
        sl_analysis *analysis;     /* owned: expressions borrow its types and functions */
        const char *query_id;      /* CSAS_X_1 ... */
        sl_plan_node **nodes;      /* every node in data order */
        size_t nnodes;
        sl_plan_sub *subs;         /* sub-topologies in data order */
        size_t nsubs;
        size_t nlvars;             /* lambda slots any expression needs */
        int wrap_default;          /* WRAP_SINGLE_VALUE when a source does not say: -1 false, else true */
        size_t nserdes;            /* serdes built (freed with the plan) */
        sl_serde **serdes;         /* every serde the plan built, freed with it */
        sl_plan_store *stores;     /* state stores its tasks use (changelog topics to create) */
        size_t nstores;
} sl_plan;

/* Builds the plan of a persistent query (C*AS, INSERT INTO ... SELECT) or of a transient push
 * query (SELECT ... EMIT CHANGES: its sink hands rows to the output instead of a topic; its id is
 * transient_<SOURCE>_<n>) from its analysis:
 * logical chain, then the physical topology. Call it before sl_analysis_apply (the plan copies the
 * sink's description). On success the plan takes ownership of `a` (sl_plan_free frees it, so apply
 * it to the catalog before freeing the plan); on failure the caller keeps `a`. Errors:
 * SL_ERR_UNSUPPORTED with the missing feature as the message ("aggregation", "joins",
 * "windows", "format AVRO"), SL_ERR_INVALID for a statement that is neither (DDL, pull queries). */
sl_err sl_plan_build(const sl_plan_ctx *ctx, sl_analysis *a, sl_plan **out, sl_err_detail *err);
void sl_plan_free(sl_plan *plan);

/* ---- the steps of sl_plan_build (logical.c, physical.c), for tests ---- */
/* Allocates the plan and appends the logical nodes; no serdes, no compiled expressions yet. */
sl_err sl_plan_logical(const sl_plan_ctx *ctx, sl_analysis *a, sl_plan **out, sl_err_detail *err);
/* Appends the nodes of an aggregation after the source and WHERE (logical_agg.c). */
sl_err sl_plan_logical_agg(sl_plan *plan, const sl_analysis *a, sl_err_detail *err);
/* Compiles expressions, builds serdes, assigns sub-topologies and internal topic names. */
sl_err sl_plan_physical(sl_plan *plan, sl_err_detail *err);

/* ---- building blocks shared by logical.c, logical_join.c, physical.c and hand-built plans in tests ---- */
/* Appends the SOURCE node of the analysis' source `si` (logical.c). */
sl_err sl_plan_logical_source(const sl_plan_ctx *ctx, sl_plan *plan, const sl_analysis *a, size_t si,
                              sl_err_detail *err);
/* Appends the sources and join steps of a join query; the last node appended emits the joined
 * input row (logical_join.c). SL_ERR_INVALID for sources whose partition counts differ. */
sl_err sl_plan_logical_join(const sl_plan_ctx *ctx, sl_plan *plan, const sl_analysis *a, sl_err_detail *err);
/* Makes the result's key columns that name a join column read the join key (ROWKEY), which an
 * outer join has even when that column's side is missing. */
void sl_plan_logical_join_keys(sl_plan *plan, const sl_analysis *a, const sl_expr **exprs);
sl_plan *sl_plan_new(const char *query_id);
/* Appends a node of `kind` reading the last node (or none); returns it (zeroed, in the plan). */
sl_plan_node *sl_plan_node_add(sl_plan *plan, sl_plan_kind kind);
/* Sets the node's output layout (copied into the plan). */
void sl_plan_node_set_cols(sl_plan *plan, sl_plan_node *node, const sl_plan_column *cols, size_t n);
/* Fills `topic` from a catalog source: name, formats, and the key/value slots of its columns
 * starting at `base` (header columns are left out). Serdes are built by physical.c. */
sl_err sl_plan_topic_from_source(sl_plan *plan, sl_plan_topic *topic, const sl_catalog_source *src, size_t base,
                                 sl_err_detail *err);
/* Declares a state store (name copied); declaring the same name twice keeps one. */
void sl_plan_add_store(sl_plan *plan, const char *name, sl_plan_store_kind kind, int sub);
/* The changelog topic of store `name` of `plan`: `_sluice_<queryid>-<name>-changelog`, in `arena`. */
const char *sl_plan_changelog_topic(const sl_plan *plan, const char *name, sl_arena *arena);
/* Upper-case name of a node kind ("FILTER"). */
const char *sl_plan_kind_name(sl_plan_kind kind);

/* ---- EXPLAIN (explain.c) ---- */
/* Appends the topology description as ksqlDB's EXPLAIN shows it: sub-topologies, one line per
 * processor with its inputs and outputs, then the logical plan with schemas. */
void sl_plan_explain(const sl_plan *plan, sl_str *out);

#endif
