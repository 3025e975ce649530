/* test_parser.c: grammar/parser.y and the driver in src/sql/parse.c — every statement kind, the
 * tree shapes that matter (precedence, literals, names, clauses), script splitting, variables
 * and syntax errors with their positions. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/mem.h"
#include "sql/ast.h"
#include "sql/parse.h"

/* Parses one statement that must be valid. Caller frees with sl_ast_stmt_free. */
static sl_ast_stmt *parse_ok(const char *sql)
{
        sl_ast_stmt *stmt = NULL;
        sl_err_detail err;
        sl_err rc = sl_parse_statement(sql, NULL, &stmt, &err);

        cr_assert_eq(rc, SL_OK, "<%s>: %d:%d %s / %s", sql, err.pos.line, err.pos.column,
                     err.message, err.detail);
        return stmt;
}

/* Parses one statement that must fail; returns the error. */
static sl_err_detail parse_bad(const char *sql)
{
        sl_ast_stmt *stmt = NULL;
        sl_err_detail err;

        cr_assert_neq(sl_parse_statement(sql, NULL, &stmt, &err), SL_OK, "<%s> parsed", sql);
        cr_assert_null(stmt);
        return err;
}

Test(sql_parser, every_statement_kind)
{
        static const struct {
                const char *sql;
                sl_ast_stmt_kind kind;
                unsigned flags;
        } cases[] = {
                {"SELECT * FROM s;", SL_AST_STMT_QUERY, 0},
                {"SHOW PROPERTIES;", SL_AST_STMT_LIST_PROPERTIES, 0},
                {"LIST ALL TOPICS EXTENDED;", SL_AST_STMT_LIST_TOPICS, SL_AST_ALL | SL_AST_EXTENDED},
                {"show topics", SL_AST_STMT_LIST_TOPICS, 0},
                {"SHOW STREAMS EXTENDED;", SL_AST_STMT_LIST_STREAMS, SL_AST_EXTENDED},
                {"SHOW TABLES;", SL_AST_STMT_LIST_TABLES, 0},
                {"SHOW FUNCTIONS;", SL_AST_STMT_LIST_FUNCTIONS, 0},
                {"SHOW SINK CONNECTORS;", SL_AST_STMT_LIST_CONNECTORS, SL_AST_SINK},
                {"SHOW CONNECTOR PLUGINS;", SL_AST_STMT_LIST_PLUGINS, 0},
                {"SHOW TYPES;", SL_AST_STMT_LIST_TYPES, 0},
                {"SHOW VARIABLES;", SL_AST_STMT_LIST_VARIABLES, 0},
                {"SHOW QUERIES EXTENDED;", SL_AST_STMT_LIST_QUERIES, SL_AST_EXTENDED},
                {"DESCRIBE orders EXTENDED;", SL_AST_STMT_DESCRIBE, SL_AST_EXTENDED},
                {"DESCRIBE STREAMS;", SL_AST_STMT_DESCRIBE_STREAMS, 0},
                {"DESCRIBE TABLES EXTENDED;", SL_AST_STMT_DESCRIBE_TABLES, SL_AST_EXTENDED},
                {"DESCRIBE FUNCTION substring;", SL_AST_STMT_DESCRIBE_FUNCTION, 0},
                {"DESCRIBE CONNECTOR c;", SL_AST_STMT_DESCRIBE_CONNECTOR, 0},
                {"PRINT 'my-topic' FROM BEGINNING INTERVAL 2 LIMIT 10;", SL_AST_STMT_PRINT,
                 SL_AST_QUOTED | SL_AST_FROM_BEGINNING},
                {"TERMINATE CSAS_X_1;", SL_AST_STMT_TERMINATE, 0},
                {"TERMINATE ALL;", SL_AST_STMT_TERMINATE, SL_AST_ALL},
                {"PAUSE ALL;", SL_AST_STMT_PAUSE, SL_AST_ALL},
                {"RESUME q1;", SL_AST_STMT_RESUME, 0},
                {"SET 'auto.offset.reset'='earliest';", SL_AST_STMT_SET, 0},
                {"ALTER SYSTEM 'a'='b';", SL_AST_STMT_ALTER_SYSTEM, 0},
                {"UNSET 'auto.offset.reset';", SL_AST_STMT_UNSET, 0},
                {"DEFINE topicName = 'orders';", SL_AST_STMT_DEFINE, 0},
                {"UNDEFINE topicName;", SL_AST_STMT_UNDEFINE, 0},
                {"CREATE OR REPLACE SOURCE STREAM IF NOT EXISTS s (k INT KEY) WITH (kafka_topic='t');",
                 SL_AST_STMT_CREATE_STREAM, SL_AST_OR_REPLACE | SL_AST_SOURCE | SL_AST_IF_NOT_EXISTS},
                {"CREATE TABLE t (k INT PRIMARY KEY, v STRING) WITH (kafka_topic='t', format='json');",
                 SL_AST_STMT_CREATE_TABLE, 0},
                {"CREATE STREAM s2 WITH (partitions=2) AS SELECT * FROM s;", SL_AST_STMT_CREATE_STREAM_AS, 0},
                {"CREATE OR REPLACE TABLE t2 AS SELECT k, COUNT(*) FROM s GROUP BY k;",
                 SL_AST_STMT_CREATE_TABLE_AS, SL_AST_OR_REPLACE},
                {"CREATE SOURCE CONNECTOR IF NOT EXISTS c WITH ('connector.class'='x');",
                 SL_AST_STMT_CREATE_CONNECTOR, SL_AST_SOURCE | SL_AST_IF_NOT_EXISTS},
                {"DROP CONNECTOR IF EXISTS c;", SL_AST_STMT_DROP_CONNECTOR, SL_AST_IF_EXISTS},
                {"INSERT INTO s WITH (QUERY_ID='q') SELECT * FROM s2;", SL_AST_STMT_INSERT_INTO, 0},
                {"INSERT INTO s (k, v) VALUES (1, 'a');", SL_AST_STMT_INSERT_VALUES, 0},
                {"DROP STREAM IF EXISTS s DELETE TOPIC;", SL_AST_STMT_DROP_STREAM,
                 SL_AST_IF_EXISTS | SL_AST_DELETE_TOPIC},
                {"DROP TABLE t;", SL_AST_STMT_DROP_TABLE, 0},
                {"EXPLAIN SELECT * FROM s;", SL_AST_STMT_EXPLAIN, 0},
                {"EXPLAIN CSAS_S_0;", SL_AST_STMT_EXPLAIN, 0},
                {"CREATE TYPE IF NOT EXISTS addr AS STRUCT<street STRING, num INT>;",
                 SL_AST_STMT_CREATE_TYPE, SL_AST_IF_NOT_EXISTS},
                {"DROP TYPE IF EXISTS addr;", SL_AST_STMT_DROP_TYPE, SL_AST_IF_EXISTS},
                {"ALTER STREAM s ADD COLUMN c INT, ADD d STRING;", SL_AST_STMT_ALTER_STREAM, 0},
                {"ALTER TABLE t ADD COLUMN c INT;", SL_AST_STMT_ALTER_TABLE, 0},
                {"ASSERT NOT EXISTS TOPIC 'x' WITH (partitions=1) TIMEOUT 3 SECONDS;",
                 SL_AST_STMT_ASSERT_TOPIC, SL_AST_NOT_EXISTS | SL_AST_QUOTED},
                {"ASSERT SCHEMA SUBJECT 'x-value' ID 4 TIMEOUT 1 MINUTE;", SL_AST_STMT_ASSERT_SCHEMA,
                 SL_AST_QUOTED},
                {"ASSERT VALUES s (k, v) VALUES (1, 'a');", SL_AST_STMT_ASSERT_VALUES, 0},
                {"ASSERT NULL VALUES t (k) KEY (1);", SL_AST_STMT_ASSERT_TOMBSTONE, 0},
                {"ASSERT STREAM s (k INT KEY) WITH (kafka_topic='t');", SL_AST_STMT_ASSERT_STREAM, 0},
                {"ASSERT TABLE t;", SL_AST_STMT_ASSERT_TABLE, 0},
                {"RUN SCRIPT '/tmp/x.sql';", SL_AST_STMT_RUN_SCRIPT, 0},
        };
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                sl_ast_stmt *stmt = parse_ok(cases[i].sql);
                cr_assert_eq(stmt->kind, cases[i].kind, "<%s>: %s", cases[i].sql,
                             sl_ast_stmt_kind_name(stmt->kind));
                cr_assert_eq(stmt->flags, cases[i].flags, "<%s>: flags %x", cases[i].sql, stmt->flags);
                sl_ast_stmt_free(stmt);
        }
}

