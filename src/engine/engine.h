/* engine.h: the engine facade the REST layer calls. An sl_engine holds the metastore, the function
 * registry, the server configuration and the command sequence; sl_engine_execute parses a script,
 * runs each statement and returns typed result entities (the C form of ksqlDB's /ksql entities,
 * which src/server renders to JSON). SELECT and PRINT run through the streaming entry point
 * (sl_engine_query_start), /inserts-stream rows through sl_engine_insert_*.
 *
 * Threads: every function takes the engine's lock; entities and results are owned by the caller. */
#ifndef SL_ENGINE_ENGINE_H
#define SL_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/config.h"
#include "common/err.h"
#include "common/vec.h"

typedef struct sl_engine sl_engine;

/* ksqlDB's error codes (HTTP status x 100 + sub-code). */
enum {
        SL_ENGINE_BAD_REQUEST = 40000,
        SL_ENGINE_BAD_STATEMENT = 40001,
        SL_ENGINE_QUERY_ENDPOINT = 40002,
        SL_ENGINE_UNAUTHORIZED = 40100,
        SL_ENGINE_NOT_FOUND = 40400,
        SL_ENGINE_SERVER_ERROR = 50000,
};

/* A name and value pair (request properties, session variables). */
typedef struct sl_engine_kv {
        const char *name;   /* borrowed */
        const char *value;  /* borrowed; JSON scalars as text */
} sl_engine_kv;

/* What one /ksql request carries. Everything is borrowed for the call. */
typedef struct sl_engine_request {
        const char *sql;                  /* the script */
        const sl_engine_kv *props;        /* streamsProperties */
        size_t nprops;
        const sl_engine_kv *vars;         /* sessionVariables */
        size_t nvars;
        int64_t command_seq;              /* commandSequenceNumber, -1 when absent */
} sl_engine_request;

/* A type as ksqlDB's REST API shows it: {"type","fields","memberSchema","parameters"}. */
typedef struct sl_engine_schema sl_engine_schema;
typedef struct sl_engine_field {
        const char *name;              /* column or struct field name */
        sl_engine_schema *schema;      /* its type */
        const char *field_type;        /* "KEY", "HEADER" or NULL (a value column / struct field) */
        const char *header_key;        /* HEADER('k') columns, else NULL */
} sl_engine_field;
struct sl_engine_schema {
        const char *type;              /* BOOLEAN INTEGER BIGINT DOUBLE DECIMAL STRING BYTES DATE TIME
                                        * TIMESTAMP ARRAY MAP STRUCT */
        sl_engine_field *fields;       /* STRUCT fields, else NULL */
        size_t nfields;
        sl_engine_schema *member;      /* ARRAY element, MAP value, else NULL */
        int precision, scale;          /* DECIMAL; precision 0 otherwise */
};

/* A row of SHOW STREAMS / SHOW TABLES. */
typedef struct sl_engine_source_info {
        const char *name;
        const char *type;              /* "STREAM" / "TABLE" */
        const char *topic;
        const char *key_format;
        const char *value_format;
        bool windowed;
} sl_engine_source_info;

/* DESCRIBE source. */
typedef struct sl_engine_source_desc {
        sl_engine_source_info info;    /* name, type, topic, formats */
        sl_engine_field *fields;       /* key columns first */
        size_t nfields;
        const char *timestamp;         /* TIMESTAMP column or "" */
        const char *window_type;       /* TUMBLING/HOPPING/SESSION or NULL */
        const char *statement;         /* the CREATE statement */
        int partitions;                /* 0 when unknown */
        int replication;               /* 0 when unknown */
        bool extended;                 /* DESCRIBE EXTENDED */
        const char *statistics;        /* EXTENDED: "consumer-total-messages: N" of the queries reading it, or NULL */
        const char *error_stats;       /* EXTENDED: "consumer-failed-messages: N" (records skipped), or NULL */
} sl_engine_source_desc;

/* A row of SHOW QUERIES. */
typedef struct sl_engine_query_info {
        const char *id;
        const char *query_string;
        const char *sink;              /* NULL for transient queries */
        const char *sink_topic;        /* NULL for transient queries */
        const char *query_type;        /* "PERSISTENT" / "PUSH" */
        const char *state;             /* "RUNNING" ... */
} sl_engine_query_info;

/* A row of SHOW PROPERTIES. */
typedef struct sl_engine_property {
        const char *name;
        const char *scope;             /* "KSQL", "KAFKA_STREAMS", "KAFKA_CLIENT" */
        const char *value;
        const char *level;             /* "SERVER" or "SESSION" */
        bool editable;                 /* may be SET per session */
        bool overwritten;              /* SET in this request/session */
} sl_engine_property;

