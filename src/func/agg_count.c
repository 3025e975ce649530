/* agg_count.c: COUNT and COUNT_DISTINCT.
 *   COUNT(col) counts the rows where col is not NULL; COUNT(*) (no argument, which ksqlDB reads as
 *     COUNT(ROWTIME)) counts every row. The state is the BIGINT count itself; undo subtracts
 *     (aggregation over tables), merge adds (session windows).
 *   COUNT_DISTINCT(col) estimates the number of distinct non-NULL values with ksqlDB's HyperLogLog
 *     (stream-lib's, log2m = 14: 16384 five-bit registers packed six to a 32-bit word, 2731 words;
 *     MurmurHash2 of the value as stream-lib hashes Java objects; linear counting for small
 *     cardinalities, so small counts are exact barring hash collisions). The state is the words as
 *     BYTES (little-endian), not ksqlDB's ARRAY<INT>: same content, a tenth of the memory. Merge
 *     takes the larger register; no undo (ksqlDB's is a plain Udaf). */
#include <math.h>

#include "func/agg_int.h"

static sl_err state_bigint(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                           sl_err_detail *err)
{
        (void)arena, (void)args, (void)nargs, (void)err;
        *type = sl_type_bigint();
        return SL_OK;
}

/* A BIGINT state; NULL (never produced here) counts as 0. */
static int64_t count_of(const sl_value *state)
{
        return state->kind == SL_TYPE_BIGINT ? state->u.i64 : 0;
}

static sl_err count_init(sl_func_ctx *ctx, sl_value *state)
{
        (void)ctx;
        *state = sl_value_bigint(0);
        return SL_OK;
}

/* Whether the row counts: COUNT(*) counts all, COUNT(col) the non-NULL ones. */
static bool counts(const sl_value *args, size_t nargs)
{
        return nargs == 0 || args[0].kind != SL_TYPE_NULL;
}

static sl_err count_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                               sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(sl_func_agg_add_i64(count_of(state), counts(args, nargs) ? 1 : 0));
        return SL_OK;
}

static sl_err count_undo(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs, sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(sl_func_agg_sub_i64(count_of(state), counts(args, nargs) ? 1 : 0));
        return SL_OK;
}

static sl_err count_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(sl_func_agg_add_i64(count_of(a), count_of(b)));
        return SL_OK;
}

static sl_err count_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        (void)ctx;
        *out = sl_value_bigint(count_of(state));
        return SL_OK;
}

static const sl_func_agg_ops count_ops = {
        sizeof(sl_func_agg_ops), state_bigint, count_init, count_accumulate, count_undo, count_merge, count_result,
};

/* ---- COUNT_DISTINCT ---- */

#define HLL_LOG2M 14
#define HLL_M (1 << HLL_LOG2M)
#define HLL_WORDS (HLL_M / 6 + 1)
#define HLL_BYTES (HLL_WORDS * 4)

/* stream-lib's MurmurHash.hash(byte[]): MurmurHash2, 32 bits, seed -1, Java's signed bytes. */
static uint32_t murmur2(const uint8_t *data, size_t len)
{
        const uint32_t m = 0x5bd1e995;
        uint32_t h = (uint32_t)-1 ^ (uint32_t)len;
        size_t n4 = len >> 2;
        for (size_t i = 0; i < n4; i++) {
                const uint8_t *p = data + 4 * i;
                uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
                k *= m;
                k ^= k >> 24;
                k *= m;
                h *= m;
                h ^= k;
        }
        size_t left = len - (n4 << 2);
        if (left) {
                /* (int) data[i]: sign-extended */
                if (left >= 3)
                        h ^= (uint32_t)((int32_t)(int8_t)data[len - 3] * 65536);
                if (left >= 2)
                        h ^= (uint32_t)((int32_t)(int8_t)data[len - 2] * 256);
                h ^= (uint32_t)(int32_t)(int8_t)data[len - 1];
                h *= m;
        }
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return h;
}

/* stream-lib's MurmurHash.hashLong. */
static uint32_t murmur2_long(int64_t data)
{
        const uint32_t m = 0x5bd1e995;
        uint32_t h = 0;
        uint32_t k = (uint32_t)(uint64_t)data * m;
        k ^= k >> 24;
        h ^= k * m;
        k = (uint32_t)(uint64_t)(data >> 32) * m;
        k ^= k >> 24;
        h *= m;
        h ^= k * m;
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return h;
}

/* MurmurHash.hash(Object) of the Java object ksqlDB holds for `v`: Integer, Long and Double by
 * their bits, String and bytes by their bytes, anything else by its toString(). */
static uint32_t hll_hash(sl_func_ctx *ctx, const sl_value *v)
{
        switch (v->kind) {
        case SL_TYPE_INT: return murmur2_long(v->u.i32);
        case SL_TYPE_BIGINT: return murmur2_long(v->u.i64);
        case SL_TYPE_DOUBLE: {
                int64_t bits;
                memcpy(&bits, &v->u.f64, sizeof bits);
                return murmur2_long(bits);
        }
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES: return murmur2(v->u.bytes, v->len);
        default: {
                const char *s = sl_value_to_cstr(ctx->arena, v);
                return murmur2((const uint8_t *)s, strlen(s));
        }
        }
}

