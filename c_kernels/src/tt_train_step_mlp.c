#include "tt_rules.h"

/* One training step of an MLP: the sequential step on its dense stack (spec 4.6). */
tt_status_t tt_train_step_mlp(const tt_config_t *cfg, const tt_mlp_t *model, tt_mlp_state_t *state, const int8_t *x,
                              tt_header_t h_x, const int32_t *labels, const int8_t *target, tt_header_t h_target,
                              const tt_mlp_workspace_t *ws, tt_metrics_t *metrics)
{
    tt_seq_t seq;
    tt_status_t st = tt_mlp_to_seq(model, &seq);
    if (st != TT_OK) return st;
    return tt_train_step_seq(cfg, &seq, state, x, h_x, labels, target, h_target, ws, metrics);
}
