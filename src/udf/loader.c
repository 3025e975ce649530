/* loader.c: the UDF plugin loader and the host side of include/sluice/udf.h. Sits beside the
 * function registry: it turns a plugin's sl_udf_function structs into registry functions whose
 * overloads call trampolines here, which wrap values in the ABI's opaque handles, call the plugin
 * and check what it returns.
 *
 * Loading one file walks: dlopen -> the magic block (ABI major must match, minor must not be
 * newer) -> sl_udf_entry, during which register_function validates each function by registering
 * it into a scratch registry (the same signature parser, the same duplicate checks) and queues it
 * -> when everything succeeded, the queued functions go into the real registry. So a refused
 * plugin leaves no trace but its log line.
 *
 * Handles: an sl_udf_value is an sl_value (the cast is the whole adapter); an sl_udf_call is a
 * stack struct per callback holding the registry's sl_func_ctx. Values a plugin makes live in
 * ctx->arena. Containers a plugin builds (new_array, new_map) carry no type until they are
 * returned: conform() then gives them the declared one, element by element, and rejects a result
 * whose kind does not fit the declaration. */
#include "udf/loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/udf.h>

#include "common/config.h"
#include "common/log.h"
#include "common/map.h"
#include "common/mem.h"
#include "common/str.h"
#include "common/vec.h"
#include "types/decimal.h"

/* The adapter behind one registered overload: the registry overload's udata. */
typedef struct udf_overload {
        const char *fname;         /* the function's name (loader arena) */
        const char *plugin;        /* the plugin's name from its magic block (loader arena) */
        sl_udf_func_kind kind;     /* what the function computes */
        sl_udf_invoke_fn invoke;   /* SCALAR, TABLE */
        sl_udf_aggregate agg;      /* AGGREGATE: a copy of the plugin's callbacks */
        void *udata;               /* the plugin's, handed back by call_udata */
} udf_overload;

/* A function queued during sl_udf_entry. */
typedef struct pending_func {
        sl_func_def def;  /* strings in the loader arena */
        sl_vec ovs;       /* of sl_func_overload_def, udata an udf_overload in the loader arena */
} pending_func;

/* The plugin being loaded: register_function reaches it through a thread-local pointer, as the
 * ABI's registration call carries no handle. */
typedef struct loading {
        sl_udf_loader *loader;          /* where it goes */
        const char *path;               /* the file, for messages */
        const sl_udf_magic *magic;      /* the plugin's magic block */
        sl_func_registry *scratch;      /* validation registry, thrown away */
        sl_vec funcs;                   /* of pending_func */
        sl_vec slots;                   /* of int, return-type slots taken (released on refusal) */
        sl_err code;                    /* first registration error, SL_OK when none */
        char reason[512];               /* its message */
} loading;

struct sl_udf_loader {
        sl_func_registry *reg;  /* borrowed: where functions go */
        sl_arena arena;         /* adapters and copied texts; lives until the loader is freed */
        sl_vec handles;         /* of void *, dlopen handles of accepted plugins */
        sl_map origin;          /* function name (case-insensitive) -> plugin path (arena) */
        sl_vec slots;           /* of int, return-type slots of accepted plugins */
        const sl_config *cfg;   /* borrowed server settings for config_get, or NULL */
};

/* The call handle: one per callback, on the trampoline's stack. */
struct sl_udf_call {
        sl_func_ctx *ctx;          /* the registry's call context (arena, err) */
        const udf_overload *ov;    /* what is running */
        int failed;                /* host->error was called */
};

static _Thread_local loading *cur_load;

static const sl_udf_host host_table;

/* ---- values ---- */

#define V(v) ((const sl_value *)(v))
#define H(v) ((const sl_udf_value *)(v))

static sl_udf_kind v_kind(const sl_udf_value *v) { return v ? (sl_udf_kind)V(v)->kind : SL_UDF_NULL; }
static int v_is_null(const sl_udf_value *v) { return !v || V(v)->kind == SL_TYPE_NULL; }
static int v_get_boolean(const sl_udf_value *v) { return v && V(v)->kind == SL_TYPE_BOOLEAN && V(v)->u.b; }
static int32_t v_get_int(const sl_udf_value *v) { return v && V(v)->kind == SL_TYPE_INT ? V(v)->u.i32 : 0; }
static int64_t v_get_bigint(const sl_udf_value *v) { return v && V(v)->kind == SL_TYPE_BIGINT ? V(v)->u.i64 : 0; }
static double v_get_double(const sl_udf_value *v) { return v && V(v)->kind == SL_TYPE_DOUBLE ? V(v)->u.f64 : 0; }
static int32_t v_get_date(const sl_udf_value *v) { return v && V(v)->kind == SL_TYPE_DATE ? V(v)->u.i32 : 0; }
static int32_t v_get_time(const sl_udf_value *v) { return v && V(v)->kind == SL_TYPE_TIME ? V(v)->u.i32 : 0; }
static int64_t v_get_timestamp(const sl_udf_value *v)
{
        return v && V(v)->kind == SL_TYPE_TIMESTAMP ? V(v)->u.i64 : 0;
}

static const char *v_get_string(const sl_udf_value *v, size_t *len)
{
        bool ok = v && V(v)->kind == SL_TYPE_STRING;
        if (len)
                *len = ok ? V(v)->len : 0;
        return ok && V(v)->u.bytes ? (const char *)V(v)->u.bytes : "";
}

static const uint8_t *v_get_bytes(const sl_udf_value *v, size_t *len)
{
        bool ok = v && V(v)->kind == SL_TYPE_BYTES;
        if (len)
                *len = ok ? V(v)->len : 0;
        return ok && V(v)->u.bytes ? V(v)->u.bytes : (const uint8_t *)"";
}

static size_t v_get_decimal_text(const sl_udf_value *v, char *buf, size_t cap)
{
        char tmp[SL_DECIMAL_STR_MAX];
        if (!v || V(v)->kind != SL_TYPE_DECIMAL)
                return 0;
        size_t n = sl_decimal_format(sl_value_get_decimal(V(v)), tmp);
        if (!buf || n + 1 > cap)
                return 0;
        memcpy(buf, tmp, n + 1);
        return n;
}

static int v_get_decimal_unscaled(const sl_udf_value *v, int64_t *unscaled)
{
        if (!v || V(v)->kind != SL_TYPE_DECIMAL)
                return SL_UDF_ERROR;
        sl_i128 u = V(v)->u.dec;
        if (u > INT64_MAX || u < INT64_MIN)
                return SL_UDF_ERROR;
        *unscaled = (int64_t)u;
        return SL_UDF_OK;
}

