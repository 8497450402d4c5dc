"""Section (d): wall time of generating the CI goldens and of running every proof.

Each is the real command (``python -m tintin ...``) in a fresh process, writing into a
temporary folder, so the time includes start-up and imports as a user sees them. The proofs
are every theorem on every width config plus the mutants; ``--expected-ok`` makes the
command succeed when exactly the expected theorems fail (the narrow-width configs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tintin.interrupt import scratch_dir

QUICK_SUITES = ("rshift_round", "relu_forward")


def _run(argv: list[str], timeout_s: float, tmp: str) -> dict[str, Any]:
    """Run ``tintin argv`` (``<tmp>`` in argv stands for the folder ``tmp``); the result names the
    folder ``<tmp>`` too, so it does not depend on where the temporary folder was."""
    command = [sys.executable, "-m", "tintin", *(tmp if a == "<tmp>" else a for a in argv)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return {"command": "tintin " + " ".join(argv), "seconds": round(time.perf_counter() - start, 1),
                "status": None, "ok": False, "detail": f"timed out after {timeout_s:.0f} s"}
    seconds = time.perf_counter() - start
    tail = (proc.stdout + proc.stderr).replace(tmp, "<tmp>").strip().splitlines()[-3:]
    return {"command": "tintin " + " ".join(argv), "seconds": round(seconds, 1), "status": proc.returncode,
            "ok": proc.returncode == 0, "detail": " | ".join(tail)}


def time_goldens(quick: bool, timeout_s: float = 3600.0) -> dict[str, Any]:
    """``tintin golden generate --level ci`` into a temporary folder (two small suites with --quick)."""
    with scratch_dir("tintin-bench-golden-") as tmp:
        argv = ["golden", "generate", "--level", "ci", "--out", "<tmp>", "--no-progress"]
        if quick:
            argv += ["--suite", *QUICK_SUITES]
        result = _run(argv, timeout_s, str(tmp))
        files = sorted(Path(tmp).glob("*.json"))
        scope = "two suites (--quick)" if quick else "all suites"
        result.update(command="tintin " + " ".join(argv), files=len(files),
                      bytes=sum(f.stat().st_size for f in files), scope=scope)
    return result


def time_proofs(quick: bool, timeout_s: float = 3600.0) -> dict[str, Any]:
    """``tintin prove --config all --mutants --expected-ok`` into a temporary folder (not with --quick)."""
    argv = ["prove", "--config", "all", "--mutants", "--expected-ok", "--out", "<tmp>"]
    if quick:
        return {"command": "tintin " + " ".join(argv), "seconds": None, "status": None, "ok": False,
                "detail": "not run with --quick (the full run measures it)"}
    with scratch_dir("tintin-bench-proofs-") as tmp:
        result = _run(argv, timeout_s, str(tmp))
        report = Path(tmp) / "proofs.json"
        if result["ok"] and report.is_file():
            result["detail"] = proof_summary(json.loads(report.read_text(encoding="utf-8")))
        return result


def proof_summary(report: dict[str, Any]) -> str:
    """One line from a proofs.json: how many runs proved, failed as the width configs expect, or
    failed unexpectedly, and how many mutants were refuted."""
    runs = report["results"]
    proved = sum(r["result"] == "proved" for r in runs)
    expected = sum(r["result"] != "proved" and r["expected_failure"] for r in runs)
    unexpected = len(runs) - proved - expected
    refuted = sum(m["result"] != "proved" for m in report["mutants"])
    return (f"{len(runs)} theorem runs on {len(report['configs'])} configs: {proved} proved, {expected} failed as "
            f"expected (narrow widths), {unexpected} failed unexpectedly; {refuted} of {len(report['mutants'])} "
            "mutants refuted")
