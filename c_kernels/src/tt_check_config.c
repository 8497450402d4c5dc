#include "tt_rules.h"

/* Rejects configurations outside what the kernels and proofs support (spec 6). */
tt_status_t tt_check_config(const tt_config_t *cfg)
{
    if (cfg == 0 || cfg->exp2_table == 0) return TT_ERR_NULL;
    if (cfg->payload_bits != 8 && cfg->payload_bits != 16) return TT_ERR_CONFIG;
    if (cfg->qmax != (1 << (cfg->payload_bits - 1)) - 1) return TT_ERR_CONFIG;
    if (cfg->up_shift < 1 || cfg->up_shift > 15 || cfg->down_shift < 1 || cfg->down_shift > 15)
        return TT_ERR_CONFIG;
    if (cfg->up_mul <= (1 << cfg->up_shift) || cfg->down_mul >= (1 << cfg->down_shift) || cfg->down_mul < 1)
        return TT_ERR_CONFIG;
    if (cfg->window_low < 1 || 2 * cfg->window_low > cfg->window_high || cfg->window_high > cfg->qmax)
        return TT_ERR_CONFIG;
    if (cfg->lr_shift < 0 || cfg->lr_shift > 24 || cfg->update_margin < 0 || cfg->update_margin > 6)
        return TT_ERR_CONFIG;
    if (cfg->grad_pre_bits < 8 || cfg->grad_pre_bits > 30 - tt_bitwidth(cfg->down_mul)) return TT_ERR_CONFIG;
    if (cfg->niti_mu < 1 || cfg->niti_mu > cfg->payload_bits - 1) return TT_ERR_CONFIG;
    if (cfg->log2e_frac_bits != 12 || cfg->softmax_frac_bits < 1 || cfg->softmax_frac_bits > 8) return TT_ERR_CONFIG;
    if (cfg->softmax_floor_bits < 1 || cfg->softmax_floor_bits > 5) return TT_ERR_CONFIG;
    if (cfg->softmax_out_bits != cfg->payload_bits - 1) return TT_ERR_CONFIG;
    return TT_OK;
}