Test(sql_parser, names_are_normalized_as_ksqldb_does)
{
        sl_ast_stmt *stmt = parse_ok("CREATE STREAM orders (`Id` INT KEY, \"mixed\" STRING, \"a\"\"b\" INT, "
                                     "`x``y` BIGINT, key STRING, 1abc INT) WITH (KAFKA_TOPIC='Orders');");
        const sl_ast_list *cols = stmt->elements;

        cr_assert_str_eq(stmt->name.name, "ORDERS");
        cr_assert_eq(cols->len, 6);
        cr_assert_str_eq(((sl_ast_field_def *)cols->items[0])->name.name, "Id");
        cr_assert_eq(((sl_ast_field_def *)cols->items[0])->constraint, SL_AST_COL_KEY);
        cr_assert_str_eq(((sl_ast_field_def *)cols->items[1])->name.name, "mixed");
        cr_assert_str_eq(((sl_ast_field_def *)cols->items[2])->name.name, "a\"b");
        cr_assert_str_eq(((sl_ast_field_def *)cols->items[3])->name.name, "x`y");
        cr_assert_str_eq(((sl_ast_field_def *)cols->items[4])->name.name, "KEY");
        cr_assert_str_eq(((sl_ast_field_def *)cols->items[5])->name.name, "1ABC");
        cr_assert_str_eq(((sl_ast_property *)stmt->props->items[0])->name.name, "KAFKA_TOPIC");
        cr_assert_str_eq(((sl_ast_property *)stmt->props->items[0])->value->text, "Orders");
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, column_constraints_and_types)
{
        sl_ast_stmt *stmt = parse_ok(
                "CREATE TABLE t (k STRING PRIMARY KEY, h ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, "
                "hk BYTES HEADER('trace'), d DECIMAL(10, 2), m MAP<STRING, INT ARRAY>, c my_type, "
                "v VARCHAR, i INTEGER, ts TIMESTAMP, dt DATE, tm TIME, b BOOLEAN, bi BIGINT, dd DOUBLE);");
        static const sl_ast_type_kind kinds[] = {
                SL_AST_TYPE_STRING, SL_AST_TYPE_ARRAY, SL_AST_TYPE_BYTES, SL_AST_TYPE_DECIMAL,
                SL_AST_TYPE_MAP, SL_AST_TYPE_CUSTOM, SL_AST_TYPE_STRING, SL_AST_TYPE_INT,
                SL_AST_TYPE_TIMESTAMP, SL_AST_TYPE_DATE, SL_AST_TYPE_TIME, SL_AST_TYPE_BOOLEAN,
                SL_AST_TYPE_BIGINT, SL_AST_TYPE_DOUBLE,
        };
        sl_ast_field_def **cols = (sl_ast_field_def **)stmt->elements->items;
        size_t i;

        cr_assert_eq(stmt->elements->len, sizeof(kinds) / sizeof(kinds[0]));
        for (i = 0; i < stmt->elements->len; i++)
                cr_assert_eq(cols[i]->type->kind, kinds[i], "column %zu", i);
        cr_assert_eq(cols[0]->constraint, SL_AST_COL_PRIMARY_KEY);
        cr_assert_eq(cols[1]->constraint, SL_AST_COL_HEADERS);
        cr_assert_eq(cols[1]->type->elem->kind, SL_AST_TYPE_STRUCT);
        cr_assert_eq(cols[2]->constraint, SL_AST_COL_HEADER);
        cr_assert_str_eq(cols[2]->header_key, "trace");
        cr_assert_eq(cols[3]->type->precision, 10);
        cr_assert_eq(cols[3]->type->scale, 2);
        cr_assert_eq(cols[4]->type->elem->kind, SL_AST_TYPE_ARRAY);
        cr_assert_str_eq(cols[5]->type->name, "MY_TYPE");
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, query_clauses)
{
        sl_ast_stmt *stmt = parse_ok(
                "SELECT o.id, c.*, s->addr->*, count(*) AS n FROM orders o "
                "LEFT OUTER JOIN customers AS c WITHIN (1 HOUR, 2 MINUTES) GRACE PERIOD 5 SECONDS ON o.cid = c.id "
                "FULL JOIN x ON x.id = o.id "
                "WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, RETENTION 7 DAYS, GRACE PERIOD 1 MINUTE) "
                "WHERE o.price > 10 GROUP BY o.id PARTITION BY (o.id, c.id) HAVING count(*) > 1 "
                "EMIT FINAL LIMIT 5;");
        const sl_ast_query *q = stmt->query;
        const sl_ast_join *j;

        cr_assert_eq(q->items->len, 4);
        cr_assert_eq(((sl_ast_select_item *)q->items->items[1])->kind, SL_AST_ITEM_SOURCE_STAR);
        cr_assert_eq(((sl_ast_select_item *)q->items->items[2])->kind, SL_AST_ITEM_STRUCT_STAR);
        cr_assert_str_eq(((sl_ast_select_item *)q->items->items[3])->alias, "N");
        cr_assert(((sl_ast_select_item *)q->items->items[3])->expr->star);
        cr_assert_str_eq(q->from.name.name, "ORDERS");
        cr_assert_str_eq(q->from.alias, "O");
        cr_assert_eq(q->joins->len, 2);
        j = q->joins->items[0];
        cr_assert_eq(j->kind, SL_AST_JOIN_LEFT);
        cr_assert(j->within_two);
        cr_assert_eq(j->before.n, 1);
        cr_assert_eq(j->before.unit, SL_AST_UNIT_HOUR);
        cr_assert_eq(j->after.unit, SL_AST_UNIT_MINUTES);
        cr_assert_eq(j->grace.n, 5);
        cr_assert_eq(((sl_ast_join *)q->joins->items[1])->kind, SL_AST_JOIN_FULL);
        cr_assert_eq(q->window->kind, SL_AST_WINDOW_HOPPING);
        cr_assert_eq(q->window->advance.n, 10);
        cr_assert_eq(q->window->retention.unit, SL_AST_UNIT_DAYS);
        cr_assert_eq(q->window->grace.unit, SL_AST_UNIT_MINUTE);
        cr_assert_eq(q->group_by->len, 1);
        cr_assert_eq(q->partition_by->len, 2);
        cr_assert_not_null(q->having);
        cr_assert_eq(q->emit, SL_AST_EMIT_FINAL);
        cr_assert(q->has_limit);
        cr_assert_eq(q->limit, 5);
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, session_and_tumbling_windows)
{
        sl_ast_stmt *stmt = parse_ok("SELECT k, COUNT(*) FROM s WINDOW SESSION (30 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k;");

        cr_assert_eq(stmt->query->window->kind, SL_AST_WINDOW_SESSION);
        cr_assert_eq(stmt->query->window->size.n, 30);
        cr_assert_eq(stmt->query->window->retention.unit, SL_AST_UNIT_NONE);
        sl_ast_stmt_free(stmt);
        stmt = parse_ok("SELECT k FROM s WINDOW w TUMBLING (SIZE 1 MILLISECOND) GROUP BY ();");
        cr_assert_eq(stmt->query->window->kind, SL_AST_WINDOW_TUMBLING);
        cr_assert_str_eq(stmt->query->window->name, "W");
        cr_assert_eq(stmt->query->group_by->len, 0);
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, operator_precedence)
{
        sl_ast_stmt *stmt = parse_ok("SELECT a + b * c, NOT a = b AND c OR d, x BETWEEN 1 AND 2 AND y, "
                                     "-a * b, a || b + c FROM s;");
        sl_ast_select_item **items = (sl_ast_select_item **)stmt->query->items->items;
        const sl_ast_expr *e;

        e = items[0]->expr; /* a + (b * c) */
        cr_assert_eq(e->op, SL_AST_OP_ADD);
        cr_assert_eq(e->b->op, SL_AST_OP_MUL);
        e = items[1]->expr; /* ((NOT (a = b)) AND c) OR d */
        cr_assert_eq(e->op, SL_AST_OP_OR);
        cr_assert_eq(e->a->op, SL_AST_OP_AND);
        cr_assert_eq(e->a->a->op, SL_AST_OP_NOT);
        cr_assert_eq(e->a->a->a->op, SL_AST_OP_EQ);
        e = items[2]->expr; /* (x BETWEEN 1 AND 2) AND y */
        cr_assert_eq(e->op, SL_AST_OP_AND);
        cr_assert_eq(e->a->kind, SL_AST_BETWEEN);
        e = items[3]->expr; /* (-a) * b */
        cr_assert_eq(e->op, SL_AST_OP_MUL);
        cr_assert_eq(e->a->op, SL_AST_OP_NEG);
        e = items[4]->expr; /* a || (b + c) */
        cr_assert_eq(e->op, SL_AST_OP_CONCAT);
        cr_assert_eq(e->b->op, SL_AST_OP_ADD);
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, predicates)
{
        sl_ast_stmt *stmt = parse_ok(
                "SELECT * FROM s WHERE a NOT IN (1, 2) AND b NOT LIKE 'x!%' ESCAPE '!' AND c IS NOT NULL "
                "AND d IS NOT DISTINCT FROM e AND f NOT BETWEEN 1 AND 3 AND g <> h AND i != j;");
        const sl_ast_expr *e = stmt->query->where;
        sl_ast_expr_kind want[] = {SL_AST_BINARY, SL_AST_BINARY, SL_AST_BETWEEN, SL_AST_IS_DISTINCT,
                                   SL_AST_IS_NULL, SL_AST_LIKE, SL_AST_IN};
        size_t i;

        /* a left-deep AND chain: walk down the left spine */
        for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
                const sl_ast_expr *right = i + 1 < sizeof(want) / sizeof(want[0]) ? e->b : e;
                cr_assert_eq(right->kind, want[i], "predicate %zu: %d", i, right->kind);
                if (right->kind != SL_AST_BINARY)
                        cr_assert(right->negated, "predicate %zu not negated", i);
                else
                        cr_assert_eq(right->op, SL_AST_OP_NE);
                e = e->a;
        }
        sl_ast_stmt_free(stmt);
        stmt = parse_ok("SELECT * FROM s WHERE b LIKE 'x!%' ESCAPE '!';");
        cr_assert_str_eq(stmt->query->where->text, "!");
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, literals_and_their_kinds)
{
        sl_ast_stmt *stmt = parse_ok("SELECT 1, 2147483648, 1.50, 1.5E2, 'it''s', TRUE, NULL, -5, - 2.5, "
                                     "-9223372036854775808, DECIMAL '1.23', ${v}, .5 FROM s;");
        sl_ast_select_item **it = (sl_ast_select_item **)stmt->query->items->items;

        cr_assert_eq(it[0]->expr->kind, SL_AST_INTEGER);
        cr_assert_eq(it[0]->expr->ival, 1);
        cr_assert_eq(it[1]->expr->ival, 2147483648LL);
        cr_assert_eq(it[2]->expr->kind, SL_AST_DECIMAL);
        cr_assert_str_eq(it[2]->expr->text, "1.50");
        cr_assert_eq(it[3]->expr->kind, SL_AST_DOUBLE);
        cr_assert_float_eq(it[3]->expr->dval, 150.0, 1e-9);
        cr_assert_eq(it[4]->expr->kind, SL_AST_STRING);
        cr_assert_str_eq(it[4]->expr->text, "it's");
        cr_assert_eq(it[5]->expr->kind, SL_AST_BOOL);
        cr_assert(it[5]->expr->bval);
        cr_assert_eq(it[6]->expr->kind, SL_AST_NULL);
        cr_assert_eq(it[7]->expr->kind, SL_AST_INTEGER);
        cr_assert_eq(it[7]->expr->ival, -5);
        cr_assert_str_eq(it[8]->expr->text, "-2.5");
        cr_assert_eq(it[9]->expr->ival, INT64_MIN);
        cr_assert_eq(it[10]->expr->kind, SL_AST_TYPED_LIT);
        cr_assert_str_eq(it[10]->expr->name, "DECIMAL");
        cr_assert_str_eq(it[10]->expr->text, "1.23");
        cr_assert_eq(it[11]->expr->kind, SL_AST_VARIABLE);
        cr_assert_eq(it[12]->expr->kind, SL_AST_DECIMAL);
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, out_of_range_literals_are_errors)
{
        sl_err_detail err = parse_bad("SELECT 9223372036854775808 FROM s;");

        cr_assert_str_eq(err.message, "Invalid numeric literal: 9223372036854775808");
        cr_assert_eq(err.pos.column, 8);
        err = parse_bad("SELECT -9223372036854775809 FROM s;");
        cr_assert_str_eq(err.message, "Invalid numeric literal: -9223372036854775809");
        err = parse_bad("SELECT 1.7976931348623159E309 FROM s;");
        cr_assert(strstr(err.message, "Number overflows DOUBLE") != NULL);
}

