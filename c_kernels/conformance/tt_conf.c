/* tt_conf.c - see tt_conf.h. No malloc, float, stdio or division: it runs on every core. */
#include "tt_conf.h"

/* ---- case context ---- */

static const tt_case_t *tt_conf_case;
static const char *tt_conf_suite;
static int tt_conf_failed;
static uint32_t tt_conf_checked;
static int tt_conf_status_seen; /* tt_conf_status ran for the current case */
static uint32_t tt_conf_mismatches; /* MISMATCH lines of the current case */

/* The arena: int32 words, so every block handed out is 4-byte aligned. */
static int32_t tt_conf_arena[(TT_CONF_ARENA_BYTES + 3u) / 4u];
static uint32_t tt_conf_used; /* bytes */
static uint32_t tt_conf_peak;

/* Guard zones: TT_CONF_GUARD_BYTES of a fixed byte right after every block's last element (its
 * padding included) and before the first block, checked after each kernel run (tt_conf_end, and
 * before the arena is rewound): a write past a buffer that stays inside the arena, where no
 * sanitizer sees it, fails the case naming the buffer. Blocks past TT_CONF_MAX_GUARDS have none. */
#define TT_CONF_GUARD_BYTES 16u
#define TT_CONF_GUARD_BYTE 0xA5u
#define TT_CONF_MAX_GUARDS 64u

/* Under AddressSanitizer (the host build) the zones are also poisoned, so a kernel that reads
 * past a buffer into one is reported too (a canary sees only writes). ASan tracks 8-byte
 * granules: a zone sharing a granule with a block stays readable in that granule. */
#if defined(__SANITIZE_ADDRESS__)
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define TT_CONF_POISON(p, n) __asan_poison_memory_region((p), (n))
#define TT_CONF_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define TT_CONF_POISON(p, n) ((void)(p), (void)(n))
#define TT_CONF_UNPOISON(p, n) ((void)(p), (void)(n))
#endif
static uint32_t tt_conf_guard_start[TT_CONF_MAX_GUARDS]; /* byte offsets, increasing */
static uint32_t tt_conf_guard_end[TT_CONF_MAX_GUARDS];
static const char *tt_conf_guard_after[TT_CONF_MAX_GUARDS]; /* the buffer the zone follows */
static uint32_t tt_conf_n_guards;
static int tt_conf_guards_ok(void);

void tt_conf_begin(const tt_case_t *c, const char *suite)
{
    tt_conf_case = c;
    tt_conf_suite = suite;
    tt_conf_failed = 0;
    tt_conf_checked = 0;
    tt_conf_status_seen = 0;
    tt_conf_mismatches = 0;
    tt_conf_used = 0;
    tt_set_step(TT_NO_STEP);
    tt_conf_n_guards = 0;
}

int tt_conf_ok(void)
{
    return !tt_conf_failed;
}

static const char *tt_conf_case_id(void)
{
    return tt_conf_case != NULL ? tt_conf_case->id : "(none)";
}

static void tt_conf_line_start(const char *tag)
{
    tt_flush();
    tt_write(tag);
    tt_write(" suite=");
    tt_write(tt_conf_suite);
    tt_write(" case=");
    tt_write(tt_conf_case_id());
    tt_write_step();
}

int tt_conf_fail(const char *why, const char *name)
{
    tt_conf_line_start("ERROR");
    tt_write(" reason=");
    tt_write(why);
    if (name != NULL) {
        tt_write(" '");
        tt_write(name);
        tt_write("'");
    }
    tt_write("\n");
    tt_conf_failed = 1;
    return 0;
}

int tt_conf_require(int cond, const char *why, const char *name)
{
    return cond ? 1 : tt_conf_fail(why, name);
}

/* An output the runner does not know is an output nobody checked. */
static void tt_conf_require_all_checked(uint32_t checked)
{
    if (!tt_conf_failed && tt_conf_case != NULL && checked != tt_conf_case->n_outputs) {
        tt_conf_line_start("ERROR");
        tt_write(" reason=the case has ");
        tt_write_u32(tt_conf_case->n_outputs);
        tt_write(" outputs but the runner compared ");
        tt_write_u32(checked);
        tt_write("\n");
        tt_conf_failed = 1;
    }
}

/* The status the case expects from its kernel: TT_OK, or a rejection case's param/expect_status.
 * Returns 0 (after an ERROR line) when the param is malformed. */
