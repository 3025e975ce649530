/* session_store.h: a store of SESSION windows, values per (key, start, end), on a kv store
 * (kv_store.h) with the same write cache, reports, changelog and restore.
 *
 * Merging: for a record of key K at time t with gap G, the operator asks for the sessions of K that
 * overlap [t - G, t + G] (sl_state_session_find(K, t - G, t + G)), removes them and puts the merged
 * session. The store does not merge by itself.
 *
 * Retention: stream time is the largest session end written (or given to observe). A session whose
 * end is older than stream time - retention + 1 is expired: writes are dropped and counted, reads
 * skip it, and whole segments (by end time) are range-deleted, as in window_store.h.
 *
 * Layout (session_store.c): segment(end) || escaped key || end || start, so that a key's sessions
 * ending at or after some time are contiguous. Changelog keys are key || end || start (8 bytes
 * big-endian each), Kafka Streams' session key order.
 *
 * Thread: that of the db; the store belongs to the db and is freed by sl_state_db_close. */
#ifndef SL_STATE_SESSION_STORE_H
#define SL_STATE_SESSION_STORE_H

#include "state/kv_store.h"

typedef struct sl_state_session sl_state_session;
typedef struct sl_state_session_iter sl_state_session_iter;

typedef struct sl_state_session_opts {
        int64_t retention_ms;   /* > 0: gap + grace at least */
        int64_t segment_ms;     /* 0: max(retention / 2, 60 s) */
        bool send_old_values;   /* report the value held before each flushed write */
} sl_state_session_opts;

/* One session read back; slices borrowed until the next step or free. */
typedef struct sl_state_session_rec {
        sl_slice key;   /* the user key */
        int64_t start;  /* first record time */
        int64_t end;    /* last record time (>= start) */
        sl_slice value; /* the value */
} sl_state_session_rec;

/* One flushed write, for flush listeners; borrowed for the call. */
typedef struct sl_state_session_change {
        sl_slice key;       /* the user key */
        int64_t start;      /* session start */
        int64_t end;        /* session end */
        bool has_value;     /* false: the session was removed (merged away) */
        sl_slice value;     /* new value when has_value */
        bool has_old;       /* with send_old_values: a value existed */
        sl_slice old_value; /* that value */
        int64_t ts;         /* timestamp given with the write */
} sl_state_session_change;

typedef sl_err (*sl_state_session_change_fn)(void *opaque, const sl_state_session_change *chg,
                                             sl_err_detail *err);

/* Opens (creating if needed) the session store `name` of `db`. SL_ERR_INVALID for NULL `opts`, or
 * a retention or segment that is not positive. */
sl_err sl_state_session_open(sl_state_db *db, const char *name, const sl_state_session_opts *opts,
                             sl_state_session **out, sl_err_detail *err);
void sl_state_session_set_listener(sl_state_session *ss, sl_state_session_change_fn fn, void *opaque);
void sl_state_session_set_changelog(sl_state_session *ss, sl_state_change_fn fn, void *opaque);

/* Writes the session [start, end] of `key`. SL_ERR_INVALID when end < start. An expired session is
 * dropped: *dropped (may be NULL) tells. */
sl_err sl_state_session_put(sl_state_session *ss, sl_slice key, int64_t start, int64_t end, sl_slice value,
                            int64_t ts, bool *dropped, sl_err_detail *err);
/* Removes the session [start, end] of `key` (a tombstone, reported at flush). */
sl_err sl_state_session_remove(sl_state_session *ss, sl_slice key, int64_t start, int64_t end, int64_t ts,
                               sl_err_detail *err);
/* Looks one session up; the value is borrowed as for sl_state_kv_get. */
sl_err sl_state_session_get(sl_state_session *ss, sl_slice key, int64_t start, int64_t end, sl_slice *value,
                            bool *found, sl_err_detail *err);
/* Sessions of `key` with end >= earliest_end and start <= latest_start, in (end, start) order. */
sl_err sl_state_session_find(sl_state_session *ss, sl_slice key, int64_t earliest_end, int64_t latest_start,
                             sl_state_session_iter **out, sl_err_detail *err);
/* Same over keys in [*key_from, *key_to] (NULL: unbounded); ordered by segment, key, end, start. */
sl_err sl_state_session_find_range(sl_state_session *ss, const sl_slice *key_from, const sl_slice *key_to,
                                   int64_t earliest_end, int64_t latest_start, sl_state_session_iter **out,
                                   sl_err_detail *err);
/* Next session; false at the end or on error. */
bool sl_state_session_iter_next(sl_state_session_iter *it, sl_state_session_rec *rec);
sl_err sl_state_session_iter_error(const sl_state_session_iter *it, sl_err_detail *err);
void sl_state_session_iter_free(sl_state_session_iter *it);

/* Applies a changelog record (`value` NULL: tombstone) without reporting it. SL_ERR_CORRUPT for a
 * changelog key shorter than 16 bytes. */
sl_err sl_state_session_restore(sl_state_session *ss, sl_slice changelog_key, const sl_slice *value,
                                sl_err_detail *err);
/* Advances stream time (never backwards), expiring what falls out of retention. */
sl_err sl_state_session_observe(sl_state_session *ss, int64_t stream_time, sl_err_detail *err);
int64_t sl_state_session_stream_time(const sl_state_session *ss);
uint64_t sl_state_session_expired_count(const sl_state_session *ss);
sl_state_kv *sl_state_session_kv(sl_state_session *ss);

#endif
