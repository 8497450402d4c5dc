"""Dot-product accumulators (spec 4.1-4.3): the exact largest safe length, by induction.

A dense kernel sums n payload products into an accumulator, in order. The inductive
lemma, with a symbolic term count k:

    0 <= k < N, |s| <= k * qmax**2, |a|, |b| <= qmax
        =>  s + a*b does not overflow and |s + a*b| <= (k + 1) * qmax**2.

With the base case |0| <= 0 * qmax**2 this proves every partial sum of up to N terms fits.
K = floor(acc_max / qmax**2) is exact: the lemma holds for N = K, and at k = K the
reachable partial sum of K equal products qmax*qmax plus one more overflows (boundary;
the counterexample is the all-qmax vector of length K + 1). Forward (fan-in), backward
error (fan-out) and gradient (batch) are the same sum; each has its own theorem, target
size and C limit. A theorem FAILS when K is below the size the project needs (configs.Targets).

Convolutions form the same sums with other lengths (reference.limits.conv_lengths): a
K x K x C patch forward, at most ceil(K / stride)**2 taps x OC output channels per input
pixel backward, batch x output positions for the gradient. The backward error adds per-tap
partial sums, but every partial sum is a sum of fewer products, so the bound covers any
grouping. tests/reference/test_config_widths.py checks the lengths against the reference.
"""

from __future__ import annotations

from typing import Any

import z3

from tintin.proofs.configs import targets
from tintin.proofs.theorem import Boundary, Cond, Lemma, Limit, Theorem, Var
from tintin.proofs.thm_common import LAYERS, abs_le, payload_var
from tintin.reference.config import NumericsConfig, max_dot_terms


def max_terms(cfg: NumericsConfig) -> int:
    """K: the largest n with n * qmax**2 <= acc_max (the limit the reference enforces)."""
    return max_dot_terms(cfg)


def mac(o: Any, acc: Any, a: Any, b: Any) -> Any:
    """One step of the kernels' dot product (ops.matmul's inner loop): acc + a * b."""
    return o.add(acc, o.mul(a, b))


def _vars(cfg: NumericsConfig, n: int, first: int = 0) -> list[Var]:
    q2 = cfg.qmax * cfg.qmax
    return [
        Var("k", first, n - 1, kind="ghost", text=f"k in [{first}, {n - 1}] (terms already summed)"),
        Var("s", lambda m, v: m.mul(v["k"], -q2), lambda m, v: m.mul(v["k"], q2),
            text=f"|s| <= k * qmax**2 = k * {q2} (the partial sum)"),
        payload_var("a", cfg),
        payload_var("b", cfg),
    ]


def _model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    # The product as mac forms it (the same term): bounding it first keeps the step linear.
    return {"acc": mac(o, v["s"], v["a"], v["b"]), "product": o.mul(v["a"], v["b"])}


def _claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    q2 = cfg.qmax * cfg.qmax
    return [("|a*b| <= qmax**2", abs_le(m, m.lift(out["product"]), m.c(q2)))]


def _step_lemma(cfg: NumericsConfig, n: int) -> Lemma:
    """The bound of the induction step, in linear integer arithmetic.

    The accumulator equals s + a*b exactly because its add cannot overflow (the add's
    obligation, proved over bit-vectors with the others), and |a*b| <= qmax**2 is the claim.
    """
    q2 = cfg.qmax * cfg.qmax
    k, s, p = z3.Ints("k s p")
    return Lemma(
        "|s + a*b| <= (k + 1) * qmax**2 (the induction step, from |s| <= k * qmax**2 and |a*b| <= qmax**2)",
        (k >= 0, k <= n - 1, s <= k * q2, -s <= k * q2, p <= q2, -p <= q2),
        z3.And(s + p <= (k + 1) * q2, -(s + p) <= (k + 1) * q2),
    )


def _spec_bits(cfg: NumericsConfig, n: int) -> int:
    return max((n + 1) * cfg.qmax * cfg.qmax, cfg.acc_max).bit_length() + 3


def _reachable(m: Any, v: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    """The partial sum of k equal products a*b (an input vector that really exists)."""
    return [("s = k * a * b (k equal products so far)",
             m.eq(m.lift(v["s"]), m.mul(v["k"], m.mul(m.lift(v["a"]), m.lift(v["b"])))))]


def _theorem(name: str, what: str, macro: str, target_of: Any, guard: str, covers: str) -> Theorem:
    return Theorem(
        name=name,
        statement=(
            f"Inductive lemma with symbolic k: for k < K, a partial sum |s| <= k * qmax**2 plus one "
            f"product of payloads neither overflows (bit-vectors: every obligation of the "
            f"multiply-accumulate) nor leaves (k + 1) * qmax**2 (linear arithmetic); with the base "
            f"case s = 0, every {what} dot product of up to K terms is safe. "
            f"K = floor(acc_max / qmax**2) is exact: K + 1 equal products (e.g. the all-qmax "
            f"vectors of length K + 1) overflow (boundary). FAILS when K is below the required {what}."
        ),
        covers=(covers,),
        guards=(guard,),
        variables=lambda cfg: _vars(cfg, max_terms(cfg)),
        model=_model,
        claims=_claims,
        lemmas=lambda cfg: [_step_lemma(cfg, max_terms(cfg))],
        limits=lambda cfg: [Limit(macro, max_terms(cfg), f"largest {what} of a dot product", exact=True)],
        boundaries=(
            Boundary("K + 1 terms", "K equal products, then one more: the all-equal vector of length K + 1",
                     variables=lambda cfg: _vars(cfg, max_terms(cfg) + 1, first=max_terms(cfg)),
                     premises=_reachable),
        ),
        requirement=lambda cfg: (max_terms(cfg), target_of(targets()), what),
        to_case=lambda inputs, cfg: {"terms": int(inputs["k"]) + 1, "x_fill": int(inputs["a"]),
                                     "w_fill": int(inputs["b"])},
        spec_bits=lambda cfg: _spec_bits(cfg, max_terms(cfg) + 1),
    )


FORWARD = _theorem("accumulator.forward", "fan-in", "MAX_FAN_IN", lambda t: t.fan_in, "tt_dense_forward",
                   LAYERS + "dense_forward")
BACKWARD = _theorem("accumulator.backward_error", "fan-out", "MAX_FAN_OUT", lambda t: t.fan_out,
                    "tt_dense_backward_error", LAYERS + "dense_backward_error")
GRADIENT = _theorem("accumulator.gradient", "batch", "MAX_BATCH", lambda t: t.batch, "tt_dense_gradient",
                    LAYERS + "dense_gradient")
CONV = "tintin.reference.conv."
CONV_FORWARD = _theorem("accumulator.conv_forward", "convolution patch (K*K*C)", "MAX_CONV_PATCH",
                        lambda t: t.conv_patch, "tt_conv2d_forward", CONV + "conv_forward")
CONV_BACKWARD = _theorem("accumulator.conv_backward_error", "convolution backward sum (taps*OC)",
                         "MAX_CONV_BACKWARD_TERMS", lambda t: t.conv_backward_terms, "tt_conv2d_backward_error",
                         CONV + "conv_backward_error")
CONV_GRADIENT = _theorem("accumulator.conv_gradient", "convolution gradient sum (batch*positions)",
                         "MAX_CONV_GRADIENT_TERMS", lambda t: t.conv_gradient_terms, "tt_conv2d_gradient",
                         CONV + "conv_gradient")

THEOREMS = (FORWARD, BACKWARD, GRADIENT, CONV_FORWARD, CONV_BACKWARD, CONV_GRADIENT)
