/* api_listgroups.c: ListGroups v0-v2: every group the coordinator knows, with members or with
 * committed offsets only. */
#include "broker/group.h"

sl_broker_hres sl_broker_handle_ListGroups(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_buf *out = sl_broker_req_out_throttled(req, 1);
        sl_wr_i16(out, ErrorCode_NONE);
        sl_wr_i32(out, (int32_t)sl_map_len(&broker->groups));
        sl_map_iter it;
        sl_map_iter_init(&it, &broker->groups);
        for (sl_broker_group *group; (group = sl_broker_groups_next(&it));) {
                sl_wr_str(out, group->id);
                sl_wr_str(out, group->protocol_type ? group->protocol_type : "consumer");
        }
        return SL_BROKER_DONE;
}
