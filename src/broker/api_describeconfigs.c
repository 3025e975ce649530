/* api_describeconfigs.c: DescribeConfigs v0-v2 for topics (resource type 2: the topic configs we
 * implement, source 1 when set at creation, else 5 = default) and the broker (type 4: its static
 * settings, read-only). v0 has is_default instead of config_source; v1+ add (empty) synonyms. */
#include "broker/broker_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"

/* Is `name` asked for? A null or empty key list means all. */
static bool wanted(const sl_str_ref *keys, int32_t n, const char *name)
{
        if (n <= 0)
                return true;
        for (int32_t i = 0; i < n; i++)
                if (sl_str_ref_eq(keys[i], name))
                        return true;
        return false;
}

static void write_config(sl_buf *out, int16_t v, const char *name, const char *value, bool read_only, int8_t source)
{
        sl_wr_str(out, name);
        sl_wr_str(out, value);
        sl_wr_bool(out, read_only);
        if (v == 0)
                sl_wr_bool(out, source == 5);
        else
                sl_wr_i8(out, source);
        sl_wr_bool(out, false); /* is_sensitive */
        if (v >= 1)
                sl_wr_i32(out, 0); /* synonyms */
}

sl_broker_hres sl_broker_handle_DescribeConfigs(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        int16_t v = req->api_version;
        int32_t n;
        sl_str_ref *keys = NULL;
        sl_rd_array(rd, &n, 7);
        sl_buf *out = sl_broker_req_out(req);
        sl_wr_i32(out, 0);
        sl_wr_i32(out, n < 0 ? 0 : n);
        for (int32_t i = 0; i < n; i++) {
                int8_t type;
                sl_str_ref name;
                int32_t nk;
                sl_rd_i8(rd, &type);
                sl_rd_str(rd, &name);
                sl_rd_array(rd, &nk, 2);
                sl_free(keys);
                keys = nk > 0 ? sl_calloc((size_t)nk, sizeof *keys) : NULL;
                for (int32_t k = 0; k < nk; k++)
                        sl_rd_str(rd, &keys[k]);
                sl_broker_topic *topic = type == 2 && !name.null ? sl_broker_topic_find(broker, name.ptr, name.len) : NULL;
                ErrorCode ec = ErrorCode_NONE;
                const char *msg = NULL;
                if (type == 2 && !topic) {
                        ec = ErrorCode_UNKNOWN_TOPIC_OR_PARTITION;
                        msg = "Topic does not exist";
                } else if (type != 2 && type != 4) {
                        ec = ErrorCode_INVALID_REQUEST;
                        msg = "Unsupported resource type";
                }
                sl_wr_i16(out, (int16_t)ec);
                sl_wr_str(out, msg);
                sl_wr_i8(out, type);
                sl_wr_str_ref(out, name);
                size_t at = sl_wr_i32_later(out);
                int32_t count = 0;
                char val[64];
                if (topic) {
                        for (int c = 0; sl_broker_topic_config_names[c]; c++) {
                                const char *cn = sl_broker_topic_config_names[c];
                                if (!wanted(keys, nk, cn))
                                        continue;
                                sl_broker_topic_config_value(&topic->cfg, cn, val, sizeof val);
                                write_config(out, v, cn, val, false, sl_config_get(topic->overrides, cn) ? 1 : 5);
                                count++;
                        }
                } else if (type == 4) {
                        const sl_broker_settings *s = &broker->set;
                        char listener[128];
                        snprintf(listener, sizeof listener, "PLAINTEXT://%s:%d", s->host, broker->port);
                        struct {
                                const char *name;
                                int64_t value;
                        } ints[] = {
                                {"num.partitions", s->num_partitions},
                                {"log.segment.bytes", s->topic.segment_bytes},
                                {"log.retention.ms", s->topic.retention_ms},
                                {"log.retention.bytes", s->topic.retention_bytes},
                                {"log.flush.interval.messages", s->flush_messages},
                                {"log.flush.interval.ms", s->flush_ms},
                                {"socket.request.max.bytes", s->request_max_bytes},
                                {"message.max.bytes", s->topic.max_message_bytes},
                        };
                        if (wanted(keys, nk, "broker.listeners")) {
                                write_config(out, v, "broker.listeners", listener, true, 4);
                                count++;
                        }
                        if (wanted(keys, nk, "data.dir")) {
                                write_config(out, v, "data.dir", s->data_dir, true, 4);
                                count++;
                        }
                        if (wanted(keys, nk, "auto.create.topics.enable")) {
                                write_config(out, v, "auto.create.topics.enable", s->auto_create ? "true" : "false", true, 4);
                                count++;
                        }
                        for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
                                if (!wanted(keys, nk, ints[k].name))
                                        continue;
                                snprintf(val, sizeof val, "%" PRId64, ints[k].value);
                                write_config(out, v, ints[k].name, val, true, 4);
                                count++;
                        }
                }
                sl_wr_i32_patch(out, at, count);
        }
        if (v >= 1) {
                int8_t syn;
                sl_rd_i8(rd, &syn);
        }
        sl_free(keys);
        return SL_BROKER_DONE;
bad_frame:
        sl_free(keys);
        return SL_BROKER_BAD;
}
