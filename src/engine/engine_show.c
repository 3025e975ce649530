/* engine_show.c: the read-only statements: SHOW/LIST STREAMS, TABLES, TYPES, FUNCTIONS, VARIABLES,
 * QUERIES, DESCRIBE source, DESCRIBE STREAMS/TABLES and DESCRIBE FUNCTION, each turned into the
 * entity ksqlDB answers with. Functions come from the function registry, so what SHOW FUNCTIONS
 * lists is exactly what queries can call. */
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "engine/engine_int.h"

static const char *func_kind_name(sl_func_kind kind)
{
        switch (kind) {
        case SL_FUNC_AGGREGATE: return "AGGREGATE";
        case SL_FUNC_TABLE: return "TABLE";
        default: return "SCALAR";
        }
}

static char *upper(sl_arena *arena, const char *s)
{
        char *u = sl_arena_strdup(arena, s ? s : "");
        sl_str_upper(u);
        return u;
}

static int cmp_func_name(const void *a, const void *b)
{
        return strcmp(((const sl_engine_func_name *)a)->name, ((const sl_engine_func_name *)b)->name);
}

static void list_functions(sl_engine *engine, sl_arena *arena, sl_engine_entity *ent)
{
        const sl_func **funcs;
        size_t n = sl_func_registry_list(engine->funcs, arena, &funcs);

        ent->kind = SL_ENGINE_FUNCTION_NAMES;
        ent->funcs = sl_arena_calloc(arena, n ? n : 1, sizeof(*ent->funcs));
        ent->nfuncs = n;
        for (size_t i = 0; i < n; i++) {
                ent->funcs[i].name = upper(arena, funcs[i]->name);
                ent->funcs[i].type = func_kind_name(funcs[i]->kind);
                ent->funcs[i].category = funcs[i]->category ? funcs[i]->category : "OTHER";
        }
        /* sorted by the names shown (upper case), as ksqlDB lists them */
        qsort(ent->funcs, n, sizeof(*ent->funcs), cmp_func_name);
}

static const char *pat_text(sl_arena *arena, const sl_func_pat *pat)
{
        sl_str s;
        sl_str_init(&s);
        sl_func_pat_print(&s, pat);
        char *t = sl_arena_strdup(arena, sl_str_cstr(&s));
        sl_str_deinit(&s);
        return t;
}

static sl_err describe_function(sl_engine *engine, const sl_ast_stmt *stmt, sl_engine_result *res,
                                sl_engine_entity *ent)
{
        sl_arena *arena = &res->arena;
        const sl_func *fn = sl_func_registry_get(engine->funcs, stmt->name.name);

        if (fn == NULL) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "Can't find any functions with the name '%s'", stmt->name.name);
                return SL_ERR_NOT_FOUND;
        }
        sl_engine_func_desc *d = sl_arena_calloc(arena, 1, sizeof(*d));
        d->name = upper(arena, fn->name);
        d->description = fn->description ? fn->description : "";
        d->author = fn->author ? fn->author : "";
        d->version = fn->version ? fn->version : "";
        d->path = "internal";
        d->type = func_kind_name(fn->kind);
        d->nvariants = fn->overloads.len;
        d->variants = sl_arena_calloc(arena, d->nvariants ? d->nvariants : 1, sizeof(*d->variants));
        for (size_t i = 0; i < d->nvariants; i++) {
                const sl_func_overload *ov = SL_VEC_AT(&fn->overloads, sl_func_overload *, i);
                sl_engine_func_variant *v = &d->variants[i];
                v->nargs = ov->sig.nparams;
                v->args = sl_arena_calloc(arena, v->nargs ? v->nargs : 1, sizeof(*v->args));
                for (size_t j = 0; j < v->nargs; j++) {
                        v->args[j].name = ov->sig.names && ov->sig.names[j] ? ov->sig.names[j] : "";
                        v->args[j].type = pat_text(arena, ov->sig.params[j]);
                        v->args[j].description = "";
                        v->args[j].variadic = ov->sig.variadic && j + 1 == v->nargs;
                }
                v->return_type = ov->sig.ret ? pat_text(arena, ov->sig.ret) : "ANY";
                v->description = ov->description ? ov->description : d->description;
        }
        ent->kind = SL_ENGINE_DESCRIBE_FUNCTION;
        ent->func = d;
        return SL_OK;
}