static int tt_conf_expected_status(int32_t *want)
{
    const tt_tensor_t *t;
    const char *why = NULL;
    *want = (int32_t)TT_OK;
    if (tt_conf_case == NULL) {
        return 1;
    }
    t = tt_find(tt_conf_case->inputs, tt_conf_case->n_inputs, "param/expect_status");
    if (t == NULL) {
        return 1;
    }
    if (!tt_tensor_valid(t, &why) || t->dtype != TT_I32 || t->ndim != 0u) {
        return tt_conf_fail(why != NULL ? why : "expect_status must be a 0-d int32 param", "param/expect_status");
    }
    *want = ((const int32_t *)t->data)[0];
    return 1;
}

int32_t tt_conf_null_arg(void)
{
    const tt_tensor_t *t;
    if (tt_conf_case == NULL) {
        return 0;
    }
    t = tt_find(tt_conf_case->inputs, tt_conf_case->n_inputs, "param/null_arg");
    if (t == NULL || t->dtype != TT_I32 || t->ndim != 0u) {
        return 0;
    }
    return ((const int32_t *)t->data)[0];
}

int tt_conf_end(void)
{
    int32_t want;
    (void)tt_conf_guards_ok();
    tt_conf_require_all_checked(tt_conf_checked);
    if (!tt_conf_failed && !tt_conf_status_seen && tt_conf_expected_status(&want) && want != (int32_t)TT_OK) {
        /* A rejection case passes only by the kernel returning its status. */
        tt_conf_line_start("ERROR");
        tt_write(" reason=the case expects status ");
        tt_write(tt_conf_status_name((tt_status_t)want));
        tt_write(" but the runner checked no kernel status\n");
        tt_conf_failed = 1;
    }
    if (tt_conf_used > tt_conf_peak) {
        tt_conf_peak = tt_conf_used;
    }
    return tt_conf_failed ? 1 : 0;
}

/* ---- inputs ---- */

uint32_t tt_conf_dim(const tt_tensor_t *t, uint8_t d)
{
    return (t != NULL && d < t->ndim) ? t->shape[d] : 0u;
}

int tt_conf_has_input(const char *name)
{
    return tt_conf_case != NULL && tt_find(tt_conf_case->inputs, tt_conf_case->n_inputs, name) != NULL;
}

const tt_tensor_t *tt_conf_input(const char *name, tt_dtype_t dtype, int ndim)
{
    const tt_tensor_t *t;
    const char *why = NULL;
    if (tt_conf_failed) {
        return NULL;
    }
    t = tt_find(tt_conf_case->inputs, tt_conf_case->n_inputs, name);
    if (t == NULL) {
        tt_conf_fail("missing input tensor", name);
        return NULL;
    }
    if (!tt_tensor_valid(t, &why)) {
        tt_conf_fail(why, name);
        return NULL;
    }
    if (t->dtype != dtype) {
        tt_conf_fail(dtype == TT_I8 ? "input must be int8" : dtype == TT_I32 ? "input must be int32"
                                                                              : "input has the wrong dtype",
                     name);
        return NULL;
    }
    if (ndim >= 0 && t->ndim != (uint8_t)ndim) {
        tt_conf_fail("input has the wrong number of dimensions", name);
        return NULL;
    }
    return t;
}

int tt_conf_header(const char *name, tt_header_t *h)
{
    const tt_tensor_t *t = tt_conf_input(name, TT_I8, 1);
    const int8_t *v;
    if (t == NULL || !tt_conf_require(t->count == 3u, "a header must be int8[3]", name)) {
        return 0;
    }
    v = (const int8_t *)t->data;
    h->s = v[0];
    h->u = v[1];
    h->d = v[2];
    return 1;
}

int tt_conf_scalar(const char *name, int32_t *value)
{
    const tt_tensor_t *t = tt_conf_input(name, TT_I32, 0);
    if (t == NULL) {
        return 0;
    }
    *value = ((const int32_t *)t->data)[0];
    return 1;
}

int tt_conf_param(const char *name, int32_t *value)
{
    tt_conf_name_t full;
    tt_conf_name_start(&full, "param/");
    tt_conf_name_add(&full, name);
    if (full.overflow) {
        return tt_conf_fail("param name too long", name);
    }
    return tt_conf_scalar(full.text, value);
}

/* ---- a case's own configuration ---- */

