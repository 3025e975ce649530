/* producer.h: a Kafka producer (a thin wrapper over librdkafka's). Sends are asynchronous:
 * sl_kafka_producer_send copies the record into librdkafka's queue; the outcome arrives later as a
 * delivery report, passed to the callback given at creation from sl_kafka_producer_poll or
 * sl_kafka_producer_flush (on the calling thread, never on librdkafka's threads).
 *
 * Defaults the wrapper sets (the caller's conf overrides them): partitioner=murmur2_random
 * (keyed records land where Java clients, Kafka Streams and ksqlDB put them),
 * linger.ms=5, enable.idempotence=false. Thread: send/poll/flush from one thread at a time. */
#ifndef SL_KAFKA_PRODUCER_H
#define SL_KAFKA_PRODUCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "kafka/conf.h"

typedef struct sl_kafka_producer sl_kafka_producer;

/* The outcome of one send. Pointers are valid during the callback only. */
typedef struct sl_kafka_delivery {
        const char *topic;
        int32_t partition;   /* -1 when unknown (failed before partitioning) */
        int64_t offset;      /* the record's offset, -1 on failure */
        sl_err err;          /* SL_OK, or SL_ERR_TIMEOUT (message.timeout.ms passed), SL_ERR_IO... */
        const char *errstr;  /* librdkafka's reason, "" on success */
        void *msg_opaque;    /* what the send passed */
} sl_kafka_delivery;

typedef void (*sl_kafka_delivery_fn)(void *opaque, const sl_kafka_delivery *delivery);

/* Creates a producer. `on_delivery` may be NULL (reports are then only counted). */
sl_err sl_kafka_producer_new(const sl_kafka_conf *conf, sl_kafka_delivery_fn on_delivery, void *opaque,
                             sl_kafka_producer **out, sl_err_detail *err);
/* Flushes for up to `flush_timeout_ms` (records still queued then are dropped and logged) and frees. */
void sl_kafka_producer_free(sl_kafka_producer *producer, int flush_timeout_ms);

/* Queues one record; key/value are copied (ptr NULL: absent key / tombstone); headers[0..nheaders)
 * too. partition -1 lets the partitioner choose from the key. timestamp_ms 0 means now. When
 * librdkafka's queue is full, serves delivery reports and retries for up to 10 s, then
 * SL_ERR_LIMIT. */
sl_err sl_kafka_producer_send(sl_kafka_producer *producer, const char *topic, int32_t partition, sl_slice key,
                              sl_slice value, const sl_kafka_header *headers, size_t nheaders, int64_t timestamp_ms,
                              void *msg_opaque, sl_err_detail *err);
/* Serves pending delivery reports, waiting up to timeout_ms for one; returns how many were served. */
int sl_kafka_producer_poll(sl_kafka_producer *producer, int timeout_ms);
/* Waits until every queued record is delivered or failed (reports served), or SL_ERR_TIMEOUT. */
sl_err sl_kafka_producer_flush(sl_kafka_producer *producer, int timeout_ms, sl_err_detail *err);
/* Records queued or in flight plus events not yet served (librdkafka rd_kafka_outq_len); 0
 * once everything is delivered and reported. */
size_t sl_kafka_producer_outstanding(const sl_kafka_producer *producer);
/* Delivery reports so far: succeeded and failed. */
void sl_kafka_producer_stats(const sl_kafka_producer *producer, uint64_t *delivered, uint64_t *failed);

#endif
