/* engine_pull.c: pull queries (SELECT without EMIT) on tables, answered from the view of the
 * persistent query that writes the table (src/exec/view.h), and the opening of those views when a
 * persistent TABLE query starts.
 *
 * Planning follows ksqlDB's pull planner. The WHERE clause, split at its top-level ANDs, chooses
 * the access path:
 *   key lookup   every key column compared with = to a constant (or, for a one-column key,
 *                `K IN (...)`, or an OR of such comparisons): one view lookup per key;
 *   range scan   `<`, `<=`, `>`, `>=`, BETWEEN on a STRING key of an unwindowed table, when
 *                ksql.query.pull.range.scan.enabled (default true): one ordered range read;
 *   table scan   anything else, when ksql.query.pull.table.scan.enabled (default true), else
 *                ksqlDB's "Query requires table scan to be enabled" error.
 * Windowed tables are looked up by key; WINDOWSTART/WINDOWEND bounds then filter the key's
 * windows. Whatever the path, the whole WHERE is evaluated on every row read (the path only
 * narrows what is read), then the SELECT list, with the analyzer's compiled expressions over the
 * input row (table columns, then ROWTIME, WINDOWSTART, WINDOWEND in the pseudo block). LIMIT stops
 * the read. Rows reach the REST sink before start returns; the query it returns has ended. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "common/time.h"
#include "engine/engine_int.h"
#include "exec/proclog.h"
#include "exec/task.h"
#include "exec/view.h"
#include "kafka/consumer.h"
#include "exec/query.h"
#include "plan/plan.h"
#include "sql/expr_compile.h"
#include "sql/parse.h"
#include "state/state_db.h"
#include "types/type.h"
#include "types/value.h"

#define PULL_MORE " See https://cnfl.io/queries for more info."
#define PULL_SYNC_LOOKUPS 16  /* lookups of up to this many keys run on the request's thread */

/* ---- views of persistent queries ---- */

sl_exec_view *sl_engine_pull_view_open(sl_engine *engine, const sl_plan *plan, const sl_kafka_conf *kconf)
{
        const sl_plan_node *sink = NULL;
        const char *data = engine->cfg ? sl_config_get(engine->cfg, "data.dir") : NULL;
        sl_exec_view *view = NULL;
        sl_err_detail err;
        char dir[1024];

        if (!engine->kafka || plan->analysis == NULL || plan->analysis->result_kind != SL_CATALOG_TABLE)
                return NULL;
        for (size_t i = 0; i < plan->nnodes; i++)
                if (plan->nodes[i]->kind == SL_PLAN_SINK && !plan->nodes[i]->u.sink.transient)
                        sink = plan->nodes[i];
        if (sink == NULL)
                return NULL;
        snprintf(dir, sizeof(dir), "%s/state/%s/view", data ? data : "./sluice-data", plan->query_id);
        if (sl_exec_view_open(dir, plan->query_id, sink, &view, &err) != SL_OK) {
                SL_LOG_WARN("engine", "query %s: no pull-query view: %s", plan->query_id, err.message);
                return NULL;
        }
        if (sl_exec_view_is_empty(view)) {
                /* a new query, or the view's directory was lost: its sink topic is its changelog */
                sl_arena arena;
                int partitions = 0, replication = 0;
                uint64_t n = 0;
                int64_t t0 = sl_time_mono_ms();

                sl_arena_init(&arena, 0);
                sl_engine_topics_describe(engine, sink->u.sink.topic.name, &arena, &partitions, &replication);
                sl_arena_deinit(&arena);
                if (partitions <= 0)
                        partitions = 1;
                if (sl_exec_view_rebuild(view, kconf, &sink->u.sink.topic, partitions, &n, &err) != SL_OK)
                        SL_LOG_WARN("engine", "query %s: view rebuilt from %s only in part: %s", plan->query_id,
                                    sink->u.sink.topic.name, err.message);
                else if (n > 0)
                        SL_LOG_INFO("engine", "query %s: view rebuilt from %llu records of %s in %lld ms",
                                    plan->query_id, (unsigned long long)n, sink->u.sink.topic.name,
                                    (long long)(sl_time_mono_ms() - t0));
        }
        return view;
}

/* ---- source tables: CST materializations ---- */

/* The materialization of one CREATE SOURCE TABLE (ksqlDB's CST_ query): a transient query
 * `SELECT * FROM <table> EMIT CHANGES` reading the table's topic from the beginning (in a group of
 * its own, committing nothing) whose rows and tombstones go into a view, rebuilt at every start. */
struct sl_engine_cst {
        char *name;                       /* the table (heap) */
        const sl_catalog_source *src;     /* the catalog entry it materializes (identity only) */
        char id[160];                     /* view id: CST_<NAME> */
        sl_ast_stmt *stmt;                /* owned; the analysis borrows it */
        sl_plan *plan;                    /* owned */
        sl_exec_query *run;               /* owned: the stream thread */
        sl_exec_view *view;               /* owned */
        sl_kafka_conf kafka;              /* client properties */
        bool *is_key;                     /* per output column: a key column, else a value */
        size_t *index;                    /* per output column: its key or value index */
        size_t nkey, nvalue;
        int ws_col, we_col;               /* windowed tables: output columns of WINDOWSTART/WINDOWEND, else -1 */
        sl_value *keys, *values;          /* row buffers of the stream thread */
};

static void cst_free(sl_engine_cst *c)
{
        if (c == NULL)
                return;
        sl_exec_query_free(c->run);  /* joins: no row after this */
        sl_exec_view_close(c->view, true);
        sl_plan_free(c->plan);
        sl_ast_stmt_free(c->stmt);
        sl_kafka_conf_deinit(&c->kafka);
        sl_free(c->is_key);
        sl_free(c->index);
        sl_free(c->keys);
        sl_free(c->values);
        sl_free(c->name);
        sl_free(c);
}

