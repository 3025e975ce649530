/* nexmark_engine.c: Mode C of bench/nexmark (the engine alone, comparable with published
 * per-core Nexmark figures) and the micro-benchmark ceilings of the engine's hot paths.
 *
 *   nexmark_engine run SQLFILE EVENTS QUERY [PARTITIONS [MAX_CPU_SECONDS]]
 *       Parses, analyzes and plans every statement of SQLFILE (one statement per ';'-terminated
 *       block) against an in-memory catalog, as the engine and the conformance runner do, then
 *       runs query QUERY (its sink name) and the queries it reads from (q7 reads bid_one...):
 *       generated events go as sl_kafka_msg batches of up to 1000 records straight into
 *       sl_task_process of every task reading their topic and partition; what a sink writes to a
 *       topic another task of the set reads (repartition topics, an upstream query's sink) is
 *       fed on to it, everything else is counted and discarded by a no-op sl_exec_output.
 *       The clock runs only around the engine calls (generation is excluded, as Nexmark's
 *       published figures exclude their source). Prints one line of "key=value" fields:
 *       status (ok / unsupported / error), message, events, outputs, seconds, cpu, rss_kb, and
 *       for the stateless queries with a recomputation, check (pass / FAIL) with expected. With
 *       MAX_CPU_SECONDS, a query that has used that much engine CPU stops at the next chunk:
 *       events then counts the events fed, and truncated=1 is printed (no check).
 *   nexmark_engine explain SQLFILE QUERY
 *       Prints the query's plan as EXPLAIN does.
 *   nexmark_engine micro SQLFILE EVENTS
 *       Ceilings: the bid source's JSON value serde decoding generated bids (records/s), and
 *       count-per-auction updates through a state kv store with its write cache (updates/s).
 *
 * Stores get ksqlDB's default 10 MB write cache and private temp dirs without changelogs; every
 * 2M events all tasks flush, as a commit would.
 * Events are keyed and partitioned as in Mode A: KAFKA BIGINT keys, murmur2 over PARTITIONS
 * (default 2). Record time is the wall clock (q12's processing time); the other sources take
 * date_time as their TIMESTAMP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/arena.h"
#include "common/map.h"
#include "common/mem.h"
#include "common/str.h"
#include "exec/driver.h"
#include "exec/task.h"
#include "func/registry.h"
#include "plan/plan.h"
#include "serde/serde.h"
#include "sql/analyze.h"
#include "sql/catalog.h"
#include "sql/parse.h"
#include "state/kv_store.h"
#include "state/state_db.h"

#include "nexmark_gen.h"

#define MAX_STMTS 64
#define MAX_TASKS 256
#define BATCH 1000
#define MAX_PARTS 16
/* ksqlDB's default ksql.streams.cache.max.bytes.buffering */
#define CACHE_BYTES 10000000
/* a commit (flush of every task: sinks and store caches) every this many events, standing for
 * commit.interval.ms (2 s) at about a million events per second */
#define COMMIT_EVENTS 2000000

