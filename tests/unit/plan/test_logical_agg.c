/* test_logical_agg.c: planning aggregations (logical_agg.c, physical.c, explain.c): GROUP BY on the
 * source's key needs no repartition, GROUP BY a value column or an expression goes through
 * `_sluice_<queryid>-<n>-repartition`, a table input gets the undo slot, windows get ksqlDB's
 * default grace and the retention, HAVING becomes a filter over the agg row, stores are declared
 * (with the table source's), and EXPLAIN shows the steps and the store. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"
#include "plan_test.h"
#include "sql/analyze.h"
#include "sql/parse.h"

static sl_plan *plan; /* owned: the plan of the test */

static void setup(void)
{
        plan_test_setup();
        plan = NULL;
}

static void teardown(void)
{
        sl_plan_free(plan);
        plan_test_teardown();
}

TestSuite(plan_logical_agg, .init = setup, .fini = teardown);

static const char *ddl =
        "CREATE STREAM S (K STRING KEY, G STRING, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=2);"
        "CREATE TABLE T (K STRING PRIMARY KEY, G STRING, V INT) WITH (kafka_topic='t', value_format='JSON');";

/* Plans the last statement of ddl + `query` into `plan`. */
static void plan_of(const char *query)
{
        sl_err_detail err;

        plan = plan_test_plan(ddl, query, &err);
        cr_assert_not_null(plan, "%s", err.message);
}

static const sl_plan_node *find(sl_plan_kind kind)
{
        for (size_t i = 0; i < plan->nnodes; i++)
                if (plan->nodes[i]->kind == kind)
                        return plan->nodes[i];
        return NULL;
}

/* Plans ddl + `query` into `plan` and returns its node of `kind`, which must be there. */
static const sl_plan_node *node_of(const char *query, sl_plan_kind kind)
{
        const sl_plan_node *n;

        plan_of(query);
        n = find(kind);
        cr_assert_not_null(n, "no %s node", sl_plan_kind_name(kind));
        return n;
}

static bool has_store(const char *name, sl_plan_store_kind kind)
{
        for (size_t i = 0; i < plan->nstores; i++)
                if (strcmp(plan->stores[i].name, name) == 0 && plan->stores[i].kind == kind)
                        return true;
        return false;
}

Test(plan_logical_agg, group_by_the_key_needs_no_repartition)
{
        plan_of("CREATE TABLE O AS SELECT K, COUNT(*) AS C FROM S GROUP BY K;");
        cr_assert_eq(plan->nsubs, 1);
        cr_assert_null(find(SL_PLAN_REPARTITION));
        cr_assert_not_null(find(SL_PLAN_GROUP_BY));
        cr_assert_eq(find(SL_PLAN_AGGREGATE)->u.aggregate.undo_slot, -1);
        cr_assert(has_store("Aggregate-Aggregate-Materialize", SL_PLAN_STORE_KV));
}

Test(plan_logical_agg, group_by_a_value_column_goes_through_a_repartition_topic)
{
        const sl_plan_node *agg;

        plan_of("CREATE TABLE O AS SELECT UCASE(G) AS UG, SUM(V) AS S FROM S GROUP BY UCASE(G);");
        cr_assert_eq(plan->nsubs, 2);
        cr_assert_str_eq(plan->subs[1].source->u.source.topic.name, "_sluice_CTAS_O_0-2-repartition");
        agg = find(SL_PLAN_AGGREGATE);
        cr_assert_eq(agg->sub, 1);
        /* agg row: key, WINDOWSTART, WINDOWEND, SUM */
        cr_assert_eq(agg->width, 4);
        cr_assert(agg->cols[0].key);
        cr_assert_eq(plan->stores[0].sub, 1);
}

Test(plan_logical_agg, table_input_gets_the_undo_slot_and_its_source_store)
{
        const sl_plan_node *gb = node_of("CREATE TABLE O AS SELECT G, COUNT(*) AS C FROM T GROUP BY G;",
                                         SL_PLAN_GROUP_BY);

        cr_assert(gb->u.group_by.undo);
        cr_assert_eq(find(SL_PLAN_AGGREGATE)->u.aggregate.undo_slot, (int)gb->u.group_by.n);
        cr_assert(has_store("KsqlTopic-Reduce", SL_PLAN_STORE_KV));
}

Test(plan_logical_agg, windows_get_default_grace_and_retention)
{
        const sl_plan_node *agg = node_of("CREATE TABLE O AS SELECT K, COUNT(*) AS C FROM S "
                                          "WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS) GROUP BY K;",
                                          SL_PLAN_WINDOW_AGGREGATE);

        cr_assert_eq(agg->u.aggregate.size_ms, 10000);
        cr_assert_eq(agg->u.aggregate.advance_ms, 5000);
        cr_assert_eq(agg->u.aggregate.grace_ms, 24LL * 3600 * 1000 - 10000);
        cr_assert_geq(agg->u.aggregate.retention_ms, 24LL * 3600 * 1000);
        cr_assert(has_store("Aggregate-Aggregate-Materialize", SL_PLAN_STORE_WINDOW));
}

Test(plan_logical_agg, emit_final_sessions_have_no_default_grace)
{
        const sl_plan_node *agg = node_of("CREATE TABLE O AS SELECT K, COUNT(*) AS C FROM S "
                                          "WINDOW SESSION (30 SECONDS) GROUP BY K EMIT FINAL;",
                                          SL_PLAN_SESSION_AGGREGATE);

        cr_assert(agg->u.aggregate.emit_final);
        cr_assert_eq(agg->u.aggregate.grace_ms, 0);
        cr_assert(has_store("Aggregate-Aggregate-Materialize", SL_PLAN_STORE_SESSION));
}

Test(plan_logical_agg, having_filters_the_agg_row_and_explain_shows_the_steps)
{
        const sl_plan_node *f = node_of("CREATE TABLE O AS SELECT G, COUNT(*) AS C FROM S "
                                        "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY G HAVING COUNT(*) > 2;",
                                        SL_PLAN_FILTER);

        cr_assert_eq(f->input->kind, SL_PLAN_WINDOW_AGGREGATE);
        PLAN_TEST_EXPLAIN_HAS(plan,
                              "[ STREAM_GROUP_BY ]",
                              "[ STREAM_WINDOWED_AGGREGATE ]",
                              "TUMBLING 60000 ms",
                              "(stores: [Aggregate-Aggregate-Materialize])",
                              "-repartition");
}
