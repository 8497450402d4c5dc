"""The MNIST IDX reader, on small IDX files the test writes (nothing is downloaded)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from tintin.cli import main
from tintin.reference.mnist import FILES, IdxError, load_mnist, read_idx


def write_idx(path: Path, array: np.ndarray, compress: bool = False) -> None:
    raw = struct.pack(">HBB", 0, 8, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    raw += array.astype(np.uint8).tobytes()
    if compress:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(raw))
    else:
        path.write_bytes(raw)


def make_mnist(folder: Path, n_train: int = 64, n_test: int = 16, compress: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    labels = {"train": rng.integers(0, 10, n_train), "test": rng.integers(0, 10, n_test)}
    for split, n in (("train", n_train), ("test", n_test)):
        images = np.zeros((n, 28, 28), np.uint8)
        for i, d in enumerate(labels[split]):  # a learnable pattern: a bright row per digit
            images[i, 2 + 2 * d, 4:24] = 255
        images |= rng.integers(0, 40, images.shape, dtype=np.uint8)
        write_idx(folder / FILES[f"{split}_images"], images, compress)
        write_idx(folder / FILES[f"{split}_labels"], labels[split], compress)


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_reads_what_was_written(tmp_path: Path, compress: bool) -> None:
    make_mnist(tmp_path, compress=compress)
    data = load_mnist(tmp_path)
    assert data.x_train.shape == (64, 784) and data.x_test.shape == (16, 784)
    assert data.image_shape == (28, 28, 1)
    assert data.x_train.dtype == np.int8 and int(data.x_train.max()) == 127


def test_idx_errors_name_the_file(tmp_path: Path) -> None:
    make_mnist(tmp_path)
    bad = tmp_path / FILES["train_labels"]
    bad.write_bytes(bad.read_bytes()[:-3])
    with pytest.raises(IdxError, match="train-labels.*data bytes"):
        load_mnist(tmp_path)
    bad.write_bytes(b"\x00\x00\x0d\x01\x00\x00\x00\x01\x00")
    with pytest.raises(IdxError, match="not an unsigned-byte IDX"):
        read_idx(bad)
    make_mnist(tmp_path)  # good files again, then one missing
    (tmp_path / FILES["test_images"]).unlink()
    with pytest.raises(IdxError, match="no file t10k-images"):
        load_mnist(tmp_path)


def test_train_lenet5_on_small_mnist_files(tmp_path: Path) -> None:
    make_mnist(tmp_path / "mnist")
    out = tmp_path / "out"
    status = main(["train", "--model", "lenet5", "--data", "mnist", "--mnist-dir", str(tmp_path / "mnist"),
                   "--epochs", "1", "--batch", "16", "--policy", "tintin,float", "--no-progress", "--out", str(out)])
    assert status == 0
    assert (out / "curves.png").exists() and "lenet5" in (out / "summary.md").read_text()
