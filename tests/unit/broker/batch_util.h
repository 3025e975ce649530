/* batch_util.h: helpers for the broker unit tests: build v2 record batches the way producers do
 * (CRC-32C included), and an offline broker over a temporary data directory. */
#ifndef SL_TEST_BATCH_UTIL_H
#define SL_TEST_BATCH_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/broker_int.h"
#include "common/crc32c.h"
#include "common/mem.h"
#include "common/varint.h"

/* One record to put in a batch; key/value NULL = null. */
typedef struct test_rec {
        const char *key;
        const char *value;
        int64_t ts_delta;
} test_rec;

/* Appends a batch of `n` records to `out`. */
static inline void test_batch(sl_buf *out, int64_t base_ts, const test_rec *recs, int n, int64_t pid, int16_t epoch,
                              int32_t seq)
{
        size_t start = out->len;
        sl_buf body;
        sl_buf_init(&body);
        int64_t max_ts = base_ts;
        for (int i = 0; i < n; i++) {
                sl_buf r;
                sl_buf_init(&r);
                sl_buf_append_u8(&r, 0);
                sl_buf_append_varint(&r, recs[i].ts_delta);
                sl_buf_append_varint(&r, i);
                if (recs[i].key) {
                        sl_buf_append_varint(&r, (int64_t)strlen(recs[i].key));
                        sl_buf_append(&r, recs[i].key, strlen(recs[i].key));
                } else {
                        sl_buf_append_varint(&r, -1);
                }
                if (recs[i].value) {
                        sl_buf_append_varint(&r, (int64_t)strlen(recs[i].value));
                        sl_buf_append(&r, recs[i].value, strlen(recs[i].value));
                } else {
                        sl_buf_append_varint(&r, -1);
                }
                sl_buf_append_varint(&r, 0); /* headers */
                sl_buf_append_varint(&body, (int64_t)r.len);
                sl_buf_append(&body, r.data, r.len);
                sl_buf_deinit(&r);
                if (base_ts + recs[i].ts_delta > max_ts)
                        max_ts = base_ts + recs[i].ts_delta;
        }
        sl_buf_append_be64(out, 0);
        sl_buf_append_be32(out, (uint32_t)(49 + body.len));
        sl_buf_append_be32(out, 0);
        sl_buf_append_u8(out, 2);
        sl_buf_append_be32(out, 0); /* crc */
        sl_buf_append_be16(out, 0);
        sl_buf_append_be32(out, (uint32_t)(n - 1));
        sl_buf_append_be64(out, (uint64_t)base_ts);
        sl_buf_append_be64(out, (uint64_t)max_ts);
        sl_buf_append_be64(out, (uint64_t)pid);
        sl_buf_append_be16(out, (uint16_t)epoch);
        sl_buf_append_be32(out, (uint32_t)seq);
        sl_buf_append_be32(out, (uint32_t)n);
        sl_buf_append(out, body.data, body.len);
        sl_broker_batch_fix_crc(out->data + start, out->len - start);
        sl_buf_deinit(&body);
}

/* An offline broker over a fresh temporary directory; `extra` is "key=value\n..." or NULL. */
static inline sl_broker *test_broker(char *dir, size_t dirlen, const char *extra)
{
        if (!dir[0]) {
                snprintf(dir, dirlen, "/tmp/sl-broker-test-XXXXXX");
                cr_assert_not_null(mkdtemp(dir));
        }
        sl_config *cfg = sl_config_new();
        sl_config_set(cfg, "data.dir", dir);
        sl_config_set(cfg, "log.index.interval.bytes", "100");
        sl_err_detail det;
        if (extra)
                cr_assert_eq(sl_config_parse_text(cfg, extra, strlen(extra), "test", &det), SL_OK);
        sl_broker *broker;
        cr_assert_eq(sl_broker_new_offline(cfg, &broker, &det), SL_OK, "%s", det.message);
        sl_config_free(cfg);
        return broker;
}

static inline void test_rmdir(const char *dir)
{
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        cr_assert_eq(system(cmd), 0);
}

/* Appends one batch (copied, as the log stamps it in place). Returns the base offset. */
static inline int64_t test_append(sl_broker_log *log, const sl_buf *batch)
{
        uint8_t *copy = sl_malloc(batch->len);
        memcpy(copy, batch->data, batch->len);
        sl_broker_batch hdr;
        cr_assert(sl_broker_batch_parse(copy, batch->len, &hdr));
        cr_assert_eq(sl_broker_batch_validate(copy, batch->len, &hdr), ErrorCode_NONE);
        int64_t base = -1;
        sl_err_detail det;
        cr_assert_eq(sl_broker_log_append(log, copy, batch->len, &hdr, 1, &base, &det), SL_OK, "%s", det.message);
        sl_free(copy);
        return base;
}

/* Reads every record of the log from offset 0 into (offset, key, value) triples; returns the count. */
typedef struct test_out {
        int64_t offset;
        char key[32];
        char value[64];
        bool tombstone;
        int64_t ts;
} test_out;

static inline int test_read_all(sl_broker_log *log, test_out *out, int max)
{
        int n = 0;
        int64_t off = log->start_offset;
        while (off < log->end_offset) {
                sl_broker_read r;
                cr_assert_eq(sl_broker_log_read(log, off, 1 << 20, true, &r), ErrorCode_NONE);
                if (r.len == 0)
                        break;
                uint8_t *buf = sl_malloc((size_t)r.len);
                cr_assert_eq(pread(r.fd, buf, (size_t)r.len, r.pos), r.len);
                int64_t pos = 0;
                while (pos < r.len) {
                        sl_broker_batch b;
                        cr_assert(sl_broker_batch_parse(buf + pos, (size_t)(r.len - pos), &b));
                        cr_assert_eq(sl_broker_batch_validate(buf + pos, (size_t)(r.len - pos), &b), ErrorCode_NONE);
                        size_t rp = SL_BATCH_HEADER_SIZE;
                        sl_broker_record rec;
                        while (sl_broker_batch_next_record(buf + pos, (size_t)(r.len - pos), &b, &rp, &rec) == 1) {
                                if (rec.offset < off || n >= max)
                                        continue;
                                out[n].offset = rec.offset;
                                out[n].ts = rec.timestamp;
                                snprintf(out[n].key, sizeof out[n].key, "%.*s", rec.key ? rec.key_len : 0,
                                         rec.key ? (const char *)rec.key : "");
                                snprintf(out[n].value, sizeof out[n].value, "%.*s", rec.value ? rec.value_len : 0,
                                         rec.value ? (const char *)rec.value : "");
                                out[n].tombstone = rec.value == NULL;
                                n++;
                        }
                        off = sl_broker_batch_last_offset(&b) + 1;
                        pos += b.batch_length + SL_BATCH_LOG_OVERHEAD;
                }
                sl_free(buf);
        }
        return n;
}

#endif