static int v_get_decimal_precision(const sl_udf_value *v)
{
        return v && V(v)->kind == SL_TYPE_DECIMAL ? V(v)->precision : 0;
}

static int v_get_decimal_scale(const sl_udf_value *v)
{
        return v && V(v)->kind == SL_TYPE_DECIMAL ? V(v)->scale : 0;
}

static size_t v_length(const sl_udf_value *v)
{
        if (!v)
                return 0;
        switch (V(v)->kind) {
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES:
        case SL_TYPE_ARRAY:
        case SL_TYPE_MAP:
        case SL_TYPE_STRUCT:
                return V(v)->len;
        default:
                return 0;
        }
}

static const sl_udf_value *v_array_get(const sl_udf_value *v, size_t i)
{
        return v && V(v)->kind == SL_TYPE_ARRAY && i < V(v)->len ? H(&V(v)->u.comp.items[i]) : NULL;
}

static const sl_udf_value *v_map_key(const sl_udf_value *v, size_t i)
{
        return v && V(v)->kind == SL_TYPE_MAP && i < V(v)->len ? H(&V(v)->u.comp.items[2 * i]) : NULL;
}

static const sl_udf_value *v_map_value(const sl_udf_value *v, size_t i)
{
        return v && V(v)->kind == SL_TYPE_MAP && i < V(v)->len ? H(&V(v)->u.comp.items[2 * i + 1]) : NULL;
}

static const sl_udf_value *v_struct_get(const sl_udf_value *v, size_t i)
{
        return v && V(v)->kind == SL_TYPE_STRUCT && i < V(v)->len ? H(&V(v)->u.comp.items[i]) : NULL;
}

static const char *v_struct_field_name(const sl_udf_value *v, size_t i)
{
        if (!v || V(v)->kind != SL_TYPE_STRUCT || i >= V(v)->len || !V(v)->u.comp.type)
                return NULL;
        return V(v)->u.comp.type->fields[i].name;
}

static const sl_udf_value *v_struct_find(const sl_udf_value *v, const char *name)
{
        if (!v || !name || V(v)->kind != SL_TYPE_STRUCT || !V(v)->u.comp.type)
                return NULL;
        return H(sl_value_struct_field(V(v), name));
}

/* ---- making values ---- */

static sl_value *new_value(sl_udf_call *call, sl_value v)
{
        sl_value *p = sl_arena_alloc(call->ctx->arena, sizeof *p);
        *p = v;
        return p;
}

static const sl_udf_value *m_null(sl_udf_call *call) { return H(new_value(call, sl_value_null())); }
static const sl_udf_value *m_boolean(sl_udf_call *call, int b) { return H(new_value(call, sl_value_bool(b != 0))); }
static const sl_udf_value *m_int(sl_udf_call *call, int32_t v) { return H(new_value(call, sl_value_int(v))); }
static const sl_udf_value *m_bigint(sl_udf_call *call, int64_t v) { return H(new_value(call, sl_value_bigint(v))); }
static const sl_udf_value *m_double(sl_udf_call *call, double v) { return H(new_value(call, sl_value_double(v))); }
static const sl_udf_value *m_date(sl_udf_call *call, int32_t d) { return H(new_value(call, sl_value_date(d))); }
static const sl_udf_value *m_time(sl_udf_call *call, int32_t ms) { return H(new_value(call, sl_value_time(ms))); }
static const sl_udf_value *m_timestamp(sl_udf_call *call, int64_t ms)
{
        return H(new_value(call, sl_value_timestamp(ms)));
}

static int set_error(sl_udf_call *call, sl_err code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static const sl_udf_value *m_string(sl_udf_call *call, const char *p, size_t len)
{
        if (len > UINT32_MAX) {
                set_error(call, SL_ERR_LIMIT, "string of %zu bytes is too long", len);
                return NULL;
        }
        return H(new_value(call, sl_value_string_copy(call->ctx->arena, p ? p : "", p ? len : 0)));
}

static const sl_udf_value *m_bytes(sl_udf_call *call, const void *p, size_t len)
{
        if (len > UINT32_MAX) {
                set_error(call, SL_ERR_LIMIT, "bytes value of %zu bytes is too long", len);
                return NULL;
        }
        return H(new_value(call, sl_value_bytes_copy(call->ctx->arena, p ? p : "", p ? len : 0)));
}

static const sl_udf_value *m_alloc_bytes(sl_udf_call *call, size_t len, uint8_t **buf)
{
        if (len > UINT32_MAX) {
                set_error(call, SL_ERR_LIMIT, "bytes value of %zu bytes is too long", len);
                return NULL;
        }
        uint8_t *p = sl_arena_alloc(call->ctx->arena, len ? len : 1);
        *buf = p;
        return H(new_value(call, sl_value_bytes(p, len)));
}

static const sl_udf_value *m_decimal(sl_udf_call *call, int64_t unscaled, int precision, int scale)
{
        if (!sl_type_decimal(precision, scale) || !sl_decimal_fits(unscaled, precision)) {
                set_error(call, SL_ERR_OVERFLOW, "%lld does not fit DECIMAL(%d, %d)", (long long)unscaled, precision,
                          scale);
                return NULL;
        }
        sl_decimal d = {.unscaled = unscaled, .precision = (uint8_t)precision, .scale = (uint8_t)scale};
        return H(new_value(call, sl_value_decimal(d)));
}

static const sl_udf_value *m_decimal_text(sl_udf_call *call, const char *text, int precision, int scale)
{
        sl_decimal d;
        if (!text || !sl_type_decimal(precision, scale) ||
            sl_decimal_parse_to(text, strlen(text), precision, scale, &d, call->ctx->err)) {
                set_error(call, SL_ERR_OVERFLOW, "'%s' is no DECIMAL(%d, %d)", text ? text : "(null)", precision,
                          scale);
                return NULL;
        }
        return H(new_value(call, sl_value_decimal(d)));
}

/* A container the plugin fills; its type stays NULL until conform() sets the declared one. */
static sl_udf_value *new_container(sl_udf_call *call, sl_type_kind kind, size_t n, size_t per)
{
        if (n > UINT32_MAX / 2) {
                set_error(call, SL_ERR_LIMIT, "container of %zu elements is too large", n);
                return NULL;
        }
        sl_value *items = sl_arena_calloc(call->ctx->arena, n * per + 1, sizeof *items);
        sl_value v = {.kind = (uint8_t)kind, .len = (uint32_t)n, .u.comp = {items, NULL}};
        return (sl_udf_value *)new_value(call, v);
}

static sl_udf_value *m_new_array(sl_udf_call *call, size_t n) { return new_container(call, SL_TYPE_ARRAY, n, 1); }
static sl_udf_value *m_new_struct(sl_udf_call *call, size_t n) { return new_container(call, SL_TYPE_STRUCT, n, 1); }
static sl_udf_value *m_new_map(sl_udf_call *call, size_t n) { return new_container(call, SL_TYPE_MAP, n, 2); }

/* Only containers made by new_array/new_map (no type yet) may be written. */
static sl_value *writable(sl_udf_value *c, sl_type_kind kind, size_t i)
{
        sl_value *v = (sl_value *)c;
        if (!v || v->kind != kind || v->u.comp.type || i >= v->len)
                return NULL;
        return (sl_value *)v->u.comp.items;
}

static int m_array_set(sl_udf_value *array, size_t i, const sl_udf_value *elem)
{
        sl_value *items = writable(array, SL_TYPE_ARRAY, i);
        if (!items)
                return SL_UDF_ERROR;
        items[i] = elem ? *V(elem) : sl_value_null();
        return SL_UDF_OK;
}

static int m_struct_set(sl_udf_value *st, size_t i, const sl_udf_value *field)
{
        sl_value *items = writable(st, SL_TYPE_STRUCT, i);
        if (!items)
                return SL_UDF_ERROR;
        items[i] = field ? *V(field) : sl_value_null();
        return SL_UDF_OK;
}

static int m_map_set(sl_udf_value *map, size_t i, const sl_udf_value *key, const sl_udf_value *value)
{
        sl_value *items = writable(map, SL_TYPE_MAP, i);
        if (!items)
                return SL_UDF_ERROR;
        items[2 * i] = key ? *V(key) : sl_value_null();
        items[2 * i + 1] = value ? *V(value) : sl_value_null();
        return SL_UDF_OK;
}

/* ---- the call ---- */

static int set_error(sl_udf_call *call, sl_err code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        if (!call->failed) {
                char msg[400];
                vsnprintf(msg, sizeof msg, fmt, ap);
                sl_err_set(call->ctx->err, code, "%s: %s", call->ov->fname, msg);
                sl_err_set_detail(call->ctx->err, "Raised by function %s of UDF plugin '%s'.", call->ov->fname,
                                  call->ov->plugin);
        }
        va_end(ap);
        call->failed = 1;
        return SL_UDF_ERROR;
}

static int h_error(sl_udf_call *call, const char *fmt, ...)
{
        char msg[400];
        if (!call) /* outside a callback (in sl_udf_entry, say): nothing to attach the message to */
                return SL_UDF_ERROR;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt ? fmt : "error", ap);
        va_end(ap);
        return set_error(call, SL_ERR_FUNCTION, "%s", msg);
}

