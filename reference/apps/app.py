"""What every application provides to `tintin train --app`: data, model, metric and report."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from tintin.reference.data import Dataset
from tintin.reference.model import MLP
from tintin.reference.training import Evaluation


@dataclass(frozen=True)
class App(ABC):
    """A prepared application: the integer data set, the model, the per-epoch metric, and a
    final report computed from each policy's real-valued test outputs."""

    name: str
    source: str  # where the data came from: the synthetic generator and seed, or the user's file
    data: Dataset
    model: MLP
    evaluation: Evaluation
    plot_file: ClassVar[str] = "app.png"

    @abstractmethod
    def report(self, outputs: dict[str, np.ndarray]) -> dict[str, Any]:
        """JSON-able final metrics per policy (and for the app's classical reference)."""

    @abstractmethod
    def references(self, report: dict[str, Any]) -> dict[str, float]:
        """The classical reference's value of the per-epoch metric, for the curves."""

    @abstractmethod
    def markdown(self, report: dict[str, Any]) -> list[str]:
        """The report as Markdown lines for summary.md."""

    @abstractmethod
    def plot(self, report: dict[str, Any], path: Path, title: str) -> Path:
        """The application's own figure (ROC, Pd against SNR...)."""


def split_rows(n: int, test_fraction: float, seed: int, stream: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train, test) row indices."""
    order = np.random.default_rng([seed, stream]).permutation(n)
    n_test = int(round(n * test_fraction))
    return np.sort(order[n_test:]), np.sort(order[:n_test])
