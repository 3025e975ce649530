/* test_qualify_promotion.c: the QUALIFY_PROMOTION aggregate example (udf/qualify_promotion.c)
 * through the registry's aggregate ops: the three promotions and their thresholds, detours summed
 * over the ride, NULLs, bad distances, merge, the state checks and the config passthrough. */
#include <math.h>

#include "common/config.h"
#include "udf_test.h"

static sl_func_resolved res;
static sl_func_ctx ctx;
static const sl_func_agg_ops *ops;

static void load(sl_config *cfg)
{
        fix_init();
        if (cfg)
                sl_udf_loader_set_config(loader, cfg);
        cr_assert_eq(fix_load(SL_UDF_EXAMPLE_DIR, "qualify_promotion.so"), SL_OK, "%s", err.message);
        sl_value row[1] = {sl_value_double(0)};
        cr_assert_eq(fix_resolve("qualify_promotion", row, 1, &res), SL_OK, "%s", err.message);
        ctx = (sl_func_ctx){.arena = &arena, .err = &err, .res = &res};
        ops = res.ov->agg;
}

static void init(void)
{
        load(NULL);
}

TestSuite(udf_promotion, .init = init, .fini = fix_fini);

static sl_value empty(void)
{
        sl_value s;
        cr_assert_eq(ops->init(&ctx, &s), SL_OK, "%s", err.message);
        return s;
}

static sl_value add(sl_value s, double km)
{
        sl_value row[1] = {sl_value_double(km)};
        cr_assert_eq(ops->accumulate(&ctx, &s, row, 1, &s), SL_OK, "%s", err.message);
        return s;
}

/* The state after folding the n distances of `km`. */
static sl_value ride(const double *km, size_t n)
{
        sl_value s = empty();
        for (size_t i = 0; i < n; i++)
                s = add(s, km[i]);
        return s;
}

/* The result as a C string, "NULL" for NULL. */
static const char *result(sl_value s)
{
        sl_value out;
        cr_assert_eq(ops->result(&ctx, &s, &out), SL_OK, "%s", err.message);
        if (sl_value_is_null(&out))
                return "NULL";
        cr_assert_eq(out.kind, SL_TYPE_STRING);
        return sl_arena_strndup(&arena, (const char *)out.u.bytes, out.len);
}

#define RIDE(...) ride((const double[]){__VA_ARGS__}, sizeof((const double[]){__VA_ARGS__}) / sizeof(double))

Test(udf_promotion, signature)
{
        const sl_type *t;
        cr_assert_eq(ops->state_type(&arena, NULL, 0, &t, &err), SL_OK);
        cr_assert_eq(t->kind, SL_TYPE_BYTES);
        cr_assert_eq(res.ret->kind, SL_TYPE_STRING);
        cr_assert_null(ops->undo);
        cr_assert_not_null(ops->merge);
        sl_value row[1] = {sl_value_int(3)};
        sl_func_resolved r;
        cr_assert_eq(fix_resolve("QUALIFY_PROMOTION", row, 1, &r), SL_OK, "%s", err.message);
        cr_assert_eq(r.args[0].type->kind, SL_TYPE_DOUBLE);
}

Test(udf_promotion, promotions_and_their_thresholds)
{
        cr_assert_str_eq(result(empty()), "NULL");
        cr_assert_str_eq(result(RIDE(12.0)), "NONE");
        cr_assert_str_eq(result(RIDE(12.0, 6.0, 1.5)), "NONE");
        cr_assert_str_eq(result(RIDE(12.0, 6.0, 1.0)), "ARRIVAL_OFFER");   /* near.km is inclusive */
        cr_assert_str_eq(result(RIDE(5.0, 0.2)), "ARRIVAL_OFFER");         /* so is min.ride.km */
        cr_assert_str_eq(result(RIDE(4.9, 0.2)), "NONE");                  /* too short a ride */
        cr_assert_str_eq(result(RIDE(12.0, 0.5, 2.0)), "NONE");            /* was near, is no longer */
        cr_assert_str_eq(result(RIDE(12.0, 8.0, 10.0)), "DETOUR_CREDIT");  /* +2.0 */
        cr_assert_str_eq(result(RIDE(12.0, 8.0, 9.9)), "NONE");            /* +1.9 */
        cr_assert_str_eq(result(RIDE(12.0, 8.0, 10.0, 0.5)), "DETOUR_CREDIT"); /* credit wins */
}

