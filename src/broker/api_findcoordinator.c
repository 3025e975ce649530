/* api_findcoordinator.c: FindCoordinator v0-v2. We coordinate every group and transactional id. */
#include "broker/broker_int.h"

sl_broker_hres sl_broker_handle_FindCoordinator(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        sl_str_ref key;
        int8_t key_type = 0;
        sl_rd_str(rd, &key);
        if (req->api_version >= 1)
                sl_rd_i8(rd, &key_type);
        ErrorCode ec = key_type == 0 || key_type == 1 ? ErrorCode_NONE : ErrorCode_INVALID_REQUEST;
        sl_buf *out = sl_broker_req_out_throttled(req, 1);
        sl_wr_i16(out, (int16_t)ec);
        if (req->api_version >= 1)
                sl_wr_str(out, ec ? "unknown key type" : NULL);
        sl_wr_i32(out, ec ? -1 : broker->set.node_id);
        sl_wr_str(out, ec ? "" : broker->adv_host);
        sl_wr_i32(out, ec ? -1 : broker->port);
        return SL_BROKER_DONE;
bad_frame:
        return SL_BROKER_BAD;
}
