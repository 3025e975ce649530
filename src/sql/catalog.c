/* catalog.c: source, type and query records, and the in-memory catalog (hash maps from names to
 * records). The in-memory catalog serves the analyzer's tests and `sluiced --check`; the engine's
 * persistent metastore implements the same operations. */
#include "sql/catalog.h"

#include <stdlib.h>
#include <string.h>

#include "common/map.h"
#include "common/mem.h"

/* The in-memory catalog. */
typedef struct mem_catalog {
        sl_catalog base;    /* must be first: the ops cast to it */
        sl_map sources;     /* name -> sl_catalog_source* (owned) */
        sl_map types;       /* name -> type_entry* (owned) */
        sl_map queries;     /* id -> sl_catalog_query* (owned) */
        uint64_t seq;       /* next query sequence number */
} mem_catalog;

/* A custom type with the arena holding it. */
typedef struct type_entry {
        sl_arena arena;       /* owns `type` */
        const sl_type *type;  /* the copied type */
} type_entry;

sl_catalog_source *sl_catalog_source_new(const char *name, sl_catalog_kind kind)
{
        sl_catalog_source *src = sl_calloc(1, sizeof(*src));

        sl_arena_init(&src->arena, 0);
        src->name = sl_arena_strdup(&src->arena, name);
        src->kind = kind;
        return src;
}

void sl_catalog_source_free(sl_catalog_source *src)
{
        if (!src)
                return;
        sl_free(src->columns);
        sl_arena_deinit(&src->arena);
        sl_free(src);
}

void sl_catalog_source_add_column(sl_catalog_source *src, const char *name, const sl_type *type,
                                  sl_catalog_role role, const char *header_key)
{
        size_t at = src->ncolumns;

        if (src->ncolumns == src->cap) {
                src->cap = src->cap ? src->cap * 2 : 8;
                src->columns = sl_realloc(src->columns, src->cap * sizeof(*src->columns));
        }
        if (role == SL_CATALOG_KEY) {
                at = sl_catalog_source_nkeys(src);
                memmove(&src->columns[at + 1], &src->columns[at],
                        (src->ncolumns - at) * sizeof(*src->columns));
        }
        src->columns[at] = (sl_catalog_column){
                .name = sl_arena_strdup(&src->arena, name),
                .type = sl_type_copy(&src->arena, type),
                .role = role,
                .header_key = header_key ? sl_arena_strdup(&src->arena, header_key) : NULL,
        };
        src->ncolumns++;
}

const char *sl_catalog_source_strdup(sl_catalog_source *src, const char *value)
{
        return value ? sl_arena_strdup(&src->arena, value) : NULL;
}

int sl_catalog_source_column_index(const sl_catalog_source *src, const char *name)
{
        for (size_t i = 0; i < src->ncolumns; i++)
                if (strcmp(src->columns[i].name, name) == 0)
                        return (int)i;
        return -1;
}

size_t sl_catalog_source_nkeys(const sl_catalog_source *src)
{
        size_t n = 0;

        while (n < src->ncolumns && src->columns[n].role == SL_CATALOG_KEY)
                n++;
        return n;
}

const char *sl_catalog_kind_name(sl_catalog_kind kind)
{
        return kind == SL_CATALOG_TABLE ? "table" : "stream";
}

const char *sl_catalog_window_name(sl_catalog_window window)
{
        switch (window) {
        case SL_CATALOG_WINDOW_TUMBLING: return "TUMBLING";
        case SL_CATALOG_WINDOW_HOPPING: return "HOPPING";
        case SL_CATALOG_WINDOW_SESSION: return "SESSION";
        case SL_CATALOG_WINDOW_NONE: break;
        }
        return "";
}

sl_catalog_query *sl_catalog_query_new(const char *id, const char *sink, const char *const *sources,
                                       size_t nsources, const char *sql)
{
        sl_catalog_query *q = sl_calloc(1, sizeof(*q));

        sl_arena_init(&q->arena, 0);
        q->id = sl_arena_strdup(&q->arena, id);
        q->sink = sink ? sl_arena_strdup(&q->arena, sink) : NULL;
        q->sql = sql ? sl_arena_strdup(&q->arena, sql) : NULL;
        q->sources = sl_arena_calloc(&q->arena, nsources ? nsources : 1, sizeof(char *));
        for (size_t i = 0; i < nsources; i++)
                q->sources[i] = sl_arena_strdup(&q->arena, sources[i]);
        q->nsources = nsources;
        return q;
}

void sl_catalog_query_free(sl_catalog_query *q)
{
        if (!q)
                return;
        sl_arena_deinit(&q->arena);
        sl_free(q);
}

void sl_catalog_free(sl_catalog *cat)
{
        if (cat)
                cat->ops->free(cat);
}

/* ---- in-memory implementation ---- */

static const sl_catalog_source *mem_get_source(sl_catalog *cat, const char *name)
{
        return sl_map_get_s(&((mem_catalog *)cat)->sources, name);
}

static sl_err mem_put_source(sl_catalog *cat, sl_catalog_source *src, sl_err_detail *err)
{
        (void)err;
        sl_catalog_source_free(sl_map_put_s(&((mem_catalog *)cat)->sources, src->name, src));
        return SL_OK;
}

static sl_err mem_drop_source(sl_catalog *cat, const char *name, sl_err_detail *err)
{
        sl_catalog_source *src = sl_map_del_s(&((mem_catalog *)cat)->sources, name);

        if (!src)
                return sl_err_set(err, SL_ERR_NOT_FOUND, "Source %s does not exist.", name);
        sl_catalog_source_free(src);
        return SL_OK;
}

