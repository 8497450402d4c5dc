"""`tintin train` end to end on a short run, and its error messages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tintin.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


def test_train_writes_results_plot_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "train"
    status = main(["train", "--epochs", "2", "--hidden", "16", "--no-progress", "--out", str(out)])
    assert status == 0
    result = json.loads((out / "results.json").read_text())
    assert result["metric"] == "accuracy"
    assert set(result["final_metric"]) == {"tintin", "niti", "float32"}
    assert all(len(r["test_metric"]) == 2 and len(r["train_acc"]) == 2 for r in result["runs"])
    png = (out / "curves.png").read_bytes()
    assert png[:8] == PNG and len(png) > 10_000
    assert "| tintin |" in (out / "summary.md").read_text()
    assert "| tintin |" in capsys.readouterr().out


def _small_bearing_file(path: Path) -> Path:
    from tintin.reference.apps import vibration

    cfg = vibration.VibrationConfig(window=256)
    healthy = vibration.generate(60, "healthy", 0.0, seed=0, cfg=cfg).x
    faulty = vibration.generate(20, "inner", 3.0, seed=0, cfg=cfg).x
    np.savez(path, windows=np.concatenate([healthy, faulty]), labels=np.r_[np.zeros(60), np.ones(20)],
             sample_rate=cfg.sample_rate)
    return path


def _small_spectrum_file(path: Path) -> Path:
    from tintin.reference.apps import baseband

    present = np.repeat([0, 1], 60)
    snr = np.tile([-10.0, 0.0], 60)
    w = baseband.generate(present, snr, seed=0, cfg=baseband.BasebandConfig(window=64))
    np.savez(path, iq=w.iq, present=w.present, snr_db=snr)
    return path


@pytest.mark.parametrize(("app", "make", "metric", "plot"), [
    ("bearing", _small_bearing_file, "AUC", "roc.png"),
    ("spectrum", _small_spectrum_file, "Pd at Pfa=0.2", "pd_vs_snr.png"),
])
def test_train_app_on_a_data_file_writes_its_outputs(app: str, make: object, metric: str, plot: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = make(tmp_path / f"{app}.npz")  # type: ignore[operator]
    out = tmp_path / app
    extra = ["--pfa", "0.2"] if app == "spectrum" else []
    status = main(["train", "--app", app, "--app-data", str(data), "--epochs", "2", "--batch", "8", "--no-progress",
                   "--out", str(out), *extra])
    assert status == 0
    result = json.loads((out / "results.json").read_text())
    assert result["app"] == app and result["metric"] == metric and str(data) in result["data"]
    assert set(result["final_metric"]) == {"tintin", "niti", "float32"}
    assert all(len(r["test_metric"]) == 2 for r in result["runs"])
    assert all(0.0 <= v <= 1.0 for v in result["final_metric"].values())
    for name in ("curves.png", plot):
        assert (out / name).read_bytes()[:8] == PNG
    summary = (out / "summary.md").read_text()
    assert f"final {metric}" in summary and "| tintin |" in summary
    assert f"final {metric}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--policy", "tintin,bogus"], "--policy"),
        (["--hidden", "16,x"], "--hidden"),
        (["--hidden", "0"], "--hidden"),
        (["--epochs", "0"], "--epochs"),
        (["--batch", "100000"], "--batch"),
        (["--app-data", "x.npz"], "--app-data goes with --app"),
        (["--pfa", "0.1"], "--pfa goes with --app"),
        (["--app", "bearing", "--pfa", "0.1"], "--pfa goes with --app spectrum"),
        (["--app", "spectrum", "--pfa", "1.5"], "--pfa must be in (0, 1)"),
        (["--app", "bearing", "--model", "lenet5"], "--model cannot be combined with --app"),
        (["--app", "bearing", "--app-data", "missing.npz"], "missing.npz: no such file"),
    ],
)
def test_train_bad_arguments_exit_2_with_message(argv: list[str], message: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--no-progress", "--out", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "error" in err
