/* broker_int.h: the broker's internal types, shared by its files (SQLite's whereInt.h pattern).
 * Threads: everything here belongs to the network thread, except the flush queue (flush.c),
 * which the flush thread shares under `flush_mu`. */
#ifndef SL_BROKER_INT_H
#define SL_BROKER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "broker/broker.h"
#include "broker/codec.h"
#include "common/buf.h"
#include "common/map.h"
#include "common/vec.h"

/* ---- Kafka names ---------------------------------------------------------------------------- */

typedef enum ApiKey {
        ApiKey_Produce = 0,
        ApiKey_Fetch = 1,
        ApiKey_ListOffsets = 2,
        ApiKey_Metadata = 3,
        ApiKey_OffsetCommit = 8,
        ApiKey_OffsetFetch = 9,
        ApiKey_FindCoordinator = 10,
        ApiKey_JoinGroup = 11,
        ApiKey_Heartbeat = 12,
        ApiKey_LeaveGroup = 13,
        ApiKey_SyncGroup = 14,
        ApiKey_DescribeGroups = 15,
        ApiKey_ListGroups = 16,
        ApiKey_ApiVersions = 18,
        ApiKey_CreateTopics = 19,
        ApiKey_DeleteTopics = 20,
        ApiKey_InitProducerId = 22,
        ApiKey_DescribeConfigs = 32,
        ApiKey__MAX = 64,
} ApiKey;

typedef enum ErrorCode {
        ErrorCode_UNKNOWN_SERVER_ERROR = -1,
        ErrorCode_NONE = 0,
        ErrorCode_OFFSET_OUT_OF_RANGE = 1,
        ErrorCode_CORRUPT_MESSAGE = 2,
        ErrorCode_UNKNOWN_TOPIC_OR_PARTITION = 3,
        ErrorCode_LEADER_NOT_AVAILABLE = 5,
        ErrorCode_MESSAGE_TOO_LARGE = 10,
        ErrorCode_OFFSET_METADATA_TOO_LARGE = 12,
        ErrorCode_COORDINATOR_NOT_AVAILABLE = 15,
        ErrorCode_INVALID_TOPIC_EXCEPTION = 17,
        ErrorCode_INVALID_REQUIRED_ACKS = 21,
        ErrorCode_ILLEGAL_GENERATION = 22,
        ErrorCode_INCONSISTENT_GROUP_PROTOCOL = 23,
        ErrorCode_INVALID_GROUP_ID = 24,
        ErrorCode_UNKNOWN_MEMBER_ID = 25,
        ErrorCode_INVALID_SESSION_TIMEOUT = 26,
        ErrorCode_REBALANCE_IN_PROGRESS = 27,
        ErrorCode_UNSUPPORTED_VERSION = 35,
        ErrorCode_TOPIC_ALREADY_EXISTS = 36,
        ErrorCode_INVALID_PARTITIONS = 37,
        ErrorCode_INVALID_REPLICATION_FACTOR = 38,
        ErrorCode_INVALID_REPLICA_ASSIGNMENT = 39,
        ErrorCode_INVALID_CONFIG = 40,
        ErrorCode_INVALID_REQUEST = 42,
        ErrorCode_OUT_OF_ORDER_SEQUENCE_NUMBER = 45,
        ErrorCode_INVALID_PRODUCER_EPOCH = 47,
        ErrorCode_MEMBER_ID_REQUIRED = 79,
} ErrorCode;

/* ---- settings ------------------------------------------------------------------------------- */

/* Per-topic settings: broker defaults, overridden by the topic's own configs. */
typedef struct sl_broker_topic_config {
        int64_t segment_bytes;        /* segment.bytes: roll when the active segment would pass it */
        int64_t segment_ms;           /* segment.ms: roll when the active segment is older */
        int64_t retention_ms;         /* retention.ms: -1 = keep forever */
        int64_t retention_bytes;      /* retention.bytes: -1 = no size limit */
        int64_t delete_retention_ms;  /* delete.retention.ms: how long tombstones survive cleaning */
        int64_t max_message_bytes;    /* max.message.bytes: largest batch accepted */
        bool compact;                 /* cleanup.policy contains compact */
        bool delete_old;              /* cleanup.policy contains delete */
} sl_broker_topic_config;

