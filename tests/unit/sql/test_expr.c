/* test_expr.c: the expression compiler and evaluator, table-driven. Each case is a SELECT
 * expression over a stream S whose row is fixed below (N is a NULL INT, B a NULL BOOLEAN); the
 * result is rendered as a SQL literal and compared. Covers the NULL semantics of every operator,
 * Java integer wrap-around, division by zero, DECIMAL arithmetic, casts, LIKE, subscripts, CASE,
 * IN, BETWEEN, IS DISTINCT FROM, constructors, function calls and lambdas. Each case runs twice:
 * on the analyzer's tree and on the compiled (constant-folded) program. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "sql/analyze.h"
#include "sql/parse.h"

static const char *ddl =
        "CREATE STREAM S (ID INT KEY, I INT, V BIGINT, X DOUBLE, NAME STRING, D DECIMAL(4,2), N INT, B BOOLEAN, "
        "A ARRAY<INT>, M MAP<STRING, INT>, ST STRUCT<F STRING>) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');";

typedef struct ecase {
        const char *expr;      /* SELECT expression */
        const char *expected;  /* sl_value_format_sql of the result */
} ecase;

static const ecase cases[] = {
        /* arithmetic and NULL */
        {"I + 1", "8"}, {"I + N", "NULL"}, {"N * 2", "NULL"}, {"-N", "NULL"}, {"I - V", "-93"},
        {"2147483647 + I", "-2147483642"}, {"I / 2", "3"}, {"I % 4", "3"}, {"I / 0", "NULL"}, {"V % 0", "NULL"},
        {"X / 0", "Infinity"}, {"I * 1.5", "10.5"}, {"D + 1", "3.50"}, {"D * D", "6.2500"}, {"D / 0", "NULL"},
        {"X + I", "9.5"}, {"-D", "-2.50"}, {"NAME + '!'", "'ab!'"}, {"NAME || CAST(N AS STRING)", "NULL"},
        /* comparison */
        {"I = 7", "TRUE"}, {"I <> 7", "FALSE"}, {"I < V", "TRUE"}, {"N = 1", "NULL"}, {"N <> N", "NULL"},
        {"NAME > 'aa'", "TRUE"}, {"D = 2.5", "TRUE"}, {"X = X", "TRUE"}, {"0.0E0 = -0.0E0", "TRUE"},
        {"A = ARRAY[1, 2, 3]", "TRUE"}, {"ST = STRUCT(F := 'x')", "TRUE"},
        /* logic */
        {"TRUE AND B", "NULL"}, {"FALSE AND B", "FALSE"}, {"TRUE OR B", "TRUE"}, {"FALSE OR B", "NULL"},
        {"NOT B", "NULL"}, {"NOT (I = 7)", "FALSE"}, {"B IS NULL", "TRUE"}, {"B IS NOT NULL", "FALSE"},
        {"N IS DISTINCT FROM 1", "TRUE"}, {"N IS NOT DISTINCT FROM N", "TRUE"}, {"I IS DISTINCT FROM 7", "FALSE"},
        /* BETWEEN, IN */
        {"I BETWEEN 1 AND 10", "TRUE"}, {"I NOT BETWEEN 1 AND 10", "FALSE"}, {"N BETWEEN 1 AND 2", "NULL"},
        {"I BETWEEN N AND 5", "FALSE"}, {"I BETWEEN N AND 10", "NULL"},
        {"I IN (1, 7)", "TRUE"}, {"I IN (1, 2)", "FALSE"}, {"I IN (1, N)", "NULL"}, {"N IN (1, 2)", "NULL"},
        {"I NOT IN (1, 2)", "TRUE"}, {"I NOT IN (7, N)", "FALSE"}, {"I IN (7, N)", "TRUE"},
        /* LIKE */
        {"NAME LIKE 'a%'", "TRUE"}, {"NAME LIKE '_b'", "TRUE"}, {"NAME LIKE 'a'", "FALSE"}, {"NAME NOT LIKE '%c'", "TRUE"},
        {"'10%' LIKE '10!%' ESCAPE '!'", "TRUE"}, {"'10x' LIKE '10!%' ESCAPE '!'", "FALSE"}, {"'héllo' LIKE 'h_llo'", "TRUE"},
        {"CAST(N AS STRING) LIKE '%'", "NULL"}, {"'' LIKE '%'", "TRUE"}, {"'abc' LIKE '%b%c'", "TRUE"},
        /* CASE */
        {"CASE WHEN I > 5 THEN 'big' ELSE 'small' END", "'big'"}, {"CASE WHEN B THEN 1 END", "NULL"},
        {"CASE I WHEN 7 THEN 'seven' WHEN 8 THEN 'eight' END", "'seven'"}, {"CASE N WHEN 1 THEN 1 ELSE 2 END", "2"},
        /* CAST */
        {"CAST(I AS STRING)", "'7'"}, {"CAST('12' AS INT)", "12"}, {"CAST('x' AS INT)", "NULL"},
        {"CAST(X AS BIGINT)", "2"}, {"CAST(D AS INT)", "2"}, {"CAST(N AS BIGINT)", "NULL"},
        {"CAST('1.567' AS DECIMAL(3,2))", "1.57"}, {"CAST(1000 AS DECIMAL(3,1))", "NULL"},
        /* subscripts, dereference, constructors */
        {"A[1]", "1"}, {"A[3]", "3"}, {"A[-1]", "3"}, {"A[-3]", "1"}, {"A[0]", "NULL"}, {"A[4]", "NULL"}, {"A[-4]", "NULL"},
        {"A[N]", "NULL"}, {"M['k']", "5"}, {"M['nope']", "NULL"}, {"ST->F", "'x'"},
        {"ARRAY[I, N]", "ARRAY[7, NULL]"}, {"MAP('a' := I, 'a' := 2)", "MAP('a' := 2)"}, {"STRUCT(Q := I)->Q", "7"},
        /* Java integer semantics, doubles, decimals */
        {"-2147483647 - I", "2147483642"}, {"2147483647 * 2", "-2"}, {"-2147483648 / -1", "-2147483648"},
        {"-2147483648 % -1", "0"}, {"9223372036854775807 + V", "-9223372036854775709"}, {"V / 0", "NULL"},
        {"CAST('NaN' AS DOUBLE) = CAST('NaN' AS DOUBLE)", "FALSE"}, {"CAST('NaN' AS DOUBLE) <> X", "TRUE"},
        {"X % 2", "0.5"}, {"D * 100", "250.00"}, {"D - 5", "-2.50"}, {"CAST(D AS DOUBLE) / 4", "0.625"},
        /* pseudo columns: ROWTIME compared with ISO text */
        {"ROWTIME", "1000"}, {"ROWTIME > '1970-01-01T00:00:00'", "TRUE"}, {"ROWTIME < '1970-01-01'", "FALSE"},
        /* composites */
        {"ARRAY[1, 2] IS DISTINCT FROM ARRAY[1, 2]", "FALSE"}, {"A <> ARRAY[1, 2, 3]", "FALSE"},
        {"M = MAP('k' := 5)", "TRUE"}, {"ARRAY['a', 1]", "ARRAY['a', '1']"},
        {"CASE WHEN N > 1 THEN 'a' WHEN N IS NULL THEN 'b' END", "'b'"},
        /* functions */
        /* lambdas (TRANSFORM, FILTER, REDUCE), nested ones included */
        {"TRANSFORM(A, x => x * 10)", "ARRAY[10, 20, 30]"}, {"FILTER(A, x => x > 1)", "ARRAY[2, 3]"},
        {"REDUCE(A, 0, (s, x) => s + x)", "6"}, {"TRANSFORM(A, x => x + I)", "ARRAY[8, 9, 10]"},
        {"TRANSFORM(ARRAY[A, A], y => REDUCE(y, 0, (s, x) => s + x))", "ARRAY[6, 6]"},
        {"TRANSFORM(M, (k, v) => UCASE(k), (k, v) => v + 1)", "MAP('K' := 6)"},
        {"ABS(-I)", "7"}, {"LEN(NAME)", "2"}, {"UCASE(NAME)", "'AB'"}, {"ABS(N)", "NULL"},
};

