/* engine_insert.c: writing single rows into a source's topic, the way both INSERT INTO ... VALUES
 * (query.c analyzes the statement and evaluates its values) and POST /inserts-stream (one JSON
 * object per row) do it in ksqlDB. Both end in sl_engine_insert_produce: the row is serialized
 * with the source's key and value formats, produced with the partitioner of Kafka's Java clients
 * (murmur2 of the key) through the engine's insert producer, and flushed, so an acknowledged row
 * is in the topic.
 *
 * An insert stream resolves its target as ksqlDB's InsertsStreamEndpoint does (unquoted names
 * upper-cased, `quoted` ones taken as written; windowed and read-only sources refused) and turns
 * each JSON object into a row as its KeyValueExtractor does: field names follow the same quoting
 * rule, every key column must be present and not null, missing value columns are NULL, values are
 * coerced by the JSON reader of the value format (BYTES as base64). ROWTIME is the time of the
 * insert. The source is looked up again for every row, so a DROP while the stream is open makes
 * the next rows fail instead of touching a freed source.
 *
 * Threads: every exported function takes the engine's lock, except sl_engine_insert_produce whose
 * caller holds it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "kafka/conf.h"
#include "kafka/producer.h"
#include "plan/plan.h"
#include "serde/serde.h"

#define INSERT_FLUSH_TIMEOUT_MS 10000

struct sl_engine_insert {
        sl_engine *engine;  /* borrowed */
        char *target;       /* the target's name as ksqlDB resolves it (heap) */
};

/* One side's serde over the source's columns at `slots`. */
static sl_err side_serde(const sl_catalog_source *src, sl_serde_format format, const size_t *slots, size_t n,
                         bool unwrapped, char delim, sl_serde **out, sl_err_detail *err)
{
        sl_serde_column *cols = sl_calloc(n + 1, sizeof(*cols));
        sl_serde_schema schema = {.columns = cols, .ncolumns = n, .unwrapped = unwrapped, .delimiter = delim};
        for (size_t i = 0; i < n; i++) {
                cols[i].name = src->columns[slots[i]].name;
                cols[i].type = src->columns[slots[i]].type;
        }
        sl_err rc = sl_serde_new(format, &schema, out, err);
        sl_free(cols);
        return rc;
}

/* Serializes row[slots[0..n)] with `serde` into `buf`; *null when nothing is to be written. */
static sl_err side_serialize(const sl_serde *serde, const sl_value *row, const size_t *slots, size_t n, sl_buf *buf,
                             bool *null, sl_err_detail *err)
{
        sl_value *vals = sl_calloc(n + 1, sizeof(*vals));
        for (size_t i = 0; i < n; i++)
                vals[i] = row[slots[i]];
        sl_err rc = sl_serde_serialize(serde, vals, buf, null, err);
        sl_free(vals);
        return rc;
}

/* The engine's insert producer, created at first use. */
static sl_err insert_producer(sl_engine *engine, sl_err_detail *err)
{
        char bs[512];
        sl_kafka_conf conf;

        if (engine->ins_producer != NULL)
                return SL_OK;
        sl_kafka_conf_init(&conf);
        sl_engine_bootstrap(engine, bs, sizeof(bs));
        sl_kafka_conf_set(&conf, "bootstrap.servers", bs);
        sl_kafka_conf_set(&conf, "partitioner", "murmur2_random");
        sl_err rc = sl_kafka_producer_new(&conf, NULL, NULL, &engine->ins_producer, err);
        sl_kafka_conf_deinit(&conf);
        return rc;
}

