/* client.c: the serdes' view of a schema registry (sl_serde_registry). Two implementations: a
 * libcurl client of a registry's REST API (sluiced's own or ksql.schema.registry.url) that caches
 * schemas by id and ids by (subject, schema) -- both immutable in a registry, so the cache never
 * goes stale --, and an in-process one calling a store directly (tests, the conformance driver). */
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/map.h"
#include "common/mem.h"
#include "registry/registry.h"

#define HTTP_TIMEOUT_MS 30000

/* The libcurl client. */
typedef struct client {
        sl_serde_registry base;  /* must be first: the serdes see this */
        char *url;               /* base URL without a trailing '/' */
        char *auth;              /* "user:password" or NULL */
        pthread_mutex_t lock;    /* guards the caches */
        sl_map by_id;            /* "<id>" -> schema text (owned) */
        sl_map by_schema;        /* "<subject>\n<type>\n<schema>" -> id (as a pointer-sized integer) */
} client;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
        sl_str_append_n(ud, p, size * n);
        return size * n;
}

/* One request: `body` NULL for GET. *status 0 when no response came. */
static sl_err http(client *c, const char *method, const char *path, const char *body, long *status, sl_str *resp,
                   sl_err_detail *err)
{
        CURL *h = curl_easy_init();
        struct curl_slist *hdr = NULL;
        sl_str url;
        CURLcode cc;

        if (!h)
                return sl_err_set(err, SL_ERR_IO, "schema registry: cannot create an HTTP client");
        sl_str_init(&url);
        sl_str_appendf(&url, "%s%s", c->url, path);
        hdr = curl_slist_append(hdr, "Content-Type: application/vnd.schemaregistry.v1+json");
        hdr = curl_slist_append(hdr, "Accept: application/vnd.schemaregistry.v1+json, application/json");
        curl_easy_setopt(h, CURLOPT_URL, sl_str_cstr(&url));
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)HTTP_TIMEOUT_MS);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
        if (body)
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        if (c->auth) {
                curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
                curl_easy_setopt(h, CURLOPT_USERPWD, c->auth);
        }
        cc = curl_easy_perform(h);
        *status = 0;
        if (cc == CURLE_OK)
                curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
        curl_slist_free_all(hdr);
        curl_easy_cleanup(h);
        sl_str_deinit(&url);
        if (cc != CURLE_OK)
                return sl_err_set(err, SL_ERR_IO, "schema registry %s unreachable: %s", c->url, curl_easy_strerror(cc));
        return SL_OK;
}

/* Maps an error response to an sl_err with the registry's message. */
static sl_err http_error(long status, const sl_str *resp, sl_err_detail *err)
{
        json_t *j = json_loads(sl_str_cstr(resp), 0, NULL);
        const char *m = json_string_value(json_object_get(j, "message"));
        int code = (int)json_integer_value(json_object_get(j, "error_code"));
        sl_err rc = status == 404 ? SL_ERR_NOT_FOUND : status >= 500 || status == 0 ? SL_ERR_IO : SL_ERR_INVALID;

        sl_err_set(err, rc, "%s", m ? m : "schema registry error");
        if (code)
                sl_err_set_detail(err, "Schema registry error code %d (HTTP %ld).", code, status);
        json_decref(j);
        return rc;
}

static char *escape(const char *s)
{
        char *e = curl_easy_escape(NULL, s, 0);
        char *out = sl_strdup(e ? e : s);
        curl_free(e);
        return out;
}

/* `method` `path` (with `body`, or none), a 200 answer's JSON in *out (owned; NULL when the body is
 * not JSON); another status is the registry's error. */
static sl_err http_json(client *c, const char *method, const char *path, const char *body, json_t **out,
                        sl_err_detail *err)
{
        sl_str resp;
        long status;
        sl_err rc;

        *out = NULL;
        sl_str_init(&resp);
        if ((rc = http(c, method, path, body, &status, &resp, err)) != SL_OK)
                goto out;
        if (status != 200) {
                rc = http_error(status, &resp, err);
                goto out;
        }
        *out = json_loads(sl_str_cstr(&resp), 0, NULL);
out:
        sl_str_deinit(&resp);
        return rc;
}

