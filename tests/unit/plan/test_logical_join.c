/* test_logical_join.c: planning joins (logical_join.c, physical.c, explain.c): a key join runs in
 * one sub-topology with two sources, a join on expressions re-keys its sides through repartition
 * topics into sub-topologies of their own, join stores are declared, a partition-count mismatch
 * fails naming both sources, and EXPLAIN shows the join step with its two inputs. */
#include <criterion/criterion.h>
#include <stdbool.h>
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

TestSuite(plan_logical_join, .init = setup, .fini = plan_test_teardown);

static const char *ddl =
        "CREATE STREAM BIDS (AUCTION BIGINT KEY, BIDDER BIGINT, PRICE BIGINT) "
        "WITH (kafka_topic='bids', value_format='JSON', partitions=2);"
        "CREATE TABLE AUCTIONS (ID BIGINT PRIMARY KEY, SELLER BIGINT, CATEGORY INT) "
        "WITH (kafka_topic='auctions', value_format='JSON', partitions=2);"
        "CREATE STREAM PEOPLE (ID BIGINT KEY, NAME STRING, AUCTION BIGINT) "
        "WITH (kafka_topic='people', value_format='JSON', partitions=2);"
        "CREATE TABLE ODD (ID BIGINT PRIMARY KEY, X INT) WITH (kafka_topic='odd', value_format='JSON', partitions=3);"
        "CREATE TABLE SELLERS (ID BIGINT PRIMARY KEY, NAME STRING) WITH (kafka_topic='sellers', value_format='JSON', "
        "partitions=5);"
        "CREATE TABLE SELLERS2 (ID BIGINT PRIMARY KEY, NAME STRING) WITH (kafka_topic='sellers2', value_format='JSON', "
        "partitions=2);";

/* Plans the last statement of ddl + `query`; returns the plan or NULL with *err set. */
static sl_plan *plan_of(const char *query, sl_err_detail *err)
{
        return plan_test_plan(ddl, query, err);
}

/* The plan of ddl + `query`, which must plan (caller frees). */
static sl_plan *planned(const char *query)
{
        sl_err_detail e;
        sl_plan *plan = plan_of(query, &e);

        cr_assert_not_null(plan, "%s", e.message);
        return plan;
}

static const sl_plan_node *join_node(const sl_plan *plan)
{
        for (size_t i = 0; i < plan->nnodes; i++)
                if (plan->nodes[i]->kind == SL_PLAN_JOIN)
                        return plan->nodes[i];
        return NULL;
}

/* Whether the plan declares store `name` (table sources declare their own stores too). */
static bool has_store(const sl_plan *plan, const char *name)
{
        for (size_t i = 0; name && i < plan->nstores; i++)
                if (strcmp(plan->stores[i].name, name) == 0)
                        return true;
        return false;
}

/* The join's stores (this side, the other, the outer rows waiting for their window) are declared. */
static void expect_join_stores(const sl_plan *plan, const sl_plan_node *j)
{
        cr_expect(has_store(plan, j->u.join.left_store));
        cr_expect(has_store(plan, j->u.join.right_store));
        cr_expect(has_store(plan, j->u.join.outer_store));
}

Test(plan_logical_join, key_join_runs_in_one_sub_topology_with_two_sources)
{
        sl_plan *plan = planned("CREATE STREAM O AS SELECT B.AUCTION, PRICE, SELLER FROM BIDS B "
                                "JOIN AUCTIONS A ON B.AUCTION = A.ID;");
        const sl_plan_node *j;

        cr_expect_eq(plan->nsubs, 1);
        cr_expect_eq(plan->subs[0].nsources, 2);
        cr_expect_str_eq(plan->subs[0].sources[0]->u.source.topic.name, "bids");
        cr_expect_str_eq(plan->subs[0].sources[1]->u.source.topic.name, "auctions");
        j = join_node(plan);
        cr_assert_not_null(j);
        cr_expect_eq(j->u.join.type, SL_PLAN_JOIN_STREAM_TABLE);
        cr_expect_eq(j->input, plan->subs[0].sources[0]);
        cr_expect_eq(j->right, plan->subs[0].sources[1]);
        cr_expect(has_store(plan, j->u.join.right_store));
        sl_plan_free(plan);
}

Test(plan_logical_join, expression_join_rekeys_both_sides)
{
        sl_plan *plan = planned("CREATE STREAM O AS SELECT B.BIDDER, PRICE, NAME FROM BIDS B "
                                "LEFT JOIN PEOPLE P WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS "
                                "ON B.BIDDER = P.ID + 1;");
        const sl_plan_node *j;
        size_t reps = 0;

        for (size_t i = 0; i < plan->nnodes; i++)
                reps += plan->nodes[i]->kind == SL_PLAN_REPARTITION && plan->nodes[i]->u.repartition.through;
        cr_expect_eq(reps, 2);
        cr_expect_eq(plan->nsubs, 3);
        j = join_node(plan);
        cr_assert_not_null(j);
        cr_expect_eq(j->u.join.type, SL_PLAN_JOIN_STREAM_STREAM);
        cr_expect_eq(j->u.join.before_ms, 1000);
        cr_expect_eq(j->u.join.after_ms, 2000);
        cr_expect_eq(j->u.join.grace_ms, 3000);
        cr_expect(j->input->u.source.internal && j->right->u.source.internal);
        cr_expect_eq(plan->subs[j->sub].nsources, 2);
        /* this, other and the outer rows waiting for their window to close */
        expect_join_stores(plan, j);
        sl_plan_free(plan);
}

Test(plan_logical_join, partition_count_mismatch_names_both_sources)
{
        sl_err_detail e;
        sl_plan *plan = plan_of("CREATE STREAM O AS SELECT B.AUCTION, PRICE, X FROM BIDS B JOIN ODD ON B.AUCTION = ODD.ID;",
                                &e);

        cr_assert_null(plan);
        cr_expect_str_eq(e.message, "Can't join `BIDS` with `ODD` since the number of partitions don't match. "
                                    "`BIDS` partitions = 2; `ODD` partitions = 3. Please repartition either one so "
                                    "that the number of partitions match.");
}

Test(plan_logical_join, foreign_key_join_needs_no_co_partitioning)
{
        sl_plan *plan = planned("CREATE TABLE O AS SELECT A.ID, SELLER, NAME FROM AUCTIONS A "
                                "LEFT JOIN SELLERS S ON A.SELLER = S.ID;");
        const sl_plan_node *j;

        j = join_node(plan);
        cr_assert_not_null(j);
        cr_expect_eq(j->u.join.type, SL_PLAN_JOIN_FOREIGN_KEY);
        expect_join_stores(plan, j);
        sl_plan_free(plan);
}

Test(plan_logical_join, explain_shows_the_join_and_its_inputs)
{
        sl_plan *plan = planned("CREATE TABLE O AS SELECT ROWKEY AS K, SELLER, NAME FROM AUCTIONS A "
                                "FULL OUTER JOIN SELLERS2 S ON A.ID = S.ID;");

        PLAN_TEST_EXPLAIN_HAS(plan,
                              "[ TABLE_TABLE_JOIN ]",
                              "Join (OUTER JOIN SELLERS2)",
                              "(topics: [auctions])",
                              "(topics: [sellers2])",
                              "<-- KTABLE-SOURCE-0000000000, KTABLE-SOURCE-0000000001\n",
                              "(stores: [KafkaTopic_Left0-Reduce, KafkaTopic_Right0-Reduce])");
        sl_plan_free(plan);
}
