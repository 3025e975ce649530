/* ast.c: constructors of the statement syntax tree (called from the one-line actions of
 * grammar/parser.y), structural equality, and names of enums. Every constructor allocates in the
 * statement arena and never fails (sl_arena_alloc aborts on out-of-memory), so a syntax error
 * half way through a statement leaves nothing to free but the arena. */
#include "sql/ast.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "parser.h"

sl_ast_list *sl_ast_list_new(sl_arena *arena)
{
        return sl_arena_calloc(arena, 1, sizeof(sl_ast_list));
}

sl_ast_list *sl_ast_list_append(sl_arena *arena, sl_ast_list *list, void *item)
{
        if (list == NULL)
                list = sl_ast_list_new(arena);
        if (list->len == list->cap) {
                /* the old array stays in the arena: at most half the slots are ever wasted */
                size_t cap = list->cap ? list->cap * 2 : 4;
                void **items = sl_arena_alloc(arena, cap * sizeof(void *));
                if (list->len)
                        memcpy(items, list->items, list->len * sizeof(void *));
                list->items = items;
                list->cap = cap;
        }
        list->items[list->len++] = item;
        return list;
}

sl_ast_list *sl_ast_list_prepend(sl_arena *arena, sl_ast_list *list, void *item)
{
        list = sl_ast_list_append(arena, list, item);
        memmove(list->items + 1, list->items, (list->len - 1) * sizeof(void *));
        list->items[0] = item;
        return list;
}

/* Copies text[1, len-1) collapsing doubled `quote` characters. */
static char *unquote(sl_arena *arena, const char *text, size_t len, char quote)
{
        char *out = sl_arena_alloc(arena, len + 1);
        size_t i, n = 0;

        for (i = 1; i + 1 < len; i++) {
                out[n++] = text[i];
                if (text[i] == quote && i + 2 < len && text[i + 1] == quote)
                        i++;
        }
        out[n] = '\0';
        return out;
}

sl_ast_ident sl_ast_ident_from_token(sl_arena *arena, int code, const char *text, size_t len,
                                     sl_pos pos)
{
        sl_ast_ident id;

        id.pos = pos;
        if (code == TK_BQID)
                id.name = unquote(arena, text, len, '`');
        else if (code == TK_QID)
                id.name = unquote(arena, text, len, '"');
        else if (code == TK_VARIABLE)
                id.name = sl_arena_strndup(arena, text, len);
        else {
                /* plain, digit-leading or a non-reserved keyword: ksqlDB upper-cases */
                id.name = sl_arena_strndup(arena, text, len);
                sl_str_upper(id.name);
        }
        return id;
}

sl_ast_ident *sl_ast_ident_dup(sl_arena *arena, sl_ast_ident id)
{
        return sl_arena_memdup(arena, &id, sizeof(id));
}

sl_ast_ident sl_ast_ident_at(sl_ast_ident id, sl_pos pos)
{
        id.pos = pos;
        return id;
}

char *sl_ast_string_unquote(sl_arena *arena, const char *text, size_t len)
{
        return unquote(arena, text, len, '\'');
}

/* ---- types ---- */

sl_ast_type *sl_ast_type_new(sl_arena *arena, sl_ast_type_kind kind, sl_pos pos)
{
        sl_ast_type *type = sl_arena_calloc(arena, 1, sizeof(*type));

        type->kind = kind;
        type->pos = pos;
        type->depth = 1;
        return type;
}

static unsigned type_depth(const sl_ast_type *t)
{
        return t ? t->depth : 0;
}

static unsigned max_u(unsigned a, unsigned b)
{
        return a > b ? a : b;
}

/* Depth of a list of sl_ast_field_def*. */
static unsigned fields_depth(const sl_ast_list *fields)
{
        unsigned d = 0;
        size_t i;

        for (i = 0; fields && i < fields->len; i++)
                d = max_u(d, type_depth(((const sl_ast_field_def *)fields->items[i])->type));
        return d;
}

