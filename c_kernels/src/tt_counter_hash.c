#include "tt_rules.h"

/* h[i] = counter_hash(seed[i], step[i], tensor_id[i], index[i]) (spec 3.2). */
tt_status_t tt_counter_hash(const int32_t *seed, const int32_t *step, const int32_t *tensor_id,
                            const int32_t *index, uint32_t *h, uint32_t n)
{
    uint32_t i;
    if (seed == 0 || step == 0 || tensor_id == 0 || index == 0 || h == 0) return TT_ERR_NULL;
    if (n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    for (i = 0; i < n; i++) h[i] = tt_hash(seed[i], step[i], tensor_id[i], index[i]);
    return TT_OK;
}
