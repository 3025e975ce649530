/* test_analyze.c: the analyzer per statement kind and per error class. Each test builds an
 * in-memory catalog from DDL text, analyzes one statement and checks the output schema, or the
 * error message (ksqlDB's wording) and its line:column. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "sql/analyze.h"
#include "sql/parse.h"
#include "analyze_test.h"

TestSuite(sql_analyze, .init = analyze_test_setup, .fini = analyze_test_teardown);

/* Analyzes one statement expected to fail; checks the message contains `msg` and the position. */
static void run_err(const char *sql, const char *msg, int line, int col)
{
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;

        cr_assert_eq(sl_parse_statement(sql, NULL, &st, &e), SL_OK, "parse: %s: %s", sql, e.message);
        cr_assert_neq(sl_analyze(&ctx, st, &a, &e), SL_OK, "expected an error: %s", sql);
        cr_assert_null(a);
        cr_assert(strstr(e.message, msg), "message '%s' lacks '%s'", e.message, msg);
        if (line)
                cr_assert(e.pos.line == line && e.pos.column == col, "position %d:%d, expected %d:%d (%s)", e.pos.line,
                          e.pos.column, line, col, e.message);
        sl_ast_stmt_free(st);
}

/* The schema the sink of a C*AS gets. */
static void expect_schema(const char *sql, const char *schema)
{
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;
        sl_str s;

        cr_assert_eq(sl_parse_statement(sql, NULL, &st, &e), SL_OK, "parse: %s", sql);
        cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s -> %s", sql, e.message);
        sl_str_init(&s);
        sl_analysis_print_schema(&s, a);
        cr_assert_str_eq(sl_str_cstr(&s), schema);
        sl_str_deinit(&s);
        sl_analysis_free(a);
        sl_ast_stmt_free(st);
}

static const char *ddl =
        "CREATE STREAM S (ID INT KEY, V BIGINT, NAME STRING, D DECIMAL(4,2), ADDR STRUCT<TOWN STRING, ZIP INT>, "
        "  A ARRAY<INT>, M MAP<STRING, DOUBLE>) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');\n"
        "CREATE TABLE T (ID INT PRIMARY KEY, TV STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');\n"
        "CREATE STREAM S2 (ID INT KEY, W BIGINT) WITH (KAFKA_TOPIC='s2', VALUE_FORMAT='JSON');\n";

Test(sql_analyze, create_stream_registers_columns_keys_first)
{
        const sl_catalog_source *s;

        run_ok("CREATE STREAM X (A STRING, K INT KEY) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');");
        s = sl_catalog_source_get(cat, "X");
        cr_assert_not_null(s);
        cr_assert_eq(s->ncolumns, 2);
        cr_assert_str_eq(s->columns[0].name, "K");
        cr_assert_eq(s->columns[0].role, SL_CATALOG_KEY);
        cr_assert_str_eq(s->key_format, "KAFKA");
        cr_assert_str_eq(s->value_format, "JSON");
}

Test(sql_analyze, ddl_errors)
{
        run_ok(ddl);
        run_err("CREATE TABLE X (A INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');", "Tables require a PRIMARY KEY", 1, 1);
        run_err("CREATE STREAM X (A INT, B INT, A STRING) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');",
                "Duplicate column names: `A`", 1, 32);
        run_err("CREATE STREAM X (A INT) WITH (VALUE_FORMAT='JSON');", "Missing required property \"KAFKA_TOPIC\"", 1, 1);
        run_err("CREATE STREAM X (A INT) WITH (KAFKA_TOPIC='x');", "missing the 'VALUE_FORMAT' property", 1, 1);
        run_err("CREATE STREAM X (A INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='FOO');", "Unknown format: FOO", 1, 61);
        run_err("CREATE STREAM X (A INT, ROWPARTITION INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');",
                "'ROWPARTITION' is a reserved column name", 1, 25);
        run_err("CREATE STREAM X (A MY_TYPE) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');", "Unknown type: MY_TYPE", 1, 20);
        run_err("CREATE STREAM S (A INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');",
                "Cannot add stream 'S': A stream with the same name already exists", 1, 15);
        run_err("CREATE STREAM X (K INT KEY, V0 INT, V1 STRING) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='KAFKA');",
                "The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]", 1, 1);
        run_err("CREATE STREAM X (K MAP<STRING, INT> KEY, V INT) WITH (KAFKA_TOPIC='x', FORMAT='JSON');",
                "Map keys, including types that contain maps, are not supported", 1, 1);
        run_err("CREATE STREAM X (A INT, TS STRING) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', TIMESTAMP='TS');",
                "Timestamp column, `TS`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format", 1, 1);
}

