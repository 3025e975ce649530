/* test_loader.c: the plugin loader -- refusals (ABI versions, missing symbols, clashes, failing
 * entry points, bad signatures, non-objects) leave the registry untouched and name the reason;
 * directories load what they can; the host table's values, errors and type checks, through the
 * probe test plugin. */
#include <stdlib.h>
#include <unistd.h>

#include "udf_test.h"

TestSuite(udf_loader, .init = fix_init, .fini = fix_fini);

static void copy_file(const char *from, const char *to)
{
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
        cr_assert_eq(system(cmd), 0);
}

static char *tmpdir(void)
{
        char *d = sl_arena_strdup(&arena, "/tmp/sl_udf_test_XXXXXX");
        cr_assert_not_null(mkdtemp(d));
        return d;
}

static void rmdir_all(const char *d)
{
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
        cr_assert_eq(system(cmd), 0);
}

Test(udf_loader, refuses_other_abi_major_naming_the_field)
{
        size_t before = sl_func_registry_count(reg);
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "abi_major.so"), SL_ERR_UNSUPPORTED);
        cr_assert(strstr(err.message, "abi_major is 2"), "%s", err.message);
        cr_assert_eq(sl_func_registry_count(reg), before);
}

Test(udf_loader, refuses_newer_abi_minor_naming_the_field)
{
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "abi_minor.so"), SL_ERR_UNSUPPORTED);
        cr_assert(strstr(err.message, "abi_minor is 1"), "%s", err.message);
}

Test(udf_loader, refuses_missing_entry_point)
{
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "no_entry.so"), SL_ERR_NOT_FOUND);
        cr_assert(strstr(err.message, "missing entry point sl_udf_entry"), "%s", err.message);
}

Test(udf_loader, refuses_missing_magic_block)
{
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "no_magic.so"), SL_ERR_NOT_FOUND);
        cr_assert(strstr(err.message, "SL_UDF_PLUGIN"), "%s", err.message);
}

Test(udf_loader, builtin_clash_refuses_the_whole_plugin)
{
        size_t before = sl_func_registry_count(reg);
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "dup_builtin.so"), SL_ERR_EXISTS);
        cr_assert(strstr(err.message, "'abs' clashes with a built-in"), "%s", err.message);
        cr_assert_null(sl_func_registry_get(reg, "DUP_BUILTIN_OK"));
        cr_assert_eq(sl_func_registry_count(reg), before);
        cr_assert_str_eq(sl_func_registry_get(reg, "abs")->author, "sluice");
}

Test(udf_loader, failing_entry_point_is_refused_with_its_message)
{
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "entry_fails.so"), SL_ERR_INVALID);
        cr_assert(strstr(err.message, "sl_udf_entry failed: missing licence file"), "%s", err.message);
        cr_assert_null(sl_func_registry_get(reg, "ENTRY_FAILS_FN"));
}

Test(udf_loader, bad_signature_is_refused)
{
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "bad_sig.so"), SL_ERR_INVALID);
        cr_assert(strstr(err.message, "unknown type 'FLOAT'"), "%s", err.message);
        cr_assert_null(sl_func_registry_get(reg, "BAD_SIG"));
}

Test(udf_loader, duplicate_name_across_plugins_is_refused)
{
        char *d = tmpdir();
        char from[1024], to[1024];
        snprintf(from, sizeof from, "%s/geo.so", SL_UDF_EXAMPLE_DIR);
        snprintf(to, sizeof to, "%s/geo_copy.so", d);
        copy_file(from, to);
        cr_assert_eq(fix_load(SL_UDF_EXAMPLE_DIR, "geo.so"), SL_OK, "%s", err.message);
        cr_assert_eq(sl_udf_loader_load_file(loader, to, NULL, &err), SL_ERR_EXISTS);
        cr_assert(strstr(err.message, "'HAVERSINE_DISTANCE' already exists: it comes from plugin"), "%s",
                  err.message);
        cr_assert(strstr(sl_udf_loader_origin(loader, "haversine_distance"), "/geo.so"));
        rmdir_all(d);
}

Test(udf_loader, same_object_twice_is_refused)
{
        cr_assert_eq(fix_load(SL_UDF_EXAMPLE_DIR, "words.so"), SL_OK, "%s", err.message);
        cr_assert_eq(fix_load(SL_UDF_EXAMPLE_DIR, "words.so"), SL_ERR_EXISTS);
        cr_assert(strstr(err.message, "already loaded"), "%s", err.message);
}

