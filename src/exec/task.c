/* task.c: tasks (task.h). Builds the operator chain back to front so each operator knows its
 * successor when it opens, feeds consumed messages in as one batch, and resets the per-batch
 * arena once the chain is done with it.
 *
 * One batch, walked through `CREATE STREAM O AS SELECT ID, UCASE(NAME) AS N FROM S WHERE V > 10
 * PARTITION BY N` for partition 0 of S's topic:
 *   1. sl_task_process turns the polled messages into records (raw key and value bytes, offset,
 *      timestamp, headers; nothing copied) in task->in.
 *   2. SOURCE decodes key and value into a row of the analyzer's input layout (ID, NAME, V, then
 *      ROWTIME, ROWPARTITION, ROWOFFSET...), every string in the per-batch arena; a record that does
 *      not decode is logged and left out; the batch is compacted in place.
 *   3. FILTER evaluates V > 10 per row and compacts again.
 *   4. PROJECT builds the output rows (N first: it is the new key, then ID) in the arena.
 *   5. REPARTITION forwards (no internal topic needed); SINK serializes key N and value {ID} into
 *      reused buffers and hands each record to the output (librdkafka copies it).
 *   6. Operators are punctuated if stream time moved; the arena is reset: the rows are gone, the
 *      memory stays for the next batch. The task's next_offset says what a commit may store. */
#include "exec/task.h"

#include <stdio.h>
#include <string.h>

#include "common/mem.h"

sl_err sl_task_new(const sl_plan *plan, size_t sub, int32_t partition, sl_exec_output *out, sl_proclog *log,
                   sl_task **task_out, sl_err_detail *err)
{
        sl_task *task;
        const sl_plan_sub *s;
        sl_op *next = NULL;
        sl_err rc = SL_OK;

        *task_out = NULL;
        if (sub >= plan->nsubs)
                return sl_err_set(err, SL_ERR_INVALID, "no sub-topology %zu in query %s", sub, plan->query_id);
        s = &plan->subs[sub];
        task = sl_calloc(1, sizeof(*task));
        task->plan = plan;
        task->sub = s;
        task->partition = partition;
        snprintf(task->id, sizeof(task->id), "%d_%d", s->id, (int)partition);
        task->out = out;
        task->log = log;
        task->stream_time = -1;
        task->punctuated = -1;
        task->next_offset = -1;
        sl_arena_init(&task->arena, 64 * 1024);
        sl_batch_init(&task->in, &task->arena);
        task->ops = sl_calloc(s->nnodes ? s->nnodes : 1, sizeof(*task->ops));
        task->nops = s->nnodes;
        task->source_ops = sl_calloc(s->nsources + 1, sizeof(*task->source_ops));
        task->next_offsets = sl_calloc(s->nsources + 1, sizeof(*task->next_offsets));
        for (size_t k = 0; k < s->nsources; k++)
                task->next_offsets[k] = -1;
        for (size_t i = s->nnodes; i-- > 0;) {
                bool right = false;

                /* the downstream op: the node reading this one (a join reads two) */
                next = NULL;
                for (size_t j = i + 1; j < s->nnodes && !next; j++) {
                        if (s->nodes[j]->input == s->nodes[i] || s->nodes[j]->right == s->nodes[i]) {
                                next = task->ops[j];
                                right = s->nodes[j]->right == s->nodes[i];
                        }
                }
                if ((rc = sl_op_new(s->nodes[i], task, next, &task->ops[i], err)) != SL_OK)
                        goto fail;
                task->ops[i]->next_right = right;
                for (size_t k = 0; k < s->nsources; k++)
                        if (s->sources[k] == s->nodes[i])
                                task->source_ops[k] = i;
        }
        *task_out = task;
        return SL_OK;
fail:
        sl_task_free(task);
        return rc;
}

void sl_task_free(sl_task *task)
{
        if (!task)
                return;
        for (size_t i = 0; i < task->nops; i++)
                sl_op_free(task->ops[i]);
        sl_task_state_free(task);
        sl_free(task->ops);
        sl_free(task->source_ops);
        sl_free(task->next_offsets);
        sl_batch_deinit(&task->in);
        sl_arena_deinit(&task->arena);
        sl_free(task);
}

int sl_task_source_index(const sl_task *task, const char *topic)
{
        for (size_t k = 0; k < task->sub->nsources; k++)
                if (strcmp(task->sub->sources[k]->u.source.topic.name, topic) == 0)
                        return (int)k;
        return -1;
}

sl_err sl_task_process(sl_task *task, const sl_kafka_msg *msgs, size_t n, sl_err_detail *err)
{
        int src = n && msgs[0].topic && task->sub->nsources > 1 ? sl_task_source_index(task, msgs[0].topic) : 0;
        sl_err rc;

        if (src < 0)
                return sl_err_set(err, SL_ERR_INTERNAL, "task %s of %s does not read topic %s", task->id,
                                  task->plan->query_id, msgs[0].topic);
        sl_batch_clear(&task->in);
        for (size_t i = 0; i < n; i++) {
                sl_rec *rec = sl_batch_push(&task->in);

                rec->partition = msgs[i].partition;
                rec->offset = msgs[i].offset;
                rec->ts = msgs[i].timestamp;
                rec->key = msgs[i].key;
                rec->value = msgs[i].value;
                rec->headers = msgs[i].headers;
                rec->nheaders = msgs[i].nheaders;
                if (msgs[i].offset + 1 > task->next_offsets[src])
                        task->next_offsets[src] = msgs[i].offset + 1;
        }
        task->next_offset = task->next_offsets[0];
        task->records += n;
        rc = task->nops ? sl_op_process(task->ops[task->source_ops[src]], &task->in, err) : SL_OK;
        /* stream time moved: operators that close windows get to look (after the batch, so a
         * window closes only once every record of the batch is in) */
        for (size_t i = 0; rc == SL_OK && task->stream_time > task->punctuated && i < task->nops; i++)
                rc = sl_op_punctuate(task->ops[i], task->stream_time, err);
        if (task->stream_time > task->punctuated)
                task->punctuated = task->stream_time;
        sl_batch_clear(&task->in);
        sl_arena_reset(&task->arena);
        return rc;
}

sl_err sl_task_flush(sl_task *task, sl_err_detail *err)
{
        sl_err rc;

        for (size_t i = 0; i < task->nops; i++)
                if ((rc = sl_op_flush(task->ops[i], err)) != SL_OK)
                        return rc;
        return sl_task_state_flush(task, err);
}
