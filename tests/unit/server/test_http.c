/* test_http.c: the HTTP server with a fake query source in place of the engine's (which has no
 * query manager yet): streamed responses are header first, then rows, then the final message, in
 * the /query format and the /query-stream delimited and JSON formats; /close-query ends a running
 * push query and the fake sees it closed; a client that goes away gets its query closed; the push
 * query limit answers 40003; routing and body errors keep ksqlDB's shapes. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/buf.h"
#include "server/server.h"
#include "server_fixture.h"

static void setup(void)
{
        sl_test_fake_tombstone_row = 1;
        sl_test_server_start(NULL);
}

TestSuite(server_http, .init = setup, .fini = sl_test_server_stop);

/* ---- a tiny HTTP/1.1 client ---- */
static void send_request(int fd, const char *method, const char *path, const char *ct, const char *accept,
                         const char *body)
{
        char head[1024];
        int n = snprintf(head, sizeof(head),
                         "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s%s%s%s%s%sContent-Length: %zu\r\n\r\n",
                         method, path, ct ? "Content-Type: " : "", ct ? ct : "", ct ? "\r\n" : "",
                         accept ? "Accept: " : "", accept ? accept : "", accept ? "\r\n" : "", body ? strlen(body) : 0);
        cr_assert_eq(write(fd, head, (size_t)n), n);
        if (body && *body)
                cr_assert_eq(write(fd, body, strlen(body)), (ssize_t)strlen(body));
}

/* Reads until `stop` appears in the raw response (or EOF); returns the raw bytes (heap). */
static char *read_until(int fd, const char *stop)
{
        sl_buf buf;
        char chunk[4096];
        sl_buf_init(&buf);
        for (;;) {
                ssize_t n = read(fd, chunk, sizeof(chunk));
                if (n <= 0)
                        break;
                sl_buf_append(&buf, chunk, (size_t)n);
                sl_buf_append_u8(&buf, 0);
                buf.len--;
                if (stop && strstr((char *)buf.data, stop))
                        break;
        }
        sl_buf_append_u8(&buf, 0);
        size_t len;
        return (char *)sl_buf_detach(&buf, &len);
}

/* Status code and de-chunked body of a complete raw response. */
static int parse_response(const char *raw, sl_buf *body)
{
        int status = 0;
        sscanf(raw, "HTTP/1.1 %d", &status);
        const char *p = strstr(raw, "\r\n\r\n");
        cr_assert_not_null(p);
        bool chunked = strcasestr(raw, "Transfer-Encoding: chunked") != NULL && strcasestr(raw, "Transfer-Encoding") < p;
        p += 4;
        sl_buf_init(body);
        if (!chunked) {
                sl_buf_append(body, p, strlen(p));
        } else {
                for (;;) {
                        unsigned long n = strtoul(p, NULL, 16);
                        p = strstr(p, "\r\n");
                        if (p == NULL || n == 0)
                                break;
                        p += 2;
                        sl_buf_append(body, p, n);
                        p += n + 2;
                }
        }
        sl_buf_append_u8(body, 0);
        body->len--;
        return status;
}

static int request(const char *method, const char *path, const char *ct, const char *accept, const char *body,
                   sl_buf *out)
{
        int fd = sl_test_server_connect();
        send_request(fd, method, path, ct, accept, body);
        char *raw = read_until(fd, NULL);
        close(fd);
        int status = parse_response(raw, out);
        free(raw);
        return status;
}

Test(server_http, query_old_format_header_rows_final)
{
        sl_buf body;
        int st = request("POST", "/query", "application/json", NULL, "{\"ksql\":\"SELECT * FROM S EMIT CHANGES LIMIT 3;\"}",
                         &body);
        cr_assert_eq(st, 200);
        cr_assert_str_eq((char *)body.data,
                         "[{\"header\":{\"queryId\":\"transient_FAKE_0\",\"schema\":\"`ID` INTEGER, `V` STRING\"}},\n"
                         "{\"row\":{\"columns\":[0,\"v0\"]}},\n"
                         "{\"row\":{\"columns\":[1,\"v1\"],\"tombstone\":true}},\n"
                         "{\"row\":{\"columns\":[2,\"v2\"]}},\n"
                         "{\"finalMessage\":\"Limit Reached\"}]\n");
        sl_buf_deinit(&body);
}

