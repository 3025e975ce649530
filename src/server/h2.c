/* h2.c: cleartext HTTP/2 (h2c with prior knowledge) on the REST port, framed by libnghttp2.
 * listen.c hands over a connection whose first bytes are the HTTP/2 preface; this file serves it
 * on that thread until the client or the server ends it.
 *
 * Each HTTP/2 stream becomes one HTTP/1.1 request to libmicrohttpd over a socketpair (added with
 * MHD_add_connection), so the endpoints, basic authentication, content types and limits are the
 * very ones HTTP/1.1 clients get. The request's pseudo-headers and header fields become the
 * request head ("Connection: close": one request per internal connection), its DATA frames a
 * chunked body written as they arrive (POST /inserts-stream reads rows as they come). The
 * HTTP/1.1 response (status line, header fields, Content-Length / chunked / until-close body) is
 * parsed back into a HEADERS frame and DATA frames. A chunked body is a stream of lines (rows of a
 * push query, insert acks): each line goes in its own DATA frame, as ksqlDB sends them and as its
 * clients parse them (one JSON document per frame).
 *
 * Flow control both ways: request DATA is given back to the client's window only once written to
 * libmicrohttpd; a response is read from libmicrohttpd only while little of it waits for the
 * client's window, so a slow HTTP/2 client slows its own push query as a slow HTTP/1.1 one does.
 * A stream the client resets (or a connection that goes away) closes its internal connection,
 * which ends the request there: a push query is closed and freed exactly as when an HTTP/1.1
 * client leaves. A malformed frame ends this connection only (nghttp2 sends GOAWAY). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "server/h2.h"
#include "server/server_int.h"

/* Response bytes at most waiting for the client's window before libmicrohttpd is read again. */
#define PENDING_MAX (256 * 1024)
/* Request head, response line and header field limits. */
#define HEAD_MAX (64 * 1024)
/* Concurrent streams a client may open on one connection. */
#define MAX_STREAMS 100

/* ---- pieces the unit tests reach ---- */

size_t sl_server_h2_frame_len(const uint8_t *p, size_t avail, size_t max, bool lines, bool eof)
{
        size_t n = avail < max ? avail : max;
        if (n == 0)
                return 0;
        if (!lines)
                return n;
        const uint8_t *nl = memchr(p, '\n', n);
        if (nl != NULL)
                return (size_t)(nl - p) + 1;
        if (eof || n == max)
                return n;
        return 0;
}

enum {
        R_STATUS,       /* the status line */
        R_FIELD,        /* a header field line */
        R_LENGTH,       /* a Content-Length body */
        R_UNTIL_CLOSE,  /* a body ending with the connection */
        R_CHUNK_SIZE,   /* a chunk-size line */
        R_CHUNK_DATA,   /* chunk bytes */
        R_CHUNK_END,    /* the CRLF after a chunk */
        R_TRAILER,      /* trailer lines after the last chunk */
        R_DONE,         /* complete */
};

void sl_server_h1resp_init(sl_server_h1resp *p)
{
        memset(p, 0, sizeof(*p));
        p->state = R_STATUS;
        sl_buf_init(&p->line);
        sl_buf_init(&p->fields);
}

void sl_server_h1resp_deinit(sl_server_h1resp *p)
{
        sl_buf_deinit(&p->line);
        sl_buf_deinit(&p->fields);
}

bool sl_server_h1resp_head_done(const sl_server_h1resp *p)
{
        return p->state != R_STATUS && p->state != R_FIELD;
}

bool sl_server_h1resp_done(const sl_server_h1resp *p)
{
        return p->state == R_DONE;
}

bool sl_server_h1resp_eof(sl_server_h1resp *p)
{
        if (p->state == R_UNTIL_CLOSE)
                p->state = R_DONE;
        return p->state == R_DONE;
}

