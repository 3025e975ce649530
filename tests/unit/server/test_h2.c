/* test_h2.c: the testable pieces of the h2c front: the preface sniffing that sends a connection
 * to HTTP/2 or to libmicrohttpd, the cut of a streamed body into one DATA frame per line, and the
 * parser that reads libmicrohttpd's HTTP/1.1 responses back (Content-Length, chunked in pieces of
 * any size, until close, interim 100, malformed). */
#include <criterion/criterion.h>
#include <string.h>

#include "server/h2.h"

static sl_server_sniff sniff(const char *s)
{
        return sl_server_h2_sniff((const uint8_t *)s, strlen(s));
}

Test(server_h2, preface_sniffing)
{
        cr_assert_eq(sniff(SL_SERVER_H2_PREFACE), SL_SERVER_SNIFF_H2);
        cr_assert_eq(sniff(SL_SERVER_H2_PREFACE "\x00\x00\x00\x04"), SL_SERVER_SNIFF_H2);
        cr_assert_eq(sniff("P"), SL_SERVER_SNIFF_MORE);
        cr_assert_eq(sniff("PRI * HTTP/2.0\r\n"), SL_SERVER_SNIFF_MORE);
        cr_assert_eq(sniff("POST /ksql HTTP/1.1\r\n"), SL_SERVER_SNIFF_HTTP1);
        cr_assert_eq(sniff("GET /info HTTP/1.1\r\n"), SL_SERVER_SNIFF_HTTP1);
        cr_assert_eq(sniff("PRI * HTTP/1.1\r\n\r\n"), SL_SERVER_SNIFF_HTTP1);
        cr_assert_eq(sniff("\x16\x03\x01"), SL_SERVER_SNIFF_HTTP1); /* a TLS ClientHello */
        cr_assert_eq(sniff(""), SL_SERVER_SNIFF_MORE);
}

/* Cuts `body` the way the DATA frames go out; returns the frames joined by '|'. */
static void frames(const char *body, size_t max, bool lines, bool eof, char *out)
{
        const uint8_t *p = (const uint8_t *)body;
        size_t avail = strlen(body);
        out[0] = '\0';
        while (avail > 0) {
                size_t n = sl_server_h2_frame_len(p, avail, max, lines, eof);
                if (n == 0) {
                        strcat(out, "(wait)");
                        return;
                }
                cr_assert_leq(n, avail);
                cr_assert_leq(n, max);
                strncat(out, (const char *)p, n);
                strcat(out, "|");
                p += n;
                avail -= n;
        }
}

Test(server_h2, one_data_frame_per_line)
{
        char out[512];
        frames("{\"queryId\":\"q\"}\n[1]\n[2]\n", 16384, true, false, out);
        cr_assert_str_eq(out, "{\"queryId\":\"q\"}\n|[1]\n|[2]\n|");
        frames("[1]\n[2", 16384, true, false, out); /* a partial line waits for its end */
        cr_assert_str_eq(out, "[1]\n|(wait)");
        frames("[1]\n[2", 16384, true, true, out); /* unless the body has ended */
        cr_assert_str_eq(out, "[1]\n|[2|");
        frames("abcdefghij\n", 4, true, false, out); /* a line longer than a frame fills frames */
        cr_assert_str_eq(out, "abcd|efgh|ij\n|");
        frames("[1]\n[2]\n", 16384, false, false, out); /* a fixed-length body is not cut at lines */
        cr_assert_str_eq(out, "[1]\n[2]\n|");
        frames("abcdefghij", 4, false, false, out);
        cr_assert_str_eq(out, "abcd|efgh|ij|");
        cr_assert_eq(sl_server_h2_frame_len((const uint8_t *)"", 0, 100, true, true), 0);
}

typedef struct parsed {
        long used;
        bool head, done;
        sl_buf body;
} parsed;

/* Feeds `resp` in pieces of `step` bytes. */
static void parse(sl_server_h1resp *p, const char *resp, size_t step, parsed *r)
{
        size_t n = strlen(resp), off = 0;
        sl_buf_init(&r->body);
        r->used = 0;
        while (off < n) {
                size_t k = n - off < step ? n - off : step;
                long u = sl_server_h1resp_feed(p, (const uint8_t *)resp + off, k, &r->body);
                if (u < 0) {
                        r->used = -1;
                        break;
                }
                r->used += u;
                off += k;
        }
        r->head = sl_server_h1resp_head_done(p);
        r->done = sl_server_h1resp_done(p);
}