/* A row of SHOW FUNCTIONS. */
typedef struct sl_engine_func_name {
        const char *name;              /* upper case */
        const char *type;              /* "SCALAR", "AGGREGATE", "TABLE" */
        const char *category;
} sl_engine_func_name;

/* One argument of one overload (DESCRIBE FUNCTION). */
typedef struct sl_engine_func_arg {
        const char *name;
        const char *type;
        const char *description;
        bool variadic;
} sl_engine_func_arg;

/* One overload (DESCRIBE FUNCTION). */
typedef struct sl_engine_func_variant {
        sl_engine_func_arg *args;
        size_t nargs;
        const char *return_type;
        const char *description;
} sl_engine_func_variant;

/* DESCRIBE FUNCTION. */
typedef struct sl_engine_func_desc {
        const char *name;
        const char *description;
        const char *author;
        const char *version;
        const char *path;              /* "internal" for built-ins */
        const char *type;              /* "SCALAR", "AGGREGATE", "TABLE" */
        sl_engine_func_variant *variants;
        size_t nvariants;
} sl_engine_func_desc;

/* A SHOW TOPICS row. */
typedef struct sl_engine_topic {
        const char *name;
        int partitions;                /* partition count */
        int replication;               /* replicas of each partition */
} sl_engine_topic;

/* A SHOW TYPES entry. */
typedef struct sl_engine_type_def {
        const char *name;
        sl_engine_schema *schema;
} sl_engine_type_def;

/* The kinds of entity, by their ksqlDB "@type". */
typedef enum sl_engine_entity_kind {
        SL_ENGINE_CURRENT_STATUS,      /* currentStatus */
        SL_ENGINE_STREAMS,             /* streams */
        SL_ENGINE_TABLES,              /* tables */
        SL_ENGINE_QUERIES,             /* queries */
        SL_ENGINE_PROPERTIES,          /* properties */
        SL_ENGINE_SOURCE_DESCRIPTION,  /* sourceDescription */
        SL_ENGINE_SOURCE_DESCRIPTIONS, /* source_descriptions */
        SL_ENGINE_FUNCTION_NAMES,      /* function_names */
        SL_ENGINE_DESCRIBE_FUNCTION,   /* describe_function */
        SL_ENGINE_TYPE_LIST,           /* type_list */
        SL_ENGINE_VARIABLES,           /* variables */
        SL_ENGINE_WARNING,             /* warning_entity */
        SL_ENGINE_KAFKA_TOPICS,        /* kafka_topics */
} sl_engine_entity_kind;

/* One result entity. Every pointer lives in the result's arena. */
typedef struct sl_engine_entity {
        sl_engine_entity_kind kind;
        const char *statement_text;    /* the statement as written, ';' included */
        const char **warnings;         /* warning messages */
        size_t nwarnings;
        /* CURRENT_STATUS */
        const char *command_id;        /* "stream/`S`/create" */
        const char *status;            /* "SUCCESS" */
        const char *message;           /* also WARNING's message */
        const char *query_id;          /* or NULL */
        int64_t command_seq;           /* commandSequenceNumber */
        /* STREAMS, TABLES */
        sl_engine_source_info *sources;
        size_t nsources;
        /* SOURCE_DESCRIPTION (one), SOURCE_DESCRIPTIONS (many) */
        sl_engine_source_desc *descs;
        size_t ndescs;
        /* QUERIES */
        sl_engine_query_info *queries;
        size_t nqueries;
        /* PROPERTIES */
        sl_engine_property *props;
        size_t nprops;
        /* FUNCTION_NAMES */
        sl_engine_func_name *funcs;
        size_t nfuncs;
        /* DESCRIBE_FUNCTION */
        sl_engine_func_desc *func;
        /* TYPE_LIST */
        sl_engine_type_def *types;
        size_t ntypes;
        /* KAFKA_TOPICS */
        sl_engine_topic *topics;
        size_t ntopics;
        /* VARIABLES (name = variable, value) */
        sl_engine_kv *vars;
        size_t nvars;
} sl_engine_entity;

/* What sl_engine_execute returns: the entities of the statements that ran, then, when one
 * failed, its error (execution stops at the first failing statement, as in ksqlDB). */
typedef struct sl_engine_result {
        sl_arena arena;                /* owns every entity and string below */
        sl_vec entities;               /* of sl_engine_entity */
        bool failed;                   /* a statement (or the request) failed */
        int error_code;                /* ksqlDB code: 40001 ... */
        bool statement_error;          /* "statement_error" (else "generic_error") */
        const char *error_message;
        const char *error_statement;   /* the failing statement's text, or NULL */
} sl_engine_result;

/* Creates the engine from the server configuration (borrowed; must outlive the engine):
 * registers the built-in functions and an empty in-memory metastore. */
