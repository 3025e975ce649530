/* engine_int.h: private to the engine facade files (engine.c, engine_meta.c, engine_show.c): the
 * engine struct, the parse-level metastore and the per-request session. */
#ifndef SL_ENGINE_ENGINE_INT_H
#define SL_ENGINE_ENGINE_INT_H

#include <pthread.h>

#include "common/map.h"
#include "engine/engine.h"
#include "func/registry.h"
#include "kafka/admin.h"
#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/ast.h"
#include "sql/catalog.h"

/* One accepted command (GET /status). */
typedef struct sl_engine_command {
        char *id;                   /* "stream/`S`/create" (heap) */
        char *status;               /* "SUCCESS" (heap) */
        char *message;              /* (heap) */
} sl_engine_command;

struct sl_engine {
        pthread_mutex_t lock;       /* serializes execute and lookups */
        const sl_config *cfg;       /* borrowed; outlives the engine */
        sl_func_registry *funcs;    /* built-ins */
        sl_catalog *cat;            /* the metastore: sources, types, queries */
        sl_map type_names;          /* names of the custom types in `cat` (SHOW TYPES), no values */
        sl_vec commands;            /* of sl_engine_command */
        sl_kafka_admin *admin;      /* Kafka admin client, created at first use (engine_topics.c) */
        bool kafka;                 /* sluice.engine.kafka: topics are checked, created, listed */
        sl_vec running;             /* of sl_engine_query *: transient queries running (SHOW QUERIES) */
        int64_t seq;                /* last command sequence number */
        char service_id[128];       /* ksql.service.id */
        char cluster_id[64];        /* reported as kafkaClusterId */
        sl_vec pqs;                 /* of sl_engine_pq *: running persistent queries (query.c) */
        struct sl_udf_loader *udf;  /* UDF plugins of ksql.extension.dir, or NULL */
        struct sl_kafka_producer *cmdlog; /* command log producer, created at first append (cmdlog.c) */
        bool replaying;             /* the command log is being replayed: append nothing */
        struct sl_kafka_producer *ins_producer; /* the inserts' producer, created at first use (engine_insert.c) */
        uint32_t ins_gen;           /* generation of the batch of inserts being sent (engine_insert.c) */
        sl_err *ins_results;        /* its delivery outcomes by send number, NULL between batches */
        size_t ins_nresults;
        sl_vec csts;                /* of sl_engine_cst *: source tables materialized (engine_pull.c) */
};

typedef struct sl_engine_cst sl_engine_cst;

typedef struct sl_engine_pq sl_engine_pq;

/* The state of one request: properties and variables start from the request and change with
 * SET/UNSET/DEFINE/UNDEFINE inside it. */
typedef struct sl_engine_session {
        sl_map props;               /* name -> heap value */
        sl_map vars;                /* name (case-insensitive) -> heap value */
        sl_vec var_order;           /* of heap names, for SHOW VARIABLES order */
} sl_engine_session;

/* engine_meta.c: the metastore (the analyzer's catalog) */
void sl_engine_meta_init(sl_engine *engine);
void sl_engine_meta_deinit(sl_engine *engine);
/* Analyzes a statement against the metastore with the session's default formats. On failure `res`
 * gets the 40001 error and NULL is returned; free the analysis with sl_analysis_free. */
sl_analysis *sl_engine_meta_analyze(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                                    sl_engine_result *res);
/* Whether `kind` is a DDL statement that sl_engine_meta_ddl runs (CREATE/DROP STREAM/TABLE/TYPE, ALTER). */
bool sl_engine_meta_is_ddl(sl_ast_stmt_kind kind);
/* Runs a DDL statement (CREATE/DROP STREAM/TABLE/TYPE, ALTER): analysis, then its effect on the
 * metastore. On success fills `ent` (CURRENT_STATUS or WARNING); on failure `res` has the error. */
sl_err sl_engine_meta_ddl(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                          sl_engine_result *res, sl_engine_entity *ent);
/* The source called `name`, or NULL (borrowed from the catalog). */
const sl_catalog_source *sl_engine_meta_source(sl_engine *engine, const char *name);
/* A source's rows for SHOW / DESCRIBE, in `arena`. */
void sl_engine_meta_source_info(const sl_catalog_source *src, sl_engine_source_info *out);
void sl_engine_meta_source_desc(sl_engine *engine, const sl_catalog_source *src, bool extended,
                                sl_arena *arena, sl_engine_source_desc *out);
/* Every source sorted by name; `arena` holds the array. */
size_t sl_engine_meta_sources(sl_engine *engine, sl_arena *arena, const sl_catalog_source ***out);
/* Every custom type sorted by name with its schema, in `arena`. */
size_t sl_engine_meta_types(sl_engine *engine, sl_arena *arena, sl_engine_type_def **out);
/* A type as the REST API shows it, in `arena`. */
sl_engine_schema *sl_engine_meta_schema(const sl_type *type, sl_arena *arena);

