/* listen.c: sluiced's own listener on the REST port. libmicrohttpd runs without a listening
 * socket (MHD_USE_NO_LISTEN_SOCKET); this file binds the port, accepts, and gives each
 * connection a short-lived thread that peeks at its first bytes: the HTTP/2 preface (h2c with
 * prior knowledge, what ksqlDB's HTTP/2 clients send) stays here and is served by h2.c on the
 * same thread; anything else is handed to libmicrohttpd with MHD_add_connection, which then owns
 * it. TLS listeners hand every connection to libmicrohttpd at once (no h2 over TLS).
 *
 * The listener counts the connections it still owns (being classified, or h2) so that shutdown
 * can end them (shutdown(2) wakes their threads) and wait for them before libmicrohttpd stops. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"
#include "server/h2.h"
#include "server/server_int.h"

/* Connections at most that the listener serves itself at once (libmicrohttpd has its own limit). */
#define MAX_CONNS 1000

/* A connection the listener still owns. */
typedef struct listen_conn {
        sl_server *srv;                 /* the server */
        int fd;                         /* the accepted socket, -1 once handed over */
        struct sockaddr_storage peer;   /* the client's address */
        socklen_t peerlen;              /* its length */
        struct listen_conn *prev;       /* in sl_server_listen.conns */
        struct listen_conn *next;
} listen_conn;

struct sl_server_listen {
        int fd;                         /* the listening socket */
        int wake[2];                    /* pipe: a byte stops the accept thread */
        pthread_t thread;               /* the accept thread */
        pthread_cond_t idle;            /* signalled when `nconns` drops to 0 (srv->lock) */
        listen_conn *conns;             /* connections owned here (srv->lock) */
        int nconns;                     /* their number (srv->lock) */
        bool closing;                   /* stopping: no new handovers (srv->lock) */
};

sl_server_sniff sl_server_h2_sniff(const uint8_t *p, size_t n)
{
        size_t m = n < SL_SERVER_H2_PREFACE_LEN ? n : SL_SERVER_H2_PREFACE_LEN;
        if (memcmp(p, SL_SERVER_H2_PREFACE, m) != 0)
                return SL_SERVER_SNIFF_HTTP1;
        return m == SL_SERVER_H2_PREFACE_LEN ? SL_SERVER_SNIFF_H2 : SL_SERVER_SNIFF_MORE;
}

static void conn_unlink(sl_server *srv, listen_conn *lc)
{
        struct sl_server_listen *ls = srv->listen;
        if (lc->prev != NULL)
                lc->prev->next = lc->next;
        else
                ls->conns = lc->next;
        if (lc->next != NULL)
                lc->next->prev = lc->prev;
        lc->prev = lc->next = NULL;
}

/* Counts `lc` (already unlinked) out and frees it. */
static void conn_done(sl_server *srv, listen_conn *lc)
{
        struct sl_server_listen *ls = srv->listen;
        pthread_mutex_lock(&srv->lock);
        if (--ls->nconns == 0)
                pthread_cond_broadcast(&ls->idle);
        pthread_mutex_unlock(&srv->lock);
        sl_free(lc);
}

/* Hands `fd` to libmicrohttpd, which owns (and closes) it from then on. */
static void hand_to_mhd(sl_server *srv, int fd, const struct sockaddr *peer, socklen_t peerlen)
{
        if (MHD_add_connection(srv->daemon, fd, peer, peerlen) != MHD_YES)
                SL_LOG_WARN("server", "libmicrohttpd refused a connection: %s", strerror(errno));
}

/* Peeks until the first bytes decide the protocol; SL_SERVER_SNIFF_MORE when the client sent
 * nothing usable before closing or going idle. */
static sl_server_sniff classify(sl_server *srv, int fd)
{
        uint8_t buf[SL_SERVER_H2_PREFACE_LEN];
        long long waited_ms = 0, limit_ms = (long long)srv->idle_timeout_s * 1000;
        size_t have = 0;

        for (;;) {
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                int r = poll(&pfd, 1, have == 0 ? 1000 : 10);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return SL_SERVER_SNIFF_MORE;
                if (r > 0) {
                        ssize_t n = recv(fd, buf, sizeof(buf), MSG_PEEK);
                        if (n <= 0)
                                return SL_SERVER_SNIFF_MORE;
                        if ((size_t)n > have) {
                                have = (size_t)n;
                                sl_server_sniff s = sl_server_h2_sniff(buf, have);
                                if (s != SL_SERVER_SNIFF_MORE)
                                        return s;
                                continue;
                        }
                        /* a strict prefix of the preface is pending: wait for the rest */
                        struct timespec ts = {0, 10 * 1000 * 1000};
                        nanosleep(&ts, NULL);
                        r = 0;
                }
                waited_ms += have == 0 ? 1000 : 10;
                pthread_mutex_lock(&srv->lock);
                bool closing = srv->listen->closing;
                pthread_mutex_unlock(&srv->lock);
                if (closing || waited_ms >= limit_ms)
                        return SL_SERVER_SNIFF_MORE;
        }
}

