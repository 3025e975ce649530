/* ast.h: the syntax tree of one SQL statement, as grammar/parser.y builds it. Every node of a
 * statement lives in the statement's arena (sl_ast_stmt.arena), so a statement, however large or
 * however partially built when a syntax error struck, is freed by one sl_ast_stmt_free.
 *
 * The tree is syntax only: names are not resolved, types are kept as written (sl_ast_type, custom
 * type names included, since CREATE TYPE names are resolved later by the analyzer), and numeric
 * literals keep their source text. Identifiers are already normalized: unquoted ones upper-cased,
 * quoted ones unquoted with their case kept (ksqlDB's rules). Nodes are flat structs with a kind;
 * the fields a kind uses are listed next to the kind. */
#ifndef SL_SQL_AST_H
#define SL_SQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"

typedef struct sl_ast_expr sl_ast_expr;
typedef struct sl_ast_type sl_ast_type;
typedef struct sl_ast_query sl_ast_query;
typedef struct sl_ast_stmt sl_ast_stmt;

/* A growable array of node pointers, allocated in the statement arena. NULL is an empty list
 * wherever a list is optional, except where a field comment says "NULL: absent". */
typedef struct sl_ast_list {
        void **items;  /* element pointers; their type depends on the list's owner */
        size_t len;    /* number of elements */
        size_t cap;    /* allocated slots */
} sl_ast_list;

/* An identifier as written, normalized. */
typedef struct sl_ast_ident {
        char *name;  /* arena string; "${v}" for an unsubstituted variable */
        sl_pos pos;  /* where it starts */
} sl_ast_ident;

/* ---- types ---- */
typedef enum sl_ast_type_kind {
        SL_AST_TYPE_BOOLEAN,
        SL_AST_TYPE_INT,        /* INT, INTEGER */
        SL_AST_TYPE_BIGINT,
        SL_AST_TYPE_DOUBLE,
        SL_AST_TYPE_DECIMAL,    /* precision, scale */
        SL_AST_TYPE_STRING,     /* STRING, VARCHAR */
        SL_AST_TYPE_BYTES,
        SL_AST_TYPE_DATE,
        SL_AST_TYPE_TIME,
        SL_AST_TYPE_TIMESTAMP,
        SL_AST_TYPE_ARRAY,      /* elem */
        SL_AST_TYPE_MAP,        /* key, elem */
        SL_AST_TYPE_STRUCT,     /* fields: sl_ast_field_def* */
        SL_AST_TYPE_CUSTOM,     /* name: a CREATE TYPE name, resolved by the analyzer */
} sl_ast_type_kind;

struct sl_ast_type {
        sl_ast_type_kind kind;
        sl_pos pos;            /* where the type starts */
        int precision;         /* DECIMAL */
        int scale;             /* DECIMAL */
        sl_ast_type *elem;     /* ARRAY element, MAP value */
        sl_ast_type *key;      /* MAP key */
        sl_ast_list *fields;   /* STRUCT: sl_ast_field_def* in order */
        char *name;            /* CUSTOM name */
        sl_ast_list *params;   /* `NAME(p, ...)` parameters as written (char*), or NULL */
        unsigned depth;        /* 1 + the deepest nested type; not compared by equality */
};

/* A named, typed member: a STRUCT field, or a table element (column definition). */
typedef enum sl_ast_constraint {
        SL_AST_COL_VALUE,        /* no constraint */
        SL_AST_COL_KEY,          /* KEY (streams) */
        SL_AST_COL_PRIMARY_KEY,  /* PRIMARY KEY (tables) */
        SL_AST_COL_HEADERS,      /* HEADERS: all headers */
        SL_AST_COL_HEADER,       /* HEADER('key'): header_key */
} sl_ast_constraint;

typedef struct sl_ast_field_def {
        sl_ast_ident name;             /* field / column name */
        sl_ast_type *type;             /* its type */
        sl_ast_constraint constraint;  /* columns only; SL_AST_COL_VALUE for struct fields */
        char *header_key;              /* HEADER('key'), unquoted */
} sl_ast_field_def;

