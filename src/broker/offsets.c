/* offsets.c: committed consumer offsets. In memory a map from (group, topic, partition) to the
 * last commit; on disk an append-only file offsets/commits.log of CRC-framed records
 * ([u32 length][u32 crc32c][payload]), synced by the flush thread before an OffsetCommit is
 * answered. At start-up the file is replayed (a torn tail is cut off) and rewritten with only the
 * latest commit per key, so it never grows past one record per partition and group for long. */
#include "broker/group.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/crc32c.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/time.h"

#define MAX_RECORD (1 << 20)

static size_t make_key(sl_buf *key, sl_str_ref group, sl_str_ref topic, int32_t partition)
{
        sl_buf_reset(key);
        sl_buf_append_be16(key, (uint16_t)group.len);
        sl_buf_append(key, group.ptr, group.len);
        sl_buf_append_be16(key, (uint16_t)topic.len);
        sl_buf_append(key, topic.ptr, topic.len);
        sl_buf_append_be32(key, (uint32_t)partition);
        return key->len;
}

static void put(sl_broker *broker, const uint8_t *key, size_t keylen, int64_t offset, int32_t epoch,
                const char *meta, size_t metalen, int64_t ms)
{
        sl_broker_committed *c = sl_map_get(&broker->offsets, key, keylen);
        if (!c) {
                c = sl_calloc(1, sizeof *c);
                sl_map_put(&broker->offsets, key, keylen, c);
        }
        sl_free(c->metadata);
        c->metadata = sl_strndup(meta, metalen);
        c->offset = offset;
        c->leader_epoch = epoch;
        c->commit_ms = ms;
}

/* Payload: key bytes (as make_key), i64 offset, i32 epoch, i16 metadata length + bytes, i64 ms. */
static void encode(sl_buf *rec, const uint8_t *key, size_t keylen, const sl_broker_committed *c)
{
        sl_buf payload;
        sl_buf_init(&payload);
        sl_buf_append(&payload, key, keylen);
        sl_buf_append_be64(&payload, (uint64_t)c->offset);
        sl_buf_append_be32(&payload, (uint32_t)c->leader_epoch);
        size_t ml = strlen(c->metadata);
        sl_buf_append_be16(&payload, (uint16_t)ml);
        sl_buf_append(&payload, c->metadata, ml);
        sl_buf_append_be64(&payload, (uint64_t)c->commit_ms);
        sl_buf_append_be32(rec, (uint32_t)payload.len);
        sl_buf_append_be32(rec, sl_crc32c(0, payload.data, payload.len));
        sl_buf_append(rec, payload.data, payload.len);
        sl_buf_deinit(&payload);
}

/* Decodes one payload into the map; false if malformed. */
static bool decode(sl_broker *broker, const uint8_t *p, size_t len)
{
        size_t pos = 0;
        if (len < 2)
                return false;
        size_t gl = sl_load_be16(p);
        pos = 2 + gl;
        if (pos + 2 > len)
                return false;
        size_t tl = sl_load_be16(p + pos);
        pos += 2 + tl + 4;
        size_t keylen = pos;
        if (pos + 8 + 4 + 2 > len)
                return false;
        int64_t off = (int64_t)sl_load_be64(p + pos);
        int32_t epoch = (int32_t)sl_load_be32(p + pos + 8);
        size_t ml = sl_load_be16(p + pos + 12);
        pos += 14;
        if (pos + ml + 8 > len)
                return false;
        const char *meta = (const char *)p + pos;
        int64_t ms = (int64_t)sl_load_be64(p + pos + ml);
        put(broker, p, keylen, off, epoch, meta, ml, ms);
        sl_broker_group_ensure(broker, (const char *)p + 2, gl);
        return true;
}