/* The state after the header fields. */
static int body_state(sl_server_h1resp *p)
{
        if (p->no_body || p->status == 204 || p->status == 304 || (p->status >= 100 && p->status < 200))
                return R_DONE;
        if (p->chunked)
                return R_CHUNK_SIZE;
        if (p->has_length)
                return p->remaining > 0 ? R_LENGTH : R_DONE;
        return R_UNTIL_CLOSE;
}

/* One complete line (without CR LF, NUL-terminated) in the current state; false: malformed. */
static bool take_line(sl_server_h1resp *p, char *line)
{
        switch (p->state) {
        case R_STATUS: {
                unsigned status;
                if (strncmp(line, "HTTP/1.", 7) != 0 || sscanf(line + 8, " %3u", &status) != 1 || status < 100 ||
                    status > 999)
                        return false;
                p->status = status;
                p->state = R_FIELD;
                return true;
        }
        case R_FIELD: {
                if (*line == '\0') {
                        if (p->status >= 100 && p->status < 200) {
                                /* an interim response: the real one follows */
                                p->state = R_STATUS;
                                sl_buf_reset(&p->fields);
                                p->nfields = 0;
                                p->chunked = p->has_length = false;
                                return true;
                        }
                        p->state = body_state(p);
                        return true;
                }
                char *colon = strchr(line, ':');
                if (colon == NULL || colon == line)
                        return false;
                *colon = '\0';
                char *value = colon + 1;
                while (*value == ' ' || *value == '\t')
                        value++;
                size_t vl = strlen(value);
                while (vl > 0 && (value[vl - 1] == ' ' || value[vl - 1] == '\t'))
                        value[--vl] = '\0';
                if (sl_str_eq_ci(line, "Transfer-Encoding")) {
                        p->chunked = strstr(value, "chunked") != NULL;
                } else if (sl_str_eq_ci(line, "Content-Length")) {
                        char *end;
                        errno = 0;
                        unsigned long long v = strtoull(value, &end, 10);
                        if (end == value || *end != '\0' || errno != 0)
                                return false;
                        p->has_length = true;
                        p->remaining = v;
                }
                sl_buf_append(&p->fields, line, strlen(line) + 1);
                sl_buf_append(&p->fields, value, vl + 1);
                p->nfields++;
                return true;
        }
        case R_CHUNK_SIZE: {
                char *end;
                errno = 0;
                unsigned long long v = strtoull(line, &end, 16);
                if (end == line || errno != 0 || (*end != '\0' && *end != ';' && *end != ' '))
                        return false;
                p->remaining = v;
                p->state = v > 0 ? R_CHUNK_DATA : R_TRAILER;
                return true;
        }
        case R_CHUNK_END:
                if (*line != '\0')
                        return false;
                p->state = R_CHUNK_SIZE;
                return true;
        case R_TRAILER:
                if (*line == '\0')
                        p->state = R_DONE;
                return true;
        default:
                return false;
        }
}

long sl_server_h1resp_feed(sl_server_h1resp *p, const uint8_t *data, size_t n, sl_buf *body)
{
        size_t i = 0;
        while (i < n && p->state != R_DONE) {
                if (p->state == R_LENGTH || p->state == R_CHUNK_DATA || p->state == R_UNTIL_CLOSE) {
                        size_t take = n - i;
                        if (p->state != R_UNTIL_CLOSE && take > p->remaining)
                                take = (size_t)p->remaining;
                        sl_buf_append(body, data + i, take);
                        i += take;
                        if (p->state != R_UNTIL_CLOSE) {
                                p->remaining -= take;
                                if (p->remaining == 0)
                                        p->state = p->state == R_LENGTH ? R_DONE : R_CHUNK_END;
                        }
                        continue;
                }
                const uint8_t *nl = memchr(data + i, '\n', n - i);
                size_t take = nl ? (size_t)(nl - (data + i)) + 1 : n - i;
                if (p->line.len + take > HEAD_MAX)
                        return -1;
                sl_buf_append(&p->line, data + i, take);
                i += take;
                if (nl == NULL)
                        break;
                size_t len = p->line.len - 1;
                if (len > 0 && p->line.data[len - 1] == '\r')
                        len--;
                p->line.data[len] = '\0';
                bool ok = memchr(p->line.data, '\0', len) == NULL && take_line(p, (char *)p->line.data);
                sl_buf_reset(&p->line);
                if (!ok)
                        return -1;
        }
        return (long)i;
}