/* ---- expressions ---- */
typedef enum sl_ast_expr_kind {
        SL_AST_NULL,          /* NULL */
        SL_AST_BOOL,          /* TRUE/FALSE: bval */
        SL_AST_INTEGER,       /* ival, text (digits, "-" when negative) */
        SL_AST_DECIMAL,       /* text as written ("1.50", ".5", "-2."): DECIMAL in ksqlDB */
        SL_AST_DOUBLE,        /* text as written ("1.5E2"), dval */
        SL_AST_STRING,        /* text: unquoted value */
        SL_AST_TYPED_LIT,     /* name STRING, e.g. DECIMAL '1.2': name, text */
        SL_AST_VARIABLE,      /* ${v} in a literal position: name ("v") */
        SL_AST_COLUMN,        /* [qual.]name */
        SL_AST_DEREF,         /* a->name */
        SL_AST_SUBSCRIPT,     /* a[b] */
        SL_AST_CALL,          /* name(list) or name(*) when star */
        SL_AST_UNIT,          /* a time-unit function argument (SECONDS): name */
        SL_AST_UNARY,         /* op a (NEG, POS, NOT) */
        SL_AST_BINARY,        /* a op b */
        SL_AST_BETWEEN,       /* a [NOT] BETWEEN b AND c */
        SL_AST_IN,            /* a [NOT] IN (list) */
        SL_AST_LIKE,          /* a [NOT] LIKE b [ESCAPE text] */
        SL_AST_IS_NULL,       /* a IS [NOT] NULL */
        SL_AST_IS_DISTINCT,   /* a IS [NOT] DISTINCT FROM b */
        SL_AST_CASE,          /* CASE [a] list-of-WHEN [ELSE b] END */
        SL_AST_WHEN,          /* WHEN a THEN b (only inside CASE) */
        SL_AST_CAST,          /* CAST(a AS type) */
        SL_AST_ARRAY,         /* ARRAY[list] */
        SL_AST_MAP,           /* MAP(list-of-ENTRY) */
        SL_AST_ENTRY,         /* a := b (only inside MAP) */
        SL_AST_STRUCT,        /* STRUCT(list-of-FIELD) */
        SL_AST_FIELD,         /* name := a (only inside STRUCT) */
        SL_AST_LAMBDA,        /* (list of char* params) => a */
} sl_ast_expr_kind;

typedef enum sl_ast_op {
        SL_AST_OP_NONE,
        SL_AST_OP_NEG, SL_AST_OP_POS, SL_AST_OP_NOT,                 /* unary */
        SL_AST_OP_ADD, SL_AST_OP_SUB, SL_AST_OP_MUL, SL_AST_OP_DIV, SL_AST_OP_MOD,
        SL_AST_OP_CONCAT,                                            /* || */
        SL_AST_OP_EQ, SL_AST_OP_NE, SL_AST_OP_LT, SL_AST_OP_LE, SL_AST_OP_GT, SL_AST_OP_GE,
        SL_AST_OP_AND, SL_AST_OP_OR,
} sl_ast_op;

struct sl_ast_expr {
        sl_ast_expr_kind kind;
        sl_ast_op op;          /* UNARY, BINARY */
        bool negated;          /* NOT BETWEEN / NOT IN / NOT LIKE / IS NOT ... */
        bool star;             /* CALL: f(*) */
        bool bval;             /* BOOL */
        int64_t ival;          /* INTEGER */
        double dval;           /* DOUBLE */
        sl_pos pos;            /* where the expression starts */
        char *name;            /* COLUMN, DEREF, CALL, UNIT, FIELD, TYPED_LIT, VARIABLE */
        char *qual;            /* COLUMN: source qualifier or NULL */
        char *text;            /* literals; LIKE escape (NULL: none) */
        sl_ast_expr *a, *b, *c;  /* operands, see the kinds */
        sl_ast_list *list;     /* arguments, IN list, WHENs, elements, entries, fields, params */
        sl_ast_type *type;     /* CAST target */
        unsigned depth;        /* 1 + the deepest operand (lists, types included); not compared */
};

/* Deepest expression or type nesting the parser accepts: printing, comparing and analysing trees
 * recurse, and left-recursive chains (a+b+c..., x[1][1]..., INT ARRAY ARRAY...) do not deepen the
 * parser's stack, so the limit is enforced on the trees. */
#define SL_AST_MAX_DEPTH 1000

