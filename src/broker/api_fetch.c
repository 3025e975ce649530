/* api_fetch.c: Fetch v4-v11. The request is decoded into a fetch_req so that it can wait: when
 * fewer than min_bytes are available it is parked until an append makes enough data available or
 * max_wait_ms passes (long polling). The answer holds whole stored batches starting with the one
 * that contains fetch_offset, within partition_max_bytes and max_bytes, except that the first
 * partition with data always gets its first batch (KIP-74) so that a large batch cannot stall a
 * consumer. Batches go out straight from the segment file (sendfile). Fetch sessions are not
 * kept (session id 0); there are no transactions, so the last stable offset is the high watermark. */
#include "broker/broker_int.h"

#include <string.h>

#include "common/mem.h"
#include "common/time.h"

typedef struct fetch_part {
        int32_t partition;
        int64_t offset;       /* fetch_offset */
        int32_t max_bytes;    /* partition_max_bytes */
} fetch_part;

typedef struct fetch_topic {
        char *name;           /* owned */
        int32_t nparts;
        fetch_part *parts;    /* owned */
} fetch_topic;

typedef struct fetch_req {
        int32_t max_wait_ms;
        int32_t min_bytes;
        int32_t max_bytes;
        int32_t ntopics;
        fetch_topic *topics;  /* owned */
} fetch_req;

static void fetch_req_free(fetch_req *f)
{
        if (!f)
                return;
        for (int32_t i = 0; i < f->ntopics; i++) {
                sl_free(f->topics[i].name);
                sl_free(f->topics[i].parts);
        }
        sl_free(f->topics);
        sl_free(f);
}

/* Bytes available now (capped at min_bytes), and whether some partition has an error. */
static int64_t available(sl_broker *broker, const fetch_req *f, bool *error)
{
        int64_t total = 0;
        *error = false;
        for (int32_t t = 0; t < f->ntopics; t++) {
                sl_broker_topic *topic = sl_broker_topic_find(broker, f->topics[t].name, strlen(f->topics[t].name));
                for (int32_t i = 0; i < f->topics[t].nparts; i++) {
                        const fetch_part *fp = &f->topics[t].parts[i];
                        if (!topic || fp->partition < 0 || fp->partition >= topic->npart) {
                                *error = true;
                                continue;
                        }
                        sl_broker_log *log = topic->parts[fp->partition];
                        if (fp->offset < log->start_offset || fp->offset > log->end_offset) {
                                *error = true;
                                continue;
                        }
                        if (fp->offset < log->end_offset) {
                                sl_broker_read r;
                                sl_broker_log_read(log, fp->offset, fp->max_bytes, true, &r);
                                total += r.len;
                                if (total >= f->min_bytes)
                                        return total;
                        }
                }
        }
        return total;
}

static void respond(sl_broker_req *req, const fetch_req *f)
{
        sl_broker *broker = req->broker;
        int16_t v = req->api_version;
        sl_buf *out = sl_broker_req_out(req);
        sl_wr_i32(out, 0); /* throttle_time_ms */
        if (v >= 7) {
                sl_wr_i16(out, ErrorCode_NONE);
                sl_wr_i32(out, 0); /* session_id */
        }
        int64_t budget = f->max_bytes;
        bool any = false;
        sl_wr_i32(out, f->ntopics);
        for (int32_t t = 0; t < f->ntopics; t++) {
                out = sl_broker_req_out(req);
                sl_wr_str(out, f->topics[t].name);
                sl_wr_i32(out, f->topics[t].nparts);
                sl_broker_topic *topic = sl_broker_topic_find(broker, f->topics[t].name, strlen(f->topics[t].name));
                for (int32_t i = 0; i < f->topics[t].nparts; i++) {
                        const fetch_part *fp = &f->topics[t].parts[i];
                        sl_broker_log *log = topic && fp->partition >= 0 && fp->partition < topic->npart
                                                     ? topic->parts[fp->partition]
                                                     : NULL;
                        sl_broker_read r = {-1, 0, 0};
                        ErrorCode ec = ErrorCode_UNKNOWN_TOPIC_OR_PARTITION;
                        if (log) {
                                int64_t limit = fp->max_bytes < budget ? fp->max_bytes : budget;
                                if (limit < 0)
                                        limit = 0;
                                ec = sl_broker_log_read(log, fp->offset, limit, !any, &r);
                                if (r.len > 0) {
                                        any = true;
                                        budget -= r.len;
                                }
                        }
                        out = sl_broker_req_out(req);
                        sl_wr_i32(out, fp->partition);
                        sl_wr_i16(out, (int16_t)ec);
                        sl_wr_i64(out, log ? log->end_offset : -1);
                        sl_wr_i64(out, log ? log->end_offset : -1); /* last_stable_offset */
                        if (v >= 5)
                                sl_wr_i64(out, log ? log->start_offset : -1);
                        sl_wr_i32(out, 0); /* aborted_transactions: empty */
                        if (v >= 11)
                                sl_wr_i32(out, -1); /* preferred_read_replica */
                        sl_wr_i32(out, (int32_t)r.len);
                        if (r.len > 0)
                                sl_broker_req_add_file(req, r.fd, r.pos, r.len);
                }
        }
}

