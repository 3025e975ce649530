/* explain.c: EXPLAIN text for a plan, shaped like ksqlDB's: the logical execution plan (deepest
 * step last, one line per step with its schema and logger name), then the processing topology
 * as Kafka Streams describes it (sub-topologies; per processor its successors and predecessors;
 * source topics and sink topics). */
#include "plan/plan.h"

#include <stdio.h>
#include <string.h>

static const char *step_name(const sl_plan_node *node)
{
        switch (node->kind) {
        case SL_PLAN_SOURCE: return node->table ? "TABLE_SOURCE" : "STREAM_SOURCE";
        case SL_PLAN_FILTER: return node->table ? "TABLE_FILTER" : "STREAM_FILTER";
        case SL_PLAN_FLATMAP: return "STREAM_FLAT_MAP";
        case SL_PLAN_PROJECT: return node->table ? "TABLE_SELECT" : "STREAM_SELECT";
        case SL_PLAN_REPARTITION: return node->table ? "TABLE_SELECT_KEY" : "STREAM_SELECT_KEY";
        case SL_PLAN_SINK: return node->table ? "TABLE_SINK" : "STREAM_SINK";
        case SL_PLAN_JOIN:
                switch (node->u.join.type) {
                case SL_PLAN_JOIN_STREAM_STREAM: return "STREAM_STREAM_JOIN";
                case SL_PLAN_JOIN_STREAM_TABLE: return "STREAM_TABLE_JOIN";
                case SL_PLAN_JOIN_TABLE_TABLE: return "TABLE_TABLE_JOIN";
                case SL_PLAN_JOIN_FOREIGN_KEY: return "FK_TABLE_TABLE_JOIN";
                }
                return "?";
        case SL_PLAN_GROUP_BY:
                if (node->input && node->input->table)
                        return "TABLE_GROUP_BY";
                return "STREAM_GROUP_BY";
        case SL_PLAN_AGGREGATE:
                return node->u.aggregate.undo_slot >= 0 ? "TABLE_AGGREGATE" : "STREAM_AGGREGATE";
        case SL_PLAN_WINDOW_AGGREGATE:
        case SL_PLAN_SESSION_AGGREGATE: return "STREAM_WINDOWED_AGGREGATE";
        default: return "?";
        }
}

/* Processor names in the style of Kafka Streams' generated ones. */
static void processor_name(sl_str *out, const sl_plan_node *node)
{
        static const char *const kinds[SL_PLAN__COUNT] = {
                [SL_PLAN_SOURCE] = "SOURCE",     [SL_PLAN_FILTER] = "FILTER",  [SL_PLAN_FLATMAP] = "FLATMAP",
                [SL_PLAN_PROJECT] = "TRANSFORMVALUES", [SL_PLAN_REPARTITION] = "KEY-SELECT",
                [SL_PLAN_SINK] = "SINK", [SL_PLAN_JOIN] = "JOIN", [SL_PLAN_GROUP_BY] = "KEY-SELECT", [SL_PLAN_AGGREGATE] = "AGGREGATE",
                [SL_PLAN_WINDOW_AGGREGATE] = "AGGREGATE", [SL_PLAN_SESSION_AGGREGATE] = "AGGREGATE",
        };

        sl_str_appendf(out, "%s-%s-%010d", node->table ? "KTABLE" : "KSTREAM", kinds[node->kind], node->id);
}

static void print_schema(sl_str *out, const sl_plan_node *node)
{
        bool first = true;

        for (size_t i = 0; i < node->width; i++) {
                const char *name = node->cols[i].name;

                if (!name || !*name)
                        continue;
                if (node->kind == SL_PLAN_SOURCE && !node->u.source.internal && i >= node->u.source.pseudo_base)
                        continue;
                if (node->kind == SL_PLAN_JOIN && i >= node->u.join.pseudo_base)
                        continue;
                sl_str_appendf(out, "%s`%s` ", first ? "" : ", ", name);
                sl_type_print(out, node->cols[i].type);
                if (node->cols[i].key)
                        sl_str_append(out, " KEY");
                first = false;
        }
}

