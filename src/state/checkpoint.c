/* checkpoint.c: the checkpoint file of a task (checkpoint.h): temp file, fsync, rename, directory
 * fsync on write; magic, bounds and CRC checks on read. */
#include "state/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/crc32c.h"
#include "common/mem.h"

#define MAGIC "SLCKPT01"
#define MAGIC_LEN 8
#define MAX_FILE (64u << 20) /* far above any real checkpoint; bounds a bogus size */

static sl_err write_all(int fd, const uint8_t *p, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return SL_ERR_IO;
                p += n;
                len -= (size_t)n;
        }
        return SL_OK;
}

sl_err sl_state_checkpoint_write(const char *task_dir, const sl_state_checkpoint_entry *entries, size_t n,
                                 sl_err_detail *err)
{
        sl_buf b;
        sl_buf_init(&b);
        char *tmp = sl_asprintf("%s/checkpoint.tmp", task_dir);
        char *path = sl_asprintf("%s/checkpoint", task_dir);
        int fd = -1, dfd = -1;
        sl_err rc = SL_OK;
        if (n > UINT32_MAX) {
                rc = sl_err_set(err, SL_ERR_LIMIT, "too many checkpoint entries");
                goto fail;
        }
        sl_buf_append(&b, MAGIC, MAGIC_LEN);
        sl_buf_append_be32(&b, (uint32_t)n);
        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(entries[i].name);
                if (len > UINT16_MAX) {
                        rc = sl_err_set(err, SL_ERR_LIMIT, "checkpoint entry name too long");
                        goto fail;
                }
                sl_buf_append_be16(&b, (uint16_t)len);
                sl_buf_append(&b, entries[i].name, len);
                sl_buf_append_be64(&b, (uint64_t)entries[i].offset);
        }
        sl_buf_append_be32(&b, sl_crc32c(0, b.data, b.len));

        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write_all(fd, b.data, b.len) != SL_OK || fsync(fd) != 0) {
                rc = sl_err_set(err, SL_ERR_IO, "cannot write checkpoint %s: %s", tmp, strerror(errno));
                goto fail;
        }
        close(fd);
        fd = -1;
        if (rename(tmp, path) != 0) {
                rc = sl_err_set(err, SL_ERR_IO, "cannot rename checkpoint %s: %s", tmp, strerror(errno));
                goto fail;
        }
        /* the rename itself must survive a power loss */
        dfd = open(task_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) != 0)
                rc = sl_err_set(err, SL_ERR_IO, "cannot sync directory %s: %s", task_dir, strerror(errno));
fail:
        if (fd >= 0) {
                close(fd);
                unlink(tmp);
        }
        if (dfd >= 0)
                close(dfd);
        sl_buf_deinit(&b);
        sl_free(tmp);
        sl_free(path);
        return rc;
}

static sl_err parse(const uint8_t *p, size_t len, sl_state_checkpoint *out)
{
        if (len < MAGIC_LEN + 8 || memcmp(p, MAGIC, MAGIC_LEN) != 0)
                return SL_ERR_CORRUPT;
        if (sl_load_be32(p + len - 4) != sl_crc32c(0, p, len - 4))
                return SL_ERR_CORRUPT;
        size_t end = len - 4, pos = MAGIC_LEN;
        uint32_t n = sl_load_be32(p + pos);
        pos += 4;
        if (n > (end - pos) / 10) /* each entry takes 10 bytes at least */
                return SL_ERR_CORRUPT;
        if (n)
                out->entries = sl_calloc(n, sizeof *out->entries);
        for (uint32_t i = 0; i < n; i++) {
                if (end - pos < 2)
                        return SL_ERR_CORRUPT;
                size_t nl = sl_load_be16(p + pos);
                pos += 2;
                if (end - pos < nl + 8)
                        return SL_ERR_CORRUPT;
                out->entries[i].name = sl_strndup((const char *)p + pos, nl);
                pos += nl;
                out->entries[i].offset = (int64_t)sl_load_be64(p + pos);
                pos += 8;
                out->n++;
        }
        return pos == end ? SL_OK : SL_ERR_CORRUPT;
}

sl_err sl_state_checkpoint_read(const char *task_dir, sl_state_checkpoint *out, sl_err_detail *err)
{
        char *path = sl_asprintf("%s/checkpoint", task_dir);
        uint8_t *data = NULL;
        sl_err rc = SL_OK;
        memset(out, 0, sizeof *out);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (errno != ENOENT)
                        rc = sl_err_set(err, SL_ERR_IO, "cannot open checkpoint %s: %s", path, strerror(errno));
                goto fail;
        }
        struct stat st;
        if (fstat(fd, &st) != 0) {
                rc = sl_err_set(err, SL_ERR_IO, "cannot stat checkpoint %s: %s", path, strerror(errno));
                goto fail;
        }
        if ((uint64_t)st.st_size > MAX_FILE) {
                rc = sl_err_set(err, SL_ERR_CORRUPT, "checkpoint %s is too large", path);
                goto fail;
        }
        size_t len = (size_t)st.st_size, got = 0;
        data = sl_malloc(len ? len : 1);
        while (got < len) {
                ssize_t r = read(fd, data + got, len - got);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0) {
                        rc = sl_err_set(err, SL_ERR_IO, "cannot read checkpoint %s", path);
                        goto fail;
                }
                got += (size_t)r;
        }
        if (parse(data, len, out) != SL_OK) {
                sl_state_checkpoint_deinit(out);
                rc = sl_err_set(err, SL_ERR_CORRUPT, "corrupt checkpoint %s", path);
                sl_err_set_hint(err, "Restore the task's stores from the start of their changelogs.");
        }
fail:
        if (fd >= 0)
                close(fd);
        sl_free(data);
        sl_free(path);
        return rc;
}

int64_t sl_state_checkpoint_offset(const sl_state_checkpoint *cp, const char *name)
{
        for (size_t i = 0; i < cp->n; i++)
                if (strcmp(cp->entries[i].name, name) == 0)
                        return cp->entries[i].offset;
        return -1;
}

void sl_state_checkpoint_deinit(sl_state_checkpoint *cp)
{
        for (size_t i = 0; i < cp->n; i++)
                sl_free(cp->entries[i].name);
        sl_free(cp->entries);
        cp->entries = NULL;
        cp->n = 0;
}

sl_err sl_state_checkpoint_remove(const char *task_dir, sl_err_detail *err)
{
        char *path = sl_asprintf("%s/checkpoint", task_dir);
        sl_err rc = SL_OK;
        if (unlink(path) != 0 && errno != ENOENT)
                rc = sl_err_set(err, SL_ERR_IO, "cannot remove checkpoint %s: %s", path, strerror(errno));
        sl_free(path);
        return rc;
}
