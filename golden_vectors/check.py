"""Reproducibility check: regenerate into a temporary folder and demand identical bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tintin.interrupt import scratch_dir

from .generate import generate, select
from .loader import _first_different_line, loads_suite
from .model import GoldenFormatError, Suite
from .suite import SuiteDef

Status = Literal["same", "differs", "missing", "stale", "broken"]


@dataclass(frozen=True)
class FileStatus:
    file: str
    status: Status
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.status:8} {self.file}" + (f": {self.detail}" if self.detail else "")


def _first(ids: list[str]) -> str:
    return f"{len(ids)} (first: {ids[0]})"


def _suite_changes(old: Suite, new: Suite) -> list[str]:
    changes = [
        field
        for field in ("kernel", "description", "spec_version", "config", "generator")
        if getattr(old, field) != getattr(new, field)
    ]
    old_cases = {c.id: c for c in old.cases}
    new_cases = {c.id: c for c in new.cases}
    changed = [i for i in new_cases if i in old_cases and old_cases[i] != new_cases[i]]
    added = [i for i in new_cases if i not in old_cases]
    removed = [i for i in old_cases if i not in new_cases]
    if changed:
        changes.append(f"cases changed {_first(changed)}")
    if added:
        changes.append(f"cases added {_first(added)}")
    if removed:
        changes.append(f"cases removed {_first(removed)}")
    if not (changed or added or removed) and list(old_cases) != list(new_cases):
        changes.append("case order changed")
    return changes


def _load_problem(data: bytes, name: str) -> str | None:
    try:
        loads_suite(data, name, schema=False)
    except GoldenFormatError as exc:
        return exc.problem
    return None


def describe_difference(committed: bytes, regenerated: bytes, name: str) -> str:
    """One line saying how the committed file differs from a fresh one."""
    line = _first_different_line(committed, regenerated)
    try:
        old = loads_suite(committed, name, schema=False)
    except GoldenFormatError as exc:
        return f"committed file does not load ({exc.problem}); first difference at line {line}"
    changes = _suite_changes(old, loads_suite(regenerated, name, schema=False))
    if not changes:
        return f"same content, different bytes (hand-edited layout?) from line {line}"
    return "; ".join(changes) + f" (first difference at line {line})"


def check(
    registry: Mapping[str, SuiteDef],
    level: str,
    data_dir: str | Path,
    *,
    names: Iterable[str] | None = None,
    progress: bool | None = None,
    jobs: int = 1,
) -> list[FileStatus]:
    """Regenerate the selected suites and compare each with ``data_dir``'s file.

    With no ``names``, files in ``data_dir`` for this level without a registered suite are
    reported "stale": a committed golden that nothing regenerates is unchecked.
    """
    data = Path(data_dir)
    defs = select(registry, names)
    results = []
    with scratch_dir("tintin-golden-check-") as tmp:
        for fresh in generate(
            registry, level, tmp, names=[d.name for d in defs], progress=progress, jobs=jobs
        ):
            committed = data / fresh.name
            if not committed.is_file():
                results.append(FileStatus(fresh.name, "missing", "run `tintin golden generate`"))
                continue
            old, new = committed.read_bytes(), fresh.read_bytes()
            if old == new:
                results.append(FileStatus(fresh.name, "same"))
            elif (problem := _load_problem(old, str(committed))) is not None:
                results.append(FileStatus(fresh.name, "broken", f"does not load: {problem}"))
            else:
                detail = describe_difference(old, new, str(committed))
                results.append(FileStatus(fresh.name, "differs", detail))
    if names is None and data.is_dir():
        known = {f"{d.name}.{level}.json" for d in defs}
        for path in sorted(data.glob(f"*.{level}.json")):
            if path.name not in known:
                results.append(FileStatus(path.name, "stale", "no registered suite makes it"))
    return results