const tt_config_t *tt_conf_config(const char *suite)
{
    static tt_config_t cfg;
    const tt_tensor_t *f, *table;
    const int32_t *v;
    if (!tt_conf_has_input("config")) {
        return tt_conf_preset_for(suite);
    }
    f = tt_conf_input("config", TT_I32, 1);
    table = tt_conf_input("config/exp2_table", TT_I32, 1);
    if (f == NULL || table == NULL) {
        return NULL;
    }
    if (f->count != TT_CONF_CONFIG_FIELDS) {
        tt_conf_fail("config must hold the 21 int32 fields of tt_config_t", "config");
        return NULL;
    }
    v = (const int32_t *)f->data;
    /* Declaration order of tt_config_t (reference/c_config.py, CONFIG_FIELDS). */
    cfg.payload_bits = v[0];
    cfg.qmax = v[1];
    cfg.up_mul = v[2];
    cfg.up_shift = v[3];
    cfg.down_mul = v[4];
    cfg.down_shift = v[5];
    cfg.fine_steps = v[6];
    cfg.window = v[7];
    cfg.window_low = v[8];
    cfg.window_high = v[9];
    cfg.update_niti = v[10];
    cfg.lr_shift = v[11];
    cfg.update_margin = v[12];
    cfg.grad_pre_bits = v[13];
    cfg.grad_stochastic = v[14];
    cfg.niti_mu = v[15];
    cfg.log2e_q = v[16];
    cfg.log2e_frac_bits = v[17];
    cfg.softmax_frac_bits = v[18];
    cfg.softmax_floor_bits = v[19];
    cfg.softmax_out_bits = v[20];
    cfg.exp2_table = (const int32_t *)table->data;
    return &cfg;
}

/* ---- the arena ---- */

/* Zones of blocks the arena no longer holds (it was rewound) are forgotten. */
static void tt_conf_guards_forget(void)
{
    while (tt_conf_n_guards > 0u && tt_conf_guard_start[tt_conf_n_guards - 1u] >= tt_conf_used) {
        tt_conf_n_guards--;
    }
}

/* A zone from byte `start` to the next multiple of 4 at least TT_CONF_GUARD_BYTES on; returns its end. */
static uint32_t tt_conf_guard_put(uint32_t start, const char *after)
{
    uint32_t end = (start + TT_CONF_GUARD_BYTES + 3u) & ~3u, i;
    unsigned char *bytes = (unsigned char *)tt_conf_arena;
    TT_CONF_UNPOISON(bytes + start, end - start);
    for (i = start; i < end; i++) {
        bytes[i] = (unsigned char)TT_CONF_GUARD_BYTE;
    }
    TT_CONF_POISON(bytes + start, end - start);
    if (tt_conf_n_guards < TT_CONF_MAX_GUARDS) {
        tt_conf_guard_start[tt_conf_n_guards] = start;
        tt_conf_guard_end[tt_conf_n_guards] = end;
        tt_conf_guard_after[tt_conf_n_guards] = after;
        tt_conf_n_guards++;
    }
    return end;
}

/* 1 when every zone of the blocks in use is intact; otherwise an ERROR line naming the buffer
 * written past and the byte offset past its end, and 0. */
static int tt_conf_guards_ok(void)
{
    const unsigned char *bytes = (const unsigned char *)tt_conf_arena;
    uint32_t g, i;
    tt_conf_guards_forget();
    for (g = 0; g < tt_conf_n_guards; g++) {
        TT_CONF_UNPOISON(bytes + tt_conf_guard_start[g], tt_conf_guard_end[g] - tt_conf_guard_start[g]);
        for (i = tt_conf_guard_start[g]; i < tt_conf_guard_end[g]; i++) {
            if (bytes[i] != (unsigned char)TT_CONF_GUARD_BYTE) {
                tt_conf_line_start("ERROR");
                tt_write(" reason=a kernel wrote outside a buffer: ");
                if (g == 0u) {
                    tt_write("into the guard zone before the first buffer '");
                } else {
                    tt_write("byte ");
                    tt_write_u32(i - tt_conf_guard_start[g]);
                    tt_write(" past the end of '");
                }
                tt_write(tt_conf_guard_after[g]);
                tt_write("'\n");
                tt_conf_failed = 1;
                return 0;
            }
        }
        TT_CONF_POISON(bytes + tt_conf_guard_start[g], tt_conf_guard_end[g] - tt_conf_guard_start[g]);
    }
    return 1;
}