/* ---- queries ---- */
typedef enum sl_ast_unit {
        SL_AST_UNIT_NONE,
        SL_AST_UNIT_DAY, SL_AST_UNIT_HOUR, SL_AST_UNIT_MINUTE, SL_AST_UNIT_SECOND,
        SL_AST_UNIT_MILLISECOND,
        SL_AST_UNIT_DAYS, SL_AST_UNIT_HOURS, SL_AST_UNIT_MINUTES, SL_AST_UNIT_SECONDS,
        SL_AST_UNIT_MILLISECONDS,
} sl_ast_unit;

/* `n unit`, e.g. 5 SECONDS. */
typedef struct sl_ast_duration {
        int64_t n;         /* amount as written (may be negative: the analyzer rejects it) */
        sl_ast_unit unit;  /* SL_AST_UNIT_NONE: the duration is absent */
} sl_ast_duration;

typedef enum sl_ast_window_kind {
        SL_AST_WINDOW_TUMBLING, SL_AST_WINDOW_HOPPING, SL_AST_WINDOW_SESSION,
} sl_ast_window_kind;

typedef struct sl_ast_window {
        sl_ast_window_kind kind;
        sl_pos pos;                 /* of WINDOW */
        char *name;                 /* optional identifier before the kind, or NULL */
        sl_ast_duration size;       /* SIZE (the gap for SESSION) */
        sl_ast_duration advance;    /* HOPPING's ADVANCE BY */
        sl_ast_duration retention;  /* RETENTION, or unit NONE */
        sl_ast_duration grace;      /* GRACE PERIOD, or unit NONE */
} sl_ast_window;

/* A source in FROM or JOIN. */
typedef struct sl_ast_relation {
        sl_ast_ident name;  /* source name */
        char *alias;        /* AS alias, or NULL */
} sl_ast_relation;

typedef enum sl_ast_join_kind {
        SL_AST_JOIN_INNER, SL_AST_JOIN_LEFT, SL_AST_JOIN_RIGHT, SL_AST_JOIN_FULL,
} sl_ast_join_kind;

typedef struct sl_ast_join {
        sl_ast_join_kind kind;
        sl_pos pos;               /* of the join keyword(s) */
        sl_ast_relation right;    /* the joined source */
        bool has_within;          /* WITHIN given */
        bool within_two;          /* WITHIN (before, after) */
        sl_ast_duration before;   /* WITHIN n unit, or the before of (before, after) */
        sl_ast_duration after;    /* the after of (before, after) */
        sl_ast_duration grace;    /* GRACE PERIOD after WITHIN, or unit NONE */
        sl_ast_expr *on;          /* ON criteria */
} sl_ast_join;

typedef enum sl_ast_item_kind {
        SL_AST_ITEM_EXPR,         /* expr [AS alias] */
        SL_AST_ITEM_STAR,         /* * */
        SL_AST_ITEM_SOURCE_STAR,  /* qual.* */
        SL_AST_ITEM_STRUCT_STAR,  /* expr->* */
} sl_ast_item_kind;

typedef struct sl_ast_select_item {
        sl_ast_item_kind kind;
        sl_pos pos;         /* where the item starts */
        sl_ast_expr *expr;  /* EXPR, STRUCT_STAR */
        char *alias;        /* EXPR: alias or NULL */
        char *qual;         /* SOURCE_STAR */
} sl_ast_select_item;

typedef enum sl_ast_emit {
        SL_AST_EMIT_NONE, SL_AST_EMIT_CHANGES, SL_AST_EMIT_FINAL,
} sl_ast_emit;

struct sl_ast_query {
        sl_pos pos;                 /* of SELECT */
        sl_ast_list *items;         /* sl_ast_select_item* */
        sl_ast_relation from;       /* the first source */
        sl_ast_list *joins;         /* sl_ast_join*, NULL when none */
        sl_ast_window *window;      /* or NULL */
        sl_ast_expr *where;         /* or NULL */
        sl_ast_list *group_by;      /* sl_ast_expr*; NULL: absent (an empty list is GROUP BY ()) */
        sl_ast_list *partition_by;  /* sl_ast_expr*; NULL: absent */
        sl_ast_expr *having;        /* or NULL */
        sl_ast_emit emit;           /* EMIT clause */
        bool has_limit;             /* LIMIT given */
        int64_t limit;              /* LIMIT n */
};

/* ---- statements ---- */

