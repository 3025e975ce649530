/* logical.c: from the analyzer's description of a persistent query to the chain of plan nodes
 *
 *     source -> [filter] -> [flatmap] -> project -> [repartition] -> sink
 *
 * The source emits the analyzer's input row, so the WHERE predicate and the SELECT expressions run
 * over it unchanged. Table function calls in the SELECT list (EXPLODE(arr) + 1) become columns of
 * the flatmap's output: the flatmap appends one slot per call and the projection reads that slot
 * where the call was. PARTITION BY needs no step of its own for a stream query: its keys are the
 * key columns the projection computes, and the sink's producer partitions by them, as ksqlDB
 * writes a PARTITION BY result straight to its sink topic. The repartition node marks the re-key
 * (EXPLAIN shows it); physical.c sends rows through an internal topic only when `through` is set,
 * which a stateful step after it (GROUP BY, joins) asks for. An aggregation's steps between WHERE
 * and the SELECT list come from logical_agg.c; the SELECT list then reads the agg row.
 *
 * What the runtime cannot do yet is refused with SL_ERR_UNSUPPORTED naming the feature, so the
 * conformance runner can report it as skipped. */
#include "plan/plan.h"

#include <stdio.h>
#include <string.h>

#include "common/mem.h"

static sl_err unsupported(sl_err_detail *err, const char *feature)
{
        return sl_err_set(err, SL_ERR_UNSUPPORTED, "%s", feature);
}

/* Is `e` a table function call? Built-ins the registry does not hold have no resolved function. */
static bool is_tf_call(const sl_expr *e, sl_plan_tf_kind *kind)
{
        const char *name;

        if (e->kind != SL_EXPR_CALL)
                return false;
        if (e->fn) {
                if (e->fn->func->kind != SL_FUNC_TABLE)
                        return false;
                *kind = SL_PLAN_TF_REGISTRY;
                return true;
        }
        name = e->ast ? e->ast->name : NULL;
        if (!name)
                return false;
        if (sl_str_eq_ci(name, "EXPLODE")) {
                *kind = SL_PLAN_TF_EXPLODE;
                return true;
        }
        if (sl_str_eq_ci(name, "CUBE_EXPLODE")) {
                *kind = SL_PLAN_TF_CUBE_EXPLODE;
                return true;
        }
        return false;
}

/* The table function calls found so far, and where their slots start. */
typedef struct tf_list {
        const sl_expr **calls;  /* in discovery order */
        size_t n;
        size_t cap;
        size_t base;            /* slot of calls[0] in the flatmap's output */
} tf_list;

/* Copies `e` with every table function call replaced by a column read of its flatmap slot;
 * sub-trees without calls are shared, not copied. */
static const sl_expr *rewrite_tf(sl_arena *arena, const sl_expr *e, tf_list *tfs)
{
        sl_plan_tf_kind kind;
        sl_expr *copy = NULL;

        if (!e)
                return NULL;
        if (is_tf_call(e, &kind)) {
                sl_expr *col = sl_expr_new(arena, SL_EXPR_COLUMN, e->type, 0);

                if (tfs->n == tfs->cap) {
                        tfs->cap = tfs->cap ? 2 * tfs->cap : 4;
                        tfs->calls = sl_realloc(tfs->calls, tfs->cap * sizeof(*tfs->calls));
                }
                col->index = (int)(tfs->base + tfs->n);
                col->ast = e->ast;
                tfs->calls[tfs->n++] = e;
                return col;
        }
        for (size_t i = 0; i < e->nargs; i++) {
                const sl_expr *r = rewrite_tf(arena, e->args[i], tfs);

                if (r == e->args[i])
                        continue;
                if (!copy) {
                        copy = sl_arena_alloc(arena, sizeof(*copy));
                        *copy = *e;
                        copy->args = sl_arena_alloc(arena, e->nargs * sizeof(*copy->args));
                        memcpy(copy->args, e->args, e->nargs * sizeof(*copy->args));
                        copy->constant = false;
                }
                copy->args[i] = (sl_expr *)r;
        }
        return copy ? copy : e;
}

/* Refuses what the runtime does not run yet. */
static sl_err check_supported(const sl_analysis *a, sl_err_detail *err)
{
        if (a->kind != SL_AST_STMT_CREATE_STREAM_AS && a->kind != SL_AST_STMT_CREATE_TABLE_AS &&
            a->kind != SL_AST_STMT_INSERT_INTO && a->kind != SL_AST_STMT_QUERY)
                return sl_err_set(err, SL_ERR_INVALID, "not a persistent query");
        if (a->kind == SL_AST_STMT_QUERY && a->pull)
                return unsupported(err, "pull queries");
        if (!a->has_query || a->nsources == 0)
                return sl_err_set(err, SL_ERR_INVALID, "not a persistent query");
        return SL_OK;
}