/* ---- the connection ---- */

typedef struct h2_conn h2_conn;

/* One HTTP/2 stream, served by one internal HTTP/1.1 connection. */
typedef struct h2_stream {
        h2_conn *conn;                  /* the connection */
        int32_t id;                     /* stream id */
        int fd;                         /* our end of the socketpair to libmicrohttpd, -1: closed */
        char *method;                   /* :method (heap) */
        char *path;                     /* :path (heap) */
        char *authority;                /* :authority (heap) or NULL */
        sl_buf fields;                  /* regular header fields as HTTP/1.1 lines */
        bool has_length;                /* the client gave content-length: body passed as is */
        bool bad;                       /* a header field was refused: reset the stream */
        sl_buf out;                     /* request bytes not yet written to libmicrohttpd */
        size_t out_off;                 /* bytes of `out` already written */
        size_t unconsumed;              /* request DATA not yet given back to the client's window */
        bool started;                   /* the internal request has been sent */
        bool req_end;                   /* the client ended its side */
        bool write_dead;                /* libmicrohttpd stopped reading: request bytes are dropped */
        sl_server_h1resp resp;          /* the response being parsed */
        sl_buf body;                    /* response body bytes not yet in DATA frames */
        size_t body_off;                /* bytes of `body` already sent */
        bool lines;                     /* chunked response: a DATA frame per line */
        bool submitted;                 /* the HEADERS frame has been submitted */
        bool deferred;                  /* the data source waits for more body */
        bool read_eof;                  /* libmicrohttpd closed its side */
        struct h2_stream *next;         /* in h2_conn.streams */
} h2_stream;

struct h2_conn {
        sl_server *srv;                 /* the server */
        int fd;                         /* the client socket (borrowed) */
        const struct sockaddr *peer;    /* the client's address (borrowed) */
        socklen_t peerlen;              /* its length */
        nghttp2_session *session;       /* the HTTP/2 state */
        sl_buf out;                     /* frames not yet written to the client */
        size_t out_off;                 /* bytes of `out` already written */
        h2_stream *streams;             /* open streams */
};

static void stream_close_fd(h2_stream *st)
{
        if (st->fd >= 0) {
                close(st->fd);
                st->fd = -1;
        }
}

static void stream_free(h2_stream *st)
{
        stream_close_fd(st);
        sl_free(st->method);
        sl_free(st->path);
        sl_free(st->authority);
        sl_buf_deinit(&st->fields);
        sl_buf_deinit(&st->out);
        sl_server_h1resp_deinit(&st->resp);
        sl_buf_deinit(&st->body);
        sl_free(st);
}

/* Gives request DATA that will not reach libmicrohttpd back to the client's window. */
static void stream_give_back(h2_stream *st)
{
        if (st->unconsumed > 0) {
                nghttp2_session_consume(st->conn->session, st->id, st->unconsumed);
                st->unconsumed = 0;
        }
}

static void stream_reset(h2_stream *st, uint32_t code)
{
        SL_LOG_DEBUG("server", "h2: stream %" PRId32 " reset (%s)", st->id, nghttp2_http2_strerror(code));
        nghttp2_submit_rst_stream(st->conn->session, NGHTTP2_FLAG_NONE, st->id, code);
        stream_close_fd(st);
        st->write_dead = true;
        st->out.len = st->out_off = 0;
        stream_give_back(st);
}