static sl_err cst_row(void *ctx, const sl_plan_node *sink, const sl_value *row, size_t width, int64_t ts,
                      bool tombstone, sl_err_detail *err)
{
        sl_engine_cst *c = ctx;

        (void)sink;
        bool windowed = false;
        int64_t ws = 0, we = 0;

        for (size_t i = 0; i < width; i++) {
                if ((int)i == c->ws_col || (int)i == c->we_col) {
                        if (row[i].kind == SL_TYPE_NULL)
                                continue;
                        windowed = true;
                        if ((int)i == c->ws_col)
                                ws = row[i].u.i64;
                        else
                                we = row[i].u.i64;
                } else if (c->is_key[i])
                        c->keys[c->index[i]] = row[i];
                else
                        c->values[c->index[i]] = row[i];
        }
        for (size_t k = 0; k < c->nkey; k++)
                if (c->keys[k].kind == SL_TYPE_NULL)
                        return SL_OK;  /* a NULL PRIMARY KEY record is dropped */
        return sl_exec_view_put(c->view, c->keys, tombstone ? NULL : c->values, windowed, ws, we, ts, err);
}

static sl_engine_cst *cst_start(sl_engine *engine, const sl_catalog_source *src)
{
        const char *data = engine->cfg ? sl_config_get(engine->cfg, "data.dir") : NULL;
        sl_engine_cst *c = sl_calloc(1, sizeof(*c));
        sl_analysis *a = NULL;
        sl_err_detail err;
        char sql[512], dir[1024], bootstrap[512];
        const sl_type **types = NULL;

        c->name = sl_strdup(src->name);
        c->src = src;
        c->ws_col = c->we_col = -1;
        sl_kafka_conf_init(&c->kafka);
        snprintf(c->id, sizeof(c->id), "CST_%s", src->name);
        if (src->window != SL_CATALOG_WINDOW_NONE)
                snprintf(sql, sizeof(sql), "SELECT *, WINDOWSTART AS `SLUICE_WINDOWSTART_`, WINDOWEND AS "
                                           "`SLUICE_WINDOWEND_` FROM `%s` EMIT CHANGES;", src->name);
        else
                snprintf(sql, sizeof(sql), "SELECT * FROM `%s` EMIT CHANGES;", src->name);
        if (sl_parse_statement(sql, NULL, &c->stmt, &err) != SL_OK)
                goto fail;
        sl_analyze_ctx actx = {.cat = engine->cat, .reg = engine->funcs};
        if (sl_analyze(&actx, c->stmt, &a, &err) != SL_OK)
                goto fail;
        sl_plan_ctx pctx = {.reg = engine->funcs};
        if (sl_plan_build(&pctx, a, &c->plan, &err) != SL_OK)
                goto fail;
        a = c->plan->analysis;
        /* each output column of SELECT * reads one column of the table */
        c->is_key = sl_calloc(a->ncolumns + 1, sizeof(bool));
        c->index = sl_calloc(a->ncolumns + 1, sizeof(size_t));
        types = sl_calloc(a->ncolumns + 1, sizeof(sl_type *));
        const sl_type **vtypes = sl_calloc(a->ncolumns + 1, sizeof(sl_type *));
        for (size_t i = 0; i < a->ncolumns; i++) {
                const sl_expr *e = a->columns[i].expr;
                size_t col = e && e->kind == SL_EXPR_COLUMN ? (size_t)e->index - a->sources[0].base : src->ncolumns;
                if (e && e->kind == SL_EXPR_COLUMN && (size_t)e->index == a->pseudo_base + SL_PSEUDO_WINDOWSTART) {
                        c->ws_col = (int)i;
                        continue;
                }
                if (e && e->kind == SL_EXPR_COLUMN && (size_t)e->index == a->pseudo_base + SL_PSEUDO_WINDOWEND) {
                        c->we_col = (int)i;
                        continue;
                }
                if (col >= src->ncolumns || src->columns[col].role == SL_CATALOG_HEADERS ||
                    src->columns[col].role == SL_CATALOG_HEADER) {
                        c->is_key[i] = false;
                        c->index[i] = c->nvalue;
                        vtypes[c->nvalue++] = a->columns[i].type;
                } else if (src->columns[col].role == SL_CATALOG_KEY) {
                        c->is_key[i] = true;
                        c->index[i] = c->nkey;
                        types[c->nkey++] = a->columns[i].type;
                } else {
                        c->is_key[i] = false;
                        c->index[i] = c->nvalue;
                        vtypes[c->nvalue++] = a->columns[i].type;
                }
        }
        /* a transient projection marks no key column, so a tombstone would lose its key: mark
         * the table's key columns in the plan (the projection computes them for null rows) */
        for (size_t n = 0; n < c->plan->nnodes; n++) {
                sl_plan_node *node = c->plan->nodes[n];
                if (node->kind == SL_PLAN_PROJECT && node->width == a->ncolumns)
                        for (size_t i = 0; i < a->ncolumns; i++)
                                node->cols[i].key = node->cols[i].key || c->is_key[i] || (int)i == c->ws_col ||
                                                    (int)i == c->we_col;
                /* the window bounds belong to the key (the source gives them to null rows too) */
                if (node->kind == SL_PLAN_SOURCE && c->ws_col >= 0 &&
                    node->u.source.pseudo_base + SL_PSEUDO_WINDOWEND < node->width) {
                        node->cols[node->u.source.pseudo_base + SL_PSEUDO_WINDOWSTART].key = true;
                        node->cols[node->u.source.pseudo_base + SL_PSEUDO_WINDOWEND].key = true;
                }
        }
        c->keys = sl_calloc(c->nkey + 1, sizeof(sl_value));
        c->values = sl_calloc(c->nvalue + 1, sizeof(sl_value));
        snprintf(dir, sizeof(dir), "%s/state/%s/view", data ? data : "./sluice-data", c->id);
        /* rebuilt from the topic at every start: whatever an earlier run left goes */
        if (sl_state_db_destroy(dir, &err) != SL_OK ||
            sl_exec_view_open_types(dir, c->id, types, c->nkey, vtypes, c->nvalue, src->window, &c->view, &err) !=
                    SL_OK) {
                sl_free(vtypes);
                goto fail;
        }
        sl_free(vtypes);
        sl_engine_bootstrap(engine, bootstrap, sizeof(bootstrap));
        sl_kafka_conf_set(&c->kafka, "bootstrap.servers", bootstrap);
        sl_exec_thread_conf tc = {
                .kafka = &c->kafka,
                .auto_offset_reset = "earliest",
                .on_row = cst_row,
                .row_ctx = c,
        };
        if (sl_exec_query_new(c->plan, &tc, 1, &c->run, &err) != SL_OK || sl_exec_query_start(c->run, &err) != SL_OK)
                goto fail;
        sl_free(types);
        SL_LOG_INFO("engine", "source table %s: materialized for pull queries (%s)", src->name, c->id);
        return c;
fail:
        SL_LOG_WARN("engine", "source table %s: not materialized: %s", src->name, err.message);
        if (c->plan == NULL && a != NULL)
                sl_analysis_free(a);
        sl_free(types);
        cst_free(c);
        return NULL;
}

