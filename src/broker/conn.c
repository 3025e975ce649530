/* conn.c: one client connection. Frames are read into `in`, each complete frame is decoded far
 * enough to find its ApiKey, version and correlation id, and handed to that API's handler. Every
 * request gets a response slot at once, in arrival order; a handler may park its request (long-poll
 * Fetch, acks=all Produce waiting for its fsync, JoinGroup waiting for the rebalance) and fill the
 * slot later, but slots are written strictly in order, as clients require. Stored batches go out
 * with sendfile(2) as file chunks. A connection that queues too much stops being read until its
 * client catches up, so a slow reader costs its own memory only. */
#include "broker/broker_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/time.h"

#define MAX_QUEUED_RESPONSES 1024            /* stop reading past this many open slots */
#define MAX_QUEUED_BYTES (64 * 1024 * 1024)  /* ... or this many bytes waiting to be sent */

sl_broker_conn *sl_broker_conn_new(sl_broker *broker, int fd, const char *peer)
{
        sl_broker_conn *conn = sl_calloc(1, sizeof *conn);
        conn->broker = broker;
        conn->fd = fd;
        snprintf(conn->peer, sizeof conn->peer, "%s", peer ? peer : "local");
        sl_buf_init(&conn->in);
        return conn;
}

static void chunk_free(sl_broker_chunk *c)
{
        if (c->fd >= 0)
                close(c->fd);
        sl_free(c->data);
        sl_free(c);
}

static void resp_free(sl_broker_resp *resp)
{
        sl_broker_chunk *c = resp->head;
        while (c) {
                sl_broker_chunk *n = c->next;
                chunk_free(c);
                c = n;
        }
        sl_buf_deinit(&resp->cur);
        sl_free(resp);
}

static void req_free(sl_broker_req *req)
{
        sl_free(req->client_id);
        sl_free(req);
}

static void unpark(sl_broker_req *req)
{
        sl_broker_conn *conn = req->conn;
        if (req->pprev)
                req->pprev->pnext = req->pnext;
        else if (conn->parked == req)
                conn->parked = req->pnext;
        if (req->pnext)
                req->pnext->pprev = req->pprev;
        req->pnext = req->pprev = NULL;
        if (req->in_polls) {
                sl_broker *broker = req->broker;
                if (req->qprev)
                        req->qprev->qnext = req->qnext;
                else
                        broker->polls = req->qnext;
                if (req->qnext)
                        req->qnext->qprev = req->qprev;
                req->qnext = req->qprev = NULL;
                req->in_polls = false;
        }
}

void sl_broker_conn_free(sl_broker_conn *conn)
{
        if (!conn)
                return;
        while (conn->parked) {
                sl_broker_req *req = conn->parked;
                unpark(req);
                if (req->cancel)
                        req->cancel(req);
                req_free(req);
        }
        sl_broker_groups_conn_closed(conn->broker, conn);
        sl_broker_resp *r = conn->out_head;
        while (r) {
                sl_broker_resp *n = r->next;
                resp_free(r);
                r = n;
        }
        if (conn->fd >= 0)
                close(conn->fd);
        sl_buf_deinit(&conn->in);
        sl_free(conn);
}

sl_buf *sl_broker_req_out(sl_broker_req *req)
{
        return &req->resp->cur;
}

sl_buf *sl_broker_req_out_throttled(sl_broker_req *req, int16_t since)
{
        sl_buf *out = sl_broker_req_out(req);
        if (req->api_version >= since)
                sl_wr_i32(out, 0);
        return out;
}

static void resp_close_chunk(sl_broker_resp *resp)
{
        if (resp->cur.len == 0)
                return;
        sl_broker_chunk *c = sl_calloc(1, sizeof *c);
        c->fd = -1;
        c->data = sl_buf_detach(&resp->cur, &c->len);
        if (resp->tail)
                resp->tail->next = c;
        else
                resp->head = c;
        resp->tail = c;
        resp->total += c->len;
}

