/* registry.c: the function registry -- registration, signature parsing, overload resolution with
 * ksqlDB's rules (see registry.h), implicit widening of argument values, and the call entry point.
 * Everything registered lives in the registry's arena; resolution results in the caller's arena. */
#include "func/registry.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "func/func_int.h"
#include "types/cast.h"
#include "types/decimal.h"

#define NVARS 26

struct sl_func_registry {
        sl_arena arena;  /* functions, overloads, patterns and copied texts */
        sl_map by_name;  /* case-insensitive name -> sl_func * */
        sl_vec funcs;    /* of sl_func *, registration order (for freeing) */
};

/* ---- signature parsing ---- */

/* Parser state over one signature text. */
typedef struct sig_parser {
        const char *text;     /* the whole text, for messages */
        const char *p;        /* current position */
        sl_arena *arena;      /* where patterns go */
        sl_err_detail *err;   /* filled on failure */
} sig_parser;

static void skip_ws(sig_parser *sp)
{
        while (*sp->p == ' ' || *sp->p == '\t' || *sp->p == '\n')
                sp->p++;
}

static size_t read_ident(sig_parser *sp, char *buf, size_t cap)
{
        size_t n = 0;
        skip_ws(sp);
        while (isalnum((unsigned char)*sp->p) || *sp->p == '_') {
                if (n + 1 < cap)
                        buf[n++] = *sp->p;
                sp->p++;
        }
        buf[n] = '\0';
        return n;
}

static bool expect_char(sig_parser *sp, char c)
{
        skip_ws(sp);
        if (*sp->p != c) {
                sl_err_set(sp->err, SL_ERR_PARSE, "bad function signature '%s': expected '%c' at offset %d", sp->text,
                           c, (int)(sp->p - sp->text));
                return false;
        }
        sp->p++;
        return true;
}

static sl_func_pat *pat_new(sig_parser *sp, sl_func_pat_kind kind)
{
        sl_func_pat *pat = sl_arena_calloc(sp->arena, 1, sizeof *pat);
        pat->kind = kind;
        return pat;
}

/* Primitive type names a signature may use. */
static const struct {
        const char *name;
        sl_type_kind kind;
} prim_names[] = {
        {"BOOLEAN", SL_TYPE_BOOLEAN}, {"INT", SL_TYPE_INT},         {"INTEGER", SL_TYPE_INT},
        {"BIGINT", SL_TYPE_BIGINT},   {"DOUBLE", SL_TYPE_DOUBLE},   {"STRING", SL_TYPE_STRING},
        {"VARCHAR", SL_TYPE_STRING},  {"BYTES", SL_TYPE_BYTES},     {"DATE", SL_TYPE_DATE},
        {"TIME", SL_TYPE_TIME},       {"TIMESTAMP", SL_TYPE_TIMESTAMP},
};

static const sl_func_pat *parse_pat(sig_parser *sp)
{
        char id[32];
        const char *start = sp->p;
        size_t n = read_ident(sp, id, sizeof id);
        if (n == 1 && isupper((unsigned char)id[0])) {
                sl_func_pat *pat = pat_new(sp, SL_FUNC_PAT_VAR);
                pat->var = id[0] - 'A';
                return pat;
        }
        for (size_t i = 0; i < sizeof prim_names / sizeof prim_names[0]; i++) {
                if (sl_str_eq_ci(id, prim_names[i].name)) {
                        sl_func_pat *pat = pat_new(sp, SL_FUNC_PAT_TYPE);
                        pat->type = sl_type_primitive(prim_names[i].kind);
                        return pat;
                }
        }
        if (sl_str_eq_ci(id, "DECIMAL"))
                return pat_new(sp, SL_FUNC_PAT_DECIMAL);
        if (sl_str_eq_ci(id, "ANY"))
                return pat_new(sp, SL_FUNC_PAT_ANY);
        if (sl_str_eq_ci(id, "STRUCT"))
                return pat_new(sp, SL_FUNC_PAT_STRUCT);
        if (sl_str_eq_ci(id, "ARRAY")) {
                sl_func_pat *pat = pat_new(sp, SL_FUNC_PAT_ARRAY);
                if (!expect_char(sp, '<') || !(pat->elem = parse_pat(sp)) || !expect_char(sp, '>'))
                        return NULL;
                return pat;
        }
        if (sl_str_eq_ci(id, "MAP")) {
                sl_func_pat *pat = pat_new(sp, SL_FUNC_PAT_MAP);
                if (!expect_char(sp, '<') || !(pat->key = parse_pat(sp)) || !expect_char(sp, ',') ||
                    !(pat->elem = parse_pat(sp)) || !expect_char(sp, '>'))
                        return NULL;
                return pat;
        }
        if (sl_str_eq_ci(id, "LAMBDA")) {
                const sl_func_pat *parts[8];
                size_t np = 0;
                if (!expect_char(sp, '<'))
                        return NULL;
                for (;;) {
                        if (np == 8) {
                                sl_err_set(sp->err, SL_ERR_PARSE, "bad function signature '%s': lambda too wide",
                                           sp->text);
                                return NULL;
                        }
                        if (!(parts[np++] = parse_pat(sp)))
                                return NULL;
                        skip_ws(sp);
                        if (*sp->p != ',')
                                break;
                        sp->p++;
                }
                if (!expect_char(sp, '>'))
                        return NULL;
                if (np < 2) {
                        sl_err_set(sp->err, SL_ERR_PARSE, "bad function signature '%s': a lambda needs a parameter",
                                   sp->text);
                        return NULL;
                }
                sl_func_pat *pat = pat_new(sp, SL_FUNC_PAT_LAMBDA);
                const sl_func_pat **params = sl_arena_alloc(sp->arena, (np - 1) * sizeof *params);
                memcpy(params, parts, (np - 1) * sizeof *params);
                pat->params = params;
                pat->nparams = np - 1;
                pat->elem = parts[np - 1];
                return pat;
        }
        sl_err_set(sp->err, SL_ERR_PARSE, "bad function signature '%s': unknown type '%s' at offset %d", sp->text,
                   id, (int)(start - sp->text));
        return NULL;
}

