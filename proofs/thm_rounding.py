"""Theorems about the rounding helpers (spec 3.1, 3.2): no overflow and exactness."""

from __future__ import annotations

from typing import Any

from tintin.proofs.theorem import Boundary, Cond, Theorem, Var
from tintin.proofs.thm_common import RULES, abs_le
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig


def _nearest_claims(m: Any, x: Any, y: Any, s: Any) -> list[Cond]:
    """y = x / 2**s rounded to nearest, ties away from zero (x, y, s spec values, 0 <= s)."""
    p = m.pow2(s)
    err2 = m.mul(m.sub(m.shl(y, s), x), 2)  # 2 * (y * 2**s - x)
    return [
        ("s = 0 returns x unchanged", m.implies(m.eq(s, 0), m.eq(y, x))),
        ("|y * 2**s - x| <= 2**s / 2 (nearest)", abs_le(m, err2, p)),
        ("a tie rounds away from zero: y * 2**s - x = 2**(s-1) only for x > 0",
         m.implies(m.and_(m.ge(s, 1), m.eq(err2, p)), m.gt(x, 0))),
        ("a tie rounds away from zero: y * 2**s - x = -2**(s-1) only for x < 0",
         m.implies(m.and_(m.ge(s, 1), m.eq(err2, m.neg(p))), m.lt(x, 0))),
    ]


# -- rshift_round -------------------------------------------------------------------------


def _rr_vars(cfg: NumericsConfig) -> list[Var]:
    n = cfg.acc_bits
    return [Var("x", -(1 << (n - 1)), (1 << (n - 1)) - 1), Var("s", 0, n - 1)]


RSHIFT_ROUND = Theorem(
    name="rounding.rshift_round",
    statement=(
        "For every accumulator value x (including the most negative one) and every shift "
        "s in [0, acc_bits-1], rshift_round(x, s) has no overflow and no out-of-range shift, "
        "and equals x / 2**s rounded to nearest with ties away from zero: "
        "2|y*2**s - x| <= 2**s, and a tie goes to the larger magnitude."
    ),
    covers=(RULES + "rshift_round", RULES + "low_mask", RULES + "maximum"),
    guards=("tt_rshift_round",),
    variables=_rr_vars,
    model=lambda o, v, cfg: {"y": R.rshift_round(o, v["x"], v["s"])},
    claims=lambda m, v, out, cfg: _nearest_claims(m, m.lift(v["x"]), m.lift(out["y"]), m.lift(v["s"])),
)


# -- rshift_round_wide --------------------------------------------------------------------


def _rrw_vars(cfg: NumericsConfig, x_lo: int | None = None) -> list[Var]:
    amax = cfg.acc_max
    return [Var("x", -amax if x_lo is None else x_lo, amax), Var("s", 0, amax)]


def _rrw_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    n = cfg.acc_bits
    x, y, s = m.lift(v["x"]), m.lift(out["y"]), m.lift(v["s"])
    small = m.le(s, n - 1)
    # For s >= acc_bits the exact result is 0 because 2|x| < 2**acc_bits <= 2**s.
    wide = [
        ("s >= acc_bits gives 0", m.implies(m.not_(small), m.eq(y, 0))),
        ("s >= acc_bits: 0 is the nearest value (2|x| < 2**acc_bits)",
         m.implies(m.not_(small), abs_le(m, m.mul(x, 2), m.c((1 << n) - 1)))),
    ]
    s_clamped = m.ite(small, s, m.c(0))  # keeps pow2 in range; only used where small holds
    near = [(t, m.implies(small, c)) for t, c in _nearest_claims(m, x, y, s_clamped)]
    return near + wide


RSHIFT_ROUND_WIDE = Theorem(
    name="rounding.rshift_round_wide",
    statement=(
        "For |x| <= acc_max and any shift s in [0, acc_max], rshift_round_wide(x, s) has no "
        "overflow; for s <= acc_bits-1 it is x / 2**s rounded to nearest, ties away from zero, "
        "and for larger s it is 0, which is then the exact rounding. Boundary: the premise "
        "|x| <= acc_max is needed (x = -2**(acc_bits-1), s = acc_bits rounds to -1, not 0)."
    ),
    covers=(RULES + "rshift_round_wide", RULES + "minimum"),
    guards=("tt_rshift_round",),
    variables=_rrw_vars,
    model=lambda o, v, cfg: {"y": R.rshift_round_wide(o, v["x"], v["s"])},
    claims=_rrw_claims,
    boundaries=(
        Boundary(
            "x = int_min",
            "with x = -2**(acc_bits-1) allowed, s = acc_bits breaks exactness",
            variables=lambda cfg: _rrw_vars(cfg, x_lo=-(1 << (cfg.acc_bits - 1))),
        ),
    ),
)