sl_ast_type *sl_ast_type_named(sl_arena *arena, sl_ast_ident name, sl_ast_list *params)
{
        static const struct {
                const char *name;
                sl_ast_type_kind kind;
        } prims[] = {
                {"BOOLEAN", SL_AST_TYPE_BOOLEAN}, {"INT", SL_AST_TYPE_INT},
                {"INTEGER", SL_AST_TYPE_INT},     {"BIGINT", SL_AST_TYPE_BIGINT},
                {"DOUBLE", SL_AST_TYPE_DOUBLE},   {"STRING", SL_AST_TYPE_STRING},
                {"VARCHAR", SL_AST_TYPE_STRING},  {"BYTES", SL_AST_TYPE_BYTES},
                {"DATE", SL_AST_TYPE_DATE},       {"TIME", SL_AST_TYPE_TIME},
                {"TIMESTAMP", SL_AST_TYPE_TIMESTAMP},
        };
        sl_ast_type *type;
        size_t i;

        for (i = 0; i < sizeof(prims) / sizeof(prims[0]); i++) {
                if (strcmp(name.name, prims[i].name) == 0) {
                        type = sl_ast_type_new(arena, prims[i].kind, name.pos);
                        type->params = params;
                        return type;
                }
        }
        type = sl_ast_type_new(arena, SL_AST_TYPE_CUSTOM, name.pos);
        type->name = name.name;
        type->params = params;
        return type;
}

sl_ast_type *sl_ast_type_array(sl_arena *arena, sl_ast_type *elem, sl_pos pos)
{
        sl_ast_type *type = sl_ast_type_new(arena, SL_AST_TYPE_ARRAY, pos);

        type->elem = elem;
        type->depth = 1 + type_depth(elem);
        return type;
}

sl_ast_type *sl_ast_type_map(sl_arena *arena, sl_ast_type *key, sl_ast_type *value, sl_pos pos)
{
        sl_ast_type *type = sl_ast_type_new(arena, SL_AST_TYPE_MAP, pos);

        type->key = key;
        type->elem = value;
        type->depth = 1 + max_u(type_depth(key), type_depth(value));
        return type;
}

sl_ast_type *sl_ast_type_struct(sl_arena *arena, sl_ast_list *fields, sl_pos pos)
{
        sl_ast_type *type = sl_ast_type_new(arena, SL_AST_TYPE_STRUCT, pos);

        type->fields = fields ? fields : sl_ast_list_new(arena);
        type->depth = 1 + fields_depth(fields);
        return type;
}

sl_ast_type *sl_ast_type_decimal(sl_arena *arena, int64_t precision, int64_t scale, sl_pos pos)
{
        sl_ast_type *type = sl_ast_type_new(arena, SL_AST_TYPE_DECIMAL, pos);

        /* clamped to int: the analyzer rejects anything above 38 anyway */
        type->precision = precision > 1000000 ? 1000000 : precision < -1000000 ? -1000000 : (int)precision;
        type->scale = scale > 1000000 ? 1000000 : scale < -1000000 ? -1000000 : (int)scale;
        return type;
}

sl_ast_field_def *sl_ast_field_def_new(sl_arena *arena, sl_ast_ident name, sl_ast_type *type,
                                       sl_ast_constraint constraint, char *header_key)
{
        sl_ast_field_def *def = sl_arena_calloc(arena, 1, sizeof(*def));

        def->name = name;
        def->type = type;
        def->constraint = constraint;
        def->header_key = header_key;
        return def;
}

/* ---- expressions ---- */

sl_ast_expr *sl_ast_expr_new(sl_arena *arena, sl_ast_expr_kind kind, sl_pos pos)
{
        sl_ast_expr *e = sl_arena_calloc(arena, 1, sizeof(*e));

        e->kind = kind;
        e->pos = pos;
        e->depth = 1;
        return e;
}

static unsigned expr_depth(const sl_ast_expr *e)
{
        return e ? e->depth : 0;
}

/* Sets e->depth from its operands, list and type; returns e. */
static sl_ast_expr *finish(sl_ast_expr *e)
{
        unsigned d = max_u(max_u(expr_depth(e->a), expr_depth(e->b)),
                           max_u(expr_depth(e->c), type_depth(e->type)));
        size_t i;

        if (e->list && e->kind != SL_AST_LAMBDA)
                for (i = 0; i < e->list->len; i++)
                        d = max_u(d, expr_depth(e->list->items[i]));
        e->depth = 1 + d;
        return e;
}

sl_ast_expr *sl_ast_expr_deref(sl_arena *arena, sl_ast_expr *base, sl_ast_ident name)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, SL_AST_DEREF, base->pos);

        e->name = name.name;
        e->a = base;
        return finish(e);
}