Test(udf_loader, non_object_file_is_refused)
{
        char *d = tmpdir();
        char path[1024];
        snprintf(path, sizeof path, "%s/junk.so", d);
        FILE *f = fopen(path, "w");
        fputs("not an ELF file\n", f);
        fclose(f);
        cr_assert_eq(sl_udf_loader_load_file(loader, path, NULL, &err), SL_ERR_IO);
        cr_assert(strstr(err.message, "cannot load"), "%s", err.message);
        rmdir_all(d);
}

Test(udf_loader, directory_loads_what_it_can_and_counts_the_rest)
{
        char *d = tmpdir();
        const char *files[][2] = {{SL_UDF_EXAMPLE_DIR, "geo.so"}, {SL_UDF_EXAMPLE_DIR, "words.so"},
                                  {SL_UDF_TEST_DIR, "abi_major.so"}, {SL_UDF_TEST_DIR, "dup_builtin.so"},
                                  {SL_UDF_EXAMPLE_DIR, "sluice-udf.pc"}};
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
                char from[1024], to[1024];
                snprintf(from, sizeof from, "%s/%s", files[i][0], files[i][1]);
                snprintf(to, sizeof to, "%s/%s", d, files[i][1]);
                copy_file(from, to);
        }
        sl_udf_report rep;
        cr_assert_eq(sl_udf_loader_load_dir(loader, d, &rep, &err), SL_OK);
        cr_assert_eq(rep.loaded, 2);
        cr_assert_eq(rep.refused, 2);
        cr_assert_eq(rep.functions, 2);
        cr_assert_not_null(sl_func_registry_get(reg, "haversine_distance"));
        cr_assert_not_null(sl_func_registry_get(reg, "split_words"));
        rmdir_all(d);
}

Test(udf_loader, missing_directory_loads_nothing)
{
        sl_udf_report rep = {9, 9, 9};
        cr_assert_eq(sl_udf_loader_load_dir(loader, "/nonexistent/sluice/udf", &rep, &err), SL_OK);
        cr_assert_eq(rep.loaded + rep.refused + rep.functions, 0);
}

Test(udf_loader, metadata_reaches_the_registry)
{
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "probe.so"), SL_OK, "%s", err.message);
        const sl_func *fn = sl_func_registry_get(reg, "udf_describe");
        cr_assert_str_eq(fn->category, "TEST");
        cr_assert_str_eq(fn->author, "probe author");
        cr_assert_str_eq(fn->version, "2.5");
        cr_assert_str_eq(fn->description, "renders a value");
        fn = sl_func_registry_get(reg, "udf_fail");
        cr_assert_str_eq(fn->version, "0.9"); /* the plugin's version by default */
        cr_assert_str_eq(fn->category, "OTHER");
        cr_assert_eq(sl_func_registry_get(reg, "udf_count_bytes")->kind, SL_FUNC_AGGREGATE);
}

TestSuite(udf_host, .init = fix_init, .fini = fix_fini);

static void load_probe(void)
{
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "probe.so"), SL_OK, "%s", err.message);
}

Test(udf_host, error_reported_through_the_abi)
{
        sl_value out, arg = str("x");
        load_probe();
        cr_assert_eq(fix_call("UDF_FAIL", &arg, 1, &out), SL_ERR_FUNCTION);
        cr_assert_str_eq(err.message, "UDF_FAIL: cannot handle 'x'");
        cr_assert(strstr(err.detail, "plugin 'probe'"), "%s", err.detail);
        cr_assert(sl_value_is_null(&out));
}

Test(udf_host, error_without_message_gets_one)
{
        sl_value out;
        load_probe();
        cr_assert_eq(fix_call("UDF_FAIL_SILENT", NULL, 0, &out), SL_ERR_FUNCTION);
        cr_assert_str_eq(err.message, "UDF_FAIL_SILENT: failed without a message");
}

Test(udf_host, wrong_result_type_is_an_error)
{
        sl_value out;
        load_probe();
        cr_assert_eq(fix_call("UDF_WRONG_TYPE", NULL, 0, &out), SL_ERR_TYPE);
        cr_assert_str_eq(err.message, "UDF_WRONG_TYPE: returned STRING where DOUBLE was declared");
        cr_assert(sl_value_is_null(&out));
}

