/* udf_test.h: shared fixture of the udf unit tests: a registry with the built-ins, a loader, an
 * arena, and helpers that load a built plugin and call a function the way the evaluator does
 * (resolve, convert the arguments, sl_func_call or the aggregate ops). SL_UDF_EXAMPLE_DIR and
 * SL_UDF_TEST_DIR come from udf/CMakeLists.txt. */
#ifndef SL_TESTS_UDF_TEST_H
#define SL_TESTS_UDF_TEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "common/str.h"
#include "func/registry.h"
#include "udf/loader.h"

static sl_func_registry *reg;
static sl_udf_loader *loader;
static sl_arena arena;
static sl_err_detail err;

static void fix_init(void)
{
        sl_arena_init(&arena, 0);
        reg = sl_func_registry_new();
        cr_assert_eq(sl_func_registry_add_builtins(reg, &err), SL_OK, "%s", err.message);
        loader = sl_udf_loader_new(reg);
}

static void fix_fini(void)
{
        sl_func_registry_free(reg);
        sl_udf_loader_free(loader);
        sl_arena_deinit(&arena);
}

static inline sl_err fix_load(const char *dir, const char *file)
{
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        return sl_udf_loader_load_file(loader, path, NULL, &err);
}

static inline const sl_type *type_of(const sl_value *v)
{
        return sl_value_type(v);
}

/* Resolves `name` for the static types of vals[0..n) into *res. */
static inline sl_err fix_resolve(const char *name, const sl_value *vals, size_t n, sl_func_resolved *res)
{
        sl_func_arg *args = sl_arena_calloc(&arena, n + 1, sizeof *args);
        for (size_t i = 0; i < n; i++)
                args[i].type = type_of(&vals[i]);
        return sl_func_registry_resolve(reg, name, args, n, NULL, NULL, &arena, res, &err);
}

/* Calls a scalar or table function on vals (converted in a copy). */
static inline sl_err fix_call(const char *name, const sl_value *vals, size_t n, sl_value *out)
{
        sl_func_resolved *res = sl_arena_calloc(&arena, 1, sizeof *res);
        sl_err rc = fix_resolve(name, vals, n, res);
        if (rc)
                return rc;
        sl_value *conv = sl_arena_calloc(&arena, n + 1, sizeof *conv);
        if ((rc = sl_func_args_convert(&arena, res, vals, n, conv, &err)))
                return rc;
        sl_func_ctx ctx = {.arena = &arena, .err = &err, .res = res};
        return sl_func_call(&ctx, conv, n, out);
}

/* The value rendered as CAST(v AS STRING) would, in the arena. */
static inline const char *fmt(const sl_value *v)
{
        return sl_value_to_cstr(&arena, v);
}

static inline sl_value str(const char *s)
{
        return sl_value_string(s, strlen(s));
}

#endif
