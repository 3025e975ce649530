/* driver_fixture.h: a function registry with the built-ins, an in-memory catalog and a topology test
 * driver for the unit tests that run SQL end to end (tests/unit/exec). Header only (static inline):
 * sl_testsupport does not link the engine modules, so the functions are compiled into the tests
 * that include this file and link sl_exec. */
#ifndef SL_TEST_DRIVER_FIXTURE_H
#define SL_TEST_DRIVER_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "exec/driver.h"
#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/parse.h"

#define SL_TEST_DRIVER_MAX 8

typedef struct sl_test_driver_fixture {
        sl_func_registry *reg;                     /* owned: built-in functions */
        sl_catalog *cat;                           /* owned: in-memory catalog */
        sl_plan *plans[SL_TEST_DRIVER_MAX];        /* owned: the plans added to d */
        size_t nplans;                             /* used entries of plans */
        sl_script *scripts[SL_TEST_DRIVER_MAX];    /* owned, kept until the end: plans borrow their statements */
        size_t nscripts;                           /* used entries of scripts */
        sl_exec_driver *d;                         /* owned: the topology test driver */
} sl_test_driver_fixture;

static inline void sl_test_driver_setup(sl_test_driver_fixture *fx)
{
        sl_err_detail e;

        memset(fx, 0, sizeof(*fx));
        fx->reg = sl_func_registry_new();
        cr_assert_eq(sl_func_registry_add_builtins(fx->reg, &e), SL_OK);
        fx->cat = sl_catalog_mem_new();
        fx->d = sl_exec_driver_new();
}

static inline void sl_test_driver_teardown(sl_test_driver_fixture *fx)
{
        sl_exec_driver_free(fx->d);
        for (size_t i = 0; i < fx->nplans; i++)
                sl_plan_free(fx->plans[i]);
        for (size_t i = 0; i < fx->nscripts; i++)
                sl_script_free(fx->scripts[i]);
        sl_catalog_free(fx->cat);
        sl_func_registry_free(fx->reg);
}

/* Runs each statement of `sql`: DDL is applied, persistent queries are planned and added to the
 * driver. */
static inline void sl_test_driver_run_sql(sl_test_driver_fixture *fx, const char *sql)
{
        sl_script *script = NULL;
        sl_analyze_ctx ctx = {.cat = fx->cat, .reg = fx->reg};
        sl_plan_ctx pctx = {.reg = fx->reg};

        cr_assert_eq(sl_parse_script(sql, NULL, &script), SL_OK, "parse: %s", sql);
        for (size_t i = 0; i < script->nstmts; i++) {
                sl_analysis *a = NULL;
                sl_plan *plan = NULL;
                sl_err_detail e;

                cr_assert_eq(sl_analyze(&ctx, script->stmts[i], &a, &e), SL_OK, "analyze: %s", e.message);
                if (a->query_id) {
                        cr_assert_eq(sl_plan_build(&pctx, a, &plan, &e), SL_OK, "plan: %s", e.message);
                        cr_assert_eq(sl_analysis_apply(fx->cat, a, &e), SL_OK);
                        cr_assert_eq(sl_exec_driver_add(fx->d, plan, &e), SL_OK);
                        cr_assert_lt(fx->nplans, SL_TEST_DRIVER_MAX);
                        fx->plans[fx->nplans++] = plan;
                } else {
                        cr_assert_eq(sl_analysis_apply(fx->cat, a, &e), SL_OK, "apply: %s", e.message);
                        sl_analysis_free(a);
                }
        }
        cr_assert_lt(fx->nscripts, SL_TEST_DRIVER_MAX);
        fx->scripts[fx->nscripts++] = script;
}

#endif
