/* physical.c: from the logical chain to the topology the runtime instantiates. Compiles every
 * expression into the plan's arena (folding constants once per query), builds the key and value
 * serdes of every topic the query reads or writes, and cuts the chain into sub-topologies: a
 * repartition node that goes `through` an internal topic `_sluice_<queryid>-<n>-repartition` ends
 * its sub-topology with a write to that topic, and a new sub-topology starts with a source reading
 * it (keys first, then values, as the repartition row is laid out). Sub-topologies follow the
 * graph: a join's two inputs run in one sub-topology, whose task for partition p reads partition p
 * of each of its source topics. */
#include "plan/plan.h"

#include <string.h>

#include "common/mem.h"

static void keep_serde(sl_plan *plan, sl_serde *serde)
{
        plan->serdes = sl_realloc(plan->serdes, (plan->nserdes + 1) * sizeof(*plan->serdes));
        plan->serdes[plan->nserdes++] = serde;
}

/* Builds one side's serde from the node's row layout. */
static sl_err side_serde(sl_plan *plan, const sl_plan_node *node, sl_serde_format format, const size_t *slots, size_t n,
                         bool unwrapped, char delim, const sl_plan_topic *t, bool key, sl_serde **out,
                         sl_err_detail *err)
{
        sl_serde_column *cols = sl_calloc(n + 1, sizeof(*cols));
        /* schema registry formats: the subject <topic>-key / <topic>-value, as ksqlDB names it */
        sl_serde_schema schema = {.columns = cols, .ncolumns = n, .unwrapped = unwrapped, .delimiter = delim,
                                  .subject = sl_arena_sprintf(&plan->arena, "%s-%s", t->name, key ? "key" : "value"),
                                  .schema_id = key ? t->key_schema_id : t->value_schema_id,
                                  .full_name = key ? t->key_full_name : t->value_full_name};
        sl_err rc;

        for (size_t i = 0; i < n; i++) {
                cols[i].name = node->cols[slots[i]].name;
                cols[i].type = node->cols[slots[i]].type;
        }
        rc = sl_serde_new(format, &schema, out, err);
        sl_free(cols);
        /* a column type the format cannot hold is the statement's error, not a missing feature */
        if (rc == SL_ERR_UNSUPPORTED && err)
                err->code = rc = SL_ERR_INVALID;
        if (rc == SL_OK)
                keep_serde(plan, *out);
        return rc;
}

static sl_err topic_serdes(sl_plan *plan, const sl_plan_node *node, sl_plan_topic *t, sl_err_detail *err)
{
        sl_err rc;

        if ((rc = side_serde(plan, node, t->key_format, t->key_slots, t->nkey, t->nkey == 1, t->key_delimiter, t,
                             true, &t->key_serde, err)) != SL_OK)
                return rc;
        return side_serde(plan, node, t->value_format, t->value_slots, t->nvalue, t->value_unwrapped,
                          t->value_delimiter, t, false, &t->value_serde, err);
}

static sl_err compile(sl_plan *plan, const sl_expr *e, sl_expr_prog **out, sl_err_detail *err)
{
        sl_err_detail e2;

        if (!(*out = sl_expr_compile(&plan->arena, e, plan->nlvars, &e2)))
                return sl_err_set(err, SL_ERR_UNSUPPORTED, "%s", e2.message);
        return SL_OK;
}

/* The internal topic of a repartition node and the source that re-reads it. Key columns (those
 * flagged key) go to the record key, the other named columns to the value. */
/* Whether the KAFKA format writes a key of `type` (a STRUCT or DECIMAL key stays JSON). */
static bool kafka_key_type(const sl_type *type)
{
        switch (type->kind) {
        case SL_TYPE_INT:
        case SL_TYPE_BIGINT:
        case SL_TYPE_DOUBLE:
        case SL_TYPE_STRING:
                return true;
        default:
                return false;
        }
}

