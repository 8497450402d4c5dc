"""Progress bars only on a terminal or when asked; and a quiet, warning-free bootstrap."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tintin import progress

ROOT = Path(__file__).resolve().parents[2]


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(("flag", "env", "tty", "want"), [
    (None, None, True, True), (None, None, False, False), (None, "1", False, True), (None, "0", True, False),
    (False, "1", True, False), (True, "0", False, True),
])
def test_wanted(flag: bool | None, env: str | None, tty: bool, want: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Stream(tty))
    if env is None:
        monkeypatch.delenv("TINTIN_PROGRESS", raising=False)
    else:
        monkeypatch.setenv("TINTIN_PROGRESS", env)
    assert progress.wanted(flag) is want


def _generate(tmp_path: Path, env: dict[str, str]) -> str:
    run = subprocess.run([sys.executable, "-m", "tintin", "golden", "generate", "--suite", "relu_backward",
                          "--out", str(tmp_path)], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    return run.stderr


def test_no_bar_in_a_redirected_log_unless_asked(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TINTIN_PROGRESS"}
    assert "relu_backward [ci]" not in _generate(tmp_path, env)
    assert "relu_backward [ci]" in _generate(tmp_path, {**env, "TINTIN_PROGRESS": "1"})


def test_license_is_an_spdx_string() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert isinstance(project["license"], str) and project["license"] == "Apache-2.0"


@pytest.mark.slow
def test_bootstrap_is_quiet_when_installed() -> None:
    """A run on an installed checkout prints nothing (a reinstall, after pyproject.toml
    changed, prints its one line; pip's own output goes to a log shown on failure only)."""
    run = subprocess.run(["bash", "scripts/bootstrap.sh"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    lines = [ln for ln in (run.stdout + run.stderr).splitlines() if ln.strip()]
    assert lines in ([], ["bootstrap: installing Python packages into .venv (first run takes a minute or two)"]), lines
