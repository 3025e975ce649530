/* test_log.c: partition logs, segments and their indexes: offset assignment, reads from any
 * offset, roll by size, timestamp lookups, retention, and start-up recovery of a torn or corrupt
 * tail. Runs an offline broker over a temporary directory. */
#include "batch_util.h"

#include <fcntl.h>
#include <sys/stat.h>

static char dir[256];

static void teardown(void)
{
        if (dir[0])
                test_rmdir(dir);
        dir[0] = 0;
}

static sl_broker_log *make_topic(sl_broker *broker, const char *name, const char *cfgtext)
{
        sl_config *ov = sl_config_new();
        if (cfgtext) {
                sl_err_detail det;
                cr_assert_eq(sl_config_parse_text(ov, cfgtext, strlen(cfgtext), "t", &det), SL_OK);
        }
        char msg[256];
        cr_assert_eq(sl_broker_topic_create(broker, name, 1, ov, msg, sizeof msg), ErrorCode_NONE, "%s", msg);
        sl_config_free(ov);
        return sl_broker_topic_find(broker, name, strlen(name))->parts[0];
}

static void append_n(sl_broker_log *log, int batches, int per, int64_t ts0)
{
        for (int i = 0; i < batches; i++) {
                test_rec recs[16];
                char keys[16][16], vals[16][16];
                for (int j = 0; j < per; j++) {
                        snprintf(keys[j], 16, "k%d", (i * per + j) % 7);
                        snprintf(vals[j], 16, "v%d", i * per + j);
                        recs[j] = (test_rec){keys[j], vals[j], j};
                }
                sl_buf b;
                sl_buf_init(&b);
                test_batch(&b, ts0 + i * 10, recs, per, -1, -1, -1);
                int64_t base = test_append(log, &b);
                cr_assert_eq(base, (int64_t)i * per);
                sl_buf_deinit(&b);
        }
}

