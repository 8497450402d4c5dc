"""Atomic file output: write a temporary file in the target's folder, then os.replace it.

A reader (or the next run) sees the old file or the new one, never half of one, whatever
stops the writer: Ctrl-C, a crash, a full disk. Temporaries still open when an interrupt
ends the process are removed by tintin.interrupt (``discard_pending``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_PENDING: set[str] = set()  # temporaries being written, removed on interrupt


@contextlib.contextmanager
def open_atomic(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Like open(path, mode) for writing; the file appears under its name only on success."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_atomic writes whole files: mode must be 'w' or 'wb', got {mode!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    _PENDING.add(tmp)
    try:
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        _PENDING.discard(tmp)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    with open_atomic(path, "w", encoding=encoding, newline="") as f:
        f.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    with open_atomic(path, "wb") as f:
        f.write(data)
    return Path(path)


def discard_pending() -> None:
    """Remove the temporaries of writes still in progress (the process is about to end)."""
    for tmp in list(_PENDING):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _PENDING.discard(tmp)


def writable_dir(path: str | os.PathLike[str]) -> Path:
    """Make the output folder now and prove it writable, so a bad --out fails before the
    work, not after it (OSError names the path: tintin.cli reports it, exit 2)."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "exists and is not a folder", str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, "folder is not writable", str(folder))
    return folder
