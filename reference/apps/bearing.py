"""Bearing-fault detection: an integer autoencoder trained on healthy vibration only.

Features (host side, float; on a device a fixed-point FFT and a count-leading-zeros log2
compute the same): the Hann-windowed magnitude spectrum of a window, its energy in
``BANDS`` equal-width frequency bands from 0 to Nyquist, log2 of each band energy, minus
the mean healthy log-spectrum of the training windows (one stored vector: the model has
no bias, so its inputs are centred), quantised to int8 with one power-of-two scale chosen
from the healthy training features and the input header 2^-6 (quantise.py).

Model: an MLP autoencoder with the MSE loss (e.g. 32-16-8-16-32), trained with the input
as its target. Anomaly score: the squared reconstruction error of the integer model's
output, dequantised, with each window run on its own (a batch of one, as on the device).
The per-epoch metric is the detection AUC on held-out healthy and faulty windows; the
final report gives it per fault type and severity, next to the score of a model that
outputs zeros (the distance from the healthy mean spectrum) as a reference.

Real data: ``--app-data FILE.npz`` with ``windows`` (float [N, L]), ``labels`` ([N], 0 healthy
and 1 fault) and ``sample_rate`` (Hz, a scalar). 70% of the healthy windows train, the rest
and every fault window test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from tintin.reference.apps import metrics
from tintin.reference.apps import vibration as V
from tintin.reference.apps.app import App, split_rows
from tintin.reference.apps.files import binary_labels, load_npz, require
from tintin.reference.apps.quantise import INPUT_HEADER, choose_shift, quantise
from tintin.reference.data import Dataset
from tintin.reference.model import MLP
from tintin.reference.modelfile import bundled_mlp
from tintin.reference.training import Evaluation

BANDS = 32
HIDDEN = bundled_mlp("bearing").sizes[1:-1]  # reference/models/bearing.toml (16, 8, 16)
REFERENCE = "reference: distance from healthy mean"


@dataclass(frozen=True)
class Plan:
    """How many synthetic windows of each kind; test faults at fixed severities per type."""

    train_healthy: int = 1500
    test_healthy: int = 400
    test_per_group: int = 100
    severities: tuple[float, ...] = (1.0, 2.0, 3.0, 4.0)
    kinds: tuple[str, ...] = ("outer", "inner")


def band_features(windows: np.ndarray, bands: int = BANDS) -> np.ndarray:
    """log2 energy per equal-width frequency band of each window's Hann-windowed spectrum."""
    spectrum = np.abs(np.fft.rfft(windows * np.hanning(windows.shape[1]), axis=1)) ** 2
    spectrum = spectrum[:, 1:]  # no DC: an accelerometer's offset says nothing about the bearing
    per_band = spectrum.shape[1] // bands
    energy = spectrum[:, : per_band * bands].reshape(len(windows), bands, per_band).sum(axis=2)
    return np.log2(energy + 1e-12)


