/* catalog.h: the metastore interface the analyzer resolves names against -- sources (streams and
 * tables with their columns, topic, formats, timestamp column and windowing), custom types
 * (CREATE TYPE) and persistent queries -- plus an in-memory implementation used by the analyzer's
 * tests and by `sluiced --check`. The persistent metastore of the engine implements the same
 * sl_catalog_ops table.
 *
 * Names are exact (case-sensitive): the parser has already upper-cased unquoted identifiers, as
 * ksqlDB does. A source's columns are kept in ksqlDB's logical order: key columns first, then
 * value and header columns in declaration order.
 *
 * Ownership: a source or type handed to a catalog belongs to it from then on; what a lookup
 * returns is borrowed and valid until that entry is dropped or replaced, or the catalog freed. */
#ifndef SL_SQL_CATALOG_H
#define SL_SQL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "types/type.h"

/* What a column holds. */
typedef enum sl_catalog_role {
        SL_CATALOG_KEY,      /* part of the record key (KEY / PRIMARY KEY) */
        SL_CATALOG_VALUE,    /* part of the record value */
        SL_CATALOG_HEADERS,  /* HEADERS: every header, ARRAY<STRUCT<KEY STRING, VALUE BYTES>> */
        SL_CATALOG_HEADER,   /* HEADER('k'): the last header with key `header_key`, BYTES */
} sl_catalog_role;

typedef struct sl_catalog_column {
        const char *name;        /* exact spelling; in the source's arena */
        const sl_type *type;     /* in the source's arena (or a singleton) */
        sl_catalog_role role;    /* key, value or header */
        const char *header_key;  /* HEADER only: the header key; else NULL */
} sl_catalog_column;

typedef enum sl_catalog_kind {
        SL_CATALOG_STREAM,
        SL_CATALOG_TABLE,
} sl_catalog_kind;

/* Windowing of a source's key (WINDOW_TYPE, or the result of a windowed aggregation). */
typedef enum sl_catalog_window {
        SL_CATALOG_WINDOW_NONE,
        SL_CATALOG_WINDOW_TUMBLING,
        SL_CATALOG_WINDOW_HOPPING,
        SL_CATALOG_WINDOW_SESSION,
} sl_catalog_window;

/* A stream or table. Built with sl_catalog_source_new and the _add_/_set_ helpers below; all its
 * strings and types live in its own arena. */
typedef struct sl_catalog_source {
        sl_arena arena;                /* owns everything below */
        const char *name;              /* source name */
        sl_catalog_kind kind;          /* stream or table */
        sl_catalog_column *columns;    /* key columns first, then the others in declaration order */
        size_t ncolumns;               /* column count */
        size_t cap;                    /* allocated column slots */
        const char *topic;             /* KAFKA_TOPIC */
        const char *key_format;        /* upper case: KAFKA, JSON, AVRO, DELIMITED, NONE, ... */
        const char *value_format;      /* upper case */
        const char *timestamp_column;  /* TIMESTAMP property, or NULL (ROWTIME is the record's) */
        const char *timestamp_format;  /* TIMESTAMP_FORMAT, or NULL */
        sl_catalog_window window;      /* windowed key, or NONE */
        int64_t window_size_ms;        /* TUMBLING/HOPPING window size, else 0 */
        int partitions;                /* PARTITIONS when given or known, else 0 */
        bool source_only;              /* CREATE SOURCE STREAM/TABLE: read-only */
        bool wrap_single_value;        /* WRAP_SINGLE_VALUE given as true (or defaulted) */
        const char *query_id;          /* the persistent query writing it (C*AS), or NULL */
        const char *sql;               /* the statement text that created it, or NULL */
} sl_catalog_source;

/* A persistent query (CSAS, CTAS, INSERT INTO). */
typedef struct sl_catalog_query {
        sl_arena arena;          /* owns the strings below */
        const char *id;          /* CSAS_OUTPUT_0, INSERTQUERY_1, ... */
        const char *sink;        /* the source it writes */
        const char **sources;    /* the sources it reads */
        size_t nsources;
        const char *sql;         /* statement text */
} sl_catalog_query;

typedef struct sl_catalog sl_catalog;

/* The operations every metastore implements. Lookups return borrowed pointers (see the file
 * comment); put_* take ownership of their argument, even on failure. */
