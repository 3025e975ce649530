/* registry.h: a schema registry in the shape of Confluent's Schema Registry. Three parts:
 *
 *   store   subjects, their versions, schemas by global id, compatibility configuration, with the
 *           registry's rules (idempotent registration, BACKWARD by default, soft and permanent
 *           deletes) and error codes (40401 subject not found, 40402 version not found, 40403
 *           schema not found, 409 incompatible, 42201 invalid schema, 42203 invalid level...).
 *           Every change is a record of Confluent's `_schemas` topic (key {"keytype":"SCHEMA",
 *           "subject","version","magic":1}, value {"subject","version","id","schema","deleted"};
 *           CONFIG records for levels). With a Kafka bootstrap the records are written (acks=all,
 *           flushed before the call returns) to the compacted `_schemas` topic and replayed at
 *           start, so the registry survives restarts; without one the store lives in memory.
 *   server  its REST subset on its own port (schema.registry.listeners, default
 *           http://127.0.0.1:8081), content type application/vnd.schemaregistry.v1+json.
 *   client  a libcurl client of any registry (ours or an external one) implementing the serdes'
 *           sl_serde_registry, with an id -> schema and a (subject, schema) -> id cache; and an
 *           in-process sl_serde_registry straight over a store (tests, the conformance driver).
 *
 * Thread: the store is guarded by one mutex; every function may be called from any thread. */
#ifndef SL_REGISTRY_REGISTRY_H
#define SL_REGISTRY_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/config.h"
#include "common/err.h"
#include "common/str.h"
#include "serde/serde.h"
#include "sql/ast.h"
#include "sql/catalog.h"

/* Registry error codes (the "error_code" of its error bodies); HTTP status = code / 100 when
 * code > 999, else the code. */
enum {
        SL_REGISTRY_OK = 0,
        SL_REGISTRY_INCOMPATIBLE = 409,
        SL_REGISTRY_SUBJECT_NOT_FOUND = 40401,
        SL_REGISTRY_VERSION_NOT_FOUND = 40402,
        SL_REGISTRY_SCHEMA_NOT_FOUND = 40403,
        SL_REGISTRY_SUBJECT_SOFT_DELETED = 40404,
        SL_REGISTRY_SUBJECT_NOT_SOFT_DELETED = 40405,
        SL_REGISTRY_VERSION_SOFT_DELETED = 40406,
        SL_REGISTRY_VERSION_NOT_SOFT_DELETED = 40407,
        SL_REGISTRY_SUBJECT_LEVEL_NOT_CONFIGURED = 40408,
        SL_REGISTRY_INVALID_SCHEMA = 42201,
        SL_REGISTRY_INVALID_VERSION = 42202,
        SL_REGISTRY_INVALID_LEVEL = 42203,
        SL_REGISTRY_STORE_ERROR = 50001,
};

typedef struct sl_registry_store sl_registry_store;

/* A new store. `bootstrap` NULL: in memory only. Otherwise creates `_schemas` (compacted, one
 * partition) when missing and replays it; SL_ERR_IO and friends when Kafka is unreachable. */
sl_err sl_registry_store_new(const char *bootstrap, sl_registry_store **out, sl_err_detail *err);
void sl_registry_store_free(sl_registry_store *store);

/* One schema version as the API shows it. Strings are caller-owned (sl_free) copies. */
typedef struct sl_registry_version {
        char *subject;
        int version;
        int32_t id;
        char *schema_type;  /* "AVRO", "JSON", "PROTOBUF" */
        char *schema;
} sl_registry_version;
void sl_registry_version_deinit(sl_registry_version *v);

/* Each operation returns a registry error code (SL_REGISTRY_OK on success) and on failure a
 * message in `msg` (reset first) as the registry words it. */

/* Registers `schema` of `schema_type` (NULL: AVRO) under `subject`, or returns the id of the same
 * schema already registered there (idempotent). Checks it against the subject's level. */
int sl_registry_store_register(sl_registry_store *store, const char *subject, const char *schema_type,
                               const char *schema, int32_t *id, sl_str *msg);
/* Registers `schema` under `subject` with the given global id (Confluent's IMPORT mode; tests
 * that pin ids); 42205 when the id holds another schema. */
int sl_registry_store_import(sl_registry_store *store, const char *subject, const char *schema_type,
                             const char *schema, int32_t id, sl_str *msg);