void sl_engine_pull_sources_sync(sl_engine *engine)
{
        const char *v = sl_engine_session_prop(engine, NULL, "ksql.source.table.materialization.enabled");
        bool enabled = v == NULL || *v == '\0' || strcasecmp(v, "true") == 0;
        const sl_catalog_source **srcs = NULL;
        sl_arena arena;

        if (!engine->kafka)
                return;
        /* gone or replaced tables stop */
        for (size_t i = engine->csts.len; i-- > 0;) {
                sl_engine_cst *c = SL_VEC_AT(&engine->csts, sl_engine_cst *, i);
                if (!enabled || engine->cat->ops->get_source(engine->cat, c->name) != c->src) {
                        sl_vec_remove(&engine->csts, i);
                        cst_free(c);
                }
        }
        if (!enabled)
                return;
        sl_arena_init(&arena, 0);
        size_t n = engine->cat->ops->list_sources(engine->cat, &arena, &srcs);
        for (size_t i = 0; i < n; i++) {
                const sl_catalog_source *src = srcs[i];
                bool have = false;
                if (src->kind != SL_CATALOG_TABLE || !src->source_only)
                        continue;
                for (size_t j = 0; j < engine->csts.len && !have; j++)
                        have = SL_VEC_AT(&engine->csts, sl_engine_cst *, j)->src == src;
                if (have)
                        continue;
                sl_engine_cst *c = cst_start(engine, src);
                if (c != NULL)
                        sl_vec_push(&engine->csts, &c);
        }
        sl_arena_deinit(&arena);
}

void sl_engine_pull_sources_stop_all(sl_engine *engine)
{
        for (size_t i = 0; i < engine->csts.len; i++)
                cst_free(SL_VEC_AT(&engine->csts, sl_engine_cst *, i));
        sl_vec_clear(&engine->csts);
}

/* ---- planning ---- */

typedef enum path_kind {
        PATH_LOOKUP,  /* keys: nsets tuples of nkey values */
        PATH_RANGE,   /* lo/hi on the first key column */
        PATH_SCAN,    /* every row */
} path_kind;

/* The access path of one pull query. */
typedef struct pull_path {
        path_kind kind;
        sl_value *keys;         /* LOOKUP: nsets * nkey values, in the query's arena */
        size_t nsets;
        sl_value lo, hi;        /* RANGE bounds */
        bool has_lo, has_hi;    /* a bound is given */
        bool lo_incl, hi_incl;  /* the bound itself is included */
} pull_path;

/* What planning needs. */
typedef struct pull_plan {
        sl_arena *arena;                 /* the query's arena */
        const sl_type *const *key_types; /* the view's key column types */
        size_t nkey;
        size_t key_base;                 /* slot of the first key column in the input row */
} pull_plan;

/* The key column `e` reads (CONVERT stripped), or -1. */
static int key_column(const pull_plan *pp, const sl_expr *e)
{
        if (e->kind != SL_EXPR_COLUMN)
                return -1;
        if (e->index < (int)pp->key_base || e->index >= (int)(pp->key_base + pp->nkey))
                return -1;
        return e->index - (int)pp->key_base;
}

/* Evaluates a constant expression for key column `k`; false when it is not constant, NULL, or
 * not of the key's type (the path then stays a scan; the WHERE still decides). */
static bool key_const(const pull_plan *pp, const sl_expr *e, int k, sl_value *out)
{
        sl_expr_ctx ctx;

        if (!e->constant)
                return false;
        memset(&ctx, 0, sizeof(ctx));
        ctx.arena = pp->arena;
        ctx.lvars = sl_arena_calloc(pp->arena, 4, sizeof(sl_value));
        sl_expr_eval_tree(e, &ctx, out);
        if (out->kind == SL_TYPE_NULL || ctx.errors)
                return false;
        *out = sl_value_copy(pp->arena, out);  /* a literal borrows the statement, which goes first */
        return out->kind == pp->key_types[k]->kind;
}

/* `col = const` or `const = col` on a key column: its index and the value. */
static bool key_eq(const pull_plan *pp, const sl_expr *e, int *k, sl_value *v)
{
        if (e->kind != SL_EXPR_CMP || e->op != SL_AST_OP_EQ || e->nargs != 2)
                return false;
        for (int side = 0; side < 2; side++) {
                int kc = key_column(pp, e->args[side]);
                if (kc >= 0 && key_const(pp, e->args[1 - side], kc, v)) {
                        *k = kc;
                        return true;
                }
        }
        return false;
}

