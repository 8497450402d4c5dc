"""MNIST from IDX files a user provides (the machine downloads nothing).

Expects the four standard files in one folder, plain or gzip-compressed:
train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte (a ".gz" suffix is accepted). Pixels 0..255 become payloads
pixel >> 1 (0..127) with scale 2**-7, so a pixel of 255 stands for about 1.0.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from tintin.reference.data import Dataset
from tintin.reference.rules import Header

FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


class IdxError(ValueError):
    """An IDX file is missing or malformed; the message names the file and the problem."""


def _find(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise IdxError(f"{folder}: no file {stem} (or {stem}.gz)")


def read_idx(path: Path) -> np.ndarray:
    """An unsigned-byte IDX array with its shape from the header."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise IdxError(f"{path}: cannot read ({exc})") from None
    if len(raw) < 4:
        raise IdxError(f"{path}: truncated header ({len(raw)} bytes)")
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise IdxError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    if not 1 <= ndim <= 4 or len(raw) < 4 + 4 * ndim:
        raise IdxError(f"{path}: bad dimension count {ndim}")
    shape = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    count = int(np.prod(shape))
    body = raw[4 + 4 * ndim :]
    if len(body) != count:
        raise IdxError(f"{path}: {len(body)} data bytes, header says {count} for shape {shape}")
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def load_mnist(folder: Path, limit_train: int | None = None) -> Dataset:
    folder = Path(folder)
    if not folder.is_dir():
        raise IdxError(f"{folder}: not a folder (pass the folder holding the four MNIST IDX files)")
    arrays = {key: read_idx(_find(folder, stem)) for key, stem in FILES.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise IdxError(f"{folder}: {split} images {images.shape} and labels {labels.shape} do not match")
        if labels.max(initial=0) > 9:
            raise IdxError(f"{folder}: {split} labels must be digits 0..9")
    h, w = arrays["train_images"].shape[1:]
    if arrays["test_images"].shape[1:] != (h, w):
        raise IdxError(f"{folder}: train images are {h}x{w} but test images are {arrays['test_images'].shape[1:]}")

    def payload(images: np.ndarray) -> np.ndarray:
        return (images >> 1).astype(np.int8).reshape(len(images), h * w)

    n = len(arrays["train_labels"]) if limit_train is None else min(limit_train, len(arrays["train_labels"]))
    return Dataset(
        "mnist",
        payload(arrays["train_images"][:n]),
        arrays["train_labels"][:n].astype(np.int32),
        payload(arrays["test_images"]),
        arrays["test_labels"].astype(np.int32),
        Header(-7, 0, 0),
        10,
        (h, w, 1),
    )
