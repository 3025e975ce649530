/* cleaner.c: compaction for topics with cleanup.policy=compact.
 *
 * Example: a topic holds, in offset order, k1=a (0), k2=b (1), k1=c (2), k2=<tombstone> (3), k3=d (4),
 * with offsets 0-3 in closed segments and 4 in the active one. A cleaning pass first reads every
 * batch of the log, active segment included, and maps each key to the offset of its latest
 * record: k1->2, k2->3, k3->4. It then rewrites each closed segment, keeping a record only if it is
 * the latest for its key: offsets 2 and 3 stay, 0 and 1 go. The tombstone at 3 is the latest for k2
 * and is kept until its timestamp is older than delete.retention.ms, so that consumers reading
 * slowly still see the deletion; a later pass removes it. The active segment is never rewritten.
 *
 * Batches keep their base offset, last offset delta and producer fields, so surviving records
 * keep their offsets (gaps are normal in a compacted log) and idempotent producers' state stays
 * right; only the records, the count, the length and the CRC change. A batch left with no records
 * is dropped; compressed batches are kept whole (the broker never decompresses). A segment is
 * rewritten to <name>.cleaned, fsynced and renamed over the original, so a crash leaves either
 * the old or the new file; log.c deletes stray .cleaned files at start-up. */
#include "broker/broker_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"

void sl_broker_cleaner_run(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms);

static bool read_batch(const sl_broker_segment *seg, int64_t pos, sl_broker_batch *b, sl_buf *buf)
{
        if (!sl_broker_segment_header_at(seg, pos, b))
                return false;
        size_t total = (size_t)b->batch_length + SL_BATCH_LOG_OVERHEAD;
        sl_buf_reset(buf);
        uint8_t *dst = sl_buf_extend(buf, total);
        return pread(seg->fd, dst, total, pos) == (ssize_t)total;
}

/* Pass 1: key -> offset of its latest record, over the whole log. */
static void map_latest(sl_broker_log *log, sl_map *latest)
{
        sl_buf buf;
        sl_buf_init(&buf);
        for (size_t s = 0; s < log->segs.len; s++) {
                sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, s);
                sl_broker_batch b;
                for (int64_t pos = 0; read_batch(seg, pos, &b, &buf); pos += (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD) {
                        size_t rp = SL_BATCH_HEADER_SIZE;
                        sl_broker_record rec;
                        while (sl_broker_batch_next_record(buf.data, buf.len, &b, &rp, &rec) == 1) {
                                if (!rec.key)
                                        continue;
                                int64_t *slot = sl_map_get(latest, rec.key, (size_t)rec.key_len);
                                if (!slot) {
                                        slot = sl_malloc(sizeof *slot);
                                        sl_map_put(latest, rec.key, (size_t)rec.key_len, slot);
                                }
                                *slot = rec.offset;
                        }
                }
        }
        sl_buf_deinit(&buf);
}