static double mono(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t wall_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the statements ---- */

typedef struct stmt {
        char name[64];        /* sink of a C*AS, lower case; "" for DDL */
        sl_ast_stmt *ast;     /* owned; plans borrow it */
        sl_plan *plan;        /* C*AS that planned */
        char why[600];        /* why it did not plan */
        int unsupported;      /* why is the engine's refusal (not a bench bug) */
} stmt;

static stmt stmts[MAX_STMTS];
static size_t nstmts;

static char *read_text(const char *path)
{
        FILE *f = fopen(path, "rb");
        char *buf;
        long n;

        if (!f) {
                perror(path);
                exit(2);
        }
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = sl_malloc((size_t)n + 1);
        if (fread(buf, 1, (size_t)n, f) != (size_t)n)
                exit(2);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

/* "CREATE STREAM q0 [WITH (...)] AS SELECT ..." -> "q0" */
static void sink_name(const char *text, char *out, size_t outlen)
{
        char kw1[32], kw2[32], name[64];
        const char *sel = strcasestr(text, "SELECT");

        out[0] = '\0';
        if (sscanf(text, " %31s %31s %63s", kw1, kw2, name) == 3 && strcasecmp(kw1, "CREATE") == 0 && sel &&
            (strcasecmp(kw2, "STREAM") == 0 || strcasecmp(kw2, "TABLE") == 0)) {
                for (char *p = name; *p; p++)
                        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
                snprintf(out, outlen, "%s", name);
        }
}

/* Splits the file at ';' ending a line, skipping "--" comment lines, and runs every statement
 * through parse, analyze, plan, apply. */
static void load_statements(const char *path, sl_catalog *cat, const sl_func_registry *reg)
{
        char *text = read_text(path);
        sl_str cur;
        char *line, *save = NULL;
        sl_analyze_ctx ctx = {.cat = cat, .reg = reg};
        sl_plan_ctx pctx = {.reg = reg};

        sl_str_init(&cur);
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                const char *p = line;
                size_t len;

                while (*p == ' ')
                        p++;
                if (strncmp(p, "--", 2) == 0 || *p == '\0')
                        continue;
                sl_str_append(&cur, line);
                sl_str_append_char(&cur, '\n');
                len = strlen(line);
                while (len && (line[len - 1] == ' ' || line[len - 1] == '\r'))
                        len--;
                if (!len || line[len - 1] != ';')
                        continue;
                if (nstmts == MAX_STMTS)
                        break;
                stmt *s = &stmts[nstmts++];
                sl_err_detail e;
                sl_analysis *a = NULL;
                sl_err rc;

                sl_err_clear(&e);
                sink_name(sl_str_cstr(&cur), s->name, sizeof(s->name));
                if ((rc = sl_parse_statement(sl_str_cstr(&cur), NULL, &s->ast, &e)) != SL_OK) {
                        snprintf(s->why, sizeof(s->why), "%s", e.message);
                        s->unsupported = 1;
                } else if ((rc = sl_analyze(&ctx, s->ast, &a, &e)) != SL_OK) {
                        snprintf(s->why, sizeof(s->why), "%s", e.message);
                        s->unsupported = 1;
                } else if (a->query_id && a->has_query) {
                        if ((rc = sl_plan_build(&pctx, a, &s->plan, &e)) != SL_OK) {
                                snprintf(s->why, sizeof(s->why), "%s", e.message);
                                s->unsupported = 1;
                                sl_analysis_free(a);
                        } else if ((rc = sl_analysis_apply(cat, a, &e)) != SL_OK) {
                                snprintf(s->why, sizeof(s->why), "apply: %s", e.message);
                                sl_plan_free(s->plan);
                                s->plan = NULL;
                        }
                } else {
                        if ((rc = sl_analysis_apply(cat, a, &e)) != SL_OK)
                                snprintf(s->why, sizeof(s->why), "apply: %s", e.message);
                        sl_analysis_free(a);
                }
                if (s->why[0] && !s->name[0])
                        fprintf(stderr, "nexmark_engine: statement %zu: %s\n", nstmts, s->why);
                sl_str_reset(&cur);
        }
        sl_str_deinit(&cur);
        sl_free(text);
}

static stmt *find_query(const char *name)
{
        for (size_t i = 0; i < nstmts; i++)
                if (strcasecmp(stmts[i].name, name) == 0)
                        return &stmts[i];
        return NULL;
}

/* ---- the set of queries a run feeds ---- */

static bool sub_reads(const sl_plan_sub *sub, const char *topic)
{
        for (size_t i = 0; i < sub->nsources; i++)
                if (strcmp(sub->sources[i]->u.source.topic.name, topic) == 0)
                        return true;
        return false;
}

static const char *sink_topic(const sl_plan *plan)
{
        for (size_t i = 0; i < plan->nnodes; i++)
                if (plan->nodes[i]->kind == SL_PLAN_SINK)
                        return plan->nodes[i]->u.sink.topic.name;
        return NULL;
}

static bool plan_reads(const sl_plan *plan, const char *topic)
{
        for (size_t s = 0; s < plan->nsubs; s++)
                if (sub_reads(&plan->subs[s], topic))
                        return true;
        return false;
}

/* One task of the run. */
typedef struct run_task {
        const sl_plan *plan;
        size_t sub;
        int32_t partition;
        sl_task *task;
} run_task;

/* A record a sink wrote that some task of the run reads. */
typedef struct pending {
        char *topic;
        int32_t partition;
        sl_slice key, value;
        int64_t ts;
} pending;

typedef struct run {
        sl_exec_output out;        /* must be first: the no-op output */
        const sl_plan *plans[MAX_STMTS];
        size_t nplans;
        sl_proclog logs[MAX_STMTS];
        run_task tasks[MAX_TASKS];
        size_t ntasks;
        int partitions;
        const char *final_topic;   /* the target's sink */
        uint64_t outputs;          /* records written to final_topic */
        uint64_t out_bytes;
        uint64_t out_hash;         /* sum of fnv hashes of key+value (order independent) */
        bool want_hash;            /* a recomputation checks out_hash */
        bool want_last;            /* a recomputation checks the last value per key */
        sl_map last;               /* key bytes -> heap copy of the last value (NUL-terminated) */
        uint64_t discarded;        /* other records nobody in the run reads (changelogs...) */
        pending *queue;            /* records to feed on */
        size_t nqueue, capqueue;
        int64_t next_offset[MAX_STMTS * 4][MAX_PARTS]; /* per internal topic index and partition */
        const char *topics[MAX_STMTS * 4];
        size_t ntopics;
} run;

/* a 64-bit hash, eight bytes a step (the checks hash every output record inside the timed part) */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
        const unsigned char *s = p;
        size_t i = 0;

        for (; i + 8 <= n; i += 8) {
                uint64_t w;

                memcpy(&w, s + i, 8);
                h = (h ^ w) * 0x9e3779b97f4a7c15ull;
                h ^= h >> 29;
        }
        for (; i < n; i++)
                h = (h ^ s[i]) * 0x100000001b3ull;
        return h;
}

