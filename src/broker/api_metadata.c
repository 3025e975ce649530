/* api_metadata.c: Metadata v0-v4. One broker (ourselves), which is the controller and leads every
 * partition. v0: an empty topic list means all topics; v1+: null means all, empty means none.
 * Unknown topics are created when allowed: v4 by the request's flag and the broker setting, v0-v3
 * by the broker setting (auto.create.topics.enable) alone. */
#include "broker/broker_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static void write_topic(sl_broker_req *req, sl_buf *out, sl_broker_topic *topic)
{
        sl_broker *broker = req->broker;
        sl_wr_i16(out, ErrorCode_NONE);
        sl_wr_str(out, topic->name);
        if (req->api_version >= 1)
                sl_wr_bool(out, false); /* is_internal */
        sl_wr_i32(out, topic->npart);
        for (int32_t p = 0; p < topic->npart; p++) {
                sl_wr_i16(out, ErrorCode_NONE);
                sl_wr_i32(out, p);
                sl_wr_i32(out, broker->set.node_id);
                sl_wr_i32(out, 1);
                sl_wr_i32(out, broker->set.node_id);
                sl_wr_i32(out, 1);
                sl_wr_i32(out, broker->set.node_id);
        }
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp((*(sl_broker_topic *const *)a)->name, (*(sl_broker_topic *const *)b)->name);
}

sl_broker_hres sl_broker_handle_Metadata(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        int16_t v = req->api_version;
        int32_t n;
        sl_str_ref *names = NULL;
        sl_rd_array(rd, &n, 2);
        if (n > 0) {
                names = sl_calloc((size_t)n, sizeof *names);
                for (int32_t i = 0; i < n; i++)
                        sl_rd_str(rd, &names[i]);
        }
        bool allow_create = broker->set.auto_create;
        if (v >= 4) {
                int8_t b;
                sl_rd_i8(rd, &b);
                allow_create = allow_create && b;
        }
        bool all = (v == 0 && n == 0) || n < 0;
        sl_buf *out = sl_broker_req_out(req);
        if (v >= 3)
                sl_wr_i32(out, 0);
        sl_wr_i32(out, 1); /* brokers */
        sl_wr_i32(out, broker->set.node_id);
        sl_wr_str(out, broker->adv_host);
        sl_wr_i32(out, broker->port);
        if (v >= 1)
                sl_wr_str(out, NULL); /* rack */
        if (v >= 2)
                sl_wr_str(out, broker->cluster_id);
        if (v >= 1)
                sl_wr_i32(out, broker->set.node_id); /* controller */
        if (all) {
                sl_vec topics;
                sl_vec_init(&topics, sizeof(sl_broker_topic *));
                sl_map_iter it;
                const void *k;
                size_t kl;
                void *val;
                sl_map_iter_init(&it, &broker->topics);
                while (sl_map_iter_next(&it, &k, &kl, &val))
                        sl_vec_push(&topics, &val);
                sl_vec_sort(&topics, cmp_names);
                sl_wr_i32(out, (int32_t)topics.len);
                for (size_t i = 0; i < topics.len; i++)
                        write_topic(req, out, SL_VEC_AT(&topics, sl_broker_topic *, i));
                sl_vec_deinit(&topics);
        } else {
                sl_wr_i32(out, n < 0 ? 0 : n);
                for (int32_t i = 0; i < n; i++) {
                        sl_str_ref nm = names[i];
                        sl_broker_topic *topic = nm.null ? NULL : sl_broker_topic_find(broker, nm.ptr, nm.len);
                        ErrorCode ec = ErrorCode_UNKNOWN_TOPIC_OR_PARTITION;
                        if (!topic && !nm.null && !sl_broker_topic_name_valid(nm.ptr, nm.len)) {
                                ec = ErrorCode_INVALID_TOPIC_EXCEPTION;
                        } else if (!topic && allow_create) {
                                char *name = sl_strndup(nm.ptr, nm.len);
                                char msg[256];
                                ec = sl_broker_topic_create(broker, name, broker->set.num_partitions, NULL, msg,
                                                            sizeof msg);
                                sl_free(name);
                                topic = sl_broker_topic_find(broker, nm.ptr, nm.len);
                        }
                        if (topic) {
                                write_topic(req, out, topic);
                        } else {
                                sl_wr_i16(out, (int16_t)ec);
                                sl_wr_str_ref(out, nm);
                                if (v >= 1)
                                        sl_wr_bool(out, false);
                                sl_wr_i32(out, 0);
                        }
                }
        }
        sl_free(names);
        return SL_BROKER_DONE;
bad_frame:
        sl_free(names);
        return SL_BROKER_BAD;
}
