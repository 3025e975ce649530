/* ep_inserts.c: POST /inserts-stream. The body is ksqlDB's: a first line {"target": "S"}, then one
 * JSON object per line, a row each. Lines are handled as they arrive (so an insert stream has no
 * size limit but the line length); the rows of each piece of body that arrives (up to 1000) go to
 * the engine together (engine_insert.c), which writes them to the target's topic and waits for
 * their delivery once. Every row gets an ack line {"status":"ok","seq":N}; the first row that
 * fails gets ksqlDB's InsertError {"@type":"generic_error","error_code":...,"message":...,
 * "status":"error","seq":N} and ends the stream (later rows are not inserted), as ksqlDB's
 * AcksSubscriber does. An unknown target or a bad first line fails the whole request with
 * ksqlDB's error shape. Acks are delimited lines (application/vnd.ksqlapi.delimited.v1, the
 * default) or one JSON array (Accept: application/json).
 *
 * ksqlDB serves this endpoint over HTTP/2 only; here it is HTTP/1.1, and libmicrohttpd answers a
 * request once its body is complete, so the acks go out together at the end. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "server/server_int.h"

/* The state of one insert stream. */
typedef struct sl_server_inserts {
        sl_buf line;                 /* the incomplete current line */
        bool header_done;            /* the first line was handled */
        bool ended;                  /* a row failed: the acks end with its error, later rows are ignored */
        bool denied;                 /* credentials or content type were refused: rows are ignored */
        int error_code;              /* the request failed (0: no) */
        char error[512];             /* its message */
        sl_engine_insert *ins;       /* the engine's insert stream, once the target is known */
        sl_engine_result res;        /* the engine's open error */
        bool have_res;               /* `res` needs deinit */
        json_int_t seq;              /* next row number */
        sl_buf acks;                 /* ack lines so far */
        sl_buf rows;                 /* rows waiting to go to the engine together, back to back */
        sl_vec row_lens;             /* of size_t: their lengths */
} sl_server_inserts;

/* Rows handed to the engine in one batch at most (one delivery wait per batch). */
#define INSERTS_BATCH 1000

static void ack(sl_server_inserts *st, json_t *a)
{
        char *t = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        sl_buf_append(&st->acks, t, strlen(t));
        sl_buf_append_u8(&st->acks, '\n');
        free(t);
}

/* Sends the waiting rows to the engine and acks them: ok for each row written, then the first
 * failure's InsertError, which ends the stream (ksqlDB's AcksSubscriber). */
static void flush_rows(sl_server_inserts *st)
{
        size_t n = st->row_lens.len, off = 0;
        sl_slice *rows;
        int code = SL_ENGINE_BAD_REQUEST;
        sl_err_detail err;

        if (n == 0)
                return;
        rows = sl_calloc(n, sizeof(*rows));
        for (size_t i = 0; i < n; i++) {
                size_t len = SL_VEC_AT(&st->row_lens, size_t, i);
                rows[i] = (sl_slice){st->rows.data + off, len};
                off += len;
        }
        size_t done = sl_engine_insert_rows(st->ins, rows, n, &code, &err);
        for (size_t i = 0; i < done; i++)
                ack(st, json_pack("{s:s, s:I}", "status", "ok", "seq", st->seq++));
        if (done < n) {
                ack(st, json_pack("{s:s, s:i, s:s, s:s, s:I}", "@type", "generic_error", "error_code", code, "message",
                                  err.message, "status", "error", "seq", st->seq++));
                st->ended = true;
        }
        sl_free(rows);
        sl_buf_reset(&st->rows);
        sl_vec_clear(&st->row_lens);
}

static void handle_line(sl_server_req *req, sl_server_inserts *st, const char *line, size_t len)
{
        json_error_t jerr;

        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
                len--;
        if (len == 0 || st->error_code != 0 || st->denied || st->have_res || st->ended)
                return;
        if (!st->header_done) {
                st->header_done = true;
                json_t *first = json_loadb(line, len, 0, &jerr);
                json_t *target = json_is_object(first) ? json_object_get(first, "target") : NULL;
                if (!json_is_string(target)) {
                        st->error_code = 40000;
                        snprintf(st->error, sizeof(st->error), "%s",
                                 first == NULL ? "Invalid JSON in inserts stream: the first line must be "
                                                 "{\"target\": \"<stream>\"}"
                                               : "Invalid inserts stream: missing \"target\"");
                } else if (sl_engine_insert_open(req->srv->engine, json_string_value(target), &st->ins, &st->res) !=
                           SL_OK) {
                        st->have_res = true;
                } else {
                        sl_engine_result_deinit(&st->res);
                }
                json_decref(first);
                return;
        }
        sl_buf_append(&st->rows, line, len);
        sl_vec_push(&st->row_lens, &len);
        if (st->row_lens.len >= INSERTS_BATCH)
                flush_rows(st);
}

