/* consumer.c: the consumer wrapper. Batches come from rd_kafka_consume_batch_queue on the
 * consumer queue; each sl_kafka_msg points into the rd_kafka_message_t kept in batch->raw, so a
 * record is never copied before the deserializer reads it. */
#include "kafka/consumer.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"
#include "kafka/kafka_int.h"

struct sl_kafka_consumer {
        rd_kafka_t *rk;                     /* the librdkafka handle, owned */
        rd_kafka_queue_t *queue;            /* its consumer queue, owned reference */
        bool subscribed;                    /* close leaves the group */
        sl_kafka_rebalance_fn on_rebalance; /* may be NULL */
        void *rebalance_opaque;             /* passed to on_rebalance */
};

/* Calls the user's hook with `list` as sl_kafka_tpo (topics borrowed from the list). */
static void notify(sl_kafka_consumer *c, bool assigned, const rd_kafka_topic_partition_list_t *list)
{
        if (!c->on_rebalance)
                return;
        size_t n = list ? (size_t)list->cnt : 0;
        sl_kafka_tpo *parts = sl_calloc(n + 1, sizeof *parts);
        for (size_t i = 0; i < n; i++)
                parts[i] = (sl_kafka_tpo){list->elems[i].topic, list->elems[i].partition, list->elems[i].offset};
        c->on_rebalance(c->rebalance_opaque, assigned, parts, n);
        sl_free(parts);
}

/* librdkafka's rebalance callback: tell the engine, then take or give up the partitions, with
 * the incremental calls under a cooperative assignor. */
static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t rerr, rd_kafka_topic_partition_list_t *parts,
                         void *opaque)
{
        sl_kafka_consumer *c = opaque;
        bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
        if (rerr == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                notify(c, true, parts);
                if (cooperative) {
                        rd_kafka_error_t *e = rd_kafka_incremental_assign(rk, parts);
                        if (e) {
                                SL_LOG_WARN("kafka", "incremental assign: %s", rd_kafka_error_string(e));
                                rd_kafka_error_destroy(e);
                        }
                } else {
                        rd_kafka_assign(rk, parts);
                }
        } else {
                notify(c, false, parts);
                if (cooperative) {
                        rd_kafka_error_t *e = rd_kafka_incremental_unassign(rk, parts);
                        if (e) {
                                SL_LOG_WARN("kafka", "incremental unassign: %s", rd_kafka_error_string(e));
                                rd_kafka_error_destroy(e);
                        }
                } else {
                        rd_kafka_assign(rk, NULL);
                }
        }
}

static const char *const consumer_defaults[] = {
        "enable.auto.commit", "false",
        "enable.auto.offset.store", "false",
        "enable.partition.eof", "false",
        "auto.offset.reset", "earliest",
        NULL,
};

void sl_kafka_batch_init(sl_kafka_batch *batch)
{
        memset(batch, 0, sizeof *batch);
        sl_arena_init(&batch->arena, 0);
}

void sl_kafka_batch_reset(sl_kafka_batch *batch)
{
        for (size_t i = 0; i < batch->len; i++)
                rd_kafka_message_destroy(batch->raw[i]);
        batch->len = 0;
        sl_arena_reset(&batch->arena);
}

void sl_kafka_batch_deinit(sl_kafka_batch *batch)
{
        sl_kafka_batch_reset(batch);
        sl_free(batch->msgs);
        sl_free(batch->raw);
        sl_arena_deinit(&batch->arena);
        memset(batch, 0, sizeof *batch);
}

sl_err sl_kafka_consumer_new(const sl_kafka_conf *conf, sl_kafka_consumer **out, sl_err_detail *err)
{
        return sl_kafka_consumer_new_rebalance(conf, NULL, NULL, out, err);
}