/* WITH (name = literal) property; also SET-like key/value pairs. */
typedef struct sl_ast_property {
        sl_ast_ident name;   /* property name: upper-cased identifier, or string contents */
        bool name_quoted;    /* written as a string literal ('kafka_topic') */
        sl_ast_expr *value;  /* a literal */
} sl_ast_property;

typedef enum sl_ast_stmt_kind {
        SL_AST_STMT_QUERY,             /* query */
        SL_AST_STMT_LIST_PROPERTIES,
        SL_AST_STMT_LIST_TOPICS,       /* ALL, EXTENDED */
        SL_AST_STMT_LIST_STREAMS,      /* EXTENDED */
        SL_AST_STMT_LIST_TABLES,       /* EXTENDED */
        SL_AST_STMT_LIST_FUNCTIONS,
        SL_AST_STMT_LIST_CONNECTORS,   /* SOURCE or SINK flag, or neither */
        SL_AST_STMT_LIST_PLUGINS,      /* CONNECTOR PLUGINS */
        SL_AST_STMT_LIST_TYPES,
        SL_AST_STMT_LIST_VARIABLES,
        SL_AST_STMT_LIST_QUERIES,      /* EXTENDED */
        SL_AST_STMT_DESCRIBE,          /* name, EXTENDED */
        SL_AST_STMT_DESCRIBE_STREAMS,  /* EXTENDED */
        SL_AST_STMT_DESCRIBE_TABLES,   /* EXTENDED */
        SL_AST_STMT_DESCRIBE_FUNCTION, /* name */
        SL_AST_STMT_DESCRIBE_CONNECTOR,/* name */
        SL_AST_STMT_PRINT,             /* name (QUOTED: written as a string), FROM_BEGINNING, interval, limit */
        SL_AST_STMT_TERMINATE,         /* name (query id) or ALL */
        SL_AST_STMT_PAUSE,             /* name or ALL */
        SL_AST_STMT_RESUME,            /* name or ALL */
        SL_AST_STMT_SET,               /* key, value */
        SL_AST_STMT_ALTER_SYSTEM,      /* key, value */
        SL_AST_STMT_UNSET,             /* key */
        SL_AST_STMT_DEFINE,            /* key (variable name), value */
        SL_AST_STMT_UNDEFINE,          /* key */
        SL_AST_STMT_CREATE_STREAM,     /* OR_REPLACE, SOURCE, IF_NOT_EXISTS, name, elements, props */
        SL_AST_STMT_CREATE_TABLE,      /* same */
        SL_AST_STMT_CREATE_STREAM_AS,  /* OR_REPLACE, IF_NOT_EXISTS, name, props, query */
        SL_AST_STMT_CREATE_TABLE_AS,   /* same */
        SL_AST_STMT_CREATE_CONNECTOR,  /* SOURCE or SINK flag, IF_NOT_EXISTS, name, props */
        SL_AST_STMT_INSERT_INTO,       /* name, props, query */
        SL_AST_STMT_INSERT_VALUES,     /* name, columns (or NULL), values */
        SL_AST_STMT_DROP_STREAM,       /* IF_EXISTS, name, DELETE_TOPIC */
        SL_AST_STMT_DROP_TABLE,        /* same */
        SL_AST_STMT_DROP_CONNECTOR,    /* IF_EXISTS, name */
        SL_AST_STMT_EXPLAIN,           /* inner statement, or name (query id) */
        SL_AST_STMT_CREATE_TYPE,       /* IF_NOT_EXISTS, name, type */
        SL_AST_STMT_DROP_TYPE,         /* IF_EXISTS, name */
        SL_AST_STMT_ALTER_STREAM,      /* name, elements (ADD COLUMN ...) */
        SL_AST_STMT_ALTER_TABLE,       /* same */
        SL_AST_STMT_ASSERT_TOPIC,      /* NOT_EXISTS, name (QUOTED), props, timeout */
        SL_AST_STMT_ASSERT_SCHEMA,     /* NOT_EXISTS, name (subject, QUOTED) or NULL, id literal, timeout */
        SL_AST_STMT_ASSERT_VALUES,     /* test only: name, columns, values */
        SL_AST_STMT_ASSERT_TOMBSTONE,  /* test only: ASSERT NULL VALUES name (columns) KEY (values) */
        SL_AST_STMT_ASSERT_STREAM,     /* test only: name, elements, props */
        SL_AST_STMT_ASSERT_TABLE,      /* test only: name, elements, props */
        SL_AST_STMT_RUN_SCRIPT,        /* value: the path */
        SL_AST_STMT__COUNT
} sl_ast_stmt_kind;