static bool pat_has_var(const sl_func_pat *pat)
{
        if (!pat)
                return false;
        if (pat->kind == SL_FUNC_PAT_VAR)
                return true;
        for (size_t i = 0; i < pat->nparams; i++)
                if (pat_has_var(pat->params[i]))
                        return true;
        return pat_has_var(pat->key) || pat_has_var(pat->elem);
}

sl_err sl_func_sig_parse(sl_arena *arena, const char *params, const char *returns, sl_func_sig *out,
                         sl_err_detail *err)
{
        sig_parser sp = {.text = params ? params : "", .p = params ? params : "", .arena = arena, .err = err};
        sl_vec pats, names;
        sl_err rc = SL_ERR_PARSE;
        sl_vec_init(&pats, sizeof(const sl_func_pat *));
        sl_vec_init(&names, sizeof(const char *));
        memset(out, 0, sizeof *out);
        skip_ws(&sp);
        while (*sp.p) {
                const sl_func_pat *pat = parse_pat(&sp);
                if (!pat)
                        goto fail;
                sl_vec_push(&pats, &pat);
                skip_ws(&sp);
                if (strncmp(sp.p, "...", 3) == 0) {
                        out->variadic = true;
                        sp.p += 3;
                }
                char id[64];
                size_t n = read_ident(&sp, id, sizeof id);
                const char *name = sl_arena_strndup(arena, id, n);
                sl_vec_push(&names, &name);
                skip_ws(&sp);
                if (*sp.p == '\0')
                        break;
                if (*sp.p != ',' || out->variadic) {
                        sl_err_set(err, SL_ERR_PARSE, "bad function signature '%s': unexpected '%c' at offset %d",
                                   sp.text, *sp.p, (int)(sp.p - sp.text));
                        goto fail;
                }
                sp.p++;
                skip_ws(&sp);
        }
        out->nparams = pats.len;
        out->params = sl_arena_memdup(arena, pats.items ? pats.items : (void *)"", pats.len * sizeof(void *));
        out->names = sl_arena_memdup(arena, names.items ? names.items : (void *)"", names.len * sizeof(void *));
        if (returns) {
                sig_parser rp = {.text = returns, .p = returns, .arena = arena, .err = err};
                if (!(out->ret = parse_pat(&rp)))
                        goto fail;
                skip_ws(&rp);
                if (*rp.p) {
                        sl_err_set(err, SL_ERR_PARSE, "bad return type '%s'", returns);
                        goto fail;
                }
        }
        rc = SL_OK;
fail:
        sl_vec_deinit(&pats);
        sl_vec_deinit(&names);
        return rc;
}

void sl_func_pat_print(sl_str *out, const sl_func_pat *pat)
{
        switch (pat->kind) {
        case SL_FUNC_PAT_TYPE:
                sl_str_append(out, sl_type_kind_name(pat->type->kind));
                break;
        case SL_FUNC_PAT_DECIMAL:
                sl_str_append(out, "DECIMAL");
                break;
        case SL_FUNC_PAT_ANY:
                sl_str_append(out, "ANY");
                break;
        case SL_FUNC_PAT_STRUCT:
                sl_str_append(out, "STRUCT");
                break;
        case SL_FUNC_PAT_VAR:
                sl_str_append_char(out, (char)('A' + pat->var));
                break;
        case SL_FUNC_PAT_ARRAY:
                sl_str_append(out, "ARRAY<");
                sl_func_pat_print(out, pat->elem);
                sl_str_append(out, ">");
                break;
        case SL_FUNC_PAT_MAP:
                sl_str_append(out, "MAP<");
                sl_func_pat_print(out, pat->key);
                sl_str_append(out, ", ");
                sl_func_pat_print(out, pat->elem);
                sl_str_append(out, ">");
                break;
        case SL_FUNC_PAT_LAMBDA:
                sl_str_append(out, "LAMBDA<");
                for (size_t i = 0; i < pat->nparams; i++) {
                        sl_func_pat_print(out, pat->params[i]);
                        sl_str_append(out, ", ");
                }
                sl_func_pat_print(out, pat->elem);
                sl_str_append(out, ">");
                break;
        }
}

