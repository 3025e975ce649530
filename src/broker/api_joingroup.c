/* api_joingroup.c: JoinGroup v0-v4 (v0 has no rebalance timeout: the session timeout is used).
 * Decodes the request and hands it to the coordinator (group.c), which usually parks it until the
 * join phase completes. */
#include "broker/group.h"

#include "common/mem.h"

sl_broker_hres sl_broker_handle_JoinGroup(sl_broker_req *req)
{
        sl_rd *rd = &req->rd;
        sl_broker_join join = {0};
        sl_rd_str(rd, &join.group_id);
        sl_rd_i32(rd, &join.session_timeout_ms);
        join.rebalance_timeout_ms = join.session_timeout_ms;
        if (req->api_version >= 1)
                sl_rd_i32(rd, &join.rebalance_timeout_ms);
        sl_rd_str(rd, &join.member_id);
        sl_rd_str(rd, &join.protocol_type);
        sl_rd_array(rd, &join.nprotocols, 6);
        if (join.nprotocols > 0) {
                join.names = sl_calloc((size_t)join.nprotocols, sizeof *join.names);
                join.metas = sl_calloc((size_t)join.nprotocols, sizeof *join.metas);
        }
        for (int32_t i = 0; i < join.nprotocols; i++) {
                sl_rd_str(rd, &join.names[i]);
                sl_rd_bytes(rd, &join.metas[i]);
        }
        if (join.nprotocols < 0)
                join.nprotocols = 0;
        sl_broker_hres r = sl_broker_group_join(req, &join);
        sl_free(join.names);
        sl_free(join.metas);
        return r;
bad_frame:
        sl_free(join.names);
        sl_free(join.metas);
        return SL_BROKER_BAD;
}
