/* ast_print.c: AST to canonical SQL (see ast_print.h for what canonical means). The printer is
 * the inverse of grammar/parser.y up to what the AST forgets (redundant parentheses, OUTER,
 * SHOW versus LIST, INTERVAL versus SAMPLE, INT versus INTEGER): every construct is printed in the
 * one spelling the grammar reads back into the same tree. */
#include "sql/ast_print.h"

#include <string.h>

#include "sql/lex.h"

static void print_stmt_body(sl_str *out, const sl_ast_stmt *s);

/* ---- lexical pieces ---- */

static bool is_plain_name(const char *name)
{
        const char *p = name;

        if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
                return false;
        for (p++; *p; p++)
                if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '@'))
                        return false;
        return sl_lex_keyword(name, strlen(name)) == 0;
}

void sl_ast_print_ident(sl_str *out, const char *name)
{
        const char *p;

        /* an unsubstituted ${v} name is back-quoted too: it re-parses as the same name */
        if (is_plain_name(name)) {
                sl_str_append(out, name);
                return;
        }
        sl_str_append_char(out, '`');
        for (p = name; *p; p++) {
                if (*p == '`')
                        sl_str_append_char(out, '`');
                sl_str_append_char(out, *p);
        }
        sl_str_append_char(out, '`');
}

static void print_string(sl_str *out, const char *s)
{
        sl_str_append_sql_quoted(out, s, strlen(s));
}

static void print_duration(sl_str *out, sl_ast_duration d)
{
        sl_str_appendf(out, "%lld %s", (long long)d.n, sl_ast_unit_name(d.unit));
}

static void print_expr_list(sl_str *out, const sl_ast_list *list)
{
        size_t i;

        for (i = 0; list && i < list->len; i++) {
                if (i)
                        sl_str_append(out, ", ");
                sl_ast_print_expr(out, list->items[i]);
        }
}

/* ---- types ---- */

static void print_field_defs(sl_str *out, const sl_ast_list *fields, bool columns)
{
        size_t i;

        for (i = 0; fields && i < fields->len; i++) {
                const sl_ast_field_def *f = fields->items[i];
                if (i)
                        sl_str_append(out, ", ");
                sl_ast_print_ident(out, f->name.name);
                sl_str_append_char(out, ' ');
                sl_ast_print_type(out, f->type);
                if (!columns)
                        continue;
                switch (f->constraint) {
                case SL_AST_COL_VALUE: break;
                case SL_AST_COL_KEY: sl_str_append(out, " KEY"); break;
                case SL_AST_COL_PRIMARY_KEY: sl_str_append(out, " PRIMARY KEY"); break;
                case SL_AST_COL_HEADERS: sl_str_append(out, " HEADERS"); break;
                case SL_AST_COL_HEADER:
                        sl_str_append(out, " HEADER(");
                        print_string(out, f->header_key);
                        sl_str_append(out, ")");
                        break;
                }
        }
}

void sl_ast_print_type(sl_str *out, const sl_ast_type *t)
{
        static const char *const prims[] = {
                [SL_AST_TYPE_BOOLEAN] = "BOOLEAN", [SL_AST_TYPE_INT] = "INT",
                [SL_AST_TYPE_BIGINT] = "BIGINT", [SL_AST_TYPE_DOUBLE] = "DOUBLE",
                [SL_AST_TYPE_STRING] = "STRING", [SL_AST_TYPE_BYTES] = "BYTES",
                [SL_AST_TYPE_DATE] = "DATE", [SL_AST_TYPE_TIME] = "TIME",
                [SL_AST_TYPE_TIMESTAMP] = "TIMESTAMP",
        };
        size_t i;

        switch (t->kind) {
        case SL_AST_TYPE_DECIMAL:
                sl_str_appendf(out, "DECIMAL(%d, %d)", t->precision, t->scale);
                return;
        case SL_AST_TYPE_ARRAY:
                sl_str_append(out, "ARRAY<");
                sl_ast_print_type(out, t->elem);
                sl_str_append(out, ">");
                return;
        case SL_AST_TYPE_MAP:
                sl_str_append(out, "MAP<");
                sl_ast_print_type(out, t->key);
                sl_str_append(out, ", ");
                sl_ast_print_type(out, t->elem);
                sl_str_append(out, ">");
                return;
        case SL_AST_TYPE_STRUCT:
                /* "STRUCT<>" would lex as STRUCT followed by '<>' */
                sl_str_append(out, t->fields->len ? "STRUCT<" : "STRUCT< ");
                print_field_defs(out, t->fields, false);
                sl_str_append(out, ">");
                return;
        case SL_AST_TYPE_CUSTOM:
                sl_ast_print_ident(out, t->name);
                break;
        default:
                sl_str_append(out, prims[t->kind]);
                break;
        }
        if (t->params) {
                sl_str_append_char(out, '(');
                for (i = 0; i < t->params->len; i++)
                        sl_str_appendf(out, "%s%s", i ? ", " : "", (const char *)t->params->items[i]);
                sl_str_append_char(out, ')');
        }
}

