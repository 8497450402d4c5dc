"""The registry of theorems: every overflow and exactness proof of the integer rules.

Each theorem (tintin.proofs.theorem.Theorem) names the reference functions it covers and
the C functions it guards, states its premises, and is proved by running the unchanged
rules of tintin.reference.rules under Z3Ops. The modules group them by subject:

    thm_rounding     rshift_round, rshift_round_wide, rshift_stochastic, saturate
    thm_fine         fine steps: exact domain, shift-add = multiply, error vs 2**(1/3)
    thm_requant      requantisation, the window rule and the window's header
    thm_header       header normal form: normalize, header_mul, rescale_plan
    thm_update       gradient-aligned update and the NITI update (headroom)
    thm_accumulator  exact largest fan-in / fan-out / batch of the dot products
    thm_softmax      integer softmax: exponent and table, row sum, division, error element
    thm_mse          the MSE error path
"""

from __future__ import annotations

from tintin.proofs import (
    thm_accumulator,
    thm_fine,
    thm_header,
    thm_mse,
    thm_requant,
    thm_rounding,
    thm_softmax,
    thm_update,
)
from tintin.proofs.theorem import Theorem

THEOREMS: tuple[Theorem, ...] = (
    *thm_rounding.THEOREMS,
    *thm_fine.THEOREMS,
    *thm_requant.THEOREMS,
    *thm_header.THEOREMS,
    *thm_update.THEOREMS,
    *thm_accumulator.THEOREMS,
    *thm_softmax.THEOREMS,
    *thm_mse.THEOREMS,
)

_BY_NAME = {th.name: th for th in THEOREMS}
if len(_BY_NAME) != len(THEOREMS):
    raise RuntimeError("two theorems share a name")


def names() -> list[str]:
    return [th.name for th in THEOREMS]


def get(name: str) -> Theorem:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown theorem {name!r}; known: {', '.join(names())}") from None


def select(pattern: str | None) -> list[Theorem]:
    """All theorems, one by exact name, or every theorem whose name starts with ``pattern.``."""
    if not pattern:
        return list(THEOREMS)
    if pattern in _BY_NAME:
        return [_BY_NAME[pattern]]
    chosen = [th for th in THEOREMS if th.name.startswith(pattern + ".")]
    if not chosen:
        raise KeyError(f"no theorem matches {pattern!r}; known: {', '.join(names())}")
    return chosen
