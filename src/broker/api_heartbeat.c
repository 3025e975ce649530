/* api_heartbeat.c: Heartbeat v0-v2. */
#include "broker/group.h"

sl_broker_hres sl_broker_handle_Heartbeat(sl_broker_req *req)
{
        sl_rd *rd = &req->rd;
        sl_str_ref group_id, member_id;
        int32_t generation;
        sl_rd_str(rd, &group_id);
        sl_rd_i32(rd, &generation);
        sl_rd_str(rd, &member_id);
        ErrorCode ec = sl_broker_group_heartbeat(req->broker, group_id, generation, member_id);
        sl_wr_i16(sl_broker_req_out_throttled(req, 1), (int16_t)ec);
        return SL_BROKER_DONE;
bad_frame:
        return SL_BROKER_BAD;
}
