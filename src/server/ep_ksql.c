/* ep_ksql.c: POST /ksql. Reads ksqlDB's request ({"ksql", "streamsProperties", "sessionVariables",
 * "commandSequenceNumber"}), runs the script through the engine and answers with the JSON array of
 * entities, or with the failing statement's error (its "entities" holding what already ran). */
#include "server/server_int.h"

enum MHD_Result sl_server_ep_ksql(sl_server_req *req)
{
        enum MHD_Result ret = MHD_NO;
        sl_arena arena;
        sl_engine_request er = {0};
        sl_engine_result res;
        json_t *body = sl_server_parse_body(req, &ret);

        if (body == NULL)
                return ret;
        sl_arena_init(&arena, 0);
        json_t *ksql = json_object_get(body, "ksql");
        if (!json_is_string(ksql)) {
                ret = sl_server_send_error(req, 40000, "Invalid request: the \"ksql\" field must be a string "
                                                       "holding one or more statements");
                goto out;
        }
        er.sql = json_string_value(ksql);
        er.command_seq = -1;
        json_t *seq = json_object_get(body, "commandSequenceNumber");
        if (seq != NULL && !json_is_null(seq)) {
                if (!json_is_integer(seq)) {
                        ret = sl_server_send_error(req, 40000,
                                                   "Invalid request: \"commandSequenceNumber\" must be an integer");
                        goto out;
                }
                er.command_seq = json_integer_value(seq);
        }
        if (!sl_server_request_kv(req, body, "streamsProperties", &arena, (sl_engine_kv **)&er.props, &er.nprops,
                                  &ret) ||
            !sl_server_request_kv(req, body, "sessionVariables", &arena, (sl_engine_kv **)&er.vars, &er.nvars,
                                  &ret))
                goto out;
        sl_engine_execute(req->srv->engine, &er, &res);
        if (res.failed) {
                ret = sl_server_send_result_error(req, &res);
        } else {
                static const char *const offered[] = {SL_CT_JSON, SL_CT_KSQL};
                json_t *arr = json_array();
                for (size_t i = 0; i < res.entities.len; i++)
                        json_array_append_new(arr, sl_server_render_entity(sl_vec_at(&res.entities, i)));
                ret = sl_server_send_json(req, 200, arr, sl_server_accept(req, offered, 2));
        }
        sl_engine_result_deinit(&res);
out:
        json_decref(body);
        sl_arena_deinit(&arena);
        return ret;
}