void *tt_conf_alloc(uint32_t count, size_t elem_size, const char *what)
{
    uint32_t free_bytes;
    uint32_t log2_size = elem_size == 4u ? 2u : elem_size == 2u ? 1u : 0u;
    uint32_t bytes;
    void *block;
    if (tt_conf_failed) {
        return NULL;
    }
    tt_conf_guards_forget();
    if (tt_conf_used == 0u) {
        tt_conf_used = tt_conf_guard_put(0u, what);
    }
    /* room for the block's own zone is kept too */
    free_bytes = TT_CONF_ARENA_BYTES - tt_conf_used;
    free_bytes = free_bytes > TT_CONF_GUARD_BYTES + 3u ? free_bytes - TT_CONF_GUARD_BYTES - 3u : 0u;
    /* count * elem_size without overflow, and without a divide (the M0+ has none). */
    if ((elem_size != 1u && elem_size != 2u && elem_size != 4u) || count > (free_bytes >> log2_size)) {
        tt_conf_line_start("ERROR");
        tt_write(" reason=buffer too small: '");
        tt_write(what);
        tt_write("' needs ");
        tt_write_u32(count);
        tt_write(" x ");
        tt_write_u32((uint32_t)elem_size);
        tt_write(" bytes, ");
        tt_write_u32(free_bytes);
        tt_write(" of TT_CONF_ARENA_BYTES=");
        tt_write_u32(TT_CONF_ARENA_BYTES);
        tt_write(" left (c_kernels/conformance/tt_conf_limits.h)\n");
        tt_conf_failed = 1;
        return NULL;
    }
    bytes = count << log2_size;
    block = (char *)tt_conf_arena + tt_conf_used;
    TT_CONF_UNPOISON(block, bytes); /* a zone of an earlier case may have been here */
    tt_conf_used = tt_conf_guard_put(tt_conf_used + bytes, what);
    if (tt_conf_used > tt_conf_peak) {
        tt_conf_peak = tt_conf_used;
    }
    return block;
}

uint32_t tt_conf_arena_peak(void)
{
    return tt_conf_peak;
}

void tt_conf_each_grad_mode(tt_conf_mode_run_fn run, const void *ctx)
{
    const tt_grad_mode_t modes[2] = {TT_GRAD_DEFAULT,
                                     TT_GRAD_DEFAULT == TT_GRAD_STORED ? TT_GRAD_RECOMPUTE : TT_GRAD_STORED};
    const uint32_t used = tt_conf_used, checked = tt_conf_checked;
    uint32_t m;
    for (m = 0; m < 2u && !tt_conf_failed; ++m) {
        run(ctx, modes[m]);
        if (m == 0u) {
            /* the next run starts where this one did: arena and comparison count back (tt_conf_end
             * checks the last run's count) */
            tt_conf_require_all_checked(tt_conf_checked - checked);
            (void)tt_conf_guards_ok();
            tt_conf_used = used;
            tt_conf_checked = checked;
        }
        if (tt_conf_failed) {
            (void)tt_conf_fail("the failure above happened", modes[m] == TT_GRAD_STORED
                                                                 ? "in gradient mode TT_GRAD_STORED"
                                                                 : "in gradient mode TT_GRAD_RECOMPUTE");
        }
    }
}

void tt_conf_workspace(const tt_workspace_size_t *need, tt_workspace_t *ws)
{
    ws->act = (int8_t *)tt_conf_alloc(need->act_bytes, 1u, "workspace act");
    ws->err_a = (int8_t *)tt_conf_alloc(need->err_bytes, 1u, "workspace err_a");
    ws->err_b = (int8_t *)tt_conf_alloc(need->err_bytes, 1u, "workspace err_b");
    ws->acc = (int32_t *)tt_conf_alloc(need->acc_words, 4u, "workspace acc");
}

int8_t *tt_conf_copy_i8(const tt_tensor_t *t)
{
    int8_t *out;
    uint32_t i;
    if (t == NULL || (out = (int8_t *)tt_conf_alloc(t->count, 1u, t->name)) == NULL) {
        return NULL;
    }
    for (i = 0; i < t->count; ++i) {
        out[i] = ((const int8_t *)t->data)[i];
    }
    return out;
}

int32_t *tt_conf_copy_i32(const tt_tensor_t *t)
{
    int32_t *out;
    uint32_t i;
    if (t == NULL || (out = (int32_t *)tt_conf_alloc(t->count, 4u, t->name)) == NULL) {
        return NULL;
    }
    for (i = 0; i < t->count; ++i) {
        out[i] = ((const int32_t *)t->data)[i];
    }
    return out;
}