static void eval_case(sl_catalog *cat, sl_func_registry *reg, const ecase *c)
{
        sl_analyze_ctx ctx = {.cat = cat, .reg = reg};
        char sql[512];
        sl_ast_stmt *st;
        sl_analysis *a;
        sl_err_detail e;
        sl_arena arena;
        sl_value row[32], items[3], mitems[2], sitems[1], out;
        sl_expr_prog *prog;
        sl_str s;
        const sl_catalog_source *src = sl_catalog_source_get(cat, "S");

        snprintf(sql, sizeof(sql), "SELECT %s FROM S EMIT CHANGES;", c->expr);
        cr_assert_eq(sl_parse_statement(sql, NULL, &st, &e), SL_OK, "%s: %s", sql, e.message);
        cr_assert_eq(sl_analyze(&ctx, st, &a, &e), SL_OK, "%s -> %s", sql, e.message);
        sl_arena_init(&arena, 0);
        for (size_t i = 0; i < 32; i++)
                row[i] = sl_value_null();
        items[0] = sl_value_int(1);
        items[1] = sl_value_int(2);
        items[2] = sl_value_int(3);
        mitems[0] = sl_value_string("k", 1);
        mitems[1] = sl_value_int(5);
        sitems[0] = sl_value_string("x", 1);
        row[0] = sl_value_int(1);
        row[1] = sl_value_int(7);
        row[2] = sl_value_bigint(100);
        row[3] = sl_value_double(2.5);
        row[4] = sl_value_string("ab", 2);
        row[5] = sl_value_decimal((sl_decimal){.unscaled = 250, .precision = 4, .scale = 2});
        row[8] = sl_value_composite(src->columns[8].type, items, 3);
        row[9] = sl_value_composite(src->columns[9].type, mitems, 1);
        row[10] = sl_value_composite(src->columns[10].type, sitems, 1);
        row[11] = sl_value_bigint(1000);  /* ROWTIME: the pseudo block follows the 11 columns */
        for (int pass = 0; pass < 2; pass++) {
                sl_expr_ctx ectx = {.arena = &arena, .row = row};

                ectx.lvars = a->nlvars ? sl_arena_calloc(&arena, a->nlvars, sizeof(sl_value)) : NULL;
                if (pass == 0) {
                        sl_expr_eval_tree(a->columns[0].expr, &ectx, &out);
                } else {
                        prog = sl_expr_compile(&arena, a->columns[0].expr, a->nlvars, &e);
                        cr_assert_not_null(prog, "%s: %s", c->expr, e.message);
                        sl_expr_eval(prog, &ectx, &out);
                }
                sl_str_init(&s);
                sl_value_format_sql(&s, &out);
                cr_expect_str_eq(sl_str_cstr(&s), c->expected, "%s (%s)", c->expr, pass ? "compiled" : "tree");
                sl_str_deinit(&s);
        }
        sl_arena_deinit(&arena);
        sl_analysis_free(a);
        sl_ast_stmt_free(st);
}