static void *h_call_udata(sl_udf_call *call) { return call->ov->udata; }
static const char *h_call_name(sl_udf_call *call) { return call->ov->fname; }

static void h_log(int level, const char *fmt, ...)
{
        sl_log_level lv = level <= SL_UDF_LOG_DEBUG  ? SL_LOG_DEBUG
                          : level == SL_UDF_LOG_INFO ? SL_LOG_INFO
                          : level == SL_UDF_LOG_WARN ? SL_LOG_WARN
                                                     : SL_LOG_ERROR;
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt ? fmt : "", ap);
        va_end(ap);
        sl_log(lv, "udf", "%s", msg);
}

static sl_err type_mismatch(sl_udf_call *call, const sl_type *want, const sl_value *got)
{
        char *w = sl_type_to_cstr(call->ctx->arena, want);
        set_error(call, SL_ERR_TYPE, "returned %s where %s was declared", sl_type_kind_name((sl_type_kind)got->kind),
                  w);
        return SL_ERR_TYPE;
}

/* Checks `v` against the declared type `want` into `out`: gives the plugin's containers their
 * type, widens what widens implicitly (INT for BIGINT), rejects the rest. `want` of kind NULL
 * (a return type the registry cannot name, such as DECIMAL of any scale) takes any value. */
static sl_err conform(sl_udf_call *call, const sl_type *want, const sl_value *v, sl_value *out)
{
        if (!v || v->kind == SL_TYPE_NULL) {
                *out = sl_value_null();
                return SL_OK;
        }
        bool built = (v->kind == SL_TYPE_ARRAY || v->kind == SL_TYPE_MAP || v->kind == SL_TYPE_STRUCT) &&
                     !v->u.comp.type;
        if (!want || want->kind == SL_TYPE_NULL) {
                if (built)
                        return set_error(call, SL_ERR_TYPE, "returned a container whose type is not declared"),
                               SL_ERR_TYPE;
                *out = *v;
                return SL_OK;
        }
        if (built) {
                if (want->kind != v->kind)
                        return type_mismatch(call, want, v);
                if (v->kind == SL_TYPE_STRUCT && v->len != want->nfields)
                        return set_error(call, SL_ERR_TYPE, "returned a STRUCT of %u fields where %zu were declared",
                                         (unsigned)v->len, want->nfields),
                               SL_ERR_TYPE;
                sl_value *items = (sl_value *)v->u.comp.items;
                size_t n = v->kind == SL_TYPE_MAP ? 2 * (size_t)v->len : v->len;
                for (size_t i = 0; i < n; i++) {
                        const sl_type *t = v->kind == SL_TYPE_STRUCT         ? want->fields[i].type
                                           : v->kind == SL_TYPE_MAP && i % 2 == 0 ? want->key
                                                                                  : want->elem;
                        sl_err rc = conform(call, t, &items[i], &items[i]);
                        if (rc)
                                return rc;
                }
                *out = *v;
                out->u.comp.type = want;
                return SL_OK;
        }
        const sl_type *have = sl_value_type(v);
        if (sl_type_eq(have, want)) {
                *out = *v;
                return SL_OK;
        }
        if (sl_func_type_widens(have, want)) {
                sl_err_detail det;
                if (sl_func_value_widen(call->ctx->arena, v, want, out, &det))
                        return set_error(call, det.code, "result does not fit: %s", det.message), det.code;
                return SL_OK;
        }
        return type_mismatch(call, want, v);
}

/* Handles for the arguments: a small array on the stack, else in the arena. */
#define ARGV_STACK 16

static const sl_udf_value *const *wrap_args(sl_func_ctx *ctx, const sl_value *args, size_t nargs,
                                            const sl_udf_value **stack)
{
        const sl_udf_value **argv = nargs <= ARGV_STACK ? stack : sl_arena_alloc(ctx->arena, nargs * sizeof *argv);
        for (size_t i = 0; i < nargs; i++)
                argv[i] = H(&args[i]);
        return argv;
}

