/* lexer.re: slices SQL text into tokens for grammar/parser.y (re2c; generated into the build tree).
 * Tokens are ksqlDB's (SqlBase.g4 lexer rules): keywords are case-insensitive words looked up in the
 * table below; identifiers come plain ([A-Za-z_][A-Za-z0-9_@]*, upper-cased by the parser),
 * digit-leading (1abc), back-quoted (`Mixed`, `` escapes a back quote) or double-quoted ("x", ""
 * escapes); string literals use single quotes with '' escapes; numbers are INTLIT (1), DECLIT (1.,
 * .5, 7.2: DECIMAL in ksqlDB) and FLOATLIT (1e3, 1.5E-2: DOUBLE); ${name} is a VARIABLE.
 * Whitespace, -- line comments (also --@ directives) and block comments are skipped. A token is
 * only a code and a span: unquoting and case folding happen in src/sql/ast.c. */
#include "sql/lex.h"

#include <stdlib.h>
#include <string.h>

#include "parser.h"

/* One keyword; the table is sorted by name for bsearch. */
typedef struct keyword {
        const char *name;    /* upper case */
        const char *quoted;  /* as error messages show it */
        int code;            /* TK_* */
} keyword;

static const keyword keywords[] = {
        {"ADD", "'ADD'", TK_ADD},
        {"ADVANCE", "'ADVANCE'", TK_ADVANCE},
        {"ALL", "'ALL'", TK_ALL},
        {"ALTER", "'ALTER'", TK_ALTER},
        {"ANALYZE", "'ANALYZE'", TK_ANALYZE},
        {"AND", "'AND'", TK_AND},
        {"ARRAY", "'ARRAY'", TK_ARRAY},
        {"AS", "'AS'", TK_AS},
        {"ASSERT", "'ASSERT'", TK_ASSERT},
        {"AT", "'AT'", TK_AT},
        {"BEGINNING", "'BEGINNING'", TK_BEGINNING},
        {"BETWEEN", "'BETWEEN'", TK_BETWEEN},
        {"BY", "'BY'", TK_BY},
        {"CASE", "'CASE'", TK_CASE},
        {"CAST", "'CAST'", TK_CAST},
        {"CATALOG", "'CATALOG'", TK_CATALOG},
        {"CHANGES", "'CHANGES'", TK_CHANGES},
        {"COLUMN", "'COLUMN'", TK_COLUMN},
        {"COLUMNS", "'COLUMNS'", TK_COLUMNS},
        {"CONNECTOR", "'CONNECTOR'", TK_CONNECTOR},
        {"CONNECTORS", "'CONNECTORS'", TK_CONNECTORS},
        {"CREATE", "'CREATE'", TK_CREATE},
        {"DATE", "'DATE'", TK_DATE},
        {"DAY", "'DAY'", TK_DAY},
        {"DAYS", "'DAYS'", TK_DAYS},
        {"DECIMAL", "'DECIMAL'", TK_DECIMAL},
        {"DEFINE", "'DEFINE'", TK_DEFINE},
        {"DELETE", "'DELETE'", TK_DELETE},
        {"DESCRIBE", "'DESCRIBE'", TK_DESCRIBE},
        {"DISTINCT", "'DISTINCT'", TK_DISTINCT},
        {"DROP", "'DROP'", TK_DROP},
        {"ELSE", "'ELSE'", TK_ELSE},
        {"EMIT", "'EMIT'", TK_EMIT},
        {"END", "'END'", TK_END},
        {"ESCAPE", "'ESCAPE'", TK_ESCAPE},
        {"EXISTS", "'EXISTS'", TK_EXISTS},
        {"EXPLAIN", "'EXPLAIN'", TK_EXPLAIN},
        {"EXPORT", "'EXPORT'", TK_EXPORT},
        {"EXTENDED", "'EXTENDED'", TK_EXTENDED},
        {"FALSE", "'FALSE'", TK_FALSE},
        {"FINAL", "'FINAL'", TK_FINAL},
        {"FROM", "'FROM'", TK_FROM},
        {"FULL", "'FULL'", TK_FULL},
        {"FUNCTION", "'FUNCTION'", TK_FUNCTION},
        {"FUNCTIONS", "'FUNCTIONS'", TK_FUNCTIONS},
        {"GRACE", "'GRACE'", TK_GRACE},
        {"GROUP", "'GROUP'", TK_GROUP},
        {"HAVING", "'HAVING'", TK_HAVING},
        {"HEADER", "'HEADER'", TK_HEADER},
        {"HEADERS", "'HEADERS'", TK_HEADERS},
        {"HOPPING", "'HOPPING'", TK_HOPPING},
        {"HOUR", "'HOUR'", TK_HOUR},
        {"HOURS", "'HOURS'", TK_HOURS},
        {"ID", "'ID'", TK_KW_ID},
        {"IF", "'IF'", TK_IF},
        {"IN", "'IN'", TK_IN},
        {"INNER", "'INNER'", TK_INNER},
        {"INSERT", "'INSERT'", TK_INSERT},
        {"INTEGER", "'INTEGER'", TK_INTEGER},
        {"INTERVAL", "'INTERVAL'", TK_INTERVAL},
        {"INTO", "'INTO'", TK_INTO},
        {"IS", "'IS'", TK_IS},
        {"JOIN", "'JOIN'", TK_JOIN},
        {"KEY", "'KEY'", TK_KEY},
        {"LEFT", "'LEFT'", TK_LEFT},
        {"LIKE", "'LIKE'", TK_LIKE},
        {"LIMIT", "'LIMIT'", TK_LIMIT},
        {"LIST", "'LIST'", TK_LIST},
        {"LOAD", "'LOAD'", TK_LOAD},
        {"MAP", "'MAP'", TK_MAP},
        {"MATERIALIZED", "'MATERIALIZED'", TK_MATERIALIZED},
        {"MILLISECOND", "'MILLISECOND'", TK_MILLISECOND},
        {"MILLISECONDS", "'MILLISECONDS'", TK_MILLISECONDS},
        {"MINUTE", "'MINUTE'", TK_MINUTE},
        {"MINUTES", "'MINUTES'", TK_MINUTES},
        {"MONTH", "'MONTH'", TK_MONTH},
        {"MONTHS", "'MONTHS'", TK_MONTHS},
        {"NAMESPACE", "'NAMESPACE'", TK_NAMESPACE},
        {"NOT", "'NOT'", TK_NOT},
        {"NULL", "'NULL'", TK_NULL},
        {"ON", "'ON'", TK_ON},
        {"OR", "'OR'", TK_OR},
        {"OUTER", "'OUTER'", TK_OUTER},
        {"PARTITION", "'PARTITION'", TK_PARTITION},
        {"PARTITIONS", "'PARTITIONS'", TK_PARTITIONS},
        {"PAUSE", "'PAUSE'", TK_PAUSE},
        {"PERIOD", "'PERIOD'", TK_PERIOD},
        {"PLUGINS", "'PLUGINS'", TK_PLUGINS},
        {"PRIMARY", "'PRIMARY'", TK_PRIMARY},
        {"PRINT", "'PRINT'", TK_PRINT},
        {"PROPERTIES", "'PROPERTIES'", TK_PROPERTIES},
        {"QUERIES", "'QUERIES'", TK_QUERIES},
        {"QUERY", "'QUERY'", TK_QUERY},
        {"RENAME", "'RENAME'", TK_RENAME},
        {"REPLACE", "'REPLACE'", TK_REPLACE},
        {"RESET", "'RESET'", TK_RESET},
        {"RESUME", "'RESUME'", TK_RESUME},
        {"RETENTION", "'RETENTION'", TK_RETENTION},
        {"RIGHT", "'RIGHT'", TK_RIGHT},
        {"RUN", "'RUN'", TK_RUN},
        {"SAMPLE", "'SAMPLE'", TK_SAMPLE},
        {"SCHEMA", "'SCHEMA'", TK_SCHEMA},
        {"SCRIPT", "'SCRIPT'", TK_SCRIPT},
        {"SECOND", "'SECOND'", TK_SECOND},
        {"SECONDS", "'SECONDS'", TK_SECONDS},
        {"SELECT", "'SELECT'", TK_SELECT},
        {"SESSION", "'SESSION'", TK_SESSION},
        {"SET", "'SET'", TK_SET},
        {"SHOW", "'SHOW'", TK_SHOW},
        {"SINK", "'SINK'", TK_SINK},
        {"SIZE", "'SIZE'", TK_SIZE},
        {"SOURCE", "'SOURCE'", TK_SOURCE},
        {"STREAM", "'STREAM'", TK_STREAM},
        {"STREAMS", "'STREAMS'", TK_STREAMS},
        {"STRING", "'STRING'", TK_KW_STRING},
        {"STRUCT", "'STRUCT'", TK_STRUCT},
        {"SUBJECT", "'SUBJECT'", TK_SUBJECT},
        {"SYSTEM", "'SYSTEM'", TK_SYSTEM},
        {"TABLE", "'TABLE'", TK_TABLE},
        {"TABLES", "'TABLES'", TK_TABLES},
        {"TERMINATE", "'TERMINATE'", TK_TERMINATE},
        {"THEN", "'THEN'", TK_THEN},
        {"TIME", "'TIME'", TK_TIME},
        {"TIMEOUT", "'TIMEOUT'", TK_TIMEOUT},
        {"TIMESTAMP", "'TIMESTAMP'", TK_TIMESTAMP},
        {"TO", "'TO'", TK_TO},
        {"TOPIC", "'TOPIC'", TK_TOPIC},
        {"TOPICS", "'TOPICS'", TK_TOPICS},
        {"TRUE", "'TRUE'", TK_TRUE},
        {"TUMBLING", "'TUMBLING'", TK_TUMBLING},
        {"TYPE", "'TYPE'", TK_TYPE},
        {"TYPES", "'TYPES'", TK_TYPES},
        {"UNDEFINE", "'UNDEFINE'", TK_UNDEFINE},
        {"UNSET", "'UNSET'", TK_UNSET},
        {"VALUES", "'VALUES'", TK_VALUES},
        {"VARIABLES", "'VARIABLES'", TK_VARIABLES},
        {"VIEW", "'VIEW'", TK_VIEW},
        {"WHEN", "'WHEN'", TK_WHEN},
        {"WHERE", "'WHERE'", TK_WHERE},
        {"WINDOW", "'WINDOW'", TK_WINDOW},
        {"WITH", "'WITH'", TK_WITH},
        {"WITHIN", "'WITHIN'", TK_WITHIN},
        {"YEAR", "'YEAR'", TK_YEAR},
        {"YEARS", "'YEARS'", TK_YEARS},
        {"ZONE", "'ZONE'", TK_ZONE},
};

