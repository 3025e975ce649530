/* client.c: the shell's HTTP client on libcurl: JSON requests and responses for /ksql and the small
 * endpoints, and line-by-line streaming for push queries with an interrupt flag checked while the
 * response flows (Ctrl-C). */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/mem.h"

struct sl_cli_client {
        CURL *curl;          /* reused for every request */
        char *url;           /* base URL without a trailing '/' (heap) */
        char *userpwd;       /* "user:password" or NULL (heap) */
};

sl_cli_client *sl_cli_client_new(const char *url, const char *user, const char *password)
{
        sl_cli_client *c = sl_calloc(1, sizeof(*c));
        size_t n = strlen(url);

        while (n > 0 && url[n - 1] == '/')
                n--;
        c->url = sl_strndup(url, n);
        if (user != NULL)
                c->userpwd = sl_asprintf("%s:%s", user, password ? password : "");
        c->curl = curl_easy_init();
        return c;
}

void sl_cli_client_free(sl_cli_client *c)
{
        if (c == NULL)
                return;
        curl_easy_cleanup(c->curl);
        sl_free(c->url);
        sl_free(c->userpwd);
        sl_free(c);
}

const char *sl_cli_client_url(const sl_cli_client *c)
{
        return c->url;
}

static size_t collect(char *ptr, size_t size, size_t nmemb, void *ud)
{
        sl_buf_append(ud, ptr, size * nmemb);
        return size * nmemb;
}

static void setup(sl_cli_client *c, const char *path, struct curl_slist **hdrs, const char *accept)
{
        char *full = sl_asprintf("%s%s", c->url, path);
        curl_easy_reset(c->curl);
        curl_easy_setopt(c->curl, CURLOPT_URL, full);
        sl_free(full);
        curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
        if (c->userpwd != NULL) {
                curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
                curl_easy_setopt(c->curl, CURLOPT_USERPWD, c->userpwd);
        }
        /* a self-signed development certificate is the common case with https listeners */
        if (getenv("SLUICE_INSECURE") != NULL) {
                curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
                curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        *hdrs = curl_slist_append(*hdrs, "Content-Type: application/vnd.ksql.v1+json");
        char *acc = sl_asprintf("Accept: %s", accept);
        *hdrs = curl_slist_append(*hdrs, acc);
        sl_free(acc);
        curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, *hdrs);
}

static bool perform(sl_cli_client *c, long *status, json_t **body, sl_buf *buf, char *errbuf, size_t errlen)
{
        curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, buf);
        CURLcode rc = curl_easy_perform(c->curl);
        if (rc != CURLE_OK) {
                snprintf(errbuf, errlen, "%s", curl_easy_strerror(rc));
                return false;
        }
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
        *body = buf->len ? json_loadb((const char *)buf->data, buf->len, 0, NULL) : NULL;
        return true;
}

bool sl_cli_client_get(sl_cli_client *c, const char *path, long *status, json_t **body, char *errbuf,
                       size_t errlen)
{
        struct curl_slist *hdrs = NULL;
        sl_buf buf;

        sl_buf_init(&buf);
        setup(c, path, &hdrs, "application/json");
        bool ok = perform(c, status, body, &buf, errbuf, errlen);
        curl_slist_free_all(hdrs);
        sl_buf_deinit(&buf);
        return ok;
}

bool sl_cli_client_post(sl_cli_client *c, const char *path, json_t *req, long *status, json_t **body,
                        char *errbuf, size_t errlen)
{
        struct curl_slist *hdrs = NULL;
        sl_buf buf;
        char *text = json_dumps(req, JSON_COMPACT);

        sl_buf_init(&buf);
        setup(c, path, &hdrs, "application/json");
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, text);
        bool ok = perform(c, status, body, &buf, errbuf, errlen);
        curl_slist_free_all(hdrs);
        sl_buf_deinit(&buf);
        free(text);
        return ok;
}

/* Streaming state. */
typedef struct stream_ctx {
        sl_cli_client *c;
        sl_buf line;                         /* the incomplete last line */
        sl_buf errbody;                      /* whole body of an error response */
        sl_cli_line_fn on_line;
        void *ctx;
        volatile sig_atomic_t *interrupted;
        bool stopped;                        /* on_line asked to stop, or Ctrl-C */
        bool was_interrupted;
} stream_ctx;

static size_t stream_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
        stream_ctx *sc = ud;
        size_t n = size * nmemb;
        long status = 0;

        curl_easy_getinfo(sc->c->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 300) {
                sl_buf_append(&sc->errbody, ptr, n);
                return n;
        }
        for (size_t i = 0; i < n; i++) {
                if (ptr[i] != '\n') {
                        sl_buf_append_u8(&sc->line, (uint8_t)ptr[i]);
                        continue;
                }
                sl_buf_append_u8(&sc->line, 0);
                sc->line.len--;
                int r = sc->on_line(sc->ctx, (const char *)sc->line.data, sc->line.len, false);
                sl_buf_reset(&sc->line);
                if (r == SL_CLI_LINE_STOP) {
                        sc->stopped = true;
                        return 0;
                }
        }
        if (sc->line.len > 0) {
                sl_buf_append_u8(&sc->line, 0);
                sc->line.len--;
                int r = sc->on_line(sc->ctx, (const char *)sc->line.data, sc->line.len, true);
                if (r == SL_CLI_LINE_STOP) {
                        sc->stopped = true;
                        return 0;
                }
                if (r == SL_CLI_LINE_USED)
                        sl_buf_reset(&sc->line);
        }
        return n;
}

static int stream_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
        stream_ctx *sc = ud;
        (void)dltotal;
        (void)dlnow;
        (void)ultotal;
        (void)ulnow;
        if (sc->interrupted != NULL && *sc->interrupted) {
                sc->was_interrupted = true;
                return 1;
        }
        return 0;
}

bool sl_cli_client_stream(sl_cli_client *c, const char *path, json_t *req, const char *accept,
                          sl_cli_line_fn on_line, void *ctx, volatile sig_atomic_t *interrupted,
                          bool *was_interrupted, long *status, char **errbody, char *errbuf, size_t errlen)
{
        struct curl_slist *hdrs = NULL;
        char *text = json_dumps(req, JSON_COMPACT);
        stream_ctx sc = {.c = c, .on_line = on_line, .ctx = ctx, .interrupted = interrupted};
        bool ok = true;

        sl_buf_init(&sc.line);
        sl_buf_init(&sc.errbody);
        *errbody = NULL;
        setup(c, path, &hdrs, accept);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, text);
        curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, stream_write);
        curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &sc);
        curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, stream_progress);
        curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, &sc);
        CURLcode rc = curl_easy_perform(c->curl);
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
        if (rc != CURLE_OK && !sc.stopped && !sc.was_interrupted) {
                snprintf(errbuf, errlen, "%s", curl_easy_strerror(rc));
                ok = false;
        }
        if (ok && sc.line.len > 0 && !sc.stopped && !sc.was_interrupted) {
                sl_buf_append_u8(&sc.line, 0);
                sc.line.len--;
                on_line(ctx, (const char *)sc.line.data, sc.line.len, false);
        }
        if (sc.errbody.len > 0) {
                sl_buf_append_u8(&sc.errbody, 0);
                size_t n;
                *errbody = (char *)sl_buf_detach(&sc.errbody, &n);
        }
        *was_interrupted = sc.was_interrupted;
        curl_slist_free_all(hdrs);
        sl_buf_deinit(&sc.line);
        sl_buf_deinit(&sc.errbody);
        free(text);
        return ok;
}
