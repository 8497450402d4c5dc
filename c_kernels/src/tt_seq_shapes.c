#include "tt_seq_shapes.h"

/* Walks the layers once: every layer's input and output sample shape and parameter index, the
 * same checks as the reference's Sequential.plan (spec 4.7). */
tt_status_t tt_seq_shapes(const tt_seq_t *m, tt_seq_shape_t *shapes)
{
    uint32_t i, h, w, c, params = 0;
    if (m == 0 || shapes == 0) return TT_ERR_NULL;
    if (m->n_layers == 0u || m->n_layers > TT_SEQ_MAX_LAYERS || m->batch == 0u) return TT_ERR_SHAPE;
    h = m->in_h;
    w = m->in_w;
    c = m->in_c;
    if (!tt_dims_ok(h, w) || !tt_dims_ok(h * w, c) || !tt_dims_ok(m->batch, h * w * c)) return TT_ERR_SHAPE;
    for (i = 0; i < m->n_layers; i++) {
        const tt_layer_t *l = &m->layers[i];
        tt_seq_shape_t *s = &shapes[i];
        s->in_h = h;
        s->in_w = w;
        s->in_c = c;
        s->param = -1;
        switch (l->kind) {
        case TT_DENSE:
            if (h != 1u || w != 1u || !tt_dims_ok(l->out, c)) return TT_ERR_SHAPE;
            c = l->out;
            s->param = (int32_t)params++;
            break;
        case TT_CONV2D: {
            tt_conv_geometry_t g;
            uint32_t oh, ow;
            g.batch = m->batch; g.height = h; g.width = w; g.channels = c;
            g.out_channels = l->out; g.kernel = l->kernel; g.stride = l->stride; g.pad = l->pad;
            if (tt_conv_check(&g, &oh, &ow) != TT_OK) return TT_ERR_SHAPE;
            h = oh; w = ow; c = l->out;
            s->param = (int32_t)params++;
            break;
        }
        case TT_MAXPOOL2D:
            if (l->kernel == 0u || h % l->kernel != 0u || w % l->kernel != 0u) return TT_ERR_SHAPE;
            h /= l->kernel;
            w /= l->kernel;
            break;
        case TT_FLATTEN:
            c = h * w * c;
            h = 1u;
            w = 1u;
            break;
        default:
            return TT_ERR_SHAPE;
        }
        if (params > TT_MAX_PARAM_LAYERS || !tt_dims_ok(m->batch, h * w * c)) return TT_ERR_SHAPE;
        s->out_h = h;
        s->out_w = w;
        s->out_c = c;
    }
    if (params == 0u || h != 1u || w != 1u) return TT_ERR_SHAPE;
    if (m->loss_mse && !(m->in_h == 1u && m->in_w == 1u && m->in_c == c)) return TT_ERR_SHAPE;
    return TT_OK;
}
