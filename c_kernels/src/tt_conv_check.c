#include "tt_rules.h"

/* Validates a convolution geometry; fills the output sizes (spec 4.7). */
tt_status_t tt_conv_check(const tt_conv_geometry_t *g, uint32_t *out_h, uint32_t *out_w)
{
    uint32_t patch;
    if (g == 0) return TT_ERR_NULL;
    *out_h = tt_conv_out_size(g->height, g->kernel, g->stride, g->pad);
    *out_w = tt_conv_out_size(g->width, g->kernel, g->stride, g->pad);
    if (*out_h == 0u || *out_w == 0u || g->out_channels == 0u || g->channels == 0u) return TT_ERR_SHAPE;
    if (!tt_dims_ok(g->kernel, g->kernel)) return TT_ERR_SHAPE;
    patch = g->kernel * g->kernel;
    if (!tt_dims_ok(patch, g->channels) || !tt_dims_ok(patch * g->channels, g->out_channels)) return TT_ERR_SHAPE;
    if (!tt_dims_ok(g->batch, g->height * g->width) || !tt_dims_ok(g->batch * g->height * g->width, g->channels))
        return TT_ERR_SHAPE;
    if (!tt_dims_ok(g->batch * *out_h * *out_w, g->out_channels)) return TT_ERR_SHAPE;
    return TT_OK;
}