/* ---- expressions ---- */

static const char *op_text(sl_ast_op op)
{
        switch (op) {
        case SL_AST_OP_NEG: return "-";
        case SL_AST_OP_POS: return "+";
        case SL_AST_OP_NOT: return "NOT ";
        case SL_AST_OP_ADD: return "+";
        case SL_AST_OP_SUB: return "-";
        case SL_AST_OP_MUL: return "*";
        case SL_AST_OP_DIV: return "/";
        case SL_AST_OP_MOD: return "%";
        case SL_AST_OP_CONCAT: return "||";
        case SL_AST_OP_EQ: return "=";
        case SL_AST_OP_NE: return "<>";
        case SL_AST_OP_LT: return "<";
        case SL_AST_OP_LE: return "<=";
        case SL_AST_OP_GT: return ">";
        case SL_AST_OP_GE: return ">=";
        case SL_AST_OP_AND: return "AND";
        case SL_AST_OP_OR: return "OR";
        case SL_AST_OP_NONE: break;
        }
        return "?";
}

void sl_ast_print_expr(sl_str *out, const sl_ast_expr *e)
{
        size_t i;

        switch (e->kind) {
        case SL_AST_NULL:
                sl_str_append(out, "NULL");
                break;
        case SL_AST_BOOL:
                sl_str_append(out, e->bval ? "TRUE" : "FALSE");
                break;
        case SL_AST_INTEGER:
        case SL_AST_DECIMAL:
        case SL_AST_DOUBLE:
                sl_str_append(out, e->text);
                break;
        case SL_AST_STRING:
                print_string(out, e->text);
                break;
        case SL_AST_TYPED_LIT:
                if (strcmp(e->name, "DECIMAL") == 0)
                        sl_str_append(out, "DECIMAL");
                else
                        sl_ast_print_ident(out, e->name);
                sl_str_append_char(out, ' ');
                print_string(out, e->text);
                break;
        case SL_AST_VARIABLE:
        case SL_AST_UNIT:
                sl_str_append(out, e->name);
                break;
        case SL_AST_COLUMN:
                if (e->qual) {
                        sl_ast_print_ident(out, e->qual);
                        sl_str_append_char(out, '.');
                }
                sl_ast_print_ident(out, e->name);
                break;
        case SL_AST_DEREF:
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, "->");
                sl_ast_print_ident(out, e->name);
                break;
        case SL_AST_SUBSCRIPT:
                sl_ast_print_expr(out, e->a);
                sl_str_append_char(out, '[');
                sl_ast_print_expr(out, e->b);
                sl_str_append_char(out, ']');
                break;
        case SL_AST_CALL:
                sl_ast_print_ident(out, e->name);
                sl_str_append_char(out, '(');
                if (e->star)
                        sl_str_append_char(out, '*');
                else
                        print_expr_list(out, e->list);
                sl_str_append_char(out, ')');
                break;
        case SL_AST_UNARY:
                sl_str_appendf(out, "(%s", op_text(e->op));
                sl_ast_print_expr(out, e->a);
                sl_str_append_char(out, ')');
                break;
        case SL_AST_BINARY:
                sl_str_append_char(out, '(');
                sl_ast_print_expr(out, e->a);
                sl_str_appendf(out, " %s ", op_text(e->op));
                sl_ast_print_expr(out, e->b);
                sl_str_append_char(out, ')');
                break;
        case SL_AST_BETWEEN:
                sl_str_append_char(out, '(');
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
                sl_ast_print_expr(out, e->b);
                sl_str_append(out, " AND ");
                sl_ast_print_expr(out, e->c);
                sl_str_append_char(out, ')');
                break;
        case SL_AST_IN:
                sl_str_append_char(out, '(');
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, e->negated ? " NOT IN (" : " IN (");
                print_expr_list(out, e->list);
                sl_str_append(out, "))");
                break;
        case SL_AST_LIKE:
                sl_str_append_char(out, '(');
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, e->negated ? " NOT LIKE " : " LIKE ");
                sl_ast_print_expr(out, e->b);
                if (e->text) {
                        sl_str_append(out, " ESCAPE ");
                        print_string(out, e->text);
                }
                sl_str_append_char(out, ')');
                break;
        case SL_AST_IS_NULL:
                sl_str_append_char(out, '(');
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, e->negated ? " IS NOT NULL)" : " IS NULL)");
                break;
        case SL_AST_IS_DISTINCT:
                sl_str_append_char(out, '(');
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, e->negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
                sl_ast_print_expr(out, e->b);
                sl_str_append_char(out, ')');
                break;
        case SL_AST_CASE:
                sl_str_append(out, "CASE");
                if (e->a) {
                        sl_str_append_char(out, ' ');
                        sl_ast_print_expr(out, e->a);
                }
                for (i = 0; e->list && i < e->list->len; i++) {
                        sl_str_append_char(out, ' ');
                        sl_ast_print_expr(out, e->list->items[i]);
                }
                if (e->b) {
                        sl_str_append(out, " ELSE ");
                        sl_ast_print_expr(out, e->b);
                }
                sl_str_append(out, " END");
                break;
        case SL_AST_WHEN:
                sl_str_append(out, "WHEN ");
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, " THEN ");
                sl_ast_print_expr(out, e->b);
                break;
        case SL_AST_CAST:
                sl_str_append(out, "CAST(");
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, " AS ");
                sl_ast_print_type(out, e->type);
                sl_str_append_char(out, ')');
                break;
        case SL_AST_ARRAY:
                sl_str_append(out, "ARRAY[");
                print_expr_list(out, e->list);
                sl_str_append_char(out, ']');
                break;
        case SL_AST_MAP:
        case SL_AST_STRUCT:
                sl_str_append(out, e->kind == SL_AST_MAP ? "MAP(" : "STRUCT(");
                print_expr_list(out, e->list);
                sl_str_append_char(out, ')');
                break;
        case SL_AST_ENTRY:
                sl_ast_print_expr(out, e->a);
                sl_str_append(out, " := ");
                sl_ast_print_expr(out, e->b);
                break;
        case SL_AST_FIELD:
                sl_ast_print_ident(out, e->name);
                sl_str_append(out, " := ");
                sl_ast_print_expr(out, e->a);
                break;
        case SL_AST_LAMBDA:
                if (e->list->len == 1) {
                        sl_ast_print_ident(out, e->list->items[0]);
                } else {
                        sl_str_append_char(out, '(');
                        for (i = 0; i < e->list->len; i++) {
                                if (i)
                                        sl_str_append(out, ", ");
                                sl_ast_print_ident(out, e->list->items[i]);
                        }
                        sl_str_append_char(out, ')');
                }
                sl_str_append(out, " => ");
                sl_ast_print_expr(out, e->a);
                break;
        }
}