/* POST /subjects/{s}: the version of `subject` holding `schema`. */
int sl_registry_store_lookup(sl_registry_store *store, const char *subject, const char *schema_type,
                             const char *schema, bool deleted, sl_registry_version *out, sl_str *msg);
/* GET /schemas/ids/{id}. */
int sl_registry_store_schema(sl_registry_store *store, int32_t id, sl_registry_version *out, sl_str *msg);
/* GET /subjects/{s}/versions/{v}; version -1 is "latest". */
int sl_registry_store_version(sl_registry_store *store, const char *subject, int version, bool deleted,
                              sl_registry_version *out, sl_str *msg);
/* GET /subjects (JSON array text into `out`); GET /subjects/{s}/versions; GET /schemas/ids/{id}/versions. */
void sl_registry_store_subjects(sl_registry_store *store, bool deleted, sl_str *out);
int sl_registry_store_versions(sl_registry_store *store, const char *subject, bool deleted, sl_str *out, sl_str *msg);
int sl_registry_store_id_versions(sl_registry_store *store, int32_t id, sl_str *out, sl_str *msg);
/* DELETE /subjects/{s}[?permanent=true]: JSON array of the deleted versions into `out`. */
int sl_registry_store_delete_subject(sl_registry_store *store, const char *subject, bool permanent, sl_str *out,
                                     sl_str *msg);
/* DELETE /subjects/{s}/versions/{v}; version -1 is "latest"; *deleted receives the version. */
int sl_registry_store_delete_version(sl_registry_store *store, const char *subject, int version, bool permanent,
                                     int *deleted, sl_str *msg);
/* POST /compatibility/subjects/{s}/versions/{v} (version -1: latest, -2: all versions, as
 * /compatibility/subjects/{s}/versions does): *ok, and with `verbose` the reasons in `why`. */
int sl_registry_store_check(sl_registry_store *store, const char *subject, int version, const char *schema_type,
                            const char *schema, bool *ok, sl_str *why, sl_str *msg);
/* GET/PUT /config and /config/{s}: subject NULL is the global level. get with `fallback` gives the
 * global level for a subject without one (defaultToGlobal). */
int sl_registry_store_get_level(sl_registry_store *store, const char *subject, bool fallback, const char **level,
                                sl_str *msg);
int sl_registry_store_set_level(sl_registry_store *store, const char *subject, const char *level, sl_str *msg);
int sl_registry_store_delete_level(sl_registry_store *store, const char *subject, const char **old, sl_str *msg);

/* An in-process sl_serde_registry over `store` (borrowed; must outlive the result). */
sl_serde_registry *sl_registry_local_new(sl_registry_store *store);
void sl_registry_local_free(sl_serde_registry *reg);

typedef struct sl_registry_server sl_registry_server;

/* Starts the REST server over `store` (borrowed) on `listener` ("http://host:port"; port 0 picks
 * one). *url receives the URL clients use (borrowed from the server). */
sl_err sl_registry_server_start(sl_registry_store *store, const char *listener, sl_registry_server **out,
                                sl_err_detail *err);
const char *sl_registry_server_url(const sl_registry_server *srv);
void sl_registry_server_stop(sl_registry_server *srv);

/* A libcurl client of the registry at `url` (one or several comma-separated URLs; the first is
 * used). basic_auth "user:password" or NULL. */
sl_serde_registry *sl_registry_client_new(const char *url, const char *basic_auth);
void sl_registry_client_free(sl_serde_registry *reg);

/* CREATE STREAM/TABLE `stmt`, analyzed into `src`, over AVRO without value (key) columns: *out
 * receives the statement rewritten with the columns `reg` infers (caller frees with
 * sl_ast_stmt_free), or NULL when nothing is to infer. ksqlDB's message when the subject is absent
 * ("Schema for message values on topic 'x' does not exist in the Schema Registry..."). */
sl_err sl_registry_infer_columns(const sl_serde_registry *reg, const sl_ast_stmt *stmt, const sl_catalog_source *src,
                                 sl_ast_stmt **out, sl_err_detail *err);

/* What sluiced runs: with ksql.schema.registry.url empty, the store on `bootstrap` and the REST
 * server on schema.registry.listeners; then the client of the URL in use, installed as the serdes'
 * default registry. */
typedef struct sl_registry_service sl_registry_service;
sl_err sl_registry_service_start(const sl_config *cfg, const char *bootstrap, sl_registry_service **out,
                                 sl_err_detail *err);
void sl_registry_service_stop(sl_registry_service *svc);

#endif
