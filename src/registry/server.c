/* server.c: the REST subset of Confluent's Schema Registry over a store, on libmicrohttpd (one
 * thread per connection, as the REST API's http.c). Routes:
 *   GET    /subjects                                  GET /schemas/ids/{id}[/versions|/schema]
 *   GET    /subjects/{s}/versions                     GET /schemas/types
 *   GET    /subjects/{s}/versions/{v|latest}[/schema] POST /subjects/{s}/versions   (register)
 *   POST   /subjects/{s}                 (lookup)     DELETE /subjects/{s}[/versions/{v}]
 *   POST   /compatibility/subjects/{s}/versions[/{v}]
 *   GET|PUT /config, GET|PUT|DELETE /config/{s}
 * Errors are {"error_code": N, "message": "..."} with the registry's codes and HTTP statuses. */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/mem.h"
#include "registry/registry.h"

#define CONTENT_TYPE "application/vnd.schemaregistry.v1+json"
#define MAX_BODY (16 << 20)

struct sl_registry_server {
        struct MHD_Daemon *daemon;
        sl_registry_store *store;  /* borrowed */
        char url[300];             /* what clients use */
};

/* One request's body, accumulated over upload calls. */
typedef struct req_body {
        sl_buf buf;
        bool too_large;
} req_body;

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *body)
{
        struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(r, "Content-Type", CONTENT_TYPE);
        enum MHD_Result ret = MHD_queue_response(conn, status, r);
        MHD_destroy_response(r);
        return ret;
}

static enum MHD_Result reply_json(struct MHD_Connection *conn, unsigned status, json_t *j)
{
        char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        enum MHD_Result ret = reply(conn, status, text);
        free(text);
        json_decref(j);
        return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *conn, int code, const char *message)
{
        unsigned status = code > 999 ? (unsigned)code / 100 : (unsigned)code;
        return reply_json(conn, status, json_pack("{s:i, s:s}", "error_code", code, "message", message));
}

static bool query_flag(struct MHD_Connection *conn, const char *name)
{
        const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
        return v && strcasecmp(v, "true") == 0;
}

/* Parses "latest" / "-1" / a positive version; false for an invalid one. */
static bool parse_version(const char *s, int *out)
{
        char *end;
        long v;

        if (strcmp(s, "latest") == 0 || strcmp(s, "-1") == 0) {
                *out = -1;
                return true;
        }
        v = strtol(s, &end, 10);
        if (*s == 0 || *end != 0 || v < 1 || v > 0x7fffffff)
                return false;
        *out = (int)v;
        return true;
}

static enum MHD_Result invalid_version(struct MHD_Connection *conn, const char *v)
{
        char msg[300];
        snprintf(msg, sizeof(msg),
                 "The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] "
                 "and the string \"latest\"",
                 v);
        return reply_error(conn, SL_REGISTRY_INVALID_VERSION, msg);
}

static json_t *version_json(const sl_registry_version *v)
{
        json_t *j = json_pack("{s:s, s:i, s:i}", "subject", v->subject ? v->subject : "", "version", v->version, "id",
                              (int)v->id);
        if (strcmp(v->schema_type, "AVRO") != 0)
                json_object_set_new(j, "schemaType", json_string(v->schema_type));
        json_object_set_new(j, "schema", json_string(v->schema));
        return j;
}

/* The body's "schema" and "schemaType"; borrowed from `body`. */
static bool body_schema(json_t *body, const char **schema, const char **type)
{
        *schema = json_string_value(json_object_get(body, "schema"));
        *type = json_string_value(json_object_get(body, "schemaType"));
        return *schema != NULL;
}

/* Splits `path` at '/' into parts[0..n) (in place). */
static size_t split(char *path, char **parts, size_t max)
{
        size_t n = 0;
        char *save = NULL;
        for (char *p = strtok_r(path, "/", &save); p && n < max; p = strtok_r(NULL, "/", &save))
                parts[n++] = p;
        return n;
}

