/*
 * tintin: integer-only training kernels (docs/spec.md, spec version 1.0).
 *
 * C99, <stdint.h> only: no float, no 64-bit arithmetic, no malloc, no VLA, no stdio.
 * Every kernel takes caller-owned buffers, returns a tt_status_t and rejects bad
 * arguments (NULL pointers, zero or oversized dimensions, values outside the domain
 * the proofs cover) before writing anything. Section numbers refer to docs/spec.md.
 */
#ifndef TINTIN_H
#define TINTIN_H

#include <stdint.h>

/* Version of this interface (types, signatures, statuses). A kernel library tested with
 * `tintin conformance --kernels` is compiled with TT_REQUIRE_ABI_VERSION set to the version
 * the goldens and the harness were written for; a different copy of this header stops there. */
#define TT_ABI_VERSION 1
#if defined(TT_REQUIRE_ABI_VERSION) && TT_REQUIRE_ABI_VERSION != TT_ABI_VERSION
#error "tintin.h: TT_ABI_VERSION differs from the version the goldens were made for"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    TT_OK = 0,
    TT_ERR_NULL = 1,      /* a required pointer is NULL */
    TT_ERR_SHAPE = 2,     /* a dimension is zero or too large for the proved limits */
    TT_ERR_RANGE = 3,     /* an input value is outside the kernel's proved domain */
    TT_ERR_CONFIG = 4,    /* the configuration is not one the kernels support */
    TT_ERR_HEADER = 5     /* a result header exponent left int8 */
} tt_status_t;

/* Scale of a tensor: real = q * 2^s * r^(d - u), r = 2^(1/3) (spec 2.2). */
typedef struct {
    int8_t s;
    int8_t u;
    int8_t d;
} tt_header_t;

/* Every constant of the rules (spec 6); fill it from a generated preset (tt_presets.h). */
typedef struct {
    int32_t payload_bits;   /* 8 */
    int32_t qmax;           /* 127 */
    int32_t up_mul, up_shift;       /* 645, 9  */
    int32_t down_mul, down_shift;   /* 203, 8  */
    int32_t fine_steps;     /* 1: Tin-Tin fine steps; 0: powers of two only */
    int32_t window;         /* 1: window rule on activations and weights */
    int32_t window_low, window_high;
    int32_t update_niti;    /* 0: gradient-aligned update; 1: NITI update */
    int32_t lr_shift;
    int32_t update_margin;
    int32_t grad_pre_bits;
    int32_t grad_stochastic; /* 1: stochastic rounding of the final gradient shift */
    int32_t niti_mu;
    int32_t log2e_q, log2e_frac_bits;
    int32_t softmax_frac_bits, softmax_floor_bits, softmax_out_bits;
    const int32_t *exp2_table;  /* 2^softmax_frac_bits entries */
} tt_config_t;

/* Upper bound of a tensor dimension product the kernels accept. */
#define TT_MAX_ELEMENTS 65535u

/* --- rules on arrays (spec 3) ------------------------------------------------------- */
tt_status_t tt_rshift_round(const int32_t *x, const int32_t *s, int32_t *y, uint32_t n);
tt_status_t tt_rshift_stochastic(const int32_t *x, const int32_t *s, const uint32_t *bits,
                                 int32_t *y, uint32_t n);
tt_status_t tt_counter_hash(const int32_t *seed, const int32_t *step, const int32_t *tensor_id,
                            const int32_t *index, uint32_t *h, uint32_t n);
tt_status_t tt_fine_up(const tt_config_t *cfg, const int32_t *x, int32_t *y, uint32_t n);
tt_status_t tt_fine_down(const tt_config_t *cfg, const int32_t *x, int32_t *y, uint32_t n);
tt_status_t tt_normalize_header(const int8_t *h_in, int8_t *h_out, uint32_t n);
tt_status_t tt_requantise(const tt_config_t *cfg, const int32_t *acc, uint32_t n,
                          tt_header_t h_in, int8_t *q, tt_header_t *h_out);