static void logical(const sl_plan *plan, sl_str *out)
{
        int depth = 0;

        for (size_t i = plan->nnodes; i-- > 0; depth++) {
                const sl_plan_node *node = plan->nodes[i];

                for (int d = 0; d < depth; d++)
                        sl_str_append(out, "\t\t");
                sl_str_appendf(out, " > [ %s ] | Schema: ", step_name(node));
                print_schema(out, node);
                sl_str_appendf(out, " | Logger: %s.", plan->query_id);
                switch (node->kind) {
                case SL_PLAN_SOURCE:
                        sl_str_appendf(out, "KsqlTopic.Source (%s)", node->u.source.topic.name);
                        break;
                case SL_PLAN_SINK:
                        sl_str_appendf(out, "%s", node->u.sink.transient ? "Transient" : node->u.sink.sink);
                        break;
                case SL_PLAN_FILTER:
                        sl_str_appendf(out, "WhereFilter");
                        break;
                case SL_PLAN_FLATMAP:
                        sl_str_append(out, "FlatMap (");
                        for (size_t k = 0; k < node->u.flatmap.ntfs; k++)
                                sl_str_appendf(out, "%s%s", k ? ", " : "", node->u.flatmap.tfs[k].name);
                        sl_str_append(out, ")");
                        break;
                case SL_PLAN_PROJECT:
                        sl_str_append(out, "Project");
                        break;
                case SL_PLAN_JOIN:
                        sl_str_appendf(out, "Join (%s JOIN %s)",
                                       node->u.join.kind == SL_AST_JOIN_LEFT    ? "LEFT"
                                       : node->u.join.kind == SL_AST_JOIN_RIGHT ? "RIGHT"
                                       : node->u.join.kind == SL_AST_JOIN_FULL  ? "OUTER"
                                                                                : "INNER",
                                       node->u.join.right_name);
                        break;
                case SL_PLAN_GROUP_BY:
                        sl_str_append(out, "Aggregate.GroupBy");
                        break;
                case SL_PLAN_AGGREGATE:
                case SL_PLAN_WINDOW_AGGREGATE:
                case SL_PLAN_SESSION_AGGREGATE:
                        sl_str_append(out, "Aggregate.Aggregate");
                        if (node->u.aggregate.window != SL_CATALOG_WINDOW_NONE)
                                sl_str_appendf(out, " (%s %lld ms, grace %lld ms)",
                                               node->u.aggregate.window == SL_CATALOG_WINDOW_SESSION    ? "SESSION"
                                               : node->u.aggregate.window == SL_CATALOG_WINDOW_HOPPING ? "HOPPING"
                                                                                                       : "TUMBLING",
                                               (long long)node->u.aggregate.size_ms,
                                               (long long)node->u.aggregate.grace_ms);
                        if (node->u.aggregate.emit_final)
                                sl_str_append(out, " EMIT FINAL");
                        break;
                case SL_PLAN_REPARTITION:
                        sl_str_append(out, node->u.repartition.through ? "PartitionBy (through " : "PartitionBy");
                        if (node->u.repartition.through)
                                sl_str_appendf(out, "%s)", node->u.repartition.topic.name);
                        break;
                default:
                        break;
                }
                sl_str_append(out, "\n");
        }
}

/* The node of `sub` reading `node` (a join reads two), or NULL. */
static const sl_plan_node *successor(const sl_plan_sub *sub, const sl_plan_node *node)
{
        for (size_t i = 0; i < sub->nnodes; i++)
                if (sub->nodes[i]->input == node || sub->nodes[i]->right == node)
                        return sub->nodes[i];
        return NULL;
}

static void stores(sl_str *out, const sl_plan_node *node)
{
        const char *names[3] = {NULL, NULL, NULL};
        bool first = true;

        if (node->kind == SL_PLAN_JOIN) {
                names[0] = node->u.join.left_store;
                names[1] = node->u.join.right_store;
                names[2] = node->u.join.grace_ms >= 0 && node->u.join.kind != SL_AST_JOIN_INNER ? node->u.join.outer_store
                                                                                                : NULL;
        } else if (node->kind == SL_PLAN_AGGREGATE || node->kind == SL_PLAN_WINDOW_AGGREGATE ||
                   node->kind == SL_PLAN_SESSION_AGGREGATE) {
                names[0] = node->u.aggregate.store;
        }
        sl_str_append(out, " (stores: [");
        for (int k = 0; k < 3; k++) {
                if (!names[k])
                        continue;
                sl_str_appendf(out, "%s%s", first ? "" : ", ", names[k]);
                first = false;
        }
        sl_str_append(out, "])\n");
}

static void topology(const sl_plan *plan, sl_str *out)
{
        sl_str_append(out, "Topologies:\n");
        for (size_t s = 0; s < plan->nsubs; s++) {
                const sl_plan_sub *sub = &plan->subs[s];

                sl_str_appendf(out, "   Sub-topology: %d\n", sub->id);
                for (size_t i = 0; i < sub->nnodes; i++) {
                        const sl_plan_node *node = sub->nodes[i];
                        const sl_plan_node *next = successor(sub, node);

                        if (node->kind == SL_PLAN_SOURCE) {
                                sl_str_append(out, "      Source: ");
                                processor_name(out, node);
                                sl_str_appendf(out, " (topics: [%s])\n", node->u.source.topic.name);
                                if (node->u.source.store && !node->u.source.internal)
                                        sl_str_appendf(out, "      Processor: KTABLE-SOURCE-%010d (stores: [%s])\n",
                                                       node->id, node->u.source.store);
                        } else if (node->kind == SL_PLAN_SINK ||
                                   (node->kind == SL_PLAN_REPARTITION && node->u.repartition.through)) {
                                sl_str_append(out, "      Sink: ");
                                processor_name(out, node);
                                sl_str_appendf(out, " (topic: %s)\n",
                                               node->kind == SL_PLAN_REPARTITION ? node->u.repartition.topic.name
                                               : node->u.sink.transient          ? "<transient>"
                                                                                 : node->u.sink.topic.name);
                        } else {
                                sl_str_append(out, "      Processor: ");
                                processor_name(out, node);
                                stores(out, node);
                        }
                        if (next) {
                                sl_str_append(out, "      --> ");
                                processor_name(out, next);
                                sl_str_append(out, "\n");
                        } else if (node->kind != SL_PLAN_SINK && !(node->kind == SL_PLAN_REPARTITION)) {
                                sl_str_append(out, "      --> none\n");
                        }
                        if (node->kind != SL_PLAN_SOURCE && node->input) {
                                sl_str_append(out, "      <-- ");
                                processor_name(out, node->input);
                                if (node->right) {
                                        sl_str_append(out, ", ");
                                        processor_name(out, node->right);
                                }
                                sl_str_append(out, "\n");
                        }
                }
                sl_str_append(out, "\n");
        }
}

void sl_plan_explain(const sl_plan *plan, sl_str *out)
{
        sl_str_appendf(out, "ID                   : %s\n", plan->query_id);
        sl_str_append(out, "\nExecution plan\n--------------\n");
        logical(plan, out);
        sl_str_append(out, "\nProcessing topology\n-------------------\n");
        topology(plan, out);
}