/* The outcome of a plugin callback: its error, or its result checked against `want`. */
static sl_err finish(sl_udf_call *call, int rc, const sl_udf_value *res, const sl_type *want, sl_value *out)
{
        if (rc != SL_UDF_OK || call->failed) {
                if (!call->failed)
                        set_error(call, SL_ERR_FUNCTION, "failed without a message");
                *out = sl_value_null();
                return call->ctx->err ? call->ctx->err->code : SL_ERR_FUNCTION;
        }
        sl_err err = conform(call, want, V(res), out);
        if (err)
                *out = sl_value_null();
        return err;
}

static sl_err scalar_invoke(sl_func_ctx *ctx, const sl_value *args, size_t nargs, sl_value *out)
{
        const udf_overload *ov = ctx->udata;
        sl_udf_call call = {.ctx = ctx, .ov = ov};
        const sl_udf_value *stack[ARGV_STACK];
        const sl_udf_value *res = NULL;
        const sl_type *want = ctx->res ? ctx->res->ret : NULL;
        if (ov->kind == SL_UDF_TABLE && want)
                want = sl_type_array(ctx->arena, want);
        int rc = ov->invoke(&call, wrap_args(ctx, args, nargs, stack), nargs, &res);
        return finish(&call, rc, res, want, out);
}

/* Aggregates: the overload comes from ctx->res (the registry's agg callbacks get no udata). */
static const udf_overload *agg_overload(sl_func_ctx *ctx)
{
        return ctx->res->ov->udata;
}

/* A new state into *out; on failure *out is left as it was (it may alias the old state). */
static sl_err finish_state(sl_udf_call *call, int rc, const sl_udf_value *res, sl_value *out)
{
        sl_value v;
        sl_err err = finish(call, rc, res, sl_type_bytes(), &v);
        if (!err && v.kind != SL_TYPE_BYTES) {
                set_error(call, SL_ERR_TYPE, "aggregate state must be a BYTES value, not NULL");
                return SL_ERR_TYPE;
        }
        if (!err)
                *out = v;
        return err;
}

static sl_err agg_state_type(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                             sl_err_detail *err)
{
        (void)arena, (void)args, (void)nargs, (void)err;
        *type = sl_type_bytes();
        return SL_OK;
}

static sl_err agg_init(sl_func_ctx *ctx, sl_value *state)
{
        sl_udf_call call = {.ctx = ctx, .ov = agg_overload(ctx)};
        const sl_udf_value *res = NULL;
        int rc = call.ov->agg.init(&call, &res);
        return finish_state(&call, rc, res, state);
}

static sl_err agg_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                             sl_value *out)
{
        sl_udf_call call = {.ctx = ctx, .ov = agg_overload(ctx)};
        const sl_udf_value *stack[ARGV_STACK];
        const sl_udf_value *res = NULL;
        int rc = call.ov->agg.accumulate(&call, H(state), wrap_args(ctx, args, nargs, stack), nargs, &res);
        return finish_state(&call, rc, res, out);
}

static sl_err agg_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        sl_udf_call call = {.ctx = ctx, .ov = agg_overload(ctx)};
        const sl_udf_value *stack[ARGV_STACK];
        const sl_udf_value *res = NULL;
        int rc = call.ov->agg.undo(&call, H(state), wrap_args(ctx, args, nargs, stack), nargs, &res);
        return finish_state(&call, rc, res, out);
}

static sl_err agg_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        sl_udf_call call = {.ctx = ctx, .ov = agg_overload(ctx)};
        const sl_udf_value *res = NULL;
        int rc = call.ov->agg.merge(&call, H(a), H(b), &res);
        return finish_state(&call, rc, res, out);
}

static sl_err agg_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        sl_udf_call call = {.ctx = ctx, .ov = agg_overload(ctx)};
        const sl_udf_value *res = NULL;
        int rc = call.ov->agg.result(&call, H(state), &res);
        return finish(&call, rc, res, ctx->res->ret, out);
}

/* One ops table per combination of the optional callbacks: the registry tells "no undo" by NULL. */
static const sl_func_agg_ops agg_ops[4] = {
        {sizeof(sl_func_agg_ops), agg_state_type, agg_init, agg_accumulate, NULL, NULL, agg_result},
        {sizeof(sl_func_agg_ops), agg_state_type, agg_init, agg_accumulate, agg_undo, NULL, agg_result},
        {sizeof(sl_func_agg_ops), agg_state_type, agg_init, agg_accumulate, NULL, agg_merge, agg_result},
        {sizeof(sl_func_agg_ops), agg_state_type, agg_init, agg_accumulate, agg_undo, agg_merge, agg_result},
};

/* ---- fixed return types ----
 * A plugin may declare a return type the registry's patterns cannot name: DECIMAL(p, s) or
 * STRUCT<name TYPE, ...> (ksqlDB makes UDFs declare these schemas explicitly). The registry then
 * needs a ret_fn, and a ret_fn is told nothing about its overload -- so each such overload takes
 * one of RET_SLOTS functions that differ only in the slot whose type they return. */

#define RET_SLOTS 256

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static const sl_type *slot_type[RET_SLOTS];  /* NULL: free; types live in their loader's arena */

