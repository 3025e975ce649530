/* api_syncgroup.c: SyncGroup v0-v2. Only the leader sends assignments; followers are parked until
 * the leader's arrive (group.c). */
#include "broker/group.h"

#include "common/mem.h"

sl_broker_hres sl_broker_handle_SyncGroup(sl_broker_req *req)
{
        sl_rd *rd = &req->rd;
        sl_str_ref group_id, member_id;
        int32_t generation, n;
        sl_str_ref *members = NULL, *data = NULL;
        sl_rd_str(rd, &group_id);
        sl_rd_i32(rd, &generation);
        sl_rd_str(rd, &member_id);
        sl_rd_array(rd, &n, 6);
        if (n > 0) {
                members = sl_calloc((size_t)n, sizeof *members);
                data = sl_calloc((size_t)n, sizeof *data);
        }
        for (int32_t i = 0; i < n; i++) {
                sl_rd_str(rd, &members[i]);
                sl_rd_bytes(rd, &data[i]);
        }
        sl_broker_hres r = sl_broker_group_sync(req, group_id, generation, member_id, n < 0 ? 0 : n, members, data);
        sl_free(members);
        sl_free(data);
        return r;
bad_frame:
        sl_free(members);
        sl_free(data);
        return SL_BROKER_BAD;
}
