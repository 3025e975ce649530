/* proclog.h: the processing log of a query. A record the runtime cannot process -- a key or value
 * that does not deserialize, a missing or bad timestamp, a row the sink's format cannot write --
 * is skipped, counted here by reason and logged with where it came from, as ksqlDB writes such
 * records to its processing log and goes on. Expression errors (a failed cast, a division by zero)
 * turn into NULL and are counted too. Shared by every task of a query: counters are atomic. */
#ifndef SL_EXEC_PROCLOG_H
#define SL_EXEC_PROCLOG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* Why a record was skipped or a value nulled. */
typedef enum sl_proclog_kind {
        SL_PROCLOG_DESERIALIZE,  /* key or value bytes did not decode (record skipped) */
        SL_PROCLOG_TIMESTAMP,    /* TIMESTAMP column NULL, negative or unparseable (record skipped) */
        SL_PROCLOG_SERIALIZE,    /* the sink could not encode the row (record skipped) */
        SL_PROCLOG_PRODUCE,      /* the producer refused the record (record skipped) */
        SL_PROCLOG_EXPRESSION,   /* an expression failed and gave NULL (record kept) */
        SL_PROCLOG_LATE,         /* a windowed aggregation got a record for a closed window (dropped) */
        SL_PROCLOG__COUNT
} sl_proclog_kind;

typedef struct sl_proclog {
        const char *query_id;                        /* borrowed: the plan's */
        _Atomic uint64_t counts[SL_PROCLOG__COUNT];  /* per kind */
        pthread_mutex_t lock;                        /* guards `last` */
        char last[512];                              /* the most recent message */
} sl_proclog;

void sl_proclog_init(sl_proclog *log, const char *query_id);
void sl_proclog_deinit(sl_proclog *log);
/* Counts one event of `kind` (`n` for expression errors) and logs `reason` with its origin.
 * `topic` may be NULL; `offset` -1 when unknown. */
void sl_proclog_add(sl_proclog *log, sl_proclog_kind kind, uint64_t n, const char *topic, int32_t partition,
                    int64_t offset, const char *reason);
uint64_t sl_proclog_count(const sl_proclog *log, sl_proclog_kind kind);
/* Records skipped for any reason (every kind but EXPRESSION). */
uint64_t sl_proclog_skipped(const sl_proclog *log);
/* Copies the most recent message into buf (size >= 1). */
void sl_proclog_last(sl_proclog *log, char *buf, size_t size);

#endif
