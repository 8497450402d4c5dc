/* Internal: per-layer shapes of a tt_seq_t model. */
#ifndef TT_SEQ_SHAPES_H
#define TT_SEQ_SHAPES_H

#include "tt_rules.h"

typedef struct {
    uint32_t in_h, in_w, in_c;
    uint32_t out_h, out_w, out_c;
    int32_t param; /* index among parameter layers, -1 for pooling and flatten */
} tt_seq_shape_t;

tt_status_t tt_seq_shapes(const tt_seq_t *m, tt_seq_shape_t *shapes);

static inline uint32_t tt_shape_in(const tt_seq_shape_t *s) { return s->in_h * s->in_w * s->in_c; }
static inline uint32_t tt_shape_out(const tt_seq_shape_t *s) { return s->out_h * s->out_w * s->out_c; }

#endif
