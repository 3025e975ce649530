/* api_offsetcommit.c: OffsetCommit v2-v6. Each accepted offset is written to the offsets store;
 * the answer waits until the flush thread has synced it, so a committed offset survives a crash. */
#include "broker/group.h"

static bool commit_poll(sl_broker_req *req, bool timed_out)
{
        (void)timed_out;
        int64_t need = (int64_t)(intptr_t)req->park;
        if (req->broker->offsets_durable < need)
                return false;
        sl_broker_req_finish(req);
        return true;
}

sl_broker_hres sl_broker_handle_OffsetCommit(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        int16_t v = req->api_version;
        sl_str_ref group_id, member_id;
        int32_t generation, nt;
        int64_t retention, seq = 0;
        sl_rd_str(rd, &group_id);
        sl_rd_i32(rd, &generation);
        sl_rd_str(rd, &member_id);
        if (v <= 4)
                sl_rd_i64(rd, &retention);
        sl_rd_array(rd, &nt, 6);
        ErrorCode gec = sl_broker_group_commit_check(broker, group_id, generation, member_id);
        sl_buf *out = sl_broker_req_out(req);
        if (v >= 3)
                sl_wr_i32(out, 0);
        sl_wr_i32(out, nt < 0 ? 0 : nt);
        for (int32_t t = 0; t < nt; t++) {
                sl_str_ref topic;
                int32_t np;
                sl_rd_str(rd, &topic);
                sl_rd_array(rd, &np, 14);
                sl_wr_str_ref(out, topic);
                sl_wr_i32(out, np < 0 ? 0 : np);
                sl_broker_topic *tp = topic.null ? NULL : sl_broker_topic_find(broker, topic.ptr, topic.len);
                for (int32_t i = 0; i < np; i++) {
                        int32_t part, epoch = -1;
                        int64_t offset;
                        sl_str_ref meta;
                        sl_rd_i32(rd, &part);
                        sl_rd_i64(rd, &offset);
                        if (v >= 6)
                                sl_rd_i32(rd, &epoch);
                        sl_rd_str(rd, &meta);
                        ErrorCode ec = gec;
                        if (!ec && (!tp || part < 0 || part >= tp->npart))
                                ec = ErrorCode_UNKNOWN_TOPIC_OR_PARTITION;
                        else if (!ec && meta.len > 4096)
                                ec = ErrorCode_OFFSET_METADATA_TOO_LARGE;
                        if (!ec) {
                                sl_broker_group_ensure(broker, group_id.ptr, group_id.len);
                                seq = sl_broker_offsets_commit(broker, group_id, topic, part, offset, epoch, meta);
                        }
                        sl_wr_i32(out, part);
                        sl_wr_i16(out, (int16_t)ec);
                }
        }
        if (seq > 0) {
                sl_broker_offsets_flush(broker);
                sl_broker_req_park(req, commit_poll, NULL, (void *)(intptr_t)seq, 0);
                broker->dirty = true;
                return SL_BROKER_PARKED;
        }
        return SL_BROKER_DONE;
bad_frame:
        if (seq > 0)
                sl_broker_offsets_flush(broker);
        return SL_BROKER_BAD;
}
