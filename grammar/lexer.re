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
        bool nonreserved;    /* ksqlDB's nonReserved: may also be an identifier */
} keyword;

static const keyword keywords[] = {
        {"ADD", "'ADD'", TK_ADD, true},
        {"ADVANCE", "'ADVANCE'", TK_ADVANCE, false},
        {"ALL", "'ALL'", TK_ALL, false},
        {"ALTER", "'ALTER'", TK_ALTER, true},
        {"ANALYZE", "'ANALYZE'", TK_ANALYZE, true},
        {"AND", "'AND'", TK_AND, false},
        {"ARRAY", "'ARRAY'", TK_ARRAY, true},
        {"AS", "'AS'", TK_AS, false},
        {"ASSERT", "'ASSERT'", TK_ASSERT, true},
        {"AT", "'AT'", TK_AT, false},
        {"BEGINNING", "'BEGINNING'", TK_BEGINNING, false},
        {"BETWEEN", "'BETWEEN'", TK_BETWEEN, false},
        {"BY", "'BY'", TK_BY, false},
        {"CASE", "'CASE'", TK_CASE, false},
        {"CAST", "'CAST'", TK_CAST, false},
        {"CATALOG", "'CATALOG'", TK_CATALOG, false},
        {"CHANGES", "'CHANGES'", TK_CHANGES, true},
        {"COLUMN", "'COLUMN'", TK_COLUMN, true},
        {"COLUMNS", "'COLUMNS'", TK_COLUMNS, true},
        {"CONNECTOR", "'CONNECTOR'", TK_CONNECTOR, false},
        {"CONNECTORS", "'CONNECTORS'", TK_CONNECTORS, false},
        {"CREATE", "'CREATE'", TK_CREATE, false},
        {"DATE", "'DATE'", TK_DATE, true},
        {"DAY", "'DAY'", TK_DAY, true},
        {"DAYS", "'DAYS'", TK_DAYS, false},
        {"DECIMAL", "'DECIMAL'", TK_DECIMAL, false},
        {"DEFINE", "'DEFINE'", TK_DEFINE, true},
        {"DELETE", "'DELETE'", TK_DELETE, false},
        {"DESCRIBE", "'DESCRIBE'", TK_DESCRIBE, false},
        {"DISTINCT", "'DISTINCT'", TK_DISTINCT, false},
        {"DROP", "'DROP'", TK_DROP, false},
        {"ELSE", "'ELSE'", TK_ELSE, false},
        {"EMIT", "'EMIT'", TK_EMIT, true},
        {"END", "'END'", TK_END, false},
        {"ESCAPE", "'ESCAPE'", TK_ESCAPE, true},
        {"EXISTS", "'EXISTS'", TK_EXISTS, false},
        {"EXPLAIN", "'EXPLAIN'", TK_EXPLAIN, true},
        {"EXPORT", "'EXPORT'", TK_EXPORT, false},
        {"EXTENDED", "'EXTENDED'", TK_EXTENDED, false},
        {"FALSE", "'FALSE'", TK_FALSE, false},
        {"FINAL", "'FINAL'", TK_FINAL, true},
        {"FROM", "'FROM'", TK_FROM, false},
        {"FULL", "'FULL'", TK_FULL, false},
        {"FUNCTION", "'FUNCTION'", TK_FUNCTION, true},
        {"FUNCTIONS", "'FUNCTIONS'", TK_FUNCTIONS, true},
        {"GRACE", "'GRACE'", TK_GRACE, true},
        {"GROUP", "'GROUP'", TK_GROUP, false},
        {"HAVING", "'HAVING'", TK_HAVING, false},
        {"HEADER", "'HEADER'", TK_HEADER, true},
        {"HEADERS", "'HEADERS'", TK_HEADERS, true},
        {"HOPPING", "'HOPPING'", TK_HOPPING, false},
        {"HOUR", "'HOUR'", TK_HOUR, true},
        {"HOURS", "'HOURS'", TK_HOURS, false},
        {"ID", "'ID'", TK_KW_ID, true},
        {"IF", "'IF'", TK_IF, true},
        {"IN", "'IN'", TK_IN, false},
        {"INNER", "'INNER'", TK_INNER, false},
        {"INSERT", "'INSERT'", TK_INSERT, false},
        {"INTEGER", "'INTEGER'", TK_INTEGER, true},
        {"INTERVAL", "'INTERVAL'", TK_INTERVAL, true},
        {"INTO", "'INTO'", TK_INTO, false},
        {"IS", "'IS'", TK_IS, false},
        {"JOIN", "'JOIN'", TK_JOIN, false},
        {"KEY", "'KEY'", TK_KEY, true},
        {"LEFT", "'LEFT'", TK_LEFT, false},
        {"LIKE", "'LIKE'", TK_LIKE, false},
        {"LIMIT", "'LIMIT'", TK_LIMIT, false},
        {"LIST", "'LIST'", TK_LIST, false},
        {"LOAD", "'LOAD'", TK_LOAD, false},
        {"MAP", "'MAP'", TK_MAP, true},
        {"MATERIALIZED", "'MATERIALIZED'", TK_MATERIALIZED, false},
        {"MILLISECOND", "'MILLISECOND'", TK_MILLISECOND, false},
        {"MILLISECONDS", "'MILLISECONDS'", TK_MILLISECONDS, false},
        {"MINUTE", "'MINUTE'", TK_MINUTE, true},
        {"MINUTES", "'MINUTES'", TK_MINUTES, false},
        {"MONTH", "'MONTH'", TK_MONTH, true},
        {"MONTHS", "'MONTHS'", TK_MONTHS, false},
        {"NAMESPACE", "'NAMESPACE'", TK_NAMESPACE, false},
        {"NOT", "'NOT'", TK_NOT, false},
        {"NULL", "'NULL'", TK_NULL, false},
        {"ON", "'ON'", TK_ON, false},
        {"OR", "'OR'", TK_OR, false},
        {"OUTER", "'OUTER'", TK_OUTER, false},
        {"PARTITION", "'PARTITION'", TK_PARTITION, true},
        {"PARTITIONS", "'PARTITIONS'", TK_PARTITIONS, true},
        {"PAUSE", "'PAUSE'", TK_PAUSE, true},
        {"PERIOD", "'PERIOD'", TK_PERIOD, true},
        {"PLUGINS", "'PLUGINS'", TK_PLUGINS, true},
        {"PRIMARY", "'PRIMARY'", TK_PRIMARY, true},
        {"PRINT", "'PRINT'", TK_PRINT, false},
        {"PROPERTIES", "'PROPERTIES'", TK_PROPERTIES, false},
        {"QUERIES", "'QUERIES'", TK_QUERIES, false},
        {"QUERY", "'QUERY'", TK_QUERY, false},
        {"RENAME", "'RENAME'", TK_RENAME, false},
        {"REPLACE", "'REPLACE'", TK_REPLACE, true},
        {"RESET", "'RESET'", TK_RESET, true},
        {"RESUME", "'RESUME'", TK_RESUME, true},
        {"RETENTION", "'RETENTION'", TK_RETENTION, false},
        {"RIGHT", "'RIGHT'", TK_RIGHT, false},
        {"RUN", "'RUN'", TK_RUN, false},
        {"SAMPLE", "'SAMPLE'", TK_SAMPLE, false},
        {"SCHEMA", "'SCHEMA'", TK_SCHEMA, true},
        {"SCRIPT", "'SCRIPT'", TK_SCRIPT, false},
        {"SECOND", "'SECOND'", TK_SECOND, true},
        {"SECONDS", "'SECONDS'", TK_SECONDS, false},
        {"SELECT", "'SELECT'", TK_SELECT, false},
        {"SESSION", "'SESSION'", TK_SESSION, true},
        {"SET", "'SET'", TK_SET, true},
        {"SHOW", "'SHOW'", TK_SHOW, true},
        {"SINK", "'SINK'", TK_SINK, true},
        {"SIZE", "'SIZE'", TK_SIZE, false},
        {"SOURCE", "'SOURCE'", TK_SOURCE, true},
        {"STREAM", "'STREAM'", TK_STREAM, false},
        {"STREAMS", "'STREAMS'", TK_STREAMS, false},
        {"STRING", "'STRING'", TK_KW_STRING, true},
        {"STRUCT", "'STRUCT'", TK_STRUCT, true},
        {"SUBJECT", "'SUBJECT'", TK_SUBJECT, true},
        {"SYSTEM", "'SYSTEM'", TK_SYSTEM, true},
        {"TABLE", "'TABLE'", TK_TABLE, false},
        {"TABLES", "'TABLES'", TK_TABLES, true},
        {"TERMINATE", "'TERMINATE'", TK_TERMINATE, false},
        {"THEN", "'THEN'", TK_THEN, false},
        {"TIME", "'TIME'", TK_TIME, true},
        {"TIMEOUT", "'TIMEOUT'", TK_TIMEOUT, true},
        {"TIMESTAMP", "'TIMESTAMP'", TK_TIMESTAMP, true},
        {"TO", "'TO'", TK_TO, false},
        {"TOPIC", "'TOPIC'", TK_TOPIC, false},
        {"TOPICS", "'TOPICS'", TK_TOPICS, false},
        {"TRUE", "'TRUE'", TK_TRUE, false},
        {"TUMBLING", "'TUMBLING'", TK_TUMBLING, false},
        {"TYPE", "'TYPE'", TK_TYPE, true},
        {"TYPES", "'TYPES'", TK_TYPES, true},
        {"UNDEFINE", "'UNDEFINE'", TK_UNDEFINE, true},
        {"UNSET", "'UNSET'", TK_UNSET, false},
        {"VALUES", "'VALUES'", TK_VALUES, false},
        {"VARIABLES", "'VARIABLES'", TK_VARIABLES, true},
        {"VIEW", "'VIEW'", TK_VIEW, false},
        {"WHEN", "'WHEN'", TK_WHEN, false},
        {"WHERE", "'WHERE'", TK_WHERE, false},
        {"WINDOW", "'WINDOW'", TK_WINDOW, false},
        {"WITH", "'WITH'", TK_WITH, false},
        {"WITHIN", "'WITHIN'", TK_WITHIN, false},
        {"YEAR", "'YEAR'", TK_YEAR, true},
        {"YEARS", "'YEARS'", TK_YEARS, false},
        {"ZONE", "'ZONE'", TK_ZONE, true},
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

/* The same flag indexed by code, for the parse driver's per-token question. */
_Static_assert(TK_UNARY < 256, "token codes fit the tables");
static const bool nonreserved_codes[256] = {
        [TK_ADD] = true,
        [TK_ALTER] = true,
        [TK_ANALYZE] = true,
        [TK_ARRAY] = true,
        [TK_ASSERT] = true,
        [TK_CHANGES] = true,
        [TK_COLUMN] = true,
        [TK_COLUMNS] = true,
        [TK_DATE] = true,
        [TK_DAY] = true,
        [TK_DEFINE] = true,
        [TK_EMIT] = true,
        [TK_ESCAPE] = true,
        [TK_EXPLAIN] = true,
        [TK_FINAL] = true,
        [TK_FUNCTION] = true,
        [TK_FUNCTIONS] = true,
        [TK_GRACE] = true,
        [TK_HEADER] = true,
        [TK_HEADERS] = true,
        [TK_HOUR] = true,
        [TK_KW_ID] = true,
        [TK_IF] = true,
        [TK_INTEGER] = true,
        [TK_INTERVAL] = true,
        [TK_KEY] = true,
        [TK_MAP] = true,
        [TK_MINUTE] = true,
        [TK_MONTH] = true,
        [TK_PARTITION] = true,
        [TK_PARTITIONS] = true,
        [TK_PAUSE] = true,
        [TK_PERIOD] = true,
        [TK_PLUGINS] = true,
        [TK_PRIMARY] = true,
        [TK_REPLACE] = true,
        [TK_RESET] = true,
        [TK_RESUME] = true,
        [TK_SCHEMA] = true,
        [TK_SECOND] = true,
        [TK_SESSION] = true,
        [TK_SET] = true,
        [TK_SHOW] = true,
        [TK_SINK] = true,
        [TK_SOURCE] = true,
        [TK_KW_STRING] = true,
        [TK_STRUCT] = true,
        [TK_SUBJECT] = true,
        [TK_SYSTEM] = true,
        [TK_TABLES] = true,
        [TK_TIME] = true,
        [TK_TIMEOUT] = true,
        [TK_TIMESTAMP] = true,
        [TK_TYPE] = true,
        [TK_TYPES] = true,
        [TK_UNDEFINE] = true,
        [TK_VARIABLES] = true,
        [TK_YEAR] = true,
        [TK_ZONE] = true,
};

bool sl_lex_nonreserved(int code)
{
        if (code <= 0 || (size_t)code >= sizeof(nonreserved_codes))
                return false;
        return nonreserved_codes[code];
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
