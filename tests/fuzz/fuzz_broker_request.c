/* fuzz_broker_request.c: arbitrary bytes through the broker's request decoder and dispatcher,
 * without sockets. The input is read as a stream of size-prefixed frames, as on the wire, and fed
 * to a virtual connection of an offline broker over a temporary data directory; a frame the broker
 * refuses ends the input, as it would close the connection. State that inputs create (topics,
 * groups, offsets) is dropped after each input so that memory and disk stay bounded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/broker_int.h"
#include "broker/group.h"
#include "common/log.h"
#include "common/mem.h"

static sl_broker *broker;
static char dir[64] = "/dev/shm/sl-fuzz-broker-XXXXXX"; /* tmpfs: fsync costs nothing */

static void cleanup(void)
{
        sl_broker_free(broker);
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "cannot remove %s\n", dir);
}

static void setup(void)
{
        if (!mkdtemp(dir)) {
                snprintf(dir, sizeof dir, "/tmp/sl-fuzz-broker-XXXXXX");
                if (!mkdtemp(dir))
                        abort();
        }
        sl_log_set_level(SL_LOG_OFF);
        sl_config *cfg = sl_config_new();
        sl_config_set(cfg, "data.dir", dir);
        sl_config_set(cfg, "socket.request.max.bytes", "1048576");
        sl_config_set(cfg, "group.initial.rebalance.delay.ms", "0");
        sl_err_detail det;
        if (sl_broker_new_offline(cfg, &broker, &det) != SL_OK) {
                fprintf(stderr, "broker: %s\n", det.message);
                abort();
        }
        sl_config_free(cfg);
        /* one topic that inputs can produce to and fetch from */
        char msg[256];
        sl_broker_topic_create(broker, "t", 2, NULL, msg, sizeof msg);
        atexit(cleanup);
}

static void reset_state(void)
{
        sl_broker_groups_free(broker);
        if (sl_map_len(&broker->offsets) > 0) {
                sl_err_detail det;
                sl_broker_offsets_close(broker);
                if (sl_broker_offsets_open(broker, &det) != SL_OK)
                        abort();
        }
        if (sl_map_len(&broker->topics) > 1) {
                sl_vec names;
                sl_vec_init(&names, sizeof(char *));
                sl_map_iter it;
                const void *k;
                size_t kl;
                void *v;
                sl_map_iter_init(&it, &broker->topics);
                while (sl_map_iter_next(&it, &k, &kl, &v)) {
                        char *name = sl_strndup(k, kl);
                        if (strcmp(name, "t") == 0)
                                sl_free(name);
                        else
                                sl_vec_push(&names, &name);
                }
                for (size_t i = 0; i < names.len; i++) {
                        char *name = SL_VEC_AT(&names, char *, i);
                        sl_broker_topic_delete(broker, name);
                        sl_free(name);
                }
                sl_vec_deinit(&names);
        }
        sl_broker_flush_collect(broker);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!broker)
                setup();
        sl_broker_conn *conn = sl_broker_conn_new(broker, -1, "fuzz");
        size_t pos = 0;
        while (size - pos >= 4) {
                uint32_t n = sl_load_be32(data + pos);
                pos += 4;
                if (n > size - pos)
                        break;
                /* the broker edits produce batches in place: give it its own copy, exactly sized */
                uint8_t *frame = sl_malloc(n ? n : 1);
                memcpy(frame, data + pos, n);
                bool ok = sl_broker_conn_handle_frame(conn, frame, n);
                sl_free(frame);
                pos += n;
                if (!ok)
                        break;
                sl_broker_flush_collect(broker);
                sl_broker_polls_run(broker, false);
        }
        sl_broker_conn_free(conn);
        reset_state();
        return 0;
}
