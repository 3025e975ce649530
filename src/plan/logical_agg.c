/* logical_agg.c: the nodes of an aggregation (GROUP BY, or aggregates in a transient query),
 * appended by logical.c after the source and WHERE:
 *
 *     ... -> group_by -> [repartition through _sluice_<queryid>-<n>-repartition]
 *         -> aggregate | window_aggregate | session_aggregate -> [filter: HAVING]
 *         -> project
 *
 * GROUP_BY evaluates the group keys and every aggregate argument (converted to the types the
 * aggregate's overload wants) into one row, keys first, so the aggregate reads plain slots whether
 * or not the rows crossed a repartition topic. Rows go through a repartition topic unless the
 * group keys are exactly the source's key columns (the records are then already partitioned by
 * them), as ksqlDB does. A table input has changes: GROUP_BY turns each into the undo of its old
 * row and the addition of its new one (ksqlDB's TableUdaf semantics), marked by a last INT slot
 * (SL_PLAN_AGG_ADD, _UNDO, or _UNDO_QUIET when the addition to the same group follows and alone
 * emits).
 *
 * The aggregate emits the analyzer's agg row (group keys, WINDOWSTART, WINDOWEND, results);
 * HAVING and the SELECT list read it. With EMIT FINAL a windowed aggregate emits nothing per update
 * and each window once it has closed. */
#include "plan/plan.h"

#include <stdio.h>
#include <string.h>

#include "common/mem.h"

/* Windows without GRACE PERIOD accept late records for 24 hours minus the window size (Kafka
 * Streams' legacy default that ksqlDB keeps), EMIT FINAL ones for none; stores keep windows at
 * least one day unless RETENTION says otherwise. */
#define DEFAULT_GRACE_MS (24LL * 3600 * 1000)
#define DEFAULT_RETENTION_MS (24LL * 3600 * 1000)

/* Are the group keys exactly the input's key columns, in order? Then no repartition is needed. */
static bool keys_unchanged(const sl_plan_node *in, const sl_analysis *a)
{
        size_t nkey = 0;

        for (size_t i = 0; i < in->width; i++)
                nkey += in->cols[i].key;
        if (a->ngroup_by == 0 || a->ngroup_by != nkey)
                return false;
        for (size_t k = 0; k < a->ngroup_by; k++) {
                const sl_expr *e = a->group_by[k];

                if (e->kind != SL_EXPR_COLUMN || (size_t)e->index >= in->width || !in->cols[e->index].key)
                        return false;
                /* the k-th key column of the input */
                size_t seen = 0;

                for (size_t i = 0; i < (size_t)e->index; i++)
                        seen += in->cols[i].key;
                if (seen != k)
                        return false;
        }
        return true;
}

