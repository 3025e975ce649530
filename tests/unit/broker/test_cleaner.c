/* test_cleaner.c: compaction. After a cleaning pass every closed segment holds only the latest
 * record per key, at its original offset; tombstones stay until delete.retention.ms has passed;
 * the active segment is left alone; a stray .cleaned file from a crash is discarded on open. */
#include "batch_util.h"

#include <fcntl.h>

void sl_broker_cleaner_run(sl_broker *broker, sl_broker_log *log, int64_t now_wall_ms);

static char dir[256];

static void teardown(void)
{
        if (dir[0])
                test_rmdir(dir);
        dir[0] = 0;
}

static void put(sl_broker_log *log, const char *key, const char *value, int64_t ts)
{
        test_rec r = {key, value, 0};
        sl_buf b;
        sl_buf_init(&b);
        test_batch(&b, ts, &r, 1, -1, -1, -1);
        test_append(log, &b);
        sl_buf_deinit(&b);
}

Test(broker_cleaner, keeps_latest_per_key_then_drops_tombstones, .fini = teardown)
{
        sl_broker *broker = test_broker(dir, sizeof dir, NULL);
        sl_config *ov = sl_config_new();
        sl_config_set(ov, "cleanup.policy", "compact");
        sl_config_set(ov, "segment.bytes", "200");
        sl_config_set(ov, "delete.retention.ms", "1000");
        char msg[256];
        cr_assert_eq(sl_broker_topic_create(broker, "c", 1, ov, msg, sizeof msg), ErrorCode_NONE, "%s", msg);
        sl_config_free(ov);
        sl_broker_log *log = sl_broker_topic_find(broker, "c", 1)->parts[0];
        /* offsets: k<i%5> = v<i> for i in 0..29, then a tombstone for k1 (30), then k9 (31..34) */
        char k[8], v[8];
        for (int i = 0; i < 30; i++) {
                snprintf(k, sizeof k, "k%d", i % 5);
                snprintf(v, sizeof v, "v%d", i);
                put(log, k, v, 10000 + i);
        }
        put(log, "k1", NULL, 20000);
        for (int i = 0; i < 4; i++)
                put(log, "k9", "last", 20001 + i);
        cr_assert_gt(log->segs.len, 3);
        int64_t active_base = sl_broker_log_active(log)->base_offset;
        cr_assert_gt(active_base, 30, "the tombstone must sit in a closed segment");
        sl_broker_cleaner_run(broker, log, 20500);
        test_out out[64];
        int n = test_read_all(log, out, 64);
        /* closed segments: k0 v25, k2 v27, k3 v28, k4 v29, tombstone k1 (30), latest k9 in closed ones */
        int expect_offsets[] = {25, 27, 28, 29, 30};
        for (int i = 0; i < 5; i++)
                cr_assert_eq(out[i].offset, expect_offsets[i], "record %d at offset %lld", i, (long long)out[i].offset);
        cr_assert(out[4].tombstone);
        cr_assert_str_eq(out[0].value, "v25");
        /* the active segment is untouched; older k9 copies in closed segments are gone */
        int k9 = 0;
        for (int i = 0; i < n; i++)
                if (strcmp(out[i].key, "k9") == 0) {
                        k9++;
                        cr_assert(out[i].offset == 34 || out[i].offset >= active_base);
                }
        cr_assert_geq(k9, 1);
        cr_assert_eq(log->end_offset, 35, "cleaning never changes the log end");
        /* later than delete.retention.ms after the tombstone: it goes */
        sl_broker_cleaner_run(broker, log, 20000 + 1001);
        n = test_read_all(log, out, 64);
        for (int i = 0; i < n; i++)
                cr_assert(!out[i].tombstone, "tombstone at %lld survived", (long long)out[i].offset);
        cr_assert_eq(out[0].offset, 25);
        cr_assert_eq(out[3].offset, 29);
        /* the cleaned log survives a restart, and a stray .cleaned file is dropped */
        char *stray = sl_asprintf("%s/00000000000000000000.log.cleaned", log->dir);
        int fd = open(stray, O_CREAT | O_WRONLY, 0644);
        cr_assert(fd >= 0);
        cr_assert_eq(write(fd, "junk", 4), 4);
        close(fd);
        sl_broker_free(broker);
        broker = test_broker(dir, sizeof dir, NULL);
        log = sl_broker_topic_find(broker, "c", 1)->parts[0];
        cr_assert_eq(access(stray, F_OK), -1);
        sl_free(stray);
        test_out again[64];
        cr_assert_eq(test_read_all(log, again, 64), n);
        cr_assert_eq(again[0].offset, 25);
        sl_broker_free(broker);
}
