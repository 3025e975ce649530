/* admin.h: topic administration and metadata (a thin wrapper over librdkafka's Admin API):
 * create, delete and describe topics, read topic configs (cleanup.policy, retention.ms...), list
 * topics. Every call is synchronous with a timeout. Thread: one thread at a time. */
#ifndef SL_KAFKA_ADMIN_H
#define SL_KAFKA_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/err.h"
#include "kafka/conf.h"

typedef struct sl_kafka_admin sl_kafka_admin;

/* A topic as metadata shows it. */
typedef struct sl_kafka_topic_info {
        const char *name;
        int32_t npartitions;
        int32_t replication;    /* replicas of partition 0 */
        const int32_t *leaders; /* leader broker id per partition, npartitions entries */
} sl_kafka_topic_info;

/* One topic config entry. */
typedef struct sl_kafka_config_entry {
        const char *name;
        const char *value;   /* NULL when the broker does not say (sensitive or unset) */
        bool is_default;     /* the broker's default, not set on the topic */
} sl_kafka_config_entry;

sl_err sl_kafka_admin_new(const sl_kafka_conf *conf, sl_kafka_admin **out, sl_err_detail *err);
void sl_kafka_admin_free(sl_kafka_admin *admin);

/* Creates `topic` with `partitions` (>= 1) and `replication` (-1: the broker's default) and
 * configs given as name, value pairs in configs[0..2*nconfigs). SL_ERR_EXISTS when the topic is
 * already there, SL_ERR_INVALID for bad counts or configs, SL_ERR_TIMEOUT. */
sl_err sl_kafka_admin_create_topic(sl_kafka_admin *admin, const char *topic, int partitions, int replication,
                                   const char *const *configs, size_t nconfigs, int timeout_ms, sl_err_detail *err);
/* Deletes `topic`; SL_ERR_NOT_FOUND when there is none. */
sl_err sl_kafka_admin_delete_topic(sl_kafka_admin *admin, const char *topic, int timeout_ms, sl_err_detail *err);
/* Metadata of one topic into `arena`; SL_ERR_NOT_FOUND when it does not exist. */
sl_err sl_kafka_admin_describe_topic(sl_kafka_admin *admin, const char *topic, sl_arena *arena,
                                     sl_kafka_topic_info *out, int timeout_ms, sl_err_detail *err);
/* Every topic (names starting with '_' only when include_internal), sorted by name, in `arena`. */
sl_err sl_kafka_admin_list_topics(sl_kafka_admin *admin, bool include_internal, sl_arena *arena,
                                  sl_kafka_topic_info **out, size_t *n, int timeout_ms, sl_err_detail *err);
/* The configs of `topic` (DescribeConfigs), in `arena`. */
sl_err sl_kafka_admin_topic_configs(sl_kafka_admin *admin, const char *topic, sl_arena *arena,
                                    sl_kafka_config_entry **out, size_t *n, int timeout_ms, sl_err_detail *err);

#endif