Test(sql_analyze, custom_types_resolve)
{
        const sl_catalog_source *s;

        run_ok("CREATE TYPE ADDRESS AS STRUCT<STREET STRING, NUM INT>;\n"
               "CREATE STREAM X (K INT KEY, A ADDRESS) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON');");
        s = sl_catalog_source_get(cat, "X");
        cr_assert_eq(s->columns[1].type->kind, SL_TYPE_STRUCT);
        cr_assert_eq(s->columns[1].type->nfields, 2);
}

Test(sql_analyze, csas_schema_and_generated_names)
{
        run_ok(ddl);
        expect_schema("CREATE STREAM O AS SELECT ID, V + 1, ADDR->TOWN, LEN(NAME), NAME AS N FROM S;",
                      "`ID` INTEGER KEY, `KSQL_COL_0` BIGINT, `TOWN` STRING, `KSQL_COL_1` INTEGER, `N` STRING");
        expect_schema("CREATE STREAM O AS SELECT * FROM S2;", "`ID` INTEGER KEY, `W` BIGINT");
        expect_schema("CREATE STREAM O AS SELECT ADDR->* , ID FROM S;", "`ID` INTEGER KEY, `TOWN` STRING, `ZIP` INTEGER");
        expect_schema("CREATE STREAM O AS SELECT D * 2, NAME, D + 1.5 FROM S PARTITION BY NAME;",
                      "`NAME` STRING KEY, `KSQL_COL_0` DECIMAL(15, 2), `KSQL_COL_1` DECIMAL(5, 2)");
}

Test(sql_analyze, ctas_group_by_keys_in_group_order)
{
        run_ok(ddl);
        expect_schema("CREATE TABLE O WITH (KEY_FORMAT='JSON') AS SELECT NAME, ID, COUNT(*), SUM(V) AS TOTAL FROM S GROUP BY ID, NAME;"
                      /* KAFKA keys hold one column */,
                      "`ID` INTEGER KEY, `NAME` STRING KEY, `KSQL_COL_0` BIGINT, `TOTAL` BIGINT");
        expect_schema("CREATE TABLE O AS SELECT LEN(NAME), COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 1 SECOND) "
                      "GROUP BY LEN(NAME) HAVING COUNT(*) > 1;",
                      "`KSQL_COL_0` INTEGER KEY, `C` BIGINT");
}

Test(sql_analyze, join_names_and_key)
{
        run_ok(ddl);
        run_ok("CREATE TABLE AGG2 AS SELECT ID, COUNT(*) AS C FROM S GROUP BY ID;");
        expect_schema("CREATE STREAM O AS SELECT S.ID, NAME, TV FROM S JOIN T ON S.ID = T.ID;",
                      "`S_ID` INTEGER KEY, `NAME` STRING, `TV` STRING");
        expect_schema("CREATE STREAM O AS SELECT * FROM S L JOIN S2 R WITHIN 1 SECOND ON L.ID = R.ID;",
                      "`L_ID` INTEGER KEY, `L_V` BIGINT, `L_NAME` STRING, `L_D` DECIMAL(4, 2), "
                      "`L_ADDR` STRUCT<`TOWN` STRING, `ZIP` INTEGER>, `L_A` ARRAY<INTEGER>, `L_M` MAP<STRING, DOUBLE>, "
                      "`R_ID` INTEGER, `R_W` BIGINT");
        expect_schema("CREATE TABLE O AS SELECT T.ID, TV, C FROM T JOIN AGG2 ON T.ID = AGG2.ID;",
                      "`T_ID` INTEGER KEY, `TV` STRING, `C` BIGINT");
}

