/* admin.c: the admin wrapper. A producer-type handle serves both the Admin API requests (each
 * waits on its own temporary queue) and metadata requests. */
#include "kafka/admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "kafka/kafka_int.h"

/* Metadata requests for one topic must not create it. */
static const char *const admin_defaults[] = {
        "allow.auto.create.topics", "false",
        NULL,
};

struct sl_kafka_admin {
        rd_kafka_t *rk; /* owned */
};

sl_err sl_kafka_admin_new(const sl_kafka_conf *conf, sl_kafka_admin **out, sl_err_detail *err)
{
        char errstr[512];
        *out = NULL;
        rd_kafka_conf_t *rconf = sl_kafka_conf_build(conf, admin_defaults, err);
        if (!rconf)
                return SL_ERR_INVALID;
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, rconf, errstr, sizeof errstr);
        if (!rk) {
                rd_kafka_conf_destroy(rconf);
                return sl_err_set(err, SL_ERR_INVALID, "cannot create Kafka admin client: %s", errstr);
        }
        sl_kafka_admin *a = sl_calloc(1, sizeof *a);
        a->rk = rk;
        *out = a;
        return SL_OK;
}

void sl_kafka_admin_free(sl_kafka_admin *admin)
{
        if (!admin)
                return;
        rd_kafka_destroy(admin->rk);
        sl_free(admin);
}

/* Waits for the result event of one admin request on `q`; NULL on timeout. */
static rd_kafka_event_t *wait_result(rd_kafka_queue_t *q, rd_kafka_event_type_t type, int timeout_ms)
{
        for (;;) {
                rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
                if (!ev)
                        return NULL;
                if (rd_kafka_event_type(ev) == type)
                        return ev;
                rd_kafka_event_destroy(ev);
        }
}

static rd_kafka_AdminOptions_t *make_options(sl_kafka_admin *admin, rd_kafka_admin_op_t op, int timeout_ms)
{
        char errstr[256];
        rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(admin->rk, op);
        rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, errstr, sizeof errstr);
        if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS)
                rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, errstr, sizeof errstr);
        return opts;
}

/* Sets err from a topic result's error (code + broker message). */
static sl_err topic_result_err(const rd_kafka_topic_result_t *tr, const char *what, sl_err_detail *err)
{
        rd_kafka_resp_err_t rerr = rd_kafka_topic_result_error(tr);
        if (!rerr)
                return SL_OK;
        const char *msg = rd_kafka_topic_result_error_string(tr);
        return sl_err_set(err, sl_kafka_err_code(rerr), "%s %s: %s", what, rd_kafka_topic_result_name(tr),
                          msg && *msg ? msg : rd_kafka_err2str(rerr));
}

sl_err sl_kafka_admin_create_topic(sl_kafka_admin *admin, const char *topic, int partitions, int replication,
                                   const char *const *configs, size_t nconfigs, int timeout_ms, sl_err_detail *err)
{
        char errstr[512];
        sl_err rc = SL_OK;
        rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, partitions, replication, errstr, sizeof errstr);
        if (!nt)
                return sl_err_set(err, SL_ERR_INVALID, "create topic %s: %s", topic, errstr);
        for (size_t i = 0; i < nconfigs; i++) {
                rd_kafka_resp_err_t rerr = rd_kafka_NewTopic_set_config(nt, configs[2 * i], configs[2 * i + 1]);
                if (rerr) {
                        rd_kafka_NewTopic_destroy(nt);
                        return sl_kafka_err_set(err, rerr, "create topic config");
                }
        }
        rd_kafka_queue_t *q = rd_kafka_queue_new(admin->rk);
        rd_kafka_AdminOptions_t *opts = make_options(admin, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_ms);
        rd_kafka_CreateTopics(admin->rk, &nt, 1, opts, q);
        rd_kafka_event_t *ev = wait_result(q, RD_KAFKA_EVENT_CREATETOPICS_RESULT, timeout_ms);
        if (!ev) {
                rc = sl_err_set(err, SL_ERR_TIMEOUT, "create topic %s: timed out", topic);
                goto done;
        }
        if (rd_kafka_event_error(ev)) {
                rc = sl_err_set(err, sl_kafka_err_code(rd_kafka_event_error(ev)), "create topic %s: %s", topic,
                                rd_kafka_event_error_string(ev));
        } else {
                size_t cnt;
                const rd_kafka_topic_result_t **res =
                        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
                for (size_t i = 0; rc == SL_OK && i < cnt; i++)
                        rc = topic_result_err(res[i], "create topic", err);
        }
        rd_kafka_event_destroy(ev);
