"""The lint of `make lint` runs with the tests, so CI fails when the code drifts from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# the packages `make lint` type-checks (Makefile)
TYPED = ("tintin", "reference", "proofs", "golden_vectors", "c_kernels")


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *argv], cwd=REPO, capture_output=True, text=True, timeout=600,
                          check=False)


def test_ruff_finds_nothing() -> None:
    proc = _run("ruff", "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_finds_nothing() -> None:
    proc = _run("mypy", *TYPED)
    assert proc.returncode == 0, proc.stdout + proc.stderr
