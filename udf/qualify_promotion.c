/* qualify_promotion.c: example aggregate UDF plugin, the heart of examples/ride-promotions.
 * QUALIFY_PROMOTION(distance_to_dst) folds the location updates of one ride (each carrying the
 * remaining distance to the destination, in km) into the promotion the rider qualifies for:
 *
 *   'DETOUR_CREDIT'  the car has moved away from the destination by detour.km (2.0) or more in
 *                    total (the sum of every increase of the distance between two updates): the
 *                    rider gets a credit, whatever else happens;
 *   'ARRIVAL_OFFER'  the ride started min.ride.km (5.0) or more from the destination and its latest
 *                    update is within near.km (1.0) of it: time to offer something at the arrival;
 *   'NONE'           neither (yet);
 *   NULL             no distance seen yet.
 *
 * The thresholds are the server settings ksql.functions.qualify_promotion.<name> (ksqlDB's UDF
 * config passthrough), read once at load. NULL distances are skipped; a negative or non-finite
 * distance is an error (the record goes to the processing log, the state stays as it was).
 * Updates are folded in the order they arrive, so a ride's updates must share a partition (key the
 * topic by ride). Undo is impossible (the sum of increases depends on the order), so the function
 * aggregates streams, not tables; merge joins two runs of updates, the earlier one first.
 *
 * The state is BYTES, little-endian, version 1:
 *   u8 version | u64 updates | f64 first distance | f64 latest distance | f64 detour sum
 * Every callback writes a fresh state with host->alloc_bytes; nothing is malloc'd. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/udf.h>

SL_UDF_PLUGIN("qualify_promotion", "1.0.0")

#define STATE_VERSION 1
#define STATE_LEN 33 /* version, updates, first, latest, detour */

static const sl_udf_host *host; /* set by sl_udf_entry; valid while the plugin is loaded */

/* The thresholds, in km; set once in sl_udf_entry, read-only afterwards. */
static double near_km = 1.0;     /* "about to arrive" */
static double min_ride_km = 5.0; /* a ride long enough for an arrival offer */
static double detour_km = 2.0;   /* total distance gained that earns a credit */

/* A decoded state. */
typedef struct ride {
        uint64_t updates; /* non-NULL distances folded in */
        double first;     /* the first distance (km); meaningless when updates == 0 */
        double latest;    /* the latest distance (km) */
        double detour;    /* sum of the increases of the distance (km) */
} ride;

static int decode(sl_udf_call *call, const sl_udf_value *state, ride *r)
{
        size_t len;
        const uint8_t *b = host->get_bytes(state, &len);
        if (host->kind(state) != SL_UDF_BYTES || len != STATE_LEN || b[0] != STATE_VERSION)
                return host->error(call, "corrupt QUALIFY_PROMOTION state (%zu bytes, version %d)", len,
                                   len ? b[0] : -1);
        r->updates = sl_udf_get_u64(b + 1);
        r->first = sl_udf_get_f64(b + 9);
        r->latest = sl_udf_get_f64(b + 17);
        r->detour = sl_udf_get_f64(b + 25);
        return SL_UDF_OK;
}

static int encode(sl_udf_call *call, const ride *r, const sl_udf_value **out)
{
        uint8_t *b;
        *out = host->alloc_bytes(call, STATE_LEN, &b);
        if (!*out)
                return SL_UDF_ERROR;
        b[0] = STATE_VERSION;
        sl_udf_put_u64(b + 1, r->updates);
        sl_udf_put_f64(b + 9, r->first);
        sl_udf_put_f64(b + 17, r->latest);
        sl_udf_put_f64(b + 25, r->detour);
        return SL_UDF_OK;
}

static int promo_init(sl_udf_call *call, const sl_udf_value **state)
{
        ride r = {0};
        return encode(call, &r, state);
}