/* Broker-wide settings, read once from the configuration. */
typedef struct sl_broker_settings {
        char *host;                        /* listener host (owned) */
        int port;                          /* listener port, 0 = any */
        char *data_dir;                    /* data.dir (owned) */
        int node_id;                       /* broker.id */
        int num_partitions;                /* num.partitions for auto-created topics */
        bool auto_create;                  /* auto.create.topics.enable */
        sl_broker_topic_config topic;      /* log.* defaults for topics */
        int64_t flush_messages;            /* log.flush.interval.messages; 1 = fsync before acks=all */
        int64_t flush_ms;                  /* log.flush.interval.ms; -1 = none */
        int64_t request_max_bytes;         /* socket.request.max.bytes */
        int64_t index_interval_bytes;      /* log.index.interval.bytes */
        int64_t retention_check_ms;        /* log.retention.check.interval.ms */
        int64_t cleaner_backoff_ms;        /* log.cleaner.backoff.ms */
        int64_t group_initial_delay_ms;    /* group.initial.rebalance.delay.ms */
        int64_t group_min_session_ms;      /* group.min.session.timeout.ms */
        int64_t group_max_session_ms;      /* group.max.session.timeout.ms */
        int64_t fault_close_after[ApiKey__MAX]; /* test hook per ApiKey: drop the connection instead of
                                                 * answering every Nth request of that key (after
                                                 * handling it), so clients retry; 0 = off.
                                                 * broker.test.fault.close.after.<api> (produce, fetch,
                                                 * offsetcommit, joingroup, ...) */
} sl_broker_settings;

/* ---- storage -------------------------------------------------------------------------------- */

/* The header of a v2 record batch (61 bytes on the wire). */
typedef struct sl_broker_batch {
        int64_t base_offset;
        int32_t batch_length;       /* bytes after this field */
        int32_t leader_epoch;
        int8_t magic;
        uint32_t crc;
        int16_t attributes;
        int32_t last_offset_delta;
        int64_t base_timestamp;
        int64_t max_timestamp;
        int64_t producer_id;
        int16_t producer_epoch;
        int32_t base_sequence;
        int32_t records_count;
} sl_broker_batch;

#define SL_BATCH_HEADER_SIZE 61
#define SL_BATCH_LOG_OVERHEAD 12  /* base_offset + batch_length */

/* One sparse offset-index entry: the batch starting at `pos` holds offsets >= base + rel. */
typedef struct sl_broker_oidx {
        uint32_t rel;  /* offset - segment base */
        uint32_t pos;  /* byte position of the batch in the segment file */
} sl_broker_oidx;

/* One time-index entry: every record at or after `rel` has timestamp > the previous entry's. */
typedef struct sl_broker_tidx {
        int64_t ts;    /* max timestamp seen up to and including this batch */
        uint32_t rel;  /* offset of the batch's first record - segment base */
        uint32_t pos;  /* its byte position */
} sl_broker_tidx;

/* The sparse in-memory indexes of one segment (index.c). */
typedef struct sl_broker_index {
        sl_vec offsets;        /* sl_broker_oidx, ascending */
        sl_vec times;          /* sl_broker_tidx, ascending ts */
        int64_t since_last;    /* bytes appended since the last offset entry */
        int64_t interval;      /* log.index.interval.bytes */
} sl_broker_index;

/* One segment file: batches with offsets [base_offset, next_offset). */
typedef struct sl_broker_segment {
        int64_t base_offset;    /* first offset it may hold, also its file name */
        int64_t next_offset;    /* one past the last offset it holds */
        int64_t size;           /* bytes in the file */
        int64_t max_timestamp;  /* largest batch max_timestamp, -1 if none */
        int64_t created_ms;     /* wall time of the first append (segment.ms roll), or file mtime */
        int fd;                 /* read/write, owned */
        char *path;             /* owned */
        sl_broker_index index;  /* sparse offset and time index */
} sl_broker_segment;

/* Idempotent producer state of one producer on one partition. */
typedef struct sl_broker_pbatch {
        int32_t first_seq, last_seq;
        int64_t first_offset;
} sl_broker_pbatch;

