"""Data sets as integer tensors: the bundled 8x8 digits (default, no download).

Inputs are quantised once, on the host, to int8 payloads with a power-of-two header;
the float baseline sees exactly the real values those payloads stand for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tintin.reference.layers import QTensor
from tintin.reference.rules import Header


@dataclass(frozen=True)
class Dataset:
    name: str
    x_train: np.ndarray  # int8 payloads [N, features]
    y_train: np.ndarray  # int32 labels [N]
    x_test: np.ndarray
    y_test: np.ndarray
    x_header: Header  # one scale for all inputs
    n_classes: int
    image_shape: tuple[int, int, int] | None = None  # (H, W, C) when the rows are images

    def real(self, q: np.ndarray) -> np.ndarray:
        """The real values the payloads stand for (float only for the baseline and plots)."""
        return q.astype(np.float32) * np.float32(2.0 ** int(self.x_header.s))

    def batch(self, idx: np.ndarray, shape: tuple[int, ...] | None = None) -> tuple[QTensor, np.ndarray]:
        """A training batch; ``shape`` (without the batch axis) reshapes rows into images."""
        x = self.x_train[idx]
        return QTensor(x.reshape(len(idx), *shape) if shape else x, self.x_header), self.y_train[idx]

    def test_inputs(self, shape: tuple[int, ...] | None = None) -> np.ndarray:
        return self.x_test.reshape(len(self.x_test), *shape) if shape else self.x_test


def split(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    n_test = int(round(n * test_fraction))
    return order[n_test:], order[:n_test]


def load_digits(seed: int = 0, test_fraction: float = 0.2) -> Dataset:
    """scikit-learn's 8x8 digits (1797 images, pixels 0..16) -> payload 7*pixel, scale 2**-7."""
    from sklearn.datasets import load_digits as sk_digits

    d = sk_digits()
    x = (d.data.astype(np.int32) * 7).astype(np.int8)  # 0..112: inside the window, real 0..0.875
    y = d.target.astype(np.int32)
    tr, te = split(len(y), test_fraction, seed)
    return Dataset("digits", x[tr], y[tr], x[te], y[te], Header(-7, 0, 0), 10, (8, 8, 1))