static uint32_t hll_word(const uint8_t *p, size_t w)
{
        p += 4 * w;
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void hll_set_word(uint8_t *p, size_t w, uint32_t v)
{
        p += 4 * w;
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)(v >> 16);
        p[3] = (uint8_t)(v >> 24);
}

/* Register j of a state's words (RegisterSet.get). */
static uint32_t hll_get(const uint8_t *p, size_t j)
{
        return (hll_word(p, j / 6) >> (5 * (j % 6))) & 0x1f;
}

static void hll_put(uint8_t *p, size_t j, uint32_t r)
{
        size_t w = j / 6, shift = 5 * (j % 6);
        hll_set_word(p, w, (hll_word(p, w) & ~(0x1fu << shift)) | (r & 0x1f) << shift);
}

/* The words of a state, or NULL when it is not a whole register set (NULL: all zero). */
static const uint8_t *hll_words(const sl_value *st)
{
        return st->kind == SL_TYPE_BYTES && st->len == HLL_BYTES ? st->u.bytes : NULL;
}

static sl_err state_hll(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                        sl_err_detail *err)
{
        (void)arena, (void)args, (void)nargs, (void)err;
        *type = sl_type_bytes();
        return SL_OK;
}

/* A writable copy of a state's words (zeros for none). */
static uint8_t *hll_copy(sl_func_ctx *ctx, const sl_value *st)
{
        uint8_t *p = sl_arena_alloc(ctx->arena, HLL_BYTES);
        const uint8_t *w = hll_words(st);
        if (w)
                memcpy(p, w, HLL_BYTES);
        else
                memset(p, 0, HLL_BYTES);
        return p;
}

static sl_err distinct_init(sl_func_ctx *ctx, sl_value *state)
{
        *state = sl_value_bytes(hll_copy(ctx, &(sl_value){.kind = SL_TYPE_NULL}), HLL_BYTES);
        return SL_OK;
}

static sl_err distinct_accumulate(sl_func_ctx *ctx, const sl_value *state, const sl_value *args, size_t nargs,
                                  sl_value *out)
{
        (void)nargs;
        if (args[0].kind == SL_TYPE_NULL) {
                *out = *state;
                return SL_OK;
        }
        uint32_t h = hll_hash(ctx, &args[0]);
        size_t j = h >> (32 - HLL_LOG2M);
        /* Integer.numberOfLeadingZeros((h << log2m) | (1 << (log2m - 1)) + 1) + 1 */
        uint32_t x = (h << HLL_LOG2M) | ((1u << (HLL_LOG2M - 1)) + 1);
        uint32_t r = (uint32_t)__builtin_clz(x) + 1;
        const uint8_t *w = hll_words(state);
        if (w && hll_get(w, j) >= r) {
                *out = *state;
                return SL_OK;
        }
        uint8_t *p = hll_copy(ctx, state);
        hll_put(p, j, r);
        *out = sl_value_bytes(p, HLL_BYTES);
        return SL_OK;
}

static sl_err distinct_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        uint8_t *p = hll_copy(ctx, a);
        const uint8_t *w = hll_words(b);
        for (size_t j = 0; w && j < HLL_M; j++)
                if (hll_get(w, j) > hll_get(p, j))
                        hll_put(p, j, hll_get(w, j));
        *out = sl_value_bytes(p, HLL_BYTES);
        return SL_OK;
}

/* HyperLogLog.cardinality() of stream-lib. */
static sl_err distinct_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        const uint8_t *w = hll_words(state);
        const double m = HLL_M;
        double sum = 0.0, est;
        int zeros = 0;
        (void)ctx;
        for (size_t j = 0; j < HLL_M; j++) {
                uint32_t r = w ? hll_get(w, j) : 0;
                sum += 1.0 / (double)(1u << r);
                zeros += r == 0;
        }
        est = 0.7213 / (1 + 1.079 / m) * m * m * (1 / sum);
        if (est <= 2.5 * m && zeros > 0)  /* zeros == 0 here: stream-lib returns Long.MAX_VALUE */
                est = m * log(m / (double)zeros);
        else if (est > 4294967296.0 / 30.0)
                est = -4294967296.0 * log(1 - est / 4294967296.0);
        *out = sl_value_bigint((int64_t)llround(est));
        return SL_OK;
}

static const sl_func_agg_ops distinct_ops = {
        sizeof(sl_func_agg_ops), state_hll, distinct_init, distinct_accumulate, NULL, distinct_merge, distinct_result,
};

#define DISTINCT_DESC                                                                                           \
        "This function returns the number of items found in a group. The implementation is probabilistic with a " \
        "typical accuracy (standard error) of less than 1%."

static const sl_func_agg_builtin count_rows[] = {
        {"COUNT", "Counts records by key.", "", "BIGINT", NULL, &count_ops, "Counts records by key.", 0},
        {"COUNT", "Counts records by key.", "ANY val1", "BIGINT", NULL, &count_ops, "Counts records by key.", 0},
        {"COUNT_DISTINCT", DISTINCT_DESC, "ANY val1", "BIGINT", NULL, &distinct_ops, "Count distinct", 0},
};

sl_err sl_func_agg_count_register(sl_func_registry *reg, sl_err_detail *err)
{
        return SL_FUNC_AGG_ADD_TABLE(reg, count_rows, err);
}
