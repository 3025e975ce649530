/* agg_count.c: COUNT and COUNT_DISTINCT.
 *   COUNT(col) counts the rows where col is not NULL; COUNT(*) (no argument, which ksqlDB reads as
 *     COUNT(ROWTIME)) counts every row. The state is the BIGINT count itself; undo subtracts
 *     (aggregation over tables), merge adds (session windows).
 *   COUNT_DISTINCT(col) estimates the number of distinct non-NULL values with ksqlDB's HyperLogLog
 *     (stream-lib's, log2m = 14: 16384 five-bit registers packed six to a 32-bit word, 2731 words;
 *     MurmurHash2 of the value as stream-lib hashes Java objects; linear counting for small
 *     cardinalities, so small counts are exact barring hash collisions). The state is the words as
 *     BYTES (little-endian), not ksqlDB's ARRAY<INT>: same content, a tenth of the memory; below
 *     1024 non-zero registers a sparse list of them (4 bytes each) instead. Merge takes the larger
 *     register; no undo (ksqlDB's is a plain Udaf). */
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

/* The words of a dense state, or NULL when it is not a whole register set. */
static const uint8_t *hll_words(const sl_value *st)
{
        return st->kind == SL_TYPE_BYTES && st->len == HLL_BYTES ? st->u.bytes : NULL;
}

/* Sparse states (few non-zero registers): the non-zero registers as 4-byte little-endian entries
 * j << 8 | r, ascending by j; BYTES of length 0 (or NULL) is the empty set. A state grows dense
 * beyond HLL_SPARSE_MAX entries (whose bytes stay well below HLL_BYTES, so lengths tell the two
 * apart). Registers, merge and estimate are those of the dense set either way. */
#define HLL_SPARSE_MAX 1024

/* The number of entries of a sparse state, or -1 when it is dense. */
static long hll_sparse_len(const sl_value *st)
{
        if (hll_words(st))
                return -1;
        if (st->kind != SL_TYPE_BYTES || st->len % 4 || st->len / 4 > HLL_SPARSE_MAX)
                return 0;
        return (long)(st->len / 4);
}

static uint32_t hll_entry(const uint8_t *p, size_t i)
{
        return hll_word(p, i);
}

