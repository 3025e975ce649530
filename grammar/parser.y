/* parser.y: ksqlDB's statement grammar (SqlBase.g4: `statement`, `query`, expressions, types)
 * for lemon. One statement per parse: src/sql/parse.c splits a script at top-level semicolons
 * and feeds each statement's tokens, then 0. Each action is one line calling a constructor in
 * src/sql/ast.c. Every node is allocated in the statement arena (ps->arena), so no nonterminal
 * owns memory of its own and no %destructor is needed: a syntax error drops the arena whole.
 *
 * LALR(1) versus ANTLR: a few places where ANTLR's unbounded look-ahead chose are settled here:
 * `(a)` after GROUP BY / PARTITION BY is a parenthesized expression, `(a, b)` a list; a lambda
 * `(x) => ...` is parsed as a parenthesized column followed by =>; a non-reserved keyword is
 * the keyword wherever it fits together with the next token, else an identifier (see below and
 * parse.c); a time unit is a function argument only in its reserved spellings (SECONDS, ...),
 * DAY/HOUR/MINUTE/SECOND being column names there, as ANTLR's first-alternative rule makes them. */
%name sl_parser
%token_prefix TK_
%extra_context {sl_parse *ps}
%token_type {sl_token}
%default_type {sl_ast_expr *}
%stack_size 1000
%start_symbol input

%include {
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sql/ast.h"
#include "sql/parse.h"

/* Shorthands for the actions: the statement arena and a token's position. */
#define A (ps->arena)
#define P(tok) sl_lex_pos(&(tok))
#define NONE sl_ast_duration_make(0, SL_AST_UNIT_NONE)

/* RETENTION and GRACE PERIOD of a window, collected before the window exists. */
typedef struct wopts {
        sl_ast_duration retention;  /* or unit NONE */
        sl_ast_duration grace;      /* or unit NONE */
} wopts;

/* A topic or subject: an identifier or a string literal. */
typedef struct resname {
        sl_ast_ident id;  /* the name */
        bool quoted;      /* written as 'string' */
} resname;

/* An optional integer (LIMIT n). */
typedef struct opt_int {
        bool has;   /* given */
        int64_t v;  /* its value */
} opt_int;
}

%syntax_error { sl_parse_syntax_error(ps, yymajor, &yyminor); }
%stack_overflow { sl_parse_error_at(ps, sl_lex_pos(&ps->cur), "statement is too deeply nested"); }

/* Tokens in the order error messages list them: punctuation, literals, then keywords. */
%token SEMI COMMA DOT LP RP LBRACKET RBRACKET EQ NE LT LE GT GE PLUS MINUS STAR SLASH REM CONCAT
       ASSIGN ARROW LAMBDA STRING INTLIT DECLIT FLOATLIT ID QID BQID DIGITID VARIABLE.

/* ksqlDB's nonReserved keywords (plus PAUSE and RESUME, newer than the list): they are also
 * identifiers. Not a %fallback: lemon's default reductions would let the fallback win where the
 * keyword also fits (FROM s PARTITION BY would read PARTITION as an alias). Instead parse.c feeds
 * such a keyword as itself when the parser accepts it in the current state, else as an ID. The
 * lexer's keyword table marks the same list (sl_lex_nonreserved). */
%token SHOW TABLES COLUMNS COLUMN PARTITIONS FUNCTIONS FUNCTION SESSION STRUCT MAP ARRAY
       PARTITION INTEGER DATE TIME TIMESTAMP INTERVAL ZONE KW_STRING YEAR MONTH DAY HOUR MINUTE
       SECOND EXPLAIN ANALYZE TYPE TYPES SET RESET IF SOURCE SINK PRIMARY KEY EMIT CHANGES FINAL
       ESCAPE REPLACE ASSERT ALTER ADD HEADER HEADERS GRACE PERIOD DEFINE UNDEFINE VARIABLES
       PLUGINS SYSTEM TIMEOUT SCHEMA SUBJECT KW_ID PAUSE RESUME.

/* Reserved keywords that no rule uses (ksqlDB reserves them too). */
%token SELECT FROM AS ALL DISTINCT WHERE WITHIN WINDOW GROUP BY HAVING LIMIT AT OR AND IN
       NOT EXISTS BETWEEN LIKE IS NULL TRUE FALSE MILLISECOND YEARS MONTHS DAYS HOURS MINUTES
       SECONDS MILLISECONDS TUMBLING HOPPING SIZE ADVANCE RETENTION CASE WHEN THEN ELSE END JOIN
       FULL OUTER INNER LEFT RIGHT ON WITH VALUES CREATE TABLE TOPIC STREAM STREAMS INSERT DELETE
       INTO DESCRIBE EXTENDED PRINT CAST LIST TOPICS QUERY QUERIES TERMINATE LOAD DROP TO RENAME
       SAMPLE EXPORT CATALOG PROPERTIES BEGINNING UNSET RUN SCRIPT DECIMAL CONNECTOR CONNECTORS
       NAMESPACE MATERIALIZED VIEW.

%left OR.
%left AND.
%right NOT.
%left CONCAT.
%left PLUS MINUS.
%left STAR SLASH REM.
%right UNARY.

/* ===================== a statement ===================== */
%type cmd {sl_ast_stmt *}
input ::= cmd(C) SEMI.          { ps->stmt = C; }
input ::= cmd(C).               { ps->stmt = C; }

/* ===================== identifiers and names ===================== */
%type ident {sl_ast_ident}
ident(X) ::= ID(T).             { X = sl_parse_ident(ps, &T); }
ident(X) ::= QID(T).            { X = sl_parse_ident(ps, &T); }
ident(X) ::= BQID(T).           { X = sl_parse_ident(ps, &T); }
ident(X) ::= DIGITID(T).        { X = sl_parse_ident(ps, &T); }
/* `identifier` outside expressions: also ${var} (in an expression ${var} is a literal) */
%type name {sl_ast_ident}
name(X) ::= ident(I).           { X = I; }
name(X) ::= VARIABLE(T).        { X = sl_parse_ident(ps, &T); }
%type names {sl_ast_list *}
names(L) ::= name(N).                   { L = sl_ast_list_append(A, NULL, sl_ast_ident_dup(A, N)); }
names(L) ::= names(L0) COMMA name(N).   { L = sl_ast_list_append(A, L0, sl_ast_ident_dup(A, N)); }
%type resname {resname}
resname(X) ::= name(N).         { X.id = N; X.quoted = false; }
resname(X) ::= STRING(T).       { X.id.name = sl_parse_string(ps, &T); X.id.pos = P(T); X.quoted = true; }

