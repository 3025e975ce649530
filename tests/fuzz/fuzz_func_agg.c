/* fuzz_func_agg.c: libFuzzer target for the built-in aggregates. The first input byte picks an
 * aggregate call (function and argument types); the rest drives a sequence of operations on two
 * states -- accumulate or undo a row of values decoded from the input, merge the states, take a
 * result -- as an aggregation operator would, round-tripping every state through the key encoding
 * with the overload's state type like the stores do. A state that does not decode, or a result
 * whose kind is not the declared return type, aborts; sanitizers catch the rest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"
#include "func/registry.h"
#include "types/keyenc.h"
#include "types/type.h"
#include "types/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The calls exercised: name and argument type kinds (ARRAY: an ARRAY<INT>; the last INT of TOPK
 * and the n-forms is the literal init argument). */
static const struct {
        const char *name;
        sl_type_kind kinds[4];
        size_t nargs;
        size_t ninit;  /* trailing literal arguments */
} calls[] = {
        {"COUNT", {SL_TYPE_STRING}, 1, 0},
        {"COUNT", {0}, 0, 0},
        {"COUNT_DISTINCT", {SL_TYPE_BIGINT}, 1, 0},
        {"SUM", {SL_TYPE_INT}, 1, 0},
        {"SUM", {SL_TYPE_DECIMAL}, 1, 0},
        {"SUM_LIST", {SL_TYPE_ARRAY}, 1, 0},
        {"AVG", {SL_TYPE_DOUBLE}, 1, 0},
        {"MIN", {SL_TYPE_STRING}, 1, 0},
        {"MAX", {SL_TYPE_BYTES}, 1, 0},
        {"COLLECT_LIST", {SL_TYPE_STRING}, 1, 0},
        {"COLLECT_SET", {SL_TYPE_INT}, 1, 0},
        {"HISTOGRAM", {SL_TYPE_STRING}, 1, 0},
        {"TOPK", {SL_TYPE_DOUBLE, SL_TYPE_INT}, 2, 1},
        {"TOPK", {SL_TYPE_STRING, SL_TYPE_BIGINT, SL_TYPE_INT}, 3, 1},
        {"TOPKDISTINCT", {SL_TYPE_BIGINT, SL_TYPE_INT}, 2, 1},
        {"EARLIEST_BY_OFFSET", {SL_TYPE_INT}, 1, 0},
        {"LATEST_BY_OFFSET", {SL_TYPE_STRING, SL_TYPE_BOOLEAN}, 2, 1},
        {"EARLIEST_BY_OFFSET", {SL_TYPE_INT, SL_TYPE_INT, SL_TYPE_BOOLEAN}, 3, 2},
        {"LATEST_BY_OFFSET", {SL_TYPE_BIGINT, SL_TYPE_INT}, 2, 1},
        {"STDDEV_SAMP", {SL_TYPE_INT}, 1, 0},
        {"STDDEV_SAMPLE", {SL_TYPE_BIGINT}, 1, 0},
        {"CORRELATION", {SL_TYPE_DOUBLE, SL_TYPE_DOUBLE}, 2, 0},
        {"ATTR", {SL_TYPE_STRING}, 1, 0},
};
#define NCALLS (sizeof calls / sizeof calls[0])

/* A cursor over the input. */
typedef struct input {
        const uint8_t *p;
        size_t n;
} input;

static uint8_t take(input *in)
{
        if (!in->n)
                return 0;
        in->n--;
        return *in->p++;
}

static uint64_t take64(input *in, int bytes)
{
        uint64_t v = 0;
        for (int i = 0; i < bytes; i++)
                v = v << 8 | take(in);
        return v;
}

/* A value of `t` from the input; NULL one time in eight. */
static sl_value make_value(sl_arena *arena, const sl_type *t, input *in)
{
        if ((take(in) & 7) == 0)
                return sl_value_null();
        switch (t->kind) {
        case SL_TYPE_BOOLEAN: return sl_value_bool(take(in) & 1);
        case SL_TYPE_INT: return sl_value_int((int32_t)take64(in, 4));
        case SL_TYPE_BIGINT: return sl_value_bigint((int64_t)take64(in, 8));
        case SL_TYPE_DOUBLE: {
                uint64_t bits = take64(in, 8);
                double d;
                memcpy(&d, &bits, sizeof d);
                return sl_value_double(d);
        }
        case SL_TYPE_DECIMAL: {
                sl_decimal d = {.unscaled = (int64_t)(take64(in, 3) % 1999999) - 999999, .precision = t->precision,
                                .scale = t->scale};
                return sl_value_decimal(d);
        }
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES: {
                size_t len = take(in) % 8;
                char buf[8];
                for (size_t i = 0; i < len; i++)
                        buf[i] = (char)take(in);
                return t->kind == SL_TYPE_STRING ? sl_value_string_copy(arena, buf, len)
                                                 : sl_value_bytes_copy(arena, buf, len);
        }
        case SL_TYPE_ARRAY: {
                size_t len = take(in) % 5;
                sl_value *items;
                sl_value v = sl_value_composite_new(arena, t, len, &items);
                for (size_t i = 0; i < len; i++)
                        items[i] = make_value(arena, t->elem, in);
                return v;
        }
        default: return sl_value_null();
        }
}