static const char *field(const sl_server_h1resp *p, const char *name)
{
        const char *f = (const char *)p->fields.data;
        for (size_t i = 0; i < p->nfields; i++) {
                const char *v = f + strlen(f) + 1;
                if (strcmp(f, name) == 0)
                        return v;
                f = v + strlen(v) + 1;
        }
        return NULL;
}

/* Whole responses fed in pieces of every size from 1 byte up: each parses to the end with its body. */
Test(server_h2, h1_response_whole_in_any_pieces)
{
        static const struct {
                const char *resp;         /* the response */
                bool chunked;             /* its body is chunked */
                const char *content_type; /* its Content-Type, NULL: not checked */
                const char *body;         /* its body as the parser gives it */
        } cases[] = {
                {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}", false,
                 "application/json", "{\"a\":1}"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "10\r\n{\"queryId\":\"q\"}\n\r\n4;ext=1\r\n[1]\n\r\n4\r\n[2]\n\r\n0\r\nX-T: 1\r\n\r\n",
                 true, NULL, "{\"queryId\":\"q\"}\n[1]\n[2]\n"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *resp = cases[i].resp, *body = cases[i].body;

                for (size_t step = 1; step <= strlen(resp); step++) {
                        sl_server_h1resp p;
                        parsed r;
                        sl_server_h1resp_init(&p);
                        parse(&p, resp, step, &r);
                        cr_assert_eq(r.used, (long)strlen(resp), "case %zu step %zu", i, step);
                        cr_assert(r.done);
                        cr_assert_eq(p.status, 200);
                        cr_assert_eq(p.chunked, cases[i].chunked);
                        if (cases[i].content_type)
                                cr_assert_str_eq(field(&p, "Content-Type"), cases[i].content_type);
                        cr_assert_eq(r.body.len, strlen(body));
                        cr_assert_eq(memcmp(r.body.data, body, strlen(body)), 0);
                        sl_buf_deinit(&r.body);
                        sl_server_h1resp_deinit(&p);
                }
        }
}

Test(server_h2, h1_response_until_close_and_interim)
{
        sl_server_h1resp p;
        parsed r;
        sl_server_h1resp_init(&p);
        parse(&p, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"R\"\r\n\r\nno",
              5, &r);
        cr_assert(r.head);
        cr_assert_not(r.done);
        cr_assert_eq(p.status, 401);
        cr_assert_str_eq(field(&p, "WWW-Authenticate"), "Basic realm=\"R\"");
        cr_assert(sl_server_h1resp_eof(&p));
        cr_assert_eq(r.body.len, 2);
        sl_buf_deinit(&r.body);
        sl_server_h1resp_deinit(&p);

        /* a response cut short is not complete */
        sl_server_h1resp_init(&p);
        parse(&p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 64, &r);
        cr_assert_not(sl_server_h1resp_eof(&p));
        sl_buf_deinit(&r.body);
        sl_server_h1resp_deinit(&p);

        /* nothing is read past a complete response */
        sl_server_h1resp_init(&p);
        parse(&p, "HTTP/1.1 204 No Content\r\n\r\nextra", 64, &r);
        cr_assert(r.done);
        cr_assert_eq(r.used, (long)strlen("HTTP/1.1 204 No Content\r\n\r\n"));
        sl_buf_deinit(&r.body);
        sl_server_h1resp_deinit(&p);
}

Test(server_h2, h1_response_malformed)
{
        static const char *bad[] = {
                "HTTP/2 200 OK\r\n\r\n",
                "HTTP/1.1 abc\r\n\r\n",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                sl_server_h1resp p;
                parsed r;
                sl_server_h1resp_init(&p);
                parse(&p, bad[i], 64, &r);
                cr_assert_eq(r.used, -1, "%s", bad[i]);
                sl_buf_deinit(&r.body);
                sl_server_h1resp_deinit(&p);
        }
}
