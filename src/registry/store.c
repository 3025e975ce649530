/* store.c: the schema registry's data: subjects with their versions, schemas by global id (the same
 * schema text under several subjects shares one id), compatibility levels, and their durability as
 * records of the compacted `_schemas` topic in Confluent's layout (see registry.h). A change is
 * written and flushed to Kafka first and applied to memory only once acknowledged, so what a client
 * was told exists survives a restart; the start replays the topic through the same apply. */
#include <avro.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "kafka/admin.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "registry/registry.h"
#include "serde/avro.h"

#define SCHEMAS_TOPIC "_schemas"
#define KAFKA_TIMEOUT_MS 10000

/* One schema text, known by its global id. */
typedef struct schema_rec {
        int32_t id;
        char *type;       /* "AVRO", "JSON", "PROTOBUF" */
        char *text;       /* canonical (compact JSON) text */
} schema_rec;

/* One version of a subject. */
typedef struct version_rec {
        int version;
        int32_t id;
        bool deleted;     /* soft-deleted: hidden unless asked for */
} version_rec;

typedef struct subject_rec {
        char *name;
        version_rec *versions;  /* ascending version numbers */
        size_t nversions;
        char *level;            /* subject-level compatibility, or NULL */
} subject_rec;

struct sl_registry_store {
        pthread_mutex_t lock;         /* guards everything below */
        schema_rec *schemas;          /* by ascending id */
        size_t nschemas;
        subject_rec *subjects;
        size_t nsubjects;
        char *global_level;           /* NULL: BACKWARD */
        int32_t max_id;               /* highest id handed out */
        sl_kafka_producer *producer;  /* NULL: memory only */
};

void sl_registry_version_deinit(sl_registry_version *v)
{
        sl_free(v->subject);
        sl_free(v->schema_type);
        sl_free(v->schema);
        memset(v, 0, sizeof(*v));
}

