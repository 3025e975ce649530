/* index.c: the sparse offset and time indexes of a segment. An offset entry is added every
 * log.index.interval.bytes of appended data (and for a segment's first batch), a time entry
 * whenever a batch raises the segment's max timestamp, both kept in memory and rebuilt from the
 * batch headers when a segment is opened. Lookups binary-search for a starting position and the
 * caller scans forward over batch headers from there. */
#include "broker/broker_int.h"

void sl_broker_index_init(sl_broker_index *idx, int64_t interval)
{
        sl_vec_init(&idx->offsets, sizeof(sl_broker_oidx));
        sl_vec_init(&idx->times, sizeof(sl_broker_tidx));
        idx->since_last = 0;
        idx->interval = interval;
}

void sl_broker_index_deinit(sl_broker_index *idx)
{
        sl_vec_deinit(&idx->offsets);
        sl_vec_deinit(&idx->times);
}

void sl_broker_index_clear(sl_broker_index *idx)
{
        sl_vec_clear(&idx->offsets);
        sl_vec_clear(&idx->times);
        idx->since_last = 0;
}

void sl_broker_index_add(sl_broker_index *idx, int64_t base, const sl_broker_batch *b, int64_t pos,
                         int64_t size)
{
        uint32_t rel = (uint32_t)(b->base_offset - base);
        if (idx->offsets.len == 0 || idx->since_last >= idx->interval) {
                sl_broker_oidx e = {rel, (uint32_t)pos};
                sl_vec_push(&idx->offsets, &e);
                idx->since_last = 0;
        }
        idx->since_last += size;
        int64_t last_ts = idx->times.len ? SL_VEC_AT(&idx->times, sl_broker_tidx, idx->times.len - 1).ts : INT64_MIN;
        if (b->max_timestamp > last_ts) {
                sl_broker_tidx t = {b->max_timestamp, rel, (uint32_t)pos};
                sl_vec_push(&idx->times, &t);
        }
}

int64_t sl_broker_index_lookup(const sl_broker_index *idx, int64_t base, int64_t offset)
{
        size_t lo = 0, hi = idx->offsets.len;
        int64_t pos = 0;
        while (lo < hi) { /* last entry with base + rel <= offset */
                size_t mid = (lo + hi) / 2;
                const sl_broker_oidx *e = &SL_VEC_AT(&idx->offsets, sl_broker_oidx, mid);
                if (base + (int64_t)e->rel <= offset) {
                        pos = e->pos;
                        lo = mid + 1;
                } else {
                        hi = mid;
                }
        }
        return pos;
}

int64_t sl_broker_index_lookup_time(const sl_broker_index *idx, int64_t ts)
{
        /* Time entries ascend; the first with ts >= target marks the batch that first reaches it.
         * Any batch before it has max timestamp < target, so scanning from the previous entry's
         * batch onwards finds it. */
        size_t lo = 0, hi = idx->times.len;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (SL_VEC_AT(&idx->times, sl_broker_tidx, mid).ts >= ts)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        if (lo == idx->times.len)
                return -1;
        return SL_VEC_AT(&idx->times, sl_broker_tidx, lo).pos;
}
