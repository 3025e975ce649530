/* test_ast_print.c: src/sql/ast_print.c — canonical SQL for each construct, and the round trip
 * (print, re-parse, compare with sl_ast_stmt_equal) over every statement and expression kind. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/mem.h"
#include "sql/ast.h"
#include "sql/ast_print.h"
#include "sql/parse.h"

static sl_ast_stmt *parse_ok(const char *sql)
{
        sl_ast_stmt *stmt = NULL;
        sl_err_detail err;

        cr_assert_eq(sl_parse_statement(sql, NULL, &stmt, &err), SL_OK, "<%s>: %s / %s", sql,
                     err.message, err.detail);
        return stmt;
}

/* Parses, prints, re-parses, and checks equality and that printing is a fixed point. Returns the
 * printed text (caller frees). */
static char *round_trip(const char *sql)
{
        sl_ast_stmt *a = parse_ok(sql), *b;
        char *printed = sl_ast_stmt_to_sql(a), *again;

        b = parse_ok(printed);
        cr_assert(sl_ast_stmt_equal(a, b), "<%s> printed as <%s> re-parses differently", sql, printed);
        again = sl_ast_stmt_to_sql(b);
        cr_assert_str_eq(again, printed, "printing is not a fixed point for <%s>", sql);
        sl_free(again);
        sl_ast_stmt_free(a);
        sl_ast_stmt_free(b);
        return printed;
}

static void expect_print(const char *sql, const char *want)
{
        char *got = round_trip(sql);

        cr_assert_str_eq(got, want, "<%s>", sql);
        sl_free(got);
}

Test(sql_ast_print, canonical_text)
{
        expect_print("select a, b+1 c, count(*) from s where x > 5 and y like 'a%' group by a emit changes",
                     "SELECT A, (B + 1) AS C, COUNT(*) FROM S WHERE ((X > 5) AND (Y LIKE 'a%')) "
                     "GROUP BY A EMIT CHANGES;");
        expect_print("create stream s (`id` int key, `Key` string, v array<struct<a int, `b` map<string, decimal(10,2)>>>) "
                     "with (kafka_topic='t', 'value_format'='json', partitions=-1)",
                     "CREATE STREAM S (`id` INT KEY, `Key` STRING, V ARRAY<STRUCT<A INT, `b` MAP<STRING, DECIMAL(10, 2)>>>) "
                     "WITH (KAFKA_TOPIC='t', 'value_format'='json', `PARTITIONS`=-1);");
        expect_print("select `select`, \"a`b\", 1abc, - -x, -(-5), 'it''s' from s",
                     "SELECT `select`, `a``b`, `1ABC`, (-(-X)), 5, 'it''s' FROM S;");
        expect_print("select transform(arr, x => x*2), reduce(a, 0, (s, x) => s + x), filter(a, (x) => x > -1) from t emit final",
                     "SELECT TRANSFORM(ARR, X => (X * 2)), REDUCE(A, 0, (S, X) => (S + X)), "
                     "FILTER(A, X => (X > -1)) FROM T EMIT FINAL;");
        expect_print("list topics", "SHOW TOPICS;");
        expect_print("print 'x' sample 3", "PRINT 'x' INTERVAL 3;");
        expect_print("create table t (k int primary key, v int array array)",
                     "CREATE TABLE T (K INT PRIMARY KEY, V ARRAY<ARRAY<INT>>);");
}

