/* cleaner.c: compaction for topics with cleanup.policy=compact, on its own thread.
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
 * is dropped; compressed batches are kept whole (the broker never decompresses).
 *
 * Threads: the network thread snapshots the log (dup'ed descriptors and sizes of its segments)
 * into a job; the cleaner thread reads the snapshot, writes each changed segment to
 * <name>.cleaned, fsyncs it and opens it as a segment; the network thread then renames the
 * .cleaned file over the original and swaps the segment in, unless the segment went away
 * meanwhile (retention, topic deletion). A crash leaves either the old or the new file; log.c
 * deletes stray .cleaned files at start-up. Brokers without threads (tests, fuzzing) clean inline. */
#include "broker/broker_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"

/* One segment as the job sees it. */
typedef struct clean_seg {
        int64_t base;                /* base offset, identifies the segment in the log */
        char *path;                  /* owned */
        int fd;                      /* dup'ed, owned */
        int64_t size;                /* bytes to read (captured when the job was made) */
        bool closed;                 /* false for the active segment: read, never rewritten */
        sl_broker_segment *cleaned;  /* result: the rewritten segment (open on <path>.cleaned), or NULL */
} clean_seg;

struct sl_broker_clean_job {
        uint32_t log_id;
        char *name;                  /* "topic-partition" for logs, owned */
        int64_t now_ms;              /* wall clock when scheduled */
        int64_t delete_retention_ms;
        int64_t index_interval;
        int64_t dirty_end;           /* base of the active segment when scheduled */
        int nsegs;
        clean_seg *segs;             /* owned */
        int64_t removed;             /* result: records removed */
        bool tombstones_left;        /* result: tombstones kept for later */
};

void sl_broker_cleaner_run(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms);

static bool read_batch(const clean_seg *cs, int64_t pos, sl_broker_batch *b, sl_buf *buf)
{
        uint8_t hdr[SL_BATCH_HEADER_SIZE];
        if (pos + SL_BATCH_HEADER_SIZE > cs->size || pread(cs->fd, hdr, sizeof hdr, pos) != (ssize_t)sizeof hdr ||
            !sl_broker_batch_parse(hdr, sizeof hdr, b))
                return false;
        size_t total = (size_t)b->batch_length + SL_BATCH_LOG_OVERHEAD;
        if (b->batch_length < 0 || pos + (int64_t)total > cs->size)
                return false;
        sl_buf_reset(buf);
        uint8_t *dst = sl_buf_extend(buf, total);
        return pread(cs->fd, dst, total, pos) == (ssize_t)total;
}

