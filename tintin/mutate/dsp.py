"""The DSP-only code paths of a C source: lines only a core with the DSP (or saturation)
extension compiles.

A line is DSP-only when an enclosing ``#if``/``#ifdef`` names one of DSP_MACROS and the line
sits in the branch taken when the feature is there: the ``#if`` branch of ``#if TT_USE_DSP`` or
``#if defined(__ARM_FEATURE_SAT)``, the ``#else`` branch of ``#if !TT_USE_DSP`` or ``#if
!(defined(__ARM_FEATURE_DSP) ...)``. The host compiles none of them (its object code does not
change when they are mutated), the M4 compiles all: `tintin mutate --target m4 --dsp-only`
scores exactly these (docs/mutation.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .population import Mutant

DSP_MACROS = ("TT_USE_DSP", "__ARM_FEATURE_DSP", "__ARM_FEATURE_SAT")
_DIRECTIVE = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$")


@dataclass
class _Branch:
    dsp: bool  # the #if names a DSP macro
    when_present: bool  # the current branch is the one taken when the feature is there


def _names_dsp(cond: str) -> bool:
    return any(re.search(rf"\b{m}\b", cond) for m in DSP_MACROS)


def dsp_lines(text: str) -> set[int]:
    """1-based numbers of the DSP-only lines of ``text`` (directive lines excluded)."""
    stack: list[_Branch] = []
    out: set[int] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        m = _DIRECTIVE.match(line)
        if m is None:
            if any(b.dsp and b.when_present for b in stack):
                out.add(number)
            continue
        kind, cond = m.group(1), m.group(2).split("/*")[0].strip()
        if kind in ("if", "ifdef", "ifndef"):
            negated = kind == "ifndef" or cond.startswith("!")
            stack.append(_Branch(_names_dsp(cond), not negated))
        elif kind == "elif" and stack:  # past the feature-present branch of a DSP #if, or not DSP at all
            stack[-1] = _Branch(stack[-1].dsp, False) if stack[-1].dsp else _Branch(_names_dsp(cond), True)
        elif kind == "else" and stack:
            stack[-1] = _Branch(stack[-1].dsp, not stack[-1].when_present)
        elif kind == "endif" and stack:
            stack.pop()
    return out


def dsp_only(root: Path, mutants: Sequence[Mutant]) -> list[Mutant]:
    """The mutants on DSP-only lines of their file (under ``root``), in their order."""
    lines: dict[str, set[int]] = {}
    for m in mutants:
        if m.file not in lines:
            lines[m.file] = dsp_lines((root / m.file).read_text(encoding="utf-8", errors="replace"))
    return [m for m in mutants if m.line in lines[m.file]]