Test(sql_parser, complex_expressions)
{
        sl_ast_stmt *stmt = parse_ok(
                "SELECT CASE WHEN a > 1 THEN 'x' WHEN a < 0 THEN 'y' ELSE 'z' END, "
                "CASE a WHEN 1 THEN 2 END, CAST(a AS DECIMAL(4, 2)), arr[1], m['k']->f, "
                "ARRAY[1, 2], MAP('a' := 1), STRUCT(x := 1, `y` := 'b'), "
                "TRANSFORM(arr, x => x + 1), REDUCE(m, 0, (s, k, v) => s + v), FILTER(arr, (x) => x > 0), "
                "TIMESTAMPADD(SECONDS, 5, ts), ARRAY[], MAP() FROM s;");
        sl_ast_select_item **it = (sl_ast_select_item **)stmt->query->items->items;
        const sl_ast_expr *e;

        cr_assert_eq(it[0]->expr->kind, SL_AST_CASE);
        cr_assert_null(it[0]->expr->a);
        cr_assert_eq(it[0]->expr->list->len, 2);
        cr_assert_not_null(it[0]->expr->b);
        cr_assert_eq(it[1]->expr->kind, SL_AST_CASE);
        cr_assert_not_null(it[1]->expr->a);
        cr_assert_eq(it[2]->expr->kind, SL_AST_CAST);
        cr_assert_eq(it[2]->expr->type->kind, SL_AST_TYPE_DECIMAL);
        cr_assert_eq(it[3]->expr->kind, SL_AST_SUBSCRIPT);
        cr_assert_eq(it[4]->expr->kind, SL_AST_DEREF);
        cr_assert_str_eq(it[4]->expr->name, "F");
        cr_assert_eq(it[4]->expr->a->kind, SL_AST_SUBSCRIPT);
        cr_assert_eq(it[5]->expr->kind, SL_AST_ARRAY);
        cr_assert_eq(it[6]->expr->kind, SL_AST_MAP);
        cr_assert_eq(((sl_ast_expr *)it[6]->expr->list->items[0])->kind, SL_AST_ENTRY);
        cr_assert_eq(it[7]->expr->kind, SL_AST_STRUCT);
        cr_assert_str_eq(((sl_ast_expr *)it[7]->expr->list->items[1])->name, "y");
        e = it[8]->expr->list->items[1];
        cr_assert_eq(e->kind, SL_AST_LAMBDA);
        cr_assert_str_eq(e->list->items[0], "X");
        e = it[9]->expr->list->items[2];
        cr_assert_eq(e->list->len, 3);
        e = it[10]->expr->list->items[1];
        cr_assert_eq(e->kind, SL_AST_LAMBDA);
        cr_assert_eq(e->list->len, 1);
        cr_assert_eq(((sl_ast_expr *)it[11]->expr->list->items[0])->kind, SL_AST_UNIT);
        cr_assert_eq(it[12]->expr->list->len, 0);
        cr_assert_eq(it[13]->expr->list->len, 0);
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, non_reserved_keywords_are_names_where_the_keyword_does_not_fit)
{
        sl_ast_stmt *stmt = parse_ok("SELECT key, map, len(map), timestamp, date, type, emit "
                                     "FROM source partition BY key EMIT CHANGES;");
        sl_ast_select_item **it = (sl_ast_select_item **)stmt->query->items->items;

        cr_assert_eq(it[0]->expr->kind, SL_AST_COLUMN);
        cr_assert_str_eq(it[0]->expr->name, "KEY");
        cr_assert_str_eq(it[1]->expr->name, "MAP");
        cr_assert_eq(it[2]->expr->kind, SL_AST_CALL);
        cr_assert_str_eq(it[6]->expr->name, "EMIT");
        cr_assert_str_eq(stmt->query->from.name.name, "SOURCE");
        cr_assert_null(stmt->query->from.alias);
        cr_assert_eq(stmt->query->partition_by->len, 1);
        cr_assert_eq(stmt->query->emit, SL_AST_EMIT_CHANGES);
        sl_ast_stmt_free(stmt);
        /* DESCRIBE TABLES lists tables; a source named TABLES needs quotes */
        stmt = parse_ok("DESCRIBE `TABLES`;");
        cr_assert_eq(stmt->kind, SL_AST_STMT_DESCRIBE);
        sl_ast_stmt_free(stmt);
}

