/* test_plan.c: logical chains, physical topologies and EXPLAIN for persistent queries built from
 * SQL: which nodes a query gets, what is refused (with the feature named), the row layouts of
 * flatmaps, the sub-topology split at an internal repartition topic, and the EXPLAIN text. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"
#include "plan_test.h"
#include "sql/analyze.h"
#include "sql/parse.h"

static void setup(void)
{
        plan_test_setup();
}

TestSuite(plan, .init = setup, .fini = plan_test_teardown);

static const char *ddl = "CREATE STREAM S (ID STRING KEY, NAME STRING, A ARRAY<INT>, V BIGINT) "
                         "WITH (kafka_topic='in', value_format='JSON');";

static sl_plan *build(const char *query)
{
        sl_err_detail e;
        sl_plan *plan = plan_test_plan(ddl, query, &e);

        cr_assert_not_null(plan, "%s", e.message);
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

        snprintf(sql, sizeof(sql), "%sCREATE STREAM O AS SELECT NAME, ID FROM S PARTITION BY NAME;", ddl);
        a = plan_test_analyze(sql);
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
        PLAN_TEST_EXPLAIN_HAS(plan,
                              "   Sub-topology: 1\n",
                              "(topic: _sluice_CSAS_O_0-2-repartition)");
        sl_plan_free(plan);
}

Test(plan, explain_shows_steps_schemas_and_topology)
{
        sl_plan *plan = build("CREATE STREAM O AS SELECT ID, V FROM S WHERE V > 1;");

        PLAN_TEST_EXPLAIN_HAS(plan,
                              " > [ STREAM_SINK ] | Schema: `ID` STRING KEY, `V` BIGINT | Logger: CSAS_O_0.O\n",
                              "\t\t > [ STREAM_FILTER ]",
                              "Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n      --> KSTREAM-FILTER-0000000001\n",
                              "Sink: KSTREAM-SINK-0000000003 (topic: O)\n      <-- KSTREAM-TRANSFORMVALUES-0000000002\n");
        sl_plan_free(plan);
}

Test(plan, unsupported_formats_are_named)
{
        sl_plan_ctx pctx = {.reg = reg};
        sl_analysis *a;
        sl_plan *plan = NULL;
        sl_err_detail e;

        a = plan_test_analyze("CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='in', value_format='PROTOBUF');"
                              "CREATE STREAM O AS SELECT * FROM S;");
        cr_expect_eq(sl_plan_build(&pctx, a, &plan, &e), SL_ERR_UNSUPPORTED);
        cr_expect_str_eq(e.message, "format PROTOBUF");
        sl_analysis_free(a);
}

Test(plan, transient_push_query_has_a_row_sink)
{
        sl_plan *plan = build("SELECT ID, V FROM S WHERE V > 1 EMIT CHANGES LIMIT 3;");

        expect_kinds(plan, (sl_plan_kind[]){SL_PLAN_SOURCE, SL_PLAN_FILTER, SL_PLAN_PROJECT, SL_PLAN_SINK}, 4);
        cr_expect(plan->nodes[3]->u.sink.transient);
        cr_expect_eq(plan->nodes[3]->u.sink.limit, 3);
        cr_expect_null(plan->nodes[3]->u.sink.topic.value_serde);
        sl_plan_free(plan);
}