/* Statement flags (sl_ast_stmt.flags). */
#define SL_AST_OR_REPLACE     0x0001u
#define SL_AST_SOURCE         0x0002u  /* CREATE SOURCE ..., SHOW SOURCE CONNECTORS */
#define SL_AST_SINK           0x0004u  /* CREATE SINK CONNECTOR, SHOW SINK CONNECTORS */
#define SL_AST_IF_NOT_EXISTS  0x0008u
#define SL_AST_IF_EXISTS      0x0010u
#define SL_AST_EXTENDED       0x0020u
#define SL_AST_ALL            0x0040u  /* SHOW ALL TOPICS, TERMINATE/PAUSE/RESUME ALL */
#define SL_AST_DELETE_TOPIC   0x0080u
#define SL_AST_FROM_BEGINNING 0x0100u
#define SL_AST_NOT_EXISTS     0x0200u  /* ASSERT NOT EXISTS */
#define SL_AST_QUOTED         0x0400u  /* `name` was written as a string literal */
#define SL_AST_KEY_VAR        0x0800u  /* SET/UNSET key written as ${var} */
#define SL_AST_VALUE_VAR      0x1000u  /* SET value written as ${var} */

struct sl_ast_stmt {
        sl_ast_stmt_kind kind;
        unsigned flags;          /* SL_AST_* flags above */
        sl_pos pos;              /* of the first token */
        size_t text_offset;      /* span of the statement in the script, ';' included */
        size_t text_len;
        char *text;              /* that span, NUL-terminated (arena) */
        sl_ast_ident name;       /* source / type / connector / query id / topic / function */
        char *key;               /* SET/UNSET/DEFINE/UNDEFINE/ALTER SYSTEM name, unquoted */
        char *value;             /* SET/DEFINE/ALTER SYSTEM value, RUN SCRIPT path, unquoted */
        sl_ast_list *elements;   /* sl_ast_field_def*: CREATE columns, ALTER ADD; NULL: absent */
        sl_ast_list *props;      /* sl_ast_property*: WITH (...); NULL: absent */
        sl_ast_list *columns;    /* sl_ast_ident*: INSERT/ASSERT column list; NULL: absent */
        sl_ast_list *values;     /* sl_ast_expr*: VALUES (...) */
        sl_ast_query *query;     /* QUERY, C*AS, INSERT INTO ... SELECT */
        sl_ast_type *type;       /* CREATE TYPE */
        sl_ast_stmt *inner;      /* EXPLAIN <statement> */
        sl_ast_expr *id;         /* ASSERT SCHEMA ID literal, or NULL */
        sl_ast_duration timeout; /* ASSERT ... TIMEOUT, or unit NONE */
        int64_t interval;        /* PRINT INTERVAL/SAMPLE n, or -1 */
        int64_t limit;           /* PRINT LIMIT n, or -1 */
        sl_arena *arena;         /* owns this statement and all its nodes (top-level only) */
};

/* ---- construction (used by grammar/parser.y; every node goes into `arena`) ---- */
sl_ast_list *sl_ast_list_new(sl_arena *arena);
/* Appends `item` to `list`, creating the list when NULL; returns the list. */
sl_ast_list *sl_ast_list_append(sl_arena *arena, sl_ast_list *list, void *item);
/* Inserts `item` first, creating the list when NULL; returns the list. */
sl_ast_list *sl_ast_list_prepend(sl_arena *arena, sl_ast_list *list, void *item);

/* Turns an identifier token's text into its name: upper-cases plain and digit identifiers,
 * unquotes `..` and ".." (doubled quotes collapse). `code` is the token's TK_* code. */
sl_ast_ident sl_ast_ident_from_token(sl_arena *arena, int code, const char *text, size_t len,
                                     sl_pos pos);
sl_ast_ident *sl_ast_ident_dup(sl_arena *arena, sl_ast_ident id);
/* `id` with its position replaced by `pos`. */
sl_ast_ident sl_ast_ident_at(sl_ast_ident id, sl_pos pos);
/* Unquotes a 'string' literal token ('' becomes '). */
char *sl_ast_string_unquote(sl_arena *arena, const char *text, size_t len);

