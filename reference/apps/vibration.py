"""Synthetic bearing vibration: healthy machines and outer/inner-race faults (host side, float).

The machine downloads nothing, so the bearing application trains on documented synthetic
signals shaped like accelerometer recordings of a rolling-element bearing test rig (the
classic 12 kHz drive-end set-up). One window is ``window`` samples at ``sample_rate``:

- **Shaft**: a speed ``f_r`` drawn per window, uniform in ``shaft_hz`` (1200-1800 rpm), and
  ``harmonics`` sinusoids at ``k f_r`` with random phase and amplitude ``U(0.5, 1) / k``.
- **Broadband noise**: Gaussian, drawn in the frequency domain with a random spectral tilt
  (power gain ``(f / 1 kHz)^tilt``, ``tilt`` uniform in ``noise_tilt``) and scaled to an RMS
  drawn log-uniformly in ``noise_rms``. Level and colour change from window to window, so
  "healthy" is a family of spectra, not one spectrum.
- **Fault** (faulty windows only): an impulse train at the fault characteristic frequency,
  ``bpfo_ratio * f_r`` for the outer race and ``bpfi_ratio * f_r`` for the inner race, with a
  random start and a timing jitter of ``slip`` (rolling elements slip). Each impulse excites
  a structural resonance: ``a exp(-t / tau) sin(2 pi f_n t)`` with ``f_n`` uniform in
  ``resonance_hz`` and ``tau`` uniform in ``decay_ms``. The peak amplitude ``a`` is the
  severity times the window's noise RMS. On the inner race the defect turns with the shaft
  through the load zone, so its impulses are amplitude-modulated at ``f_r`` with depth
  ``inner_modulation``; the outer-race defect is stationary (constant amplitude).

At severity about 1 a fault is hard to see in a spectrum; at 4 it is obvious. Everything is
drawn from ``numpy.random.default_rng([seed, stream])``, so a seed gives the same windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

KINDS = ("healthy", "outer", "inner")


@dataclass(frozen=True)
class VibrationConfig:
    sample_rate: float = 12_000.0
    window: int = 2048
    shaft_hz: tuple[float, float] = (20.0, 30.0)
    harmonics: int = 4
    noise_rms: tuple[float, float] = (0.2, 0.6)
    noise_tilt: tuple[float, float] = (-0.5, 0.5)
    bpfo_ratio: float = 3.58
    bpfi_ratio: float = 5.42
    resonance_hz: tuple[float, float] = (2500.0, 4000.0)
    decay_ms: tuple[float, float] = (0.5, 1.5)
    slip: float = 0.01  # standard deviation of the impulse timing, as a fraction of its period
    inner_modulation: float = 0.5

    def fault_ratio(self, kind: str) -> float:
        """Fault characteristic frequency per shaft revolution (0 for a healthy window)."""
        return {"healthy": 0.0, "outer": self.bpfo_ratio, "inner": self.bpfi_ratio}[kind]


class Windows(NamedTuple):
    """Generated windows and what was drawn for each (for tests and per-group reports)."""

    x: np.ndarray  # float64 [N, window]
    shaft_hz: np.ndarray  # [N]
    fault_hz: np.ndarray  # [N]; 0 for healthy windows
    noise_rms: np.ndarray  # [N]
    severity: np.ndarray  # [N]; 0 for healthy windows


def _noise(rng: np.random.Generator, n: int, cfg: VibrationConfig) -> tuple[np.ndarray, np.ndarray]:
    """Coloured Gaussian noise with a random level and tilt per window."""
    bins = cfg.window // 2 + 1
    f = np.fft.rfftfreq(cfg.window, 1.0 / cfg.sample_rate)
    f[0] = f[1]  # keep the DC gain finite; the DC bin is zeroed below anyway
    tilt = rng.uniform(*cfg.noise_tilt, size=(n, 1))
    gain = (f / 1000.0) ** (tilt / 2)  # amplitude gain, so power goes as (f / 1 kHz)^tilt
    spec = (rng.standard_normal((n, bins)) + 1j * rng.standard_normal((n, bins))) * gain
    spec[:, 0] = 0.0
    x = np.fft.irfft(spec, cfg.window, axis=1)
    rms = np.exp(rng.uniform(np.log(cfg.noise_rms[0]), np.log(cfg.noise_rms[1]), size=n))
    x *= (rms / np.sqrt(np.mean(x**2, axis=1)))[:, None]
    return x, rms


def _shaft(rng: np.random.Generator, n: int, cfg: VibrationConfig, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    f_r = rng.uniform(*cfg.shaft_hz, size=n)
    x = np.zeros((n, len(t)))
    for k in range(1, cfg.harmonics + 1):
        amp = rng.uniform(0.5, 1.0, size=(n, 1)) / k
        phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
        x += amp * np.sin(2 * np.pi * k * f_r[:, None] * t + phase)
    return x, f_r


def _impulses(rng: np.random.Generator, fault_hz: float, shaft_hz: float, amp: float, inner: bool,
              cfg: VibrationConfig) -> np.ndarray:
    """One window of decaying resonance ringing, one ring per impulse of the fault train."""
    fs, n = cfg.sample_rate, cfg.window
    f_n = rng.uniform(*cfg.resonance_hz)
    tau = rng.uniform(*cfg.decay_ms) / 1000.0
    period = 1.0 / fault_hz
    start = rng.uniform(-period, 0.0)  # a ring from before the window may still be decaying
    count = int(np.ceil((n / fs - start) / period)) + 1
    times = start + period * np.arange(count) + rng.normal(0.0, cfg.slip * period, size=count)
    gains = np.full(count, amp)
    if inner:  # the defect passes through the load zone once per revolution
        load_phase = rng.uniform(0, 2 * np.pi)
        gains *= (1 + cfg.inner_modulation * np.cos(2 * np.pi * shaft_hz * times + load_phase)) / (
            1 + cfg.inner_modulation)
    span = int(np.ceil(10 * tau * fs))  # the ring has decayed below 1e-4 after 10 tau
    first = np.maximum(0, np.ceil(times * fs)).astype(int)
    idx = first[:, None] + np.arange(span)  # [impulse, sample]: where each ring lands
    lag = idx / fs - times[:, None]
    rings = gains[:, None] * np.exp(-lag / tau) * np.sin(2 * np.pi * f_n * lag)
    return np.bincount(idx.ravel(), weights=rings.ravel(), minlength=n)[:n]


def generate(n: int, kind: str, severity: float | tuple[float, float], seed: int, stream: int = 0,
             cfg: VibrationConfig | None = None) -> Windows:
    """``n`` windows of one kind; ``severity`` is a value or a (low, high) log-uniform range.

    ``stream`` separates independent draws under one seed (e.g. training and test sets).
    """
    cfg = cfg or VibrationConfig()
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    rng = np.random.default_rng([seed, stream, KINDS.index(kind)])
    t = np.arange(cfg.window) / cfg.sample_rate
    noise, rms = _noise(rng, n, cfg)
    harm, f_r = _shaft(rng, n, cfg, t)
    x = noise + harm
    fault_hz = cfg.fault_ratio(kind) * f_r
    sev = np.zeros(n)
    if kind != "healthy":
        low, high = (severity, severity) if np.isscalar(severity) else severity  # type: ignore[misc]
        sev = np.exp(rng.uniform(np.log(low), np.log(high), size=n))
        for i in range(n):
            x[i] += _impulses(rng, fault_hz[i], f_r[i], sev[i] * rms[i], kind == "inner", cfg)
    return Windows(x, f_r, fault_hz, rms, sev)
