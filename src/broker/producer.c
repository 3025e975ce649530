/* producer.c: idempotent producers. Per (producer id, partition) the broker keeps the producer's
 * epoch and the sequence numbers and offsets of its last five batches (the most a producer keeps
 * in flight), following Kafka's ProducerAppendInfo: a stale epoch is fenced, a new epoch must start
 * at sequence 0, otherwise a batch must continue the last sequence; a batch equal to one of the
 * five cached ones is a retry and is answered with its original offset without being appended.
 * The state is rebuilt from batch headers when logs are opened. Producer ids are handed out in
 * blocks reserved on disk (meta/producer_id), so an id is never reused after a restart. */
#include "broker/broker_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"

#define PID_BLOCK 1000

ErrorCode sl_broker_producer_check(sl_broker_log *log, const sl_broker_batch *b, bool *is_dup,
                                   int64_t *dup_offset)
{
        *is_dup = false;
        if (b->producer_id < 0)
                return ErrorCode_NONE;
        sl_broker_pstate *st = sl_map_get(&log->producers, &b->producer_id, sizeof b->producer_id);
        if (!st)
                return ErrorCode_NONE; /* unknown producer (new, or its state is gone): accept */
        if (b->producer_epoch < st->epoch)
                return ErrorCode_INVALID_PRODUCER_EPOCH;
        if (b->producer_epoch > st->epoch)
                return b->base_sequence == 0 ? ErrorCode_NONE : ErrorCode_OUT_OF_ORDER_SEQUENCE_NUMBER;
        int32_t last_seq = (int32_t)(((int64_t)b->base_sequence + b->last_offset_delta) % ((int64_t)INT32_MAX + 1));
        for (int i = 0; i < st->n; i++) {
                if (st->recent[i].first_seq == b->base_sequence && st->recent[i].last_seq == last_seq) {
                        *is_dup = true;
                        *dup_offset = st->recent[i].first_offset;
                        return ErrorCode_NONE;
                }
        }
        if (st->n == 0)
                return ErrorCode_NONE;
        int32_t prev = st->recent[st->n - 1].last_seq;
        int32_t expect = prev == INT32_MAX ? 0 : prev + 1;
        return b->base_sequence == expect ? ErrorCode_NONE : ErrorCode_OUT_OF_ORDER_SEQUENCE_NUMBER;
}

void sl_broker_producer_update(sl_broker_log *log, const sl_broker_batch *b)
{
        sl_broker_pstate *st = sl_map_get(&log->producers, &b->producer_id, sizeof b->producer_id);
        if (!st) {
                st = sl_calloc(1, sizeof *st);
                st->epoch = b->producer_epoch;
                sl_map_put(&log->producers, &b->producer_id, sizeof b->producer_id, st);
        }
        if (b->producer_epoch != st->epoch) {
                st->epoch = b->producer_epoch;
                st->n = 0;
        }
        if (st->n == 5) {
                memmove(&st->recent[0], &st->recent[1], 4 * sizeof st->recent[0]);
                st->n = 4;
        }
        sl_broker_pbatch *pb = &st->recent[st->n++];
        pb->first_seq = b->base_sequence;
        pb->last_seq = (int32_t)(((int64_t)b->base_sequence + b->last_offset_delta) % ((int64_t)INT32_MAX + 1));
        pb->first_offset = b->base_offset;
}

void sl_broker_producer_clear(sl_broker_log *log)
{
        sl_map_iter it;
        const void *k;
        size_t kl;
        void *v;
        sl_map_iter_init(&it, &log->producers);
        while (sl_map_iter_next(&it, &k, &kl, &v))
                sl_free(v);
        sl_map_deinit(&log->producers);
        sl_map_init(&log->producers, false);
}

/* Reserves ids [limit, limit + PID_BLOCK) by writing the new limit durably. */
static bool reserve_block(sl_broker *broker)
{
        char *path = sl_asprintf("%s/meta/producer_id", broker->dir);
        char *tmp = sl_asprintf("%s.tmp", path);
        bool ok = false;
        int64_t limit = broker->producer_id_limit + PID_BLOCK;
        char text[32];
        int n = snprintf(text, sizeof text, "%" PRId64 "\n", limit);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0 && write(fd, text, (size_t)n) == n && fsync(fd) == 0 && rename(tmp, path) == 0)
                ok = true;
        if (fd >= 0)
                close(fd);
        if (ok)
                broker->producer_id_limit = limit;
        else
                SL_LOG_ERROR("broker", "cannot reserve producer ids in %s: %s", path, strerror(errno));
        sl_free(path);
        sl_free(tmp);
        return ok;
}

int64_t sl_broker_producer_next_id(sl_broker *broker)
{
        if (broker->next_producer_id == 0 && broker->producer_id_limit == 0) {
                char *path = sl_asprintf("%s/meta/producer_id", broker->dir);
                FILE *f = fopen(path, "r");
                long long v = 0;
                if (f) {
                        if (fscanf(f, "%lld", &v) != 1)
                                v = 0;
                        fclose(f);
                }
                sl_free(path);
                broker->next_producer_id = broker->producer_id_limit = v;
        }
        if (broker->next_producer_id >= broker->producer_id_limit && !reserve_block(broker))
                return -1;
        return broker->next_producer_id++;
}
