/* engine_insert.c: writing single rows into a source's topic, the way both INSERT INTO ... VALUES
 * (query.c analyzes the statement and evaluates its values) and POST /inserts-stream (one JSON
 * object per row) do it in ksqlDB. Both end in sl_engine_insert_produce: the row is serialized
 * with the source's key and value formats, produced with the partitioner of Kafka's Java clients
 * (murmur2 of the key) through the engine's insert producer, and flushed, so an acknowledged row
 * is in the topic. An insert stream sends a batch of rows before it waits: each send carries its
 * number and the batch's generation, and the delivery reports of the batch fill an array of
 * outcomes (reports of an older batch whose wait timed out are only logged).
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
                         bool unwrapped, char delim, const sl_plan_topic *topic, bool key, sl_serde **out,
                         sl_err_detail *err)
{
        sl_serde_column *cols = sl_calloc(n + 1, sizeof(*cols));
        char subject[512];
        snprintf(subject, sizeof(subject), "%s-%s", src->topic, key ? "key" : "value");
        /* schema-registry formats register (or find) the schema of the columns under the subject */
        sl_serde_schema schema = {.columns = cols, .ncolumns = n, .unwrapped = unwrapped, .delimiter = delim,
                                  .subject = subject,
                                  .schema_id = key ? topic->key_schema_id : topic->value_schema_id,
                                  .full_name = key ? topic->key_full_name : topic->value_full_name,
                                  .prefer_latest = true};  /* AVRO: the source's registered schema if it fits */
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

/* Delivery reports: a send's msg_opaque is (generation << 32 | number + 1); reports of the
 * generation being flushed land in engine->ins_results, older ones (a flush that timed out) are
 * only logged. Runs inside sl_kafka_producer_send/flush, so under the engine lock. */
static void on_delivery(void *opaque, const sl_kafka_delivery *d)
{
        sl_engine *engine = opaque;
        uint64_t tok = (uint64_t)(uintptr_t)d->msg_opaque;
        uint32_t gen = (uint32_t)(tok >> 32);
        size_t index = (size_t)(tok & 0xffffffffu);

        if (d->err != SL_OK)
                SL_LOG_WARN("engine", "insert into topic %s not delivered: %s", d->topic, d->errstr);
        if (engine->ins_results != NULL && gen == engine->ins_gen && index >= 1 && index <= engine->ins_nresults)
                engine->ins_results[index - 1] = d->err;
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
        sl_err rc = sl_kafka_producer_new(&conf, on_delivery, engine, &engine->ins_producer, err);
        sl_kafka_conf_deinit(&conf);
        return rc;
}

/* The key and value serdes of one source, for a batch of rows. */
typedef struct encoder {
        const sl_catalog_source *sink;  /* borrowed from the catalog (engine lock held) */
        sl_plan *plan;                  /* owns the topic's slot arrays */
        sl_plan_topic topic;            /* formats and slots */
        sl_serde *kser, *vser;          /* owned */
        sl_buf kbuf, vbuf;              /* scratch */
} encoder;

static void encoder_deinit(encoder *enc)
{
        sl_buf_deinit(&enc->kbuf);
        sl_buf_deinit(&enc->vbuf);
        sl_serde_free(enc->kser);
        sl_serde_free(enc->vser);
        sl_plan_free(enc->plan);
}

/* Builds the serdes; on failure (the formats cannot hold the columns) `err` has the whole message. */
static sl_err encoder_init(encoder *enc, const sl_catalog_source *sink, sl_err_detail *err)
{
        sl_err_detail e;
        sl_err rc;

        memset(enc, 0, sizeof(*enc));
        enc->sink = sink;
        enc->plan = sl_plan_new(NULL);
        sl_buf_init(&enc->kbuf);
        sl_buf_init(&enc->vbuf);
        sl_plan_topic *t = &enc->topic;
        if ((rc = sl_plan_topic_from_source(enc->plan, t, sink, 0, &e)) != SL_OK ||
            (rc = side_serde(sink, t->key_format, t->key_slots, t->nkey, t->nkey == 1, t->key_delimiter, t, true,
                             &enc->kser, &e)) != SL_OK ||
            (rc = side_serde(sink, t->value_format, t->value_slots, t->nvalue, t->value_unwrapped, t->value_delimiter, t,
                             false, &enc->vser, &e)) != SL_OK)
                sl_err_set(err, rc, "%s", e.message);
        return rc;
}

