/* test_analyze_agg.c: analysis of queries calling the built-in aggregates: the result type of
 * every function and overload as ksqlDB types them, literal init arguments, and ksqlDB's errors
 * (a wrong argument type, an aggregate in WHERE or GROUP BY, nested aggregates, a function
 * without undo over a table, a state the value format cannot write). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "sql/analyze.h"
#include "sql/parse.h"
#include "analyze_test.h"

static const char *ddl =
        "CREATE STREAM S (ID INT KEY, I INT, B BIGINT, D DOUBLE, N DECIMAL(4,2), S STRING, Y BYTES, DT DATE, "
        "  TM TIME, TS TIMESTAMP, BO BOOLEAN, A ARRAY<INT>, AD ARRAY<DOUBLE>, M MAP<STRING, DOUBLE>, "
        "  ST STRUCT<X INT, Y STRING>) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');\n"
        "CREATE TABLE T (ID INT PRIMARY KEY, G STRING, I INT, S STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');\n"
        "CREATE STREAM SD (ID INT KEY, I INT, S STRING) WITH (KAFKA_TOPIC='sd', VALUE_FORMAT='DELIMITED');\n";

static void setup(void)
{
        analyze_test_setup();
        run_ok(ddl);
}

TestSuite(sql_analyze_agg, .init = setup, .fini = analyze_test_teardown);

/* The type of the single aggregate column of "CREATE TABLE O AS SELECT ID, <call> AS R FROM <from> GROUP BY ID". */
static void expect_type(const char *call, const char *from, const char *type)
{
        char sql[512], want[256];
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;
        sl_str s;

        snprintf(sql, sizeof sql, "CREATE TABLE O AS SELECT ID, %s AS R FROM %s GROUP BY ID;", call, from);
        snprintf(want, sizeof want, "`ID` INTEGER KEY, `R` %s", type);
        cr_assert_eq(sl_parse_statement(sql, NULL, &st, &e), SL_OK, "parse: %s", sql);
        cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s -> %s", sql, e.message);
        sl_str_init(&s);
        sl_analysis_print_schema(&s, a);
        cr_assert_str_eq(sl_str_cstr(&s), want, "%s", call);
        sl_str_deinit(&s);
        sl_analysis_free(a);
        sl_ast_stmt_free(st);
}

/* The statement must fail with a message starting with `msg`. */
static void expect_err(const char *sql, const char *msg)
{
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;

        cr_assert_eq(sl_parse_statement(sql, NULL, &st, &e), SL_OK, "parse: %s: %s", sql, e.message);
        cr_assert_neq(sl_analyze(&ctx, st, &a, &e), SL_OK, "expected an error: %s", sql);
        cr_assert(strncmp(e.message, msg, strlen(msg)) == 0, "%s\nmessage '%s'\nexpected '%s'", sql, e.message, msg);
        sl_ast_stmt_free(st);
}

Test(sql_analyze_agg, result_types)
{
        expect_type("COUNT(*)", "S", "BIGINT");
        expect_type("COUNT(M)", "S", "BIGINT");
        /* X(*) and X() aggregate ROWTIME */
        expect_type("SUM(*)", "S", "BIGINT");
        expect_type("MAX()", "S", "BIGINT");
        expect_type("AVG(*)", "S", "DOUBLE");
        expect_type("COLLECT_LIST()", "S", "ARRAY<BIGINT>");
        expect_type("COUNT_DISTINCT(S)", "S", "BIGINT");
        expect_type("SUM(I)", "S", "INTEGER");
        expect_type("SUM(B)", "S", "BIGINT");
        expect_type("SUM(D)", "S", "DOUBLE");
        expect_type("SUM(N)", "S", "DECIMAL(4, 2)");
        expect_type("SUM(2)", "S", "INTEGER");
        expect_type("SUM_LIST(A)", "S", "INTEGER");
        expect_type("SUM_LIST(AD)", "S", "DOUBLE");
        expect_type("AVG(I)", "S", "DOUBLE");
        expect_type("MIN(S)", "S", "STRING");
        expect_type("MAX(N)", "S", "DECIMAL(4, 2)");
        expect_type("MAX(DT)", "S", "DATE");
        expect_type("MIN(TM)", "S", "TIME");
        expect_type("MAX(TS)", "S", "TIMESTAMP");
        expect_type("MIN(Y)", "S", "BYTES");
        expect_type("COLLECT_LIST(ST)", "S", "ARRAY<STRUCT<`X` INTEGER, `Y` STRING>>");
        expect_type("COLLECT_SET(M)", "S", "ARRAY<MAP<STRING, DOUBLE>>");
        expect_type("HISTOGRAM(S)", "S", "MAP<STRING, BIGINT>");
        expect_type("TOPK(I, 3)", "S", "ARRAY<INTEGER>");
        expect_type("TOPK(D, S, B, 3)", "S", "ARRAY<STRUCT<`sort_col` DOUBLE, `col0` STRING, `col1` BIGINT>>");
        expect_type("TOPKDISTINCT(N, 2)", "S", "ARRAY<DECIMAL(4, 2)>");
        expect_type("EARLIEST_BY_OFFSET(S)", "S", "STRING");
        expect_type("EARLIEST_BY_OFFSET(A, false)", "S", "ARRAY<INTEGER>");
        expect_type("LATEST_BY_OFFSET(I, 2)", "S", "ARRAY<INTEGER>");
        expect_type("LATEST_BY_OFFSET(ST, 2, false)", "S", "ARRAY<STRUCT<`X` INTEGER, `Y` STRING>>");
        expect_type("STDDEV_SAMP(I)", "S", "DOUBLE");
        expect_type("STDDEV_SAMPLE(B)", "S", "DOUBLE");
        expect_type("CORRELATION(D, D)", "S", "DOUBLE");
        expect_type("ATTR(BO)", "S", "BOOLEAN");
        /* table sources: the functions with undo */
        expect_type("COUNT(*)", "T", "BIGINT");
        expect_type("SUM(I)", "T", "INTEGER");
        expect_type("COLLECT_LIST(S)", "T", "ARRAY<STRING>");
        expect_type("HISTOGRAM(S)", "T", "MAP<STRING, BIGINT>");
        expect_type("ATTR(S)", "T", "STRING");
}