done:
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_queue_destroy(q);
        rd_kafka_NewTopic_destroy(nt);
        return rc;
}

sl_err sl_kafka_admin_delete_topic(sl_kafka_admin *admin, const char *topic, int timeout_ms, sl_err_detail *err)
{
        sl_err rc = SL_OK;
        rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(topic);
        rd_kafka_queue_t *q = rd_kafka_queue_new(admin->rk);
        rd_kafka_AdminOptions_t *opts = make_options(admin, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout_ms);
        rd_kafka_DeleteTopics(admin->rk, &dt, 1, opts, q);
        rd_kafka_event_t *ev = wait_result(q, RD_KAFKA_EVENT_DELETETOPICS_RESULT, timeout_ms);
        if (!ev) {
                rc = sl_err_set(err, SL_ERR_TIMEOUT, "delete topic %s: timed out", topic);
                goto done;
        }
        if (rd_kafka_event_error(ev)) {
                rc = sl_err_set(err, sl_kafka_err_code(rd_kafka_event_error(ev)), "delete topic %s: %s", topic,
                                rd_kafka_event_error_string(ev));
        } else {
                size_t cnt;
                const rd_kafka_topic_result_t **res =
                        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &cnt);
                for (size_t i = 0; rc == SL_OK && i < cnt; i++)
                        rc = topic_result_err(res[i], "delete topic", err);
        }
        rd_kafka_event_destroy(ev);
done:
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_queue_destroy(q);
        rd_kafka_DeleteTopic_destroy(dt);
        return rc;
}

static void fill_topic(sl_arena *arena, const rd_kafka_metadata_topic_t *t, sl_kafka_topic_info *out)
{
        out->name = sl_arena_strdup(arena, t->topic);
        out->npartitions = t->partition_cnt;
        out->replication = t->partition_cnt > 0 ? t->partitions[0].replica_cnt : 0;
        int32_t *leaders = sl_arena_calloc(arena, (size_t)t->partition_cnt + 1, sizeof *leaders);
        for (int i = 0; i < t->partition_cnt; i++) {
                int id = t->partitions[i].id;
                if (id >= 0 && id < t->partition_cnt)
                        leaders[id] = t->partitions[i].leader;
        }
        out->leaders = leaders;
}

sl_err sl_kafka_admin_describe_topic(sl_kafka_admin *admin, const char *topic, sl_arena *arena,
                                     sl_kafka_topic_info *out, int timeout_ms, sl_err_detail *err)
{
        /* a topic handle asks for this topic only; allow.auto.create.topics=false keeps the
         * request from creating it */
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(admin->rk, topic, NULL);
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t rerr = rd_kafka_metadata(admin->rk, 0, rkt, &md, timeout_ms);
        sl_err rc = SL_OK;
        if (rerr) {
                rc = sl_kafka_err_set(err, rerr, "describe topic");
        } else if (md->topic_cnt < 1 || md->topics[0].err) {
                rd_kafka_resp_err_t terr = md->topic_cnt < 1 ? RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART : md->topics[0].err;
                rc = sl_err_set(err, sl_kafka_err_code(terr), "describe topic %s: %s", topic, rd_kafka_err2str(terr));
        } else {
                fill_topic(arena, &md->topics[0], out);
        }
        if (md)
                rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
        return rc;
}

