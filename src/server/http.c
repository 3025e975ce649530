/* http.c: the HTTP side of the REST API. Sets libmicrohttpd up from the configuration (listener,
 * TLS, limits, basic authentication), collects each request's body up to the limit, checks the
 * credentials and the content type, routes by method and path to the endpoint files (ep_*.c), and
 * provides the JSON and ksqlDB error helpers they share.
 *
 * Every connection runs on its own thread (MHD_USE_THREAD_PER_CONNECTION): a streaming response
 * may block waiting for rows without holding up any other client. A request is refused before any
 * statement runs when its credentials, content type, size or JSON are wrong. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "server/h2.h"
#include "server/server_int.h"

static char *read_file(const char *path, sl_err_detail *err)
{
        FILE *f = fopen(path, "rb");
        sl_buf buf;
        char chunk[4096];
        size_t n;

        if (f == NULL) {
                sl_err_set(err, SL_ERR_IO, "cannot read %s", path);
                return NULL;
        }
        sl_buf_init(&buf);
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                sl_buf_append(&buf, chunk, n);
        fclose(f);
        sl_buf_append_u8(&buf, 0);
        return (char *)sl_buf_detach(&buf, &n);
}

/* "http://host:port" into the server. */
static sl_err parse_listener(sl_server *srv, const char *url, sl_err_detail *err)
{
        const char *rest;
        if (sl_str_starts_with(url, "http://")) {
                rest = url + 7;
        } else if (sl_str_starts_with(url, "https://")) {
                rest = url + 8;
                srv->tls = true;
        } else {
                return sl_err_set(err, SL_ERR_INVALID, "listeners: '%s' must start with http:// or https://", url);
        }
        if (strchr(url, ',') != NULL)
                return sl_err_set(err, SL_ERR_INVALID, "listeners: only one listener is supported, got '%s'", url);
        const char *colon = strrchr(rest, ':');
        if (colon == NULL || colon == rest || (size_t)(colon - rest) >= sizeof(srv->host))
                return sl_err_set(err, SL_ERR_INVALID, "listeners: '%s' needs host:port", url);
        memcpy(srv->host, rest, (size_t)(colon - rest));
        srv->host[colon - rest] = '\0';
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (*end == '/')
                end++;
        if (*end != '\0' || port < 0 || port > 65535)
                return sl_err_set(err, SL_ERR_INVALID, "listeners: bad port in '%s'", url);
        srv->port = (int)port;
        return SL_OK;
}

/* Users file in Jetty's HashLoginService format, as ksqlDB's basic auth reads it:
 *   user: password[,role ...]     (# comments, blank lines ignored) */
static sl_err load_users(sl_server *srv, const char *path, sl_err_detail *err)
{
        char *text = read_file(path, err);
        if (text == NULL)
                return SL_ERR_IO;
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                while (*line == ' ' || *line == '\t')
                        line++;
                size_t len = strlen(line);
                while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
                        line[--len] = '\0';
                if (*line == '\0' || *line == '#')
                        continue;
                char *colon = strchr(line, ':');
                if (colon == NULL) {
                        sl_free(text);
                        return sl_err_set(err, SL_ERR_INVALID, "%s: a line without 'user: password'", path);
                }
                *colon = '\0';
                char *user = line, *pw = colon + 1;
                size_t ul = strlen(user);
                while (ul > 0 && user[ul - 1] == ' ')
                        user[--ul] = '\0';
                while (*pw == ' ')
                        pw++;
                char *roles = strchr(pw, ',');
                if (roles != NULL)
                        *roles++ = '\0';
                else
                        roles = "";
                sl_free(sl_map_put_s(&srv->users, user, sl_asprintf("%s%c%s", pw, '\0', roles)));
        }
        sl_free(text);
        return SL_OK;
}

