"""The integer rules of the numerics specification, each written once.

Every function takes an ops object first (reference/ops.py) and uses nothing else for
arithmetic, so the same text is the oracle (PyOps), the reference (JaxOps) and the
proof model (Z3Ops). Section numbers refer to docs/spec.md.

Values are elementwise: a rule applied to a tensor with scalar header fields applies
per element. Reductions (a tensor's max, a row's sum) are done by the caller and passed
in, which is what lets Z3 reason about one element against a symbolic maximum.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tintin.reference.config import FineStep, NumericsConfig

V = Any  # a value of whichever interpretation is running


class Header(NamedTuple):
    """Scale of a tensor: real = q * 2**s * r**(d - u), r = 2**(1/3) (spec 2.2)."""

    s: V
    u: V
    d: V


# --- small helpers (spec 3.1) -------------------------------------------------------------


def maximum(o: Any, x: V, y: V) -> V:
    return o.where(o.gt(x, y), x, y)


def minimum(o: Any, x: V, y: V) -> V:
    return o.where(o.lt(x, y), x, y)


def abs_(o: Any, x: V) -> V:
    return o.where(o.lt(x, 0), o.neg(x), x)


def saturate(o: Any, x: V, limit: int) -> V:
    """Clamp to the symmetric range [-limit, limit] (spec 3.1: every narrowing saturates)."""
    return o.where(o.gt(x, limit), o.const(limit), o.where(o.lt(x, -limit), o.const(-limit), x))


def bitwidth(o: Any, m: V) -> V:
    """Bits needed for m >= 0 (0 for 0), by count-leading-zeros (spec 3.5)."""
    return o.sub(o.const(o.acc_bits), o.clz(m))


def low_mask(o: Any, s: V) -> V:
    """2**s - 1 for s in [0, acc_bits - 1], built without forming 2**(acc_bits - 1)."""
    return o.shr(o.const((1 << (o.acc_bits - 1)) - 1), o.sub(o.const(o.acc_bits - 1), s))


# --- rounding (spec 3.2) ------------------------------------------------------------------


def rshift_round(o: Any, x: V, s: V) -> V:
    """x / 2**s rounded half away from zero, for s in [0, acc_bits - 1].

    Floor shift plus a carry: positives carry on the half bit; negatives carry only when
    the discarded part is strictly above one half. Nothing can overflow.
    """
    s1 = maximum(o, o.sub(s, 1), o.const(0))
    floor = o.shr(x, s)
    half = o.band(o.shr(x, s1), 1)
    sticky = o.ne(o.band(x, low_mask(o, s1)), 0)
    carry = o.where(o.lt(x, 0), o.where(sticky, half, o.const(0)), half)
    return o.add(floor, o.where(o.eq(s, 0), o.const(0), carry))


def rshift_round_wide(o: Any, x: V, s: V) -> V:
    """rshift_round for any s >= 0; for s >= acc_bits every |x| <= acc_max rounds to 0."""
    top = o.acc_bits - 1
    return o.where(o.gt(s, top), o.const(0), rshift_round(o, x, minimum(o, s, o.const(top))))


def rshift_stochastic(o: Any, x: V, s: V, bits: V) -> V:
    """floor(x / 2**s) plus 1 with probability (discarded part) / 2**s (spec 3.2).

    ``bits`` is a uint32 hash; its top s bits are the uniform threshold. s in [0, acc_bits-1].
    """
    floor = o.shr(x, s)
    rem = o.band(x, low_mask(o, s))
    return o.add(floor, o.where(o.gt(rem, stochastic_threshold(o, s, bits)), o.const(1), o.const(0)))


def stochastic_threshold(o: Any, s: V, bits: V) -> V:
    """The s-bit uniform threshold of rshift_stochastic: the top s bits of the hash. An
    accumulator wider than 33 bits allows s > 32; the 32 hash bits are then the threshold's top
    bits and the rest are 0 (spec 3.2), so the shift amounts stay in [0, 32] for every width."""
    if o.acc_bits <= 33:  # static: s <= acc_bits - 1 <= 32, the only case of the C kernels
        return o.u32_to_int(o.ushr(bits, o.sub(o.const(32), maximum(o, s, o.const(1)))))
    top = o.u32_to_int(o.ushr(bits, o.sub(o.const(32), minimum(o, maximum(o, s, o.const(1)), o.const(32)))))
    return o.shl(top, maximum(o, o.sub(s, 32), o.const(0)))


def rshift_stochastic_wide(o: Any, x: V, s: V, bits: V) -> V:
    top = o.acc_bits - 1
    return o.where(o.gt(s, top), o.const(0), rshift_stochastic(o, x, minimum(o, s, o.const(top)), bits))


# --- counter hash for stochastic rounding (spec 3.2) -------------------------------------


def fmix32(o: Any, h: V) -> V:
    """The 32-bit avalanche finaliser of MurmurHash3 (a bijection on uint32)."""
    h = o.uxor(h, o.ushr(h, 16))
    h = o.umul(h, 0x85EBCA6B)
    h = o.uxor(h, o.ushr(h, 13))
    h = o.umul(h, 0xC2B2AE35)
    return o.uxor(h, o.ushr(h, 16))


def counter_hash(o: Any, seed: V, step: V, tensor_id: V, index: V) -> V:
    """uint32 from (seed, step, tensor id, element index): same bits in JAX, Python and C."""
    h = fmix32(o, o.uadd(o.u32(seed), 0x9E3779B9))
    h = fmix32(o, o.uxor(h, o.u32(step)))
    h = fmix32(o, o.uxor(h, o.u32(tensor_id)))
    return fmix32(o, o.uxor(h, o.u32(index)))


# --- fine steps (spec 3.3) ----------------------------------------------------------------


def fine_mul(o: Any, x: V, step: FineStep) -> V:
    """Multiply form: round(x * M / 2**k)."""
    return rshift_round(o, o.mul(x, step.multiplier), o.const(step.shift))


def fine_shift_add(o: Any, x: V, step: FineStep) -> V:
    """Shift-add form: sum of x * 2**(k - e) over the terms, one rounding. Equals fine_mul."""
    total = o.const(0)
    for e in step.terms:
        total = o.add(total, o.shl(x, o.const(step.shift - e)))
    return rshift_round(o, total, o.const(step.shift))


def step_up(o: Any, x: V, cfg: NumericsConfig) -> V:
    """Multiply by ~r (payload grows; the header's U grows by one)."""
    return fine_mul(o, x, cfg.up)


def step_down(o: Any, x: V, cfg: NumericsConfig) -> V:
    """Multiply by ~1/r (payload shrinks; the header's D grows by one)."""
    return fine_mul(o, x, cfg.down)


# --- headers (spec 2.3) -------------------------------------------------------------------


def normalize(o: Any, h: Header) -> Header:
    """Cancel U/D pairs, then fold three fine steps into one shift. Needs U, D in [0, 5]."""
    c = minimum(o, h.u, h.d)
    u, d, s = o.sub(h.u, c), o.sub(h.d, c), h.s
    fold_u = o.ge(u, 3)
    s = o.where(fold_u, o.sub(s, 1), s)
    u = o.where(fold_u, o.sub(u, 3), u)
    fold_d = o.ge(d, 3)
    s = o.where(fold_d, o.add(s, 1), s)
    d = o.where(fold_d, o.sub(d, 3), d)
    return Header(s, u, d)


def header_mul(o: Any, a: Header, b: Header) -> Header:
    """Header of a product of two tensors: exponents add."""
    return normalize(o, Header(o.add(a.s, b.s), o.add(a.u, b.u), o.add(a.d, b.d)))


def header_thirds(o: Any, h: Header) -> V:
    """log2 of the scale in thirds: 3S + D - U (for comparing scales only)."""
    return o.add(o.mul(h.s, 3), o.sub(h.d, h.u))


# --- requantisation and the window (spec 3.5, 3.6) ------------------------------------------


def requant_shift(o: Any, max_abs: V, cfg: NumericsConfig) -> V:
    """Right shift that brings a tensor with this max |value| into the payload range."""
    return maximum(o, o.sub(bitwidth(o, max_abs), cfg.payload_bits - 1), o.const(0))


def requant_apply(o: Any, x: V, shift: V, cfg: NumericsConfig) -> V:
    return saturate(o, rshift_round(o, x, shift), cfg.qmax)


class WindowPlan(NamedTuple):
    """What the window rule does to a whole tensor, decided from its max |q|."""

    left: V  # whole left shifts (S decreases)
    up: V  # one fine up step (U increases)
    down: V  # one fine down step (D increases)
    right: V  # one rounding right shift when fine steps are off (S increases)


def window_plan(o: Any, max_abs: V, cfg: NumericsConfig) -> WindowPlan:
    """Decide the window rule for a payload tensor whose max |q| is ``max_abs`` (spec 3.6)."""
    zero, false = o.const(0), o.eq(o.const(0), 1)
    if not cfg.window:
        return WindowPlan(zero, false, false, false)
    low = o.logical_and(o.gt(max_abs, 0), o.lt(max_abs, cfg.window_low))
    # Whole shifts to reach window_low: n0 aligns the top bit; one more if still short.
    n0 = maximum(o, o.sub(o.const(cfg.window_low.bit_length()), bitwidth(o, max_abs)), zero)
    n0 = o.where(low, n0, zero)
    short = o.lt(o.shl(max_abs, n0), cfg.window_low)
    left = o.where(o.logical_and(low, short), o.add(n0, 1), n0)
    high = o.gt(max_abs, cfg.window_high)
    if not cfg.fine_steps:
        return WindowPlan(left, false, false, high)
    grown = step_up(o, o.shl(max_abs, left), cfg)
    up = o.logical_and(low, o.le(grown, cfg.window_high))
    return WindowPlan(left, up, high, false)


def window_apply(o: Any, q: V, h: Header, plan: WindowPlan, cfg: NumericsConfig) -> tuple[V, Header]:
    q = o.shl(q, plan.left)
    q = o.where(plan.up, step_up(o, q, cfg), q)
    q = o.where(plan.down, step_down(o, q, cfg), q)
    q = o.where(plan.right, rshift_round(o, q, o.const(1)), q)
    one, zero = o.const(1), o.const(0)
    s = o.add(o.sub(h.s, plan.left), o.where(plan.right, one, zero))
    u = o.add(h.u, o.where(plan.up, one, zero))
    d = o.add(h.d, o.where(plan.down, one, zero))
    return q, normalize(o, Header(s, u, d))


# --- rescaling between headers (spec 3.7) ----------------------------------------------


class RescalePlan(NamedTuple):
    """x in one header's units = down**downs(x) * 2**shift in another's."""

    shift: V
    downs: V  # 0, 1 or 2 fine down steps


def rescale_plan(o: Any, h_from: Header, h_to: Header, extra_shift: V) -> RescalePlan:
    """Express 2**(S_f - S_t + extra) * r**((D_f - U_f) - (D_t - U_t)) as 2**P * r**-k.

    k in {0, 1, 2}; at most two corrections because the fine difference is in [-4, 4].
    """
    p = o.add(o.sub(h_from.s, h_to.s), extra_shift)
    k = o.sub(o.sub(h_to.d, h_to.u), o.sub(h_from.d, h_from.u))  # = -(fine difference)
    for _ in range(2):
        neg = o.lt(k, 0)
        k = o.where(neg, o.add(k, 3), k)
        p = o.where(neg, o.add(p, 1), p)
    over = o.gt(k, 2)
    k = o.where(over, o.sub(k, 3), k)
    p = o.where(over, o.sub(p, 1), p)
    return RescalePlan(p, k)


def apply_downs(o: Any, x: V, downs: V, cfg: NumericsConfig) -> V:
    x = o.where(o.ge(downs, 1), step_down(o, x, cfg), x)
    return o.where(o.ge(downs, 2), step_down(o, x, cfg), x)


def rescale_to_coarser(o: Any, x: V, h_from: Header, h_to: Header, cfg: NumericsConfig) -> V:
    """x in h_to's units when h_to's scale is at least h_from's (so only right shifts)."""
    plan = rescale_plan(o, h_from, h_to, o.const(0))
    x = apply_downs(o, x, plan.downs, cfg)
    return rshift_round_wide(o, x, o.neg(plan.shift))


# --- gradient-aligned update and the NITI update (spec 4.4) -----------------------------------


def update_pre_shift(o: Any, g_max_abs: V, cfg: NumericsConfig) -> V:
    """Right shift that leaves at most grad_pre_bits bits, so fine steps cannot overflow."""
    return maximum(o, o.sub(bitwidth(o, g_max_abs), cfg.grad_pre_bits), o.const(0))


def update_cap_bits(o: Any, w_max_abs: V, cfg: NumericsConfig) -> V:
    """Largest bit width an update may have: bitwidth(max|W|) - margin, at least 1."""
    return maximum(o, o.sub(bitwidth(o, w_max_abs), cfg.update_margin), o.const(1))


def update_final_shift(o: Any, plan_shift: V, g2_max_abs: V, cap_bits: V) -> V:
    """Right shift (negative: left) taking the aligned gradient to W's units, capped."""
    return maximum(o, o.neg(plan_shift), o.sub(bitwidth(o, g2_max_abs), cap_bits))


def shift_signed(o: Any, x: V, right: V, bits: V | None, cfg: NumericsConfig) -> V:
    """x * 2**-right: rounding right shift for right >= 0, plain left shift otherwise."""
    rs = maximum(o, right, o.const(0))
    ls = maximum(o, o.neg(right), o.const(0))
    if cfg.grad_rounding == "stochastic" and bits is not None:
        shifted = rshift_stochastic_wide(o, x, rs, bits)
    else:
        shifted = rshift_round_wide(o, x, rs)
    return o.where(o.ge(right, 0), shifted, o.shl(x, ls))


def niti_shift(o: Any, g_max_abs: V, cfg: NumericsConfig) -> V:
    """NITI: cut the gradient to niti_mu bits."""
    return maximum(o, o.sub(bitwidth(o, g_max_abs), cfg.niti_mu), o.const(0))


def apply_update(o: Any, w: V, g: V, cfg: NumericsConfig) -> V:
    return saturate(o, o.sub(w, g), cfg.qmax)


# --- loss errors (spec 5) ---------------------------------------------------------------


def exp2_neg_q(o: Any, a: V, cfg: NumericsConfig) -> V:
    """2**(-a / 2**12) in Q(softmax_table_bits), a in [0, 2**(12 + floor_bits)]: table + shift."""
    fb = cfg.log2e_frac_bits
    whole = o.shr(a, fb)
    index = o.shr(o.band(a, (1 << fb) - 1), fb - cfg.softmax_frac_bits)
    return rshift_round_wide(o, o.lookup(cfg.softmax_table, index), whole)


def softmax_exponent(o: Any, d: V, h: Header, cfg: NumericsConfig) -> V:
    """-(z - max z) * scale * log2(e) in Q12, clamped to [0, 2**(12 + floor_bits)].

    d = z - max z is in [-2 qmax, 0]. The header's fine part is applied by fine steps,
    its S by shifts; past the floor, 2**-a is zero at the table's precision anyway.
    """
    t = o.mul(d, cfg.log2e_q)
    f = o.sub(h.d, h.u)
    t = o.where(o.ge(f, 1), step_up(o, t, cfg), t)
    t = o.where(o.ge(f, 2), step_up(o, t, cfg), t)
    t = o.where(o.le(f, -1), step_down(o, t, cfg), t)
    t = o.where(o.le(f, -2), step_down(o, t, cfg), t)
    floor = -(1 << (cfg.log2e_frac_bits + cfg.softmax_floor_bits))
    left_limit = 10  # t >= -2**20 before shifting, so a left shift of 10 stays in 31 bits
    left = minimum(o, maximum(o, h.s, o.const(0)), o.const(left_limit))
    widened = o.shl(maximum(o, t, o.const(-(1 << 20))), left)
    narrowed = rshift_round_wide(o, t, maximum(o, o.neg(h.s), o.const(0)))
    t = o.where(o.ge(h.s, 0), widened, narrowed)
    return o.neg(maximum(o, t, o.const(floor)))


def div_round(o: Any, num: V, den: V, bits: int) -> V:
    """round(num * 2**bits / den) for 0 <= num <= den, den > 0: restoring division.

    Shift-and-subtract, bits + 1 quotient bits then round half up; no divide instruction.
    """
    rem, q = num, o.const(0)
    for _ in range(bits + 1):
        rem = o.shl(rem, 1)
        ge = o.ge(rem, den)
        rem = o.where(ge, o.sub(rem, den), rem)
        q = o.add(o.shl(q, 1), o.where(ge, o.const(1), o.const(0)))
    return o.shr(o.add(q, 1), 1)


def softmax_error_element(o: Any, p: V, is_label: V, cfg: NumericsConfig) -> V:
    """p - onehot in Q(softmax_out_bits), saturated to the payload range."""
    one = 1 << cfg.softmax_out_bits
    return saturate(o, o.sub(p, o.where(is_label, o.const(one), o.const(0))), cfg.qmax)
