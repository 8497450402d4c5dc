#include "tt_seq_shapes.h"

/* First index of the row maximum (matches argmax in the reference). */
static uint32_t tt_argmax_row(const int8_t *row, uint32_t n)
{
    uint32_t i, best = 0;
    for (i = 1; i < n; i++) {
        if (row[i] > row[best]) best = i;
    }
    return best;
}

static tt_conv_geometry_t tt_geometry(const tt_seq_t *m, const tt_layer_t *l, const tt_seq_shape_t *s)
{
    tt_conv_geometry_t g;
    g.batch = m->batch;
    g.height = s->in_h;
    g.width = s->in_w;
    g.channels = s->in_c;
    g.out_channels = l->out;
    g.kernel = l->kernel;
    g.stride = l->stride;
    g.pad = l->pad;
    return g;
}

static tt_status_t tt_layer_forward(const tt_config_t *cfg, const tt_seq_t *m, const tt_layer_t *l,
                                    const tt_seq_shape_t *s, const tt_model_state_t *state, const int8_t *in,
                                    tt_header_t h_in, int32_t *acc, int8_t *out, tt_header_t *h_out)
{
    const uint32_t B = m->batch;
    if (l->kind == TT_DENSE) {
        return tt_dense_forward(cfg, in, h_in, state->w[s->param], state->h[s->param], B, tt_shape_in(s), l->out,
                                l->relu, acc, out, h_out);
    }
    if (l->kind == TT_CONV2D) {
        tt_conv_geometry_t g = tt_geometry(m, l, s);
        return tt_conv2d_forward(cfg, &g, in, h_in, state->w[s->param], state->h[s->param], l->relu, acc, out, h_out);
    }
    *h_out = h_in; /* pooling keeps the header */
    return tt_maxpool2d_forward(in, B, s->in_h, s->in_w, s->in_c, l->kernel, out);
}

/* Error below a parameter layer, with its pre-update weights (spec 4.2). */
static tt_status_t tt_layer_error(const tt_config_t *cfg, const tt_seq_t *m, const tt_layer_t *l,
                                  const tt_seq_shape_t *s, const tt_model_state_t *state, const int8_t *e,
                                  tt_header_t h_e, int32_t *acc, int8_t *e_in, tt_header_t *h_e_in)
{
    if (l->kind == TT_DENSE) {
        return tt_dense_backward_error(cfg, e, h_e, state->w[s->param], state->h[s->param], m->batch, tt_shape_in(s),
                                       l->out, acc, e_in, h_e_in);
    }
    {
        tt_conv_geometry_t g = tt_geometry(m, l, s);
        return tt_conv2d_backward_error(cfg, &g, e, h_e, state->w[s->param], state->h[s->param], acc, e_in, h_e_in);
    }
}

/* Gradient and update of a parameter layer, its gradient rows made in acc (acc_words words, tt_grad_mode_t). */
static tt_status_t tt_layer_gradient_update(const tt_config_t *cfg, const tt_seq_t *m, const tt_layer_t *l,
                                            const tt_seq_shape_t *s, tt_model_state_t *state, const int8_t *e,
                                            tt_header_t h_e, const int8_t *in, tt_header_t h_in, int32_t *acc,
                                            uint32_t acc_words)
{
    int8_t *w = state->w[s->param];
    tt_header_t *h_w = &state->h[s->param];
    if (l->kind == TT_DENSE) {
        return tt_dense_gradient_update(cfg, e, h_e, in, h_in, m->batch, tt_shape_in(s), l->out, w, h_w, state->seed,
                                        state->step, s->param, acc, acc_words);
    }
    {
        tt_conv_geometry_t g = tt_geometry(m, l, s);
        return tt_conv2d_gradient_update(cfg, &g, e, h_e, in, h_in, w, h_w, state->seed, state->step, s->param, acc,
                                         acc_words);
    }
}

/* One training step: forward keeping every output, the output error, then from the last layer:
 * ReLU mask, backward error with the pre-update weights, gradient, update (spec 4.6). The gradient
 * mode only decides how much of each gradient acc holds between its two passes (tt_grad_mode_t). */