static enum MHD_Result subjects_route(sl_registry_server *srv, struct MHD_Connection *conn, const char *method,
                                      char **p, size_t n, json_t *body)
{
        sl_registry_store *st = srv->store;
        sl_str msg, out;
        enum MHD_Result ret;
        int rc, version;
        bool deleted = query_flag(conn, "deleted");

        sl_str_init(&msg);
        sl_str_init(&out);
        if (n == 1 && strcmp(method, "GET") == 0) {
                sl_registry_store_subjects(st, deleted, &out);
                ret = reply(conn, 200, sl_str_cstr(&out));
        } else if (n == 2 && strcmp(method, "POST") == 0) {
                const char *schema, *type;
                sl_registry_version v;
                if (!body_schema(body, &schema, &type)) {
                        ret = reply_error(conn, SL_REGISTRY_INVALID_SCHEMA, "Empty schema");
                } else if ((rc = sl_registry_store_lookup(st, p[1], type, schema, deleted, &v, &msg)) != 0) {
                        ret = reply_error(conn, rc, sl_str_cstr(&msg));
                } else {
                        ret = reply_json(conn, 200, version_json(&v));
                        sl_registry_version_deinit(&v);
                }
        } else if (n == 2 && strcmp(method, "DELETE") == 0) {
                rc = sl_registry_store_delete_subject(st, p[1], query_flag(conn, "permanent"), &out, &msg);
                ret = rc ? reply_error(conn, rc, sl_str_cstr(&msg)) : reply(conn, 200, sl_str_cstr(&out));
        } else if (n == 3 && strcmp(p[2], "versions") == 0 && strcmp(method, "GET") == 0) {
                rc = sl_registry_store_versions(st, p[1], deleted, &out, &msg);
                ret = rc ? reply_error(conn, rc, sl_str_cstr(&msg)) : reply(conn, 200, sl_str_cstr(&out));
        } else if (n == 3 && strcmp(p[2], "versions") == 0 && strcmp(method, "POST") == 0) {
                const char *schema, *type;
                int32_t id;
                if (!body_schema(body, &schema, &type))
                        ret = reply_error(conn, SL_REGISTRY_INVALID_SCHEMA, "Empty schema");
                else if ((rc = sl_registry_store_register(st, p[1], type, schema, &id, &msg)) != 0)
                        ret = reply_error(conn, rc, sl_str_cstr(&msg));
                else
                        ret = reply_json(conn, 200, json_pack("{s:i}", "id", (int)id));
        } else if ((n == 4 || (n == 5 && strcmp(p[4], "schema") == 0)) && strcmp(p[2], "versions") == 0 &&
                   strcmp(method, "GET") == 0) {
                sl_registry_version v;
                if (!parse_version(p[3], &version))
                        ret = invalid_version(conn, p[3]);
                else if ((rc = sl_registry_store_version(st, p[1], version, deleted, &v, &msg)) != 0)
                        ret = reply_error(conn, rc, sl_str_cstr(&msg));
                else {
                        ret = n == 5 ? reply(conn, 200, v.schema) : reply_json(conn, 200, version_json(&v));
                        sl_registry_version_deinit(&v);
                }
        } else if (n == 4 && strcmp(p[2], "versions") == 0 && strcmp(method, "DELETE") == 0) {
                int del;
                if (!parse_version(p[3], &version))
                        ret = invalid_version(conn, p[3]);
                else if ((rc = sl_registry_store_delete_version(st, p[1], version, query_flag(conn, "permanent"),
                                                                &del, &msg)) != 0)
                        ret = reply_error(conn, rc, sl_str_cstr(&msg));
                else
                        ret = reply_json(conn, 200, json_integer(del));
        } else {
                ret = reply_error(conn, 404, "HTTP 404 Not Found");
        }
        sl_str_deinit(&msg);
        sl_str_deinit(&out);
        return ret;
}

static enum MHD_Result schemas_route(sl_registry_server *srv, struct MHD_Connection *conn, char **p, size_t n)
{
        sl_str msg, out;
        enum MHD_Result ret;
        char *end;
        long id = n >= 3 ? strtol(p[2], &end, 10) : 0;
        sl_registry_version v;
        int rc;

        if (n == 2 && strcmp(p[1], "types") == 0)
                return reply(conn, 200, "[\"JSON\",\"PROTOBUF\",\"AVRO\"]");
        if (n < 3 || n > 4 || strcmp(p[1], "ids") != 0)
                return reply_error(conn, 404, "HTTP 404 Not Found");
        sl_str_init(&msg);
        sl_str_init(&out);
        if (*p[2] == 0 || *end != 0 || id <= 0 || id > 0x7fffffff) {
                ret = reply_error(conn, SL_REGISTRY_SCHEMA_NOT_FOUND, "Schema not found");
        } else if (n == 4 && strcmp(p[3], "versions") == 0) {
                rc = sl_registry_store_id_versions(srv->store, (int32_t)id, &out, &msg);
                ret = rc ? reply_error(conn, rc, sl_str_cstr(&msg)) : reply(conn, 200, sl_str_cstr(&out));
        } else if ((rc = sl_registry_store_schema(srv->store, (int32_t)id, &v, &msg)) != 0) {
                ret = reply_error(conn, rc, sl_str_cstr(&msg));
        } else {
                if (n == 4 && strcmp(p[3], "schema") == 0) {
                        ret = reply(conn, 200, v.schema);
                } else {
                        json_t *j = json_object();
                        if (strcmp(v.schema_type, "AVRO") != 0)
                                json_object_set_new(j, "schemaType", json_string(v.schema_type));
                        json_object_set_new(j, "schema", json_string(v.schema));
                        ret = reply_json(conn, 200, j);
                }
                sl_registry_version_deinit(&v);
        }
        sl_str_deinit(&msg);
        sl_str_deinit(&out);
        return ret;
}