sl_err sl_server_new(const sl_config *cfg, sl_engine *engine, sl_server **out, sl_err_detail *err)
{
        sl_server *srv = sl_calloc(1, sizeof(*srv));
        const char *s;
        int64_t v;

        *out = NULL;
        srv->cfg = cfg;
        srv->engine = engine;
        srv->qops.start = sl_engine_query_start;
        srv->qops.close = sl_engine_query_close;
        pthread_mutex_init(&srv->lock, NULL);
        sl_map_init(&srv->streams, false);
        sl_map_init(&srv->users, false);
        if (sl_config_get_str(cfg, "listeners", "http://127.0.0.1:8088", &s, err) || parse_listener(srv, s, err))
                goto fail;
        if (sl_config_get_i64(cfg, "server.request.max.bytes", 10 << 20, 1024, INT32_MAX, &v, err))
                goto fail;
        srv->max_body = (size_t)v;
        if (sl_config_get_int(cfg, "ksql.max.push.queries", 100, 1, 100000, &srv->max_streams, err) ||
            sl_config_get_int(cfg, "ksql.idle.connection.timeout.seconds", 86400, 1, 86400 * 365,
                              &srv->idle_timeout_s, err))
                goto fail;
        if (srv->tls) {
                const char *key = sl_config_get(cfg, "ssl.key.location");
                const char *cert = sl_config_get(cfg, "ssl.certificate.location");
                if (key == NULL || cert == NULL) {
                        sl_err_set(err, SL_ERR_INVALID,
                                   "listeners: https needs ssl.key.location and ssl.certificate.location (PEM)");
                        goto fail;
                }
                if ((srv->tls_key = read_file(key, err)) == NULL || (srv->tls_cert = read_file(cert, err)) == NULL)
                        goto fail;
                s = sl_config_get(cfg, "ssl.key.password");
                srv->tls_key_password = s ? sl_strdup(s) : NULL;
        }
        if (sl_config_get_str(cfg, "authentication.method", "NONE", &s, err))
                goto fail;
        if (sl_str_eq_ci(s, "BASIC")) {
                srv->auth = true;
                const char *realm, *users, *roles;
                if (sl_config_get_str(cfg, "authentication.realm", "KsqlServer-Props", &realm, err))
                        goto fail;
                srv->realm = sl_strdup(realm);
                users = sl_config_get(cfg, "authentication.users.file");
                if (users == NULL) {
                        sl_err_set(err, SL_ERR_INVALID, "authentication.method=BASIC needs authentication.users.file");
                        goto fail;
                }
                if (load_users(srv, users, err))
                        goto fail;
                roles = sl_config_get(cfg, "authentication.roles");
                if (roles != NULL && strcmp(roles, "*") != 0) {
                        char *copy = sl_strdup(roles), *save = NULL;
                        for (char *r = strtok_r(copy, ", ", &save); r; r = strtok_r(NULL, ", ", &save)) {
                                srv->roles = sl_realloc(srv->roles, (srv->nroles + 1) * sizeof(char *));
                                srv->roles[srv->nroles++] = sl_strdup(r);
                        }
                        sl_free(copy);
                }
        } else if (!sl_str_eq_ci(s, "NONE")) {
                sl_err_set(err, SL_ERR_INVALID, "authentication.method: '%s' is not NONE or BASIC", s);
                goto fail;
        }
        *out = srv;
        return SL_OK;
fail:
        sl_server_free(srv);
        return err ? err->code : SL_ERR_INVALID;
}

void sl_server_set_query_ops(sl_server *srv, const sl_server_query_ops *ops)
{
        srv->qops = *ops;
}

int sl_server_port(const sl_server *srv)
{
        return srv->port;
}

/* ---- helpers shared by the endpoints ---- */

const char *sl_server_accept(sl_server_req *req, const char *const *offered, size_t n)
{
        const char *accept = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Accept");
        if (accept == NULL)
                return offered[0];
        for (size_t i = 0; i < n; i++)
                if (strstr(accept, offered[i]) != NULL)
                        return offered[i];
        return offered[0];
}

static enum MHD_Result send_text(sl_server_req *req, unsigned status, const char *text, size_t len,
                                 const char *ct)
{
        struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ct);
        enum MHD_Result ret = MHD_queue_response(req->conn, status, resp);
        MHD_destroy_response(resp);
        return ret;
}

enum MHD_Result sl_server_send_json(sl_server_req *req, unsigned status, json_t *json, const char *ct)
{
        char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(json);
        enum MHD_Result ret = send_text(req, status, text ? text : "null", text ? strlen(text) : 4, ct);
        free(text);
        return ret;
}