Test(udf_host, narrower_result_is_widened)
{
        sl_value out;
        load_probe();
        cr_assert_eq(fix_call("UDF_WIDEN", NULL, 0, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.kind, SL_TYPE_BIGINT);
        cr_assert_eq(out.u.i64, 7);
}

Test(udf_host, accessors_read_every_kind)
{
        load_probe();
        sl_value items[3] = {sl_value_int(1), sl_value_null(), sl_value_int(3)};
        sl_value arr = sl_value_composite(sl_type_array(&arena, sl_type_int()), items, 3);
        sl_value kv[4] = {str("a"), sl_value_double(1.5), str("b"), sl_value_double(-2)};
        sl_value map = sl_value_composite(sl_type_map(&arena, sl_type_string(), sl_type_double()), kv, 2);
        sl_type_field fields[2] = {{"X", sl_type_bigint()}, {"Y", sl_type_string()}};
        sl_value fv[2] = {sl_value_bigint(-9), str("why")};
        sl_value st = sl_value_composite(sl_type_struct(&arena, fields, 2), fv, 2);
        sl_decimal d = {.unscaled = -1250, .precision = 5, .scale = 2};
        struct {
                sl_value v;
                const char *want;
        } cases[] = {
                {sl_value_bool(true), "bool:1"},
                {sl_value_int(-5), "int:-5"},
                {sl_value_bigint(1LL << 40), "bigint:1099511627776"},
                {sl_value_double(0.25), "double:0.25"},
                {sl_value_decimal(d), "decimal(5,2):-12.50=-1250"},
                {str("héllo"), "string:héllo"},
                {sl_value_bytes("\0\1\2", 3), "bytes:3"},
                {sl_value_date(19000), "date:19000"},
                {sl_value_time(3600000), "time:3600000"},
                {sl_value_timestamp(1700000000123LL), "ts:1700000000123"},
                {arr, "[int:1,null,int:3]"},
                {map, "{string:a=double:1.5,string:b=double:-2}"},
                {st, "struct(X=bigint:-9,Y=string:why)"},
                {sl_value_null(), "null"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                sl_value out;
                cr_assert_eq(fix_call("UDF_DESCRIBE", &cases[i].v, 1, &out), SL_OK, "%s", err.message);
                cr_assert_str_eq(fmt(&out), cases[i].want);
        }
}

Test(udf_host, built_map_takes_the_declared_type)
{
        load_probe();
        sl_value args[2] = {str("k"), sl_value_int(5)}, out;
        cr_assert_eq(fix_call("UDF_PAIR_MAP", args, 2, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.kind, SL_TYPE_MAP);
        cr_assert(sl_type_eq(sl_value_type(&out), sl_type_map(&arena, sl_type_string(), sl_type_bigint())));
        cr_assert_str_eq(fmt(&out), "{k=5, twice=10}");
}

Test(udf_host, variadic_arguments_arrive_one_by_one)
{
        load_probe();
        sl_value args[3] = {str("a"), str("b"), sl_value_null()}, out;
        cr_assert_eq(fix_call("UDF_COUNT_ARGS", args, 0, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.u.i64, 0);
        cr_assert_eq(fix_call("UDF_COUNT_ARGS", args, 3, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.u.i64, 3);
}

Test(udf_host, udata_and_name_reach_the_function)
{
        sl_value out;
        load_probe();
        cr_assert_eq(fix_call("udf_udata", NULL, 0, &out), SL_OK, "%s", err.message);
        cr_assert_str_eq(fmt(&out), "UDF_UDATA:the-udata");
}

Test(udf_host, decimals_from_unscaled_and_text)
{
        sl_value out, a = sl_value_bigint(1234), t = str("1.005"), big = str("99999");
        load_probe();
        cr_assert_eq(fix_call("UDF_MAKE_DEC", &a, 1, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.kind, SL_TYPE_DECIMAL);
        cr_assert_eq(out.precision, 6);
        cr_assert_str_eq(fmt(&out), "12.34");
        cr_assert_eq(fix_call("UDF_MAKE_DEC", &t, 1, &out), SL_OK, "%s", err.message);
        cr_assert_str_eq(fmt(&out), "1.01");
        cr_assert_eq(fix_call("UDF_MAKE_DEC", &big, 1, &out), SL_ERR_OVERFLOW);
        cr_assert(strstr(err.message, "DECIMAL(6, 2)"), "%s", err.message);
}

Test(udf_host, aggregate_without_undo_or_merge)
{
        load_probe();
        sl_value row = str("abcd"), state, out;
        sl_func_resolved res;
        cr_assert_eq(fix_resolve("UDF_COUNT_BYTES", &row, 1, &res), SL_OK, "%s", err.message);
        const sl_func_agg_ops *ops = res.ov->agg;
        cr_assert_null(ops->undo);
        cr_assert_null(ops->merge);
        const sl_type *st;
        cr_assert_eq(ops->state_type(&arena, NULL, 0, &st, &err), SL_OK);
        cr_assert_eq(st->kind, SL_TYPE_BYTES);
        sl_func_ctx ctx = {.arena = &arena, .err = &err, .res = &res};
        cr_assert_eq(ops->init(&ctx, &state), SL_OK);
        for (int i = 0; i < 3; i++)
                cr_assert_eq(ops->accumulate(&ctx, &state, &row, 1, &state), SL_OK, "%s", err.message);
        cr_assert_eq(ops->result(&ctx, &state, &out), SL_OK, "%s", err.message);
        cr_assert_eq(out.kind, SL_TYPE_BIGINT);
        cr_assert_eq(out.u.i64, 12);
}

Test(udf_loader, return_type_must_name_one_type)
{
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "vague_ret.so"), SL_ERR_INVALID);
        cr_assert(strstr(err.message, "return type 'STRUCT' does not name one type"), "%s", err.message);
}

Test(udf_loader, fixed_return_types_survive_loaders_coming_and_going)
{
        /* each probe load takes return-type slots for its DECIMAL and STRUCT overloads; freeing a
         * loader (or refusing a plugin) must give them back, or this runs out */
        for (int i = 0; i < 300; i++) {
                sl_func_registry *r = sl_func_registry_new();
                sl_udf_loader *l = sl_udf_loader_new(r);
                cr_assert_eq(sl_udf_loader_load_file(l, SL_UDF_TEST_DIR "/probe.so", NULL, &err), SL_OK, "%d: %s", i,
                             err.message);
                sl_func_registry_free(r);
                sl_udf_loader_free(l);
        }
}

Test(udf_host, built_struct_takes_the_declared_type)
{
        load_probe();
        sl_value args[2] = {sl_value_double(1.5), sl_value_double(-2)}, out;
        sl_func_resolved res;
        cr_assert_eq(fix_resolve("UDF_POINT", args, 2, &res), SL_OK, "%s", err.message);
        cr_assert_str_eq(sl_type_to_cstr(&arena, res.ret), "STRUCT<`LAT` DOUBLE, `LON` DOUBLE, `TAGS` ARRAY<STRING>>");
        cr_assert_eq(fix_call("UDF_POINT", args, 2, &out), SL_OK, "%s", err.message);
        cr_assert(sl_type_eq(sl_value_type(&out), res.ret));
        cr_assert_str_eq(fmt(&out), "Struct{LAT=1.5,LON=-2.0,TAGS=[t]}");
        cr_assert_eq(fix_call("UDF_POINT", args, 1, &out), SL_ERR_TYPE);
        cr_assert(strstr(err.message, "STRUCT of 1 fields where 3 were declared"), "%s", err.message);
}

Test(udf_host, config_passthrough_by_function_then_global)
{
        sl_value out;
        sl_config *cfg = sl_config_new();
        sl_config_set(cfg, "ksql.functions._global_.greeting", "hello all");
        sl_config_set(cfg, "ksql.functions.udf_config.greeting", "hello you");
        sl_config_set(cfg, "ksql.functions.other.greeting", "not mine");
        sl_udf_loader_set_config(loader, cfg);
        load_probe();
        cr_assert_eq(fix_call("UDF_CONFIG", NULL, 0, &out), SL_OK, "%s", err.message);
        cr_assert_str_eq(fmt(&out), "hello you");
        sl_config_free(cfg);
}

Test(udf_host, config_global_fallback_and_absence)
{
        sl_value out;
        sl_config *cfg = sl_config_new();
        sl_config_set(cfg, "ksql.functions._global_.greeting", "hello all");
        sl_udf_loader_set_config(loader, cfg);
        load_probe();
        cr_assert_eq(fix_call("UDF_CONFIG", NULL, 0, &out), SL_OK, "%s", err.message);
        cr_assert_str_eq(fmt(&out), "hello all");
        sl_config_free(cfg);
        /* a second registry and loader without settings: NULL */
        fix_fini();
        fix_init();
        load_probe();
        cr_assert_eq(fix_call("UDF_CONFIG", NULL, 0, &out), SL_OK, "%s", err.message);
        cr_assert(sl_value_is_null(&out));
}

Test(udf_host, registration_after_loading_is_refused)
{
        sl_value out;
        load_probe();
        size_t before = sl_func_registry_count(reg);
        cr_assert_eq(fix_call("UDF_LATE_REGISTER", NULL, 0, &out), SL_OK, "%s", err.message);
        cr_assert_str_eq(fmt(&out), "register_function may only be called from sl_udf_entry");
        cr_assert_eq(sl_func_registry_count(reg), before);
        cr_assert_null(sl_func_registry_get(reg, "UDF_LATE"));
}

Test(udf_loader, names_the_sql_layer_reserves_are_refused)
{
        cr_assert_null(sl_func_registry_get(reg, "explode")); /* not in the registry, yet built in */
        cr_assert_eq(fix_load(SL_UDF_TEST_DIR, "reserved.so"), SL_ERR_EXISTS);
        cr_assert(strstr(err.message, "'Explode' clashes with a built-in function"), "%s", err.message);
}