static sl_err client_schema_by_id(const sl_serde_registry *reg, int32_t id, char **out, sl_err_detail *err)
{
        client *c = (client *)reg;
        char key[16], path[64];
        json_t *j;
        sl_err rc;

        snprintf(key, sizeof(key), "%d", (int)id);
        pthread_mutex_lock(&c->lock);
        const char *hit = sl_map_get_s(&c->by_id, key);
        *out = hit ? sl_strdup(hit) : NULL;
        pthread_mutex_unlock(&c->lock);
        if (hit)
                return SL_OK;
        snprintf(path, sizeof(path), "/schemas/ids/%d", (int)id);
        if ((rc = http_json(c, "GET", path, NULL, &j, err)) != SL_OK)
                return rc;
        const char *s = json_string_value(json_object_get(j, "schema"));
        if (!s) {
                rc = sl_err_set(err, SL_ERR_IO, "schema registry: no schema in the response for id %d", (int)id);
        } else {
                *out = sl_strdup(s);
                pthread_mutex_lock(&c->lock);
                if (!sl_map_get_s(&c->by_id, key))
                        sl_map_put_s(&c->by_id, key, sl_strdup(s));
                pthread_mutex_unlock(&c->lock);
        }
        json_decref(j);
        return rc;
}

static sl_err client_register(const sl_serde_registry *reg, const char *subject, const char *schema_type,
                              const char *schema, int32_t *id, sl_err_detail *err)
{
        client *c = (client *)reg;
        sl_str key, path;
        char *subj = escape(subject), *body;
        json_t *j;
        sl_err rc;
        void *hit;

        sl_str_init(&key);
        sl_str_init(&path);
        sl_str_appendf(&key, "%s\n%s\n%s", subject, schema_type, schema);
        pthread_mutex_lock(&c->lock);
        hit = sl_map_get(&c->by_schema, sl_str_cstr(&key), sl_str_len(&key));
        pthread_mutex_unlock(&c->lock);
        if (hit) {
                *id = (int32_t)(intptr_t)hit;
                rc = SL_OK;
                goto out;
        }
        json_t *b = json_pack("{s:s}", "schema", schema);
        if (schema_type && strcmp(schema_type, "AVRO") != 0)
                json_object_set_new(b, "schemaType", json_string(schema_type));
        body = json_dumps(b, JSON_COMPACT);
        json_decref(b);
        sl_str_appendf(&path, "/subjects/%s/versions", subj);
        rc = http_json(c, "POST", sl_str_cstr(&path), body, &j, err);
        free(body);
        if (rc != SL_OK)
                goto out;
        json_t *jid = json_object_get(j, "id");
        if (!json_is_integer(jid)) {
                rc = sl_err_set(err, SL_ERR_IO, "schema registry: no id in the response");
        } else {
                *id = (int32_t)json_integer_value(jid);
                pthread_mutex_lock(&c->lock);
                sl_map_put(&c->by_schema, sl_str_cstr(&key), sl_str_len(&key), (void *)(intptr_t)*id);
                pthread_mutex_unlock(&c->lock);
        }
        json_decref(j);
out:
        sl_free(subj);
        sl_str_deinit(&key);
        sl_str_deinit(&path);
        return rc;
}

static sl_err client_latest(const sl_serde_registry *reg, const char *subject, int32_t *id, char **schema,
                            sl_err_detail *err)
{
        client *c = (client *)reg;
        sl_str path;
        char *subj = escape(subject);
        json_t *j;
        sl_err rc;

        *schema = NULL;
        sl_str_init(&path);
        sl_str_appendf(&path, "/subjects/%s/versions/latest", subj);
        if ((rc = http_json(c, "GET", sl_str_cstr(&path), NULL, &j, err)) != SL_OK)
                goto out;
        const char *s = json_string_value(json_object_get(j, "schema"));
        if (!s) {
                rc = sl_err_set(err, SL_ERR_IO, "schema registry: no schema in the response");
        } else {
                *schema = sl_strdup(s);
                *id = (int32_t)json_integer_value(json_object_get(j, "id"));
        }
        json_decref(j);
out:
        sl_free(subj);
        sl_str_deinit(&path);
        return rc;
}