tt_status_t tt_window(const tt_config_t *cfg, int8_t *q, uint32_t n, tt_header_t *h);
tt_status_t tt_rescale_to_coarser(const tt_config_t *cfg, const int32_t *x, uint32_t n,
                                  tt_header_t h_from, tt_header_t h_to, int32_t *y);

/* --- layers (spec 4) ------------------------------------------------------------------ */
tt_status_t tt_relu_forward(const int32_t *acc, int32_t *y, uint32_t n);
tt_status_t tt_relu_backward(const int8_t *e, const int8_t *y, int8_t *e_out, uint32_t n);
/* y[B][O] = requantise(window(relu?(x[B][I] w[O][I]^T))); acc: caller scratch of B*O int32. */
tt_status_t tt_dense_forward(const tt_config_t *cfg, const int8_t *x, tt_header_t h_x,
                             const int8_t *w, tt_header_t h_w, uint32_t batch, uint32_t n_in,
                             uint32_t n_out, int32_t relu, int32_t *acc, int8_t *y,
                             tt_header_t *h_y);
/* e_in[B][I] = requantise(e[B][O] w[O][I]); acc: caller scratch of B*I int32. */
tt_status_t tt_dense_backward_error(const tt_config_t *cfg, const int8_t *e, tt_header_t h_e,
                                    const int8_t *w, tt_header_t h_w, uint32_t batch,
                                    uint32_t n_in, uint32_t n_out, int32_t *acc, int8_t *e_in,
                                    tt_header_t *h_e_in);
/* g[O][I] = sum_b e[b][O] x[b][I] in int32. */
tt_status_t tt_dense_gradient(const int8_t *e, tt_header_t h_e, const int8_t *x, tt_header_t h_x,
                              uint32_t batch, uint32_t n_in, uint32_t n_out, int32_t *g,
                              tt_header_t *h_g);
/* w <- sat(w - aligned(g)) (spec 4.4). g is only read (not const for compatibility). */
tt_status_t tt_update_dense(const tt_config_t *cfg, int8_t *w, tt_header_t *h_w, int32_t *g,
                            tt_header_t h_g, uint32_t n, int32_t seed, int32_t step,
                            int32_t tensor_id);
/* The gradient of spec 4.3 and the update of 4.4 in one call, without the whole int32 gradient:
 * the same w and h_w as tt_dense_gradient then tt_update_dense. The update needs max|g| before
 * any weight changes, so g is made one row (n_in words) at a time in two passes: pass 1 finds
 * max|g|, pass 2 updates. scratch (at least n_in words) keeps the rows that fit between the
 * passes; the others are computed twice (scratch_words >= n_out * n_in: none is). tensor_id,
 * seed and step are those of tt_update_dense. */
tt_status_t tt_dense_gradient_update(const tt_config_t *cfg, const int8_t *e, tt_header_t h_e,
                                     const int8_t *x, tt_header_t h_x, uint32_t batch,
                                     uint32_t n_in, uint32_t n_out, int8_t *w, tt_header_t *h_w,
                                     int32_t seed, int32_t step, int32_t tensor_id,
                                     int32_t *scratch, uint32_t scratch_words);

/* --- convolution and pooling on NHWC tensors (spec 4.7) ------------------------------------ */
typedef struct {
    uint32_t batch, height, width, channels;  /* input [B][H][W][C] */
    uint32_t out_channels, kernel, stride, pad; /* kernels [OC][K][K][C] */
} tt_conv_geometry_t;

/* Output size along one axis; 0 when the geometry is invalid. */
uint32_t tt_conv_out_size(uint32_t in, uint32_t kernel, uint32_t stride, uint32_t pad);
/* y[B][OH][OW][OC] = window(requantise(relu?(conv(x, w)))); acc: caller scratch of B*OH*OW*OC int32. */
tt_status_t tt_conv2d_forward(const tt_config_t *cfg, const tt_conv_geometry_t *g, const int8_t *x, tt_header_t h_x,
                              const int8_t *w, tt_header_t h_w, int32_t relu, int32_t *acc, int8_t *y,
                              tt_header_t *h_y);