Test(sql_analyze, query_errors_with_positions)
{
        run_ok(ddl);
        run_err("SELECT BOB FROM S EMIT CHANGES;", "SELECT column 'BOB' cannot be resolved.", 1, 8);
        run_err("SELECT * FROM S WHERE\n  NAME > 5 EMIT CHANGES;", "Cannot compare NAME (STRING) to 5 (INTEGER) with GREATER_THAN.",
                2, 3);
        run_err("SELECT * FROM S WHERE V + 1 EMIT CHANGES;",
                "Type error in WHERE expression: Should evaluate to boolean but is (V + 1) (BIGINT) instead.", 1, 23);
        run_err("SELECT * FROM NOPE EMIT CHANGES;", "Source `NOPE` does not exist.", 1, 15);
        run_err("SELECT X.ID FROM S EMIT CHANGES;", "'X' is not a valid stream/table name or alias.", 1, 8);
        run_err("SELECT ID FROM S JOIN S2 WITHIN 1 SECOND ON S.ID = S2.ID EMIT CHANGES;",
                "Column 'ID' is ambiguous. Could be S.ID or S2.ID.", 1, 8);
        run_err("SELECT NAME, COUNT(*) FROM S GROUP BY ID EMIT CHANGES;",
                "Non-aggregate SELECT expression(s) not part of GROUP BY: NAME", 0, 0);
        run_err("SELECT ID, SUM(COUNT(*)) FROM S GROUP BY ID EMIT CHANGES;",
                "Aggregate functions can not be nested: SUM(COUNT())", 1, 16);
        run_err("SELECT ID FROM S GROUP BY SUM(V) EMIT CHANGES;",
                "GROUP BY does not support aggregate functions: SUM is an aggregate function.", 1, 27);
        run_err("SELECT * FROM S WINDOW TUMBLING (SIZE 1 SECOND) EMIT CHANGES;", "WINDOW clause requires a GROUP BY clause.", 0, 0);
        run_err("SELECT * FROM S JOIN S2 ON S.ID = S2.ID EMIT CHANGES;", "Stream-Stream joins must have a WITHIN clause", 1, 17);
        run_err("SELECT * FROM S JOIN T ON S.NAME = T.TV EMIT CHANGES;",
                "Invalid join condition: stream-table joins require to join on the table's primary key", 1, 27);
        run_err("SELECT * FROM S JOIN T ON S.V = T.ID EMIT CHANGES;",
                "Invalid join condition: types don't match. Got S.V{BIGINT} = T.ID{INTEGER}.", 1, 27);
        run_err("SELECT * FROM S JOIN T ON S.ID = 1 EMIT CHANGES;",
                "Invalid comparison expression '1' in join '(S.ID = 1)'", 1, 34);
        run_err("SELECT * FROM T JOIN S ON S.ID = T.ID EMIT CHANGES;",
                "Invalid join order: table-stream joins are not supported", 1, 17);
        run_err("SELECT ID, COUNT(*) FROM S GROUP BY ID EMIT FINAL;",
                "EMIT FINAL is only supported for windowed aggregations.", 0, 0);
        run_ok("SELECT * FROM S WHERE NAME IN (1, TRUE, 'x') AND ID IN (1, '2', 3.0) EMIT CHANGES;");
        run_err("SELECT * FROM S WHERE ID IN ('abc', 2) EMIT CHANGES;",
                "Invalid Predicate: invalid input syntax for type INTEGER: \"abc\"", 1, 30);
        run_err("SELECT * FROM S WHERE ID IN (TRUE) EMIT CHANGES;",
                "Invalid Predicate: operator does not exist: INTEGER = BOOLEAN (true)", 1, 30);
        run_err("SELECT CAST(NAME AS ARRAY<INT>) FROM S EMIT CHANGES;",
                "Cast of STRING to ARRAY<INTEGER> is not supported", 1, 8);
        run_err("SELECT NO_SUCH_FN(V) FROM S EMIT CHANGES;", "Can't find any functions with the name 'NO_SUCH_FN'", 1, 8);
        run_err("SELECT ARRAY[] FROM S EMIT CHANGES;", "Array constructor cannot be empty", 1, 8);
        run_err("SELECT ADDR->NOPE FROM S EMIT CHANGES;", "Could not find field 'NOPE'", 1, 8);
}