sl_ast_expr *sl_ast_expr_field(sl_arena *arena, sl_ast_ident name, sl_ast_expr *value)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, SL_AST_FIELD, name.pos);

        e->name = name.name;
        e->a = value;
        return finish(e);
}

sl_ast_expr *sl_ast_expr_bool(sl_arena *arena, bool value, sl_pos pos)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, SL_AST_BOOL, pos);

        e->bval = value;
        return e;
}

/* Parses the decimal digits of an INTEGER literal (with an optional leading '-'). Returns false
 * when the value is outside BIGINT. */
static bool parse_int(const char *text, int64_t *out)
{
        bool neg = text[0] == '-';
        const char *p = text + (neg ? 1 : 0);
        uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

        for (; *p; p++) {
                unsigned d = (unsigned)(*p - '0');
                if (v > (limit - d) / 10)
                        return false;
                v = v * 10 + d;
        }
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        return true;
}

/* Strips leading zeros of an integer's digits (keeps one), so equal values print equally. */
static char *canonical_int(sl_arena *arena, const char *text, size_t len)
{
        size_t i = 0;

        while (i + 1 < len && text[i] == '0')
                i++;
        return sl_arena_strndup(arena, text + i, len - i);
}

sl_ast_expr *sl_ast_expr_number(sl_arena *arena, sl_ast_expr_kind kind, const char *text,
                                size_t len, sl_pos pos)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, kind, pos);

        if (kind == SL_AST_INTEGER) {
                e->text = canonical_int(arena, text, len);
                if (!parse_int(e->text, &e->ival))
                        e->ival = 0;
        } else {
                e->text = sl_arena_strndup(arena, text, len);
                if (kind == SL_AST_DOUBLE)
                        e->dval = strtod(e->text, NULL);
        }
        return e;
}

bool sl_ast_expr_int_overflows(const sl_ast_expr *expr)
{
        int64_t v;

        return expr->kind == SL_AST_INTEGER && !parse_int(expr->text, &v);
}

sl_ast_expr *sl_ast_expr_negate(sl_arena *arena, sl_ast_expr *operand, sl_pos pos)
{
        if (operand->kind == SL_AST_INTEGER || operand->kind == SL_AST_DECIMAL ||
            operand->kind == SL_AST_DOUBLE) {
                /* fold: "-" + digits, or drop the "-" of an already negative literal */
                if (operand->text[0] == '-')
                        operand->text++;
                else
                        operand->text = sl_arena_sprintf(arena, "-%s", operand->text);
                if (operand->kind == SL_AST_INTEGER && !parse_int(operand->text, &operand->ival))
                        operand->ival = 0;
                if (operand->kind == SL_AST_DOUBLE)
                        operand->dval = -operand->dval;
                operand->pos = pos;
                return operand;
        }
        return sl_ast_expr_unary(arena, SL_AST_OP_NEG, operand, pos);
}

sl_ast_expr *sl_ast_expr_text(sl_arena *arena, sl_ast_expr_kind kind, char *name, char *text,
                              sl_pos pos)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, kind, pos);

        e->name = name;
        e->text = text;
        return e;
}

sl_ast_expr *sl_ast_expr_column(sl_arena *arena, char *qual, sl_ast_ident name)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, SL_AST_COLUMN, name.pos);

        e->qual = qual;
        e->name = name.name;
        return e;
}

sl_ast_expr *sl_ast_expr_unary(sl_arena *arena, sl_ast_op op, sl_ast_expr *a, sl_pos pos)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, SL_AST_UNARY, pos);

        e->op = op;
        e->a = a;
        return finish(e);
}

sl_ast_expr *sl_ast_expr_binary(sl_arena *arena, sl_ast_op op, sl_ast_expr *a, sl_ast_expr *b)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, SL_AST_BINARY, a->pos);

        e->op = op;
        e->a = a;
        e->b = b;
        return finish(e);
}

sl_ast_expr *sl_ast_expr_node(sl_arena *arena, sl_ast_expr_kind kind, bool negated,
                              sl_ast_expr *a, sl_ast_expr *b, sl_ast_expr *c, sl_ast_list *list,
                              sl_pos pos)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, kind, pos);

        e->negated = negated;
        e->a = a;
        e->b = b;
        e->c = c;
        e->list = list;
        return finish(e);
}

