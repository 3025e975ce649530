/* compare.c: the total order, equality and hashing of values (rules in compare.h). Maps compare
 * through their entries sorted by key, so two maps with the same entries in another insertion
 * order are equal and hash alike. */
#include "types/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/map.h"
#include "common/mem.h"

int sl_value_cmp_double(double a, double b)
{
        if (a < b)
                return -1;
        if (a > b)
                return 1;
        /* equal, or a NaN is involved, or -0.0 vs 0.0: order the bit patterns as Double.compare */
        bool na = isnan(a), nb = isnan(b);
        if (na || nb)
                return na - nb;
        bool sa = signbit(a), sb = signbit(b);
        return sb - sa;
}

static int cmp_i64(int64_t a, int64_t b)
{
        return (a > b) - (a < b);
}

static int cmp_bytes(const sl_value *a, const sl_value *b)
{
        size_t n = a->len < b->len ? a->len : b->len;
        int c = n ? memcmp(a->u.bytes, b->u.bytes, n) : 0;
        if (c)
                return c;
        return cmp_i64(a->len, b->len);
}

/* INT, BIGINT or DECIMAL as an exact decimal; false for other kinds */
static bool as_decimal(const sl_value *v, sl_decimal *out)
{
        switch (v->kind) {
        case SL_TYPE_INT:
                return sl_decimal_from_i64(v->u.i32, SL_DECIMAL_MAX_PRECISION, 0, out, NULL) == SL_OK;
        case SL_TYPE_BIGINT:
                return sl_decimal_from_i64(v->u.i64, SL_DECIMAL_MAX_PRECISION, 0, out, NULL) == SL_OK;
        case SL_TYPE_DECIMAL:
                *out = sl_value_get_decimal(v);
                return true;
        default:
                return false;
        }
}

static double as_double(const sl_value *v)
{
        sl_decimal d;
        if (v->kind == SL_TYPE_DOUBLE)
                return v->u.f64;
        as_decimal(v, &d);
        return sl_decimal_to_double(d);
}

static bool is_numeric_kind(int kind)
{
        return kind >= SL_TYPE_INT && kind <= SL_TYPE_DECIMAL;
}

static int cmp_mixed(const sl_value *a, const sl_value *b)
{
        if (is_numeric_kind(a->kind) && is_numeric_kind(b->kind)) {
                if (a->kind == SL_TYPE_DOUBLE || b->kind == SL_TYPE_DOUBLE)
                        return sl_value_cmp_double(as_double(a), as_double(b));
                sl_decimal x, y;
                as_decimal(a, &x);
                as_decimal(b, &y);
                return sl_decimal_cmp(x, y);
        }
        return cmp_i64(a->kind, b->kind);
}

static int cmp_seq(const sl_value *a, uint32_t na, const sl_value *b, uint32_t nb)
{
        uint32_t n = na < nb ? na : nb;
        for (uint32_t i = 0; i < n; i++) {
                int c = sl_value_cmp(&a[i], &b[i]);
                if (c)
                        return c;
        }
        return cmp_i64(na, nb);
}

static int cmp_entry_keys(const void *x, const void *y, void *ctx)
{
        const sl_value *items = ctx;
        return sl_value_cmp(&items[2 * *(const uint32_t *)x], &items[2 * *(const uint32_t *)y]);
}

void sl_value_map_sort_into(const sl_value *m, uint32_t *idx)
{
        bool sorted = true;

        for (uint32_t i = 0; i < m->len; i++) {
                idx[i] = i;
                if (sorted && i > 0 && cmp_entry_keys(&idx[i - 1], &idx[i], (void *)m->u.comp.items) > 0)
                        sorted = false;
        }
        if (!sorted)
                qsort_r(idx, m->len, sizeof *idx, cmp_entry_keys, (void *)m->u.comp.items);
}

uint32_t *sl_value_map_sorted(const sl_value *m)
{
        uint32_t *idx = sl_malloc((m->len ? m->len : 1) * sizeof *idx);
        sl_value_map_sort_into(m, idx);
        return idx;
}

/* Maps up to this many entries are compared with their index arrays on the stack. */
#define MAP_STACK_ENTRIES 32

