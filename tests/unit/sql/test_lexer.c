/* test_lexer.c: grammar/lexer.re — token codes, spans, positions, quoting and comments. */
#include <criterion/criterion.h>
#include <string.h>

#include "parser.h"
#include "sql/lex.h"

/* `text` lexes into exactly the `n` token codes `want` (EOF not included). */
static void expect_codes(const char *text, const int *want, size_t n)
{
        sl_lexer lx;
        sl_token tok;
        size_t i = 0;

        sl_lex_init(&lx, text);
        for (; sl_lex_next(&lx, &tok) != SL_TK_EOF; i++) {
                cr_assert_lt(i, n, "more than %zu tokens in <%s>", n, text);
                cr_assert_eq(tok.code, want[i], "token %zu of <%s>", i, text);
        }
        cr_assert_eq(i, n, "%zu tokens in <%s>, want %zu", i, text, n);
}
#define EXPECT_CODES(text, ...) \
        expect_codes((text), (const int[]){__VA_ARGS__}, sizeof((const int[]){__VA_ARGS__}) / sizeof(int))

/* The only token of `text`. */
static sl_token lex_one(const char *text)
{
        sl_lexer lx;
        sl_token tok, end;

        sl_lex_init(&lx, text);
        sl_lex_next(&lx, &tok);
        cr_assert_eq(sl_lex_next(&lx, &end), SL_TK_EOF, "more than one token in <%s>", text);
        return tok;
}

Test(sql_lexer, keywords_are_case_insensitive)
{
        EXPECT_CODES("select SELECT SeLeCt from Emit changes", TK_SELECT, TK_SELECT, TK_SELECT, TK_FROM, TK_EMIT,
                     TK_CHANGES);
        cr_assert_eq(sl_lex_keyword("string", 6), TK_KW_STRING);
        cr_assert_eq(sl_lex_keyword("Id", 2), TK_KW_ID);
        cr_assert_eq(sl_lex_keyword("orders", 6), 0);
        cr_assert(sl_lex_nonreserved(TK_KEY));
        cr_assert(!sl_lex_nonreserved(TK_SELECT));
}

Test(sql_lexer, identifier_forms)
{
        static const struct {
                const char *text;
                int code;
        } cases[] = {
                {"orders", TK_ID},       {"_x1@y", TK_ID},        {"1abc", TK_DIGITID},
                {"`Mixed-Case`", TK_BQID}, {"`a``b`", TK_BQID},   {"\"x\"\"y\"", TK_QID},
                {"${topic}", TK_VARIABLE},
        };
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                sl_token tok = lex_one(cases[i].text);
                cr_assert_eq(tok.code, cases[i].code, "<%s>: %d", cases[i].text, tok.code);
                cr_assert_eq(tok.len, strlen(cases[i].text));
        }
}

Test(sql_lexer, number_literals_follow_ksqldb)
{
        static const struct {
                const char *text;
                int code;
        } cases[] = {
                {"1", TK_INTLIT},     {"007", TK_INTLIT},     {"1.5", TK_DECLIT},
                {".5", TK_DECLIT},    {"1.", TK_DECLIT},      {"1.5E2", TK_FLOATLIT},
                {"1e-3", TK_FLOATLIT}, {".5e+1", TK_FLOATLIT}, {"1e5x", TK_DIGITID},
        };
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                sl_token tok = lex_one(cases[i].text);
                cr_assert_eq(tok.code, cases[i].code, "<%s>: %d", cases[i].text, tok.code);
        }
}

Test(sql_lexer, strings_keep_doubled_quotes_in_one_token)
{
        sl_token tok = lex_one("'it''s; -- not a comment'");

        cr_assert_eq(tok.code, TK_STRING);
        cr_assert_eq(tok.len, 25);
}

Test(sql_lexer, operators)
{
        static const int want[] = {
                TK_ARROW, TK_LAMBDA, TK_CONCAT, TK_NE, TK_NE, TK_LE, TK_GE, TK_ASSIGN, TK_EQ,
                TK_LT, TK_GT, TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_REM, TK_LP, TK_RP,
                TK_LBRACKET, TK_RBRACKET, TK_COMMA, TK_DOT, TK_SEMI,
        };

        expect_codes("-> => || <> != <= >= := = < > + - * / % ( ) [ ] , . ;", want, sizeof(want) / sizeof(want[0]));
}

Test(sql_lexer, comments_are_skipped)
{
        EXPECT_CODES("a -- x; y\n/* ; \n */ b --@directive\n c --", TK_ID, TK_ID, TK_ID);
}

Test(sql_lexer, positions_count_lines_and_columns)
{
        sl_lexer lx;
        sl_token tok;

        sl_lex_init(&lx, "SELECT\n  x,\r\n\t'a\nb' y");
        sl_lex_next(&lx, &tok);
        cr_assert_eq(tok.line, 1);
        cr_assert_eq(tok.column, 1);
        sl_lex_next(&lx, &tok);
        cr_assert_eq(tok.line, 2);
        cr_assert_eq(tok.column, 3);
        cr_assert_eq(tok.offset, 9);
        sl_lex_next(&lx, &tok);
        cr_assert_eq(tok.code, TK_COMMA);
        sl_lex_next(&lx, &tok);
        cr_assert_eq(tok.code, TK_STRING);
        cr_assert_eq(tok.line, 3);
        cr_assert_eq(tok.column, 2);
        sl_lex_next(&lx, &tok);
        cr_assert_eq(tok.code, TK_ID);
        cr_assert_eq(tok.line, 4);
        cr_assert_eq(tok.column, 4);
}

Test(sql_lexer, bad_input_is_one_illegal_token_with_a_reason)
{
        static const struct {
                const char *text;
                const char *why;
        } cases[] = {
                {"'abc", "unterminated string literal"},
                {"`abc", "unterminated quoted identifier"},
                {"\"abc", "unterminated quoted identifier"},
                {"/* abc", "unterminated comment"},
                {"#", "unrecognized character"},
                {"\xc3\xa9", "unrecognized character"},
        };
        size_t i;

        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                sl_lexer lx;
                sl_token tok;
                sl_lex_init(&lx, cases[i].text);
                cr_assert_eq(sl_lex_next(&lx, &tok), SL_TK_ILLEGAL, "<%s>", cases[i].text);
                cr_assert_str_eq(lx.error, cases[i].why);
                cr_assert_eq(tok.offset, 0);
        }
}

Test(sql_lexer, end_of_text_repeats)
{
        sl_lexer lx;
        sl_token tok;

        sl_lex_init(&lx, "  ");
        cr_assert_eq(sl_lex_next(&lx, &tok), SL_TK_EOF);
        cr_assert_eq(sl_lex_next(&lx, &tok), SL_TK_EOF);
}

Test(sql_lexer, token_names_for_messages)
{
        cr_assert_str_eq(sl_lex_token_name(TK_FROM), "'FROM'");
        cr_assert_str_eq(sl_lex_token_name(TK_KW_STRING), "'STRING'");
        cr_assert_str_eq(sl_lex_token_name(TK_LP), "'('");
        cr_assert_str_eq(sl_lex_token_name(TK_INTLIT), "INTEGER_VALUE");
        cr_assert_str_eq(sl_lex_token_name(TK_ID), "IDENTIFIER");
        cr_assert_str_eq(sl_lex_token_name(SL_TK_EOF), "<EOF>");
}