sl_ast_expr *sl_ast_expr_call(sl_arena *arena, sl_ast_ident name, sl_ast_list *args, bool star)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, SL_AST_CALL, name.pos);

        e->name = name.name;
        e->list = args ? args : sl_ast_list_new(arena);
        e->star = star;
        return finish(e);
}

sl_ast_expr *sl_ast_expr_cast(sl_arena *arena, sl_ast_expr *a, sl_ast_type *type, sl_pos pos)
{
        sl_ast_expr *e = sl_ast_expr_new(arena, SL_AST_CAST, pos);

        e->a = a;
        e->type = type;
        return finish(e);
}

sl_ast_expr *sl_ast_expr_like(sl_arena *arena, sl_ast_expr *a, bool negated, sl_ast_expr *pattern,
                              char *escape)
{
        sl_ast_expr *e = sl_ast_expr_node(arena, SL_AST_LIKE, negated, a, pattern, NULL, NULL,
                                          a->pos);

        e->text = escape;
        return e;
}

sl_ast_expr *sl_ast_expr_lambda(sl_arena *arena, sl_ast_list *params, sl_ast_expr *body,
                                sl_pos pos)
{
        return sl_ast_expr_node(arena, SL_AST_LAMBDA, false, body, NULL, NULL, params, pos);
}

char *sl_ast_expr_as_param(const sl_ast_expr *e)
{
        if (e->kind != SL_AST_COLUMN || e->qual != NULL)
                return NULL;
        return e->name;
}

/* ---- queries and statements ---- */

sl_ast_select_item *sl_ast_item_new(sl_arena *arena, sl_ast_item_kind kind, sl_ast_expr *expr,
                                    char *name, sl_pos pos)
{
        sl_ast_select_item *item = sl_arena_calloc(arena, 1, sizeof(*item));

        item->kind = kind;
        item->expr = expr;
        item->pos = pos;
        if (kind == SL_AST_ITEM_SOURCE_STAR)
                item->qual = name;
        else
                item->alias = name;
        return item;
}

sl_ast_relation sl_ast_relation_make(sl_ast_ident name, sl_ast_ident *alias)
{
        sl_ast_relation rel;

        rel.name = name;
        rel.alias = alias ? alias->name : NULL;
        return rel;
}

sl_ast_duration sl_ast_duration_make(int64_t n, sl_ast_unit unit)
{
        sl_ast_duration d = {n, unit};
        return d;
}

int64_t sl_ast_duration_ms(sl_ast_duration d)
{
        switch (d.unit) {
        case SL_AST_UNIT_DAY: case SL_AST_UNIT_DAYS: return d.n * 86400000;
        case SL_AST_UNIT_HOUR: case SL_AST_UNIT_HOURS: return d.n * 3600000;
        case SL_AST_UNIT_MINUTE: case SL_AST_UNIT_MINUTES: return d.n * 60000;
        case SL_AST_UNIT_SECOND: case SL_AST_UNIT_SECONDS: return d.n * 1000;
        case SL_AST_UNIT_MILLISECOND: case SL_AST_UNIT_MILLISECONDS: return d.n;
        case SL_AST_UNIT_NONE: break;
        }
        return -1;
}

sl_ast_window *sl_ast_window_new(sl_arena *arena, sl_ast_window_kind kind, sl_ast_duration size,
                                 sl_ast_duration advance, sl_ast_duration retention,
                                 sl_ast_duration grace)
{
        sl_ast_window *w = sl_arena_calloc(arena, 1, sizeof(*w));

        w->kind = kind;
        w->size = size;
        w->advance = advance;
        w->retention = retention;
        w->grace = grace;
        return w;
}

sl_ast_join *sl_ast_join_within(sl_arena *arena, bool two, sl_ast_duration before,
                                sl_ast_duration after, sl_ast_duration grace)
{
        sl_ast_join *j = sl_arena_calloc(arena, 1, sizeof(*j));

        j->has_within = true;
        j->within_two = two;
        j->before = before;
        j->after = after;
        j->grace = grace;
        return j;
}

sl_ast_join *sl_ast_join_new(sl_arena *arena, sl_ast_join_kind kind, sl_ast_relation right,
                             sl_ast_join *within, sl_ast_expr *on, sl_pos pos)
{
        sl_ast_join *j = within ? within : sl_arena_calloc(arena, 1, sizeof(*j));

        j->kind = kind;
        j->right = right;
        j->on = on;
        j->pos = pos;
        return j;
}

