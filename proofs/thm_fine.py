"""Fine steps (spec 3.3): shift-add form = multiply form on the exact domain, error bound.

Exact domain: the multiply form forms x * M, so it is safe exactly for
|x| <= floor(acc_max / M) (M is odd, so the negative side gives the same bound); the
shift-add form's partial sums are same-signed parts of x * M, so its domain is the same.
Each theorem proves the domain and shows x = domain + 1 overflows (boundary).

Error bound: y = round(x * M / 2**k) satisfies |y - x*c| <= 1/2 + |x| * delta for
c in {lo, hi}, rationals that bracket the nominal factor (r = 2**(1/3) for up, 1/r for
down) within 10**-12, and delta = max(|M/2**k - lo|, |M/2**k - hi|) >= |M/2**k - nominal|.
c -> |y - x*c| is convex, so the bound holds at the nominal factor too.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import z3

from tintin.proofs.nominal import error_slope, nominal
from tintin.proofs.theorem import Boundary, Cond, Fact, Lemma, Limit, Theorem, Var
from tintin.proofs.thm_common import RULES, abs_le
from tintin.reference import rules as R
from tintin.reference.config import FineStep, NumericsConfig


def _step(cfg: NumericsConfig, direction: str) -> FineStep:
    return cfg.up if direction == "up" else cfg.down


def domain(cfg: NumericsConfig, direction: str) -> int:
    """Largest |x| whose multiply form x * M fits the accumulator."""
    return cfg.acc_max // _step(cfg, direction).multiplier


def required(cfg: NumericsConfig, direction: str) -> int:
    """What the rules need: payloads (window) and, for down steps, 2**grad_pre_bits (update)."""
    return cfg.qmax if direction == "up" else max(cfg.qmax, 1 << cfg.grad_pre_bits)


def error_bound(cfg: NumericsConfig, direction: str) -> Fraction:
    """delta in |step(x) - x * nominal| <= 1/2 + |x| * delta."""
    st = _step(cfg, direction)
    return error_slope(Fraction(st.multiplier, 1 << st.shift), direction)


def _vars(cfg: NumericsConfig, direction: str) -> list[Var]:
    d = domain(cfg, direction)
    return [Var("x", -d, d)]


def _model(direction: str) -> Any:
    def model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
        st = _step(cfg, direction)
        step = R.step_up if direction == "up" else R.step_down
        return {
            "mul": step(o, v["x"], cfg),
            "shift_add": R.fine_shift_add(o, v["x"], st),
            # x * M as the rule forms it (same term); exact wherever its obligation holds.
            "product": o.mul(v["x"], st.multiplier),
        }

    return model


def _claims(direction: str) -> Any:
    def claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
        k = _step(cfg, direction).shift
        y, prod = m.lift(out["mul"]), m.lift(out["product"])
        err2 = m.mul(m.sub(m.shl(y, m.c(k)), prod), 2)  # 2 * (y * 2**k - x * M)
        return [
            ("shift-add form = multiply form", m.eq(m.lift(out["shift_add"]), y)),
            (f"|y * 2**{k} - x * M| <= 2**{k} / 2 (one rounding, to nearest)", abs_le(m, err2, m.c(1 << k))),
            ("ties away from zero", m.and_(m.implies(m.eq(err2, 1 << k), m.gt(prod, 0)),
                                           m.implies(m.eq(err2, -(1 << k)), m.lt(prod, 0)))),
        ]

    return claims


def rounding_relation(x: Any, y: Any, k: int, mult: int) -> Any:
    """y = round(x * mult / 2**k), ties away from zero, as linear integer constraints."""
    e = 2 * (y * (1 << k) - x * mult)
    return z3.And(e <= (1 << k), e >= -(1 << k), z3.Implies(e == (1 << k), x > 0), z3.Implies(e == -(1 << k), x < 0))


MONOTONE = "monotone and odd: |x1| <= x2 <= D gives |y1| <= y2, with equality when |x1| = x2"


def monotone_lemma(k: int, mult: int, d: int) -> Lemma:
    """The rounding claim makes the step monotone and odd (used by the update theorem)."""
    x1, x2, y1, y2 = z3.Ints("x1 x2 y1 y2")
    ax1, ay1 = z3.If(x1 < 0, -x1, x1), z3.If(y1 < 0, -y1, y1)
    grow = y2 <= x2 if mult < (1 << k) else y2 >= x2
    return Lemma(
        f"{MONOTONE}; 0 <= y2 and y2 {'<=' if mult < (1 << k) else '>='} x2 (from the rounding claim, D = {d})",
        (ax1 <= x2, x2 <= d, rounding_relation(x1, y1, k, mult), rounding_relation(x2, y2, k, mult)),
        z3.And(ay1 <= y2, z3.Implies(ax1 == x2, ay1 == y2), y2 >= 0, grow),
    )


def _lemmas(direction: str) -> Any:
    """The rounding claim implies the error bound against both brackets (linear arithmetic)."""

    def lemmas(cfg: NumericsConfig) -> list[Lemma]:
        st = _step(cfg, direction)
        k, mult, d = st.shift, st.multiplier, domain(cfg, direction)
        delta = error_bound(cfg, direction)
        x, y = z3.Ints("x y")
        ax = z3.If(x < 0, -x, x)
        premises = (x >= -d, x <= d, rounding_relation(x, y, k, mult))
        bound = z3.Q(1, 2) + z3.ToReal(ax) * z3.Q(delta.numerator, delta.denominator)
        out = []
        for c in nominal(direction):
            err = z3.ToReal(y) - z3.ToReal(x) * z3.Q(c.numerator, c.denominator)
            out.append(Lemma(
                f"|y - x * {c}| <= 1/2 + |x| * {delta} (from the rounding claim, |x| <= {d})",
                premises,
                z3.And(err <= bound, -err <= bound),
            ))
        # And against the irrational factor itself: the real r > 0 with r**3 = 2 (or 1/2).
        r = z3.Real("r")
        cube = z3.Q(2, 1) if direction == "up" else z3.Q(1, 2)
        err = z3.ToReal(y) - z3.ToReal(x) * r
        out.append(Lemma(
            f"|y - x * {'2**(1/3)' if direction == 'up' else '2**(-1/3)'}| <= 1/2 + |x| * {delta} "
            f"(~ 1/2 + |x| * {float(delta):.4e}; nonlinear real arithmetic with r > 0, r**3 = "
            f"{'2' if direction == 'up' else '1/2'})",
            (*premises, r > 0, r * r * r == cube),
            z3.And(err <= bound, -err <= bound),
        ))
        out.append(monotone_lemma(k, mult, d))
        return out

    return lemmas


_NEEDS = {"up": "qmax (the window steps payloads)",
          "down": "max(qmax, 2**grad_pre_bits) (the update steps aligned gradients)"}
_STEPPED = {"up": "payloads", "down": "payloads and aligned gradients"}


def _theorem(direction: str) -> Theorem:
    sym = "r = 2**(1/3)" if direction == "up" else "1/r = 2**(-1/3)"
    name = "step_up" if direction == "up" else "step_down"
    return Theorem(
        name=f"fine_step.{direction}",
        statement=(
            f"For every |x| <= D (D = floor(acc_max / M), the exact domain; x = D + 1 overflows) "
            f"the {direction} step has no overflow in either form, the shift-add form equals "
            f"the multiply form round(x * M / 2**k) (one rounding, ties away from zero), and "
            f"|{name}(x) - x * {sym}| <= 1/2 + |x| * delta with the rational delta reported "
            f"(delta bounds |M/2**k - nominal|; proved against both rational brackets of the "
            f"nominal factor and against the real root itself). The step is also monotone and odd "
            f"(a lemma the window and update theorems use). "
            f"Required: D >= {_NEEDS[direction]}."
        ),
        covers=(RULES + name, RULES + "fine_mul", RULES + "fine_shift_add", RULES + "rshift_round"),
        guards=("tt_fine_step",),
        variables=lambda cfg: _vars(cfg, direction),
        model=_model(direction),
        claims=_claims(direction),
        lemmas=_lemmas(direction),
        limits=lambda cfg: [
            Limit(f"FINE_{direction.upper()}_MAX_ABS_IN", domain(cfg, direction),
                  f"largest |x| the {direction} step accepts (multiplier {_step(cfg, direction).multiplier})",
                  exact=True),
        ],
        boundaries=(
            Boundary(
                "domain + 1",
                "x = D + 1 overflows the multiply form",
                variables=lambda cfg: [Var("x", domain(cfg, direction) + 1, domain(cfg, direction) + 1)],
            ),
        ),
        spec_bits=lambda cfg: cfg.acc_bits + 20,
        requirement=lambda cfg: (domain(cfg, direction), required(cfg, direction),
                                 f"|x| the rules step ({_STEPPED[direction]})"),
    )


FINE_UP = _theorem("up")
FINE_DOWN = _theorem("down")

THEOREMS = (FINE_UP, FINE_DOWN)


def monotone_fact(m: Any, x: Any, xm: Any, y: Any, ym: Any, cfg: NumericsConfig, direction: str, what: str) -> Fact:
    """This step's monotone lemma at (x, x_max) -> (y, y_max) = (step(x), step(x_max))."""
    d = domain(cfg, direction)
    grows = m.ge(ym, xm) if direction == "up" else m.le(ym, xm)
    return Fact(
        f"{what}: |x| <= x_max <= {d} gives |step_{direction}(x)| <= step_{direction}(x_max), with "
        f"equal magnitudes when |x| = x_max, and step_{direction}(x_max) {'>=' if direction == 'up' else '<='} x_max",
        f"fine_step.{direction}",
        m.and_(abs_le(m, x, xm), m.le(xm, d)),
        m.and_(abs_le(m, y, ym), m.implies(m.eq(m.abs(x), xm), m.eq(m.abs(y), ym)), m.ge(ym, 0), grows),
    )
