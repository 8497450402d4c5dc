/*
 * Internal: the scalar rules of docs/spec.md section 3, one inline function each.
 * Each mirrors the function of the same name in reference/rules.py; the goldens and the
 * differential tests hold them to the same bits. Arithmetic right shift of a negative
 * int32 is implementation-defined in C99; every supported compiler (gcc, arm-none-eabi-gcc)
 * shifts arithmetically, and the build asserts it below.
 */
#ifndef TT_RULES_H
#define TT_RULES_H

#include <stdint.h>

#include "tintin.h"

typedef char tt_assert_arithmetic_shift[((-8 >> 1) == -4) ? 1 : -1];

#define TT_INT32_MAX 2147483647
#define TT_INT32_MIN (-2147483647 - 1)

static inline int32_t tt_max(int32_t a, int32_t b) { return a > b ? a : b; }
static inline int32_t tt_min(int32_t a, int32_t b) { return a < b ? a : b; }

/* spec 3.1 */
static inline int32_t tt_saturate(int32_t x, int32_t limit)
{
    return x > limit ? limit : (x < -limit ? -limit : x);
}

/* Count leading zeros of a 32-bit pattern (32 for 0), without libgcc on ARMv6-M. */
static inline int32_t tt_clz(uint32_t x)
{
#if defined(__ARM_FEATURE_CLZ) || (defined(__GNUC__) && !defined(__arm__))
    return x == 0u ? 32 : (int32_t)__builtin_clz(x);
#else
    int32_t n = 0;
    if (x == 0u) return 32;
    if ((x & 0xFFFF0000u) == 0u) { n += 16; x <<= 16; }
    if ((x & 0xFF000000u) == 0u) { n += 8; x <<= 8; }
    if ((x & 0xF0000000u) == 0u) { n += 4; x <<= 4; }
    if ((x & 0xC0000000u) == 0u) { n += 2; x <<= 2; }
    if ((x & 0x80000000u) == 0u) { n += 1; }
    return n;
#endif
}

/* bitwidth(m) for m >= 0 (spec 3.1) */
static inline int32_t tt_bitwidth(int32_t m) { return 32 - tt_clz((uint32_t)m); }

/* |x| for x > INT32_MIN (callers reject INT32_MIN first). */
static inline int32_t tt_abs(int32_t x) { return x < 0 ? -x : x; }

/* x * 2^s on the bit pattern: defined for negative x, exact where the proofs say it fits. */
static inline int32_t tt_shl(int32_t x, int32_t s) { return (int32_t)((uint32_t)x << s); }

/* 2^s - 1 for s in [0, 31] (rules.low_mask) */
static inline int32_t tt_low_mask(int32_t s) { return TT_INT32_MAX >> (31 - s); }

/* Small rule helpers that must be inlined in hot loops (-Os otherwise calls them per element). */
#if defined(__GNUC__)
#define TT_ALWAYS_INLINE __attribute__((always_inline))
#else
#define TT_ALWAYS_INLINE
#endif

/* spec 3.2: round half away from zero, s in [0, 31] */
static inline TT_ALWAYS_INLINE int32_t tt_rshift_round1(int32_t x, int32_t s)
{
    int32_t floor, half, sticky;
    if (s == 0) return x;
    floor = x >> s;
    half = (x >> (s - 1)) & 1;
    sticky = (x & tt_low_mask(s - 1)) != 0;
    return floor + (x < 0 ? (half & sticky) : half);
}

/* any s >= 0; 0 for s >= 32 (exact for |x| <= INT32_MAX) */
static inline int32_t tt_rshift_round_wide(int32_t x, int32_t s)
{
    return s > 31 ? 0 : tt_rshift_round1(x, s);
}

/* spec 3.2: floor plus a carry with probability rem / 2^s; s in [0, 31] */
static inline int32_t tt_rshift_stochastic1(int32_t x, int32_t s, uint32_t bits)
{
    int32_t rem = x & tt_low_mask(s);
    int32_t threshold = (int32_t)(bits >> (32 - tt_max(s, 1)));
    return (x >> s) + (rem > threshold ? 1 : 0);
}

static inline int32_t tt_rshift_stochastic_wide(int32_t x, int32_t s, uint32_t bits)
{
    return s > 31 ? 0 : tt_rshift_stochastic1(x, s, bits);
}