sl_err sl_broker_offsets_open(sl_broker *broker, sl_err_detail *det)
{
        char *dir = sl_asprintf("%s/offsets", broker->dir);
        char *path = sl_asprintf("%s/commits.log", dir);
        char *tmp = sl_asprintf("%s.tmp", path);
        sl_err rc = SL_OK;
        sl_buf data;
        sl_buf_init(&data);
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                rc = sl_err_set(det, SL_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
                goto done;
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                uint8_t chunk[65536];
                ssize_t n;
                while ((n = read(fd, chunk, sizeof chunk)) > 0)
                        sl_buf_append(&data, chunk, (size_t)n);
                close(fd);
        }
        size_t pos = 0;
        while (pos + 8 <= data.len) {
                uint32_t len = sl_load_be32(data.data + pos), crc = sl_load_be32(data.data + pos + 4);
                if (len > MAX_RECORD || pos + 8 + len > data.len || sl_crc32c(0, data.data + pos + 8, len) != crc ||
                    !decode(broker, data.data + pos + 8, len))
                        break;
                pos += 8 + len;
        }
        if (pos < data.len)
                SL_LOG_WARN("broker", "%s: dropping %zu bytes of torn or corrupt commits", path, data.len - pos);
        /* rewrite compacted */
        sl_buf out;
        sl_buf_init(&out);
        sl_map_iter it;
        const void *k;
        size_t kl;
        void *v;
        sl_map_iter_init(&it, &broker->offsets);
        while (sl_map_iter_next(&it, &k, &kl, &v))
                encode(&out, k, kl, v);
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || (out.len && write(fd, out.data, out.len) != (ssize_t)out.len) || fsync(fd) < 0 ||
            rename(tmp, path) < 0) {
                rc = sl_err_set(det, SL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
                if (fd >= 0)
                        close(fd);
                sl_buf_deinit(&out);
                goto done;
        }
        close(fd);
        sl_buf_deinit(&out);
        int dfd = open(dir, O_RDONLY | O_CLOEXEC);
        if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
        }
        broker->offsets_fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (broker->offsets_fd < 0)
                rc = sl_err_set(det, SL_ERR_IO, "cannot open %s: %s", path, strerror(errno));
done:
        sl_buf_deinit(&data);
        sl_free(dir);
        sl_free(path);
        sl_free(tmp);
        return rc;
}

void sl_broker_offsets_close(sl_broker *broker)
{
        if (broker->offsets_fd >= 0) {
                fdatasync(broker->offsets_fd);
                close(broker->offsets_fd);
                broker->offsets_fd = -1;
        }
        sl_map_iter it;
        void *v;
        sl_map_iter_init(&it, &broker->offsets);
        while (sl_map_iter_next(&it, NULL, NULL, &v)) {
                sl_broker_committed *c = v;
                sl_free(c->metadata);
                sl_free(c);
        }
        sl_map_deinit(&broker->offsets);
        sl_map_init(&broker->offsets, false);
}

int64_t sl_broker_offsets_commit(sl_broker *broker, sl_str_ref group, sl_str_ref topic, int32_t partition,
                                 int64_t offset, int32_t epoch, sl_str_ref metadata)
{
        sl_buf key, rec;
        sl_buf_init(&key);
        sl_buf_init(&rec);
        make_key(&key, group, topic, partition);
        put(broker, key.data, key.len, offset, epoch, metadata.null ? "" : metadata.ptr, metadata.len,
            sl_time_wall_ms());
        encode(&rec, key.data, key.len, sl_map_get(&broker->offsets, key.data, key.len));
        if (broker->offsets_fd >= 0 && write(broker->offsets_fd, rec.data, rec.len) != (ssize_t)rec.len)
                SL_LOG_ERROR("broker", "cannot append to the offsets store: %s", strerror(errno));
        sl_buf_deinit(&key);
        sl_buf_deinit(&rec);
        return ++broker->offsets_written;
}

void sl_broker_offsets_flush(sl_broker *broker)
{
        if (broker->offsets_fd < 0) {
                broker->offsets_durable = broker->offsets_written;
                return;
        }
        int fd = dup(broker->offsets_fd);
        if (fd < 0) {
                fdatasync(broker->offsets_fd);
                broker->offsets_durable = broker->offsets_written;
                return;
        }
        sl_broker_flush_push(broker, fd, UINT32_MAX, broker->offsets_written);
}

const sl_broker_committed *sl_broker_offsets_get(sl_broker *broker, sl_str_ref group, sl_str_ref topic,
                                                 int32_t partition)
{
        sl_buf key;
        sl_buf_init(&key);
        make_key(&key, group, topic, partition);
        const sl_broker_committed *c = sl_map_get(&broker->offsets, key.data, key.len);
        sl_buf_deinit(&key);
        return c;
}

void sl_broker_offsets_each(sl_broker *broker, sl_str_ref group,
                            void (*fn)(void *ctx, const char *topic, int32_t partition, const sl_broker_committed *c),
                            void *ctx)
{
        sl_map_iter it;
        const void *k;
        size_t kl;
        void *v;
        sl_map_iter_init(&it, &broker->offsets);
        while (sl_map_iter_next(&it, &k, &kl, &v)) {
                const uint8_t *p = k;
                size_t gl = sl_load_be16(p);
                if (gl != group.len || memcmp(p + 2, group.ptr, gl) != 0)
                        continue;
                size_t tl = sl_load_be16(p + 2 + gl);
                char *topic = sl_strndup((const char *)p + 4 + gl, tl);
                int32_t part = (int32_t)sl_load_be32(p + 4 + gl + tl);
                fn(ctx, topic, part, v);
                sl_free(topic);
        }
}
