/* driver.h: the topology test driver. Runs planned queries without a network and with
 * deterministic time, as Kafka Streams' TopologyTestDriver does for ksqlDB's query-validation
 * tests: a record piped into a topic is handed, one at a time and in order, to the task of every
 * sub-topology reading that topic, and every record a sink (or a repartition step) writes is
 * captured and, in turn, piped into the queries reading its topic. Event time comes only from the
 * records. Offsets count per topic partition from 0; a topic has 1 partition unless set. */
#ifndef SL_EXEC_DRIVER_H
#define SL_EXEC_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "exec/proclog.h"
#include "kafka/conf.h"
#include "plan/plan.h"

/* A record written to a topic; everything owned by the driver. */
typedef struct sl_exec_record {
        char *topic;
        int32_t partition;
        int64_t offset;
        sl_slice key;                /* ptr NULL: no key */
        sl_slice value;              /* ptr NULL: tombstone */
        int64_t ts;
        sl_kafka_header *headers;    /* copies */
        size_t nheaders;
} sl_exec_record;

typedef struct sl_exec_driver sl_exec_driver;

sl_exec_driver *sl_exec_driver_new(void);
/* Frees the tasks and captured records; the plans stay the caller's. NULL does nothing. */
void sl_exec_driver_free(sl_exec_driver *d);
/* Partition count of `topic` (default 1); set before records reach it. */
void sl_exec_driver_set_partitions(sl_exec_driver *d, const char *topic, int partitions);
/* Starts a query: its tasks are created as their partitions receive records. `plan` is borrowed
 * and must outlive the driver. */
sl_err sl_exec_driver_add(sl_exec_driver *d, const sl_plan *plan, sl_err_detail *err);
/* Writes one record to `topic` (partition -1: by the key's murmur2 hash, as Kafka's producer) and
 * runs every query it reaches until nothing is left to do. Bytes are copied. */
sl_err sl_exec_driver_pipe(sl_exec_driver *d, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                           const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err);
/* Every record the queries wrote so far, in order; borrowed until the driver is freed. */
size_t sl_exec_driver_outputs(const sl_exec_driver *d, const sl_exec_record **out);
/* Every row transient queries emitted, as JSON arrays of the column values ("[1,\"a\"]"; a
 * table delete is prefixed with "DELETE "), in order; borrowed until the driver is freed. */
size_t sl_exec_driver_rows(const sl_exec_driver *d, char *const **rows);
/* Simulates a restart of every query: flushes and checkpoints each task, frees it (its next
 * record creates it again, restoring its stores from the local state and the captured
 * changelogs). With `wipe_state` the local state is deleted first, so stores restore from the
 * changelogs alone. */
sl_err sl_exec_driver_restart(sl_exec_driver *d, bool wipe_state, sl_err_detail *err);
/* The temp dir under which tasks keep their state (<dir>/<queryid>/<taskid>/); borrowed. */
const char *sl_exec_driver_state_dir(const sl_exec_driver *d);
/* The processing log of the i-th query added. */
sl_proclog *sl_exec_driver_log(sl_exec_driver *d, size_t i);
/* Kafka's murmur2 partition of a key (the Java client's default partitioner). */
int32_t sl_exec_partition_of(sl_slice key, int partitions);

#endif