/* ---- queries ---- */

static void print_relation(sl_str *out, const sl_ast_relation *rel)
{
        sl_ast_print_ident(out, rel->name.name);
        if (rel->alias) {
                sl_str_append(out, " AS ");
                sl_ast_print_ident(out, rel->alias);
        }
}

static void print_window(sl_str *out, const sl_ast_window *w)
{
        sl_str_append(out, " WINDOW ");
        if (w->name)
                sl_str_appendf(out, "%s ", w->name);
        switch (w->kind) {
        case SL_AST_WINDOW_TUMBLING:
                sl_str_append(out, "TUMBLING (SIZE ");
                print_duration(out, w->size);
                break;
        case SL_AST_WINDOW_HOPPING:
                sl_str_append(out, "HOPPING (SIZE ");
                print_duration(out, w->size);
                sl_str_append(out, ", ADVANCE BY ");
                print_duration(out, w->advance);
                break;
        case SL_AST_WINDOW_SESSION:
                sl_str_append(out, "SESSION (");
                print_duration(out, w->size);
                break;
        }
        if (w->retention.unit != SL_AST_UNIT_NONE) {
                sl_str_append(out, ", RETENTION ");
                print_duration(out, w->retention);
        }
        if (w->grace.unit != SL_AST_UNIT_NONE) {
                sl_str_append(out, ", GRACE PERIOD ");
                print_duration(out, w->grace);
        }
        sl_str_append_char(out, ')');
}

