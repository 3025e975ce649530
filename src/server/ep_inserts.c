/* ep_inserts.c: POST /inserts-stream. The body is ksqlDB's: a first line {"target": "S"}, then one
 * JSON object per line, a row each. Every row gets an ack line {"status":"ok","seq":N} or
 * {"status":"error","seq":N,"error_code":...,"message":...}; an unknown target or a bad first line
 * fails the whole request. */
#include <string.h>

#include "server/server_int.h"

static void ack_error(json_t *acks, sl_buf *out, bool array, json_int_t seq, int code, const char *msg)
{
        json_t *a = json_pack("{s:s, s:I, s:i, s:s}", "status", "error", "seq", seq, "error_code", code, "message",
                              msg);
        if (array) {
                json_array_append_new(acks, a);
                return;
        }
        char *t = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        sl_buf_append(out, t, strlen(t));
        sl_buf_append_u8(out, '\n');
        free(t);
}

static void ack_ok(json_t *acks, sl_buf *out, bool array, json_int_t seq)
{
        json_t *a = json_pack("{s:s, s:I}", "status", "ok", "seq", seq);
        if (array) {
                json_array_append_new(acks, a);
                return;
        }
        char *t = json_dumps(a, JSON_COMPACT);
        json_decref(a);
        sl_buf_append(out, t, strlen(t));
        sl_buf_append_u8(out, '\n');
        free(t);
}

enum MHD_Result sl_server_ep_inserts(sl_server_req *req)
{
        const char *text = (const char *)req->body.data;
        size_t len = req->body.len;
        const char *nl = text ? memchr(text, '\n', len) : NULL;
        size_t first_len = nl ? (size_t)(nl - text) : len;
        json_error_t jerr;
        sl_engine_insert *ins = NULL;
        sl_engine_result res;
        enum MHD_Result ret;
        static const char *const offered[] = {SL_CT_DELIMITED, SL_CT_JSON};
        const char *ct = sl_server_accept(req, offered, 2);
        bool array = ct == (const char *)SL_CT_JSON;

        json_t *first = text ? json_loadb(text, first_len, 0, &jerr) : NULL;
        if (first == NULL || !json_is_object(first)) {
                json_decref(first);
                return sl_server_send_error(req, 40000, "Invalid JSON in inserts stream: the first line must be "
                                                        "{\"target\": \"<stream>\"}");
        }
        json_t *target = json_object_get(first, "target");
        if (!json_is_string(target)) {
                json_decref(first);
                return sl_server_send_error(req, 40000, "Invalid inserts stream: missing \"target\"");
        }
        if (sl_engine_insert_open(req->srv->engine, json_string_value(target), &ins, &res) != SL_OK) {
                ret = sl_server_send_result_error(req, &res);
                sl_engine_result_deinit(&res);
                json_decref(first);
                return ret;
        }
        sl_engine_result_deinit(&res);
        json_decref(first);
        sl_buf out;
        sl_buf_init(&out);
        json_t *acks = json_array();
        json_int_t seq = 0;
        size_t pos = nl ? first_len + 1 : len;
        while (pos < len) {
                const char *line = text + pos;
                const char *end = memchr(line, '\n', len - pos);
                size_t ll = end ? (size_t)(end - line) : len - pos;
                pos += ll + (end ? 1 : 0);
                while (ll > 0 && (line[ll - 1] == '\r' || line[ll - 1] == ' '))
                        ll--;
                if (ll == 0)
                        continue;
                json_t *row = json_loadb(line, ll, 0, &jerr);
                if (row == NULL || !json_is_object(row)) {
                        ack_error(acks, &out, array, seq++, 40000, "Invalid JSON in inserts stream: a row must be a "
                                                                   "JSON object");
                        json_decref(row);
                        continue;
                }
                json_decref(row);
                int code = 0;
                sl_err_detail err;
                if (sl_engine_insert_row(ins, line, ll, &code, &err) != SL_OK)
                        ack_error(acks, &out, array, seq++, code, err.message);
                else
                        ack_ok(acks, &out, array, seq++);
        }
        sl_engine_insert_close(ins);
        if (array) {
                sl_buf_deinit(&out);
                return sl_server_send_json(req, 200, acks, SL_CT_JSON);
        }
        json_decref(acks);
        struct MHD_Response *resp = MHD_create_response_from_buffer(out.len, out.data ? (void *)out.data : "",
                                                                    MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, SL_CT_DELIMITED);
        ret = MHD_queue_response(req->conn, 200, resp);
        MHD_destroy_response(resp);
        sl_buf_deinit(&out);
        return ret;
}