void sl_broker_req_add_file(sl_broker_req *req, int fd, int64_t off, int64_t len)
{
        sl_broker_resp *resp = req->resp;
        if (len <= 0)
                return;
        int dfd = req->conn->fd >= 0 ? dup(fd) : -1;
        if (req->conn->fd >= 0 && dfd < 0) {
                /* out of descriptors: copy instead */
                uint8_t *dst = sl_buf_extend(&resp->cur, (size_t)len);
                if (pread(fd, dst, (size_t)len, off) != len)
                        memset(dst, 0, (size_t)len);
                return;
        }
        resp_close_chunk(resp);
        sl_broker_chunk *c = sl_calloc(1, sizeof *c);
        c->fd = dfd;
        c->foff = off;
        c->len = (size_t)len;
        if (dfd < 0) /* virtual connection: nothing will be sent; keep an empty placeholder */
                c->len = 0;
        if (resp->tail)
                resp->tail->next = c;
        else
                resp->head = c;
        resp->tail = c;
        resp->total += (size_t)len;
}

void sl_broker_req_finish(sl_broker_req *req)
{
        sl_broker_conn *conn = req->conn;
        sl_broker_resp *resp = req->resp;
        unpark(req);
        resp_close_chunk(resp);
        /* the size prefix counts everything after itself */
        sl_store_be32(resp->head->data, (uint32_t)(resp->total - 4));
        resp->ready = true;
        conn->out_bytes += resp->total;
        req_free(req);
        sl_broker_conn_update_events(conn);
}

void sl_broker_req_park(sl_broker_req *req, bool (*poll)(sl_broker_req *, bool), void (*cancel)(sl_broker_req *),
                        void *park, int64_t deadline_ms)
{
        sl_broker_conn *conn = req->conn;
        req->poll = poll;
        req->cancel = cancel;
        req->park = park;
        req->deadline_ms = deadline_ms;
        req->pnext = conn->parked;
        req->pprev = NULL;
        if (conn->parked)
                conn->parked->pprev = req;
        conn->parked = req;
        if (poll) {
                sl_broker *broker = req->broker;
                req->qnext = broker->polls;
                req->qprev = NULL;
                if (broker->polls)
                        broker->polls->qprev = req;
                broker->polls = req;
                req->in_polls = true;
        }
}

void sl_broker_polls_run(sl_broker *broker, bool only_timeouts)
{
        int64_t now = sl_time_mono_ms();
        sl_broker_req *req = broker->polls;
        while (req) {
                sl_broker_req *next = req->qnext;
                bool timed_out = req->deadline_ms && now >= req->deadline_ms;
                if (!only_timeouts || timed_out) {
                        /* `next` may be finished by this poll only if it is `req` itself */
                        req->poll(req, timed_out);
                }
                req = next;
        }
}

int64_t sl_broker_polls_next_deadline(sl_broker *broker)
{
        int64_t best = INT64_MAX;
        for (sl_broker_req *req = broker->polls; req; req = req->qnext)
                if (req->deadline_ms && req->deadline_ms < best)
                        best = req->deadline_ms;
        return best;
}

/* ApiVersions with a version we do not know: Kafka answers in the v0 body format with error 35. */
static void reply_unsupported_apiversions(sl_broker_req *req)
{
        sl_buf *out = sl_broker_req_out(req);
        sl_wr_i16(out, ErrorCode_UNSUPPORTED_VERSION);
        sl_wr_i32(out, 1);
        sl_wr_i16(out, ApiKey_ApiVersions);
        sl_wr_i16(out, 0);
        sl_wr_i16(out, sl_broker_api_max_version(ApiKey_ApiVersions));
}