Test(broker_log, offsets_reads_and_rolls, .fini = teardown)
{
        sl_broker *broker = test_broker(dir, sizeof dir, NULL);
        sl_broker_log *log = make_topic(broker, "t", "segment.bytes=400\n");
        append_n(log, 30, 3, 1000);
        cr_assert_eq(log->end_offset, 90);
        cr_assert_gt(log->segs.len, 5, "segment.bytes=400 must roll, got %zu segments", log->segs.len);
        test_out out[100];
        int n = test_read_all(log, out, 100);
        cr_assert_eq(n, 90);
        for (int i = 0; i < n; i++) {
                char want[16];
                snprintf(want, sizeof want, "v%d", i);
                cr_assert_eq(out[i].offset, i);
                cr_assert_str_eq(out[i].value, want);
        }
        /* a read from the middle of a batch starts with the batch holding the offset */
        sl_broker_read r;
        cr_assert_eq(sl_broker_log_read(log, 41, 1 << 20, true, &r), ErrorCode_NONE);
        sl_broker_batch b;
        uint8_t hdr[SL_BATCH_HEADER_SIZE];
        cr_assert_eq(pread(r.fd, hdr, sizeof hdr, r.pos), (ssize_t)sizeof hdr);
        cr_assert(sl_broker_batch_parse(hdr, sizeof hdr, &b));
        cr_assert_eq(b.base_offset, 39);
        /* a tiny limit still returns one whole batch when asked to (KIP-74), else nothing */
        cr_assert_eq(sl_broker_log_read(log, 0, 1, true, &r), ErrorCode_NONE);
        cr_assert_eq(pread(r.fd, hdr, sizeof hdr, r.pos), (ssize_t)sizeof hdr);
        cr_assert(sl_broker_batch_parse(hdr, sizeof hdr, &b));
        cr_assert_eq(b.base_offset, 0);
        cr_assert_eq(r.len, (int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD);
        cr_assert_eq(sl_broker_log_read(log, 0, 1, false, &r), ErrorCode_NONE);
        cr_assert_eq(r.len, 0);
        cr_assert_eq(sl_broker_log_read(log, 90, 100, true, &r), ErrorCode_NONE);
        cr_assert_eq(r.len, 0);
        cr_assert_eq(sl_broker_log_read(log, 91, 100, true, &r), ErrorCode_OFFSET_OUT_OF_RANGE);
        /* time index: batch i has records at 1000 + 10i .. +2 */
        int64_t off, ts;
        sl_broker_log_offset_for_time(log, 1000 + 10 * 17 + 1, &off, &ts);
        cr_assert_eq(off, 17 * 3 + 1);
        cr_assert_eq(ts, 1000 + 10 * 17 + 1);
        sl_broker_log_offset_for_time(log, 0, &off, &ts);
        cr_assert_eq(off, 0);
        sl_broker_log_offset_for_time(log, 99999, &off, &ts);
        cr_assert_eq(off, -1);
        sl_broker_free(broker);
}

Test(broker_log, reopen_keeps_everything, .fini = teardown)
{
        sl_broker *broker = test_broker(dir, sizeof dir, NULL);
        sl_broker_log *log = make_topic(broker, "t", "segment.bytes=300\n");
        append_n(log, 20, 2, 5000);
        size_t nsegs = log->segs.len;
        sl_broker_free(broker);
        broker = test_broker(dir, sizeof dir, NULL);
        log = sl_broker_topic_find(broker, "t", 1)->parts[0];
        cr_assert_eq(log->end_offset, 40);
        cr_assert_eq(log->segs.len, nsegs);
        cr_assert_eq(log->cfg->segment_bytes, 300, "topic configs survive a restart");
        test_out out[64];
        cr_assert_eq(test_read_all(log, out, 64), 40);
        sl_broker_free(broker);
}

/* Damages the active segment's file with `fn`, reopens, and returns the recovered log end. */
static int64_t damage_and_reopen(void (*fn)(int fd, off_t size), int64_t *size_after)
{
        sl_broker *broker = test_broker(dir, sizeof dir, NULL);
        sl_broker_log *log = make_topic(broker, "t", NULL);
        append_n(log, 5, 4, 100);
        char *path = sl_strdup(sl_broker_log_active(log)->path);
        sl_broker_free(broker);
        int fd = open(path, O_RDWR);
        cr_assert(fd >= 0);
        struct stat st;
        fstat(fd, &st);
        fn(fd, st.st_size);
        close(fd);
        broker = test_broker(dir, sizeof dir, NULL);
        log = sl_broker_topic_find(broker, "t", 1)->parts[0];
        int64_t end = log->end_offset;
        test_out out[64];
        cr_assert_eq(test_read_all(log, out, 64), end, "every surviving record is readable");
        /* the log takes appends again after recovery */
        append_n(log, 0, 1, 0);
        sl_broker_free(broker);
        stat(path, &st);
        *size_after = st.st_size;
        sl_free(path);
        return end;
}

static void torn_tail(int fd, off_t size)
{
        cr_assert_eq(ftruncate(fd, size - 5), 0);
}

static void garbage_tail(int fd, off_t size)
{
        char junk[100];
        memset(junk, 0x5a, sizeof junk);
        cr_assert_eq(pwrite(fd, junk, sizeof junk, size), (ssize_t)sizeof junk);
}

static void corrupt_last_batch(int fd, off_t size)
{
        char c;
        cr_assert_eq(pread(fd, &c, 1, size - 3), 1);
        c ^= 1;
        cr_assert_eq(pwrite(fd, &c, 1, size - 3), 1);
}

static void torn_header(int fd, off_t size)
{
        /* a second copy of the first 30 bytes: a batch header cut short */
        char hdr[30];
        cr_assert_eq(pread(fd, hdr, sizeof hdr, 0), (ssize_t)sizeof hdr);
        cr_assert_eq(pwrite(fd, hdr, sizeof hdr, size), (ssize_t)sizeof hdr);
}

Test(broker_recovery, torn_tail_is_truncated, .fini = teardown)
{
        int64_t size;
        cr_assert_eq(damage_and_reopen(torn_tail, &size), 16, "the torn last batch (offsets 16-19) is gone");
}

Test(broker_recovery, garbage_after_the_last_batch_is_truncated, .fini = teardown)
{
        int64_t size;
        cr_assert_eq(damage_and_reopen(garbage_tail, &size), 20);
}

Test(broker_recovery, crc_mismatch_truncates_from_that_batch, .fini = teardown)
{
        int64_t size;
        cr_assert_eq(damage_and_reopen(corrupt_last_batch, &size), 16);
}

Test(broker_recovery, torn_header_is_truncated, .fini = teardown)
{
        int64_t size;
        cr_assert_eq(damage_and_reopen(torn_header, &size), 20);
}

Test(broker_log, retention_by_size_and_time, .fini = teardown)
{
        sl_broker *broker = test_broker(dir, sizeof dir, NULL);
        sl_broker_log *log = make_topic(broker, "t", "segment.bytes=300\nretention.bytes=600\n");
        append_n(log, 30, 2, 1000);
        int64_t total = 0;
        for (size_t i = 0; i < log->segs.len; i++)
                total += SL_VEC_AT(&log->segs, sl_broker_segment *, i)->size;
        cr_assert_gt(total, 600);
        sl_broker_log_maintain(log, 2000, 0, true);
        cr_assert_gt(log->start_offset, 0);
        total = 0;
        for (size_t i = 0; i < log->segs.len; i++)
                total += SL_VEC_AT(&log->segs, sl_broker_segment *, i)->size;
        cr_assert_geq(total, 600, "retention keeps at least retention.bytes");
        cr_assert_lt(total - SL_VEC_AT(&log->segs, sl_broker_segment *, 0)->size, 600);
        sl_broker_read r;
        cr_assert_eq(sl_broker_log_read(log, 0, 100, true, &r), ErrorCode_OFFSET_OUT_OF_RANGE);
        /* time: timestamps are ~1000-1300, "now" far later deletes every closed segment */
        sl_broker_log *log2 = make_topic(broker, "u", "segment.bytes=300\nretention.ms=1000\n");
        append_n(log2, 30, 2, 1000);
        sl_broker_log_maintain(log2, 1000000, 0, true);
        cr_assert_eq(log2->segs.len, 1);
        cr_assert_eq(log2->start_offset, sl_broker_log_active(log2)->base_offset);
        sl_broker_free(broker);
}

Test(broker_index, sparse_lookup_finds_a_position_at_or_before)
{
        sl_broker_index idx;
        sl_broker_index_init(&idx, 100);
        int64_t pos = 0;
        for (int i = 0; i < 50; i++) {
                sl_broker_batch b = {.base_offset = 1000 + i * 10, .last_offset_delta = 9, .max_timestamp = 500 + i};
                sl_broker_index_add(&idx, 1000, &b, pos, 60);
                pos += 60;
        }
        cr_assert_lt(idx.offsets.len, 50, "the offset index is sparse");
        cr_assert_gt(idx.offsets.len, 1);
        for (int64_t off = 1000; off < 1500; off += 7) {
                int64_t p = sl_broker_index_lookup(&idx, 1000, off);
                int64_t batch_pos = (off - 1000) / 10 * 60;
                cr_assert_leq(p, batch_pos);
                cr_assert_geq(p, batch_pos - 2 * 60 - 100);
        }
        cr_assert_eq(sl_broker_index_lookup_time(&idx, 520), 20 * 60);
        cr_assert_eq(sl_broker_index_lookup_time(&idx, 0), 0);
        cr_assert_eq(sl_broker_index_lookup_time(&idx, 600), -1);
        sl_broker_index_deinit(&idx);
}

Test(broker_log, producer_state_is_rebuilt_on_open, .fini = teardown)
{
        sl_broker *broker = test_broker(dir, sizeof dir, NULL);
        sl_broker_log *log = make_topic(broker, "t", "segment.bytes=200\n");
        test_rec r = {"k", "v", 0};
        for (int i = 0; i < 8; i++) {
                sl_buf b;
                sl_buf_init(&b);
                test_batch(&b, 100, &r, 1, 42, 3, i);
                cr_assert_eq(test_append(log, &b), i);
                sl_buf_deinit(&b);
        }
        sl_broker_free(broker);
        broker = test_broker(dir, sizeof dir, NULL);
        log = sl_broker_topic_find(broker, "t", 1)->parts[0];
        sl_broker_batch b = {.producer_id = 42, .producer_epoch = 3, .base_sequence = 6, .last_offset_delta = 0};
        bool dup;
        int64_t off;
        cr_assert_eq(sl_broker_producer_check(log, &b, &dup, &off), ErrorCode_NONE);
        cr_assert(dup, "a retry of a batch written before the restart is a duplicate");
        cr_assert_eq(off, 6);
        b.base_sequence = 9;
        cr_assert_eq(sl_broker_producer_check(log, &b, &dup, &off), ErrorCode_OUT_OF_ORDER_SEQUENCE_NUMBER);
        b.base_sequence = 8;
        cr_assert_eq(sl_broker_producer_check(log, &b, &dup, &off), ErrorCode_NONE);
        cr_assert(!dup);
        b.producer_epoch = 2;
        cr_assert_eq(sl_broker_producer_check(log, &b, &dup, &off), ErrorCode_INVALID_PRODUCER_EPOCH);
        sl_broker_free(broker);
}