def reconstruction_error(outputs: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """The anomaly score: sum of squared differences between reconstruction and input."""
    return np.sum((outputs - inputs) ** 2, axis=1)


@dataclass(frozen=True)
class BearingApp(App):
    plot_file: ClassVar[str] = "roc.png"
    groups: np.ndarray  # per test row: "healthy" or the fault group, e.g. "outer 2" or "fault"
    group_names: tuple[str, ...]  # fault groups in report order
    x_test_real: np.ndarray  # the real values of the quantised test inputs

    def _scores(self, outputs: np.ndarray) -> np.ndarray:
        return reconstruction_error(outputs, self.x_test_real)

    def report(self, outputs: dict[str, np.ndarray]) -> dict[str, Any]:
        fault = self.data.y_test == 1
        healthy = ~fault
        scores = {name: self._scores(out) for name, out in outputs.items()}
        scores[REFERENCE] = self._scores(np.zeros_like(self.x_test_real))
        result: dict[str, Any] = {"auc": {}, "auc_by_group": {}, "roc": {}}
        for name, s in scores.items():
            result["auc"][name] = metrics.auc(fault, s)
            result["auc_by_group"][name] = {
                g: metrics.auc(fault[healthy | (self.groups == g)], s[healthy | (self.groups == g)])
                for g in self.group_names}
            fpr, tpr = metrics.roc(fault, s)
            result["roc"][name] = {"fpr": np.round(fpr, 4).tolist(), "tpr": np.round(tpr, 4).tolist()}
        return result

    def references(self, report: dict[str, Any]) -> dict[str, float]:
        return {REFERENCE: report["auc"][REFERENCE]}

    def markdown(self, report: dict[str, Any]) -> list[str]:
        names = list(report["auc"])
        lines = ["Detection AUC (healthy test windows against each fault group):", "",
                 "| group | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
        for g in self.group_names:
            lines.append(f"| {g} | " + " | ".join(f"{report['auc_by_group'][n][g]:.3f}" for n in names) + " |")
        lines.append("| all faults | " + " | ".join(f"{report['auc'][n]:.3f}" for n in names) + " |")
        return lines

    def plot(self, report: dict[str, Any], path: Path, title: str) -> Path:
        from tintin.reference.plots import plot_roc_and_groups

        curves = {n: (np.asarray(r["fpr"]), np.asarray(r["tpr"]), report["auc"][n]) for n, r in report["roc"].items()}
        return plot_roc_and_groups(curves, report["auc_by_group"], list(self.group_names), path, title)


def _synthetic(seed: int, plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(train windows, test windows, test group per row, description)."""
    train = V.generate(plan.train_healthy, "healthy", 0.0, seed, stream=0).x
    parts = [V.generate(plan.test_healthy, "healthy", 0.0, seed, stream=1).x]
    groups = [np.full(plan.test_healthy, "healthy")]
    for kind in plan.kinds:
        for i, sev in enumerate(plan.severities):
            parts.append(V.generate(plan.test_per_group, kind, sev, seed, stream=2 + i).x)
            groups.append(np.full(plan.test_per_group, f"{kind} {sev:g}"))
    cfg = V.VibrationConfig()
    desc = (f"synthetic vibration (seed {seed}): {cfg.sample_rate / 1000:g} kHz, {cfg.window}-sample windows; "
            f"{plan.train_healthy} healthy training windows; test {plan.test_healthy} healthy + "
            f"{plan.test_per_group} per fault type ({', '.join(plan.kinds)}) and severity "
            f"{', '.join(f'{s:g}' for s in plan.severities)}")
    return train, np.concatenate(parts), np.concatenate(groups), desc


def load_windows(path: Path) -> tuple[np.ndarray, np.ndarray, float]:
    """(windows, labels, sample rate) from a user's .npz file, checked."""
    arrays = load_npz(path, ("windows", "labels", "sample_rate"))
    w = arrays["windows"]
    require(w.ndim == 2, path, f"'windows' must be 2-D [N, L] (one window per row), got shape {w.shape}")
    require(np.issubdtype(w.dtype, np.floating) or np.issubdtype(w.dtype, np.integer), path,
            f"'windows' must be real numbers, got dtype {w.dtype}")
    require(w.shape[1] >= 2 * BANDS, path, f"windows of {w.shape[1]} samples are too short for {BANDS} "
            f"frequency bands (need at least {2 * BANDS})")
    require(bool(np.all(np.isfinite(w))), path, "'windows' holds NaN or infinite values")
    labels = binary_labels(arrays["labels"], len(w), "labels", path)
    rate = arrays["sample_rate"]
    require(rate.size == 1 and np.issubdtype(rate.dtype, np.number) and float(rate.reshape(-1)[0]) > 0, path,
            f"'sample_rate' must be one positive number (Hz), got {rate!r}")
    require(int(np.sum(labels == 0)) >= 20, path, f"need at least 20 healthy windows (label 0), got "
            f"{int(np.sum(labels == 0))}")
    require(int(np.sum(labels == 1)) >= 1, path, "need at least one fault window (label 1) to measure detection")
    return w.astype(np.float64), labels, float(rate.reshape(-1)[0])


def _from_file(path: Path, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    windows, labels, rate = load_windows(path)
    healthy = np.flatnonzero(labels == 0)
    tr, te = split_rows(len(healthy), 0.3, seed, stream=0)
    test = np.concatenate([healthy[te], np.flatnonzero(labels == 1)])
    groups = np.where(labels[test] == 1, "fault", "healthy")
    band_hz = rate / 2 / BANDS
    desc = (f"{path}: {len(windows)} windows of {windows.shape[1]} samples at {rate:g} Hz ({band_hz:g} Hz bands); "
            f"{len(tr)} healthy training windows; test {len(te)} healthy + {int(np.sum(labels == 1))} fault")
    return windows[healthy[tr]], windows[test], groups, desc


def prepare(seed: int = 0, path: Path | None = None, hidden: tuple[int, ...] = HIDDEN,
            plan: Plan | None = None) -> BearingApp:
    """The bearing application on synthetic data for ``seed`` (sizes from ``plan``), or on the
    user's file."""
    if path is not None:
        train_w, test_w, groups, desc = _from_file(path, seed)
    else:
        train_w, test_w, groups, desc = _synthetic(seed, plan or Plan())
    f_train, f_test = band_features(train_w), band_features(test_w)
    healthy_mean = f_train.mean(axis=0)
    shift = choose_shift(f_train - healthy_mean)
    x_train, x_test = quantise(f_train - healthy_mean, shift), quantise(f_test - healthy_mean, shift)
    y_test = (groups != "healthy").astype(np.int32)
    data = Dataset("bearing", x_train, np.zeros(len(x_train), np.int32), x_test, y_test, INPUT_HEADER, 2)
    x_test_real = data.real(x_test)
    evaluation = Evaluation("AUC", lambda out: metrics.auc(y_test == 1, reconstruction_error(out, x_test_real)))
    names = tuple(dict.fromkeys(g for g in groups if g != "healthy"))
    return BearingApp("bearing", desc, data, MLP((BANDS, *hidden, BANDS), loss="mse"), evaluation,
                      groups, names, x_test_real)