typedef struct sl_broker_pstate {
        int16_t epoch;
        int n;                        /* valid entries in `recent` */
        sl_broker_pbatch recent[5];   /* the last five batches, oldest first */
} sl_broker_pstate;

typedef struct sl_broker_topic sl_broker_topic;

/* One partition log. */
typedef struct sl_broker_log {
        uint32_t id;                        /* index in broker->logs, for the flush thread */
        char *dir;                          /* owned */
        sl_broker_topic *topic;             /* owner */
        int32_t partition;
        const sl_broker_topic_config *cfg;  /* the topic's, borrowed */
        sl_vec segs;                        /* sl_broker_segment *, ascending base offset */
        int64_t start_offset;               /* log start offset */
        int64_t end_offset;                 /* log end offset = high watermark (RF 1) */
        int64_t durable_offset;             /* every offset below is fsynced */
        int64_t unflushed;                  /* records appended since the last flush request */
        int64_t unflushed_since_ms;         /* monotonic time of the oldest unflushed append */
        sl_map producers;                   /* producer id (8 bytes) -> sl_broker_pstate * */
        int64_t cleaned_upto;               /* offsets below were compacted by the last clean */
        bool tombstones_pending;            /* the last clean kept tombstones that will expire */
        int64_t last_clean_ms;              /* monotonic time of the last cleaning pass */
} sl_broker_log;

struct sl_broker_topic {
        sl_broker *broker;            /* owner */
        char *name;                   /* owned */
        char *dir;                    /* owned */
        int32_t npart;
        sl_broker_log **parts;        /* owned, npart entries */
        sl_broker_topic_config cfg;   /* effective configuration */
        sl_config *overrides;         /* configs set at creation (DescribeConfigs source 1) */
};

/* ---- network ------------------------------------------------------------------------------- */

/* A piece of a response: memory, or a range of a file sent with sendfile(2). */
typedef struct sl_broker_chunk {
        struct sl_broker_chunk *next;
        uint8_t *data;   /* memory chunk (owned), NULL for a file chunk */
        size_t len;      /* bytes in the chunk */
        size_t done;     /* bytes already written */
        int fd;          /* file chunk: a dup'ed descriptor (owned), else -1 */
        int64_t foff;    /* file chunk: start position */
} sl_broker_chunk;

/* One response slot; slots are sent strictly in request order. */
typedef struct sl_broker_resp {
        struct sl_broker_resp *next;
        bool ready;               /* all chunks present */
        sl_broker_chunk *head;    /* owned */
        sl_broker_chunk *tail;
        sl_buf cur;               /* memory being written, becomes a chunk */
        size_t total;             /* bytes in finished chunks */
} sl_broker_resp;

typedef struct sl_broker_conn sl_broker_conn;
typedef struct sl_broker_req sl_broker_req;
typedef struct sl_broker_clean_job sl_broker_clean_job;

/* A request being handled: while parked it waits in its connection's list (and in the broker's
 * poll list when it has a poll function). */
struct sl_broker_req {
        sl_broker *broker;
        sl_broker_conn *conn;
        sl_broker_resp *resp;           /* slot in conn's queue */
        int16_t api_key;
        int16_t api_version;
        int32_t correlation_id;
        char *client_id;                /* owned, "" when null */
        sl_rd rd;                       /* request body; only valid inside the handler */
        bool (*poll)(sl_broker_req *req, bool timed_out);  /* re-check; true = finished (req gone) */
        void (*cancel)(sl_broker_req *req);  /* connection gone: free `park` (the req is freed after) */
        void *park;                     /* handler state while parked */
        int64_t deadline_ms;            /* poll with timed_out=true at this monotonic time; 0 = none */
        sl_broker_req *pnext, *pprev;   /* conn->parked */
        sl_broker_req *qnext, *qprev;   /* broker->polls */
        bool in_polls;
};

/* Handler results. */
typedef enum sl_broker_hres {
        SL_BROKER_DONE,    /* response written; send it */
        SL_BROKER_PARKED,  /* the handler finishes the request later */
        SL_BROKER_NORESP,  /* no response (Produce acks=0) */
        SL_BROKER_BAD,     /* malformed: close the connection */
} sl_broker_hres;

