/* proclog.c: the processing log (proclog.h): atomic counters per reason, the last message kept
 * for DESCRIBE EXTENDED and tests, every event logged as a warning under "processing". */
#include "exec/proclog.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"

static const char *const kind_names[SL_PROCLOG__COUNT] = {
        [SL_PROCLOG_DESERIALIZE] = "deserialization error", [SL_PROCLOG_TIMESTAMP] = "timestamp error",
        [SL_PROCLOG_SERIALIZE] = "serialization error",     [SL_PROCLOG_PRODUCE] = "produce error",
        [SL_PROCLOG_EXPRESSION] = "expression error",
        [SL_PROCLOG_LATE] = "late record",
};

void sl_proclog_init(sl_proclog *log, const char *query_id)
{
        memset(log, 0, sizeof(*log));
        log->query_id = query_id;
        pthread_mutex_init(&log->lock, NULL);
}

void sl_proclog_deinit(sl_proclog *log)
{
        pthread_mutex_destroy(&log->lock);
}

void sl_proclog_add(sl_proclog *log, sl_proclog_kind kind, uint64_t n, const char *topic, int32_t partition,
                    int64_t offset, const char *reason)
{
        char msg[512];

        atomic_fetch_add(&log->counts[kind], n);
        if (topic)
                snprintf(msg, sizeof(msg), "%s: %s in %s [%d] at offset %lld: %s", log->query_id ? log->query_id : "",
                         kind_names[kind], topic, (int)partition, (long long)offset, reason ? reason : "");
        else
                snprintf(msg, sizeof(msg), "%s: %s: %s", log->query_id ? log->query_id : "", kind_names[kind],
                         reason ? reason : "");
        SL_LOG_WARN("processing", "%s", msg);
        pthread_mutex_lock(&log->lock);
        memcpy(log->last, msg, sizeof(msg));
        pthread_mutex_unlock(&log->lock);
}

uint64_t sl_proclog_count(const sl_proclog *log, sl_proclog_kind kind)
{
        return atomic_load(&((sl_proclog *)log)->counts[kind]);
}

uint64_t sl_proclog_skipped(const sl_proclog *log)
{
        uint64_t n = 0;

        for (int k = 0; k < SL_PROCLOG__COUNT; k++)
                if (k != SL_PROCLOG_EXPRESSION)
                        n += sl_proclog_count(log, (sl_proclog_kind)k);
        return n;
}

void sl_proclog_last(sl_proclog *log, char *buf, size_t size)
{
        pthread_mutex_lock(&log->lock);
        snprintf(buf, size, "%s", log->last);
        pthread_mutex_unlock(&log->lock);
}
