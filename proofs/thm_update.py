"""Weight updates (spec 4.4): the gradient-aligned update and the NITI update, headroom.

The element model follows tintin.reference.layers.update_weights step by step, calling
only rules; tensor maxima are symbolic inputs, and the max of a derived tensor (the
aligned gradient g2) is the same rules applied to the input max, which the theorem proves
is an upper bound of every element (monotonicity) and is attained (symmetry). The tests
check the element model against layers.update_weights on random tensors.

The window after the update is the window theorem's business (its premise: a payload
tensor with max <= qmax, which this theorem proves for W - G after saturation).
"""

from __future__ import annotations

from typing import Any

from tintin.proofs.theorem import Cond, Fact, Limit, Theorem, Var, unsplit
from tintin.proofs.thm_common import (
    LAYERS,
    RULES,
    abs_le,
    elem_var,
    header,
    header_vars,
    max_var,
    normal_premise,
)
from tintin.proofs.thm_fine import monotone_fact
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig


def cap_max(cfg: NumericsConfig) -> int:
    """Largest cap on an update's bit width: bitwidth(qmax) - margin, at least 1."""
    return max(cfg.payload_bits - 1 - cfg.update_margin, 1)


def _stochastic(cfg: NumericsConfig) -> bool:
    return cfg.grad_rounding == "stochastic"


def _grad_vars(cfg: NumericsConfig) -> list[Var]:
    # |g| <= acc_max: the gradient sum never produces int_min (accumulator theorem), and
    # max_abs of it is then defined.
    return [max_var("g_max", cfg.acc_max), elem_var("g", "g_max")]


def _bits_var(cfg: NumericsConfig) -> list[Var]:
    return [Var("bits", kind="u32", text="bits any uint32 (the rounding hash)")] if _stochastic(cfg) else []


# -- gradient-aligned update -----------------------------------------------------------------


def _aligned_vars(cfg: NumericsConfig) -> list[Var]:
    return [
        max_var("w_max", cfg.qmax),
        elem_var("w", "w_max"),
        *_grad_vars(cfg),
        *header_vars("g_h"),
        *header_vars("w_h"),
        *_bits_var(cfg),
    ]


