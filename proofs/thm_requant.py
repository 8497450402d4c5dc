"""Requantisation (spec 3.5) and the window rule (spec 3.6), elementwise with a symbolic max.

A tensor is modelled by one arbitrary element and the tensor's max |value| as separate
symbolic inputs (|element| <= max). Each theorem also proves which value the result
tensor's max takes (the rule applied to the max itself, by monotonicity and symmetry),
so theorems chain: the requantised max feeds the window theorem's premise.

The header arithmetic mirrors tintin.reference.layers.requantise / window exactly (the
element models are checked against those functions on random tensors in the tests).
"""

from __future__ import annotations

from typing import Any

from tintin.proofs.theorem import INT8_MAX, INT8_MIN, Boundary, Cond, Fact, Limit, Theorem, Var
from tintin.proofs.thm_common import (
    LAYERS,
    RULES,
    abs_le,
    elem_var,
    flag,
    header,
    header_vars,
    is_normal,
    max_var,
    normal_premise,
)
from tintin.proofs.thm_fine import monotone_fact
from tintin.proofs.trace import Recorder
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig
from tintin.reference.ops import PyOps
from tintin.reference.rules import Header

# -- requantisation -----------------------------------------------------------------------


def max_requant_shift(cfg: NumericsConfig) -> int:
    """bitwidth(acc_max) - (payload_bits - 1): the shift of the largest accumulator."""
    return (cfg.acc_bits - 1) - (cfg.payload_bits - 1)


def _rq_vars(cfg: NumericsConfig, s_hi_extra: int = 0) -> list[Var]:
    return [
        max_var("m", cfg.acc_max),
        elem_var("x", "m"),
        *header_vars("h", INT8_MIN, INT8_MAX - max_requant_shift(cfg) + s_hi_extra),
    ]


def requantise_element(o: Any, x: Any, m: Any, h: Header, cfg: NumericsConfig) -> tuple[Any, Any, Header]:
    """layers.requantise for one element x of a tensor with max |value| m.

    Returns (element, the result tensor's max, header). The max is the rule applied to m.
    """
    shift = R.requant_shift(o, m, cfg)
    return (
        R.requant_apply(o, x, shift, cfg),
        R.requant_apply(o, m, shift, cfg),
        Header(o.add(h.s, shift), h.u, h.d),
    )


def _rq_model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    h = header(v, "h")
    y, ymax, h2 = requantise_element(o, v["x"], v["m"], h, cfg)
    shift = R.requant_shift(o, v["m"], cfg)
    return {"y": y, "ymax": ymax, "h2": h2, "shift": shift, "raw": R.rshift_round(o, v["x"], shift)}


def _rq_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    x, mx = m.lift(v["x"]), m.lift(v["m"])
    y, ymax, shift, raw = (m.lift(out[k]) for k in ("y", "ymax", "shift", "raw"))
    h2: Header = out["h2"]
    q, half = cfg.qmax, 1 << (cfg.payload_bits - 2)
    return [
        (f"0 <= shift <= {max_requant_shift(cfg)}", m.within(shift, 0, max_requant_shift(cfg))),
        ("|y| <= ymax <= qmax", m.and_(abs_le(m, y, ymax), m.le(ymax, q))),
        ("|x| = m gives |y| = ymax (ymax is the result tensor's max)",
         m.implies(m.eq(m.abs(x), mx), m.eq(m.abs(y), ymax))),
        (f"m >= {half} keeps ymax >= {half} (full payload precision)", m.implies(m.ge(mx, half), m.ge(ymax, half))),
        ("m <= qmax: shift 0 and y = x (exact)", m.implies(m.le(mx, q), m.and_(m.eq(shift, 0), m.eq(y, x)))),
        ("before saturation |round(x / 2**shift)| <= qmax + 1", abs_le(m, raw, m.c(q + 1))),
        ("S' = S + shift stays in int8", m.within(m.lift(h2.s), INT8_MIN, INT8_MAX)),
        ("U, D unchanged (normal form kept)", m.and_(m.eq(m.lift(h2.u), m.lift(v["h.u"])),
                                                     m.eq(m.lift(h2.d), m.lift(v["h.d"])))),
    ]