/* e_in[B][H][W][C] = requantise(conv^T(e, w)); acc: caller scratch of B*H*W*C int32. */
tt_status_t tt_conv2d_backward_error(const tt_config_t *cfg, const tt_conv_geometry_t *g, const int8_t *e,
                                     tt_header_t h_e, const int8_t *w, tt_header_t h_w, int32_t *acc, int8_t *e_in,
                                     tt_header_t *h_e_in);
/* g[OC][K][K][C] = sum over batch and output positions of e x-patch, in int32. */
tt_status_t tt_conv2d_gradient(const tt_conv_geometry_t *g, const int8_t *e, tt_header_t h_e, const int8_t *x,
                               tt_header_t h_x, int32_t *grad, tt_header_t *h_grad);
/* tt_conv2d_gradient then tt_update_dense in one call, one output channel's row (K*K*C words of
 * scratch) at a time, as tt_dense_gradient_update. */
tt_status_t tt_conv2d_gradient_update(const tt_config_t *cfg, const tt_conv_geometry_t *g, const int8_t *e,
                                      tt_header_t h_e, const int8_t *x, tt_header_t h_x, int8_t *w,
                                      tt_header_t *h_w, int32_t seed, int32_t step, int32_t tensor_id,
                                      int32_t *scratch, uint32_t scratch_words);
/* k x k windows with stride k; the header passes through unchanged. */
tt_status_t tt_maxpool2d_forward(const int8_t *x, uint32_t batch, uint32_t height, uint32_t width, uint32_t channels,
                                 uint32_t k, int8_t *y);
/* The error goes to the first (row-major) maximum of each window. */
tt_status_t tt_maxpool2d_backward(const int8_t *e, const int8_t *x, uint32_t batch, uint32_t height, uint32_t width,
                                  uint32_t channels, uint32_t k, int8_t *e_in);

/* --- loss errors (spec 5) ------------------------------------------------------------- */
/* e[B][C] = p - onehot; u: caller scratch of C int32. */
tt_status_t tt_softmax_xent_error(const tt_config_t *cfg, const int8_t *z, tt_header_t h_z,
                                  const int32_t *labels, uint32_t batch, uint32_t classes,
                                  int32_t *u, int8_t *e, tt_header_t *h_e);
tt_status_t tt_mse_error(const tt_config_t *cfg, const int8_t *y, tt_header_t h_y, const int8_t *t,
                         tt_header_t h_t, uint32_t n, int8_t *e, tt_header_t *h_e);

/* --- whole training steps (spec 4.6) ----------------------------------------------------- */
#define TT_MAX_PARAM_LAYERS 8
#define TT_SEQ_MAX_LAYERS 16

typedef enum { TT_DENSE = 1, TT_CONV2D = 2, TT_MAXPOOL2D = 3, TT_FLATTEN = 4 } tt_layer_kind_t;

typedef struct {
    tt_layer_kind_t kind;
    uint32_t out;                  /* dense: outputs; conv: output channels */
    uint32_t kernel, stride, pad;  /* conv; for max pooling, kernel is the window (stride = window) */
    int32_t relu;                  /* dense, conv */
} tt_layer_t;

/* A stack of layers on NHWC samples of in_h x in_w x in_c (a vector input: 1 x 1 x N). */
typedef struct {
    uint32_t n_layers;
    tt_layer_t layers[TT_SEQ_MAX_LAYERS];
    uint32_t in_h, in_w, in_c;
    uint32_t batch;
    int32_t loss_mse;  /* 0: softmax cross-entropy on labels; 1: MSE against a target */
} tt_seq_t;

/* Weights of the parameter layers in order (dense [O][I], conv [OC][K][K][C]). */
typedef struct {
    int8_t *w[TT_MAX_PARAM_LAYERS];
    tt_header_t h[TT_MAX_PARAM_LAYERS];
    int32_t seed;
    int32_t step;
} tt_model_state_t;

