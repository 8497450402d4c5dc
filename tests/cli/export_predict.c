/* Host test program: predictions from a header written by `tintin train --export-c`.
 *
 * Built with -DSTATE=tt_export_<policy>_state -DCONFIG=TT_EXPORT_<POLICY>_CONFIG and the header
 * as export.h. Reads argv[1] samples of the model's input size (raw int8) from stdin, input
 * header (argv[2..4]); runs the forward kernels on each sample as a batch of one and prints
 * the arg-max class per line. Checks that the state fits tt_train_step_seq's workspace query.
 */
#include <stdio.h>
#include <stdlib.h>

#include "export.h"

#define MAX_WORDS 65536u

static int32_t acc[MAX_WORDS];
static int8_t buf_a[MAX_WORDS], buf_b[MAX_WORDS];

static int predict(const tt_config_t *cfg, const int8_t *x, tt_header_t hx, int *label) {
    uint32_t h = tt_export_model.in_h, w = tt_export_model.in_w, c = tt_export_model.in_c, p = 0, l, i;
    const int8_t *in = x;
    int8_t *out = buf_a;
    tt_header_t hin = hx, hout = hx;
    for (l = 0; l < tt_export_model.n_layers; l++) {
        const tt_layer_t *layer = &tt_export_model.layers[l];
        tt_status_t st = TT_OK;
        if (layer->kind == TT_FLATTEN) {
            c = h * w * c;
            h = w = 1;
            continue;
        }
        if (layer->kind == TT_DENSE) {
            st = tt_dense_forward(cfg, in, hin, STATE.w[p], STATE.h[p], 1, h * w * c, layer->out, layer->relu, acc,
                                  out, &hout);
            h = w = 1;
            c = layer->out;
            p++;
        } else if (layer->kind == TT_CONV2D) {
            tt_conv_geometry_t g = {1, h, w, c, layer->out, layer->kernel, layer->stride, layer->pad};
            st = tt_conv2d_forward(cfg, &g, in, hin, STATE.w[p], STATE.h[p], layer->relu, acc, out, &hout);
            h = tt_conv_out_size(h, layer->kernel, layer->stride, layer->pad);
            w = tt_conv_out_size(w, layer->kernel, layer->stride, layer->pad);
            c = layer->out;
            p++;
        } else {
            st = tt_maxpool2d_forward(in, 1, h, w, c, layer->kernel, out);
            hout = hin;
            h /= layer->kernel;
            w /= layer->kernel;
        }
        if (st != TT_OK) return (int)st;
        in = out;
        out = out == buf_a ? buf_b : buf_a;
        hin = hout;
    }
    *label = 0;
    for (i = 1; i < c; i++) {
        if (in[i] > in[*label]) *label = (int)i;
    }
    return 0;
}

int main(int argc, char **argv) {
    const tt_config_t *cfg = &CONFIG;
    tt_workspace_size_t size;
    uint32_t n_in = tt_export_model.in_h * tt_export_model.in_w * tt_export_model.in_c, p;
    long n, k;
    tt_header_t hx;
    if (argc != 5) return 64;
    n = strtol(argv[1], NULL, 10);
    hx.s = (int8_t)atoi(argv[2]);
    hx.u = (int8_t)atoi(argv[3]);
    hx.d = (int8_t)atoi(argv[4]);
    if (tt_seq_workspace_size(&tt_export_model, &size) != TT_OK) return 65;
    for (p = 0; p < TT_EXPORT_N_PARAMS; p++) {
        if (tt_seq_weight_count(&tt_export_model, p) == 0) return 66;
    }
    for (k = 0; k < n; k++) {
        int8_t x[MAX_WORDS];
        int label, st;
        if (fread(x, 1, n_in, stdin) != n_in) return 67;
        st = predict(cfg, x, hx, &label);
        if (st != 0) {
            printf("status %d\n", st);
            return 1;
        }
        printf("%d\n", label);
    }
    return 0;
}
