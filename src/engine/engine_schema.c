/* engine_schema.c: the engine's side of the schema registry formats. CREATE STREAM/TABLE with
 * VALUE_FORMAT (or KEY_FORMAT) AVRO and no value (key) columns runs rewritten with the columns the
 * registry infers (src/registry/infer.c). C*AS sinks register their schemas before the query
 * starts, so an incompatible evolution is refused with the registry's message. */
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "registry/registry.h"
#include "serde/serde.h"

sl_err sl_engine_schema_infer(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt, sl_ast_stmt **out,
                              sl_engine_result *res)
{
        sl_analysis *a = NULL;
        sl_err_detail err;
        sl_err rc = SL_OK;

        *out = NULL;
        if (stmt->kind != SL_AST_STMT_CREATE_STREAM && stmt->kind != SL_AST_STMT_CREATE_TABLE)
                return SL_OK;
        /* cheap test first: only statements naming a registry format (or a session default) */
        if (!strcasestr(stmt->text, "AVRO") && !strcasestr(stmt->text, "JSON_SR") &&
            !strcasestr(stmt->text, "SCHEMA_ID") &&
            !sl_str_eq_ci(sl_engine_session_prop(engine, ses, "ksql.persistence.default.format.value") ?: "", "AVRO"))
                return SL_OK;
        if (!(a = sl_engine_meta_analyze(engine, ses, stmt, res)))
                return SL_OK;  /* the statement's own analysis reports the error again */
        if ((rc = sl_registry_infer_columns(sl_serde_registry_get_default(), stmt, a->new_source, out, &err)) != SL_OK)
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
        sl_analysis_free(a);
        return rc;
}

sl_err sl_engine_schema_prepare_sinks(const sl_plan *plan, sl_err_detail *err)
{
        for (size_t i = 0; i < plan->nnodes; i++) {
                const sl_plan_node *n = plan->nodes[i];
                sl_err rc;
                if (n->kind != SL_PLAN_SINK || n->u.sink.transient)
                        continue;
                if ((n->u.sink.topic.key_serde && (rc = sl_serde_prepare(n->u.sink.topic.key_serde, err)) != SL_OK) ||
                    (n->u.sink.topic.value_serde &&
                     (rc = sl_serde_prepare(n->u.sink.topic.value_serde, err)) != SL_OK))
                        return rc;
        }
        return SL_OK;
}