static enum MHD_Result compat_route(sl_registry_server *srv, struct MHD_Connection *conn, char **p, size_t n,
                                    json_t *body)
{
        const char *schema, *type;
        sl_str msg, why;
        enum MHD_Result ret;
        int version = -2, rc;
        bool ok;

        if (n < 4 || n > 5 || strcmp(p[1], "subjects") != 0 || strcmp(p[3], "versions") != 0)
                return reply_error(conn, 404, "HTTP 404 Not Found");
        if (n == 5 && !parse_version(p[4], &version))
                return invalid_version(conn, p[4]);
        if (!body_schema(body, &schema, &type))
                return reply_error(conn, SL_REGISTRY_INVALID_SCHEMA, "Empty schema");
        sl_str_init(&msg);
        sl_str_init(&why);
        if ((rc = sl_registry_store_check(srv->store, p[2], version, type, schema, &ok, &why, &msg)) != 0) {
                ret = reply_error(conn, rc, sl_str_cstr(&msg));
        } else {
                json_t *j = json_pack("{s:b}", "is_compatible", ok);
                if (query_flag(conn, "verbose"))
                        json_object_set_new(j, "messages",
                                            ok ? json_array() : json_pack("[s]", sl_str_cstr(&why)));
                ret = reply_json(conn, 200, j);
        }
        sl_str_deinit(&msg);
        sl_str_deinit(&why);
        return ret;
}

static enum MHD_Result config_route(sl_registry_server *srv, struct MHD_Connection *conn, const char *method,
                                    char **p, size_t n, json_t *body)
{
        const char *subject = n == 2 ? p[1] : NULL;
        const char *level;
        sl_str msg;
        enum MHD_Result ret;
        int rc;

        if (n > 2)
                return reply_error(conn, 404, "HTTP 404 Not Found");
        sl_str_init(&msg);
        if (strcmp(method, "GET") == 0) {
                rc = sl_registry_store_get_level(srv->store, subject, query_flag(conn, "defaultToGlobal"), &level, &msg);
                ret = rc ? reply_error(conn, rc, sl_str_cstr(&msg))
                         : reply_json(conn, 200, json_pack("{s:s}", "compatibilityLevel", level));
        } else if (strcmp(method, "PUT") == 0) {
                level = json_string_value(json_object_get(body, "compatibility"));
                rc = sl_registry_store_set_level(srv->store, subject, level, &msg);
                if (rc == 0)
                        sl_registry_store_get_level(srv->store, subject, true, &level, &msg);
                ret = rc ? reply_error(conn, rc, sl_str_cstr(&msg))
                         : reply_json(conn, 200, json_pack("{s:s}", "compatibility", level));
        } else if (strcmp(method, "DELETE") == 0) {
                rc = sl_registry_store_delete_level(srv->store, subject, &level, &msg);
                ret = rc ? reply_error(conn, rc, sl_str_cstr(&msg))
                         : reply_json(conn, 200, json_pack("{s:s}", "compatibilityLevel", level));
        } else {
                ret = reply_error(conn, 405, "HTTP 405 Method Not Allowed");
        }
        sl_str_deinit(&msg);
        return ret;
}

