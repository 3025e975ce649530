/* type.c: SQL types. Primitive types are static singletons and the 741 DECIMAL(p,s) types a static
 * table, so that values can name their type without an arena; composite types are built in the
 * caller's arena and compared structurally. Printing follows ksqlDB's SqlType.toString. */
#include "types/type.h"

#include <string.h>

static const sl_type prim_types[SL_TYPE__COUNT] = {
        [SL_TYPE_NULL] = {.kind = SL_TYPE_NULL},
        [SL_TYPE_BOOLEAN] = {.kind = SL_TYPE_BOOLEAN},
        [SL_TYPE_INT] = {.kind = SL_TYPE_INT},
        [SL_TYPE_BIGINT] = {.kind = SL_TYPE_BIGINT},
        [SL_TYPE_DOUBLE] = {.kind = SL_TYPE_DOUBLE},
        [SL_TYPE_STRING] = {.kind = SL_TYPE_STRING},
        [SL_TYPE_BYTES] = {.kind = SL_TYPE_BYTES},
        [SL_TYPE_DATE] = {.kind = SL_TYPE_DATE},
        [SL_TYPE_TIME] = {.kind = SL_TYPE_TIME},
        [SL_TYPE_TIMESTAMP] = {.kind = SL_TYPE_TIMESTAMP},
};

/* decimal_types[p][s] is DECIMAL(p, s); built by a constructor before main, read-only afterwards. */
static sl_type decimal_types[SL_DECIMAL_MAX_PRECISION + 1][SL_DECIMAL_MAX_PRECISION + 1];

__attribute__((constructor)) static void init_decimal_types(void)
{
        for (int p = 1; p <= SL_DECIMAL_MAX_PRECISION; p++)
                for (int s = 0; s <= p; s++)
                        decimal_types[p][s] = (sl_type){.kind = SL_TYPE_DECIMAL, .precision = (uint8_t)p,
                                                        .scale = (uint8_t)s};
}

const sl_type *sl_type_null(void) { return &prim_types[SL_TYPE_NULL]; }
const sl_type *sl_type_boolean(void) { return &prim_types[SL_TYPE_BOOLEAN]; }
const sl_type *sl_type_int(void) { return &prim_types[SL_TYPE_INT]; }
const sl_type *sl_type_bigint(void) { return &prim_types[SL_TYPE_BIGINT]; }
const sl_type *sl_type_double(void) { return &prim_types[SL_TYPE_DOUBLE]; }
const sl_type *sl_type_string(void) { return &prim_types[SL_TYPE_STRING]; }
const sl_type *sl_type_bytes(void) { return &prim_types[SL_TYPE_BYTES]; }
const sl_type *sl_type_date(void) { return &prim_types[SL_TYPE_DATE]; }
const sl_type *sl_type_time(void) { return &prim_types[SL_TYPE_TIME]; }
const sl_type *sl_type_timestamp(void) { return &prim_types[SL_TYPE_TIMESTAMP]; }

const sl_type *sl_type_primitive(sl_type_kind kind)
{
        if ((int)kind < 0 || kind > SL_TYPE_TIMESTAMP || kind == SL_TYPE_DECIMAL)
                return NULL;
        return &prim_types[kind];
}

const sl_type *sl_type_decimal(int precision, int scale)
{
        if (precision < 1 || precision > SL_DECIMAL_MAX_PRECISION || scale < 0 || scale > precision)
                return NULL;
        return &decimal_types[precision][scale];
}

sl_err sl_type_decimal_check(int precision, int scale, sl_err_detail *err)
{
        if (precision < 1)
                return sl_err_set(err, SL_ERR_TYPE, "DECIMAL precision must be >= 1");
        if (precision > SL_DECIMAL_MAX_PRECISION)
                return sl_err_set(err, SL_ERR_TYPE, "DECIMAL precision must be <= %d", SL_DECIMAL_MAX_PRECISION);
        if (scale < 0)
                return sl_err_set(err, SL_ERR_TYPE, "DECIMAL scale must be >= 0");
        if (scale > precision)
                return sl_err_set(err, SL_ERR_TYPE, "DECIMAL precision must be >= scale");
        return SL_OK;
}

const sl_type *sl_type_array(sl_arena *arena, const sl_type *elem)
{
        sl_type *t = sl_arena_calloc(arena, 1, sizeof *t);
        t->kind = SL_TYPE_ARRAY;
        t->elem = elem;
        return t;
}

const sl_type *sl_type_map(sl_arena *arena, const sl_type *key, const sl_type *value)
{
        sl_type *t = sl_arena_calloc(arena, 1, sizeof *t);
        t->kind = SL_TYPE_MAP;
        t->key = key;
        t->elem = value;
        return t;
}

const sl_type *sl_type_struct(sl_arena *arena, const sl_type_field *fields, size_t nfields)
{
        sl_type *t = sl_arena_calloc(arena, 1, sizeof *t);
        sl_type_field *copy = sl_arena_calloc(arena, nfields ? nfields : 1, sizeof *copy);
        for (size_t i = 0; i < nfields; i++) {
                copy[i].name = sl_arena_strdup(arena, fields[i].name);
                copy[i].type = fields[i].type;
        }
        t->kind = SL_TYPE_STRUCT;
        t->fields = copy;
        t->nfields = nfields;
        return t;
}