static void print_join(sl_str *out, const sl_ast_join *j)
{
        static const char *const kinds[] = {
                [SL_AST_JOIN_INNER] = " INNER JOIN ", [SL_AST_JOIN_LEFT] = " LEFT JOIN ",
                [SL_AST_JOIN_RIGHT] = " RIGHT JOIN ", [SL_AST_JOIN_FULL] = " FULL OUTER JOIN ",
        };

        sl_str_append(out, kinds[j->kind]);
        print_relation(out, &j->right);
        if (j->has_within) {
                sl_str_append(out, " WITHIN ");
                if (j->within_two) {
                        sl_str_append_char(out, '(');
                        print_duration(out, j->before);
                        sl_str_append(out, ", ");
                        print_duration(out, j->after);
                        sl_str_append_char(out, ')');
                } else {
                        print_duration(out, j->before);
                }
                if (j->grace.unit != SL_AST_UNIT_NONE) {
                        sl_str_append(out, " GRACE PERIOD ");
                        print_duration(out, j->grace);
                }
        }
        sl_str_append(out, " ON ");
        sl_ast_print_expr(out, j->on);
}

static void print_by(sl_str *out, const char *clause, const sl_ast_list *list)
{
        sl_str_append(out, clause);
        if (list->len == 0)
                sl_str_append(out, "()");
        else
                print_expr_list(out, list);
}

void sl_ast_print_query(sl_str *out, const sl_ast_query *q)
{
        size_t i;

        sl_str_append(out, "SELECT ");
        for (i = 0; i < q->items->len; i++) {
                const sl_ast_select_item *item = q->items->items[i];
                if (i)
                        sl_str_append(out, ", ");
                switch (item->kind) {
                case SL_AST_ITEM_EXPR:
                        sl_ast_print_expr(out, item->expr);
                        if (item->alias) {
                                sl_str_append(out, " AS ");
                                sl_ast_print_ident(out, item->alias);
                        }
                        break;
                case SL_AST_ITEM_STAR:
                        sl_str_append_char(out, '*');
                        break;
                case SL_AST_ITEM_SOURCE_STAR:
                        sl_ast_print_ident(out, item->qual);
                        sl_str_append(out, ".*");
                        break;
                case SL_AST_ITEM_STRUCT_STAR:
                        sl_ast_print_expr(out, item->expr);
                        sl_str_append(out, "->*");
                        break;
                }
        }
        sl_str_append(out, " FROM ");
        print_relation(out, &q->from);
        for (i = 0; q->joins && i < q->joins->len; i++)
                print_join(out, q->joins->items[i]);
        if (q->window)
                print_window(out, q->window);
        if (q->where) {
                sl_str_append(out, " WHERE ");
                sl_ast_print_expr(out, q->where);
        }
        if (q->group_by)
                print_by(out, " GROUP BY ", q->group_by);
        if (q->partition_by)
                print_by(out, " PARTITION BY ", q->partition_by);
        if (q->having) {
                sl_str_append(out, " HAVING ");
                sl_ast_print_expr(out, q->having);
        }
        if (q->emit == SL_AST_EMIT_CHANGES)
                sl_str_append(out, " EMIT CHANGES");
        else if (q->emit == SL_AST_EMIT_FINAL)
                sl_str_append(out, " EMIT FINAL");
        if (q->has_limit)
                sl_str_appendf(out, " LIMIT %lld", (long long)q->limit);
}

/* ---- statements ---- */

static void print_props(sl_str *out, const sl_ast_list *props)
{
        size_t i;

        if (props == NULL)
                return;
        sl_str_append(out, " WITH (");
        for (i = 0; i < props->len; i++) {
                const sl_ast_property *p = props->items[i];
                if (i)
                        sl_str_append(out, ", ");
                if (p->name_quoted)
                        print_string(out, p->name.name);
                else
                        sl_ast_print_ident(out, p->name.name);
                sl_str_append(out, "=");
                sl_ast_print_expr(out, p->value);
        }
        sl_str_append_char(out, ')');
}

static void print_names(sl_str *out, const sl_ast_list *names)
{
        size_t i;

        if (names == NULL)
                return;
        sl_str_append(out, " (");
        for (i = 0; i < names->len; i++) {
                if (i)
                        sl_str_append(out, ", ");
                sl_ast_print_ident(out, ((const sl_ast_ident *)names->items[i])->name);
        }
        sl_str_append_char(out, ')');
}

