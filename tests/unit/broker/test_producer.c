/* test_producer.c: idempotent producer rules (Kafka's ProducerAppendInfo): duplicates of the last
 * five batches are recognised with their original offset, gaps are OUT_OF_ORDER_SEQUENCE_NUMBER,
 * an older epoch is fenced, a new epoch restarts at sequence 0, unknown producers are accepted. */
#include "batch_util.h"

static sl_broker_batch batch(int64_t pid, int16_t epoch, int32_t seq, int32_t count, int64_t offset)
{
        return (sl_broker_batch){.producer_id = pid, .producer_epoch = epoch, .base_sequence = seq,
                                 .last_offset_delta = count - 1, .records_count = count, .base_offset = offset};
}

Test(broker_producer, sequence_rules)
{
        sl_broker_log log;
        memset(&log, 0, sizeof log);
        sl_map_init(&log.producers, false);
        bool dup;
        int64_t off;
        sl_broker_batch b = batch(7, 0, 10, 3, 100);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_NONE, "unknown producers are accepted");
        cr_assert(!dup);
        sl_broker_producer_update(&log, &b);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_NONE);
        cr_assert(dup);
        cr_assert_eq(off, 100);
        b = batch(7, 0, 14, 1, 103);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_OUT_OF_ORDER_SEQUENCE_NUMBER);
        /* five more batches in sequence; the first one then falls out of the cache */
        int32_t seq = 13;
        for (int i = 0; i < 5; i++) {
                b = batch(7, 0, seq, 2, 103 + i * 2);
                cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_NONE);
                cr_assert(!dup);
                sl_broker_producer_update(&log, &b);
                seq += 2;
        }
        b = batch(7, 0, 15, 2, 0);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_NONE);
        cr_assert(dup);
        cr_assert_eq(off, 105);
        b = batch(7, 0, 10, 3, 0);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_OUT_OF_ORDER_SEQUENCE_NUMBER,
                     "only the last five batches are remembered");
        /* epochs */
        b = batch(7, 1, 5, 1, 0);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_OUT_OF_ORDER_SEQUENCE_NUMBER);
        b = batch(7, 1, 0, 1, 200);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_NONE);
        sl_broker_producer_update(&log, &b);
        b = batch(7, 0, seq, 1, 0);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_INVALID_PRODUCER_EPOCH);
        /* sequence wrap-around */
        b = batch(8, 0, INT32_MAX - 1, 2, 300);
        sl_broker_producer_update(&log, &b);
        b = batch(8, 0, 0, 1, 302);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_NONE);
        /* non-idempotent batches are never checked */
        b = batch(-1, -1, -1, 5, 0);
        cr_assert_eq(sl_broker_producer_check(&log, &b, &dup, &off), ErrorCode_NONE);
        sl_broker_producer_clear(&log);
        sl_map_deinit(&log.producers);
}
