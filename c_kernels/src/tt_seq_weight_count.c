#include "tt_seq_shapes.h"

/* Weight count of parameter layer `param`: dense out x in, conv OC x K x K x C; 0 when invalid. */
uint32_t tt_seq_weight_count(const tt_seq_t *m, uint32_t param)
{
    tt_seq_shape_t shapes[TT_SEQ_MAX_LAYERS];
    uint32_t i;
    if (tt_seq_shapes(m, shapes) != TT_OK) return 0u;
    for (i = 0; i < m->n_layers; i++) {
        const tt_layer_t *l = &m->layers[i];
        if (shapes[i].param != (int32_t)param) continue;
        if (l->kind == TT_DENSE) return l->out * tt_shape_in(&shapes[i]);
        return l->out * l->kernel * l->kernel * shapes[i].in_c;
    }
    return 0u;
}
