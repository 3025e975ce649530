/* ep_query.c: POST /query (ksqlDB's old streaming API), POST /query-stream (the new one, delimited
 * or JSON) and POST /close-query. A query's rows reach the client through a stream: the engine's
 * sink callbacks append formatted lines to the stream's buffer from engine threads, and
 * libmicrohttpd's content reader (running on the connection's own thread) hands them out as HTTP
 * chunks, header first.
 *
 * A stream ends when the query ends (LIMIT reached, pull query done, error), when /close-query
 * names it, when the server stops, or when the client goes away: while waiting for rows the reader
 * polls the client's socket, so an abandoned query is noticed within a quarter second even when it
 * produces nothing. In every case the response's free callback unregisters the stream and closes
 * the engine query (after which no sink call comes), then frees the stream. A client that does not
 * read lets its buffer grow to a limit, then its stream ends with an error: the engine never
 * blocks on a client -- except a pull query's own thread (header `pull`), which waits for room. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/mem.h"
#include "common/str.h"
#include "server/server_int.h"

#define STREAM_BUFFER_LIMIT (16u << 20)
#define STREAM_POLL_MS 250

/* How rows are written. */
typedef enum stream_format {
        FMT_OLD,        /* /query: [{"header":..},\n{"row":..},\n...{"finalMessage":..}] */
        FMT_DELIMITED,  /* /query-stream: metadata line, then one JSON array per row per line */
        FMT_JSON,       /* /query-stream with application/json: [metadata, row, ...] */
        FMT_TEXT,       /* PRINT: text lines as they come, no header, no trailer */
} stream_format;

/* One streaming response. */
typedef struct stream {
        pthread_mutex_t lock;         /* guards everything below */
        pthread_cond_t cond;          /* signalled when output arrives or the stream ends */
        sl_server *srv;               /* the server */
        stream_format format;         /* row format */
        sl_buf out;                   /* formatted output not yet sent */
        size_t off;                   /* bytes of `out` already sent */
        bool ended;                   /* the trailer is in `out`: nothing more will be added */
        bool closing;                 /* /close-query or shutdown asked to end it */
        bool client_gone;             /* the client left */
        int fd;                       /* the client's socket */
        sl_engine_query *q;           /* the engine query, or NULL */
        char *query_id;               /* registry key (heap) */
        bool registered;              /* in srv->streams */
        uint64_t rows;                /* rows written */
        bool pull;                    /* a pull query's thread writes: it waits for room instead of failing */
        bool new_api;                 /* /query-stream: PRINT sends no "Key format:"/"Value format:" lines */
} stream;

static void append_error(stream *st, const sl_engine_result *err)
{
        json_t *e = sl_server_render_error(err);
        char *text = json_dumps(e, JSON_COMPACT);
        json_decref(e);
        if (st->format == FMT_OLD) {
                sl_buf_append(&st->out, ",\n{\"errorMessage\":", 18);
                sl_buf_append(&st->out, text, strlen(text));
                sl_buf_append_u8(&st->out, '}');
        } else if (st->format == FMT_JSON) {
                sl_buf_append(&st->out, ",\n", 2);
                sl_buf_append(&st->out, text, strlen(text));
        } else {
                sl_buf_append(&st->out, text, strlen(text));
                sl_buf_append_u8(&st->out, '\n');
        }
        free(text);
}

/* Appends the closing part of the format; caller holds the lock. */
static void append_trailer(stream *st, const char *final_message, const sl_engine_result *err)
{
        if (st->ended)
                return;
        if (err != NULL)
                append_error(st, err);
        if (st->format == FMT_OLD) {
                if (final_message != NULL && err == NULL) {
                        json_t *m = json_pack("{s:s}", "finalMessage", final_message);
                        char *text = json_dumps(m, JSON_COMPACT);
                        json_decref(m);
                        sl_buf_append(&st->out, ",\n", 2);
                        sl_buf_append(&st->out, text, strlen(text));
                        free(text);
                }
                sl_buf_append(&st->out, "]\n", 2);
        } else if (st->format == FMT_JSON) {
                sl_buf_append(&st->out, "]\n", 2);
        }
        /* FMT_TEXT: PRINT's response just ends */
        st->ended = true;
}