typedef sl_broker_hres (*sl_broker_handler)(sl_broker_req *req);

struct sl_broker_conn {
        sl_broker *broker;
        int fd;                          /* -1 for a virtual connection (fuzzing, tests) */
        char peer[64];                   /* "host:port" for logs and DescribeGroups */
        sl_buf in;                       /* bytes read, not yet handled */
        sl_broker_resp *out_head, *out_tail;
        size_t nresp;                    /* response slots queued */
        size_t out_bytes;                /* bytes queued in ready slots */
        sl_broker_req *parked;           /* requests waiting */
        uint32_t events;                 /* current epoll interest */
        bool dead;                       /* close after the current callback */
        struct sl_broker_conn *next, *prev;
};

/* ---- groups, offsets ------------------------------------------------------------------------ */

typedef struct sl_broker_group sl_broker_group;

/* ---- flush thread --------------------------------------------------------------------------- */

typedef struct sl_broker_flush_job {
        int fd;           /* dup'ed, closed by the flush thread */
        uint32_t log_id;  /* UINT32_MAX: the offsets store */
        int64_t offset;   /* durable up to here once the fsync returns */
} sl_broker_flush_job;

#define SL_BROKER_SCRATCH (256 * 1024)

/* ---- the broker ----------------------------------------------------------------------------- */

struct sl_broker {
        sl_broker_settings set;
        char *dir;                     /* <data.dir>/broker, owned */
        char cluster_id[40];           /* stable across restarts (meta/cluster.id) */
        sl_map topics;                 /* name -> sl_broker_topic * */
        sl_vec logs;                   /* sl_broker_log * by id; NULL after deletion */
        /* network thread */
        int epfd, listen_fd, wake_fd;
        char *adv_host;                /* advertised host, owned */
        int port;                      /* bound port */
        sl_broker_conn *conns;         /* every open connection */
        sl_broker_req *polls;          /* parked requests with a poll function */
        bool dirty;                    /* state changed: re-poll parked requests */
        int64_t next_maint_ms;         /* next roll / flush / cleaning check */
        int64_t next_retention_ms;     /* next retention check (log.retention.check.interval.ms) */
        pthread_t net_thread;
        bool net_started;
        atomic_bool stopping;
        /* flush thread: queue under flush_mu */
        pthread_t flush_thread;
        bool flush_started;
        pthread_mutex_t flush_mu;
        pthread_cond_t flush_cv;
        sl_vec flush_jobs;             /* sl_broker_flush_job, waiting */
        sl_vec flush_done;             /* sl_broker_flush_job, fsynced (fd already closed) */
        bool flush_stop;
        /* groups and offsets (group.c, offsets.c) */
        sl_map groups;                 /* group id -> sl_broker_group * */
        int offsets_fd;                /* append-only offsets store */
        int64_t offsets_written;       /* records written to it */
        int64_t offsets_durable;       /* records fsynced */
        sl_map offsets;                /* "group\0topic\0partition" -> sl_broker_committed * */
        /* idempotence */
        int64_t next_producer_id;
        int64_t producer_id_limit;     /* ids below were reserved on disk */
        bool stopped;
        int64_t fault_count[ApiKey__MAX]; /* requests handled per ApiKey, for the fault hook */
        uint8_t *scratch;              /* network thread's read buffer, SL_BROKER_SCRATCH bytes */
        /* cleaner thread (cleaner.c): one job at a time, handed over under clean_mu */
        pthread_t clean_thread;
        bool clean_started;
        pthread_mutex_t clean_mu;
        pthread_cond_t clean_cv;
        bool clean_stop;
        bool clean_busy;                    /* a job is out (network thread's view) */
        sl_broker_clean_job *clean_todo;    /* waiting for the thread */
        sl_broker_clean_job *clean_done;    /* finished, to be applied by the network thread */
};

/* ---- functions shared between files ------------------------------------------------------- */