/* The group-by node: keys, then every call's arguments, then the undo flag of a table input. */
static sl_err add_group_by(sl_plan *plan, const sl_analysis *a, size_t **arg_slot, sl_err_detail *err)
{
        sl_plan_node *in = plan->nodes[plan->nnodes - 1];
        bool undo = in->table;
        size_t n = a->ngroup_by, cap = a->ngroup_by + 1;
        sl_plan_node *node;
        sl_plan_column *cols;
        const sl_expr **exprs;

        for (size_t i = 0; i < a->naggs; i++)
                cap += a->aggs[i].nargs;
        cols = sl_calloc(cap + 1, sizeof(*cols));
        exprs = sl_arena_calloc(&plan->arena, cap + 1, sizeof(*exprs));
        *arg_slot = sl_arena_calloc(&plan->arena, a->naggs + 1, sizeof(**arg_slot));
        for (size_t k = 0; k < a->ngroup_by; k++) {
                exprs[k] = a->group_by[k];
                cols[k].name = sl_arena_sprintf(&plan->arena, "KSQL_GROUP_KEY_%zu", k);
                cols[k].type = a->group_by[k]->type;
                cols[k].key = true;
        }
        for (size_t i = 0; i < a->naggs; i++) {
                const sl_analysis_agg *ag = &a->aggs[i];

                if (!ag->res || !ag->res->ov || !ag->res->ov->agg) {
                        sl_free(cols);
                        return sl_err_set(err, SL_ERR_UNSUPPORTED, "aggregate function %s", ag->name);
                }
                (*arg_slot)[i] = n;
                for (size_t j = 0; j < ag->nargs; j++) {
                        sl_expr *e = ag->args[j];
                        const sl_type *to = j < ag->res->nargs ? ag->res->args[j].type : NULL;

                        if (to && to->kind != SL_TYPE_NULL)
                                e = sl_expr_convert(&plan->arena, e, to);
                        exprs[n] = e;
                        cols[n].name = sl_arena_sprintf(&plan->arena, "KSQL_AGG_VARIABLE_%zu", n - a->ngroup_by);
                        cols[n].type = e->type && e->type->kind != SL_TYPE_NULL ? e->type : sl_type_string();
                        n++;
                }
        }
        if (undo) {
                cols[n].name = "KSQL_INTERNAL_UNDO";
                cols[n].type = sl_type_int();
        }
        node = sl_plan_node_add(plan, SL_PLAN_GROUP_BY);
        sl_plan_node_set_cols(plan, node, cols, n + undo);
        sl_free(cols);
        node->table = false;
        node->u.group_by.exprs = exprs;
        node->u.group_by.n = n;
        node->u.group_by.nkeys = a->ngroup_by;
        node->u.group_by.undo = undo;
        return SL_OK;
}