static void print_values(sl_str *out, const sl_ast_list *values)
{
        sl_str_append(out, " (");
        print_expr_list(out, values);
        sl_str_append_char(out, ')');
}

static void print_elements(sl_str *out, const sl_ast_list *elements)
{
        if (elements == NULL)
                return;
        sl_str_append(out, " (");
        print_field_defs(out, elements, true);
        sl_str_append_char(out, ')');
}

/* An identifier, or a string literal when `quoted` (PRINT 'topic', ASSERT TOPIC 'x'). */
static void print_resource(sl_str *out, const char *name, bool quoted)
{
        if (quoted)
                print_string(out, name);
        else
                sl_ast_print_ident(out, name);
}

/* ${var} stays raw, anything else is a string literal. */
static void print_setword(sl_str *out, const char *word, bool var)
{
        if (var)
                sl_str_append(out, word);
        else
                print_string(out, word);
}

static void print_create(sl_str *out, const sl_ast_stmt *s, const char *what)
{
        sl_str_append(out, "CREATE ");
        if (s->flags & SL_AST_OR_REPLACE)
                sl_str_append(out, "OR REPLACE ");
        if (s->flags & SL_AST_SOURCE)
                sl_str_append(out, "SOURCE ");
        sl_str_append(out, what);
        if (s->flags & SL_AST_IF_NOT_EXISTS)
                sl_str_append(out, "IF NOT EXISTS ");
        sl_ast_print_ident(out, s->name.name);
}

static void print_drop(sl_str *out, const sl_ast_stmt *s, const char *what)
{
        sl_str_append(out, what);
        if (s->flags & SL_AST_IF_EXISTS)
                sl_str_append(out, "IF EXISTS ");
        sl_ast_print_ident(out, s->name.name);
        if (s->flags & SL_AST_DELETE_TOPIC)
                sl_str_append(out, " DELETE TOPIC");
}

static void print_named(sl_str *out, const sl_ast_stmt *s, const char *what)
{
        sl_str_append(out, what);
        if (s->flags & SL_AST_ALL)
                sl_str_append(out, "ALL");
        else
                sl_ast_print_ident(out, s->name.name);
}

static void print_timeout(sl_str *out, sl_ast_duration d)
{
        if (d.unit == SL_AST_UNIT_NONE)
                return;
        sl_str_append(out, " TIMEOUT ");
        print_duration(out, d);
}

static const char *extended(const sl_ast_stmt *s)
{
        return (s->flags & SL_AST_EXTENDED) ? " EXTENDED" : "";
}