void sl_func_overload_print(sl_str *out, const sl_func_overload *ov)
{
        sl_str_append(out, ov->func->name);
        sl_str_append_char(out, '(');
        for (size_t i = 0; i < ov->sig.nparams; i++) {
                if (i)
                        sl_str_append(out, ", ");
                sl_func_pat_print(out, ov->sig.params[i]);
                if (ov->sig.variadic && i + 1 == ov->sig.nparams)
                        sl_str_append(out, "...");
                if (ov->sig.names[i][0]) {
                        sl_str_append_char(out, ' ');
                        sl_str_append(out, ov->sig.names[i]);
                }
        }
        sl_str_append_char(out, ')');
}

static bool pat_eq(const sl_func_pat *a, const sl_func_pat *b)
{
        if (!a || !b)
                return a == b;
        if (a->kind != b->kind || a->var != b->var || a->nparams != b->nparams)
                return false;
        if (a->kind == SL_FUNC_PAT_TYPE && !sl_type_eq(a->type, b->type))
                return false;
        for (size_t i = 0; i < a->nparams; i++)
                if (!pat_eq(a->params[i], b->params[i]))
                        return false;
        return pat_eq(a->key, b->key) && pat_eq(a->elem, b->elem);
}

/* Bit set of the variables a pattern uses. */
static uint32_t pat_vars(const sl_func_pat *pat)
{
        uint32_t m = 0;
        if (!pat)
                return 0;
        if (pat->kind == SL_FUNC_PAT_VAR)
                m |= 1u << pat->var;
        for (size_t i = 0; i < pat->nparams; i++)
                m |= pat_vars(pat->params[i]);
        return m | pat_vars(pat->key) | pat_vars(pat->elem);
}

/* ---- registration ---- */

sl_func_registry *sl_func_registry_new(void)
{
        sl_func_registry *reg = sl_calloc(1, sizeof *reg);
        sl_arena_init(&reg->arena, 0);
        sl_map_init(&reg->by_name, true);
        sl_vec_init(&reg->funcs, sizeof(sl_func *));
        return reg;
}

void sl_func_registry_free(sl_func_registry *reg)
{
        if (!reg)
                return;
        for (size_t i = 0; i < reg->funcs.len; i++)
                sl_vec_deinit(&SL_VEC_AT(&reg->funcs, sl_func *, i)->overloads);
        sl_vec_deinit(&reg->funcs);
        sl_map_deinit(&reg->by_name);
        sl_arena_deinit(&reg->arena);
        sl_free(reg);
}

static const char *dup_or(sl_arena *arena, const char *s, const char *dflt)
{
        return sl_arena_strdup(arena, s ? s : dflt);
}

sl_err sl_func_registry_add(sl_func_registry *reg, const sl_func_def *def, sl_func **out, sl_err_detail *err)
{
        sl_func *fn = sl_map_get_s(&reg->by_name, def->name);
        if (fn) {
                if (fn->kind != def->kind)
                        return sl_err_set(err, SL_ERR_EXISTS, "function '%s' already exists with another kind",
                                          def->name);
                *out = fn;
                return SL_OK;
        }
        fn = sl_arena_calloc(&reg->arena, 1, sizeof *fn);
        fn->name = sl_arena_strdup(&reg->arena, def->name);
        fn->kind = def->kind;
        fn->category = dup_or(&reg->arena, def->category, "OTHER");
        fn->description = dup_or(&reg->arena, def->description, "");
        fn->author = dup_or(&reg->arena, def->author, "");
        fn->version = dup_or(&reg->arena, def->version, "");
        sl_vec_init(&fn->overloads, sizeof(sl_func_overload *));
        sl_map_put_s(&reg->by_name, fn->name, fn);
        sl_vec_push(&reg->funcs, &fn);
        *out = fn;
        return SL_OK;
}

