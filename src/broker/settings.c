/* settings.c: broker settings from the configuration (names as Kafka's server.properties), and
 * the topic-level configs CreateTopics and DescribeConfigs speak about. */
#include "broker/broker_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

const char *const sl_broker_topic_config_names[] = {
        "cleanup.policy", "delete.retention.ms", "max.message.bytes", "retention.bytes",
        "retention.ms",   "segment.bytes",       "segment.ms",        NULL,
};

static bool parse_i64(const char *v, int64_t min, int64_t *out)
{
        char *end;
        if (!v || !*v)
                return false;
        long long n = strtoll(v, &end, 10);
        if (*end || n < min)
                return false;
        *out = n;
        return true;
}

bool sl_broker_topic_config_apply(sl_broker_topic_config *tc, const char *key, const char *value)
{
        if (strcmp(key, "cleanup.policy") == 0) {
                bool c = false, d = false;
                char *copy = sl_strdup(value), *save = NULL;
                bool ok = true;
                for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
                        if (strcmp(t, "compact") == 0)
                                c = true;
                        else if (strcmp(t, "delete") == 0)
                                d = true;
                        else
                                ok = false;
                }
                sl_free(copy);
                if (!ok || (!c && !d))
                        return false;
                tc->compact = c;
                tc->delete_old = d;
                return true;
        }
        if (strcmp(key, "delete.retention.ms") == 0)
                return parse_i64(value, 0, &tc->delete_retention_ms);
        if (strcmp(key, "max.message.bytes") == 0)
                return parse_i64(value, 0, &tc->max_message_bytes);
        if (strcmp(key, "retention.bytes") == 0)
                return parse_i64(value, -1, &tc->retention_bytes);
        if (strcmp(key, "retention.ms") == 0)
                return parse_i64(value, -1, &tc->retention_ms);
        if (strcmp(key, "segment.bytes") == 0)
                return parse_i64(value, 14, &tc->segment_bytes) && tc->segment_bytes <= INT32_MAX;
        if (strcmp(key, "segment.ms") == 0)
                return parse_i64(value, 1, &tc->segment_ms);
        return false;
}

void sl_broker_topic_config_value(const sl_broker_topic_config *tc, const char *key, char *out, size_t outlen)
{
        int64_t v = 0;
        if (strcmp(key, "cleanup.policy") == 0) {
                snprintf(out, outlen, "%s", tc->compact && tc->delete_old ? "compact,delete"
                                            : tc->compact                 ? "compact"
                                                                          : "delete");
                return;
        }
        if (strcmp(key, "delete.retention.ms") == 0)
                v = tc->delete_retention_ms;
        else if (strcmp(key, "max.message.bytes") == 0)
                v = tc->max_message_bytes;
        else if (strcmp(key, "retention.bytes") == 0)
                v = tc->retention_bytes;
        else if (strcmp(key, "retention.ms") == 0)
                v = tc->retention_ms;
        else if (strcmp(key, "segment.bytes") == 0)
                v = tc->segment_bytes;
        else if (strcmp(key, "segment.ms") == 0)
                v = tc->segment_ms;
        snprintf(out, outlen, "%" PRId64, v);
}

/* "PLAINTEXT://host:port" (first listener of a comma-separated list). */
static sl_err parse_listener(sl_broker_settings *set, const char *v, sl_err_detail *det)
{
        const char *p = strstr(v, "://");
        p = p ? p + 3 : v;
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *colon = NULL;
        for (size_t i = 0; i < len; i++)
                if (p[i] == ':')
                        colon = p + i;
        if (!colon)
                return sl_err_set(det, SL_ERR_INVALID, "invalid value '%s' for broker.listeners: expected "
                                  "PLAINTEXT://host:port", v);
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (end != p + len || port < 0 || port > 65535)
                return sl_err_set(det, SL_ERR_INVALID, "invalid port in broker.listeners '%s'", v);
        set->host = sl_strndup(p, (size_t)(colon - p));
        if (set->host[0] == 0 || strcmp(set->host, "localhost") == 0) {
                sl_free(set->host);
                set->host = sl_strdup("127.0.0.1");
        }
        set->port = (int)port;
        return SL_OK;
}

