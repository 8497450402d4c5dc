"""Synthetic complex-baseband windows for spectrum sensing (host side, float).

The machine downloads nothing, so the spectrum-sensing application trains on documented
synthetic receiver windows of ``window`` complex samples:

- **Noise**: circular complex white Gaussian noise of power ``E|n|^2 = 1`` (a calibrated
  receiver: the noise floor is known; the energy detector relies on that too).
- **Signal** (signal-present windows only): a QPSK burst with rectangular pulses of
  ``samples_per_symbol`` samples (occupied bandwidth about 1/``samples_per_symbol`` of the
  band), a random carrier offset uniform in ``[-max_offset, max_offset]`` cycles per sample,
  a random carrier phase and a random symbol timing. Its power ``E|s|^2`` is exactly
  ``10^(snr_db / 10)`` (QPSK with rectangular pulses has constant envelope), so the SNR of
  a window is the requested one.

The SNR of a signal-present window is a value given per window (``snr_db``); ``draw_snr``
makes the uniform range used for training. Everything is drawn from
``numpy.random.default_rng([seed, stream])``, so a seed gives the same windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class BasebandConfig:
    window: int = 128
    samples_per_symbol: int = 8
    max_offset: float = 0.35  # keeps the main lobe (1/8 wide) inside the band


class Components(NamedTuple):
    signal: np.ndarray  # complex128 [N, window]; zero rows where no signal
    noise: np.ndarray  # complex128 [N, window]


class Windows(NamedTuple):
    iq: np.ndarray  # complex128 [N, window] = signal + noise
    present: np.ndarray  # int32 [N]: 1 when a signal is present
    snr_db: np.ndarray  # float [N]; NaN where no signal is present


def _qpsk(rng: np.random.Generator, n: int, cfg: BasebandConfig) -> np.ndarray:
    """Unit-power QPSK bursts with random carrier offset, phase and symbol timing."""
    sps, length = cfg.samples_per_symbol, cfg.window
    n_sym = length // sps + 2
    symbols = (rng.choice([-1.0, 1.0], size=(n, n_sym)) + 1j * rng.choice([-1.0, 1.0], size=(n, n_sym))) / np.sqrt(2)
    timing = rng.integers(0, sps, size=n)
    chips = np.repeat(symbols, sps, axis=1)
    rows = np.arange(n)[:, None]
    base = chips[rows, timing[:, None] + np.arange(length)]
    offset = rng.uniform(-cfg.max_offset, cfg.max_offset, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    return base * np.exp(1j * (2 * np.pi * offset * np.arange(length) + phase))


def components(present: np.ndarray, snr_db: np.ndarray, seed: int, stream: int = 0,
               cfg: BasebandConfig | None = None) -> Components:
    """Signal and noise parts separately (their sum is the received window)."""
    cfg = cfg or BasebandConfig()
    present = np.asarray(present, dtype=bool)
    n = len(present)
    rng = np.random.default_rng([seed, stream])
    noise = (rng.standard_normal((n, cfg.window)) + 1j * rng.standard_normal((n, cfg.window))) / np.sqrt(2)
    amp = np.where(present, 10.0 ** (np.nan_to_num(np.asarray(snr_db, dtype=float)) / 20.0), 0.0)
    return Components(_qpsk(rng, n, cfg) * amp[:, None], noise)


def draw_snr(n: int, snr_range: tuple[float, float], seed: int, stream: int) -> np.ndarray:
    return np.random.default_rng([seed, stream, 1]).uniform(*snr_range, size=n)


def generate(present: np.ndarray, snr_db: np.ndarray, seed: int, stream: int = 0,
             cfg: BasebandConfig | None = None) -> Windows:
    """Received windows for the given presence flags and SNRs (SNR is ignored where absent)."""
    present = np.asarray(present, dtype=np.int32)
    parts = components(present, snr_db, seed, stream, cfg)
    snr = np.where(present == 1, np.asarray(snr_db, dtype=float), np.nan)
    return Windows(parts.signal + parts.noise, present, snr)
