/* driver.c: the topology test driver (driver.h). A FIFO of pending records: piping a record
 * appends it, and the loop hands the head to every task reading its topic (a join's task reads
 * the same partition of two topics) (one record per batch,
 * as TopologyTestDriver processes record at a time); what those tasks write goes through the
 * capture output back onto the FIFO's tail and into the captured list. Tasks are created on the
 * first record of their partition. Task state lives under a temp dir of the driver, with no write
 * cache (every update emitted, as ksqlDB's tests run); changelog records are captured like any
 * other and read back from the captured list when a restarted task restores. */
#include "exec/driver.h"

#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/vec.h"
#include "exec/task.h"

/* One task of one query. */
typedef struct drv_task {
        size_t sub;        /* sub-topology */
        int32_t partition; /* source partition */
        sl_task *task;
} drv_task;

/* A query the driver runs. */
typedef struct drv_query {
        const sl_plan *plan;  /* borrowed */
        sl_proclog log;       /* its processing log */
        sl_vec tasks;         /* of drv_task */
} drv_query;

/* Partition count and next offsets of a topic. */
typedef struct drv_topic {
        char *name;
        int partitions;
        int64_t *next;        /* next offset per partition */
} drv_topic;

struct sl_exec_driver {
        sl_exec_output out;   /* must be first: the capture output the tasks write to */
        sl_vec queries;       /* of drv_query * */
        sl_vec topics;        /* of drv_topic */
        sl_vec records;       /* of sl_exec_record: everything written by a query */
        sl_vec queue;         /* of sl_exec_record: pending deliveries (own copies) */
        sl_vec rows;          /* of char *: rows of transient queries, rendered */
        size_t head;          /* first pending entry of queue */
        char *state_dir;      /* temp root of the tasks' state (owned), removed at free */
};

int32_t sl_exec_partition_of(sl_slice key, int partitions)
{
        const uint32_t m = 0x5bd1e995u;
        uint32_t h = 0x9747b28cu ^ (uint32_t)key.len;
        size_t n4 = key.len / 4;
        const uint8_t *p = key.ptr;

        if (partitions <= 1 || !key.ptr)
                return 0;
        for (size_t i = 0; i < n4; i++) {
                uint32_t k = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
                             (uint32_t)p[4 * i + 3] << 24;

                k *= m;
                k ^= k >> 24;
                k *= m;
                h *= m;
                h ^= k;
        }
        switch (key.len % 4) {
        case 3: h ^= (uint32_t)p[(key.len & ~(size_t)3) + 2] << 16; /* fall through */
        case 2: h ^= (uint32_t)p[(key.len & ~(size_t)3) + 1] << 8;  /* fall through */
        case 1:
                h ^= p[key.len & ~(size_t)3];
                h *= m;
        }
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int32_t)((h & 0x7fffffffu) % (uint32_t)partitions);
}

static drv_topic *topic_get(sl_exec_driver *d, const char *name)
{
        drv_topic *t;

        for (size_t i = 0; i < d->topics.len; i++) {
                t = sl_vec_at(&d->topics, i);
                if (strcmp(t->name, name) == 0)
                        return t;
        }
        t = sl_vec_push_zero(&d->topics);
        t->name = sl_strdup(name);
        t->partitions = 1;
        t->next = sl_calloc(1, sizeof(*t->next));
        return t;
}

void sl_exec_driver_set_partitions(sl_exec_driver *d, const char *topic, int partitions)
{
        drv_topic *t = topic_get(d, topic);

        if (partitions < 1)
                partitions = 1;
        t->next = sl_realloc(t->next, (size_t)partitions * sizeof(*t->next));
        for (int p = t->partitions; p < partitions; p++)
                t->next[p] = 0;
        t->partitions = partitions;
}

/* A heap copy of the bytes (never NULL, so an empty key or value stays present). */
static const uint8_t *dup_bytes(sl_slice s)
{
        uint8_t *p = sl_malloc(s.len + 1);

        if (s.len)
                memcpy(p, s.ptr, s.len);
        return p;
}

