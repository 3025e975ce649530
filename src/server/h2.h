/* h2.h: private to src/server: sluiced's own listener (listen.c) and its cleartext HTTP/2 front
 * (h2.c). The listener accepts every connection on the REST port and looks at its first bytes:
 * the HTTP/2 connection preface ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", h2c with prior knowledge)
 * goes to the h2 front, anything else (HTTP/1.1, TLS) to libmicrohttpd. The h2 front serves each
 * HTTP/2 stream as one HTTP/1.1 request to libmicrohttpd over a socketpair, so every endpoint,
 * basic authentication and every limit apply to both protocols alike; the pieces below are
 * exposed for the unit tests. */
#ifndef SL_SERVER_H2_H
#define SL_SERVER_H2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/err.h"

struct sl_server;

/* The HTTP/2 client connection preface (RFC 9113 3.4). */
#define SL_SERVER_H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define SL_SERVER_H2_PREFACE_LEN 24

typedef enum sl_server_sniff {
        SL_SERVER_SNIFF_MORE,   /* the bytes so far are a strict prefix of the preface: read more */
        SL_SERVER_SNIFF_H2,     /* the whole preface */
        SL_SERVER_SNIFF_HTTP1,  /* anything else: libmicrohttpd's (HTTP/1.x or TLS) */
} sl_server_sniff;

/* Classifies the first `n` bytes a client sent. */
sl_server_sniff sl_server_h2_sniff(const uint8_t *p, size_t n);

/* How many of the `avail` pending response body bytes at `p` the next DATA frame carries, at most
 * `max`. With `lines` (a streamed, line-delimited body) a frame ends after the first newline, so
 * every row goes in its own frame; a partial line waits for its end (0) unless `eof` or it fills
 * a frame. 0 also when nothing is pending. */
size_t sl_server_h2_frame_len(const uint8_t *p, size_t avail, size_t max, bool lines, bool eof);

/* An HTTP/1.1 response as libmicrohttpd writes it, parsed incrementally: the status line, the
 * header fields, then the body (Content-Length, chunked, or until the connection closes). */
typedef struct sl_server_h1resp {
        int state;              /* parser state (h2.c) */
        bool no_body;           /* the request was HEAD: no body whatever the headers say */
        unsigned status;        /* status code, once the status line is read */
        sl_buf line;            /* the line being read (status, header, chunk size, trailer) */
        sl_buf fields;          /* header fields as "name\0value\0" pairs */
        size_t nfields;         /* pairs in `fields` */
        bool chunked;           /* Transfer-Encoding: chunked */
        bool has_length;        /* Content-Length given */
        uint64_t remaining;     /* body bytes (or chunk bytes) still to come */
} sl_server_h1resp;

void sl_server_h1resp_init(sl_server_h1resp *p);
void sl_server_h1resp_deinit(sl_server_h1resp *p);
/* Feeds `n` bytes; decoded body bytes are appended to `body`. Returns the bytes used (fewer than
 * `n` once the response is complete) or -1 on a malformed response. */
long sl_server_h1resp_feed(sl_server_h1resp *p, const uint8_t *data, size_t n, sl_buf *body);
/* The connection closed: true when the response is complete (a body up to the close ends here). */
bool sl_server_h1resp_eof(sl_server_h1resp *p);
/* The status line and header fields have been read. */
bool sl_server_h1resp_head_done(const sl_server_h1resp *p);
/* The whole response has been read. */
bool sl_server_h1resp_done(const sl_server_h1resp *p);

/* Serves one cleartext HTTP/2 connection on `fd` (borrowed: the caller closes it) until the client or
 * the server ends it; `peer` is the client's address, handed to libmicrohttpd with each stream.
 * Runs on the connection's own thread. A malformed frame ends this connection only. */
void sl_server_h2_serve(struct sl_server *srv, int fd, const struct sockaddr *peer, socklen_t peerlen);

/* listen.c: binds the listener (srv->host, srv->port; srv->port becomes the bound port) and starts
 * accepting; libmicrohttpd must already run (MHD_USE_NO_LISTEN_SOCKET). SL_ERR_IO when the address
 * cannot be bound. */
sl_err sl_server_listen_start(struct sl_server *srv, sl_err_detail *err);
/* Stops accepting, ends every connection the listener still serves itself (h2 connections and
 * ones not yet classified) and waits for their threads; call before stopping libmicrohttpd. */
void sl_server_listen_stop(struct sl_server *srv);

#endif
