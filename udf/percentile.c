/* percentile.c: example aggregate UDF plugin. APPROX_PERCENTILE(value, p) estimates the p-th
 * quantile (0 <= p <= 1; 0.5 is the median) of the non-NULL values of a group, within 1% of the
 * true value's magnitude (relative error), in bounded memory: each value falls into a logarithmic
 * bucket (bucket i covers (g^(i-1), g^i] with g = 1.01/0.99, negatives mirrored, zero apart), and
 * a bucket keeps only its count -- the scheme of the DDSketch paper. Counts make undo (tables) and
 * merge (session windows) exact. NaN and infinite values are skipped.
 *
 * The state is BYTES, little-endian, version 1:
 *   u8 version | f64 p (NaN until a row sets it) | u64 zero count | u32 n | n x (i8 sign, i32 bucket, u64 count)
 * buckets sorted by value (negative buckets from the largest index down, then positive ones up).
 * Every callback writes a fresh state with host->alloc_bytes; nothing is malloc'd. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <sluice/udf.h>

SL_UDF_PLUGIN("percentile", "1.0.0")

#define STATE_VERSION 1
#define HEADER 21      /* version, p, zero count, n */
#define ENTRY 13       /* sign, bucket, count */
#define ALPHA 0.01     /* relative accuracy */
#define TINY 1e-300    /* magnitudes below count as zero */

static const sl_udf_host *host; /* set by sl_udf_entry; valid while the plugin is loaded */

/* ---- the sketch ---- */

/* A decoded view of a state: borrowed bytes. */
typedef struct sketch {
        double p;              /* the requested quantile, NaN when unset */
        uint64_t zeros;        /* count of values of magnitude < TINY */
        uint32_t n;            /* bucket entries */
        const uint8_t *ents;   /* n entries of ENTRY bytes */
} sketch;

static double gamma_(void)
{
        return (1 + ALPHA) / (1 - ALPHA);
}

/* Orders (sign, bucket) as the values they stand for. */
static int64_t order_key(int sign, int32_t bucket)
{
        return sign < 0 ? -(int64_t)bucket - ((int64_t)1 << 40) : (int64_t)bucket + ((int64_t)1 << 40);
}

static int ent_sign(const uint8_t *e) { return e[0] == 0xff ? -1 : 1; }
static int32_t ent_bucket(const uint8_t *e) { return (int32_t)sl_udf_get_u32(e + 1); }
static uint64_t ent_count(const uint8_t *e) { return sl_udf_get_u64(e + 5); }

static int decode(sl_udf_call *call, const sl_udf_value *state, sketch *sk)
{
        size_t len;
        const uint8_t *b = host->get_bytes(state, &len);
        if (host->kind(state) != SL_UDF_BYTES || len < HEADER || b[0] != STATE_VERSION)
                return host->error(call, "corrupt APPROX_PERCENTILE state (%zu bytes, version %d)", len,
                                   len ? b[0] : -1);
        sk->p = sl_udf_get_f64(b + 1);
        sk->zeros = sl_udf_get_u64(b + 9);
        sk->n = sl_udf_get_u32(b + 17);
        sk->ents = b + HEADER;
        if (len != HEADER + (size_t)sk->n * ENTRY)
                return host->error(call, "corrupt APPROX_PERCENTILE state (%zu bytes for %u buckets)", len, sk->n);
        return SL_UDF_OK;
}

/* A state with room for n entries; the header written, the entries left to the caller. */
static uint8_t *encode_start(sl_udf_call *call, double p, uint64_t zeros, uint32_t n, const sl_udf_value **out)
{
        uint8_t *b;
        *out = host->alloc_bytes(call, HEADER + (size_t)n * ENTRY, &b);
        if (!*out)
                return NULL;
        b[0] = STATE_VERSION;
        sl_udf_put_f64(b + 1, p);
        sl_udf_put_u64(b + 9, zeros);
        sl_udf_put_u32(b + 17, n);
        return b + HEADER;
}

static void put_entry(uint8_t *e, int sign, int32_t bucket, uint64_t count)
{
        e[0] = sign < 0 ? 0xff : 0x01;
        sl_udf_put_u32(e + 1, (uint32_t)bucket);
        sl_udf_put_u64(e + 5, count);
}