static bool sink_row(void *ctx, const char *json, bool tombstone)
{
        stream *st = ctx;
        bool go_on = true;

        pthread_mutex_lock(&st->lock);
        while (st->pull && !st->ended && !st->closing && !st->client_gone &&
               st->out.len - st->off > STREAM_BUFFER_LIMIT)
                pthread_cond_wait(&st->cond, &st->lock);
        if (st->ended || st->closing || st->client_gone) {
                go_on = false;
        } else if (st->out.len - st->off > STREAM_BUFFER_LIMIT) {
                sl_engine_result err = {0};
                err.failed = true;
                err.error_code = 50000;
                err.error_message = "The client does not read the query's rows: its output buffer is full";
                append_trailer(st, NULL, &err);
                go_on = false;
        } else if (st->format == FMT_OLD) {
                sl_buf_append(&st->out, ",\n{\"row\":{\"columns\":", 20);
                sl_buf_append(&st->out, json, strlen(json));
                if (tombstone)
                        sl_buf_append(&st->out, ",\"tombstone\":true", 17);
                sl_buf_append(&st->out, "}}", 2);
                st->rows++;
        } else if (!tombstone) {
                /* the new API's writers drop tombstones, as ksqlDB's do */
                if (st->format == FMT_JSON)
                        sl_buf_append(&st->out, ",\n", 2);
                sl_buf_append(&st->out, json, strlen(json));
                if (st->format == FMT_DELIMITED)
                        sl_buf_append_u8(&st->out, '\n');
                st->rows++;
        }
        pthread_cond_broadcast(&st->cond);
        pthread_mutex_unlock(&st->lock);
        return go_on;
}

/* PRINT's lines. The first one turns the stream into plain text before anything else was
 * written (the header waits for the engine's start to return; a PRINT has none). */
static bool sink_line(void *ctx, const char *text)
{
        stream *st = ctx;
        bool go_on = true;

        pthread_mutex_lock(&st->lock);
        st->format = FMT_TEXT;
        if (st->ended || st->closing || st->client_gone) {
                go_on = false;
        } else if (st->out.len - st->off > STREAM_BUFFER_LIMIT) {
                static const char full[] = "The client does not read the topic's lines: its output buffer is full\n";
                sl_buf_append(&st->out, full, sizeof(full) - 1);
                st->ended = true;
                go_on = false;
        } else if (!(st->new_api && (sl_str_starts_with(text, "Key format:") ||
                                     sl_str_starts_with(text, "Value format:")))) {
                sl_buf_append(&st->out, text, strlen(text));
                sl_buf_append_u8(&st->out, '\n');
                st->rows++;
        }
        pthread_cond_broadcast(&st->cond);
        pthread_mutex_unlock(&st->lock);
        return go_on;
}

static void sink_end(void *ctx, const char *final_message, const sl_engine_result *err)
{
        stream *st = ctx;

        pthread_mutex_lock(&st->lock);
        append_trailer(st, final_message, err);
        pthread_cond_broadcast(&st->cond);
        pthread_mutex_unlock(&st->lock);
}

/* True when the peer closed its side of the connection. */
static bool peer_gone(int fd)
{
        struct pollfd pfd = {fd, POLLIN | POLLRDHUP, 0};
        char c;

        if (fd < 0 || poll(&pfd, 1, 0) <= 0)
                return false;
        if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
                return true;
        if (pfd.revents & POLLIN) {
                ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
                return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        }
        return false;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
        stream *st = cls;
        ssize_t ret;

        (void)pos;
        /* rows may keep the buffer full, so look at the client on every call, not only when idle */
        if (peer_gone(st->fd)) {
                pthread_mutex_lock(&st->lock);
                st->client_gone = true;
                pthread_cond_broadcast(&st->cond);
                pthread_mutex_unlock(&st->lock);
                return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        pthread_mutex_lock(&st->lock);
        for (;;) {
                size_t avail = st->out.len - st->off;
                if (avail > 0) {
                        size_t n = avail < max ? avail : max;
                        memcpy(buf, st->out.data + st->off, n);
                        st->off += n;
                        if (st->off == st->out.len) {
                                sl_buf_reset(&st->out);
                                st->off = 0;
                        }
                        if (st->pull)
                                pthread_cond_broadcast(&st->cond);  /* room for a waiting writer */
                        ret = (ssize_t)n;
                        break;
                }
                if (st->ended) {
                        ret = MHD_CONTENT_READER_END_OF_STREAM;
                        break;
                }
                if (st->closing) {
                        append_trailer(st, NULL, NULL);
                        continue;
                }
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += STREAM_POLL_MS * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000L;
                }
                if (pthread_cond_timedwait(&st->cond, &st->lock, &ts) == ETIMEDOUT && peer_gone(st->fd)) {
                        st->client_gone = true;
                        pthread_cond_broadcast(&st->cond);
                        ret = MHD_CONTENT_READER_END_WITH_ERROR;
                        break;
                }
        }
        pthread_mutex_unlock(&st->lock);
        return ret;
}