/* engine.c helpers shared with the other files */
/* Records the failure of `stmt_text` in `res` (message copied). */
void sl_engine_fail(sl_engine_result *res, int code, bool statement, const char *stmt_text,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Hands out the next sequence number and records the command for /status. */
int64_t sl_engine_command_add(sl_engine *engine, const char *id, const char *message);
/* The effective value of a property in the session (request override, server config, default). */
const char *sl_engine_session_prop(sl_engine *engine, sl_engine_session *ses, const char *name);

/* The session's variables in definition order (SHOW VARIABLES), in `arena`. */
size_t sl_engine_session_vars(sl_engine_session *ses, sl_arena *arena, sl_engine_kv **out);

/* engine_topics.c: SHOW [ALL] TOPICS through the Kafka admin client */
sl_err sl_engine_topics_show(sl_engine *engine, const sl_ast_stmt *stmt, sl_engine_result *res,
                             sl_engine_entity *ent);

/* CREATE STREAM/TABLE: `topic` must exist (matching PARTITIONS/REPLICAS when given) or be created
 * when PARTITIONS is given; else `res` gets ksqlDB's error. */
sl_err sl_engine_topics_ensure(sl_engine *engine, const sl_ast_stmt *stmt, const char *topic,
                               sl_engine_result *res);
/* Sets *partitions and *replication from the topic's metadata when Kafka can tell. */
void sl_engine_topics_describe(sl_engine *engine, const char *topic, sl_arena *arena, int *partitions,
                               int *replication);
/* DROP ... DELETE TOPIC: deletes `topic` (absent is fine). */
sl_err sl_engine_topics_delete(sl_engine *engine, const sl_ast_stmt *stmt, const char *topic,
                               sl_engine_result *res);

/* The Kafka bootstrap servers: bootstrap.servers, else the bundled broker's broker.listeners. */
void sl_engine_bootstrap(sl_engine *engine, char *out, size_t len);

/* engine_schema.c: CREATE STREAM/TABLE over AVRO without key or value columns: *out receives the
 * statement rewritten with the columns the schema registry infers (caller frees with
 * sl_ast_stmt_free), or NULL when nothing is to infer. An error (no such subject...) is put into
 * `res`. */
sl_err sl_engine_schema_infer(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt, sl_ast_stmt **out,
                              sl_engine_result *res);
/* Registers the schemas of the plan's sink topics (schema registry formats); the registry's message
 * on an incompatible schema. */
sl_err sl_engine_schema_prepare_sinks(const sl_plan *plan, sl_err_detail *err);

/* engine_query.c: starts the transient push query `stmt` analyzed as `a` (taken, even on failure). */
sl_err sl_engine_push_query_start(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                                  sl_analysis *a, const sl_engine_query_sink *sink, sl_arena *arena,
                                  sl_engine_query_header *hdr, sl_engine_query **out, sl_engine_result *res);

/* An engine query that has ended already (a pull query delivers every row inside start):
 * sl_engine_query_close only frees it. */
sl_engine_query *sl_engine_query_new_done(sl_engine *engine, const char *sql);
/* An engine query whose rows come from `run`(arg) on a thread of its own. sl_engine_query_close
 * calls cancel(arg), joins the thread, then free_fn(arg). Takes `arg`, even on failure. */
sl_err sl_engine_query_new_bg(sl_engine *engine, const char *sql, void *(*run)(void *), void *arg,
                              void (*cancel)(void *), void (*free_fn)(void *), sl_engine_query **out,
                              sl_err_detail *err);

/* Plans `a` as a transient query read from Kafka; the plan in *plan takes `a`, which is freed on
 * failure, the statement error then in `res`. `kind` names the queries in the messages ("Push
 * queries"), `scope` qualifies what needs Kafka (" on streams", or ""). */
sl_err sl_engine_transient_plan(sl_engine *engine, const sl_ast_stmt *stmt, sl_analysis *a, const char *kind,
                                const char *scope, sl_plan **plan, sl_engine_result *res);

/* Fills the header ksqlDB sends first (names, types, and the old /query API's schema text) for the
 * query analyzed as `a`. Pull query headers mark the key columns that `mark_key` names and set
 * hdr->pull; push query headers (mark_key NULL) mark none. Strings come from `arena`. */
void sl_engine_query_fill_header(const sl_analysis *a, const char *query_id,
                                 bool (*mark_key)(const sl_analysis *a, size_t i), sl_arena *arena,
                                 sl_engine_query_header *hdr);

/* engine_pull.c: runs the pull query `stmt` analyzed as `a` (taken, even on failure) against the
 * view of its table: the rows and the end go to `sink` before it returns. */
sl_err sl_engine_pull_query_start(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                                  sl_analysis *a, const sl_engine_query_sink *sink, sl_arena *arena,
                                  sl_engine_query_header *hdr, sl_engine_query **out, sl_engine_result *res);
/* Opens the pull-query view of persistent query `plan` when its result is a TABLE (NULL otherwise
 * or when it cannot be opened: logged), rebuilding an empty view from the sink topic. */
struct sl_exec_view *sl_engine_pull_view_open(sl_engine *engine, const sl_plan *plan, const sl_kafka_conf *kconf);

/* Starts the materialization of every CREATE SOURCE TABLE that has none and stops those of tables
 * gone (ksql.source.table.materialization.enabled, default true). Caller holds the engine lock. */
void sl_engine_pull_sources_sync(sl_engine *engine);
/* Stops every source-table materialization (shutdown). */
void sl_engine_pull_sources_stop_all(sl_engine *engine);

/* A running PRINT (engine_print.c) as a query the REST layer closes like the others (not listed
 * by SHOW QUERIES); sl_engine_query_close then stops it. */
sl_engine_query *sl_engine_query_wrap_print(sl_engine *engine, void *printer);

/* engine_print.c: PRINT topic. Starts printing on a thread of its own (lines go to `sink`, see
 * sl_engine_query_header.print); *out is the printer for sl_engine_print_close, which stops and
 * joins it (no sink call after it returns). On failure `res` has ksqlDB's error. */
sl_err sl_engine_print_start(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                             const sl_engine_query_sink *sink, void **out, sl_engine_result *res);
void sl_engine_print_close(void *printer);
/* PRINT's record formatter (format guessing, lines), apart from the consumer for tests. */
typedef struct sl_engine_print_fmt sl_engine_print_fmt;
struct sl_kafka_msg;
/* Prints every `interval`-th record (<= 0: each), `limit` lines at most (-1: no limit). */
sl_engine_print_fmt *sl_engine_print_fmt_new(int64_t interval, int64_t limit);
void sl_engine_print_fmt_free(sl_engine_print_fmt *fmt);
/* Formats one polled batch msgs[0..n): appends to `lines` (of char *, heap: the caller frees each)
 * the "Key format: "/"Value format: " lines whose list changed, then the record lines. Returns
 * false once `limit` lines were written. */
bool sl_engine_print_fmt_batch(sl_engine_print_fmt *fmt, const struct sl_kafka_msg *msgs, size_t n, sl_vec *lines);

/* SHOW QUERIES rows of the running transient queries, in `arena`; caller holds the engine lock. */
size_t sl_engine_running_queries(sl_engine *engine, sl_arena *arena, sl_engine_query_info **out);

/* engine_show.c: SHOW / LIST / DESCRIBE FUNCTION */
sl_err sl_engine_show(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                      sl_engine_result *res, sl_engine_entity *ent);

/* query.c: the query manager */
void sl_engine_queries_init(sl_engine *engine);
/* Stops every persistent query (each commits what it processed); before the catalog goes. */
void sl_engine_queries_stop_all(sl_engine *engine);
/* Stops the persistent queries the catalog no longer has (DROP of a C*AS sink drops its query). */
void sl_engine_queries_sync(sl_engine *engine);
/* DESCRIBE EXTENDED: statistics and errorStats of the persistent queries reading `source`. */
void sl_engine_queries_stats(sl_engine *engine, const char *source, sl_arena *arena, sl_engine_source_desc *desc);
/* C*AS, INSERT INTO ... SELECT, TERMINATE, SHOW QUERIES, EXPLAIN. */
sl_err sl_engine_queries_run(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                             sl_engine_result *res, sl_engine_entity *ent);

/* engine_insert.c: serializes `row` (the source's columns in order) with the source's key and
 * value formats and produces it to its topic (timestamp `ts`, 0: now), waiting for the delivery.
 * Caller holds the engine lock. On failure `err` has the whole message and *code ksqlDB's error
 * code (40001 for a row the formats cannot write, 50000 for Kafka trouble). */
sl_err sl_engine_insert_produce(sl_engine *engine, const sl_catalog_source *sink, const sl_value *row, int64_t ts,
                                int *code, sl_err_detail *err);

/* metastore.c: the in-memory catalog with a query-id counter the command log replay can set */
sl_catalog *sl_engine_metastore_new(void);
void sl_engine_metastore_set_seq(sl_catalog *cat, uint64_t seq);

/* cmdlog.c: the command log `_sluice_commands` */
/* Appends an accepted statement with the session's property overrides and the id of the query it
 * started (or NULL); no-op when replaying. */
void sl_engine_cmdlog_append(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                             const char *query_id);
void sl_engine_cmdlog_close(sl_engine *engine);

#endif