sl_err sl_func_registry_add_overload(sl_func_registry *reg, sl_func *fn, const sl_func_overload_def *def,
                                     sl_err_detail *err)
{
        sl_func_overload *ov = sl_arena_calloc(&reg->arena, 1, sizeof *ov);
        sl_err rc = sl_func_sig_parse(&reg->arena, def->params, def->returns, &ov->sig, err);
        if (rc)
                return rc;
        if (fn->kind == SL_FUNC_AGGREGATE ? !def->agg || !def->agg->init || !def->agg->accumulate || !def->agg->result
                                          : !def->invoke)
                return sl_err_set(err, SL_ERR_INVALID, "function '%s': overload (%s) lacks its callbacks", fn->name,
                                  def->params);
        if (!ov->sig.ret && !def->ret_fn)
                return sl_err_set(err, SL_ERR_INVALID, "function '%s': overload (%s) has no return type", fn->name,
                                  def->params);
        if (ov->sig.ret) {
                uint32_t bound = 0;
                for (size_t i = 0; i < ov->sig.nparams; i++)
                        bound |= pat_vars(ov->sig.params[i]);
                if (pat_vars(ov->sig.ret) & ~bound)
                        return sl_err_set(err, SL_ERR_INVALID, "function '%s': return type %s uses an unbound variable",
                                          fn->name, def->returns);
        }
        for (size_t i = 0; i < fn->overloads.len; i++) {
                const sl_func_overload *o = SL_VEC_AT(&fn->overloads, sl_func_overload *, i);
                bool same = o->sig.nparams == ov->sig.nparams && o->sig.variadic == ov->sig.variadic;
                for (size_t j = 0; same && j < o->sig.nparams; j++)
                        same = pat_eq(o->sig.params[j], ov->sig.params[j]);
                if (same)
                        return sl_err_set(err, SL_ERR_EXISTS, "function '%s' already has an overload (%s)", fn->name,
                                          def->params);
        }
        ov->ret_fn = def->ret_fn;
        ov->invoke = def->invoke;
        ov->agg = def->agg;
        ov->flags = def->flags;
        ov->udata = def->udata;
        ov->ninit = def->ninit;
        ov->description = def->description ? sl_arena_strdup(&reg->arena, def->description) : NULL;
        ov->func = fn;
        sl_vec_push(&fn->overloads, &ov);
        return SL_OK;
}

sl_err sl_func_registry_add_table(sl_func_registry *reg, const sl_func_builtin *rows, size_t n, sl_err_detail *err)
{
        for (size_t i = 0; i < n; i++) {
                const sl_func_builtin *row = &rows[i];
                sl_func *fn = NULL;
                sl_func_def def = {.name = row->name, .kind = SL_FUNC_SCALAR, .category = row->category,
                                   .description = row->description, .author = "sluice", .version = "1.0"};
                sl_err rc = sl_func_registry_add(reg, &def, &fn, err);
                if (rc)
                        return rc;
                if (!fn->description[0] && row->description)
                        fn->description = sl_arena_strdup(&reg->arena, row->description);
                sl_func_overload_def od = {.params = row->params, .returns = row->returns, .ret_fn = row->ret_fn,
                                           .invoke = row->invoke, .flags = row->flags};
                rc = sl_func_registry_add_overload(reg, fn, &od, err);
                if (rc)
                        return rc;
        }
        return SL_OK;
}

sl_err sl_func_registry_add_builtins(sl_func_registry *reg, sl_err_detail *err)
{
        sl_err (*const families[])(sl_func_registry *, sl_err_detail *) = {
                sl_func_string_register, sl_func_numeric_register, sl_func_array_register, sl_func_map_register,
                sl_func_lambda_register, sl_func_conditional_register, sl_func_regex_register, sl_func_url_register,
                sl_func_conversion_register, sl_func_json_register, sl_func_datetime_register, sl_func_agg_register,
        };
        for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
                sl_err rc = families[i](reg, err);
                if (rc)
                        return rc;
        }
        return SL_OK;
}

const sl_func *sl_func_registry_get(const sl_func_registry *reg, const char *name)
{
        return sl_map_get_s(&reg->by_name, name);
}

size_t sl_func_registry_count(const sl_func_registry *reg)
{
        return reg->funcs.len;
}

static int cmp_func_name(const void *a, const void *b)
{
        return sl_str_cmp_ci((*(const sl_func *const *)a)->name, (*(const sl_func *const *)b)->name);
}

size_t sl_func_registry_list(const sl_func_registry *reg, sl_arena *arena, const sl_func ***out)
{
        const sl_func **arr = sl_arena_alloc(arena, (reg->funcs.len + 1) * sizeof *arr);
        if (reg->funcs.len)
                memcpy(arr, reg->funcs.items, reg->funcs.len * sizeof *arr);
        qsort(arr, reg->funcs.len, sizeof *arr, cmp_func_name);
        *out = arr;
        return reg->funcs.len;
}

/* ---- widening ---- */

static bool is_null_type(const sl_type *t)
{
        return t->kind == SL_TYPE_NULL;
}