void sl_server_inserts_begin(sl_server_req *req)
{
        sl_server_inserts *st = sl_calloc(1, sizeof(*st));
        sl_buf_init(&st->line);
        sl_buf_init(&st->acks);
        sl_buf_init(&st->rows);
        sl_vec_init(&st->row_lens, sizeof(size_t));
        req->ins = st;
}

void sl_server_inserts_feed(sl_server_req *req, const char *data, size_t len)
{
        sl_server_inserts *st = req->ins;

        if (!st->header_done && st->line.len == 0 && !sl_server_may_run(req))
                st->denied = true;
        if (st->denied)
                return;
        while (len > 0) {
                const char *nl = memchr(data, '\n', len);
                size_t n = nl ? (size_t)(nl - data) : len;
                if (st->line.len + n > req->srv->max_body) {
                        st->error_code = 41300;
                        snprintf(st->error, sizeof(st->error),
                                 "A line of the inserts stream exceeds the limit of %zu bytes (server.request.max.bytes)",
                                 req->srv->max_body);
                        st->denied = true;
                        return;
                }
                sl_buf_append(&st->line, data, n);
                if (nl == NULL)
                        break;
                handle_line(req, st, (const char *)st->line.data, st->line.len);
                sl_buf_reset(&st->line);
                data += n + 1;
                len -= n + 1;
        }
        flush_rows(st);
}

void sl_server_inserts_free(sl_server_req *req)
{
        sl_server_inserts *st = req->ins;
        if (st == NULL)
                return;
        sl_engine_insert_close(st->ins);
        if (st->have_res)
                sl_engine_result_deinit(&st->res);
        sl_buf_deinit(&st->line);
        sl_buf_deinit(&st->acks);
        sl_buf_deinit(&st->rows);
        sl_vec_deinit(&st->row_lens);
        sl_free(st);
        req->ins = NULL;
}

enum MHD_Result sl_server_ep_inserts(sl_server_req *req)
{
        sl_server_inserts *st = req->ins;
        static const char *const offered[] = {SL_CT_DELIMITED, SL_CT_JSON};

        if (st == NULL)
                return sl_server_send_error(req, 50000, "inserts stream state missing");
        if (st->line.len > 0)
                handle_line(req, st, (const char *)st->line.data, st->line.len);
        sl_buf_reset(&st->line);
        flush_rows(st);
        if (st->error_code != 0)
                return sl_server_send_error(req, st->error_code, "%s", st->error);
        if (st->have_res)
                return sl_server_send_result_error(req, &st->res);
        if (!st->header_done)
                return sl_server_send_error(req, 40000, "Invalid inserts stream: the body is empty; the first line "
                                                        "must be {\"target\": \"<stream>\"}");
        if (sl_server_accept(req, offered, 2) == (const char *)SL_CT_JSON) {
                /* application/json: the acks as one JSON array */
                json_t *arr = json_array();
                const char *p = (const char *)st->acks.data, *end = p + st->acks.len;
                while (p != NULL && p < end) {
                        const char *nl = memchr(p, '\n', (size_t)(end - p));
                        json_array_append_new(arr, json_loadb(p, (size_t)(nl - p), 0, NULL));
                        p = nl + 1;
                }
                return sl_server_send_json(req, 200, arr, SL_CT_JSON);
        }
        struct MHD_Response *resp = MHD_create_response_from_buffer(st->acks.len, st->acks.data ? (void *)st->acks.data : "",
                                                                    MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, SL_CT_DELIMITED);
        enum MHD_Result ret = MHD_queue_response(req->conn, 200, resp);
        MHD_destroy_response(resp);
        return ret;
}
