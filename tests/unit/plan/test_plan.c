/* test_plan.c: logical chains, physical topologies and EXPLAIN for persistent queries built from
 * SQL: which nodes a query gets, what is refused (with the feature named), the row layouts of
 * flatmaps, the sub-topology split at an internal repartition topic, and the EXPLAIN text. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/parse.h"

static sl_func_registry *reg;
static sl_catalog *cat;
static sl_script *scripts[8];
static size_t nscripts;

static void setup(void)
{
        sl_err_detail e;

        reg = sl_func_registry_new();
        cr_assert_eq(sl_func_registry_add_builtins(reg, &e), SL_OK);
        cat = sl_catalog_mem_new();
        nscripts = 0;
}

static void teardown(void)
{
        for (size_t i = 0; i < nscripts; i++)
                sl_script_free(scripts[i]);
        sl_catalog_free(cat);
        sl_func_registry_free(reg);
}

TestSuite(plan, .init = setup, .fini = teardown);

/* Applies the DDL of `sql` and analyzes its last statement (a persistent query). */
static sl_analysis *analyze_last(const char *sql)
{
        sl_analyze_ctx ctx = {.cat = cat, .reg = reg};
        sl_script *script = NULL;
        sl_analysis *a = NULL;
        sl_err_detail e;

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

static const char *ddl = "CREATE STREAM S (ID STRING KEY, NAME STRING, A ARRAY<INT>, V BIGINT) "
                         "WITH (kafka_topic='in', value_format='JSON');";

static sl_plan *build(const char *query)
{
        char sql[1024];
        sl_plan_ctx pctx = {.reg = reg};
        sl_analysis *a;
        sl_plan *plan = NULL;
        sl_err_detail e;

        snprintf(sql, sizeof(sql), "%s%s", ddl, query);
        a = analyze_last(sql);
        cr_assert_eq(sl_plan_build(&pctx, a, &plan, &e), SL_OK, "%s", e.message);
        return plan;
}

static void expect_kinds(const sl_plan *plan, const sl_plan_kind *kinds, size_t n)
{
        cr_assert_eq(plan->nnodes, n, "nodes: %zu", plan->nnodes);
        for (size_t i = 0; i < n; i++)
                cr_expect_eq(plan->nodes[i]->kind, kinds[i], "node %zu is %s", i, sl_plan_kind_name(plan->nodes[i]->kind));
}

Test(plan, chain_of_a_filtered_projection)
{
        sl_plan *plan = build("CREATE STREAM O AS SELECT ID, UCASE(NAME) AS N FROM S WHERE V > 1;");

        expect_kinds(plan, (sl_plan_kind[]){SL_PLAN_SOURCE, SL_PLAN_FILTER, SL_PLAN_PROJECT, SL_PLAN_SINK}, 4);
        cr_expect_eq(plan->nsubs, 1);
        cr_expect_str_eq(plan->nodes[0]->u.source.topic.name, "in");
        cr_expect_eq(plan->nodes[0]->u.source.topic.nkey, 1);
        cr_expect_eq(plan->nodes[0]->u.source.topic.nvalue, 3);
        cr_expect_str_eq(plan->nodes[3]->u.sink.topic.name, "O");
        cr_expect_eq(plan->nodes[3]->u.sink.topic.nkey, 1);
        cr_expect_eq(plan->nodes[3]->u.sink.topic.nvalue, 1);
        cr_expect_str_eq(plan->nodes[2]->cols[1].name, "N");
        cr_expect_not_null(plan->nodes[1]->u.filter.pred);
        sl_plan_free(plan);
}

Test(plan, table_functions_become_flatmap_slots)
{
        sl_plan *plan = build("CREATE STREAM O AS SELECT ID, EXPLODE(A) + 1 AS X, V FROM S;");
        const sl_plan_node *fm = plan->nodes[1], *pr = plan->nodes[2];
        const sl_expr *x;

        expect_kinds(plan, (sl_plan_kind[]){SL_PLAN_SOURCE, SL_PLAN_FLATMAP, SL_PLAN_PROJECT, SL_PLAN_SINK}, 4);
        cr_assert_eq(fm->u.flatmap.ntfs, 1);
        cr_expect_eq(fm->u.flatmap.tfs[0].kind, SL_PLAN_TF_EXPLODE);
        cr_expect_eq(fm->width, plan->nodes[0]->width + 1);
        /* the projection reads the flatmap's slot where the call was */
        x = pr->u.project.exprs[1];
        cr_assert_eq(x->kind, SL_EXPR_ARITH);
        cr_expect_eq(x->args[0]->kind, SL_EXPR_COLUMN);
        cr_expect_eq((size_t)x->args[0]->index, plan->nodes[0]->width);
        sl_plan_free(plan);
}

Test(plan, partition_by_adds_a_repartition_step_without_a_topic)
{
        sl_plan *plan = build("CREATE STREAM O AS SELECT NAME, ID FROM S PARTITION BY NAME;");

        expect_kinds(plan, (sl_plan_kind[]){SL_PLAN_SOURCE, SL_PLAN_PROJECT, SL_PLAN_REPARTITION, SL_PLAN_SINK}, 4);
        cr_expect_eq(plan->nsubs, 1);
        cr_expect_not(plan->nodes[2]->u.repartition.through);
        cr_expect(plan->nodes[1]->u.project.rekey);
        cr_expect(plan->nodes[1]->cols[0].key);
        sl_plan_free(plan);
}

Test(plan, repartition_through_a_topic_splits_the_topology)
{
        char sql[1024];
        sl_plan_ctx pctx = {.reg = reg};
        sl_analysis *a;
        sl_plan *plan = NULL;
        sl_err_detail e;
        sl_str text;

        snprintf(sql, sizeof(sql), "%sCREATE STREAM O AS SELECT NAME, ID FROM S PARTITION BY NAME;", ddl);
        a = analyze_last(sql);
        cr_assert_eq(sl_plan_logical(&pctx, a, &plan, &e), SL_OK);
        plan->nodes[2]->u.repartition.through = true;
        cr_assert_eq(sl_plan_physical(plan, &e), SL_OK, "%s", e.message);
        plan->analysis = a;
        cr_assert_eq(plan->nsubs, 2);
        cr_assert_eq(plan->nnodes, 5);
        cr_expect_str_eq(plan->nodes[2]->u.repartition.topic.name, "_sluice_CSAS_O_0-2-repartition");
        cr_expect_eq(plan->subs[1].source->kind, SL_PLAN_SOURCE);
        cr_expect(plan->subs[1].source->u.source.internal);
        cr_expect_str_eq(plan->subs[1].source->u.source.topic.name, "_sluice_CSAS_O_0-2-repartition");
        cr_expect_eq(plan->subs[0].nnodes, 3);
        cr_expect_eq(plan->subs[1].nnodes, 2);
        cr_expect_eq(plan->subs[1].nodes[1]->kind, SL_PLAN_SINK);
        sl_str_init(&text);
        sl_plan_explain(plan, &text);
        cr_expect(strstr(sl_str_cstr(&text), "   Sub-topology: 1\n"), "%s", sl_str_cstr(&text));
        cr_expect(strstr(sl_str_cstr(&text), "(topic: _sluice_CSAS_O_0-2-repartition)"), "%s", sl_str_cstr(&text));
        sl_str_deinit(&text);
        sl_plan_free(plan);
}

Test(plan, explain_shows_steps_schemas_and_topology)
{
        sl_plan *plan = build("CREATE STREAM O AS SELECT ID, V FROM S WHERE V > 1;");
        sl_str text;
        const char *t;

        sl_str_init(&text);
        sl_plan_explain(plan, &text);
        t = sl_str_cstr(&text);
        cr_expect(strstr(t, " > [ STREAM_SINK ] | Schema: `ID` STRING KEY, `V` BIGINT | Logger: CSAS_O_0.O\n"), "%s", t);
        cr_expect(strstr(t, "\t\t > [ STREAM_FILTER ]"), "%s", t);
        cr_expect(strstr(t, "Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n      --> KSTREAM-FILTER-0000000001\n"),
                  "%s", t);
        cr_expect(strstr(t, "Sink: KSTREAM-SINK-0000000003 (topic: O)\n      <-- KSTREAM-TRANSFORMVALUES-0000000002\n"),
                  "%s", t);
        sl_str_deinit(&text);
        sl_plan_free(plan);
}

Test(plan, unsupported_formats_are_named)
{
        sl_plan_ctx pctx = {.reg = reg};
        sl_analysis *a;
        sl_plan *plan = NULL;
        sl_err_detail e;

        a = analyze_last("CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='in', value_format='PROTOBUF');"
                         "CREATE STREAM O AS SELECT * FROM S;");
        cr_expect_eq(sl_plan_build(&pctx, a, &plan, &e), SL_ERR_UNSUPPORTED);
        cr_expect_str_eq(e.message, "format PROTOBUF");
        sl_analysis_free(a);
}

Test(plan, transient_push_query_has_a_row_sink)
{
        sl_plan_ctx pctx = {.reg = reg};
        sl_analysis *a;
        sl_plan *plan = NULL;
        sl_err_detail e;
        char sql[512];

        snprintf(sql, sizeof(sql), "%sSELECT ID, V FROM S WHERE V > 1 EMIT CHANGES LIMIT 3;", ddl);
        a = analyze_last(sql);
        cr_assert_eq(sl_plan_build(&pctx, a, &plan, &e), SL_OK, "%s", e.message);
        expect_kinds(plan, (sl_plan_kind[]){SL_PLAN_SOURCE, SL_PLAN_FILTER, SL_PLAN_PROJECT, SL_PLAN_SINK}, 4);
        cr_expect(plan->nodes[3]->u.sink.transient);
        cr_expect_eq(plan->nodes[3]->u.sink.limit, 3);
        cr_expect_null(plan->nodes[3]->u.sink.topic.value_serde);
        sl_plan_free(plan);
}