sl_ast_type *sl_ast_type_new(sl_arena *arena, sl_ast_type_kind kind, sl_pos pos);
/* A type written as a name: primitive names (INT, VARCHAR, ...) map to their kind, anything else
 * is a CUSTOM type. `params` may be NULL. */
sl_ast_type *sl_ast_type_named(sl_arena *arena, sl_ast_ident name, sl_ast_list *params);
sl_ast_type *sl_ast_type_array(sl_arena *arena, sl_ast_type *elem, sl_pos pos);
sl_ast_type *sl_ast_type_map(sl_arena *arena, sl_ast_type *key, sl_ast_type *value, sl_pos pos);
sl_ast_type *sl_ast_type_struct(sl_arena *arena, sl_ast_list *fields, sl_pos pos);
sl_ast_type *sl_ast_type_decimal(sl_arena *arena, int64_t precision, int64_t scale, sl_pos pos);
sl_ast_field_def *sl_ast_field_def_new(sl_arena *arena, sl_ast_ident name, sl_ast_type *type,
                                       sl_ast_constraint constraint, char *header_key);

sl_ast_expr *sl_ast_expr_new(sl_arena *arena, sl_ast_expr_kind kind, sl_pos pos);
sl_ast_expr *sl_ast_expr_bool(sl_arena *arena, bool value, sl_pos pos);
/* Numeric literals from their token text. An INTEGER that does not fit a BIGINT gets ival 0 and
 * is reported by the parser (it may still be the 9223372036854775808 of -9223372036854775808). */
sl_ast_expr *sl_ast_expr_number(sl_arena *arena, sl_ast_expr_kind kind, const char *text,
                                size_t len, sl_pos pos);
/* Unary minus: folds into a numeric literal operand (ksqlDB's `MINUS? number`), else a NEG node. */
sl_ast_expr *sl_ast_expr_negate(sl_arena *arena, sl_ast_expr *operand, sl_pos pos);
/* True when an INTEGER literal is out of BIGINT range. */
bool sl_ast_expr_int_overflows(const sl_ast_expr *expr);
sl_ast_expr *sl_ast_expr_text(sl_arena *arena, sl_ast_expr_kind kind, char *name, char *text,
                              sl_pos pos);
sl_ast_expr *sl_ast_expr_column(sl_arena *arena, char *qual, sl_ast_ident name);
sl_ast_expr *sl_ast_expr_unary(sl_arena *arena, sl_ast_op op, sl_ast_expr *a, sl_pos pos);
sl_ast_expr *sl_ast_expr_binary(sl_arena *arena, sl_ast_op op, sl_ast_expr *a, sl_ast_expr *b);
/* Any other kind from its parts; unused parts are NULL. */
sl_ast_expr *sl_ast_expr_node(sl_arena *arena, sl_ast_expr_kind kind, bool negated,
                              sl_ast_expr *a, sl_ast_expr *b, sl_ast_expr *c, sl_ast_list *list,
                              sl_pos pos);
/* base->name */
sl_ast_expr *sl_ast_expr_deref(sl_arena *arena, sl_ast_expr *base, sl_ast_ident name);
/* name := value, inside STRUCT(...) */
sl_ast_expr *sl_ast_expr_field(sl_arena *arena, sl_ast_ident name, sl_ast_expr *value);
sl_ast_expr *sl_ast_expr_call(sl_arena *arena, sl_ast_ident name, sl_ast_list *args, bool star);
sl_ast_expr *sl_ast_expr_cast(sl_arena *arena, sl_ast_expr *a, sl_ast_type *type, sl_pos pos);
sl_ast_expr *sl_ast_expr_like(sl_arena *arena, sl_ast_expr *a, bool negated, sl_ast_expr *pattern,
                              char *escape);
sl_ast_expr *sl_ast_expr_lambda(sl_arena *arena, sl_ast_list *params, sl_ast_expr *body,
                                sl_pos pos);
/* `(x) => body` arrives as a parenthesized expression: returns its single parameter name, or NULL
 * when `e` is not a bare unqualified column. */
char *sl_ast_expr_as_param(const sl_ast_expr *e);

