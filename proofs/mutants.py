"""Mutants: deliberately wrong rules (or widths) that a theorem must catch.

A mutant patches attributes of tintin.reference.rules for the duration of one proof (the
rules call each other through module globals, so a patched helper is what every rule
sees) or narrows the accumulator the proof runs with; reference/ itself is never edited.
Each mutant names the theorem and config that must then FAIL with a counterexample, which
is replayed through the exact oracle under the same patch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tintin.proofs import theorems as T
from tintin.proofs.configs import CONFIGS
from tintin.proofs.prover import TheoremResult, run_theorem
from tintin.reference import rules as R
from tintin.reference.config import FineStep, NumericsConfig


@contextlib.contextmanager
def patched(**replacements: Any) -> Iterator[None]:
    """Temporarily replace functions of tintin.reference.rules."""
    saved = {name: getattr(R, name) for name in replacements}
    try:
        for name, fn in replacements.items():
            setattr(R, name, fn)
        yield
    finally:
        for name, fn in saved.items():
            setattr(R, name, fn)


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    theorem: str
    config: str
    patch: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext
    ops_bits: int | None = None  # run the proof with a different accumulator width

    def run(self, timeout_s: float = 60.0) -> TheoremResult:
        cfg: NumericsConfig = CONFIGS[self.config]
        with self.patch():
            return run_theorem(T.get(self.theorem), cfg, timeout_s, ops_bits=self.ops_bits,
                               with_boundaries=False, mutant=self.name)


_low_mask = R.low_mask
_step_down = R.step_down
_window_plan = R.window_plan
_normalize = R.normalize


def _wide_mask(o: Any, s: Any) -> Any:
    """(a) carry with the wrong mask: 2**(s+1) - 1 also covers the half bit."""
    return _low_mask(o, o.add(s, 1))


def _requant_no_saturation(o: Any, x: Any, shift: Any, cfg: NumericsConfig) -> Any:
    """(b) requant_apply without the final saturation."""
    return R.rshift_round(o, x, shift)


def _overflowing_down(o: Any, x: Any, cfg: NumericsConfig) -> Any:
    """(d) a down step with an extra 2**-15 term: the multiplier grows to 16 bits."""
    return R.fine_mul(o, x, FineStep((*cfg.down_terms, 15)))


def _window_high_off(o: Any, max_abs: Any, cfg: NumericsConfig) -> Any:
    """(e) the window's high threshold taken as qmax: no down step ever."""
    return _window_plan(o, max_abs, cfg.replace(window_high=cfg.qmax))


def _normalize_no_cancel(o: Any, h: R.Header) -> R.Header:
    """(f) normalize without cancelling U/D pairs."""
    zero = o.const(0)
    folded = _normalize(o, R.Header(h.s, h.u, zero))
    folded_d = _normalize(o, R.Header(folded.s, zero, h.d))
    return R.Header(folded_d.s, folded.u, folded_d.d)


MUTANTS: tuple[Mutant, ...] = (
    Mutant("carry-mask-off-by-one", "rshift_round's sticky bit uses low_mask(s) instead of low_mask(s - 1)",
           "rounding.rshift_round", "tintin", lambda: patched(low_mask=_wide_mask)),
    Mutant("requant-no-saturation", "requant_apply without saturate", "requantise", "tintin",
           lambda: patched(requant_apply=_requant_no_saturation)),
    Mutant("accumulator-16-bit", "the fan-in proved for int32 run on an int16 accumulator",
           "accumulator.forward", "tintin", ops_bits=16),
    Mutant("fine-step-overflowing-term", "a down step with an extra 2**-15 term (multiplier 25985)",
           "update.aligned", "tintin", lambda: patched(step_down=_overflowing_down)),
    Mutant("window-high-off", "the window's high threshold replaced by qmax", "window", "tintin",
           lambda: patched(window_plan=_window_high_off)),
    Mutant("normalize-no-cancel", "normalize folds U and D but never cancels U/D pairs", "header.mul", "tintin",
           lambda: patched(normalize=_normalize_no_cancel)),
)


def get(name: str) -> Mutant:
    for m in MUTANTS:
        if m.name == name:
            return m
    raise KeyError(f"unknown mutant {name!r}; known: {', '.join(m.name for m in MUTANTS)}")
