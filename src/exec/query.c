/* query.c: a running query (query.h): N stream threads sharing one processing log. */
#include "exec/query.h"

#include "common/mem.h"

struct sl_exec_query {
        const sl_plan *plan;        /* borrowed */
        sl_proclog log;             /* shared by the threads */
        sl_exec_thread **threads;   /* nthreads of them */
        int nthreads;
        bool running;               /* started and not stopped */
};

sl_err sl_exec_query_new(const sl_plan *plan, const sl_exec_thread_conf *conf, int nthreads, sl_exec_query **out,
                         sl_err_detail *err)
{
        sl_exec_query *q = sl_calloc(1, sizeof(*q));
        sl_err rc;

        *out = NULL;
        q->plan = plan;
        sl_proclog_init(&q->log, plan->query_id);
        q->nthreads = nthreads > 0 ? nthreads : 1;
        q->threads = sl_calloc((size_t)q->nthreads, sizeof(*q->threads));
        for (int i = 0; i < q->nthreads; i++)
                if ((rc = sl_exec_thread_new(plan, conf, &q->log, &q->threads[i], err)) != SL_OK)
                        goto fail;
        *out = q;
        return SL_OK;
fail:
        sl_exec_query_free(q);
        return rc;
}

sl_err sl_exec_query_start(sl_exec_query *q, sl_err_detail *err)
{
        sl_err rc;

        for (int i = 0; i < q->nthreads; i++)
                if ((rc = sl_exec_thread_start(q->threads[i], err)) != SL_OK) {
                        sl_exec_query_stop(q, NULL);
                        return rc;
                }
        q->running = true;
        return SL_OK;
}

sl_err sl_exec_query_stop(sl_exec_query *q, sl_err_detail *err)
{
        sl_err first = SL_OK;

        for (int i = 0; i < q->nthreads; i++) {
                sl_err_detail e;
                sl_err rc;

                if (!q->threads[i])
                        continue;
                sl_err_clear(&e);
                rc = sl_exec_thread_stop(q->threads[i], &e);
                if (rc != SL_OK && first == SL_OK) {
                        first = rc;
                        if (err)
                                *err = e;
                }
        }
        q->running = false;
        return first;
}

void sl_exec_query_free(sl_exec_query *q)
{
        if (!q)
                return;
        if (q->running)
                sl_exec_query_stop(q, NULL);
        for (int i = 0; i < q->nthreads; i++)
                sl_exec_thread_free(q->threads[i]);
        sl_free(q->threads);
        sl_proclog_deinit(&q->log);
        sl_free(q);
}

sl_proclog *sl_exec_query_log(sl_exec_query *q)
{
        return &q->log;
}

void sl_exec_query_stats(const sl_exec_query *q, uint64_t *records, uint64_t *commits)
{
        *records = *commits = 0;
        for (int i = 0; i < q->nthreads; i++) {
                uint64_t r, c;

                if (!q->threads[i])
                        continue;
                sl_exec_thread_stats(q->threads[i], &r, &c);
                *records += r;
                *commits += c;
        }
}
