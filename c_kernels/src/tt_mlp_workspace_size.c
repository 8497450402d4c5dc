#include "tt_rules.h"

/* Buffer sizes tt_train_step_mlp needs for this model (all caller-owned, static on a device). */
tt_status_t tt_mlp_workspace_size(const tt_mlp_t *model, tt_mlp_workspace_size_t *size)
{
    uint32_t i, widest = 0, act = 0, weights = 0;
    if (model == 0 || size == 0) return TT_ERR_NULL;
    if (model->n_layers == 0u || model->n_layers > TT_MLP_MAX_LAYERS) return TT_ERR_SHAPE;
    for (i = 0; i <= model->n_layers; i++) {
        if (!tt_dims_ok(model->batch, model->sizes[i])) return TT_ERR_SHAPE;
        if (model->sizes[i] > widest) widest = model->sizes[i];
    }
    for (i = 0; i < model->n_layers; i++) {
        if (!tt_dims_ok(model->sizes[i + 1], model->sizes[i])) return TT_ERR_SHAPE;
        act += model->batch * model->sizes[i + 1];
        if (model->sizes[i + 1] * model->sizes[i] > weights) weights = model->sizes[i + 1] * model->sizes[i];
    }
    size->act_bytes = act;
    size->err_bytes = model->batch * widest;
    size->acc_words = tt_max((int32_t)(model->batch * widest), (int32_t)weights);
    if ((uint32_t)size->acc_words < model->sizes[model->n_layers]) size->acc_words = model->sizes[model->n_layers];
    return TT_OK;
}