static void print_stmt_body(sl_str *out, const sl_ast_stmt *s)
{
        size_t i;

        switch (s->kind) {
        case SL_AST_STMT_QUERY:
                sl_ast_print_query(out, s->query);
                break;
        case SL_AST_STMT_LIST_PROPERTIES: sl_str_append(out, "SHOW PROPERTIES"); break;
        case SL_AST_STMT_LIST_TOPICS:
                sl_str_appendf(out, "SHOW %sTOPICS%s", (s->flags & SL_AST_ALL) ? "ALL " : "",
                               extended(s));
                break;
        case SL_AST_STMT_LIST_STREAMS: sl_str_appendf(out, "SHOW STREAMS%s", extended(s)); break;
        case SL_AST_STMT_LIST_TABLES: sl_str_appendf(out, "SHOW TABLES%s", extended(s)); break;
        case SL_AST_STMT_LIST_FUNCTIONS: sl_str_append(out, "SHOW FUNCTIONS"); break;
        case SL_AST_STMT_LIST_CONNECTORS:
                sl_str_appendf(out, "SHOW %sCONNECTORS",
                               (s->flags & SL_AST_SOURCE) ? "SOURCE " :
                               (s->flags & SL_AST_SINK) ? "SINK " : "");
                break;
        case SL_AST_STMT_LIST_PLUGINS: sl_str_append(out, "SHOW CONNECTOR PLUGINS"); break;
        case SL_AST_STMT_LIST_TYPES: sl_str_append(out, "SHOW TYPES"); break;
        case SL_AST_STMT_LIST_VARIABLES: sl_str_append(out, "SHOW VARIABLES"); break;
        case SL_AST_STMT_LIST_QUERIES: sl_str_appendf(out, "SHOW QUERIES%s", extended(s)); break;
        case SL_AST_STMT_DESCRIBE:
                sl_str_append(out, "DESCRIBE ");
                sl_ast_print_ident(out, s->name.name);
                sl_str_append(out, extended(s));
                break;
        case SL_AST_STMT_DESCRIBE_STREAMS: sl_str_appendf(out, "DESCRIBE STREAMS%s", extended(s)); break;
        case SL_AST_STMT_DESCRIBE_TABLES: sl_str_appendf(out, "DESCRIBE TABLES%s", extended(s)); break;
        case SL_AST_STMT_DESCRIBE_FUNCTION: print_named(out, s, "DESCRIBE FUNCTION "); break;
        case SL_AST_STMT_DESCRIBE_CONNECTOR: print_named(out, s, "DESCRIBE CONNECTOR "); break;
        case SL_AST_STMT_PRINT:
                sl_str_append(out, "PRINT ");
                print_resource(out, s->name.name, s->flags & SL_AST_QUOTED);
                if (s->flags & SL_AST_FROM_BEGINNING)
                        sl_str_append(out, " FROM BEGINNING");
                if (s->interval >= 0 || s->interval < -1)
                        sl_str_appendf(out, " INTERVAL %lld", (long long)s->interval);
                if (s->limit >= 0 || s->limit < -1)
                        sl_str_appendf(out, " LIMIT %lld", (long long)s->limit);
                break;
        case SL_AST_STMT_TERMINATE: print_named(out, s, "TERMINATE "); break;
        case SL_AST_STMT_PAUSE: print_named(out, s, "PAUSE "); break;
        case SL_AST_STMT_RESUME: print_named(out, s, "RESUME "); break;
        case SL_AST_STMT_SET:
                sl_str_append(out, "SET ");
                print_setword(out, s->key, s->flags & SL_AST_KEY_VAR);
                sl_str_append(out, "=");
                print_setword(out, s->value, s->flags & SL_AST_VALUE_VAR);
                break;
        case SL_AST_STMT_ALTER_SYSTEM:
                sl_str_append(out, "ALTER SYSTEM ");
                print_string(out, s->key);
                sl_str_append(out, "=");
                print_string(out, s->value);
                break;
        case SL_AST_STMT_UNSET:
                sl_str_append(out, "UNSET ");
                print_setword(out, s->key, s->flags & SL_AST_KEY_VAR);
                break;
        case SL_AST_STMT_DEFINE:
                sl_str_appendf(out, "DEFINE %s=", s->key);
                print_string(out, s->value);
                break;
        case SL_AST_STMT_UNDEFINE: sl_str_appendf(out, "UNDEFINE %s", s->key); break;
        case SL_AST_STMT_CREATE_STREAM:
        case SL_AST_STMT_CREATE_TABLE:
                print_create(out, s, s->kind == SL_AST_STMT_CREATE_STREAM ? "STREAM " : "TABLE ");
                print_elements(out, s->elements);
                print_props(out, s->props);
                break;
        case SL_AST_STMT_CREATE_STREAM_AS:
        case SL_AST_STMT_CREATE_TABLE_AS:
                print_create(out, s, s->kind == SL_AST_STMT_CREATE_STREAM_AS ? "STREAM " : "TABLE ");
                print_props(out, s->props);
                sl_str_append(out, " AS ");
                sl_ast_print_query(out, s->query);
                break;
        case SL_AST_STMT_CREATE_CONNECTOR:
                sl_str_append(out, (s->flags & SL_AST_SOURCE) ? "CREATE SOURCE CONNECTOR "
                                                              : "CREATE SINK CONNECTOR ");
                if (s->flags & SL_AST_IF_NOT_EXISTS)
                        sl_str_append(out, "IF NOT EXISTS ");
                sl_ast_print_ident(out, s->name.name);
                print_props(out, s->props);
                break;
        case SL_AST_STMT_INSERT_INTO:
                sl_str_append(out, "INSERT INTO ");
                sl_ast_print_ident(out, s->name.name);
                print_props(out, s->props);
                sl_str_append_char(out, ' ');
                sl_ast_print_query(out, s->query);
                break;
        case SL_AST_STMT_INSERT_VALUES:
                sl_str_append(out, "INSERT INTO ");
                sl_ast_print_ident(out, s->name.name);
                print_names(out, s->columns);
                sl_str_append(out, " VALUES");
                print_values(out, s->values);
                break;
        case SL_AST_STMT_DROP_STREAM: print_drop(out, s, "DROP STREAM "); break;
        case SL_AST_STMT_DROP_TABLE: print_drop(out, s, "DROP TABLE "); break;
        case SL_AST_STMT_DROP_CONNECTOR: print_drop(out, s, "DROP CONNECTOR "); break;
        case SL_AST_STMT_DROP_TYPE: print_drop(out, s, "DROP TYPE "); break;
        case SL_AST_STMT_EXPLAIN:
                sl_str_append(out, "EXPLAIN ");
                if (s->inner)
                        print_stmt_body(out, s->inner);
                else
                        sl_ast_print_ident(out, s->name.name);
                break;
        case SL_AST_STMT_CREATE_TYPE:
                sl_str_append(out, "CREATE TYPE ");
                if (s->flags & SL_AST_IF_NOT_EXISTS)
                        sl_str_append(out, "IF NOT EXISTS ");
                sl_ast_print_ident(out, s->name.name);
                sl_str_append(out, " AS ");
                sl_ast_print_type(out, s->type);
                break;
        case SL_AST_STMT_ALTER_STREAM:
        case SL_AST_STMT_ALTER_TABLE:
                sl_str_append(out, s->kind == SL_AST_STMT_ALTER_STREAM ? "ALTER STREAM "
                                                                      : "ALTER TABLE ");
                sl_ast_print_ident(out, s->name.name);
                for (i = 0; i < s->elements->len; i++) {
                        const sl_ast_field_def *f = s->elements->items[i];
                        sl_str_append(out, i ? ", ADD COLUMN " : " ADD COLUMN ");
                        sl_ast_print_ident(out, f->name.name);
                        sl_str_append_char(out, ' ');
                        sl_ast_print_type(out, f->type);
                }
                break;
        case SL_AST_STMT_ASSERT_TOPIC:
                sl_str_append(out, (s->flags & SL_AST_NOT_EXISTS) ? "ASSERT NOT EXISTS TOPIC "
                                                                  : "ASSERT TOPIC ");
                print_resource(out, s->name.name, s->flags & SL_AST_QUOTED);
                print_props(out, s->props);
                print_timeout(out, s->timeout);
                break;
        case SL_AST_STMT_ASSERT_SCHEMA:
                sl_str_append(out, (s->flags & SL_AST_NOT_EXISTS) ? "ASSERT NOT EXISTS SCHEMA"
                                                                  : "ASSERT SCHEMA");
                if (s->name.name) {
                        sl_str_append(out, " SUBJECT ");
                        print_resource(out, s->name.name, s->flags & SL_AST_QUOTED);
                }
                if (s->id) {
                        sl_str_append(out, " ID ");
                        sl_ast_print_expr(out, s->id);
                }
                print_timeout(out, s->timeout);
                break;
        case SL_AST_STMT_ASSERT_VALUES:
        case SL_AST_STMT_ASSERT_TOMBSTONE:
                sl_str_append(out, s->kind == SL_AST_STMT_ASSERT_VALUES ? "ASSERT VALUES "
                                                                       : "ASSERT NULL VALUES ");
                sl_ast_print_ident(out, s->name.name);
                print_names(out, s->columns);
                sl_str_append(out, s->kind == SL_AST_STMT_ASSERT_VALUES ? " VALUES" : " KEY");
                print_values(out, s->values);
                break;
        case SL_AST_STMT_ASSERT_STREAM:
        case SL_AST_STMT_ASSERT_TABLE:
                sl_str_append(out, s->kind == SL_AST_STMT_ASSERT_STREAM ? "ASSERT STREAM "
                                                                       : "ASSERT TABLE ");
                sl_ast_print_ident(out, s->name.name);
                print_elements(out, s->elements);
                print_props(out, s->props);
                break;
        case SL_AST_STMT_RUN_SCRIPT:
                sl_str_append(out, "RUN SCRIPT ");
                print_string(out, s->value);
                break;
        case SL_AST_STMT__COUNT:
                break;
        }
}

void sl_ast_print_stmt(sl_str *out, const sl_ast_stmt *stmt)
{
        print_stmt_body(out, stmt);
        sl_str_append_char(out, ';');
}

char *sl_ast_stmt_to_sql(const sl_ast_stmt *stmt)
{
        sl_str out;

        sl_str_init(&out);
        sl_ast_print_stmt(&out, stmt);
        return sl_str_detach(&out);
}
