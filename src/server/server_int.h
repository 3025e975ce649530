/* server_int.h: private to src/server: the server struct, the request context every endpoint
 * receives, the JSON and error helpers (http.c) and the entity renderer (render.c). */
#ifndef SL_SERVER_SERVER_INT_H
#define SL_SERVER_SERVER_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>

#include "common/buf.h"
#include "common/map.h"
#include "server/server.h"

/* Response content types. */
#define SL_CT_JSON "application/json"
#define SL_CT_KSQL "application/vnd.ksql.v1+json"
#define SL_CT_DELIMITED "application/vnd.ksqlapi.delimited.v1"

struct sl_server {
        const sl_config *cfg;           /* borrowed */
        sl_engine *engine;              /* borrowed */
        sl_server_query_ops qops;       /* streaming query start/close */
        struct MHD_Daemon *daemon;      /* NULL until started */
        struct sl_server_listen *listen; /* the listener and its h2c front (listen.c, h2.c), or NULL */
        char host[256];                 /* listener host */
        int port;                       /* listener port (bound port after start) */
        bool tls;                       /* https listener */
        char *tls_key;                  /* PEM text (heap) */
        char *tls_cert;                 /* PEM text (heap) */
        char *tls_key_password;         /* or NULL (heap) */
        size_t max_body;                /* request body limit in bytes */
        int max_streams;                /* concurrent push queries */
        int idle_timeout_s;             /* connection idle timeout */
        bool auth;                      /* basic authentication on */
        char *realm;                    /* authentication.realm (heap) */
        sl_map users;                   /* user -> heap "password\0roles" */
        char **roles;                   /* allowed roles (heap), NULL: any authenticated user */
        size_t nroles;
        pthread_mutex_t lock;           /* guards `streams` and `nstreams` */
        sl_map streams;                 /* query id -> sl_server_stream* of running queries */
        int nstreams;                   /* open streaming responses */
        bool stopping;                  /* shutdown under way */
};

/* One HTTP request being served. */
typedef struct sl_server_req {
        sl_server *srv;                 /* the server */
        struct MHD_Connection *conn;    /* the connection */
        const char *method;             /* "GET", "POST" */
        const char *url;                /* path */
        sl_buf body;                    /* request body so far */
        bool too_big;                   /* the body passed the limit (rest discarded) */
        bool started;                   /* the first call has been seen */
        struct sl_server_inserts *ins;  /* POST /inserts-stream: rows handled as they arrive, or NULL */
} sl_server_req;

/* The response content type the request's Accept header asks for among `offered` (first is the
 * default). */
const char *sl_server_accept(sl_server_req *req, const char *const *offered, size_t n);
/* Queues `json` (stolen) with `status` and content type `ct`. */
enum MHD_Result sl_server_send_json(sl_server_req *req, unsigned status, json_t *json, const char *ct);
/* Queues a ksqlDB error: {"@type":"generic_error","error_code":code,"message":...}; HTTP status is
 * code / 100. */
enum MHD_Result sl_server_send_error(sl_server_req *req, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Queues an engine result's error (generic_error or statement_error with entities). */
enum MHD_Result sl_server_send_result_error(sl_server_req *req, const sl_engine_result *res);
/* Parses the request body as a JSON object; on failure queues the 40000 error and returns NULL
 * with *ret set. */
json_t *sl_server_parse_body(sl_server_req *req, enum MHD_Result *ret);
/* Reads "streamsProperties"/"properties" and "sessionVariables" objects into arrays of name/value
 * text allocated in `arena`; false (error queued, *ret set) when they are not objects. */
bool sl_server_request_kv(sl_server_req *req, json_t *obj, const char *key, sl_arena *arena, sl_engine_kv **out,
                          size_t *n, enum MHD_Result *ret);

/* render.c */
/* The ksqlDB JSON of an entity (new reference). */
json_t *sl_server_render_entity(const sl_engine_entity *ent);
/* The error body of a failed result. */
json_t *sl_server_render_error(const sl_engine_result *res);
json_t *sl_server_render_schema(const sl_engine_schema *s);

/* Endpoints. */
enum MHD_Result sl_server_ep_ksql(sl_server_req *req);
enum MHD_Result sl_server_ep_query(sl_server_req *req, bool query_stream);
enum MHD_Result sl_server_ep_close_query(sl_server_req *req);
/* True when the request's credentials and content type let it run (checked before a streamed body is
 * used; dispatch answers the refusal). */
bool sl_server_may_run(sl_server_req *req);
/* POST /inserts-stream handles its body line by line as it arrives (no body limit): begin when the
 * request starts, feed with each piece, then the endpoint answers with the acks. */
void sl_server_inserts_begin(sl_server_req *req);
void sl_server_inserts_feed(sl_server_req *req, const char *data, size_t len);
void sl_server_inserts_free(sl_server_req *req);
enum MHD_Result sl_server_ep_inserts(sl_server_req *req);
enum MHD_Result sl_server_ep_info(sl_server_req *req);
enum MHD_Result sl_server_ep_healthcheck(sl_server_req *req);
enum MHD_Result sl_server_ep_status(sl_server_req *req);
enum MHD_Result sl_server_ep_cluster_status(sl_server_req *req);
enum MHD_Result sl_server_ep_valid_property(sl_server_req *req);
enum MHD_Result sl_server_ep_metadata(sl_server_req *req);
/* Ends every open stream (shutdown). */
void sl_server_streams_close_all(sl_server *srv);

#endif