static void *conn_main(void *arg)
{
        listen_conn *lc = arg;
        sl_server *srv = lc->srv;
        sl_server_sniff s = classify(srv, lc->fd);

        if (s == SL_SERVER_SNIFF_H2) {
                sl_server_h2_serve(srv, lc->fd, (struct sockaddr *)&lc->peer, lc->peerlen);
                pthread_mutex_lock(&srv->lock);
                int fd = lc->fd;
                conn_unlink(srv, lc);
                lc->fd = -1;
                pthread_mutex_unlock(&srv->lock);
                close(fd);
        } else {
                pthread_mutex_lock(&srv->lock);
                int fd = lc->fd;
                bool closing = srv->listen->closing;
                conn_unlink(srv, lc);
                lc->fd = -1;
                pthread_mutex_unlock(&srv->lock);
                if (s == SL_SERVER_SNIFF_HTTP1 && !closing)
                        hand_to_mhd(srv, fd, (struct sockaddr *)&lc->peer, lc->peerlen);
                else
                        close(fd);
        }
        conn_done(srv, lc);
        return NULL;
}

static void *accept_main(void *arg)
{
        sl_server *srv = arg;
        struct sl_server_listen *ls = srv->listen;

        for (;;) {
                struct pollfd pfd[2] = {{.fd = ls->fd, .events = POLLIN}, {.fd = ls->wake[0], .events = POLLIN}};
                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (pfd[1].revents != 0)
                        break;
                struct sockaddr_storage peer;
                socklen_t peerlen = sizeof(peer);
                int fd = accept4(ls->fd, (struct sockaddr *)&peer, &peerlen, SOCK_CLOEXEC);
                if (fd < 0)
                        continue;
                if (srv->tls) {
                        hand_to_mhd(srv, fd, (struct sockaddr *)&peer, peerlen);
                        continue;
                }
                listen_conn *lc = sl_calloc(1, sizeof(*lc));
                lc->srv = srv;
                lc->fd = fd;
                lc->peer = peer;
                lc->peerlen = peerlen;
                pthread_mutex_lock(&srv->lock);
                bool full = ls->nconns >= MAX_CONNS || ls->closing;
                if (!full) {
                        lc->next = ls->conns;
                        if (ls->conns != NULL)
                                ls->conns->prev = lc;
                        ls->conns = lc;
                        ls->nconns++;
                }
                pthread_mutex_unlock(&srv->lock);
                if (full) {
                        SL_LOG_WARN("server", "too many connections: one refused");
                        close(fd);
                        sl_free(lc);
                        continue;
                }
                pthread_t t;
                pthread_attr_t attr;
                pthread_attr_init(&attr);
                pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
                if (pthread_create(&t, &attr, conn_main, lc) != 0) {
                        pthread_mutex_lock(&srv->lock);
                        conn_unlink(srv, lc);
                        lc->fd = -1;
                        pthread_mutex_unlock(&srv->lock);
                        close(fd);
                        conn_done(srv, lc);
                }
                pthread_attr_destroy(&attr);
        }
        return NULL;
}

sl_err sl_server_listen_start(sl_server *srv, sl_err_detail *err)
{
        struct sockaddr_in addr;
        struct addrinfo hints = {0}, *ai = NULL;
        struct sl_server_listen *ls = sl_calloc(1, sizeof(*ls));
        int one = 1;

        ls->fd = -1;
        ls->wake[0] = ls->wake[1] = -1;
        pthread_cond_init(&ls->idle, NULL);
        srv->listen = ls;
        hints.ai_family = AF_INET;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(srv->host, NULL, &hints, &ai) != 0 || ai == NULL) {
                sl_err_set(err, SL_ERR_INVALID, "listeners: cannot resolve host '%s'", srv->host);
                goto fail;
        }
        memcpy(&addr, ai->ai_addr, sizeof(addr));
        freeaddrinfo(ai);
        addr.sin_port = htons((uint16_t)srv->port);
        ls->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (ls->fd < 0 || setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
            bind(ls->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(ls->fd, 128) != 0) {
                sl_err_set(err, SL_ERR_IO, "cannot listen on %s://%s:%d: %s", srv->tls ? "https" : "http", srv->host,
                           srv->port, strerror(errno));
                goto fail;
        }
        socklen_t len = sizeof(addr);
        if (getsockname(ls->fd, (struct sockaddr *)&addr, &len) == 0)
                srv->port = ntohs(addr.sin_port);
        if (pipe2(ls->wake, O_CLOEXEC) != 0 || pthread_create(&ls->thread, NULL, accept_main, srv) != 0) {
                sl_err_set(err, SL_ERR_IO, "cannot start the listener thread");
                goto fail;
        }
        return SL_OK;
fail:
        if (ls->fd >= 0)
                close(ls->fd);
        if (ls->wake[0] >= 0) {
                close(ls->wake[0]);
                close(ls->wake[1]);
        }
        pthread_cond_destroy(&ls->idle);
        sl_free(ls);
        srv->listen = NULL;
        return err ? err->code : SL_ERR_IO;
}

void sl_server_listen_stop(sl_server *srv)
{
        struct sl_server_listen *ls = srv->listen;
        if (ls == NULL)
                return;
        ssize_t w = write(ls->wake[1], "x", 1);
        (void)w;
        pthread_join(ls->thread, NULL);
        pthread_mutex_lock(&srv->lock);
        ls->closing = true;
        for (listen_conn *lc = ls->conns; lc != NULL; lc = lc->next)
                if (lc->fd >= 0)
                        shutdown(lc->fd, SHUT_RDWR);
        while (ls->nconns > 0)
                pthread_cond_wait(&ls->idle, &srv->lock);
        pthread_mutex_unlock(&srv->lock);
        close(ls->fd);
        close(ls->wake[0]);
        close(ls->wake[1]);
        pthread_cond_destroy(&ls->idle);
        sl_free(ls);
        srv->listen = NULL;
}