static enum MHD_Result dispatch(sl_registry_server *srv, struct MHD_Connection *conn, const char *url,
                                const char *method, const req_body *rb)
{
        char *path = sl_strdup(url);
        char *parts[8];
        size_t n = split(path, parts, 8);
        json_t *body = NULL;
        enum MHD_Result ret;

        if (rb->too_large) {
                ret = reply_error(conn, 413, "request body too large");
                goto out;
        }
        if (rb->buf.len) {
                json_error_t jerr;
                body = json_loadb((const char *)rb->buf.data, rb->buf.len, 0, &jerr);
                if (!body) {
                        char msg[300];
                        snprintf(msg, sizeof(msg), "Unrecognized field or invalid JSON: %s", jerr.text);
                        ret = reply_error(conn, 400, msg);
                        goto out;
                }
        }
        if (n == 0)
                ret = reply(conn, 200, "{}");
        else if (strcmp(parts[0], "subjects") == 0)
                ret = subjects_route(srv, conn, method, parts, n, body);
        else if (strcmp(parts[0], "schemas") == 0 && strcmp(method, "GET") == 0)
                ret = schemas_route(srv, conn, parts, n);
        else if (strcmp(parts[0], "compatibility") == 0 && strcmp(method, "POST") == 0)
                ret = compat_route(srv, conn, parts, n, body);
        else if (strcmp(parts[0], "config") == 0)
                ret = config_route(srv, conn, method, parts, n, body);
        else
                ret = reply_error(conn, 404, "HTTP 404 Not Found");
out:
        json_decref(body);
        sl_free(path);
        return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
        sl_registry_server *srv = cls;
        req_body *rb = *con_cls;

        (void)version;
        if (!rb) {
                rb = sl_calloc(1, sizeof(*rb));
                sl_buf_init(&rb->buf);
                *con_cls = rb;
                return MHD_YES;
        }
        if (*upload_size) {
                if (rb->buf.len + *upload_size > MAX_BODY)
                        rb->too_large = true;
                else
                        sl_buf_append(&rb->buf, upload, *upload_size);
                *upload_size = 0;
                return MHD_YES;
        }
        return dispatch(srv, conn, url, method, rb);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
        req_body *rb = *con_cls;

        (void)cls;
        (void)conn;
        (void)toe;
        if (!rb)
                return;
        sl_buf_deinit(&rb->buf);
        sl_free(rb);
        *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
        char msg[512];
        (void)cls;
        vsnprintf(msg, sizeof(msg), fmt, ap);
        SL_LOG_DEBUG("registry", "libmicrohttpd: %s", msg);
}

sl_err sl_registry_server_start(sl_registry_store *store, const char *listener, sl_registry_server **out,
                                sl_err_detail *err)
{
        char host[256];
        int port = 8081;
        const char *p = listener;
        struct sockaddr_in addr;
        struct addrinfo hints = {0}, *ai = NULL;

        *out = NULL;
        if (strncmp(p, "http://", 7) == 0)
                p += 7;
        else if (strstr(p, "://"))
                return sl_err_set(err, SL_ERR_INVALID, "schema.registry.listeners: only http is supported: %s", listener);
        const char *colon = strrchr(p, ':');
        size_t hl = colon ? (size_t)(colon - p) : strcspn(p, "/");
        if (hl == 0 || hl >= sizeof(host))
                return sl_err_set(err, SL_ERR_INVALID, "schema.registry.listeners: bad listener '%s'", listener);
        memcpy(host, p, hl);
        host[hl] = 0;
        if (colon && (sscanf(colon + 1, "%d", &port) != 1 || port < 0 || port > 65535))
                return sl_err_set(err, SL_ERR_INVALID, "schema.registry.listeners: bad port in '%s'", listener);
        hints.ai_family = AF_INET;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(host, NULL, &hints, &ai) != 0 || ai == NULL)
                return sl_err_set(err, SL_ERR_INVALID, "schema.registry.listeners: cannot resolve host '%s'", host);
        memcpy(&addr, ai->ai_addr, sizeof(addr));
        freeaddrinfo(ai);
        addr.sin_port = htons((uint16_t)port);

        sl_registry_server *srv = sl_calloc(1, sizeof(*srv));
        srv->store = store;
        struct MHD_OptionItem opts[] = {
                {MHD_OPTION_SOCK_ADDR, 0, &addr},
                {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL},
                {MHD_OPTION_CONNECTION_TIMEOUT, 300, NULL},
                {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL},
                {MHD_OPTION_END, 0, NULL},
        };
        srv->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                               MHD_USE_ERROR_LOG,
                                       0, NULL, NULL, on_request, srv, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
        if (!srv->daemon) {
                sl_free(srv);
                return sl_err_set(err, SL_ERR_IO, "schema registry: cannot listen on http://%s:%d", host, port);
        }
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
        if (info && info->port)
                port = info->port;
        snprintf(srv->url, sizeof(srv->url), "http://%s:%d", host, port);
        SL_LOG_INFO("registry", "schema registry on %s", srv->url);
        *out = srv;
        return SL_OK;
}

const char *sl_registry_server_url(const sl_registry_server *srv)
{
        return srv->url;
}

void sl_registry_server_stop(sl_registry_server *srv)
{
        if (!srv)
                return;
        MHD_stop_daemon(srv->daemon);
        sl_free(srv);
}