/* Pass 1: key -> offset of its latest record, over the whole log. */
static void map_latest(const sl_broker_clean_job *job, sl_map *latest)
{
        sl_buf buf;
        sl_buf_init(&buf);
        for (int s = 0; s < job->nsegs; s++) {
                const clean_seg *cs = &job->segs[s];
                sl_broker_batch b;
                for (int64_t pos = 0; read_batch(cs, pos, &b, &buf); pos += (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD) {
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
static int64_t clean_segment(sl_broker_clean_job *job, const clean_seg *cs, const sl_map *latest, sl_buf *out)
{
        sl_buf buf, nb;
        sl_buf_init(&buf);
        sl_buf_init(&nb);
        int64_t removed = 0;
        sl_broker_batch b;
        for (int64_t pos = 0; read_batch(cs, pos, &b, &buf); pos += (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD) {
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
                                if (rec.timestamp < job->now_ms - job->delete_retention_ms)
                                        keep = false;
                                else
                                        job->tombstones_left = true;
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

/* Writes `data` to <path>.cleaned durably and opens it as a segment. */
static sl_broker_segment *write_cleaned(const sl_broker_clean_job *job, const clean_seg *cs, const sl_buf *data)
{
        char *tmp = sl_asprintf("%s.cleaned", cs->path);
        sl_broker_segment *ns = NULL;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0 && (data->len == 0 || write(fd, data->data, data->len) == (ssize_t)data->len) && fdatasync(fd) == 0) {
                sl_err_detail det;
                if (sl_broker_segment_open(tmp, cs->base, job->index_interval, false, NULL, NULL, &ns, &det) != SL_OK) {
                        SL_LOG_ERROR("broker", "cleaner: %s", det.message);
                        ns = NULL;
                }
        } else {
                SL_LOG_ERROR("broker", "cleaner: cannot write %s: %s", tmp, strerror(errno));
        }
        if (fd >= 0)
                close(fd);
        if (!ns)
                unlink(tmp);
        sl_free(tmp);
        return ns;
}

/* The cleaner thread's part: both passes, no access to the log itself. */
static void job_run(sl_broker_clean_job *job)
{
        sl_map latest;
        sl_map_init(&latest, false);
        map_latest(job, &latest);
        sl_buf out;
        sl_buf_init(&out);
        for (int i = 0; i < job->nsegs; i++) {
                clean_seg *cs = &job->segs[i];
                if (!cs->closed)
                        continue;
                sl_buf_reset(&out);
                int64_t r = clean_segment(job, cs, &latest, &out);
                if (r > 0 && (cs->cleaned = write_cleaned(job, cs, &out)))
                        job->removed += r;
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
}

static void job_free(sl_broker_clean_job *job)
{
        if (!job)
                return;
        for (int i = 0; i < job->nsegs; i++) {
                clean_seg *cs = &job->segs[i];
                if (cs->cleaned) { /* not swapped in: discard */
                        unlink(cs->cleaned->path);
                        sl_broker_segment_close(cs->cleaned);
                }
                if (cs->fd >= 0)
                        close(cs->fd);
                sl_free(cs->path);
        }
        sl_free(job->segs);
        sl_free(job->name);
        sl_free(job);
}

/* Network thread: snapshots the log, or NULL when there is nothing to clean. */
static sl_broker_clean_job *job_make(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms)
{
        if (log->segs.len < 2)
                return NULL;
        int64_t dirty_end = sl_broker_log_active(log)->base_offset;
        if (dirty_end <= log->cleaned_upto && !log->tombstones_pending)
                return NULL; /* nothing new and no tombstones waiting */
        sl_broker_clean_job *job = sl_calloc(1, sizeof *job);
        job->log_id = log->id;
        job->name = sl_asprintf("%s-%d", log->topic->name, log->partition);
        job->now_ms = now_wall_ms;
        job->delete_retention_ms = log->cfg->delete_retention_ms;
        job->index_interval = broker->set.index_interval_bytes;
        job->dirty_end = dirty_end;
        job->segs = sl_calloc(log->segs.len, sizeof *job->segs);
        for (size_t i = 0; i < log->segs.len; i++) {
                sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, i);
                clean_seg *cs = &job->segs[job->nsegs];
                cs->fd = dup(seg->fd);
                if (cs->fd < 0) {
                        SL_LOG_ERROR("broker", "cleaner: dup: %s", strerror(errno));
                        job_free(job);
                        return NULL;
                }
                cs->base = seg->base_offset;
                cs->path = sl_strdup(seg->path);
                cs->size = seg->size;
                cs->closed = i + 1 < log->segs.len;
                job->nsegs++;
        }
        return job;
}

/* Network thread: swaps the cleaned segments in. Frees the job. */
static void job_apply(sl_broker *broker, sl_broker_clean_job *job)
{
        sl_broker_log *log = job->log_id < broker->logs.len ? SL_VEC_AT(&broker->logs, sl_broker_log *, job->log_id) : NULL;
        int64_t removed = 0;
        for (int i = 0; log && i < job->nsegs; i++) {
                clean_seg *cs = &job->segs[i];
                if (!cs->cleaned)
                        continue;
                for (size_t k = 0; k + 1 < log->segs.len; k++) {
                        sl_broker_segment *seg = SL_VEC_AT(&log->segs, sl_broker_segment *, k);
                        if (seg->base_offset != cs->base || seg->size != cs->size || strcmp(seg->path, cs->path) != 0)
                                continue;
                        if (rename(cs->cleaned->path, seg->path) < 0) {
                                SL_LOG_ERROR("broker", "cleaner: rename to %s: %s", seg->path, strerror(errno));
                                break;
                        }
                        sl_broker_segment *ns = cs->cleaned;
                        cs->cleaned = NULL;
                        sl_free(ns->path);
                        ns->path = sl_strdup(seg->path);
                        ns->created_ms = seg->created_ms;
                        if (ns->max_timestamp < 0)
                                ns->max_timestamp = seg->max_timestamp;
                        SL_VEC_AT(&log->segs, sl_broker_segment *, k) = ns;
                        sl_broker_segment_close(seg);
                        removed++;
                        break;
                }
        }
        if (log) {
                log->cleaned_upto = job->dirty_end;
                log->tombstones_pending = job->tombstones_left;
                if (job->removed)
                        SL_LOG_INFO("broker", "cleaner: %s: removed %" PRId64 " records, rewrote %" PRId64 " segments",
                                    job->name, job->removed, removed);
        }
        job_free(job);
}

void sl_broker_cleaner_run(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms)
{
        sl_broker_clean_job *job = job_make(broker, log, now_wall_ms);
        if (!job)
                return;
        job_run(job);
        job_apply(broker, job);
}

static void *cleaner_main(void *arg)
{
        sl_broker *broker = arg;
        pthread_mutex_lock(&broker->clean_mu);
        for (;;) {
                while (!broker->clean_todo && !broker->clean_stop)
                        pthread_cond_wait(&broker->clean_cv, &broker->clean_mu);
                if (broker->clean_stop)
                        break;
                sl_broker_clean_job *job = broker->clean_todo;
                broker->clean_todo = NULL;
                pthread_mutex_unlock(&broker->clean_mu);
                job_run(job);
                pthread_mutex_lock(&broker->clean_mu);
                broker->clean_done = job;
                uint64_t one = 1;
                if (write(broker->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
                        SL_LOG_ERROR("broker", "eventfd write: %s", strerror(errno));
        }
        pthread_mutex_unlock(&broker->clean_mu);
        return NULL;
}

sl_err sl_broker_cleaner_start(sl_broker *broker, sl_err_detail *det)
{
        int rc = pthread_create(&broker->clean_thread, NULL, cleaner_main, broker);
        if (rc)
                return sl_err_set(det, SL_ERR_IO, "cannot start the cleaner thread: %s", strerror(rc));
        broker->clean_started = true;
        return SL_OK;
}

void sl_broker_cleaner_stop(sl_broker *broker)
{
        if (broker->clean_started) {
                pthread_mutex_lock(&broker->clean_mu);
                broker->clean_stop = true;
                pthread_cond_signal(&broker->clean_cv);
                pthread_mutex_unlock(&broker->clean_mu);
                pthread_join(broker->clean_thread, NULL);
                broker->clean_started = false;
        }
        /* a finished or queued job is dropped: the original segments stay valid */
        job_free(broker->clean_todo);
        job_free(broker->clean_done);
        broker->clean_todo = broker->clean_done = NULL;
        broker->clean_busy = false;
}

void sl_broker_cleaner_schedule(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms)
{
        if (!broker->clean_started) {
                sl_broker_cleaner_run(broker, log, now_wall_ms);
                return;
        }
        if (broker->clean_busy)
                return; /* one job at a time; this log gets its turn at a later tick */
        sl_broker_clean_job *job = job_make(broker, log, now_wall_ms);
        if (!job)
                return;
        pthread_mutex_lock(&broker->clean_mu);
        broker->clean_todo = job;
        broker->clean_busy = true;
        pthread_cond_signal(&broker->clean_cv);
        pthread_mutex_unlock(&broker->clean_mu);
}

void sl_broker_cleaner_collect(sl_broker *broker)
{
        if (!broker->clean_started || !broker->clean_busy)
                return;
        pthread_mutex_lock(&broker->clean_mu);
        sl_broker_clean_job *job = broker->clean_done;
        broker->clean_done = NULL;
        pthread_mutex_unlock(&broker->clean_mu);
        if (!job)
                return;
        broker->clean_busy = false;
        job_apply(broker, job);
}
