"""The mutation report: the score line, a per-file table, the survivors with their diffs, as
Markdown and JSON (each written to a temporary name and renamed into place)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .fingerprint import fingerprint
from .library import SourceTree
from .runner import EQUIVALENT, KILLED, NO_BUILD, SURVIVED, MutantResult

STATUSES = (KILLED, SURVIVED, NO_BUILD, EQUIVALENT)


@dataclass
class MutateReport:
    tree: SourceTree
    targets: Sequence[str]
    suites: Sequence[str] | None
    seed: int
    sample: int | None
    population: int
    results: list[MutantResult]
    wall_s: float
    baseline_s: float
    command: str = ""
    counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.counts = {s: sum(1 for r in self.results if r.status == s) for s in STATUSES}

    @property
    def score(self) -> float | None:
        """Killed over killed plus survived, in percent; None when nothing could be scored."""
        scored = self.counts[KILLED] + self.counts[SURVIVED]
        return 100.0 * self.counts[KILLED] / scored if scored else None

    def score_line(self) -> str:
        k, scored = self.counts[KILLED], self.counts[KILLED] + self.counts[SURVIVED]
        score = "n/a" if self.score is None else f"{self.score:.1f}%"
        return f"mutation score {score} (killed {k} of {scored}; {self.counts[NO_BUILD]} did not build)"

    def per_file(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for r in self.results:
            row = table.setdefault(r.mutant.file, dict.fromkeys(STATUSES, 0))
            row[r.status] += 1
        return dict(sorted(table.items()))

    @property
    def survivors(self) -> list[MutantResult]:
        return [r for r in self.results if r.status == SURVIVED]


def _pct(row: Mapping[str, int]) -> str:
    scored = row[KILLED] + row[SURVIVED]
    return f"{100.0 * row[KILLED] / scored:.1f}%" if scored else "n/a"


def file_table(report: MutateReport) -> str:
    lines = ["| file | mutants | killed | survived | did not build | equivalent | score |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for f, row in report.per_file().items():
        lines.append(f"| {f} | {sum(row.values())} | {row[KILLED]} | {row[SURVIVED]} | {row[NO_BUILD]} | "
                     f"{row[EQUIVALENT]} | {_pct(row)} |")
    return "\n".join(lines)


def survivor_lines(report: MutateReport) -> list[str]:
    """One line per survivor: where, which mutation, its id (for the equivalents file)."""
    return [f"{report.tree.root / r.mutant.file}:{r.mutant.line}:{r.mutant.col}: {r.mutant.describe} [{r.mutant.id}]"
            for r in report.survivors]


def markdown(report: MutateReport) -> str:
    what = "the user's kernels" if report.tree.user else "the reference kernels"
    sample = "every mutant" if report.sample is None else f"a sample of {report.sample} (seed {report.seed})"
    out = [
        "# Mutation testing of the C kernels against the goldens",
        "",
        f"Mutants of {what} in `{report.tree.root}`: {sample} of a population of {report.population}, "
        f"on {', '.join(report.targets)}; suites: {', '.join(report.suites) if report.suites else 'all'}.",
        f"Wall time {report.wall_s:.1f} s (the unmutated baseline {report.baseline_s:.1f} s).",
        "",
        f"**{report.score_line()}**; {report.counts[EQUIVALENT]} equivalent (not scored).",
        "",
    ]
    if report.command:
        out += [f"Command: `{report.command}`", ""]
    out += ["## Per file", "", file_table(report), "", "## Survivors", ""]
    if not report.survivors:
        out += ["None.", ""]
    for r in report.survivors:
        m = r.mutant
        out += [f"### {m.file}:{m.line}:{m.col} {m.describe}", "", f"id `{m.id}`", "", "```diff",
                m.diff(report.tree.text(m.file)).rstrip(), "```", ""]
    out += ["## Every mutant", "", "| id | file:line:col | mutation | status | detail | s |",
            "| --- | --- | --- | --- | --- | ---: |"]
    for r in report.results:
        m = r.mutant
        detail = r.detail.replace("|", "\\|").replace("\n", " ")[:160]
        mutation = m.describe.replace("|", "\\|")
        out.append(f"| {m.id} | {m.file}:{m.line}:{m.col} | {mutation} | {r.status} | {detail} | {r.seconds:.1f} |")
    return "\n".join(out) + "\n"


def as_json(report: MutateReport) -> dict[str, Any]:
    return {
        "format": "tintin-mutate",
        "format_version": 1,
        "source": str(report.tree.root),
        "fingerprint": fingerprint(report.tree.root),
        "user_kernels": report.tree.user,
        "targets": list(report.targets),
        "suites": list(report.suites) if report.suites else None,
        "seed": report.seed,
        "sample": report.sample,
        "population": report.population,
        "counts": report.counts,
        "score": report.score,
        "score_line": report.score_line(),
        "wall_s": round(report.wall_s, 3),
        "baseline_s": round(report.baseline_s, 3),
        "command": report.command,
        "per_file": report.per_file(),
        "mutants": [
            {"id": r.mutant.id, "file": r.mutant.file, "line": r.mutant.line, "col": r.mutant.col,
             "operator": r.mutant.operator, "original": r.mutant.original, "replacement": r.mutant.replacement,
             "status": r.status, "detail": r.detail, "seconds": round(r.seconds, 3),
             **({"diff": r.mutant.diff(report.tree.text(r.mutant.file))} if r.status == SURVIVED else {})}
            for r in report.results
        ],
    }


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_reports(report: MutateReport, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out / "mutate.md", "json": out / "mutate.json"}
    _write_atomic(paths["markdown"], markdown(report))
    _write_atomic(paths["json"], json.dumps(as_json(report), indent=2) + "\n")
    return paths
