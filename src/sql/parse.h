/* parse.h: drives the lexer and the lemon parser over a script. Placeholder until the SQL front
 * end lands. */
#ifndef SL_SQL_PARSE_H
#define SL_SQL_PARSE_H

#include <stddef.h>

#include "common/err.h"

typedef struct sl_token {
        int code;       /* TK_* from the generated parser.h, 0 at the end, -1 for an illegal character */
        size_t offset;  /* span in the statement text */
        size_t len;
} sl_token;

typedef struct sl_parse {
        const char *text;
        int nerr;
        sl_err_detail err;
} sl_parse;

/* Lexes the token at *pos (text must be NUL-terminated); returns its code and moves *pos past it. */
int sl_lex_next(const char *text, size_t len, size_t *pos, sl_token *tok);
void sl_parse_syntax_error(sl_parse *ps, int code, const sl_token *tok);
/* Parses a whole script; SL_OK or SL_ERR_PARSE with ps->err filled. */
sl_err sl_parse_script(sl_parse *ps, const char *text);

#endif