sl_ast_select_item *sl_ast_item_new(sl_arena *arena, sl_ast_item_kind kind, sl_ast_expr *expr,
                                    char *name, sl_pos pos);
sl_ast_relation sl_ast_relation_make(sl_ast_ident name, sl_ast_ident *alias);
sl_ast_duration sl_ast_duration_make(int64_t n, sl_ast_unit unit);
/* The duration in milliseconds; -1 when it is absent (unit NONE). */
int64_t sl_ast_duration_ms(sl_ast_duration d);
sl_ast_window *sl_ast_window_new(sl_arena *arena, sl_ast_window_kind kind, sl_ast_duration size,
                                 sl_ast_duration advance, sl_ast_duration retention,
                                 sl_ast_duration grace);
sl_ast_join *sl_ast_join_new(sl_arena *arena, sl_ast_join_kind kind, sl_ast_relation right,
                             sl_ast_join *within, sl_ast_expr *on, sl_pos pos);
/* A join carrying only its WITHIN part, merged into the real join by sl_ast_join_new. */
sl_ast_join *sl_ast_join_within(sl_arena *arena, bool two, sl_ast_duration before,
                                sl_ast_duration after, sl_ast_duration grace);
/* Names a window (WINDOW name TUMBLING ...) and sets its position; returns `w`. */
sl_ast_window *sl_ast_window_named(sl_ast_window *w, char *name, sl_pos pos);
sl_ast_query *sl_ast_query_make(sl_arena *arena, sl_pos pos, sl_ast_list *items,
                                sl_ast_relation from, sl_ast_list *joins, sl_ast_window *window,
                                sl_ast_expr *where, sl_ast_list *group_by,
                                sl_ast_list *partition_by, sl_ast_expr *having, sl_ast_emit emit,
                                bool has_limit, int64_t limit);
sl_ast_property *sl_ast_property_new(sl_arena *arena, sl_ast_ident name, bool quoted,
                                     sl_ast_expr *value);

sl_ast_stmt *sl_ast_stmt_new(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags, sl_pos pos);
/* Statement shapes used by the grammar; unused parts are NULL. */
sl_ast_stmt *sl_ast_stmt_named(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags, sl_pos pos,
                               sl_ast_ident name);
sl_ast_stmt *sl_ast_stmt_keyval(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags,
                                sl_pos pos, char *key, char *value);
sl_ast_stmt *sl_ast_stmt_print_topic(sl_arena *arena, sl_pos pos, sl_ast_ident topic, bool quoted,
                               unsigned flags, int64_t interval, int64_t limit);
sl_ast_stmt *sl_ast_stmt_create(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags,
                                sl_pos pos, sl_ast_ident name, sl_ast_list *elements,
                                sl_ast_list *props, sl_ast_query *query);
sl_ast_stmt *sl_ast_stmt_values(sl_arena *arena, sl_ast_stmt_kind kind, sl_pos pos,
                                sl_ast_ident name, sl_ast_list *columns, sl_ast_list *values);
/* EXPLAIN <inner> or EXPLAIN <query id> (exactly one of `inner`, `id`). */
sl_ast_stmt *sl_ast_stmt_explain(sl_arena *arena, sl_pos pos, sl_ast_stmt *inner,
                                 const sl_ast_ident *id);
sl_ast_stmt *sl_ast_stmt_assert(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags,
                                sl_pos pos, sl_ast_ident name, sl_ast_list *props,
                                sl_ast_expr *id, sl_ast_duration timeout);
/* Frees the statement and every node in it (one arena). NULL is fine. */
void sl_ast_stmt_free(sl_ast_stmt *stmt);

/* ---- inspection ---- */
/* Structural equality, ignoring positions and source text: what print-then-reparse preserves. */
bool sl_ast_stmt_equal(const sl_ast_stmt *a, const sl_ast_stmt *b);
bool sl_ast_expr_equal(const sl_ast_expr *a, const sl_ast_expr *b);
bool sl_ast_type_equal(const sl_ast_type *a, const sl_ast_type *b);
/* "CREATE_STREAM", "QUERY", ... */
const char *sl_ast_stmt_kind_name(sl_ast_stmt_kind kind);
/* "DAYS", "SECOND", ... */
const char *sl_ast_unit_name(sl_ast_unit unit);

#endif