sl_err sl_kafka_consumer_new_rebalance(const sl_kafka_conf *conf, sl_kafka_rebalance_fn on_rebalance, void *opaque,
                                       sl_kafka_consumer **out, sl_err_detail *err)
{
        char errstr[512];
        *out = NULL;
        rd_kafka_conf_t *rconf = sl_kafka_conf_build(conf, consumer_defaults, err);
        if (!rconf)
                return SL_ERR_INVALID;
        if (!conf || !sl_kafka_conf_get(conf, "group.id")) {
                /* librdkafka's consumer needs a group even to assign partitions by hand */
                static int seq;
                char gid[96];
                snprintf(gid, sizeof gid, "_sluice_nogroup_%d_%d", (int)getpid(), __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
                rd_kafka_conf_set(rconf, "group.id", gid, errstr, sizeof errstr);
        }
        sl_kafka_consumer *c = sl_calloc(1, sizeof *c);
        c->on_rebalance = on_rebalance;
        c->rebalance_opaque = opaque;
        rd_kafka_conf_set_opaque(rconf, c);
        if (on_rebalance)
                rd_kafka_conf_set_rebalance_cb(rconf, rebalance_cb);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, rconf, errstr, sizeof errstr);
        if (!rk) {
                rd_kafka_conf_destroy(rconf);
                sl_free(c);
                return sl_err_set(err, SL_ERR_INVALID, "cannot create Kafka consumer: %s", errstr);
        }
        /* rconf now belongs to rk; route every event of the main queue to the consumer queue */
        rd_kafka_poll_set_consumer(rk);
        c->rk = rk;
        c->queue = rd_kafka_queue_get_consumer(rk);
        *out = c;
        return SL_OK;
}

void sl_kafka_consumer_free(sl_kafka_consumer *consumer)
{
        if (!consumer)
                return;
        rd_kafka_resp_err_t rerr = rd_kafka_consumer_close(consumer->rk);
        if (rerr)
                SL_LOG_WARN("kafka", "consumer close: %s", rd_kafka_err2str(rerr));
        if (consumer->queue)
                rd_kafka_queue_destroy(consumer->queue);
        rd_kafka_destroy(consumer->rk);
        sl_free(consumer);
}

sl_err sl_kafka_consumer_subscribe(sl_kafka_consumer *consumer, const char *const *topics, size_t n,
                                   sl_err_detail *err)
{
        rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)n);
        for (size_t i = 0; i < n; i++)
                rd_kafka_topic_partition_list_add(list, topics[i], RD_KAFKA_PARTITION_UA);
        rd_kafka_resp_err_t rerr = rd_kafka_subscribe(consumer->rk, list);
        rd_kafka_topic_partition_list_destroy(list);
        if (rerr)
                return sl_kafka_err_set(err, rerr, "subscribe");
        consumer->subscribed = true;
        return SL_OK;
}

sl_err sl_kafka_consumer_assign(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n, sl_err_detail *err)
{
        rd_kafka_topic_partition_list_t *list = n ? sl_kafka_tpo_to_list(parts, n) : NULL;
        rd_kafka_resp_err_t rerr = rd_kafka_assign(consumer->rk, list);
        if (list)
                rd_kafka_topic_partition_list_destroy(list);
        return rerr ? sl_kafka_err_set(err, rerr, "assign") : SL_OK;
}

static void batch_grow(sl_kafka_batch *batch, size_t need)
{
        if (need <= batch->cap)
                return;
        size_t cap = batch->cap ? batch->cap : 64;
        while (cap < need)
                cap *= 2;
        batch->msgs = sl_realloc(batch->msgs, cap * sizeof *batch->msgs);
        batch->raw = sl_realloc(batch->raw, cap * sizeof *batch->raw);
        batch->cap = cap;
}

