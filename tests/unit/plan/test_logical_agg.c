/* test_logical_agg.c: planning aggregations (logical_agg.c, physical.c, explain.c): GROUP BY on the
 * source's key needs no repartition, GROUP BY a value column or an expression goes through
 * `_sluice_<queryid>-<n>-repartition`, a table input gets the undo slot, windows get ksqlDB's
 * default grace and the retention, HAVING becomes a filter over the agg row, stores are declared
 * (with the table source's), and EXPLAIN shows the steps and the store. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"
#include "sql/analyze.h"
#include "sql/parse.h"

static sl_func_registry *reg;
static sl_catalog *cat;
static sl_script *scripts[4];
static size_t nscripts;
static sl_plan *plan;

static void setup(void)
{
        sl_err_detail e;

        reg = sl_func_registry_new();
        cr_assert_eq(sl_func_registry_add_builtins(reg, &e), SL_OK);
        cat = sl_catalog_mem_new();
        nscripts = 0;
        plan = NULL;
}

static void teardown(void)
{
        sl_plan_free(plan);
        for (size_t i = 0; i < nscripts; i++)
                sl_script_free(scripts[i]);
        sl_catalog_free(cat);
        sl_func_registry_free(reg);
}

TestSuite(plan_logical_agg, .init = setup, .fini = teardown);

static const char *ddl =
        "CREATE STREAM S (K STRING KEY, G STRING, V INT) WITH (kafka_topic='s', value_format='JSON', partitions=2);"
        "CREATE TABLE T (K STRING PRIMARY KEY, G STRING, V INT) WITH (kafka_topic='t', value_format='JSON');";

/* Plans the last statement of ddl + `query`. */
static sl_plan *plan_of(const char *query)
{
        sl_analyze_ctx ctx = {.cat = cat, .reg = reg};
        sl_plan_ctx pctx = {.reg = reg};
        sl_script *script = NULL;
        sl_analysis *a = NULL;
        sl_err_detail err;
        char sql[4096];

        snprintf(sql, sizeof(sql), "%s%s", ddl, query);
        cr_assert_eq(sl_parse_script(sql, NULL, &script), SL_OK, "%s", sql);
        scripts[nscripts++] = script;
        for (size_t i = 0; i < script->nstmts; i++) {
                cr_assert_eq(sl_analyze(&ctx, script->stmts[i], &a, &err), SL_OK, "%s", err.message);
                if (i + 1 == script->nstmts)
                        break;
                cr_assert_eq(sl_analysis_apply(cat, a, &err), SL_OK);
                sl_analysis_free(a);
        }
        cr_assert_eq(sl_plan_build(&pctx, a, &plan, &err), SL_OK, "%s", err.message);
        return plan;
}

static const sl_plan_node *find(sl_plan_kind kind)
{
        for (size_t i = 0; i < plan->nnodes; i++)
                if (plan->nodes[i]->kind == kind)
                        return plan->nodes[i];
        return NULL;
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
        const sl_plan_node *gb;

        plan_of("CREATE TABLE O AS SELECT G, COUNT(*) AS C FROM T GROUP BY G;");
        gb = find(SL_PLAN_GROUP_BY);
        cr_assert(gb->u.group_by.undo);
        cr_assert_eq(find(SL_PLAN_AGGREGATE)->u.aggregate.undo_slot, (int)gb->u.group_by.n);
        cr_assert(has_store("KsqlTopic-Reduce", SL_PLAN_STORE_KV));
}

Test(plan_logical_agg, windows_get_default_grace_and_retention)
{
        const sl_plan_node *agg;

        plan_of("CREATE TABLE O AS SELECT K, COUNT(*) AS C FROM S WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS) "
                "GROUP BY K;");
        agg = find(SL_PLAN_WINDOW_AGGREGATE);
        cr_assert_not_null(agg);
        cr_assert_eq(agg->u.aggregate.size_ms, 10000);
        cr_assert_eq(agg->u.aggregate.advance_ms, 5000);
        cr_assert_eq(agg->u.aggregate.grace_ms, 24LL * 3600 * 1000 - 10000);
        cr_assert_geq(agg->u.aggregate.retention_ms, 24LL * 3600 * 1000);
        cr_assert(has_store("Aggregate-Aggregate-Materialize", SL_PLAN_STORE_WINDOW));
}

Test(plan_logical_agg, emit_final_sessions_have_no_default_grace)
{
        const sl_plan_node *agg;

        plan_of("CREATE TABLE O AS SELECT K, COUNT(*) AS C FROM S WINDOW SESSION (30 SECONDS) GROUP BY K EMIT FINAL;");
        agg = find(SL_PLAN_SESSION_AGGREGATE);
        cr_assert(agg->u.aggregate.emit_final);
        cr_assert_eq(agg->u.aggregate.grace_ms, 0);
        cr_assert(has_store("Aggregate-Aggregate-Materialize", SL_PLAN_STORE_SESSION));
}

Test(plan_logical_agg, having_filters_the_agg_row_and_explain_shows_the_steps)
{
        const sl_plan_node *f;
        sl_str text;

        plan_of("CREATE TABLE O AS SELECT G, COUNT(*) AS C FROM S WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY G "
                "HAVING COUNT(*) > 2;");
        f = find(SL_PLAN_FILTER);
        cr_assert_not_null(f);
        cr_assert_eq(f->input->kind, SL_PLAN_WINDOW_AGGREGATE);
        sl_str_init(&text);
        sl_plan_explain(plan, &text);
        cr_assert_not_null(strstr((const char *)text.buf.data, "[ STREAM_GROUP_BY ]"), "%s", (const char *)text.buf.data);
        cr_assert_not_null(strstr((const char *)text.buf.data, "[ STREAM_WINDOWED_AGGREGATE ]"), "%s", (const char *)text.buf.data);
        cr_assert_not_null(strstr((const char *)text.buf.data, "TUMBLING 60000 ms"), "%s", (const char *)text.buf.data);
        cr_assert_not_null(strstr((const char *)text.buf.data, "(stores: [Aggregate-Aggregate-Materialize])"), "%s", (const char *)text.buf.data);
        cr_assert_not_null(strstr((const char *)text.buf.data, "-repartition"), "%s", (const char *)text.buf.data);
        sl_str_deinit(&text);
}
