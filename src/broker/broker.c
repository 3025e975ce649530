/* broker.c: the broker's life cycle. sl_broker_new reads the settings and opens the data directory
 * (<data.dir>/broker/: meta/ holds the cluster id and reserved producer ids, topics/ the partition
 * logs, offsets/ the committed consumer offsets), recovering every log. sl_broker_start binds the
 * listener and starts the network thread (net.c) and the flush thread (flush.c). */
#include "broker/broker_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/time.h"

sl_err sl_broker_net_init(sl_broker *broker, sl_err_detail *det);
sl_err sl_broker_net_listen(sl_broker *broker, sl_err_detail *det);
void *sl_broker_net_main(void *arg);
void sl_broker_maintain(sl_broker *broker);

/* The cluster id is made once and kept in meta/cluster.id. */
static sl_err load_cluster_id(sl_broker *broker, sl_err_detail *det)
{
        char *path = sl_asprintf("%s/meta/cluster.id", broker->dir);
        sl_err rc = SL_OK;
        FILE *f = fopen(path, "r");
        if (f) {
                if (!fgets(broker->cluster_id, sizeof broker->cluster_id, f))
                        broker->cluster_id[0] = 0;
                fclose(f);
                broker->cluster_id[strcspn(broker->cluster_id, "\r\n")] = 0;
        }
        if (!broker->cluster_id[0]) {
                static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                uint8_t rnd[22];
                int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
                if (fd < 0 || read(fd, rnd, sizeof rnd) != (ssize_t)sizeof rnd) {
                        uint64_t t = (uint64_t)sl_time_wall_us();
                        for (size_t i = 0; i < sizeof rnd; i++)
                                rnd[i] = (uint8_t)(t >> ((i % 8) * 8)) ^ (uint8_t)(i * 37);
                }
                if (fd >= 0)
                        close(fd);
                for (size_t i = 0; i < sizeof rnd; i++)
                        broker->cluster_id[i] = alphabet[rnd[i] & 63];
                broker->cluster_id[sizeof rnd] = 0;
                f = fopen(path, "w");
                if (!f || fprintf(f, "%s\n", broker->cluster_id) < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0)
                        rc = sl_err_set(det, SL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
                if (f)
                        fclose(f);
        }
        sl_free(path);
        return rc;
}

static sl_err broker_open(const sl_config *cfg, sl_broker **out, sl_err_detail *det)
{
        sl_broker *broker = sl_calloc(1, sizeof *broker);
        sl_err rc;
        broker->epfd = broker->listen_fd = broker->wake_fd = broker->offsets_fd = -1;
        sl_map_init(&broker->topics, false);
        sl_map_init(&broker->groups, false);
        sl_map_init(&broker->offsets, false);
        sl_vec_init(&broker->logs, sizeof(sl_broker_log *));
        sl_vec_init(&broker->flush_jobs, sizeof(sl_broker_flush_job));
        sl_vec_init(&broker->flush_done, sizeof(sl_broker_flush_job));
        pthread_mutex_init(&broker->flush_mu, NULL);
        pthread_cond_init(&broker->flush_cv, NULL);
        pthread_mutex_init(&broker->clean_mu, NULL);
        pthread_cond_init(&broker->clean_cv, NULL);
        if ((rc = sl_broker_settings_load(&broker->set, cfg, det))) {
                sl_free(broker);
                return rc;
        }
        broker->dir = sl_asprintf("%s/broker", broker->set.data_dir);
        char *meta = sl_asprintf("%s/meta", broker->dir);
        rc = sl_fs_mkdirs(meta, NULL, det);
        sl_free(meta);
        if (rc || (rc = load_cluster_id(broker, det)) || (rc = sl_broker_topics_load(broker, det)) ||
            (rc = sl_broker_offsets_open(broker, det))) {
                sl_broker_free(broker);
                return rc;
        }
        broker->scratch = sl_malloc(SL_BROKER_SCRATCH);
        broker->adv_host = sl_strdup(strcmp(broker->set.host, "0.0.0.0") == 0 ? "127.0.0.1" : broker->set.host);
        broker->port = broker->set.port;
        *out = broker;
        return SL_OK;
}

sl_err sl_broker_new(const sl_config *cfg, sl_broker **out, sl_err_detail *det)
{
        sl_err rc = broker_open(cfg, out, det);
        if (rc == SL_OK)
                SL_LOG_INFO("broker", "opened %s (%zu topics)", (*out)->dir, sl_map_len(&(*out)->topics));
        return rc;
}

sl_err sl_broker_new_offline(const sl_config *cfg, sl_broker **out, sl_err_detail *det)
{
        return broker_open(cfg, out, det);
}

sl_err sl_broker_start(sl_broker *broker, sl_err_detail *det)
{
        sl_err rc;
        if ((rc = sl_broker_net_init(broker, det)) || (rc = sl_broker_net_listen(broker, det)) ||
            (rc = sl_broker_flush_start(broker, det)) || (rc = sl_broker_cleaner_start(broker, det)))
                return rc;
        int e = pthread_create(&broker->net_thread, NULL, sl_broker_net_main, broker);
        if (e)
                return sl_err_set(det, SL_ERR_IO, "cannot start the network thread: %s", strerror(e));
        broker->net_started = true;
        SL_LOG_INFO("broker", "listening on %s:%d", broker->adv_host, broker->port);
        return SL_OK;
}

int sl_broker_port(const sl_broker *broker)
{
        return broker->port;
}

void sl_broker_stop(sl_broker *broker)
{
        if (!broker || broker->stopped)
                return;
        broker->stopped = true;
        atomic_store(&broker->stopping, true);
        if (broker->net_started) {
                uint64_t one = 1;
                if (write(broker->wake_fd, &one, sizeof one) < 0)
                        SL_LOG_WARN("broker", "eventfd write: %s", strerror(errno));
                pthread_join(broker->net_thread, NULL);
                broker->net_started = false;
        }
        sl_broker_cleaner_stop(broker);
        sl_broker_flush_stop(broker);
        sl_broker_flush_collect(broker);
}

void sl_broker_free(sl_broker *broker)
{
        if (!broker)
                return;
        sl_broker_stop(broker);
        sl_broker_groups_free(broker);
        sl_broker_offsets_close(broker);
        sl_broker_topics_close(broker);
        if (broker->listen_fd >= 0)
                close(broker->listen_fd);
        if (broker->wake_fd >= 0)
                close(broker->wake_fd);
        if (broker->epfd >= 0)
                close(broker->epfd);
        sl_vec_deinit(&broker->logs);
        sl_vec_deinit(&broker->flush_jobs);
        sl_vec_deinit(&broker->flush_done);
        sl_map_deinit(&broker->groups);
        sl_map_deinit(&broker->offsets);
        pthread_mutex_destroy(&broker->flush_mu);
        pthread_cond_destroy(&broker->flush_cv);
        pthread_mutex_destroy(&broker->clean_mu);
        pthread_cond_destroy(&broker->clean_cv);
        sl_broker_settings_deinit(&broker->set);
        sl_free(broker->scratch);
        sl_free(broker->adv_host);
        sl_free(broker->dir);
        sl_free(broker);
}

void sl_broker_maintain(sl_broker *broker)
{
        int64_t wall = sl_time_wall_ms(), mono = sl_time_mono_ms();
        bool retention = mono >= broker->next_retention_ms;
        if (retention)
                broker->next_retention_ms = mono + broker->set.retention_check_ms;
        for (size_t i = 0; i < broker->logs.len; i++) {
                sl_broker_log *log = SL_VEC_AT(&broker->logs, sl_broker_log *, i);
                if (!log)
                        continue;
                sl_broker_log_maintain(log, wall, mono, retention);
                if (log->cfg->compact && mono - log->last_clean_ms >= broker->set.cleaner_backoff_ms) {
                        log->last_clean_ms = mono;
                        sl_broker_cleaner_schedule(broker, log, wall);
                }
        }
}