static bool run_reads(const run *r, const char *topic)
{
        for (size_t i = 0; i < r->nplans; i++)
                if (plan_reads(r->plans[i], topic))
                        return true;
        return false;
}

static void *dup_bytes(sl_slice s)
{
        void *p = sl_malloc(s.len ? s.len : 1);

        if (s.len)
                memcpy(p, s.ptr, s.len);
        return p;
}

static sl_err out_write(sl_exec_output *out, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                        const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err)
{
        run *r = (run *)out;

        (void)headers;
        (void)nheaders;
        (void)err;
        if (strcmp(topic, r->final_topic) == 0) {
                r->outputs++;
                r->out_bytes += key.len + value.len;
                if (r->want_hash)
                        r->out_hash += fnv(fnv(0xcbf29ce484222325ull, key.ptr, key.len), value.ptr, value.len);
                if (r->want_last && key.ptr) {
                        char *v = value.ptr ? sl_strndup((const char *)value.ptr, value.len) : NULL;

                        sl_free(sl_map_put(&r->last, key.ptr, key.len, v));
                }
                if (!run_reads(r, topic))
                        return SL_OK;
        } else if (!run_reads(r, topic)) {
                r->discarded++;
                return SL_OK;
        }
        if (r->nqueue == r->capqueue) {
                r->capqueue = r->capqueue ? 2 * r->capqueue : 4096;
                r->queue = sl_realloc(r->queue, r->capqueue * sizeof(*r->queue));
        }
        pending *p = &r->queue[r->nqueue++];
        p->topic = sl_strdup(topic);
        p->partition = partition >= 0 && partition < r->partitions ? partition
                                                                   : sl_exec_partition_of(key, r->partitions);
        p->key = key.ptr ? SL_SLICE(dup_bytes(key), key.len) : SL_SLICE(NULL, 0);
        p->value = value.ptr ? SL_SLICE(dup_bytes(value), value.len) : SL_SLICE(NULL, 0);
        p->ts = ts;
        return SL_OK;
}

static sl_err out_flush(sl_exec_output *out, sl_err_detail *err)
{
        (void)out;
        (void)err;
        return SL_OK;
}

static sl_task *task_for(run *r, size_t planidx, size_t sub, int32_t partition, sl_err_detail *err)
{
        const sl_plan *plan = r->plans[planidx];

        for (size_t i = 0; i < r->ntasks; i++)
                if (r->tasks[i].plan == plan && r->tasks[i].sub == sub && r->tasks[i].partition == partition)
                        return r->tasks[i].task;
        if (r->ntasks == MAX_TASKS)
                return NULL;
        run_task *t = &r->tasks[r->ntasks];
        t->plan = plan;
        t->sub = sub;
        t->partition = partition;
        if (sl_task_new(plan, sub, partition, &r->out, &r->logs[planidx], &t->task, err) != SL_OK)
                return NULL;
        r->ntasks++;
        return t->task;
}

static int64_t *offsets_of(run *r, const char *topic)
{
        for (size_t i = 0; i < r->ntopics; i++)
                if (strcmp(r->topics[i], topic) == 0)
                        return r->next_offset[i];
        r->topics[r->ntopics] = sl_strdup(topic);
        return r->next_offset[r->ntopics++];
}

/* Feeds msgs (one topic and partition, in offset order) to every task of the run reading it. */
static sl_err feed(run *r, const sl_kafka_msg *msgs, size_t n, sl_err_detail *err)
{
        sl_err rc;

        for (size_t q = 0; q < r->nplans; q++)
                for (size_t s = 0; s < r->plans[q]->nsubs; s++) {
                        if (!sub_reads(&r->plans[q]->subs[s], msgs[0].topic))
                                continue;
                        sl_task *task = task_for(r, q, s, msgs[0].partition, err);
                        if (!task)
                                return err->code ? err->code : SL_ERR_INTERNAL;
                        if ((rc = sl_task_process(task, msgs, n, err)) != SL_OK)
                                return rc;
                }
        return SL_OK;
}