sl_err sl_engine_new(const sl_config *cfg, sl_engine **out, sl_err_detail *err);
void sl_engine_free(sl_engine *engine);
/* Replays the command log `_sluice_commands` (creating the topic when it is missing): rebuilds the
 * metastore and restarts the persistent queries with their ids; they resume from their committed
 * offsets. Call once after sl_engine_new, with Kafka reachable. No-op when sluice.engine.kafka is false. */
sl_err sl_engine_recover(sl_engine *engine, sl_err_detail *err);

/* Runs every statement of `req->sql`. Always fills `res` (free with sl_engine_result_deinit). */
void sl_engine_execute(sl_engine *engine, const sl_engine_request *req, sl_engine_result *res);
void sl_engine_result_deinit(sl_engine_result *res);

/* Server facts for /info and /healthcheck. */
const char *sl_engine_version(void);
const char *sl_engine_service_id(const sl_engine *engine);
const char *sl_engine_cluster_id(const sl_engine *engine);
/* The last command sequence number handed out (0 when none). */
int64_t sl_engine_command_seq(sl_engine *engine);
/* Every command id with its status (GET /status), in order; arrays in `arena`. */
size_t sl_engine_command_statuses(sl_engine *engine, sl_arena *arena, const char ***ids,
                                  const char ***statuses, const char ***messages);
/* True when a session may override property `name` (SET, streamsProperties); else `msg` says why. */
bool sl_engine_property_valid(const char *name, char *msg, size_t msglen);
/* True when a source called `name` exists (exact, or upper-cased); its canonical name in *canon. */
bool sl_engine_source_exists(sl_engine *engine, const char *name, sl_arena *arena, const char **canon);

/* ---- streaming queries (/query, /query-stream): the interface the query manager plugs into ---- */

/* The header of a started query. */
typedef struct sl_engine_query_header {
        const char *query_id;          /* "transient_S_123..." */
        const char **column_names;
        const char **column_types;     /* "INTEGER", "STRING", ... */
        size_t ncolumns;
        const char *schema;            /* "`ID` BIGINT KEY, `V` STRING" (old /query header) */
        bool pull;                     /* pull query: ends by itself */
        bool print;                    /* PRINT: no columns; each row is a text line ("Key format: ...",
                                        * "rowtime: ..., key: ..., value: ..., partition: 0") */
} sl_engine_query_header;

/* Where a running query delivers its rows. Called from engine threads; never after
 * sl_engine_query_close returned. */
typedef struct sl_engine_query_sink {
        void *ctx;
        /* One row: `json` is a JSON array of column values. Returns false to ask the query to stop
         * (the client left); the engine then calls `end` soon. */
        bool (*row)(void *ctx, const char *json, bool tombstone);
        /* The query ended: `final_message` "Limit Reached" / "Query Completed", or `err` set. */
        void (*end)(void *ctx, const char *final_message, const sl_engine_result *err);
        /* PRINT's text lines (no newline), or NULL to get them through `row`. Returns false to stop. */
        bool (*line)(void *ctx, const char *text);
} sl_engine_query_sink;

typedef struct sl_engine_query sl_engine_query;

/* Starts the single SELECT or PRINT in `req->sql`. On success *out is the running query and
 * `hdr` (in `arena`) its header; rows then flow into `sink`. On failure `res` holds the error. */
sl_err sl_engine_query_start(sl_engine *engine, const sl_engine_request *req, const sl_engine_query_sink *sink,
                             sl_arena *arena, sl_engine_query_header *hdr, sl_engine_query **out,
                             sl_engine_result *res);
/* Stops the query and frees it; no sink call happens after this returns. NULL does nothing. */
void sl_engine_query_close(sl_engine_query *q);

/* ---- /inserts-stream ---- */
typedef struct sl_engine_insert sl_engine_insert;
/* Opens an insert stream into `target` (case-insensitive). `res` holds the error on failure. */
sl_err sl_engine_insert_open(sl_engine *engine, const char *target, sl_engine_insert **out,
                             sl_engine_result *res);
/* Inserts one row given as a JSON object text. On failure `err` says why (the server acks
 * {"status":"error"...}). */
sl_err sl_engine_insert_row(sl_engine_insert *ins, const char *json, size_t len, int *error_code,
                            sl_err_detail *err);
/* Inserts rows[0..n) (JSON object texts) in order, in one batch sent together, and waits for their
 * delivery. Returns how many rows from the first were written; when fewer than n, the row at that
 * index failed (*error_code and `err` say why) and none after it is acknowledged: the rows after a
 * row the formats could not write were not sent; after a row whose delivery failed, later ones
 * may have been delivered. */
size_t sl_engine_insert_rows(sl_engine_insert *ins, const sl_slice *rows, size_t n, int *error_code,
                             sl_err_detail *err);
void sl_engine_insert_close(sl_engine_insert *ins);

#endif
