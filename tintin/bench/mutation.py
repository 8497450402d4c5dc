"""The mutation scores BENCHMARKS.md states, read from committed `tintin mutate` reports.

A whole-population mutation run takes far longer than a benchmark run (about 40 minutes on the
host), so `tintin bench` never runs one: it reads the reports committed under docs/results/
(one folder per run, written by ``tintin mutate --out docs/results/mutation-<name>``, holding
mutate.json and mutate.md) and copies their score, counts, wall time and command line into
benchmarks.json. docs/mutation.md gives the commands that refresh them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def results_dir() -> Path:
    """docs/results of the checkout this package runs from, else of the current folder."""
    root = Path(__file__).resolve().parent.parent.parent
    return (root if (root / "pyproject.toml").is_file() else Path.cwd()) / "docs" / "results"

PREFIX = "mutation-"
# The two runs BENCHMARKS.md expects (docs/mutation.md); shown as missing when not committed.
EXPECTED = {
    "mutation-host": "tintin mutate --jobs 2 --timeout 20 --out docs/results/mutation-host",
    "mutation-m4-dsp": "tintin mutate --target m4 --dsp-only --jobs 2 --timeout 30 --out docs/results/mutation-m4-dsp",
}


def _summary(name: str, report: dict[str, Any]) -> dict[str, Any]:
    counts = report["counts"]
    return {
        "name": name,
        "report": f"docs/results/{name}/mutate.md",
        "command": report.get("command") or "",
        "targets": report["targets"],
        "sample": report.get("sample"),
        "population": report["population"],
        "mutants": len(report["mutants"]),
        "counts": counts,
        "score": report["score"],
        "score_line": report["score_line"],
        "wall_s": report["wall_s"],
        # Reports of the reference kernels only: is the score still that of this checkout?
        "current": None if report.get("user_kernels") else report.get("fingerprint") == _reference_fingerprint(),
    }


def _reference_fingerprint() -> str:
    from tintin.kernels.driver.program_sources import SRC_DIR
    from tintin.mutate.fingerprint import fingerprint

    return fingerprint(SRC_DIR)


def summaries(root: Path | None = None) -> dict[str, Any]:
    """Every committed mutation report under root (default results_dir(); by folder name), and
    the expected ones missing."""
    root = root if root is not None else results_dir()
    runs = []
    for path in sorted(root.glob(f"{PREFIX}*/mutate.json")) if root.is_dir() else []:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            runs.append(_summary(path.parent.name, report))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            runs.append({"name": path.parent.name, "error": f"{type(exc).__name__}: {exc}"})
    found = {r["name"] for r in runs}
    missing = [{"name": name, "command": command} for name, command in EXPECTED.items() if name not in found]
    return {"runs": runs, "missing": missing}