/* Feeds on what sinks wrote for other tasks of the run, until nothing is left. */
static sl_err drain(run *r, sl_err_detail *err)
{
        static sl_kafka_msg msgs[BATCH];
        sl_err rc = SL_OK;

        while (r->nqueue) {
                pending *q = r->queue;
                size_t n = r->nqueue;

                r->queue = NULL;
                r->nqueue = r->capqueue = 0;
                /* group by (topic, partition), keeping order within each */
                for (size_t i = 0; i < n && rc == SL_OK; i++) {
                        if (!q[i].topic)
                                continue;
                        size_t m = 0;
                        int64_t *off = offsets_of(r, q[i].topic);
                        const char *topic = q[i].topic;
                        int32_t part = q[i].partition;

                        for (size_t j = i; j < n; j++) {
                                if (!q[j].topic || q[j].partition != part || strcmp(q[j].topic, topic) != 0)
                                        continue;
                                msgs[m] = (sl_kafka_msg){.topic = topic,
                                                         .partition = part,
                                                         .offset = off[part]++,
                                                         .timestamp = q[j].ts,
                                                         .key = q[j].key,
                                                         .value = q[j].value};
                                if (j != i) {
                                        sl_free(q[j].topic);
                                        q[j].topic = NULL;
                                }
                                m++;
                                if (m == BATCH) {
                                        if ((rc = feed(r, msgs, m, err)) != SL_OK)
                                                break;
                                        m = 0;
                                }
                        }
                        if (rc == SL_OK && m)
                                rc = feed(r, msgs, m, err);
                        sl_free((char *)topic);
                        q[i].topic = NULL;
                }
                for (size_t i = 0; i < n; i++) {
                        sl_free((void *)q[i].key.ptr);
                        sl_free((void *)q[i].value.ptr);
                        sl_free(q[i].topic);
                }
                sl_free(q);
                if (rc != SL_OK)
                        return rc;
        }
        return rc;
}

/* ---- recomputation of the stateless queries' results ---- */

typedef struct expect {
        bool known;        /* a recomputation exists for this query */
        bool hashed;       /* out_hash too, not just the count */
        bool per_key;      /* the last value per key instead of count and hash */
        uint64_t count;
        uint64_t hash;
        sl_map agg;        /* per_key: auction key bytes -> agg_state */
        /* joins (q3, q20): what exists by the end of the chunk being generated, when every
         * person and auction of the chunk has been fed before its bids (see run_query) */
        const char **person_state;   /* by person id - 1000: its state */
        int64_t *auction_cat;        /* by auction id - 1000: its category */
        size_t npersons, nauctions, cap_persons, cap_auctions;
        int64_t *wait_a;             /* the chunk's q3 sellers / q20 auctions to resolve */
        size_t nwait, cap_wait;
} expect;

/* bids_by_auction's recomputation for one auction */
typedef struct agg_state {
        int64_t n;
        int64_t max;
} agg_state;

static bool has_channel_id(const char *url)
{
        const char *p = strstr(url, "channel_id=");

        return p && (p == url || p[-1] == '&');
}

static void expect_add(const char *q, const nexmark_event *ev, expect *x)
{
        char val[1024];
        unsigned char key[8];
        int len;

        if (strcmp(q, "q3") == 0 || strcmp(q, "q20") == 0) {
                x->known = true;
                if (ev->kind == NEXMARK_PERSON) {
                        size_t i = (size_t)(ev->id - 1000);
                        if (i >= x->cap_persons) {
                                x->cap_persons = 2 * i + 1024;
                                x->person_state = sl_realloc(x->person_state, x->cap_persons * sizeof(char *));
                        }
                        x->person_state[i] = ev->state;
                        x->npersons = i + 1;
                } else if (ev->kind == NEXMARK_AUCTION) {
                        size_t i = (size_t)(ev->id - 1000);
                        if (i >= x->cap_auctions) {
                                x->cap_auctions = 2 * i + 1024;
                                x->auction_cat = sl_realloc(x->auction_cat, x->cap_auctions * sizeof(int64_t));
                        }
                        x->auction_cat[i] = ev->category;
                        x->nauctions = i + 1;
                }
                if ((q[1] == '3' && ev->kind == NEXMARK_AUCTION && ev->category == 10) ||
                    (q[1] == '2' && ev->kind == NEXMARK_BID)) {
                        if (x->nwait == x->cap_wait) {
                                x->cap_wait = x->cap_wait ? 2 * x->cap_wait : 4096;
                                x->wait_a = sl_realloc(x->wait_a, x->cap_wait * sizeof(int64_t));
                        }
                        x->wait_a[x->nwait++] = ev->kind == NEXMARK_AUCTION ? ev->seller : ev->auction;
                }
                return;
        }
        if (strcmp(q, "q13") == 0) {
                x->known = true;
                x->count += ev->kind == NEXMARK_BID;
                return;
        }
        if (ev->kind != NEXMARK_BID)
                return;
        nexmark_key_bytes(ev->auction, key);
        if (strcmp(q, "q0") == 0) {
                x->known = x->hashed = true;
                len = snprintf(val, sizeof(val), "{\"BIDDER\":%lld,\"PRICE\":%lld,\"DATE_TIME\":%lld,\"EXTRA\":\"%s\"}",
                               (long long)ev->bidder, (long long)ev->price, (long long)ev->date_time, ev->extra);
                x->count++;
                x->hash += fnv(fnv(0xcbf29ce484222325ull, key, 8), val, (size_t)len);
        } else if (strcmp(q, "q2") == 0) {
                x->known = x->hashed = true;
                if (ev->auction % 123 != 0)
                        return;
                len = snprintf(val, sizeof(val), "{\"PRICE\":%lld}", (long long)ev->price);
                x->count++;
                x->hash += fnv(fnv(0xcbf29ce484222325ull, key, 8), val, (size_t)len);
        } else if (strcmp(q, "bids_by_auction") == 0) {
                agg_state *st = sl_map_get(&x->agg, key, 8);

                x->known = x->per_key = true;
                if (!st) {
                        st = sl_calloc(1, sizeof(*st));
                        st->max = ev->price;
                        sl_map_put(&x->agg, key, 8, st);
                }
                st->n++;
                st->max = ev->price > st->max ? ev->price : st->max;
        } else if (strcmp(q, "q1") == 0 || strcmp(q, "q22") == 0 || strcmp(q, "bid13") == 0) {
                x->known = true;
                x->count++;
        } else if (strcmp(q, "q14") == 0) {
                double eur = (double)ev->price * 0.908;

                x->known = true;
                x->count += eur > 1000000 && eur < 50000000;
        } else if (strcmp(q, "q21") == 0) {
                const char *c = ev->channel;

                x->known = true;
                x->count += has_channel_id(ev->url) || strcasecmp(c, "apple") == 0 || strcasecmp(c, "google") == 0 ||
                            strcasecmp(c, "facebook") == 0 || strcasecmp(c, "baidu") == 0;
        }
}