Test(sql_expr, operators_casts_subscripts_functions)
{
        sl_catalog *cat = sl_catalog_mem_new();
        sl_func_registry *reg = sl_func_registry_new();
        sl_err_detail e;
        sl_script *s;
        sl_analysis *a;
        sl_analyze_ctx ctx = {.cat = cat, .reg = reg};

        cr_assert_eq(sl_func_registry_add_builtins(reg, &e), SL_OK);
        cr_assert_eq(sl_parse_script(ddl, NULL, &s), SL_OK);
        cr_assert_eq(sl_analyze(&ctx, s->stmts[0], &a, &e), SL_OK, "%s", e.message);
        cr_assert_eq(sl_analysis_apply(cat, a, &e), SL_OK);
        sl_analysis_free(a);
        sl_script_free(s);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                eval_case(cat, reg, &cases[i]);
        sl_catalog_free(cat);
        sl_func_registry_free(reg);
}

Test(sql_expr, like_matcher)
{
        cr_assert(sl_expr_like_match("abc", 3, "a%", 2, 0));
        cr_assert(sl_expr_like_match("abc", 3, "%%c", 3, 0));
        cr_assert(!sl_expr_like_match("abc", 3, "a_", 2, 0));
        cr_assert(sl_expr_like_match("a_c", 3, "a\\_c", 4, '\\'));
        cr_assert(!sl_expr_like_match("abc", 3, "a\\_c", 4, '\\'));
        cr_assert(sl_expr_like_match("", 0, "", 0, 0));
        cr_assert(!sl_expr_like_match("x", 1, "", 0, 0));
        cr_assert(sl_expr_like_match("mississippi", 11, "%iss%ppi", 8, 0));
}

Test(sql_expr, constant_folding_removes_constant_subtrees)
{
        sl_arena arena;
        sl_expr *l, *r, *add;
        sl_expr_prog *p;
        sl_err_detail e;

        sl_arena_init(&arena, 0);
        l = sl_expr_const(&arena, sl_value_int(2), sl_type_int());
        r = sl_expr_const(&arena, sl_value_int(3), sl_type_int());
        add = sl_expr_new(&arena, SL_EXPR_ARITH, sl_type_int(), 2);
        add->op = SL_AST_OP_MUL;
        add->args[0] = l;
        add->args[1] = r;
        add->constant = true;
        p = sl_expr_compile(&arena, add, 0, &e);
        cr_assert_not_null(p);
        cr_assert_eq(sl_expr_prog_root(p)->kind, SL_EXPR_CONST);
        cr_assert_eq(sl_expr_prog_root(p)->value.u.i32, 6);
        sl_arena_deinit(&arena);
}
