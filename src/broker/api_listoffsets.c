/* api_listoffsets.c: ListOffsets v1-v3. Timestamp -1 is the log end (= last stable offset, as
 * there are no transactions), -2 the log start, anything else the first offset whose record
 * timestamp is at or after it (offset -1 when there is none). */
#include "broker/broker_int.h"

sl_broker_hres sl_broker_handle_ListOffsets(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        int16_t v = req->api_version;
        int32_t replica, nt;
        int8_t iso;
        sl_rd_i32(rd, &replica);
        if (v >= 2)
                sl_rd_i8(rd, &iso);
        sl_rd_array(rd, &nt, 6);
        sl_buf *out = sl_broker_req_out(req);
        if (v >= 2)
                sl_wr_i32(out, 0);
        sl_wr_i32(out, nt < 0 ? 0 : nt);
        for (int32_t t = 0; t < nt; t++) {
                sl_str_ref name;
                int32_t np;
                sl_rd_str(rd, &name);
                sl_rd_array(rd, &np, 12);
                sl_wr_str_ref(out, name);
                sl_wr_i32(out, np < 0 ? 0 : np);
                sl_broker_topic *topic = name.null ? NULL : sl_broker_topic_find(broker, name.ptr, name.len);
                for (int32_t i = 0; i < np; i++) {
                        int32_t part;
                        int64_t ts, off = -1, found = -1;
                        sl_rd_i32(rd, &part);
                        sl_rd_i64(rd, &ts);
                        ErrorCode ec = ErrorCode_NONE;
                        sl_broker_log *log = topic && part >= 0 && part < topic->npart ? topic->parts[part] : NULL;
                        if (!log)
                                ec = ErrorCode_UNKNOWN_TOPIC_OR_PARTITION;
                        else if (ts == -1)
                                off = log->end_offset;
                        else if (ts == -2)
                                off = log->start_offset;
                        else if (ts < 0)
                                ec = ErrorCode_INVALID_REQUEST;
                        else
                                sl_broker_log_offset_for_time(log, ts, &off, &found);
                        sl_wr_i32(out, part);
                        sl_wr_i16(out, (int16_t)ec);
                        sl_wr_i64(out, found);
                        sl_wr_i64(out, off);
                }
        }
        return SL_BROKER_DONE;
bad_frame:
        return SL_BROKER_BAD;
}