static void record_copy(sl_exec_record *r, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                        const sl_kafka_header *headers, size_t nheaders, int64_t ts)
{
        memset(r, 0, sizeof(*r));
        r->topic = sl_strdup(topic);
        r->partition = partition;
        r->offset = -1;
        r->ts = ts;
        if (key.ptr)
                r->key = SL_SLICE(dup_bytes(key), key.len);
        if (value.ptr)
                r->value = SL_SLICE(dup_bytes(value), value.len);
        if (nheaders) {
                r->headers = sl_calloc(nheaders, sizeof(*r->headers));
                for (size_t i = 0; i < nheaders; i++) {
                        r->headers[i].key = sl_strdup(headers[i].key);
                        if (headers[i].value.ptr)
                                r->headers[i].value = SL_SLICE(dup_bytes(headers[i].value),
                                                               headers[i].value.len);
                }
                r->nheaders = nheaders;
        }
}

static void record_free(sl_exec_record *r)
{
        sl_free(r->topic);
        sl_free((void *)r->key.ptr);
        sl_free((void *)r->value.ptr);
        for (size_t i = 0; i < r->nheaders; i++) {
                sl_free((void *)r->headers[i].key);
                sl_free((void *)r->headers[i].value.ptr);
        }
        sl_free(r->headers);
}

static sl_err capture_write(sl_exec_output *out, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                            const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err)
{
        sl_exec_driver *d = (sl_exec_driver *)out;
        drv_topic *t = topic_get(d, topic);
        sl_exec_record *r;

        (void)err;
        if (partition < 0 || partition >= t->partitions)
                partition = sl_exec_partition_of(key, t->partitions);
        r = sl_vec_push_zero(&d->queue);
        record_copy(r, topic, partition, key, value, headers, nheaders, ts);
        r->offset = t->next[partition]++;
        r = sl_vec_push_zero(&d->records);
        record_copy(r, topic, partition, key, value, headers, nheaders, ts);
        r->offset = t->next[partition] - 1;
        return SL_OK;
}

static sl_err capture_row(sl_exec_output *out, const sl_plan_node *sink, const sl_value *row, size_t width, int64_t ts,
                          bool tombstone, sl_err_detail *err)
{
        sl_exec_driver *d = (sl_exec_driver *)out;
        sl_str s;
        char *text;

        (void)sink;
        (void)ts;
        (void)err;
        sl_str_init(&s);
        sl_str_append(&s, tombstone ? "DELETE [" : "[");
        for (size_t i = 0; i < width; i++) {
                if (i)
                        sl_str_append_char(&s, ',');
                sl_value_format_json(&s, &row[i], 0);
        }
        sl_str_append_char(&s, ']');
        text = sl_str_detach(&s);
        sl_vec_push(&d->rows, &text);
        return SL_OK;
}

/* Restore: the captured records of a topic partition from `from`. */
static sl_err capture_read(sl_exec_output *out, const char *topic, int32_t partition, int64_t from, sl_exec_read_fn fn,
                           void *opaque, int64_t *end, sl_err_detail *err)
{
        sl_exec_driver *d = (sl_exec_driver *)out;
        drv_topic *t = topic_get(d, topic);
        sl_err rc;

        *end = partition >= 0 && partition < t->partitions ? t->next[partition] : 0;
        for (size_t i = 0; i < d->records.len; i++) {
                const sl_exec_record *r = sl_vec_at(&d->records, i);
                sl_kafka_msg msg = {
                        .topic = r->topic, .partition = r->partition, .offset = r->offset, .timestamp = r->ts,
                        .key = r->key, .value = r->value, .headers = r->headers, .nheaders = r->nheaders,
                };

                if (r->partition != partition || r->offset < from || strcmp(r->topic, topic) != 0)
                        continue;
                if ((rc = fn(opaque, &msg, err)) != SL_OK)
                        return rc;
        }
        return SL_OK;
}

