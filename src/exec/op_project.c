/* op_project.c: the SELECT list. Evaluates one compiled expression per output column over the
 * input row and replaces the record's row with the result (key columns first, as the sink and the
 * analyzer's output schema lay them out). A tombstone keeps its flag: its key columns are computed
 * (from NULL values where a PARTITION BY reads the value) and its value columns stay NULL.
 * Stateless; one per task; rows are built in the per-batch arena. */
#include "exec/op.h"

#include "common/mem.h"
#include "exec/exec_int.h"

typedef struct project_state {
        sl_op base;        /* must be first: op.c casts to it */
        sl_exec_eval ev;   /* evaluation context */
        bool *key_only;    /* per output column: its expression reads key columns only */
} project_state;

/* Does `e` read only key columns of the input row (constants count as such)? */
static bool reads_keys_only(const sl_expr *e, const sl_plan_node *in)
{
        if (e->kind == SL_EXPR_COLUMN && ((size_t)e->index >= in->width || !in->cols[e->index].key))
                return false;
        for (size_t i = 0; i < e->nargs; i++)
                if (e->args[i] && !reads_keys_only(e->args[i], in))
                        return false;
        return true;
}

static sl_err project_open(sl_op *op, sl_err_detail *err)
{
        project_state *st = (project_state *)op;
        const sl_plan_node *node = op->node;

        (void)err;
        sl_exec_eval_init(&st->ev, op->task->plan);
        st->key_only = sl_calloc(node->u.project.n + 1, sizeof(*st->key_only));
        for (size_t c = 0; c < node->u.project.n; c++)
                st->key_only[c] = node->input && reads_keys_only(sl_expr_prog_root(node->u.project.progs[c]), node->input);
        return SL_OK;
}

static void project_close(sl_op *op)
{
        project_state *st = (project_state *)op;

        sl_exec_eval_deinit(&st->ev);
        sl_free(st->key_only);
}

static sl_err project_process(sl_op *op, sl_batch *batch, sl_err_detail *err)
{
        project_state *st = (project_state *)op;
        const sl_plan_node *node = op->node;
        size_t n = node->u.project.n;

        st->ev.ctx.arena = batch->arena;
        for (size_t i = 0; i < batch->len; i++) {
                sl_rec *rec = &batch->recs[i];
                sl_value *row = sl_batch_row_new(batch, n);

                st->ev.ctx.row = rec->row;
                for (size_t c = 0; c < n; c++) {
                        /* a null row has only its key: what reads anything else is NULL */
                        if (rec->tombstone && (!node->cols[c].key || !st->key_only[c]))
                                continue;
                        sl_expr_eval(node->u.project.progs[c], &st->ev.ctx, &row[c]);
                }
                if (rec->old_row) {
                        sl_value *old = sl_batch_row_new(batch, n);

                        st->ev.ctx.row = rec->old_row;
                        for (size_t c = 0; c < n; c++)
                                sl_expr_eval(node->u.project.progs[c], &st->ev.ctx, &old[c]);
                        rec->old_row = old;
                }
                rec->row = row;
                rec->width = (uint32_t)n;
                if (node->u.project.rekey)
                        rec->null_key = false;
        }
        sl_exec_eval_report(op, &st->ev);
        return sl_op_forward(op, batch, err);
}

const sl_op_class sl_op_project_class = {
        .name = "PROJECT",
        .size = sizeof(project_state),
        .open = project_open,
        .process = project_process,
        .close = project_close,
};