/* settings.c */
sl_err sl_broker_settings_load(sl_broker_settings *set, const sl_config *cfg, sl_err_detail *det);
void sl_broker_settings_deinit(sl_broker_settings *set);
/* Applies one topic-level config (`segment.bytes` etc.) to `tc`; false if unknown or invalid. */
bool sl_broker_topic_config_apply(sl_broker_topic_config *tc, const char *key, const char *value);
/* Names of the topic configs, NULL-terminated, and their current values (into `out`). */
extern const char *const sl_broker_topic_config_names[];
void sl_broker_topic_config_value(const sl_broker_topic_config *tc, const char *key, char *out, size_t outlen);

/* batch.c */
/* Parses a batch header at p[0..len); false if shorter than the header or magic != 2. */
bool sl_broker_batch_parse(const uint8_t *p, size_t len, sl_broker_batch *b);
/* Full check of one batch (CRC, lengths, count); returns an ErrorCode. */
ErrorCode sl_broker_batch_validate(const uint8_t *p, size_t len, const sl_broker_batch *b);
int64_t sl_broker_batch_last_offset(const sl_broker_batch *b);
/* Recomputes and stores the CRC of a batch that was edited. */
void sl_broker_batch_fix_crc(uint8_t *p, size_t len);

/* One decoded record of an uncompressed batch (pointers into the batch). */
typedef struct sl_broker_record {
        int64_t offset;
        int64_t timestamp;
        const uint8_t *key;     /* NULL when the key is null */
        int32_t key_len;
        const uint8_t *value;   /* NULL for a tombstone */
        int32_t value_len;
        const uint8_t *start;   /* the whole record, from its length varint */
        size_t size;
} sl_broker_record;
/* Iterates the records of an uncompressed batch; `*pos` starts at SL_BATCH_HEADER_SIZE. Returns 1
 * with a record, 0 at the end, -1 when the record is malformed or the batch is compressed. */
int sl_broker_batch_next_record(const uint8_t *p, size_t len, const sl_broker_batch *b, size_t *pos,
                                sl_broker_record *rec);

/* index.c */
void sl_broker_index_init(sl_broker_index *idx, int64_t interval);
void sl_broker_index_deinit(sl_broker_index *idx);
void sl_broker_index_clear(sl_broker_index *idx);
/* Records a batch appended at `pos` of a segment with base `base`. */
void sl_broker_index_add(sl_broker_index *idx, int64_t base, const sl_broker_batch *b, int64_t pos,
                         int64_t size);
/* Position of a batch at or before the one holding `offset` (0 if none). */
int64_t sl_broker_index_lookup(const sl_broker_index *idx, int64_t base, int64_t offset);
/* Position of a batch at or before the first batch whose max timestamp >= ts; -1 if none has. */
int64_t sl_broker_index_lookup_time(const sl_broker_index *idx, int64_t ts);

/* segment.c */
/* Opens a segment file; with `recover`, validates every batch (CRC) and truncates a torn or corrupt
 * tail; else scans headers only. Calls `on_batch` (may be NULL) for each valid batch header. */
sl_err sl_broker_segment_open(const char *path, int64_t base, int64_t interval, bool recover,
                              void (*on_batch)(void *ctx, const sl_broker_batch *b), void *ctx,
                              sl_broker_segment **out, sl_err_detail *det);
sl_err sl_broker_segment_create(const char *dir, int64_t base, int64_t interval, sl_broker_segment **out,
                                sl_err_detail *det);
void sl_broker_segment_close(sl_broker_segment *seg);
/* Closes and unlinks the file. */
void sl_broker_segment_delete(sl_broker_segment *seg);
/* Appends batches (already stamped with offsets) with one write; `nb` headers describe them. */
sl_err sl_broker_segment_append(sl_broker_segment *seg, const uint8_t *p, size_t len,
                                const sl_broker_batch *hdrs, size_t nb, sl_err_detail *det);
/* Finds the byte position of the batch holding `offset`, or the first batch after it; returns
 * the segment size when no batch qualifies. Reads headers with pread. */
int64_t sl_broker_segment_find(const sl_broker_segment *seg, int64_t offset);
/* Reads the header of the batch at `pos` (base offset + header); false at the end or on error. */
bool sl_broker_segment_header_at(const sl_broker_segment *seg, int64_t pos, sl_broker_batch *b);
char *sl_broker_segment_path(const char *dir, int64_t base);

/* log.c */
sl_err sl_broker_log_open(sl_broker *broker, sl_broker_topic *topic, int32_t partition, const char *dir,
                          sl_broker_log **out, sl_err_detail *det);