static int fail(sl_str *msg, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(sl_str *msg, int code, const char *fmt, ...)
{
        va_list ap;
        sl_str_reset(msg);
        va_start(ap, fmt);
        sl_str_appendv(msg, fmt, ap);
        va_end(ap);
        return code;
}

static subject_rec *subject_find(sl_registry_store *store, const char *name)
{
        for (size_t i = 0; i < store->nsubjects; i++)
                if (strcmp(store->subjects[i].name, name) == 0)
                        return &store->subjects[i];
        return NULL;
}

static subject_rec *subject_get(sl_registry_store *store, const char *name)
{
        subject_rec *s = subject_find(store, name);
        if (s)
                return s;
        store->subjects = sl_realloc(store->subjects, (store->nsubjects + 1) * sizeof(*store->subjects));
        s = &store->subjects[store->nsubjects++];
        memset(s, 0, sizeof(*s));
        s->name = sl_strdup(name);
        return s;
}

static const schema_rec *schema_find(const sl_registry_store *store, int32_t id)
{
        for (size_t i = 0; i < store->nschemas; i++)
                if (store->schemas[i].id == id)
                        return &store->schemas[i];
        return NULL;
}

static const schema_rec *schema_find_text(const sl_registry_store *store, const char *type, const char *text)
{
        for (size_t i = 0; i < store->nschemas; i++)
                if (strcmp(store->schemas[i].text, text) == 0 && strcmp(store->schemas[i].type, type) == 0)
                        return &store->schemas[i];
        return NULL;
}

static void schema_put(sl_registry_store *store, int32_t id, const char *type, const char *text)
{
        if (schema_find(store, id))
                return;
        store->schemas = sl_realloc(store->schemas, (store->nschemas + 1) * sizeof(*store->schemas));
        schema_rec *r = &store->schemas[store->nschemas++];
        r->id = id;
        r->type = sl_strdup(type);
        r->text = sl_strdup(text);
        if (id > store->max_id)
                store->max_id = id;
}

static bool live(const subject_rec *s)
{
        for (size_t i = 0; i < s->nversions; i++)
                if (!s->versions[i].deleted)
                        return true;
        return false;
}

/* ---- applying _schemas records ---- */

static void apply_schema(sl_registry_store *store, json_t *key, json_t *val)
{
        const char *subject = json_string_value(json_object_get(key, "subject"));
        int version = (int)json_integer_value(json_object_get(key, "version"));
        subject_rec *s;

        if (!subject)
                return;
        s = subject_get(store, subject);
        size_t i = 0;
        while (i < s->nversions && s->versions[i].version < version)
                i++;
        if (!val) {
                /* permanent delete */
                if (i < s->nversions && s->versions[i].version == version) {
                        memmove(&s->versions[i], &s->versions[i + 1], (s->nversions - i - 1) * sizeof(*s->versions));
                        s->nversions--;
                }
                return;
        }
        const char *text = json_string_value(json_object_get(val, "schema"));
        const char *type = json_string_value(json_object_get(val, "schemaType"));
        int32_t id = (int32_t)json_integer_value(json_object_get(val, "id"));
        if (!text || id <= 0)
                return;
        schema_put(store, id, type ? type : "AVRO", text);
        if (i == s->nversions || s->versions[i].version != version) {
                s->versions = sl_realloc(s->versions, (s->nversions + 1) * sizeof(*s->versions));
                memmove(&s->versions[i + 1], &s->versions[i], (s->nversions - i) * sizeof(*s->versions));
                s->nversions++;
        }
        s->versions[i].version = version;
        s->versions[i].id = id;
        s->versions[i].deleted = json_is_true(json_object_get(val, "deleted"));
}

static void apply_config(sl_registry_store *store, json_t *key, json_t *val)
{
        const char *subject = json_string_value(json_object_get(key, "subject"));
        const char *level = val ? json_string_value(json_object_get(val, "compatibilityLevel")) : NULL;
        char **slot = subject ? &subject_get(store, subject)->level : &store->global_level;

        sl_free(*slot);
        *slot = level ? sl_strdup(level) : NULL;
}

static void apply(sl_registry_store *store, json_t *key, json_t *val)
{
        const char *kt = json_string_value(json_object_get(key, "keytype"));

        if (!kt)
                return;
        if (strcmp(kt, "SCHEMA") == 0)
                apply_schema(store, key, val);
        else if (strcmp(kt, "CONFIG") == 0)
                apply_config(store, key, val);
}

/* Writes one record (value NULL: tombstone), then applies it. Takes ownership of both. */
static int persist(sl_registry_store *store, json_t *key, json_t *val, sl_str *msg)
{
        int rc = SL_REGISTRY_OK;

        if (store->producer) {
                sl_err_detail err;
                char *k = json_dumps(key, JSON_COMPACT);
                char *v = val ? json_dumps(val, JSON_COMPACT) : NULL;
                sl_slice ks = {(const uint8_t *)k, strlen(k)};
                sl_slice vs = {(const uint8_t *)v, v ? strlen(v) : 0};
                uint64_t ok, bad_before, bad_after;
                sl_kafka_producer_stats(store->producer, &ok, &bad_before);
                if (sl_kafka_producer_send(store->producer, SCHEMAS_TOPIC, 0, ks, vs, NULL, 0, 0, NULL, &err) != SL_OK ||
                    sl_kafka_producer_flush(store->producer, KAFKA_TIMEOUT_MS, &err) != SL_OK) {
                        rc = fail(msg, SL_REGISTRY_STORE_ERROR, "Error while registering schema: %s", err.message);
                } else {
                        /* flushed: this record's delivery report has been served */
                        sl_kafka_producer_stats(store->producer, &ok, &bad_after);
                        if (bad_after != bad_before)
                                rc = fail(msg, SL_REGISTRY_STORE_ERROR, "Error while writing to the schemas topic");
                }
                free(k);
                free(v);
        }
        if (rc == SL_REGISTRY_OK)
                apply(store, key, val);
        json_decref(key);
        json_decref(val);
        return rc;
}

static int persist_version(sl_registry_store *store, const char *subject, int version, int32_t id,
                           const schema_rec *sch, bool deleted, bool tombstone, sl_str *msg)
{
        json_t *key = json_pack("{s:s, s:s, s:i, s:i}", "keytype", "SCHEMA", "subject", subject, "version", version,
                                "magic", 1);
        json_t *val = NULL;
        if (!tombstone) {
                val = json_pack("{s:s, s:i, s:i, s:s, s:b}", "subject", subject, "version", version, "id", (int)id,
                                "schema", sch->text, "deleted", deleted);
                if (strcmp(sch->type, "AVRO") != 0)
                        json_object_set_new(val, "schemaType", json_string(sch->type));
        }
        return persist(store, key, val, msg);
}

/* ---- start ---- */

static sl_err load(sl_registry_store *store, const char *bootstrap, sl_err_detail *err)
{
        static const char *const configs[] = {"cleanup.policy", "compact"};
        sl_kafka_conf conf;
        sl_kafka_admin *admin = NULL;
        sl_kafka_consumer *c = NULL;
        sl_kafka_batch batch;
        int64_t low = 0, high = 0, next;
        size_t n = 0;
        sl_err rc;

        sl_kafka_conf_init(&conf);
        sl_kafka_conf_set(&conf, "bootstrap.servers", bootstrap);
        if ((rc = sl_kafka_admin_new(&conf, &admin, err)) != SL_OK)
                goto out_conf;
        rc = sl_kafka_admin_create_topic(admin, SCHEMAS_TOPIC, 1, -1, configs, 1, KAFKA_TIMEOUT_MS, err);
        sl_kafka_admin_free(admin);
        if (rc != SL_OK && rc != SL_ERR_EXISTS)
                goto out_conf;
        if ((rc = sl_kafka_consumer_new(&conf, &c, err)) != SL_OK)
                goto out_conf;
        sl_kafka_batch_init(&batch);
        if ((rc = sl_kafka_consumer_watermarks(c, SCHEMAS_TOPIC, 0, &low, &high, KAFKA_TIMEOUT_MS, err)) != SL_OK)
                goto out;
        sl_kafka_tpo tp = {SCHEMAS_TOPIC, 0, SL_KAFKA_OFFSET_BEGINNING};
        if ((rc = sl_kafka_consumer_assign(c, &tp, 1, err)) != SL_OK)
                goto out;
        next = low;
        while (next < high) {
                if ((rc = sl_kafka_consumer_poll(c, &batch, 500, 1000, err)) != SL_OK)
                        break;
                for (size_t i = 0; i < batch.len; i++) {
                        const sl_kafka_msg *m = &batch.msgs[i];
                        json_t *k, *v = NULL;
                        next = m->offset + 1;
                        if (!m->key.ptr)
                                continue;
                        k = json_loadb((const char *)m->key.ptr, m->key.len, 0, NULL);
                        if (m->value.ptr)
                                v = json_loadb((const char *)m->value.ptr, m->value.len, 0, NULL);
                        if (k && (v || !m->value.ptr))
                                apply(store, k, v);
                        json_decref(k);
                        json_decref(v);
                        n++;
                }
        }
        if (rc == SL_OK) {
                sl_kafka_conf_set(&conf, "acks", "all");
                rc = sl_kafka_producer_new(&conf, NULL, NULL, &store->producer, err);
        }
        if (rc == SL_OK)
                SL_LOG_INFO("registry", "schema registry: %zu records replayed from %s, %zu schemas", n,
                            SCHEMAS_TOPIC, store->nschemas);
out:
        sl_kafka_batch_deinit(&batch);
        sl_kafka_consumer_free(c);
out_conf:
        sl_kafka_conf_deinit(&conf);
        return rc;
}

sl_err sl_registry_store_new(const char *bootstrap, sl_registry_store **out, sl_err_detail *err)
{
        sl_registry_store *store = sl_calloc(1, sizeof(*store));
        sl_err rc;

        pthread_mutex_init(&store->lock, NULL);
        *out = NULL;
        if (bootstrap && (rc = load(store, bootstrap, err)) != SL_OK) {
                sl_registry_store_free(store);
                return rc;
        }
        *out = store;
        return SL_OK;
}

void sl_registry_store_free(sl_registry_store *store)
{
        if (!store)
                return;
        sl_kafka_producer_free(store->producer, KAFKA_TIMEOUT_MS);
        for (size_t i = 0; i < store->nschemas; i++) {
                sl_free(store->schemas[i].type);
                sl_free(store->schemas[i].text);
        }
        for (size_t i = 0; i < store->nsubjects; i++) {
                sl_free(store->subjects[i].name);
                sl_free(store->subjects[i].versions);
                sl_free(store->subjects[i].level);
        }
        sl_free(store->schemas);
        sl_free(store->subjects);
        sl_free(store->global_level);
        pthread_mutex_destroy(&store->lock);
        sl_free(store);
}

/* ---- schema texts ---- */

/* Validates `schema` of `type` and returns its canonical text (caller frees), or an error code. */
static int canonical(const char *type, const char *schema, char **out, sl_str *msg)
{
        json_error_t jerr;
        json_t *j;

        *out = NULL;
        if (strcmp(type, "AVRO") != 0 && strcmp(type, "JSON") != 0 && strcmp(type, "PROTOBUF") != 0)
                return fail(msg, 42209, "Invalid schema type %s", type);
        if (strcmp(type, "PROTOBUF") == 0) {
                *out = sl_strdup(schema);
                return SL_REGISTRY_OK;
        }
        if (!(j = json_loads(schema, JSON_DECODE_ANY, &jerr)))
                return fail(msg, SL_REGISTRY_INVALID_SCHEMA, "Invalid schema %s: %s", schema, jerr.text);
        if (strcmp(type, "AVRO") == 0) {
                sl_arena arena;
                const sl_avro *s;
                sl_err_detail err;
                avro_schema_t as = NULL;
                sl_arena_init(&arena, 0);
                sl_err rc = sl_avro_parse(&arena, schema, &s, &err);
                sl_arena_deinit(&arena);
                if (rc != SL_OK) {
                        json_decref(j);
                        return fail(msg, SL_REGISTRY_INVALID_SCHEMA, "Invalid schema %s: %s", schema, err.message);
                }
                /* avro-c's parser as a second opinion on what Avro accepts */
                if (avro_schema_from_json_length(schema, strlen(schema), &as) != 0) {
                        json_decref(j);
                        return fail(msg, SL_REGISTRY_INVALID_SCHEMA, "Invalid schema %s: %s", schema, avro_strerror());
                }
                avro_schema_decref(as);
        }
        char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        *out = sl_strdup(text);
        free(text);
        json_decref(j);
        return SL_REGISTRY_OK;
}

static const char *level_of(const sl_registry_store *store, const subject_rec *s)
{
        if (s && s->level)
                return s->level;
        return store->global_level ? store->global_level : "BACKWARD";
}

/* Checks `text` against the subject's live versions (up to `upto` when >= 0) at `level`. */
static bool compatible(sl_registry_store *store, const subject_rec *s, const char *type, const char *text,
                       const char *level, int upto, sl_str *why, int *against)
{
        sl_avro_compat lv = SL_AVRO_COMPAT_BACKWARD;
        sl_arena arena;
        const sl_avro *cand;
        const sl_avro **old;
        size_t nold = 0;
        bool ok = true;

        *against = 0;
        sl_avro_compat_parse(level, &lv);
        if (!s || lv == SL_AVRO_COMPAT_NONE || strcmp(type, "AVRO") != 0)
                return true;
        sl_arena_init(&arena, 0);
        old = sl_arena_calloc(&arena, s->nversions + 1, sizeof(*old));
        if (sl_avro_parse(&arena, text, &cand, NULL) != SL_OK)
                goto out;
        for (size_t i = 0; i < s->nversions; i++) {
                const schema_rec *r = schema_find(store, s->versions[i].id);
                if (s->versions[i].deleted || !r || strcmp(r->type, "AVRO") != 0 ||
                    (upto >= 0 && s->versions[i].version > upto))
                        continue;
                if (sl_avro_parse(&arena, r->text, &old[nold], NULL) == SL_OK) {
                        nold++;
                        *against = s->versions[i].version;
                }
        }
        ok = sl_avro_compatible(lv, cand, old, nold, why);
out:
        sl_arena_deinit(&arena);
        return ok;
}

/* ---- operations ---- */

static int do_register(sl_registry_store *store, const char *subject, const char *schema_type, const char *schema,
                       int32_t want_id, int32_t *id, sl_str *msg);

int sl_registry_store_register(sl_registry_store *store, const char *subject, const char *schema_type,
                               const char *schema, int32_t *id, sl_str *msg)
{
        return do_register(store, subject, schema_type, schema, 0, id, msg);
}

int sl_registry_store_import(sl_registry_store *store, const char *subject, const char *schema_type,
                             const char *schema, int32_t id, sl_str *msg)
{
        int32_t got;
        return do_register(store, subject, schema_type, schema, id, &got, msg);
}

static int do_register(sl_registry_store *store, const char *subject, const char *schema_type, const char *schema,
                       int32_t want_id, int32_t *id, sl_str *msg)
{
        const char *type = schema_type && *schema_type ? schema_type : "AVRO";
        char *text = NULL;
        int rc;
        sl_str why;

        sl_str_init(&why);
        pthread_mutex_lock(&store->lock);
        if ((rc = canonical(type, schema, &text, msg)) != SL_REGISTRY_OK)
                goto out;
        subject_rec *s = subject_find(store, subject);
        const schema_rec *known = schema_find_text(store, type, text);
        /* idempotent: the same schema already a live version of the subject */
        if (s && known) {
                for (size_t i = 0; i < s->nversions; i++)
                        if (!s->versions[i].deleted && s->versions[i].id == known->id) {
                                *id = known->id;
                                goto out;
                        }
        }
        int against;
        const char *level = level_of(store, s);
        if (!compatible(store, s, type, text, level, -1, &why, &against)) {
                rc = fail(msg, SL_REGISTRY_INCOMPATIBLE,
                          "Schema being registered is incompatible with an earlier schema for subject \"%s\", "
                          "details: [{errorType:'INCOMPATIBLE', description:'%s'}, {oldSchemaVersion: %d}, "
                          "{compatibility: '%s'}]",
                          subject, sl_str_cstr(&why), against, level);
                goto out;
        }
        int version = s && s->nversions ? s->versions[s->nversions - 1].version + 1 : 1;
        schema_rec tmp = {.id = known ? known->id : store->max_id + 1, .type = (char *)type, .text = text};
        if (want_id > 0) {
                const schema_rec *other = schema_find(store, want_id);
                if ((known && known->id != want_id) || (other && other != known)) {
                        rc = fail(msg, 42205, "Overwrite new schema with id %d is not permitted.", (int)want_id);
                        goto out;
                }
                tmp.id = want_id;
        }
        if ((rc = persist_version(store, subject, version, tmp.id, &tmp, false, false, msg)) == SL_REGISTRY_OK)
                *id = tmp.id;
out:
        pthread_mutex_unlock(&store->lock);
        sl_free(text);
        sl_str_deinit(&why);
        return rc;
}

static void fill(sl_registry_version *out, const char *subject, int version, const schema_rec *r)
{
        out->subject = subject ? sl_strdup(subject) : NULL;
        out->version = version;
        out->id = r->id;
        out->schema_type = sl_strdup(r->type);
        out->schema = sl_strdup(r->text);
}

int sl_registry_store_lookup(sl_registry_store *store, const char *subject, const char *schema_type,
                             const char *schema, bool deleted, sl_registry_version *out, sl_str *msg)
{
        const char *type = schema_type && *schema_type ? schema_type : "AVRO";
        char *text = NULL;
        int rc;

        memset(out, 0, sizeof(*out));
        pthread_mutex_lock(&store->lock);
        subject_rec *s = subject_find(store, subject);
        if (!s || (!live(s) && !deleted)) {
                rc = fail(msg, SL_REGISTRY_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
                goto out;
        }
        if ((rc = canonical(type, schema, &text, msg)) != SL_REGISTRY_OK)
                goto out;
        const schema_rec *r = schema_find_text(store, type, text);
        rc = fail(msg, SL_REGISTRY_SCHEMA_NOT_FOUND, "Schema not found");
        for (size_t i = s->nversions; r && i-- > 0;)
                if (s->versions[i].id == r->id && (deleted || !s->versions[i].deleted)) {
                        fill(out, subject, s->versions[i].version, r);
                        rc = SL_REGISTRY_OK;
                        break;
                }
out:
        pthread_mutex_unlock(&store->lock);
        sl_free(text);
        return rc;
}

int sl_registry_store_schema(sl_registry_store *store, int32_t id, sl_registry_version *out, sl_str *msg)
{
        int rc = SL_REGISTRY_OK;

        memset(out, 0, sizeof(*out));
        pthread_mutex_lock(&store->lock);
        const schema_rec *r = schema_find(store, id);
        if (r)
                fill(out, NULL, 0, r);
        else
                rc = fail(msg, SL_REGISTRY_SCHEMA_NOT_FOUND, "Schema %d not found", (int)id);
        pthread_mutex_unlock(&store->lock);
        return rc;
}

/* The index of `version` (-1: latest) among the subject's versions, or -1. */
static int version_index(const subject_rec *s, int version, bool deleted)
{
        for (size_t i = s->nversions; i-- > 0;) {
                if (s->versions[i].deleted && !deleted)
                        continue;
                if (version == -1 || s->versions[i].version == version)
                        return (int)i;
        }
        return -1;
}

int sl_registry_store_version(sl_registry_store *store, const char *subject, int version, bool deleted,
                              sl_registry_version *out, sl_str *msg)
{
        int rc = SL_REGISTRY_OK;

        memset(out, 0, sizeof(*out));
        pthread_mutex_lock(&store->lock);
        subject_rec *s = subject_find(store, subject);
        int i;
        if (!s || (!live(s) && !deleted))
                rc = fail(msg, SL_REGISTRY_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
        else if ((i = version_index(s, version, deleted)) < 0)
                rc = fail(msg, SL_REGISTRY_VERSION_NOT_FOUND, "Version %d not found.", version);
        else
                fill(out, subject, s->versions[i].version, schema_find(store, s->versions[i].id));
        pthread_mutex_unlock(&store->lock);
        return rc;
}

static void append_json_str(sl_str *out, const char *s)
{
        json_t *j = json_string(s);
        char *t = json_dumps(j, JSON_ENCODE_ANY);
        sl_str_append(out, t);
        free(t);
        json_decref(j);
}

void sl_registry_store_subjects(sl_registry_store *store, bool deleted, sl_str *out)
{
        bool first = true;

        pthread_mutex_lock(&store->lock);
        sl_str_append(out, "[");
        for (size_t i = 0; i < store->nsubjects; i++) {
                const subject_rec *s = &store->subjects[i];
                if (!s->nversions || (!live(s) && !deleted))
                        continue;
                if (!first)
                        sl_str_append(out, ",");
                append_json_str(out, s->name);
                first = false;
        }
        sl_str_append(out, "]");
        pthread_mutex_unlock(&store->lock);
}

int sl_registry_store_versions(sl_registry_store *store, const char *subject, bool deleted, sl_str *out, sl_str *msg)
{
        int rc = SL_REGISTRY_OK;
        bool first = true;

        pthread_mutex_lock(&store->lock);
        subject_rec *s = subject_find(store, subject);
        if (!s || (!live(s) && !deleted)) {
                rc = fail(msg, SL_REGISTRY_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
        } else {
                sl_str_append(out, "[");
                for (size_t i = 0; i < s->nversions; i++) {
                        if (s->versions[i].deleted && !deleted)
                                continue;
                        sl_str_appendf(out, "%s%d", first ? "" : ",", s->versions[i].version);
                        first = false;
                }
                sl_str_append(out, "]");
        }
        pthread_mutex_unlock(&store->lock);
        return rc;
}

int sl_registry_store_id_versions(sl_registry_store *store, int32_t id, sl_str *out, sl_str *msg)
{
        int rc = SL_REGISTRY_OK;
        bool first = true;

        pthread_mutex_lock(&store->lock);
        if (!schema_find(store, id)) {
                rc = fail(msg, SL_REGISTRY_SCHEMA_NOT_FOUND, "Schema %d not found", (int)id);
        } else {
                sl_str_append(out, "[");
                for (size_t i = 0; i < store->nsubjects; i++)
                        for (size_t k = 0; k < store->subjects[i].nversions; k++) {
                                const version_rec *v = &store->subjects[i].versions[k];
                                if (v->id != id || v->deleted)
                                        continue;
                                sl_str_append(out, first ? "{\"subject\":" : ",{\"subject\":");
                                append_json_str(out, store->subjects[i].name);
                                sl_str_appendf(out, ",\"version\":%d}", v->version);
                                first = false;
                        }
                sl_str_append(out, "]");
        }
        pthread_mutex_unlock(&store->lock);
        return rc;
}

int sl_registry_store_delete_subject(sl_registry_store *store, const char *subject, bool permanent, sl_str *out,
                                     sl_str *msg)
{
        int rc = SL_REGISTRY_OK;
        bool first = true;

        pthread_mutex_lock(&store->lock);
        subject_rec *s = subject_find(store, subject);
        if (!s || !s->nversions) {
                rc = fail(msg, SL_REGISTRY_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
                goto out;
        }
        if (permanent && live(s)) {
                rc = fail(msg, SL_REGISTRY_SUBJECT_NOT_SOFT_DELETED,
                          "Subject '%s' was not deleted first before being permanently deleted", subject);
                goto out;
        }
        if (!permanent && !live(s)) {
                rc = fail(msg, SL_REGISTRY_SUBJECT_SOFT_DELETED,
                          "Subject '%s' was soft deleted.Set permanent=true to delete permanently", subject);
                goto out;
        }
        sl_str_append(out, "[");
        /* walk a copy: persisting applies and may move the array */
        size_t n = s->nversions;
        version_rec *copy = sl_malloc(n * sizeof(*copy));
        memcpy(copy, s->versions, n * sizeof(*copy));
        for (size_t i = 0; i < n && rc == SL_REGISTRY_OK; i++) {
                if (!permanent && copy[i].deleted)
                        continue;
                rc = persist_version(store, subject, copy[i].version, copy[i].id, schema_find(store, copy[i].id),
                                     true, permanent, msg);
                sl_str_appendf(out, "%s%d", first ? "" : ",", copy[i].version);
                first = false;
        }
        sl_free(copy);
        sl_str_append(out, "]");
out:
        pthread_mutex_unlock(&store->lock);
        return rc;
}

int sl_registry_store_delete_version(sl_registry_store *store, const char *subject, int version, bool permanent,
                                     int *deleted, sl_str *msg)
{
        int rc;
        int i;

        pthread_mutex_lock(&store->lock);
        subject_rec *s = subject_find(store, subject);
        if (!s || !s->nversions) {
                rc = fail(msg, SL_REGISTRY_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
                goto out;
        }
        if ((i = version_index(s, version, permanent)) < 0) {
                rc = fail(msg, SL_REGISTRY_VERSION_NOT_FOUND, "Version %d not found.", version);
                goto out;
        }
        version_rec v = s->versions[i];
        if (permanent && !v.deleted) {
                rc = fail(msg, SL_REGISTRY_VERSION_NOT_SOFT_DELETED,
                          "Subject '%s' Version %d was not deleted first before being permanently deleted", subject,
                          v.version);
                goto out;
        }
        rc = persist_version(store, subject, v.version, v.id, schema_find(store, v.id), true, permanent, msg);
        *deleted = v.version;
out:
        pthread_mutex_unlock(&store->lock);
        return rc;
}

int sl_registry_store_check(sl_registry_store *store, const char *subject, int version, const char *schema_type,
                            const char *schema, bool *ok, sl_str *why, sl_str *msg)
{
        const char *type = schema_type && *schema_type ? schema_type : "AVRO";
        char *text = NULL;
        int rc, against;

        pthread_mutex_lock(&store->lock);
        subject_rec *s = subject_find(store, subject);
        *ok = true;
        if (version != -2 && (!s || !live(s))) {
                rc = fail(msg, SL_REGISTRY_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
                goto out;
        }
        int i = -1;
        if (version >= 0 && (i = version_index(s, version, false)) < 0) {
                rc = fail(msg, SL_REGISTRY_VERSION_NOT_FOUND, "Version %d not found.", version);
                goto out;
        }
        if ((rc = canonical(type, schema, &text, msg)) != SL_REGISTRY_OK)
                goto out;
        const char *level = level_of(store, s);
        if (version == -2) {
                /* all versions: the transitive form of the level */
                sl_avro_compat lv = SL_AVRO_COMPAT_BACKWARD;
                sl_avro_compat_parse(level, &lv);
                if (lv == SL_AVRO_COMPAT_BACKWARD || lv == SL_AVRO_COMPAT_FORWARD || lv == SL_AVRO_COMPAT_FULL)
                        lv++;
                level = sl_avro_compat_name(lv);
        }
        *ok = compatible(store, s, type, text, level, i >= 0 ? s->versions[i].version : -1, why, &against);
out:
        pthread_mutex_unlock(&store->lock);
        sl_free(text);
        return rc;
}

int sl_registry_store_get_level(sl_registry_store *store, const char *subject, bool fallback, const char **level,
                                sl_str *msg)
{
        int rc = SL_REGISTRY_OK;

        pthread_mutex_lock(&store->lock);
        subject_rec *s = subject ? subject_find(store, subject) : NULL;
        if (subject && (!s || !s->level) && !fallback)
                rc = fail(msg, SL_REGISTRY_SUBJECT_LEVEL_NOT_CONFIGURED,
                          "Subject '%s' does not have subject-level compatibility configured", subject);
        else
                *level = level_of(store, s);
        /* a static name: the configured string may be replaced once the lock is released */
        if (rc == SL_REGISTRY_OK) {
                sl_avro_compat lv = SL_AVRO_COMPAT_BACKWARD;
                sl_avro_compat_parse(*level, &lv);
                *level = sl_avro_compat_name(lv);
        }
        pthread_mutex_unlock(&store->lock);
        return rc;
}

int sl_registry_store_set_level(sl_registry_store *store, const char *subject, const char *level, sl_str *msg)
{
        sl_avro_compat lv;
        int rc;

        if (!level || !sl_avro_compat_parse(level, &lv))
                return fail(msg, SL_REGISTRY_INVALID_LEVEL,
                            "Invalid compatibility level. Valid values are none, backward, forward, full, "
                            "backward_transitive, forward_transitive, and full_transitive");
        pthread_mutex_lock(&store->lock);
        json_t *key = subject ? json_pack("{s:s, s:s, s:i}", "keytype", "CONFIG", "subject", subject, "magic", 0)
                              : json_pack("{s:s, s:n, s:i}", "keytype", "CONFIG", "subject", "magic", 0);
        rc = persist(store, key, json_pack("{s:s}", "compatibilityLevel", sl_avro_compat_name(lv)), msg);
        pthread_mutex_unlock(&store->lock);
        return rc;
}

int sl_registry_store_delete_level(sl_registry_store *store, const char *subject, const char **old, sl_str *msg)
{
        int rc;

        pthread_mutex_lock(&store->lock);
        subject_rec *s = subject ? subject_find(store, subject) : NULL;
        const char *cur = subject ? (s ? s->level : NULL) : store->global_level;
        sl_avro_compat lv = SL_AVRO_COMPAT_BACKWARD;
        if (subject && !cur) {
                rc = fail(msg, SL_REGISTRY_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
                goto out;
        }
        sl_avro_compat_parse(cur, &lv);
        *old = sl_avro_compat_name(lv);
        json_t *key = subject ? json_pack("{s:s, s:s, s:i}", "keytype", "CONFIG", "subject", subject, "magic", 0)
                              : json_pack("{s:s, s:n, s:i}", "keytype", "CONFIG", "subject", "magic", 0);
        rc = persist(store, key, NULL, msg);
out:
        pthread_mutex_unlock(&store->lock);
        return rc;
}
