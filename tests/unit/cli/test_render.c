/* test_render.c: the shell's rendering of ksqlDB's JSON (listings, schemas, DESCRIBE, push query
 * rows with wrapping) and its statement splitter (quotes, comments, incomplete input). */
#include <criterion/criterion.h>
#include <string.h>

#include "cli/cli.h"
#include "common/mem.h"

static json_t *parse(const char *text)
{
        json_error_t err;
        json_t *j = json_loads(text, 0, &err);
        cr_assert_not_null(j, "%s", err.text);
        return j;
}

/* What `render` writes for the JSON `text`, as a heap string (caller frees with sl_free). */
static char *rendered(void (*render)(sl_str *, json_t *), const char *text)
{
        json_t *j = parse(text);
        sl_str s;

        sl_str_init(&s);
        render(&s, j);
        json_decref(j);
        return sl_str_detach(&s);
}

Test(cli_render, table_layout)
{
        static const char *const h[] = {"Name", "Topic"};
        static const char *const cells[] = {"S", "a-long-topic", "TÄBLE", "t"};
        sl_str s;
        sl_str_init(&s);
        sl_cli_render_table(&s, h, 2, cells, 2);
        cr_assert_str_eq(sl_str_cstr(&s), " Name  | Topic        \n"
                                          "----------------------\n"
                                          " S     | a-long-topic \n"
                                          " TÄBLE | t            \n"
                                          "----------------------\n");
        sl_str_deinit(&s);
}

Test(cli_render, status_and_streams)
{
        json_t *j = parse("[{\"@type\":\"currentStatus\",\"commandStatus\":{\"status\":\"SUCCESS\",\"message\":\"Stream created\"}},"
                          "{\"@type\":\"streams\",\"streams\":[{\"type\":\"STREAM\",\"name\":\"S\",\"topic\":\"t\","
                          "\"keyFormat\":\"KAFKA\",\"valueFormat\":\"JSON\",\"isWindowed\":false}],"
                          "\"warnings\":[{\"message\":\"w1\"}]}]");
        sl_str s;
        sl_str_init(&s);
        sl_cli_render_entity(&s, json_array_get(j, 0));
        sl_cli_render_entity(&s, json_array_get(j, 1));
        cr_assert_str_eq(sl_str_cstr(&s), " Message        \n"
                                          "----------------\n"
                                          " Stream created \n"
                                          "----------------\n"
                                          " Stream Name | Kafka Topic | Key Format | Value Format | Windowed \n"
                                          "------------------------------------------------------------------\n"
                                          " S           | t           | KAFKA      | JSON         | false    \n"
                                          "------------------------------------------------------------------\n"
                                          "WARNING: w1\n");
        sl_str_deinit(&s);
        json_decref(j);
}

Test(cli_render, schema_text)
{
        char *out = rendered(sl_cli_render_schema,
                             "{\"type\":\"ARRAY\",\"memberSchema\":{\"type\":\"STRUCT\",\"fields\":[{\"name\":\"A\",\"schema\":"
                             "{\"type\":\"DECIMAL\",\"parameters\":{\"precision\":4,\"scale\":2}}},{\"name\":\"B\",\"schema\":"
                             "{\"type\":\"MAP\",\"memberSchema\":{\"type\":\"STRING\"}}}]}}");

        cr_assert_str_eq(out, "ARRAY<STRUCT<A DECIMAL(4, 2), B MAP<STRING, VARCHAR(STRING)>>>");
        sl_free(out);
}

Test(cli_render, describe_marks_keys)
{
        char *out = rendered(sl_cli_render_entity,
                             "{\"@type\":\"sourceDescription\",\"sourceDescription\":{\"name\":\"T\",\"type\":\"TABLE\","
                             "\"extended\":false,\"fields\":[{\"name\":\"K\",\"schema\":{\"type\":\"INTEGER\"},\"type\":\"KEY\"},"
                             "{\"name\":\"V\",\"schema\":{\"type\":\"STRING\"}}]}}");

        cr_assert(strstr(out, "Name                 : T\n") != NULL);
        cr_assert(strstr(out, " K     | INTEGER (primary key) \n") != NULL, "%s", out);
        cr_assert(strstr(out, " V     | VARCHAR(STRING)       \n") != NULL);
        sl_free(out);
}

