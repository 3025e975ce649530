/* exec_test.h: helpers shared by the exec module's tests. */
#ifndef SL_TEST_EXEC_TEST_H
#define SL_TEST_EXEC_TEST_H

#include <criterion/criterion.h>

#include "func/registry.h"
#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/catalog.h"
#include "sql/parse.h"

/* Plans the last statement of `sql` (the others are DDL, applied to `cat`); *script keeps the
 * parsed statements the plan points into (caller frees). */
static inline sl_plan *plan_of(const char *sql, sl_catalog *cat, sl_func_registry *reg, sl_script **script)
{
        sl_analyze_ctx ctx = {.cat = cat, .reg = reg};
        sl_plan_ctx pctx = {.reg = reg};
        sl_plan *plan = NULL;
        sl_err_detail e;

        cr_assert_eq(sl_parse_script(sql, NULL, script), SL_OK);
        for (size_t i = 0; i < (*script)->nstmts; i++) {
                sl_analysis *a;

                cr_assert_eq(sl_analyze(&ctx, (*script)->stmts[i], &a, &e), SL_OK, "%s", e.message);
                if (a->query_id) {
                        cr_assert_eq(sl_plan_build(&pctx, a, &plan, &e), SL_OK, "%s", e.message);
                        cr_assert_eq(sl_analysis_apply(cat, a, &e), SL_OK);
                } else {
                        cr_assert_eq(sl_analysis_apply(cat, a, &e), SL_OK);
                        sl_analysis_free(a);
                }
        }
        cr_assert_not_null(plan);
        return plan;
}

#endif
