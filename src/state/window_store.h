/* window_store.h: a store of values per (key, window start) for TUMBLING and HOPPING windows, on a
 * kv store (kv_store.h), so it has the same write cache, reports, changelog and restore.
 *
 * Retention. The store's stream time is the largest window start written (or given to
 * sl_state_window_observe). A window whose start is older than stream time - retention + 1 is
 * expired: writes to it are dropped (and counted), lookups and scans skip it, and it is deleted from
 * RocksDB when its whole segment (segment_ms of window starts) has expired, with one range delete
 * and no report. The changelog topic should expire records the same way (compact,delete with
 * retention.ms >= the store's retention); restoring an expired record drops it.
 *
 * Layout (window_store.c): segment || escaped key || start [|| sequence], so that one key's windows
 * are contiguous in start order inside a segment. Changelog keys are key || start as 8 bytes
 * big-endian [|| sequence as 4], with no segment, so that restore does not depend on segment_ms.
 *
 * Thread: that of the db; the store belongs to the db and is freed by sl_state_db_close. */
#ifndef SL_STATE_WINDOW_STORE_H
#define SL_STATE_WINDOW_STORE_H

#include "state/kv_store.h"

typedef struct sl_state_window sl_state_window;
typedef struct sl_state_window_iter sl_state_window_iter;

typedef struct sl_state_window_opts {
        int64_t retention_ms;   /* > 0: window size + grace at least */
        int64_t segment_ms;     /* 0: max(retention / 2, 60 s), as Kafka Streams */
        int64_t window_size_ms; /* end = start + size in records and reports */
        bool retain_duplicates; /* every put adds a record (stream-stream joins); deletes are ignored */
        bool send_old_values;   /* report the value held before each flushed write */
} sl_state_window_opts;

/* One window read back. Slices are borrowed until the next step or free. */
typedef struct sl_state_window_rec {
        sl_slice key;   /* the user key */
        int64_t start;  /* window start */
        int64_t end;    /* start + window_size_ms */
        sl_slice value; /* the value */
} sl_state_window_rec;

/* One flushed write, for flush listeners; borrowed for the call. */
typedef struct sl_state_window_change {
        sl_slice key;       /* the user key */
        int64_t start;      /* window start */
        int64_t end;        /* start + window_size_ms */
        bool has_value;     /* false: the window was deleted */
        sl_slice value;     /* new value when has_value */
        bool has_old;       /* with send_old_values: a value existed */
        sl_slice old_value; /* that value */
        int64_t ts;         /* timestamp given with the write */
} sl_state_window_change;

typedef sl_err (*sl_state_window_change_fn)(void *opaque, const sl_state_window_change *chg, sl_err_detail *err);

/* Opens (creating if needed) the window store `name` of `db`. SL_ERR_INVALID for NULL `opts`, or
 * a retention or segment that is not positive. */
sl_err sl_state_window_open(sl_state_db *db, const char *name, const sl_state_window_opts *opts,
                            sl_state_window **out, sl_err_detail *err);

/* Flush listener (decoded windows) and changelog sink (changelog keys, see above). `opaque` borrowed. */
void sl_state_window_set_listener(sl_state_window *ws, sl_state_window_change_fn fn, void *opaque);
void sl_state_window_set_changelog(sl_state_window *ws, sl_state_change_fn fn, void *opaque);

/* Writes `value` for window `start` of `key` (`value` NULL: deletes it), advancing stream time to
 * `start` if later. A write to an expired window is dropped: *dropped (may be NULL) tells. */
sl_err sl_state_window_put(sl_state_window *ws, sl_slice key, int64_t start, const sl_slice *value, int64_t ts,
                           bool *dropped, sl_err_detail *err);
/* Looks up one window; the value is borrowed as for sl_state_kv_get. SL_ERR_UNSUPPORTED with
 * retain_duplicates. */
sl_err sl_state_window_get(sl_state_window *ws, sl_slice key, int64_t start, sl_slice *value, bool *found,
                           sl_err_detail *err);
/* Windows of `key` with start in [t_from, t_to], in start order (duplicates in write order). */
sl_err sl_state_window_fetch(sl_state_window *ws, sl_slice key, int64_t t_from, int64_t t_to,
                             sl_state_window_iter **out, sl_err_detail *err);
/* Windows of keys in [*key_from, *key_to] (NULL: unbounded) with start in [t_from, t_to]. Ordered
 * by segment, then key, then start: key order within a segment only. */
sl_err sl_state_window_fetch_range(sl_state_window *ws, const sl_slice *key_from, const sl_slice *key_to,
                                   int64_t t_from, int64_t t_to, sl_state_window_iter **out, sl_err_detail *err);
/* Next window; false at the end or on error. */
bool sl_state_window_iter_next(sl_state_window_iter *it, sl_state_window_rec *rec);
sl_err sl_state_window_iter_error(const sl_state_window_iter *it, sl_err_detail *err);
void sl_state_window_iter_free(sl_state_window_iter *it);

/* Applies a changelog record (`value` NULL: tombstone) without reporting it. SL_ERR_CORRUPT for a
 * changelog key too short to hold a window. */
sl_err sl_state_window_restore(sl_state_window *ws, sl_slice changelog_key, const sl_slice *value,
                               sl_err_detail *err);
/* Advances stream time (never backwards) and expires what falls out of retention. */
sl_err sl_state_window_observe(sl_state_window *ws, int64_t stream_time, sl_err_detail *err);
/* Stream time (INT64_MIN before any write), and the number of writes dropped as expired. */
int64_t sl_state_window_stream_time(const sl_state_window *ws);
uint64_t sl_state_window_expired_count(const sl_state_window *ws);
/* The underlying kv store (statistics, name). */
sl_state_kv *sl_state_window_kv(sl_state_window *ws);

#endif