/* ===================== SHOW / LIST ===================== */
%type show {sl_token}
show(X) ::= SHOW(T).                        { X = T; }
show(X) ::= LIST(T).                        { X = T; }
%type ext {unsigned}
ext(F) ::= .                    { F = 0; }
ext(F) ::= EXTENDED.            { F = SL_AST_EXTENDED; }
cmd(S) ::= show(T) PROPERTIES.              { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_PROPERTIES, 0, P(T)); }
cmd(S) ::= show(T) TOPICS ext(E).           { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_TOPICS, E, P(T)); }
cmd(S) ::= show(T) ALL TOPICS ext(E).       { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_TOPICS, E | SL_AST_ALL, P(T)); }
cmd(S) ::= show(T) STREAMS ext(E).          { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_STREAMS, E, P(T)); }
cmd(S) ::= show(T) TABLES ext(E).           { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_TABLES, E, P(T)); }
cmd(S) ::= show(T) FUNCTIONS.               { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_FUNCTIONS, 0, P(T)); }
cmd(S) ::= show(T) CONNECTORS.              { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_CONNECTORS, 0, P(T)); }
cmd(S) ::= show(T) SOURCE CONNECTORS.       { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_CONNECTORS, SL_AST_SOURCE, P(T)); }
cmd(S) ::= show(T) SINK CONNECTORS.         { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_CONNECTORS, SL_AST_SINK, P(T)); }
cmd(S) ::= show(T) CONNECTOR PLUGINS.       { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_PLUGINS, 0, P(T)); }
cmd(S) ::= show(T) TYPES.                   { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_TYPES, 0, P(T)); }
cmd(S) ::= show(T) VARIABLES.               { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_VARIABLES, 0, P(T)); }
cmd(S) ::= show(T) QUERIES ext(E).          { S = sl_ast_stmt_new(A, SL_AST_STMT_LIST_QUERIES, E, P(T)); }

/* ===================== DESCRIBE ===================== */
cmd(S) ::= DESCRIBE(T) name(N) ext(E).      { S = sl_ast_stmt_named(A, SL_AST_STMT_DESCRIBE, E, P(T), N); }
cmd(S) ::= DESCRIBE(T) STREAMS ext(E).      { S = sl_ast_stmt_new(A, SL_AST_STMT_DESCRIBE_STREAMS, E, P(T)); }
cmd(S) ::= DESCRIBE(T) TABLES ext(E).       { S = sl_ast_stmt_new(A, SL_AST_STMT_DESCRIBE_TABLES, E, P(T)); }
cmd(S) ::= DESCRIBE(T) FUNCTION ident(N).   { S = sl_ast_stmt_named(A, SL_AST_STMT_DESCRIBE_FUNCTION, 0, P(T), N); }
cmd(S) ::= DESCRIBE(T) CONNECTOR ident(N).  { S = sl_ast_stmt_named(A, SL_AST_STMT_DESCRIBE_CONNECTOR, 0, P(T), N); }

/* ===================== PRINT ===================== */
%type frombeg {unsigned}
frombeg(F) ::= .                            { F = 0; }
frombeg(F) ::= FROM BEGINNING.              { F = SL_AST_FROM_BEGINNING; }
%type interval {int64_t}
interval(X) ::= .                           { X = -1; }
interval(X) ::= INTERVAL number(N).         { X = N; }
interval(X) ::= SAMPLE number(N).           { X = N; }
%type plimit {int64_t}
plimit(X) ::= .                             { X = -1; }
plimit(X) ::= LIMIT number(N).              { X = N; }
cmd(S) ::= PRINT(T) resname(R) frombeg(F) interval(I) plimit(L).   { S = sl_ast_stmt_print_topic(A, P(T), R.id, R.quoted, F, I, L); }

/* ===================== TERMINATE / PAUSE / RESUME ===================== */
cmd(S) ::= TERMINATE(T) ident(N).           { S = sl_ast_stmt_named(A, SL_AST_STMT_TERMINATE, 0, P(T), N); }
cmd(S) ::= TERMINATE(T) ALL.                { S = sl_ast_stmt_new(A, SL_AST_STMT_TERMINATE, SL_AST_ALL, P(T)); }
cmd(S) ::= PAUSE(T) ident(N).               { S = sl_ast_stmt_named(A, SL_AST_STMT_PAUSE, 0, P(T), N); }
cmd(S) ::= PAUSE(T) ALL.                    { S = sl_ast_stmt_new(A, SL_AST_STMT_PAUSE, SL_AST_ALL, P(T)); }
cmd(S) ::= RESUME(T) ident(N).              { S = sl_ast_stmt_named(A, SL_AST_STMT_RESUME, 0, P(T), N); }
cmd(S) ::= RESUME(T) ALL.                   { S = sl_ast_stmt_new(A, SL_AST_STMT_RESUME, SL_AST_ALL, P(T)); }

/* ===================== SET / UNSET / ALTER SYSTEM / DEFINE / UNDEFINE ===================== */
/* a property name or value: 'string' (unquoted here) or ${var} (kept, flagged) */
%type setword {resname}
setword(X) ::= STRING(T).                   { X.id.name = sl_parse_string(ps, &T); X.id.pos = P(T); X.quoted = true; }
setword(X) ::= VARIABLE(T).                 { X.id = sl_parse_ident(ps, &T); X.quoted = false; }
cmd(S) ::= SET(T) setword(K) EQ setword(V). { S = sl_ast_stmt_keyval(A, SL_AST_STMT_SET, (K.quoted ? 0 : SL_AST_KEY_VAR) | (V.quoted ? 0 : SL_AST_VALUE_VAR), P(T), K.id.name, V.id.name); }
cmd(S) ::= UNSET(T) setword(K).             { S = sl_ast_stmt_keyval(A, SL_AST_STMT_UNSET, K.quoted ? 0 : SL_AST_KEY_VAR, P(T), K.id.name, NULL); }
cmd(S) ::= ALTER(T) SYSTEM STRING(K) EQ STRING(V).  { S = sl_ast_stmt_keyval(A, SL_AST_STMT_ALTER_SYSTEM, 0, P(T), sl_parse_string(ps, &K), sl_parse_string(ps, &V)); }
cmd(S) ::= DEFINE(T) ID(K) EQ STRING(V).    { S = sl_ast_stmt_keyval(A, SL_AST_STMT_DEFINE, 0, P(T), sl_parse_raw(ps, &K), sl_parse_string(ps, &V)); }
cmd(S) ::= UNDEFINE(T) ID(K).               { S = sl_ast_stmt_keyval(A, SL_AST_STMT_UNDEFINE, 0, P(T), sl_parse_raw(ps, &K), NULL); }