Test(server_http, query_stream_delimited_and_json)
{
        sl_buf body;
        int st = request("POST", "/query-stream", "application/json", "application/vnd.ksqlapi.delimited.v1",
                         "{\"sql\":\"SELECT * FROM S EMIT CHANGES LIMIT 3;\",\"properties\":{}}", &body);
        cr_assert_eq(st, 200);
        /* the tombstone (row 1) is dropped by the new API's writers */
        cr_assert_str_eq((char *)body.data, "{\"queryId\":\"transient_FAKE_0\",\"columnNames\":[\"ID\",\"V\"],"
                                            "\"columnTypes\":[\"INTEGER\",\"STRING\"]}\n[0,\"v0\"]\n[2,\"v2\"]\n");
        sl_buf_deinit(&body);
        st = request("POST", "/query-stream", "application/json", "application/json",
                     "{\"sql\":\"SELECT * FROM S EMIT CHANGES LIMIT 3;\"}", &body);
        cr_assert_eq(st, 200);
        json_error_t jerr;
        json_t *j = json_loads((char *)body.data, 0, &jerr);
        cr_assert_not_null(j, "%s: %s", jerr.text, body.data);
        cr_assert_eq(json_array_size(j), 3);
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "queryId")), "transient_FAKE_1");
        json_decref(j);
        sl_buf_deinit(&body);
        cr_assert_eq(atomic_load(&closed_queries), 2, "every finished query is closed");
}

Test(server_http, start_error_uses_ksql_error_shape)
{
        sl_buf body;
        int st = request("POST", "/query-stream", "application/json", NULL, "{\"sql\":\"SELECT FAIL;\"}", &body);
        cr_assert_eq(st, 400);
        json_t *j = json_loads((char *)body.data, 0, NULL);
        cr_assert_str_eq(json_string_value(json_object_get(j, "@type")), "statement_error");
        cr_assert_eq(json_integer_value(json_object_get(j, "error_code")), 40001);
        json_decref(j);
        sl_buf_deinit(&body);
}

Test(server_http, close_query_ends_a_push_query)
{
        int fd = sl_test_server_connect();
        send_request(fd, "POST", "/query", "application/json", NULL, "{\"ksql\":\"SELECT * FROM S EMIT CHANGES;\"}");
        char *raw = read_until(fd, "\"v2\"");
        cr_assert(strstr(raw, "transient_FAKE_0") != NULL);
        free(raw);
        sl_buf body;
        cr_assert_eq(request("POST", "/close-query", "application/json", NULL, "{\"queryId\":\"transient_FAKE_0\"}",
                             &body), 200);
        sl_buf_deinit(&body);
        raw = read_until(fd, NULL);  /* the response ends */
        close(fd);
        size_t n = strlen(raw);
        cr_assert(n >= 5 && strcmp(raw + n - 5, "]\n\r\n") != 0);
        cr_assert(strstr(raw, "]\n") != NULL, "the JSON array is closed: %s", raw);
        free(raw);
        for (int i = 0; i < 500 && atomic_load(&closed_queries) == 0; i++)
                usleep(10000);
        cr_assert_eq(atomic_load(&closed_queries), 1);
        cr_assert_eq(request("POST", "/close-query", "application/json", NULL, "{\"queryId\":\"transient_FAKE_0\"}",
                             &body), 400, "a closed query is gone from the registry");
        sl_buf_deinit(&body);
}

Test(server_http, client_leaving_closes_its_query)
{
        int fd = sl_test_server_connect();
        send_request(fd, "POST", "/query-stream", "application/json", NULL, "{\"sql\":\"SELECT * FROM S EMIT CHANGES;\"}");
        char *raw = read_until(fd, "[2,");
        free(raw);
        close(fd);
        for (int i = 0; i < 1000 && atomic_load(&closed_queries) == 0; i++)
                usleep(10000);
        cr_assert_eq(atomic_load(&closed_queries), 1, "the query of a client that left is closed");
}

Test(server_http, push_query_limit, .init = NULL)
{
        sl_test_fake_tombstone_row = 1;
        sl_test_server_start("1");
        int fd = sl_test_server_connect();
        send_request(fd, "POST", "/query", "application/json", NULL, "{\"ksql\":\"SELECT * FROM S EMIT CHANGES;\"}");
        free(read_until(fd, "v0"));
        sl_buf body;
        cr_assert_eq(request("POST", "/query", "application/json", NULL, "{\"ksql\":\"SELECT * FROM S EMIT CHANGES;\"}",
                             &body), 400);
        cr_assert(strstr((char *)body.data, "\"error_code\":40003") != NULL, "%s", body.data);
        sl_buf_deinit(&body);
        close(fd);
}