bool sl_func_type_widens(const sl_type *from, const sl_type *to)
{
        return sl_cast_implicit_ok(from, to);  /* one rule for the analyzer and the registry */
}

sl_err sl_func_value_widen(sl_arena *arena, const sl_value *v, const sl_type *to, sl_value *out, sl_err_detail *err)
{
        sl_value *items;
        sl_err rc;
        if (v->kind == SL_TYPE_NULL || to->kind == SL_TYPE_NULL) {
                *out = *v;
                return SL_OK;
        }
        switch (to->kind) {
        case SL_TYPE_BIGINT:
                if (v->kind == SL_TYPE_INT) {
                        *out = sl_value_bigint(v->u.i32);
                        return SL_OK;
                }
                break;
        case SL_TYPE_DOUBLE:
                if (v->kind == SL_TYPE_INT) {
                        *out = sl_value_double(v->u.i32);
                        return SL_OK;
                }
                if (v->kind == SL_TYPE_BIGINT) {
                        *out = sl_value_double((double)v->u.i64);
                        return SL_OK;
                }
                if (v->kind == SL_TYPE_DECIMAL) {
                        *out = sl_value_double(sl_decimal_to_double(sl_value_get_decimal(v)));
                        return SL_OK;
                }
                break;
        case SL_TYPE_DECIMAL: {
                sl_decimal d;
                if (v->kind == SL_TYPE_INT || v->kind == SL_TYPE_BIGINT) {
                        int64_t i = v->kind == SL_TYPE_INT ? v->u.i32 : v->u.i64;
                        if ((rc = sl_decimal_from_i64(i, to->precision, to->scale, &d, err)))
                                return rc;
                        *out = sl_value_decimal(d);
                        return SL_OK;
                }
                if (v->kind == SL_TYPE_DECIMAL) {
                        if (v->precision == to->precision && v->scale == to->scale)
                                break;
                        if ((rc = sl_decimal_rescale(sl_value_get_decimal(v), to->precision, to->scale, &d, err)))
                                return rc;
                        *out = sl_value_decimal(d);
                        return SL_OK;
                }
                break;
        }
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
        case SL_TYPE_TIMESTAMP: {
                if (v->kind != SL_TYPE_STRING)
                        break;
                int32_t i32;
                int64_t i64;
                const char *p = (const char *)v->u.bytes;
                if (to->kind == SL_TYPE_TIMESTAMP) {
                        if ((rc = sl_cast_parse_timestamp(p, v->len, &i64, err)))
                                return rc;
                        *out = sl_value_timestamp(i64);
                } else if (to->kind == SL_TYPE_DATE) {
                        if ((rc = sl_cast_parse_date(p, v->len, &i32, err)))
                                return rc;
                        *out = sl_value_date(i32);
                } else {
                        if ((rc = sl_cast_parse_time(p, v->len, &i32, err)))
                                return rc;
                        *out = sl_value_time(i32);
                }
                return SL_OK;
        }
        case SL_TYPE_ARRAY:
        case SL_TYPE_MAP:
        case SL_TYPE_STRUCT: {
                if (v->kind != to->kind || sl_type_eq(v->u.comp.type, to))
                        break;
                size_t n = v->kind == SL_TYPE_MAP ? 2 * (size_t)v->len : v->len;
                sl_value res = sl_value_composite_new(arena, to, v->len, &items);
                for (size_t i = 0; i < n; i++) {
                        const sl_type *t = to->kind == SL_TYPE_ARRAY    ? to->elem
                                           : to->kind == SL_TYPE_STRUCT ? to->fields[i].type
                                           : (i % 2 == 0)               ? to->key
                                                                        : to->elem;
                        if ((rc = sl_func_value_widen(arena, &v->u.comp.items[i], t, &items[i], err)))
                                return rc;
                }
                *out = res;
                return SL_OK;
        }
        default:
                break;
        }
        *out = *v;
        return SL_OK;
}

sl_err sl_func_args_convert(sl_arena *arena, const sl_func_resolved *res, const sl_value *args, size_t n,
                            sl_value *out, sl_err_detail *err)
{
        for (size_t i = 0; i < n; i++) {
                const sl_type *t = i < res->nargs ? res->args[i].type : NULL;
                if (!t) {
                        out[i] = args[i];
                        continue;
                }
                sl_err rc = sl_func_value_widen(arena, &args[i], t, &out[i], err);
                if (rc)
                        return rc;
        }
        return SL_OK;
}

/* ---- resolution ---- */

/* Matches type `t` against `pat`, binding variables in `vars`; *conv receives the type the
 * argument converts to. `widen` allows implicit widening. */