REQUANTISE = Theorem(
    name="requantise",
    statement=(
        "For a tensor max m in [0, acc_max], any element |x| <= m and a normal header with "
        "S in [-128, 127 - MAX_SHIFT] (MAX_SHIFT = acc_bits - payload_bits): no overflow; "
        "0 <= shift <= MAX_SHIFT; the result is in [-qmax, qmax]; the result tensor's max is "
        "requant_apply(m) and keeps at least payload_bits-1 bits when m does; saturation clips "
        "at most one unit; S + shift stays in int8; U, D unchanged. Boundary: with "
        "S = 128 - MAX_SHIFT the header leaves int8 (MAX_SHIFT is reached)."
    ),
    covers=(RULES + "requant_shift", RULES + "requant_apply", RULES + "bitwidth", RULES + "saturate",
            LAYERS + "requantise"),
    guards=("tt_requantise", "tt_dense_forward", "tt_dense_backward_error"),
    variables=_rq_vars,
    premises=lambda m, v, cfg: [normal_premise(m, v, "h")],
    model=_rq_model,
    claims=_rq_claims,
    limits=lambda cfg: [
        Limit("REQUANT_MAX_SHIFT", max_requant_shift(cfg), "largest requantisation shift (S grows by at most this)",
              exact=True),
    ],
    boundaries=(
        Boundary("S one above the range", "S = 128 - MAX_SHIFT, m = acc_max: S + shift = 128",
                 variables=lambda cfg: _rq_vars(cfg, s_hi_extra=1)),
    ),
)


# -- window rule --------------------------------------------------------------------------


def max_window_left(cfg: NumericsConfig) -> int:
    """Most whole left shifts the window applies (to a tensor whose max is 1)."""
    if not cfg.window:
        return 0
    return int(R.window_plan(PyOps(cfg.acc_bits), 1, cfg).left)


def _win_vars(cfg: NumericsConfig) -> list[Var]:
    return [max_var("max_abs", cfg.qmax), elem_var("q", "max_abs")]


def window_element(o: Any, q: Any, max_abs: Any, h: Header, cfg: NumericsConfig) -> tuple[Any, Any, Header, Any]:
    """layers.window for one element: (element, result max, header, plan)."""
    plan = R.window_plan(o, max_abs, cfg)
    q2, h2 = R.window_apply(o, q, h, plan, cfg)
    m2, _ = R.window_apply(o, max_abs, h, plan, cfg)
    return q2, m2, h2, plan


def _win_model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    zero = o.const(0)
    h0 = Header(zero, zero, zero)  # the header is the subject of window.header
    plan = R.window_plan(o, v["max_abs"], cfg)
    out: dict[str, Any] = {}
    for key, x in (("q", v["q"]), ("m", v["max_abs"])):
        # window_apply's own intermediate values: after the shift, the up and the down step.
        rec = Recorder(o, "shl", "where", caller="window_apply")
        out[key + "_out"], _ = R.window_apply(rec, x, h0, plan, cfg)
        out[key + "1"] = rec.calls["shl"][0]
        out[key + "2"] = rec.calls["where"][0]
        out[key + "1_up"] = R.step_up(o, out[key + "1"], cfg)
        out[key + "2_down"] = R.step_down(o, out[key + "2"], cfg)
    return {**out, "q2": out["q_out"], "m2": out["m_out"]}


def _win_facts(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Fact]:
    q1, m1, q1u, m1u, q2, m2, q2d, m2d = (m.lift(out[k]) for k in (
        "q1", "m1", "q1_up", "m1_up", "q2", "m2", "q2_down", "m2_down"))
    return [
        monotone_fact(m, q1, m1, q1u, m1u, cfg, "up", "the up step after the left shifts"),
        monotone_fact(m, q2, m2, q2d, m2d, cfg, "down", "the down step"),
    ]