/* The values a one-column key may take under `e` (=, IN, OR of those), appended to `vals`;
 * false when `e` does not pin the key. */
static bool key_set(const pull_plan *pp, const sl_expr *e, sl_vec *vals)
{
        sl_value v;
        int k;

        if (key_eq(pp, e, &k, &v)) {
                sl_vec_push(vals, &v);
                return true;
        }
        if (e->kind == SL_EXPR_IN && !e->negated && e->nargs >= 1 && key_column(pp, e->args[0]) == 0) {
                for (size_t i = 1; i < e->nargs; i++) {
                        if (!key_const(pp, e->args[i], 0, &v)) {
                                if (e->args[i]->constant && v.kind == SL_TYPE_NULL)
                                        continue;  /* NULL matches no key */
                                return false;
                        }
                        sl_vec_push(vals, &v);
                }
                return true;
        }
        if (e->kind == SL_EXPR_OR) {
                for (size_t i = 0; i < e->nargs; i++)
                        if (!key_set(pp, e->args[i], vals))
                                return false;
                return true;
        }
        return false;
}

/* Tightens the range with a bound from `e` (<, <=, >, >=, BETWEEN on the first key column). */
static bool key_bound(const pull_plan *pp, const sl_expr *e, pull_path *path)
{
        sl_value v, v2;

        if (e->kind == SL_EXPR_BETWEEN && !e->negated && e->nargs == 3 && key_column(pp, e->args[0]) == 0 &&
            key_const(pp, e->args[1], 0, &v) && key_const(pp, e->args[2], 0, &v2)) {
                path->lo = v;
                path->has_lo = path->lo_incl = true;
                path->hi = v2;
                path->has_hi = path->hi_incl = true;
                return true;
        }
        if (e->kind != SL_EXPR_CMP || e->nargs != 2)
                return false;
        sl_ast_op op = e->op;
        int side;
        if (key_column(pp, e->args[0]) == 0)
                side = 0;
        else if (key_column(pp, e->args[1]) == 0)
                side = 1;
        else
                return false;
        if (!key_const(pp, e->args[1 - side], 0, &v))
                return false;
        if (side == 1)  /* const op col: mirror */
                op = op == SL_AST_OP_LT ? SL_AST_OP_GT : op == SL_AST_OP_LE ? SL_AST_OP_GE :
                     op == SL_AST_OP_GT ? SL_AST_OP_LT : op == SL_AST_OP_GE ? SL_AST_OP_LE : op;
        switch (op) {
        case SL_AST_OP_GT:
        case SL_AST_OP_GE:
                path->lo = v;
                path->has_lo = true;
                path->lo_incl = op == SL_AST_OP_GE;
                return true;
        case SL_AST_OP_LT:
        case SL_AST_OP_LE:
                path->hi = v;
                path->has_hi = true;
                path->hi_incl = op == SL_AST_OP_LE;
                return true;
        default:
                return false;
        }
}

/* The conjuncts of `e` (top-level ANDs flattened) appended to `out`. */
static void conjuncts(const sl_expr *e, sl_vec *out)
{
        if (e->kind == SL_EXPR_AND) {
                for (size_t i = 0; i < e->nargs; i++)
                        conjuncts(e->args[i], out);
                return;
        }
        sl_vec_push(out, &e);
}

static void plan_path(const pull_plan *pp, const sl_expr *where, bool windowed, bool range_enabled, pull_path *path)
{
        sl_vec cs, vals;

        memset(path, 0, sizeof(*path));
        path->kind = PATH_SCAN;
        if (where == NULL || pp->nkey == 0)
                return;
        sl_vec_init(&cs, sizeof(const sl_expr *));
        sl_vec_init(&vals, sizeof(sl_value));
        conjuncts(where, &cs);
        if (pp->nkey == 1) {
                for (size_t i = 0; i < cs.len && path->kind == PATH_SCAN; i++) {
                        sl_vec_clear(&vals);
                        if (key_set(pp, SL_VEC_AT(&cs, const sl_expr *, i), &vals)) {
                                path->kind = PATH_LOOKUP;
                                path->nsets = vals.len;
                                path->keys = sl_arena_calloc(pp->arena, vals.len + 1, sizeof(sl_value));
                                if (vals.len)
                                        memcpy(path->keys, vals.items, vals.len * sizeof(sl_value));
                        }
                }
        } else {
                /* every key column pinned by an equality */
                sl_value *tuple = sl_arena_calloc(pp->arena, pp->nkey, sizeof(sl_value));
                bool *set = sl_arena_calloc(pp->arena, pp->nkey, sizeof(bool));
                size_t nset = 0;
                for (size_t i = 0; i < cs.len; i++) {
                        sl_value v;
                        int k;
                        if (key_eq(pp, SL_VEC_AT(&cs, const sl_expr *, i), &k, &v) && !set[k]) {
                                set[k] = true;
                                tuple[k] = v;
                                nset++;
                        }
                }
                if (nset == pp->nkey) {
                        path->kind = PATH_LOOKUP;
                        path->nsets = 1;
                        path->keys = tuple;
                }
        }
        /* ranges: STRING keys of unwindowed tables only, as ksqlDB's planner does */
        if (path->kind == PATH_SCAN && !windowed && range_enabled && pp->key_types[0]->kind == SL_TYPE_STRING) {
                pull_path r;
                memset(&r, 0, sizeof(r));
                for (size_t i = 0; i < cs.len; i++)
                        key_bound(pp, SL_VEC_AT(&cs, const sl_expr *, i), &r);
                if (r.has_lo || r.has_hi) {
                        r.kind = PATH_RANGE;
                        *path = r;
                }
        }
        sl_vec_deinit(&cs);
        sl_vec_deinit(&vals);
}

/* ---- execution ---- */

