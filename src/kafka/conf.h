/* conf.h: client configuration for the librdkafka wrappers, an ordered list of librdkafka
 * property names and values ("bootstrap.servers", "group.id", "auto.offset.reset", ...), so that
 * callers never see rdkafka types. Also the types the three wrappers share: topic-partition
 * offsets and record headers. */
#ifndef SL_KAFKA_CONF_H
#define SL_KAFKA_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

/* Embeddable; zero-initialised is an empty configuration. */
typedef struct sl_kafka_conf {
        char **keys;    /* owned copies */
        char **values;  /* owned copies */
        size_t len;
        size_t cap;
} sl_kafka_conf;

void sl_kafka_conf_init(sl_kafka_conf *conf);
void sl_kafka_conf_deinit(sl_kafka_conf *conf);
/* Sets `key` to `value` (both copied), replacing an earlier value. */
void sl_kafka_conf_set(sl_kafka_conf *conf, const char *key, const char *value);
/* The value of `key`, or NULL. Borrowed; valid until the next set or deinit. */
const char *sl_kafka_conf_get(const sl_kafka_conf *conf, const char *key);

/* Special offsets for sl_kafka_tpo.offset (librdkafka's values). */
#define SL_KAFKA_OFFSET_BEGINNING (-2)
#define SL_KAFKA_OFFSET_END (-1)
#define SL_KAFKA_OFFSET_STORED (-1000)
#define SL_KAFKA_OFFSET_INVALID (-1001)

/* A topic partition and an offset: what to assign, what to commit, what is committed. */
typedef struct sl_kafka_tpo {
        const char *topic;  /* borrowed */
        int32_t partition;
        int64_t offset;     /* next offset to read, or a special offset above */
} sl_kafka_tpo;

/* One record header. */
typedef struct sl_kafka_header {
        const char *key;  /* NUL-terminated */
        sl_slice value;   /* ptr NULL for a null header value */
} sl_kafka_header;

#endif