static int keyword_cmp(const void *key, const void *elem)
{
        return strcmp((const char *)key, ((const keyword *)elem)->name);
}

int sl_lex_keyword(const char *word, size_t len)
{
        char up[16];
        const keyword *kw;
        size_t i;

        if (len == 0 || len >= sizeof(up))
                return 0;
        for (i = 0; i < len; i++) {
                char c = word[i];
                up[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
        }
        up[len] = '\0';
        kw = bsearch(up, keywords, sizeof(keywords) / sizeof(keywords[0]), sizeof(keywords[0]),
                     keyword_cmp);
        return kw ? kw->code : 0;
}

const char *sl_lex_token_name(int code)
{
        size_t i;

        switch (code) {
        case SL_TK_EOF: return "<EOF>";
        case SL_TK_ILLEGAL: return "<ILLEGAL>";
        case TK_SEMI: return "';'";
        case TK_COMMA: return "','";
        case TK_DOT: return "'.'";
        case TK_LP: return "'('";
        case TK_RP: return "')'";
        case TK_LBRACKET: return "'['";
        case TK_RBRACKET: return "']'";
        case TK_EQ: return "'='";
        case TK_NE: return "'<>'";
        case TK_LT: return "'<'";
        case TK_LE: return "'<='";
        case TK_GT: return "'>'";
        case TK_GE: return "'>='";
        case TK_PLUS: return "'+'";
        case TK_MINUS: return "'-'";
        case TK_STAR: return "'*'";
        case TK_SLASH: return "'/'";
        case TK_REM: return "'%'";
        case TK_CONCAT: return "'||'";
        case TK_ASSIGN: return "':='";
        case TK_ARROW: return "'->'";
        case TK_LAMBDA: return "'=>'";
        case TK_STRING: return "STRING";
        case TK_INTLIT: return "INTEGER_VALUE";
        case TK_DECLIT: return "DECIMAL_VALUE";
        case TK_FLOATLIT: return "FLOATING_POINT_VALUE";
        case TK_ID: return "IDENTIFIER";
        case TK_QID: return "QUOTED_IDENTIFIER";
        case TK_BQID: return "BACKQUOTED_IDENTIFIER";
        case TK_DIGITID: return "DIGIT_IDENTIFIER";
        case TK_VARIABLE: return "VARIABLE";
        default: break;
        }
        for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
                if (keywords[i].code == code)
                        return keywords[i].quoted;
        return "<UNKNOWN>";
}

void sl_lex_init(sl_lexer *lx, const char *text)
{
        lx->text = text;
        lx->pos = 0;
        lx->line = 1;
        lx->line_start = 0;
        lx->error = NULL;
}

sl_pos sl_lex_pos(const sl_token *tok)
{
        sl_pos pos = {tok->line, tok->column, tok->offset};
        return pos;
}

/* Moves the line counter over text[from, to). */
static void count_lines(sl_lexer *lx, size_t from, size_t to)
{
        size_t i;

        for (i = from; i < to; i++) {
                if (lx->text[i] == '\n') {
                        lx->line++;
                        lx->line_start = i + 1;
                }
        }
}

int sl_lex_next(sl_lexer *lx, sl_token *tok)
{
        const unsigned char *base = (const unsigned char *)lx->text;
        const unsigned char *YYCURSOR = base + lx->pos, *YYMARKER = YYCURSOR, *start;
        int code;

again:
        start = YYCURSOR;
        count_lines(lx, lx->pos, (size_t)(start - base));
        lx->pos = (size_t)(start - base);
        /*!re2c
          re2c:define:YYCTYPE = "unsigned char";
          re2c:yyfill:enable = 0;

          digit = [0-9];
          letter = [A-Za-z];
          exponent = [eE] [+-]? digit+;

          [ \t\r\n]+ { goto again; }
          "--" [^\r\n\x00]* { goto again; }
          "/*" ([^*\x00] | "*"+ [^*/\x00])* "*"+ "/" { goto again; }
          "/*" { lx->error = "unterminated comment"; code = SL_TK_ILLEGAL; goto unterminated; }
          [\x00] { YYCURSOR = start; code = SL_TK_EOF; goto done; }

          ";" { code = TK_SEMI; goto done; }
          "," { code = TK_COMMA; goto done; }
          "." { code = TK_DOT; goto done; }
          "(" { code = TK_LP; goto done; }
          ")" { code = TK_RP; goto done; }
          "[" { code = TK_LBRACKET; goto done; }
          "]" { code = TK_RBRACKET; goto done; }
          "=" { code = TK_EQ; goto done; }
          "<>" | "!=" { code = TK_NE; goto done; }
          "<" { code = TK_LT; goto done; }
          "<=" { code = TK_LE; goto done; }
          ">" { code = TK_GT; goto done; }
          ">=" { code = TK_GE; goto done; }
          "+" { code = TK_PLUS; goto done; }
          "-" { code = TK_MINUS; goto done; }
          "*" { code = TK_STAR; goto done; }
          "/" { code = TK_SLASH; goto done; }
          "%" { code = TK_REM; goto done; }
          "||" { code = TK_CONCAT; goto done; }
          ":=" { code = TK_ASSIGN; goto done; }
          "->" { code = TK_ARROW; goto done; }
          "=>" { code = TK_LAMBDA; goto done; }

          "'" ([^'\x00] | "''")* "'" { code = TK_STRING; goto done; }
          "'" ([^'\x00] | "''")* { lx->error = "unterminated string literal"; code = SL_TK_ILLEGAL; goto done; }
          "`" ([^`\x00] | "``")* "`" { code = TK_BQID; goto done; }
          "`" ([^`\x00] | "``")* { lx->error = "unterminated quoted identifier"; code = SL_TK_ILLEGAL; goto done; }
          ["] ([^"\x00] | ["]["])* ["] { code = TK_QID; goto done; }
          ["] ([^"\x00] | ["]["])* { lx->error = "unterminated quoted identifier"; code = SL_TK_ILLEGAL; goto done; }
          "${" (letter | "_") (letter | digit | [_@])* "}" { code = TK_VARIABLE; goto done; }

          digit+ { code = TK_INTLIT; goto done; }
          digit+ "." digit* | "." digit+ { code = TK_DECLIT; goto done; }
          digit+ ("." digit*)? exponent | "." digit+ exponent { code = TK_FLOATLIT; goto done; }
          (letter | "_") (letter | digit | [_@])* {
                  code = sl_lex_keyword((const char *)start, (size_t)(YYCURSOR - start));
                  if (code == 0)
                          code = TK_ID;
                  goto done;
          }
          digit (letter | digit | [_@])+ { code = TK_DIGITID; goto done; }

          * { lx->error = "unrecognized character"; code = SL_TK_ILLEGAL; goto done; }
        */
unterminated:
        while (*YYCURSOR != '\0')
                YYCURSOR++;
done:
        (void)YYMARKER;
        tok->code = code;
        tok->offset = (size_t)(start - base);
        tok->len = (size_t)(YYCURSOR - start);
        tok->line = lx->line;
        tok->column = (int)(tok->offset - lx->line_start) + 1;
        if (code == SL_TK_ILLEGAL && tok->len == 0)
                tok->len = 1;
        count_lines(lx, tok->offset, tok->offset + tok->len);
        lx->pos = tok->offset + tok->len;
        return code;
}