static bool field_skipped(const char *name)
{
        static const char *const skip[] = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                                           "upgrade", "te", "host", "expect", "http2-settings"};
        for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
                if (sl_str_eq_ci(name, skip[i]))
                        return true;
        return false;
}

static bool text_ok(const uint8_t *p, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (p[i] < 0x20 || p[i] == 0x7f)
                        return false;
        return true;
}

static int on_begin_headers(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
        h2_conn *c = user;
        if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
                return 0;
        h2_stream *st = sl_calloc(1, sizeof(*st));
        st->conn = c;
        st->id = frame->hd.stream_id;
        st->fd = -1;
        sl_buf_init(&st->fields);
        sl_buf_init(&st->out);
        sl_buf_init(&st->body);
        sl_server_h1resp_init(&st->resp);
        st->next = c->streams;
        c->streams = st;
        nghttp2_session_set_stream_user_data(session, st->id, st);
        return 0;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
                     const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
        h2_stream *st = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
        (void)flags;
        (void)user;
        if (st == NULL || st->started || st->bad)
                return 0;
        if (!text_ok(value, valuelen) || st->fields.len + namelen + valuelen + 4 > HEAD_MAX) {
                st->bad = true;
                return 0;
        }
        char *n = sl_strndup((const char *)name, namelen), *v = sl_strndup((const char *)value, valuelen);
        if (strcmp(n, ":method") == 0) {
                sl_free(st->method);
                st->method = v;
                v = NULL;
        } else if (strcmp(n, ":path") == 0) {
                sl_free(st->path);
                st->path = v;
                v = NULL;
                if (strchr(st->path, ' ') != NULL)
                        st->bad = true;
        } else if (strcmp(n, ":authority") == 0) {
                sl_free(st->authority);
                st->authority = v;
                v = NULL;
        } else if (n[0] == ':') {
                /* :scheme */
        } else if (!field_skipped(n)) {
                if (sl_str_eq_ci(n, "content-length"))
                        st->has_length = true;
                sl_buf_append(&st->fields, n, namelen);
                sl_buf_append(&st->fields, ": ", 2);
                sl_buf_append(&st->fields, v, valuelen);
                sl_buf_append(&st->fields, "\r\n", 2);
        }
        sl_free(n);
        sl_free(v);
        return 0;
}

/* The client ended its side: the chunked body's last chunk. */
static void stream_request_end(h2_stream *st)
{
        if (st->req_end)
                return;
        st->req_end = true;
        if (!st->has_length && !st->write_dead)
                sl_buf_append(&st->out, "0\r\n\r\n", 5);
}

/* The request head is complete: opens the internal connection and writes the HTTP/1.1 head. */
static void stream_start(h2_stream *st, bool end_stream)
{
        h2_conn *c = st->conn;
        int sv[2];

        st->started = true;
        if (st->bad || st->method == NULL || st->path == NULL) {
                stream_reset(st, NGHTTP2_PROTOCOL_ERROR);
                return;
        }
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
                stream_reset(st, NGHTTP2_REFUSED_STREAM);
                return;
        }
        fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
        if (MHD_add_connection(c->srv->daemon, sv[1], c->peer, c->peerlen) != MHD_YES) {
                close(sv[0]);
                stream_reset(st, NGHTTP2_REFUSED_STREAM);
                return;
        }
        st->fd = sv[0];
        SL_LOG_DEBUG("server", "h2: stream %" PRId32 ": %s %s", st->id, st->method, st->path);
        st->resp.no_body = strcmp(st->method, "HEAD") == 0;
        char *head = sl_asprintf("%s %s HTTP/1.1\r\nHost: %s\r\n", st->method, st->path,
                                 st->authority ? st->authority : "localhost");
        sl_buf_append(&st->out, head, strlen(head));
        sl_free(head);
        if (st->fields.len > 0)
                sl_buf_append(&st->out, st->fields.data, st->fields.len);
        const char *tail = "Connection: close\r\n\r\n";
        if (!st->has_length)
                tail = end_stream ? "Connection: close\r\nContent-Length: 0\r\n\r\n"
                                  : "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
        sl_buf_append(&st->out, tail, strlen(tail));
        if (end_stream) {
                st->has_length = true; /* nothing follows */
                st->req_end = true;
        }
}

