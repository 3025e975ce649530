/* test_render.c: engine entities and errors rendered to ksqlDB's JSON, key by key. */
#include <criterion/criterion.h>
#include <string.h>

#include "server/server_int.h"

static char *dump(json_t *j)
{
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(j);
        return s;
}

Test(server_render, current_status)
{
        sl_engine_entity e = {.kind = SL_ENGINE_CURRENT_STATUS, .statement_text = "CREATE STREAM s ...;",
                              .command_id = "stream/`S`/create", .status = "SUCCESS", .message = "Stream created",
                              .command_seq = 7};
        char *s = dump(sl_server_render_entity(&e));
        cr_assert_str_eq(s, "{\"@type\":\"currentStatus\",\"commandId\":\"stream/`S`/create\","
                            "\"commandSequenceNumber\":7,\"commandStatus\":{\"message\":\"Stream created\","
                            "\"queryId\":null,\"status\":\"SUCCESS\"},\"statementText\":\"CREATE STREAM s ...;\","
                            "\"warnings\":[]}");
        free(s);
}

Test(server_render, streams_and_warnings)
{
        sl_engine_source_info src = {"S", "STREAM", "t", "KAFKA", "JSON", true};
        const char *warn[] = {"careful"};
        sl_engine_entity e = {.kind = SL_ENGINE_STREAMS, .statement_text = "SHOW STREAMS;", .sources = &src,
                              .nsources = 1, .warnings = warn, .nwarnings = 1};
        char *s = dump(sl_server_render_entity(&e));
        cr_assert_str_eq(s, "{\"@type\":\"streams\",\"statementText\":\"SHOW STREAMS;\",\"streams\":[{\"format\":"
                            "\"JSON\",\"isWindowed\":true,\"keyFormat\":\"KAFKA\",\"name\":\"S\",\"topic\":\"t\","
                            "\"type\":\"STREAM\",\"valueFormat\":\"JSON\"}],\"warnings\":[{\"message\":\"careful\"}]}");
        free(s);
}

Test(server_render, schemas)
{
        sl_engine_schema i = {.type = "INTEGER"}, d = {.type = "DECIMAL", .precision = 4, .scale = 2};
        sl_engine_field f[] = {{"A", &i, NULL, NULL}, {"B", &d, NULL, NULL}};
        sl_engine_schema st = {.type = "STRUCT", .fields = f, .nfields = 2};
        sl_engine_schema arr = {.type = "ARRAY", .member = &st};
        char *s = dump(sl_server_render_schema(&arr));
        cr_assert_str_eq(s, "{\"fields\":null,\"memberSchema\":{\"fields\":[{\"name\":\"A\",\"schema\":{\"fields\":null,"
                            "\"memberSchema\":null,\"type\":\"INTEGER\"}},{\"name\":\"B\",\"schema\":{\"fields\":null,"
                            "\"memberSchema\":null,\"parameters\":{\"precision\":4,\"scale\":2},\"type\":\"DECIMAL\"}}],"
                            "\"memberSchema\":null,\"type\":\"STRUCT\"},\"type\":\"ARRAY\"}");
        free(s);
}

Test(server_render, statement_error_carries_entities)
{
        sl_engine_result res;
        memset(&res, 0, sizeof(res));
        sl_vec_init(&res.entities, sizeof(sl_engine_entity));
        sl_engine_entity w = {.kind = SL_ENGINE_WARNING, .statement_text = "UNDEFINE x;", .message = "m"};
        sl_vec_push(&res.entities, &w);
        res.failed = true;
        res.error_code = 40001;
        res.statement_error = true;
        res.error_message = "bad";
        res.error_statement = "DESCRIBE x;";
        char *s = dump(sl_server_render_error(&res));
        cr_assert_str_eq(s, "{\"@type\":\"statement_error\",\"entities\":[{\"@type\":\"warning_entity\",\"message\":\"m\","
                            "\"statementText\":\"UNDEFINE x;\",\"warnings\":[]}],\"error_code\":40001,\"message\":\"bad\","
                            "\"statementText\":\"DESCRIBE x;\"}");
        free(s);
        res.statement_error = false;
        res.error_code = 40000;
        s = dump(sl_server_render_error(&res));
        cr_assert_str_eq(s, "{\"@type\":\"generic_error\",\"error_code\":40000,\"message\":\"bad\"}");
        free(s);
        sl_vec_deinit(&res.entities);
}

Test(server_render, describe_function)
{
        sl_engine_func_arg args[] = {{"s", "STRING", "", false}, {"rest", "STRING", "", true}};
        sl_engine_func_variant v = {args, 2, "STRING", "joins"};
        sl_engine_func_desc d = {"CONCAT", "joins", "sluice", "1.0", "internal", "SCALAR", &v, 1};
        sl_engine_entity e = {.kind = SL_ENGINE_DESCRIBE_FUNCTION, .statement_text = "DESCRIBE FUNCTION concat;",
                              .func = &d};
        json_t *j = sl_server_render_entity(&e);
        cr_assert_str_eq(json_string_value(json_object_get(j, "@type")), "describe_function");
        cr_assert_str_eq(json_string_value(json_object_get(j, "path")), "internal");
        json_t *a = json_array_get(json_object_get(json_array_get(json_object_get(j, "functions"), 0), "arguments"), 1);
        cr_assert(json_is_true(json_object_get(a, "isVariadic")));
        cr_assert_str_eq(json_string_value(json_object_get(a, "name")), "rest");
        json_decref(j);
}
