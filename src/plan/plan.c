/* plan.c: the plan object -- allocation of plans and nodes, the description of a topic's records
 * (formats, serde properties, row slots of key and value columns) taken from a catalog source,
 * sl_plan_build (logical then physical) and sl_plan_free. */
#include "plan/plan.h"

#include <string.h>

#include "common/mem.h"
#include "sql/parse.h"

sl_plan *sl_plan_new(const char *query_id)
{
        sl_plan *plan = sl_calloc(1, sizeof(*plan));

        sl_arena_init(&plan->arena, 0);
        plan->query_id = sl_arena_strdup(&plan->arena, query_id ? query_id : "QUERY");
        return plan;
}

void sl_plan_free(sl_plan *plan)
{
        if (!plan)
                return;
        for (size_t i = 0; i < plan->nserdes; i++)
                sl_serde_free(plan->serdes[i]);
        sl_free(plan->serdes);
        sl_free(plan->nodes);
        sl_free(plan->stores);
        sl_analysis_free(plan->analysis);
        sl_arena_deinit(&plan->arena);
        sl_free(plan);
}

sl_plan_node *sl_plan_node_add(sl_plan *plan, sl_plan_kind kind)
{
        sl_plan_node *node = sl_arena_calloc(&plan->arena, 1, sizeof(*node));

        node->kind = kind;
        node->id = (int)plan->nnodes;
        node->input = plan->nnodes ? plan->nodes[plan->nnodes - 1] : NULL;
        if (node->input)
                node->table = node->input->table;
        if (kind == SL_PLAN_SOURCE)
                node->u.source.ts_slot = -1;
        if (kind == SL_PLAN_SINK)
                node->u.sink.ts_slot = -1;
        plan->nodes = sl_realloc(plan->nodes, (plan->nnodes + 1) * sizeof(*plan->nodes));
        plan->nodes[plan->nnodes++] = node;
        return node;
}

void sl_plan_node_set_cols(sl_plan *plan, sl_plan_node *node, const sl_plan_column *cols, size_t n)
{
        node->cols = sl_arena_calloc(&plan->arena, n ? n : 1, sizeof(*node->cols));
        for (size_t i = 0; i < n; i++) {
                node->cols[i].name = sl_arena_strdup(&plan->arena, cols[i].name);
                node->cols[i].type = sl_type_copy(&plan->arena, cols[i].type);
                node->cols[i].key = cols[i].key;
        }
        node->width = n;
}

/* The WITH properties of the statement that created `src` that the catalog does not keep
 * (WRAP_SINGLE_VALUE given or not, the delimiters): read back from its statement text. */
static void source_props(const sl_catalog_source *src, int *wrap, const char **kdelim, const char **vdelim,
                         sl_arena *arena, sl_plan_topic *topic)
{
        sl_ast_stmt *stmt = NULL;

        *wrap = -1;
        *kdelim = *vdelim = NULL;
        if (!src->sql || sl_parse_statement(src->sql, NULL, &stmt, NULL) != SL_OK || !stmt->props)
                goto done;
        for (size_t i = 0; i < stmt->props->len; i++) {
                const sl_ast_property *p = stmt->props->items[i];
                const sl_ast_expr *v = p->value;
                const char *text = v->kind == SL_AST_STRING ? v->text : NULL;

                if (sl_str_eq_ci(p->name.name, "WRAP_SINGLE_VALUE"))
                        *wrap = v->kind == SL_AST_BOOL ? v->bval : (text && sl_str_eq_ci(text, "true"));
                else if (sl_str_eq_ci(p->name.name, "KEY_DELIMITER") && text)
                        *kdelim = sl_arena_strdup(arena, text);
                else if (sl_str_eq_ci(p->name.name, "VALUE_DELIMITER") && text)
                        *vdelim = sl_arena_strdup(arena, text);
                else if (sl_str_eq_ci(p->name.name, "KEY_SCHEMA_ID") && v->kind == SL_AST_INTEGER)
                        topic->key_schema_id = (int32_t)v->ival;
                else if (sl_str_eq_ci(p->name.name, "VALUE_SCHEMA_ID") && v->kind == SL_AST_INTEGER)
                        topic->value_schema_id = (int32_t)v->ival;
                else if (sl_str_eq_ci(p->name.name, "KEY_SCHEMA_FULL_NAME") && text)
                        topic->key_full_name = sl_arena_strdup(arena, text);
                else if ((sl_str_eq_ci(p->name.name, "VALUE_AVRO_SCHEMA_FULL_NAME") ||
                          sl_str_eq_ci(p->name.name, "VALUE_SCHEMA_FULL_NAME")) && text)
                        topic->value_full_name = sl_arena_strdup(arena, text);
        }
done:
        sl_ast_stmt_free(stmt);
}

