/* ast_print.h: statement ASTs back to canonical SQL text. Canonical means: keywords upper case,
 * one space between tokens, identifiers back-quoted only when they must be (not a plain upper-case
 * name, or a keyword), every compound expression in parentheses. Parsing the printed text gives a
 * tree that sl_ast_stmt_equal finds equal to the original (tests/unit/sql/test_ast_print.c and
 * the conformance runner check this on ksqlDB's own statements). */
#ifndef SL_SQL_AST_PRINT_H
#define SL_SQL_AST_PRINT_H

#include "common/str.h"
#include "sql/ast.h"

/* Appends the statement, ending with ';'. */
void sl_ast_print_stmt(sl_str *out, const sl_ast_stmt *stmt);
/* Appends a query (SELECT ...), without ';'. */
void sl_ast_print_query(sl_str *out, const sl_ast_query *query);
void sl_ast_print_expr(sl_str *out, const sl_ast_expr *expr);
void sl_ast_print_type(sl_str *out, const sl_ast_type *type);
/* Appends an identifier, back-quoted when needed. */
void sl_ast_print_ident(sl_str *out, const char *name);
/* The statement as a heap string; caller frees with sl_free. */
char *sl_ast_stmt_to_sql(const sl_ast_stmt *stmt);

#endif
