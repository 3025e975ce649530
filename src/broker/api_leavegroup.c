/* api_leavegroup.c: LeaveGroup v0-v2 (one member per request; v3 batches are not advertised). */
#include "broker/group.h"

sl_broker_hres sl_broker_handle_LeaveGroup(sl_broker_req *req)
{
        sl_rd *rd = &req->rd;
        sl_str_ref group_id, member_id;
        sl_rd_str(rd, &group_id);
        sl_rd_str(rd, &member_id);
        ErrorCode ec = sl_broker_group_leave(req->broker, group_id, member_id);
        sl_wr_i16(sl_broker_req_out_throttled(req, 1), (int16_t)ec);
        return SL_BROKER_DONE;
bad_frame:
        return SL_BROKER_BAD;
}
