/* lexer.re: slices SQL text into tokens (code + span). Placeholder until the SQL front end lands. */
#include "sql/parse.h"
#include "parser.h"

/*!re2c
  re2c:define:YYCTYPE = "unsigned char";
  re2c:yyfill:enable = 0;
*/

int sl_lex_next(const char *text, size_t len, size_t *pos, sl_token *tok)
{
        const unsigned char *YYCURSOR = (const unsigned char *)text + *pos, *YYMARKER;
        const unsigned char *start;
        (void)len;
        (void)YYMARKER;
again:
        start = YYCURSOR;
        /*!re2c
          [ \t\r\n]+ { goto again; }
          [\x00] { *pos = (size_t)(start - (const unsigned char *)text); return 0; }
          ";" { tok->code = TK_SEMI; goto done; }
          [a-zA-Z_][a-zA-Z_0-9]* { tok->code = TK_ID; goto done; }
          * { tok->code = -1; goto done; }
        */
done:
        tok->offset = (size_t)(start - (const unsigned char *)text);
        tok->len = (size_t)(YYCURSOR - start);
        *pos = (size_t)(YYCURSOR - (const unsigned char *)text);
        return tok->code;
}