Test(sql_parser, key_constraint_must_match_the_source_kind)
{
        sl_err_detail err = parse_bad("CREATE TABLE t (id INT KEY) WITH (kafka_topic='t');");

        cr_assert_str_eq(err.message, "Column `ID` is a 'KEY' column: please use 'PRIMARY KEY' for tables.");
        cr_assert_eq(err.pos.column, 17);
        err = parse_bad("CREATE STREAM s (id INT PRIMARY KEY) WITH (kafka_topic='t');");
        cr_assert_str_eq(err.message, "Column `ID` is a 'PRIMARY KEY' column: please use 'KEY' for streams.");
}

Test(sql_parser, syntax_error_names_position_token_and_expected)
{
        sl_err_detail err = parse_bad("SELECT * FORM x;");
        sl_str text;

        cr_assert_eq(err.code, SL_ERR_PARSE);
        cr_assert_eq(err.pos.line, 1);
        cr_assert_eq(err.pos.column, 10);
        cr_assert_str_eq(err.message, "syntax error at or near 'FORM'");
        cr_assert(strstr(err.detail, "mismatched input 'FORM' expecting {") != NULL, "%s", err.detail);
        cr_assert(strstr(err.detail, "'FROM'") != NULL, "%s", err.detail);
        sl_str_init(&text);
        sl_parse_error_format(&err, &text);
        cr_assert(strncmp(sl_str_cstr(&text), "line 1:10: Syntax error at or near 'FORM'\n", 42) == 0,
                  "%s", sl_str_cstr(&text));
        sl_str_deinit(&text);

        err = parse_bad("CREATE STREAM s (\n  k STRING (KEY)) WITH (kafka_topic='t');");
        cr_assert_eq(err.pos.line, 2);
        cr_assert_eq(err.pos.column, 13);
        cr_assert_str_eq(err.detail, "mismatched input 'KEY' expecting {INTEGER_VALUE, 'STRING'}");

        err = parse_bad("SELECT a FROM");
        cr_assert_str_eq(err.message, "syntax error at or near <EOF>");
        cr_assert(strstr(err.detail, "IDENTIFIER") != NULL, "%s", err.detail);

        err = parse_bad("SELECT 'abc FROM s;");
        cr_assert_eq(err.pos.column, 8);
        cr_assert_str_eq(err.detail, "unterminated string literal");
}