#define RET_FN(i)                                                                                         \
        static sl_err ret_slot_##i(sl_arena *arena, const sl_type *const *args, size_t nargs,             \
                                   const sl_type **ret, sl_err_detail *err)                               \
        {                                                                                                 \
                (void)arena, (void)args, (void)nargs, (void)err;                                          \
                *ret = slot_type[0x##i];                                                                  \
                return SL_OK;                                                                             \
        }
#define RET_ROW(h)                                                                                        \
        RET_FN(h##0) RET_FN(h##1) RET_FN(h##2) RET_FN(h##3) RET_FN(h##4) RET_FN(h##5) RET_FN(h##6)         \
        RET_FN(h##7) RET_FN(h##8) RET_FN(h##9) RET_FN(h##a) RET_FN(h##b) RET_FN(h##c) RET_FN(h##d)         \
        RET_FN(h##e) RET_FN(h##f)
RET_ROW(0) RET_ROW(1) RET_ROW(2) RET_ROW(3) RET_ROW(4) RET_ROW(5) RET_ROW(6) RET_ROW(7)
RET_ROW(8) RET_ROW(9) RET_ROW(a) RET_ROW(b) RET_ROW(c) RET_ROW(d) RET_ROW(e) RET_ROW(f)
#define RET_REF(h)                                                                                        \
        ret_slot_##h##0, ret_slot_##h##1, ret_slot_##h##2, ret_slot_##h##3, ret_slot_##h##4,               \
        ret_slot_##h##5, ret_slot_##h##6, ret_slot_##h##7, ret_slot_##h##8, ret_slot_##h##9,               \
        ret_slot_##h##a, ret_slot_##h##b, ret_slot_##h##c, ret_slot_##h##d, ret_slot_##h##e, ret_slot_##h##f,
static const sl_func_ret_fn slot_fn[RET_SLOTS] = {
        RET_REF(0) RET_REF(1) RET_REF(2) RET_REF(3) RET_REF(4) RET_REF(5) RET_REF(6) RET_REF(7)
        RET_REF(8) RET_REF(9) RET_REF(a) RET_REF(b) RET_REF(c) RET_REF(d) RET_REF(e) RET_REF(f)
};

/* Takes a free slot for `type`; -1 when all are taken. */
static int slot_take(const sl_type *type)
{
        int found = -1;
        pthread_mutex_lock(&slot_lock);
        for (int i = 0; i < RET_SLOTS && found < 0; i++) {
                if (!slot_type[i]) {
                        slot_type[i] = type;
                        found = i;
                }
        }
        pthread_mutex_unlock(&slot_lock);
        return found;
}

static void slots_release(sl_vec *slots)
{
        pthread_mutex_lock(&slot_lock);
        for (size_t i = 0; i < slots->len; i++)
                slot_type[SL_VEC_AT(slots, int, i)] = NULL;
        pthread_mutex_unlock(&slot_lock);
        sl_vec_clear(slots);
}

/* A concrete type written as SQL: BOOLEAN, INT/INTEGER, BIGINT, DOUBLE, STRING/VARCHAR, BYTES, DATE,
 * TIME, TIMESTAMP, DECIMAL(p, s), ARRAY<t>, MAP<k, v>, STRUCT<name t, ...>. Sets *fixed when it
 * needs a slot (it holds a DECIMAL or a STRUCT). NULL on a syntax error. */
static const sl_type *parse_type(sl_arena *arena, const char **pp, bool *fixed)
{
        const char *p = *pp;
        char id[32];
        size_t n = 0;
        const sl_type *t = NULL;
        while (isspace((unsigned char)*p))
                p++;
        while ((isalnum((unsigned char)*p) || *p == '_') && n + 1 < sizeof id)
                id[n++] = *p++;
        id[n] = '\0';
#define SKIP() while (isspace((unsigned char)*p)) p++
#define EXPECT(c) do { SKIP(); if (*p != (c)) return NULL; p++; } while (0)
        static const struct {
                const char *name;
                sl_type_kind kind;
        } prims[] = {{"BOOLEAN", SL_TYPE_BOOLEAN}, {"INT", SL_TYPE_INT},         {"INTEGER", SL_TYPE_INT},
                     {"BIGINT", SL_TYPE_BIGINT},   {"DOUBLE", SL_TYPE_DOUBLE},   {"STRING", SL_TYPE_STRING},
                     {"VARCHAR", SL_TYPE_STRING},  {"BYTES", SL_TYPE_BYTES},     {"DATE", SL_TYPE_DATE},
                     {"TIME", SL_TYPE_TIME},       {"TIMESTAMP", SL_TYPE_TIMESTAMP}};
        for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
                if (sl_str_eq_ci(id, prims[i].name))
                        t = sl_type_primitive(prims[i].kind);
        if (t) {
                *pp = p;
                return t;
        }
        if (sl_str_eq_ci(id, "DECIMAL")) {
                char *end;
                EXPECT('(');
                long prec = strtol(p, &end, 10);
                p = end;
                EXPECT(',');
                long scale = strtol(p, &end, 10);
                p = end;
                EXPECT(')');
                if (prec < 1 || prec > SL_DECIMAL_MAX_PRECISION || scale < 0 || scale > prec)
                        return NULL;
                t = sl_type_decimal((int)prec, (int)scale);
                *fixed = true;
        } else if (sl_str_eq_ci(id, "ARRAY")) {
                const sl_type *e;
                EXPECT('<');
                if (!(e = parse_type(arena, &p, fixed)))
                        return NULL;
                EXPECT('>');
                t = sl_type_array(arena, e);
        } else if (sl_str_eq_ci(id, "MAP")) {
                const sl_type *k, *v;
                EXPECT('<');
                if (!(k = parse_type(arena, &p, fixed)))
                        return NULL;
                EXPECT(',');
                if (!(v = parse_type(arena, &p, fixed)))
                        return NULL;
                EXPECT('>');
                t = sl_type_map(arena, k, v);
        } else if (sl_str_eq_ci(id, "STRUCT")) {
                sl_type_field fields[64];
                size_t nf = 0;
                EXPECT('<');
                SKIP();
                while (*p != '>') {
                        const char *start;
                        if (nf == sizeof fields / sizeof fields[0])
                                return NULL;
                        if (nf)
                                EXPECT(',');
                        SKIP();
                        start = p;
                        while (isalnum((unsigned char)*p) || *p == '_')
                                p++;
                        if (p == start)
                                return NULL;
                        fields[nf].name = sl_arena_strndup(arena, start, (size_t)(p - start));
                        for (size_t j = 0; j < nf; j++)
                                if (strcmp(fields[j].name, fields[nf].name) == 0)
                                        return NULL;
                        if (!(fields[nf].type = parse_type(arena, &p, fixed)))
                                return NULL;
                        nf++;
                        SKIP();
                }
                p++;
                t = sl_type_struct(arena, fields, nf);
                *fixed = true;
        }
#undef SKIP
#undef EXPECT
        if (t)
                *pp = p;
        return t;
}

/* True when a return pattern does not denote one type by itself (DECIMAL, STRUCT, ANY inside). */
static bool pat_vague(const sl_func_pat *pat)
{
        if (!pat)
                return false;
        if (pat->kind == SL_FUNC_PAT_DECIMAL || pat->kind == SL_FUNC_PAT_STRUCT || pat->kind == SL_FUNC_PAT_ANY)
                return true;
        return pat_vague(pat->key) || pat_vague(pat->elem);
}

/* ---- registration ---- */

static int reg_fail(loading *ld, sl_err code, char *errbuf, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

static int reg_fail(loading *ld, sl_err code, char *errbuf, size_t errlen, const char *fmt, ...)
{
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (ld && !ld->code) {
                ld->code = code;
                snprintf(ld->reason, sizeof ld->reason, "%s", msg);
        }
        if (errbuf && errlen)
                snprintf(errbuf, errlen, "%s", msg);
        return SL_UDF_ERROR;
}

/* Built-ins the SQL layer knows by name even while the registry does not hold them (ksqlDB's
 * aggregates and table functions, see sql/analyze_expr.c): a plugin must not take these either. */
static const char *const reserved_names[] = {
        "COUNT", "COUNT_DISTINCT", "SUM", "SUM_LIST", "AVG", "MIN", "MAX", "TOPK", "TOPKDISTINCT",
        "COLLECT_LIST", "COLLECT_SET", "HISTOGRAM", "EARLIEST_BY_OFFSET", "LATEST_BY_OFFSET",
        "CORRELATION", "STDDEV_SAMP", "STDDEV_SAMPLE", "ATTR", "EXPLODE", "CUBE_EXPLODE",
};

static bool is_reserved(const char *name)
{
        for (size_t i = 0; i < sizeof reserved_names / sizeof reserved_names[0]; i++)
                if (sl_str_eq_ci(reserved_names[i], name))
                        return true;
        return false;
}

static bool valid_name(const char *s)
{
        if (!s || !*s || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
                return false;
        for (; *s; s++)
                if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
                        return false;
        return true;
}

static const char *dup_opt(sl_arena *arena, const char *s)
{
        return s ? sl_arena_strdup(arena, s) : NULL;
}

/* Copies a size-prefixed struct a plugin passed: fields beyond its `size` read as zero. */
static void copy_sized(void *dst, size_t dst_size, const void *src)
{
        size_t n = *(const size_t *)src;
        memset(dst, 0, dst_size);
        memcpy(dst, src, n < dst_size ? n : dst_size);
}

static int h_register_function(const sl_udf_function *fn_in, char *errbuf, size_t errlen)
{
        loading *ld = cur_load;
        if (!ld)
                return reg_fail(NULL, SL_ERR_STATE, errbuf, errlen,
                                "register_function may only be called from sl_udf_entry");
        if (ld->code)
                return reg_fail(ld, ld->code, errbuf, errlen, "%s", ld->reason);
        if (!fn_in || fn_in->size < offsetof(sl_udf_function, noverloads) + sizeof(size_t))
                return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen, "sl_udf_function too small (field size)");
        sl_udf_function fn;
        copy_sized(&fn, sizeof fn, fn_in);
        sl_arena *arena = &ld->loader->arena;
        if (!valid_name(fn.name))
                return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen, "bad function name '%s'",
                                fn.name ? fn.name : "(null)");
        if (fn.kind != SL_UDF_SCALAR && fn.kind != SL_UDF_AGGREGATE && fn.kind != SL_UDF_TABLE)
                return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen, "function '%s': unknown kind %d", fn.name,
                                (int)fn.kind);
        if (!fn.overloads || fn.noverloads == 0)
                return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen, "function '%s' has no overloads", fn.name);
        const char *other = sl_map_get_s(&ld->loader->origin, fn.name);
        if (other)
                return reg_fail(ld, SL_ERR_EXISTS, errbuf, errlen,
                                "function '%s' already exists: it comes from plugin %s", fn.name, other);
        if (sl_func_registry_get(ld->loader->reg, fn.name) || is_reserved(fn.name))
                return reg_fail(ld, SL_ERR_EXISTS, errbuf, errlen, "function '%s' clashes with a built-in function",
                                fn.name);
        if (sl_func_registry_get(ld->scratch, fn.name))
                return reg_fail(ld, SL_ERR_EXISTS, errbuf, errlen, "function '%s' is registered twice", fn.name);

        pending_func *pf = sl_vec_push_zero(&ld->funcs);
        sl_vec_init(&pf->ovs, sizeof(sl_func_overload_def));
        pf->def = (sl_func_def){
                .name = sl_arena_strdup(arena, fn.name),
                .kind = (sl_func_kind)fn.kind,
                .category = dup_opt(arena, fn.category),
                .description = dup_opt(arena, fn.description),
                .author = dup_opt(arena, fn.author),
                .version = dup_opt(arena, fn.version ? fn.version : ld->magic->version),
        };
        sl_err_detail det;
        sl_func *sfn;
        if (sl_func_registry_add(ld->scratch, &pf->def, &sfn, &det))
                return reg_fail(ld, det.code, errbuf, errlen, "%s", det.message);
        for (size_t i = 0; i < fn.noverloads; i++) {
                const sl_udf_overload *in = (const sl_udf_overload *)((const char *)fn.overloads +
                                                                     i * (fn.overloads[0].size ? fn.overloads[0].size
                                                                                               : sizeof *in));
                if (in->size < offsetof(sl_udf_overload, description) + sizeof(const char *))
                        return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen,
                                        "function '%s': overload %zu: sl_udf_overload too small (field size)", fn.name,
                                        i);
                sl_udf_overload o;
                copy_sized(&o, sizeof o, in);
                udf_overload *ad = sl_arena_calloc(arena, 1, sizeof *ad);
                ad->fname = pf->def.name;
                ad->plugin = sl_arena_strdup(arena, ld->magic->name ? ld->magic->name : "?");
                ad->kind = fn.kind;
                ad->invoke = o.invoke;
                ad->udata = o.udata;
                sl_func_overload_def od = {
                        .params = sl_arena_strdup(arena, o.params ? o.params : ""),
                        .returns = dup_opt(arena, o.returns),
                        .flags = (o.flags & SL_UDF_NULL_IN_NULL_OUT ? SL_FUNC_NULL_IN_NULL_OUT : 0) |
                                 (o.flags & SL_UDF_NONDETERMINISTIC ? SL_FUNC_NONDETERMINISTIC : 0),
                        .udata = ad,
                        .description = dup_opt(arena, o.description),
                };
                if (o.flags & ~(unsigned)(SL_UDF_NULL_IN_NULL_OUT | SL_UDF_NONDETERMINISTIC))
                        return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen, "function '%s': unknown flags 0x%x",
                                        fn.name, o.flags);
                if (!o.returns)
                        return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen,
                                        "function '%s': overload (%s) has no return type", fn.name, od.params);
                bool fixed = false;
                const char *rp = o.returns;
                const sl_type *rt = parse_type(arena, &rp, &fixed);
                while (rt && isspace((unsigned char)*rp))
                        rp++;
                if (rt && !*rp && fixed) {
                        int slot = slot_take(rt);
                        if (slot < 0)
                                return reg_fail(ld, SL_ERR_LIMIT, errbuf, errlen,
                                                "function '%s': more than %d overloads with DECIMAL or STRUCT results",
                                                fn.name, RET_SLOTS);
                        sl_vec_push(&ld->slots, &slot);
                        od.returns = NULL;
                        od.ret_fn = slot_fn[slot];
                }
                if (fn.kind == SL_UDF_AGGREGATE) {
                        if (!o.aggregate || o.aggregate->size < offsetof(sl_udf_aggregate, result) + sizeof(void *))
                                return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen,
                                                "function '%s': overload (%s) lacks its sl_udf_aggregate", fn.name,
                                                od.params);
                        copy_sized(&ad->agg, sizeof ad->agg, o.aggregate);
                        if (!ad->agg.init || !ad->agg.accumulate || !ad->agg.result)
                                return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen,
                                                "function '%s': overload (%s) lacks init, accumulate or result",
                                                fn.name, od.params);
                        od.agg = &agg_ops[(ad->agg.undo ? 1 : 0) + (ad->agg.merge ? 2 : 0)];
                } else {
                        if (!o.invoke)
                                return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen,
                                                "function '%s': overload (%s) has no invoke callback", fn.name,
                                                od.params);
                        od.invoke = scalar_invoke;
                }
                if (sl_func_registry_add_overload(ld->scratch, sfn, &od, &det))
                        return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen, "%s", det.message);
                const sl_func_overload *added = SL_VEC_AT(&sfn->overloads, sl_func_overload *, sfn->overloads.len - 1);
                if (pat_vague(added->sig.ret))
                        return reg_fail(ld, SL_ERR_INVALID, errbuf, errlen,
                                        "function '%s': return type '%s' does not name one type: write DECIMAL(p, s) "
                                        "or STRUCT<name TYPE, ...>",
                                        fn.name, o.returns);
                sl_vec_push(&pf->ovs, &od);
        }
        return SL_UDF_OK;
}

