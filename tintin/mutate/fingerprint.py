"""What a mutation score depends on, as one hash: the kernel sources mutated, the conformance
harness that runs them and the golden files that judge them. A committed report whose
fingerprint differs from the checkout's was measured on other kernels or goldens, and
`tintin bench` says so instead of presenting its score as current."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def _files(folder: Path, patterns: Iterable[str]) -> list[Path]:
    return sorted(p for pattern in patterns for p in folder.glob(pattern) if p.is_file())


def fingerprint(src_root: Path) -> str:
    from tintin.golden.generate import DATA_DIR
    from tintin.kernels.driver.program_sources import CONF_DIR

    h = hashlib.sha256()
    for label, folder, patterns in (("src", src_root, ("*.c", "*.h", "*.S")), ("harness", CONF_DIR, ("*.c", "*.h")),
                                    ("goldens", DATA_DIR, ("*.json",))):
        for path in _files(folder, patterns):
            h.update(f"{label}/{path.name}\0".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]
