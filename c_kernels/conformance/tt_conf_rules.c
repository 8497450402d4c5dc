/* tt_conf_rules.c - runners of the rule suites (spec 3): elementwise kernels on flat arrays,
 * header normalisation, requantisation, the window rule and rescaling. */
#include "tt_conf.h"

/* Same dtype-independent shape (ndim and every dimension). */
static int same_shape(const tt_tensor_t *a, const tt_tensor_t *b)
{
    uint8_t d;
    if (a == NULL || b == NULL) {
        return 0;
    }
    if (a->ndim != b->ndim) {
        return tt_conf_fail("inputs differ in shape", b->name);
    }
    for (d = 0; d < a->ndim; ++d) {
        if (a->shape[d] != b->shape[d]) {
            return tt_conf_fail("inputs differ in shape", b->name);
        }
    }
    return 1;
}

int tt_run_case_rshift_round(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *x, *s;
    int32_t *xv, *sv, *y;
    tt_conf_begin(c, suite);
    x = tt_conf_input("x", TT_I32, -1);
    s = tt_conf_input("s", TT_I32, -1);
    if (!same_shape(x, s)) return tt_conf_end();
    xv = tt_conf_copy_i32(x);
    sv = tt_conf_copy_i32(s);
    y = (int32_t *)tt_conf_alloc(x->count, 4u, "y");
    if (y != NULL && tt_conf_status(tt_rshift_round(TT_CONF_ARG(1, xv), TT_CONF_ARG(2, sv), TT_CONF_ARG(3, y), x->count), "tt_rshift_round")) {
        tt_conf_check("y", TT_I32, y, x->count);
    }
    return tt_conf_end();
}

int tt_run_case_rshift_stochastic(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *x, *s, *bits;
    int32_t *xv, *sv, *y;
    uint32_t *bv;
    tt_conf_begin(c, suite);
    x = tt_conf_input("x", TT_I32, -1);
    s = tt_conf_input("s", TT_I32, -1);
    bits = tt_conf_input("bits", TT_U32, -1);
    if (!same_shape(x, s) || !same_shape(x, bits)) return tt_conf_end();
    xv = tt_conf_copy_i32(x);
    sv = tt_conf_copy_i32(s);
    bv = tt_conf_copy_u32(bits);
    y = (int32_t *)tt_conf_alloc(x->count, 4u, "y");
    if (y != NULL && tt_conf_status(tt_rshift_stochastic(TT_CONF_ARG(1, xv), TT_CONF_ARG(2, sv), TT_CONF_ARG(3, bv), TT_CONF_ARG(4, y), x->count), "tt_rshift_stochastic")) {
        tt_conf_check("y", TT_I32, y, x->count);
    }
    return tt_conf_end();
}

int tt_run_case_counter_hash(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *seed, *step, *tid, *index;
    int32_t *a, *b, *t, *i;
    uint32_t *h;
    tt_conf_begin(c, suite);
    seed = tt_conf_input("seed", TT_I32, -1);
    step = tt_conf_input("step", TT_I32, -1);
    tid = tt_conf_input("tensor_id", TT_I32, -1);
    index = tt_conf_input("index", TT_I32, -1);
    if (!same_shape(seed, step) || !same_shape(seed, tid) || !same_shape(seed, index)) return tt_conf_end();
    a = tt_conf_copy_i32(seed);
    b = tt_conf_copy_i32(step);
    t = tt_conf_copy_i32(tid);
    i = tt_conf_copy_i32(index);
    h = (uint32_t *)tt_conf_alloc(seed->count, 4u, "h");
    if (h != NULL && tt_conf_status(tt_counter_hash(TT_CONF_ARG(1, a), TT_CONF_ARG(2, b), TT_CONF_ARG(3, t), TT_CONF_ARG(4, i), TT_CONF_ARG(5, h), seed->count), "tt_counter_hash")) {
        tt_conf_check("h", TT_U32, h, seed->count);
    }
    return tt_conf_end();
}

typedef tt_status_t (*fine_fn)(const tt_config_t *, const int32_t *, int32_t *, uint32_t);

static int run_fine(const tt_case_t *c, const char *suite, fine_fn fn, const char *kernel)
{
    const tt_tensor_t *x;
    int32_t *xv, *y;
    tt_conf_begin(c, suite);
    x = tt_conf_input("x", TT_I32, -1);
    if (x == NULL) return tt_conf_end();
    xv = tt_conf_copy_i32(x);
    y = (int32_t *)tt_conf_alloc(x->count, 4u, "y");
    if (y != NULL && tt_conf_status(fn(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, xv), TT_CONF_ARG(3, y), x->count), kernel)) {
        tt_conf_check("y", TT_I32, y, x->count);
    }
    return tt_conf_end();
}