static void list_sources(sl_engine *engine, bool tables, bool extended, sl_arena *arena, sl_engine_entity *ent)
{
        const sl_catalog_source **srcs;
        size_t n = sl_engine_meta_sources(engine, arena, &srcs), k = 0;

        if (extended) {
                ent->kind = SL_ENGINE_SOURCE_DESCRIPTIONS;
                ent->descs = sl_arena_calloc(arena, n ? n : 1, sizeof(*ent->descs));
                for (size_t i = 0; i < n; i++)
                        if ((srcs[i]->kind == SL_CATALOG_TABLE) == tables)
                                sl_engine_meta_source_desc(engine, srcs[i], true, arena, &ent->descs[k++]);
                ent->ndescs = k;
                return;
        }
        ent->kind = tables ? SL_ENGINE_TABLES : SL_ENGINE_STREAMS;
        ent->sources = sl_arena_calloc(arena, n ? n : 1, sizeof(*ent->sources));
        for (size_t i = 0; i < n; i++)
                if ((srcs[i]->kind == SL_CATALOG_TABLE) == tables)
                        sl_engine_meta_source_info(srcs[i], &ent->sources[k++]);
        ent->nsources = k;
}

sl_err sl_engine_show(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt, sl_engine_result *res,
                      sl_engine_entity *ent)
{
        sl_arena *arena = &res->arena;
        bool extended = (stmt->flags & SL_AST_EXTENDED) != 0;

        switch (stmt->kind) {
        case SL_AST_STMT_LIST_STREAMS:
                list_sources(engine, false, extended, arena, ent);
                return SL_OK;
        case SL_AST_STMT_LIST_TABLES:
                list_sources(engine, true, extended, arena, ent);
                return SL_OK;
        case SL_AST_STMT_DESCRIBE_STREAMS:
                list_sources(engine, false, true, arena, ent);
                return SL_OK;
        case SL_AST_STMT_DESCRIBE_TABLES:
                list_sources(engine, true, true, arena, ent);
                return SL_OK;
        case SL_AST_STMT_LIST_FUNCTIONS:
                list_functions(engine, arena, ent);
                return SL_OK;
        case SL_AST_STMT_DESCRIBE_FUNCTION:
                return describe_function(engine, stmt, res, ent);
        case SL_AST_STMT_LIST_TYPES:
                ent->kind = SL_ENGINE_TYPE_LIST;
                ent->ntypes = sl_engine_meta_types(engine, arena, &ent->types);
                return SL_OK;
        case SL_AST_STMT_LIST_VARIABLES:
                ent->kind = SL_ENGINE_VARIABLES;
                ent->nvars = sl_engine_session_vars(ses, arena, &ent->vars);
                return SL_OK;
        case SL_AST_STMT_LIST_QUERIES:
                /* persistent queries come with the query manager (issue 5); transient ones run now */
                ent->kind = SL_ENGINE_QUERIES;
                ent->nqueries = sl_engine_running_queries(engine, arena, &ent->queries);
                return SL_OK;
        case SL_AST_STMT_DESCRIBE: {
                const sl_catalog_source *src = sl_engine_meta_source(engine, stmt->name.name);
                if (src == NULL) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                                       "Could not find STREAM/TABLE '%s' in the Metastore", stmt->name.name);
                        return SL_ERR_NOT_FOUND;
                }
                ent->kind = SL_ENGINE_SOURCE_DESCRIPTION;
                ent->descs = sl_arena_calloc(arena, 1, sizeof(*ent->descs));
                ent->ndescs = 1;
                sl_engine_meta_source_desc(engine, src, extended, arena, ent->descs);
                if (extended)
                        sl_engine_queries_stats(engine, src->name, arena, ent->descs);
                return SL_OK;
        }
        default:
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "unexpected statement %s",
                               sl_ast_stmt_kind_name(stmt->kind));
                return SL_ERR_INTERNAL;
        }
}
