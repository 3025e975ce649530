/* test_conn.c: the request dispatcher on a virtual connection (no socket): ApiVersions answers,
 * unsupported versions answered as the protocol prescribes, unknown keys and malformed frames
 * close the connection, a corrupt batch is refused with CORRUPT_MESSAGE and not stored, and
 * responses stay in request order. */
#include "batch_util.h"

static char dir[256];

static void teardown(void)
{
        if (dir[0])
                test_rmdir(dir);
        dir[0] = 0;
}

static void header(sl_buf *b, int16_t key, int16_t version, int32_t corr)
{
        sl_buf_reset(b);
        sl_wr_i16(b, key);
        sl_wr_i16(b, version);
        sl_wr_i32(b, corr);
        sl_wr_str(b, "test");
}

/* The n-th queued response (memory chunks only), without its size prefix. */
static sl_slice response(sl_broker_conn *conn, int n)
{
        sl_broker_resp *r = conn->out_head;
        while (n-- > 0 && r)
                r = r->next;
        cr_assert_not_null(r);
        cr_assert(r->ready);
        cr_assert_eq(sl_load_be32(r->head->data), r->total - 4);
        return SL_SLICE(r->head->data + 4, r->head->len - 4);
}

Test(broker_conn, apiversions_and_bad_requests, .fini = teardown)
{
        sl_broker *broker = test_broker(dir, sizeof dir, NULL);
        sl_broker_conn *conn = sl_broker_conn_new(broker, -1, NULL);
        sl_buf b;
        sl_buf_init(&b);
        header(&b, ApiKey_ApiVersions, 0, 11);
        cr_assert(sl_broker_conn_handle_frame(conn, b.data, b.len));
        sl_slice r = response(conn, 0);
        cr_assert_eq(sl_load_be32(r.ptr), 11);
        cr_assert_eq(sl_load_be16(r.ptr + 4), 0);
        int32_t n = (int32_t)sl_load_be32(r.ptr + 6);
        cr_assert_eq(n, 18, "18 APIs advertised, got %d", n);
        cr_assert_eq(r.len, 4 + 2 + 4 + (size_t)n * 6);
        /* ApiVersions above our max: error 35 in the v0 layout with our range for key 18 */
        header(&b, ApiKey_ApiVersions, 4, 12);
        sl_buf_append(&b, "\x00\x00\x00", 3); /* tagged fields etc.: not parsed */
        cr_assert(sl_broker_conn_handle_frame(conn, b.data, b.len));
        r = response(conn, 1);
        cr_assert_eq(sl_load_be32(r.ptr), 12);
        cr_assert_eq(sl_load_be16(r.ptr + 4), ErrorCode_UNSUPPORTED_VERSION);
        cr_assert_eq(sl_load_be32(r.ptr + 6), 1);
        cr_assert_eq(sl_load_be16(r.ptr + 10), ApiKey_ApiVersions);
        /* unknown key, unsupported version of another API, truncated frames: close */
        header(&b, 99, 0, 13);
        cr_assert(!sl_broker_conn_handle_frame(conn, b.data, b.len));
        header(&b, ApiKey_Fetch, 3, 14);
        cr_assert(!sl_broker_conn_handle_frame(conn, b.data, b.len));
        header(&b, ApiKey_Metadata, 4, 15);
        sl_wr_i32(&b, 3); /* three topics, none present */
        cr_assert(!sl_broker_conn_handle_frame(conn, b.data, b.len));
        cr_assert(!sl_broker_conn_handle_frame(conn, b.data, 5));
        cr_assert_eq(conn->nresp, 2, "closed requests leave no response behind");
        sl_broker_conn_free(conn);
        sl_buf_deinit(&b);
        sl_broker_free(broker);
}

/* A test broker (*broker) with the one-partition topic `topic`, a connection to it, and an empty
 * buffer `req` for the requests (caller deinits). */
static sl_broker_conn *conn_on_topic(sl_broker **broker, const char *topic, sl_buf *req)
{
        char msg[256];

        sl_buf_init(req);
        *broker = test_broker(dir, sizeof dir, NULL);
        cr_assert_eq(sl_broker_topic_create(*broker, topic, 1, NULL, msg, sizeof msg), ErrorCode_NONE, "%s", msg);
        return sl_broker_conn_new(*broker, -1, NULL);
}