/* ===================== CREATE STREAM / TABLE [AS SELECT] ===================== */
%type create {sl_token}
%type orrep {unsigned}
create(X) ::= CREATE(T).                    { X = T; }
orrep(F) ::= .                              { F = 0; }
orrep(F) ::= OR REPLACE.                    { F = SL_AST_OR_REPLACE; }
%type ifne {unsigned}
ifne(F) ::= .                               { F = 0; }
ifne(F) ::= IF NOT EXISTS.                  { F = SL_AST_IF_NOT_EXISTS; }
%type ife {unsigned}
ife(F) ::= .                                { F = 0; }
ife(F) ::= IF EXISTS.                       { F = SL_AST_IF_EXISTS; }
%type srcflag {unsigned}
srcflag(F) ::= .                            { F = 0; }
srcflag(F) ::= SOURCE.                      { F = SL_AST_SOURCE; }

cmd(S) ::= create(T) orrep(O) srcflag(F) STREAM ifne(I) name(N) with(W).                   { S = sl_ast_stmt_create(A, SL_AST_STMT_CREATE_STREAM, O | F | I, P(T), N, NULL, W, NULL); }
cmd(S) ::= create(T) orrep(O) srcflag(F) STREAM ifne(I) name(N) LP elems(E) RP with(W).    { S = sl_ast_stmt_create(A, SL_AST_STMT_CREATE_STREAM, O | F | I, P(T), N, E, W, NULL); }
cmd(S) ::= create(T) orrep(O) srcflag(F) STREAM ifne(I) name(N) with(W) AS query(Q).       { S = sl_parse_create_as(ps, SL_AST_STMT_CREATE_STREAM_AS, O | F | I, &T, N, W, Q); }
cmd(S) ::= create(T) orrep(O) srcflag(F) TABLE ifne(I) name(N) with(W).                    { S = sl_ast_stmt_create(A, SL_AST_STMT_CREATE_TABLE, O | F | I, P(T), N, NULL, W, NULL); }
cmd(S) ::= create(T) orrep(O) srcflag(F) TABLE ifne(I) name(N) LP elems(E) RP with(W).     { S = sl_ast_stmt_create(A, SL_AST_STMT_CREATE_TABLE, O | F | I, P(T), N, E, W, NULL); }
cmd(S) ::= create(T) orrep(O) srcflag(F) TABLE ifne(I) name(N) with(W) AS query(Q).        { S = sl_parse_create_as(ps, SL_AST_STMT_CREATE_TABLE_AS, O | F | I, &T, N, W, Q); }

/* column definitions: name type [KEY | PRIMARY KEY | HEADERS | HEADER('key')] */
%type elems {sl_ast_list *}
elems(L) ::= elem(E).                       { L = sl_ast_list_append(A, NULL, E); }
elems(L) ::= elems(L0) COMMA elem(E).       { L = sl_ast_list_append(A, L0, E); }
%type elem {sl_ast_field_def *}
elem(X) ::= name(N) type(T).                        { X = sl_ast_field_def_new(A, N, T, SL_AST_COL_VALUE, NULL); }
elem(X) ::= name(N) type(T) KEY.                    { X = sl_ast_field_def_new(A, N, T, SL_AST_COL_KEY, NULL); }
elem(X) ::= name(N) type(T) PRIMARY KEY.            { X = sl_ast_field_def_new(A, N, T, SL_AST_COL_PRIMARY_KEY, NULL); }
elem(X) ::= name(N) type(T) HEADERS.                { X = sl_ast_field_def_new(A, N, T, SL_AST_COL_HEADERS, NULL); }
elem(X) ::= name(N) type(T) HEADER LP STRING(K) RP. { X = sl_ast_field_def_new(A, N, T, SL_AST_COL_HEADER, sl_parse_string(ps, &K)); }

/* WITH (name = literal, ...) */
%type with {sl_ast_list *}
with(L) ::= .                               { L = NULL; }
with(L) ::= WITH LP props(P0) RP.           { L = P0; }
%type props {sl_ast_list *}
props(L) ::= prop(X).                       { L = sl_ast_list_append(A, NULL, X); }
props(L) ::= props(L0) COMMA prop(X).       { L = sl_ast_list_append(A, L0, X); }
%type prop {sl_ast_property *}
prop(X) ::= name(N) EQ propval(V).          { X = sl_ast_property_new(A, N, false, V); }
prop(X) ::= STRING(T) EQ propval(V).        { X = sl_ast_property_new(A, sl_parse_string_ident(ps, &T), true, V); }
propval(X) ::= literal(L).                  { X = L; }
propval(X) ::= MINUS(T) numlit(L).          { X = sl_ast_expr_negate(A, L, P(T)); }

/* ===================== CREATE / DROP CONNECTOR ===================== */
cmd(S) ::= create(T) orrep(O) SOURCE CONNECTOR ifne(I) ident(N) WITH LP props(W) RP.   { S = sl_parse_connector(ps, SL_AST_SOURCE, O, I, &T, N, W); }
cmd(S) ::= create(T) orrep(O) SINK CONNECTOR ifne(I) ident(N) WITH LP props(W) RP.     { S = sl_parse_connector(ps, SL_AST_SINK, O, I, &T, N, W); }
cmd(S) ::= DROP(T) CONNECTOR ife(I) ident(N).    { S = sl_ast_stmt_named(A, SL_AST_STMT_DROP_CONNECTOR, I, P(T), N); }

/* ===================== INSERT ===================== */
cmd(S) ::= INSERT(T) INTO name(N) with(W) query(Q).              { S = sl_ast_stmt_create(A, SL_AST_STMT_INSERT_INTO, 0, P(T), N, NULL, W, Q); }
cmd(S) ::= INSERT(T) INTO name(N) VALUES values(V).              { S = sl_ast_stmt_values(A, SL_AST_STMT_INSERT_VALUES, P(T), N, NULL, V); }
cmd(S) ::= INSERT(T) INTO name(N) LP names(C) RP VALUES values(V). { S = sl_ast_stmt_values(A, SL_AST_STMT_INSERT_VALUES, P(T), N, C, V); }
%type values {sl_ast_list *}
values(L) ::= LP RP.                        { L = sl_ast_list_new(A); }
values(L) ::= LP vlist(L0) RP.              { L = L0; }