/* Serializes `row` and queues it as send number `index` of the current batch. */
static sl_err encode_send(sl_engine *engine, encoder *enc, const sl_value *row, int64_t ts, size_t index, int *code,
                          sl_err_detail *err)
{
        const sl_plan_topic *t = &enc->topic;
        bool knull = false, vnull = false;
        sl_err_detail e;
        sl_err rc;

        sl_buf_reset(&enc->kbuf);
        sl_buf_reset(&enc->vbuf);
        *code = SL_ENGINE_BAD_STATEMENT;
        if ((t->nkey > 0 && (rc = side_serialize(enc->kser, row, t->key_slots, t->nkey, &enc->kbuf, &knull, &e)) != SL_OK) ||
            (rc = side_serialize(enc->vser, row, t->value_slots, t->nvalue, &enc->vbuf, &vnull, &e)) != SL_OK)
                return sl_err_set(err, rc, "Failed to insert values into '%s': %s", enc->sink->name, e.message);
        *code = SL_ENGINE_SERVER_ERROR;
        if ((rc = insert_producer(engine, &e)) != SL_OK)
                return sl_err_set(err, rc, "%s", e.message);
        sl_slice k = {knull || t->nkey == 0 ? NULL : enc->kbuf.data, enc->kbuf.len};
        sl_slice v = {vnull ? NULL : enc->vbuf.data, enc->vbuf.len};
        void *tok = (void *)(uintptr_t)(((uint64_t)engine->ins_gen << 32) | (uint64_t)(index + 1));
        if ((rc = sl_kafka_producer_send(engine->ins_producer, enc->sink->topic, -1, k, v, NULL, 0, ts, tok, &e)) != SL_OK)
                return sl_err_set(err, rc, "Failed to insert values into '%s': %s", enc->sink->name, e.message);
        return SL_OK;
}

/* Starts a batch of up to `n` sends: a new generation, every outcome "not reported". */
static void batch_begin(sl_engine *engine, size_t n)
{
        engine->ins_gen++;
        engine->ins_nresults = n;
        engine->ins_results = sl_malloc((n ? n : 1) * sizeof(sl_err));
        for (size_t i = 0; i < n; i++)
                engine->ins_results[i] = SL_ERR_TIMEOUT;
}

/* Waits for the first `sent` sends of the batch; returns the number of the first one not
 * delivered, or `sent` (then all were), with `err` set. Ends the batch. */
static size_t batch_end(sl_engine *engine, size_t sent, const char *source, sl_err_detail *err)
{
        sl_err_detail e;
        size_t first = sent;

        if (sent > 0 && engine->ins_producer != NULL &&
            sl_kafka_producer_flush(engine->ins_producer, INSERT_FLUSH_TIMEOUT_MS, &e) != SL_OK)
                SL_LOG_WARN("engine", "inserts into %s: %s", source, e.message);
        for (size_t i = 0; i < sent && first == sent; i++)
                if (engine->ins_results[i] != SL_OK)
                        first = i;
        if (first < sent)
                sl_err_set(err, SL_ERR_IO, "Failed to insert values into '%s': the record was not delivered%s", source,
                           engine->ins_results[first] == SL_ERR_TIMEOUT ? " in time" : "");
        sl_free(engine->ins_results);
        engine->ins_results = NULL;
        engine->ins_nresults = 0;
        return first;
}

sl_err sl_engine_insert_produce(sl_engine *engine, const sl_catalog_source *sink, const sl_value *row, int64_t ts,
                                int *code, sl_err_detail *err)
{
        encoder enc;
        sl_err rc;

        *code = SL_ENGINE_BAD_STATEMENT;
        if ((rc = encoder_init(&enc, sink, err)) != SL_OK)
                goto out;
        batch_begin(engine, 1);
        rc = encode_send(engine, &enc, row, ts, 0, code, err);
        if (batch_end(engine, rc == SL_OK ? 1 : 0, sink->name, err) == 0 && rc == SL_OK) {
                *code = SL_ENGINE_SERVER_ERROR;
                rc = SL_ERR_IO;
        }
out:
        encoder_deinit(&enc);
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
                        goto fail;
                }
                bool dup = json_object_get(norm, name) != NULL;
                if (dup)
                        sl_err_set(err, SL_ERR_INVALID, "Found duplicate column / struct field name: %s", name);
                else
                        json_object_set(norm, name, val);
                sl_free(name);
                if (dup)
                        goto fail;
        }
        return norm;
fail:
        json_decref(norm);
        return NULL;
}

/* The JSON reader of one source's non-header columns, for a batch of rows. */
typedef struct decoder {
        const sl_catalog_source *src;   /* borrowed (engine lock held) */
        sl_serde *serde;                /* JSON, wrapped, over the columns at `slots` */
        size_t *slots;                  /* row slot of each serde column */
        size_t n;
} decoder;

static sl_err decoder_init(decoder *dec, const sl_catalog_source *src, sl_err_detail *err)
{
        sl_serde_column *cols = sl_calloc(src->ncolumns + 1, sizeof(*cols));

        memset(dec, 0, sizeof(*dec));
        dec->src = src;
        dec->slots = sl_calloc(src->ncolumns + 1, sizeof(*dec->slots));
        for (size_t i = 0; i < src->ncolumns; i++) {
                const sl_catalog_column *c = &src->columns[i];
                if (c->role == SL_CATALOG_HEADERS || c->role == SL_CATALOG_HEADER)
                        continue;
                cols[dec->n].name = c->name;
                cols[dec->n].type = c->type;
                dec->slots[dec->n++] = i;
        }
        sl_serde_schema schema = {.columns = cols, .ncolumns = dec->n};
        sl_err rc = sl_serde_new(SL_SERDE_JSON, &schema, &dec->serde, err);
        sl_free(cols);
        return rc;
}