/* MurmurHash3's 32-bit finaliser */
static inline uint32_t tt_fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* spec 3.2, split: the first three rounds depend on (seed, step, tensor_id) only, so a tensor's
 * update computes them once (tt_hash_prefix) and one round per element (tt_hash_at). */
static inline uint32_t tt_hash_prefix(int32_t seed, int32_t step, int32_t tensor_id)
{
    uint32_t h = tt_fmix32((uint32_t)seed + 0x9E3779B9u);
    h = tt_fmix32(h ^ (uint32_t)step);
    return tt_fmix32(h ^ (uint32_t)tensor_id);
}

static inline uint32_t tt_hash_at(uint32_t prefix, int32_t index) { return tt_fmix32(prefix ^ (uint32_t)index); }

static inline uint32_t tt_hash(int32_t seed, int32_t step, int32_t tensor_id, int32_t index)
{
    return tt_hash_at(tt_hash_prefix(seed, step, tensor_id), index);
}

/* spec 3.3 (callers keep |x| inside the step's domain) */
static inline int32_t tt_step_up(const tt_config_t *cfg, int32_t x)
{
    return tt_rshift_round1(x * cfg->up_mul, cfg->up_shift);
}

static inline TT_ALWAYS_INLINE int32_t tt_step_down(const tt_config_t *cfg, int32_t x)
{
    return tt_rshift_round1(x * cfg->down_mul, cfg->down_shift);
}

/* Headers are computed in int32 and narrowed once, with a range check. */
typedef struct {
    int32_t s, u, d;
} tt_hdr32_t;

static inline tt_hdr32_t tt_hdr_widen(tt_header_t h)
{
    tt_hdr32_t w;
    w.s = h.s;
    w.u = h.u;
    w.d = h.d;
    return w;
}

/* spec 2.3: needs u, d in [0, 5] */
static inline tt_hdr32_t tt_normalize(tt_hdr32_t h)
{
    int32_t c = tt_min(h.u, h.d);
    h.u -= c;
    h.d -= c;
    if (h.u >= 3) { h.u -= 3; h.s -= 1; }
    if (h.d >= 3) { h.d -= 3; h.s += 1; }
    return h;
}

static inline tt_hdr32_t tt_header_mul(tt_header_t a, tt_header_t b)
{
    tt_hdr32_t h;
    h.s = (int32_t)a.s + b.s;
    h.u = (int32_t)a.u + b.u;
    h.d = (int32_t)a.d + b.d;
    return tt_normalize(h);
}

static inline int tt_header_ok(tt_header_t h)
{
    return h.u >= 0 && h.u <= 2 && h.d >= 0 && h.d <= 2 && !(h.u > 0 && h.d > 0);
}

static inline tt_status_t tt_hdr_narrow(tt_hdr32_t w, tt_header_t *out)
{
    if (w.s < -128 || w.s > 127) return TT_ERR_HEADER;
    out->s = (int8_t)w.s;
    out->u = (int8_t)w.u;
    out->d = (int8_t)w.d;
    return TT_OK;
}

/* spec 3.5 */
static inline int32_t tt_requant_shift(const tt_config_t *cfg, int32_t max_abs)
{
    return tt_max(tt_bitwidth(max_abs) - (cfg->payload_bits - 1), 0);
}

/* spec 3.6 */
typedef struct {
    int32_t left, up, down, right;
} tt_window_plan_t;

static inline tt_window_plan_t tt_window_plan(const tt_config_t *cfg, int32_t max_abs)
{
    tt_window_plan_t p = {0, 0, 0, 0};
    if (!cfg->window) return p;
    if (max_abs > 0 && max_abs < cfg->window_low) {
        int32_t n = tt_bitwidth(cfg->window_low) - tt_bitwidth(max_abs);
        if (n < 0) n = 0;
        if ((max_abs << n) < cfg->window_low) n += 1;
        p.left = n;
        p.up = cfg->fine_steps && tt_step_up(cfg, max_abs << n) <= cfg->window_high;
    }
    if (max_abs > cfg->window_high) {
        if (cfg->fine_steps) p.down = 1; else p.right = 1;
    }
    return p;
}