/* Caller-owned buffers; tt_seq_workspace_size() says how large each must be. */
typedef struct {
    int8_t *act;     /* every layer's output (flatten takes none) */
    int8_t *err_a;   /* errors, ping-pong: batch * largest activation */
    int8_t *err_b;
    int32_t *acc;    /* int32 scratch: largest accumulator, softmax row, gradient (or row: tt_grad_mode_t) */
} tt_workspace_t;

typedef struct {
    uint32_t act_bytes, err_bytes, acc_words;
} tt_workspace_size_t;

/* How a training step holds each layer's int32 gradient (the update needs its max|G| first, spec 4.4):
 * TT_GRAD_STORED: acc also holds the largest layer's whole gradient; each gradient is computed once.
 * TT_GRAD_RECOMPUTE: acc is only as large as the forward and backward accumulators (and one gradient
 *   row) need; the gradient rows that do not fit in it are computed twice (tt_dense_gradient_update).
 * Both give the same bits. A workspace sized for one mode must be used with that mode. */
typedef enum { TT_GRAD_STORED = 0, TT_GRAD_RECOMPUTE = 1 } tt_grad_mode_t;

/* The mode of tt_train_step_seq, tt_train_step_mlp and their workspace queries; a build may choose
 * the other with -DTT_GRAD_DEFAULT=TT_GRAD_STORED (the library and its callers' sizes must agree). */
#ifndef TT_GRAD_DEFAULT
#define TT_GRAD_DEFAULT TT_GRAD_RECOMPUTE
#endif

typedef struct {
    int32_t correct;        /* argmax == label count (classification) */
    int32_t error_abs_sum;  /* sum |output error| */
} tt_metrics_t;

/* Sizes for the default gradient mode TT_GRAD_DEFAULT (tt_grad_mode_t). */
tt_status_t tt_seq_workspace_size(const tt_seq_t *model, tt_workspace_size_t *size);
/* Weight count of parameter layer `param` (0 when out of range); sizes a caller's weight buffers. */
uint32_t tt_seq_weight_count(const tt_seq_t *model, uint32_t param);
tt_status_t tt_train_step_seq(const tt_config_t *cfg, const tt_seq_t *model, tt_model_state_t *state,
                              const int8_t *x, tt_header_t h_x, const int32_t *labels, const int8_t *target,
                              tt_header_t h_target, const tt_workspace_t *ws, tt_metrics_t *metrics);
/* The same with the gradient mode chosen by the caller; ws sized by tt_seq_workspace_size_mode(mode). */
tt_status_t tt_seq_workspace_size_mode(const tt_seq_t *model, tt_grad_mode_t mode, tt_workspace_size_t *size);
tt_status_t tt_train_step_seq_mode(const tt_config_t *cfg, const tt_seq_t *model, tt_model_state_t *state,
                                   const int8_t *x, tt_header_t h_x, const int32_t *labels, const int8_t *target,
                                   tt_header_t h_target, const tt_workspace_t *ws, tt_grad_mode_t mode,
                                   tt_metrics_t *metrics);

/* The MLP special case: dense layers, ReLU between. */
#define TT_MLP_MAX_LAYERS TT_MAX_PARAM_LAYERS

typedef struct {
    uint32_t n_layers;
    uint32_t sizes[TT_MLP_MAX_LAYERS + 1];
    uint32_t batch;
    int32_t loss_mse;
} tt_mlp_t;

typedef tt_model_state_t tt_mlp_state_t;
typedef tt_workspace_t tt_mlp_workspace_t;
typedef tt_workspace_size_t tt_mlp_workspace_size_t;

tt_status_t tt_mlp_to_seq(const tt_mlp_t *mlp, tt_seq_t *seq);
tt_status_t tt_mlp_workspace_size(const tt_mlp_t *model, tt_mlp_workspace_size_t *size);
tt_status_t tt_train_step_mlp(const tt_config_t *cfg, const tt_mlp_t *model, tt_mlp_state_t *state,
                              const int8_t *x, tt_header_t h_x, const int32_t *labels, const int8_t *target,
                              tt_header_t h_target, const tt_mlp_workspace_t *ws, tt_metrics_t *metrics);

#ifdef __cplusplus
}
#endif

#endif /* TINTIN_H */
