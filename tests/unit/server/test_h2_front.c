/* test_h2_front.c: the h2c front of a running server (listen.c, h2.c) driven by a libnghttp2
 * client, with a fake query source in place of the engine's: a push query's rows arrive one per
 * DATA frame and byte for byte the HTTP/1.1 body; a client window of a few bytes still gets every
 * byte (the front waits for WINDOW_UPDATE); request bodies beyond the first window (Content-Length
 * or not) reach libmicrohttpd and get its 413; a reset stream closes its query while the connection
 * goes on; a malformed frame gets a GOAWAY and ends that connection only. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "server/server.h"
#include "server_fixture.h"

/* the server with the fake query source of server_fixture.h; no tombstones */
static void setup(void)
{
        sl_test_server_start(NULL);
}

TestSuite(server_h2_front, .init = setup, .fini = sl_test_server_stop);

/* ---- a libnghttp2 client ---- */
#define NSTREAMS 16

typedef struct client {
        int fd;
        nghttp2_session *session;
        int status[NSTREAMS];           /* :status per stream (id / 2) */
        sl_buf body[NSTREAMS];          /* DATA bytes per stream */
        int frames[NSTREAMS];           /* non-empty DATA frames per stream */
        int cut_lines[NSTREAMS];        /* DATA frames that do not end with a newline */
        bool closed[NSTREAMS];          /* stream closed */
        uint32_t code[NSTREAMS];        /* its RST_STREAM code */
        const char *upload;             /* request body of the stream being sent */
        size_t upload_len, upload_off;
} client;

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name, size_t namelen,
                     const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
        client *c = user;
        (void)s;
        (void)flags;
        (void)valuelen;
        if (namelen == 7 && memcmp(name, ":status", 7) == 0)
                c->status[f->hd.stream_id / 2] = atoi((const char *)value);
        return 0;
}

static int on_chunk(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *user)
{
        client *c = user;
        (void)s;
        (void)flags;
        sl_buf_append(&c->body[id / 2], data, len);
        return 0;
}

static int on_frame(nghttp2_session *s, const nghttp2_frame *f, void *user)
{
        client *c = user;
        (void)s;
        if (f->hd.type == NGHTTP2_DATA && f->hd.length > 0) {
                sl_buf *b = &c->body[f->hd.stream_id / 2];
                c->frames[f->hd.stream_id / 2]++;
                if (b->data[b->len - 1] != '\n')
                        c->cut_lines[f->hd.stream_id / 2]++;
        }
        return 0;
}

static int on_close(nghttp2_session *s, int32_t id, uint32_t code, void *user)
{
        client *c = user;
        (void)s;
        c->closed[id / 2] = true;
        c->code[id / 2] = code;
        return 0;
}

static void client_open(client *c, uint32_t window)
{
        nghttp2_session_callbacks *cbs;
        memset(c, 0, sizeof(*c));
        for (int i = 0; i < NSTREAMS; i++)
                sl_buf_init(&c->body[i]);
        c->fd = sl_test_server_connect();
        nghttp2_session_callbacks_new(&cbs);
        nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_chunk);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame);
        nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_close);
        cr_assert_eq(nghttp2_session_client_new(&c->session, cbs, c), 0);
        nghttp2_session_callbacks_del(cbs);
        nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window}};
        nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, iv, 1);
}

static void client_close(client *c)
{
        nghttp2_session_del(c->session);
        close(c->fd);
        for (int i = 0; i < NSTREAMS; i++)
                sl_buf_deinit(&c->body[i]);
}

static ssize_t read_upload(nghttp2_session *s, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
                           nghttp2_data_source *src, void *user)
{
        client *c = user;
        size_t n = c->upload_len - c->upload_off;
        (void)s;
        (void)id;
        (void)src;
        if (n > length)
                n = length;
        memcpy(buf, c->upload + c->upload_off, n);
        c->upload_off += n;
        if (c->upload_off == c->upload_len)
                *flags |= NGHTTP2_DATA_FLAG_EOF;
        return (ssize_t)n;
}

/* Submits a request; `body` NULL: none. Returns the stream id. */
static int32_t client_request(client *c, const char *method, const char *path, const char *accept, const char *body,
                              bool with_length)
{
        char len[32];
        snprintf(len, sizeof(len), "%zu", body ? strlen(body) : 0);
        nghttp2_nv nv[] = {
#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE}
                NV(":method", method), NV(":path", path), NV(":scheme", "http"), NV(":authority", "127.0.0.1"),
                NV("content-type", "application/json"), NV("accept", accept), NV("content-length", len),
#undef NV
        };
        nghttp2_data_provider dp = {.read_callback = read_upload};
        c->upload = body;
        c->upload_len = body ? strlen(body) : 0;
        c->upload_off = 0;
        int32_t id = nghttp2_submit_request(c->session, NULL, nv, with_length ? 7 : 6, body ? &dp : NULL, NULL);
        cr_assert_gt(id, 0);
        cr_assert_lt(id / 2, NSTREAMS);
        return id;
}

/* Runs the session until `done` (or 10 s pass: a failure). */
static void client_run(client *c, bool (*done)(client *c, int32_t id), int32_t id)
{
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        while (!done(c, id)) {
                const uint8_t *data;
                ssize_t n;
                while ((n = nghttp2_session_mem_send(c->session, &data)) > 0)
                        cr_assert_eq(write(c->fd, data, (size_t)n), n);
                struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
                if (poll(&pfd, 1, 50) > 0) {
                        uint8_t buf[4096];
                        ssize_t got = read(c->fd, buf, sizeof(buf));
                        cr_assert_gt(got, 0, "the server closed the connection");
                        cr_assert_eq(nghttp2_session_mem_recv(c->session, buf, (size_t)got), got);
                }
                clock_gettime(CLOCK_MONOTONIC, &t);
                cr_assert_lt(t.tv_sec - t0.tv_sec, 10, "no progress on stream %d", id);
        }
}