void sl_broker_log_close(sl_broker_log *log);
sl_broker_segment *sl_broker_log_active(sl_broker_log *log);
/* Appends the record batches in p[0..len) (validated by the caller), assigning offsets from the
 * log end; overwrites each batch's base_offset and leader epoch in place. */
sl_err sl_broker_log_append(sl_broker_log *log, uint8_t *p, size_t len, const sl_broker_batch *hdrs,
                            size_t nb, int64_t *base_offset, sl_err_detail *det);
/* Where a fetch at `offset` reads: the segment's fd, byte position and length of whole batches, at
 * most `max_bytes` unless `min_one` (then at least the first batch). ErrorCode on bad offsets. */
typedef struct sl_broker_read {
        int fd;        /* borrowed */
        int64_t pos;
        int64_t len;
} sl_broker_read;
ErrorCode sl_broker_log_read(sl_broker_log *log, int64_t offset, int64_t max_bytes, bool min_one,
                             sl_broker_read *out);
/* First offset whose timestamp >= ts, with that timestamp; (-1, -1) if none. */
void sl_broker_log_offset_for_time(sl_broker_log *log, int64_t ts, int64_t *offset, int64_t *found_ts);
/* Periodic work: roll by time, flush by interval and, with `retention`, delete old segments. */
void sl_broker_log_maintain(sl_broker_log *log, int64_t now_wall_ms, int64_t now_mono_ms, bool retention);
/* Asks the flush thread to make everything appended durable. */
void sl_broker_log_request_flush(sl_broker_log *log);

/* producer.c: idempotent producer checks. Returns NONE (append), a duplicate (with the original
 * base offset in *dup_offset, and *is_dup = true) or an error. */
ErrorCode sl_broker_producer_check(sl_broker_log *log, const sl_broker_batch *b, bool *is_dup,
                                   int64_t *dup_offset);
/* Records an appended (or recovered) batch. */
void sl_broker_producer_update(sl_broker_log *log, const sl_broker_batch *b);
void sl_broker_producer_clear(sl_broker_log *log);
int64_t sl_broker_producer_next_id(sl_broker *broker);

/* topic.c */
sl_broker_topic *sl_broker_topic_find(sl_broker *broker, const char *name, size_t len);
bool sl_broker_topic_name_valid(const char *name, size_t len);
/* Creates a topic with `npart` partitions and the given overrides (borrowed); ErrorCode. */
ErrorCode sl_broker_topic_create(sl_broker *broker, const char *name, int32_t npart,
                                 const sl_config *overrides, char *msg, size_t msglen);
ErrorCode sl_broker_topic_delete(sl_broker *broker, const char *name);
sl_err sl_broker_topics_load(sl_broker *broker, sl_err_detail *det);
void sl_broker_topics_close(sl_broker *broker);

/* flush.c */
sl_err sl_broker_flush_start(sl_broker *broker, sl_err_detail *det);
void sl_broker_flush_stop(sl_broker *broker);
void sl_broker_flush_push(sl_broker *broker, int fd, uint32_t log_id, int64_t offset);
/* Network thread: applies finished flushes (durable offsets). */
void sl_broker_flush_collect(sl_broker *broker);

/* conn.c / net.c */
sl_broker_conn *sl_broker_conn_new(sl_broker *broker, int fd, const char *peer);
/* Cancels parked requests, frees queued responses, closes the socket. */
void sl_broker_conn_free(sl_broker_conn *conn);
/* Handles one complete frame (without its size prefix). false: close the connection. */
bool sl_broker_conn_handle_frame(sl_broker_conn *conn, const uint8_t *frame, size_t len);
/* Reads what the socket has and handles complete frames; false: close. */
bool sl_broker_conn_on_readable(sl_broker_conn *conn);
/* Writes what is ready; false: close. */
bool sl_broker_conn_on_writable(sl_broker_conn *conn);
void sl_broker_conn_update_events(sl_broker_conn *conn);

sl_buf *sl_broker_req_out(sl_broker_req *req);
/* The response buffer, with throttle_time_ms (0) written first when the request's version is `since`
 * or later. */
