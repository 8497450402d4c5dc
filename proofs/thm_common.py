"""Building blocks shared by the theorem modules: payload ranges, headers, magnitudes."""

from __future__ import annotations

from typing import Any

from tintin.proofs.theorem import INT8_MAX, INT8_MIN, Cond, Var
from tintin.reference.config import NumericsConfig
from tintin.reference.rules import Header

RULES = "tintin.reference.rules."
LAYERS = "tintin.reference.layers."


def payload_var(name: str, cfg: NumericsConfig) -> Var:
    return Var(name, -cfg.qmax, cfg.qmax)


def max_var(name: str, limit: int) -> Var:
    """A tensor's max |value|, in [0, limit]."""
    return Var(name, 0, limit)


def elem_var(name: str, max_name: str) -> Var:
    """One element of the tensor whose max |value| is ``max_name``: |x| <= max."""
    return Var(
        name,
        lambda m, v: m.neg(m.lift(v[max_name])),
        lambda m, v: m.lift(v[max_name]),
        text=f"|{name}| <= {max_name}",
    )


def header_vars(prefix: str, s_lo: int = INT8_MIN, s_hi: int = INT8_MAX) -> list[Var]:
    """A header in normal form: S in [s_lo, s_hi], U and D in {0, 1, 2} (normality is a premise)."""
    return [Var(f"{prefix}.s", s_lo, s_hi), Var(f"{prefix}.u", 0, 2, split=True), Var(f"{prefix}.d", 0, 2, split=True)]


def header(v: dict[str, Any], prefix: str) -> Header:
    return Header(v[f"{prefix}.s"], v[f"{prefix}.u"], v[f"{prefix}.d"])


def normal_premise(m: Any, v: dict[str, Any], prefix: str) -> Cond:
    return (
        f"{prefix} normal: at most one of {prefix}.u, {prefix}.d non-zero",
        m.or_(m.eq(m.lift(v[f"{prefix}.u"]), 0), m.eq(m.lift(v[f"{prefix}.d"]), 0)),
    )


def is_normal(m: Any, h: Header) -> Any:
    """U, D in {0, 1, 2} and at most one of them non-zero."""
    u, d = m.lift(h.u), m.lift(h.d)
    return m.and_(m.within(u, 0, 2), m.within(d, 0, 2), m.or_(m.eq(u, 0), m.eq(d, 0)))


def abs_le(m: Any, x: Any, bound: Any) -> Any:
    """|x| <= bound for spec values."""
    return m.and_(m.le(m.neg(bound), x), m.le(x, bound))


def flag(m: Any, c: Any) -> Any:
    """A condition as 0/1 (spec value)."""
    return m.ite(c, m.c(1), m.c(0))