static sl_plan_node *split_at(sl_plan *plan, size_t i, sl_err_detail *err, sl_err *rc)
{
        sl_plan_node *rep = plan->nodes[i];
        sl_plan_topic *t = &rep->u.repartition.topic;
        sl_plan_node *src = sl_arena_calloc(&plan->arena, 1, sizeof(*src));

        memset(t, 0, sizeof(*t));
        t->name = sl_arena_sprintf(&plan->arena, "_sluice_%s-%d-repartition", plan->query_id, rep->id);
        t->key_format = SL_SERDE_JSON;
        t->value_format = SL_SERDE_JSON;
        t->key_slots = sl_arena_calloc(&plan->arena, rep->width + 1, sizeof(size_t));
        t->value_slots = sl_arena_calloc(&plan->arena, rep->width + 1, sizeof(size_t));
        for (size_t c = 0; c < rep->width; c++) {
                if (rep->cols[c].key)
                        t->key_slots[t->nkey++] = c;
                else if (rep->cols[c].name && *rep->cols[c].name)
                        t->value_slots[t->nvalue++] = c;
        }
        /* one key column from a KAFKA-keyed source keeps the KAFKA format, as ksqlDB's repartition
         * topics do: the producer partitions by the key's bytes, so only then does a re-keyed
         * stream land on the partition of the table it joins (a JSON "1011" and the 8-byte
         * BIGINT 1011 hash apart) */
        const sl_plan_node *up = rep->input;
        while (up && up->kind != SL_PLAN_SOURCE)
                up = up->input;
        if (t->nkey == 1 && up && up->u.source.topic.key_format == SL_SERDE_KAFKA &&
            kafka_key_type(rep->cols[t->key_slots[0]].type))
                t->key_format = SL_SERDE_KAFKA;
        if ((*rc = topic_serdes(plan, rep, t, err)) != SL_OK)
                return NULL;
        src->kind = SL_PLAN_SOURCE;
        src->table = rep->table;
        src->cols = rep->cols;
        src->width = rep->width;
        src->u.source.source = t->name;
        src->u.source.topic = *t;
        src->u.source.pseudo_base = rep->u.repartition.key ? rep->u.repartition.side_base : rep->width;
        src->u.source.ts_slot = -1;
        src->u.source.internal = true;
        src->input = NULL;
        return src;
}

/* The state stores of the nodes, for the engine to create their changelog topics. */
static void declare_stores(sl_plan *plan)
{
        for (size_t i = 0; i < plan->nnodes; i++) {
                const sl_plan_node *node = plan->nodes[i];

                switch (node->kind) {
                case SL_PLAN_SOURCE:
                        if (node->u.source.store && !node->u.source.internal)
                                sl_plan_add_store(plan, node->u.source.store, SL_PLAN_STORE_KV, node->sub);
                        break;
                case SL_PLAN_AGGREGATE:
                        sl_plan_add_store(plan, node->u.aggregate.store, SL_PLAN_STORE_KV, node->sub);
                        break;
                case SL_PLAN_WINDOW_AGGREGATE:
                        sl_plan_add_store(plan, node->u.aggregate.store, SL_PLAN_STORE_WINDOW, node->sub);
                        break;
                case SL_PLAN_SESSION_AGGREGATE:
                        sl_plan_add_store(plan, node->u.aggregate.store, SL_PLAN_STORE_SESSION, node->sub);
                        break;
                case SL_PLAN_JOIN: {
                        bool ss = node->u.join.type == SL_PLAN_JOIN_STREAM_STREAM;
                        sl_plan_store_kind side = ss ? SL_PLAN_STORE_WINDOW : SL_PLAN_STORE_KV;

                        if (node->u.join.left_store)
                                sl_plan_add_store(plan, node->u.join.left_store, side, node->sub);
                        if (node->u.join.right_store)
                                sl_plan_add_store(plan, node->u.join.right_store, side, node->sub);
                        /* stream-stream: outer rows waiting for their window (with GRACE only) */
                        if (node->u.join.outer_store &&
                            (!ss || (node->u.join.grace_ms >= 0 && node->u.join.kind != SL_AST_JOIN_INNER)))
                                sl_plan_add_store(plan, node->u.join.outer_store, SL_PLAN_STORE_KV, node->sub);
                        break;
                }
                default:
                        break;
                }
        }
}

/* Sub-topologies: every source starts one, a node runs in its input's, and a join merges those of
 * its two inputs. Ids are then numbered from 0 in order of first appearance. */
static sl_err assign_subs(sl_plan *plan, sl_err_detail *err)
{
        int next = 0;
        int *map;

        for (size_t i = 0; i < plan->nnodes; i++) {
                sl_plan_node *node = plan->nodes[i];

                node->id = (int)i;
                if (node->kind == SL_PLAN_SOURCE) {
                        node->sub = next++;
                } else if (!node->input) {
                        return sl_err_set(err, SL_ERR_INTERNAL, "plan node %zu has no input", i);
                } else {
                        node->sub = node->input->sub;
                        if (node->right && node->right->sub != node->sub) {
                                int from = node->right->sub;

                                for (size_t k = 0; k < i; k++)
                                        if (plan->nodes[k]->sub == from)
                                                plan->nodes[k]->sub = node->sub;
                        }
                }
        }
        map = sl_calloc((size_t)next + 1, sizeof(*map));
        for (int k = 0; k < next; k++)
                map[k] = -1;
        next = 0;
        for (size_t i = 0; i < plan->nnodes; i++) {
                sl_plan_node *node = plan->nodes[i];

                if (map[node->sub] < 0)
                        map[node->sub] = next++;
                node->sub = map[node->sub];
        }
        sl_free(map);
        plan->nsubs = (size_t)next;
        plan->subs = sl_arena_calloc(&plan->arena, plan->nsubs + 1, sizeof(*plan->subs));
        for (size_t i = 0; i < plan->nnodes; i++) {
                sl_plan_node *node = plan->nodes[i];
                sl_plan_sub *s = &plan->subs[node->sub];

                if (!s->nodes) {
                        s->id = node->sub;
                        s->source = node;
                        s->nodes = sl_arena_calloc(&plan->arena, plan->nnodes, sizeof(*s->nodes));
                        s->sources = sl_arena_calloc(&plan->arena, plan->nnodes, sizeof(*s->sources));
                        if (!SL_ALWAYS(node->kind == SL_PLAN_SOURCE))
                                return sl_err_set(err, SL_ERR_INTERNAL, "sub-topology %d does not start at a source",
                                                  s->id);
                }
                s->nodes[s->nnodes++] = node;
                if (node->kind == SL_PLAN_SOURCE)
                        s->sources[s->nsources++] = node;
        }
        return SL_OK;
}