Test(sql_analyze, csas_key_rules)
{
        run_ok(ddl);
        run_err("CREATE STREAM O AS SELECT NAME FROM S;",
                "The query used to build `O` must include the key column ID in its projection (eg, SELECT ID...).", 0, 0);
        run_err("CREATE TABLE O AS SELECT COUNT(*) AS C FROM S GROUP BY NAME;",
                "must include the grouping expression NAME in its projection", 0, 0);
        run_err("CREATE STREAM O AS SELECT ID, ID AS ID2, V FROM S;",
                "The projection contains a key column (`ID`) more than once, aliased as: ID and ID2.", 0, 0);
        run_err("CREATE STREAM O AS SELECT ID, ROWTIME FROM S;",
                "Reserved column name in select: `ROWTIME`. Please remove or alias the column.", 1, 31);
        run_err("CREATE STREAM O AS SELECT ID, V AS WINDOWSTART FROM S;",
                "`WINDOWSTART` is a reserved column name. You cannot use it as an alias for a column.", 1, 31);
        run_err("CREATE TABLE O AS SELECT ID, NAME FROM S;", "Your SELECT query produces a STREAM", 0, 0);
}

Test(sql_analyze, pull_and_push_rules)
{
        run_ok(ddl);
        run_ok("CREATE TABLE AGG AS SELECT ID, COUNT(*) AS C FROM S GROUP BY ID;");
        run_ok("SELECT * FROM AGG WHERE ID = 1;");
        run_ok("SELECT ID, ROWPARTITION, ROWOFFSET FROM S EMIT CHANGES;");
        run_err("SELECT * FROM T;", "The `T` table isn't queryable.", 1, 15);
        run_err("SELECT ID, ROWPARTITION FROM AGG;", "Pull queries don't support the following columns in SELECT clauses: `ROWPARTITION`", 0, 0);
        run_err("SELECT ID, COUNT(*) FROM S GROUP BY ID;", "Pull queries don't support GROUP BY clauses.", 0, 0);
        run_ok("SELECT COUNT(*) AS C FROM S EMIT CHANGES LIMIT 2;");
        run_err("CREATE TABLE O AS SELECT COUNT(*) AS C FROM S;",
                "CREATE TABLE AS SELECT statement does not support aggregate function [COUNT(ROWTIME)] without a GROUP BY clause.", 0, 0);
        run_err("CREATE STREAM O AS SELECT * FROM S LIMIT 1;", "CREATE STREAM AS SELECT statements don't support LIMIT clause.", 0, 0);
        run_err("SELECT 1 + NULL FROM S EMIT CHANGES;",
                "Error processing expression: (1 + null). Arithmetic on types INTEGER and null are not supported.", 1, 8);
}

Test(sql_analyze, insert_into_and_values)
{
        run_ok(ddl);
        run_ok("CREATE STREAM O AS SELECT ID, W FROM S2;\nINSERT INTO O SELECT ID, W FROM S2;\n"
               "INSERT INTO S2 (ID, W) VALUES (1, 2);\nINSERT INTO S2 VALUES (1, 2);");
        run_err("INSERT INTO O SELECT ID, V AS W, NAME FROM S;", "Incompatible schema between results and sink", 0, 0);
        run_err("INSERT INTO T SELECT * FROM T;", "INSERT INTO can only be used to insert into a stream. T is a table.", 1, 13);
        run_err("INSERT INTO S2 (ID, NOPE) VALUES (1, 2);", "Column name NOPE does not exist.", 1, 21);
        run_err("INSERT INTO NOPE (ID) VALUES (1);", "Cannot insert values into an unknown stream/table: `NOPE`", 1, 13);
}

