#include "tt_seq_shapes.h"

static uint32_t tt_umax(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* Buffers tt_train_step_seq_mode needs for this model in this gradient mode (all caller-owned,
 * static on a device):
 * act: every layer's output (flatten takes none);
 * err: batch x the widest of the input and every layer's output (each of err_a, err_b);
 * acc: the largest thing the step puts in it: every forward accumulator (batch x outputs), every
 *   backward-error accumulator (batch x inputs; layer 0 makes none), the softmax row, and the gradient:
 *   TT_GRAD_STORED a layer's whole gradient (its weight count), TT_GRAD_RECOMPUTE one of its rows (a
 *   dense layer's inputs, a conv layer's K x K x C); the gradient kernels keep as many rows as it holds. */
tt_status_t tt_seq_workspace_size_mode(const tt_seq_t *m, tt_grad_mode_t mode, tt_workspace_size_t *size)
{
    tt_seq_shape_t shapes[TT_SEQ_MAX_LAYERS];
    uint32_t i, act = 0, err, acc;
    tt_status_t st;
    if (size == 0) return TT_ERR_NULL;
    if (mode != TT_GRAD_STORED && mode != TT_GRAD_RECOMPUTE) return TT_ERR_CONFIG;
    st = tt_seq_shapes(m, shapes);
    if (st != TT_OK) return st;
    err = m->batch * tt_shape_in(&shapes[0]);
    acc = shapes[m->n_layers - 1u].out_c;
    for (i = 0; i < m->n_layers; i++) {
        const tt_layer_t *l = &m->layers[i];
        const tt_seq_shape_t *s = &shapes[i];
        uint32_t out = m->batch * tt_shape_out(s), in = m->batch * tt_shape_in(s);
        err = tt_umax(err, out);
        if (l->kind == TT_FLATTEN) continue;
        act += out;
        if (s->param < 0) continue;
        acc = tt_umax(acc, tt_umax(out, i > 0u ? in : 0u));
        if (mode == TT_GRAD_STORED) {
            acc = tt_umax(acc, tt_seq_weight_count(m, (uint32_t)s->param));
        } else {
            acc = tt_umax(acc, l->kind == TT_DENSE ? tt_shape_in(s) : l->kernel * l->kernel * s->in_c);
        }
    }
    size->act_bytes = act;
    size->err_bytes = err;
    size->acc_words = acc;
    return TT_OK;
}

tt_status_t tt_seq_workspace_size(const tt_seq_t *m, tt_workspace_size_t *size)
{
    return tt_seq_workspace_size_mode(m, TT_GRAD_DEFAULT, size);
}