/* Adds `delta` (+1 or -1) to the bucket of v, giving a new state in *out. */
static int add_value(sl_udf_call *call, const sketch *sk, double p, double v, int delta, const sl_udf_value **out)
{
        if (fabs(v) < TINY) {
                uint64_t zeros = delta > 0 ? sk->zeros + 1 : sk->zeros ? sk->zeros - 1 : 0;
                uint8_t *e = encode_start(call, p, zeros, sk->n, out);
                if (!e)
                        return SL_UDF_ERROR;
                memcpy(e, sk->ents, (size_t)sk->n * ENTRY);
                return SL_UDF_OK;
        }
        int sign = v < 0 ? -1 : 1;
        int32_t bucket = (int32_t)ceil(log(fabs(v)) / log(gamma_()));
        int64_t key = order_key(sign, bucket);
        uint32_t pos = 0;
        while (pos < sk->n && order_key(ent_sign(sk->ents + pos * ENTRY), ent_bucket(sk->ents + pos * ENTRY)) < key)
                pos++;
        const uint8_t *at = sk->ents + (size_t)pos * ENTRY;
        int found = pos < sk->n && order_key(ent_sign(at), ent_bucket(at)) == key;
        if (!found && delta < 0) { /* undo of a row never added: leave the state as it is */
                uint8_t *e = encode_start(call, p, sk->zeros, sk->n, out);
                if (!e)
                        return SL_UDF_ERROR;
                memcpy(e, sk->ents, (size_t)sk->n * ENTRY);
                return SL_UDF_OK;
        }
        uint64_t count = found ? ent_count(at) : 0;
        count = delta > 0 ? count + 1 : count - 1;
        uint32_t n = sk->n + (found ? 0 : 1) - (count == 0 ? 1 : 0);
        uint8_t *e = encode_start(call, p, sk->zeros, n, out);
        if (!e)
                return SL_UDF_ERROR;
        memcpy(e, sk->ents, (size_t)pos * ENTRY);
        e += (size_t)pos * ENTRY;
        if (count) {
                put_entry(e, sign, bucket, count);
                e += ENTRY;
        }
        uint32_t rest = sk->n - pos - (found ? 1 : 0);
        memcpy(e, sk->ents + (size_t)(pos + (found ? 1 : 0)) * ENTRY, (size_t)rest * ENTRY);
        return SL_UDF_OK;
}

/* ---- the callbacks ---- */

static int pct_init(sl_udf_call *call, const sl_udf_value **state)
{
        return encode_start(call, NAN, 0, 0, state) ? SL_UDF_OK : SL_UDF_ERROR;
}

/* Reads one row: *skip when it adds nothing. */
static int read_row(sl_udf_call *call, const sl_udf_value *const *args, double *v, double *p, int *skip)
{
        *skip = 1;
        if (host->is_null(args[0]))
                return SL_UDF_OK;
        if (host->is_null(args[1]))
                return host->error(call, "the percentile must not be NULL");
        *p = host->get_double(args[1]);
        if (!(*p >= 0 && *p <= 1))
                return host->error(call, "the percentile must be between 0 and 1, got %g", *p);
        *v = host->get_double(args[0]);
        *skip = !isfinite(*v);
        return SL_UDF_OK;
}

/* Adds (sign +1) or removes (sign -1) the row's value: an added row passes its percentile argument,
 * a removed one the sketch's own. */
static int pct_apply(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value *const *args, int sign,
                     const sl_udf_value **new_state)
{
        sketch sk;
        double v = 0, p = 0;
        int skip;
        if (decode(call, state, &sk) || read_row(call, args, &v, &p, &skip))
                return SL_UDF_ERROR;
        if (skip) {
                *new_state = state;
                return SL_UDF_OK;
        }
        return add_value(call, &sk, sign > 0 ? p : sk.p, v, sign, new_state);
}

static int pct_accumulate(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value *const *args,
                          size_t nargs, const sl_udf_value **new_state)
{
        (void)nargs;
        return pct_apply(call, state, args, +1, new_state);
}

static int pct_undo(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value *const *args, size_t nargs,
                    const sl_udf_value **new_state)
{
        (void)nargs;
        return pct_apply(call, state, args, -1, new_state);
}