/* The index of the first entry of a sparse state with register >= j. */
static size_t hll_sparse_find(const uint8_t *p, size_t n, size_t j)
{
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if ((hll_entry(p, mid) >> 8) < j)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static sl_err state_hll(sl_arena *arena, const sl_type *const *args, size_t nargs, const sl_type **type,
                        sl_err_detail *err)
{
        (void)arena, (void)args, (void)nargs, (void)err;
        *type = sl_type_bytes();
        return SL_OK;
}

/* A writable dense copy of a state (zeros for none, a sparse state's registers set). */
static uint8_t *hll_dense(sl_func_ctx *ctx, const sl_value *st)
{
        uint8_t *p = sl_arena_alloc(ctx->arena, HLL_BYTES);
        const uint8_t *w = hll_words(st);
        long n = hll_sparse_len(st);
        if (w) {
                memcpy(p, w, HLL_BYTES);
                return p;
        }
        memset(p, 0, HLL_BYTES);
        for (long i = 0; i < n; i++) {
                uint32_t e = hll_entry(st->u.bytes, (size_t)i);
                hll_put(p, e >> 8, e & 0x1f);
        }
        return p;
}

static sl_err distinct_init(sl_func_ctx *ctx, sl_value *state)
{
        *state = sl_value_bytes(sl_arena_alloc(ctx->arena, 1), 0);
        return SL_OK;
}

/* Sets register j of `state` to r (larger than its current value) into a new state. */
static sl_value hll_raise(sl_func_ctx *ctx, const sl_value *state, size_t j, uint32_t r)
{
        long n = hll_sparse_len(state);
        uint8_t *p;
        size_t at;

        if (n < 0 || n == HLL_SPARSE_MAX) {
                p = hll_dense(ctx, state);
                hll_put(p, j, r);
                return sl_value_bytes(p, HLL_BYTES);
        }
        at = hll_sparse_find(state->u.bytes, (size_t)n, j);
        if (at < (size_t)n && hll_entry(state->u.bytes, at) >> 8 == j) {
                p = sl_arena_memdup(ctx->arena, state->u.bytes, 4 * (size_t)n);
                hll_set_word(p, at, (uint32_t)j << 8 | r);
                return sl_value_bytes(p, 4 * (size_t)n);
        }
        p = sl_arena_alloc(ctx->arena, 4 * ((size_t)n + 1));
        if (n) {
                memcpy(p, state->u.bytes, 4 * at);
                memcpy(p + 4 * (at + 1), state->u.bytes + 4 * at, 4 * ((size_t)n - at));
        }
        hll_set_word(p, at, (uint32_t)j << 8 | r);
        return sl_value_bytes(p, 4 * ((size_t)n + 1));
}

/* Register j of a state. */
static uint32_t hll_register(const sl_value *state, size_t j)
{
        const uint8_t *w = hll_words(state);
        long n = hll_sparse_len(state);
        size_t at;

        if (w)
                return hll_get(w, j);
        at = hll_sparse_find(state->u.bytes, (size_t)n, j);
        if (at < (size_t)n && hll_entry(state->u.bytes, at) >> 8 == j)
                return hll_entry(state->u.bytes, at) & 0x1f;
        return 0;
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
        if (hll_register(state, j) >= r) {
                *out = *state;
                return SL_OK;
        }
        *out = hll_raise(ctx, state, j, r);
        return SL_OK;
}

static sl_err distinct_merge(sl_func_ctx *ctx, const sl_value *a, const sl_value *b, sl_value *out)
{
        long nb = hll_sparse_len(b);
        const uint8_t *w = hll_words(b);
        sl_value acc = *a;

        if (hll_sparse_len(a) < 0 || nb < 0) {
                uint8_t *p = hll_dense(ctx, a);
                for (size_t j = 0; w && j < HLL_M; j++)
                        if (hll_get(w, j) > hll_get(p, j))
                                hll_put(p, j, hll_get(w, j));
                for (long i = 0; !w && i < nb; i++) {
                        uint32_t e = hll_entry(b->u.bytes, (size_t)i);
                        if ((e & 0x1f) > hll_get(p, e >> 8))
                                hll_put(p, e >> 8, e & 0x1f);
                }
                *out = sl_value_bytes(p, HLL_BYTES);
                return SL_OK;
        }
        if (hll_sparse_len(a) == 0 && a->kind != SL_TYPE_BYTES)
                acc = sl_value_bytes(sl_arena_alloc(ctx->arena, 1), 0);
        for (long i = 0; i < nb; i++) {
                uint32_t e = hll_entry(b->u.bytes, (size_t)i);
                if ((e & 0x1f) > hll_register(&acc, e >> 8))
                        acc = hll_raise(ctx, &acc, e >> 8, e & 0x1f);
        }
        *out = acc;
        return SL_OK;
}

/* HyperLogLog.cardinality() of stream-lib. Its sum of 2^-register is exact in a double (registers
 * are at most 31, so every partial sum is a multiple of 2^-31 below 2^14), hence independent of
 * the order of the terms: here a sum of integers scaled by 2^31. */
static sl_err distinct_result(sl_func_ctx *ctx, const sl_value *state, sl_value *out)
{
        const uint8_t *w = hll_words(state);
        long n = hll_sparse_len(state);
        const double m = HLL_M;
        uint64_t scaled = 0; /* sum * 2^31 */
        double sum, est;
        long zeros = 0;
        (void)ctx;
        if (w) {
                for (size_t j = 0; j < HLL_M; j++) {
                        uint32_t r = hll_get(w, j);
                        scaled += (uint64_t)1 << (31 - r);
                        zeros += r == 0;
                }
        } else {
                zeros = HLL_M - n;
                scaled = (uint64_t)zeros << 31;
                for (long i = 0; i < n; i++)
                        scaled += (uint64_t)1 << (31 - (hll_entry(state->u.bytes, (size_t)i) & 0x1f));
        }
        sum = ldexp((double)scaled, -31);
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
