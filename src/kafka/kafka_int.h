/* kafka_int.h: what consumer.c, producer.c and admin.c share: building an rd_kafka_conf_t from
 * an sl_kafka_conf, mapping librdkafka errors to sl_err, routing librdkafka's log lines into
 * sl_log. Only files of this module include it (and so rdkafka.h). */
#ifndef SL_KAFKA_KAFKA_INT_H
#define SL_KAFKA_KAFKA_INT_H

#include <librdkafka/rdkafka.h>

#include "kafka/conf.h"

/* A new rd_kafka_conf_t holding `defaults` (key, value pairs, NULL-terminated) overridden by
 * `conf`, with logging routed to sl_log. NULL on a bad property (SL_ERR_INVALID in err). */
rd_kafka_conf_t *sl_kafka_conf_build(const sl_kafka_conf *conf, const char *const *defaults, sl_err_detail *err);
/* The sl_err for a librdkafka error code. */
sl_err sl_kafka_err_code(rd_kafka_resp_err_t rerr);
/* Sets `err` from a librdkafka error: "<what>: <librdkafka message>"; returns the mapped code. */
sl_err sl_kafka_err_set(sl_err_detail *err, rd_kafka_resp_err_t rerr, const char *what);
/* A topic-partition list from tpo[0..n). Caller destroys it. */
rd_kafka_topic_partition_list_t *sl_kafka_tpo_to_list(const sl_kafka_tpo *tpo, size_t n);

#endif