/* ===================== DROP STREAM / TABLE / TYPE ===================== */
%type deltopic {unsigned}
deltopic(F) ::= .                           { F = 0; }
deltopic(F) ::= DELETE TOPIC.               { F = SL_AST_DELETE_TOPIC; }
cmd(S) ::= DROP(T) STREAM ife(I) name(N) deltopic(D).   { S = sl_ast_stmt_named(A, SL_AST_STMT_DROP_STREAM, I | D, P(T), N); }
cmd(S) ::= DROP(T) TABLE ife(I) name(N) deltopic(D).    { S = sl_ast_stmt_named(A, SL_AST_STMT_DROP_TABLE, I | D, P(T), N); }

/* ===================== CREATE TYPE / DROP TYPE ===================== */
cmd(S) ::= create(T) orrep(O) TYPE ifne(I) ident(N) AS type(Y).  { S = sl_parse_create_type(ps, O, I, &T, N, Y); }
cmd(S) ::= DROP(T) TYPE ife(I) ident(N).                         { S = sl_ast_stmt_named(A, SL_AST_STMT_DROP_TYPE, I, P(T), N); }

/* ===================== EXPLAIN ===================== */
cmd(S) ::= EXPLAIN(T) cmd(C).               { S = sl_ast_stmt_explain(A, P(T), C, NULL); }
cmd(S) ::= EXPLAIN(T) ident(N).             { S = sl_ast_stmt_explain(A, P(T), NULL, &N); }

/* ===================== ALTER STREAM / TABLE ===================== */
cmd(S) ::= ALTER(T) STREAM name(N) alters(E).   { S = sl_ast_stmt_create(A, SL_AST_STMT_ALTER_STREAM, 0, P(T), N, E, NULL, NULL); }
cmd(S) ::= ALTER(T) TABLE name(N) alters(E).    { S = sl_ast_stmt_create(A, SL_AST_STMT_ALTER_TABLE, 0, P(T), N, E, NULL, NULL); }
%type alters {sl_ast_list *}
alters(L) ::= alter(E).                     { L = sl_ast_list_append(A, NULL, E); }
alters(L) ::= alters(L0) COMMA alter(E).    { L = sl_ast_list_append(A, L0, E); }
%type alter {sl_ast_field_def *}
alter(X) ::= ADD name(N) type(T).           { X = sl_ast_field_def_new(A, N, T, SL_AST_COL_VALUE, NULL); }
alter(X) ::= ADD COLUMN name(N) type(T).    { X = sl_ast_field_def_new(A, N, T, SL_AST_COL_VALUE, NULL); }

/* ===================== ASSERT (server) ===================== */
%type notex {unsigned}
notex(F) ::= .                              { F = 0; }
notex(F) ::= NOT EXISTS.                    { F = SL_AST_NOT_EXISTS; }
%type timeout {sl_ast_duration}
timeout(D) ::= .                            { D = NONE; }
timeout(D) ::= TIMEOUT duration(X).         { D = X; }
%type subject {resname}
subject(X) ::= .                            { memset(&X, 0, sizeof(X)); }
subject(X) ::= SUBJECT resname(R).          { X = R; }
%type schemaid {sl_ast_expr *}
schemaid(X) ::= .                           { X = NULL; }
schemaid(X) ::= KW_ID propval(V).           { X = V; }
cmd(S) ::= ASSERT(T) notex(F) TOPIC resname(R) with(W) timeout(D).         { S = sl_ast_stmt_assert(A, SL_AST_STMT_ASSERT_TOPIC, F | (R.quoted ? SL_AST_QUOTED : 0), P(T), R.id, W, NULL, D); }
cmd(S) ::= ASSERT(T) notex(F) SCHEMA subject(R) schemaid(I) timeout(D).    { S = sl_ast_stmt_assert(A, SL_AST_STMT_ASSERT_SCHEMA, F | (R.quoted ? SL_AST_QUOTED : 0), P(T), R.id, NULL, I, D); }

/* ===================== ASSERT (test runner only) and RUN SCRIPT ===================== */
%type cols {sl_ast_list *}
cols(L) ::= .                               { L = NULL; }
cols(L) ::= LP names(L0) RP.                { L = L0; }
%type elemsopt {sl_ast_list *}
elemsopt(L) ::= .                           { L = NULL; }
elemsopt(L) ::= LP elems(L0) RP.            { L = L0; }
cmd(S) ::= ASSERT(T) VALUES name(N) cols(C) VALUES values(V).        { S = sl_ast_stmt_values(A, SL_AST_STMT_ASSERT_VALUES, P(T), N, C, V); }
cmd(S) ::= ASSERT(T) NULL VALUES name(N) cols(C) KEY values(V).      { S = sl_ast_stmt_values(A, SL_AST_STMT_ASSERT_TOMBSTONE, P(T), N, C, V); }
cmd(S) ::= ASSERT(T) STREAM name(N) elemsopt(E) with(W).             { S = sl_ast_stmt_create(A, SL_AST_STMT_ASSERT_STREAM, 0, P(T), N, E, W, NULL); }
cmd(S) ::= ASSERT(T) TABLE name(N) elemsopt(E) with(W).              { S = sl_ast_stmt_create(A, SL_AST_STMT_ASSERT_TABLE, 0, P(T), N, E, W, NULL); }
cmd(S) ::= RUN(T) SCRIPT STRING(F).         { S = sl_ast_stmt_keyval(A, SL_AST_STMT_RUN_SCRIPT, 0, P(T), NULL, sl_parse_string(ps, &F)); }

/* ===================== SELECT ===================== */
%type query {sl_ast_query *}
cmd(S) ::= query(Q).                        { S = sl_ast_stmt_create(A, SL_AST_STMT_QUERY, 0, Q->pos, Q->from.name, NULL, NULL, Q); }
query(Q) ::= SELECT(T) items(I) FROM relation(R) joins(J) window(W) where(WH) groupby(G) partby(PB) having(H) emit(E) limit(L).   { Q = sl_ast_query_make(A, P(T), I, R, J, W, WH, G, PB, H, E, L.has, L.v); }

