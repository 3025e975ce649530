/* api_produce.c: Produce v3-v7 (v0-v2 are advertised so that librdkafka enables compression, and
 * answered with UNSUPPORTED_VERSION per partition). Each partition's records are checked batch by
 * batch (magic 2, lengths, CRC-32C, size limit, idempotent sequence) and appended with one write;
 * offsets are stamped into the stored bytes. acks=0 gets no response; acks=-1 under the default
 * flush policy (log.flush.interval.messages=1) is parked until the flush thread reports the data
 * durable, so an acknowledged record survives a crash. */
#include "broker/broker_int.h"

#include <string.h>

#include "common/log.h"
#include "common/mem.h"

/* What a parked acks=all produce waits for. */
typedef struct produce_wait {
        int n;               /* entries used */
        int cap;
        uint32_t *log_ids;   /* owned */
        int64_t *offsets;    /* durable offset needed per log, owned */
} produce_wait;

static void wait_free(produce_wait *w)
{
        if (!w)
                return;
        sl_free(w->log_ids);
        sl_free(w->offsets);
        sl_free(w);
}

static void wait_add(produce_wait *w, uint32_t id, int64_t off)
{
        if (w->n == w->cap) {
                w->cap = w->cap ? w->cap * 2 : 8;
                w->log_ids = sl_realloc(w->log_ids, (size_t)w->cap * sizeof *w->log_ids);
                w->offsets = sl_realloc(w->offsets, (size_t)w->cap * sizeof *w->offsets);
        }
        w->log_ids[w->n] = id;
        w->offsets[w->n] = off;
        w->n++;
}

static bool produce_poll(sl_broker_req *req, bool timed_out)
{
        (void)timed_out;
        produce_wait *w = req->park;
        sl_broker *broker = req->broker;
        for (int i = 0; i < w->n; i++) {
                sl_broker_log *log = w->log_ids[i] < broker->logs.len
                                             ? SL_VEC_AT(&broker->logs, sl_broker_log *, w->log_ids[i])
                                             : NULL;
                if (log && log->durable_offset < w->offsets[i])
                        return false;
        }
        wait_free(w);
        req->park = NULL;
        sl_broker_req_finish(req);
        return true;
}

static void produce_cancel(sl_broker_req *req)
{
        wait_free(req->park);
        req->park = NULL;
}

/* Checks and appends one partition's records. Returns the error code; fills *base. */
static ErrorCode produce_partition(sl_broker *broker, sl_broker_log *log, uint8_t *p, size_t len,
                                   int64_t *base)
{
        sl_broker_batch hdrs_small[4];
        sl_broker_batch *hdrs = hdrs_small;
        size_t nb = 0, cap = 4, pos = 0;
        ErrorCode ec = ErrorCode_NONE;
        if (len == 0)
                return ErrorCode_CORRUPT_MESSAGE;
        while (pos < len) {
                sl_broker_batch b;
                if (!sl_broker_batch_parse(p + pos, len - pos, &b)) {
                        ec = ErrorCode_CORRUPT_MESSAGE;
                        goto done;
                }
                if ((ec = sl_broker_batch_validate(p + pos, len - pos, &b)))
                        goto done;
                if ((int64_t)b.batch_length + SL_BATCH_LOG_OVERHEAD > log->cfg->max_message_bytes) {
                        ec = ErrorCode_MESSAGE_TOO_LARGE;
                        goto done;
                }
                if (nb == 0 || b.producer_id >= 0) {
                        bool dup;
                        int64_t dup_off;
                        if (nb == 0 && (ec = sl_broker_producer_check(log, &b, &dup, &dup_off)))
                                goto done;
                        if (nb == 0 && dup && (size_t)b.batch_length + SL_BATCH_LOG_OVERHEAD == len) {
                                SL_LOG_DEBUG("broker", "duplicate batch of producer %lld seq %d: offset %lld",
                                             (long long)b.producer_id, b.base_sequence, (long long)dup_off);
                                *base = dup_off;
                                goto done;
                        }
                }
                if (nb == cap) {
                        cap *= 2;
                        if (hdrs == hdrs_small) {
                                hdrs = sl_malloc(cap * sizeof *hdrs);
                                memcpy(hdrs, hdrs_small, sizeof hdrs_small);
                        } else {
                                hdrs = sl_realloc(hdrs, cap * sizeof *hdrs);
                        }
                }
                hdrs[nb++] = b;
                pos += (size_t)b.batch_length + SL_BATCH_LOG_OVERHEAD;
        }
        sl_err_detail det;
        if (sl_broker_log_append(log, p, len, hdrs, nb, base, &det)) {
                SL_LOG_ERROR("broker", "append to %s-%d: %s", log->topic->name, log->partition, det.message);
                ec = ErrorCode_UNKNOWN_SERVER_ERROR;
        }
        (void)broker;
done:
        if (hdrs != hdrs_small)
                sl_free(hdrs);
        return ec;
}