sl_ast_window *sl_ast_window_named(sl_ast_window *w, char *name, sl_pos pos)
{
        w->name = name;
        w->pos = pos;
        return w;
}

sl_ast_query *sl_ast_query_make(sl_arena *arena, sl_pos pos, sl_ast_list *items,
                                sl_ast_relation from, sl_ast_list *joins, sl_ast_window *window,
                                sl_ast_expr *where, sl_ast_list *group_by,
                                sl_ast_list *partition_by, sl_ast_expr *having, sl_ast_emit emit,
                                bool has_limit, int64_t limit)
{
        sl_ast_query *q = sl_arena_calloc(arena, 1, sizeof(*q));

        q->pos = pos;
        q->items = items;
        q->from = from;
        q->joins = joins;
        q->window = window;
        q->where = where;
        q->group_by = group_by;
        q->partition_by = partition_by;
        q->having = having;
        q->emit = emit;
        q->has_limit = has_limit;
        q->limit = has_limit ? limit : 0;
        return q;
}

sl_ast_property *sl_ast_property_new(sl_arena *arena, sl_ast_ident name, bool quoted,
                                     sl_ast_expr *value)
{
        sl_ast_property *p = sl_arena_calloc(arena, 1, sizeof(*p));

        p->name = name;
        p->name_quoted = quoted;
        p->value = value;
        return p;
}

sl_ast_stmt *sl_ast_stmt_new(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags, sl_pos pos)
{
        sl_ast_stmt *s = sl_arena_calloc(arena, 1, sizeof(*s));

        s->kind = kind;
        s->flags = flags;
        s->pos = pos;
        s->interval = -1;
        s->limit = -1;
        return s;
}

sl_ast_stmt *sl_ast_stmt_named(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags, sl_pos pos,
                               sl_ast_ident name)
{
        sl_ast_stmt *s = sl_ast_stmt_new(arena, kind, flags, pos);

        s->name = name;
        return s;
}

sl_ast_stmt *sl_ast_stmt_keyval(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags,
                                sl_pos pos, char *key, char *value)
{
        sl_ast_stmt *s = sl_ast_stmt_new(arena, kind, flags, pos);

        s->key = key;
        s->value = value;
        return s;
}

sl_ast_stmt *sl_ast_stmt_print_topic(sl_arena *arena, sl_pos pos, sl_ast_ident topic, bool quoted,
                               unsigned flags, int64_t interval, int64_t limit)
{
        sl_ast_stmt *s = sl_ast_stmt_named(arena, SL_AST_STMT_PRINT,
                                           flags | (quoted ? SL_AST_QUOTED : 0), pos, topic);

        s->interval = interval;
        s->limit = limit;
        return s;
}

sl_ast_stmt *sl_ast_stmt_create(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags,
                                sl_pos pos, sl_ast_ident name, sl_ast_list *elements,
                                sl_ast_list *props, sl_ast_query *query)
{
        sl_ast_stmt *s = sl_ast_stmt_named(arena, kind, flags, pos, name);

        s->elements = elements;
        s->props = props;
        s->query = query;
        return s;
}

sl_ast_stmt *sl_ast_stmt_values(sl_arena *arena, sl_ast_stmt_kind kind, sl_pos pos,
                                sl_ast_ident name, sl_ast_list *columns, sl_ast_list *values)
{
        sl_ast_stmt *s = sl_ast_stmt_named(arena, kind, 0, pos, name);

        s->columns = columns;
        s->values = values;
        return s;
}

sl_ast_stmt *sl_ast_stmt_explain(sl_arena *arena, sl_pos pos, sl_ast_stmt *inner,
                                 const sl_ast_ident *id)
{
        sl_ast_stmt *s = sl_ast_stmt_new(arena, SL_AST_STMT_EXPLAIN, 0, pos);

        s->inner = inner;
        if (id)
                s->name = *id;
        return s;
}

sl_ast_stmt *sl_ast_stmt_assert(sl_arena *arena, sl_ast_stmt_kind kind, unsigned flags,
                                sl_pos pos, sl_ast_ident name, sl_ast_list *props,
                                sl_ast_expr *id, sl_ast_duration timeout)
{
        sl_ast_stmt *s = sl_ast_stmt_named(arena, kind, flags, pos, name);

        s->props = props;
        s->id = id;
        s->timeout = timeout;
        return s;
}

