/* api_apiversions.c: ApiVersions v0-v2 (request body empty). Versions above 2 never reach this
 * handler: conn.c answers them with error 35 in the v0 format, as Kafka does. */
#include "broker/broker_int.h"

sl_broker_hres sl_broker_handle_ApiVersions(sl_broker_req *req)
{
        sl_buf *out = sl_broker_req_out(req);
        sl_wr_i16(out, ErrorCode_NONE);
        sl_broker_api_write_versions(out);
        if (req->api_version >= 1)
                sl_wr_i32(out, 0); /* throttle_time_ms */
        return SL_BROKER_DONE;
}
