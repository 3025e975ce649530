/* conf.c: sl_kafka_conf (the caller's property list), its translation into librdkafka's
 * configuration, and the error and log mapping every wrapper uses. */
#include "kafka/conf.h"

#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "kafka/kafka_int.h"

void sl_kafka_conf_init(sl_kafka_conf *conf)
{
        memset(conf, 0, sizeof *conf);
}

void sl_kafka_conf_deinit(sl_kafka_conf *conf)
{
        for (size_t i = 0; i < conf->len; i++) {
                sl_free(conf->keys[i]);
                sl_free(conf->values[i]);
        }
        sl_free(conf->keys);
        sl_free(conf->values);
        sl_kafka_conf_init(conf);
}

void sl_kafka_conf_set(sl_kafka_conf *conf, const char *key, const char *value)
{
        for (size_t i = 0; i < conf->len; i++) {
                if (strcmp(conf->keys[i], key) == 0) {
                        sl_free(conf->values[i]);
                        conf->values[i] = sl_strdup(value);
                        return;
                }
        }
        if (conf->len == conf->cap) {
                conf->cap = conf->cap ? conf->cap * 2 : 8;
                conf->keys = sl_realloc(conf->keys, conf->cap * sizeof *conf->keys);
                conf->values = sl_realloc(conf->values, conf->cap * sizeof *conf->values);
        }
        conf->keys[conf->len] = sl_strdup(key);
        conf->values[conf->len] = sl_strdup(value);
        conf->len++;
}

const char *sl_kafka_conf_get(const sl_kafka_conf *conf, const char *key)
{
        for (size_t i = 0; i < conf->len; i++)
                if (strcmp(conf->keys[i], key) == 0)
                        return conf->values[i];
        return NULL;
}

/* librdkafka's syslog levels to ours; called from librdkafka's threads. */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
        (void)rk;
        /* librdkafka's errors are mostly transient (it retries); what the engine must act on comes
         * back as return codes and delivery reports, so its errors are warnings here */
        sl_log_level l = level <= 4 ? SL_LOG_WARN : SL_LOG_DEBUG;
        sl_log(l, "kafka", "%s: %s", fac, buf);
}

rd_kafka_conf_t *sl_kafka_conf_build(const sl_kafka_conf *conf, const char *const *defaults, sl_err_detail *err)
{
        rd_kafka_conf_t *rconf = rd_kafka_conf_new();
        char errstr[512];
        rd_kafka_conf_set_log_cb(rconf, log_cb);
        for (size_t i = 0; defaults && defaults[i]; i += 2) {
                if (rd_kafka_conf_set(rconf, defaults[i], defaults[i + 1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
                        sl_err_set(err, SL_ERR_INTERNAL, "default client property %s: %s", defaults[i], errstr);
                        goto fail;
                }
        }
        for (size_t i = 0; conf && i < conf->len; i++) {
                if (rd_kafka_conf_set(rconf, conf->keys[i], conf->values[i], errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
                        sl_err_set(err, SL_ERR_INVALID, "invalid Kafka client property %s", conf->keys[i]);
                        sl_err_set_detail(err, "%s", errstr);
                        goto fail;
                }
        }
        return rconf;
fail:
        rd_kafka_conf_destroy(rconf);
        return NULL;
}

sl_err sl_kafka_err_code(rd_kafka_resp_err_t rerr)
{
        switch (rerr) {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
                return SL_OK;
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
                return SL_ERR_EXISTS;
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
                return SL_ERR_NOT_FOUND;
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
        case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
                return SL_ERR_TIMEOUT;
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
        case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
        case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
        case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
        case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
                return SL_ERR_INVALID;
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
        case RD_KAFKA_RESP_ERR__QUEUE_FULL:
                return SL_ERR_LIMIT;
        case RD_KAFKA_RESP_ERR_INVALID_MSG:
        case RD_KAFKA_RESP_ERR__BAD_MSG:
                return SL_ERR_CORRUPT_RECORD;
        case RD_KAFKA_RESP_ERR__STATE:
        case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
        case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
        case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
                return SL_ERR_STATE;
        case RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED:
        case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
                return SL_ERR_UNSUPPORTED;
        default:
                return SL_ERR_IO;
        }
}

sl_err sl_kafka_err_set(sl_err_detail *err, rd_kafka_resp_err_t rerr, const char *what)
{
        sl_err code = sl_kafka_err_code(rerr);
        if (code == SL_OK)
                return SL_OK;
        return sl_err_set(err, code, "%s: %s (%s)", what, rd_kafka_err2str(rerr), rd_kafka_err2name(rerr));
}

rd_kafka_topic_partition_list_t *sl_kafka_tpo_to_list(const sl_kafka_tpo *tpo, size_t n)
{
        rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)n);
        for (size_t i = 0; i < n; i++)
                rd_kafka_topic_partition_list_add(list, tpo[i].topic, tpo[i].partition)->offset = tpo[i].offset;
        return list;
}