/* The state of one running pull query. */
typedef struct pull_run {
        sl_analysis *a;                 /* the analysis (owned) */
        sl_expr_prog *where;            /* compiled WHERE, or NULL */
        sl_expr_prog **cols;            /* compiled SELECT list, a->ncolumns */
        sl_value *row;                  /* the input row, a->input_width slots */
        sl_value *lvars;                /* lambda slots */
        size_t *key_slot;               /* input slot of each key column of the view */
        size_t *value_slot;             /* input slot of each value column of the view */
        sl_engine_query_sink sink;      /* where rows go */
        sl_str json;                    /* row text buffer */
        int64_t limit;                  /* LIMIT n, or -1 */
        int64_t rows;                   /* rows sent */
        bool stopped;                   /* LIMIT reached or the client left */
        uint64_t errors;                /* expression errors (NULLs) */
        bool cancel;                    /* the query is being closed (atomic) */
        sl_arena arena;                 /* owns the compiled expressions, rows, key values */
        sl_exec_view *view;             /* a reference to the table's view */
        pull_path path;                 /* the access path */
        size_t nkey;                    /* key columns of the view */
        size_t nvalue;                  /* value columns of the view */
        sl_vec pending;                 /* of heap char *: JSON rows not yet handed to the sink */
        sl_arena eval_arena;            /* per-row temporaries of the expressions */
} pull_run;

/* Hands the rows buffered so far to the sink (never under the view's lock: a client that reads
 * slowly then holds up this query only, not the writers of the view). */
static void deliver(pull_run *run)
{
        for (size_t i = 0; i < run->pending.len; i++) {
                char *json = SL_VEC_AT(&run->pending, char *, i);
                if (!run->stopped && !run->sink.row(run->sink.ctx, json, false))
                        run->stopped = true;
                sl_free(json);
        }
        sl_vec_clear(&run->pending);
}

/* Per row (under the view's lock): WHERE, then the SELECT list into a buffered JSON row. With
 * `vr` NULL (the view's lock released): delivers the buffered rows. */
static sl_err on_view_row(void *ctx, const sl_exec_view_row *vr, bool *stop, sl_err_detail *err)
{
        pull_run *run = ctx;
        const sl_analysis *a = run->a;
        sl_expr_ctx ectx;

        (void)err;
        if (vr == NULL) {
                deliver(run);
        } else if (!run->stopped && (run->limit < 0 || run->rows < run->limit)) {
                for (size_t i = 0; i < a->input_width; i++)
                        run->row[i] = sl_value_null();
                /* the table's columns by slot (nothing of the catalog is read here: the table may
                 * be dropped while a scan runs) */
                for (size_t k = 0; k < run->nkey; k++)
                        run->row[run->key_slot[k]] = vr->keys[k];
                for (size_t v = 0; v < run->nvalue; v++)
                        run->row[run->value_slot[v]] = vr->values[v];
                run->row[a->pseudo_base + SL_PSEUDO_ROWTIME] = sl_value_bigint(vr->ts);
                if (vr->windowed) {
                        run->row[a->pseudo_base + SL_PSEUDO_WINDOWSTART] = sl_value_bigint(vr->win_start);
                        run->row[a->pseudo_base + SL_PSEUDO_WINDOWEND] = sl_value_bigint(vr->win_end);
                }
                memset(&ectx, 0, sizeof(ectx));
                ectx.arena = &run->eval_arena;
                ectx.row = run->row;
                ectx.lvars = run->lvars;
                if (run->where == NULL || sl_expr_eval_pred(run->where, &ectx)) {
                        sl_str_reset(&run->json);
                        sl_str_append_char(&run->json, '[');
                        for (size_t i = 0; i < a->ncolumns; i++) {
                                sl_value v;
                                sl_expr_eval(run->cols[i], &ectx, &v);
                                if (i)
                                        sl_str_append_char(&run->json, ',');
                                sl_value_format_json(&run->json, &v, SL_VALUE_JSON_TEMPORAL_TEXT);
                        }
                        sl_str_append_char(&run->json, ']');
                        char *json = sl_strdup(sl_str_cstr(&run->json));
                        sl_vec_push(&run->pending, &json);
                        run->rows++;
                }
                run->errors += ectx.errors;
                sl_arena_reset(&run->eval_arena);
        }
        if (__atomic_load_n(&run->cancel, __ATOMIC_RELAXED))
                run->stopped = true;
        if (run->stopped || (run->limit >= 0 && run->rows >= run->limit))
                *stop = true;
        return SL_OK;
}

/* A SELECT-list column that is a key column of the table, as such (ksqlDB marks it KEY). */
static bool is_key_column(const sl_analysis *a, size_t i)
{
        const sl_expr *e = a->columns[i].expr;
        const sl_catalog_source *src = a->sources[0].src;

        if (a->columns[i].key)
                return true;
        if (e == NULL || e->kind != SL_EXPR_COLUMN || e->index < (int)a->sources[0].base)
                return false;
        /* the window bounds of a windowed table are part of its key */
        if (src->window != SL_CATALOG_WINDOW_NONE && (e->index == (int)(a->pseudo_base + SL_PSEUDO_WINDOWSTART) ||
                                                      e->index == (int)(a->pseudo_base + SL_PSEUDO_WINDOWEND)))
                return true;
        size_t c = (size_t)e->index - a->sources[0].base;
        return c < src->ncolumns && src->columns[c].role == SL_CATALOG_KEY;
}

/* ---- pull queries on streams ---- */

#define STREAM_PULL_TIMEOUT_MS 60000

/* The output of a stream pull query's tasks (rows to the REST sink up to LIMIT), and the job of
 * its thread. */
typedef struct stream_out {
        sl_exec_output out;              /* must be first: tasks call through it */
        sl_engine *engine;               /* borrowed */
        sl_plan *plan;                   /* owned: the transient plan (owns the analysis) */
        bool cancel;                     /* the query is being closed (atomic) */
        sl_engine_query_sink sink;       /* where rows go */
        sl_str json;                     /* row text buffer */
        int64_t limit;                   /* LIMIT n, or -1 */
        int64_t rows;                    /* rows sent */
        bool stopped;                    /* LIMIT reached or the client left */
} stream_out;