static bool match(const sl_func_pat *pat, const sl_type *t, bool widen, const sl_type **vars, sl_arena *arena,
                  const sl_type **conv)
{
        *conv = t;
        if (is_null_type(t))
                return true;
        switch (pat->kind) {
        case SL_FUNC_PAT_TYPE:
                *conv = pat->type;
                return widen ? sl_func_type_widens(t, pat->type) : sl_type_eq(t, pat->type);
        case SL_FUNC_PAT_DECIMAL:
                if (t->kind == SL_TYPE_DECIMAL)
                        return true;
                if (widen && (t->kind == SL_TYPE_INT || t->kind == SL_TYPE_BIGINT)) {
                        *conv = sl_func_decimal_of(t);
                        return true;
                }
                return false;
        case SL_FUNC_PAT_ANY:
                return true;
        case SL_FUNC_PAT_STRUCT:
                return t->kind == SL_TYPE_STRUCT;
        case SL_FUNC_PAT_VAR:
                if (!vars[pat->var]) {
                        vars[pat->var] = t;
                        return true;
                }
                if (widen && !sl_func_type_widens(t, vars[pat->var]) && sl_func_type_widens(vars[pat->var], t))
                        vars[pat->var] = t;  /* a later, wider occurrence widens the binding */
                *conv = vars[pat->var];
                return widen ? sl_func_type_widens(t, vars[pat->var]) : sl_type_eq(t, vars[pat->var]);
        case SL_FUNC_PAT_ARRAY: {
                const sl_type *ce;
                if (t->kind != SL_TYPE_ARRAY || !match(pat->elem, t->elem, widen, vars, arena, &ce))
                        return false;
                if (!sl_type_eq(ce, t->elem))
                        *conv = sl_type_array(arena, ce);
                return true;
        }
        case SL_FUNC_PAT_MAP: {
                const sl_type *ck, *cv;
                if (t->kind != SL_TYPE_MAP || !match(pat->key, t->key, widen, vars, arena, &ck) ||
                    !match(pat->elem, t->elem, widen, vars, arena, &cv))
                        return false;
                if (!sl_type_eq(ck, t->key) || !sl_type_eq(cv, t->elem))
                        *conv = sl_type_map(arena, ck, cv);
                return true;
        }
        case SL_FUNC_PAT_LAMBDA:
                return false;
        }
        return false;
}

/* The type a pattern denotes under `vars`; NULL when it does not denote one type (ANY, DECIMAL,
 * STRUCT, unbound variables). */
static const sl_type *subst(const sl_func_pat *pat, const sl_type **vars, sl_arena *arena)
{
        const sl_type *k, *e;
        switch (pat->kind) {
        case SL_FUNC_PAT_TYPE:
                return pat->type;
        case SL_FUNC_PAT_VAR:
                return vars[pat->var];
        case SL_FUNC_PAT_ARRAY:
                e = subst(pat->elem, vars, arena);
                return e ? sl_type_array(arena, e) : NULL;
        case SL_FUNC_PAT_MAP:
                k = subst(pat->key, vars, arena);
                e = subst(pat->elem, vars, arena);
                return k && e ? sl_type_map(arena, k, e) : NULL;
        default:
                return NULL;
        }
}

static const sl_func_pat *param_pat(const sl_func_overload *ov, size_t i)
{
        return ov->sig.params[i < ov->sig.nparams ? i : ov->sig.nparams - 1];
}

/* A STRING literal given for a DATE, TIME or TIMESTAMP parameter (or a variable bound to one)
 * fits when it parses as ISO-8601. */
static bool literal_fits(const sl_func_pat *pat, const sl_func_arg *arg, const sl_type **vars, const sl_type **conv)
{
        const sl_type *want = pat->kind == SL_FUNC_PAT_TYPE ? pat->type
                              : pat->kind == SL_FUNC_PAT_VAR ? vars[pat->var]
                                                             : NULL;
        if (!arg->literal || arg->type->kind != SL_TYPE_STRING || !want)
                return false;
        int32_t i32;
        int64_t i64;
        bool ok = false;
        switch (want->kind) {
        case SL_TYPE_DATE:
                ok = sl_cast_parse_date(arg->literal, arg->literal_len, &i32, NULL) == SL_OK;
                break;
        case SL_TYPE_TIME:
                ok = sl_cast_parse_time(arg->literal, arg->literal_len, &i32, NULL) == SL_OK;
                break;
        case SL_TYPE_TIMESTAMP:
                ok = sl_cast_parse_timestamp(arg->literal, arg->literal_len, &i64, NULL) == SL_OK;
                break;
        default:
                break;
        }
        if (ok)
                *conv = want;
        return ok;
}