sl_err sl_engine_insert_produce(sl_engine *engine, const sl_catalog_source *sink, const sl_value *row, int64_t ts,
                                int *code, sl_err_detail *err)
{
        sl_plan *plan = sl_plan_new(NULL);
        sl_serde *kser = NULL, *vser = NULL;
        sl_plan_topic topic;
        sl_buf kbuf, vbuf;
        sl_err_detail e;
        sl_err rc;

        sl_buf_init(&kbuf);
        sl_buf_init(&vbuf);
        memset(&topic, 0, sizeof(topic));
        *code = SL_ENGINE_BAD_STATEMENT;
        if ((rc = sl_plan_topic_from_source(plan, &topic, sink, 0, &e)) != SL_OK ||
            (rc = side_serde(sink, topic.key_format, topic.key_slots, topic.nkey, topic.nkey == 1, topic.key_delimiter,
                             &kser, &e)) != SL_OK ||
            (rc = side_serde(sink, topic.value_format, topic.value_slots, topic.nvalue, topic.value_unwrapped,
                             topic.value_delimiter, &vser, &e)) != SL_OK) {
                sl_err_set(err, rc, "%s", e.message);
                goto out;
        }
        bool knull = false, vnull = false;
        if ((topic.nkey > 0 && (rc = side_serialize(kser, row, topic.key_slots, topic.nkey, &kbuf, &knull, &e)) != SL_OK) ||
            (rc = side_serialize(vser, row, topic.value_slots, topic.nvalue, &vbuf, &vnull, &e)) != SL_OK) {
                sl_err_set(err, rc, "Failed to insert values into '%s': %s", sink->name, e.message);
                goto out;
        }
        *code = SL_ENGINE_SERVER_ERROR;
        if ((rc = insert_producer(engine, &e)) != SL_OK) {
                sl_err_set(err, rc, "%s", e.message);
                goto out;
        }
        sl_slice k = {knull || topic.nkey == 0 ? NULL : kbuf.data, kbuf.len};
        sl_slice v = {vnull ? NULL : vbuf.data, vbuf.len};
        if ((rc = sl_kafka_producer_send(engine->ins_producer, sink->topic, -1, k, v, NULL, 0, ts, NULL, &e)) != SL_OK ||
            (rc = sl_kafka_producer_flush(engine->ins_producer, INSERT_FLUSH_TIMEOUT_MS, &e)) != SL_OK) {
                sl_err_set(err, rc, "Failed to insert values into '%s': %s", sink->name, e.message);
                goto out;
        }
        uint64_t delivered = 0, failed = 0;
        sl_kafka_producer_stats(engine->ins_producer, &delivered, &failed);
        if (failed > engine->ins_failed) {
                engine->ins_failed = failed;
                rc = sl_err_set(err, SL_ERR_IO, "Failed to insert values into '%s': the record was not delivered",
                                sink->name);
                goto out;
        }
        rc = SL_OK;
out:
        sl_buf_deinit(&kbuf);
        sl_buf_deinit(&vbuf);
        sl_serde_free(kser);
        sl_serde_free(vser);
        sl_plan_free(plan);
        return rc;
}

/* A name as ksqlDB's Identifiers.getIdentifierText reads it: `quoted` (`` for a backtick) as
 * written, otherwise upper-cased. Heap; NULL for an empty quoted name. */
static char *identifier_text(const char *name)
{
        size_t len = strlen(name);

        if (len >= 2 && name[0] == '`' && name[len - 1] == '`') {
                if (len == 2)
                        return NULL;
                char *out = sl_malloc(len), *o = out;
                for (size_t i = 1; i + 1 < len; i++) {
                        *o++ = name[i];
                        if (name[i] == '`' && name[i + 1] == '`' && i + 2 < len)
                                i++;
                }
                *o = '\0';
                return out;
        }
        char *out = sl_strdup(name);
        sl_str_upper(out);
        return out;
}

/* The target `name` (engine lock held) or NULL with the error in code/err. */
static const sl_catalog_source *insert_target(sl_engine *engine, const char *name, int *code, sl_err_detail *err)
{
        const sl_catalog_source *src = sl_engine_meta_source(engine, name);

        *code = SL_ENGINE_BAD_STATEMENT;
        if (src == NULL) {
                sl_err_set(err, SL_ERR_NOT_FOUND, "Cannot insert values into an unknown stream/table: %s", name);
                return NULL;
        }
        if (src->window != SL_CATALOG_WINDOW_NONE) {
                sl_err_set(err, SL_ERR_INVALID, "Cannot insert values into windowed stream/table");
                return NULL;
        }
        if (src->source_only || src->topic == NULL || src->topic[0] == '_') {
                sl_err_set(err, SL_ERR_INVALID, "Cannot insert values into read-only topic: %s",
                           src->topic ? src->topic : "");
                return NULL;
        }
        return src;
}

sl_err sl_engine_insert_open(sl_engine *engine, const char *target, sl_engine_insert **out, sl_engine_result *res)
{
        sl_err_detail err;
        int code;
        char *name = target ? identifier_text(target) : NULL;

        memset(res, 0, sizeof(*res));
        sl_arena_init(&res->arena, 0);
        sl_vec_init(&res->entities, sizeof(sl_engine_entity));
        *out = NULL;
        if (name == NULL) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, false, NULL, "Invalid target name: %s", target ? target : "");
                return SL_ERR_INVALID;
        }
        pthread_mutex_lock(&engine->lock);
        const sl_catalog_source *src = insert_target(engine, name, &code, &err);
        pthread_mutex_unlock(&engine->lock);
        if (src == NULL) {
                sl_engine_fail(res, code, false, NULL, "%s", err.message);
                sl_free(name);
                return err.code;
        }
        sl_engine_insert *ins = sl_calloc(1, sizeof(*ins));
        ins->engine = engine;
        ins->target = name;
        *out = ins;
        return SL_OK;
}

