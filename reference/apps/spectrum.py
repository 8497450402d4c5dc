"""Spectrum sensing: is a signal present in a complex-baseband window? An integer classifier.

Features (host side, float; on a device a fixed-point FFT computes the same): the
periodogram ``|FFT(iq)|^2 / L`` of the window (zero-padded to a multiple of ``BINS``),
centred on DC and summed over adjacent bins into ``BINS`` values, quantised to int8 with
one power-of-two scale chosen from the noise-only training windows and the input header
2^-6 (quantise.py).

Model: an MLP with two softmax outputs (absent, present). Detector score: the logit
difference ``z_present - z_absent`` of the integer model's output, dequantised, each window
run on its own (a batch of one, as on the device). The metric is the detection probability
at a fixed false-alarm rate (``pfa``, 0.1 by default): the threshold is the (1 - pfa)
quantile of the scores of the noise-only test windows, and Pd is the share of
signal-present test windows above it, overall (the per-epoch metric) and per SNR bucket
(the final report). The classical energy detector ``sum |x|^2`` at the same false-alarm
rate is the reference curve.

Real data: ``--app-data FILE.npz`` with ``iq`` (complex [N, L]), ``present`` ([N], 0/1) and
``snr_db`` ([N]; read only where a signal is present). A seeded 70/30 split trains and tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from tintin.reference.apps import baseband as B
from tintin.reference.apps import metrics
from tintin.reference.apps.app import App, split_rows
from tintin.reference.apps.files import binary_labels, load_npz, require
from tintin.reference.apps.quantise import INPUT_HEADER, choose_shift, quantise
from tintin.reference.data import Dataset
from tintin.reference.model import MLP
from tintin.reference.modelfile import bundled_mlp
from tintin.reference.training import Evaluation

BINS = 64
HIDDEN = bundled_mlp("spectrum").sizes[1:-1]  # reference/models/spectrum.toml (32,)
PFA = 0.1
ENERGY = "energy detector"


@dataclass(frozen=True)
class Plan:
    """How many synthetic windows: training SNRs uniform in ``snr_range``, test SNRs on a grid."""

    train_windows: int = 4000  # half noise-only, half with a signal
    test_noise: int = 4000
    test_per_snr: int = 400
    snr_range: tuple[float, float] = (-20.0, 5.0)
    snr_grid: tuple[float, ...] = tuple(np.arange(-20.0, 5.01, 2.5).tolist())


def periodogram_features(iq: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Periodogram power in ``bins`` equal frequency slices, most negative frequency first."""
    n_fft = -(-iq.shape[1] // bins) * bins
    power = np.abs(np.fft.fftshift(np.fft.fft(iq, n=n_fft, axis=1), axes=1)) ** 2 / iq.shape[1]
    return power.reshape(len(iq), bins, n_fft // bins).sum(axis=2)


def with_bias_input(payloads: np.ndarray) -> np.ndarray:
    """Append a constant input of 1.0 (payload 64 at header 2^-6).

    The integer model has no bias, so without it the logit difference would be positively
    homogeneous in the input (f(a x) = a f(x)): it could judge the periodogram's shape but
    not its level against the known noise floor, which is what an energy detector does.
    """
    ones = np.full((len(payloads), 1), 64, dtype=np.int8)
    return np.concatenate([payloads, ones], axis=1)


def energy(iq: np.ndarray) -> np.ndarray:
    """The energy detector's statistic: the window's total energy."""
    return np.sum(np.abs(iq) ** 2, axis=1)


def logit_difference(outputs: np.ndarray) -> np.ndarray:
    return outputs[:, 1] - outputs[:, 0]


def snr_buckets(snr_db: np.ndarray) -> np.ndarray:
    """Each window's SNR bucket: the value itself if there are at most 16 distinct values,
    else the nearest multiple of 2.5 dB."""
    finite = snr_db[np.isfinite(snr_db)]
    if len(np.unique(finite)) <= 16:
        return snr_db.astype(float)
    return np.round(snr_db / 2.5) * 2.5


@dataclass(frozen=True)
class SpectrumApp(App):
    plot_file: ClassVar[str] = "pd_vs_snr.png"
    pfa: float
    snr_bucket: np.ndarray  # per test row; NaN where no signal is present
    energy_test: np.ndarray  # the energy detector's statistic per test row

    @property
    def buckets(self) -> np.ndarray:
        return np.unique(self.snr_bucket[np.isfinite(self.snr_bucket)])

    def report(self, outputs: dict[str, np.ndarray]) -> dict[str, Any]:
        present = self.data.y_test
        scores = {name: logit_difference(out) for name, out in outputs.items()}
        scores[ENERGY] = self.energy_test
        result: dict[str, Any] = {"pfa": self.pfa, "snr_db": self.buckets.tolist(), "pd": {}, "pd_by_snr": {},
                                  "realised_pfa": {}, "accuracy": {}}
        for name, s in scores.items():
            thr = metrics.threshold_at_pfa(s[present == 0], self.pfa)
            result["pd"][name] = metrics.pd_at_pfa(present, s, self.pfa)
            result["pd_by_snr"][name] = metrics.pd_by_group(present, s, self.snr_bucket, self.buckets,
                                                            self.pfa).tolist()
            result["realised_pfa"][name] = float(np.mean(s[present == 0] > thr))
        for name, out in outputs.items():
            result["accuracy"][name] = float(np.mean(np.argmax(out, axis=1) == present))
        return result

    def references(self, report: dict[str, Any]) -> dict[str, float]:
        return {ENERGY: report["pd"][ENERGY]}

    def markdown(self, report: dict[str, Any]) -> list[str]:
        names = list(report["pd"])
        lines = [f"Detection probability at Pfa = {self.pfa:g} per SNR bucket (threshold from the noise-only "
                 "test windows):", "", "| SNR (dB) | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
        for i, snr in enumerate(report["snr_db"]):
            lines.append(f"| {snr:g} | " + " | ".join(f"{report['pd_by_snr'][n][i]:.3f}" for n in names) + " |")
        lines.append("| all | " + " | ".join(f"{report['pd'][n]:.3f}" for n in names) + " |")
        lines.append("| realised Pfa | " + " | ".join(f"{report['realised_pfa'][n]:.3f}" for n in names) + " |")
        return lines

    def plot(self, report: dict[str, Any], path: Path, title: str) -> Path:
        from tintin.reference.plots import plot_pd_vs_snr

        curves = {n: np.asarray(v) for n, v in report["pd_by_snr"].items()}
        return plot_pd_vs_snr(np.asarray(report["snr_db"]), curves, self.pfa, path, title)


def _synthetic(seed: int, plan: Plan) -> tuple[B.Windows, B.Windows, str]:
    n = plan.train_windows
    flags = np.array([0, 1], dtype=np.int32)
    present = np.repeat(flags, [n - n // 2, n // 2])
    train = B.generate(present, B.draw_snr(n, plan.snr_range, seed, stream=0), seed, stream=0)
    test_present = np.repeat(flags, [plan.test_noise, plan.test_per_snr * len(plan.snr_grid)])
    test_snr = np.concatenate([np.full(plan.test_noise, np.nan), np.repeat(plan.snr_grid, plan.test_per_snr)])
    test = B.generate(test_present, test_snr, seed, stream=1)
    cfg = B.BasebandConfig()
    low, high = plan.snr_range
    desc = (f"synthetic complex baseband (seed {seed}): {cfg.window}-sample windows, QPSK at "
            f"{cfg.samples_per_symbol} samples/symbol, random carrier offset and phase, unit noise power; "
            f"{n} training windows (half with a signal, SNR uniform in {low:g}..{high:g} dB); test "
            f"{plan.test_noise} noise-only + {plan.test_per_snr} at each of {len(plan.snr_grid)} SNRs from "
            f"{min(plan.snr_grid):g} to {max(plan.snr_grid):g} dB")
    return train, test, desc


def load_windows(path: Path) -> B.Windows:
    """(iq, present, snr_db) from a user's .npz file, checked."""
    arrays = load_npz(path, ("iq", "present", "snr_db"))
    iq = arrays["iq"]
    require(iq.ndim == 2, path, f"'iq' must be 2-D [N, L] (one window per row), got shape {iq.shape}")
    require(np.iscomplexobj(iq), path, f"'iq' must be complex (I + jQ), got dtype {iq.dtype}")
    require(iq.shape[1] >= 8, path, f"windows of {iq.shape[1]} samples are too short (need at least 8)")
    require(bool(np.all(np.isfinite(iq))), path, "'iq' holds NaN or infinite values")
    present = binary_labels(arrays["present"], len(iq), "present", path)
    snr = arrays["snr_db"]
    require(snr.shape == (len(iq),), path, f"'snr_db' must have shape ({len(iq)},) to match 'iq', got {snr.shape}")
    require(np.issubdtype(snr.dtype, np.number), path, f"'snr_db' must be numeric, got dtype {snr.dtype}")
    snr = snr.astype(float)
    require(bool(np.all(np.isfinite(snr[present == 1]))), path, "'snr_db' must be finite where a signal is present")
    for flag, what in ((0, "noise-only (present 0)"), (1, "signal-present (present 1)")):
        count = int(np.sum(present == flag))
        require(count >= 20, path, f"need at least 20 {what} windows, got {count}")
    return B.Windows(iq.astype(np.complex128), present, np.where(present == 1, snr, np.nan))


def _from_file(path: Path, seed: int) -> tuple[B.Windows, B.Windows, str]:
    w = load_windows(path)
    tr, te = split_rows(len(w.iq), 0.3, seed, stream=0)
    pick = lambda rows: B.Windows(w.iq[rows], w.present[rows], w.snr_db[rows])
    desc = (f"{path}: {len(w.iq)} windows of {w.iq.shape[1]} samples ({int(w.present.sum())} with a signal); "
            f"seeded 70/30 split: {len(tr)} training, {len(te)} test windows")
    return pick(tr), pick(te), desc


def prepare(seed: int = 0, path: Path | None = None, hidden: tuple[int, ...] = HIDDEN,
            pfa: float = PFA, plan: Plan | None = None) -> SpectrumApp:
    """The spectrum-sensing application on synthetic data for ``seed`` (sizes from ``plan``), or
    on the user's file."""
    if not 0 < pfa < 1:
        raise ValueError(f"the false-alarm rate must be in (0, 1), got {pfa}")
    if path is not None:
        train, test, desc = _from_file(path, seed)
    else:
        train, test, desc = _synthetic(seed, plan or Plan())
    f_train, f_test = periodogram_features(train.iq), periodogram_features(test.iq)
    shift = choose_shift(f_train[train.present == 0])
    data = Dataset("spectrum", with_bias_input(quantise(f_train, shift)), train.present.astype(np.int32),
                   with_bias_input(quantise(f_test, shift)), test.present.astype(np.int32), INPUT_HEADER, 2)
    y_test = data.y_test
    evaluation = Evaluation(f"Pd at Pfa={pfa:g}", lambda out: metrics.pd_at_pfa(y_test, logit_difference(out), pfa))
    return SpectrumApp("spectrum", desc, data, MLP((BINS + 1, *hidden, 2)), evaluation, pfa, snr_buckets(test.snr_db),
                       energy(test.iq))