%type items {sl_ast_list *}
items(L) ::= item(X).                       { L = sl_ast_list_append(A, NULL, X); }
items(L) ::= items(L0) COMMA item(X).       { L = sl_ast_list_append(A, L0, X); }
%type item {sl_ast_select_item *}
item(X) ::= expr(E).                        { X = sl_ast_item_new(A, SL_AST_ITEM_EXPR, E, NULL, E->pos); }
item(X) ::= expr(E) AS name(N).             { X = sl_ast_item_new(A, SL_AST_ITEM_EXPR, E, N.name, E->pos); }
item(X) ::= expr(E) name(N).                { X = sl_ast_item_new(A, SL_AST_ITEM_EXPR, E, N.name, E->pos); }
item(X) ::= STAR(T).                        { X = sl_ast_item_new(A, SL_AST_ITEM_STAR, NULL, NULL, P(T)); }
item(X) ::= ident(Q) DOT STAR.              { X = sl_ast_item_new(A, SL_AST_ITEM_SOURCE_STAR, NULL, Q.name, Q.pos); }
item(X) ::= primary(E) ARROW STAR.          { X = sl_ast_item_new(A, SL_AST_ITEM_STRUCT_STAR, E, NULL, E->pos); }

/* FROM source [[AS] alias] { [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER]] JOIN ... } */
%type relation {sl_ast_relation}
relation(R) ::= name(N).                    { R = sl_ast_relation_make(N, NULL); }
relation(R) ::= name(N) AS name(X).         { R = sl_ast_relation_make(N, &X); }
relation(R) ::= name(N) name(X).            { R = sl_ast_relation_make(N, &X); }
%type joins {sl_ast_list *}
joins(L) ::= .                              { L = NULL; }
joins(L) ::= joins(L0) join(J).             { L = sl_ast_list_append(A, L0, J); }
%type join {sl_ast_join *}
join(J) ::= jkind(K) JOIN(T) relation(R) within(W) ON expr(E).   { J = sl_ast_join_new(A, K, R, W, E, P(T)); }
%type jkind {sl_ast_join_kind}
jkind(K) ::= .                              { K = SL_AST_JOIN_INNER; }
jkind(K) ::= INNER.                         { K = SL_AST_JOIN_INNER; }
jkind(K) ::= LEFT.                          { K = SL_AST_JOIN_LEFT; }
jkind(K) ::= LEFT OUTER.                    { K = SL_AST_JOIN_LEFT; }
jkind(K) ::= RIGHT.                         { K = SL_AST_JOIN_RIGHT; }
jkind(K) ::= RIGHT OUTER.                   { K = SL_AST_JOIN_RIGHT; }
jkind(K) ::= FULL.                          { K = SL_AST_JOIN_FULL; }
jkind(K) ::= FULL OUTER.                    { K = SL_AST_JOIN_FULL; }
%type within {sl_ast_join *}
within(W) ::= .                                                  { W = NULL; }
within(W) ::= WITHIN duration(D) grace(G).                       { W = sl_ast_join_within(A, false, D, NONE, G); }
within(W) ::= WITHIN LP duration(B) COMMA duration(F) RP grace(G). { W = sl_ast_join_within(A, true, B, F, G); }
%type grace {sl_ast_duration}
grace(D) ::= .                              { D = NONE; }
grace(D) ::= GRACE PERIOD duration(X).      { D = X; }

/* WINDOW [name] TUMBLING (...) | HOPPING (...) | SESSION (...) */
%type window {sl_ast_window *}
window(W) ::= .                             { W = NULL; }
window(W) ::= WINDOW(T) wname(N) wspec(X).  { W = sl_ast_window_named(X, N, P(T)); }
%type wname {char *}
wname(N) ::= .                              { N = NULL; }
wname(N) ::= ID(T).                         { N = sl_parse_ident(ps, &T).name; }
%type wspec {sl_ast_window *}
wspec(W) ::= TUMBLING LP SIZE duration(D) wopts(O) RP.                               { W = sl_ast_window_new(A, SL_AST_WINDOW_TUMBLING, D, NONE, O.retention, O.grace); }
wspec(W) ::= HOPPING LP SIZE duration(D) COMMA ADVANCE BY duration(V) wopts(O) RP.   { W = sl_ast_window_new(A, SL_AST_WINDOW_HOPPING, D, V, O.retention, O.grace); }
wspec(W) ::= SESSION LP duration(D) wopts(O) RP.                                     { W = sl_ast_window_new(A, SL_AST_WINDOW_SESSION, D, NONE, O.retention, O.grace); }
%type wopts {wopts}
wopts(O) ::= .                                                          { O.retention = NONE; O.grace = NONE; }
wopts(O) ::= COMMA RETENTION duration(R).                               { O.retention = R; O.grace = NONE; }
wopts(O) ::= COMMA GRACE PERIOD duration(G).                            { O.retention = NONE; O.grace = G; }
wopts(O) ::= COMMA RETENTION duration(R) COMMA GRACE PERIOD duration(G). { O.retention = R; O.grace = G; }

%type duration {sl_ast_duration}
duration(D) ::= number(N) unit(U).          { D = sl_ast_duration_make(N, U); }
%type number {int64_t}
number(N) ::= INTLIT(T).                    { N = sl_parse_int(ps, &T, false); }
number(N) ::= MINUS INTLIT(T).              { N = sl_parse_int(ps, &T, true); }
%type unit {sl_ast_unit}
unit(U) ::= DAY.                            { U = SL_AST_UNIT_DAY; }
unit(U) ::= HOUR.                           { U = SL_AST_UNIT_HOUR; }
unit(U) ::= MINUTE.                         { U = SL_AST_UNIT_MINUTE; }
unit(U) ::= SECOND.                         { U = SL_AST_UNIT_SECOND; }
unit(U) ::= MILLISECOND.                    { U = SL_AST_UNIT_MILLISECOND; }
unit(U) ::= DAYS.                           { U = SL_AST_UNIT_DAYS; }
unit(U) ::= HOURS.                          { U = SL_AST_UNIT_HOURS; }
unit(U) ::= MINUTES.                        { U = SL_AST_UNIT_MINUTES; }
unit(U) ::= SECONDS.                        { U = SL_AST_UNIT_SECONDS; }
unit(U) ::= MILLISECONDS.                   { U = SL_AST_UNIT_MILLISECONDS; }

