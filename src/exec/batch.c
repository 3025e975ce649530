/* batch.c: record batches (batch.h). The record array grows geometrically and is kept across
 * batches, so a task that sees batches of similar size allocates only at its start. */
#include "exec/batch.h"

#include <string.h>

#include "common/mem.h"

void sl_batch_init(sl_batch *batch, sl_arena *arena)
{
        memset(batch, 0, sizeof(*batch));
        batch->arena = arena;
}

void sl_batch_deinit(sl_batch *batch)
{
        sl_free(batch->recs);
        memset(batch, 0, sizeof(*batch));
}

void sl_batch_clear(sl_batch *batch)
{
        batch->len = 0;
}

sl_rec *sl_batch_push(sl_batch *batch)
{
        sl_rec *rec;

        if (batch->len == batch->cap) {
                size_t cap = batch->cap ? 2 * batch->cap : 64;

                batch->recs = sl_realloc(batch->recs, cap * sizeof(*batch->recs));
                batch->cap = cap;
        }
        rec = &batch->recs[batch->len++];
        memset(rec, 0, sizeof(*rec));
        return rec;
}

sl_value *sl_batch_row_new(sl_batch *batch, size_t width)
{
        /* zero bytes are NULL values (SL_TYPE_NULL is 0) */
        return sl_arena_calloc(batch->arena, width ? width : 1, sizeof(sl_value));
}
