/* flush.c: the flush thread and group commit. The network thread appends with write(2) and pushes
 * a job (a dup of the segment's descriptor and the log end offset it covers); the flush thread
 * takes every job queued so far, fdatasyncs each distinct file once, and hands the finished jobs
 * back through the wake eventfd. Produces that arrive while an fsync runs are covered by the next
 * one, so concurrent producers share fsyncs instead of paying one each. */
#include "broker/broker_int.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mem.h"

static void wake_net(sl_broker *broker)
{
        uint64_t one = 1;
        if (broker->wake_fd >= 0 && write(broker->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
                SL_LOG_ERROR("broker", "eventfd write: %s", strerror(errno));
}

static void *flush_main(void *arg)
{
        sl_broker *broker = arg;
        sl_vec jobs;
        sl_vec_init(&jobs, sizeof(sl_broker_flush_job));
        pthread_mutex_lock(&broker->flush_mu);
        for (;;) {
                while (broker->flush_jobs.len == 0 && !broker->flush_stop)
                        pthread_cond_wait(&broker->flush_cv, &broker->flush_mu);
                if (broker->flush_jobs.len == 0 && broker->flush_stop)
                        break;
                /* take the whole queue */
                sl_vec tmp = jobs;
                jobs = broker->flush_jobs;
                broker->flush_jobs = tmp;
                sl_vec_clear(&broker->flush_jobs);
                pthread_mutex_unlock(&broker->flush_mu);
                for (size_t i = 0; i < jobs.len; i++) {
                        sl_broker_flush_job *j = sl_vec_at(&jobs, i);
                        /* one fsync per file: later jobs on the same inode are covered */
                        struct stat si;
                        bool dup_file = false;
                        if (fstat(j->fd, &si) == 0) {
                                for (size_t k = 0; k < i && !dup_file; k++) {
                                        sl_broker_flush_job *o = sl_vec_at(&jobs, k);
                                        struct stat so;
                                        if (o->fd >= 0 && fstat(o->fd, &so) == 0 && so.st_ino == si.st_ino &&
                                            so.st_dev == si.st_dev)
                                                dup_file = true;
                                }
                        }
                        if (!dup_file && fdatasync(j->fd) < 0)
                                SL_LOG_ERROR("broker", "fdatasync: %s", strerror(errno));
                }
                for (size_t i = 0; i < jobs.len; i++) {
                        sl_broker_flush_job *j = sl_vec_at(&jobs, i);
                        close(j->fd);
                        j->fd = -1;
                }
                pthread_mutex_lock(&broker->flush_mu);
                for (size_t i = 0; i < jobs.len; i++)
                        sl_vec_push(&broker->flush_done, sl_vec_at(&jobs, i));
                sl_vec_clear(&jobs);
                wake_net(broker);
        }
        pthread_mutex_unlock(&broker->flush_mu);
        sl_vec_deinit(&jobs);
        return NULL;
}

sl_err sl_broker_flush_start(sl_broker *broker, sl_err_detail *det)
{
        int rc = pthread_create(&broker->flush_thread, NULL, flush_main, broker);
        if (rc)
                return sl_err_set(det, SL_ERR_IO, "cannot start the flush thread: %s", strerror(rc));
        broker->flush_started = true;
        return SL_OK;
}

void sl_broker_flush_stop(sl_broker *broker)
{
        if (broker->flush_started) {
                pthread_mutex_lock(&broker->flush_mu);
                broker->flush_stop = true;
                pthread_cond_signal(&broker->flush_cv);
                pthread_mutex_unlock(&broker->flush_mu);
                pthread_join(broker->flush_thread, NULL);
                broker->flush_started = false;
        }
        /* jobs pushed without a thread (offline broker) are done synchronously */
        for (size_t i = 0; i < broker->flush_jobs.len; i++) {
                sl_broker_flush_job *j = sl_vec_at(&broker->flush_jobs, i);
                close(j->fd);
        }
        sl_vec_clear(&broker->flush_jobs);
}

void sl_broker_flush_push(sl_broker *broker, int fd, uint32_t log_id, int64_t offset)
{
        sl_broker_flush_job job = {fd, log_id, offset};
        if (!broker->flush_started) {
                /* offline broker (tests, fuzzing): flush inline */
                if (fdatasync(fd) < 0)
                        SL_LOG_ERROR("broker", "fdatasync: %s", strerror(errno));
                close(fd);
                job.fd = -1;
                sl_vec_push(&broker->flush_done, &job);
                return;
        }
        pthread_mutex_lock(&broker->flush_mu);
        sl_vec_push(&broker->flush_jobs, &job);
        pthread_cond_signal(&broker->flush_cv);
        pthread_mutex_unlock(&broker->flush_mu);
}

void sl_broker_flush_collect(sl_broker *broker)
{
        sl_vec done;
        sl_vec_init(&done, sizeof(sl_broker_flush_job));
        if (broker->flush_started)
                pthread_mutex_lock(&broker->flush_mu);
        sl_vec tmp = done;
        done = broker->flush_done;
        broker->flush_done = tmp;
        if (broker->flush_started)
                pthread_mutex_unlock(&broker->flush_mu);
        for (size_t i = 0; i < done.len; i++) {
                sl_broker_flush_job *j = sl_vec_at(&done, i);
                if (j->log_id == UINT32_MAX) {
                        if (j->offset > broker->offsets_durable)
                                broker->offsets_durable = j->offset;
                } else if (j->log_id < broker->logs.len) {
                        sl_broker_log *log = SL_VEC_AT(&broker->logs, sl_broker_log *, j->log_id);
                        if (log && j->offset > log->durable_offset)
                                log->durable_offset = j->offset;
                }
        }
        if (done.len)
                broker->dirty = true;
        sl_vec_deinit(&done);
}