enum MHD_Result sl_server_send_error(sl_server_req *req, int code, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        json_t *j = json_pack("{s:s, s:i, s:s}", "@type", "generic_error", "error_code", code, "message", msg);
        return sl_server_send_json(req, (unsigned)(code / 100), j, SL_CT_JSON);
}

enum MHD_Result sl_server_send_result_error(sl_server_req *req, const sl_engine_result *res)
{
        return sl_server_send_json(req, (unsigned)(res->error_code / 100), sl_server_render_error(res), SL_CT_JSON);
}

json_t *sl_server_parse_body(sl_server_req *req, enum MHD_Result *ret)
{
        json_error_t jerr;
        json_t *j = json_loadb((const char *)req->body.data, req->body.len, 0, &jerr);

        if (j == NULL) {
                *ret = sl_server_send_error(req, 40000, "Invalid JSON in request: %s (line %d, column %d)",
                                            jerr.text, jerr.line, jerr.column);
                return NULL;
        }
        if (!json_is_object(j)) {
                json_decref(j);
                *ret = sl_server_send_error(req, 40000, "Invalid JSON in request: the body must be a JSON object");
                return NULL;
        }
        return j;
}

bool sl_server_request_kv(sl_server_req *req, json_t *obj, const char *key, sl_arena *arena, sl_engine_kv **out,
                          size_t *n, enum MHD_Result *ret)
{
        json_t *m = json_object_get(obj, key);
        *out = NULL;
        *n = 0;
        if (m == NULL || json_is_null(m))
                return true;
        if (!json_is_object(m)) {
                *ret = sl_server_send_error(req, 40000, "Invalid JSON in request: '%s' must be an object", key);
                return false;
        }
        size_t cnt = json_object_size(m), i = 0;
        sl_engine_kv *kv = sl_arena_calloc(arena, cnt ? cnt : 1, sizeof(*kv));
        const char *k;
        json_t *v;
        json_object_foreach(m, k, v) {
                kv[i].name = sl_arena_strdup(arena, k);
                if (json_is_string(v)) {
                        kv[i].value = sl_arena_strdup(arena, json_string_value(v));
                } else {
                        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                        kv[i].value = sl_arena_strdup(arena, t ? t : "");
                        free(t);
                }
                i++;
        }
        *out = kv;
        *n = i;
        return true;
}

/* ---- routing ---- */

/* Checks basic credentials; true when the request may go on. */
static bool authorized(sl_server_req *req)
{
        sl_server *srv = req->srv;
        char *pass = NULL;
        char *user = MHD_basic_auth_get_username_password(req->conn, &pass);
        bool ok = false;

        if (user != NULL && pass != NULL) {
                const char *entry = sl_map_get_s(&srv->users, user);
                if (entry != NULL && strcmp(entry, pass) == 0) {
                        ok = srv->nroles == 0;
                        const char *roles = entry + strlen(entry) + 1;
                        for (size_t i = 0; i < srv->nroles && !ok; i++) {
                                char *copy = sl_strdup(roles), *save = NULL;
                                for (char *r = strtok_r(copy, ", ", &save); r && !ok; r = strtok_r(NULL, ", ", &save))
                                        ok = strcmp(r, srv->roles[i]) == 0;
                                sl_free(copy);
                        }
                }
        }
        if (user != NULL)
                MHD_free(user);
        if (pass != NULL)
                MHD_free(pass);
        return ok;
}

static enum MHD_Result send_unauthorized(sl_server_req *req)
{
        const char *body = "{\"@type\":\"generic_error\",\"error_code\":40100,\"message\":\"Unauthorized\"}";
        struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
                                                                    MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, SL_CT_JSON);
        enum MHD_Result ret = MHD_queue_basic_auth_fail_response(req->conn, req->srv->realm, resp);
        MHD_destroy_response(resp);
        return ret;
}

