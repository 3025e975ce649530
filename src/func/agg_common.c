/* agg_common.c: what the built-in aggregate families share: registering their tables, the
 * per-call-site state type cache, Java-compatible comparison and the offset sequence. The entry
 * point sl_func_agg_register registers every family (called from sl_func_registry_add_builtins). */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "func/agg_int.h"
#include "types/compare.h"

sl_err sl_func_agg_register(sl_func_registry *reg, sl_err_detail *err)
{
        sl_err (*const families[])(sl_func_registry *, sl_err_detail *) = {
                sl_func_agg_count_register,
                sl_func_agg_sum_avg_register,
                sl_func_agg_minmax_register,
                sl_func_agg_collect_register,
                sl_func_agg_histogram_register,
                sl_func_agg_stats_register,
                sl_func_agg_offset_register,
                sl_func_agg_topk_register,
                sl_func_agg_attr_register,
        };
        for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
                sl_err rc = families[i](reg, err);
                if (rc)
                        return rc;
        }
        return SL_OK;
}

sl_err sl_func_agg_add_table(sl_func_registry *reg, const sl_func_agg_builtin *rows, size_t n, sl_err_detail *err)
{
        for (size_t i = 0; i < n; i++) {
                const sl_func_agg_builtin *row = &rows[i];
                sl_func *fn = NULL;
                sl_func_def def = {.name = row->name, .kind = SL_FUNC_AGGREGATE, .category = "AGGREGATE",
                                   .description = row->description, .author = "sluice", .version = "1.0"};
                sl_err rc = sl_func_registry_add(reg, &def, &fn, err);
                if (rc)
                        return rc;
                sl_func_overload_def od = {.params = row->params, .returns = row->returns, .ret_fn = row->ret_fn,
                                           .agg = row->ops, .flags = SL_FUNC_EXACT, .description = row->ov_description,
                                           .ninit = row->ninit};
                rc = sl_func_registry_add_overload(reg, fn, &od, err);
                if (rc)
                        return rc;
        }
        return SL_OK;
}

/* ---- the state type cache ---- */

/* What sl_func_agg_state_of keeps in ctx->cache. */
typedef struct state_cache {
        sl_arena *arena;     /* owns `type` */
        const sl_type *type; /* the overload's state type for the resolved argument types */
} state_cache;

static void state_cache_free(void *p)
{
        state_cache *sc = p;
        sl_arena_free(sc->arena);
        sl_free(sc);
}

const sl_type *sl_func_agg_state_of(sl_func_ctx *ctx)
{
        const sl_func_resolved *res = ctx->res;
        state_cache *sc = ctx->cache;
        const sl_type **types;
        sl_err rc;

        if (sc)
                return sc->type;
        sc = sl_malloc(sizeof *sc);
        sc->arena = sl_arena_new(0);
        sc->type = NULL;
        types = sl_arena_calloc(sc->arena, res->nargs + 1, sizeof *types);
        for (size_t i = 0; i < res->nargs; i++)
                types[i] = res->args[i].type ? res->args[i].type : sl_type_null();
        rc = res->ov->agg->state_type(sc->arena, types, res->nargs, &sc->type, ctx->err);
        if (rc) {
                state_cache_free(sc);
                return NULL;
        }
        ctx->cache = sc;
        ctx->cache_free = state_cache_free;
        return sc->type;
}

const sl_type *sl_func_agg_state_type(sl_func_ctx *ctx, const sl_value *state)
{
        if (state && sl_type_is_composite(sl_value_type(state)))
                return state->u.comp.type;
        return sl_func_agg_state_of(ctx);
}

const sl_value *sl_func_agg_init_arg(sl_func_ctx *ctx, const sl_value *args, size_t nargs, size_t i)
{
        const sl_func_resolved *res = ctx->res;
        if (i < res->nargs && res->args[i].constant)
                return res->args[i].constant;
        return args && i < nargs ? &args[i] : NULL;
}

/* ---- shared type callbacks ---- */

sl_err sl_func_agg_ret_arg0(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **ret,
                            sl_err_detail *err)
{
        (void)arena;
        if (nargs < 1)
                return sl_err_set(err, SL_ERR_INVALID, "aggregate without an argument");
        *ret = args[0];
        return SL_OK;
}

sl_err sl_func_agg_ret_array_arg0(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **ret,
                                  sl_err_detail *err)
{
        if (nargs < 1)
                return sl_err_set(err, SL_ERR_INVALID, "aggregate without an argument");
        *ret = sl_type_array(arena, args[0]);
        return SL_OK;
}

/* ---- comparison ---- */

/* The UTF-16 code units of the code point at p (len > 0) into u[0..2); returns how many and sets
 * *adv to the bytes consumed. */
static int utf16_units(const char *p, size_t len, size_t *adv, uint32_t u[2])
{
        uint32_t cp = sl_func_utf8_decode(p, len, adv);
        if (cp < 0x10000) {
                u[0] = cp;
                return 1;
        }
        cp -= 0x10000;
        u[0] = 0xD800 + (cp >> 10);
        u[1] = 0xDC00 + (cp & 0x3FF);
        return 2;
}

/* String.compareTo: UTF-16 code units in order, then the shorter first. UTF-8 bytes order like
 * code points, which differs only where a supplementary character (a surrogate pair in UTF-16)
 * meets U+E000..U+FFFF, so the units are compared only when the bytes differ there. */
static int cmp_string(const sl_value *a, const sl_value *b)
{
        const char *p = (const char *)a->u.bytes, *q = (const char *)b->u.bytes;
        size_t n = a->len, m = b->len, i = 0, j = 0;
        while (i < n && j < m) {
                if (p[i] == q[j] && (unsigned char)p[i] < 0x80) {
                        i++, j++;
                        continue;
                }
                uint32_t u[2], v[2];
                size_t da, db;
                int nu = utf16_units(p + i, n - i, &da, u), nv = utf16_units(q + j, m - j, &db, v);
                for (int k = 0; k < nu && k < nv; k++)
                        if (u[k] != v[k])
                                return u[k] < v[k] ? -1 : 1;
                if (nu != nv)  /* equal first units: only a pair against a lone surrogate */
                        return nu < nv ? -1 : 1;
                i += da, j += db;
        }
        return i < n ? 1 : j < m ? -1 : 0;
}

/* ByteBuffer.compareTo: bytes compared as signed, then the shorter first. */
static int cmp_bytes(const sl_value *a, const sl_value *b)
{
        size_t n = a->len < b->len ? a->len : b->len;
        for (size_t i = 0; i < n; i++) {
                int8_t x = (int8_t)a->u.bytes[i], y = (int8_t)b->u.bytes[i];
                if (x != y)
                        return x < y ? -1 : 1;
        }
        return a->len < b->len ? -1 : a->len > b->len;
}

int sl_func_agg_cmp(const sl_value *a, const sl_value *b)
{
        if (a->kind == SL_TYPE_STRING && b->kind == SL_TYPE_STRING)
                return cmp_string(a, b);
        if (a->kind == SL_TYPE_BYTES && b->kind == SL_TYPE_BYTES)
                return cmp_bytes(a, b);
        return sl_value_cmp(a, b);
}

/* ---- offsets ---- */

static atomic_llong seq_next;

int64_t sl_func_agg_next_seq(void)
{
        long long v = atomic_load(&seq_next);
        if (v == 0) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                long long start = (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
                long long zero = 0;
                atomic_compare_exchange_strong(&seq_next, &zero, start);
        }
        return (int64_t)atomic_fetch_add(&seq_next, 1);
}