/* PARSE_TIMESTAMP(STRING, STRING), resolved once per plan for TIMESTAMP_FORMAT columns. */
static const sl_func_resolved *ts_parser(const sl_plan_ctx *ctx, sl_plan *plan, sl_err_detail *err)
{
        sl_func_arg args[2] = {{.type = sl_type_string()}, {.type = sl_type_string()}};
        sl_func_resolved *res = sl_arena_calloc(&plan->arena, 1, sizeof(*res));

        if (!ctx || !ctx->reg ||
            sl_func_registry_resolve(ctx->reg, "PARSE_TIMESTAMP", args, 2, NULL, NULL, &plan->arena, res, err) != SL_OK)
                return NULL;
        return res;
}

/* A source node emitting the input row: source `si`'s columns at its `base`, then the pseudo
 * block (in a join: the source's own ROWTIME..WINDOWEND right after its columns; the other
 * sources' slots stay NULL). */
sl_err sl_plan_logical_source(const sl_plan_ctx *ctx, sl_plan *plan, const sl_analysis *a, size_t si,
                              sl_err_detail *err)
{
        const sl_analysis_source *as = &a->sources[si];
        bool join = a->nsources > 1;
        const sl_catalog_source *src = as->src;
        sl_plan_node *node = sl_plan_node_add(plan, SL_PLAN_SOURCE);
        sl_plan_column *cols = sl_calloc(a->input_width + 1, sizeof(*cols));
        size_t nh = 0;
        sl_err rc;

        for (size_t i = 0; i < a->input_width; i++) {
                cols[i].name = "";
                cols[i].type = sl_type_null();
        }
        for (size_t i = 0; i < src->ncolumns; i++) {
                cols[as->base + i].name = src->columns[i].name;
                cols[as->base + i].type = src->columns[i].type;
                cols[as->base + i].key = src->columns[i].role == SL_CATALOG_KEY;
                nh += src->columns[i].role == SL_CATALOG_HEADERS || src->columns[i].role == SL_CATALOG_HEADER;
        }
        for (int p = 0; !join && p < SL_PSEUDO__COUNT && a->pseudo_base + (size_t)p < a->input_width; p++) {
                cols[a->pseudo_base + p].name = sl_analysis_pseudo_name((sl_analysis_pseudo)p);
                cols[a->pseudo_base + p].type = p == SL_PSEUDO_ROWPARTITION ? sl_type_int() :
                                                p == SL_PSEUDO_ROWKEY       ? sl_type_string() :
                                                                              sl_type_bigint();
        }
        /* a push query on a windowed table: the window bounds belong to the key (the source gives
         * them to tombstones too) */
        if (!join && a->kind == SL_AST_STMT_QUERY && src->kind == SL_CATALOG_TABLE &&
            src->window != SL_CATALOG_WINDOW_NONE && a->pseudo_base + SL_PSEUDO_WINDOWEND < a->input_width) {
                cols[a->pseudo_base + SL_PSEUDO_WINDOWSTART].key = true;
                cols[a->pseudo_base + SL_PSEUDO_WINDOWEND].key = true;
        }
        sl_plan_node_set_cols(plan, node, cols, a->input_width);
        sl_free(cols);
        node->table = src->kind == SL_CATALOG_TABLE;
        if (node->table)
                node->u.source.store = "KsqlTopic-Reduce";
        node->u.source.source = sl_arena_strdup(&plan->arena, src->name);
        node->u.source.base = as->base;
        node->u.source.pseudo_base = join ? as->base + src->ncolumns : a->pseudo_base;
        node->input = NULL;
        if ((rc = sl_plan_topic_from_source(plan, &node->u.source.topic, src, as->base, err)) != SL_OK)
                return rc;
        node->u.source.hdrs = sl_arena_calloc(&plan->arena, nh + 1, sizeof(*node->u.source.hdrs));
        for (size_t i = 0; i < src->ncolumns; i++) {
                sl_plan_header_col *h;

                if (src->columns[i].role != SL_CATALOG_HEADERS && src->columns[i].role != SL_CATALOG_HEADER)
                        continue;
                h = &node->u.source.hdrs[node->u.source.nhdrs++];
                h->slot = as->base + i;
                h->header_key = src->columns[i].header_key ? sl_arena_strdup(&plan->arena, src->columns[i].header_key)
                                                            : NULL;
        }
        if (src->timestamp_column) {
                int c = sl_catalog_source_column_index(src, src->timestamp_column);

                if (c < 0)
                        return sl_err_set(err, SL_ERR_INVALID, "unknown TIMESTAMP column %s", src->timestamp_column);
                node->u.source.ts_slot = (int)(as->base + (size_t)c);
                node->u.source.ts_format =
                        src->timestamp_format ? sl_arena_strdup(&plan->arena, src->timestamp_format) : NULL;
                if (src->columns[c].type->kind == SL_TYPE_STRING &&
                    !(node->u.source.ts_parse = ts_parser(ctx, plan, err)))
                        return unsupported(err, "TIMESTAMP_FORMAT without PARSE_TIMESTAMP");
        }
        return SL_OK;
}