/* At the end of a generated chunk: resolves the joins' waiting records against what exists now. */
static void expect_chunk_end(const char *q, expect *x)
{
        for (size_t i = 0; i < x->nwait; i++) {
                size_t id = (size_t)(x->wait_a[i] - 1000);

                if (q[1] == '3') {
                        const char *st = id < x->npersons ? x->person_state[id] : NULL;
                        x->count += st && (strcmp(st, "OR") == 0 || strcmp(st, "ID") == 0 || strcmp(st, "CA") == 0);
                } else {
                        x->count += id < x->nauctions && x->auction_cat[id] == 10;
                }
        }
        x->nwait = 0;
}

/* ---- run ---- */

static long rss_kb(void)
{
        struct rusage ru;

        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_maxrss;
}

static void print_status(const char *query, const char *status, const char *msg)
{
        printf("query=%s status=%s message=\"", query, status);
        for (const char *p = msg; *p; p++)
                putchar(*p == '"' ? '\'' : *p == '\n' ? ' ' : *p);
        printf("\"");
}

/* side input of q13: keys 0..9999, value {"V":"side-<k>"} */
static void feed_side_input(run *r, sl_err_detail *err)
{
        static sl_kafka_msg msgs[MAX_PARTS][BATCH];
        static unsigned char keys[10000][8];
        static char vals[10000][32];
        size_t n[MAX_PARTS] = {0};
        int64_t *off = offsets_of(r, "side-input");

        if (!run_reads(r, "side-input"))
                return;
        for (int k = 0; k < 10000; k++) {
                nexmark_key_bytes(k, keys[k]);
                int len = snprintf(vals[k], sizeof(vals[k]), "{\"v\":\"side-%d\"}", k);
                sl_slice key = SL_SLICE(keys[k], 8);
                int32_t p = sl_exec_partition_of(key, r->partitions);

                msgs[p][n[p]] = (sl_kafka_msg){.topic = "side-input", .partition = p, .offset = off[p]++,
                                               .timestamp = 0, .key = key, .value = SL_SLICE(vals[k], (size_t)len)};
                if (++n[p] == BATCH) {
                        feed(r, msgs[p], n[p], err);
                        n[p] = 0;
                }
        }
        for (int p = 0; p < r->partitions; p++)
                if (n[p])
                        feed(r, msgs[p], n[p], err);
        drain(r, err);
}