static sl_err format_of(const char *name, sl_serde_format *out, sl_err_detail *err)
{
        if (sl_serde_format_parse(name, out, err) != SL_OK)
                return err ? err->code : SL_ERR_NOT_FOUND;
        if (*out == SL_SERDE_PROTOBUF || *out == SL_SERDE_PROTOBUF_NOSR)
                return sl_err_set(err, SL_ERR_UNSUPPORTED, "format %s", sl_serde_format_name(*out));
        return SL_OK;
}

sl_err sl_plan_topic_from_source(sl_plan *plan, sl_plan_topic *topic, const sl_catalog_source *src, size_t base,
                                 sl_err_detail *err)
{
        size_t nkey = 0, nval = 0;
        int wrap;
        const char *kd, *vd;
        sl_err rc;

        memset(topic, 0, sizeof(*topic));
        topic->name = sl_arena_strdup(&plan->arena, src->topic);
        topic->partitions = src->partitions;
        topic->window = src->window;
        topic->window_size_ms = src->window_size_ms;
        if ((rc = format_of(src->key_format, &topic->key_format, err)) != SL_OK ||
            (rc = format_of(src->value_format, &topic->value_format, err)) != SL_OK)
                return rc;
        topic->key_slots = sl_arena_calloc(&plan->arena, src->ncolumns + 1, sizeof(size_t));
        topic->value_slots = sl_arena_calloc(&plan->arena, src->ncolumns + 1, sizeof(size_t));
        for (size_t i = 0; i < src->ncolumns; i++) {
                if (src->columns[i].role == SL_CATALOG_KEY)
                        topic->key_slots[nkey++] = base + i;
                else if (src->columns[i].role == SL_CATALOG_VALUE)
                        topic->value_slots[nval++] = base + i;
        }
        topic->nkey = nkey;
        topic->nvalue = nval;
        source_props(src, &wrap, &kd, &vd, &plan->arena, topic);
        if (wrap < 0)
                wrap = plan->wrap_default >= 0;
        topic->value_unwrapped = nval == 1 && (wrap == 0 || topic->value_format == SL_SERDE_KAFKA ||
                                               topic->value_format == SL_SERDE_DELIMITED);
        if (kd && (rc = sl_serde_delimiter_parse(kd, &topic->key_delimiter, err)) != SL_OK)
                return rc;
        if (vd && (rc = sl_serde_delimiter_parse(vd, &topic->value_delimiter, err)) != SL_OK)
                return rc;
        return SL_OK;
}

void sl_plan_add_store(sl_plan *plan, const char *name, sl_plan_store_kind kind, int sub)
{
        for (size_t i = 0; i < plan->nstores; i++)
                if (strcmp(plan->stores[i].name, name) == 0)
                        return;
        plan->stores = sl_realloc(plan->stores, (plan->nstores + 1) * sizeof(*plan->stores));
        plan->stores[plan->nstores].name = sl_arena_strdup(&plan->arena, name);
        plan->stores[plan->nstores].kind = kind;
        plan->stores[plan->nstores].sub = sub;
        plan->nstores++;
}

const char *sl_plan_changelog_topic(const sl_plan *plan, const char *name, sl_arena *arena)
{
        return sl_arena_sprintf(arena, "_sluice_%s-%s-changelog", plan->query_id, name);
}

const char *sl_plan_kind_name(sl_plan_kind kind)
{
        static const char *const names[SL_PLAN__COUNT] = {
                [SL_PLAN_SOURCE] = "SOURCE",   [SL_PLAN_FILTER] = "FILTER",
                [SL_PLAN_FLATMAP] = "FLATMAP", [SL_PLAN_PROJECT] = "PROJECT",
                [SL_PLAN_REPARTITION] = "REPARTITION", [SL_PLAN_SINK] = "SINK",
                [SL_PLAN_JOIN] = "JOIN",
                [SL_PLAN_GROUP_BY] = "GROUP_BY", [SL_PLAN_AGGREGATE] = "AGGREGATE",
                [SL_PLAN_WINDOW_AGGREGATE] = "WINDOW_AGGREGATE", [SL_PLAN_SESSION_AGGREGATE] = "SESSION_AGGREGATE",
        };

        return (unsigned)kind < SL_PLAN__COUNT ? names[kind] : "?";
}

sl_err sl_plan_build(const sl_plan_ctx *ctx, sl_analysis *a, sl_plan **out, sl_err_detail *err)
{
        sl_plan *plan = NULL;
        sl_err rc;

        *out = NULL;
        if ((rc = sl_plan_logical(ctx, a, &plan, err)) != SL_OK)
                goto fail;
        if ((rc = sl_plan_physical(plan, err)) != SL_OK)
                goto fail;
        plan->analysis = a;
        *out = plan;
        return SL_OK;
fail:
        sl_plan_free(plan);
        return rc;
}