/* Pass 2 for one segment: writes the kept batches to `out`. Returns records removed. */
static int64_t clean_segment(sl_broker_log *log, sl_broker_segment *seg, const sl_map *latest, int64_t now,
                             sl_buf *out, bool *tombstones_left)
{
        sl_buf buf, nb;
        sl_buf_init(&buf);
        sl_buf_init(&nb);
        int64_t removed = 0;
        sl_broker_batch b;
        for (int64_t pos = 0; read_batch(seg, pos, &b, &buf); pos += (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD) {
                if ((b.attributes & 7) != 0 || (b.attributes & 0x20)) { /* compressed or control: keep */
                        sl_buf_append(out, buf.data, buf.len);
                        continue;
                }
                sl_buf_reset(&nb);
                sl_buf_append(&nb, buf.data, SL_BATCH_HEADER_SIZE);
                int32_t kept = 0, total = 0;
                size_t rp = SL_BATCH_HEADER_SIZE;
                sl_broker_record rec;
                int r;
                while ((r = sl_broker_batch_next_record(buf.data, buf.len, &b, &rp, &rec)) == 1) {
                        total++;
                        bool keep = true;
                        if (rec.key) {
                                int64_t *lo = sl_map_get(latest, rec.key, (size_t)rec.key_len);
                                keep = lo && *lo == rec.offset;
                        }
                        if (keep && !rec.value) { /* a tombstone, the latest for its key */
                                if (rec.timestamp < now - log->cfg->delete_retention_ms)
                                        keep = false;
                                else
                                        *tombstones_left = true;
                        }
                        if (keep) {
                                sl_buf_append(&nb, rec.start, rec.size);
                                kept++;
                        }
                }
                if (r < 0 || kept == total) {
                        sl_buf_append(out, buf.data, buf.len);
                        continue;
                }
                removed += total - kept;
                if (kept == 0)
                        continue;
                sl_store_be32(nb.data + 8, (uint32_t)(nb.len - SL_BATCH_LOG_OVERHEAD));
                sl_store_be32(nb.data + 57, (uint32_t)kept);
                sl_broker_batch_fix_crc(nb.data, nb.len);
                sl_buf_append(out, nb.data, nb.len);
        }
        sl_buf_deinit(&buf);
        sl_buf_deinit(&nb);
        return removed;
}

/* Replaces `seg` (index i of the log) with the bytes in `data`. */
static bool replace_segment(sl_broker *broker, sl_broker_log *log, size_t i, const sl_buf *data)
{
        sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, i);
        char *tmp = sl_asprintf("%s.cleaned", seg->path);
        bool ok = false;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0 && (data->len == 0 || write(fd, data->data, data->len) == (ssize_t)data->len) && fdatasync(fd) == 0 &&
            rename(tmp, seg->path) == 0) {
                sl_broker_segment *ns;
                sl_err_detail det;
                if (sl_broker_segment_open(seg->path, seg->base_offset, broker->set.index_interval_bytes, false, NULL,
                                           NULL, &ns, &det) == SL_OK) {
                        ns->created_ms = seg->created_ms;
                        if (ns->max_timestamp < 0)
                                ns->max_timestamp = seg->max_timestamp;
                        SL_VEC_AT(&log->segs, sl_broker_segment *, i) = ns;
                        sl_broker_segment_close(seg);
                        ok = true;
                } else {
                        SL_LOG_ERROR("broker", "cleaner: %s", det.message);
                }
        } else {
                SL_LOG_ERROR("broker", "cleaner: cannot write %s: %s", tmp, strerror(errno));
                unlink(tmp);
        }
        if (fd >= 0)
                close(fd);
        sl_free(tmp);
        return ok;
}

void sl_broker_cleaner_run(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms)
{
        if (log->segs.len < 2)
                return;
        int64_t dirty_end = sl_broker_log_active(log)->base_offset;
        if (dirty_end <= log->cleaned_upto && !log->tombstones_pending)
                return; /* nothing new and no tombstones waiting */
        sl_map latest;
        sl_map_init(&latest, false);
        map_latest(log, &latest);
        bool tombstones_left = false;
        int64_t removed = 0;
        sl_buf out;
        sl_buf_init(&out);
        for (size_t i = 0; i + 1 < log->segs.len; i++) {
                sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, i);
                sl_buf_reset(&out);
                int64_t r = clean_segment(log, seg, &latest, now_wall_ms, &out, &tombstones_left);
                if (r > 0 && replace_segment(broker, log, i, &out))
                        removed += r;
        }
        sl_buf_deinit(&out);
        sl_map_iter it;
        const void *k;
        size_t kl;
        void *v;
        sl_map_iter_init(&it, &latest);
        while (sl_map_iter_next(&it, &k, &kl, &v))
                sl_free(v);
        sl_map_deinit(&latest);
        log->cleaned_upto = dirty_end;
        log->tombstones_pending = tombstones_left;
        if (removed)
                SL_LOG_INFO("broker", "cleaner: %s-%d: removed %" PRId64 " records", log->topic->name, log->partition,
                            removed);
}