static void stream_free(stream *st)
{
        sl_buf_deinit(&st->out);
        sl_free(st->query_id);
        pthread_cond_destroy(&st->cond);
        pthread_mutex_destroy(&st->lock);
        sl_free(st);
}

/* The response is done with the stream: unregister, close the query, free. */
static void stream_release(void *cls)
{
        stream *st = cls;
        sl_server *srv = st->srv;

        pthread_mutex_lock(&srv->lock);
        if (st->registered)
                sl_map_del_s(&srv->streams, st->query_id);
        srv->nstreams--;
        pthread_mutex_unlock(&srv->lock);
        pthread_mutex_lock(&st->lock);
        st->closing = true;
        pthread_cond_broadcast(&st->cond);  /* a pull writer waiting for room gives up */
        pthread_mutex_unlock(&st->lock);
        srv->qops.close(st->q);
        stream_free(st);
}

static void append_header(stream *st, const sl_engine_query_header *hdr)
{
        json_t *j;
        if (st->format == FMT_OLD) {
                j = json_pack("{s:{s:s, s:s}}", "header", "queryId", hdr->query_id ? hdr->query_id : "", "schema",
                              hdr->schema ? hdr->schema : "");
        } else {
                json_t *names = json_array(), *types = json_array();
                for (size_t i = 0; i < hdr->ncolumns; i++) {
                        json_array_append_new(names, json_string(hdr->column_names[i]));
                        json_array_append_new(types, json_string(hdr->column_types[i]));
                }
                j = json_pack("{s:s, s:o, s:o}", "queryId", hdr->query_id ? hdr->query_id : "", "columnNames", names,
                              "columnTypes", types);
        }
        char *text = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (st->format != FMT_DELIMITED)
                sl_buf_append_u8(&st->out, '[');
        sl_buf_append(&st->out, text, strlen(text));
        if (st->format == FMT_DELIMITED)
                sl_buf_append_u8(&st->out, '\n');
        free(text);
}

enum MHD_Result sl_server_ep_query(sl_server_req *req, bool query_stream)
{
        sl_server *srv = req->srv;
        enum MHD_Result ret = MHD_NO;
        sl_arena arena;
        sl_engine_request er = {0};
        sl_engine_result res;
        sl_engine_query_header hdr;
        stream *st = NULL;
        const char *ct;
        json_t *body = sl_server_parse_body(req, &ret);