bool sl_broker_conn_handle_frame(sl_broker_conn *conn, const uint8_t *frame, size_t len)
{
        sl_rd rd = {frame, frame + len};
        int16_t key, version;
        int32_t corr;
        sl_str_ref client;
        sl_rd_i16(&rd, &key);
        sl_rd_i16(&rd, &version);
        sl_rd_i32(&rd, &corr);
        sl_rd_str(&rd, &client);
        bool known = false;
        sl_broker_handler h = sl_broker_api_handler(key, version, &known);
        if (!h && !(known && key == ApiKey_ApiVersions)) {
                SL_LOG_WARN("broker", "%s: unsupported request ApiKey %d version %d, closing", conn->peer, key, version);
                return false;
        }
        if (sl_log_get_level() <= SL_LOG_TRACE)
                sl_log(SL_LOG_TRACE, "broker", "%s: ApiKey %d v%d correlation %d client %.*s", conn->peer, key, version,
                       corr, (int)client.len, client.null ? "" : client.ptr);
        sl_broker_req *req = sl_calloc(1, sizeof *req);
        req->broker = conn->broker;
        req->conn = conn;
        req->api_key = key;
        req->api_version = version;
        req->correlation_id = corr;
        req->client_id = sl_strndup(client.null ? "" : client.ptr, client.len);
        req->rd = rd;
        sl_broker_resp *resp = sl_calloc(1, sizeof *resp);
        sl_buf_init(&resp->cur);
        req->resp = resp;
        if (conn->out_tail)
                conn->out_tail->next = resp;
        else
                conn->out_head = resp;
        conn->out_tail = resp;
        conn->nresp++;
        sl_buf *out = &resp->cur;
        sl_wr_i32(out, 0); /* size, patched at finish */
        sl_wr_i32(out, corr);
        if (!h) {
                reply_unsupported_apiversions(req);
                sl_broker_req_finish(req);
                return true;
        }
        sl_broker_hres r = h(req);
        sl_broker *broker = conn->broker;
        if (r != SL_BROKER_BAD && broker->set.fault_close_after[key] > 0 &&
            ++broker->fault_count[key] % broker->set.fault_close_after[key] == 0) {
                /* fault injection: the request took effect, its answer is lost */
                SL_LOG_INFO("broker", "%s: fault hook drops the connection after a %s", conn->peer,
                            sl_broker_api_name(key));
                if (r == SL_BROKER_DONE)
                        sl_broker_req_finish(req);
                return false;
        }
        switch (r) {
        case SL_BROKER_DONE:
                sl_broker_req_finish(req);
                return true;
        case SL_BROKER_PARKED:
                return true;
        case SL_BROKER_NORESP:
        case SL_BROKER_BAD: {
                /* drop the slot: it is the tail, nothing was queued after it */
                sl_broker_resp *prev = NULL;
                for (sl_broker_resp *r2 = conn->out_head; r2 && r2 != resp; r2 = r2->next)
                        prev = r2;
                if (prev)
                        prev->next = NULL;
                else
                        conn->out_head = NULL;
                conn->out_tail = prev;
                conn->nresp--;
                resp_free(resp);
                req_free(req);
                if (r == SL_BROKER_BAD)
                        SL_LOG_WARN("broker", "%s: malformed ApiKey %d v%d request, closing", conn->peer, key, version);
                return r == SL_BROKER_NORESP;
        }
        }
        return false;
bad_frame:
        SL_LOG_WARN("broker", "%s: truncated request header, closing", conn->peer);
        return false;
}

static bool too_busy(sl_broker_conn *conn)
{
        return conn->nresp >= MAX_QUEUED_RESPONSES || conn->out_bytes >= MAX_QUEUED_BYTES;
}

/* Handles the complete frames in p[0..len) while the connection may take more. Returns the bytes
 * consumed, or -1 when the connection must close. */
static ssize_t handle_frames(sl_broker_conn *conn, uint8_t *p, size_t len)
{
        sl_broker *broker = conn->broker;
        size_t off = 0;
        while (len - off >= 4 && !too_busy(conn)) {
                int32_t size = (int32_t)sl_load_be32(p + off);
                if (size < 8 || (int64_t)size > broker->set.request_max_bytes) {
                        SL_LOG_WARN("broker", "%s: frame size %d out of bounds, closing", conn->peer, size);
                        return -1;
                }
                if (len - off - 4 < (size_t)size)
                        break;
                if (!sl_broker_conn_handle_frame(conn, p + off + 4, (size_t)size))
                        return -1;
                off += 4 + (size_t)size;
        }
        return (ssize_t)off;
}

/* Makes room in `in` for the rest of the frame it starts with. */
static void reserve_frame(sl_broker_conn *conn)
{
        if (conn->in.len >= 4) {
                int32_t size = (int32_t)sl_load_be32(conn->in.data);
                if (size > 0 && (int64_t)size <= conn->broker->set.request_max_bytes && conn->in.len < (size_t)size + 4)
                        sl_buf_reserve(&conn->in, (size_t)size + 4 - conn->in.len);
        }
}

