#include "tt_rules.h"

/* Buffer sizes tt_train_step_mlp needs: those of the equivalent sequential model. */
tt_status_t tt_mlp_workspace_size(const tt_mlp_t *model, tt_mlp_workspace_size_t *size)
{
    tt_seq_t seq;
    tt_status_t st = tt_mlp_to_seq(model, &seq);
    if (st != TT_OK) return st;
    return tt_seq_workspace_size(&seq, size);
}