where(X) ::= .                              { X = NULL; }
where(X) ::= WHERE expr(E).                 { X = E; }
having(X) ::= .                             { X = NULL; }
having(X) ::= HAVING expr(E).               { X = E; }
%type groupby {sl_ast_list *}
groupby(L) ::= .                            { L = NULL; }
groupby(L) ::= GROUP BY glist(G).           { L = G; }
%type partby {sl_ast_list *}
partby(L) ::= .                             { L = NULL; }
partby(L) ::= PARTITION BY glist(G).        { L = G; }
/* a list, or a parenthesized list: `(a)` alone is a parenthesized expression */
%type glist {sl_ast_list *}
glist(L) ::= vlist(L0).                     { L = L0; }
glist(L) ::= LP RP.                         { L = sl_ast_list_new(A); }
glist(L) ::= LP vexpr(E) COMMA vlist(L0) RP.  { L = sl_ast_list_prepend(A, L0, E); }
%type emit {sl_ast_emit}
emit(E) ::= .                               { E = SL_AST_EMIT_NONE; }
emit(E) ::= EMIT CHANGES.                   { E = SL_AST_EMIT_CHANGES; }
emit(E) ::= EMIT FINAL.                     { E = SL_AST_EMIT_FINAL; }
%type limit {opt_int}
limit(L) ::= .                              { L.has = false; L.v = 0; }
limit(L) ::= LIMIT number(N).               { L.has = true; L.v = N; }

/* ===================== expressions ===================== */
/* boolean level: OR, AND, NOT over predicates */
expr(X) ::= expr(L) OR expr(R).             { X = sl_parse_check(ps, sl_ast_expr_binary(A, SL_AST_OP_OR, L, R)); }
expr(X) ::= expr(L) AND expr(R).            { X = sl_parse_check(ps, sl_ast_expr_binary(A, SL_AST_OP_AND, L, R)); }
expr(X) ::= NOT(T) expr(E).                 { X = sl_ast_expr_unary(A, SL_AST_OP_NOT, E, P(T)); }
expr(X) ::= pred(E).                        { X = E; }

/* predicates: one comparison, BETWEEN, IN, LIKE or IS per value expression (non-associative) */
pred(X) ::= vexpr(E).                                       { X = E; }
pred(X) ::= vexpr(L) cmpop(O) vexpr(R).                     { X = sl_parse_check(ps, sl_ast_expr_binary(A, O, L, R)); }
pred(X) ::= vexpr(E) notopt(N) BETWEEN vexpr(L) AND vexpr(H). { X = sl_ast_expr_node(A, SL_AST_BETWEEN, N, E, L, H, NULL, E->pos); }
pred(X) ::= vexpr(E) notopt(N) IN LP exprs(L) RP.           { X = sl_ast_expr_node(A, SL_AST_IN, N, E, NULL, NULL, L, E->pos); }
pred(X) ::= vexpr(E) notopt(N) LIKE vexpr(P0) escape(C).    { X = sl_ast_expr_like(A, E, N, P0, C); }
pred(X) ::= vexpr(E) IS NULL.                               { X = sl_ast_expr_node(A, SL_AST_IS_NULL, false, E, NULL, NULL, NULL, E->pos); }
pred(X) ::= vexpr(E) IS NOT NULL.                           { X = sl_ast_expr_node(A, SL_AST_IS_NULL, true, E, NULL, NULL, NULL, E->pos); }
pred(X) ::= vexpr(E) IS DISTINCT FROM vexpr(R).             { X = sl_ast_expr_node(A, SL_AST_IS_DISTINCT, false, E, R, NULL, NULL, E->pos); }
pred(X) ::= vexpr(E) IS NOT DISTINCT FROM vexpr(R).         { X = sl_ast_expr_node(A, SL_AST_IS_DISTINCT, true, E, R, NULL, NULL, E->pos); }
%type notopt {bool}
notopt(N) ::= .                             { N = false; }
notopt(N) ::= NOT.                          { N = true; }
%type escape {char *}
escape(C) ::= .                             { C = NULL; }
escape(C) ::= ESCAPE STRING(T).             { C = sl_parse_string(ps, &T); }
%type cmpop {sl_ast_op}
cmpop(O) ::= EQ.                            { O = SL_AST_OP_EQ; }
cmpop(O) ::= NE.                            { O = SL_AST_OP_NE; }
cmpop(O) ::= LT.                            { O = SL_AST_OP_LT; }
cmpop(O) ::= LE.                            { O = SL_AST_OP_LE; }
cmpop(O) ::= GT.                            { O = SL_AST_OP_GT; }
cmpop(O) ::= GE.                            { O = SL_AST_OP_GE; }

/* value level: arithmetic and || */
vexpr(X) ::= primary(E).                    { X = E; }
vexpr(X) ::= MINUS(T) vexpr(E). [UNARY]     { X = sl_ast_expr_negate(A, E, P(T)); }
vexpr(X) ::= PLUS(T) vexpr(E). [UNARY]      { X = sl_ast_expr_unary(A, SL_AST_OP_POS, E, P(T)); }
vexpr(X) ::= vexpr(L) STAR vexpr(R).        { X = sl_parse_check(ps, sl_ast_expr_binary(A, SL_AST_OP_MUL, L, R)); }
vexpr(X) ::= vexpr(L) SLASH vexpr(R).       { X = sl_parse_check(ps, sl_ast_expr_binary(A, SL_AST_OP_DIV, L, R)); }
vexpr(X) ::= vexpr(L) REM vexpr(R).         { X = sl_parse_check(ps, sl_ast_expr_binary(A, SL_AST_OP_MOD, L, R)); }
vexpr(X) ::= vexpr(L) PLUS vexpr(R).        { X = sl_parse_check(ps, sl_ast_expr_binary(A, SL_AST_OP_ADD, L, R)); }
vexpr(X) ::= vexpr(L) MINUS vexpr(R).       { X = sl_parse_check(ps, sl_ast_expr_binary(A, SL_AST_OP_SUB, L, R)); }
vexpr(X) ::= vexpr(L) CONCAT vexpr(R).      { X = sl_parse_check(ps, sl_ast_expr_binary(A, SL_AST_OP_CONCAT, L, R)); }