static sl_err stream_row(sl_exec_output *out, const sl_plan_node *node, const sl_value *row, size_t width, int64_t ts,
                         bool tombstone, sl_err_detail *err)
{
        stream_out *so = (stream_out *)out;

        (void)node;
        (void)ts;
        (void)err;
        if (__atomic_load_n(&so->cancel, __ATOMIC_RELAXED))
                so->stopped = true;
        if (so->stopped || tombstone)
                return SL_OK;
        sl_str_reset(&so->json);
        sl_str_append_char(&so->json, '[');
        for (size_t i = 0; i < width; i++) {
                if (i)
                        sl_str_append_char(&so->json, ',');
                sl_value_format_json(&so->json, &row[i], SL_VALUE_JSON_TEMPORAL_TEXT);
        }
        sl_str_append_char(&so->json, ']');
        if (!so->sink.row(so->sink.ctx, sl_str_cstr(&so->json), false))
                so->stopped = true;
        so->rows++;
        if (so->limit >= 0 && so->rows >= so->limit)
                so->stopped = true;
        return SL_OK;
}

static sl_err stream_write(sl_exec_output *out, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                           const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err)
{
        (void)out, (void)partition, (void)key, (void)value, (void)headers, (void)nheaders, (void)ts;
        return sl_err_set(err, SL_ERR_INTERNAL, "a stream pull query writes no topic (%s)", topic);
}

/* Reads the stream's topic from the beginning up to the end it has now through the tasks of the
 * query's plan (a transient plan: deserialization, WHERE and SELECT as a push query runs them).
 * `plan` is borrowed. */
static sl_err stream_scan(sl_engine *engine, const sl_plan *plan, stream_out *so, sl_err_detail *err)
{
        const char *topic = plan->subs[0].source->u.source.topic.name;
        sl_kafka_consumer *c = NULL;
        sl_kafka_batch batch;
        sl_kafka_conf conf;
        sl_proclog log;
        sl_arena arena;
        int partitions = 0, replication = 0;
        char bootstrap[512];
        sl_err rc;

        sl_kafka_batch_init(&batch);
        sl_kafka_conf_init(&conf);
        sl_proclog_init(&log, plan->query_id);
        sl_arena_init(&arena, 0);
        pthread_mutex_lock(&engine->lock);  /* the admin client is the engine's */
        sl_engine_topics_describe(engine, topic, &arena, &partitions, &replication);
        pthread_mutex_unlock(&engine->lock);
        if (partitions <= 0)
                partitions = 1;
        sl_task **tasks = sl_calloc((size_t)partitions, sizeof(sl_task *));
        int64_t *high = sl_calloc((size_t)partitions, sizeof(int64_t));
        int64_t *pos = sl_calloc((size_t)partitions, sizeof(int64_t));
        sl_kafka_tpo *parts = sl_calloc((size_t)partitions, sizeof(sl_kafka_tpo));
        size_t nparts = 0, left = 0;
        int64_t deadline = sl_time_mono_ms() + STREAM_PULL_TIMEOUT_MS;

        sl_engine_bootstrap(engine, bootstrap, sizeof(bootstrap));
        sl_kafka_conf_set(&conf, "bootstrap.servers", bootstrap);
        if ((rc = sl_kafka_consumer_new(&conf, &c, err)) != SL_OK)
                goto out;
        for (int p = 0; p < partitions; p++) {
                int64_t low;
                if ((rc = sl_kafka_consumer_watermarks(c, topic, p, &low, &high[p], 10000, err)) != SL_OK)
                        goto out;
                pos[p] = low;
                if (low >= high[p])
                        continue;
                if ((rc = sl_task_new(plan, 0, p, &so->out, &log, &tasks[p], err)) != SL_OK)
                        goto out;
                parts[nparts++] = (sl_kafka_tpo){topic, p, SL_KAFKA_OFFSET_BEGINNING};
                left++;
        }
        if (left > 0 && (rc = sl_kafka_consumer_assign(c, parts, nparts, err)) != SL_OK)
                goto out;
        while (left > 0 && !so->stopped && !__atomic_load_n(&so->cancel, __ATOMIC_RELAXED)) {
                if (sl_time_mono_ms() > deadline) {
                        rc = sl_err_set(err, SL_ERR_TIMEOUT, "reading %s to its end took too long", topic);
                        goto out;
                }
                if ((rc = sl_kafka_consumer_poll(c, &batch, 1000, 200, err)) != SL_OK)
                        goto out;
                for (size_t i = 0, j; i < batch.len && !so->stopped; i = j) {
                        const sl_kafka_msg *m = &batch.msgs[i];
                        int32_t p = m->partition;
                        size_t n = 0;

                        for (j = i; j < batch.len && batch.msgs[j].partition == p; j++)
                                if (p >= 0 && p < partitions && batch.msgs[j].offset < high[p])
                                        n++;
                        if (p < 0 || p >= partitions || tasks[p] == NULL || pos[p] >= high[p] || n == 0)
                                continue;
                        /* only what the topic held when the query started */
                        if ((rc = sl_task_process(tasks[p], m, n, err)) != SL_OK)
                                goto out;
                        pos[p] = m[n - 1].offset + 1;
                        if (pos[p] >= high[p] || n < j - i)
                                pos[p] = high[p], left--;
                }
                sl_kafka_batch_reset(&batch);
        }
out:
        sl_kafka_batch_reset(&batch);
        sl_kafka_batch_deinit(&batch);
        for (int p = 0; p < partitions; p++)
                sl_task_free(tasks[p]);
        sl_kafka_consumer_free(c);
        sl_kafka_conf_deinit(&conf);
        sl_proclog_deinit(&log);
        sl_arena_deinit(&arena);
        sl_free(tasks);
        sl_free(high);
        sl_free(pos);
        sl_free(parts);
        return rc;
}