static int cmp_source_names(const void *a, const void *b)
{
        const sl_catalog_source *x = *(const sl_catalog_source *const *)a;
        const sl_catalog_source *y = *(const sl_catalog_source *const *)b;

        return strcmp(x->name, y->name);
}

static size_t mem_list_sources(sl_catalog *cat, sl_arena *arena, const sl_catalog_source ***out)
{
        mem_catalog *mc = (mem_catalog *)cat;
        size_t n = 0;
        sl_map_iter it;
        void *value;

        *out = sl_arena_calloc(arena, sl_map_len(&mc->sources) + 1, sizeof(**out));
        sl_map_iter_init(&it, &mc->sources);
        while (sl_map_iter_next(&it, NULL, NULL, &value))
                (*out)[n++] = value;
        qsort(*out, n, sizeof(**out), cmp_source_names);
        return n;
}

static const sl_type *mem_get_type(sl_catalog *cat, const char *name)
{
        type_entry *te = sl_map_get_s(&((mem_catalog *)cat)->types, name);

        return te ? te->type : NULL;
}

static void type_entry_free(type_entry *te)
{
        if (!te)
                return;
        sl_arena_deinit(&te->arena);
        sl_free(te);
}

static sl_err mem_put_type(sl_catalog *cat, const char *name, const sl_type *type, sl_err_detail *err)
{
        type_entry *te = sl_calloc(1, sizeof(*te));

        (void)err;
        sl_arena_init(&te->arena, 1024);
        te->type = sl_type_copy(&te->arena, type);
        type_entry_free(sl_map_put_s(&((mem_catalog *)cat)->types, name, te));
        return SL_OK;
}

static sl_err mem_drop_type(sl_catalog *cat, const char *name, sl_err_detail *err)
{
        type_entry *te = sl_map_del_s(&((mem_catalog *)cat)->types, name);

        if (!te)
                return sl_err_set(err, SL_ERR_NOT_FOUND, "Type %s does not exist.", name);
        type_entry_free(te);
        return SL_OK;
}

static const sl_catalog_query *mem_get_query(sl_catalog *cat, const char *id)
{
        return sl_map_get_s(&((mem_catalog *)cat)->queries, id);
}

static sl_err mem_put_query(sl_catalog *cat, sl_catalog_query *q, sl_err_detail *err)
{
        (void)err;
        sl_catalog_query_free(sl_map_put_s(&((mem_catalog *)cat)->queries, q->id, q));
        return SL_OK;
}

static sl_err mem_drop_query(sl_catalog *cat, const char *id, sl_err_detail *err)
{
        sl_catalog_query *q = sl_map_del_s(&((mem_catalog *)cat)->queries, id);

        if (!q)
                return sl_err_set(err, SL_ERR_NOT_FOUND, "Unknown queryId: %s", id);
        sl_catalog_query_free(q);
        return SL_OK;
}

static size_t mem_queries_of(sl_catalog *cat, const char *source, sl_arena *arena, const char ***out)
{
        mem_catalog *mc = (mem_catalog *)cat;
        size_t n = 0;
        sl_map_iter it;
        void *value;

        *out = sl_arena_calloc(arena, sl_map_len(&mc->queries) + 1, sizeof(**out));
        sl_map_iter_init(&it, &mc->queries);
        while (sl_map_iter_next(&it, NULL, NULL, &value)) {
                const sl_catalog_query *q = value;
                bool uses = q->sink && strcmp(q->sink, source) == 0;

                for (size_t i = 0; !uses && i < q->nsources; i++)
                        uses = strcmp(q->sources[i], source) == 0;
                if (uses)
                        (*out)[n++] = q->id;
        }
        return n;
}

static uint64_t mem_next_query_seq(sl_catalog *cat)
{
        return ((mem_catalog *)cat)->seq++;
}

static void mem_free(sl_catalog *cat)
{
        mem_catalog *mc = (mem_catalog *)cat;
        sl_map_iter it;
        void *value;

        sl_map_iter_init(&it, &mc->sources);
        while (sl_map_iter_next(&it, NULL, NULL, &value))
                sl_catalog_source_free(value);
        sl_map_iter_init(&it, &mc->types);
        while (sl_map_iter_next(&it, NULL, NULL, &value))
                type_entry_free(value);
        sl_map_iter_init(&it, &mc->queries);
        while (sl_map_iter_next(&it, NULL, NULL, &value))
                sl_catalog_query_free(value);
        sl_map_deinit(&mc->sources);
        sl_map_deinit(&mc->types);
        sl_map_deinit(&mc->queries);
        sl_free(mc);
}

static const sl_catalog_ops mem_ops = {
        .get_source = mem_get_source,
        .put_source = mem_put_source,
        .drop_source = mem_drop_source,
        .list_sources = mem_list_sources,
        .get_type = mem_get_type,
        .put_type = mem_put_type,
        .drop_type = mem_drop_type,
        .get_query = mem_get_query,
        .put_query = mem_put_query,
        .drop_query = mem_drop_query,
        .queries_of = mem_queries_of,
        .next_query_seq = mem_next_query_seq,
        .free = mem_free,
};

sl_catalog *sl_catalog_mem_new(void)
{
        mem_catalog *mc = sl_calloc(1, sizeof(*mc));

        mc->base.ops = &mem_ops;
        sl_map_init(&mc->sources, false);
        sl_map_init(&mc->types, false);
        sl_map_init(&mc->queries, false);
        return &mc->base;
}