/* primaries */
primary(X) ::= literal(L).                  { X = L; }
primary(X) ::= ident(N) STRING(T).          { X = sl_ast_expr_text(A, SL_AST_TYPED_LIT, N.name, sl_parse_string(ps, &T), N.pos); }
primary(X) ::= DECIMAL(D) STRING(T).        { X = sl_ast_expr_text(A, SL_AST_TYPED_LIT, sl_parse_ident(ps, &D).name, sl_parse_string(ps, &T), P(D)); }
primary(X) ::= CASE(T) vexpr(E) whens(W) else(L) END.    { X = sl_ast_expr_node(A, SL_AST_CASE, false, E, L, NULL, W, P(T)); }
primary(X) ::= CASE(T) whens(W) else(L) END.             { X = sl_ast_expr_node(A, SL_AST_CASE, false, NULL, L, NULL, W, P(T)); }
primary(X) ::= CAST(T) LP expr(E) AS type(Y) RP.         { X = sl_ast_expr_cast(A, E, Y, P(T)); }
primary(X) ::= ARRAY(T) LBRACKET RBRACKET.               { X = sl_ast_expr_node(A, SL_AST_ARRAY, false, NULL, NULL, NULL, sl_ast_list_new(A), P(T)); }
primary(X) ::= ARRAY(T) LBRACKET exprs(L) RBRACKET.      { X = sl_ast_expr_node(A, SL_AST_ARRAY, false, NULL, NULL, NULL, L, P(T)); }
primary(X) ::= MAP(T) LP RP.                             { X = sl_ast_expr_node(A, SL_AST_MAP, false, NULL, NULL, NULL, sl_ast_list_new(A), P(T)); }
primary(X) ::= MAP(T) LP entries(L) RP.                  { X = sl_ast_expr_node(A, SL_AST_MAP, false, NULL, NULL, NULL, L, P(T)); }
primary(X) ::= STRUCT(T) LP RP.                          { X = sl_ast_expr_node(A, SL_AST_STRUCT, false, NULL, NULL, NULL, sl_ast_list_new(A), P(T)); }
primary(X) ::= STRUCT(T) LP sfields(L) RP.               { X = sl_ast_expr_node(A, SL_AST_STRUCT, false, NULL, NULL, NULL, L, P(T)); }
primary(X) ::= ident(N) LP STAR RP.                      { X = sl_ast_expr_call(A, N, NULL, true); }
primary(X) ::= ident(N) LP RP.                           { X = sl_ast_expr_call(A, N, NULL, false); }
primary(X) ::= ident(N) LP args(L) RP.                   { X = sl_ast_expr_call(A, N, L, false); }
primary(X) ::= primary(E) LBRACKET vexpr(I) RBRACKET.    { X = sl_parse_check(ps, sl_ast_expr_node(A, SL_AST_SUBSCRIPT, false, E, I, NULL, NULL, E->pos)); }
primary(X) ::= ident(N).                                 { X = sl_ast_expr_column(A, NULL, N); }
primary(X) ::= ident(Q) DOT ident(N).                    { X = sl_ast_expr_column(A, Q.name, sl_ast_ident_at(N, Q.pos)); }
primary(X) ::= primary(E) ARROW ident(N).                { X = sl_parse_check(ps, sl_ast_expr_deref(A, E, N)); }
primary(X) ::= LP expr(E) RP.                            { X = E; }

literal(X) ::= NULL(T).                     { X = sl_ast_expr_new(A, SL_AST_NULL, P(T)); }
literal(X) ::= TRUE(T).                     { X = sl_ast_expr_bool(A, true, P(T)); }
literal(X) ::= FALSE(T).                    { X = sl_ast_expr_bool(A, false, P(T)); }
literal(X) ::= STRING(T).                   { X = sl_ast_expr_text(A, SL_AST_STRING, NULL, sl_parse_string(ps, &T), P(T)); }
literal(X) ::= VARIABLE(T).                 { X = sl_ast_expr_text(A, SL_AST_VARIABLE, sl_parse_ident(ps, &T).name, NULL, P(T)); }
literal(X) ::= numlit(L).                   { X = L; }
numlit(X) ::= INTLIT(T).                    { X = sl_parse_number(ps, SL_AST_INTEGER, &T); }
numlit(X) ::= DECLIT(T).                    { X = sl_parse_number(ps, SL_AST_DECIMAL, &T); }
numlit(X) ::= FLOATLIT(T).                  { X = sl_parse_number(ps, SL_AST_DOUBLE, &T); }

%type whens {sl_ast_list *}
whens(L) ::= when(W).                       { L = sl_ast_list_append(A, NULL, W); }
whens(L) ::= whens(L0) when(W).             { L = sl_ast_list_append(A, L0, W); }
when(X) ::= WHEN(T) expr(C) THEN expr(R).   { X = sl_ast_expr_node(A, SL_AST_WHEN, false, C, R, NULL, NULL, P(T)); }
else(X) ::= .                               { X = NULL; }
else(X) ::= ELSE expr(E).                   { X = E; }

%type exprs {sl_ast_list *}
exprs(L) ::= expr(E).                       { L = sl_ast_list_append(A, NULL, E); }
exprs(L) ::= exprs(L0) COMMA expr(E).       { L = sl_ast_list_append(A, L0, E); }
%type vlist {sl_ast_list *}
vlist(L) ::= vexpr(E).                      { L = sl_ast_list_append(A, NULL, E); }
vlist(L) ::= vlist(L0) COMMA vexpr(E).      { L = sl_ast_list_append(A, L0, E); }
%type entries {sl_ast_list *}
entries(L) ::= entry(E).                    { L = sl_ast_list_append(A, NULL, E); }
entries(L) ::= entries(L0) COMMA entry(E).  { L = sl_ast_list_append(A, L0, E); }
entry(X) ::= expr(K) ASSIGN expr(V).        { X = sl_ast_expr_node(A, SL_AST_ENTRY, false, K, V, NULL, NULL, K->pos); }
%type sfields {sl_ast_list *}
sfields(L) ::= sfield(E).                   { L = sl_ast_list_append(A, NULL, E); }
sfields(L) ::= sfields(L0) COMMA sfield(E). { L = sl_ast_list_append(A, L0, E); }
sfield(X) ::= ident(N) ASSIGN expr(V).      { X = sl_ast_expr_field(A, N, V); }