Test(sql_ast_print, every_statement_round_trips)
{
        static const char *const stmts[] = {
                "SHOW PROPERTIES;", "SHOW ALL TOPICS EXTENDED;", "SHOW STREAMS EXTENDED;",
                "SHOW TABLES;", "SHOW FUNCTIONS;", "SHOW SOURCE CONNECTORS;", "SHOW CONNECTORS;",
                "SHOW CONNECTOR PLUGINS;", "SHOW TYPES;", "SHOW VARIABLES;", "SHOW QUERIES EXTENDED;",
                "DESCRIBE s EXTENDED;", "DESCRIBE `TABLES`;", "DESCRIBE STREAMS EXTENDED;",
                "DESCRIBE TABLES;", "DESCRIBE FUNCTION concat;", "DESCRIBE CONNECTOR c;",
                "PRINT my_topic FROM BEGINNING INTERVAL 5 LIMIT 2;", "PRINT 'Mixed.Topic';",
                "TERMINATE q; ", "TERMINATE ALL;", "PAUSE q;", "RESUME ALL;",
                "SET 'a.b'='c''d';", "SET ${k}=${v};", "UNSET 'a';", "ALTER SYSTEM 'x'='y';",
                "DEFINE myVar = 'v';", "UNDEFINE myVar;",
                "CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS t (k STRING PRIMARY KEY, h ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS, x BYTES HEADER('k')) WITH (kafka_topic='t', value_format='AVRO', key_schema_id=1);",
                "CREATE STREAM s WITH (kafka_topic='t', value_format='JSON');",
                "CREATE STREAM s2 WITH (partitions=1) AS SELECT * FROM s PARTITION BY NULL;",
                "CREATE TABLE t2 AS SELECT k, LATEST_BY_OFFSET(v, true) AS v FROM s GROUP BY k HAVING COUNT(*) > 1;",
                "CREATE SINK CONNECTOR IF NOT EXISTS c WITH ('connector.class'='x', 'tasks.max'=1);",
                "DROP CONNECTOR IF EXISTS c;",
                "INSERT INTO s WITH (QUERY_ID='my_q') SELECT * FROM s2;",
                "INSERT INTO s VALUES ();", "INSERT INTO s (ROWTIME, k, v) VALUES (1, 'k', ARRAY[1, 2]);",
                "DROP STREAM IF EXISTS s DELETE TOPIC;", "DROP TABLE t;",
                "EXPLAIN SELECT * FROM s EMIT CHANGES;", "EXPLAIN CTAS_T_1;",
                "EXPLAIN CREATE STREAM x AS SELECT * FROM s;",
                "CREATE TYPE IF NOT EXISTS addr AS STRUCT<street STRING, zip INT>;",
                "CREATE TYPE empty AS STRUCT< >;", "DROP TYPE IF EXISTS addr;",
                "ALTER STREAM s ADD COLUMN c INT, ADD d addr;", "ALTER TABLE t ADD e MAP<STRING, INT>;",
                "ASSERT TOPIC x WITH (partitions=1) TIMEOUT 1 SECOND;", "ASSERT NOT EXISTS TOPIC 'y';",
                "ASSERT SCHEMA SUBJECT 'y-value' ID 3 TIMEOUT 2 MINUTES;", "ASSERT NOT EXISTS SCHEMA ID 5;",
                "ASSERT VALUES s (k, v) VALUES (1, 'a');", "ASSERT NULL VALUES t (k) KEY (1);",
                "ASSERT STREAM s (k INT KEY, v STRING) WITH (kafka_topic='x');", "ASSERT TABLE t;",
                "RUN SCRIPT '/tmp/a b.sql';",
        };
        size_t i;

        for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++)
                sl_free(round_trip(stmts[i]));
}

Test(sql_ast_print, every_expression_and_clause_round_trips)
{
        static const char *const stmts[] = {
                "SELECT a + b * c - d / e % f, a || b, -a, +a, NOT a, a AND b OR c AND NOT d FROM s;",
                "SELECT * FROM s WHERE a = 1 AND b <> 2 AND c != 3 AND d < 4 AND e <= 5 AND f > 6 AND g >= 7;",
                "SELECT * FROM s WHERE a NOT BETWEEN 1 AND 2 OR b IN (1, 2, 3) OR c NOT IN ('x') OR d LIKE 'x' ESCAPE '\\\\' OR e IS NULL OR f IS NOT NULL OR g IS DISTINCT FROM h OR i IS NOT DISTINCT FROM j;",
                "SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 'a' END FROM s;",
                "SELECT CAST(a AS DECIMAL(4, 2)), CAST(b AS ARRAY<MAP<STRING, STRUCT<x INT>>>), CAST(c AS my_type) FROM s;",
                "SELECT a[1], a[-1][2], m['k'], s->f->g, s->f[1]->h, f(x)->y, (a + b)->c FROM s;",
                "SELECT ARRAY[], ARRAY[1, NULL], MAP(), MAP('a' := 1, 'b' := 2), STRUCT(), STRUCT(a := 1, `b c` := ARRAY[STRUCT(x := 1)]) FROM s;",
                "SELECT TRANSFORM(m, (k, v) => k, (k, v) => v + 1), FILTER(a, x => x IS NOT NULL AND x > 0), REDUCE(a, 0, (s, x) => CASE WHEN x > s THEN x ELSE s END) FROM s;",
                "SELECT TIMESTAMPADD(MILLISECONDS, 5, ts), TIMESTAMPSUB(DAYS, 1, ts), f(DAY) FROM s;",
                "SELECT 1, -1, 2147483648, -9223372036854775808, 1.50, -.5, 1.5E2, -1e-3, 'x', '', TRUE, FALSE, NULL, DECIMAL '1.2', TIMESTAMP '2020-01-01', ${v} FROM s;",
                "SELECT s.*, t.a, s->x->*, COUNT(*), COUNT(a) AS c FROM s AS s INNER JOIN t ON s.id = t.id;",
                "SELECT * FROM a LEFT JOIN b WITHIN 1 HOUR ON a.x = b.x RIGHT JOIN c WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 MILLISECONDS ON c.x = a.x FULL OUTER JOIN d WITHIN 5 DAYS GRACE PERIOD 1 DAY ON d.x = a.x;",
                "SELECT k FROM s WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS, GRACE PERIOD 10 MINUTES) GROUP BY k;",
                "SELECT k FROM s WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY k, (a + 1), f(b) EMIT FINAL;",
                "SELECT k FROM s WINDOW SESSION (30 MINUTES, GRACE PERIOD 0 SECONDS) GROUP BY () LIMIT 10;",
                "SELECT k FROM s WINDOW w1 TUMBLING (SIZE 1 MILLISECOND) GROUP BY (a, b);",
                "SELECT * FROM s PARTITION BY a, b->c EMIT CHANGES LIMIT 0;",
                "SELECT `key`, `map`, map, key, `TIMESTAMP`, date, ts AS `ts` FROM `My Stream`;",
                "SELECT `${x}`, ${x} AS ${y} FROM ${src};",
        };
        size_t i;

        for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++)
                sl_free(round_trip(stmts[i]));
}

