#include "tt_seq_shapes.h"

static uint32_t tt_umax(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* Buffer sizes tt_train_step_seq needs for this model (all caller-owned, static on a device). */
tt_status_t tt_seq_workspace_size(const tt_seq_t *m, tt_workspace_size_t *size)
{
    tt_seq_shape_t shapes[TT_SEQ_MAX_LAYERS];
    uint32_t i, widest, act = 0, acc;
    tt_status_t st;
    if (size == 0) return TT_ERR_NULL;
    st = tt_seq_shapes(m, shapes);
    if (st != TT_OK) return st;
    widest = m->batch * tt_shape_in(&shapes[0]);
    acc = 0;
    for (i = 0; i < m->n_layers; i++) {
        const tt_seq_shape_t *s = &shapes[i];
        uint32_t out = m->batch * tt_shape_out(s), in = m->batch * tt_shape_in(s);
        if (m->layers[i].kind != TT_FLATTEN) act += out;
        widest = tt_umax(widest, out);
        if (s->param >= 0) acc = tt_umax(acc, tt_umax(tt_umax(out, in), tt_seq_weight_count(m, (uint32_t)s->param)));
    }
    acc = tt_umax(acc, shapes[m->n_layers - 1u].out_c);
    size->act_bytes = act;
    size->err_bytes = widest;
    size->acc_words = acc;
    return TT_OK;
}