static int run_query(const char *query, long events, int partitions, double max_secs)
{
        stmt *target = find_query(query);
        static run r;
        sl_err_detail err;
        nexmark_conf conf;
        expect x = {0};
        double secs = 0, cpu = 0;
        bool truncated = false;
        sl_err rc = SL_OK;

        sl_err_clear(&err);
        if (!target) {
                print_status(query, "error", "no such query in the SQL file");
                printf("\n");
                return 1;
        }
        if (!target->plan) {
                print_status(query, target->unsupported ? "unsupported" : "error", target->why);
                printf("\n");
                return 0;
        }
        r.out.write = out_write;
        r.out.flush = out_flush;
        r.out.state_dir = NULL; /* private temp dirs, no changelogs */
        r.out.state_cache_bytes = CACHE_BYTES;
        r.partitions = partitions;
        r.final_topic = sink_topic(target->plan);
        r.want_hash = strcmp(query, "q0") == 0 || strcmp(query, "q2") == 0;
        r.want_last = strcmp(query, "bids_by_auction") == 0;
        sl_map_init(&r.last, false);
        r.plans[r.nplans++] = target->plan;
        /* upstream queries: those whose sink a member reads */
        for (bool grew = true; grew;) {
                grew = false;
                for (size_t i = 0; i < nstmts; i++) {
                        bool in = false;
                        const char *t;

                        if (!stmts[i].plan)
                                continue;
                        for (size_t k = 0; k < r.nplans; k++)
                                in |= r.plans[k] == stmts[i].plan;
                        if (in || !(t = sink_topic(stmts[i].plan)) || !run_reads(&r, t))
                                continue;
                        r.plans[r.nplans++] = stmts[i].plan;
                        grew = true;
                }
        }
        for (size_t i = 0; i < r.nplans; i++)
                sl_proclog_init(&r.logs[i], r.plans[i]->query_id);
        feed_side_input(&r, &err);

        nexmark_conf_default(&conf);
        sl_map_init(&x.agg, false);
        {
                enum { CHUNK = 16384 };
                static nexmark_event ev;
                static sl_kafka_msg msgs[3][MAX_PARTS][CHUNK];
                static unsigned char keys[CHUNK][8];
                char *store = sl_malloc((size_t)CHUNK * 1100);
                size_t n[3][MAX_PARTS];
                bool wanted[3];
                int64_t *off[3];

                for (int k = 0; k < 3; k++) {
                        wanted[k] = run_reads(&r, nexmark_topic((nexmark_kind)k));
                        off[k] = offsets_of(&r, nexmark_topic((nexmark_kind)k));
                }
                for (long base = 0; base < events && rc == SL_OK; base += CHUNK) {
                        if (max_secs > 0 && cpu > max_secs) {
                                /* a slow query: stop here, its rate stands for the rest */
                                events = base;
                                truncated = true;
                                break;
                        }
                        long m = events - base < CHUNK ? events - base : CHUNK;
                        size_t used = 0;
                        int64_t now = wall_ms();

                        memset(n, 0, sizeof(n));
                        for (long i = 0; i < m; i++) {
                                nexmark_event_make(&conf, (uint64_t)(base + i), &ev);
                                expect_add(query, &ev, &x);
                                if (!wanted[ev.kind])
                                        continue;
                                nexmark_key_bytes(ev.key, keys[i]);
                                sl_slice key = SL_SLICE(keys[i], 8);
                                int32_t p = sl_exec_partition_of(key, partitions);
                                memcpy(store + used, ev.json, ev.json_len);
                                msgs[ev.kind][p][n[ev.kind][p]++] =
                                        (sl_kafka_msg){.topic = nexmark_topic(ev.kind), .partition = p,
                                                       .offset = off[ev.kind][p]++, .timestamp = now, .key = key,
                                                       .value = SL_SLICE(store + used, ev.json_len)};
                                used += ev.json_len;
                        }
                        expect_chunk_end(query, &x);
                        double w0 = mono(), c0 = cpu_now();
                        /* feed in slices of BATCH, interleaving topics and partitions */
                        for (size_t at = 0; rc == SL_OK; at += BATCH) {
                                bool any = false;

                                for (int k = 0; k < 3 && rc == SL_OK; k++)
                                        for (int p = 0; p < partitions && rc == SL_OK; p++) {
                                                if (n[k][p] <= at)
                                                        continue;
                                                size_t len = n[k][p] - at < BATCH ? n[k][p] - at : BATCH;
                                                any = true;
                                                if ((rc = feed(&r, &msgs[k][p][at], len, &err)) == SL_OK)
                                                        rc = drain(&r, &err);
                                        }
                                if (!any)
                                        break;
                        }
                        if (rc == SL_OK && (base + m) / COMMIT_EVENTS != base / COMMIT_EVENTS)
                                for (size_t i = 0; i < r.ntasks && rc == SL_OK; i++)
                                        if ((rc = sl_task_flush(r.tasks[i].task, &err)) == SL_OK)
                                                rc = drain(&r, &err);
                        secs += mono() - w0;
                        cpu += cpu_now() - c0;
                }
                double w0 = mono(), c0 = cpu_now();
                for (size_t i = 0; i < r.ntasks && rc == SL_OK; i++) {
                        rc = sl_task_flush(r.tasks[i].task, &err);
                        if (rc == SL_OK)
                                rc = drain(&r, &err);
                }
                secs += mono() - w0;
                cpu += cpu_now() - c0;
                sl_free(store);
        }
        uint64_t skipped = 0;
        for (size_t i = 0; i < r.nplans; i++)
                skipped += sl_proclog_skipped(&r.logs[i]);
        if (rc != SL_OK) {
                print_status(query, "error", err.message);
        } else {
                print_status(query, "ok", "");
        }
        printf(" events=%ld outputs=%llu out_bytes=%llu seconds=%.4f cpu=%.4f rss_kb=%ld skipped=%llu queries=%zu",
               events, (unsigned long long)r.outputs, (unsigned long long)r.out_bytes, secs, cpu, rss_kb(),
               (unsigned long long)skipped, r.nplans);
        if (truncated)
                printf(" truncated=1");
        if (x.known && !truncated && x.per_key) {
                /* every key's last value equals the recomputation */
                sl_map_iter it;
                const void *k;
                size_t klen;
                void *v;
                uint64_t keys = 0, bad = 0;
                char want[128], *got;

                sl_map_iter_init(&it, &x.agg);
                while (sl_map_iter_next(&it, &k, &klen, &v)) {
                        agg_state *st = v;

                        snprintf(want, sizeof(want), "{\"N\":%lld,\"MAX_PRICE\":%lld}", (long long)st->n,
                                 (long long)st->max);
                        got = sl_map_get(&r.last, k, klen);
                        keys++;
                        if (!got || strcmp(got, want) != 0) {
                                if (!bad)
                                        fprintf(stderr, "nexmark_engine: %s: want %s, got %s\n", query, want,
                                                got ? got : "nothing");
                                bad++;
                        }
                        sl_free(v);
                }
                printf(" check=%s expected=%llu keys_wrong=%llu", bad || keys != sl_map_len(&r.last) ? "FAIL" : "pass",
                       (unsigned long long)keys, (unsigned long long)bad);
        } else if (x.known && !truncated) {
                bool ok = x.count == r.outputs && (!x.hashed || x.hash == r.out_hash);

                printf(" check=%s expected=%llu", ok ? "pass" : "FAIL", (unsigned long long)x.count);
                if (x.hashed && x.hash != r.out_hash)
                        printf(" hash_mismatch=1");
        }
        sl_map_deinit(&x.agg);
        sl_free(x.person_state);
        sl_free(x.auction_cat);
        sl_free(x.wait_a);
        {
                sl_map_iter it;
                const void *k;
                size_t klen;
                void *v;

                sl_map_iter_init(&it, &r.last);
                while (sl_map_iter_next(&it, &k, &klen, &v))
                        sl_free(v);
                sl_map_deinit(&r.last);
        }
        printf("\n");
        for (size_t i = 0; i < r.ntasks; i++)
                sl_task_free(r.tasks[i].task);
        for (size_t i = 0; i < r.nplans; i++)
                sl_proclog_deinit(&r.logs[i]);
        return rc == SL_OK ? 0 : 1;
}

