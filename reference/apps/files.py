"""Reading a user's own application data from a .npz file, with clear errors.

Every problem is reported as an ``AppDataError`` whose message starts with the file name
and says which array is wrong and how.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


class AppDataError(ValueError):
    """A user's data file is missing, unreadable or has the wrong arrays."""


def load_npz(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The named arrays of an .npz file (pickled objects are refused)."""
    try:
        archive = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise AppDataError(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise AppDataError(f"{path}: not a readable .npz file ({exc})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise AppDataError(f"{path}: one bare array, not an .npz archive of named arrays ({', '.join(keys)})")
    with archive:
        missing = [k for k in keys if k not in archive.files]
        if missing:
            raise AppDataError(f"{path}: missing array(s) {', '.join(missing)} "
                               f"(found: {', '.join(sorted(archive.files)) or 'none'}; need {', '.join(keys)})")
        try:
            return {k: archive[k] for k in keys}
        except (OSError, ValueError) as exc:  # e.g. an object array, which would need pickle
            raise AppDataError(f"{path}: cannot read its arrays ({exc})") from None


def require(ok: bool, path: Path, message: str) -> None:
    if not ok:
        raise AppDataError(f"{path}: {message}")


def binary_labels(values: np.ndarray, n: int, name: str, path: Path) -> np.ndarray:
    """A [n] array of 0/1 flags, as int32."""
    require(values.shape == (n,), path, f"'{name}' must have shape ({n},) to match the windows, got {values.shape}")
    require(np.issubdtype(values.dtype, np.number) or values.dtype == bool, path, f"'{name}' must be numeric")
    require(bool(np.all((values == 0) | (values == 1))), path, f"'{name}' must hold only 0 and 1")
    return values.astype(np.int32)