static int pct_merge(sl_udf_call *call, const sl_udf_value *a, const sl_udf_value *b, const sl_udf_value **merged)
{
        sketch x, y;
        if (decode(call, a, &x) || decode(call, b, &y))
                return SL_UDF_ERROR;
        /* first count the union of buckets, then write it */
        uint32_t n = 0;
        for (uint32_t i = 0, j = 0; i < x.n || j < y.n; n++) {
                int64_t kx = i < x.n ? order_key(ent_sign(x.ents + i * ENTRY), ent_bucket(x.ents + i * ENTRY)) : INT64_MAX;
                int64_t ky = j < y.n ? order_key(ent_sign(y.ents + j * ENTRY), ent_bucket(y.ents + j * ENTRY)) : INT64_MAX;
                i += kx <= ky;
                j += ky <= kx;
        }
        uint8_t *e = encode_start(call, isnan(x.p) ? y.p : x.p, x.zeros + y.zeros, n, merged);
        if (!e)
                return SL_UDF_ERROR;
        for (uint32_t i = 0, j = 0; i < x.n || j < y.n; e += ENTRY) {
                const uint8_t *ex = x.ents + (size_t)i * ENTRY, *ey = y.ents + (size_t)j * ENTRY;
                int64_t kx = i < x.n ? order_key(ent_sign(ex), ent_bucket(ex)) : INT64_MAX;
                int64_t ky = j < y.n ? order_key(ent_sign(ey), ent_bucket(ey)) : INT64_MAX;
                if (kx == ky)
                        put_entry(e, ent_sign(ex), ent_bucket(ex), ent_count(ex) + ent_count(ey));
                else if (kx < ky)
                        memcpy(e, ex, ENTRY);
                else
                        memcpy(e, ey, ENTRY);
                i += kx <= ky;
                j += ky <= kx;
        }
        return SL_UDF_OK;
}

static int pct_result(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value **result)
{
        sketch sk;
        if (decode(call, state, &sk))
                return SL_UDF_ERROR;
        uint64_t total = sk.zeros;
        for (uint32_t i = 0; i < sk.n; i++)
                total += ent_count(sk.ents + (size_t)i * ENTRY);
        if (total == 0 || isnan(sk.p)) {
                *result = NULL; /* no values: NULL */
                return SL_UDF_OK;
        }
        /* the value of 0-based rank floor(p * (total - 1)) */
        uint64_t rank = (uint64_t)floor(sk.p * (double)(total - 1));
        uint64_t seen = 0;
        int zeros_done = 0; /* the zero bucket sits between the negatives and the positives */
        double g = gamma_();
        for (uint32_t i = 0; i < sk.n; i++) {
                const uint8_t *e = sk.ents + (size_t)i * ENTRY;
                if (!zeros_done && ent_sign(e) > 0) {
                        zeros_done = 1;
                        seen += sk.zeros;
                        if (rank < seen)
                                break;
                }
                seen += ent_count(e);
                if (rank < seen) {
                        double mid = 2 * pow(g, ent_bucket(e)) / (g + 1);
                        *result = host->make_double(call, ent_sign(e) * mid);
                        return SL_UDF_OK;
                }
        }
        *result = host->make_double(call, 0.0); /* the rank falls among the zeros */
        return SL_UDF_OK;
}

static const sl_udf_aggregate agg = {
        .size = sizeof(sl_udf_aggregate),
        .init = pct_init,
        .accumulate = pct_accumulate,
        .undo = pct_undo,
        .merge = pct_merge,
        .result = pct_result,
};

static const sl_udf_overload overloads[] = {
        {.size = sizeof(sl_udf_overload), .params = "DOUBLE value, DOUBLE percentile", .returns = "DOUBLE",
         .aggregate = &agg, .description = "the approximate percentile (0..1) of value, within 1%"},
};

int sl_udf_entry(const sl_udf_host *h, char *errbuf, size_t errlen)
{
        host = h;
        sl_udf_function fn = {
                .size = sizeof fn,
                .name = "APPROX_PERCENTILE",
                .kind = SL_UDF_AGGREGATE,
                .category = "AGGREGATE",
                .description = "Estimates a percentile of a column's values within 1% relative error, in bounded "
                               "memory; supports tables (undo) and session windows (merge).",
                .author = "sluice examples",
                .overloads = overloads,
                .noverloads = 1,
        };
        return host->register_function(&fn, errbuf, errlen);
}