        if (body == NULL)
                return ret;
        sl_arena_init(&arena, 0);
        memset(&res, 0, sizeof(res));
        const char *field = query_stream ? "sql" : "ksql";
        json_t *sql = json_object_get(body, field);
        if (!json_is_string(sql)) {
                ret = sl_server_send_error(req, 40000, "Invalid request: the \"%s\" field must be a string holding "
                                                       "one query", field);
                goto out;
        }
        er.sql = json_string_value(sql);
        er.command_seq = -1;
        if (!sl_server_request_kv(req, body, query_stream ? "properties" : "streamsProperties", &arena,
                                  (sl_engine_kv **)&er.props, &er.nprops, &ret) ||
            !sl_server_request_kv(req, body, "sessionVariables", &arena, (sl_engine_kv **)&er.vars, &er.nvars, &ret))
                goto out;
        if (query_stream) {
                static const char *const offered[] = {SL_CT_DELIMITED, SL_CT_JSON, SL_CT_KSQL};
                ct = sl_server_accept(req, offered, 3);
        } else {
                static const char *const offered[] = {SL_CT_JSON, SL_CT_KSQL};
                ct = sl_server_accept(req, offered, 2);
        }
        pthread_mutex_lock(&srv->lock);
        bool full = srv->nstreams >= srv->max_streams || srv->stopping;
        if (!full)
                srv->nstreams++;
        pthread_mutex_unlock(&srv->lock);
        if (full) {
                ret = sl_server_send_error(req, 40003,
                                           "Not executing query: the server already runs the maximum number of push "
                                           "queries (ksql.max.push.queries=%d)", srv->max_streams);
                goto out;
        }
        st = sl_calloc(1, sizeof(*st));
        pthread_mutex_init(&st->lock, NULL);
        pthread_cond_init(&st->cond, NULL);
        st->srv = srv;
        st->format = !query_stream || ct == (const char *)SL_CT_KSQL ? FMT_OLD :
                     ct == (const char *)SL_CT_JSON ? FMT_JSON : FMT_DELIMITED;
        sl_buf_init(&st->out);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        st->fd = ci ? ci->connect_fd : -1;
        st->new_api = query_stream;
        sl_engine_query_sink sink = {st, sink_row, sink_end, sink_line};
        /* rows may flow (even from inside start, for a pull query) before the header is written:
         * they wait in `out` and move behind the header below */
        if (srv->qops.start(srv->engine, &er, &sink, &arena, &hdr, &st->q, &res) != SL_OK) {
                pthread_mutex_lock(&srv->lock);
                srv->nstreams--;
                pthread_mutex_unlock(&srv->lock);
                ret = sl_server_send_result_error(req, &res);
                stream_free(st);
                goto out;
        }
        if (hdr.print && query_stream && ct != (const char *)SL_CT_DELIMITED) {
                /* ksqlDB prints a topic on /query-stream in the delimited format only */
                srv->qops.close(st->q);
                pthread_mutex_lock(&srv->lock);
                srv->nstreams--;
                pthread_mutex_unlock(&srv->lock);
                stream_free(st);
                struct MHD_Response *r406 = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
                ret = MHD_queue_response(req->conn, MHD_HTTP_NOT_ACCEPTABLE, r406);
                MHD_destroy_response(r406);
                goto out;
        }
        pthread_mutex_lock(&st->lock);
        st->pull = hdr.pull;
        if (hdr.print) {
                st->format = FMT_TEXT;
        } else {
                sl_buf early = st->out;
                sl_buf_init(&st->out);
                append_header(st, &hdr);
                sl_buf_append(&st->out, early.data, early.len);
                sl_buf_deinit(&early);
        }
        st->query_id = sl_strdup(hdr.query_id ? hdr.query_id : "");
        pthread_mutex_unlock(&st->lock);
        pthread_mutex_lock(&srv->lock);
        if (*st->query_id && sl_map_get_s(&srv->streams, st->query_id) == NULL) {
                sl_map_put_s(&srv->streams, st->query_id, st);
                st->registered = true;
        }
        pthread_mutex_unlock(&srv->lock);
        struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, st,
                                                                      stream_release);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ct);
        ret = MHD_queue_response(req->conn, 200, resp);
        MHD_destroy_response(resp);
out:
        sl_engine_result_deinit(&res);
        json_decref(body);
        sl_arena_deinit(&arena);
        return ret;
}

enum MHD_Result sl_server_ep_close_query(sl_server_req *req)
{
        sl_server *srv = req->srv;
        enum MHD_Result ret = MHD_NO;
        json_t *body = sl_server_parse_body(req, &ret);

        if (body == NULL)
                return ret;
        json_t *id = json_object_get(body, "queryId");
        if (!json_is_string(id)) {
                ret = sl_server_send_error(req, 40000, "Invalid request: \"queryId\" must be a string");
                goto out;
        }
        pthread_mutex_lock(&srv->lock);
        stream *st = sl_map_get_s(&srv->streams, json_string_value(id));
        if (st != NULL) {
                pthread_mutex_lock(&st->lock);
                st->closing = true;
                pthread_cond_broadcast(&st->cond);
                pthread_mutex_unlock(&st->lock);
        }
        pthread_mutex_unlock(&srv->lock);
        if (st == NULL) {
                ret = sl_server_send_error(req, 40000, "No query with id %s", json_string_value(id));
        } else {
                /* ksqlDB's CloseQueryHandler answers 200 with no body */
                struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
                ret = MHD_queue_response(req->conn, 200, resp);
                MHD_destroy_response(resp);
        }
out:
        json_decref(body);
        return ret;
}

void sl_server_streams_close_all(sl_server *srv)
{
        sl_map_iter it;
        const void *key;
        size_t keylen;
        void *value;

        pthread_mutex_lock(&srv->lock);
        sl_map_iter_init(&it, &srv->streams);
        while (sl_map_iter_next(&it, &key, &keylen, &value)) {
                stream *st = value;
                pthread_mutex_lock(&st->lock);
                st->closing = true;
                pthread_cond_broadcast(&st->cond);
                pthread_mutex_unlock(&st->lock);
        }
        pthread_mutex_unlock(&srv->lock);
}
