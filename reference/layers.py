"""Tensor-level operations of integer training, composed from the rules (spec 4, 5).

Like the rules, every function takes the ops object first and runs unchanged as the
oracle (PyOps) and as the JAX reference (JaxOps). A tensor is a payload plus one header
for the whole tensor (per-tensor scaling).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig
from tintin.reference.rules import Header

V = Any


class QTensor(NamedTuple):
    q: V  # payload: int8 (or int16) in the stored form, wide inside a computation
    h: Header


def requantise(o: Any, acc: V, h: Header, cfg: NumericsConfig) -> QTensor:
    """Accumulator -> payload range: shift by max(0, bitwidth(max|acc|) - 7), saturate (3.5)."""
    shift = R.requant_shift(o, o.max_abs(acc), cfg)
    return QTensor(R.requant_apply(o, acc, shift, cfg), Header(o.add(h.s, shift), h.u, h.d))


def window(o: Any, t: QTensor, cfg: NumericsConfig) -> QTensor:
    """Keep max|q| inside [window_low, window_high] (3.6)."""
    plan = R.window_plan(o, o.max_abs(t.q), cfg)
    q, h = R.window_apply(o, t.q, t.h, plan, cfg)
    return QTensor(q, h)


def store(o: Any, t: QTensor, cfg: NumericsConfig) -> QTensor:
    """An activation or error in its stored form: narrowed, and one buffer however many read it."""
    return QTensor(o.materialise(o.narrow(t.q, cfg.payload_bits), t.h.s), t.h)


def store_weights(o: Any, t: QTensor, cfg: NumericsConfig) -> QTensor:
    """Updated weights: narrowed only (they leave the step, so they are buffers anyway)."""
    return QTensor(o.narrow(t.q, cfg.payload_bits), t.h)


# --- activations ---------------------------------------------------------------------------


def relu_forward(o: Any, acc: V) -> V:
    """ReLU on the int32 accumulator, before requantisation (4.1)."""
    return o.where(o.gt(acc, 0), acc, o.const(0))


def relu_backward(o: Any, e: V, y: V) -> V:
    """Pass the error where the stored activation is positive (4.2: mask from the payload)."""
    return o.where(o.gt(y, 0), e, o.const(0))


# --- dense layer ---------------------------------------------------------------------------


def requantised_max(o: Any, max_acc: V, shift: V, cfg: NumericsConfig) -> V:
    """max |q| of a requantised tensor from max |acc| alone, without a second pass over it.

    Exact: rounding (half away from zero) and saturation are odd and non-decreasing, so the
    largest |requant(a)| is requant(largest |a|). tests/reference/test_rules.py checks it.
    """
    return R.requant_apply(o, max_acc, shift, cfg)


def accumulator_output(o: Any, acc: V, h: Header, relu: bool, cfg: NumericsConfig) -> QTensor:
    """From an int32 product: ReLU on int32, requantise, window, store (4.1)."""
    if relu:
        acc = relu_forward(o, acc)
    max_acc = o.max_abs(acc)
    shift = R.requant_shift(o, max_acc, cfg)
    t = QTensor(R.requant_apply(o, acc, shift, cfg), Header(o.add(h.s, shift), h.u, h.d))
    plan = R.window_plan(o, requantised_max(o, max_acc, shift, cfg), cfg)
    q, hw = R.window_apply(o, t.q, t.h, plan, cfg)
    return store(o, QTensor(q, hw), cfg)


def dense_forward(o: Any, x: QTensor, w: QTensor, relu: bool, cfg: NumericsConfig) -> QTensor:
    """y = [relu](x W^T): int32 MAC, ReLU on int32, requantise, window (4.1)."""
    return accumulator_output(o, o.matmul_nt(x.q, w.q), R.header_mul(o, x.h, w.h), relu, cfg)


def dense_backward_error(o: Any, e: QTensor, w: QTensor, cfg: NumericsConfig) -> QTensor:
    """e_in = e W with the pre-update W, requantised; no window (4.2)."""
    acc = o.matmul(e.q, w.q)
    return store(o, requantise(o, acc, R.header_mul(o, e.h, w.h), cfg), cfg)


def dense_gradient(o: Any, e: QTensor, x: QTensor) -> tuple[V, Header]:
    """G = sum over the batch of e x^T in int32, header(e) + header(x) (4.3)."""
    return o.matmul(e.q.T, x.q), R.header_mul(o, e.h, x.h)


# --- weight update -------------------------------------------------------------------------


class RoundingContext(NamedTuple):
    """Counter inputs of the stochastic-rounding hash (3.2)."""

    seed: V
    step: V
    tensor_id: int


def _rounding_bits(o: Any, shape: tuple[int, ...], ctx: RoundingContext | None, cfg: NumericsConfig) -> V:
    if cfg.grad_rounding != "stochastic" or ctx is None:
        return None
    return R.counter_hash(o, ctx.seed, ctx.step, o.const(ctx.tensor_id), o.index_grid(shape))


def update_weights(
    o: Any,
    w: QTensor,
    g: V,
    g_h: Header,
    cfg: NumericsConfig,
    ctx: RoundingContext | None = None,
) -> QTensor:
    """W <- sat(W - G) with G brought to W's units by the configured rule (4.4)."""
    bits = _rounding_bits(o, tuple(g.shape), ctx, cfg)
    if cfg.update_rule == "niti":
        shift = R.niti_shift(o, o.max_abs(g), cfg)
        step = R.shift_signed(o, g, shift, bits, cfg)
        return store_weights(o, QTensor(R.apply_update(o, w.q, step, cfg), w.h), cfg)

    # 1. Keep at most grad_pre_bits bits so the fine steps below cannot overflow.
    g_max = o.max_abs(g)
    pre = R.update_pre_shift(o, g_max, cfg)
    g1 = R.rshift_round(o, g, pre)
    # 2. Express G's scale, times 2**-lr_shift, as 2**P r**-k in W's units; apply k down steps.
    plan = R.rescale_plan(o, g_h, w.h, o.sub(pre, cfg.lr_shift))
    g2 = R.apply_downs(o, g1, plan.downs, cfg)
    # max |g2| from max |g|: the rounding shift and the fine steps are odd and non-decreasing.
    g2_max = R.apply_downs(o, R.rshift_round(o, g_max, pre), plan.downs, cfg)
    # 3. Shift to W's units, but never leave more than bitwidth(max|W|) - margin bits.
    cap = R.update_cap_bits(o, o.max_abs(w.q), cfg)
    right = R.update_final_shift(o, plan.shift, g2_max, cap)
    step = R.shift_signed(o, g2, right, bits, cfg)
    updated = QTensor(R.apply_update(o, w.q, step, cfg), w.h)
    return store_weights(o, window(o, updated, cfg), cfg)