/* Fills `msg` from librdkafka's message `m` (borrowing). */
static void fill_msg(sl_kafka_batch *batch, sl_kafka_msg *msg, rd_kafka_message_t *m)
{
        rd_kafka_timestamp_type_t tstype;
        msg->topic = rd_kafka_topic_name(m->rkt);
        msg->partition = m->partition;
        msg->offset = m->offset;
        msg->timestamp = rd_kafka_message_timestamp(m, &tstype);
        if (tstype == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE)
                msg->timestamp = -1;
        msg->key = SL_SLICE(m->key, m->key ? m->key_len : 0);
        msg->value = SL_SLICE(m->payload, m->payload ? m->len : 0);
        msg->headers = NULL;
        msg->nheaders = 0;
        rd_kafka_headers_t *hdrs = NULL;
        if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs) {
                size_t n = rd_kafka_header_cnt(hdrs);
                sl_kafka_header *h = sl_arena_alloc(&batch->arena, (n ? n : 1) * sizeof *h);
                for (size_t i = 0; i < n; i++) {
                        const char *name;
                        const void *val;
                        size_t size;
                        if (rd_kafka_header_get_all(hdrs, i, &name, &val, &size) != RD_KAFKA_RESP_ERR_NO_ERROR)
                                break;
                        h[i].key = name;
                        h[i].value = SL_SLICE(val, val ? size : 0);
                        msg->nheaders = i + 1;
                }
                msg->headers = h;
        }
}

sl_err sl_kafka_consumer_poll(sl_kafka_consumer *consumer, sl_kafka_batch *batch, size_t max, int timeout_ms,
                              sl_err_detail *err)
{
        sl_kafka_batch_reset(batch);
        if (max == 0)
                return SL_OK;
        batch_grow(batch, max);
        rd_kafka_message_t **ms = (rd_kafka_message_t **)batch->raw;
        ssize_t got = rd_kafka_consume_batch_queue(consumer->queue, timeout_ms, ms, max);
        if (got < 0)
                return sl_kafka_err_set(err, rd_kafka_last_error(), "poll");
        sl_err rc = SL_OK;
        size_t kept = 0;
        for (ssize_t i = 0; i < got; i++) {
                rd_kafka_message_t *m = ms[i];
                if (m->err) {
                        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                                if (rc == SL_OK) {
                                        char what[256];
                                        snprintf(what, sizeof what, "consume from %s [%d]",
                                                 m->rkt ? rd_kafka_topic_name(m->rkt) : "?", (int)m->partition);
                                        rc = sl_kafka_err_set(err, m->err, what);
                                }
                                SL_LOG_WARN("kafka", "consumer: %s", rd_kafka_message_errstr(m));
                        }
                        rd_kafka_message_destroy(m);
                        continue;
                }
                ms[kept] = m;
                fill_msg(batch, &batch->msgs[kept], m);
                kept++;
        }
        batch->len = kept;
        return kept ? SL_OK : rc;
}

sl_err sl_kafka_consumer_commit(sl_kafka_consumer *consumer, const sl_kafka_tpo *offsets, size_t n,
                                sl_err_detail *err)
{
        if (n == 0)
                return SL_OK;
        rd_kafka_topic_partition_list_t *list = sl_kafka_tpo_to_list(offsets, n);
        rd_kafka_resp_err_t rerr = rd_kafka_commit(consumer->rk, list, 0);
        sl_err rc = rerr ? sl_kafka_err_set(err, rerr, "commit") : SL_OK;
        for (int i = 0; rc == SL_OK && i < list->cnt; i++)
                if (list->elems[i].err)
                        rc = sl_kafka_err_set(err, list->elems[i].err, "commit");
        rd_kafka_topic_partition_list_destroy(list);
        return rc;
}