static void *stream_job_run(void *arg)
{
        stream_out *so = arg;
        const sl_engine_query_sink *sink = &so->sink;
        sl_err_detail err;

        if (stream_scan(so->engine, so->plan, so, &err) != SL_OK) {
                sl_engine_result e;
                memset(&e, 0, sizeof(e));
                e.failed = true;
                e.error_code = SL_ENGINE_SERVER_ERROR;
                e.error_message = err.message;
                sink->end(sink->ctx, NULL, &e);
        } else if (!__atomic_load_n(&so->cancel, __ATOMIC_RELAXED)) {
                sink->end(sink->ctx, so->limit >= 0 && so->rows >= so->limit ? "Limit Reached" : "Query Completed",
                          NULL);
        }
        return NULL;
}

static void stream_job_cancel(void *arg)
{
        stream_out *so = arg;
        __atomic_store_n(&so->cancel, true, __ATOMIC_RELAXED);
}

static void stream_job_free(void *arg)
{
        stream_out *so = arg;

        sl_str_deinit(&so->json);
        sl_plan_free(so->plan);
        sl_free(so);
}

/* A pull query on a stream: every record the stream's topic holds now, through WHERE and SELECT,
 * then "Query Completed" (or "Limit Reached"). Takes `a`. */
static sl_err stream_pull(sl_engine *engine, const sl_ast_stmt *stmt, sl_analysis *a, const sl_engine_query_sink *sink,
                          sl_arena *arena, sl_engine_query_header *hdr, sl_engine_query **out, sl_engine_result *res)
{
        sl_plan *plan = NULL;
        sl_err_detail err;
        stream_out *so;
        sl_err rc;

        /* planned as the transient query it reads like; the plan takes `a` */
        a->pull = false;
        if ((rc = sl_engine_transient_plan(engine, stmt, a, "Pull queries", " on streams", &plan, res)) != SL_OK)
                return rc;
        a->pull = true;
        so = sl_calloc(1, sizeof(*so));
        so->engine = engine;
        so->plan = plan;
        so->out.write = stream_write;
        so->out.row = stream_row;
        so->sink = *sink;
        so->limit = a->limit;
        sl_str_init(&so->json);
        sl_engine_query_fill_header(a, plan->query_id, is_key_column, arena, hdr);
        /* stream pull headers mark no key column, as ksqlDB's do */
        sl_str schema;
        sl_str_init(&schema);
        for (size_t i = 0; i < a->ncolumns; i++) {
                sl_str_appendf(&schema, "%s`%s` %s", i ? ", " : "", hdr->column_names[i], hdr->column_types[i]);
        }
        hdr->schema = sl_arena_strdup(arena, sl_str_cstr(&schema));
        sl_str_deinit(&schema);
        if (so->limit == 0) {
                sink->end(sink->ctx, "Limit Reached", NULL);
                stream_job_free(so);
                *out = sl_engine_query_new_done(engine, stmt->text);
                return SL_OK;
        }
        if ((rc = sl_engine_query_new_bg(engine, stmt->text, stream_job_run, so, stream_job_cancel, stream_job_free, out,
                                         &err)) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "%s", err.message);
                memset(hdr, 0, sizeof(*hdr));
                return rc;
        }
        return SL_OK;
}

static bool prop_true(sl_engine *engine, sl_engine_session *ses, const char *name, bool dflt)
{
        const char *v = sl_engine_session_prop(engine, ses, name);

        if (v == NULL || *v == '\0')
                return dflt;
        return strcasecmp(v, "true") == 0;
}

/* The read of a table pull query: along its path, rows to the sink, then the end. */
static void table_read(pull_run *run)
{
        sl_err_detail err;
        sl_arena rows;
        sl_err rc = SL_OK;
        const pull_path *path = &run->path;

        sl_arena_init(&rows, 0);
        switch (path->kind) {
        case PATH_LOOKUP:
                for (size_t i = 0; i < path->nsets && rc == SL_OK && !run->stopped; i++) {
                        if (run->limit >= 0 && run->rows >= run->limit)
                                break;
                        rc = sl_exec_view_lookup(run->view, &path->keys[i * run->nkey], &rows, on_view_row, run, &err);
                        deliver(run);
                }
                break;
        case PATH_RANGE:
                rc = sl_exec_view_range(run->view, path->has_lo ? &path->lo : NULL, path->lo_incl,
                                        path->has_hi ? &path->hi : NULL, path->hi_incl, &rows, on_view_row, run, &err);
                break;
        case PATH_SCAN:
                rc = sl_exec_view_range(run->view, NULL, false, NULL, false, &rows, on_view_row, run, &err);
                break;
        }
        sl_arena_deinit(&rows);
        deliver(run);
        if (rc != SL_OK) {
                sl_engine_result e;
                memset(&e, 0, sizeof(e));
                e.failed = true;
                e.error_code = SL_ENGINE_SERVER_ERROR;
                e.error_message = err.message;
                run->sink.end(run->sink.ctx, NULL, &e);
        } else if (!__atomic_load_n(&run->cancel, __ATOMIC_RELAXED)) {
                /* ksqlDB's table pull queries end without a final message */
                run->sink.end(run->sink.ctx, NULL, NULL);
        }
}

static void *table_read_thread(void *arg)
{
        table_read(arg);
        return NULL;
}

static void pull_run_cancel(void *arg)
{
        pull_run *run = arg;
        __atomic_store_n(&run->cancel, true, __ATOMIC_RELAXED);
}

