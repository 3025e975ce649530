/* topic.c: the topic registry. A topic is a directory <data.dir>/broker/topics/<name>/ holding
 * topic.properties (partition count and the configs given at creation) and one directory per
 * partition log. Creation writes the properties file durably before the topic becomes visible;
 * deletion renames the directory away first, so a crash never leaves half a topic behind. */
#include "broker/broker_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"
#include "common/str.h"
#include "common/time.h"

#define MAX_PARTITIONS 10000

sl_broker_topic *sl_broker_topic_find(sl_broker *broker, const char *name, size_t len)
{
        return sl_map_get(&broker->topics, name, len);
}

bool sl_broker_topic_name_valid(const char *name, size_t len)
{
        if (len == 0 || len > 249)
                return false;
        if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-'))
                        return false;
        }
        return true;
}

static void topic_free(sl_broker_topic *topic)
{
        if (!topic)
                return;
        for (int32_t p = 0; p < topic->npart; p++) {
                if (topic->parts[p]) {
                        sl_broker_log **slot = sl_vec_at(&topic->broker->logs, topic->parts[p]->id);
                        *slot = NULL;
                        sl_broker_log_close(topic->parts[p]);
                }
        }
        sl_free(topic->parts);
        sl_config_free(topic->overrides);
        sl_free(topic->name);
        sl_free(topic->dir);
        sl_free(topic);
}

/* Opens the partition logs of a topic whose directory and properties exist. */
static sl_err topic_open(sl_broker *broker, const char *name, int32_t npart, sl_config *overrides,
                         sl_broker_topic **out, sl_err_detail *det)
{
        sl_broker_topic *topic = sl_calloc(1, sizeof *topic);
        topic->broker = broker;
        topic->name = sl_strdup(name);
        topic->dir = sl_asprintf("%s/topics/%s", broker->dir, name);
        topic->overrides = overrides;
        topic->cfg = broker->set.topic;
        size_t pos = 0;
        const char *k, *v;
        while (sl_config_iter(overrides, &pos, &k, &v))
                if (!sl_broker_topic_config_apply(&topic->cfg, k, v))
                        SL_LOG_WARN("broker", "topic %s: ignoring bad config %s=%s", name, k, v);
        topic->parts = sl_calloc((size_t)npart, sizeof *topic->parts);
        topic->npart = npart;
        for (int32_t p = 0; p < npart; p++) {
                char *dir = sl_asprintf("%s/%d", topic->dir, p);
                sl_err rc = sl_broker_log_open(broker, topic, p, dir, &topic->parts[p], det);
                sl_free(dir);
                if (rc) {
                        topic_free(topic);
                        return rc;
                }
        }
        *out = topic;
        return SL_OK;
}

static bool fsync_path(const char *path)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        bool ok = fsync(fd) == 0;
        close(fd);
        return ok;
}

ErrorCode sl_broker_topic_create(sl_broker *broker, const char *name, int32_t npart,
                                 const sl_config *overrides, char *msg, size_t msglen)
{
        msg[0] = 0;
        size_t len = strlen(name);
        if (!sl_broker_topic_name_valid(name, len)) {
                snprintf(msg, msglen, "invalid topic name");
                return ErrorCode_INVALID_TOPIC_EXCEPTION;
        }
        if (sl_broker_topic_find(broker, name, len)) {
                snprintf(msg, msglen, "Topic '%s' already exists.", name);
                return ErrorCode_TOPIC_ALREADY_EXISTS;
        }
        if (npart < 1 || npart > MAX_PARTITIONS) {
                snprintf(msg, msglen, "Number of partitions must be between 1 and %d.", MAX_PARTITIONS);
                return ErrorCode_INVALID_PARTITIONS;
        }
        sl_broker_topic_config check = broker->set.topic;
        sl_config *copy = sl_config_new();
        size_t pos = 0;
        const char *k, *v;
        while (overrides && sl_config_iter(overrides, &pos, &k, &v)) {
                if (!sl_broker_topic_config_apply(&check, k, v)) {
                        snprintf(msg, msglen, "Invalid value %s for configuration %s", v, k);
                        sl_config_free(copy);
                        return ErrorCode_INVALID_CONFIG;
                }
                sl_config_set(copy, k, v);
        }
        char *dir = sl_asprintf("%s/topics/%s", broker->dir, name);
        char *props = sl_asprintf("%s/topic.properties", dir);
        char *tmp = sl_asprintf("%s.tmp", props);
        sl_str text;
        sl_str_init(&text);
        sl_str_appendf(&text, "partitions=%d\n", npart);
        pos = 0;
        while (sl_config_iter(copy, &pos, &k, &v))
                sl_str_appendf(&text, "config.%s=%s\n", k, v);
        ErrorCode ec = ErrorCode_NONE;
        int fd = -1;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                goto io_fail;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, sl_str_cstr(&text), sl_str_len(&text)) != (ssize_t)sl_str_len(&text) ||
            fsync(fd) < 0 || rename(tmp, props) < 0 || !fsync_path(dir))
                goto io_fail;
        sl_broker_topic *topic;
        sl_err_detail det;
        if (topic_open(broker, name, npart, copy, &topic, &det)) {
                copy = NULL; /* freed with the topic */
                snprintf(msg, msglen, "%s", det.message);
                ec = ErrorCode_UNKNOWN_SERVER_ERROR;
                goto done;
        }
        copy = NULL;
        char *topics_dir = sl_asprintf("%s/topics", broker->dir);
        fsync_path(topics_dir);
        sl_free(topics_dir);
        sl_map_put(&broker->topics, topic->name, strlen(topic->name), topic);
        SL_LOG_INFO("broker", "created topic %s with %d partitions", name, npart);
        broker->dirty = true;
        goto done;