Test(server_http, request_errors)
{
        static const struct {
                const char *method, *path, *ct, *body;
                int status;
                const char *code;
        } cases[] = {
                {"POST", "/ksql", "application/json", "{bad", 400, "40000"},
                {"POST", "/ksql", "application/json", "[1]", 400, "40000"},
                {"POST", "/ksql", "application/json", "{\"ksql\": 1}", 400, "40000"},
                {"POST", "/ksql", "text/plain", "{}", 415, "41500"},
                {"GET", "/nowhere", NULL, NULL, 404, "40400"},
                {"DELETE", "/info", NULL, NULL, 405, "40500"},
                {"POST", "/close-query", "application/json", "{}", 400, "40000"},
                {"POST", "/inserts-stream", "application/json", "nope\n", 400, "40000"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                sl_buf body;
                int st = request(cases[i].method, cases[i].path, cases[i].ct, NULL, cases[i].body, &body);
                cr_assert_eq(st, cases[i].status, "case %zu: %d %s", i, st, body.data);
                cr_assert(strstr((char *)body.data, cases[i].code) != NULL, "case %zu: %s", i, body.data);
                cr_assert(strstr((char *)body.data, "\"@type\":\"generic_error\"") != NULL, "case %zu", i);
                sl_buf_deinit(&body);
        }
        char big[4000];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        sl_buf body;
        cr_assert_eq(request("POST", "/ksql", "application/json", NULL, big, &body), 413);
        cr_assert(strstr((char *)body.data, "41300") != NULL);
        sl_buf_deinit(&body);
}

Test(server_http, ksql_request_fields)
{
        sl_buf body;
        int st = request("POST", "/ksql", "application/vnd.ksql.v1+json", "application/vnd.ksql.v1+json",
                         "{\"ksql\":\"SHOW VARIABLES; SHOW PROPERTIES;\",\"sessionVariables\":{\"a\":1,\"b\":\"x\"},"
                         "\"streamsProperties\":{\"ksql.streams.auto.offset.reset\":\"earliest\"},"
                         "\"commandSequenceNumber\":0}", &body);
        cr_assert_eq(st, 200, "%s", body.data);
        json_t *j = json_loads((char *)body.data, 0, NULL);
        cr_assert_not_null(j);
        json_t *vars = json_object_get(json_array_get(j, 0), "variables");
        cr_assert_eq(json_array_size(vars), 2);
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(vars, 0), "value")), "1",
                         "non-string variables arrive as their JSON text");
        json_t *over = json_object_get(json_array_get(j, 1), "overwrittenProperties");
        cr_assert_str_eq(json_string_value(json_array_get(over, 0)), "ksql.streams.auto.offset.reset");
        json_decref(j);
        sl_buf_deinit(&body);
        static const char *const bad[] = {
                "{\"ksql\":\"SHOW STREAMS;\",\"streamsProperties\":\"x\"}",
                "{\"ksql\":\"SHOW STREAMS;\",\"sessionVariables\":[1]}",
                "{\"ksql\":\"SHOW STREAMS;\",\"commandSequenceNumber\":\"1\"}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                cr_assert_eq(request("POST", "/ksql", "application/json", NULL, bad[i], &body), 400, "%s", bad[i]);
                cr_assert(strstr((char *)body.data, "\"error_code\":40000") != NULL, "%s", body.data);
                sl_buf_deinit(&body);
        }
}

Test(server_http, inserts_stream_lines_as_they_come)
{
        sl_buf body, req;
        cr_assert_eq(request("POST", "/ksql", "application/json", NULL,
                             "{\"ksql\":\"CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', "
                             "value_format='json');\"}", &body), 200, "%s", body.data);
        sl_buf_deinit(&body);
        /* 100 rows: more than the 2048-byte body limit, which applies per line here */
        sl_buf_init(&req);
        sl_buf_append(&req, "{\"target\":\"s\"}\n", 15);
        for (int i = 0; i < 100; i++) {
                char row[64];
                int n = snprintf(row, sizeof(row), "{\"ID\":%d,\"V\":\"row number %d\"}\n", i, i);
                sl_buf_append(&req, row, (size_t)n);
        }
        sl_buf_append(&req, "not json\n", 9);
        sl_buf_append_u8(&req, 0);
        cr_assert_gt(req.len, 2048);
        cr_assert_eq(request("POST", "/inserts-stream", "application/json", NULL, (char *)req.data, &body), 200);
        int lines = 0;
        for (char *p = (char *)body.data; (p = strchr(p, '\n')) != NULL; p++)
                lines++;
        /* without Kafka the first row fails, and the first failure ends the acks (ksqlDB's
         * AcksSubscriber); e2e 0306 acks many rows against a broker */
        cr_assert_eq(lines, 1, "one ack (%zu bytes): %.300s", body.len, body.data);
        cr_assert_str_eq((char *)body.data, "{\"@type\":\"generic_error\",\"error_code\":50000,\"message\":\"Inserts "
                                            "need Kafka (sluice.engine.kafka is false)\",\"status\":\"error\",\"seq\":0}\n");
        sl_buf_deinit(&body);
        sl_buf_deinit(&req);
        /* one line over the limit */
        char big[3000];
        static const char head[] = "{\"target\":\"s\"}\n{\"V\":\"";
        size_t hl = sizeof(head) - 1;
        memcpy(big, head, hl);
        memset(big + hl, 'x', sizeof(big) - hl - 4);
        memcpy(big + sizeof(big) - 4, "\"}\n", 4);
        big[sizeof(big) - 1] = 0;
        cr_assert_eq(request("POST", "/inserts-stream", "application/json", NULL, big, &body), 413);
        sl_buf_deinit(&body);
        cr_assert_eq(request("POST", "/inserts-stream", "application/json", NULL, "{\"target\":\"nope\"}\n{}\n", &body),
                     400);
        cr_assert(strstr((char *)body.data, "\"error_code\":40001") != NULL, "%s", body.data);
        sl_buf_deinit(&body);
}
