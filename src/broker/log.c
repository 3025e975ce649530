/* log.c: a partition log, a directory of segments ordered by base offset; the last one is active
 * and takes appends. Offsets are assigned here, at append time, by stamping each batch's base
 * offset (outside the batch CRC). Durability: every append asks the flush thread for an fsync when
 * the flush policy says so; `durable_offset` moves when that fsync has returned, and Produce with
 * acks=all answers only then. Start-up recovery validates the active segment batch by batch and
 * truncates a torn tail (segment.c); older segments are scanned header by header to rebuild the
 * indexes and the idempotent producers' state. */
#include "broker/broker_int.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/time.h"

/* The broker a log belongs to. */
static sl_broker *log_broker(sl_broker_log *log)
{
        return log->topic->broker;
}

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return x < y ? -1 : x > y;
}

static void on_batch_recovered(void *ctx, const sl_broker_batch *b)
{
        sl_broker_log *log = ctx;
        if (b->producer_id >= 0)
                sl_broker_producer_update(log, b);
}

sl_broker_segment *sl_broker_log_active(sl_broker_log *log)
{
        return SL_VEC_AT(&log->segs, sl_broker_segment *, log->segs.len - 1);
}

sl_err sl_broker_log_open(sl_broker *broker, sl_broker_topic *topic, int32_t partition, const char *dir,
                          sl_broker_log **out, sl_err_detail *det)
{
        sl_err rc = SL_OK;
        sl_vec bases;
        sl_vec_init(&bases, sizeof(int64_t));
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return sl_err_set(det, SL_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
        sl_broker_log *log = sl_calloc(1, sizeof *log);
        log->dir = sl_strdup(dir);
        log->topic = topic;
        log->partition = partition;
        log->cfg = &topic->cfg;
        sl_vec_init(&log->segs, sizeof(sl_broker_segment *));
        sl_map_init(&log->producers, false);
        DIR *d = opendir(dir);
        if (!d) {
                rc = sl_err_set(det, SL_ERR_IO, "cannot open %s: %s", dir, strerror(errno));
                goto fail;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (n == 24 && strcmp(de->d_name + 20, ".log") == 0) {
                        int64_t base = strtoll(de->d_name, NULL, 10);
                        sl_vec_push(&bases, &base);
                } else if (n > 8 && strcmp(de->d_name + n - 8, ".cleaned") == 0) {
                        /* a compaction that did not finish: its output is discarded */
                        char *p = sl_asprintf("%s/%s", dir, de->d_name);
                        unlink(p);
                        sl_free(p);
                }
        }
        closedir(d);
        sl_vec_sort(&bases, cmp_i64);
        for (size_t i = 0; i < bases.len; i++) {
                int64_t base = SL_VEC_AT(&bases, int64_t, i);
                char *path = sl_broker_segment_path(dir, base);
                sl_broker_segment *seg;
                bool last = i + 1 == bases.len;
                rc = sl_broker_segment_open(path, base, broker->set.index_interval_bytes, last, on_batch_recovered,
                                            log, &seg, det);
                sl_free(path);
                if (rc)
                        goto fail;
                if (log->segs.len && seg->base_offset < sl_broker_log_active(log)->next_offset) {
                        rc = sl_err_set(det, SL_ERR_CORRUPT, "segment %s overlaps the one before it", seg->path);
                        sl_broker_segment_close(seg);
                        goto fail;
                }
                sl_vec_push(&log->segs, &seg);
        }
        if (log->segs.len == 0) {
                sl_broker_segment *seg;
                if ((rc = sl_broker_segment_create(dir, 0, broker->set.index_interval_bytes, &seg, det)))
                        goto fail;
                sl_vec_push(&log->segs, &seg);
        }
        sl_broker_segment *first = SL_VEC_AT(&log->segs, sl_broker_segment *, 0);
        sl_broker_segment *act = sl_broker_log_active(log);
        log->start_offset = first->base_offset;
        log->end_offset = act->next_offset;
        /* what survived a crash may sit only in the page cache: make it durable before serving it */
        if (fdatasync(act->fd) < 0)
                SL_LOG_WARN("broker", "fdatasync %s: %s", act->path, strerror(errno));
        log->durable_offset = log->end_offset;
        log->id = (uint32_t)broker->logs.len;
        sl_vec_push(&broker->logs, &log);
        sl_vec_deinit(&bases);
        *out = log;
        return SL_OK;
fail:
        sl_vec_deinit(&bases);
        for (size_t i = 0; i < log->segs.len; i++)
                sl_broker_segment_close(SL_VEC_AT(&log->segs, sl_broker_segment *, i));
        sl_vec_deinit(&log->segs);
        sl_broker_producer_clear(log);
        sl_map_deinit(&log->producers);
        sl_free(log->dir);
        sl_free(log);
        return rc;
}

void sl_broker_log_close(sl_broker_log *log)
{
        if (!log)
                return;
        for (size_t i = 0; i < log->segs.len; i++) {
                sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, i);
                if (i + 1 == log->segs.len && fdatasync(seg->fd) < 0)
                        SL_LOG_WARN("broker", "fdatasync %s: %s", seg->path, strerror(errno));
                sl_broker_segment_close(seg);
        }
        sl_vec_deinit(&log->segs);
        sl_broker_producer_clear(log);
        sl_map_deinit(&log->producers);
        sl_free(log->dir);
        sl_free(log);
}


