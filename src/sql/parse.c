/* parse.c: the driver loop, token by token from the re2c lexer into the lemon parser. */
#include "sql/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

void *sl_parserAlloc(void *(*malloc_fn)(size_t), sl_parse *ps);
void sl_parserFree(void *parser, void (*free_fn)(void *));
void sl_parser(void *parser, int code, sl_token tok);

void sl_parse_syntax_error(sl_parse *ps, int code, const sl_token *tok)
{
        (void)code;
        if (ps->nerr++ == 0)
                sl_err_set(&ps->err, SL_ERR_PARSE, "syntax error at offset %zu", tok->offset);
}

sl_err sl_parse_script(sl_parse *ps, const char *text)
{
        size_t pos = 0, len = strlen(text);
        sl_token tok = {0};
        void *parser = sl_parserAlloc(malloc, ps);
        ps->text = text;
        ps->nerr = 0;
        sl_err_clear(&ps->err);
        while (ps->nerr == 0 && sl_lex_next(text, len, &pos, &tok) != 0) {
                if (tok.code < 0) {
                        sl_parse_syntax_error(ps, tok.code, &tok);
                        break;
                }
                sl_parser(parser, tok.code, tok);
        }
        if (ps->nerr == 0)
                sl_parser(parser, 0, tok);
        sl_parserFree(parser, free);
        return ps->nerr ? SL_ERR_PARSE : SL_OK;
}
