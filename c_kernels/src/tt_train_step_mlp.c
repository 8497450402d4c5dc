#include "tt_rules.h"

/* First index of the row maximum (matches argmax in the reference). */
static uint32_t tt_argmax_row(const int8_t *row, uint32_t n)
{
    uint32_t i, best = 0;
    for (i = 1; i < n; i++) {
        if (row[i] > row[best]) best = i;
    }
    return best;
}

/* One training step of an MLP: forward, output error, then per layer from the last:
 * ReLU mask, backward error with the pre-update weights, gradient, update (spec 4.6). */
tt_status_t tt_train_step_mlp(const tt_config_t *cfg, const tt_mlp_t *model, tt_mlp_state_t *state, const int8_t *x,
                              tt_header_t h_x, const int32_t *labels, const int8_t *target, tt_header_t h_target,
                              const tt_mlp_workspace_t *ws, tt_metrics_t *metrics)
{
    tt_header_t h_act[TT_MLP_MAX_LAYERS], h_e, h_other = {0, 0, 0};
    const int8_t *inputs[TT_MLP_MAX_LAYERS];
    int8_t *outputs[TT_MLP_MAX_LAYERS];
    int8_t *cur, *other, *swap;
    tt_mlp_workspace_size_t need;
    uint32_t L, B, i, k, n_out, offset = 0;
    int32_t li;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (model == 0 || state == 0 || x == 0 || ws == 0 || metrics == 0) return TT_ERR_NULL;
    if (ws->act == 0 || ws->err_a == 0 || ws->err_b == 0 || ws->acc == 0) return TT_ERR_NULL;
    if (model->loss_mse ? target == 0 : labels == 0) return TT_ERR_NULL;
    st = tt_mlp_workspace_size(model, &need);
    if (st != TT_OK) return st;
    L = model->n_layers;
    B = model->batch;
    if (model->loss_mse && model->sizes[0] != model->sizes[L]) return TT_ERR_SHAPE;
    for (i = 0; i < L; i++) {
        if (state->w[i] == 0) return TT_ERR_NULL;
    }

    /* forward */
    for (i = 0; i < L; i++) {
        inputs[i] = i == 0 ? x : outputs[i - 1];
        outputs[i] = ws->act + offset;
        offset += B * model->sizes[i + 1];
        st = tt_dense_forward(cfg, inputs[i], i == 0 ? h_x : h_act[i - 1], state->w[i], state->h[i], B,
                              model->sizes[i], model->sizes[i + 1], i + 1 < L, ws->acc, outputs[i], &h_act[i]);
        if (st != TT_OK) return st;
    }

    /* output error and metrics */
    n_out = model->sizes[L];
    cur = ws->err_a;
    other = ws->err_b;
    if (model->loss_mse) {
        st = tt_mse_error(cfg, outputs[L - 1], h_act[L - 1], target, h_target, B * n_out, cur, &h_e);
    } else {
        st = tt_softmax_xent_error(cfg, outputs[L - 1], h_act[L - 1], labels, B, n_out, ws->acc, cur, &h_e);
    }
    if (st != TT_OK) return st;
    metrics->error_abs_sum = 0;
    metrics->correct = 0;
    for (k = 0; k < B * n_out; k++) metrics->error_abs_sum += tt_abs(cur[k]);
    if (!model->loss_mse) {
        for (k = 0; k < B; k++) {
            metrics->correct += (int32_t)(tt_argmax_row(outputs[L - 1] + k * n_out, n_out) == (uint32_t)labels[k]);
        }
    }

    /* backward, last layer first */
    for (li = (int32_t)L - 1; li >= 0; li--) {
        uint32_t l = (uint32_t)li, n_i = model->sizes[l], n_o = model->sizes[l + 1];
        tt_header_t h_in = l == 0 ? h_x : h_act[l - 1], h_g;
        if (l + 1 < L) {
            st = tt_relu_backward(cur, outputs[l], cur, B * n_o);
            if (st != TT_OK) return st;
        }
        if (l > 0) { /* with the pre-update weights */
            st = tt_dense_backward_error(cfg, cur, h_e, state->w[l], state->h[l], B, n_i, n_o, ws->acc, other,
                                         &h_other);
            if (st != TT_OK) return st;
        }
        st = tt_dense_gradient(cur, h_e, inputs[l], h_in, B, n_i, n_o, ws->acc, &h_g);
        if (st != TT_OK) return st;
        st = tt_update_dense(cfg, state->w[l], &state->h[l], ws->acc, h_g, n_o * n_i, state->seed, state->step, li);
        if (st != TT_OK) return st;
        swap = cur;
        cur = other;
        other = swap;
        h_e = h_other;
    }
    state->step += 1;
    return TT_OK;
}