static bool content_type_ok(sl_server_req *req)
{
        const char *ct = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        static const char *const ok[] = {SL_CT_JSON, SL_CT_KSQL, SL_CT_DELIMITED};
        if (ct == NULL)
                return true;
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                size_t n = strlen(ok[i]);
                if (sl_str_eqn_ci(ct, ok[i], n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
                        return true;
        }
        return false;
}

bool sl_server_may_run(sl_server_req *req)
{
        return (!req->srv->auth || authorized(req)) && content_type_ok(req);
}

typedef enum MHD_Result (*handler_fn)(sl_server_req *req);

static enum MHD_Result ep_query_old(sl_server_req *req)
{
        return sl_server_ep_query(req, false);
}

static enum MHD_Result ep_query_stream(sl_server_req *req)
{
        return sl_server_ep_query(req, true);
}

static enum MHD_Result ep_redirect(sl_server_req *req)
{
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, "/info");
        enum MHD_Result ret = MHD_queue_response(req->conn, MHD_HTTP_MOVED_PERMANENTLY, resp);
        MHD_destroy_response(resp);
        return ret;
}

static enum MHD_Result ep_live(sl_server_req *req)
{
        return sl_server_send_json(req, 200, json_object(), SL_CT_JSON);
}

static const struct route {
        const char *method;
        const char *path;
        handler_fn fn;
        bool prefix;     /* path matches as a prefix followed by '/' */
        bool open;       /* served without credentials */
} routes[] = {
        {"POST", "/ksql", sl_server_ep_ksql, false, false},
        {"POST", "/query", ep_query_old, false, false},
        {"POST", "/query-stream", ep_query_stream, false, false},
        {"POST", "/close-query", sl_server_ep_close_query, false, false},
        {"POST", "/inserts-stream", sl_server_ep_inserts, false, false},
        {"GET", "/info", sl_server_ep_info, false, false},
        {"GET", "/healthcheck", sl_server_ep_healthcheck, false, false},
        {"GET", "/status", sl_server_ep_status, true, false},
        {"GET", "/clusterStatus", sl_server_ep_cluster_status, false, false},
        {"GET", "/is_valid_property", sl_server_ep_valid_property, true, false},
        {"GET", "/v1/metadata", sl_server_ep_metadata, false, false},
        {"GET", "/v1/metadata/id", sl_server_ep_metadata, false, false},
        {"GET", "/chc/live", ep_live, false, true},
        {"GET", "/chc/ready", ep_live, false, true},
        {"GET", "/", ep_redirect, false, false},
};

static bool path_matches(const struct route *r, const char *url)
{
        size_t n = strlen(r->path);
        if (strcmp(url, r->path) == 0)
                return true;
        return r->prefix && strncmp(url, r->path, n) == 0 && url[n] == '/';
}

