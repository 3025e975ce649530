/* logical_join.c: the join part of a query's logical plan. For
 *
 *     SELECT ... FROM S1 JOIN T2 ON S1.ID = T2.ID LEFT JOIN T3 ON S1.V = T3.ID ...
 *
 * every source gets a SOURCE node that emits the analyzer's input row with only its own slots
 * filled (its columns at its `base`, its own ROWTIME..WINDOWEND right after them), and every join
 * step a JOIN node reading the result so far (left) and the next source (right). A JOIN emits the
 * input row again: the left slots [0, right_lo) from the left record, the right slots
 * [right_lo, right_hi) from the right one (NULL for the missing side of an outer join), and the
 * shared pseudo block (ROWTIME of the result, ROWKEY: the join key), so WHERE and the SELECT list
 * run over it exactly as the analyzer typed them.
 *
 * Co-partitioning. Both inputs of a key join must be partitioned by the join key. A side whose
 * criteria is not its key (the source's only key column, or after an earlier join that join's
 * key) is re-keyed through an internal repartition topic: a REPARTITION node computes the key
 * expression into one extra slot, flagged key, while the side's columns go to the value, and the
 * source re-reading the topic lays the row out as before. Tables are never re-keyed (the analyzer
 * only lets primary-key and foreign-key criteria through); a foreign-key join needs no
 * co-partitioning. Otherwise the partition counts of the two sides must match, or the statement
 * fails with ksqlDB's message naming both. */
#include "plan/plan.h"

#include <string.h>

#include "common/mem.h"
#include "sql/ast_print.h"

/* Index of the one source `e` reads (columns of the input row), or -1. */
static int source_of(const sl_analysis *a, const sl_expr *e)
{
        int found = -1;

        if (!e)
                return -1;
        if (e->kind == SL_EXPR_COLUMN) {
                for (size_t i = 0; i < a->nsources; i++) {
                        size_t lo = a->sources[i].base, hi = lo + a->sources[i].src->ncolumns + SL_PSEUDO_ROWKEY;

                        if ((size_t)e->index >= lo && (size_t)e->index < hi)
                                return (int)i;
                }
                return -1;
        }
        for (size_t k = 0; k < e->nargs; k++) {
                int s = source_of(a, e->args[k]);

                if (s >= 0)
                        found = s;
        }
        return found;
}

/* Is `e` the only key column of source `si`? */
static bool is_key_column(const sl_analysis *a, const sl_expr *e, size_t si)
{
        const sl_analysis_source *s = &a->sources[si];

        return e->kind == SL_EXPR_COLUMN && (size_t)e->index == s->base && sl_catalog_source_nkeys(s->src) == 1;
}

/* Re-keys `in` by `key` through an internal topic; returns the REPARTITION node. The row keeps
 * its layout plus one slot for the key; `side_base` is where the re-read source puts its own
 * ROWTIME..WINDOWEND (the input width when the side has none of its own). */
static sl_plan_node *rekey(sl_plan *plan, sl_plan_node *in, const sl_expr *key, size_t side_base)
{
        sl_plan_node *node = sl_plan_node_add(plan, SL_PLAN_REPARTITION);
        sl_plan_column *cols = sl_calloc(in->width + 1, sizeof(*cols));

        memcpy(cols, in->cols, in->width * sizeof(*cols));
        for (size_t i = 0; i < in->width; i++)
                cols[i].key = false;
        cols[in->width].name = "KSQL_JOIN_KEY";
        cols[in->width].type = key->type;
        cols[in->width].key = true;
        node->input = in;
        sl_plan_node_set_cols(plan, node, cols, in->width + 1);
        sl_free(cols);
        node->u.repartition.key = key;
        node->u.repartition.through = true;
        node->u.repartition.side_base = side_base;
        return node;
}

/* The output layout of a join step: the left input's named slots, the right source's columns,
 * and the shared pseudo block. */
static void join_cols(sl_plan *plan, sl_plan_node *node, const sl_plan_node *left, const sl_analysis *a,
                      const sl_analysis_join *jn)
{
        sl_plan_column *cols = sl_calloc(a->input_width + 1, sizeof(*cols));
        const sl_analysis_source *rs = &a->sources[jn->right];

        for (size_t i = 0; i < a->input_width; i++) {
                cols[i].name = i < left->width ? left->cols[i].name : "";
                cols[i].type = i < left->width ? left->cols[i].type : sl_type_null();
                cols[i].key = false;
        }
        for (size_t c = 0; c < rs->src->ncolumns; c++) {
                cols[rs->base + c].name = sl_arena_sprintf(&plan->arena, "%s_%s", rs->alias, rs->src->columns[c].name);
                cols[rs->base + c].type = rs->src->columns[c].type;
        }
        if (left->kind == SL_PLAN_SOURCE || left->kind == SL_PLAN_REPARTITION) {
                const sl_analysis_source *ls = &a->sources[0];

                for (size_t c = 0; c < ls->src->ncolumns && jn->right == 1; c++)
                        cols[ls->base + c].name =
                                sl_arena_sprintf(&plan->arena, "%s_%s", ls->alias, ls->src->columns[c].name);
        }
        for (int p = 0; p < SL_PSEUDO__COUNT; p++) {
                cols[a->pseudo_base + p].name = sl_analysis_pseudo_name((sl_analysis_pseudo)p);
                cols[a->pseudo_base + p].type = p == SL_PSEUDO_ROWPARTITION ? sl_type_int() :
                                                p == SL_PSEUDO_ROWKEY       ? jn->left_key->type :
                                                                              sl_type_bigint();
        }
        cols[a->pseudo_base + SL_PSEUDO_ROWKEY].key = !jn->foreign_key;
        /* a foreign-key join is keyed by the left table's key */
        for (size_t c = 0; jn->foreign_key && c < sl_catalog_source_nkeys(a->sources[0].src); c++)
                cols[a->sources[0].base + c].key = true;
        sl_plan_node_set_cols(plan, node, cols, a->input_width);
        sl_free(cols);
}