const sl_type *sl_type_copy(sl_arena *arena, const sl_type *type)
{
        switch (type->kind) {
        case SL_TYPE_ARRAY:
                return sl_type_array(arena, sl_type_copy(arena, type->elem));
        case SL_TYPE_MAP:
                return sl_type_map(arena, sl_type_copy(arena, type->key), sl_type_copy(arena, type->elem));
        case SL_TYPE_STRUCT: {
                sl_type_field *tmp = sl_arena_calloc(arena, type->nfields ? type->nfields : 1, sizeof *tmp);
                for (size_t i = 0; i < type->nfields; i++) {
                        tmp[i].name = type->fields[i].name;
                        tmp[i].type = sl_type_copy(arena, type->fields[i].type);
                }
                return sl_type_struct(arena, tmp, type->nfields);
        }
        case SL_TYPE_DECIMAL:
                return sl_type_decimal(type->precision, type->scale);
        default:
                return sl_type_primitive(type->kind);
        }
}

bool sl_type_eq(const sl_type *a, const sl_type *b)
{
        if (a == b)
                return true;
        if (a->kind != b->kind)
                return false;
        switch (a->kind) {
        case SL_TYPE_DECIMAL:
                return a->precision == b->precision && a->scale == b->scale;
        case SL_TYPE_ARRAY:
                return sl_type_eq(a->elem, b->elem);
        case SL_TYPE_MAP:
                return sl_type_eq(a->key, b->key) && sl_type_eq(a->elem, b->elem);
        case SL_TYPE_STRUCT:
                if (a->nfields != b->nfields)
                        return false;
                for (size_t i = 0; i < a->nfields; i++)
                        if (strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
                            !sl_type_eq(a->fields[i].type, b->fields[i].type))
                                return false;
                return true;
        default:
                return true;
        }
}

int sl_type_struct_field_index(const sl_type *type, const char *name)
{
        if (type->kind != SL_TYPE_STRUCT)
                return -1;
        for (size_t i = 0; i < type->nfields; i++)
                if (strcmp(type->fields[i].name, name) == 0)
                        return (int)i;
        return -1;
}

bool sl_type_is_numeric(const sl_type *type)
{
        return type->kind >= SL_TYPE_INT && type->kind <= SL_TYPE_DECIMAL;
}

bool sl_type_is_integral(const sl_type *type)
{
        return type->kind == SL_TYPE_INT || type->kind == SL_TYPE_BIGINT;
}

bool sl_type_is_temporal(const sl_type *type)
{
        return type->kind >= SL_TYPE_DATE && type->kind <= SL_TYPE_TIMESTAMP;
}

bool sl_type_is_composite(const sl_type *type)
{
        return type->kind >= SL_TYPE_ARRAY && type->kind <= SL_TYPE_STRUCT;
}

const char *sl_type_kind_name(sl_type_kind kind)
{
        static const char *const names[SL_TYPE__COUNT] = {
                [SL_TYPE_NULL] = "NULL",          [SL_TYPE_BOOLEAN] = "BOOLEAN", [SL_TYPE_INT] = "INTEGER",
                [SL_TYPE_BIGINT] = "BIGINT",      [SL_TYPE_DOUBLE] = "DOUBLE",   [SL_TYPE_DECIMAL] = "DECIMAL",
                [SL_TYPE_STRING] = "STRING",      [SL_TYPE_BYTES] = "BYTES",     [SL_TYPE_DATE] = "DATE",
                [SL_TYPE_TIME] = "TIME",          [SL_TYPE_TIMESTAMP] = "TIMESTAMP",
                [SL_TYPE_ARRAY] = "ARRAY",        [SL_TYPE_MAP] = "MAP",         [SL_TYPE_STRUCT] = "STRUCT",
        };
        if ((int)kind < 0 || kind >= SL_TYPE__COUNT)
                return "UNKNOWN";
        return names[kind];
}

void sl_type_print(sl_str *out, const sl_type *type)
{
        sl_type_print_ex(out, type, NULL, NULL);
}

void sl_type_print_ex(sl_str *out, const sl_type *type, sl_type_quote_fn quote, void *ctx)
{
        switch (type->kind) {
        case SL_TYPE_DECIMAL:
                sl_str_appendf(out, "DECIMAL(%d, %d)", type->precision, type->scale);
                break;
        case SL_TYPE_ARRAY:
                sl_str_append(out, "ARRAY<");
                sl_type_print_ex(out, type->elem, quote, ctx);
                sl_str_append_char(out, '>');
                break;
        case SL_TYPE_MAP:
                sl_str_append(out, "MAP<");
                sl_type_print_ex(out, type->key, quote, ctx);
                sl_str_append(out, ", ");
                sl_type_print_ex(out, type->elem, quote, ctx);
                sl_str_append_char(out, '>');
                break;
        case SL_TYPE_STRUCT:
                sl_str_append(out, "STRUCT<");
                for (size_t i = 0; i < type->nfields; i++) {
                        if (i > 0)
                                sl_str_append(out, ", ");
                        /* messages quote every field name, doubling embedded backquotes */
                        const char *name = type->fields[i].name;
                        if (quote && !quote(name, ctx)) {
                                sl_str_append(out, name);
                        } else {
                                sl_str_append_char(out, '`');
                                for (const char *c = name; *c; c++) {
                                        if (*c == '`')
                                                sl_str_append_char(out, '`');
                                        sl_str_append_char(out, *c);
                                }
                                sl_str_append_char(out, '`');
                        }
                        sl_str_append_char(out, ' ');
                        sl_type_print_ex(out, type->fields[i].type, quote, ctx);
                }
                sl_str_append_char(out, '>');
                break;
        default:
                sl_str_append(out, sl_type_kind_name(type->kind));
                break;
        }
}

char *sl_type_to_cstr(sl_arena *arena, const sl_type *type)
{
        sl_str s;
        sl_str_init(&s);
        sl_type_print(&s, type);
        char *r = sl_arena_strndup(arena, sl_str_cstr(&s), sl_str_len(&s));
        sl_str_deinit(&s);
        return r;
}