static int on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
        h2_stream *st;
        (void)user;
        if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA)
                return 0;
        st = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
        if (st == NULL)
                return 0;
        bool end = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
        if (frame->hd.type == NGHTTP2_HEADERS && !st->started)
                stream_start(st, end);
        else if (end)
                stream_request_end(st);
        return 0;
}

static int on_data_chunk(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data,
                         size_t len, void *user)
{
        h2_stream *st = nghttp2_session_get_stream_user_data(session, stream_id);
        (void)flags;
        (void)user;
        if (st == NULL || st->write_dead || st->fd < 0) {
                nghttp2_session_consume(session, stream_id, len);
                return 0;
        }
        if (!st->has_length) {
                char size[32];
                int n = snprintf(size, sizeof(size), "%zx\r\n", len);
                sl_buf_append(&st->out, size, (size_t)n);
        }
        sl_buf_append(&st->out, data, len);
        if (!st->has_length)
                sl_buf_append(&st->out, "\r\n", 2);
        st->unconsumed += len;
        return 0;
}

static int on_stream_close(nghttp2_session *session, int32_t stream_id, uint32_t code, void *user)
{
        h2_conn *c = user;
        h2_stream *st = nghttp2_session_get_stream_user_data(session, stream_id);
        (void)code;
        if (st == NULL)
                return 0;
        nghttp2_session_set_stream_user_data(session, stream_id, NULL);
        for (h2_stream **pp = &c->streams; *pp != NULL; pp = &(*pp)->next) {
                if (*pp == st) {
                        *pp = st->next;
                        break;
                }
        }
        stream_free(st);
        return 0;
}

static ssize_t read_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
                         uint32_t *flags, nghttp2_data_source *source, void *user)
{
        h2_stream *st = source->ptr;
        bool eof = sl_server_h1resp_done(&st->resp);
        size_t avail = st->body.len - st->body_off;
        size_t n = sl_server_h2_frame_len(st->body.data + st->body_off, avail, length, st->lines, eof);

        (void)session;
        (void)stream_id;
        (void)user;
        if (n == 0 && !(eof && avail == 0)) {
                st->deferred = true;
                return NGHTTP2_ERR_DEFERRED;
        }
        if (n > 0)
                memcpy(buf, st->body.data + st->body_off, n);
        st->body_off += n;
        if (st->body_off == st->body.len) {
                st->body.len = st->body_off = 0;
                if (eof)
                        *flags |= NGHTTP2_DATA_FLAG_EOF;
        } else if (st->body_off > st->body.len / 2) {
                memmove(st->body.data, st->body.data + st->body_off, st->body.len - st->body_off);
                st->body.len -= st->body_off;
                st->body_off = 0;
        }
        return (ssize_t)n;
}

/* The response head has been parsed: submits the HEADERS frame. */
static void stream_respond(h2_stream *st)
{
        sl_server_h1resp *p = &st->resp;
        size_t n = 0, cap = p->nfields + 1;
        nghttp2_nv *nv = sl_calloc(cap, sizeof(*nv));
        char status[8];
        snprintf(status, sizeof(status), "%u", p->status);
        nv[n++] = (nghttp2_nv){(uint8_t *)":status", (uint8_t *)status, 7, strlen(status), NGHTTP2_NV_FLAG_NONE};
        char *f = (char *)p->fields.data;
        for (size_t i = 0; i < p->nfields; i++) {
                char *name = f, *value = f + strlen(f) + 1;
                f = value + strlen(value) + 1;
                for (char *q = name; *q; q++)
                        if (*q >= 'A' && *q <= 'Z')
                                *q = (char)(*q - 'A' + 'a');
                if (field_skipped(name))
                        continue;
                nv[n++] = (nghttp2_nv){(uint8_t *)name, (uint8_t *)value, strlen(name), strlen(value),
                                       NGHTTP2_NV_FLAG_NONE};
        }
        st->lines = p->chunked;
        nghttp2_data_provider dp = {.source.ptr = st, .read_callback = read_body};
        /* nghttp2 copies the header fields */
        if (nghttp2_submit_response(st->conn->session, st->id, nv, n, &dp) != 0)
                stream_reset(st, NGHTTP2_INTERNAL_ERROR);
        st->submitted = true;
        sl_free(nv);
}