static enum MHD_Result dispatch(sl_server_req *req)
{
        const struct route *match = NULL;
        bool path_known = false;

        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
                if (!path_matches(&routes[i], req->url))
                        continue;
                path_known = true;
                if (strcmp(routes[i].method, req->method) == 0) {
                        match = &routes[i];
                        break;
                }
        }
        if (req->srv->auth && !(match != NULL && match->open) && !authorized(req))
                return send_unauthorized(req);
        if (match == NULL) {
                if (path_known)
                        return sl_server_send_error(req, 40500, "Method Not Allowed: %s %s", req->method, req->url);
                return sl_server_send_error(req, 40400, "Not Found: %s", req->url);
        }
        if (strcmp(req->method, "POST") == 0) {
                if (!content_type_ok(req)) {
                        const char *ct = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
                                                                     MHD_HTTP_HEADER_CONTENT_TYPE);
                        return sl_server_send_error(req, 41500,
                                                    "Unsupported Media Type: '%s'; use application/json or %s",
                                                    ct ? ct : "", SL_CT_KSQL);
                }
                if (req->too_big)
                        return sl_server_send_error(req, 41300,
                                                    "Request body exceeds the limit of %zu bytes "
                                                    "(server.request.max.bytes)", req->srv->max_body);
        }
        return match->fn(req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
        sl_server *srv = cls;
        sl_server_req *req = *con_cls;

        (void)version;
        if (req == NULL) {
                req = sl_calloc(1, sizeof(*req));
                req->srv = srv;
                req->conn = conn;
                req->method = method;
                req->url = url;
                sl_buf_init(&req->body);
                *con_cls = req;
                if (strcmp(method, "POST") == 0 && strcmp(url, "/inserts-stream") == 0)
                        sl_server_inserts_begin(req);
                return MHD_YES;
        }
        if (*upload_size > 0 && req->ins != NULL) {
                sl_server_inserts_feed(req, upload_data, *upload_size);
                *upload_size = 0;
                return MHD_YES;
        }
        if (*upload_size > 0) {
                if (!req->too_big && req->body.len + *upload_size <= srv->max_body)
                        sl_buf_append(&req->body, upload_data, *upload_size);
                else
                        req->too_big = true;
                *upload_size = 0;
                return MHD_YES;
        }
        if (req->started)
                return MHD_YES;
        req->started = true;
        sl_buf_append_u8(&req->body, 0); /* NUL-terminate for the JSON and SQL readers */
        req->body.len--;
        return dispatch(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        sl_server_req *req = *con_cls;

        (void)cls;
        (void)conn;
        (void)toe;
        if (req == NULL)
                return;
        sl_server_inserts_free(req);
        sl_buf_deinit(&req->body);
        sl_free(req);
        *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
        char msg[512];
        (void)cls;
        vsnprintf(msg, sizeof(msg), fmt, ap);
        size_t n = strlen(msg);
        while (n > 0 && msg[n - 1] == '\n')
                msg[--n] = '\0';
        SL_LOG_DEBUG("server", "libmicrohttpd: %s", msg);
}

sl_err sl_server_start(sl_server *srv, sl_err_detail *err)
{
        /* no listening socket of its own: listen.c accepts, sends h2c to h2.c and the rest here */
        unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                         MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;

        if (srv->tls) {
                if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
                        return sl_err_set(err, SL_ERR_UNSUPPORTED,
                                          "listeners: https needs libmicrohttpd built with TLS support");
                flags |= MHD_USE_TLS;
        }
        struct MHD_OptionItem opts[] = {
                {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL},
                {MHD_OPTION_CONNECTION_TIMEOUT, srv->idle_timeout_s, NULL},
                {MHD_OPTION_CONNECTION_LIMIT, 1000, NULL},
                {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL},
                {srv->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, srv->tls_key},
                {srv->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->tls_cert},
                {srv->tls_key_password ? MHD_OPTION_HTTPS_KEY_PASSWORD : MHD_OPTION_END, 0, srv->tls_key_password},
                {MHD_OPTION_END, 0, NULL},
        };
        srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_ARRAY, opts,
                                       MHD_OPTION_END);
        if (srv->daemon == NULL)
                return sl_err_set(err, SL_ERR_IO, "cannot serve %s://%s:%d%s", srv->tls ? "https" : "http",
                                  srv->host, srv->port, srv->tls ? " (check the TLS key and certificate)" : "");
        if (sl_server_listen_start(srv, err) != SL_OK) {
                MHD_stop_daemon(srv->daemon);
                srv->daemon = NULL;
                return err ? err->code : SL_ERR_IO;
        }
        SL_LOG_INFO("server", "REST API on %s://%s:%d%s", srv->tls ? "https" : "http", srv->host, srv->port,
                    srv->auth ? " (basic authentication)" : "");
        return SL_OK;
}

void sl_server_free(sl_server *srv)
{
        if (srv == NULL)
                return;
        if (srv->daemon != NULL) {
                pthread_mutex_lock(&srv->lock);
                srv->stopping = true;
                pthread_mutex_unlock(&srv->lock);
                sl_server_streams_close_all(srv);
                sl_server_listen_stop(srv);
                MHD_stop_daemon(srv->daemon);
        }
        sl_map_iter it;
        const void *key;
        size_t keylen;
        void *value;
        sl_map_iter_init(&it, &srv->users);
        while (sl_map_iter_next(&it, &key, &keylen, &value))
                sl_free(value);
        sl_map_deinit(&srv->users);
        sl_map_deinit(&srv->streams);
        for (size_t i = 0; i < srv->nroles; i++)
                sl_free(srv->roles[i]);
        sl_free(srv->roles);
        sl_free(srv->realm);
        sl_free(srv->tls_key);
        sl_free(srv->tls_cert);
        sl_free(srv->tls_key_password);
        pthread_mutex_destroy(&srv->lock);
        sl_free(srv);
}
