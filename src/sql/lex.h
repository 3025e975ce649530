/* lex.h: the SQL tokenizer's interface (grammar/lexer.re). The lexer only slices: a token is a
 * TK_* code from the generated parser.h plus a span into the text. Whitespace and comments are
 * skipped; quoting and case rules live in lexer.re and nowhere else. */
#ifndef SL_SQL_LEX_H
#define SL_SQL_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

/* Codes below 1 that are not parser tokens. */
#define SL_TK_EOF 0       /* end of text */
#define SL_TK_ILLEGAL (-1) /* a character or an unterminated literal that is not SQL */

/* One token: a code and where it is. The text is never copied. */
typedef struct sl_token {
        int code;       /* TK_* from the generated parser.h, SL_TK_EOF or SL_TK_ILLEGAL */
        size_t offset;  /* byte offset of the first byte in the text */
        size_t len;     /* length in bytes */
        int line;       /* 1-based line of the first byte */
        int column;     /* 1-based column (in bytes) of the first byte */
} sl_token;

/* Lexer state over one NUL-terminated text. Embed it; no cleanup needed. */
typedef struct sl_lexer {
        const char *text;   /* borrowed, NUL-terminated */
        size_t pos;         /* where the next token starts scanning */
        int line;           /* line at `pos` */
        size_t line_start;  /* offset of the first byte of that line */
        const char *error;  /* reason of the last SL_TK_ILLEGAL, static text */
} sl_lexer;

void sl_lex_init(sl_lexer *lx, const char *text);
/* Scans the next token into *tok and returns its code (SL_TK_EOF at the end, then again on every
 * call). On SL_TK_ILLEGAL `lx->error` says why ("unterminated string literal", ...). */
int sl_lex_next(sl_lexer *lx, sl_token *tok);
/* The position of `tok` as an sl_pos. */
sl_pos sl_lex_pos(const sl_token *tok);
/* The keyword code of a word (case-insensitive), or 0 if it is not a keyword. */
int sl_lex_keyword(const char *word, size_t len);
/* True for ksqlDB's non-reserved keywords, which may also serve as identifiers. */
bool sl_lex_nonreserved(int code);
/* How error messages name a token code: "'SELECT'", "'('", "STRING", "IDENTIFIER", "<EOF>". */
const char *sl_lex_token_name(int code);

#endif