sl_err sl_broker_settings_load(sl_broker_settings *set, const sl_config *cfg, sl_err_detail *det)
{
        sl_err rc;
        const char *s;
        memset(set, 0, sizeof *set);
#define I64(key, def, min, max, field)                                                                     \
        do {                                                                                               \
                if ((rc = sl_config_get_i64(cfg, key, def, min, max, &(field), det)))                      \
                        goto fail;                                                                         \
        } while (0)
        sl_config_get_str(cfg, "broker.listeners", "PLAINTEXT://127.0.0.1:9092", &s, det);
        if ((rc = parse_listener(set, s, det)))
                goto fail;
        sl_config_get_str(cfg, "data.dir", "./sluice-data", &s, det);
        set->data_dir = sl_strdup(s);
        int64_t v;
        I64("broker.id", 1, 0, INT32_MAX, v);
        set->node_id = (int)v;
        I64("num.partitions", 1, 1, 100000, v);
        set->num_partitions = (int)v;
        if ((rc = sl_config_get_bool(cfg, "auto.create.topics.enable", true, &set->auto_create, det)))
                goto fail;
        sl_broker_topic_config *tc = &set->topic;
        I64("log.segment.bytes", 1073741824, 14, INT32_MAX, tc->segment_bytes);
        I64("log.roll.ms", 7 * 24 * 3600 * 1000LL, 1, INT64_MAX, tc->segment_ms);
        I64("log.retention.ms", 7 * 24 * 3600 * 1000LL, -1, INT64_MAX, tc->retention_ms);
        I64("log.retention.bytes", -1, -1, INT64_MAX, tc->retention_bytes);
        I64("log.cleaner.delete.retention.ms", 24 * 3600 * 1000LL, 0, INT64_MAX, tc->delete_retention_ms);
        I64("message.max.bytes", 1048588, 0, INT32_MAX, tc->max_message_bytes);
        sl_config_get_str(cfg, "log.cleanup.policy", "delete", &s, det);
        if (!sl_broker_topic_config_apply(tc, "cleanup.policy", s)) {
                rc = sl_err_set(det, SL_ERR_INVALID, "invalid value '%s' for log.cleanup.policy", s);
                goto fail;
        }
        I64("log.flush.interval.messages", 1, 1, INT64_MAX, set->flush_messages);
        I64("log.flush.interval.ms", -1, -1, INT64_MAX, set->flush_ms);
        I64("socket.request.max.bytes", 104857600, 1024, INT32_MAX, set->request_max_bytes);
        I64("log.index.interval.bytes", 4096, 0, INT32_MAX, set->index_interval_bytes);
        I64("log.retention.check.interval.ms", 5000, 10, INT64_MAX, set->retention_check_ms);
        I64("log.cleaner.backoff.ms", 15000, 10, INT64_MAX, set->cleaner_backoff_ms);
        I64("group.initial.rebalance.delay.ms", 3000, 0, INT32_MAX, set->group_initial_delay_ms);
        I64("group.min.session.timeout.ms", 6000, 0, INT32_MAX, set->group_min_session_ms);
        I64("group.max.session.timeout.ms", 1800000, 0, INT32_MAX, set->group_max_session_ms);
        for (int k = 0; k < ApiKey__MAX; k++) {
                const char *name = sl_broker_api_name((int16_t)k);
                if (!name)
                        continue;
                char key[96], lower[48];
                size_t n = 0;
                for (; name[n] && n + 1 < sizeof lower; n++)
                        lower[n] = (char)(name[n] >= 'A' && name[n] <= 'Z' ? name[n] + 32 : name[n]);
                lower[n] = 0;
                snprintf(key, sizeof key, "broker.test.fault.close.after.%s", lower);
                I64(key, 0, 0, INT64_MAX, set->fault_close_after[k]);
        }
#undef I64
        return SL_OK;
fail:
        sl_broker_settings_deinit(set);
        return rc;
}

void sl_broker_settings_deinit(sl_broker_settings *set)
{
        sl_free(set->host);
        sl_free(set->data_dir);
        set->host = set->data_dir = NULL;
}