sl_buf *sl_broker_req_out_throttled(sl_broker_req *req, int16_t since);
/* Adds `len` bytes of file `fd` (dup'ed here) at `off` to the response. */
void sl_broker_req_add_file(sl_broker_req *req, int fd, int64_t off, int64_t len);
/* Completes the response and frees the request. */
void sl_broker_req_finish(sl_broker_req *req);
/* Parks the request; `poll` may be NULL (then only the handler's owner finishes it). */
void sl_broker_req_park(sl_broker_req *req, bool (*poll)(sl_broker_req *, bool), void (*cancel)(sl_broker_req *),
                        void *park, int64_t deadline_ms);
/* Re-polls parked requests (after appends, flushes, timeouts). */
void sl_broker_polls_run(sl_broker *broker, bool only_timeouts);
int64_t sl_broker_polls_next_deadline(sl_broker *broker);

/* api.c */
sl_broker_handler sl_broker_api_handler(int16_t api_key, int16_t version, bool *known_key);
/* Writes the ApiVersions entry list (v0 format, INT32 count). */
void sl_broker_api_write_versions(sl_buf *out);
int16_t sl_broker_api_max_version(int16_t api_key);
/* Kafka's name of an implemented ApiKey ("Produce"), or NULL. */
const char *sl_broker_api_name(int16_t api_key);

/* cleaner.c */
sl_err sl_broker_cleaner_start(sl_broker *broker, sl_err_detail *det);
void sl_broker_cleaner_stop(sl_broker *broker);
/* Starts cleaning `log` if it needs it and the cleaner is idle (inline without a thread). */
void sl_broker_cleaner_schedule(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms);
/* Network thread: swaps in what a finished job cleaned. */
void sl_broker_cleaner_collect(sl_broker *broker);
/* Cleans `log` synchronously (tests, offline brokers). */
void sl_broker_cleaner_run(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms);

/* group.c, offsets.c */
sl_err sl_broker_offsets_open(sl_broker *broker, sl_err_detail *det);
void sl_broker_offsets_close(sl_broker *broker);
void sl_broker_groups_free(sl_broker *broker);
void sl_broker_groups_tick(sl_broker *broker, int64_t now_ms);
int64_t sl_broker_groups_next_deadline(sl_broker *broker);
void sl_broker_groups_conn_closed(sl_broker *broker, sl_broker_conn *conn);

/* Handlers: one per ApiKey, each in its own api_<name>.c. */
sl_broker_hres sl_broker_handle_Produce(sl_broker_req *req);
sl_broker_hres sl_broker_handle_Fetch(sl_broker_req *req);
sl_broker_hres sl_broker_handle_ListOffsets(sl_broker_req *req);
sl_broker_hres sl_broker_handle_Metadata(sl_broker_req *req);
sl_broker_hres sl_broker_handle_OffsetCommit(sl_broker_req *req);
sl_broker_hres sl_broker_handle_OffsetFetch(sl_broker_req *req);
sl_broker_hres sl_broker_handle_FindCoordinator(sl_broker_req *req);
sl_broker_hres sl_broker_handle_JoinGroup(sl_broker_req *req);
sl_broker_hres sl_broker_handle_Heartbeat(sl_broker_req *req);
sl_broker_hres sl_broker_handle_LeaveGroup(sl_broker_req *req);
sl_broker_hres sl_broker_handle_SyncGroup(sl_broker_req *req);
sl_broker_hres sl_broker_handle_DescribeGroups(sl_broker_req *req);
sl_broker_hres sl_broker_handle_ListGroups(sl_broker_req *req);
sl_broker_hres sl_broker_handle_ApiVersions(sl_broker_req *req);
sl_broker_hres sl_broker_handle_CreateTopics(sl_broker_req *req);
sl_broker_hres sl_broker_handle_DeleteTopics(sl_broker_req *req);
sl_broker_hres sl_broker_handle_InitProducerId(sl_broker_req *req);
sl_broker_hres sl_broker_handle_DescribeConfigs(sl_broker_req *req);

/* Fuzzing / tests: a broker without network threads over `data_dir`. */
sl_err sl_broker_new_offline(const sl_config *cfg, sl_broker **out, sl_err_detail *det);

#endif