static const char *h_config_get(const char *function_name, const char *key)
{
        loading *ld = cur_load;
        if (!ld || !ld->loader->cfg || !function_name || !key)
                return NULL;
        char *name = sl_arena_strdup(&ld->loader->arena, function_name);
        for (char *c = name; *c; c++)
                *c = (char)tolower((unsigned char)*c);
        char *k = sl_arena_sprintf(&ld->loader->arena, "ksql.functions.%s.%s", name, key);
        const char *v = sl_config_get(ld->loader->cfg, k);
        if (!v)
                v = sl_config_get(ld->loader->cfg, sl_arena_sprintf(&ld->loader->arena, "ksql.functions._global_.%s", key));
        return v ? sl_arena_strdup(&ld->loader->arena, v) : NULL;
}

static const sl_udf_host host_table = {
        .size = sizeof(sl_udf_host),
        .abi_major = SL_UDF_ABI_MAJOR,
        .abi_minor = SL_UDF_ABI_MINOR,
        .register_function = h_register_function,
        .error = h_error,
        .call_udata = h_call_udata,
        .call_name = h_call_name,
        .log = h_log,
        .kind = v_kind,
        .is_null = v_is_null,
        .get_boolean = v_get_boolean,
        .get_int = v_get_int,
        .get_bigint = v_get_bigint,
        .get_double = v_get_double,
        .get_date = v_get_date,
        .get_time = v_get_time,
        .get_timestamp = v_get_timestamp,
        .get_string = v_get_string,
        .get_bytes = v_get_bytes,
        .get_decimal_text = v_get_decimal_text,
        .get_decimal_unscaled = v_get_decimal_unscaled,
        .get_decimal_precision = v_get_decimal_precision,
        .get_decimal_scale = v_get_decimal_scale,
        .length = v_length,
        .array_get = v_array_get,
        .map_key = v_map_key,
        .map_value = v_map_value,
        .struct_get = v_struct_get,
        .struct_field_name = v_struct_field_name,
        .struct_find = v_struct_find,
        .make_null = m_null,
        .make_boolean = m_boolean,
        .make_int = m_int,
        .make_bigint = m_bigint,
        .make_double = m_double,
        .make_date = m_date,
        .make_time = m_time,
        .make_timestamp = m_timestamp,
        .make_string = m_string,
        .make_bytes = m_bytes,
        .alloc_bytes = m_alloc_bytes,
        .make_decimal = m_decimal,
        .make_decimal_text = m_decimal_text,
        .new_array = m_new_array,
        .new_map = m_new_map,
        .array_set = m_array_set,
        .map_set = m_map_set,
        .new_struct = m_new_struct,
        .struct_set = m_struct_set,
        .config_get = h_config_get,
};