Test(sql_parser, scripts_split_at_top_level_semicolons_only)
{
        sl_script *script = NULL;
        const char *text = "CREATE STREAM s (v STRING) WITH (kafka_topic='a;b');\n"
                           "-- a comment; with a semicolon\n"
                           "/* block ; comment */ SELECT `x;y`, 'z;' FROM s;;\n"
                           "SHOW STREAMS";
        sl_err rc = sl_parse_script(text, NULL, &script);

        cr_assert_eq(rc, SL_OK);
        cr_assert_eq(script->nstmts, 3);
        cr_assert_eq(script->stmts[0]->kind, SL_AST_STMT_CREATE_STREAM);
        cr_assert_eq(script->stmts[1]->kind, SL_AST_STMT_QUERY);
        cr_assert_eq(script->stmts[1]->pos.line, 3);
        cr_assert_str_eq(script->stmts[1]->text, "SELECT `x;y`, 'z;' FROM s;");
        cr_assert_str_eq(script->stmts[2]->text, "SHOW STREAMS");
        cr_assert_str_eq(script->stmts[0]->text,
                         "CREATE STREAM s (v STRING) WITH (kafka_topic='a;b');");
        sl_script_free(script);
}

Test(sql_parser, a_bad_statement_does_not_stop_the_script)
{
        sl_script *script = NULL;
        const char *text = "SELECT * FORM a;\nSHOW TABLES;\nCREATE STREAM (x INT);\nDROP TABLE t;\n"
                           "SELECT 1 + FROM b;";
        sl_err rc = sl_parse_script(text, NULL, &script);

        cr_assert_eq(rc, SL_ERR_PARSE);
        cr_assert_eq(script->nstmts, 2);
        cr_assert_eq(script->nerrors, 3);
        cr_assert_eq(script->errors[0].pos.line, 1);
        cr_assert_eq(script->errors[0].pos.column, 10);
        cr_assert_eq(script->errors[1].pos.line, 3);
        cr_assert_eq(script->errors[1].pos.column, 15);
        cr_assert_eq(script->errors[2].pos.line, 5);
        cr_assert_eq(script->errors[2].pos.column, 12);
        sl_script_free(script);
}