/* Tries one overload; on success fills conv[] (per argument) and vars. */
static bool try_overload(const sl_func_overload *ov, const sl_func_arg *args, size_t nargs, bool widen,
                         sl_arena *arena, const sl_type **vars, const sl_type **conv)
{
        size_t np = ov->sig.nparams;
        if (ov->sig.variadic ? nargs + 1 < np : nargs != np)
                return false;
        memset(vars, 0, NVARS * sizeof *vars);
        /* with widening, a second round computes every conversion under the final (widest)
         * bindings: IFNULL(INT, BIGINT) binds T to BIGINT and converts the first argument too */
        for (int round = 0; round < (widen ? 2 : 1); round++) {
                for (size_t i = 0; i < nargs; i++) {
                        const sl_func_pat *pat = param_pat(ov, i);
                        if (!args[i].type) {
                                if (pat->kind != SL_FUNC_PAT_LAMBDA || pat->nparams != args[i].lambda_arity)
                                        return false;
                                conv[i] = NULL;
                                continue;
                        }
                        if (pat->kind == SL_FUNC_PAT_LAMBDA)
                                return false;
                        if (!match(pat, args[i].type, widen, vars, arena, &conv[i]) &&
                            !(widen && literal_fits(pat, &args[i], vars, &conv[i])))
                                return false;
                }
        }
        return true;
}

static void print_arg_types(sl_str *s, const sl_func_arg *args, size_t nargs)
{
        sl_str_append_char(s, '(');
        for (size_t i = 0; i < nargs; i++) {
                if (i)
                        sl_str_append(s, ", ");
                if (!args[i].type)
                        sl_str_append(s, "LAMBDA");
                else if (is_null_type(args[i].type))
                        sl_str_append(s, "null");
                else
                        sl_type_print(s, args[i].type);
        }
        sl_str_append_char(s, ')');
}

static sl_err no_match(const sl_func *fn, const sl_func_arg *args, size_t nargs, sl_err_detail *err)
{
        sl_str s;
        sl_str_init(&s);
        sl_str_appendf(&s, "Function '%s' does not accept parameters ", fn->name);
        print_arg_types(&s, args, nargs);
        sl_str_append(&s, ".");
        if (fn->overloads.len) {
                sl_str_append(&s, "\nValid alternatives are:");
                for (size_t i = 0; i < fn->overloads.len; i++) {
                        sl_str_append_char(&s, '\n');
                        sl_func_overload_print(&s, SL_VEC_AT(&fn->overloads, sl_func_overload *, i));
                }
        }
        sl_err rc = sl_err_set(err, SL_ERR_TYPE, "%s", sl_str_cstr(&s));
        sl_str_deinit(&s);
        return rc;
}

static sl_err ambiguous(const sl_func *fn, const sl_func_arg *args, size_t nargs, sl_err_detail *err)
{
        sl_str s;
        sl_str_init(&s);
        sl_str_appendf(&s, "Function '%s' cannot be resolved due to ambiguous method parameters ", fn->name);
        print_arg_types(&s, args, nargs);
        sl_str_append(&s, ".");
        sl_err rc = sl_err_set(err, SL_ERR_TYPE, "%s", sl_str_cstr(&s));
        sl_str_deinit(&s);
        return rc;
}

static bool is_generic(const sl_func_overload *ov)
{
        for (size_t i = 0; i < ov->sig.nparams; i++)
                if (pat_has_var(ov->sig.params[i]) || ov->sig.params[i]->kind == SL_FUNC_PAT_ANY)
                        return true;
        return false;
}

/* Narrows candidates[0..*n) to those where keep() holds, unless none would remain. */
static void prefer(const sl_func_overload **cands, size_t *n, bool (*keep)(const sl_func_overload *))
{
        size_t m = 0;
        for (size_t i = 0; i < *n; i++)
                if (keep(cands[i]))
                        m++;
        if (m == 0 || m == *n)
                return;
        m = 0;
        for (size_t i = 0; i < *n; i++)
                if (keep(cands[i]))
                        cands[m++] = cands[i];
        *n = m;
}

static bool not_generic(const sl_func_overload *ov) { return !is_generic(ov); }
static bool not_variadic(const sl_func_overload *ov) { return !ov->sig.variadic; }