/* ---- loading ---- */

sl_udf_loader *sl_udf_loader_new(sl_func_registry *reg)
{
        sl_udf_loader *loader = sl_calloc(1, sizeof *loader);
        loader->reg = reg;
        sl_arena_init(&loader->arena, 0);
        sl_vec_init(&loader->handles, sizeof(void *));
        sl_map_init(&loader->origin, true);
        sl_vec_init(&loader->slots, sizeof(int));
        return loader;
}

void sl_udf_loader_free(sl_udf_loader *loader)
{
        if (!loader)
                return;
        for (size_t i = loader->handles.len; i > 0; i--)
                dlclose(SL_VEC_AT(&loader->handles, void *, i - 1));
        sl_vec_deinit(&loader->handles);
        slots_release(&loader->slots);
        sl_vec_deinit(&loader->slots);
        sl_map_deinit(&loader->origin);
        sl_arena_deinit(&loader->arena);
        sl_free(loader);
}

void sl_udf_loader_set_config(sl_udf_loader *loader, const sl_config *cfg)
{
        loader->cfg = cfg;
}

const char *sl_udf_loader_origin(const sl_udf_loader *loader, const char *func_name)
{
        return sl_map_get_s(&loader->origin, func_name);
}

static void loading_deinit(loading *ld)
{
        for (size_t i = 0; i < ld->funcs.len; i++)
                sl_vec_deinit(&SL_VEC_AT(&ld->funcs, pending_func, i).ovs);
        sl_vec_deinit(&ld->funcs);
        slots_release(&ld->slots); /* still held only when the plugin was refused */
        sl_vec_deinit(&ld->slots);
        sl_func_registry_free(ld->scratch);
}

/* Adds the queued functions to the real registry; cannot fail after validation but for a bug. */
static sl_err commit(loading *ld, sl_err_detail *err)
{
        sl_udf_loader *loader = ld->loader;
        const char *path = sl_arena_strdup(&loader->arena, ld->path);
        for (size_t i = 0; i < ld->funcs.len; i++) {
                pending_func *pf = &SL_VEC_AT(&ld->funcs, pending_func, i);
                sl_func *fn;
                sl_err rc = sl_func_registry_add(loader->reg, &pf->def, &fn, err);
                if (rc)
                        return rc;
                for (size_t j = 0; j < pf->ovs.len; j++)
                        if ((rc = sl_func_registry_add_overload(loader->reg, fn, &SL_VEC_AT(&pf->ovs,
                                                                                            sl_func_overload_def, j),
                                                                err)))
                                return rc;
                sl_map_put_s(&loader->origin, pf->def.name, (void *)path);
        }
        return SL_OK;
}