void sl_ast_stmt_free(sl_ast_stmt *stmt)
{
        if (stmt == NULL || stmt->arena == NULL)
                return;
        sl_arena_free(stmt->arena);
}

/* ---- equality ---- */

static bool str_eq(const char *a, const char *b)
{
        if (a == NULL || b == NULL)
                return a == b;
        return strcmp(a, b) == 0;
}

typedef bool (*elem_eq_fn)(const void *a, const void *b);

static bool list_eq(const sl_ast_list *a, const sl_ast_list *b, elem_eq_fn eq)
{
        size_t i, na = a ? a->len : 0, nb = b ? b->len : 0;

        if (na != nb)
                return false;
        for (i = 0; i < na; i++)
                if (!eq(a->items[i], b->items[i]))
                        return false;
        return true;
}

/* For lists where NULL (absent) differs from empty. */
static bool opt_list_eq(const sl_ast_list *a, const sl_ast_list *b, elem_eq_fn eq)
{
        if ((a == NULL) != (b == NULL))
                return false;
        return list_eq(a, b, eq);
}

static bool str_elem_eq(const void *a, const void *b)
{
        return str_eq(a, b);
}

static bool ident_elem_eq(const void *a, const void *b)
{
        return str_eq(((const sl_ast_ident *)a)->name, ((const sl_ast_ident *)b)->name);
}

static bool expr_elem_eq(const void *a, const void *b)
{
        return sl_ast_expr_equal(a, b);
}

static bool field_def_eq(const void *pa, const void *pb)
{
        const sl_ast_field_def *a = pa, *b = pb;

        return str_eq(a->name.name, b->name.name) && sl_ast_type_equal(a->type, b->type) &&
               a->constraint == b->constraint && str_eq(a->header_key, b->header_key);
}

bool sl_ast_type_equal(const sl_ast_type *a, const sl_ast_type *b)
{
        if (a == NULL || b == NULL)
                return a == b;
        return a->kind == b->kind && a->precision == b->precision && a->scale == b->scale &&
               sl_ast_type_equal(a->elem, b->elem) && sl_ast_type_equal(a->key, b->key) &&
               list_eq(a->fields, b->fields, field_def_eq) && str_eq(a->name, b->name) &&
               opt_list_eq(a->params, b->params, str_elem_eq);
}

bool sl_ast_expr_equal(const sl_ast_expr *a, const sl_ast_expr *b)
{
        if (a == NULL || b == NULL)
                return a == b;
        if (a->kind != b->kind || a->op != b->op || a->negated != b->negated ||
            a->star != b->star || a->bval != b->bval || a->ival != b->ival)
                return false;
        if (!str_eq(a->name, b->name) || !str_eq(a->qual, b->qual) || !str_eq(a->text, b->text))
                return false;
        if (!sl_ast_expr_equal(a->a, b->a) || !sl_ast_expr_equal(a->b, b->b) ||
            !sl_ast_expr_equal(a->c, b->c) || !sl_ast_type_equal(a->type, b->type))
                return false;
        if (a->kind == SL_AST_LAMBDA)
                return list_eq(a->list, b->list, str_elem_eq);
        return list_eq(a->list, b->list, expr_elem_eq);
}

static bool duration_eq(sl_ast_duration a, sl_ast_duration b)
{
        return a.unit == b.unit && (a.unit == SL_AST_UNIT_NONE || a.n == b.n);
}

static bool relation_eq(const sl_ast_relation *a, const sl_ast_relation *b)
{
        return str_eq(a->name.name, b->name.name) && str_eq(a->alias, b->alias);
}

static bool join_eq(const void *pa, const void *pb)
{
        const sl_ast_join *a = pa, *b = pb;

        return a->kind == b->kind && relation_eq(&a->right, &b->right) &&
               a->has_within == b->has_within && a->within_two == b->within_two &&
               duration_eq(a->before, b->before) && duration_eq(a->after, b->after) &&
               duration_eq(a->grace, b->grace) && sl_ast_expr_equal(a->on, b->on);
}

static bool item_eq(const void *pa, const void *pb)
{
        const sl_ast_select_item *a = pa, *b = pb;

        return a->kind == b->kind && sl_ast_expr_equal(a->expr, b->expr) &&
               str_eq(a->alias, b->alias) && str_eq(a->qual, b->qual);
}