sl_err sl_func_resolve(const sl_func *fn, const sl_func_arg *args, size_t nargs, sl_func_lambda_type_fn type_lambda,
                       void *data, sl_arena *arena, sl_func_resolved *out, sl_err_detail *err)
{
        size_t nov = fn->overloads.len;
        const sl_func_overload **cands = sl_arena_alloc(arena, (nov + 1) * sizeof *cands);
        const sl_type *vars[NVARS];
        const sl_type **conv = sl_arena_calloc(arena, nargs + 1, sizeof *conv);
        const sl_func_overload *ov = NULL;
        bool widen = false;
        sl_err rc;

        for (int pass = 0; pass < 2 && !ov; pass++) {
                size_t n = 0;
                widen = pass == 1;
                for (size_t i = 0; i < nov; i++) {
                        const sl_func_overload *o = SL_VEC_AT(&fn->overloads, sl_func_overload *, i);
                        if (widen && (o->flags & SL_FUNC_EXACT))
                                continue;
                        if (try_overload(o, args, nargs, widen, arena, vars, conv))
                                cands[n++] = o;
                }
                if (n > 1 && !widen) {
                        prefer(cands, &n, not_generic);
                        prefer(cands, &n, not_variadic);
                }
                if (n > 1)
                        return ambiguous(fn, args, nargs, err);
                if (n == 1)
                        ov = cands[0];
        }
        if (!ov)
                return no_match(fn, args, nargs, err);
        try_overload(ov, args, nargs, widen, arena, vars, conv);

        sl_func_resolved_arg *rargs = sl_arena_calloc(arena, nargs + 1, sizeof *rargs);
        for (size_t i = 0; i < nargs; i++) {
                const sl_func_pat *pat = param_pat(ov, i);
                if (!args[i].type)
                        continue;
                if (is_null_type(args[i].type)) {
                        const sl_type *t = subst(pat, vars, arena);
                        rargs[i].type = t ? t : sl_type_null();
                } else {
                        rargs[i].type = conv[i];
                }
        }
        /* lambdas last: their parameter types come from the bound variables */
        for (size_t i = 0; i < nargs; i++) {
                const sl_func_pat *pat = param_pat(ov, i);
                if (args[i].type)
                        continue;
                const sl_type **lp = sl_arena_calloc(arena, pat->nparams + 1, sizeof *lp);
                for (size_t j = 0; j < pat->nparams; j++) {
                        lp[j] = subst(pat->params[j], vars, arena);
                        if (!lp[j])
                                lp[j] = sl_type_null();
                }
                const sl_type *lret = NULL;
                if (!type_lambda)
                        return sl_err_set(err, SL_ERR_INTERNAL, "function '%s': lambda argument without a typer",
                                          fn->name);
                if ((rc = type_lambda(data, i, lp, pat->nparams, &lret, err)))
                        return rc;
                const sl_type *lconv;
                if (!match(pat->elem, lret, true, vars, arena, &lconv)) {
                        sl_str s;
                        sl_str_init(&s);
                        sl_type_print(&s, lret);
                        rc = sl_err_set(err, SL_ERR_TYPE, "Function '%s': lambda returns %s, which does not fit",
                                        fn->name, sl_str_cstr(&s));
                        sl_str_deinit(&s);
                        return rc;
                }
                if (is_null_type(lret)) {
                        const sl_type *t = subst(pat->elem, vars, arena);
                        lconv = t ? t : lret;
                }
                rargs[i].lparams = lp;
                rargs[i].nlparams = pat->nparams;
                rargs[i].lret = lconv;
        }
        const sl_type *ret;
        if (ov->ret_fn) {
                const sl_type **types = sl_arena_calloc(arena, nargs + 1, sizeof *types);
                for (size_t i = 0; i < nargs; i++)
                        types[i] = rargs[i].type;
                if ((rc = ov->ret_fn(arena, types, nargs, &ret, err)))
                        return rc;
        } else {
                ret = ov->sig.ret ? subst(ov->sig.ret, vars, arena) : NULL;
                if (!ret)
                        ret = sl_type_null();
        }
        out->func = fn;
        out->ov = ov;
        out->args = rargs;
        out->nargs = nargs;
        out->ret = ret;
        return SL_OK;
}

sl_err sl_func_registry_resolve(const sl_func_registry *reg, const char *name, const sl_func_arg *args,
                                size_t nargs, sl_func_lambda_type_fn type_lambda, void *data, sl_arena *arena,
                                sl_func_resolved *out, sl_err_detail *err)
{
        const sl_func *fn = sl_func_registry_get(reg, name);
        if (!fn)
                return sl_err_set(err, SL_ERR_NOT_FOUND, "Can't find any functions with the name '%s'", name);
        return sl_func_resolve(fn, args, nargs, type_lambda, data, arena, out, err);
}

sl_err sl_func_call(sl_func_ctx *ctx, const sl_value *args, size_t nargs, sl_value *out)
{
        const sl_func_overload *ov = ctx->res->ov;
        if (ov->flags & SL_FUNC_NULL_IN_NULL_OUT) {
                for (size_t i = 0; i < nargs; i++) {
                        if (args[i].kind == SL_TYPE_NULL && (i >= ctx->res->nargs || ctx->res->args[i].type)) {
                                *out = sl_value_null();
                                return SL_OK;
                        }
                }
        }
        ctx->udata = ov->udata;
        *out = sl_value_null();
        return ov->invoke(ctx, args, nargs, out);
}

void sl_func_ctx_release(sl_func_ctx *ctx)
{
        if (ctx->cache && ctx->cache_free)
                ctx->cache_free(ctx->cache);
        ctx->cache = NULL;
        ctx->cache_free = NULL;
}