static inline int32_t tt_window_value(const tt_config_t *cfg, const tt_window_plan_t *p, int32_t q)
{
    q = tt_shl(q, p->left); /* only when max|q| < window_low: the result stays below 2 * window_low */
    if (p->up) q = tt_step_up(cfg, q);
    if (p->down) q = tt_step_down(cfg, q);
    if (p->right) q = tt_rshift_round1(q, 1);
    return q;
}

static inline tt_hdr32_t tt_window_header(const tt_window_plan_t *p, tt_hdr32_t h)
{
    h.s = h.s - p->left + p->right;
    h.u += p->up;
    h.d += p->down;
    return tt_normalize(h);
}

/* spec 3.7 */
typedef struct {
    int32_t shift, downs;
} tt_rescale_plan_t;

static inline tt_rescale_plan_t tt_rescale_plan(tt_hdr32_t from, tt_hdr32_t to, int32_t extra)
{
    tt_rescale_plan_t p;
    int i;
    p.shift = from.s - to.s + extra;
    p.downs = (to.d - to.u) - (from.d - from.u);
    for (i = 0; i < 2; i++) {
        if (p.downs < 0) { p.downs += 3; p.shift += 1; }
    }
    if (p.downs > 2) { p.downs -= 3; p.shift -= 1; }
    return p;
}

static inline TT_ALWAYS_INLINE int32_t tt_apply_downs(const tt_config_t *cfg, int32_t x, int32_t downs)
{
    if (downs >= 1) x = tt_step_down(cfg, x);
    if (downs >= 2) x = tt_step_down(cfg, x);
    return x;
}

/* Largest |x| of an int32 array, or -1 if it holds INT32_MIN (outside every domain). */
static inline int32_t tt_max_abs_i32(const int32_t *x, uint32_t n)
{
    int32_t m = 0;
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (x[i] == TT_INT32_MIN) return -1;
        m = tt_max(m, tt_abs(x[i]));
    }
    return m;
}

#if !(defined(__ARM_FEATURE_DSP) && !defined(TT_NO_DSP) && defined(__GNUC__))
static inline int32_t tt_max_abs_i8(const int8_t *x, uint32_t n)
{
    int32_t m = 0;
    uint32_t i;
    for (i = 0; i < n; i++) m = tt_max(m, tt_abs(x[i]));
    return m;
}
#endif

/* Shape checks shared by the kernels: non-zero, product within TT_MAX_ELEMENTS. */
static inline int tt_dims_ok(uint32_t a, uint32_t b)
{
    return a > 0u && b > 0u && a <= TT_MAX_ELEMENTS && b <= TT_MAX_ELEMENTS / a;
}

/* 1 when no payload is below -qmax (for int8: no byte is -128, the one value never produced). */
#if defined(__ARM_FEATURE_DSP) && !defined(TT_NO_DSP) && defined(__GNUC__)
#include <arm_acle.h>

typedef uint32_t tt_word_alias_t __attribute__((may_alias));

/* Bytewise signed minimum: SSUB8 sets the GE flag of each byte lane where v >= m, SEL keeps m there. */
static inline uint32_t tt_min8(uint32_t m, uint32_t v)
{
    (void)__ssub8((int8x4_t)v, (int8x4_t)m);
    return __sel(m, v);
}

/* Bytewise signed maximum: GE where v >= m, SEL keeps v there. */
static inline uint32_t tt_max8(uint32_t m, uint32_t v)
{
    (void)__ssub8((int8x4_t)v, (int8x4_t)m);
    return __sel(v, m);
}

/* max |x[i]| over n bytes: the running bytewise minimum and maximum of the aligned words (four
 * instructions a word), then the largest of max and -min over the four lanes. */
static inline int32_t tt_max_abs_i8(const int8_t *x, uint32_t n)
{
    const tt_word_alias_t *p;
    uint32_t lo = 0, hi = 0, i, k;
    int32_t m = 0;
    for (; n > 0u && ((uintptr_t)x & 3u) != 0u; x++, n--) m = tt_max(m, tt_abs(*x));
    p = (const tt_word_alias_t *)(const void *)x;
    for (i = 0; i < n / 4u; i++) lo = tt_min8(lo, p[i]), hi = tt_max8(hi, p[i]);
    for (k = 0; k < 4u; k++) m = tt_max(m, tt_max(-(int32_t)(int8_t)(lo >> (8u * k)), (int32_t)(int8_t)(hi >> (8u * k))));
    for (i = n & ~3u; i < n; i++) m = tt_max(m, tt_abs(x[i]));
    return m;
}

