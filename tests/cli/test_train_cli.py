"""`tintin train` end to end on a short run, and its error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tintin.cli import main


def test_train_writes_results_plot_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "train"
    status = main(["train", "--epochs", "2", "--hidden", "16", "--no-progress", "--out", str(out)])
    assert status == 0
    result = json.loads((out / "results.json").read_text())
    assert set(result["final_test_acc"]) == {"tintin", "niti", "float32"}
    assert all(len(r["test_acc"]) == 2 for r in result["runs"])
    png = (out / "curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "| tintin |" in (out / "summary.md").read_text()
    assert "| tintin |" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--policy", "tintin,bogus"], "--policy"),
        (["--hidden", "16,x"], "--hidden"),
        (["--hidden", "0"], "--hidden"),
        (["--epochs", "0"], "--epochs"),
        (["--batch", "100000"], "--batch"),
    ],
)
def test_train_bad_arguments_exit_2_with_message(argv: list[str], message: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--no-progress", "--out", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "error" in err
