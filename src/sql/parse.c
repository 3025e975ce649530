/* parse.c: the driver between grammar/lexer.re and grammar/parser.y. It lexes a whole script,
 * splits it into statements at top-level semicolons (the lexer has already swallowed every ';'
 * inside strings, quoted identifiers and comments), and runs a fresh lemon parser over each
 * statement with a fresh arena, so one bad statement neither stops the others nor leaks: a
 * failed statement's arena is dropped whole. Syntax errors carry the offending token and the
 * terminals the parser would have accepted, computed from the parser tables.
 *
 * Also here: the `${var}` substitution pre-pass and the helpers the grammar's actions call to
 * turn tokens into names, strings and numbers. */
#include "sql/parse.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/vec.h"
#include "parser.h"

/* One lexed token and, for SL_TK_ILLEGAL, why. */
typedef struct lexed {
        sl_token tok;     /* code and span */
        const char *why;  /* lexer's reason for an illegal token, else NULL */
} lexed;

/* ---- helpers called from grammar actions ---- */

sl_ast_ident sl_parse_ident(sl_parse *ps, const sl_token *tok)
{
        return sl_ast_ident_from_token(ps->arena, tok->code, ps->text + tok->offset, tok->len,
                                       sl_lex_pos(tok));
}

char *sl_parse_raw(sl_parse *ps, const sl_token *tok)
{
        return sl_arena_strndup(ps->arena, ps->text + tok->offset, tok->len);
}

char *sl_parse_string(sl_parse *ps, const sl_token *tok)
{
        return sl_ast_string_unquote(ps->arena, ps->text + tok->offset, tok->len);
}

sl_ast_ident sl_parse_string_ident(sl_parse *ps, const sl_token *tok)
{
        sl_ast_ident id;

        id.name = sl_parse_string(ps, tok);
        id.pos = sl_lex_pos(tok);
        return id;
}

void sl_parse_error_at(sl_parse *ps, sl_pos pos, const char *fmt, ...)
{
        va_list ap;

        if (ps->failed)
                return;
        ps->failed = true;
        va_start(ap, fmt);
        sl_err_setv(&ps->err, SL_ERR_PARSE, fmt, ap);
        va_end(ap);
        ps->err.pos = pos;
}

sl_ast_expr *sl_parse_check(sl_parse *ps, sl_ast_expr *e)
{
        if (e->depth > SL_AST_MAX_DEPTH)
                sl_parse_error_at(ps, e->pos, "expression is nested too deeply (more than %d levels)",
                                  SL_AST_MAX_DEPTH);
        return e;
}

sl_ast_type *sl_parse_check_type(sl_parse *ps, sl_ast_type *t)
{
        if (t->depth > SL_AST_MAX_DEPTH)
                sl_parse_error_at(ps, t->pos, "type is nested too deeply (more than %d levels)",
                                  SL_AST_MAX_DEPTH);
        return t;
}

sl_ast_expr *sl_parse_number(sl_parse *ps, sl_ast_expr_kind kind, const sl_token *tok)
{
        sl_ast_expr *e = sl_ast_expr_number(ps->arena, kind, ps->text + tok->offset, tok->len,
                                            sl_lex_pos(tok));

        if (kind == SL_AST_INTEGER && sl_ast_expr_int_overflows(e))
                ps->big_ints = sl_ast_list_append(ps->arena, ps->big_ints, e);
        if (kind == SL_AST_DOUBLE && isinf(e->dval))
                sl_parse_error_at(ps, e->pos, "Number overflows DOUBLE: %s", e->text);
        return e;
}

int64_t sl_parse_int(sl_parse *ps, const sl_token *tok, bool neg)
{
        const char *p = ps->text + tok->offset;
        uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        size_t i;

        for (i = 0; i < tok->len; i++) {
                unsigned d = (unsigned)(p[i] - '0');
                if (v > (limit - d) / 10) {
                        sl_parse_error_at(ps, sl_lex_pos(tok), "Invalid numeric literal: %s%.*s",
                                          neg ? "-" : "", (int)tok->len, p);
                        return 0;
                }
                v = v * 10 + d;
        }
        return neg ? (int64_t)(0 - v) : (int64_t)v;
}

sl_ast_stmt *sl_parse_create_as(sl_parse *ps, sl_ast_stmt_kind kind, unsigned flags,
                                const sl_token *tok, sl_ast_ident name, sl_ast_list *props,
                                sl_ast_query *query)
{
        if (flags & SL_AST_SOURCE)
                sl_parse_error_at(ps, sl_lex_pos(tok),
                                  "Syntax error: a SOURCE stream or table cannot be created with AS SELECT");
        return sl_ast_stmt_create(ps->arena, kind, flags, sl_lex_pos(tok), name, NULL, props,
                                  query);
}

