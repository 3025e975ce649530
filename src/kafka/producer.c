/* producer.c: the producer wrapper. Delivery reports are librdkafka's dr_msg_cb, which librdkafka
 * calls from rd_kafka_poll/rd_kafka_flush on the caller's thread; the wrapper turns them into
 * sl_kafka_delivery and counts them. */
#include "kafka/producer.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/mem.h"
#include "kafka/kafka_int.h"

struct sl_kafka_producer {
        rd_kafka_t *rk;                   /* owned */
        sl_kafka_delivery_fn on_delivery; /* may be NULL */
        void *opaque;                     /* passed to on_delivery */
        uint64_t delivered;               /* successful reports */
        uint64_t failed;                  /* failed reports */
};

static const char *const producer_defaults[] = {
        "partitioner", "murmur2_random",
        "linger.ms", "5",
        "enable.idempotence", "false",
        NULL,
};

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
        (void)rk;
        sl_kafka_producer *p = opaque;
        if (m->err)
                p->failed++;
        else
                p->delivered++;
        if (!p->on_delivery)
                return;
        sl_kafka_delivery d = {
                .topic = m->rkt ? rd_kafka_topic_name(m->rkt) : "",
                .partition = m->partition,
                .offset = m->err ? -1 : m->offset,
                .err = sl_kafka_err_code(m->err),
                .errstr = m->err ? rd_kafka_err2str(m->err) : "",
                .msg_opaque = m->_private,
        };
        p->on_delivery(p->opaque, &d);
}

sl_err sl_kafka_producer_new(const sl_kafka_conf *conf, sl_kafka_delivery_fn on_delivery, void *opaque,
                             sl_kafka_producer **out, sl_err_detail *err)
{
        char errstr[512];
        *out = NULL;
        rd_kafka_conf_t *rconf = sl_kafka_conf_build(conf, producer_defaults, err);
        if (!rconf)
                return SL_ERR_INVALID;
        sl_kafka_producer *p = sl_calloc(1, sizeof *p);
        p->on_delivery = on_delivery;
        p->opaque = opaque;
        rd_kafka_conf_set_dr_msg_cb(rconf, dr_msg_cb);
        rd_kafka_conf_set_opaque(rconf, p);
        p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, rconf, errstr, sizeof errstr);
        if (!p->rk) {
                rd_kafka_conf_destroy(rconf);
                sl_free(p);
                return sl_err_set(err, SL_ERR_INVALID, "cannot create Kafka producer: %s", errstr);
        }
        *out = p;
        return SL_OK;
}

void sl_kafka_producer_free(sl_kafka_producer *producer, int flush_timeout_ms)
{
        if (!producer)
                return;
        rd_kafka_flush(producer->rk, flush_timeout_ms);
        int left = rd_kafka_outq_len(producer->rk);
        if (left > 0) {
                SL_LOG_WARN("kafka", "producer closed with %d records undelivered", left);
                rd_kafka_purge(producer->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
                rd_kafka_poll(producer->rk, 0);
        }
        rd_kafka_destroy(producer->rk);
        sl_free(producer);
}

sl_err sl_kafka_producer_send(sl_kafka_producer *producer, const char *topic, int32_t partition, sl_slice key,
                              sl_slice value, const sl_kafka_header *headers, size_t nheaders, int64_t timestamp_ms,
                              void *msg_opaque, sl_err_detail *err)
{
        rd_kafka_headers_t *hdrs = NULL;
        if (nheaders) {
                hdrs = rd_kafka_headers_new(nheaders);
                for (size_t i = 0; i < nheaders; i++)
                        rd_kafka_header_add(hdrs, headers[i].key, -1, headers[i].value.ptr,
                                            headers[i].value.ptr ? (ssize_t)headers[i].value.len : 0);
        }
        for (int tries = 0;; tries++) {
                rd_kafka_resp_err_t rerr = rd_kafka_producev(
                        producer->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                        RD_KAFKA_V_KEY(key.ptr ? key.ptr : NULL, key.ptr ? key.len : 0),
                        RD_KAFKA_V_VALUE(value.ptr ? (void *)value.ptr : NULL, value.ptr ? value.len : 0),
                        RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_OPAQUE(msg_opaque),
                        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
                if (rerr == RD_KAFKA_RESP_ERR_NO_ERROR)
                        return SL_OK;  /* hdrs now belong to the message */
                if (rerr != RD_KAFKA_RESP_ERR__QUEUE_FULL || tries >= 1000) {
                        if (hdrs)
                                rd_kafka_headers_destroy(hdrs);
                        char what[300];
                        snprintf(what, sizeof what, "produce to %s", topic);
                        return sl_kafka_err_set(err, rerr, what);
                }
                rd_kafka_poll(producer->rk, 10);
        }
}

int sl_kafka_producer_poll(sl_kafka_producer *producer, int timeout_ms)
{
        return rd_kafka_poll(producer->rk, timeout_ms);
}

sl_err sl_kafka_producer_flush(sl_kafka_producer *producer, int timeout_ms, sl_err_detail *err)
{
        rd_kafka_resp_err_t rerr = rd_kafka_flush(producer->rk, timeout_ms);
        if (rerr == RD_KAFKA_RESP_ERR__TIMED_OUT)
                return sl_err_set(err, SL_ERR_TIMEOUT, "flush timed out with %d records outstanding",
                                  rd_kafka_outq_len(producer->rk));
        return rerr ? sl_kafka_err_set(err, rerr, "flush") : SL_OK;
}

size_t sl_kafka_producer_outstanding(const sl_kafka_producer *producer)
{
        int n = rd_kafka_outq_len(producer->rk);
        return n > 0 ? (size_t)n : 0;
}

void sl_kafka_producer_stats(const sl_kafka_producer *producer, uint64_t *delivered, uint64_t *failed)
{
        *delivered = producer->delivered;
        *failed = producer->failed;
}