static int cmp_map(const sl_value *a, const sl_value *b)
{
        uint32_t sa[MAP_STACK_ENTRIES], sb[MAP_STACK_ENTRIES];
        uint32_t *ia = a->len <= MAP_STACK_ENTRIES ? sa : sl_malloc(a->len * sizeof *ia);
        uint32_t *ib = b->len <= MAP_STACK_ENTRIES ? sb : sl_malloc(b->len * sizeof *ib);
        uint32_t n = a->len < b->len ? a->len : b->len;
        int c = 0;

        sl_value_map_sort_into(a, ia);
        sl_value_map_sort_into(b, ib);
        for (uint32_t i = 0; i < n && c == 0; i++) {
                c = sl_value_cmp(&a->u.comp.items[2 * ia[i]], &b->u.comp.items[2 * ib[i]]);
                if (c == 0)
                        c = sl_value_cmp(&a->u.comp.items[2 * ia[i] + 1], &b->u.comp.items[2 * ib[i] + 1]);
        }
        if (c == 0)
                c = cmp_i64(a->len, b->len);
        if (ia != sa)
                sl_free(ia);
        if (ib != sb)
                sl_free(ib);
        return c;
}

int sl_value_cmp(const sl_value *a, const sl_value *b)
{
        if (a->kind != b->kind) {
                if (a->kind == SL_TYPE_NULL || b->kind == SL_TYPE_NULL)
                        return cmp_i64(a->kind != SL_TYPE_NULL, b->kind != SL_TYPE_NULL);
                return cmp_mixed(a, b);
        }
        switch (a->kind) {
        case SL_TYPE_NULL:
                return 0;
        case SL_TYPE_BOOLEAN:
                return (int)a->u.b - (int)b->u.b;
        case SL_TYPE_INT:
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
                return cmp_i64(a->u.i32, b->u.i32);
        case SL_TYPE_BIGINT:
        case SL_TYPE_TIMESTAMP:
                return cmp_i64(a->u.i64, b->u.i64);
        case SL_TYPE_DOUBLE:
                return sl_value_cmp_double(a->u.f64, b->u.f64);
        case SL_TYPE_DECIMAL:
                return sl_decimal_cmp(sl_value_get_decimal(a), sl_value_get_decimal(b));
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES:
                return cmp_bytes(a, b);
        case SL_TYPE_ARRAY:
        case SL_TYPE_STRUCT:
                return cmp_seq(a->u.comp.items, a->len, b->u.comp.items, b->len);
        case SL_TYPE_MAP:
                return cmp_map(a, b);
        default:
                return 0;
        }
}

bool sl_value_eq(const sl_value *a, const sl_value *b)
{
        return sl_value_cmp(a, b) == 0;
}

static uint64_t mix(uint64_t h, uint64_t x)
{
        h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        return h;
}

uint64_t sl_value_hash(const sl_value *v, uint64_t seed)
{
        uint64_t h = mix(seed, v->kind);
        switch (v->kind) {
        case SL_TYPE_NULL:
                return h;
        case SL_TYPE_BOOLEAN:
                return mix(h, v->u.b);
        case SL_TYPE_INT:
        case SL_TYPE_DATE:
        case SL_TYPE_TIME:
                return mix(h, (uint64_t)(int64_t)v->u.i32);
        case SL_TYPE_BIGINT:
        case SL_TYPE_TIMESTAMP:
                return mix(h, (uint64_t)v->u.i64);
        case SL_TYPE_DOUBLE: {
                double d = isnan(v->u.f64) ? NAN : v->u.f64;
                uint64_t bits;
                memcpy(&bits, &d, sizeof bits);
                return mix(h, bits);
        }
        case SL_TYPE_DECIMAL: {
                sl_decimal d = sl_decimal_normalize(sl_value_get_decimal(v));
                unsigned __int128 u = (unsigned __int128)d.unscaled;
                return mix(mix(mix(h, (uint64_t)u), (uint64_t)(u >> 64)), d.scale);
        }
        case SL_TYPE_STRING:
        case SL_TYPE_BYTES:
                return sl_hash_bytes(v->u.bytes, v->len, h);
        case SL_TYPE_ARRAY:
        case SL_TYPE_STRUCT:
                for (uint32_t i = 0; i < v->len; i++)
                        h = sl_value_hash(&v->u.comp.items[i], h);
                return mix(h, v->len);
        case SL_TYPE_MAP: {
                uint64_t sum = 0;  /* order-independent */
                for (uint32_t i = 0; i < v->len; i++)
                        sum += sl_value_hash(&v->u.comp.items[2 * i + 1], sl_value_hash(&v->u.comp.items[2 * i], 7));
                return mix(mix(h, sum), v->len);
        }
        default:
                return h;
        }
}