static const char *lookup(void *ctx, const char *name)
{
        (void)ctx;
        if (strcmp(name, "topic") == 0)
                return "o'rders";
        if (strcmp(name, "src") == 0)
                return "orders";
        return NULL;
}

Test(sql_parser, variables_are_substituted_before_parsing)
{
        sl_parse_opts opts = {lookup, NULL};
        sl_ast_stmt *stmt = NULL;
        char *text;

        cr_assert_eq(sl_parse_statement("CREATE STREAM ${src} (v INT) WITH (kafka_topic='${topic}', "
                                        "value_format='${fmt}');", &opts, &stmt, NULL), SL_OK);
        cr_assert_str_eq(stmt->name.name, "ORDERS");
        cr_assert_str_eq(((sl_ast_property *)stmt->props->items[0])->value->text, "o'rders");
        cr_assert_str_eq(((sl_ast_property *)stmt->props->items[1])->value->text, "${fmt}");
        sl_ast_stmt_free(stmt);
        /* comments are left alone; an undefined variable stays */
        text = sl_parse_substitute("SELECT ${src} -- ${src}\n FROM ${other};", lookup, NULL);
        cr_assert_str_eq(text, "SELECT orders -- ${src}\n FROM ${other};");
        sl_free(text);
}

Test(sql_parser, only_one_statement_for_parse_statement)
{
        sl_ast_stmt *stmt = NULL;
        sl_err_detail err;

        cr_assert_eq(sl_parse_statement("SHOW TABLES; SHOW STREAMS;", NULL, &stmt, &err), SL_ERR_PARSE);
        cr_assert_null(stmt);
        cr_assert_eq(sl_parse_statement("  -- nothing\n", NULL, &stmt, &err), SL_ERR_PARSE);
}

Test(sql_parser, deep_nesting_is_an_error_not_a_crash)
{
        size_t n = 5000, i;
        char *sql = sl_malloc(n * 2 + 64);
        sl_err_detail err;

        strcpy(sql, "SELECT 1");
        for (i = 0; i < n; i++)
                strcat(sql, "+1");
        strcat(sql, " FROM s;");
        err = parse_bad(sql);
        cr_assert(strstr(err.message, "nested too deeply") != NULL, "%s", err.message);
        strcpy(sql, "SELECT ");
        for (i = 0; i < n; i++)
                strcat(sql, "(");
        err = parse_bad(sql);
        cr_assert(strstr(err.message, "too deeply nested") != NULL, "%s", err.message);
        sl_free(sql);
}

Test(sql_parser, source_streams_cannot_be_created_as_select)
{
        sl_err_detail err = parse_bad("CREATE SOURCE STREAM s AS SELECT * FROM t;");

        cr_assert_eq(err.pos.column, 1);
        err = parse_bad("CREATE OR REPLACE SINK CONNECTOR c WITH (a='b');");
        cr_assert(strstr(err.message, "OR REPLACE") != NULL);
}
