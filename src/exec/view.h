/* view.h: the pull-query view of a persistent query whose result is a TABLE. The query's sink
 * writes every output change into it (key columns -> value row; a tombstone deletes; windowed
 * keys carry their window), and pull queries read it from REST threads: key lookups, key ranges
 * and scans, in the memcmp order of the key encoding (types/keyenc.h).
 *
 * A view is a RocksDB of its own (src/state, one kv store, write-through: no cache to flush)
 * under <state dir>/<queryid>/view/. The sink topic is its changelog: a view found empty at query
 * start is rebuilt by reading that topic from the beginning to its end (sl_exec_view_rebuild).
 *
 * Layout. Store key: the key columns as a keyenc tuple, then for windowed keys WINDOWSTART and
 * WINDOWEND as keyenc BIGINTs (so a key's windows sort by start). Store value: ROWTIME as a keyenc
 * BIGINT, then the value columns as a keyenc tuple.
 *
 * Views are registered by query id while open, so the sink operator of the query's tasks and the
 * engine's pull queries find them (sl_exec_view_acquire). Thread: every call is safe from any
 * thread; one mutex per view serializes writers (stream threads) and readers (pull queries). */
#ifndef SL_EXEC_VIEW_H
#define SL_EXEC_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "exec/batch.h"
#include "kafka/conf.h"
#include "plan/plan.h"
#include "types/type.h"
#include "types/value.h"

typedef struct sl_exec_view sl_exec_view;

/* Opens (creating if missing) the view of query `query_id` in directory `dir` for the rows of the
 * persistent query's sink node `sink` (key and value columns in its topic's serde order, the
 * catalog's order; types copied) and registers it under `query_id`. SL_ERR_EXISTS when a view of
 * that id is open already; SL_ERR_IO when RocksDB refuses. */
sl_err sl_exec_view_open(const char *dir, const char *query_id, const sl_plan_node *sink, sl_exec_view **out,
                         sl_err_detail *err);
/* The same for rows given by their types (copied): key columns, value columns, windowing. */
sl_err sl_exec_view_open_types(const char *dir, const char *query_id, const sl_type *const *key_types, size_t nkey,
                               const sl_type *const *value_types, size_t nvalue, sl_catalog_window window,
                               sl_exec_view **out, sl_err_detail *err);
/* Unregisters the view and drops the opener's reference; `destroy` also deletes its directory
 * once the last reference is gone (TERMINATE). NULL does nothing. */
void sl_exec_view_close(sl_exec_view *view, bool destroy);
/* The open view of `query_id` (case-insensitive) with a reference the caller drops with
 * sl_exec_view_release, or NULL. */
sl_exec_view *sl_exec_view_acquire(const char *query_id);
void sl_exec_view_release(sl_exec_view *view);

/* Column types (borrowed, valid while the caller holds a reference) and windowing. */
void sl_exec_view_schema(const sl_exec_view *view, const sl_type *const **key_types, size_t *nkey,
                         const sl_type *const **value_types, size_t *nvalue, sl_catalog_window *window);
/* True when the view holds no row. */
bool sl_exec_view_is_empty(sl_exec_view *view);

/* Applies the records of `batch` as the sink wrote them to `topic` (a put per row, a delete per
 * tombstone). Rows are laid out as the sink node's output. */
sl_err sl_exec_view_apply(sl_exec_view *view, const sl_plan_topic *topic, const sl_batch *batch, sl_err_detail *err);

/* Writes one row (`values` NULL: deletes the key), as apply does. */
sl_err sl_exec_view_put(sl_exec_view *view, const sl_value *keys, const sl_value *values, bool windowed, int64_t ws,
                        int64_t we, int64_t ts, sl_err_detail *err);

/* Fills the view from the sink topic `topic`, partitions 0..npartitions, from the beginning up to
 * the end the topic has when the call starts (records the key or value format cannot read are
 * skipped). `kafka` gives bootstrap.servers. *records counts the records read. */
sl_err sl_exec_view_rebuild(sl_exec_view *view, const sl_kafka_conf *kafka, const sl_plan_topic *topic,
                            int npartitions, uint64_t *records, sl_err_detail *err);

/* One row read back; everything borrowed for the callback only (memory in the caller's arena). */
typedef struct sl_exec_view_row {
        const sl_value *keys;    /* nkey key columns */
        const sl_value *values;  /* nvalue value columns */
        bool windowed;           /* win_start / win_end are set */
        int64_t win_start;       /* WINDOWSTART, ms */
        int64_t win_end;         /* WINDOWEND, ms */
        int64_t ts;              /* ROWTIME, ms */
} sl_exec_view_row;

/* Called per row under the view's lock (do not call the view from it, do not block in it); during
 * long reads also now and then with `row` NULL and the lock released (deliver what the callback
 * buffered). Set *stop to end the read. */
typedef sl_err (*sl_exec_view_row_fn)(void *ctx, const sl_exec_view_row *row, bool *stop, sl_err_detail *err);

/* The rows of key keys[0..nkey) (every window of it for windowed views). Each row is decoded into
 * `arena`, which the view resets after each callback: keep nothing of a row past its callback. */
sl_err sl_exec_view_lookup(sl_exec_view *view, const sl_value *keys, sl_arena *arena, sl_exec_view_row_fn fn,
                           void *ctx, sl_err_detail *err);
/* The rows whose first key column lies between `lo` and `hi` (NULL: unbounded; *_incl: the bound
 * itself included), in key order. Both NULL: every row. */
sl_err sl_exec_view_range(sl_exec_view *view, const sl_value *lo, bool lo_incl, const sl_value *hi, bool hi_incl,
                          sl_arena *arena, sl_exec_view_row_fn fn, void *ctx, sl_err_detail *err);

#endif