static bool stream_closed(client *c, int32_t id)
{
        return c->closed[id / 2];
}

static bool two_rows(client *c, int32_t id)
{
        sl_buf *b = &c->body[id / 2];
        int lines = 0;
        for (size_t i = 0; i < b->len; i++)
                lines += b->data[i] == '\n';
        return lines >= 3;
}

static bool query_closed(client *c, int32_t id)
{
        (void)c;
        (void)id;
        return atomic_load(&closed_queries) >= 1;
}

static const char *limit3 = "{\"sql\":\"SELECT * FROM S EMIT CHANGES LIMIT 3;\"}";
static const char *expect3 = "{\"queryId\":\"transient_FAKE_0\",\"columnNames\":[\"ID\",\"V\"],"
                             "\"columnTypes\":[\"INTEGER\",\"STRING\"]}\n[0,\"v0\"]\n[1,\"v1\"]\n[2,\"v2\"]\n";

static void body_is(client *c, int32_t id, const char *want)
{
        sl_buf *b = &c->body[id / 2];
        sl_buf_append_u8(b, 0);
        b->len--;
        cr_assert_str_eq((char *)b->data, want);
}

/* Opens `c` with a receive window of `window` bytes and runs a LIMIT 3 push query through it to its
 * end: status 200 and the three rows. Returns the stream id. */
static int32_t limit3_query(client *c, uint32_t window, bool with_length)
{
        int32_t id;

        client_open(c, window);
        id = client_request(c, "POST", "/query-stream", "application/vnd.ksqlapi.delimited.v1", limit3, with_length);
        client_run(c, stream_closed, id);
        cr_assert_eq(c->status[id / 2], 200);
        body_is(c, id, expect3);
        return id;
}

Test(server_h2_front, push_rows_one_data_frame_each)
{
        client c;
        int32_t id = limit3_query(&c, 65535, true);

        cr_assert_eq(c.code[id / 2], NGHTTP2_NO_ERROR);
        cr_assert_eq(c.frames[id / 2], 4, "a DATA frame per line");
        cr_assert_eq(c.cut_lines[id / 2], 0);
        client_close(&c);
}

Test(server_h2_front, tiny_client_window_gets_every_byte)
{
        client c;
        int32_t id = limit3_query(&c, 7, false);

        cr_assert_geq(c.frames[id / 2], (int)strlen(expect3) / 7);
        client_close(&c);
}

Test(server_h2_front, request_body_beyond_the_window)
{
        size_t n = 200 * 1024;
        char *big = malloc(n + 1);
        memset(big, ' ', n);
        big[0] = '{';
        big[n - 1] = '}';
        big[n] = '\0';
        for (int with_length = 0; with_length < 2; with_length++) {
                client c;
                client_open(&c, 65535);
                int32_t id = client_request(&c, "POST", "/ksql", "application/json", big, with_length);
                client_run(&c, stream_closed, id);
                cr_assert_eq(c.status[id / 2], 413, "content-length %d", with_length);
                body_is(&c, id, "{\"@type\":\"generic_error\",\"error_code\":41300,\"message\":\"Request body exceeds "
                                "the limit of 2048 bytes (server.request.max.bytes)\"}");
                client_close(&c);
        }
        free(big);
}

Test(server_h2_front, reset_stream_closes_query_connection_goes_on)
{
        client c;
        client_open(&c, 65535);
        int32_t id = client_request(&c, "POST", "/query-stream", "application/vnd.ksqlapi.delimited.v1",
                                    "{\"sql\":\"SELECT * FROM S EMIT CHANGES;\"}", true);
        client_run(&c, two_rows, id);
        cr_assert_eq(atomic_load(&closed_queries), 0);
        nghttp2_submit_rst_stream(c.session, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
        client_run(&c, query_closed, id);
        int32_t id2 = client_request(&c, "GET", "/nowhere", "application/json", NULL, false);
        client_run(&c, stream_closed, id2);
        cr_assert_eq(c.status[id2 / 2], 404);
        client_close(&c);
}

Test(server_h2_front, malformed_frame_ends_that_connection_only)
{
        int fd = sl_test_server_connect();
        static const uint8_t bad[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                                     "\x00\x00\x00\x04\x00\x00\x00\x00\x00"              /* SETTINGS */
                                     "\x00\x00\x05\x04\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05"; /* 5 bytes */
        cr_assert_eq(write(fd, bad, sizeof(bad) - 1), (ssize_t)sizeof(bad) - 1);
        sl_buf in;
        uint8_t buf[4096];
        ssize_t got;
        sl_buf_init(&in);
        while ((got = read(fd, buf, sizeof(buf))) > 0)
                sl_buf_append(&in, buf, (size_t)got);
        close(fd);
        bool goaway = false;
        for (size_t off = 0; off + 9 <= in.len; off += 9 + ((size_t)in.data[off] << 16 | (size_t)in.data[off + 1] << 8 |
                                                             in.data[off + 2]))
                goaway |= in.data[off + 3] == NGHTTP2_GOAWAY;
        cr_assert(goaway, "no GOAWAY before the close");
        sl_buf_deinit(&in);

        client c;
        client_open(&c, 65535);
        int32_t id = client_request(&c, "GET", "/info", "application/json", NULL, false);
        client_run(&c, stream_closed, id);
        cr_assert_eq(c.status[id / 2], 200);
        client_close(&c);
}