sl_serde_registry *sl_registry_client_new(const char *url, const char *basic_auth)
{
        client *c = sl_calloc(1, sizeof(*c));
        size_t n = strcspn(url, ",");

        while (n > 0 && (url[n - 1] == '/' || url[n - 1] == ' '))
                n--;
        c->base.schema_by_id = client_schema_by_id;
        c->base.register_schema = client_register;
        c->base.latest = client_latest;
        c->url = sl_strndup(url, n);
        c->auth = basic_auth && *basic_auth ? sl_strdup(basic_auth) : NULL;
        pthread_mutex_init(&c->lock, NULL);
        sl_map_init(&c->by_id, false);
        sl_map_init(&c->by_schema, false);
        return &c->base;
}

void sl_registry_client_free(sl_serde_registry *reg)
{
        client *c = (client *)reg;
        sl_map_iter it;
        const void *k;
        size_t kl;
        void *v;

        if (!c)
                return;
        sl_map_iter_init(&it, &c->by_id);
        while (sl_map_iter_next(&it, &k, &kl, &v))
                sl_free(v);
        sl_map_deinit(&c->by_id);
        sl_map_deinit(&c->by_schema);
        pthread_mutex_destroy(&c->lock);
        sl_free(c->url);
        sl_free(c->auth);
        sl_free(c);
}

/* ---- in-process ---- */

typedef struct local {
        sl_serde_registry base;     /* must be first */
        sl_registry_store *store;   /* borrowed */
} local;

static sl_err local_error(int code, const sl_str *msg, sl_err_detail *err)
{
        sl_err rc = code / 100 == 404 ? SL_ERR_NOT_FOUND : code >= 50000 ? SL_ERR_IO : SL_ERR_INVALID;
        return sl_err_set(err, rc, "%s", sl_str_cstr(msg));
}

static sl_err local_schema_by_id(const sl_serde_registry *reg, int32_t id, char **out, sl_err_detail *err)
{
        sl_registry_version v;
        sl_str msg;
        sl_str_init(&msg);
        int code = sl_registry_store_schema(((const local *)reg)->store, id, &v, &msg);
        sl_err rc = code ? local_error(code, &msg, err) : SL_OK;
        *out = code ? NULL : sl_strdup(v.schema);
        if (!code)
                sl_registry_version_deinit(&v);
        sl_str_deinit(&msg);
        return rc;
}

static sl_err local_register(const sl_serde_registry *reg, const char *subject, const char *schema_type,
                             const char *schema, int32_t *id, sl_err_detail *err)
{
        sl_str msg;
        sl_str_init(&msg);
        int code = sl_registry_store_register(((const local *)reg)->store, subject, schema_type, schema, id, &msg);
        sl_err rc = code ? local_error(code, &msg, err) : SL_OK;
        sl_str_deinit(&msg);
        return rc;
}

static sl_err local_latest(const sl_serde_registry *reg, const char *subject, int32_t *id, char **schema,
                           sl_err_detail *err)
{
        sl_registry_version v;
        sl_str msg;
        sl_str_init(&msg);
        int code = sl_registry_store_version(((const local *)reg)->store, subject, -1, false, &v, &msg);
        sl_err rc = code ? local_error(code, &msg, err) : SL_OK;
        *schema = NULL;
        if (!code) {
                *id = v.id;
                *schema = sl_strdup(v.schema);
                sl_registry_version_deinit(&v);
        }
        sl_str_deinit(&msg);
        return rc;
}

sl_serde_registry *sl_registry_local_new(sl_registry_store *store)
{
        local *l = sl_calloc(1, sizeof(*l));
        l->base.schema_by_id = local_schema_by_id;
        l->base.register_schema = local_register;
        l->base.latest = local_latest;
        l->store = store;
        return &l->base;
}

void sl_registry_local_free(sl_serde_registry *reg)
{
        sl_free(reg);
}
