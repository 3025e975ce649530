/* api_deletetopics.c: DeleteTopics v0-v3 (v1-v3 add only the throttle time). Deletion is
 * synchronous (topic.c): the directory is renamed away, then removed. */
#include "broker/broker_int.h"

#include "common/mem.h"

sl_broker_hres sl_broker_handle_DeleteTopics(sl_broker_req *req)
{
        sl_rd *rd = &req->rd;
        int32_t n, timeout;
        sl_rd_array(rd, &n, 2);
        const uint8_t *names = rd->p;
        for (int32_t i = 0; i < n; i++) {
                sl_str_ref name;
                sl_rd_str(rd, &name);
        }
        sl_rd_i32(rd, &timeout);
        (void)timeout;
        rd->p = names;
        sl_buf *out = sl_broker_req_out_throttled(req, 1);
        sl_wr_i32(out, n < 0 ? 0 : n);
        for (int32_t i = 0; i < n; i++) {
                sl_str_ref name;
                sl_rd_str(rd, &name);
                char *s = sl_strndup(name.ptr, name.len);
                ErrorCode ec = name.null ? ErrorCode_UNKNOWN_TOPIC_OR_PARTITION : sl_broker_topic_delete(req->broker, s);
                sl_free(s);
                sl_wr_str_ref(out, name);
                sl_wr_i16(out, (int16_t)ec);
        }
        return SL_BROKER_DONE;
bad_frame:
        return SL_BROKER_BAD;
}