def aligned_update_element(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    """layers.update_weights (aligned) up to the window, for one element; rules only."""
    g_h, w_h, bits = header(v, "g_h"), header(v, "w_h"), v.get("bits")
    pre = R.update_pre_shift(o, v["g_max"], cfg)
    g1 = R.rshift_round(o, v["g"], pre)
    g1_max = R.rshift_round(o, v["g_max"], pre)
    plan = R.rescale_plan(o, g_h, w_h, o.sub(pre, cfg.lr_shift))
    g2 = R.apply_downs(o, g1, plan.downs, cfg)
    g2_max = R.apply_downs(o, g1_max, plan.downs, cfg)
    cap = R.update_cap_bits(o, v["w_max"], cfg)
    right = R.update_final_shift(o, plan.shift, g2_max, cap)
    step = R.shift_signed(o, g2, right, bits, cfg)
    # One and two down steps of g1 and of its max: the terms the monotonicity facts name.
    d1, d1_max = R.step_down(o, g1, cfg), R.step_down(o, g1_max, cfg)
    d2, d2_max = R.step_down(o, d1, cfg), R.step_down(o, d1_max, cfg)
    return {"g1": g1, "g1_max": g1_max, "g2": g2, "g2_max": g2_max, "cap": cap, "step": step,
            "downs": plan.downs, "w_new": R.apply_update(o, v["w"], step, cfg),
            "d1": d1, "d1_max": d1_max, "d2": d2, "d2_max": d2_max}


def _aligned_facts(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Fact]:
    g1, g1m, d1, d1m, d2, d2m = (m.lift(out[k]) for k in ("g1", "g1_max", "d1", "d1_max", "d2", "d2_max"))
    return [
        monotone_fact(m, g1, g1m, d1, d1m, cfg, "down", "first down step"),
        monotone_fact(m, d1, d1m, d2, d2m, cfg, "down", "second down step"),
    ]


def _aligned_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    g, gmax = m.lift(v["g"]), m.lift(v["g_max"])
    g1, g1max, g2, g2max = (m.lift(out[k]) for k in ("g1", "g1_max", "g2", "g2_max"))
    cap, step = m.lift(out["cap"]), m.lift(out["step"])
    downs = m.lift(out["downs"])
    d1, d1m, d2, d2m = (m.lift(out[k]) for k in ("d1", "d1_max", "d2", "d2_max"))
    return [
        unsplit(f"|g1| <= g1_max <= 2**grad_pre_bits = {1 << cfg.grad_pre_bits}, equal magnitudes at |g| = g_max",
                m.and_(abs_le(m, g1, g1max), m.le(g1max, 1 << cfg.grad_pre_bits),
                       m.implies(m.eq(m.abs(g), gmax), m.eq(m.abs(g1), g1max)))),
        ("downs in {0, 1, 2}", m.within(downs, 0, 2)),
        ("apply_downs is downs fine down steps (of g1 and of g1_max)",
         m.and_(m.eq(g2, m.ite(m.eq(downs, 0), g1, m.ite(m.eq(downs, 1), d1, d2))),
                m.eq(g2max, m.ite(m.eq(downs, 0), g1max, m.ite(m.eq(downs, 1), d1m, d2m))))),
        ("|g2| <= g2_max, with equality at |g| = g_max (g2_max is the aligned tensor's max)",
         m.and_(abs_le(m, g2, g2max), m.implies(m.eq(m.abs(g), gmax), m.eq(m.abs(g2), g2max)))),
        unsplit(f"1 <= cap <= {cap_max(cfg)}", m.within(cap, 1, cap_max(cfg))),
        unsplit("|step| <= 2**cap (headroom: the step never exceeds the cap)", abs_le(m, step, m.shl(m.c(1), cap))),
        unsplit("|W'| <= qmax", abs_le(m, m.lift(out["w_new"]), m.c(cfg.qmax))),
    ]


UPDATE_ALIGNED = Theorem(
    name="update.aligned",
    statement=(
        "For any int32 gradient element |g| <= g_max <= acc_max, any weight |w| <= w_max <= qmax, "
        "any normal headers of G and W with S in int8 (and any uint32 hash when rounding is "
        "stochastic), the gradient-aligned update (update_pre_shift, rshift_round, rescale_plan, "
        "apply_downs, update_cap_bits, update_final_shift, shift_signed, apply_update) has no "
        "overflow on any branch; the pre-shifted gradient has at most grad_pre_bits bits, the "
        "aligned max g2_max bounds every element, the step is at most 2**cap with "
        "cap <= bitwidth(qmax) - margin, and W' = sat(W - step) is a payload."
    ),
    covers=(RULES + "update_pre_shift", RULES + "rescale_plan", RULES + "apply_downs",
            RULES + "update_cap_bits", RULES + "update_final_shift", RULES + "shift_signed",
            RULES + "apply_update", RULES + "rshift_round_wide", LAYERS + "update_weights"),
    guards=("tt_align", "tt_update_dense"),
    variables=_aligned_vars,
    premises=lambda m, v, cfg: [normal_premise(m, v, "g_h"), normal_premise(m, v, "w_h")],
    model=aligned_update_element,
    claims=_aligned_claims,
    facts=_aligned_facts,
    limits=lambda cfg: [
        Limit("GRAD_PRE_BITS", cfg.grad_pre_bits, "bits kept before the fine steps of the alignment"),
        Limit("UPDATE_MAX_ABS_STEP", 1 << cap_max(cfg), "largest |step| subtracted from a weight"),
    ],
)


# -- NITI update --------------------------------------------------------------------------------


def _niti_vars(cfg: NumericsConfig) -> list[Var]:
    return [Var("w", -cfg.qmax, cfg.qmax), *_grad_vars(cfg), *_bits_var(cfg)]


def niti_update_element(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    """layers.update_weights (niti) for one element; rules only."""
    shift = R.niti_shift(o, v["g_max"], cfg)
    step = R.shift_signed(o, v["g"], shift, v.get("bits"), cfg)
    return {"shift": shift, "step": step, "w_new": R.apply_update(o, v["w"], step, cfg)}


def _niti_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    return [
        (f"|step| <= 2**niti_mu = {1 << cfg.niti_mu}", abs_le(m, m.lift(out["step"]), m.c(1 << cfg.niti_mu))),
        ("|W'| <= qmax", abs_le(m, m.lift(out["w_new"]), m.c(cfg.qmax))),
    ]


UPDATE_NITI = Theorem(
    name="update.niti",
    statement=(
        "For any int32 gradient element |g| <= g_max <= acc_max, any payload weight and (when "
        "rounding is stochastic) any uint32 hash, the NITI update (niti_shift, shift_signed, "
        "apply_update) has no overflow on any branch, the step is at most 2**niti_mu and "
        "W' = sat(W - step) is a payload."
    ),
    covers=(RULES + "niti_shift", RULES + "shift_signed", RULES + "rshift_stochastic_wide",
            RULES + "apply_update", LAYERS + "update_weights"),
    guards=("tt_update_dense",),
    variables=_niti_vars,
    model=niti_update_element,
    claims=_niti_claims,
    limits=lambda cfg: [Limit("NITI_MAX_ABS_STEP", 1 << cfg.niti_mu, "largest |step| of the NITI update")],
)

THEOREMS = (UPDATE_ALIGNED, UPDATE_NITI)