/* ---- micro-benchmark ceilings ---- */

static int micro(long events)
{
        sl_err_detail err;
        nexmark_conf conf;
        static nexmark_event ev;
        const sl_plan *plan = NULL;
        const sl_plan_node *src = NULL;

        sl_err_clear(&err);
        for (size_t i = 0; i < nstmts && !src; i++)
                if (stmts[i].plan && strcmp(stmts[i].name, "q0") == 0)
                        plan = stmts[i].plan;
        if (!plan) {
                fprintf(stderr, "micro: q0 did not plan\n");
                return 1;
        }
        src = plan->subs[0].source;
        /* bids in memory */
        size_t cap = (size_t)events * 260, used = 0, nb = 0;
        char *store = sl_malloc(cap);
        size_t *offs = sl_malloc((size_t)events * sizeof(size_t) + sizeof(size_t));
        int64_t *auctions = sl_malloc((size_t)events * sizeof(int64_t) + sizeof(int64_t));

        nexmark_conf_default(&conf);
        for (long i = 0; i < events; i++) {
                nexmark_event_make(&conf, (uint64_t)i, &ev);
                if (ev.kind != NEXMARK_BID || used + ev.json_len > cap)
                        continue;
                memcpy(store + used, ev.json, ev.json_len);
                offs[nb] = used;
                auctions[nb] = ev.auction;
                used += ev.json_len;
                nb++;
        }
        offs[nb] = used;
        /* JSON decode of a bid with the bid stream's value serde */
        {
                sl_arena arena;
                sl_serde_scratch scratch = {0};
                sl_value row[64];
                bool isnull;
                size_t width = src->width < 64 ? src->width : 64;
                long bad = 0;

                (void)width;
                sl_arena_init(&arena, 64 * 1024);
                double w0 = mono(), c0 = cpu_now();
                for (size_t i = 0; i < nb; i++) {
                        sl_slice in = SL_SLICE(store + offs[i], offs[i + 1] - offs[i]);

                        if (sl_serde_deserialize(src->u.source.topic.value_serde, in, &arena, &scratch, row, &isnull,
                                                 &err) != SL_OK)
                                bad++;
                        if ((i & 1023) == 1023)
                                sl_arena_reset(&arena);
                }
                double w = mono() - w0, c = cpu_now() - c0;
                printf("micro=json_decode_bid records=%zu seconds=%.4f cpu=%.4f rate=%.0f bad=%ld bytes_per_s=%.0f\n",
                       nb, w, c, (double)nb / c, bad, (double)used / c);
                sl_serde_scratch_deinit(&scratch);
                sl_arena_deinit(&arena);
        }
        /* count per auction through a state kv store with its write cache, commit every 100k */
        {
                char dir[] = "/tmp/nexmark-micro-XXXXXX";
                sl_state_db_opts o;
                sl_state_db *db = NULL;
                sl_state_kv *kv = NULL;

                if (!mkdtemp(dir))
                        return 1;
                sl_state_db_opts_init(&o);
                o.cache_max_bytes = 10u << 20;
                if (sl_state_db_open(dir, &o, &db, &err) != SL_OK ||
                    sl_state_kv_open(db, "agg", NULL, &kv, &err) != SL_OK) {
                        fprintf(stderr, "micro: state: %s\n", err.message);
                        return 1;
                }
                double w0 = mono(), c0 = cpu_now();
                for (size_t i = 0; i < nb; i++) {
                        unsigned char key[8];
                        sl_slice v;
                        bool found;
                        uint64_t cnt = 0;

                        nexmark_key_bytes(auctions[i], key);
                        if (sl_state_kv_get(kv, SL_SLICE(key, 8), &v, &found, &err) != SL_OK)
                                break;
                        if (found && v.len == 8)
                                memcpy(&cnt, v.ptr, 8);
                        cnt++;
                        if (sl_state_kv_put(kv, SL_SLICE(key, 8), SL_SLICE(&cnt, 8), (int64_t)i, &err) != SL_OK)
                                break;
                        if (i % 100000 == 99999 && sl_state_db_commit(db, &err) != SL_OK)
                                break;
                }
                sl_state_db_commit(db, &err);
                double w = mono() - w0, c = cpu_now() - c0;
                printf("micro=state_cache_update updates=%zu seconds=%.4f cpu=%.4f rate=%.0f\n", nb, w, c,
                       (double)nb / c);
                sl_state_db_close(db);
                sl_state_db_destroy(dir, &err);
        }
        sl_free(store);
        sl_free(offs);
        sl_free(auctions);
        return 0;
}