Test(sql_analyze_agg, init_arguments_are_literals)
{
        expect_err("CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(I, I) FROM S GROUP BY ID;",
                   "Parameter 2 passed to function EARLIEST_BY_OFFSET must be a literal constant, but was expression: 'I'");
        expect_err("CREATE TABLE O AS SELECT ID, latest_by_offset(I, 2, BO) FROM S GROUP BY ID;",
                   "Parameter 3 passed to function LATEST_BY_OFFSET must be a literal constant, but was expression: 'BO'");
        expect_err("CREATE TABLE O AS SELECT ID, TOPK(I, ID) FROM S GROUP BY ID;",
                   "Parameter 2 passed to function TOPK must be a literal constant, but was expression: 'ID'");
        expect_err("CREATE TABLE O AS SELECT ID, TOPK(I, S, ID) FROM S GROUP BY ID;",
                   "Parameter 3 passed to function TOPK must be a literal constant, but was expression: 'ID'");
        expect_err("CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(I, 0) FROM S GROUP BY ID;",
                   "latestN must be 1 or greater");
        expect_err("CREATE TABLE O AS SELECT ID, EARLIEST_BY_OFFSET(I, -2, true) FROM S GROUP BY ID;",
                   "earliestN must be 1 or greater");

        /* the literal reaches the callbacks */
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;
        cr_assert_eq(sl_parse_statement("SELECT ID, LATEST_BY_OFFSET(I, 3, false) FROM S GROUP BY ID EMIT CHANGES;", NULL,
                                        &st, &e), SL_OK);
        cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s", e.message);
        cr_assert_eq(a->naggs, 1);
        const sl_func_resolved *res = a->aggs[0].res;
        cr_assert_not_null(res);
        cr_assert_null(res->args[0].constant);
        cr_assert_not_null(res->args[1].constant);
        cr_assert_eq(res->args[1].constant->kind, SL_TYPE_INT);
        cr_assert_eq(res->args[1].constant->u.i32, 3);
        cr_assert_eq(res->args[2].constant->kind, SL_TYPE_BOOLEAN);
        cr_assert_eq(res->args[2].constant->u.b, false);
        sl_analysis_free(a);
        sl_ast_stmt_free(st);

        /* SUM(*) sums ROWTIME: one argument, BIGINT; COUNT(*) keeps no argument */
        cr_assert_eq(sl_parse_statement("SELECT ID, SUM(*), COUNT(*) FROM S GROUP BY ID EMIT CHANGES;", NULL, &st, &e),
                     SL_OK);
        cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s", e.message);
        cr_assert_eq(a->naggs, 2);
        cr_assert_eq(a->aggs[0].nargs, 1);
        cr_assert_eq(a->aggs[0].args[0]->type->kind, SL_TYPE_BIGINT);
        cr_assert_eq(a->aggs[1].nargs, 0);
        sl_analysis_free(a);
        sl_ast_stmt_free(st);
        expect_err("CREATE TABLE O AS SELECT ID, TOPK(*) FROM S GROUP BY ID;",
                   "Function 'TOPK' does not accept parameters (BIGINT).");
}