static int promo_accumulate(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value *const *args,
                            size_t nargs, const sl_udf_value **new_state)
{
        (void)nargs;
        ride r;
        if (decode(call, state, &r))
                return SL_UDF_ERROR;
        if (host->is_null(args[0])) {
                *new_state = state;
                return SL_UDF_OK;
        }
        double d = host->get_double(args[0]);
        if (!(d >= 0) || !isfinite(d))
                return host->error(call, "distance_to_dst must be a finite distance >= 0 km, got %g", d);
        if (r.updates == 0)
                r.first = d;
        else if (d > r.latest)
                r.detour += d - r.latest;
        r.latest = d;
        r.updates++;
        return encode(call, &r, new_state);
}

/* `a` holds the earlier updates, `b` the later ones. */
static int promo_merge(sl_udf_call *call, const sl_udf_value *a, const sl_udf_value *b, const sl_udf_value **merged)
{
        ride x, y;
        if (decode(call, a, &x) || decode(call, b, &y))
                return SL_UDF_ERROR;
        if (x.updates == 0 || y.updates == 0) {
                *merged = x.updates ? a : b;
                return SL_UDF_OK;
        }
        ride m = {.updates = x.updates + y.updates, .first = x.first, .latest = y.latest,
                  .detour = x.detour + y.detour + (y.first > x.latest ? y.first - x.latest : 0)};
        return encode(call, &m, merged);
}

static int promo_result(sl_udf_call *call, const sl_udf_value *state, const sl_udf_value **result)
{
        ride r;
        if (decode(call, state, &r))
                return SL_UDF_ERROR;
        const char *promo;
        if (r.updates == 0) {
                *result = NULL;
                return SL_UDF_OK;
        }
        if (r.detour >= detour_km)
                promo = "DETOUR_CREDIT";
        else if (r.first >= min_ride_km && r.latest <= near_km)
                promo = "ARRIVAL_OFFER";
        else
                promo = "NONE";
        *result = host->make_string(call, promo, strlen(promo));
        return SL_UDF_OK;
}

static const sl_udf_aggregate agg = {
        .size = sizeof(sl_udf_aggregate),
        .init = promo_init,
        .accumulate = promo_accumulate,
        .merge = promo_merge,
        .result = promo_result,
};

static const sl_udf_overload overloads[] = {
        {.size = sizeof(sl_udf_overload), .params = "DOUBLE distance_to_dst", .returns = "STRING",
         .aggregate = &agg,
         .description = "DETOUR_CREDIT, ARRIVAL_OFFER or NONE for a ride's remaining distances (km), in order"},
};

/* Reads the setting `key` into *v when it is set: a number >= 0, else an error. */
static int read_km(const char *key, double *v, char *errbuf, size_t errlen)
{
        const char *s = host->config_get("qualify_promotion", key);
        if (!s)
                return 0;
        char *end;
        double d = strtod(s, &end);
        if (end == s || *end || !(d >= 0) || !isfinite(d)) {
                snprintf(errbuf, errlen, "ksql.functions.qualify_promotion.%s must be a number >= 0, got '%s'",
                         key, s);
                return -1;
        }
        *v = d;
        return 0;
}

int sl_udf_entry(const sl_udf_host *h, char *errbuf, size_t errlen)
{
        host = h;
        if (read_km("near.km", &near_km, errbuf, errlen) || read_km("min.ride.km", &min_ride_km, errbuf, errlen) ||
            read_km("detour.km", &detour_km, errbuf, errlen))
                return -1;
        sl_udf_function fn = {
                .size = sizeof fn,
                .name = "QUALIFY_PROMOTION",
                .kind = SL_UDF_AGGREGATE,
                .category = "AGGREGATE",
                .description = "The promotion a ride qualifies for, from its remaining distances to the destination "
                               "(km) in order: DETOUR_CREDIT after detours of detour.km in total (2), ARRIVAL_OFFER "
                               "within near.km (1) of the end of a ride of min.ride.km (5) or more, else NONE.",
                .author = "sluice examples",
                .overloads = overloads,
                .noverloads = 1,
        };
        return host->register_function(&fn, errbuf, errlen);
}