int main(int argc, char **argv)
{
        sl_err_detail err;
        sl_func_registry *reg;
        sl_catalog *cat;
        int rc;

        if (argc < 4 || (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "micro") != 0 && strcmp(argv[1], "explain") != 0)) {
                fprintf(stderr, "usage: nexmark_engine run SQLFILE EVENTS QUERY [PARTITIONS [MAX_CPU_S]] | micro SQLFILE EVENTS | "
                                "explain SQLFILE QUERY\n");
                return 2;
        }
        sl_err_clear(&err);
        reg = sl_func_registry_new();
        if (sl_func_registry_add_builtins(reg, &err) != SL_OK) {
                fprintf(stderr, "registry: %s\n", err.message);
                return 1;
        }
        cat = sl_catalog_mem_new();
        load_statements(argv[2], cat, reg);
        if (strcmp(argv[1], "micro") == 0) {
                rc = micro(atol(argv[3]));
        } else if (strcmp(argv[1], "explain") == 0) {
                stmt *s = find_query(argv[3]);
                sl_str text;

                sl_str_init(&text);
                if (s && s->plan)
                        sl_plan_explain(s->plan, &text);
                printf("%s\n", s && s->plan ? sl_str_cstr(&text) : s ? s->why : "no such query");
                sl_str_deinit(&text);
                rc = s && s->plan ? 0 : 1;
        } else {
                int parts = argc > 5 ? atoi(argv[5]) : 2;
                double max_secs = argc > 6 ? atof(argv[6]) : 0;
                rc = run_query(argv[4], atol(argv[3]), parts < 1 ? 1 : parts > MAX_PARTS ? MAX_PARTS : parts, max_secs);
        }
        for (size_t i = 0; i < nstmts; i++) {
                sl_plan_free(stmts[i].plan);
                sl_ast_stmt_free(stmts[i].ast);
        }
        sl_catalog_free(cat);
        sl_func_registry_free(reg);
        return rc;
}
