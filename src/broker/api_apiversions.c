/* api_apiversions.c: ApiVersions v0-v3. v0-v2 have an empty body; v3 is the first flexible
 * version (request header v2 with tagged fields, body of two compact strings naming the client
 * software), answered, as every ApiVersions response, with response header v0, then compact
 * arrays and tagged-field sections. librdkafka opens every connection with v3. Versions above 3
 * never reach this handler: conn.c answers them with error 35 in the v0 layout, as Kafka does. */
#include "broker/broker_int.h"

#include "common/varint.h"

sl_broker_hres sl_broker_handle_ApiVersions(sl_broker_req *req)
{
        sl_buf *out = sl_broker_req_out(req);
        sl_wr_i16(out, ErrorCode_NONE);
        if (req->api_version < 3) {
                sl_broker_api_write_versions(out);
                if (req->api_version >= 1)
                        sl_wr_i32(out, 0); /* throttle_time_ms */
                return SL_BROKER_DONE;
        }
        /* rewrite the v0 entry list in the compact form */
        sl_buf list;
        sl_buf_init(&list);
        sl_broker_api_write_versions(&list);
        uint32_t n = sl_load_be32(list.data);
        sl_buf_append_uvarint(out, (uint64_t)n + 1);
        for (uint32_t i = 0; i < n; i++) {
                sl_buf_append(out, list.data + 4 + i * 6, 6);
                sl_buf_append_uvarint(out, 0); /* tagged fields */
        }
        sl_buf_deinit(&list);
        sl_wr_i32(out, 0);             /* throttle_time_ms */
        sl_buf_append_uvarint(out, 0); /* tagged fields */
        return SL_BROKER_DONE;
}