/* DSP cores: the running bytewise minimum of the aligned words (two instructions a word) is -128
 * in some lane exactly when some byte is -128; bytes before the first aligned word and after
 * the last are compared one by one. */
static inline int tt_payload_ok_q(int32_t qmax, const int8_t *q, uint32_t n)
{
    uint32_t i = 0;
    if (qmax == 127) {
        const tt_word_alias_t *p, *stop;
        uint32_t m = 0;
        for (; n > 0u && ((uintptr_t)q & 3u) != 0u; q++, n--) {
            if (*q == -128) return 0;
        }
        p = (const tt_word_alias_t *)(const void *)q;
        stop = p + (n >> 4) * 4u;
        while (p != stop) {
            uint32_t a = p[0], b = p[1], c = p[2], d = p[3];
            p += 4;
            m = tt_min8(tt_min8(m, a), b);
            m = tt_min8(tt_min8(m, c), d);
        }
        for (stop = p + ((n >> 2) & 3u); p != stop; p++) m = tt_min8(m, *p);
        m ^= 0x80808080u; /* a lane of m was -128 iff it is now zero */
        if (((m - 0x01010101u) & ~m & 0x80808080u) != 0u) return 0;
        q = (const int8_t *)(const void *)p;
        n &= 3u;
    }
    for (; i < n; i++) {
        if (q[i] < -qmax) return 0;
    }
    return 1;
}
#else
static inline int tt_payload_ok_q(int32_t qmax, const int8_t *q, uint32_t n)
{
    uint32_t i = 0;
#if defined(__ARM_FEATURE_UNALIGNED) || !defined(__arm__)
    if (qmax == 127) {
        /* Four bytes per step: a byte of v equals 0x80 exactly when the same byte of
         * v ^ 0x80808080 is zero, and (z - 0x01..) & ~z & 0x80.. is non-zero iff z has a zero byte. */
        for (; i + 4u <= n; i += 4u) {
            uint32_t z;
            __builtin_memcpy(&z, q + i, 4);
            z ^= 0x80808080u;
            if (((z - 0x01010101u) & ~z & 0x80808080u) != 0u) return 0;
        }
    }
#endif
    for (; i < n; i++) {
        if (q[i] < -qmax) return 0;
    }
    return 1;
}
#endif

static inline int tt_payload_ok(const tt_config_t *cfg, const int8_t *q, uint32_t n)
{
    return tt_payload_ok_q(cfg->qmax, q, n);
}

/* 1 when no byte of q is -128 (the gradients' check, which has no config). */
static inline int tt_no_int8_min(const int8_t *q, uint32_t n) { return tt_payload_ok_q(127, q, n); }

tt_status_t tt_check_config(const tt_config_t *cfg);
/* The int8 output of a forward layer from its int32 sums (spec 4.1); TT_ERR_CONFIG unless qmax = 127. */
tt_status_t tt_acc_output(const tt_config_t *cfg, const int32_t *acc, uint32_t n, int32_t max_abs, tt_hdr32_t h,
                          int8_t *y, tt_header_t *h_y);
/* The same; nonneg != 0 promises every acc[i] >= 0 (after a ReLU), which skips the sign steps. */
tt_status_t tt_acc_output_ex(const tt_config_t *cfg, const int32_t *acc, uint32_t n, int32_t max_abs, int32_t nonneg,
                             tt_hdr32_t h, int8_t *y, tt_header_t *h_y);
/* q[i] = saturate(rshift_round(acc[i], shift), 127) for i < n, shift <= 31 (the loop of tt_acc_output). */
void tt_requant_i8(const int32_t *acc, uint32_t n, int8_t *q, uint32_t shift);
tt_status_t tt_requant_output(const tt_config_t *cfg, const int32_t *acc, uint32_t n, tt_hdr32_t h, int8_t *q,
                              tt_header_t *h_q);
tt_status_t tt_conv_check(const tt_conv_geometry_t *g, uint32_t *out_h, uint32_t *out_w);
tt_status_t tt_fine_array(const tt_config_t *cfg, const int32_t *x, int32_t *y, uint32_t n, int32_t up);

#endif /* TT_RULES_H */