/* The sink: the C*AS's new source, or the INSERT INTO target. */
static sl_err add_sink(const sl_plan_ctx *ctx, sl_plan *plan, const sl_analysis *a, sl_err_detail *err)
{
        const sl_catalog_source *dst = a->new_source ? a->new_source : a->sink;
        sl_plan_node *node = sl_plan_node_add(plan, SL_PLAN_SINK);
        sl_err rc;

        if (a->kind == SL_AST_STMT_QUERY) {
                /* transient: rows go to the caller as they are */
                sl_plan_node_set_cols(plan, node, node->input->cols, node->input->width);
                node->table = a->result_kind == SL_CATALOG_TABLE;
                node->u.sink.transient = true;
                node->u.sink.limit = a->limit;
                return SL_OK;
        }
        if (!dst)
                return sl_err_set(err, SL_ERR_INVALID, "persistent query without a sink");
        sl_plan_node_set_cols(plan, node, node->input->cols, node->input->width);
        node->table = dst->kind == SL_CATALOG_TABLE;
        node->u.sink.sink = sl_arena_strdup(&plan->arena, dst->name);
        if ((rc = sl_plan_topic_from_source(plan, &node->u.sink.topic, dst, 0, err)) != SL_OK)
                return rc;
        if (a->new_source) {
                /* a C*AS writes with its source's delimiters unless it names its own */
                const sl_plan_topic *in = &plan->nodes[0]->u.source.topic;
                sl_plan_topic *t = &node->u.sink.topic;

                if (!t->value_delimiter && t->value_format == SL_SERDE_DELIMITED &&
                    in->value_format == SL_SERDE_DELIMITED)
                        t->value_delimiter = in->value_delimiter;
                if (!t->key_delimiter && t->key_format == SL_SERDE_DELIMITED && in->key_format == SL_SERDE_DELIMITED)
                        t->key_delimiter = in->key_delimiter;
        }
        if (dst->timestamp_column) {
                int c = sl_catalog_source_column_index(dst, dst->timestamp_column);

                if (c < 0)
                        return sl_err_set(err, SL_ERR_INVALID, "unknown TIMESTAMP column %s", dst->timestamp_column);
                node->u.sink.ts_slot = c;
                node->u.sink.ts_format =
                        dst->timestamp_format ? sl_arena_strdup(&plan->arena, dst->timestamp_format) : NULL;
                if (dst->columns[c].type->kind == SL_TYPE_STRING && !(node->u.sink.ts_parse = ts_parser(ctx, plan, err)))
                        return unsupported(err, "TIMESTAMP_FORMAT without PARSE_TIMESTAMP");
        }
        return SL_OK;
}