sl_err sl_plan_logical_agg(sl_plan *plan, const sl_analysis *a, sl_err_detail *err)
{
        sl_plan_node *in = plan->nodes[plan->nnodes - 1];
        bool repartition = !keys_unchanged(in, a);
        const sl_ast_window *w = a->window;
        sl_plan_node *node, *gb;
        sl_plan_column *cols;
        size_t *arg_slot = NULL;
        sl_plan_kind kind = SL_PLAN_AGGREGATE;
        sl_err rc;

        /* a KAFKA-format value cannot carry the group-by row through the repartition topic */
        if (repartition && a->ngroup_by > 0 && plan->nodes[0]->kind == SL_PLAN_SOURCE &&
            plan->nodes[0]->u.source.topic.value_format == SL_SERDE_KAFKA)
                return sl_err_set(err, SL_ERR_INVALID,
                                  "Source(s) %s are using the 'KAFKA' value format. This format does not yet support "
                                  "GROUP BY.", plan->nodes[0]->u.source.source);
        if ((rc = add_group_by(plan, a, &arg_slot, err)) != SL_OK)
                return rc;
        gb = plan->nodes[plan->nnodes - 1];
        if (repartition && a->ngroup_by > 0) {
                node = sl_plan_node_add(plan, SL_PLAN_REPARTITION);
                sl_plan_node_set_cols(plan, node, gb->cols, gb->width);
                node->table = false;
                node->u.repartition.through = true;
        }
        if (w)
                kind = w->kind == SL_AST_WINDOW_SESSION ? SL_PLAN_SESSION_AGGREGATE : SL_PLAN_WINDOW_AGGREGATE;
        node = sl_plan_node_add(plan, kind);
        node->table = true;
        cols = sl_calloc(a->agg_width + 1, sizeof(*cols));
        for (size_t k = 0; k < a->ngroup_by; k++) {
                cols[k].name = sl_arena_sprintf(&plan->arena, "KSQL_COL_%zu", k);
                /* the output key columns' names where they are plain projections of a key */
                for (size_t c = 0; c < a->ncolumns; c++)
                        if (a->columns[c].key && a->columns[c].expr->kind == SL_EXPR_COLUMN &&
                            a->columns[c].expr->index == (int)k)
                                cols[k].name = a->columns[c].name;
                cols[k].type = a->group_by[k]->type;
                cols[k].key = true;
        }
        cols[a->ngroup_by].name = "WINDOWSTART";
        cols[a->ngroup_by].type = sl_type_bigint();
        cols[a->ngroup_by + 1].name = "WINDOWEND";
        cols[a->ngroup_by + 1].type = sl_type_bigint();
        for (size_t i = 0; i < a->naggs; i++) {
                cols[a->ngroup_by + 2 + i].name = sl_arena_sprintf(&plan->arena, "KSQL_AGG_VARIABLE_%zu", i);
                cols[a->ngroup_by + 2 + i].type = a->aggs[i].type;
        }
        sl_plan_node_set_cols(plan, node, cols, a->agg_width);
        sl_free(cols);
        node->u.aggregate.aggs = a->aggs;
        node->u.aggregate.naggs = a->naggs;
        node->u.aggregate.nkeys = a->ngroup_by;
        node->u.aggregate.arg_slot = arg_slot;
        node->u.aggregate.undo_slot = gb->u.group_by.undo ? (int)gb->u.group_by.n : -1;
        node->u.aggregate.store = "Aggregate-Aggregate-Materialize";
        node->u.aggregate.state_types = sl_arena_calloc(&plan->arena, a->naggs + 1, sizeof(const sl_type *));
        for (size_t i = 0; i < a->naggs; i++) {
                const sl_analysis_agg *ag = &a->aggs[i];
                const sl_type **types = sl_calloc(ag->nargs + 1, sizeof(*types));

                for (size_t j = 0; j < ag->nargs; j++)
                        types[j] = gb->cols[arg_slot[i] + j].type;
                rc = ag->res->ov->agg->state_type(&plan->arena, types, ag->nargs, &node->u.aggregate.state_types[i], err);
                sl_free(types);
                if (rc != SL_OK)
                        return rc;
        }
        if (w) {
                int64_t size = sl_ast_duration_ms(w->size), grace = sl_ast_duration_ms(w->grace), ret = sl_ast_duration_ms(w->retention);

                node->u.aggregate.window = w->kind == SL_AST_WINDOW_SESSION  ? SL_CATALOG_WINDOW_SESSION
                                           : w->kind == SL_AST_WINDOW_HOPPING ? SL_CATALOG_WINDOW_HOPPING
                                                                               : SL_CATALOG_WINDOW_TUMBLING;
                if (size <= 0)
                        return sl_err_set(err, SL_ERR_INVALID, "window size must be positive");
                node->u.aggregate.size_ms = size;
                node->u.aggregate.advance_ms = w->kind == SL_AST_WINDOW_HOPPING ? sl_ast_duration_ms(w->advance) : size;
                if (node->u.aggregate.advance_ms <= 0)
                        return sl_err_set(err, SL_ERR_INVALID, "window advance must be positive");
                if (grace < 0)
                        grace = a->emit == SL_AST_EMIT_FINAL ? 0 : DEFAULT_GRACE_MS > size ? DEFAULT_GRACE_MS - size : 0;
                node->u.aggregate.grace_ms = grace;
                node->u.aggregate.emit_final = a->emit == SL_AST_EMIT_FINAL;
                /* EMIT FINAL emits from the store: by default it keeps a window only until it
                 * closes, as ksqlDB's emit-on-close window stores do */
                if (ret < 0 && w->kind == SL_AST_WINDOW_SESSION)
                        /* a session store expires what the gap and grace no longer reach (merging
                         * skips such sessions, as Kafka Streams' does); EMIT FINAL reads closed
                         * sessions back, so keeps them a while longer */
                        ret = node->u.aggregate.emit_final ? 2 * (size + grace) + 1 : size + grace;
                else if (ret < 0 && node->u.aggregate.emit_final)
                        ret = size + grace + 1;
                else if (ret < 0)
                        ret = DEFAULT_RETENTION_MS;
                if (ret < size + grace)
                        ret = size + grace;
                node->u.aggregate.retention_ms = ret;
        }
        if (a->having) {
                node = sl_plan_node_add(plan, SL_PLAN_FILTER);
                sl_plan_node_set_cols(plan, node, node->input->cols, node->input->width);
                node->u.filter.expr = a->having;
        }
        return SL_OK;
}
