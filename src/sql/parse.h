/* parse.h: SQL text to statement ASTs. The driver splits a script into statements at top-level
 * semicolons (a ';' inside a string, a quoted identifier or a comment is not a separator), parses
 * each statement with the lemon parser into its own arena, and collects syntax errors with their
 * line, column, offending token and expected tokens. A bad statement does not stop the script:
 * the statements after it are parsed too, so every error of a script is reported at once. */
#ifndef SL_SQL_PARSE_H
#define SL_SQL_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/str.h"
#include "sql/ast.h"
#include "sql/lex.h"

/* Looks up a `${name}` variable: returns its value (borrowed until the parse call returns) or
 * NULL when it is not defined (the ${name} then stays in the text and parses as a VARIABLE). */
typedef const char *(*sl_parse_var_fn)(void *ctx, const char *name);

/* Options of one parse call; zero-initialised means none. */
typedef struct sl_parse_opts {
        sl_parse_var_fn lookup;  /* ${var} substitution hook, or NULL */
        void *lookup_ctx;        /* passed to `lookup` */
} sl_parse_opts;

/* The result of parsing a script. */
typedef struct sl_script {
        char *text;              /* the parsed text (after substitution); heap, owned */
        sl_ast_stmt **stmts;     /* the statements that parsed, in order; each owns its arena */
        size_t nstmts;
        sl_err_detail *errors;   /* one per statement that failed, in order; heap, owned */
        size_t nerrors;
} sl_script;

/* Parses every statement of the NUL-terminated `text`. Always returns a script (free it with
 * sl_script_free); SL_OK when every statement parsed, else SL_ERR_PARSE with script->errors
 * filled (message "syntax error at or near 'FORM'", detail "mismatched input 'FORM' expecting
 * {...}", pos of the offending token). `opts` may be NULL. */
sl_err sl_parse_script(const char *text, const sl_parse_opts *opts, sl_script **out);
void sl_script_free(sl_script *script);

/* Parses text that must hold exactly one statement (a trailing ';' is optional). On success
 * *out owns the statement (free with sl_ast_stmt_free); on failure *out is NULL and `err` says
 * why. `err` may be NULL. */
sl_err sl_parse_statement(const char *text, const sl_parse_opts *opts, sl_ast_stmt **out,
                          sl_err_detail *err);

/* ksqlDB's wording of a parse error: "line 1:8: Syntax error at or near 'FORM'" followed by a
 * line with the detail when there is one. Appends to `out`. */
void sl_parse_error_format(const sl_err_detail *err, sl_str *out);

/* Replaces `${name}` variables in `text` (as VARIABLE tokens and inside string literals) with the
 * values `lookup` gives. Returns a heap string the caller frees with sl_free. */
char *sl_parse_substitute(const char *text, sl_parse_var_fn lookup, void *ctx);

/* ---- internal: shared by parse.c and grammar/parser.y ---- */

/* The lemon parser's %extra_context: the state of the statement being parsed. */
typedef struct sl_parse {
        const char *text;      /* the whole script (tokens' offsets point into it) */
        sl_arena *arena;       /* the arena of the statement being parsed */
        sl_ast_stmt *stmt;     /* set by the start rule when the statement is complete */
        bool failed;           /* a syntax error was reported for this statement */
        sl_err_detail err;     /* the first error of this statement */
        void *parser;          /* the lemon parser, for computing expected tokens */
        sl_token cur;          /* the token being fed to the parser */
        sl_ast_list *big_ints; /* INTEGER literals out of BIGINT range unless negated later */
} sl_parse;

/* Called by the grammar on a syntax error at token `tok` (code `code`): records the error with
 * the tokens the parser would have accepted there. Only the first error of a statement counts. */
void sl_parse_syntax_error(sl_parse *ps, int code, const sl_token *tok);
/* Records a semantic error found while parsing (a bad literal, a misplaced clause) at `pos`. */
void sl_parse_error_at(sl_parse *ps, sl_pos pos, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Identifier from a token (see sl_ast_ident_from_token). */
sl_ast_ident sl_parse_ident(sl_parse *ps, const sl_token *tok);
/* A token's text as written (DEFINE's variable names keep their case). */
char *sl_parse_raw(sl_parse *ps, const sl_token *tok);
/* The unquoted contents of a STRING token. */
char *sl_parse_string(sl_parse *ps, const sl_token *tok);
/* A numeric literal; reports ksqlDB's "Invalid numeric literal" / "Number overflows DOUBLE". */
sl_ast_expr *sl_parse_number(sl_parse *ps, sl_ast_expr_kind kind, const sl_token *tok);
/* An integer for sizes, limits and DECIMAL(p, s): `neg` when preceded by '-'. */
int64_t sl_parse_int(sl_parse *ps, const sl_token *tok, bool neg);
/* Reports an expression or type nested deeper than SL_AST_MAX_DEPTH; returns its argument. */
sl_ast_expr *sl_parse_check(sl_parse *ps, sl_ast_expr *e);
sl_ast_type *sl_parse_check_type(sl_parse *ps, sl_ast_type *t);
/* A property name written as a string literal. */
sl_ast_ident sl_parse_string_ident(sl_parse *ps, const sl_token *tok);
/* CREATE STREAM/TABLE ... AS query: rejects SOURCE (not allowed with AS). */
sl_ast_stmt *sl_parse_create_as(sl_parse *ps, sl_ast_stmt_kind kind, unsigned flags,
                                const sl_token *tok, sl_ast_ident name, sl_ast_list *props,
                                sl_ast_query *query);
/* CREATE SOURCE|SINK CONNECTOR: rejects OR REPLACE. */
sl_ast_stmt *sl_parse_connector(sl_parse *ps, unsigned which, unsigned orrep, unsigned ifne,
                                const sl_token *tok, sl_ast_ident name, sl_ast_list *props);
/* CREATE TYPE: rejects OR REPLACE. */
sl_ast_stmt *sl_parse_create_type(sl_parse *ps, unsigned orrep, unsigned ifne, const sl_token *tok,
                                  sl_ast_ident name, sl_ast_type *type);
/* `(x) => body`: checks that the parenthesized expression is a bare parameter name. */
sl_ast_expr *sl_parse_lambda1(sl_parse *ps, const sl_token *lp, sl_ast_expr *param,
                              sl_ast_expr *body);
/* Final checks of a whole statement: integer literals that stayed out of range, KEY in a
 * table or PRIMARY KEY in a stream (ksqlDB reports both as parse errors). */
void sl_parse_check_stmt(sl_parse *ps, sl_ast_stmt *stmt);

/* Provided by the generated parser (grammar/parser.y). */
void *sl_parserAlloc(void *(*malloc_fn)(size_t), sl_parse *ps);
void sl_parserFree(void *parser, void (*free_fn)(void *));
void sl_parser(void *parser, int code, sl_token tok);
/* Fills `ok[code]` for every terminal code below `n` with whether the parser, in its current
 * state, would accept that token next. Returns the number of terminals. */
int sl_parser_expected(void *parser, bool *ok, int n);
/* Would the parser accept the terminals codes[0..n) next (0 meaning end of input)? */
bool sl_parser_accepts(void *parser, const int *codes, int n);

#endif