/* Writes pending request bytes to libmicrohttpd. */
static void stream_write(h2_stream *st)
{
        while (st->out_off < st->out.len && st->fd >= 0 && !st->write_dead) {
                ssize_t w = send(st->fd, st->out.data + st->out_off, st->out.len - st->out_off, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return;
                if (w < 0) {
                        /* libmicrohttpd has answered and stopped reading */
                        st->write_dead = true;
                        break;
                }
                st->out_off += (size_t)w;
        }
        st->out.len = st->out_off = 0;
        stream_give_back(st);
}

/* Reads the response from libmicrohttpd. */
static void stream_read(h2_stream *st)
{
        uint8_t buf[16384];
        bool was_head = sl_server_h1resp_head_done(&st->resp);

        for (;;) {
                ssize_t r = recv(st->fd, buf, sizeof(buf), 0);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        break;
                if (r <= 0) {
                        st->read_eof = true;
                        if (!sl_server_h1resp_eof(&st->resp)) {
                                stream_reset(st, NGHTTP2_INTERNAL_ERROR);
                                return;
                        }
                        break;
                }
                if (sl_server_h1resp_done(&st->resp))
                        continue; /* nothing may follow a complete response */
                if (sl_server_h1resp_feed(&st->resp, buf, (size_t)r, &st->body) < 0) {
                        SL_LOG_WARN("server", "h2: malformed HTTP/1.1 response on stream %" PRId32, st->id);
                        stream_reset(st, NGHTTP2_INTERNAL_ERROR);
                        return;
                }
                if (st->body.len - st->body_off >= PENDING_MAX)
                        break;
        }
        if (!was_head && sl_server_h1resp_head_done(&st->resp))
                stream_respond(st);
        if (st->submitted && st->deferred &&
            (st->body.len > st->body_off || sl_server_h1resp_done(&st->resp))) {
                st->deferred = false;
                nghttp2_session_resume_data(st->conn->session, st->id);
        }
        if (sl_server_h1resp_done(&st->resp) && st->req_end && st->out_off == st->out.len)
                stream_close_fd(st);
}

/* Moves frames nghttp2 has ready into the output buffer and writes what the socket takes; false
 * when the client socket failed. */
static bool conn_flush(h2_conn *c)
{
        while (c->out.len - c->out_off < 65536 && nghttp2_session_want_write(c->session)) {
                const uint8_t *data;
                ssize_t n = nghttp2_session_mem_send(c->session, &data);
                if (n < 0)
                        return false;
                if (n == 0)
                        break;
                sl_buf_append(&c->out, data, (size_t)n);
        }
        while (c->out_off < c->out.len) {
                ssize_t w = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        break;
                if (w < 0)
                        return false;
                c->out_off += (size_t)w;
        }
        if (c->out_off == c->out.len)
                c->out.len = c->out_off = 0;
        return true;
}

void sl_server_h2_serve(sl_server *srv, int fd, const struct sockaddr *peer, socklen_t peerlen)
{
        h2_conn conn = {.srv = srv, .fd = fd, .peer = peer, .peerlen = peerlen}, *c = &conn;
        nghttp2_session_callbacks *cbs = NULL;
        nghttp2_option *opt = NULL;
        struct pollfd *pfd = NULL;
        h2_stream **pst = NULL;
        size_t cap = 0;

        sl_buf_init(&c->out);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        if (nghttp2_session_callbacks_new(&cbs) != 0 || nghttp2_option_new(&opt) != 0)
                goto done;
        nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, on_begin_headers);
        nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
        nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
        nghttp2_option_set_no_auto_window_update(opt, 1);
        if (nghttp2_session_server_new2(&c->session, cbs, c, opt) != 0) {
                c->session = NULL;
                goto done;
        }
        nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, MAX_STREAMS}};
        nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, settings, 1);

        for (;;) {
                if (!conn_flush(c))
                        break;
                if (!nghttp2_session_want_read(c->session) && !nghttp2_session_want_write(c->session) &&
                    c->out.len == 0)
                        break;
                size_t n = 1;
                for (h2_stream *st = c->streams; st != NULL; st = st->next)
                        n++;
                if (n > cap) {
                        cap = n * 2;
                        pfd = sl_realloc(pfd, cap * sizeof(*pfd));
                        pst = sl_realloc(pst, cap * sizeof(*pst));
                }
                pfd[0] = (struct pollfd){.fd = fd, .events = (short)((nghttp2_session_want_read(c->session) ? POLLIN : 0) |
                                                                     (c->out.len > 0 ? POLLOUT : 0))};
                n = 1;
                for (h2_stream *st = c->streams; st != NULL; st = st->next) {
                        short ev = 0;
                        if (st->fd >= 0 && !st->read_eof && !sl_server_h1resp_done(&st->resp) &&
                            st->body.len - st->body_off < PENDING_MAX)
                                ev |= POLLIN;
                        if (st->fd >= 0 && !st->write_dead && st->out_off < st->out.len)
                                ev |= POLLOUT;
                        pst[n] = st;
                        pfd[n++] = (struct pollfd){.fd = ev ? st->fd : -1, .events = ev};
                }
                long long idle_ms = (long long)srv->idle_timeout_s * 1000;
                int timeout = c->streams != NULL ? -1 : idle_ms > INT_MAX ? INT_MAX : (int)idle_ms;
                int r = poll(pfd, n, timeout);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        break; /* idle: the connection is closed */
                /* streams first: no nghttp2 callback (which may free a stream) runs here */
                for (size_t i = 1; i < n; i++) {
                        h2_stream *st = pst[i];
                        if (pfd[i].revents == 0 || st->fd < 0)
                                continue;
                        if (pfd[i].revents & POLLOUT)
                                stream_write(st);
                        if (st->fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                                stream_read(st);
                        if (st->fd >= 0 && st->write_dead && (pfd[i].revents & (POLLHUP | POLLERR)) &&
                            !(pfd[i].events & POLLIN))
                                stream_close_fd(st);
                }
                if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                        uint8_t buf[16384];
                        ssize_t got = recv(fd, buf, sizeof(buf), 0);
                        if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
                                continue;
                        if (got <= 0)
                                break;
                        if (nghttp2_session_mem_recv(c->session, buf, (size_t)got) < 0) {
                                SL_LOG_DEBUG("server", "h2: bad frames from a client: connection closed");
                                conn_flush(c); /* the GOAWAY, if nghttp2 queued one */
                                break;
                        }
                }
                /* request bytes queued by the callbacks go out at once */
                for (h2_stream *st = c->streams; st != NULL; st = st->next)
                        if (st->out_off < st->out.len)
                                stream_write(st);
        }
done:
        if (c->session != NULL)
                nghttp2_session_del(c->session); /* closes every stream */
        while (c->streams != NULL) {
                h2_stream *st = c->streams;
                c->streams = st->next;
                stream_free(st);
        }
        nghttp2_option_del(opt);
        nghttp2_session_callbacks_del(cbs);
        sl_free(pfd);
        sl_free(pst);
        sl_buf_deinit(&c->out);
}