# -- rshift_stochastic --------------------------------------------------------------------


def _rs_vars(cfg: NumericsConfig) -> list[Var]:
    n = cfg.acc_bits
    return [
        Var("x", -(1 << (n - 1)), (1 << (n - 1)) - 1),
        Var("s", 0, n - 1),
        Var("bits", kind="u32"),
        # t: the top s bits of the hash, characterised by a premise (a spec-only value).
        Var("t", 0, (1 << (n - 1)) - 1, kind="ghost", text="t = bits >> (32 - s) (t = 0 when s = 0)",
            pick=lambda v: int(v["bits"]) >> (32 - int(v["s"]))),
    ]


def _rs_premises(m: Any, v: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    s, bits, t = m.lift(v["s"]), m.ulift(v["bits"]), v["t"]
    k = m.sub(m.c(32), s)
    return [
        ("t = floor(bits / 2**(32 - s))",
         m.and_(m.le(m.shl(t, k), bits), m.lt(bits, m.shl(m.add(t, 1), k)))),
    ]


def _rs_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    x, y, s, t = m.lift(v["x"]), m.lift(out["y"]), m.lift(v["s"]), v["t"]
    p = m.pow2(s)
    yp, ym1p = m.shl(y, s), m.shl(m.sub(y, 1), s)  # y * 2**s, (y - 1) * 2**s
    down = m.and_(m.le(yp, x), m.lt(x, m.add(yp, p)), m.le(m.sub(x, yp), t))
    up = m.and_(m.le(ym1p, x), m.lt(x, yp), m.gt(m.sub(x, ym1p), t))
    return [
        ("y = floor(x / 2**s) + [ (x mod 2**s) > t ], t = the top s bits of the hash "
         "(so P(round up) = (x mod 2**s) / 2**s: unbiased)", m.or_(down, up)),
    ]


RSHIFT_STOCHASTIC = Theorem(
    name="rounding.rshift_stochastic",
    statement=(
        "For every accumulator value x, shift s in [0, acc_bits-1] and uint32 hash bits, "
        "rshift_stochastic(x, s, bits) has no overflow (including the u32 -> int conversion of "
        "the threshold) and equals floor(x / 2**s) + 1 exactly when the discarded part "
        "x mod 2**s exceeds t, the top s bits of the hash; for a uniform hash this rounds up "
        "with probability (x mod 2**s) / 2**s, i.e. it is unbiased."
    ),
    covers=(RULES + "rshift_stochastic", RULES + "rshift_stochastic_wide", RULES + "low_mask"),
    guards=("tt_rshift_round", "tt_update_dense"),
    variables=_rs_vars,
    premises=_rs_premises,
    model=lambda o, v, cfg: {"y": R.rshift_stochastic(o, v["x"], v["s"], v["bits"])},
    claims=_rs_claims,
    spec_bits=lambda cfg: 2 * cfg.acc_bits + 40,
)


# -- saturate -----------------------------------------------------------------------------


def _sat_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    x, y, q = m.lift(v["x"]), m.lift(out["y"]), cfg.qmax
    return [
        ("|y| <= qmax", abs_le(m, y, m.c(q))),
        ("y = x when |x| <= qmax", m.implies(abs_le(m, x, m.c(q)), m.eq(y, x))),
        ("y = qmax when x > qmax", m.implies(m.gt(x, q), m.eq(y, q))),
        ("y = -qmax when x < -qmax", m.implies(m.lt(x, -q), m.eq(y, -q))),
    ]


SATURATE = Theorem(
    name="rounding.saturate",
    statement=(
        "For every accumulator value x, saturate(x, qmax) is the clamp of x to the symmetric "
        "payload range [-qmax, qmax] (so -2**(payload_bits-1) is never produced)."
    ),
    covers=(RULES + "saturate",),
    guards=("tt_requantise",),
    variables=lambda cfg: [Var("x")],
    model=lambda o, v, cfg: {"y": R.saturate(o, v["x"], cfg.qmax)},
    claims=_sat_claims,
)

THEOREMS = (RSHIFT_ROUND, RSHIFT_ROUND_WIDE, RSHIFT_STOCHASTIC, SATURATE)
