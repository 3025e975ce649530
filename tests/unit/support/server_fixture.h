/* server_fixture.h: a running HTTP server on a free loopback port with a fake query source in
 * place of the engine's, for the server unit tests (tests/unit/server). The fake answers a
 * statement containing FAIL with error 40001; otherwise it names its queries transient_FAKE_<n>
 * (n counts from 0 per test process), sends rows [i,"vi"] (row `sl_test_fake_tombstone_row` as a
 * tombstone), LIMIT 3 sends rows 0..2 and ends with "Limit Reached", anything else sends a row
 * every 10 ms until closed. Header only (static): sl_testsupport does not link sl_server. */
#ifndef SL_TEST_SERVER_FIXTURE_H
#define SL_TEST_SERVER_FIXTURE_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server.h"

/* ---- the fake query source ---- */
struct sl_engine_query {
        pthread_t thread;          /* sends the rows */
        sl_engine_query_sink sink; /* where the rows go */
        int nrows;                 /* rows to send, -1: endless */
        atomic_bool stop;          /* set by the close */
};

static atomic_int closed_queries;           /* fake queries closed so far */
static atomic_int started_queries;          /* fake queries started so far (the n of their ids) */
static int sl_test_fake_tombstone_row = -1; /* the row sent as a tombstone, -1: none */

static void *sl_test_fake_produce(void *arg)
{
        sl_engine_query *q = arg;
        char row[64];

        for (int i = 0; q->nrows < 0 || i < q->nrows; i++) {
                if (atomic_load(&q->stop))
                        return NULL;
                snprintf(row, sizeof(row), "[%d,\"v%d\"]", i, i);
                if (!q->sink.row(q->sink.ctx, row, i == sl_test_fake_tombstone_row))
                        return NULL;
                if (q->nrows < 0)
                        usleep(10000);
        }
        q->sink.end(q->sink.ctx, "Limit Reached", NULL);
        return NULL;
}

static sl_err sl_test_fake_start(sl_engine *engine, const sl_engine_request *req, const sl_engine_query_sink *sink,
                                 sl_arena *arena, sl_engine_query_header *hdr, sl_engine_query **out,
                                 sl_engine_result *res)
{
        static const char *names[] = {"ID", "V"}, *types[] = {"INTEGER", "STRING"};
        sl_engine_query *q;

        (void)engine;
        memset(res, 0, sizeof(*res));
        sl_vec_init(&res->entities, sizeof(sl_engine_entity));
        if (strstr(req->sql, "FAIL") != NULL) {
                res->failed = true;
                res->error_code = 40001;
                res->statement_error = true;
                res->error_message = "fake failure";
                res->error_statement = req->sql;
                return SL_ERR_INVALID;
        }
        hdr->query_id = sl_arena_sprintf(arena, "transient_FAKE_%d", atomic_fetch_add(&started_queries, 1));
        hdr->column_names = names;
        hdr->column_types = types;
        hdr->ncolumns = 2;
        hdr->schema = "`ID` INTEGER, `V` STRING";
        q = calloc(1, sizeof(*q));
        q->sink = *sink;
        q->nrows = strstr(req->sql, "LIMIT 3") ? 3 : -1;
        pthread_create(&q->thread, NULL, sl_test_fake_produce, q);
        *out = q;
        return SL_OK;
}

static void sl_test_fake_close(sl_engine_query *q)
{
        if (q == NULL)
                return;
        atomic_store(&q->stop, true);
        pthread_join(q->thread, NULL);
        free(q);
        atomic_fetch_add(&closed_queries, 1);
}

/* ---- the server ---- */
static sl_config *cfg;  /* owned: the server's configuration */
static sl_engine *engine; /* owned: an engine without Kafka */
static sl_server *srv;  /* owned: the running server */

/* Starts the server (request bodies up to 2048 bytes; `max_push`, when not NULL, as
 * ksql.max.push.queries) with the fake query source. */
static void sl_test_server_start(const char *max_push)
{
        sl_err_detail err;
        sl_server_query_ops ops = {sl_test_fake_start, sl_test_fake_close};

        cfg = sl_config_new();
        sl_config_set(cfg, "listeners", "http://127.0.0.1:0");
        sl_config_set(cfg, "server.request.max.bytes", "2048");
        sl_config_set(cfg, "sluice.engine.kafka", "false");
        if (max_push != NULL)
                sl_config_set(cfg, "ksql.max.push.queries", max_push);
        cr_assert_eq(sl_engine_new(cfg, &engine, &err), SL_OK);
        cr_assert_eq(sl_server_new(cfg, engine, &srv, &err), SL_OK, "%s", err.message);
        sl_server_set_query_ops(srv, &ops);
        cr_assert_eq(sl_server_start(srv, &err), SL_OK, "%s", err.message);
        cr_assert_gt(sl_server_port(srv), 0);
}

static void sl_test_server_stop(void)
{
        sl_server_free(srv);
        sl_engine_free(engine);
        sl_config_free(cfg);
}

/* A TCP connection to the server (caller closes). */
static int sl_test_server_connect(void)
{
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sl_server_port(srv))};
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
        return fd;
}

#endif