int tt_run_case_fine_up(const tt_case_t *c, const char *suite)
{
    return run_fine(c, suite, tt_fine_up, "tt_fine_up");
}

int tt_run_case_fine_down(const tt_case_t *c, const char *suite)
{
    return run_fine(c, suite, tt_fine_down, "tt_fine_down");
}

int tt_run_case_normalize_header(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *h;
    int8_t *in, *out;
    uint32_t n;
    tt_conf_begin(c, suite);
    h = tt_conf_input("h", TT_I8, 2);
    if (h == NULL || !tt_conf_require(tt_conf_dim(h, 1) == 3u, "headers must be int8[n, 3]", "h")) {
        return tt_conf_end();
    }
    n = tt_conf_dim(h, 0);
    in = tt_conf_copy_i8(h);
    out = (int8_t *)tt_conf_alloc(h->count, 1u, "h (out)");
    if (out != NULL && tt_conf_status(tt_normalize_header(TT_CONF_ARG(1, in), TT_CONF_ARG(2, out), n), "tt_normalize_header")) {
        tt_conf_check("h", TT_I8, out, h->count);
    }
    return tt_conf_end();
}

int tt_run_case_requantise(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *acc;
    tt_header_t h, h_out = {0, 0, 0};
    int32_t *av;
    int8_t *q;
    tt_conf_begin(c, suite);
    acc = tt_conf_input("acc", TT_I32, -1);
    if (acc == NULL || !tt_conf_header("h", &h)) return tt_conf_end();
    av = tt_conf_copy_i32(acc);
    q = (int8_t *)tt_conf_alloc(acc->count, 1u, "q");
    if (q != NULL &&
        tt_conf_status(tt_requantise(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, av), acc->count, h, TT_CONF_ARG(3, q), TT_CONF_ARG(4, &h_out)), "tt_requantise")) {
        tt_conf_check("q", TT_I8, q, acc->count);
        tt_conf_check_header("h", h_out);
    }
    return tt_conf_end();
}

int tt_run_case_window(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *q;
    tt_header_t h;
    int8_t *qv;
    tt_conf_begin(c, suite);
    q = tt_conf_input("q", TT_I8, -1);
    if (q == NULL || !tt_conf_header("h", &h)) return tt_conf_end();
    qv = tt_conf_copy_i8(q); /* the window works in place */
    if (qv != NULL && tt_conf_status(tt_window(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, qv), q->count, TT_CONF_ARG(3, &h)), "tt_window")) {
        tt_conf_check("q", TT_I8, qv, q->count);
        tt_conf_check_header("h", h);
    }
    return tt_conf_end();
}

int tt_run_case_rescale_to_coarser(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *x;
    tt_header_t h_from, h_to;
    int32_t *xv, *y;
    tt_conf_begin(c, suite);
    x = tt_conf_input("x", TT_I32, -1);
    if (x == NULL || !tt_conf_header("h_from", &h_from) || !tt_conf_header("h_to", &h_to)) return tt_conf_end();
    xv = tt_conf_copy_i32(x);
    y = (int32_t *)tt_conf_alloc(x->count, 4u, "y");
    if (y != NULL && tt_conf_status(tt_rescale_to_coarser(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, xv), x->count, h_from, h_to, TT_CONF_ARG(3, y)),
                                    "tt_rescale_to_coarser")) {
        tt_conf_check("y", TT_I32, y, x->count);
    }
    return tt_conf_end();
}

int tt_run_case_relu_forward(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *acc;
    int32_t *av, *y;
    tt_conf_begin(c, suite);
    acc = tt_conf_input("acc", TT_I32, -1);
    if (acc == NULL) return tt_conf_end();
    av = tt_conf_copy_i32(acc);
    y = (int32_t *)tt_conf_alloc(acc->count, 4u, "y");
    if (y != NULL && tt_conf_status(tt_relu_forward(TT_CONF_ARG(1, av), TT_CONF_ARG(2, y), acc->count), "tt_relu_forward")) {
        tt_conf_check("y", TT_I32, y, acc->count);
    }
    return tt_conf_end();
}

int tt_run_case_relu_backward(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *e, *y;
    int8_t *ev, *yv, *out;
    tt_conf_begin(c, suite);
    e = tt_conf_input("e", TT_I8, -1);
    y = tt_conf_input("y", TT_I8, -1);
    if (!same_shape(e, y)) return tt_conf_end();
    ev = tt_conf_copy_i8(e);
    yv = tt_conf_copy_i8(y);
    out = (int8_t *)tt_conf_alloc(e->count, 1u, "e (out)");
    if (out != NULL && tt_conf_status(tt_relu_backward(TT_CONF_ARG(1, ev), TT_CONF_ARG(2, yv), TT_CONF_ARG(3, out), e->count), "tt_relu_backward")) {
        tt_conf_check("e", TT_I8, out, e->count);
    }
    return tt_conf_end();
}