Test(cli_render, rows_wrap_long_cells)
{
        json_t *names = parse("[\"ID\",\"TEXT\"]");
        json_t *row = parse("[1,\"abcdefghijkl\"]");
        json_t *nul = parse("[null,\"x\"]");
        sl_cli_rowfmt fmt;
        sl_str s;
        sl_cli_rowfmt_init(&fmt, names, 13); /* (13 - 1) / 2 - 1 = 5 per column */
        sl_str_init(&s);
        sl_cli_render_row_border(&s, &fmt);
        sl_cli_render_row(&s, &fmt, names);
        sl_cli_render_row(&s, &fmt, row);
        sl_cli_render_row(&s, &fmt, nul);
        cr_assert_str_eq(sl_str_cstr(&s), "+-----+-----+\n"
                                          "|ID   |TEXT |\n"
                                          "|1    |abcde|\n"
                                          "|     |fghij|\n"
                                          "|     |kl   |\n"
                                          "|null |x    |\n");
        sl_str_deinit(&s);
        sl_cli_rowfmt_deinit(&fmt);
        json_decref(names);
        json_decref(row);
        json_decref(nul);
}

Test(cli_render, doubles_as_the_shortest_text_that_reads_back)
{
        json_t *names = parse("[\"A\",\"B\",\"C\",\"D\",\"E\"]");
        json_t *row = parse("[52.5219,0.1,1290.0,1e-7,79.33]");
        sl_cli_rowfmt fmt;
        sl_str s;
        sl_cli_rowfmt_init(&fmt, names, 61); /* 11 per column */
        sl_str_init(&s);
        sl_cli_render_row(&s, &fmt, row);
        cr_assert_str_eq(sl_str_cstr(&s), "|52.5219    |0.1        |1290.0     |1e-07      |79.33      |\n");
        sl_str_deinit(&s);
        sl_cli_rowfmt_deinit(&fmt);
        json_decref(names);
        json_decref(row);
}

Test(cli_render, error_message_and_entities)
{
        json_t *j = parse("{\"@type\":\"statement_error\",\"error_code\":40001,\"message\":\"boom\",\"entities\":"
                          "[{\"@type\":\"warning_entity\",\"message\":\"earlier\"}]}");
        sl_str s;
        sl_str_init(&s);
        sl_cli_render_error(&s, j, 400);
        cr_assert_str_eq(sl_str_cstr(&s), "boom\nearlier\n");
        sl_str_reset(&s);
        sl_cli_render_error(&s, NULL, 502);
        cr_assert_str_eq(sl_str_cstr(&s), "Server error (HTTP 502)\n");
        sl_str_deinit(&s);
        json_decref(j);
}

Test(cli_split, statements_quotes_and_comments)
{
        const char *text = "-- lead\nCREATE STREAM s (v STRING) WITH (kafka_topic='a;b');\n"
                           "/* c; */ SELECT `x;y` FROM s; SHOW\n STREAMS ;  -- tail; \n  DESCRIBE s";
        static const char *const want[] = {"CREATE STREAM s (v STRING) WITH (kafka_topic='a;b');",
                                           "SELECT `x;y` FROM s;", "SHOW\n STREAMS ;"};
        size_t pos = 0, n = 0;
        bool blank;
        char *stmt;
        while ((stmt = sl_cli_next_statement(text, &pos, &blank)) != NULL) {
                cr_assert_lt(n, 3);
                cr_assert_str_eq(stmt, want[n], "statement %zu: %s", n, stmt);
                sl_free(stmt);
                n++;
        }
        cr_assert_eq(n, 3);
        cr_assert_not(blank, "DESCRIBE s is left without ';'");
        cr_assert_str_eq(text + pos, "  -- tail; \n  DESCRIBE s");
        pos = 0;
        cr_assert_null(sl_cli_next_statement("SELECT 'open;", &pos, &blank));
        cr_assert_eq(pos, 0);
        cr_assert_null(sl_cli_next_statement("  -- only a comment\n", &pos, &blank));
        cr_assert(blank);
        pos = 0;
        stmt = sl_cli_next_statement("SET 'a' = 'it''s;';", &pos, &blank);
        cr_assert_str_eq(stmt, "SET 'a' = 'it''s;';");
        sl_free(stmt);
}