static int topic_cmp(const void *a, const void *b)
{
        return strcmp(((const sl_kafka_topic_info *)a)->name, ((const sl_kafka_topic_info *)b)->name);
}

sl_err sl_kafka_admin_list_topics(sl_kafka_admin *admin, bool include_internal, sl_arena *arena,
                                  sl_kafka_topic_info **out, size_t *n, int timeout_ms, sl_err_detail *err)
{
        const struct rd_kafka_metadata *md = NULL;
        *out = NULL;
        *n = 0;
        rd_kafka_resp_err_t rerr = rd_kafka_metadata(admin->rk, 1, NULL, &md, timeout_ms);
        if (rerr)
                return sl_kafka_err_set(err, rerr, "list topics");
        sl_kafka_topic_info *list = sl_arena_calloc(arena, (size_t)md->topic_cnt + 1, sizeof *list);
        size_t k = 0;
        for (int i = 0; i < md->topic_cnt; i++) {
                const rd_kafka_metadata_topic_t *t = &md->topics[i];
                if (t->err || (!include_internal && t->topic[0] == '_'))
                        continue;
                fill_topic(arena, t, &list[k++]);
        }
        rd_kafka_metadata_destroy(md);
        qsort(list, k, sizeof *list, topic_cmp);
        *out = list;
        *n = k;
        return SL_OK;
}

sl_err sl_kafka_admin_topic_configs(sl_kafka_admin *admin, const char *topic, sl_arena *arena,
                                    sl_kafka_config_entry **out, size_t *n, int timeout_ms, sl_err_detail *err)
{
        sl_err rc = SL_OK;
        *out = NULL;
        *n = 0;
        rd_kafka_ConfigResource_t *res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
        rd_kafka_queue_t *q = rd_kafka_queue_new(admin->rk);
        rd_kafka_AdminOptions_t *opts = make_options(admin, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout_ms);
        rd_kafka_DescribeConfigs(admin->rk, &res, 1, opts, q);
        rd_kafka_event_t *ev = wait_result(q, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, timeout_ms);
        if (!ev) {
                rc = sl_err_set(err, SL_ERR_TIMEOUT, "describe configs of %s: timed out", topic);
                goto done;
        }
        if (rd_kafka_event_error(ev)) {
                rc = sl_err_set(err, sl_kafka_err_code(rd_kafka_event_error(ev)), "describe configs of %s: %s", topic,
                                rd_kafka_event_error_string(ev));
                goto done_ev;
        }
        size_t rcnt;
        const rd_kafka_ConfigResource_t **rs =
                rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &rcnt);
        if (rcnt < 1) {
                rc = sl_err_set(err, SL_ERR_IO, "describe configs of %s: empty result", topic);
                goto done_ev;
        }
        if (rd_kafka_ConfigResource_error(rs[0])) {
                rd_kafka_resp_err_t rerr = rd_kafka_ConfigResource_error(rs[0]);
                const char *msg = rd_kafka_ConfigResource_error_string(rs[0]);
                rc = sl_err_set(err, sl_kafka_err_code(rerr), "describe configs of %s: %s", topic,
                                msg && *msg ? msg : rd_kafka_err2str(rerr));
                goto done_ev;
        }
        size_t cnt;
        const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(rs[0], &cnt);
        sl_kafka_config_entry *list = sl_arena_calloc(arena, cnt + 1, sizeof *list);
        for (size_t i = 0; i < cnt; i++) {
                const char *v = rd_kafka_ConfigEntry_value(entries[i]);
                list[i].name = sl_arena_strdup(arena, rd_kafka_ConfigEntry_name(entries[i]));
                list[i].value = v ? sl_arena_strdup(arena, v) : NULL;
                list[i].is_default = rd_kafka_ConfigEntry_is_default(entries[i]) != 0;
        }
        *out = list;
        *n = cnt;
done_ev:
        rd_kafka_event_destroy(ev);
done:
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_queue_destroy(q);
        rd_kafka_ConfigResource_destroy(res);
        return rc;
}