Test(sql_ast_print, equality_sees_every_difference)
{
        static const struct {
                const char *a, *b;
        } pairs[] = {
                {"SELECT a FROM s;", "SELECT b FROM s;"},
                {"SELECT a FROM s;", "SELECT `a` FROM s;"},
                {"SELECT 1 FROM s;", "SELECT 1.0 FROM s;"},
                {"SELECT 1.5 FROM s;", "SELECT 1.50 FROM s;"},
                {"SELECT a + b FROM s;", "SELECT a - b FROM s;"},
                {"SELECT (a + b) * c FROM s;", "SELECT a + b * c FROM s;"},
                {"SELECT * FROM s WHERE a IN (1);", "SELECT * FROM s WHERE a NOT IN (1);"},
                {"SELECT * FROM s EMIT CHANGES;", "SELECT * FROM s EMIT FINAL;"},
                {"SELECT * FROM s LIMIT 1;", "SELECT * FROM s LIMIT 2;"},
                {"SELECT k FROM s GROUP BY ();", "SELECT k FROM s;"},
                {"CREATE STREAM s (k INT KEY);", "CREATE STREAM s (k INT);"},
                {"CREATE STREAM s (k INT);", "CREATE STREAM s (k BIGINT);"},
                {"CREATE STREAM s (k DECIMAL(2, 1));", "CREATE STREAM s (k DECIMAL(2, 0));"},
                {"CREATE STREAM s WITH (a='b');", "CREATE STREAM s WITH ('a'='b');"},
                {"DROP TABLE t;", "DROP TABLE t DELETE TOPIC;"},
                {"SELECT * FROM a JOIN b WITHIN 1 SECOND ON a.x = b.x;", "SELECT * FROM a JOIN b WITHIN 1 SECONDS ON a.x = b.x;"},
                {"SELECT f(x => x) FROM s;", "SELECT f(y => x) FROM s;"},
        };
        size_t i;

        for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
                sl_ast_stmt *a = parse_ok(pairs[i].a), *b = parse_ok(pairs[i].b);
                cr_assert(!sl_ast_stmt_equal(a, b), "<%s> equals <%s>", pairs[i].a, pairs[i].b);
                cr_assert(sl_ast_stmt_equal(a, a));
                sl_ast_stmt_free(a);
                sl_ast_stmt_free(b);
        }
}

Test(sql_ast_print, expressions_and_types_print_alone)
{
        sl_ast_stmt *stmt = parse_ok("CREATE STREAM s (m MAP<STRING, ARRAY<my_type>>);");
        sl_str out;

        sl_str_init(&out);
        sl_ast_print_type(&out, ((sl_ast_field_def *)stmt->elements->items[0])->type);
        cr_assert_str_eq(sl_str_cstr(&out), "MAP<STRING, ARRAY<MY_TYPE>>");
        sl_str_reset(&out);
        sl_ast_print_ident(&out, "a b");
        sl_ast_print_ident(&out, "OK_1");
        sl_ast_print_ident(&out, "FROM");
        cr_assert_str_eq(sl_str_cstr(&out), "`a b`OK_1`FROM`");
        sl_str_deinit(&out);
        sl_ast_stmt_free(stmt);
}