tt_status_t tt_train_step_seq_mode(const tt_config_t *cfg, const tt_seq_t *m, tt_model_state_t *state,
                                   const int8_t *x, tt_header_t h_x, const int32_t *labels, const int8_t *target,
                                   tt_header_t h_target, const tt_workspace_t *ws, tt_grad_mode_t mode,
                                   tt_metrics_t *metrics)
{
    tt_seq_shape_t shapes[TT_SEQ_MAX_LAYERS];
    tt_workspace_size_t size;
    const int8_t *inputs[TT_SEQ_MAX_LAYERS];
    int8_t *outputs[TT_SEQ_MAX_LAYERS];
    tt_header_t h_act[TT_SEQ_MAX_LAYERS], h_e, h_other = {0, 0, 0};
    int8_t *cur, *other, *swap;
    uint32_t L, B, i, k, n_out, offset = 0;
    int32_t li;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (m == 0 || state == 0 || x == 0 || ws == 0 || metrics == 0) return TT_ERR_NULL;
    if (ws->act == 0 || ws->err_a == 0 || ws->err_b == 0 || ws->acc == 0) return TT_ERR_NULL;
    if (m->loss_mse ? target == 0 : labels == 0) return TT_ERR_NULL;
    if (state->step == TT_INT32_MAX) return TT_ERR_RANGE; /* the counter would overflow (spec 4.6) */
    st = tt_seq_shapes(m, shapes);
    if (st != TT_OK) return st;
    st = tt_seq_workspace_size_mode(m, mode, &size); /* how many acc words the caller owns */
    if (st != TT_OK) return st;
    L = m->n_layers;
    B = m->batch;
    for (i = 0; i < L; i++) {
        if (shapes[i].param >= 0 && state->w[shapes[i].param] == 0) return TT_ERR_NULL;
    }

    /* forward */
    for (i = 0; i < L; i++) {
        tt_header_t h_in = i == 0 ? h_x : h_act[i - 1];
        inputs[i] = i == 0 ? x : outputs[i - 1];
        if (m->layers[i].kind == TT_FLATTEN) { /* NHWC is already flat in memory */
            outputs[i] = (int8_t *)(uintptr_t)inputs[i];
            h_act[i] = h_in;
            continue;
        }
        outputs[i] = ws->act + offset;
        offset += B * tt_shape_out(&shapes[i]);
        st = tt_layer_forward(cfg, m, &m->layers[i], &shapes[i], state, inputs[i], h_in, ws->acc, outputs[i],
                              &h_act[i]);
        if (st != TT_OK) return st;
    }

    /* output error and metrics */
    n_out = shapes[L - 1].out_c;
    cur = ws->err_a;
    other = ws->err_b;
    if (m->loss_mse) {
        st = tt_mse_error(cfg, outputs[L - 1], h_act[L - 1], target, h_target, B * n_out, cur, &h_e);
    } else {
        st = tt_softmax_xent_error(cfg, outputs[L - 1], h_act[L - 1], labels, B, n_out, ws->acc, cur, &h_e);
    }
    if (st != TT_OK) return st;
    metrics->error_abs_sum = 0;
    metrics->correct = 0;
    for (k = 0; k < B * n_out; k++) metrics->error_abs_sum += tt_abs(cur[k]);
    if (!m->loss_mse) {
        for (k = 0; k < B; k++) {
            metrics->correct += (int32_t)(tt_argmax_row(outputs[L - 1] + k * n_out, n_out) == (uint32_t)labels[k]);
        }
    }

    /* backward, last layer first */
    for (li = (int32_t)L - 1; li >= 0; li--) {
        uint32_t l = (uint32_t)li;
        const tt_layer_t *layer = &m->layers[l];
        const tt_seq_shape_t *s = &shapes[l];
        tt_header_t h_in = l == 0 ? h_x : h_act[l - 1];
        if (layer->kind == TT_FLATTEN) continue;
        if (layer->kind == TT_MAXPOOL2D) {
            st = tt_maxpool2d_backward(cur, inputs[l], B, s->in_h, s->in_w, s->in_c, layer->kernel, other);
            if (st != TT_OK) return st;
            swap = cur; cur = other; other = swap;
            continue;
        }
        if (layer->relu) {
            st = tt_relu_backward(cur, outputs[l], cur, B * tt_shape_out(s));
            if (st != TT_OK) return st;
        }
        if (l > 0) {
            st = tt_layer_error(cfg, m, layer, s, state, cur, h_e, ws->acc, other, &h_other);
            if (st != TT_OK) return st;
        }
        st = tt_layer_gradient_update(cfg, m, layer, s, state, cur, h_e, inputs[l], h_in, ws->acc, size.acc_words);
        if (st != TT_OK) return st;
        swap = cur; cur = other; other = swap;
        h_e = h_other;
    }
    state->step += 1;
    return TT_OK;
}

tt_status_t tt_train_step_seq(const tt_config_t *cfg, const tt_seq_t *m, tt_model_state_t *state, const int8_t *x,
                              tt_header_t h_x, const int32_t *labels, const int8_t *target, tt_header_t h_target,
                              const tt_workspace_t *ws, tt_metrics_t *metrics)
{
    return tt_train_step_seq_mode(cfg, m, state, x, h_x, labels, target, h_target, ws, TT_GRAD_DEFAULT, metrics);
}