io_fail:
        snprintf(msg, msglen, "cannot create topic directory %s: %s", dir, strerror(errno));
        ec = ErrorCode_UNKNOWN_SERVER_ERROR;
done:
        if (fd >= 0)
                close(fd);
        sl_config_free(copy);
        sl_str_deinit(&text);
        sl_free(dir);
        sl_free(props);
        sl_free(tmp);
        return ec;
}

static void remove_tree(const char *path)
{
        DIR *d = opendir(path);
        if (d) {
                struct dirent *de;
                while ((de = readdir(d))) {
                        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                                continue;
                        char *p = sl_asprintf("%s/%s", path, de->d_name);
                        struct stat st;
                        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                                remove_tree(p);
                        else
                                unlink(p);
                        sl_free(p);
                }
                closedir(d);
        }
        rmdir(path);
}

ErrorCode sl_broker_topic_delete(sl_broker *broker, const char *name)
{
        sl_broker_topic *topic = sl_map_del(&broker->topics, name, strlen(name));
        if (!topic)
                return ErrorCode_UNKNOWN_TOPIC_OR_PARTITION;
        char *gone = sl_asprintf("%s/deleted-%s-%" PRId64, broker->dir, name, sl_time_wall_us());
        if (rename(topic->dir, gone) < 0)
                SL_LOG_ERROR("broker", "cannot move %s away: %s", topic->dir, strerror(errno));
        topic_free(topic);
        remove_tree(gone);
        sl_free(gone);
        SL_LOG_INFO("broker", "deleted topic %s", name);
        broker->dirty = true;
        return ErrorCode_NONE;
}

sl_err sl_broker_topics_load(sl_broker *broker, sl_err_detail *det)
{
        /* leftovers of deletions that did not finish */
        DIR *d = opendir(broker->dir);
        if (d) {
                struct dirent *de;
                while ((de = readdir(d))) {
                        if (strncmp(de->d_name, "deleted-", 8) == 0) {
                                char *p = sl_asprintf("%s/%s", broker->dir, de->d_name);
                                remove_tree(p);
                                sl_free(p);
                        }
                }
                closedir(d);
        }
        char *tdir = sl_asprintf("%s/topics", broker->dir);
        sl_err rc = SL_OK;
        if (mkdir(tdir, 0755) < 0 && errno != EEXIST) {
                rc = sl_err_set(det, SL_ERR_IO, "cannot create %s: %s", tdir, strerror(errno));
                sl_free(tdir);
                return rc;
        }
        d = opendir(tdir);
        if (!d) {
                rc = sl_err_set(det, SL_ERR_IO, "cannot open %s: %s", tdir, strerror(errno));
                sl_free(tdir);
                return rc;
        }
        struct dirent *de;
        while ((de = readdir(d)) && rc == SL_OK) {
                if (de->d_name[0] == '.' && (de->d_name[1] == 0 || (de->d_name[1] == '.' && de->d_name[2] == 0)))
                        continue;
                char *props = sl_asprintf("%s/%s/topic.properties", tdir, de->d_name);
                sl_config *pc = sl_config_new();
                sl_err_detail d2;
                if (sl_config_load_file(pc, props, &d2) != SL_OK) {
                        SL_LOG_WARN("broker", "skipping %s/%s: %s", tdir, de->d_name, d2.message);
                        sl_config_free(pc);
                        sl_free(props);
                        continue;
                }
                int npart;
                if (sl_config_get_int(pc, "partitions", 0, 1, MAX_PARTITIONS, &npart, &d2) || npart < 1) {
                        SL_LOG_WARN("broker", "skipping %s: bad partition count", props);
                        sl_config_free(pc);
                        sl_free(props);
                        continue;
                }
                sl_config *overrides = sl_config_new();
                size_t pos = 0;
                const char *k, *v;
                while (sl_config_iter(pc, &pos, &k, &v))
                        if (strncmp(k, "config.", 7) == 0)
                                sl_config_set(overrides, k + 7, v);
                sl_config_free(pc);
                sl_free(props);
                sl_broker_topic *topic;
                rc = topic_open(broker, de->d_name, npart, overrides, &topic, det);
                if (rc == SL_OK)
                        sl_map_put(&broker->topics, topic->name, strlen(topic->name), topic);
        }
        closedir(d);
        sl_free(tdir);
        return rc;
}

void sl_broker_topics_close(sl_broker *broker)
{
        sl_map_iter it;
        const void *k;
        size_t kl;
        void *v;
        sl_map_iter_init(&it, &broker->topics);
        while (sl_map_iter_next(&it, &k, &kl, &v))
                topic_free(v);
        sl_map_deinit(&broker->topics);
        sl_map_init(&broker->topics, false);
}