/* Encodes and decodes a state with its type; aborts when it does not decode. */
static sl_value roundtrip(sl_arena *arena, const sl_type *st, const sl_value *v)
{
        sl_buf buf;
        sl_value out;
        sl_err_detail err;
        sl_buf_init(&buf);
        sl_keyenc_append_tuple(&buf, v, 1);
        if (sl_keyenc_decode_tuple(arena, &st, 1, SL_SLICE(buf.data, buf.len), &out, &err) != SL_OK) {
                fprintf(stderr, "state does not decode: %s\n", err.message);
                abort();
        }
        sl_buf_deinit(&buf);
        return out;
}

static sl_func_registry *reg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        input in = {data, size};
        sl_arena *arena;
        sl_func_arg fa[4];
        const sl_type *types[4];
        sl_func_resolved res;
        sl_func_resolved_arg ra[4];
        sl_value consts[4];
        sl_err_detail err;
        const sl_type *st;
        size_t c = take(&in) % NCALLS, n = calls[c].nargs;

        if (!reg) {
                reg = sl_func_registry_new();
                if (sl_func_registry_add_builtins(reg, &err) != SL_OK)
                        abort();
        }
        arena = sl_arena_new(0);
        for (size_t i = 0; i < n; i++) {
                sl_type_kind k = calls[c].kinds[i];
                types[i] = k == SL_TYPE_DECIMAL ? sl_type_decimal(6, 2)
                           : k == SL_TYPE_ARRAY ? sl_type_array(arena, sl_type_int())
                                                : sl_type_primitive(k);
                fa[i] = (sl_func_arg){.type = types[i]};
        }
        if (sl_func_registry_resolve(reg, calls[c].name, fa, n, NULL, NULL, arena, &res, &err) != SL_OK)
                abort();
        /* the literal init arguments, fixed for the call site */
        memcpy(ra, res.args, n * sizeof *ra);
        for (size_t i = n - calls[c].ninit; i < n; i++) {
                consts[i] = types[i]->kind == SL_TYPE_INT ? sl_value_int(1 + take(&in) % 4)
                                                          : sl_value_bool(take(&in) & 1);
                ra[i].constant = &consts[i];
        }
        res.args = ra;
        if (res.ov->agg->state_type(arena, types, n, &st, &err) != SL_OK)
                abort();
        sl_func_ctx ctx = {.arena = arena, .err = &err, .res = &res};
        const sl_func_agg_ops *ops = res.ov->agg;
        sl_value s[2];
        for (int k = 0; k < 2; k++) {
                if (ops->init(&ctx, &s[k]) != SL_OK)
                        abort();
                s[k] = roundtrip(arena, st, &s[k]);
        }
        for (int step = 0; step < 64 && in.n; step++) {
                uint8_t op = take(&in);
                int k = op >> 7;
                sl_value args[4], out;
                for (size_t i = 0; i < n; i++)
                        args[i] = ra[i].constant ? *ra[i].constant : make_value(arena, types[i], &in);
                sl_err rc = SL_OK;
                switch (op & 3) {
                case 0: rc = ops->accumulate(&ctx, &s[k], args, n, &s[k]); break;
                case 1: rc = ops->undo ? ops->undo(&ctx, &s[k], args, n, &s[k]) : SL_OK; break;
                case 2: rc = ops->merge ? ops->merge(&ctx, &s[k], &s[!k], &s[k]) : SL_OK; break;
                default:
                        if (ops->result(&ctx, &s[k], &out) != SL_OK)
                                break;
                        if (out.kind != SL_TYPE_NULL && out.kind != res.ret->kind)
                                abort();
                        break;
                }
                (void)rc;  /* errors (DECIMAL overflow) leave the state as it was */
                s[k] = roundtrip(arena, st, &s[k]);
        }
        sl_func_ctx_release(&ctx);
        sl_arena_free(arena);
        return 0;
}