sl_ast_stmt *sl_parse_connector(sl_parse *ps, unsigned which, unsigned orrep, unsigned ifne,
                                const sl_token *tok, sl_ast_ident name, sl_ast_list *props)
{
        sl_ast_stmt *s;

        if (orrep)
                sl_parse_error_at(ps, sl_lex_pos(tok),
                                  "Syntax error: CREATE OR REPLACE is not supported for connectors");
        s = sl_ast_stmt_named(ps->arena, SL_AST_STMT_CREATE_CONNECTOR, which | ifne,
                              sl_lex_pos(tok), name);
        s->props = props;
        return s;
}

sl_ast_stmt *sl_parse_create_type(sl_parse *ps, unsigned orrep, unsigned ifne, const sl_token *tok,
                                  sl_ast_ident name, sl_ast_type *type)
{
        sl_ast_stmt *s;

        if (orrep)
                sl_parse_error_at(ps, sl_lex_pos(tok),
                                  "Syntax error: CREATE OR REPLACE is not supported for types");
        s = sl_ast_stmt_named(ps->arena, SL_AST_STMT_CREATE_TYPE, ifne, sl_lex_pos(tok), name);
        s->type = type;
        return s;
}

sl_ast_expr *sl_parse_lambda1(sl_parse *ps, const sl_token *lp, sl_ast_expr *param,
                              sl_ast_expr *body)
{
        char *name = sl_ast_expr_as_param(param);

        if (name == NULL)
                sl_parse_error_at(ps, param->pos, "Syntax error: a lambda parameter must be a name");
        return sl_ast_expr_lambda(ps->arena, sl_ast_list_append(ps->arena, NULL, name), body,
                                  sl_lex_pos(lp));
}

void sl_parse_check_stmt(sl_parse *ps, sl_ast_stmt *stmt)
{
        size_t i;

        for (i = 0; ps->big_ints && i < ps->big_ints->len; i++) {
                sl_ast_expr *e = ps->big_ints->items[i];
                if (sl_ast_expr_int_overflows(e)) {
                        sl_parse_error_at(ps, e->pos, "Invalid numeric literal: %s", e->text);
                        return;
                }
        }
        if ((stmt->kind == SL_AST_STMT_CREATE_STREAM || stmt->kind == SL_AST_STMT_CREATE_TABLE) &&
            stmt->elements) {
                bool table = stmt->kind == SL_AST_STMT_CREATE_TABLE;
                for (i = 0; i < stmt->elements->len; i++) {
                        sl_ast_field_def *col = stmt->elements->items[i];
                        if (table && col->constraint == SL_AST_COL_KEY) {
                                sl_parse_error_at(ps, col->name.pos,
                                                  "Column `%s` is a 'KEY' column: please use 'PRIMARY KEY' for tables.",
                                                  col->name.name);
                                return;
                        }
                        if (!table && col->constraint == SL_AST_COL_PRIMARY_KEY) {
                                sl_parse_error_at(ps, col->name.pos,
                                                  "Column `%s` is a 'PRIMARY KEY' column: please use 'KEY' for streams.",
                                                  col->name.name);
                                return;
                        }
                }
        }
}

/* ---- syntax errors ---- */

/* Appends the token's text as error messages quote it. */
static void append_token_text(sl_str *out, const char *text, const sl_token *tok)
{
        if (tok->code == SL_TK_EOF) {
                sl_str_append(out, "<EOF>");
                return;
        }
        sl_str_append_char(out, '\'');
        if (tok->len > 40) {
                sl_str_append_n(out, text + tok->offset, 40);
                sl_str_append(out, "...");
        } else {
                sl_str_append_n(out, text + tok->offset, tok->len);
        }
        sl_str_append_char(out, '\'');
}

void sl_parse_syntax_error(sl_parse *ps, int code, const sl_token *tok)
{
        bool ok[256];
        int n, t, count = 0;
        bool ident;
        sl_str found, expected;

        (void)code;
        if (ps->failed)
                return;
        sl_str_init(&found);
        sl_str_init(&expected);
        append_token_text(&found, ps->text, tok);
        n = sl_parser_expected(ps->parser, ok, (int)(sizeof(ok) / sizeof(ok[0])));
        if (n > (int)(sizeof(ok) / sizeof(ok[0])))
                n = (int)(sizeof(ok) / sizeof(ok[0]));
        /* an identifier stands for every token that can be one */
        ident = ok[TK_ID];
        for (t = 1; t < n; t++) {
                if (!ok[t])
                        continue;
                if (ident && (t == TK_QID || t == TK_BQID || t == TK_DIGITID))
                        continue;
                sl_str_append(&expected, count ? ", " : "");
                sl_str_append(&expected, sl_lex_token_name(t));
                count++;
        }
        ps->failed = true;
        sl_err_set(&ps->err, SL_ERR_PARSE, "syntax error at or near %s", sl_str_cstr(&found));
        ps->err.pos = sl_lex_pos(tok);
        if (count == 1)
                sl_err_set_detail(&ps->err, "mismatched input %s expecting %s",
                                  sl_str_cstr(&found), sl_str_cstr(&expected));
        else if (count > 1)
                sl_err_set_detail(&ps->err, "mismatched input %s expecting {%s}",
                                  sl_str_cstr(&found), sl_str_cstr(&expected));
        else
                sl_err_set_detail(&ps->err, "extraneous input %s", sl_str_cstr(&found));
        sl_str_deinit(&found);
        sl_str_deinit(&expected);
}