static void decoder_deinit(decoder *dec)
{
        sl_serde_free(dec->serde);
        sl_free(dec->slots);
}

/* One row's JSON text into row[0..ncolumns) (header columns NULL), as KeyValueExtractor reads it. */
static sl_err decode_row(decoder *dec, sl_slice text, sl_arena *arena, sl_value *row, int *code, sl_err_detail *err)
{
        const sl_catalog_source *src = dec->src;
        json_error_t jerr;
        json_t *obj = json_loadb((const char *)text.ptr, text.len, 0, &jerr), *norm = NULL;
        sl_value *vals = sl_arena_calloc(arena, dec->n + 1, sizeof(*vals));
        char *dump = NULL;
        sl_err rc;

        *code = SL_ENGINE_BAD_REQUEST;
        if (!json_is_object(obj)) {
                rc = sl_err_set(err, SL_ERR_INVALID, "Invalid JSON in inserts stream");
                goto out;
        }
        if ((norm = normalize_fields(obj, err)) == NULL) {
                rc = SL_ERR_INVALID;
                goto out;
        }
        for (size_t i = 0; i < src->ncolumns; i++) {
                row[i] = sl_value_null();
                if (src->columns[i].role != SL_CATALOG_KEY)
                        continue;
                json_t *v = json_object_get(norm, src->columns[i].name);
                if (v == NULL || json_is_null(v)) {
                        rc = sl_err_set(err, SL_ERR_INVALID, "Key field must be specified: %s", src->columns[i].name);
                        goto out;
                }
        }
        dump = json_dumps(norm, JSON_COMPACT);
        bool null = false;
        sl_slice in = {(const uint8_t *)dump, strlen(dump)};
        if ((rc = sl_serde_deserialize(dec->serde, in, arena, NULL, vals, &null, err)) != SL_OK)
                goto out;
        for (size_t i = 0; i < dec->n; i++)
                row[dec->slots[i]] = vals[i];
out:
        free(dump);
        json_decref(norm);
        json_decref(obj);
        return rc;
}

size_t sl_engine_insert_rows(sl_engine_insert *ins, const sl_slice *rows, size_t n, int *error_code,
                             sl_err_detail *err)
{
        sl_engine *engine = ins->engine;
        sl_arena arena;
        encoder enc;
        decoder dec;
        size_t sent = 0, first = n;
        int code = SL_ENGINE_BAD_REQUEST;
        sl_err_detail e;

        if (n == 0)
                return 0;
        memset(&enc, 0, sizeof(enc));
        memset(&dec, 0, sizeof(dec));
        sl_arena_init(&arena, 0);
        pthread_mutex_lock(&engine->lock);
        const sl_catalog_source *src = insert_target(engine, ins->target, &code, &e);
        if (src == NULL) {
                first = 0;
                goto out;
        }
        if (!engine->kafka) {
                code = SL_ENGINE_SERVER_ERROR;
                sl_err_set(&e, SL_ERR_UNSUPPORTED, "Inserts need Kafka (sluice.engine.kafka is false)");
                first = 0;
                goto out;
        }
        if (encoder_init(&enc, src, &e) != SL_OK || decoder_init(&dec, src, &e) != SL_OK) {
                code = SL_ENGINE_BAD_STATEMENT;
                first = 0;
                goto out;
        }
        batch_begin(engine, n);
        for (; sent < n; sent++) {
                sl_value *row = sl_arena_calloc(&arena, src->ncolumns + 1, sizeof(*row));
                if (decode_row(&dec, rows[sent], &arena, row, &code, &e) != SL_OK ||
                    encode_send(engine, &enc, row, 0, sent, &code, &e) != SL_OK) {
                        first = sent;
                        break;
                }
                sl_arena_reset(&arena);
        }
        sl_err_detail de;
        size_t undelivered = batch_end(engine, sent, src->name, &de);
        if (undelivered < first) {
                first = undelivered;
                code = SL_ENGINE_SERVER_ERROR;
                e = de;
        }
out:
        pthread_mutex_unlock(&engine->lock);
        decoder_deinit(&dec);
        encoder_deinit(&enc);
        sl_arena_deinit(&arena);
        if (first < n) {
                *error_code = code;
                *err = e;
                SL_LOG_DEBUG("engine", "insert into %s failed at row %zu: %s", ins->target, first, e.message);
        }
        return first;
}

sl_err sl_engine_insert_row(sl_engine_insert *ins, const char *json, size_t len, int *error_code, sl_err_detail *err)
{
        sl_slice row = {(const uint8_t *)json, len};
        return sl_engine_insert_rows(ins, &row, 1, error_code, err) == 1 ? SL_OK : err->code;
}

void sl_engine_insert_close(sl_engine_insert *ins)
{
        if (ins == NULL)
                return;
        sl_free(ins->target);
        sl_free(ins);
}
