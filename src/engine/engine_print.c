/* engine_print.c: PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n], as ksqlDB's
 * TopicStreamWriter and RecordFormatter print a topic: a consumer without a group reads every
 * partition (from the beginning with FROM BEGINNING or auto.offset.reset=earliest, else from the
 * end) on a thread of its own, and every INTERVAL-th record becomes a text line
 *
 *   rowtime: 2022/03/18 15:53:22.989 Z, key: 18, value: {"V":"a"}, partition: 0
 *
 * handed to the REST sink, until LIMIT lines were written or the query is closed.
 *
 * The key and value formats are guessed the way ksqlDB guesses them: every candidate format starts
 * possible and a format that fails to read any key (value) seen is dropped for good; a record is
 * shown with the first format still possible. Candidates in order: AVRO, PROTOBUF, JSON, JSON_SR,
 * KAFKA_INT, KAFKA_BIGINT, KAFKA_DOUBLE, KAFKA_STRING, then the raw bytes (never dropped, never
 * named); keys also try the windowed forms SESSION(f), HOPPING(f), TUMBLING(f) before each f. A
 * batch of records is read once to drop formats and once to format, so one batch shows one format
 * (ksqlDB formats a batch again when its active format was dropped while reading it). Before the
 * lines of a batch, "Key format: ..." and "Value format: ..." lines name the formats still
 * possible ("JSON or KAFKA_STRING") whenever that list changed, the first time too.
 *
 * Example: keys 8 bytes 00..01 and values {"V":"a"}: JSON fails on the key (not JSON text), the
 * windowed forms need more bytes, KAFKA_BIGINT reads 1, KAFKA_DOUBLE and KAFKA_STRING also read it,
 * so "Key format: KAFKA_BIGINT or KAFKA_DOUBLE or KAFKA_STRING" and "key: 1"; the value reads as
 * JSON and as a string: "Value format: JSON or KAFKA_STRING".
 *
 * Not here yet: AVRO, PROTOBUF and JSON_SR records need the schema registry, so those candidates
 * are always dropped (their bytes show as KAFKA_STRING or raw bytes). */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "engine/engine_int.h"
#include "kafka/admin.h"
#include "kafka/conf.h"
#include "kafka/consumer.h"

#define PRINT_POLL_MS 200
#define PRINT_BATCH 500
#define PRINT_TIMEOUT_MS 10000

/* The formats RecordFormatter knows, in its order. */
typedef enum base_format {
        F_AVRO,
        F_PROTOBUF,
        F_JSON,
        F_JSON_SR,
        F_KAFKA_INT,
        F_KAFKA_BIGINT,
        F_KAFKA_DOUBLE,
        F_KAFKA_STRING,
        F_BYTES,        /* UNRECOGNISED_BYTES: always reads, never named */
        F__COUNT
} base_format;

static const char *const base_names[F__COUNT] = {
        "AVRO", "PROTOBUF", "JSON", "JSON_SR", "KAFKA_INT", "KAFKA_BIGINT", "KAFKA_DOUBLE", "KAFKA_STRING",
        "UNRECOGNISED_BYTES",
};

/* Window wrappers of key formats. */
typedef enum window_form { W_NONE, W_SESSION, W_HOPPING, W_TUMBLING } window_form;

static const char *const window_names[] = {"", "SESSION", "HOPPING", "TUMBLING"};

/* One candidate format. */
typedef struct candidate {
        base_format base;
        window_form window;
        bool alive;          /* read everything seen so far */
} candidate;

/* The candidates of one side (key or value). */
typedef struct guesser {
        candidate c[F__COUNT * 4];
        size_t n;
        bool seen;           /* a non-null key (value) was read */
        char *shown;         /* the format line last printed (heap), NULL: none yet */
} guesser;

/* A running PRINT. */
typedef struct printer {
        sl_engine_query_sink sink;   /* where lines go */
        char *topic;                 /* the topic (heap) */
        sl_kafka_consumer *consumer; /* assigned every partition */
        pthread_t thread;            /* runs print_main */
        bool started;                /* the thread runs */
        pthread_mutex_t lock;        /* guards `stop` */
        bool stop;                   /* close asked the thread to end */
        sl_engine_print_fmt *fmt;    /* the record formatter */
} printer;

/* The record formatter: format guesses and line counts. */
struct sl_engine_print_fmt {
        guesser key, value;          /* format guesses */
        int64_t interval;            /* every interval-th record is printed */
        int64_t limit;               /* lines to print, -1: no limit */
        int64_t polled, written;     /* records seen, lines written */
};