/* The row's fields with ksqlDB's name rule applied (new reference), or NULL with `err` set. */
static json_t *normalize_fields(json_t *obj, sl_err_detail *err)
{
        json_t *norm = json_object();
        const char *key;
        json_t *val;

        json_object_foreach(obj, key, val) {
                char *name = identifier_text(key);
                if (name == NULL) {
                        sl_err_set(err, SL_ERR_INVALID, "Invalid column / struct field name. Name: %s. Reason: empty "
                                   "quoted identifier.", key);
                        json_decref(norm);
                        return NULL;
                }
                if (json_object_get(norm, name) != NULL) {
                        sl_err_set(err, SL_ERR_INVALID, "Found duplicate column / struct field name: %s", name);
                        sl_free(name);
                        json_decref(norm);
                        return NULL;
                }
                json_object_set(norm, name, val);
                sl_free(name);
        }
        return norm;
}

/* Decodes the normalized JSON object into row[0..ncolumns) of `src` (header columns NULL). */
static sl_err row_from_json(const sl_catalog_source *src, json_t *norm, sl_arena *arena, sl_value *row, int *code,
                            sl_err_detail *err)
{
        sl_serde_column *cols = sl_calloc(src->ncolumns + 1, sizeof(*cols));
        size_t *slots = sl_calloc(src->ncolumns + 1, sizeof(*slots));
        sl_value *vals = sl_arena_calloc(arena, src->ncolumns + 1, sizeof(*vals));
        sl_serde *serde = NULL;
        char *text = NULL;
        size_t n = 0;
        sl_err rc;

        *code = SL_ENGINE_BAD_REQUEST;
        for (size_t i = 0; i < src->ncolumns; i++) {
                const sl_catalog_column *c = &src->columns[i];
                row[i] = sl_value_null();
                if (c->role == SL_CATALOG_HEADERS || c->role == SL_CATALOG_HEADER)
                        continue;
                if (c->role == SL_CATALOG_KEY) {
                        json_t *v = json_object_get(norm, c->name);
                        if (v == NULL || json_is_null(v)) {
                                rc = sl_err_set(err, SL_ERR_INVALID, "Key field must be specified: %s", c->name);
                                goto out;
                        }
                }
                cols[n].name = c->name;
                cols[n].type = c->type;
                slots[n++] = i;
        }
        sl_serde_schema schema = {.columns = cols, .ncolumns = n};
        if ((rc = sl_serde_new(SL_SERDE_JSON, &schema, &serde, err)) != SL_OK) {
                *code = SL_ENGINE_SERVER_ERROR;
                goto out;
        }
        text = json_dumps(norm, JSON_COMPACT);
        bool null = false;
        sl_slice in = {(const uint8_t *)text, strlen(text)};
        if ((rc = sl_serde_deserialize(serde, in, arena, NULL, vals, &null, err)) != SL_OK)
                goto out;
        for (size_t i = 0; i < n; i++)
                row[slots[i]] = vals[i];
out:
        free(text);
        sl_serde_free(serde);
        sl_free(slots);
        sl_free(cols);
        return rc;
}

sl_err sl_engine_insert_row(sl_engine_insert *ins, const char *json, size_t len, int *error_code, sl_err_detail *err)
{
        sl_engine *engine = ins->engine;
        json_error_t jerr;
        json_t *obj = json_loadb(json, len, 0, &jerr), *norm = NULL;
        sl_arena arena;
        sl_err rc;

        sl_arena_init(&arena, 0);
        *error_code = SL_ENGINE_BAD_REQUEST;
        if (!json_is_object(obj)) {
                rc = sl_err_set(err, SL_ERR_INVALID, "Invalid JSON in inserts stream");
                goto out;
        }
        if ((norm = normalize_fields(obj, err)) == NULL) {
                rc = SL_ERR_INVALID;
                goto out;
        }
        pthread_mutex_lock(&engine->lock);
        const sl_catalog_source *src = insert_target(engine, ins->target, error_code, err);
        if (src == NULL) {
                pthread_mutex_unlock(&engine->lock);
                rc = err->code;
                goto out;
        }
        if (!engine->kafka) {
                pthread_mutex_unlock(&engine->lock);
                *error_code = SL_ENGINE_SERVER_ERROR;
                rc = sl_err_set(err, SL_ERR_UNSUPPORTED, "Inserts need Kafka (sluice.engine.kafka is false)");
                goto out;
        }
        sl_value *row = sl_arena_calloc(&arena, src->ncolumns + 1, sizeof(*row));
        rc = row_from_json(src, norm, &arena, row, error_code, err);
        if (rc == SL_OK)
                rc = sl_engine_insert_produce(engine, src, row, 0, error_code, err);
        pthread_mutex_unlock(&engine->lock);
        if (rc != SL_OK)
                SL_LOG_DEBUG("engine", "insert into %s failed: %s", ins->target, err->message);
out:
        json_decref(norm);
        json_decref(obj);
        sl_arena_deinit(&arena);
        return rc;
}

void sl_engine_insert_close(sl_engine_insert *ins)
{
        if (ins == NULL)
                return;
        sl_free(ins->target);
        sl_free(ins);
}
