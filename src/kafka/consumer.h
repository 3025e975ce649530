/* consumer.h: a Kafka consumer owned by one stream thread (a thin wrapper over librdkafka's
 * high-level consumer). Records are polled in batches into a caller-owned sl_kafka_batch whose
 * messages borrow librdkafka's buffers (no copy) until the batch is reset. Offsets are committed
 * explicitly only: enable.auto.commit and enable.auto.offset.store are off unless the caller's
 * configuration turns them on.
 *
 * Defaults the wrapper sets (the caller's conf overrides them): enable.auto.commit=false,
 * enable.auto.offset.store=false, enable.partition.eof=false, auto.offset.reset=earliest
 * (ksqlDB's default for queries is latest; the engine passes it). Without group.id the consumer
 * gets a private group "_sluice_nogroup_<pid>_<n>" (librdkafka needs one even for assign), so
 * subscribe and commit want a real group.id. Thread: one thread at a time per consumer. */
#ifndef SL_KAFKA_CONSUMER_H
#define SL_KAFKA_CONSUMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/err.h"
#include "kafka/conf.h"

typedef struct sl_kafka_consumer sl_kafka_consumer;

/* One consumed record. Every pointer borrows from the batch and is valid until the batch is reset
 * or deinitialised. */
typedef struct sl_kafka_msg {
        const char *topic;                /* NUL-terminated */
        int32_t partition;
        int64_t offset;
        int64_t timestamp;                /* ms since the epoch; -1 when the record has none */
        sl_slice key;                     /* ptr NULL: no key */
        sl_slice value;                   /* ptr NULL: no value (tombstone) */
        const sl_kafka_header *headers;   /* in record order */
        size_t nheaders;
} sl_kafka_msg;

/* Caller-owned storage for polled records. Embeddable; init before use. */
typedef struct sl_kafka_batch {
        sl_kafka_msg *msgs;  /* msgs[0..len) */
        size_t len;
        size_t cap;          /* allocated entries of msgs and raw */
        void **raw;          /* the librdkafka messages the msgs borrow from */
        sl_arena arena;      /* header arrays */
} sl_kafka_batch;

void sl_kafka_batch_init(sl_kafka_batch *batch);
/* Releases the records (their memory goes back to librdkafka); keeps capacity. */
void sl_kafka_batch_reset(sl_kafka_batch *batch);
void sl_kafka_batch_deinit(sl_kafka_batch *batch);

/* Called when the group assigns partitions to this member (assigned) or takes them away, before
 * the consumer starts or stops reading them. parts borrow librdkafka's list: valid during the call. */
typedef void (*sl_kafka_rebalance_fn)(void *opaque, bool assigned, const sl_kafka_tpo *parts, size_t n);

/* Creates a consumer from `conf` (see the defaults above). SL_ERR_INVALID for a bad property. */
sl_err sl_kafka_consumer_new(const sl_kafka_conf *conf, sl_kafka_consumer **out, sl_err_detail *err);
/* The same with a rebalance callback, run from inside sl_kafka_consumer_poll on the polling thread
 * (eager and cooperative assignors both work). */
sl_err sl_kafka_consumer_new_rebalance(const sl_kafka_conf *conf, sl_kafka_rebalance_fn on_rebalance, void *opaque,
                                       sl_kafka_consumer **out, sl_err_detail *err);
/* Leaves the group (if any) and frees. NULL does nothing. Pending batches must be reset first. */
void sl_kafka_consumer_free(sl_kafka_consumer *consumer);

/* Joins the consumer group for topics[0..n) (replacing an earlier subscription); partitions
 * are assigned by the group. */
sl_err sl_kafka_consumer_subscribe(sl_kafka_consumer *consumer, const char *const *topics, size_t n,
                                   sl_err_detail *err);
/* Reads exactly these partitions from these offsets (SL_KAFKA_OFFSET_*), without group
 * management; replaces an earlier assignment. n == 0 unassigns. */
sl_err sl_kafka_consumer_assign(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n,
                                sl_err_detail *err);

/* Resets `batch` and appends up to `max` records, waiting up to `timeout_ms` for the first one.
 * Returns SL_OK with batch->len possibly 0 (nothing arrived). A consumer error with no record
 * (e.g. unknown topic) is returned as an error; errors after some records are logged. */
sl_err sl_kafka_consumer_poll(sl_kafka_consumer *consumer, sl_kafka_batch *batch, size_t max, int timeout_ms,
                              sl_err_detail *err);

/* Commits offsets[0..n) synchronously (each the NEXT offset to read, i.e. last consumed + 1). */
sl_err sl_kafka_consumer_commit(sl_kafka_consumer *consumer, const sl_kafka_tpo *offsets, size_t n,
                                sl_err_detail *err);
/* Fills parts[i].offset with the group's committed offset of parts[i] (SL_KAFKA_OFFSET_INVALID
 * when none). */
sl_err sl_kafka_consumer_committed(sl_kafka_consumer *consumer, sl_kafka_tpo *parts, size_t n, int timeout_ms,
                                   sl_err_detail *err);
/* The partitions currently assigned, in `arena` (topics copied). */
sl_err sl_kafka_consumer_assignment(sl_kafka_consumer *consumer, sl_arena *arena, sl_kafka_tpo **parts, size_t *n,
                                    sl_err_detail *err);
/* Moves the read position of assigned partitions parts[i] to parts[i].offset. */
sl_err sl_kafka_consumer_seek(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n, int timeout_ms,
                              sl_err_detail *err);
/* Stops / restarts fetching of assigned partitions (back-pressure); polls keep serving the others. */
sl_err sl_kafka_consumer_pause(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n, sl_err_detail *err);
sl_err sl_kafka_consumer_resume(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n, sl_err_detail *err);
/* Low and high watermark of a partition (high = offset of the next record to be written). */
sl_err sl_kafka_consumer_watermarks(sl_kafka_consumer *consumer, const char *topic, int32_t partition, int64_t *low,
                                    int64_t *high, int timeout_ms, sl_err_detail *err);

#endif
