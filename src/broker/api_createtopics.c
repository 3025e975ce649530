/* api_createtopics.c: CreateTopics v0-v4. Replication factor must be 1 (or -1 = default); a
 * manual assignment may only name this broker; configs are checked against the topic configs we
 * implement (INVALID_CONFIG otherwise). Creation is synchronous: the topic exists when we answer. */
#include "broker/broker_int.h"

#include <stdio.h>

#include "common/mem.h"

sl_broker_hres sl_broker_handle_CreateTopics(sl_broker_req *req)
{
        sl_broker *broker = req->broker;
        sl_rd *rd = &req->rd;
        int16_t v = req->api_version;
        int32_t nt, timeout;
        sl_config *configs = NULL;
        char *name = NULL;
        /* decode first: the answer needs validate_only, which comes last */
        const uint8_t *topics_start;
        sl_rd_array(rd, &nt, 16);
        topics_start = rd->p;
        for (int pass = 0; pass < 2; pass++) {
                int8_t validate_only = 0;
                if (pass == 1) {
                        sl_rd_i32(rd, &timeout);
                        if (v >= 1)
                                sl_rd_i8(rd, &validate_only);
                        rd->p = topics_start;
                }
                sl_buf *out = sl_broker_req_out(req);
                if (pass == 1) {
                        if (v >= 2)
                                sl_wr_i32(out, 0);
                        sl_wr_i32(out, nt < 0 ? 0 : nt);
                }
                for (int32_t t = 0; t < nt; t++) {
                        sl_str_ref nm;
                        int32_t np, na, nc;
                        int16_t rf;
                        sl_rd_str(rd, &nm);
                        sl_rd_i32(rd, &np);
                        sl_rd_i16(rd, &rf);
                        sl_rd_array(rd, &na, 8);
                        bool bad_assign = false;
                        for (int32_t a = 0; a < na; a++) {
                                int32_t pidx, nb, id;
                                sl_rd_i32(rd, &pidx);
                                sl_rd_array(rd, &nb, 4);
                                if (nb != 1 && nb != 0)
                                        bad_assign = true;
                                for (int32_t b = 0; b < nb; b++) {
                                        sl_rd_i32(rd, &id);
                                        if (id != broker->set.node_id)
                                                bad_assign = true;
                                }
                        }
                        sl_rd_array(rd, &nc, 4);
                        if (pass == 1)
                                configs = sl_config_new();
                        for (int32_t c = 0; c < nc; c++) {
                                sl_str_ref k, val;
                                sl_rd_str(rd, &k);
                                sl_rd_str(rd, &val);
                                if (pass == 1 && !val.null) {
                                        char *ks = sl_strndup(k.ptr, k.len), *vs = sl_strndup(val.ptr, val.len);
                                        sl_config_set(configs, ks, vs);
                                        sl_free(ks);
                                        sl_free(vs);
                                }
                        }
                        if (pass == 0)
                                continue;
                        char msg[256] = "";
                        ErrorCode ec = ErrorCode_NONE;
                        name = sl_strndup(nm.ptr, nm.len);
                        if (np == -1)
                                np = na > 0 ? na : broker->set.num_partitions;
                        if (nm.null || !sl_broker_topic_name_valid(nm.ptr, nm.len)) {
                                ec = ErrorCode_INVALID_TOPIC_EXCEPTION;
                                snprintf(msg, sizeof msg, "Topic name is invalid");
                        } else if (rf != -1 && rf != 1) {
                                ec = ErrorCode_INVALID_REPLICATION_FACTOR;
                                snprintf(msg, sizeof msg, "Replication factor must be 1 on a single broker.");
                        } else if (bad_assign) {
                                ec = ErrorCode_INVALID_REPLICA_ASSIGNMENT;
                                snprintf(msg, sizeof msg, "Replicas must be this broker (%d).", broker->set.node_id);
                        } else if (sl_broker_topic_find(broker, nm.ptr, nm.len)) {
                                ec = ErrorCode_TOPIC_ALREADY_EXISTS;
                                snprintf(msg, sizeof msg, "Topic '%s' already exists.", name);
                        } else if (np < 1) {
                                ec = ErrorCode_INVALID_PARTITIONS;
                                snprintf(msg, sizeof msg, "Number of partitions must be larger than 0.");
                        } else if (validate_only) {
                                sl_broker_topic_config check = broker->set.topic;
                                size_t pos = 0;
                                const char *k, *val;
                                while (sl_config_iter(configs, &pos, &k, &val))
                                        if (!sl_broker_topic_config_apply(&check, k, val)) {
                                                ec = ErrorCode_INVALID_CONFIG;
                                                snprintf(msg, sizeof msg, "Invalid value %s for configuration %s", val, k);
                                        }
                        } else {
                                ec = sl_broker_topic_create(broker, name, np, configs, msg, sizeof msg);
                        }
                        out = sl_broker_req_out(req);
                        sl_wr_str_ref(out, nm);
                        sl_wr_i16(out, (int16_t)ec);
                        if (v >= 1)
                                sl_wr_str(out, ec ? msg : NULL);
                        sl_free(name);
                        name = NULL;
                        sl_config_free(configs);
                        configs = NULL;
                }
        }
        return SL_BROKER_DONE;
bad_frame:
        sl_free(name);
        sl_config_free(configs);
        return SL_BROKER_BAD;
}
