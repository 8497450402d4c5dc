"""A content-addressed cache of compiled objects, shared by every build that names it.

An object is reused when the compiler, its flags, the source (path and bytes) and every
file the compile read (from the compiler's own -MD list, system headers included) are
unchanged. The headers each include directory holds are part of the key too, so a header
that appears in an earlier directory and would now shadow a recorded one is a miss, not a
stale hit. Lookup is two steps, like ccache's direct mode: (compiler, flags, source,
directory listings) -> a manifest naming the dependencies; (that key, their bytes) -> the
object. Entries are written to a temporary name and renamed, so parallel builds sharing a
cache never see half an entry; a hit is a copy, so nothing writes through into the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

CompileFn = Callable[[Sequence[str]], None]  # runs the compiler with these extra flags


def _compiler_identity(cc: str) -> str:
    real = os.path.realpath(cc)
    st = os.stat(real)
    return f"{real}:{st.st_size}:{st.st_mtime_ns}"


def _header_listing(directory: Path) -> str:
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".h"))
    except OSError:
        return f"{directory}:-"
    return f"{directory}:{','.join(names)}"


def _parse_depfile(text: str) -> list[str]:
    """The prerequisites of a make rule written by gcc -MD (escaped spaces kept)."""
    body = text.replace("\\\n", " ").split(":", 1)[-1] if ":" in text else ""
    words, current = [], ""
    parts = body.split(" ")
    for part in parts:
        if current:
            current += " " + part
        else:
            current = part
        if current.endswith("\\"):
            current = current[:-1]
            continue
        if current.strip():
            words.append(current.strip())
        current = ""
    return words


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ObjectCache:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.hits = 0
        self.misses = 0

    def _first_key(self, cc: str, flags: Sequence[str], source: Path) -> str:
        key = hashlib.sha256()
        key.update(_compiler_identity(cc).encode())
        key.update("\0".join(flags).encode())
        key.update(f"\0{source}\0".encode())
        key.update(source.read_bytes())
        dirs = [source.parent, *(Path(f[2:]) for f in flags if f.startswith("-I"))]
        for d in dirs:
            key.update(_header_listing(d).encode())
        return key.hexdigest()

    @staticmethod
    def _second_key(first: str, deps: Sequence[str]) -> str | None:
        key = hashlib.sha256(first.encode())
        for dep in deps:
            try:
                data = Path(dep).read_bytes()
            except OSError:
                return None
            key.update(f"\0{dep}\0".encode())
            key.update(hashlib.sha256(data).digest())
        return key.hexdigest()

    def compile(self, cc: str, flags: Sequence[str], source: Path, obj: Path, run: CompileFn) -> None:
        """Make `obj` from `source`: copied from the cache when every input is unchanged, else
        compiled by `run` (given the extra dependency-list flags) and stored."""
        first = self._first_key(cc, flags, source)
        manifest = self.root / "manifests" / first[:2] / first
        obj.unlink(missing_ok=True)
        if manifest.is_file():
            second = self._second_key(first, json.loads(manifest.read_text(encoding="utf-8")))
            entry = self.root / "objects" / f"{second}.o" if second else None
            if entry is not None and entry.is_file():
                shutil.copyfile(entry, obj)
                self.hits += 1
                return
        self.misses += 1
        depfile = obj.with_suffix(".d")
        run(["-MD", "-MF", str(depfile)])
        deps = [d for d in _parse_depfile(depfile.read_text(encoding="utf-8")) if Path(d).resolve() != source]
        deps = [str(Path(d).resolve()) for d in deps]
        second = self._second_key(first, deps)
        if second is None:  # a dependency vanished while compiling: do not cache
            return
        _atomic_write(self.root / "objects" / f"{second}.o", obj.read_bytes())
        _atomic_write(manifest, json.dumps(deps).encode())