static sl_err capture_end(sl_exec_output *out, const char *topic, int32_t partition, int64_t *end, sl_err_detail *err)
{
        drv_topic *t = topic_get((sl_exec_driver *)out, topic);

        (void)err;
        *end = partition >= 0 && partition < t->partitions ? t->next[partition] : 0;
        return SL_OK;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
        (void)sb;
        (void)flag;
        (void)ftw;
        remove(path);
        return 0;
}

/* rm -rf */
static void remove_tree(const char *dir)
{
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

size_t sl_exec_driver_rows(const sl_exec_driver *d, char *const **rows)
{
        *rows = d->rows.items;
        return d->rows.len;
}

sl_exec_driver *sl_exec_driver_new(void)
{
        sl_exec_driver *d = sl_calloc(1, sizeof(*d));

        d->out.row = capture_row;
        d->out.write = capture_write;
        d->out.flush = NULL;
        d->out.read = capture_read;
        d->out.end_offset = capture_end;
        {
                char tmpl[] = "/tmp/sluice-driver-XXXXXX";

                /* a unique name, created only when a task opens a store (stateless runs leave
                 * nothing behind even when they never free the driver) */
                if (mkdtemp(tmpl) && rmdir(tmpl) == 0)
                        d->state_dir = sl_strdup(tmpl);
        }
        d->out.state_dir = d->state_dir;
        d->out.state_cache_bytes = 0;
        sl_vec_init(&d->queries, sizeof(drv_query *));
        sl_vec_init(&d->topics, sizeof(drv_topic));
        sl_vec_init(&d->records, sizeof(sl_exec_record));
        sl_vec_init(&d->queue, sizeof(sl_exec_record));
        sl_vec_init(&d->rows, sizeof(char *));
        return d;
}

void sl_exec_driver_free(sl_exec_driver *d)
{
        if (!d)
                return;
        for (size_t i = 0; i < d->queries.len; i++) {
                drv_query *q = *(drv_query **)sl_vec_at(&d->queries, i);

                for (size_t t = 0; t < q->tasks.len; t++)
                        sl_task_free(((drv_task *)sl_vec_at(&q->tasks, t))->task);
                sl_vec_deinit(&q->tasks);
                sl_proclog_deinit(&q->log);
                sl_free(q);
        }
        for (size_t i = 0; i < d->topics.len; i++) {
                drv_topic *t = sl_vec_at(&d->topics, i);

                sl_free(t->name);
                sl_free(t->next);
        }
        for (size_t i = 0; i < d->records.len; i++)
                record_free(sl_vec_at(&d->records, i));
        for (size_t i = d->head; i < d->queue.len; i++)
                record_free(sl_vec_at(&d->queue, i));
        sl_vec_deinit(&d->queries);
        sl_vec_deinit(&d->topics);
        sl_vec_deinit(&d->records);
        sl_vec_deinit(&d->queue);
        for (size_t i = 0; i < d->rows.len; i++)
                sl_free(*(char **)sl_vec_at(&d->rows, i));
        sl_vec_deinit(&d->rows);
        if (d->state_dir)
                remove_tree(d->state_dir);
        sl_free(d->state_dir);
        sl_free(d);
}

sl_err sl_exec_driver_restart(sl_exec_driver *d, bool wipe_state, sl_err_detail *err)
{
        sl_err rc = SL_OK;

        for (size_t i = 0; i < d->queries.len; i++) {
                drv_query *q = *(drv_query **)sl_vec_at(&d->queries, i);

                for (size_t t = 0; t < q->tasks.len; t++) {
                        sl_task *task = ((drv_task *)sl_vec_at(&q->tasks, t))->task;

                        if (rc == SL_OK && (rc = sl_task_flush(task, err)) == SL_OK)
                                rc = sl_task_checkpoint(task, err);
                        sl_task_free(task);
                }
                sl_vec_clear(&q->tasks);
        }
        if (wipe_state && d->state_dir)
                remove_tree(d->state_dir);
        return rc;
}

const char *sl_exec_driver_state_dir(const sl_exec_driver *d)
{
        return d->state_dir;
}

sl_err sl_exec_driver_add(sl_exec_driver *d, const sl_plan *plan, sl_err_detail *err)
{
        drv_query *q = sl_calloc(1, sizeof(*q));

        (void)err;
        q->plan = plan;
        sl_proclog_init(&q->log, plan->query_id);
        sl_vec_init(&q->tasks, sizeof(drv_task));
        sl_vec_push(&d->queries, &q);
        return SL_OK;
}

sl_proclog *sl_exec_driver_log(sl_exec_driver *d, size_t i)
{
        return i < d->queries.len ? &(*(drv_query **)sl_vec_at(&d->queries, i))->log : NULL;
}

size_t sl_exec_driver_outputs(const sl_exec_driver *d, const sl_exec_record **out)
{
        *out = d->records.items;
        return d->records.len;
}

static sl_err task_for(sl_exec_driver *d, drv_query *q, size_t sub, int32_t partition, sl_task **out,
                       sl_err_detail *err)
{
        drv_task *dt;

        for (size_t i = 0; i < q->tasks.len; i++) {
                dt = sl_vec_at(&q->tasks, i);
                if (dt->sub == sub && dt->partition == partition) {
                        *out = dt->task;
                        return SL_OK;
                }
        }
        dt = sl_vec_push_zero(&q->tasks);
        dt->sub = sub;
        dt->partition = partition;
        return sl_task_new(q->plan, sub, partition, &d->out, &q->log, &dt->task, err) == SL_OK
                       ? (*out = dt->task, SL_OK)
                       : (sl_vec_pop(&q->tasks, NULL), err ? err->code : SL_ERR_INTERNAL);
}

/* Hands one pending record to every task reading its topic. */
static sl_err deliver(sl_exec_driver *d, const sl_exec_record *r, sl_err_detail *err)
{
        sl_kafka_msg msg = {
                .topic = r->topic,
                .partition = r->partition,
                .offset = r->offset,
                .timestamp = r->ts,
                .key = r->key,
                .value = r->value,
                .headers = r->headers,
                .nheaders = r->nheaders,
        };
        sl_err rc;

        for (size_t i = 0; i < d->queries.len; i++) {
                drv_query *q = *(drv_query **)sl_vec_at(&d->queries, i);

                for (size_t s = 0; s < q->plan->nsubs; s++) {
                        sl_task *task = NULL;
                        bool reads = false;

                        for (size_t k = 0; k < q->plan->subs[s].nsources && !reads; k++)
                                reads = strcmp(q->plan->subs[s].sources[k]->u.source.topic.name, r->topic) == 0;
                        if (!reads)
                                continue;
                        if ((rc = task_for(d, q, s, r->partition, &task, err)) != SL_OK)
                                return rc;
                        if ((rc = sl_task_process(task, &msg, 1, err)) != SL_OK)
                                return rc;
                }
        }
        return SL_OK;
}

sl_err sl_exec_driver_pipe(sl_exec_driver *d, const char *topic, int32_t partition, sl_slice key, sl_slice value,
                           const sl_kafka_header *headers, size_t nheaders, int64_t ts, sl_err_detail *err)
{
        drv_topic *t = topic_get(d, topic);
        sl_exec_record *r;
        sl_err rc = SL_OK;

        if (partition < 0 || partition >= t->partitions)
                partition = sl_exec_partition_of(key, t->partitions);
        r = sl_vec_push_zero(&d->queue);
        record_copy(r, topic, partition, key, value, headers, nheaders, ts);
        r->offset = t->next[partition]++;
        while (d->head < d->queue.len) {
                /* deliver() may grow the queue: work on a copy of the entry */
                sl_exec_record cur = *(sl_exec_record *)sl_vec_at(&d->queue, d->head);

                d->head++;
                rc = deliver(d, &cur, err);
                record_free(&cur);
                if (rc != SL_OK)
                        break;
        }
        if (d->head == d->queue.len) {
                sl_vec_clear(&d->queue);
                d->head = 0;
        }
        return rc;
}