/* A join criteria side as ksqlDB prints it in messages: SOURCE.COLUMN, else the expression. */
static void print_side(sl_str *out, const sl_analysis *a, const sl_expr *e)
{
        int si = source_of(a, e);

        if (e->kind == SL_EXPR_COLUMN && si >= 0 &&
            (size_t)e->index < a->sources[si].base + a->sources[si].src->ncolumns) {
                sl_str_appendf(out, "%s.%s", a->sources[si].src->name,
                               a->sources[si].src->columns[e->index - a->sources[si].base].name);
                return;
        }
        if (e->ast)
                sl_ast_print_expr(out, e->ast);
}

/* What ksqlDB refuses at planning: KAFKA-format values, foreign-key steps after the first, and
 * re-keying windowed sources. */
static sl_err check_joins(const sl_analysis *a, sl_err_detail *err)
{
        sl_str names;
        size_t nkafka = 0;
        sl_err rc = SL_OK;

        sl_str_init(&names);
        for (size_t i = 0; i < a->nsources; i++) {
                if (!a->sources[i].src->value_format || !sl_str_eq_ci(a->sources[i].src->value_format, "KAFKA"))
                        continue;
                sl_str_appendf(&names, "%s%s", nkafka++ ? ", " : "", a->sources[i].src->name);
        }
        if (nkafka) {
                rc = sl_err_set(err, SL_ERR_INVALID,
                                "Source(s) %s are using the 'KAFKA' value format. This format does not yet support JOIN.",
                                sl_str_cstr(&names));
                goto done;
        }
        for (size_t j = 1; j < a->njoins; j++) {
                if (!a->joins[j].foreign_key)
                        continue;
                sl_str_reset(&names);
                print_side(&names, a, a->joins[j].left_key);
                sl_str_append(&names, " = ");
                print_side(&names, a, a->joins[j].right_key);
                rc = sl_err_set(err, SL_ERR_INVALID,
                                "Invalid join condition: foreign-key table-table joins are not supported as part of "
                                "n-way joins. Got %s.", sl_str_cstr(&names));
                goto done;
        }
done:
        sl_str_deinit(&names);
        return rc;
}