/* Handles what `in` holds; false: close. */
static bool process_in(sl_broker_conn *conn)
{
        ssize_t off = handle_frames(conn, conn->in.data, conn->in.len);
        if (off < 0)
                return false;
        if (off) {
                memmove(conn->in.data, conn->in.data + off, conn->in.len - (size_t)off);
                conn->in.len -= (size_t)off;
        }
        if (conn->in.len == 0)
                sl_buf_deinit(&conn->in); /* idle connections keep no buffer */
        else
                reserve_frame(conn);
        return true;
}

bool sl_broker_conn_on_readable(sl_broker_conn *conn)
{
        sl_broker *broker = conn->broker;
        for (int rounds = 0; rounds < 16 && !too_busy(conn); rounds++) {
                bool direct = conn->in.len == 0;
                uint8_t *dst;
                size_t room;
                if (direct) {
                        /* the common case: whole frames straight from the shared scratch buffer */
                        dst = broker->scratch;
                        room = SL_BROKER_SCRATCH;
                } else {
                        sl_buf_reserve(&conn->in, 65536);
                        dst = conn->in.data + conn->in.len;
                        room = conn->in.cap - conn->in.len - 1;
                }
                ssize_t n = read(conn->fd, dst, room);
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        break;
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return false;
                if (!direct) {
                        conn->in.len += (size_t)n;
                        if (!process_in(conn))
                                return false;
                        continue;
                }
                ssize_t used = handle_frames(conn, dst, (size_t)n);
                if (used < 0)
                        return false;
                if (used < n) {
                        sl_buf_append(&conn->in, dst + used, (size_t)(n - used));
                        reserve_frame(conn);
                }
        }
        sl_broker_conn_update_events(conn);
        return true;
}

bool sl_broker_conn_on_writable(sl_broker_conn *conn)
{
        while (conn->out_head && conn->out_head->ready) {
                sl_broker_resp *resp = conn->out_head;
                while (resp->head) {
                        sl_broker_chunk *c = resp->head;
                        while (c->done < c->len) {
                                ssize_t n;
                                if (c->fd >= 0) {
                                        off_t off = (off_t)(c->foff + (int64_t)c->done);
                                        n = sendfile(conn->fd, c->fd, &off, c->len - c->done);
                                        if (n == 0) /* file shorter than promised: cannot keep framing */
                                                return false;
                                } else {
                                        n = send(conn->fd, c->data + c->done, c->len - c->done, MSG_NOSIGNAL);
                                }
                                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                                        sl_broker_conn_update_events(conn);
                                        return true;
                                }
                                if (n < 0 && errno == EINTR)
                                        continue;
                                if (n < 0)
                                        return false;
                                c->done += (size_t)n;
                                conn->out_bytes -= (size_t)n;
                        }
                        resp->head = c->next;
                        if (!resp->head)
                                resp->tail = NULL;
                        chunk_free(c);
                }
                conn->out_head = resp->next;
                if (!conn->out_head)
                        conn->out_tail = NULL;
                conn->nresp--;
                resp_free(resp);
        }
        /* frames read while the connection was too busy wait in `in`: no event will announce them */
        if (conn->in.len >= 4 && !too_busy(conn) && !process_in(conn))
                return false;
        sl_broker_conn_update_events(conn);
        return true;
}

void sl_broker_conn_update_events(sl_broker_conn *conn)
{
        if (conn->fd < 0)
                return; /* virtual connection: responses stay queued for the caller to inspect */
        uint32_t ev = 0;
        if (!too_busy(conn))
                ev |= EPOLLIN;
        if (conn->out_head && conn->out_head->ready)
                ev |= EPOLLOUT;
        if (ev != conn->events) {
                struct epoll_event e = {.events = ev, .data.ptr = conn};
                if (epoll_ctl(conn->broker->epfd, EPOLL_CTL_MOD, conn->fd, &e) < 0)
                        SL_LOG_ERROR("broker", "epoll_ctl: %s", strerror(errno));
                conn->events = ev;
        }
}