typedef struct sl_catalog_ops {
        const sl_catalog_source *(*get_source)(sl_catalog *cat, const char *name);
        /* Adds or replaces (CREATE OR REPLACE) a source. */
        sl_err (*put_source)(sl_catalog *cat, sl_catalog_source *src, sl_err_detail *err);
        /* SL_ERR_NOT_FOUND when absent. */
        sl_err (*drop_source)(sl_catalog *cat, const char *name, sl_err_detail *err);
        /* Sources sorted by name into `out` (array in `arena`); returns the count. */
        size_t (*list_sources)(sl_catalog *cat, sl_arena *arena, const sl_catalog_source ***out);
        /* Custom types: the type is copied into the catalog. */
        const sl_type *(*get_type)(sl_catalog *cat, const char *name);
        sl_err (*put_type)(sl_catalog *cat, const char *name, const sl_type *type, sl_err_detail *err);
        sl_err (*drop_type)(sl_catalog *cat, const char *name, sl_err_detail *err);
        /* Queries. */
        const sl_catalog_query *(*get_query)(sl_catalog *cat, const char *id);
        sl_err (*put_query)(sl_catalog *cat, sl_catalog_query *q, sl_err_detail *err);
        sl_err (*drop_query)(sl_catalog *cat, const char *id, sl_err_detail *err);
        /* The ids of queries writing or reading `source` into `out` (in `arena`); returns the count. */
        size_t (*queries_of)(sl_catalog *cat, const char *source, sl_arena *arena, const char ***out);
        /* Next number for generated query ids (CSAS_X_<n>): increments. */
        uint64_t (*next_query_seq)(sl_catalog *cat);
        void (*free)(sl_catalog *cat);
} sl_catalog_ops;

/* Every implementation embeds this first. */
struct sl_catalog {
        const sl_catalog_ops *ops;  /* the implementation */
};

/* ---- building sources ---- */
/* A new, empty source called `name` (copied). Free with sl_catalog_source_free unless a catalog
 * took it. */
sl_catalog_source *sl_catalog_source_new(const char *name, sl_catalog_kind kind);
void sl_catalog_source_free(sl_catalog_source *src);
/* Appends a column (name and type are copied into the source). Key columns are kept ahead of the
 * others whatever the order of the calls. `header_key` is for HEADER only, else NULL. */
void sl_catalog_source_add_column(sl_catalog_source *src, const char *name, const sl_type *type,
                                  sl_catalog_role role, const char *header_key);
/* Copies `value` into the source and returns the copy (NULL stays NULL). */
const char *sl_catalog_source_strdup(sl_catalog_source *src, const char *value);
/* Index of column `name` (exact), or -1. */
int sl_catalog_source_column_index(const sl_catalog_source *src, const char *name);
/* Number of key columns (they come first). */
size_t sl_catalog_source_nkeys(const sl_catalog_source *src);
/* "stream" / "table". */
const char *sl_catalog_kind_name(sl_catalog_kind kind);
/* "TUMBLING" ..., "" for NONE. */
const char *sl_catalog_window_name(sl_catalog_window window);

/* ---- dispatch (what callers use) ---- */
static inline const sl_catalog_source *sl_catalog_source_get(sl_catalog *cat, const char *name)
{
        return cat->ops->get_source(cat, name);
}
static inline sl_err sl_catalog_source_put(sl_catalog *cat, sl_catalog_source *src, sl_err_detail *err)
{
        return cat->ops->put_source(cat, src, err);
}
static inline sl_err sl_catalog_source_drop(sl_catalog *cat, const char *name, sl_err_detail *err)
{
        return cat->ops->drop_source(cat, name, err);
}
static inline const sl_type *sl_catalog_type_get(sl_catalog *cat, const char *name)
{
        return cat->ops->get_type(cat, name);
}
static inline sl_err sl_catalog_type_put(sl_catalog *cat, const char *name, const sl_type *type,
                                         sl_err_detail *err)
{
        return cat->ops->put_type(cat, name, type, err);
}
static inline sl_err sl_catalog_type_drop(sl_catalog *cat, const char *name, sl_err_detail *err)
{
        return cat->ops->drop_type(cat, name, err);
}
/* Frees the catalog and everything in it; NULL does nothing. */
void sl_catalog_free(sl_catalog *cat);

/* ---- queries ---- */
/* A new query record; strings are copied. `sources` has `nsources` names. */
sl_catalog_query *sl_catalog_query_new(const char *id, const char *sink, const char *const *sources,
                                       size_t nsources, const char *sql);
void sl_catalog_query_free(sl_catalog_query *q);

/* ---- the in-memory implementation ---- */
sl_catalog *sl_catalog_mem_new(void);

#endif
