/* geo.c: example scalar UDF plugin. HAVERSINE_DISTANCE(lat1, lon1, lat2, lon2 [, unit]) is the
 * great-circle distance between two points given in decimal degrees, on a sphere of the Earth's
 * mean radius (6371.0088 km), in kilometres unless `unit` says 'mi' (statute miles), 'nmi' (nautical
 * miles) or 'm' (metres). Coordinates out of range and unknown units are errors, which send the
 * record to the processing log; a NULL argument gives NULL. (The built-in GEO_DISTANCE computes the
 * same quantity; this plugin shows the ABI.) */
#include <math.h>
#include <string.h>
#include <strings.h>

#include <sluice/udf.h>

SL_UDF_PLUGIN("geo", "1.0.0")

#define EARTH_RADIUS_KM 6371.0088

static const sl_udf_host *host; /* set by sl_udf_entry; valid while the plugin is loaded */

/* A unit and its length in kilometres. */
typedef struct unit {
        const char *name;  /* as written in SQL, any case */
        double km;         /* kilometres per unit */
} unit;

static const unit units[] = {
        {"km", 1.0}, {"kilometers", 1.0}, {"mi", 1.609344}, {"miles", 1.609344},
        {"nmi", 1.852}, {"nm", 1.852},    {"m", 0.001},     {"meters", 0.001},
};

static double radians(double deg)
{
        return deg * (M_PI / 180.0);
}

static int haversine(sl_udf_call *call, const sl_udf_value *const *args, size_t nargs, const sl_udf_value **result)
{
        double lat1 = host->get_double(args[0]), lon1 = host->get_double(args[1]);
        double lat2 = host->get_double(args[2]), lon2 = host->get_double(args[3]);
        double per = 1.0;
        if (fabs(lat1) > 90 || fabs(lat2) > 90)
                return host->error(call, "latitude must be between -90 and 90, got %g", fabs(lat1) > 90 ? lat1 : lat2);
        if (fabs(lon1) > 180 || fabs(lon2) > 180)
                return host->error(call, "longitude must be between -180 and 180, got %g",
                                   fabs(lon1) > 180 ? lon1 : lon2);
        if (nargs == 5) {
                size_t len;
                const char *u = host->get_string(args[4], &len);
                size_t i;
                for (i = 0; i < sizeof units / sizeof units[0]; i++)
                        if (strlen(units[i].name) == len && strncasecmp(units[i].name, u, len) == 0)
                                break;
                if (i == sizeof units / sizeof units[0])
                        return host->error(call, "unknown unit '%.*s': use km, mi, nmi or m", (int)len, u);
                per = units[i].km;
        }
        double dlat = radians(lat2 - lat1), dlon = radians(lon2 - lon1);
        double a = sin(dlat / 2) * sin(dlat / 2) + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) * sin(dlon / 2);
        double c = 2 * atan2(sqrt(a), sqrt(1 - a));
        *result = host->make_double(call, EARTH_RADIUS_KM * c / per);
        return SL_UDF_OK;
}

static const sl_udf_overload overloads[] = {
        {.size = sizeof(sl_udf_overload), .params = "DOUBLE lat1, DOUBLE lon1, DOUBLE lat2, DOUBLE lon2",
         .returns = "DOUBLE", .flags = SL_UDF_NULL_IN_NULL_OUT, .invoke = haversine,
         .description = "distance in kilometres"},
        {.size = sizeof(sl_udf_overload), .params = "DOUBLE lat1, DOUBLE lon1, DOUBLE lat2, DOUBLE lon2, STRING unit",
         .returns = "DOUBLE", .flags = SL_UDF_NULL_IN_NULL_OUT, .invoke = haversine,
         .description = "distance in km, mi, nmi or m"},
};

int sl_udf_entry(const sl_udf_host *h, char *errbuf, size_t errlen)
{
        host = h;
        sl_udf_function fn = {
                .size = sizeof fn,
                .name = "HAVERSINE_DISTANCE",
                .kind = SL_UDF_SCALAR,
                .category = "MATHEMATICAL",
                .description = "The great-circle distance between two lat/lon points (degrees) on a spherical Earth.",
                .author = "sluice examples",
                .overloads = overloads,
                .noverloads = sizeof overloads / sizeof overloads[0],
        };
        return host->register_function(&fn, errbuf, errlen);
}