static bool fetch_poll(sl_broker_req *req, bool timed_out)
{
        fetch_req *f = req->park;
        bool error;
        if (!timed_out && available(req->broker, f, &error) < f->min_bytes && !error)
                return false;
        respond(req, f);
        fetch_req_free(f);
        req->park = NULL;
        sl_broker_req_finish(req);
        return true;
}

static void fetch_cancel(sl_broker_req *req)
{
        fetch_req_free(req->park);
        req->park = NULL;
}

sl_broker_hres sl_broker_handle_Fetch(sl_broker_req *req)
{
        sl_rd *rd = &req->rd;
        int16_t v = req->api_version;
        int32_t replica, i32;
        int64_t i64;
        int8_t iso;
        fetch_req *f = sl_calloc(1, sizeof *f);
        sl_rd_i32(rd, &replica);
        sl_rd_i32(rd, &f->max_wait_ms);
        sl_rd_i32(rd, &f->min_bytes);
        sl_rd_i32(rd, &f->max_bytes);
        sl_rd_i8(rd, &iso);
        if (v >= 7) {
                sl_rd_i32(rd, &i32); /* session_id */
                sl_rd_i32(rd, &i32); /* session_epoch */
        }
        int32_t nt;
        sl_rd_array(rd, &nt, 6);
        if (nt > 0) {
                f->topics = sl_calloc((size_t)nt, sizeof *f->topics);
                for (int32_t t = 0; t < nt; t++) {
                        sl_str_ref name;
                        int32_t np;
                        sl_rd_str(rd, &name);
                        f->topics[t].name = sl_strndup(name.ptr, name.len);
                        f->ntopics = t + 1;
                        sl_rd_array(rd, &np, 16);
                        if (np > 0) {
                                f->topics[t].parts = sl_calloc((size_t)np, sizeof(fetch_part));
                                f->topics[t].nparts = np;
                        }
                        for (int32_t i = 0; i < np; i++) {
                                fetch_part *fp = &f->topics[t].parts[i];
                                sl_rd_i32(rd, &fp->partition);
                                if (v >= 9)
                                        sl_rd_i32(rd, &i32); /* current_leader_epoch */
                                sl_rd_i64(rd, &fp->offset);
                                if (v >= 5)
                                        sl_rd_i64(rd, &i64); /* log_start_offset */
                                sl_rd_i32(rd, &fp->max_bytes);
                        }
                }
        }
        if (v >= 7) {
                int32_t nf;
                sl_rd_array(rd, &nf, 6);
                for (int32_t i = 0; i < nf; i++) {
                        sl_str_ref name;
                        int32_t np;
                        sl_rd_str(rd, &name);
                        sl_rd_array(rd, &np, 4);
                        for (int32_t k = 0; k < np; k++)
                                sl_rd_i32(rd, &i32);
                }
        }
        if (v >= 11) {
                sl_str_ref rack;
                sl_rd_str(rd, &rack);
        }
        bool error;
        if (f->max_wait_ms <= 0 || available(req->broker, f, &error) >= f->min_bytes || error) {
                respond(req, f);
                fetch_req_free(f);
                return SL_BROKER_DONE;
        }
        sl_broker_req_park(req, fetch_poll, fetch_cancel, f, sl_time_mono_ms() + f->max_wait_ms);
        return SL_BROKER_PARKED;
bad_frame:
        fetch_req_free(f);
        return SL_BROKER_BAD;
}