/* function arguments: expressions, reserved time units, lambdas */
%type args {sl_ast_list *}
args(L) ::= arg(E).                         { L = sl_ast_list_append(A, NULL, E); }
args(L) ::= args(L0) COMMA arg(E).          { L = sl_ast_list_append(A, L0, E); }
arg(X) ::= expr(E).                         { X = E; }
arg(X) ::= argunit(U).                      { X = U; }
arg(X) ::= ident(N) LAMBDA expr(B).         { X = sl_ast_expr_lambda(A, sl_ast_list_append(A, NULL, N.name), B, N.pos); }
arg(X) ::= LP(T) expr(P0) RP LAMBDA expr(B). { X = sl_parse_lambda1(ps, &T, P0, B); }
arg(X) ::= LP(T) ident(N) COMMA params(L) RP LAMBDA expr(B). { X = sl_ast_expr_lambda(A, sl_ast_list_prepend(A, L, N.name), B, P(T)); }
%type params {sl_ast_list *}
params(L) ::= ident(N).                     { L = sl_ast_list_append(A, NULL, N.name); }
params(L) ::= params(L0) COMMA ident(N).    { L = sl_ast_list_append(A, L0, N.name); }
argunit(X) ::= MILLISECOND(T).              { X = sl_ast_expr_text(A, SL_AST_UNIT, sl_parse_ident(ps, &T).name, NULL, P(T)); }
argunit(X) ::= DAYS(T).                     { X = sl_ast_expr_text(A, SL_AST_UNIT, sl_parse_ident(ps, &T).name, NULL, P(T)); }
argunit(X) ::= HOURS(T).                    { X = sl_ast_expr_text(A, SL_AST_UNIT, sl_parse_ident(ps, &T).name, NULL, P(T)); }
argunit(X) ::= MINUTES(T).                  { X = sl_ast_expr_text(A, SL_AST_UNIT, sl_parse_ident(ps, &T).name, NULL, P(T)); }
argunit(X) ::= SECONDS(T).                  { X = sl_ast_expr_text(A, SL_AST_UNIT, sl_parse_ident(ps, &T).name, NULL, P(T)); }
argunit(X) ::= MILLISECONDS(T).             { X = sl_ast_expr_text(A, SL_AST_UNIT, sl_parse_ident(ps, &T).name, NULL, P(T)); }

/* ===================== types ===================== */
%type type {sl_ast_type *}
type(X) ::= type(E) ARRAY.                              { X = sl_parse_check_type(ps, sl_ast_type_array(A, E, E->pos)); }
type(X) ::= ARRAY(T) LT type(E) GT.                     { X = sl_ast_type_array(A, E, P(T)); }
type(X) ::= MAP(T) LT type(K) COMMA type(V) GT.         { X = sl_ast_type_map(A, K, V, P(T)); }
type(X) ::= STRUCT(T) LT GT.                            { X = sl_ast_type_struct(A, NULL, P(T)); }
type(X) ::= STRUCT(T) LT tfields(L) GT.                 { X = sl_ast_type_struct(A, L, P(T)); }
type(X) ::= DECIMAL(T) LP number(P0) COMMA number(S) RP. { X = sl_ast_type_decimal(A, P0, S, P(T)); }
type(X) ::= ident(N).                                   { X = sl_ast_type_named(A, N, NULL); }
type(X) ::= ident(N) LP tparams(L) RP.                  { X = sl_ast_type_named(A, N, L); }
%type tfields {sl_ast_list *}
tfields(L) ::= tfield(F).                   { L = sl_ast_list_append(A, NULL, F); }
tfields(L) ::= tfields(L0) COMMA tfield(F). { L = sl_ast_list_append(A, L0, F); }
%type tfield {sl_ast_field_def *}
tfield(X) ::= ident(N) type(T).             { X = sl_ast_field_def_new(A, N, T, SL_AST_COL_VALUE, NULL); }
%type tparams {sl_ast_list *}
tparams(L) ::= tparam(P0).                  { L = sl_ast_list_append(A, NULL, P0); }
tparams(L) ::= tparams(L0) COMMA tparam(P0). { L = sl_ast_list_append(A, L0, P0); }
%type tparam {char *}
tparam(X) ::= INTLIT(T).                    { X = sl_parse_ident(ps, &T).name; }
tparam(X) ::= KW_STRING(T).                 { X = sl_parse_ident(ps, &T).name; }

%code {
/* Would the parser, in its current state, take the terminals `toks[0..n)` in turn (each after
 * whatever reductions it triggers)? Replays shifts and reductions on a copy of the state stack;
 * `stk` has room for the stack plus 64 entries. Lemon itself offers no such query; its tables
 * do. A 0 (end of input) is accepted when the parser would accept the statement there. */
static bool accepts(const yyParser *p, const int *toks, int n, YYACTIONTYPE *stk)
{
        int depth = (int)(p->yytos - p->yystack) + 1, top = depth - 1, steps = 0, i;
        YYACTIONTYPE act;

        for (i = 0; i < depth; i++)
                stk[i] = p->yystack[i].stateno;
        for (i = 0; i < n; i++) {
                int t = toks[i];
                if (t < 0 || t >= YYNTOKEN)
                        return false;
                for (;;) {
                        if (++steps > 10000)
                                return false;
                        act = yy_find_shift_action((YYCODETYPE)t, stk[top]);
                        if (act >= YY_MIN_REDUCE && act <= YY_MAX_REDUCE) {
                                unsigned rule = act - YY_MIN_REDUCE;
                                int base = top + yyRuleInfoNRhs[rule];
                                if (base < 0 || base + 1 >= depth + 64)
                                        return false;
                                top = base + 1;
                                stk[top] = yy_find_reduce_action(stk[base], (YYCODETYPE)yyRuleInfoLhs[rule]);
                                continue;
                        }
                        if (act == YY_ACCEPT_ACTION)
                                return true;
                        if (act > YY_MAX_SHIFTREDUCE)
                                return false;
                        /* shift: a shift-reduce leaves its pending reduce as the state */
                        if (top + 1 >= depth + 64)
                                return false;
                        stk[++top] = act > YY_MAX_SHIFT ? (YYACTIONTYPE)(act + YY_MIN_REDUCE - YY_MIN_SHIFTREDUCE) : act;
                        break;
                }
        }
        return true;
}

int sl_parser_expected(void *parser, bool *ok, int n)
{
        yyParser *p = parser;
        YYACTIONTYPE *stk = malloc(((size_t)(p->yytos - p->yystack) + 65) * sizeof(*stk));
        int t;

        for (t = 0; t < n; t++)
                ok[t] = t > 0 && t < YYNTOKEN && accepts(p, &t, 1, stk);
        free(stk);
        return YYNTOKEN;
}

bool sl_parser_accepts(void *parser, const int *codes, int n)
{
        yyParser *p = parser;
        size_t need = (size_t)(p->yytos - p->yystack) + 65;
        YYACTIONTYPE local[256];
        YYACTIONTYPE *stk = need <= 256 ? local : malloc(need * sizeof(*stk));
        bool ok = accepts(p, codes, n, stk);

        if (stk != local)
                free(stk);
        return ok;
}
}