Test(udf_promotion, detours_add_up)
{
        /* +1.0, then +1.0 again after coming closer: 2.0 in all */
        cr_assert_str_eq(result(RIDE(9.0, 7.0, 8.0, 6.0, 7.0, 3.0)), "DETOUR_CREDIT");
        cr_assert_str_eq(result(RIDE(9.0, 7.0, 8.0, 6.0, 6.5, 0.9)), "ARRIVAL_OFFER");
        cr_assert_str_eq(result(RIDE(9.0, 9.0, 9.0)), "NONE"); /* standing still is no detour */
}

Test(udf_promotion, nulls_are_skipped_and_bad_distances_refused)
{
        sl_value s = RIDE(8.0), t;
        sl_value row[1] = {sl_value_null()};
        cr_assert_eq(ops->accumulate(&ctx, &s, row, 1, &t), SL_OK, "%s", err.message);
        cr_assert_str_eq(result(t), "NONE");
        t = add(t, 0.0);
        cr_assert_str_eq(result(t), "ARRIVAL_OFFER");
        row[0] = sl_value_double(-1.0);
        cr_assert_eq(ops->accumulate(&ctx, &s, row, 1, &t), SL_ERR_FUNCTION);
        cr_assert(strstr(err.message, "distance_to_dst must be a finite distance >= 0 km, got -1"), "%s", err.message);
        row[0] = sl_value_double(NAN);
        cr_assert_eq(ops->accumulate(&ctx, &s, row, 1, &t), SL_ERR_FUNCTION);
        cr_assert_str_eq(result(empty()), "NULL");
        sl_value n = empty();
        row[0] = sl_value_null();
        cr_assert_eq(ops->accumulate(&ctx, &n, row, 1, &t), SL_OK);
        cr_assert_str_eq(result(t), "NULL");
}

Test(udf_promotion, merge_equals_one_pass)
{
        double km[] = {15.0, 12.0, 12.8, 9.0, 10.5, 4.0, 4.2, 0.6};
        for (size_t cut = 0; cut <= 8; cut++) {
                sl_value a = ride(km, cut), b = ride(km + cut, 8 - cut), all = ride(km, 8), m;
                cr_assert_eq(ops->merge(&ctx, &a, &b, &m), SL_OK, "%s", err.message);
                cr_assert_eq(m.len, all.len);
                cr_assert_eq(memcmp(m.u.bytes, all.u.bytes, m.len), 0, "cut at %zu", cut);
        }
        cr_assert_str_eq(result(ride(km, 8)), "DETOUR_CREDIT"); /* 0.8 + 1.5 + 0.2 */
}

Test(udf_promotion, corrupt_state_is_an_error)
{
        sl_value bad = sl_value_bytes("\x02garbage", 8), out;
        cr_assert_eq(ops->result(&ctx, &bad, &out), SL_ERR_FUNCTION);
        cr_assert(strstr(err.message, "corrupt QUALIFY_PROMOTION state"), "%s", err.message);
        sl_value s = RIDE(3.0);
        sl_value cut = sl_value_bytes(s.u.bytes, s.len - 1);
        cr_assert_eq(ops->result(&ctx, &cut, &out), SL_ERR_FUNCTION);
}

Test(udf_promotion_config, thresholds_from_the_server_settings)
{
        sl_config *cfg = sl_config_new();
        sl_config_set(cfg, "ksql.functions.qualify_promotion.near.km", "0.5");
        sl_config_set(cfg, "ksql.functions.qualify_promotion.min.ride.km", "2");
        sl_config_set(cfg, "ksql.functions._global_.detour.km", "0.25");
        load(cfg);
        cr_assert_str_eq(result(RIDE(3.0, 0.6)), "NONE");
        cr_assert_str_eq(result(RIDE(3.0, 0.5)), "ARRIVAL_OFFER");
        cr_assert_str_eq(result(RIDE(3.0, 1.0, 1.3, 0.4)), "DETOUR_CREDIT");
        fix_fini();
        sl_config_free(cfg);
}

Test(udf_promotion_config, a_bad_threshold_refuses_the_plugin)
{
        sl_config *cfg = sl_config_new();
        sl_config_set(cfg, "ksql.functions.qualify_promotion.detour.km", "-2");
        fix_init();
        sl_udf_loader_set_config(loader, cfg);
        cr_assert_neq(fix_load(SL_UDF_EXAMPLE_DIR, "qualify_promotion.so"), SL_OK);
        cr_assert(strstr(err.message, "ksql.functions.qualify_promotion.detour.km must be a number >= 0, got '-2'"),
                  "%s", err.message);
        sl_value row[1] = {sl_value_double(0)};
        cr_assert_neq(fix_resolve("qualify_promotion", row, 1, &res), SL_OK);
        fix_fini();
        sl_config_free(cfg);
}