void sl_parse_error_format(const sl_err_detail *err, sl_str *out)
{
        const char *msg = err->message;

        if (err->pos.line > 0)
                sl_str_appendf(out, "line %d:%d: ", err->pos.line, err->pos.column);
        if (strncmp(msg, "syntax error", 12) == 0) {
                sl_str_append(out, "Syntax error");
                msg += 12;
        }
        sl_str_append(out, msg);
        if (err->detail[0]) {
                sl_str_append_char(out, '\n');
                sl_str_append(out, err->detail);
        }
}

/* ---- variable substitution ---- */

/* Appends `s` with `${name}` variables replaced; `in_string` doubles quotes of values. */
static void substitute_span(sl_str *out, const char *s, size_t len, sl_parse_var_fn lookup,
                            void *ctx, bool in_string)
{
        size_t i = 0;

        while (i < len) {
                const char *close;
                if (s[i] == '$' && i + 1 < len && s[i + 1] == '{' &&
                    (close = memchr(s + i + 2, '}', len - i - 2)) != NULL) {
                        size_t nlen = (size_t)(close - (s + i + 2));
                        char *name = sl_strndup(s + i + 2, nlen);
                        const char *value = lookup(ctx, name);
                        sl_free(name);
                        if (value) {
                                if (in_string)
                                        for (; *value; value++) {
                                                if (*value == '\'')
                                                        sl_str_append_char(out, '\'');
                                                sl_str_append_char(out, *value);
                                        }
                                else
                                        sl_str_append(out, value);
                                i += nlen + 3;
                                continue;
                        }
                }
                sl_str_append_char(out, s[i]);
                i++;
        }
}

char *sl_parse_substitute(const char *text, sl_parse_var_fn lookup, void *ctx)
{
        sl_lexer lx;
        sl_token tok;
        sl_str out;
        size_t copied = 0;

        sl_str_init(&out);
        sl_lex_init(&lx, text);
        while (sl_lex_next(&lx, &tok) != SL_TK_EOF) {
                if (tok.code != TK_VARIABLE && tok.code != TK_STRING)
                        continue;
                sl_str_append_n(&out, text + copied, tok.offset - copied);
                substitute_span(&out, text + tok.offset, tok.len, lookup, ctx,
                                tok.code == TK_STRING);
                copied = tok.offset + tok.len;
        }
        sl_str_append(&out, text + copied);
        return sl_str_detach(&out);
}

/* ---- the driver ---- */

static void *parser_malloc(size_t size)
{
        return sl_malloc(size);
}

/* A non-reserved keyword is the keyword where it fits together with the token after it, else
 * an identifier where that fits, else the keyword (whose error message is then the better one):
 * `MAP(k := v)` is a constructor but `f(map, ...)` a column, `PARTITION BY` a clause but
 * `FROM s partition` an alias. */
static int keyword_or_ident(void *parser, int code, int next)
{
        int firsts[2] = {code, TK_ID}, i;

        for (i = 0; i < 2; i++) {
                int seq[2] = {firsts[i], next};
                if (sl_parser_accepts(parser, seq, 2))
                        return firsts[i];
                /* the next token may itself be a non-reserved keyword read as a name */
                seq[1] = TK_ID;
                if (sl_lex_nonreserved(next) && sl_parser_accepts(parser, seq, 2))
                        return firsts[i];
        }
        return code;
}

/* Feeds tokens [first, end) (plus end-of-input) to a fresh parser. Returns the statement (its
 * arena attached) or NULL with ps->err set. */