sl_err sl_udf_loader_load_file(sl_udf_loader *loader, const char *path, size_t *nfuncs, sl_err_detail *err)
{
        sl_err_detail local;
        sl_err rc = SL_OK;
        loading ld = {.loader = loader, .path = path};
        sl_vec_init(&ld.funcs, sizeof(pending_func));
        sl_vec_init(&ld.slots, sizeof(int));
        if (!err)
                err = &local;
        sl_err_clear(err);

        void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
                const char *why = dlerror();
                rc = sl_err_set(err, SL_ERR_IO, "cannot load: %s", why ? why : "dlopen failed");
                goto fail;
        }
        for (size_t i = 0; i < loader->handles.len; i++) {
                if (SL_VEC_AT(&loader->handles, void *, i) == handle) {
                        rc = sl_err_set(err, SL_ERR_EXISTS, "this shared object is already loaded");
                        goto fail;
                }
        }
        const sl_udf_magic *(*magic_fn)(void);
        *(void **)&magic_fn = dlsym(handle, SL_UDF_MAGIC_SYMBOL);
        if (!magic_fn) {
                rc = sl_err_set(err, SL_ERR_NOT_FOUND,
                                "no magic block (symbol %s): the plugin was not built with SL_UDF_PLUGIN",
                                SL_UDF_MAGIC_SYMBOL);
                goto fail;
        }
        const sl_udf_magic *magic = magic_fn();
        if (!magic || magic->size < sizeof(sl_udf_magic)) {
                rc = sl_err_set(err, SL_ERR_UNSUPPORTED, "bad magic block: field size is %zu, expected at least %zu",
                                magic ? magic->size : 0, sizeof(sl_udf_magic));
                goto fail;
        }
        if (magic->abi_major != SL_UDF_ABI_MAJOR) {
                rc = sl_err_set(err, SL_ERR_UNSUPPORTED,
                                "ABI version mismatch: field abi_major is %u, this server speaks ABI %d.%d",
                                magic->abi_major, SL_UDF_ABI_MAJOR, SL_UDF_ABI_MINOR);
                goto fail;
        }
        if (magic->abi_minor > SL_UDF_ABI_MINOR) {
                rc = sl_err_set(err, SL_ERR_UNSUPPORTED,
                                "ABI version too new: field abi_minor is %u, this server speaks ABI %d.%d",
                                magic->abi_minor, SL_UDF_ABI_MAJOR, SL_UDF_ABI_MINOR);
                goto fail;
        }
        int (*entry)(const sl_udf_host *, char *, size_t);
        *(void **)&entry = dlsym(handle, SL_UDF_ENTRY_SYMBOL);
        if (!entry) {
                rc = sl_err_set(err, SL_ERR_NOT_FOUND, "missing entry point %s", SL_UDF_ENTRY_SYMBOL);
                goto fail;
        }
        ld.magic = magic;
        ld.scratch = sl_func_registry_new();
        char errbuf[512] = "";
        cur_load = &ld;
        int erc = entry(&host_table, errbuf, sizeof errbuf);
        cur_load = NULL;
        if (ld.code) {
                rc = sl_err_set(err, ld.code, "%s", ld.reason);
                goto fail;
        }
        if (erc) {
                errbuf[sizeof errbuf - 1] = '\0';
                rc = sl_err_set(err, SL_ERR_INVALID, "%s failed: %s", SL_UDF_ENTRY_SYMBOL,
                                errbuf[0] ? errbuf : "no message");
                goto fail;
        }
        if (ld.funcs.len == 0) {
                rc = sl_err_set(err, SL_ERR_INVALID, "the plugin registered no functions");
                goto fail;
        }
        if ((rc = commit(&ld, err)))
                goto fail;
        sl_vec_push(&loader->handles, &handle);
        handle = NULL;
        for (size_t i = 0; i < ld.slots.len; i++)
                sl_vec_push(&loader->slots, &SL_VEC_AT(&ld.slots, int, i));
        sl_vec_clear(&ld.slots);
        sl_str names;
        sl_str_init(&names);
        for (size_t i = 0; i < ld.funcs.len; i++)
                sl_str_appendf(&names, "%s%s", i ? ", " : "", SL_VEC_AT(&ld.funcs, pending_func, i).def.name);
        SL_LOG_INFO("udf", "loaded plugin %s (%s %s, ABI %u.%u): %s", path, magic->name ? magic->name : "?",
                    magic->version ? magic->version : "?", magic->abi_major, magic->abi_minor, sl_str_cstr(&names));
        sl_str_deinit(&names);
        if (nfuncs)
                *nfuncs += ld.funcs.len;
fail:
        if (rc)
                SL_LOG_WARN("udf", "refused plugin %s: %s", path, err->message);
        if (handle)
                dlclose(handle);
        loading_deinit(&ld);
        return rc;
}

static int cmp_cstr(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

sl_err sl_udf_loader_load_dir(sl_udf_loader *loader, const char *dir, sl_udf_report *report, sl_err_detail *err)
{
        sl_udf_report rep = {0};
        sl_vec names;
        sl_err rc = SL_OK;
        sl_vec_init(&names, sizeof(char *));
        DIR *d = opendir(dir);
        if (!d) {
                if (errno == ENOENT) {
                        SL_LOG_INFO("udf", "no UDF directory %s: no plugins loaded", dir);
                        goto done;
                }
                rc = sl_err_set(err, SL_ERR_IO, "cannot read UDF directory %s: %s", dir, strerror(errno));
                goto done;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (n > 3 && strcmp(de->d_name + n - 3, ".so") == 0 && de->d_name[0] != '.') {
                        char *p = sl_asprintf("%s/%s", dir, de->d_name);
                        sl_vec_push(&names, &p);
                }
        }
        closedir(d);
        sl_vec_sort(&names, cmp_cstr);
        for (size_t i = 0; i < names.len; i++) {
                if (sl_udf_loader_load_file(loader, SL_VEC_AT(&names, char *, i), &rep.functions, NULL) == SL_OK)
                        rep.loaded++;
                else
                        rep.refused++;
        }
        SL_LOG_INFO("udf", "UDF directory %s: %zu plugin(s) loaded, %zu refused, %zu function(s) added", dir,
                    rep.loaded, rep.refused, rep.functions);
done:
        for (size_t i = 0; i < names.len; i++)
                sl_free(SL_VEC_AT(&names, char *, i));
        sl_vec_deinit(&names);
        if (report)
                *report = rep;
        return rc;
}