sl_err sl_plan_logical_join(const sl_plan_ctx *ctx, sl_plan *plan, const sl_analysis *a, sl_err_detail *err)
{
        sl_plan_node *left;
        sl_err rc;

        if ((rc = check_joins(a, err)) != SL_OK)
                return rc;
        if ((rc = sl_plan_logical_source(ctx, plan, a, 0, err)) != SL_OK)
                return rc;
        left = plan->nodes[plan->nnodes - 1];
        for (size_t j = 0; j < a->njoins; j++) {
                const sl_analysis_join *jn = &a->joins[j];
                const sl_analysis_source *rs = &a->sources[jn->right];
                int ls = source_of(a, jn->left_key);
                sl_plan_node *right, *node;
                bool left_keyed, right_keyed;

                if (ls < 0)
                        ls = 0;
                if (!jn->foreign_key) {
                        const sl_catalog_source *l = a->sources[ls].src;

                        if (l->partitions > 0 && rs->src->partitions > 0 && l->partitions != rs->src->partitions)
                                return sl_err_set(err, SL_ERR_INVALID,
                                                  "Can't join `%s` with `%s` since the number of partitions don't "
                                                  "match. `%s` partitions = %d; `%s` partitions = %d. Please "
                                                  "repartition either one so that the number of partitions match.",
                                                  l->name, rs->src->name, l->name, l->partitions, rs->src->name,
                                                  rs->src->partitions);
                }
                /* the left side is keyed by the join key: its source's key, or the previous join's */
                if (j == 0)
                        left_keyed = is_key_column(a, jn->left_key, 0);
                else
                        left_keyed = sl_expr_equal(jn->left_key, a->joins[j - 1].left_key) ||
                                     sl_expr_equal(jn->left_key, a->joins[j - 1].right_key) ||
                                     (is_key_column(a, jn->left_key, (size_t)ls) && a->joins[j - 1].foreign_key &&
                                      ls == 0);
                right_keyed = is_key_column(a, jn->right_key, jn->right);
                if (jn->foreign_key)
                        left_keyed = true;
                if ((!left_keyed && a->sources[0].src->window != SL_CATALOG_WINDOW_NONE) ||
                    (!right_keyed && rs->src->window != SL_CATALOG_WINDOW_NONE))
                        return sl_err_set(err, SL_ERR_INVALID,
                                          "Implicit repartitioning of windowed sources is not supported. See "
                                          "https://github.com/confluentinc/ksql/issues/4385.");
                if (!left_keyed) {
                        if (left->table)
                                return sl_err_set(err, SL_ERR_UNSUPPORTED, "joins re-keying a table");
                        left = rekey(plan, left, jn->left_key,
                                     j == 0 ? a->sources[0].base + a->sources[0].src->ncolumns : left->width + 1);
                }
                if ((rc = sl_plan_logical_source(ctx, plan, a, jn->right, err)) != SL_OK)
                        return rc;
                right = plan->nodes[plan->nnodes - 1];
                if (!right_keyed && !jn->foreign_key) {
                        if (right->table)
                                return sl_err_set(err, SL_ERR_UNSUPPORTED, "joins re-keying a table");
                        right = rekey(plan, right, jn->right_key, rs->base + rs->src->ncolumns);
                }
                node = sl_plan_node_add(plan, SL_PLAN_JOIN);
                node->input = left;
                node->right = right;
                node->table = left->table && right->table;
                node->u.join.type = jn->stream_stream ? SL_PLAN_JOIN_STREAM_STREAM
                                    : jn->foreign_key ? SL_PLAN_JOIN_FOREIGN_KEY
                                    : node->table     ? SL_PLAN_JOIN_TABLE_TABLE
                                                      : SL_PLAN_JOIN_STREAM_TABLE;
                node->u.join.kind = jn->kind;
                node->u.join.left_key = jn->left_key;
                node->u.join.right_key = jn->right_key;
                node->u.join.right_lo = rs->base;
                node->u.join.right_hi = rs->base + rs->src->ncolumns + SL_PSEUDO_ROWKEY;
                node->u.join.pseudo_base = a->pseudo_base;
                node->u.join.before_ms = jn->before_ms;
                node->u.join.after_ms = jn->after_ms;
                node->u.join.grace_ms = jn->grace_ms;
                node->u.join.right_name = sl_arena_strdup(&plan->arena, rs->src->name);
                switch (node->u.join.type) {
                case SL_PLAN_JOIN_STREAM_STREAM:
                        node->u.join.left_store = sl_arena_sprintf(&plan->arena, "Join%zu-this-join-store", j);
                        node->u.join.right_store = sl_arena_sprintf(&plan->arena, "Join%zu-other-join-store", j);
                        node->u.join.outer_store = sl_arena_sprintf(&plan->arena, "Join%zu-outer-shared-join-store", j);
                        break;
                case SL_PLAN_JOIN_STREAM_TABLE:
                        node->u.join.right_store = sl_arena_sprintf(&plan->arena, "KafkaTopic_Right%zu-Reduce", j);
                        break;
                case SL_PLAN_JOIN_FOREIGN_KEY:
                        node->u.join.outer_store = sl_arena_sprintf(&plan->arena, "Join%zu-subscription-store", j);
                        /* fall through */
                default:
                        node->u.join.left_store = sl_arena_sprintf(&plan->arena, "KafkaTopic_Left%zu-Reduce", j);
                        node->u.join.right_store = sl_arena_sprintf(&plan->arena, "KafkaTopic_Right%zu-Reduce", j);
                        break;
                }
                join_cols(plan, node, left, a, jn);
                left = node;
        }
        return SL_OK;
}

void sl_plan_logical_join_keys(sl_plan *plan, const sl_analysis *a, const sl_expr **exprs)
{
        const sl_analysis_join *last = &a->joins[a->njoins - 1];

        if (last->foreign_key)
                return;
        for (size_t i = 0; i < a->ncolumns; i++) {
                const sl_expr *e = exprs[i];
                bool join_col = false;
                sl_expr *k;

                if (!a->columns[i].key || e->kind != SL_EXPR_COLUMN)
                        continue;
                join_col = sl_expr_equal(e, last->left_key) || sl_expr_equal(e, last->right_key);
                for (size_t j = 0; !join_col && j + 1 < a->njoins; j++)
                        join_col = (sl_expr_equal(a->joins[j].left_key, last->left_key) ||
                                    sl_expr_equal(a->joins[j].right_key, last->left_key)) &&
                                   (sl_expr_equal(e, a->joins[j].left_key) || sl_expr_equal(e, a->joins[j].right_key));
                if (!join_col)
                        continue;
                k = sl_expr_new(&plan->arena, SL_EXPR_COLUMN, e->type, 0);
                k->index = (int)(a->pseudo_base + SL_PSEUDO_ROWKEY);
                k->ast = e->ast;
                exprs[i] = k;
        }
}