sl_err sl_plan_physical(sl_plan *plan, sl_err_detail *err)
{
        sl_err rc = SL_OK;

        for (size_t i = 0; i < plan->nnodes; i++) {
                sl_plan_node *node = plan->nodes[i];

                node->id = (int)i;
                switch (node->kind) {
                case SL_PLAN_SOURCE:
                        if (!node->u.source.internal &&
                            (rc = topic_serdes(plan, node, &node->u.source.topic, err)) != SL_OK)
                                return rc;
                        break;
                case SL_PLAN_FILTER:
                        if ((rc = compile(plan, node->u.filter.expr, &node->u.filter.pred, err)) != SL_OK)
                                return rc;
                        break;
                case SL_PLAN_PROJECT:
                        node->u.project.progs = sl_arena_calloc(&plan->arena, node->u.project.n + 1,
                                                                sizeof(*node->u.project.progs));
                        for (size_t c = 0; c < node->u.project.n; c++)
                                if ((rc = compile(plan, node->u.project.exprs[c], &node->u.project.progs[c], err)) !=
                                    SL_OK)
                                        return rc;
                        break;
                case SL_PLAN_FLATMAP:
                case SL_PLAN_AGGREGATE:
                case SL_PLAN_WINDOW_AGGREGATE:
                case SL_PLAN_SESSION_AGGREGATE:
                        break;
                case SL_PLAN_GROUP_BY:
                        node->u.group_by.progs = sl_arena_calloc(&plan->arena, node->u.group_by.n + 1,
                                                                 sizeof(*node->u.group_by.progs));
                        for (size_t c = 0; c < node->u.group_by.n; c++)
                                if ((rc = compile(plan, node->u.group_by.exprs[c], &node->u.group_by.progs[c], err)) !=
                                    SL_OK)
                                        return rc;
                        break;
                case SL_PLAN_JOIN:
                        if ((rc = compile(plan, node->u.join.left_key, &node->u.join.left_prog, err)) != SL_OK ||
                            (rc = compile(plan, node->u.join.right_key, &node->u.join.right_prog, err)) != SL_OK)
                                return rc;
                        break;
                case SL_PLAN_REPARTITION:
                        if (node->u.repartition.key &&
                            (rc = compile(plan, node->u.repartition.key, &node->u.repartition.key_prog, err)) != SL_OK)
                                return rc;
                        if (node->u.repartition.through && i + 1 < plan->nnodes) {
                                sl_plan_node *src = split_at(plan, i, err, &rc);

                                if (!src)
                                        return rc;
                                plan->nodes = sl_realloc(plan->nodes, (plan->nnodes + 1) * sizeof(*plan->nodes));
                                memmove(&plan->nodes[i + 2], &plan->nodes[i + 1],
                                        (plan->nnodes - i - 1) * sizeof(*plan->nodes));
                                plan->nodes[i + 1] = src;
                                plan->nnodes++;
                                /* whatever read the repartition step now reads the new source */
                                for (size_t k = i + 2; k < plan->nnodes; k++) {
                                        if (plan->nodes[k]->input == node)
                                                plan->nodes[k]->input = src;
                                        if (plan->nodes[k]->right == node)
                                                plan->nodes[k]->right = src;
                                }
                        } else {
                                node->u.repartition.through = false;
                        }
                        break;
                case SL_PLAN_SINK:
                        if (!node->u.sink.transient &&
                            (rc = topic_serdes(plan, node, &node->u.sink.topic, err)) != SL_OK)
                                return rc;
                        break;
                default:
                        return sl_err_set(err, SL_ERR_INTERNAL, "unknown plan node kind %d", (int)node->kind);
                }
        }
        if ((rc = assign_subs(plan, err)) != SL_OK)
                return rc;
        declare_stores(plan);
        return SL_OK;
}