/* `batches` (initialised here): `n` batches of one record k=v, the first with base timestamp `first`. */
static void kv_batches(sl_buf *batches, int first, int n)
{
        test_rec rec = {"k", "v", 0};

        sl_buf_init(batches);
        for (int i = 0; i < n; i++)
                test_batch(batches, first + i, &rec, 1, -1, -1, -1);
}

/* A Produce v7 request (correlation id `corr`, acks 1) of the record batches `batches` for
 * partition 0 of `topic`, written to `b` after its header. */
static void produce_request(sl_buf *b, int32_t corr, const char *topic, const sl_buf *batches)
{
        header(b, ApiKey_Produce, 7, corr);
        sl_wr_str(b, NULL);
        sl_wr_i16(b, 1);
        sl_wr_i32(b, 1000);
        sl_wr_i32(b, 1);
        sl_wr_str(b, topic);
        sl_wr_i32(b, 1);
        sl_wr_i32(b, 0);
        sl_wr_bytes(b, batches->data, batches->len, false);
}

Test(broker_conn, corrupt_batches_are_refused, .fini = teardown)
{
        sl_buf batch, b;
        sl_broker *broker;
        sl_broker_conn *conn = conn_on_topic(&broker, "p", &b);
        kv_batches(&batch, 1, 1);
        for (int corrupt = 0; corrupt < 2; corrupt++) {
                if (corrupt)
                        batch.data[batch.len - 1] ^= 0xff;
                produce_request(&b, 20 + corrupt, "p", &batch);
                cr_assert(sl_broker_conn_handle_frame(conn, b.data, b.len));
                sl_slice r = response(conn, corrupt);
                /* corr, topics[1], "p", parts[1], index, error, base_offset, ... */
                const uint8_t *p = r.ptr + 4 + 4 + 2 + 1 + 4 + 4;
                cr_assert_eq((int16_t)sl_load_be16(p), corrupt ? ErrorCode_CORRUPT_MESSAGE : ErrorCode_NONE);
                cr_assert_eq((int64_t)sl_load_be64(p + 2), corrupt ? -1 : 0);
        }
        cr_assert_eq(sl_broker_topic_find(broker, "p", 1)->parts[0]->end_offset, 1, "the corrupt batch was not stored");
        sl_broker_conn_free(conn);
        sl_buf_deinit(&batch);
        sl_buf_deinit(&b);
        sl_broker_free(broker);
}

Test(broker_conn, many_batches_in_one_produce, .fini = teardown)
{
        sl_buf batches, b;
        sl_broker *broker;
        sl_broker_conn *conn = conn_on_topic(&broker, "m", &b);
        kv_batches(&batches, 0, 3000);
        produce_request(&b, 30, "m", &batches);
        cr_assert(sl_broker_conn_handle_frame(conn, b.data, b.len));
        sl_broker_log *log = sl_broker_topic_find(broker, "m", 1)->parts[0];
        cr_assert_eq(log->end_offset, 3000);
        test_out *out = sl_calloc(3000, sizeof *out);
        cr_assert_eq(test_read_all(log, out, 3000), 3000);
        cr_assert_eq(out[2999].offset, 2999);
        sl_free(out);
        sl_broker_conn_free(conn);
        sl_buf_deinit(&batches);
        sl_buf_deinit(&b);
        sl_broker_free(broker);
}

Test(broker_conn, fault_hook_per_api_key, .fini = teardown)
{
        sl_broker *broker = test_broker(dir, sizeof dir, "broker.test.fault.close.after.apiversions=2\n");
        sl_broker_conn *conn = sl_broker_conn_new(broker, -1, NULL);
        sl_buf b;
        sl_buf_init(&b);
        header(&b, ApiKey_ApiVersions, 1, 1);
        cr_assert(sl_broker_conn_handle_frame(conn, b.data, b.len));
        cr_assert(!sl_broker_conn_handle_frame(conn, b.data, b.len), "every 2nd ApiVersions drops the connection");
        cr_assert(sl_broker_conn_handle_frame(conn, b.data, b.len));
        header(&b, ApiKey_Metadata, 1, 2);
        sl_wr_i32(&b, 0);
        cr_assert(sl_broker_conn_handle_frame(conn, b.data, b.len), "other keys are not affected");
        cr_assert(sl_broker_conn_handle_frame(conn, b.data, b.len));
        sl_broker_conn_free(conn);
        sl_buf_deinit(&b);
        sl_broker_free(broker);
}