Test(sql_analyze, drop_and_types)
{
        run_ok(ddl);
        run_ok("CREATE STREAM O AS SELECT * FROM S2;");
        run_err("DROP STREAM S2;", "Cannot drop S2.", 0, 0);
        run_ok("DROP STREAM O;\nDROP STREAM S2;\nDROP STREAM IF EXISTS S2;");
        cr_assert_null(sl_catalog_source_get(cat, "S2"));
        run_err("DROP TABLE S;", "Incompatible data source type is STREAM, but statement was DROP TABLE", 1, 12);
        run_err("DROP TYPE NOPE;", "Type NOPE does not exist.", 1, 11);
}

Test(sql_analyze, expression_types)
{
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;
        static const struct {
                const char *expr;
                const char *type;
        } cases[] = {
                {"1 + 2", "INTEGER"}, {"1 + V", "BIGINT"}, {"V * 1.5", "DECIMAL(22, 1)"}, {"D + 1.0E0", "DOUBLE"},
                {"D / D", "DECIMAL(11, 7)"}, {"NAME + 'x'", "STRING"}, {"A[1]", "INTEGER"}, {"M['k']", "DOUBLE"},
                {"CASE WHEN V > 1 THEN 1 ELSE V END", "BIGINT"}, {"ARRAY[1, V]", "ARRAY<BIGINT>"},
                {"MAP('a' := 1)", "MAP<STRING, INTEGER>"}, {"STRUCT(X := 1)", "STRUCT<`X` INTEGER>"},
                {"ID IN (1, 2)", "BOOLEAN"}, {"NAME LIKE 'a%'", "BOOLEAN"}, {"ROWTIME", "BIGINT"},
                {"ROWPARTITION", "INTEGER"}, {"CAST(V AS STRING)", "STRING"}, {"ABS(ID)", "INTEGER"},
                {"-D", "DECIMAL(4, 2)"}, {"ID BETWEEN 1 AND V", "BOOLEAN"},
        };

        run_ok(ddl);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char sql[256];

                snprintf(sql, sizeof(sql), "SELECT %s FROM S EMIT CHANGES;", cases[i].expr);
                cr_assert_eq(sl_parse_statement(sql, NULL, &st, &e), SL_OK, "%s", sql);
                cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s -> %s", sql, e.message);
                {
                        sl_str s;
                        sl_str_init(&s);
                        sl_type_print(&s, a->columns[0].type);
                        cr_expect_str_eq(sl_str_cstr(&s), cases[i].type, "%s", cases[i].expr);
                        sl_str_deinit(&s);
                }
                sl_analysis_free(a);
                sl_ast_stmt_free(st);
        }
}

Test(sql_analyze, windowed_aggregation_and_sources)
{
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;
        const sl_catalog_source *w;

        run_ok(ddl);
        run_ok("CREATE TABLE W AS SELECT ID, COUNT(*) AS C, WINDOWSTART AS WS, WINDOWEND AS WE FROM S "
               "WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS) GROUP BY ID EMIT FINAL;");
        w = sl_catalog_source_get(cat, "W");
        cr_assert_not_null(w);
        cr_assert_eq(w->window, SL_CATALOG_WINDOW_TUMBLING);
        cr_assert_not_null(w->query_id);
        cr_assert_eq(sl_catalog_source_nkeys(w), 1);
        /* the agg row: key, WINDOWSTART, WINDOWEND, then the aggregates */
        cr_assert_eq(sl_parse_statement("SELECT ID, COUNT(*), WINDOWSTART FROM S WINDOW SESSION (5 SECONDS) GROUP BY ID "
                                        "HAVING COUNT(*) > 1 EMIT CHANGES;", NULL, &st, &e), SL_OK);
        cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s", e.message);
        cr_assert_eq(a->ngroup_by, 1);
        cr_assert_eq(a->naggs, 1);
        cr_assert_eq(a->agg_width, 4);
        cr_assert_eq(a->columns[1].expr->kind, SL_EXPR_COLUMN);
        cr_assert_eq(a->columns[1].expr->index, 3);
        cr_assert_eq(a->columns[2].expr->index, 1);
        cr_assert_not_null(a->having);
        cr_assert_eq(a->result_window, SL_CATALOG_WINDOW_SESSION);
        sl_analysis_free(a);
        sl_ast_stmt_free(st);
        run_err("CREATE TABLE X AS SELECT * FROM W;", "KSQL does not support persistent queries on windowed tables.", 0, 0);
        run_err("SELECT ID, MIN(WINDOWSTART) FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID EMIT CHANGES;",
                "Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations", 1, 16);
        run_err("CREATE STREAM X (K INT KEY, V INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', WINDOW_TYPE='SESSION', "
                "WINDOW_SIZE='1 SECOND');", "'WINDOW_SIZE' should not be set for SESSION windows.", 1, 1);
}

