/* metastore.c: the engine's catalog: the in-memory catalog of src/sql behind an ops table of its
 * own that hands out query-id numbers from a counter the engine can move. Replaying the command
 * log sets the counter to each logged query's number before its statement runs, so a query gets
 * its old id (and with it its consumer group and committed offsets) even when numbers were
 * consumed without a logged statement (EXPLAIN of a C*AS, a query that failed to start). */
#include "common/mem.h"
#include "engine/engine_int.h"

/* The wrapper: `base` first so that it is an sl_catalog. */
typedef struct engine_catalog {
        sl_catalog base;     /* ops = engine_ops */
        sl_catalog *inner;   /* owned: the in-memory catalog */
        uint64_t seq;        /* next query-id number */
} engine_catalog;

static sl_catalog *inner(sl_catalog *cat)
{
        return ((engine_catalog *)cat)->inner;
}

static const sl_catalog_source *ec_get_source(sl_catalog *cat, const char *name)
{
        return inner(cat)->ops->get_source(inner(cat), name);
}

static sl_err ec_put_source(sl_catalog *cat, sl_catalog_source *src, sl_err_detail *err)
{
        return inner(cat)->ops->put_source(inner(cat), src, err);
}

static sl_err ec_drop_source(sl_catalog *cat, const char *name, sl_err_detail *err)
{
        return inner(cat)->ops->drop_source(inner(cat), name, err);
}

static size_t ec_list_sources(sl_catalog *cat, sl_arena *arena, const sl_catalog_source ***out)
{
        return inner(cat)->ops->list_sources(inner(cat), arena, out);
}

static const sl_type *ec_get_type(sl_catalog *cat, const char *name)
{
        return inner(cat)->ops->get_type(inner(cat), name);
}

static sl_err ec_put_type(sl_catalog *cat, const char *name, const sl_type *type, sl_err_detail *err)
{
        return inner(cat)->ops->put_type(inner(cat), name, type, err);
}

static sl_err ec_drop_type(sl_catalog *cat, const char *name, sl_err_detail *err)
{
        return inner(cat)->ops->drop_type(inner(cat), name, err);
}

static const sl_catalog_query *ec_get_query(sl_catalog *cat, const char *id)
{
        return inner(cat)->ops->get_query(inner(cat), id);
}

static sl_err ec_put_query(sl_catalog *cat, sl_catalog_query *q, sl_err_detail *err)
{
        return inner(cat)->ops->put_query(inner(cat), q, err);
}

static sl_err ec_drop_query(sl_catalog *cat, const char *id, sl_err_detail *err)
{
        return inner(cat)->ops->drop_query(inner(cat), id, err);
}

static size_t ec_queries_of(sl_catalog *cat, const char *source, sl_arena *arena, const char ***out)
{
        return inner(cat)->ops->queries_of(inner(cat), source, arena, out);
}

static uint64_t ec_next_query_seq(sl_catalog *cat)
{
        return ((engine_catalog *)cat)->seq++;
}

static void ec_free(sl_catalog *cat)
{
        sl_catalog_free(inner(cat));
        sl_free(cat);
}

static const sl_catalog_ops engine_ops = {
        .get_source = ec_get_source,
        .put_source = ec_put_source,
        .drop_source = ec_drop_source,
        .list_sources = ec_list_sources,
        .get_type = ec_get_type,
        .put_type = ec_put_type,
        .drop_type = ec_drop_type,
        .get_query = ec_get_query,
        .put_query = ec_put_query,
        .drop_query = ec_drop_query,
        .queries_of = ec_queries_of,
        .next_query_seq = ec_next_query_seq,
        .free = ec_free,
};

sl_catalog *sl_engine_metastore_new(void)
{
        engine_catalog *ec = sl_calloc(1, sizeof(*ec));
        ec->base.ops = &engine_ops;
        ec->inner = sl_catalog_mem_new();
        return &ec->base;
}

void sl_engine_metastore_set_seq(sl_catalog *cat, uint64_t seq)
{
        ((engine_catalog *)cat)->seq = seq;
}
