/* batch.h: sl_batch, the unit records move in between operators. A batch is an array of records
 * plus the per-batch arena every row, string and temporary of its records lives in; the task resets
 * that arena after the batch has gone through the whole chain, so a record costs no malloc in the
 * steady state. A record carries its row of sl_value (key columns first, as the producing plan
 * node lays it out), its event time, where it came from (partition, offset, headers) and, before
 * deserialization, the raw key and value bytes it was consumed with. */
#ifndef SL_EXEC_BATCH_H
#define SL_EXEC_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"
#include "kafka/conf.h"
#include "types/value.h"

/* One record. Pointers borrow from the batch arena or from the consumed message batch; both live
 * until the task has finished the batch. */
typedef struct sl_rec {
        sl_value *row;                   /* `width` slots, NULL before the source decoded it */
        sl_value *old_row;               /* tables: the row this change replaces (same layout as row),
                                          * NULL: none (an insert, or a stream) */
        uint32_t width;                  /* slots in row */
        bool tombstone;                  /* a null value (a table delete): only the key columns hold values */
        bool null_key;                   /* consumed without a key and not re-keyed since: written without one */
        bool windowed;                   /* the key has a window: win_start, win_end */
        int64_t win_start;               /* window start, ms */
        int64_t win_end;                 /* window end, ms (exclusive for time windows) */
        int32_t partition;               /* source partition */
        int64_t offset;                  /* source offset */
        int64_t ts;                      /* event time, ms since the epoch */
        sl_slice key;                    /* raw key bytes as consumed (ptr NULL: none) */
        sl_slice value;                  /* raw value bytes as consumed (ptr NULL: tombstone) */
        const sl_kafka_header *headers;  /* record headers, in order */
        size_t nheaders;
} sl_rec;

/* Records and the arena their memory comes from. Embeddable. */
typedef struct sl_batch {
        sl_rec *recs;       /* recs[0..len) */
        size_t len;
        size_t cap;
        sl_arena *arena;    /* the per-batch arena; borrowed from the task */
} sl_batch;

/* `arena` is the per-batch arena (borrowed). */
void sl_batch_init(sl_batch *batch, sl_arena *arena);
void sl_batch_deinit(sl_batch *batch);
/* Forgets the records (keeps capacity); does not touch the arena. */
void sl_batch_clear(sl_batch *batch);
/* Appends a zeroed record and returns it; valid until the next append or clear. */
sl_rec *sl_batch_push(sl_batch *batch);
/* A row of `width` NULL slots in the batch arena. */
sl_value *sl_batch_row_new(sl_batch *batch, size_t width);

#endif