Test(sql_analyze, lambdas_and_struct_star)
{
        run_ok(ddl);
        expect_schema("CREATE STREAM O AS SELECT ID, TRANSFORM(A, x => x + 1) AS T, "
                      "REDUCE(A, 0, (s, x) => s + x) AS R, FILTER(M, (k, v) => v > 1.0) AS F FROM S;",
                      "`ID` INTEGER KEY, `T` ARRAY<INTEGER>, `R` INTEGER, `F` MAP<STRING, DOUBLE>");
        run_err("SELECT TRANSFORM(A, x => x + NAME) FROM S EMIT CHANGES;",
                "Error processing expression", 0, 0);
}

Test(sql_analyze, table_functions)
{
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;

        run_ok(ddl);
        cr_assert_eq(sl_parse_statement("SELECT ID, EXPLODE(A) AS X FROM S EMIT CHANGES;", NULL, &st, &e), SL_OK);
        cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s", e.message);
        cr_assert(a->has_table_function);
        cr_assert_eq(a->columns[1].type->kind, SL_TYPE_INT);
        sl_analysis_free(a);
        sl_ast_stmt_free(st);
        run_err("SELECT * FROM S WHERE EXPLODE(A) = 1 EMIT CHANGES;", "Table functions can only be used in the SELECT clause", 1, 23);
        run_err("SELECT EXPLODE(M) FROM S EMIT CHANGES;", "Function 'explode' does not accept parameters (MAP<STRING, DOUBLE>)", 1, 8);
        run_err("SELECT ID, EXPLODE(A), COUNT(*) FROM S GROUP BY ID EMIT CHANGES;", "Table functions cannot be used with aggregations.",
                0, 0);
        run_err("SELECT EXPLODE(ARRAY[TV]) FROM T EMIT CHANGES;", "Table source is not supported with table functions", 0, 0);
}

Test(sql_analyze, insert_values_are_typed_per_column)
{
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;

        run_ok(ddl);
        cr_assert_eq(sl_parse_statement("INSERT INTO S (ROWTIME, ID, V, NAME) VALUES (5, 1, 2, 'x');", NULL, &st, &e), SL_OK);
        cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s", e.message);
        cr_assert_eq(a->sink, sl_catalog_source_get(cat, "S"));
        cr_assert_not_null(a->values[0]);
        cr_assert_eq(a->values[1]->type->kind, SL_TYPE_BIGINT);  /* 2 is cast to V's BIGINT */
        cr_assert_null(a->values[3]);                             /* D not given */
        cr_assert_not_null(a->values[a->sink->ncolumns]);         /* ROWTIME */
        sl_analysis_free(a);
        sl_ast_stmt_free(st);
        run_err("INSERT INTO S (ID, NAME) VALUES (1, ARRAY[1]);", "Expected type STRING for field NAME", 1, 37);
        run_err("INSERT INTO S (ID) VALUES (1, 2);", "Expected number columns and values to match: 1, 2", 1, 1);
}
