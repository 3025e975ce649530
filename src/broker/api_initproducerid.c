/* api_initproducerid.c: InitProducerId v0-v1 for idempotent producers: a fresh producer id with
 * epoch 0 (ids come from blocks reserved on disk, producer.c). Transactional ids are refused with
 * INVALID_REQUEST: transactions are not implemented. */
#include "broker/broker_int.h"

sl_broker_hres sl_broker_handle_InitProducerId(sl_broker_req *req)
{
        sl_rd *rd = &req->rd;
        sl_str_ref txn;
        int32_t timeout;
        sl_rd_str(rd, &txn);
        sl_rd_i32(rd, &timeout);
        (void)timeout;
        ErrorCode ec = ErrorCode_NONE;
        int64_t pid = -1;
        if (!txn.null)
                ec = ErrorCode_INVALID_REQUEST;
        else if ((pid = sl_broker_producer_next_id(req->broker)) < 0)
                ec = ErrorCode_UNKNOWN_SERVER_ERROR;
        sl_buf *out = sl_broker_req_out(req);
        sl_wr_i32(out, 0);
        sl_wr_i16(out, (int16_t)ec);
        sl_wr_i64(out, ec ? -1 : pid);
        sl_wr_i16(out, ec ? -1 : 0);
        return SL_BROKER_DONE;
bad_frame:
        return SL_BROKER_BAD;
}
