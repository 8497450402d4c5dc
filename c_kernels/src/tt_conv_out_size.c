#include "tt_rules.h"

/* (in + 2 pad - kernel) / stride + 1, or 0 when the kernel does not fit or pad >= kernel. */
uint32_t tt_conv_out_size(uint32_t in, uint32_t kernel, uint32_t stride, uint32_t pad)
{
    uint32_t span;
    if (in == 0u || kernel == 0u || stride == 0u || pad >= kernel || in > TT_MAX_ELEMENTS) return 0u;
    span = in + 2u * pad;
    if (kernel > span) return 0u;
    return (span - kernel) / stride + 1u;
}