# --- loss errors ---------------------------------------------------------------------------


def mse_error(o: Any, y: QTensor, t: QTensor, cfg: NumericsConfig) -> QTensor:
    """dL/dy of 1/2 sum (y - t)^2 up to the scale lr absorbs: y - t, in the coarser header (5.1)."""
    y_coarser = o.ge(R.header_thirds(o, y.h), R.header_thirds(o, t.h))
    h = Header(*(o.where(y_coarser, a, b) for a, b in zip(y.h, t.h)))
    diff = o.sub(R.rescale_to_coarser(o, y.q, y.h, h, cfg), R.rescale_to_coarser(o, t.q, t.h, h, cfg))
    return store(o, requantise(o, diff, h, cfg), cfg)


def softmax_probabilities(o: Any, z: QTensor, cfg: NumericsConfig) -> V:
    """Integer softmax over the last axis in Q(softmax_out_bits) (5.2)."""
    d = o.sub(z.q, o.max_rows(z.q))
    unnormalised = R.exp2_neg_q(o, R.softmax_exponent(o, d, z.h, cfg), cfg)
    return R.div_round(o, unnormalised, o.sum_rows(unnormalised), cfg.softmax_out_bits)


def softmax_xent_error(o: Any, z: QTensor, labels: V, cfg: NumericsConfig) -> QTensor:
    """dL/dz of softmax cross-entropy: p - onehot(label), scale 2**-softmax_out_bits (5.2)."""
    p = softmax_probabilities(o, z, cfg)
    is_label = o.eq(o.column_index(tuple(z.q.shape)), labels[:, None])
    e = R.softmax_error_element(o, p, is_label, cfg)
    zero = o.const(0)
    return store(o, QTensor(e, Header(o.const(-cfg.softmax_out_bits), zero, zero)), cfg)
