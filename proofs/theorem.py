"""What a theorem is: symbolic inputs with premises, a model built from the rules, claims.

A theorem is stated once and interpreted twice, like the rules themselves:

* ``model(o, v, cfg)`` composes functions of tintin.reference.rules over an ops object ``o``
  (Z3Ops for the proof, PyOps to replay a counterexample). It must not re-implement a rule.
* ``premises(m, v, cfg)`` and ``claims(m, v, out, cfg)`` are written against a spec-math
  object ``m`` (ZMath for the proof, PyMath for replay), returning ``(text, condition)``.

Proved means: premises (variable ranges plus the extra premises) imply every obligation
Z3Ops collected while building the model, every claim, and the spec's own no-wrap
conditions. ``Boundary`` variants must FAIL: they show that a proved limit is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tintin.reference.config import NumericsConfig

# (human-readable statement, condition in the math interpretation); claims may add a third
# element False to be proved without the case split (see Var.split).
Cond = tuple[str, Any]
Bound = int | Callable[[Any, dict[str, Any]], Any]

# Header exponent ranges used as premises (documented in every theorem that uses them).
INT8_MIN, INT8_MAX = -128, 127


@dataclass(frozen=True)
class Var:
    """A symbolic input.

    kind: ``int`` (signed accumulator-width value fed to the rules), ``u32`` (a uint32 such
    as the rounding hash), ``bool``, or ``ghost`` (a spec-only integer, e.g. a term count).
    lo/hi: ints, or functions ``(m, v) -> value`` of earlier variables (dependent ranges).
    split: the prover enumerates the values (constant lo/hi, a few values only) and proves
    each case separately, which lets the simplifier decide identities such as 3S + D - U.
    text: how the premise reads in the report when the bounds are not plain numbers.
    """

    name: str
    lo: Bound | None = None
    hi: Bound | None = None
    kind: str = "int"
    text: str = ""
    split: bool = False  # prove case by case over this (small, constant) range
    pick: Callable[[dict[str, Any]], int] | None = None  # how random testing draws it, if not uniform

    def describe(self) -> str:
        if self.text:
            return self.text
        if self.kind == "bool":
            return f"{self.name} any boolean"
        if self.kind == "u32" and self.lo is None and self.hi is None:
            return f"{self.name} any uint32"
        lo = self.lo if isinstance(self.lo, int) else "?"
        hi = self.hi if isinstance(self.hi, int) else "?"
        return f"{self.name} in [{lo}, {hi}]"


@dataclass(frozen=True)
class Boundary:
    """A variant of the theorem that must yield a counterexample (a limit is exact).

    ``variables`` replaces the theorem's variables and ``premises`` its extra premises (for
    instance, to ask that the counterexample is a concrete reachable vector).
    """

    name: str
    doc: str
    variables: Callable[[NumericsConfig], list[Var]] | None = None
    premises: Callable[[Any, dict[str, Any], NumericsConfig], list[Cond]] | None = None


def _no_premises(m: Any, v: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    return []


@dataclass(frozen=True)
class Lemma:
    """A pure mathematical step proved by Z3 in any theory (e.g. linear arithmetic).

    Used where a claim about the rule's output (proved over bit-vectors) implies a further
    statement that bit-vectors handle badly, such as a bound with irrational-bracketing
    rationals. Proved means: premises imply claim; the premises must be satisfiable.
    """

    text: str
    premises: tuple[Any, ...]
    claim: Any


@dataclass(frozen=True)
class Fact:
    """A lemma of another theorem, instantiated at values of this theorem's model.

    ``requires`` (the lemma's premise at this instance) is proved here; ``gives`` (its
    conclusion at this instance) is then assumed for later facts and for the claims. The
    result depends on theorem ``by`` being proved for the same config (the runner checks).
    """

    text: str
    by: str
    requires: Any
    gives: Any


def unsplit(text: str, cond: Any) -> tuple[str, Any, bool]:
    """A claim proved in one query rather than case by case over the split variables."""
    return (text, cond, False)


def general(text: str, cond: Any, *terms: Any) -> tuple[str, Any, bool, tuple[Any, ...]]:
    """A claim proved for ANY values of the given model terms (fresh variables replace them).

    For an inductive step ``range(prev) => relation(prev, next) and range(next)``: the
    solver then sees one step, not the whole unrolled loop. Sound: what holds for every
    value holds for the one the rule computed. Such a claim assumes no earlier claim.
    """
    return (text, cond, True, terms)


@dataclass(frozen=True)
class Limit:
    """A proved number exported to the report and the C header."""

    macro: str  # suffix of the C macro, e.g. "MAX_FAN_IN"
    value: int
    doc: str
    exact: bool = False  # True: a boundary shows the next value fails; False: a proved bound


@dataclass(frozen=True)
class Theorem:
    name: str
    statement: str  # what is proved, in words, with the premises (rendered in the report)
    covers: tuple[str, ...]  # reference functions, e.g. "tintin.reference.rules.rshift_round"
    guards: tuple[str, ...]  # C functions whose legal input ranges this theorem backs
    variables: Callable[[NumericsConfig], list[Var]]
    model: Callable[[Any, dict[str, Any], NumericsConfig], dict[str, Any]]
    claims: Callable[[Any, dict[str, Any], dict[str, Any], NumericsConfig], list[Cond]]
    premises: Callable[[Any, dict[str, Any], NumericsConfig], list[Cond]] = _no_premises
    limits: Callable[[NumericsConfig], list[Limit]] = field(default=lambda cfg: [])
    boundaries: Sequence[Boundary] | Callable[[NumericsConfig], Sequence[Boundary]] = ()
    spec_bits: Callable[[NumericsConfig], int] = field(default=lambda cfg: 2 * cfg.acc_bits + 8)
    applies: Callable[[NumericsConfig], str | None] = field(default=lambda cfg: None)
    lemmas: Callable[[NumericsConfig], list[Lemma]] = field(default=lambda cfg: [])
    # (proved limit, required size, what): the theorem FAILS when the exact limit is below
    # what the project needs; the boundary counterexample is then a real failing input.
    requirement: Callable[[NumericsConfig], tuple[int, int, str] | None] = field(default=lambda cfg: None)
    # Counterexample inputs as a golden case's inputs (tensor name -> int); default: as is.
    to_case: Callable[[dict[str, Any], NumericsConfig], dict[str, int]] | None = None
    facts: Callable[[Any, dict[str, Any], dict[str, Any], NumericsConfig], list[Fact]] = field(
        default=lambda m, v, out, cfg: []
    )
    # applies(cfg) returns a reason when the theorem does not apply to cfg, else None.


def boundaries_of(th: Theorem, cfg: NumericsConfig) -> Sequence[Boundary]:
    return th.boundaries(cfg) if callable(th.boundaries) else th.boundaries