void sl_broker_log_request_flush(sl_broker_log *log)
{
        if (log->durable_offset >= log->end_offset || log->unflushed == 0)
                return;
        sl_broker *broker = log_broker(log);
        sl_broker_segment *act = sl_broker_log_active(log);
        int fd = dup(act->fd);
        if (fd < 0) {
                SL_LOG_ERROR("broker", "dup: %s", strerror(errno));
                return;
        }
        sl_broker_flush_push(broker, fd, log->id, log->end_offset);
        log->unflushed = 0;
}

static sl_err roll(sl_broker_log *log, sl_err_detail *det)
{
        sl_broker *broker = log_broker(log);
        sl_broker_log_request_flush(log); /* the old segment's data must reach the disk too */
        sl_broker_segment *seg;
        sl_err rc = sl_broker_segment_create(log->dir, log->end_offset, broker->set.index_interval_bytes, &seg, det);
        if (rc)
                return rc;
        sl_vec_push(&log->segs, &seg);
        /* the new file's directory entry must be durable before acks=all data in it is */
        int dfd = open(log->dir, O_RDONLY | O_CLOEXEC);
        if (dfd >= 0) {
                if (fsync(dfd) < 0)
                        SL_LOG_WARN("broker", "fsync %s: %s", log->dir, strerror(errno));
                close(dfd);
        }
        SL_LOG_DEBUG("broker", "rolled %s-%d at offset %" PRId64, log->topic->name, log->partition, log->end_offset);
        return SL_OK;
}

sl_err sl_broker_log_append(sl_broker_log *log, uint8_t *p, size_t len, const sl_broker_batch *hdrs,
                            size_t nb, int64_t *base_offset, sl_err_detail *det)
{
        sl_broker *broker = log_broker(log);
        sl_broker_segment *act = sl_broker_log_active(log);
        int64_t now = sl_time_wall_ms();
        if (act->size > 0 && (act->size + (int64_t)len > log->cfg->segment_bytes ||
                              now - act->created_ms >= log->cfg->segment_ms)) {
                sl_err rc = roll(log, det);
                if (rc)
                        return rc;
                act = sl_broker_log_active(log);
        }
        if (act->size == 0)
                act->created_ms = now;
        /* stamp offsets (outside the CRC); a request may hold many tiny batches: no VLA */
        sl_broker_batch small[8];
        sl_broker_batch *stamped = nb <= 8 ? small : sl_malloc(nb * sizeof *stamped);
        int64_t next = log->end_offset;
        size_t pos = 0;
        int64_t nrec = 0;
        for (size_t i = 0; i < nb; i++) {
                stamped[i] = hdrs[i];
                stamped[i].base_offset = next;
                sl_store_be64(p + pos, (uint64_t)next);
                sl_store_be32(p + pos + 12, 0); /* partition leader epoch */
                next += (int64_t)hdrs[i].last_offset_delta + 1;
                nrec += hdrs[i].last_offset_delta + 1;
                pos += (size_t)hdrs[i].batch_length + SL_BATCH_LOG_OVERHEAD;
        }
        sl_err rc = sl_broker_segment_append(act, p, pos, stamped, nb, det);
        if (rc) {
                if (stamped != small)
                        sl_free(stamped);
                return rc;
        }
        *base_offset = log->end_offset;
        for (size_t i = 0; i < nb; i++)
                if (stamped[i].producer_id >= 0)
                        sl_broker_producer_update(log, &stamped[i]);
        if (stamped != small)
                sl_free(stamped);
        log->end_offset = next;
        if (log->unflushed == 0)
                log->unflushed_since_ms = sl_time_mono_ms();
        log->unflushed += nrec;
        if (log->unflushed >= broker->set.flush_messages)
                sl_broker_log_request_flush(log);
        broker->dirty = true;
        return SL_OK;
}

