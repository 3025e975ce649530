/* bench/common/bench_kafka.h: what the librdkafka programs of the benchmarks share (header only:
 * each program is built alone by its run script with `cc file.c`, and includes this by relative
 * path). */
#ifndef SL_BENCH_KAFKA_H
#define SL_BENCH_KAFKA_H

#include <librdkafka/rdkafka.h>
#include <stdint.h>

/* Produces one record (copied) to `topic`, partition `part` (RD_KAFKA_PARTITION_UA: the
 * partitioner's choice), timestamp `ts` (0: now), polling while the local queue is full. Returns
 * the error of a record that could not be queued, else RD_KAFKA_RESP_ERR_NO_ERROR. */
static inline rd_kafka_resp_err_t bench_produce(rd_kafka_t *p, const char *topic, int32_t part, const void *key,
                                                size_t klen, const void *val, size_t vlen, int64_t ts)
{
        for (;;) {
                rd_kafka_resp_err_t e = rd_kafka_producev(
                        p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(part), RD_KAFKA_V_KEY(key, klen),
                        RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_TIMESTAMP(ts),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);

                if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                        return e;
                rd_kafka_poll(p, 10);
        }
}

#endif