static bool window_eq(const sl_ast_window *a, const sl_ast_window *b)
{
        if (a == NULL || b == NULL)
                return a == b;
        return a->kind == b->kind && str_eq(a->name, b->name) && duration_eq(a->size, b->size) &&
               duration_eq(a->advance, b->advance) && duration_eq(a->retention, b->retention) &&
               duration_eq(a->grace, b->grace);
}

static bool query_eq(const sl_ast_query *a, const sl_ast_query *b)
{
        if (a == NULL || b == NULL)
                return a == b;
        return list_eq(a->items, b->items, item_eq) && relation_eq(&a->from, &b->from) &&
               list_eq(a->joins, b->joins, join_eq) && window_eq(a->window, b->window) &&
               sl_ast_expr_equal(a->where, b->where) &&
               opt_list_eq(a->group_by, b->group_by, expr_elem_eq) &&
               opt_list_eq(a->partition_by, b->partition_by, expr_elem_eq) &&
               sl_ast_expr_equal(a->having, b->having) && a->emit == b->emit &&
               a->has_limit == b->has_limit && (!a->has_limit || a->limit == b->limit);
}

static bool property_eq(const void *pa, const void *pb)
{
        const sl_ast_property *a = pa, *b = pb;

        return str_eq(a->name.name, b->name.name) && a->name_quoted == b->name_quoted &&
               sl_ast_expr_equal(a->value, b->value);
}

bool sl_ast_stmt_equal(const sl_ast_stmt *a, const sl_ast_stmt *b)
{
        if (a == NULL || b == NULL)
                return a == b;
        return a->kind == b->kind && a->flags == b->flags && str_eq(a->name.name, b->name.name) &&
               str_eq(a->key, b->key) && str_eq(a->value, b->value) &&
               opt_list_eq(a->elements, b->elements, field_def_eq) &&
               opt_list_eq(a->props, b->props, property_eq) &&
               opt_list_eq(a->columns, b->columns, ident_elem_eq) &&
               list_eq(a->values, b->values, expr_elem_eq) && query_eq(a->query, b->query) &&
               sl_ast_type_equal(a->type, b->type) && sl_ast_stmt_equal(a->inner, b->inner) &&
               sl_ast_expr_equal(a->id, b->id) && duration_eq(a->timeout, b->timeout) &&
               a->interval == b->interval && a->limit == b->limit;
}

/* ---- names ---- */

const char *sl_ast_stmt_kind_name(sl_ast_stmt_kind kind)
{
        static const char *const names[SL_AST_STMT__COUNT] = {
                "QUERY", "LIST_PROPERTIES", "LIST_TOPICS", "LIST_STREAMS", "LIST_TABLES",
                "LIST_FUNCTIONS", "LIST_CONNECTORS", "LIST_PLUGINS", "LIST_TYPES",
                "LIST_VARIABLES", "LIST_QUERIES", "DESCRIBE", "DESCRIBE_STREAMS",
                "DESCRIBE_TABLES", "DESCRIBE_FUNCTION", "DESCRIBE_CONNECTOR", "PRINT",
                "TERMINATE", "PAUSE", "RESUME", "SET", "ALTER_SYSTEM", "UNSET", "DEFINE",
                "UNDEFINE", "CREATE_STREAM", "CREATE_TABLE", "CREATE_STREAM_AS",
                "CREATE_TABLE_AS", "CREATE_CONNECTOR", "INSERT_INTO", "INSERT_VALUES",
                "DROP_STREAM", "DROP_TABLE", "DROP_CONNECTOR", "EXPLAIN", "CREATE_TYPE",
                "DROP_TYPE", "ALTER_STREAM", "ALTER_TABLE", "ASSERT_TOPIC", "ASSERT_SCHEMA",
                "ASSERT_VALUES", "ASSERT_TOMBSTONE", "ASSERT_STREAM", "ASSERT_TABLE",
                "RUN_SCRIPT",
        };
        if ((unsigned)kind >= SL_AST_STMT__COUNT)
                return "UNKNOWN";
        return names[kind];
}

const char *sl_ast_unit_name(sl_ast_unit unit)
{
        static const char *const names[] = {
                "", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND",
                "DAYS", "HOURS", "MINUTES", "SECONDS", "MILLISECONDS",
        };
        if ((unsigned)unit >= sizeof(names) / sizeof(names[0]))
                return "";
        return names[unit];
}