uint32_t *tt_conf_copy_u32(const tt_tensor_t *t)
{
    uint32_t *out;
    uint32_t i;
    if (t == NULL || (out = (uint32_t *)tt_conf_alloc(t->count, 4u, t->name)) == NULL) {
        return NULL;
    }
    for (i = 0; i < t->count; ++i) {
        out[i] = ((const uint32_t *)t->data)[i];
    }
    return out;
}

/* ---- kernels and outputs ---- */

const char *tt_conf_status_name(tt_status_t st)
{
    switch (st) {
    case TT_OK:
        return "TT_OK";
    case TT_ERR_NULL:
        return "TT_ERR_NULL";
    case TT_ERR_SHAPE:
        return "TT_ERR_SHAPE";
    case TT_ERR_RANGE:
        return "TT_ERR_RANGE";
    case TT_ERR_CONFIG:
        return "TT_ERR_CONFIG";
    case TT_ERR_HEADER:
        return "TT_ERR_HEADER";
    }
    return "TT_ERR_UNKNOWN";
}

int tt_conf_status(tt_status_t st, const char *kernel)
{
    int32_t want;
    if (!tt_conf_expected_status(&want)) {
        return 0;
    }
    tt_conf_status_seen = 1;
    if ((int32_t)st == want) {
        return want == (int32_t)TT_OK; /* a rejection case got its status: nothing to compare */
    }
    tt_conf_line_start("STATUS");
    tt_write(" kernel=");
    tt_write(kernel);
    tt_write(" status=");
    tt_write(tt_conf_status_name(st));
    tt_write(" expected=");
    tt_write(tt_conf_status_name((tt_status_t)want));
    tt_write("\n");
    tt_conf_failed = 1;
    return 0;
}

int tt_conf_has_output(const char *name)
{
    return tt_conf_case != NULL && tt_find(tt_conf_case->outputs, tt_conf_case->n_outputs, name) != NULL;
}

int tt_conf_check(const char *name, tt_dtype_t dtype, const void *actual, uint32_t count)
{
    const tt_tensor_t *e;
    const char *why = NULL;
    if (tt_conf_case == NULL) {
        return 0;
    }
    e = tt_find(tt_conf_case->outputs, tt_conf_case->n_outputs, name);
    if (e == NULL) {
        return tt_conf_fail("missing expected output", name);
    }
    ++tt_conf_checked;
    if (!tt_tensor_valid(e, &why)) {
        return tt_conf_fail(why, name);
    }
    if (e->dtype != dtype) {
        return tt_conf_fail("expected output has an unexpected dtype", name);
    }
    if (e->count != count) {
        return tt_conf_fail("expected output has a different element count than the kernel's", name);
    }
    if (tt_conf_mismatches >= TT_CONF_CASE_MISMATCH_MAX && actual != NULL) {
        uint32_t first;
        if (tt_count_differences(e, actual, dtype, &first) != 0) { /* counted, not printed */
            tt_conf_failed = 1;
            return 0;
        }
        return 1;
    }
    switch (tt_compare(tt_conf_suite, tt_conf_case->id, e, actual, dtype)) {
    case 0:
        return 1;
    case 1:
        ++tt_conf_mismatches;
        break;
    default:
        break;
    }
    tt_conf_failed = 1;
    return 0;
}

int tt_conf_check_header(const char *name, tt_header_t h)
{
    int8_t v[3];
    v[0] = h.s;
    v[1] = h.u;
    v[2] = h.d;
    return tt_conf_check(name, TT_I8, v, 3u);
}

/* ---- the fused gradient-update kernels ---- */

/* Weights in [-127, 127] from a fixed linear congruential sequence (no division on any core). */
static void tt_conf_fill_weights(int8_t *w, uint32_t n, uint32_t seed)
{
    uint32_t i, v = seed;
    for (i = 0; i < n; ++i) {
        int32_t q;
        v = v * 1664525u + 1013904223u;
        q = (int32_t)(v >> 24) - 128;
        w[i] = (int8_t)(q < -127 ? -127 : q);
    }
}

static int tt_conf_same_header(tt_header_t a, tt_header_t b)
{
    return a.s == b.s && a.u == b.u && a.d == b.d;
}