Test(sql_analyze_agg, errors)
{
        expect_err("CREATE TABLE O AS SELECT ID, SUM(S) FROM S GROUP BY ID;",
                   "Function 'SUM' does not accept parameters (STRING).");
        expect_err("CREATE TABLE O AS SELECT ID, AVG(BO) FROM S GROUP BY ID;",
                   "Function 'avg' does not accept parameters (BOOLEAN).");
        /* no implicit casts for aggregates, as in ksqlDB */
        expect_err("CREATE TABLE O AS SELECT ID, AVG(N) FROM S GROUP BY ID;",
                   "Function 'avg' does not accept parameters (DECIMAL(4, 2)).");
        expect_err("CREATE TABLE O AS SELECT ID, STDDEV_SAMP(N) FROM S GROUP BY ID;",
                   "Function 'STDDEV_SAMP' does not accept parameters (DECIMAL(4, 2)).");
        expect_err("CREATE TABLE O AS SELECT ID, CORRELATION(I, D) FROM S GROUP BY ID;",
                   "Function 'correlation' does not accept parameters (INTEGER, DOUBLE).");
        expect_err("CREATE TABLE O AS SELECT ID, MAX(A) FROM S GROUP BY ID;",
                   "Function 'MAX' does not accept parameters (ARRAY<INTEGER>).");
        expect_err("CREATE TABLE O AS SELECT ID, HISTOGRAM(I) FROM S GROUP BY ID;",
                   "Function 'histogram' does not accept parameters (INTEGER).");
        expect_err("CREATE TABLE O AS SELECT ID, SUM(COUNT(*)) FROM S GROUP BY ID;",
                   "Aggregate functions can not be nested: SUM(COUNT())");
        expect_err("CREATE TABLE O AS SELECT ID, COUNT(*) FROM S WHERE SUM(I) > 1 GROUP BY ID;",
                   "WHERE does not support aggregate functions: SUM is an aggregate function.");
        expect_err("CREATE TABLE O AS SELECT COUNT(*) FROM S GROUP BY SUM(I);",
                   "GROUP BY does not support aggregate functions: SUM is an aggregate function.");
        expect_err("CREATE TABLE O AS SELECT ID, LATEST_BY_OFFSET(I), MIN(I), MAX(S), MIN(S) FROM T GROUP BY ID;",
                   "The aggregation functions LATEST_BY_OFFSET, MIN and MAX cannot be applied to a table source, only "
                   "to a stream source.");
        expect_err("CREATE TABLE O AS SELECT G, COLLECT_SET(S) FROM T GROUP BY G;",
                   "The aggregation function COLLECT_SET cannot be applied to a table source, only to a stream source.");
        expect_err("CREATE TABLE O AS SELECT ID, AVG(I) AS A FROM SD GROUP BY ID;",
                   "One of the functions used in the statement has an intermediate type that the value format can not "
                   "handle. Please remove the function or change the format.");
        expect_err("CREATE TABLE O AS SELECT ID, TOPK(I, 2) AS A FROM SD GROUP BY ID;",
                   "One of the functions used in the statement has an intermediate type that the value format can not "
                   "handle.");
        /* DELIMITED writes the primitive states of COUNT, SUM and MAX */
        run_ok("CREATE TABLE O AS SELECT ID, COUNT(*) AS C, SUM(I) AS SI, MAX(S) AS MS FROM SD GROUP BY ID;");
}

/* NULL literal arguments: typed where one overload fits, else ksqlDB's resolution errors. */
Test(sql_analyze_agg, null_literal_arguments)
{
        static const struct {
                const char *call;
                const char *err;  /* message prefix, NULL: analyzes */
        } cases[] = {
                {"COUNT(NULL)", NULL},
                {"HISTOGRAM(NULL)", NULL},
                {"COUNT_DISTINCT(NULL)", NULL},
                {"CORRELATION(NULL, D)", NULL},
                {"SUM(NULL)", "Function 'SUM' cannot be resolved due to ambiguous method parameters (null)."},
                {"TOPK(NULL, 2)", "Function 'TOPK' cannot be resolved due to ambiguous method parameters (null, INTEGER)."},
                {"COLLECT_LIST(NULL)", "Can't infer a type of null."},
                {"LATEST_BY_OFFSET(NULL)", "Can't infer a type of null."},
                {"ATTR(NULL)", "Can't infer a type of null."},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char sql[256];
                snprintf(sql, sizeof sql, "CREATE TABLE O AS SELECT ID, %s AS R FROM S GROUP BY ID;", cases[i].call);
                if (cases[i].err) {
                        expect_err(sql, cases[i].err);
                        continue;
                }
                sl_ast_stmt *st;
                sl_analysis *a = NULL;
                sl_err_detail e;
                cr_assert_eq(sl_parse_statement(sql, NULL, &st, &e), SL_OK, "parse: %s", sql);
                cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s -> %s", sql, e.message);
                sl_analysis_free(a);
                sl_ast_stmt_free(st);
        }
}