static void guesser_init(guesser *g, bool key)
{
        g->n = 0;
        for (int f = 0; f < F__COUNT; f++) {
                if (key && f != F_BYTES)
                        for (int w = W_SESSION; w <= W_TUMBLING; w++)
                                g->c[g->n++] = (candidate){(base_format)f, (window_form)w, true};
                g->c[g->n++] = (candidate){(base_format)f, W_NONE, true};
        }
}

/* True when p[0..len) is UTF-8 that Java decodes without a replacement character. */
static bool utf8_clean(const uint8_t *p, size_t len)
{
        size_t i = 0;
        while (i < len) {
                uint8_t c = p[i];
                size_t n;
                uint32_t cp;
                if (c < 0x80) {
                        i++;
                        continue;
                } else if ((c & 0xe0) == 0xc0) {
                        n = 1;
                        cp = c & 0x1f;
                } else if ((c & 0xf0) == 0xe0) {
                        n = 2;
                        cp = c & 0x0f;
                } else if ((c & 0xf8) == 0xf0) {
                        n = 3;
                        cp = c & 0x07;
                } else {
                        return false;
                }
                if (i + n >= len)
                        return false;
                for (size_t k = 1; k <= n; k++) {
                        if ((p[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (p[i + k] & 0x3f);
                }
                if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
                    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffd)
                        return false;
                i += n + 1;
        }
        return true;
}

static int64_t read_be64(const uint8_t *p)
{
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
                v = (v << 8) | p[i];
        return (int64_t)v;
}

/* Kafka's Bytes.toString: printable ASCII as is (but '\'), the rest as \xNN. */
static void bytes_text(sl_str *out, const uint8_t *p, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                if (p[i] >= ' ' && p[i] <= '~' && p[i] != '\\')
                        sl_str_append_char(out, (char)p[i]);
                else
                        sl_str_appendf(out, "\\x%02X", p[i]);
        }
}

/* Reads p[0..len) as `f`; appends its text to `out` (when not NULL) and returns true, or false
 * when the format cannot read it. */
static bool read_base(base_format f, const uint8_t *p, size_t len, sl_str *out)
{
        switch (f) {
        case F_JSON: {
                if (len == 0 || !utf8_clean(p, len))
                        return false;
                json_error_t jerr;
                json_t *j = json_loadb((const char *)p, len, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &jerr);
                if (j == NULL)
                        return false;
                json_decref(j);
                if (out)
                        sl_str_append_n(out, (const char *)p, len);
                return true;
        }
        case F_KAFKA_INT:
                if (len != 4)
                        return false;
                if (out)
                        sl_str_appendf(out, "%d", (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
                                                            ((uint32_t)p[2] << 8) | p[3]));
                return true;
        case F_KAFKA_BIGINT:
                if (len != 8)
                        return false;
                if (out)
                        sl_str_appendf(out, "%lld", (long long)read_be64(p));
                return true;
        case F_KAFKA_DOUBLE:
                if (len != 8)
                        return false;
                if (out) {
                        /* never shown in practice: KAFKA_BIGINT reads every 8 bytes first */
                        uint64_t bits = (uint64_t)read_be64(p);
                        double d;
                        memcpy(&d, &bits, sizeof(d));
                        sl_str_appendf(out, "%.17g", d);
                }
                return true;
        case F_KAFKA_STRING:
                if (len == 0 || !utf8_clean(p, len))
                        return false;
                if (out)
                        sl_str_append_n(out, (const char *)p, len);
                return true;
        case F_BYTES:
                if (out)
                        bytes_text(out, p, len);
                return true;
        default:
                /* AVRO, PROTOBUF, JSON_SR: the schema registry is not consulted here */
                return false;
        }
}

/* Cuts `s` back to its first `n` bytes. */
static void str_truncate(sl_str *s, size_t n)
{
        if (n < s->buf.len) {
                s->buf.len = n;
                s->buf.data[n] = '\0';
        }
}

/* Reads p[0..len) as candidate `c` (windowed keys as Kafka Streams writes them). */
static bool read_candidate(const candidate *c, const uint8_t *p, size_t len, sl_str *out)
{
        if (c->window == W_NONE)
                return read_base(c->base, p, len, out);
        if (len == 0) {
                /* Kafka Streams' windowed deserializers read no bytes as a null key */
                if (out)
                        sl_str_append(out, "<null>");
                return true;
        }
        size_t tail = c->window == W_SESSION ? 16 : 8;
        if (len < tail)
                return false;
        size_t n = out ? sl_str_len(out) : 0;
        if (out)
                sl_str_append_char(out, '[');
        if (!read_base(c->base, p, len - tail, out)) {
                if (out)
                        str_truncate(out, n);
                return false;
        }
        if (!out)
                return true;
        if (c->window == W_SESSION)
                sl_str_appendf(out, "@%lld/%lld]", (long long)read_be64(p + len - 8),
                               (long long)read_be64(p + len - 16));
        else
                sl_str_appendf(out, "@%lld/-]", (long long)read_be64(p + len - 8));
        return true;
}

/* Drops the candidates that cannot read `s` (a null key/value is skipped). */
static void guess(guesser *g, sl_slice s)
{
        if (s.ptr == NULL)
                return;
        g->seen = true;
        for (size_t i = 0; i < g->n; i++)
                if (g->c[i].alive && !read_candidate(&g->c[i], s.ptr, s.len, NULL))
                        g->c[i].alive = false;
}

/* Appends `s` as the first candidate still possible shows it. */
static void show(guesser *g, sl_slice s, sl_str *out)
{
        if (s.ptr == NULL) {
                sl_str_append(out, "<null>");
                return;
        }
        for (size_t i = 0; i < g->n; i++)
                if (g->c[i].alive && read_candidate(&g->c[i], s.ptr, s.len, out))
                        return;
        sl_str_append(out, "<Failed to deserialize>");
}

/* The format line of `g` ("JSON or KAFKA_STRING") as a heap string. */
static char *format_list(const guesser *g)
{
        sl_str s;
        size_t n = 0;

        if (!g->seen)
                return sl_strdup("\xc2\xaf\\_(\xe3\x83\x84)_/\xc2\xaf - no data processed");
        sl_str_init(&s);
        for (size_t i = 0; i < g->n; i++) {
                const candidate *c = &g->c[i];
                if (!c->alive || c->base == F_BYTES)
                        continue;
                if (n++)
                        sl_str_append(&s, " or ");
                if (c->window != W_NONE)
                        sl_str_appendf(&s, "%s(%s)", window_names[c->window], base_names[c->base]);
                else
                        sl_str_append(&s, base_names[c->base]);
        }
        if (n == 0)
                sl_str_append(&s, " does not match any supported format. It may be a STRING with encoding other "
                                  "than UTF8, or some other format.");
        char *out = sl_strdup(sl_str_cstr(&s));
        sl_str_deinit(&s);
        return out;
}

/* Appends "<prefix><formats>" to `lines` when the list changed since it was last shown. */
static void format_line(guesser *g, const char *prefix, sl_vec *lines)
{
        char *now = format_list(g);

        if (g->shown == NULL || strcmp(g->shown, now) != 0) {
                char *line = sl_asprintf("%s%s", prefix, now);
                sl_vec_push(lines, &line);
                sl_free(g->shown);
                g->shown = now;
        } else {
                sl_free(now);
        }
}

/* The rowtime as ksqlDB prints it: "2022/03/18 15:53:22.989 Z", or N/A. */
static void rowtime(sl_str *out, int64_t ts)
{
        if (ts < 0) {
                sl_str_append(out, "N/A");
                return;
        }
        time_t secs = (time_t)(ts / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        sl_str_appendf(out, "%04d/%02d/%02d %02d:%02d:%02d.%03d Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts % 1000));
}

static bool stopping(printer *pr)
{
        pthread_mutex_lock(&pr->lock);
        bool stop = pr->stop;
        pthread_mutex_unlock(&pr->lock);
        return stop;
}

sl_engine_print_fmt *sl_engine_print_fmt_new(int64_t interval, int64_t limit)
{
        sl_engine_print_fmt *fmt = sl_calloc(1, sizeof(*fmt));
        guesser_init(&fmt->key, true);
        guesser_init(&fmt->value, false);
        fmt->interval = interval > 0 ? interval : 1;
        fmt->limit = limit;
        return fmt;
}

void sl_engine_print_fmt_free(sl_engine_print_fmt *fmt)
{
        if (fmt == NULL)
                return;
        sl_free(fmt->key.shown);
        sl_free(fmt->value.shown);
        sl_free(fmt);
}

bool sl_engine_print_fmt_batch(sl_engine_print_fmt *fmt, const sl_kafka_msg *msgs, size_t n, sl_vec *lines)
{
        sl_str line;
        sl_vec recs;
        bool done = fmt->limit >= 0 && fmt->written >= fmt->limit;

        for (size_t i = 0; i < n; i++) {
                guess(&fmt->key, msgs[i].key);
                guess(&fmt->value, msgs[i].value);
        }
        sl_str_init(&line);
        sl_vec_init(&recs, sizeof(char *));
        for (size_t i = 0; i < n && !done; i++) {
                const sl_kafka_msg *m = &msgs[i];
                if (fmt->polled++ % fmt->interval == 0) {
                        fmt->written++;
                        sl_str_reset(&line);
                        sl_str_append(&line, "rowtime: ");
                        rowtime(&line, m->timestamp);
                        sl_str_append(&line, ", key: ");
                        show(&fmt->key, m->key, &line);
                        sl_str_append(&line, ", value: ");
                        show(&fmt->value, m->value, &line);
                        sl_str_appendf(&line, ", partition: %d", (int)m->partition);
                        char *text = sl_strdup(sl_str_cstr(&line));
                        sl_vec_push(&recs, &text);
                }
                if (fmt->limit >= 0 && fmt->written >= fmt->limit)
                        done = true;
        }
        sl_str_deinit(&line);
        format_line(&fmt->key, "Key format: ", lines);
        format_line(&fmt->value, "Value format: ", lines);
        for (size_t i = 0; i < recs.len; i++)
                sl_vec_push(lines, sl_vec_at(&recs, i));
        sl_vec_deinit(&recs);
        return !done;
}

/* One polled batch through the formatter to the sink. False when printing is over. */
static bool print_batch(printer *pr, const sl_kafka_batch *batch)
{
        sl_vec lines;
        bool go_on = true;

        sl_vec_init(&lines, sizeof(char *));
        bool more = sl_engine_print_fmt_batch(pr->fmt, batch->msgs, batch->len, &lines);
        for (size_t i = 0; i < lines.len; i++) {
                char *text = SL_VEC_AT(&lines, char *, i);
                if (go_on)
                        go_on = pr->sink.line != NULL ? pr->sink.line(pr->sink.ctx, text)
                                                      : pr->sink.row(pr->sink.ctx, text, false);
                sl_free(text);
        }
        sl_vec_deinit(&lines);
        return go_on && more;
}

static void *print_main(void *arg)
{
        printer *pr = arg;
        sl_kafka_batch batch;
        sl_err_detail err;

        sl_kafka_batch_init(&batch);
        while (!stopping(pr)) {
                if (sl_kafka_consumer_poll(pr->consumer, &batch, PRINT_BATCH, PRINT_POLL_MS, &err) != SL_OK) {
                        /* a transient fetch error: log it and keep reading, as the Java consumer does */
                        SL_LOG_DEBUG("engine", "PRINT %s: %s", pr->topic, err.message);
                        continue;
                }
                if (batch.len == 0)
                        continue;
                bool go_on = print_batch(pr, &batch);
                sl_kafka_batch_reset(&batch);
                if (!go_on)
                        break;
        }
        sl_kafka_batch_deinit(&batch);
        /* the end of the lines: no final message (ksqlDB's PRINT just ends the response) */
        if (!stopping(pr))
                pr->sink.end(pr->sink.ctx, NULL, NULL);
        return NULL;
}

static void printer_free(printer *pr)
{
        if (pr == NULL)
                return;
        if (pr->started) {
                pthread_mutex_lock(&pr->lock);
                pr->stop = true;
                pthread_mutex_unlock(&pr->lock);
                pthread_join(pr->thread, NULL);
        }
        sl_kafka_consumer_free(pr->consumer);
        sl_engine_print_fmt_free(pr->fmt);
        sl_free(pr->topic);
        pthread_mutex_destroy(&pr->lock);
        sl_free(pr);
}

void sl_engine_print_close(void *p)
{
        printer_free(p);
}

/* The topic as written: an unquoted name keeps its case (ksqlDB reads PRINT's topic
 * case-sensitively), which the parser's upper-cased identifier lost. */
static char *topic_as_written(const sl_ast_stmt *stmt)
{
        const char *name = stmt->name.name;
        size_t off = stmt->name.pos.offset;

        if (!(stmt->flags & SL_AST_QUOTED) && off >= stmt->text_offset && off - stmt->text_offset < stmt->text_len) {
                const char *raw = stmt->text + (off - stmt->text_offset);
                size_t n = 0;
                while (raw[n] && (raw[n] == '_' || raw[n] == '@' || raw[n] == ':' || raw[n] == '-' || raw[n] == '.' ||
                                  (raw[n] >= '0' && raw[n] <= '9') || (raw[n] >= 'a' && raw[n] <= 'z') ||
                                  (raw[n] >= 'A' && raw[n] <= 'Z')))
                        n++;
                if (n == strlen(name) && sl_str_eqn_ci(raw, name, n))
                        return sl_strndup(raw, n);
        }
        return sl_strdup(name);
}

/* Fails `res` with ksqlDB's unknown-topic error, suggesting topics that differ only in case.
 * Engine lock held. */
static void unknown_topic(sl_engine *engine, const char *topic, sl_engine_result *res)
{
        sl_str msg;
        sl_kafka_topic_info *topics = NULL;
        size_t n = 0, hits = 0;
        sl_err_detail err;

        sl_str_init(&msg);
        sl_str_appendf(&msg, "Could not find topic '%s', or the KSQL user does not have permissions to list the topic. "
                             "Topic names are case-sensitive.", topic);
        if (engine->admin != NULL &&
            sl_kafka_admin_list_topics(engine->admin, false, &res->arena, &topics, &n, PRINT_TIMEOUT_MS, &err) == SL_OK) {
                for (size_t i = 0; i < n; i++) {
                        if (!sl_str_eq_ci(topics[i].name, topic))
                                continue;
                        sl_str_appendf(&msg, "%s\tprint %s;", hits++ ? "\n" : "\nDid you mean:\n", topics[i].name);
                }
        }
        sl_engine_fail(res, SL_ENGINE_BAD_REQUEST, false, NULL, "%s", sl_str_cstr(&msg));
        sl_str_deinit(&msg);
}

sl_err sl_engine_print_start(sl_engine *engine, sl_engine_session *ses, const sl_ast_stmt *stmt,
                             const sl_engine_query_sink *sink, void **out, sl_engine_result *res)
{
        sl_err_detail err;
        sl_kafka_conf conf;
        char bootstrap[512];
        int partitions = 0, replication = 0;
        sl_err rc;

        *out = NULL;
        if (!engine->kafka) {
                sl_engine_fail(res, SL_ENGINE_BAD_STATEMENT, true, stmt->text,
                               "PRINT needs Kafka (sluice.engine.kafka is false)");
                return SL_ERR_UNSUPPORTED;
        }
        if (stmt->interval == 0 || stmt->interval < -1) {
                sl_engine_fail(res, SL_ENGINE_BAD_REQUEST, false, NULL, "INTERVAL must be greater than one, but was: %lld",
                               (long long)stmt->interval);
                return SL_ERR_INVALID;
        }
        printer *pr = sl_calloc(1, sizeof(*pr));
        pthread_mutex_init(&pr->lock, NULL);
        pr->sink = *sink;
        pr->topic = topic_as_written(stmt);
        pr->fmt = sl_engine_print_fmt_new(stmt->interval, stmt->limit);
        pthread_mutex_lock(&engine->lock);
        sl_engine_topics_describe(engine, pr->topic, &res->arena, &partitions, &replication);
        if (partitions <= 0)
                unknown_topic(engine, pr->topic, res);
        pthread_mutex_unlock(&engine->lock);
        if (partitions <= 0) {
                rc = SL_ERR_NOT_FOUND;
                goto fail;
        }
        const char *reset = sl_engine_session_prop(engine, ses, "ksql.streams.auto.offset.reset");
        bool from_start = (stmt->flags & SL_AST_FROM_BEGINNING) || (reset != NULL && strcmp(reset, "earliest") == 0);
        sl_kafka_conf_init(&conf);
        sl_engine_bootstrap(engine, bootstrap, sizeof(bootstrap));
        sl_kafka_conf_set(&conf, "bootstrap.servers", bootstrap);
        rc = sl_kafka_consumer_new(&conf, &pr->consumer, &err);
        sl_kafka_conf_deinit(&conf);
        if (rc == SL_OK) {
                sl_kafka_tpo *parts = sl_calloc((size_t)partitions, sizeof(*parts));
                for (int i = 0; i < partitions; i++)
                        parts[i] = (sl_kafka_tpo){pr->topic, i, from_start ? SL_KAFKA_OFFSET_BEGINNING : SL_KAFKA_OFFSET_END};
                rc = sl_kafka_consumer_assign(pr->consumer, parts, (size_t)partitions, &err);
                sl_free(parts);
        }
        if (rc != SL_OK) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not read topic %s: %s", pr->topic,
                               err.message);
                goto fail;
        }
        if (pthread_create(&pr->thread, NULL, print_main, pr) != 0) {
                sl_engine_fail(res, SL_ENGINE_SERVER_ERROR, true, stmt->text, "Could not start printing topic %s",
                               pr->topic);
                rc = SL_ERR_IO;
                goto fail;
        }
        pr->started = true;
        *out = pr;
        return SL_OK;
fail:
        printer_free(pr);
        return rc;
}