/* Index of the last segment whose base offset <= offset. */
static size_t find_segment(sl_broker_log *log, int64_t offset)
{
        size_t lo = 0, hi = log->segs.len;
        while (hi - lo > 1) {
                size_t mid = (lo + hi) / 2;
                if (SL_VEC_AT(&log->segs, sl_broker_segment *, mid)->base_offset <= offset)
                        lo = mid;
                else
                        hi = mid;
        }
        return lo;
}

ErrorCode sl_broker_log_read(sl_broker_log *log, int64_t offset, int64_t max_bytes, bool min_one,
                             sl_broker_read *out)
{
        out->fd = -1;
        out->pos = out->len = 0;
        if (offset < log->start_offset || offset > log->end_offset)
                return ErrorCode_OFFSET_OUT_OF_RANGE;
        if (offset == log->end_offset)
                return ErrorCode_NONE;
        for (size_t i = find_segment(log, offset); i < log->segs.len; i++) {
                sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, i);
                int64_t pos = sl_broker_segment_find(seg, offset);
                if (pos >= seg->size)
                        continue;
                int64_t end = pos;
                sl_broker_batch b;
                while (sl_broker_segment_header_at(seg, end, &b)) {
                        int64_t total = (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD;
                        if (end - pos + total > max_bytes && !(min_one && end == pos))
                                break;
                        end += total;
                }
                out->fd = seg->fd;
                out->pos = pos;
                out->len = end - pos;
                return ErrorCode_NONE;
        }
        return ErrorCode_NONE;
}

void sl_broker_log_offset_for_time(sl_broker_log *log, int64_t ts, int64_t *offset, int64_t *found_ts)
{
        *offset = -1;
        *found_ts = -1;
        for (size_t i = 0; i < log->segs.len; i++) {
                sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, i);
                if (seg->max_timestamp < ts)
                        continue;
                int64_t pos = sl_broker_index_lookup_time(&seg->index, ts);
                sl_broker_batch b;
                while (pos >= 0 && sl_broker_segment_header_at(seg, pos, &b)) {
                        int64_t total = (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD;
                        if (b.max_timestamp >= ts) {
                                *offset = b.base_offset;
                                *found_ts = b.max_timestamp;
                                if ((b.attributes & 7) == 0) {
                                        uint8_t *buf = sl_malloc((size_t)total);
                                        if (pread(seg->fd, buf, (size_t)total, pos) == total) {
                                                size_t rp = SL_BATCH_HEADER_SIZE;
                                                sl_broker_record rec;
                                                while (sl_broker_batch_next_record(buf, (size_t)total, &b, &rp, &rec) == 1) {
                                                        if (rec.timestamp >= ts) {
                                                                *offset = rec.offset;
                                                                *found_ts = rec.timestamp;
                                                                break;
                                                        }
                                                }
                                        }
                                        sl_free(buf);
                                }
                                return;
                        }
                        pos += total;
                }
        }
}

void sl_broker_log_maintain(sl_broker_log *log, int64_t now_wall_ms, int64_t now_mono_ms, bool retention)
{
        sl_broker *broker = log_broker(log);
        sl_broker_segment *act = sl_broker_log_active(log);
        sl_err_detail det;
        if (act->size > 0 && now_wall_ms - act->created_ms >= log->cfg->segment_ms && roll(log, &det))
                SL_LOG_ERROR("broker", "%s", det.message);
        if (log->unflushed > 0 && broker->set.flush_ms >= 0 && now_mono_ms - log->unflushed_since_ms >= broker->set.flush_ms)
                sl_broker_log_request_flush(log);
        if (!retention || !log->cfg->delete_old)
                return;
        int64_t total = 0;
        for (size_t i = 0; i < log->segs.len; i++)
                total += SL_VEC_AT(&log->segs, sl_broker_segment *, i)->size;
        while (log->segs.len > 1) {
                sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, 0);
                bool expired = log->cfg->retention_ms >= 0 && seg->max_timestamp >= 0 &&
                               seg->max_timestamp < now_wall_ms - log->cfg->retention_ms;
                bool too_big = log->cfg->retention_bytes >= 0 && total - seg->size >= log->cfg->retention_bytes;
                if (!expired && !too_big)
                        break;
                SL_LOG_INFO("broker", "retention: deleting segment %s (%s)", seg->path, expired ? "time" : "size");
                total -= seg->size;
                sl_vec_remove(&log->segs, 0);
                sl_broker_segment_delete(seg);
                log->start_offset = SL_VEC_AT(&log->segs, sl_broker_segment *, 0)->base_offset;
                broker->dirty = true;
        }
}