sl_err sl_kafka_consumer_committed(sl_kafka_consumer *consumer, sl_kafka_tpo *parts, size_t n, int timeout_ms,
                                   sl_err_detail *err)
{
        if (n == 0)
                return SL_OK;
        rd_kafka_topic_partition_list_t *list = sl_kafka_tpo_to_list(parts, n);
        rd_kafka_resp_err_t rerr = rd_kafka_committed(consumer->rk, list, timeout_ms);
        sl_err rc = rerr ? sl_kafka_err_set(err, rerr, "committed offsets") : SL_OK;
        for (size_t i = 0; rc == SL_OK && i < n; i++) {
                rd_kafka_topic_partition_t *tp = &list->elems[i];
                if (tp->err)
                        rc = sl_kafka_err_set(err, tp->err, "committed offsets");
                parts[i].offset = tp->offset < 0 ? SL_KAFKA_OFFSET_INVALID : tp->offset;
        }
        rd_kafka_topic_partition_list_destroy(list);
        return rc;
}

sl_err sl_kafka_consumer_assignment(sl_kafka_consumer *consumer, sl_arena *arena, sl_kafka_tpo **parts, size_t *n,
                                    sl_err_detail *err)
{
        rd_kafka_topic_partition_list_t *list = NULL;
        rd_kafka_resp_err_t rerr = rd_kafka_assignment(consumer->rk, &list);
        *parts = NULL;
        *n = 0;
        if (rerr)
                return sl_kafka_err_set(err, rerr, "assignment");
        sl_kafka_tpo *p = sl_arena_calloc(arena, (size_t)list->cnt + 1, sizeof *p);
        for (int i = 0; i < list->cnt; i++) {
                p[i].topic = sl_arena_strdup(arena, list->elems[i].topic);
                p[i].partition = list->elems[i].partition;
                p[i].offset = list->elems[i].offset;
        }
        *parts = p;
        *n = (size_t)list->cnt;
        rd_kafka_topic_partition_list_destroy(list);
        return SL_OK;
}

sl_err sl_kafka_consumer_watermarks(sl_kafka_consumer *consumer, const char *topic, int32_t partition, int64_t *low,
                                    int64_t *high, int timeout_ms, sl_err_detail *err)
{
        rd_kafka_resp_err_t rerr = rd_kafka_query_watermark_offsets(consumer->rk, topic, partition, low, high,
                                                                     timeout_ms);
        return rerr ? sl_kafka_err_set(err, rerr, "watermarks") : SL_OK;
}

sl_err sl_kafka_consumer_seek(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n, int timeout_ms,
                              sl_err_detail *err)
{
        if (n == 0)
                return SL_OK;
        rd_kafka_topic_partition_list_t *list = sl_kafka_tpo_to_list(parts, n);
        rd_kafka_error_t *e = rd_kafka_seek_partitions(consumer->rk, list, timeout_ms);
        sl_err rc = SL_OK;
        if (e) {
                rc = sl_kafka_err_set(err, rd_kafka_error_code(e), "seek");
                rd_kafka_error_destroy(e);
        }
        for (int i = 0; rc == SL_OK && i < list->cnt; i++)
                if (list->elems[i].err)
                        rc = sl_kafka_err_set(err, list->elems[i].err, "seek");
        rd_kafka_topic_partition_list_destroy(list);
        return rc;
}

static sl_err pause_resume(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n, bool pause,
                           sl_err_detail *err)
{
        if (n == 0)
                return SL_OK;
        rd_kafka_topic_partition_list_t *list = sl_kafka_tpo_to_list(parts, n);
        rd_kafka_resp_err_t rerr = pause ? rd_kafka_pause_partitions(consumer->rk, list)
                                         : rd_kafka_resume_partitions(consumer->rk, list);
        sl_err rc = rerr ? sl_kafka_err_set(err, rerr, pause ? "pause" : "resume") : SL_OK;
        rd_kafka_topic_partition_list_destroy(list);
        return rc;
}

sl_err sl_kafka_consumer_pause(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n, sl_err_detail *err)
{
        return pause_resume(consumer, parts, n, true, err);
}

sl_err sl_kafka_consumer_resume(sl_kafka_consumer *consumer, const sl_kafka_tpo *parts, size_t n, sl_err_detail *err)
{
        return pause_resume(consumer, parts, n, false, err);
}