def _win_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    q, mx = m.lift(v["q"]), m.lift(v["max_abs"])
    q2, m2 = m.lift(out["q2"]), m.lift(out["m2"])
    lo, hi = cfg.window_low, cfg.window_high
    claims: list[Cond] = [
        ("|q'| <= max' <= qmax", m.and_(abs_le(m, q2, m2), m.le(m2, cfg.qmax))),
        ("|q| = max_abs gives |q'| = max' (max' is the new tensor max)",
         m.implies(m.eq(m.abs(q), mx), m.eq(m.abs(q2), m2))),
    ]
    if cfg.window:
        claims += [
            (f"max_abs > 0 lands max' in the window [{lo}, {hi}]",
             m.implies(m.gt(mx, 0), m.within(m2, lo, hi))),
            ("a tensor already in the window is unchanged",
             m.implies(m.within(mx, lo, hi), m.eq(q2, q))),
        ]
    else:
        claims.append(("window off: q unchanged", m.eq(q2, q)))
    return claims


WINDOW = Theorem(
    name="window",
    statement=(
        "For a payload tensor max max_abs in [0, qmax] and any element |q| <= max_abs: "
        "window_plan + window_apply have no overflow (both branches of every select), "
        "|q'| <= max' <= qmax where max' (the rule applied to max_abs) is the new tensor max, "
        "max' lies in [window_low, window_high] whenever max_abs > 0 (window on), and tensors "
        "already in the window are unchanged."
    ),
    covers=(RULES + "window_plan", RULES + "window_apply", RULES + "step_up", RULES + "step_down",
            LAYERS + "window"),
    guards=("tt_window", "tt_dense_forward", "tt_update_dense"),
    variables=_win_vars,
    model=_win_model,
    claims=_win_claims,
    facts=_win_facts,
)


# -- the window's header ----------------------------------------------------------------------


def _wh_vars(cfg: NumericsConfig, s_lo_extra: int = 0) -> list[Var]:
    return [
        max_var("max_abs", cfg.qmax),
        *header_vars("h", INT8_MIN + max_window_left(cfg) + 1 - s_lo_extra, INT8_MAX - 1),
    ]


def _wh_model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    h = header(v, "h")
    _, _, h2, plan = window_element(o, v["max_abs"], v["max_abs"], h, cfg)
    return {"h2": h2, "plan": plan, "thirds": R.header_thirds(o, h), "thirds2": R.header_thirds(o, h2)}


def _wh_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    h2: Header = out["h2"]
    plan = out["plan"]
    left = m.lift(plan.left)
    delta = m.sub(m.add(m.mul(left, -3), m.mul(flag(m, plan.right), 3)),
                  m.sub(flag(m, plan.up), flag(m, plan.down)))
    return [
        ("the header stays normal", is_normal(m, h2)),
        ("3S+D-U moves by -3*left - up + down + 3*right (the value is kept)",
         m.eq(m.lift(out["thirds2"]), m.add(m.lift(out["thirds"]), delta))),
        ("S' stays in int8", m.within(m.lift(h2.s), INT8_MIN, INT8_MAX)),
        (f"at most {max_window_left(cfg)} whole left shifts", m.within(left, 0, max_window_left(cfg))),
    ]


WINDOW_HEADER = Theorem(
    name="window.header",
    statement=(
        "For max_abs in [0, qmax] and a normal header with S in [-128 + MAX_LEFT + 1, 126] "
        "(MAX_LEFT = the most whole left shifts, reached at max_abs = 1): the window's header "
        "stays normal, 3S+D-U moves exactly with the applied steps (-3 per left shift, -1 per "
        "up step, +1 per down step, +3 per right shift), S stays in int8. Boundary: "
        "S = -128 + MAX_LEFT leaves int8 after the most left shifts and an up-step fold."
    ),
    covers=(RULES + "window_plan", RULES + "window_apply", RULES + "normalize", RULES + "header_thirds"),
    guards=("tt_window", "tt_normalize_header"),
    variables=_wh_vars,
    premises=lambda m, v, cfg: [normal_premise(m, v, "h")],
    model=_wh_model,
    claims=_wh_claims,
    spec_bits=lambda cfg: cfg.acc_bits,
    limits=lambda cfg: [Limit("WINDOW_MAX_LEFT", max_window_left(cfg), "most whole left shifts of one window step",
                              exact=True)],
    boundaries=lambda cfg: [
        Boundary("S one below the range", "S = -128 + MAX_LEFT with max_abs = 1 leaves int8",
                 variables=lambda cfg: _wh_vars(cfg, s_lo_extra=1)),
    ] if cfg.window else [],
)

THEOREMS = (REQUANTISE, WINDOW, WINDOW_HEADER)
