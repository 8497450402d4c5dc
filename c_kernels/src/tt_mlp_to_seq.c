#include "tt_rules.h"

/* An MLP as a sequential model: dense layers with ReLU after all but the last. */
tt_status_t tt_mlp_to_seq(const tt_mlp_t *mlp, tt_seq_t *seq)
{
    uint32_t i;
    if (mlp == 0 || seq == 0) return TT_ERR_NULL;
    if (mlp->n_layers == 0u || mlp->n_layers > TT_MLP_MAX_LAYERS) return TT_ERR_SHAPE;
    seq->n_layers = mlp->n_layers;
    seq->in_h = 1u;
    seq->in_w = 1u;
    seq->in_c = mlp->sizes[0];
    seq->batch = mlp->batch;
    seq->loss_mse = mlp->loss_mse;
    for (i = 0; i < mlp->n_layers; i++) {
        seq->layers[i].kind = TT_DENSE;
        seq->layers[i].out = mlp->sizes[i + 1];
        seq->layers[i].kernel = 0u;
        seq->layers[i].stride = 0u;
        seq->layers[i].pad = 0u;
        seq->layers[i].relu = i + 1u < mlp->n_layers;
    }
    return TT_OK;
}
