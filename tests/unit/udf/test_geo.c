/* test_geo.c: the HAVERSINE_DISTANCE example plugin (udf/geo.c), loaded from the build through the
 * loader and called through sl_func_call. */
#include <math.h>

#include "udf_test.h"

static void init(void)
{
        fix_init();
        cr_assert_eq(fix_load(SL_UDF_EXAMPLE_DIR, "geo.so"), SL_OK, "%s", err.message);
}

TestSuite(udf_geo, .init = init, .fini = fix_fini);

static double dist(double lat1, double lon1, double lat2, double lon2, const char *unit)
{
        sl_value args[5] = {sl_value_double(lat1), sl_value_double(lon1), sl_value_double(lat2),
                            sl_value_double(lon2), unit ? str(unit) : sl_value_null()};
        sl_value out;
        cr_assert_eq(fix_call("haversine_distance", args, unit ? 5 : 4, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.kind, SL_TYPE_DOUBLE);
        return out.u.f64;
}

Test(udf_geo, known_distances_in_km)
{
        /* London (51.5074 N, 0.1278 W) to Paris (48.8566 N, 2.3522 E): about 343.5 km */
        cr_assert_float_eq(dist(51.5074, -0.1278, 48.8566, 2.3522, NULL), 343.56, 0.5);
        /* a quarter of the equator */
        cr_assert_float_eq(dist(0, 0, 0, 90, NULL), 6371.0088 * M_PI / 2, 1e-6);
        cr_assert_float_eq(dist(10, 20, 10, 20, NULL), 0.0, 1e-12);
        /* symmetric */
        cr_assert_float_eq(dist(-33.86, 151.21, 35.68, 139.69, NULL), dist(35.68, 139.69, -33.86, 151.21, NULL), 1e-9);
}

Test(udf_geo, units_convert)
{
        double km = dist(51.5074, -0.1278, 48.8566, 2.3522, "km");
        cr_assert_float_eq(dist(51.5074, -0.1278, 48.8566, 2.3522, "MI"), km / 1.609344, 1e-9);
        cr_assert_float_eq(dist(51.5074, -0.1278, 48.8566, 2.3522, "nmi"), km / 1.852, 1e-9);
        cr_assert_float_eq(dist(51.5074, -0.1278, 48.8566, 2.3522, "m"), km * 1000, 1e-6);
}

Test(udf_geo, integer_arguments_widen)
{
        sl_value args[4] = {sl_value_int(0), sl_value_int(0), sl_value_bigint(0), sl_value_int(90)}, out;
        cr_assert_eq(fix_call("HAVERSINE_DISTANCE", args, 4, &out), SL_OK, "%s", err.message);
        cr_assert_float_eq(out.u.f64, 6371.0088 * M_PI / 2, 1e-6);
}

Test(udf_geo, null_gives_null)
{
        sl_value args[4] = {sl_value_double(1), sl_value_null(), sl_value_double(2), sl_value_double(3)}, out;
        cr_assert_eq(fix_call("HAVERSINE_DISTANCE", args, 4, &out), SL_OK, "%s", err.message);
        cr_assert(sl_value_is_null(&out));
}

Test(udf_geo, bad_input_is_a_function_error)
{
        sl_value args[5] = {sl_value_double(1), sl_value_double(2), sl_value_double(3), sl_value_double(4), str("parsec")};
        sl_value out;
        cr_assert_eq(fix_call("HAVERSINE_DISTANCE", args, 5, &out), SL_ERR_FUNCTION);
        cr_assert_str_eq(err.message, "HAVERSINE_DISTANCE: unknown unit 'parsec': use km, mi, nmi or m");
        args[0] = sl_value_double(91);
        cr_assert_eq(fix_call("HAVERSINE_DISTANCE", args, 4, &out), SL_ERR_FUNCTION);
        cr_assert(strstr(err.message, "latitude must be between -90 and 90, got 91"), "%s", err.message);
        args[0] = sl_value_double(0);
        args[3] = sl_value_double(-180.5);
        cr_assert_eq(fix_call("HAVERSINE_DISTANCE", args, 4, &out), SL_ERR_FUNCTION);
        cr_assert(strstr(err.message, "longitude"), "%s", err.message);
}

Test(udf_geo, wrong_arity_is_a_resolution_error)
{
        sl_value args[3] = {sl_value_double(1), sl_value_double(2), sl_value_double(3)}, out;
        cr_assert_eq(fix_call("HAVERSINE_DISTANCE", args, 3, &out), SL_ERR_TYPE);
        cr_assert(strstr(err.message, "does not accept parameters"), "%s", err.message);
}