sl_broker_hres sl_broker_handle_Produce(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        int16_t v = req->api_version;
        sl_str_ref txn = {0};
        int16_t acks;
        int32_t timeout, ntopics;
        produce_wait *w = NULL;
        if (v >= 3)
                sl_rd_str(rd, &txn);
        sl_rd_i16(rd, &acks);
        sl_rd_i32(rd, &timeout);
        sl_rd_array(rd, &ntopics, 6);
        (void)timeout;
        (void)txn;
        bool bad_acks = acks != 0 && acks != 1 && acks != -1;
        bool wait_durable = acks == -1 && broker->set.flush_messages == 1;
        sl_buf *out = sl_broker_req_out(req);
        sl_wr_i32(out, ntopics < 0 ? 0 : ntopics);
        for (int32_t t = 0; t < ntopics; t++) {
                sl_str_ref name;
                int32_t nparts;
                sl_rd_str(rd, &name);
                sl_rd_array(rd, &nparts, 8);
                sl_wr_str_ref(out, name);
                sl_wr_i32(out, nparts < 0 ? 0 : nparts);
                sl_broker_topic *topic = name.null ? NULL : sl_broker_topic_find(broker, name.ptr, name.len);
                for (int32_t i = 0; i < nparts; i++) {
                        int32_t index;
                        sl_str_ref records;
                        sl_rd_i32(rd, &index);
                        sl_rd_bytes(rd, &records);
                        int64_t base = -1;
                        ErrorCode ec;
                        sl_broker_log *log = topic && index >= 0 && index < topic->npart ? topic->parts[index] : NULL;
                        if (v < 3)
                                ec = ErrorCode_UNSUPPORTED_VERSION;
                        else if (bad_acks)
                                ec = ErrorCode_INVALID_REQUIRED_ACKS;
                        else if (!log)
                                ec = ErrorCode_UNKNOWN_TOPIC_OR_PARTITION;
                        else
                                ec = produce_partition(broker, log, (uint8_t *)records.ptr, records.len, &base);
                        if (ec == ErrorCode_NONE && wait_durable && log->durable_offset < log->end_offset) {
                                if (!w)
                                        w = sl_calloc(1, sizeof *w);
                                wait_add(w, log->id, log->end_offset);
                        }
                        sl_wr_i32(out, index);
                        sl_wr_i16(out, (int16_t)ec);
                        sl_wr_i64(out, ec ? -1 : base);
                        if (v >= 2)
                                sl_wr_i64(out, -1); /* log_append_time: CreateTime */
                        if (v >= 5)
                                sl_wr_i64(out, log ? log->start_offset : -1);
                }
        }
        if (v >= 1)
                sl_wr_i32(out, 0); /* throttle_time_ms */
        if (acks == 0) {
                wait_free(w);
                return SL_BROKER_NORESP;
        }
        if (w) {
                sl_broker_req_park(req, produce_poll, produce_cancel, w, 0);
                return SL_BROKER_PARKED;
        }
        return SL_BROKER_DONE;
bad_frame:
        wait_free(w);
        return SL_BROKER_BAD;
}