void tt_conf_check_fused_update(const int32_t *g, tt_header_t h_g, uint32_t rows, uint32_t len, tt_conf_fused_fn fn,
                                const void *ctx, const char *kernel)
{
    static const char *const presets[2] = {"tintin", "niti"};
    const tt_header_t h_start = {-7, 0, 1};
    uint32_t n = rows * len, words[4], p, k, i, used = tt_conf_used;
    int32_t *g_copy, *scratch;
    int8_t *w_ref, *w;
    if (tt_conf_failed) {
        return;
    }
    words[0] = len;
    words[1] = 2u * len + 1u;
    words[2] = n - 1u;
    words[3] = n;
    g_copy = (int32_t *)tt_conf_alloc(n, 4u, "fused check: gradient");
    scratch = (int32_t *)tt_conf_alloc(n, 4u, "fused check: scratch");
    w_ref = (int8_t *)tt_conf_alloc(n, 1u, "fused check: weights");
    w = (int8_t *)tt_conf_alloc(n, 1u, "fused check: weights");
    if (w == NULL) {
        return;
    }
    for (p = 0; p < 2u; ++p) {
        const tt_config_t *cfg = tt_preset(presets[p]);
        for (k = 0; k < 4u; ++k) {
            tt_header_t h_ref = h_start, h_w = h_start;
            tt_status_t st_ref, st;
            if (words[k] < len || words[k] > n) {
                continue;
            }
            for (i = 0; i < n; ++i) {
                g_copy[i] = g[i];
            }
            tt_conf_fill_weights(w_ref, n, 7u + p);
            tt_conf_fill_weights(w, n, 7u + p);
            st_ref = tt_update_dense(cfg, w_ref, &h_ref, g_copy, h_g, n, 5, 3, 1);
            st = fn(ctx, cfg, w, &h_w, scratch, words[k]);
            for (i = 0; i < n && w[i] == w_ref[i]; ++i) {
            }
            if (st != st_ref || i < n || !tt_conf_same_header(h_w, h_ref)) {
                tt_conf_line_start("ERROR");
                tt_write(" reason=");
                tt_write(kernel);
                tt_write(" differs from the gradient then tt_update_dense (preset ");
                tt_write(presets[p]);
                tt_write(", scratch_words=");
                tt_write_u32(words[k]);
                tt_write(", status ");
                tt_write(tt_conf_status_name(st));
                tt_write(" vs ");
                tt_write(tt_conf_status_name(st_ref));
                tt_write(", first differing weight ");
                tt_write_u32(i);
                tt_write(")\n");
                tt_conf_failed = 1;
                return;
            }
        }
    }
    (void)tt_conf_guards_ok();
    tt_conf_used = used; /* the check's buffers go back to the arena */
}

/* ---- composed names ---- */

void tt_conf_name_start(tt_conf_name_t *n, const char *s)
{
    n->len = 0;
    n->overflow = 0;
    n->text[0] = '\0';
    tt_conf_name_add(n, s);
}

void tt_conf_name_add(tt_conf_name_t *n, const char *s)
{
    for (; s != NULL && *s != '\0'; ++s) {
        if (n->len + 1u >= TT_CONF_NAME_MAX) {
            n->overflow = 1;
            break;
        }
        n->text[n->len++] = *s;
    }
    n->text[n->len] = '\0';
}

void tt_conf_name_num(tt_conf_name_t *n, uint32_t v)
{
    char buf[TT_FMT_BUF];
    (void)tt_fmt_u32(buf, v);
    tt_conf_name_add(n, buf);
}

int tt_conf_starts_with(const char *s, const char *prefix)
{
    while (*prefix != '\0') {
        if (*s++ != *prefix++) {
            return 0;
        }
    }
    return 1;
}

/* ---- running suites ---- */

tt_conf_runner_fn tt_conf_find_runner(const tt_conf_runner_t *table, uint32_t n, const char *suite)
{
    uint32_t i;
    for (i = 0; i < n; ++i) {
        if (tt_streq(table[i].suite, suite)) {
            return table[i].run;
        }
    }
    return NULL;
}

int tt_conf_dispatch(const tt_conf_runner_t *table, uint32_t n, const tt_suite_t *suite, const tt_case_t *c)
{
    tt_conf_runner_fn run = tt_conf_find_runner(table, n, suite->name);
    if (run == NULL) {
        tt_conf_begin(c, suite->name);
        tt_conf_fail("no runner for this suite", suite->name);
        return 1;
    }
    return run(c, suite->name);
}

void tt_conf_report_buffers(void)
{
    tt_flush();
    tt_write("BUFFER peak_bytes=");
    tt_write_u32(tt_conf_peak);
    tt_write(" limit_bytes=");
    tt_write_u32(TT_CONF_ARENA_BYTES);
    tt_write("\n");
}
