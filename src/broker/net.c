/* net.c: the network thread's epoll loop. One listener, one eventfd (woken by the flush thread and
 * by sl_broker_stop), and every client connection, level-triggered. After each round of events the
 * loop applies finished fsyncs, re-polls parked requests if anything changed (appends, flushes,
 * group changes) or their deadline passed, ticks the group coordinator, and every so often runs log
 * maintenance (rolls, retention, compaction). */
#include "broker/broker_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/time.h"

void sl_broker_maintain(sl_broker *broker);

static void conn_close(sl_broker *broker, sl_broker_conn *conn)
{
        epoll_ctl(broker->epfd, EPOLL_CTL_DEL, conn->fd, NULL);
        if (conn->prev)
                conn->prev->next = conn->next;
        else
                broker->conns = conn->next;
        if (conn->next)
                conn->next->prev = conn->prev;
        SL_LOG_DEBUG("broker", "%s: connection closed", conn->peer);
        sl_broker_conn_free(conn);
}

static void do_accept(sl_broker *broker)
{
        for (int i = 0; i < 64; i++) {
                struct sockaddr_in sa;
                socklen_t sl = sizeof sa;
                int fd = accept4(broker->listen_fd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) {
                        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                                SL_LOG_WARN("broker", "accept: %s", strerror(errno));
                        return;
                }
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                char peer[64], ip[INET_ADDRSTRLEN] = "?";
                inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof ip);
                snprintf(peer, sizeof peer, "%s:%d", ip, ntohs(sa.sin_port));
                sl_broker_conn *conn = sl_broker_conn_new(broker, fd, peer);
                conn->events = EPOLLIN;
                struct epoll_event e = {.events = EPOLLIN, .data.ptr = conn};
                if (epoll_ctl(broker->epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
                        sl_broker_conn_free(conn);
                        continue;
                }
                conn->next = broker->conns;
                if (broker->conns)
                        broker->conns->prev = conn;
                broker->conns = conn;
        }
}

sl_err sl_broker_net_listen(sl_broker *broker, sl_err_detail *det);
sl_err sl_broker_net_listen(sl_broker *broker, sl_err_detail *det)
{
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)broker->set.port)};
        if (inet_pton(AF_INET, broker->set.host, &sa.sin_addr) != 1)
                return sl_err_set(det, SL_ERR_INVALID, "invalid listener address '%s' in broker.listeners",
                                  broker->set.host);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return sl_err_set(det, SL_ERR_IO, "socket: %s", strerror(errno));
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1024) < 0) {
                sl_err rc = sl_err_set(det, SL_ERR_IO, "cannot listen on %s:%d: %s", broker->set.host, broker->set.port,
                                       strerror(errno));
                close(fd);
                return rc;
        }
        socklen_t sl = sizeof sa;
        getsockname(fd, (struct sockaddr *)&sa, &sl);
        broker->port = ntohs(sa.sin_port);
        broker->listen_fd = fd;
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = &broker->listen_fd};
        epoll_ctl(broker->epfd, EPOLL_CTL_ADD, fd, &e);
        return SL_OK;
}

void *sl_broker_net_main(void *arg);
void *sl_broker_net_main(void *arg)
{
        sl_broker *broker = arg;
        struct epoll_event evs[128];
        while (!atomic_load(&broker->stopping)) {
                int64_t now = sl_time_mono_ms();
                int64_t next = sl_broker_polls_next_deadline(broker);
                int64_t g = sl_broker_groups_next_deadline(broker);
                if (g < next)
                        next = g;
                if (broker->next_maint_ms < next)
                        next = broker->next_maint_ms;
                int64_t wait = next - now;
                if (wait < 0)
                        wait = 0;
                if (wait > 1000)
                        wait = 1000;
                int n = epoll_wait(broker->epfd, evs, 128, (int)wait);
                if (n < 0 && errno != EINTR) {
                        SL_LOG_ERROR("broker", "epoll_wait: %s", strerror(errno));
                        break;
                }
                for (int i = 0; i < n; i++) {
                        void *p = evs[i].data.ptr;
                        if (p == &broker->listen_fd) {
                                do_accept(broker);
                        } else if (p == &broker->wake_fd) {
                                uint64_t v;
                                if (read(broker->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
                                        SL_LOG_WARN("broker", "eventfd read: %s", strerror(errno));
                        } else {
                                sl_broker_conn *conn = p;
                                bool ok = true;
                                if (evs[i].events & (EPOLLERR | EPOLLHUP) && !(evs[i].events & EPOLLIN))
                                        ok = false;
                                if (ok && (evs[i].events & EPOLLOUT))
                                        ok = sl_broker_conn_on_writable(conn);
                                if (ok && (evs[i].events & EPOLLIN))
                                        ok = sl_broker_conn_on_readable(conn);
                                if (ok && conn->out_head && conn->out_head->ready)
                                        ok = sl_broker_conn_on_writable(conn);
                                if (!ok)
                                        conn_close(broker, conn);
                        }
                }
                sl_broker_flush_collect(broker);
                sl_broker_cleaner_collect(broker);
                now = sl_time_mono_ms();
                sl_broker_groups_tick(broker, now);
                if (broker->dirty) {
                        broker->dirty = false;
                        sl_broker_polls_run(broker, false);
                } else {
                        sl_broker_polls_run(broker, true);
                }
                if (now >= broker->next_maint_ms) {
                        sl_broker_maintain(broker);
                        broker->next_maint_ms = now + 200;
                }
        }
        while (broker->conns)
                conn_close(broker, broker->conns);
        return NULL;
}

sl_err sl_broker_net_init(sl_broker *broker, sl_err_detail *det);
sl_err sl_broker_net_init(sl_broker *broker, sl_err_detail *det)
{
        broker->epfd = epoll_create1(EPOLL_CLOEXEC);
        broker->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (broker->epfd < 0 || broker->wake_fd < 0)
                return sl_err_set(det, SL_ERR_IO, "epoll/eventfd: %s", strerror(errno));
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = &broker->wake_fd};
        epoll_ctl(broker->epfd, EPOLL_CTL_ADD, broker->wake_fd, &e);
        return SL_OK;
}
