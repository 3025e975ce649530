/* plan_test.h: the fixture the plan module's tests share (header only): a function registry with
 * the built-ins, an in-memory catalog and the scripts parsed in a test (the plans point into
 * them), made by plan_test_setup and freed by plan_test_teardown; plan_test_analyze applies a
 * script's DDL and analyzes its last statement, plan_test_plan plans it, PLAN_TEST_EXPLAIN_HAS
 * checks the EXPLAIN text. */
#ifndef SL_TEST_PLAN_TEST_H
#define SL_TEST_PLAN_TEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/str.h"
#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/parse.h"

#define PLAN_TEST_MAX_SCRIPTS 8

static sl_func_registry *reg;                      /* owned: built-in functions */
static sl_catalog *cat;                            /* owned: in-memory catalog */
static sl_script *scripts[PLAN_TEST_MAX_SCRIPTS];  /* owned: the scripts parsed so far */
static size_t nscripts;                            /* used entries of scripts */

static inline void plan_test_setup(void)
{
        sl_err_detail e;

        reg = sl_func_registry_new();
        cr_assert_eq(sl_func_registry_add_builtins(reg, &e), SL_OK);
        cat = sl_catalog_mem_new();
        nscripts = 0;
}

static inline void plan_test_teardown(void)
{
        for (size_t i = 0; i < nscripts; i++)
                sl_script_free(scripts[i]);
        sl_catalog_free(cat);
        sl_func_registry_free(reg);
}

/* Applies the DDL of `sql` and analyzes its last statement (a persistent query); the analysis is
 * the caller's. */
static inline sl_analysis *plan_test_analyze(const char *sql)
{
        sl_analyze_ctx ctx = {.cat = cat, .reg = reg};
        sl_script *script = NULL;
        sl_analysis *a = NULL;
        sl_err_detail e;

        cr_assert_lt(nscripts, PLAN_TEST_MAX_SCRIPTS);
        cr_assert_eq(sl_parse_script(sql, NULL, &script), SL_OK, "%s", sql);
        scripts[nscripts++] = script;
        for (size_t i = 0; i < script->nstmts; i++) {
                cr_assert_eq(sl_analyze(&ctx, script->stmts[i], &a, &e), SL_OK, "%s", e.message);
                if (i + 1 == script->nstmts)
                        break;
                cr_assert_eq(sl_analysis_apply(cat, a, &e), SL_OK);
                sl_analysis_free(a);
        }
        return a;
}

/* Plans the last statement of `ddl` followed by `query`: the plan (caller frees), or NULL with
 * *err set when planning fails. */
static inline sl_plan *plan_test_plan(const char *ddl, const char *query, sl_err_detail *err)
{
        sl_plan_ctx pctx = {.reg = reg};
        sl_plan *plan = NULL;
        sl_analysis *a;
        char sql[4096];

        snprintf(sql, sizeof(sql), "%s%s", ddl, query);
        a = plan_test_analyze(sql);
        if (sl_plan_build(&pctx, a, &plan, err) != SL_OK) {
                sl_analysis_free(a);
                return NULL;
        }
        return plan;
}

/* EXPLAIN of `plan` contains each of the `n` strings `parts`. */
static inline void plan_test_explain_has(const sl_plan *plan, const char *const *parts, size_t n)
{
        sl_str text;

        sl_str_init(&text);
        sl_plan_explain(plan, &text);
        for (size_t i = 0; i < n; i++)
                cr_expect(strstr(sl_str_cstr(&text), parts[i]), "no \"%s\" in:\n%s", parts[i], sl_str_cstr(&text));
        sl_str_deinit(&text);
}
#define PLAN_TEST_EXPLAIN_HAS(plan, ...)                                                 \
        plan_test_explain_has((plan), (const char *const[]){__VA_ARGS__},                \
                              sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

#endif
