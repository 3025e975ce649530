/* segment.c: one segment file of a partition log, named after its base offset
 * (00000000000000000042.log). It holds record batches exactly as produced, with their assigned
 * base offsets stamped in. Opening a segment scans its batch headers to rebuild the sparse indexes;
 * opening with `recover` also checks every batch's CRC and truncates the file at the first batch
 * that is torn, corrupt or out of order (start-up recovery of the active segment). */
#include "broker/broker_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/time.h"

char *sl_broker_segment_path(const char *dir, int64_t base)
{
        return sl_asprintf("%s/%020" PRId64 ".log", dir, base);
}

static sl_broker_segment *segment_alloc(const char *path, int64_t base, int64_t interval, int fd)
{
        sl_broker_segment *seg = sl_calloc(1, sizeof *seg);
        seg->base_offset = base;
        seg->next_offset = base;
        seg->max_timestamp = -1;
        seg->fd = fd;
        seg->path = sl_strdup(path);
        sl_broker_index_init(&seg->index, interval);
        return seg;
}

static bool pread_full(int fd, void *buf, size_t len, int64_t off)
{
        size_t done = 0;
        while (done < len) {
                ssize_t n = pread(fd, (uint8_t *)buf + done, len - done, (off_t)(off + (int64_t)done));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return false;
                done += (size_t)n;
        }
        return true;
}

bool sl_broker_segment_header_at(const sl_broker_segment *seg, int64_t pos, sl_broker_batch *b)
{
        uint8_t hdr[SL_BATCH_HEADER_SIZE];
        if (pos + SL_BATCH_HEADER_SIZE > seg->size || !pread_full(seg->fd, hdr, sizeof hdr, pos))
                return false;
        return sl_broker_batch_parse(hdr, sizeof hdr, b);
}

sl_err sl_broker_segment_open(const char *path, int64_t base, int64_t interval, bool recover,
                              void (*on_batch)(void *ctx, const sl_broker_batch *b), void *ctx,
                              sl_broker_segment **out, sl_err_detail *det)
{
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return sl_err_set(det, SL_ERR_IO, "cannot open segment %s: %s", path, strerror(errno));
        struct stat st;
        if (fstat(fd, &st) < 0) {
                close(fd);
                return sl_err_set(det, SL_ERR_IO, "cannot stat segment %s: %s", path, strerror(errno));
        }
        sl_broker_segment *seg = segment_alloc(path, base, interval, fd);
        seg->created_ms = (int64_t)st.st_mtime * 1000;
        int64_t file_size = st.st_size, pos = 0;
        seg->size = file_size;
        uint8_t *buf = NULL;
        size_t bufcap = 0;
        const char *why = NULL;
        while (pos < file_size) {
                sl_broker_batch b;
                uint8_t hdr[SL_BATCH_HEADER_SIZE];
                if (file_size - pos < SL_BATCH_HEADER_SIZE || !pread_full(fd, hdr, sizeof hdr, pos)) {
                        why = "torn batch header";
                        break;
                }
                if (!sl_broker_batch_parse(hdr, sizeof hdr, &b)) {
                        why = "bad magic";
                        break;
                }
                int64_t total = (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD;
                if (b.batch_length < SL_BATCH_HEADER_SIZE - SL_BATCH_LOG_OVERHEAD || pos + total > file_size) {
                        why = "torn batch";
                        break;
                }
                if (b.base_offset < seg->next_offset || b.last_offset_delta < 0) {
                        why = "offsets out of order";
                        break;
                }
                if (recover) {
                        if ((size_t)total > bufcap) {
                                sl_free(buf);
                                bufcap = (size_t)total;
                                buf = sl_malloc(bufcap);
                        }
                        if (!pread_full(fd, buf, (size_t)total, pos) ||
                            sl_broker_batch_validate(buf, (size_t)total, &b) != ErrorCode_NONE) {
                                why = "CRC mismatch";
                                break;
                        }
                }
                sl_broker_index_add(&seg->index, base, &b, pos, total);
                seg->next_offset = sl_broker_batch_last_offset(&b) + 1;
                if (b.max_timestamp > seg->max_timestamp)
                        seg->max_timestamp = b.max_timestamp;
                if (on_batch)
                        on_batch(ctx, &b);
                pos += total;
        }
        sl_free(buf);
        if (pos < file_size) {
                SL_LOG_WARN("broker", "segment %s: %s at byte %" PRId64 ", truncating %" PRId64 " bytes", path,
                            why, pos, file_size - pos);
                if (ftruncate(fd, pos) < 0 || fdatasync(fd) < 0) {
                        sl_broker_segment_close(seg);
                        return sl_err_set(det, SL_ERR_IO, "cannot truncate segment %s: %s", path, strerror(errno));
                }
                seg->size = pos;
        }
        *out = seg;
        return SL_OK;
}

sl_err sl_broker_segment_create(const char *dir, int64_t base, int64_t interval, sl_broker_segment **out,
                                sl_err_detail *det)
{
        char *path = sl_broker_segment_path(dir, base);
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
                sl_err rc = sl_err_set(det, SL_ERR_IO, "cannot create segment %s: %s", path, strerror(errno));
                sl_free(path);
                return rc;
        }
        sl_broker_segment *seg = segment_alloc(path, base, interval, fd);
        seg->created_ms = sl_time_wall_ms();
        sl_free(path);
        *out = seg;
        return SL_OK;
}

void sl_broker_segment_close(sl_broker_segment *seg)
{
        if (!seg)
                return;
        if (seg->fd >= 0)
                close(seg->fd);
        sl_broker_index_deinit(&seg->index);
        sl_free(seg->path);
        sl_free(seg);
}

void sl_broker_segment_delete(sl_broker_segment *seg)
{
        if (!seg)
                return;
        unlink(seg->path);
        sl_broker_segment_close(seg);
}

sl_err sl_broker_segment_append(sl_broker_segment *seg, const uint8_t *p, size_t len,
                                const sl_broker_batch *hdrs, size_t nb, sl_err_detail *det)
{
        size_t done = 0;
        while (done < len) {
                ssize_t n = pwrite(seg->fd, p + done, len - done, (off_t)(seg->size + (int64_t)done));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        /* leave no partial batch behind */
                        if (ftruncate(seg->fd, seg->size) < 0)
                                SL_LOG_ERROR("broker", "cannot truncate %s after a failed write", seg->path);
                        return sl_err_set(det, SL_ERR_IO, "write to %s failed: %s", seg->path,
                                          n < 0 ? strerror(errno) : "short write");
                }
                done += (size_t)n;
        }
        int64_t pos = seg->size;
        for (size_t i = 0; i < nb; i++) {
                int64_t total = (int64_t)hdrs[i].batch_length + SL_BATCH_LOG_OVERHEAD;
                sl_broker_index_add(&seg->index, seg->base_offset, &hdrs[i], pos, total);
                seg->next_offset = sl_broker_batch_last_offset(&hdrs[i]) + 1;
                if (hdrs[i].max_timestamp > seg->max_timestamp)
                        seg->max_timestamp = hdrs[i].max_timestamp;
                pos += total;
        }
        seg->size = pos;
        return SL_OK;
}

int64_t sl_broker_segment_find(const sl_broker_segment *seg, int64_t offset)
{
        int64_t pos = sl_broker_index_lookup(&seg->index, seg->base_offset, offset);
        sl_broker_batch b;
        while (sl_broker_segment_header_at(seg, pos, &b)) {
                if (sl_broker_batch_last_offset(&b) >= offset)
                        return pos;
                pos += (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD;
        }
        return seg->size;
}
