/* server.h: the REST API of sluiced (ksqlDB's shapes) on libmicrohttpd. One server serves one
 * listener (`listeners`, default http://127.0.0.1:8088; https:// with ssl.key.location and
 * ssl.certificate.location PEM files), optionally behind HTTP basic authentication
 * (authentication.method=BASIC with authentication.users.file). Each connection gets its own
 * thread, so a slow or abandoned client never blocks another one. */
#ifndef SL_SERVER_SERVER_H
#define SL_SERVER_SERVER_H

#include "common/config.h"
#include "common/err.h"
#include "engine/engine.h"

typedef struct sl_server sl_server;

/* How the server starts and stops streaming queries; the engine's sl_engine_query_start/close by
 * default. Tests put a fake producer of rows here. */
typedef struct sl_server_query_ops {
        sl_err (*start)(sl_engine *engine, const sl_engine_request *req, const sl_engine_query_sink *sink,
                        sl_arena *arena, sl_engine_query_header *hdr, sl_engine_query **out,
                        sl_engine_result *res);
        void (*close)(sl_engine_query *q);
} sl_server_query_ops;

/* Reads the server settings from `cfg` (borrowed, must outlive the server) and prepares the server
 * for `engine` (borrowed). Errors name the bad key (SL_ERR_INVALID) or file (SL_ERR_IO). */
sl_err sl_server_new(const sl_config *cfg, sl_engine *engine, sl_server **out, sl_err_detail *err);
/* Replaces the query operations; call before sl_server_start. */
void sl_server_set_query_ops(sl_server *srv, const sl_server_query_ops *ops);
/* Binds and starts serving. SL_ERR_IO when the address cannot be bound, SL_ERR_UNSUPPORTED for
 * https:// when libmicrohttpd lacks TLS. */
sl_err sl_server_start(sl_server *srv, sl_err_detail *err);
/* The bound port (after start; useful with port 0). */
int sl_server_port(const sl_server *srv);
/* Stops serving (open streams end, their queries are closed) and frees. NULL does nothing. */
void sl_server_free(sl_server *srv);

#endif
