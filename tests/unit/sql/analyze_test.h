/* analyze_test.h: the fixture of the analyzer tests (header only): an in-memory catalog, the
 * built-in functions and an analyzer context over them (analyze_test_setup / analyze_test_teardown),
 * and run_ok, which analyzes and applies every statement of a script. */
#ifndef SL_TEST_ANALYZE_TEST_H
#define SL_TEST_ANALYZE_TEST_H

#include <criterion/criterion.h>

#include "sql/analyze.h"
#include "sql/parse.h"

static sl_catalog *cat;       /* owned: in-memory catalog */
static sl_func_registry *reg; /* owned: built-in functions */
static sl_analyze_ctx ctx;    /* the analyzer over cat and reg */

static inline void analyze_test_setup(void)
{
        sl_err_detail e;

        cat = sl_catalog_mem_new();
        reg = sl_func_registry_new();
        cr_assert_eq(sl_func_registry_add_builtins(reg, &e), SL_OK);
        ctx = (sl_analyze_ctx){.cat = cat, .reg = reg};
}

static inline void analyze_test_teardown(void)
{
        sl_catalog_free(cat);
        sl_func_registry_free(reg);
}

/* Analyzes and applies every statement of `sql`; all must succeed. */
static inline void run_ok(const char *sql)
{
        sl_script *s;

        cr_assert_eq(sl_parse_script(sql, NULL, &s), SL_OK, "parse: %s", sql);
        for (size_t i = 0; i < s->nstmts; i++) {
                sl_analysis *a;
                sl_err_detail e;

                cr_assert_eq(sl_analyze(&ctx, s->stmts[i], &a, &e), SL_OK, "%s\n-> %d:%d %s", s->stmts[i]->text,
                             e.pos.line, e.pos.column, e.message);
                cr_assert_eq(sl_analysis_apply(cat, a, &e), SL_OK);
                sl_analysis_free(a);
        }
        sl_script_free(s);
}

#endif