sl_err sl_plan_logical(const sl_plan_ctx *ctx, sl_analysis *a, sl_plan **out, sl_err_detail *err)
{
        sl_plan *plan = NULL;
        sl_plan_node *node;
        tf_list tfs = {0};
        const sl_expr **exprs = NULL;
        sl_plan_column *cols = NULL;
        sl_err rc;

        *out = NULL;
        if ((rc = check_supported(a, err)) != SL_OK)
                return rc;
        if (a->query_id) {
                plan = sl_plan_new(a->query_id);
        } else {
                static _Atomic unsigned long seq;
                char id[256];

                snprintf(id, sizeof(id), "transient_%s_%lu", a->sources[0].src->name, (unsigned long)++seq);
                plan = sl_plan_new(id);
        }
        plan->nlvars = a->nlvars;
        plan->wrap_default = ctx ? ctx->wrap_single_values : 0;
        rc = a->nsources > 1 ? sl_plan_logical_join(ctx, plan, a, err) : sl_plan_logical_source(ctx, plan, a, 0, err);
        if (rc != SL_OK)
                goto fail;
        if (a->where) {
                node = sl_plan_node_add(plan, SL_PLAN_FILTER);
                sl_plan_node_set_cols(plan, node, node->input->cols, node->input->width);
                node->u.filter.expr = a->where;
        }
        if (a->aggregate && (rc = sl_plan_logical_agg(plan, a, err)) != SL_OK)
                goto fail;
        /* the SELECT list, with table function calls turned into flatmap slots */
        tfs.base = plan->nodes[plan->nnodes - 1]->width;
        exprs = sl_calloc(a->ncolumns + 1, sizeof(*exprs));
        for (size_t i = 0; i < a->ncolumns; i++)
                exprs[i] = rewrite_tf(&plan->arena, a->columns[i].expr, &tfs);
        if (a->nsources > 1 && !a->aggregate) /* an aggregation's projection reads the agg row */
                sl_plan_logical_join_keys(plan, a, exprs);
        if (tfs.n) {
                sl_plan_node *in = plan->nodes[plan->nnodes - 1];

                node = sl_plan_node_add(plan, SL_PLAN_FLATMAP);
                cols = sl_calloc(in->width + tfs.n, sizeof(*cols));
                memcpy(cols, in->cols, in->width * sizeof(*cols));
                node->u.flatmap.tfs = sl_arena_calloc(&plan->arena, tfs.n, sizeof(*node->u.flatmap.tfs));
                node->u.flatmap.ntfs = tfs.n;
                for (size_t k = 0; k < tfs.n; k++) {
                        const sl_expr *call = tfs.calls[k];
                        sl_plan_tf *tf = &node->u.flatmap.tfs[k];

                        is_tf_call(call, &tf->kind);
                        tf->name = sl_arena_strdup(&plan->arena, call->fn ? call->fn->func->name : call->ast->name);
                        tf->fn = call->fn;
                        tf->type = call->type;
                        tf->nargs = call->nargs;
                        tf->args = sl_arena_calloc(&plan->arena, call->nargs + 1, sizeof(*tf->args));
                        cols[in->width + k].name = sl_arena_sprintf(&plan->arena, "KSQL_SYNTH_%zu", k);
                        cols[in->width + k].type = call->type;
                        for (size_t j = 0; j < call->nargs; j++) {
                                sl_err_detail e;

                                if (!(tf->args[j] = sl_expr_compile(&plan->arena, call->args[j], a->nlvars, &e))) {
                                        rc = sl_err_set(err, SL_ERR_UNSUPPORTED, "%s", e.message);
                                        goto fail;
                                }
                        }
                }
                sl_plan_node_set_cols(plan, node, cols, in->width + tfs.n);
                sl_free(cols);
                cols = NULL;
        }
        node = sl_plan_node_add(plan, SL_PLAN_PROJECT);
        cols = sl_calloc(a->ncolumns + 1, sizeof(*cols));
        for (size_t i = 0; i < a->ncolumns; i++) {
                cols[i].name = a->columns[i].name;
                cols[i].type = a->columns[i].type;
                cols[i].key = a->columns[i].key;
                /* a push query on a table marks no key in the analysis: a column read from the
                 * table's key is one here, so a tombstone keeps it (ksqlDB emits the delete with
                 * its key) */
                if (a->kind == SL_AST_STMT_QUERY && !a->aggregate && a->result_kind == SL_CATALOG_TABLE &&
                    exprs[i]->kind == SL_EXPR_COLUMN && exprs[i]->index >= 0 &&
                    (size_t)exprs[i]->index < node->input->width && node->input->cols[exprs[i]->index].key)
                        cols[i].key = true;
        }
        sl_plan_node_set_cols(plan, node, cols, a->ncolumns);
        node->u.project.exprs = sl_arena_calloc(&plan->arena, a->ncolumns + 1, sizeof(*node->u.project.exprs));
        memcpy(node->u.project.exprs, exprs, a->ncolumns * sizeof(*exprs));
        node->u.project.n = a->ncolumns;
        node->u.project.rekey = a->npartition_by || a->partition_by_null;
        if (a->npartition_by || a->partition_by_null) {
                node = sl_plan_node_add(plan, SL_PLAN_REPARTITION);
                sl_plan_node_set_cols(plan, node, node->input->cols, node->input->width);
        }
        if ((rc = add_sink(ctx, plan, a, err)) != SL_OK)
                goto fail;
        sl_free(tfs.calls);
        sl_free(exprs);
        sl_free(cols);
        *out = plan;
        return SL_OK;
fail:
        sl_free(tfs.calls);
        sl_free(exprs);
        sl_free(cols);
        sl_plan_free(plan);
        return rc;
}