static sl_ast_stmt *parse_one(sl_parse *ps, const lexed *toks, size_t first, size_t end)
{
        void *parser;
        sl_ast_stmt *stmt = NULL;
        sl_token eof;
        size_t i;

        ps->arena = sl_arena_new(0);
        ps->stmt = NULL;
        ps->failed = false;
        ps->big_ints = NULL;
        sl_err_clear(&ps->err);
        parser = sl_parserAlloc(parser_malloc, ps);
        ps->parser = parser;
        for (i = first; i < end && !ps->failed; i++) {
                sl_token tok = toks[i].tok;
                if (tok.code == SL_TK_ILLEGAL) {
                        sl_str found;
                        sl_str_init(&found);
                        append_token_text(&found, ps->text, &tok);
                        sl_parse_error_at(ps, sl_lex_pos(&tok), "syntax error at or near %s",
                                          sl_str_cstr(&found));
                        sl_err_set_detail(&ps->err, "%s", toks[i].why);
                        sl_str_deinit(&found);
                        break;
                }
                if (sl_lex_nonreserved(tok.code))
                        tok.code = keyword_or_ident(parser, tok.code,
                                                    i + 1 < end ? toks[i + 1].tok.code : 0);
                ps->cur = tok;
                sl_parser(parser, tok.code, tok);
        }
        if (!ps->failed) {
                const sl_token *last = &toks[end - 1].tok;
                eof = *last;
                eof.code = SL_TK_EOF;
                eof.offset = last->offset + last->len;
                eof.column = last->column + (int)last->len;
                eof.len = 0;
                ps->cur = eof;
                sl_parser(parser, 0, eof);
        }
        sl_parserFree(parser, sl_free);
        ps->parser = NULL;
        if (!ps->failed && ps->stmt == NULL)
                sl_parse_error_at(ps, sl_lex_pos(&toks[first].tok), "syntax error");
        if (!ps->failed)
                sl_parse_check_stmt(ps, ps->stmt);
        if (ps->failed) {
                sl_arena_free(ps->arena);
        } else {
                const sl_token *last = &toks[end - 1].tok;
                stmt = ps->stmt;
                stmt->arena = ps->arena;
                stmt->text_offset = toks[first].tok.offset;
                stmt->text_len = last->offset + last->len - stmt->text_offset;
                stmt->text = sl_arena_strndup(ps->arena, ps->text + stmt->text_offset,
                                              stmt->text_len);
        }
        ps->arena = NULL;
        return stmt;
}

sl_err sl_parse_script(const char *text, const sl_parse_opts *opts, sl_script **out)
{
        sl_script *script = sl_calloc(1, sizeof(*script));
        sl_vec toks, stmts, errors;
        sl_lexer lx;
        sl_parse ps;
        size_t i, first;

        if (opts && opts->lookup)
                script->text = sl_parse_substitute(text, opts->lookup, opts->lookup_ctx);
        else
                script->text = sl_strdup(text);
        sl_vec_init(&toks, sizeof(lexed));
        sl_vec_init(&stmts, sizeof(sl_ast_stmt *));
        sl_vec_init(&errors, sizeof(sl_err_detail));
        sl_lex_init(&lx, script->text);
        for (;;) {
                lexed l;
                l.why = NULL;
                if (sl_lex_next(&lx, &l.tok) == SL_TK_EOF)
                        break;
                if (l.tok.code == SL_TK_ILLEGAL)
                        l.why = lx.error;
                sl_vec_push(&toks, &l);
        }
        memset(&ps, 0, sizeof(ps));
        ps.text = script->text;
        first = 0;
        for (i = 0; i <= toks.len; i++) {
                bool at_end = i == toks.len;
                if (!at_end && SL_VEC_AT(&toks, lexed, i).tok.code != TK_SEMI)
                        continue;
                /* statement = tokens [first, i], the ';' included; empty ones are skipped */
                if (i > first) {
                        size_t end = at_end ? i : i + 1;
                        sl_ast_stmt *stmt = parse_one(&ps, toks.items, first, end);
                        if (stmt)
                                sl_vec_push(&stmts, &stmt);
                        else
                                sl_vec_push(&errors, &ps.err);
                }
                first = i + 1;
        }
        sl_vec_deinit(&toks);
        script->nstmts = stmts.len;
        script->stmts = (sl_ast_stmt **)stmts.items;
        script->nerrors = errors.len;
        script->errors = errors.items;
        *out = script;
        return script->nerrors ? SL_ERR_PARSE : SL_OK;
}

void sl_script_free(sl_script *script)
{
        size_t i;

        if (script == NULL)
                return;
        for (i = 0; i < script->nstmts; i++)
                sl_ast_stmt_free(script->stmts[i]);
        sl_free(script->stmts);
        sl_free(script->errors);
        sl_free(script->text);
        sl_free(script);
}

sl_err sl_parse_statement(const char *text, const sl_parse_opts *opts, sl_ast_stmt **out,
                          sl_err_detail *err)
{
        sl_script *script = NULL;
        sl_err rc = sl_parse_script(text, opts, &script);

        *out = NULL;
        if (rc != SL_OK) {
                if (err)
                        *err = script->errors[0];
                goto fail;
        }
        if (script->nstmts != 1) {
                rc = sl_err_set(err, SL_ERR_PARSE, "expected one statement, found %zu",
                                script->nstmts);
                goto fail;
        }
        *out = script->stmts[0];
        script->nstmts = 0;
fail:
        sl_script_free(script);
        return rc;
}
