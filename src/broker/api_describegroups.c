/* api_describegroups.c: DescribeGroups v0-v2. An unknown group is described as Dead with no
 * members and error 0, as Kafka does. */
#include "broker/group.h"

sl_broker_hres sl_broker_handle_DescribeGroups(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        int32_t n;
        sl_rd_array(rd, &n, 2);
        sl_buf *out = sl_broker_req_out_throttled(req, 1);
        sl_wr_i32(out, n < 0 ? 0 : n);
        for (int32_t i = 0; i < n; i++) {
                sl_str_ref id;
                sl_rd_str(rd, &id);
                sl_broker_group *group = id.null ? NULL : sl_broker_group_find(broker, id.ptr, id.len);
                sl_wr_i16(out, id.len == 0 ? ErrorCode_INVALID_GROUP_ID : ErrorCode_NONE);
                sl_wr_str_ref(out, id);
                if (!group) {
                        sl_wr_str(out, "Dead");
                        sl_wr_str(out, "");
                        sl_wr_str(out, "");
                        sl_wr_i32(out, 0);
                        continue;
                }
                sl_wr_str(out, sl_broker_group_state_name(group->state));
                sl_wr_str(out, group->protocol_type ? group->protocol_type : "");
                bool show = group->state == SL_GROUP_STABLE;
                sl_wr_str(out, show && group->protocol ? group->protocol : "");
                sl_wr_i32(out, (int32_t)group->members.len);
                for (size_t k = 0; k < group->members.len; k++) {
                        sl_broker_member *m = SL_VEC_AT(&group->members, sl_broker_member *, k);
                        const sl_broker_protocol *p = NULL;
                        for (int j = 0; show && group->protocol && j < m->nprotocols; j++)
                                if (strcmp(m->protocols[j].name, group->protocol) == 0)
                                        p = &m->protocols[j];
                        sl_wr_str(out, m->member_id);
                        sl_wr_str(out, m->client_id);
                        sl_wr_str(out, m->client_host);
                        sl_wr_bytes(out, p ? p->metadata : NULL, p ? p->len : 0, false);
                        sl_wr_bytes(out, show ? m->assignment : NULL, show ? m->assignment_len : 0, false);
                }
        }
        return SL_BROKER_DONE;
bad_frame:
        return SL_BROKER_BAD;
}