static void pull_run_free(void *arg)
{
        pull_run *run = arg;

        if (run == NULL)
                return;
        sl_exec_view_release(run->view);
        for (size_t i = 0; i < run->pending.len; i++)
                sl_free(SL_VEC_AT(&run->pending, char *, i));
        sl_vec_deinit(&run->pending);
        sl_str_deinit(&run->json);
        sl_arena_deinit(&run->eval_arena);
        sl_arena_deinit(&run->arena);
        sl_analysis_free(run->a);
        sl_free(run);
}

sl_err sl_engine_pull_query_start(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                                  sl_analysis *a, const sl_engine_query_sink *sink, sl_arena *arena,
                                  sl_engine_query_header *hdr, sl_engine_query **out, sl_engine_result *res)
{
        static uint64_t seq;
        const sl_catalog_source *src = a->sources[0].src;
        sl_err_detail err;
        pull_run *run;
        sl_err rc = SL_ERR_INVALID;
        char query_id[64];

        *out = NULL;
        if (src->kind == SL_CATALOG_STREAM) {
                if (!prop_true(engine, ses, "ksql.query.pull.stream.enabled", true)) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                                       "Pull queries on streams are disabled. To create a push query on the stream, "
                                       "add EMIT CHANGES to the end. To enable pull queries on streams, set the "
                                       "ksql.query.pull.stream.enabled config to 'true'.");
                        sl_analysis_free(a);
                        return SL_ERR_UNSUPPORTED;
                }
                return stream_pull(engine, stmt, a, sink, arena, hdr, out, res);
        }
        run = sl_calloc(1, sizeof(*run));
        sl_arena_init(&run->arena, 0);
        sl_arena_init(&run->eval_arena, 0);
        sl_vec_init(&run->pending, sizeof(char *));
        sl_str_init(&run->json);
        run->a = a;
        if (src->source_only) {
                char cst_id[160];
                snprintf(cst_id, sizeof(cst_id), "CST_%s", src->name);
                run->view = sl_exec_view_acquire(cst_id);
        } else {
                run->view = sl_exec_view_acquire(src->query_id);
        }
        if (run->view == NULL) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "The `%s` table isn't queryable: it is not materialized (its query is not running)."
                               PULL_MORE, src->name);
                rc = SL_ERR_NOT_FOUND;
                goto fail;
        }
        const sl_type *const *key_types, *const *value_types;
        size_t nkey, nvalue, ncat_key = 0, ncat_value = 0;
        sl_catalog_window window;
        sl_exec_view_schema(run->view, &key_types, &nkey, &value_types, &nvalue, &window);
        for (size_t i = 0; i < src->ncolumns; i++) {
                ncat_key += src->columns[i].role == SL_CATALOG_KEY;
                ncat_value += src->columns[i].role == SL_CATALOG_VALUE;
        }
        if (ncat_key != nkey || ncat_value != nvalue) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text,
                               "The view of `%s` does not match its schema", src->name);
                rc = SL_ERR_STATE;
                goto fail;
        }
        run->sink = *sink;
        run->limit = a->limit;
        run->nkey = nkey;
        run->nvalue = nvalue;
        run->row = sl_arena_calloc(&run->arena, a->input_width + 1, sizeof(sl_value));
        run->lvars = sl_arena_calloc(&run->arena, a->nlvars + 1, sizeof(sl_value));
        run->key_slot = sl_arena_calloc(&run->arena, nkey + 1, sizeof(size_t));
        run->value_slot = sl_arena_calloc(&run->arena, nvalue + 1, sizeof(size_t));
        for (size_t i = 0, nk = 0, nv = 0; i < src->ncolumns; i++) {
                if (src->columns[i].role == SL_CATALOG_KEY)
                        run->key_slot[nk++] = a->sources[0].base + i;
                else if (src->columns[i].role == SL_CATALOG_VALUE)
                        run->value_slot[nv++] = a->sources[0].base + i;
        }
        if (a->where != NULL && (run->where = sl_expr_compile(&run->arena, a->where, a->nlvars, &err)) == NULL) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                goto fail;
        }
        run->cols = sl_arena_calloc(&run->arena, a->ncolumns + 1, sizeof(sl_expr_prog *));
        for (size_t i = 0; i < a->ncolumns; i++) {
                if ((run->cols[i] = sl_expr_compile(&run->arena, a->columns[i].expr, a->nlvars, &err)) == NULL) {
                        sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text, "%s", err.message);
                        goto fail;
                }
        }
        pull_plan pp = {&run->arena, key_types, nkey, a->sources[0].base};
        plan_path(&pp, a->where, window != SL_CATALOG_WINDOW_NONE,
                  prop_true(engine, ses, "ksql.query.pull.range.scan.enabled", true), &run->path);
        if (run->path.kind == PATH_SCAN && !prop_true(engine, ses, "ksql.query.pull.table.scan.enabled", true)) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "Query requires table scan to be enabled. Table scans can be enabled by setting "
                               "ksql.query.pull.table.scan.enabled=true");
                goto fail;
        }
        snprintf(query_id, sizeof(query_id), "query_%lld%llu", (long long)sl_time_wall_ms(),
                 (unsigned long long)__atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
        sl_engine_query_fill_header(a, query_id, is_key_column, arena, hdr);
        if (run->path.kind == PATH_LOOKUP && run->path.nsets <= PULL_SYNC_LOOKUPS) {
                /* a few lookups answer at once, on the request's thread */
                table_read(run);
                pull_run_free(run);
                *out = sl_engine_query_new_done(engine, stmt->text);
                return SL_OK;
        }
        /* ranges and scans may return more than the stream buffers: a thread of their own, which
         * the REST stream lets wait for room */
        if ((rc = sl_engine_query_new_bg(engine, stmt->text, table_read_thread, run, pull_run_cancel, pull_run_free,
                                         out, &err)) != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "%s", err.message);
                memset(hdr, 0, sizeof(*hdr));
                return rc;  /* the run was freed */
        }
        return SL_OK;
fail:
        pull_run_free(run);
        return rc;
}
