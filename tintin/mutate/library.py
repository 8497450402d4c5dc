"""The kernel folder of one mutant, handed to conformance as the library under test.

For the reference kernels (c_kernels/src) the folder holds only what the mutant changes: the
mutated .c, or a mutated internal header with every header of src/ (a quoted include resolves
next to the including file, so the other headers must see the mutated one) and every .c that
includes it, directly or through another header. conformance then takes those files instead
of the reference ones and the rest from c_kernels/src. For the user's own library (--kernels
DIR) the folder is a whole copy of theirs with the one file mutated.

``same_code`` is the trivially-equivalent check of a survivor: the files it touches compile,
for every target, to the same object bytes as the original (debug information and
sanitizers off, same path), e.g. a mutant inside an #if branch the target does not build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tintin.kernels.driver.build import find_tool
from tintin.kernels.driver.kernel_library import ABI_VERSION
from tintin.kernels.driver.program_sources import INCLUDE_DIR, SRC_DIR
from tintin.kernels.driver.targets import get_target

from .population import Mutant

_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)


@dataclass(frozen=True)
class SourceTree:
    """The folder whose sources are mutated: c_kernels/src, or the user's --kernels folder."""

    root: Path
    user: bool = False  # the user's folder: each mutant is a full copy of it

    def text(self, file: str) -> str:
        return (self.root / file).read_text(encoding="utf-8")

    def includers(self, header: str) -> list[str]:
        """The .c files that include `header`, directly or through other headers."""
        files = {p.relative_to(self.root).as_posix(): p.read_text(encoding="utf-8", errors="replace")
                 for p in sorted(self.root.rglob("*")) if p.suffix in (".c", ".h") and p.is_file()}
        reached, todo = {header}, [header]
        while todo:
            name = Path(todo.pop()).name
            for f, text in files.items():
                if f not in reached and name in {Path(i).name for i in _INCLUDE_RE.findall(text)}:
                    reached.add(f)
                    todo.append(f)
        return sorted(f for f in reached if f.endswith(".c"))

    def touched(self, mutant: Mutant) -> list[str]:
        """The .c files whose object the mutant can change."""
        return self.includers(mutant.file) if mutant.file.endswith(".h") else [mutant.file]


def write_folder(tree: SourceTree, mutant: Mutant, dest: Path, mutated: bool = True) -> Path:
    """The mutant's kernel folder (or, with mutated=False, the same files unmutated) at dest."""
    if dest.exists():
        shutil.rmtree(dest)
    if tree.user:
        shutil.copytree(tree.root, dest)
    else:
        dest.mkdir(parents=True)
        files = [mutant.file]
        if mutant.file.endswith(".h"):
            files = sorted({p.name for p in tree.root.glob("*.h")} | set(tree.includers(mutant.file)))
        for f in files:
            shutil.copyfile(tree.root / f, dest / f)
    if mutated:
        (dest / mutant.file).write_text(mutant.apply(tree.text(mutant.file)), encoding="utf-8")
    return dest


def _plain_flags(target: str) -> list[str]:
    """The target's flags without debug information or sanitizers (they record columns and
    paths, so any edit would change the object)."""
    t = get_target(target)
    return [f for f in t.all_cflags if f != "-g" and not f.startswith(("-fsanitize", "-fno-sanitize"))]


def _object(cc: str, flags: Sequence[str], source: Path, out: Path) -> bytes | None:
    proc = subprocess.run([cc, *flags, "-c", str(source), "-o", str(out)], capture_output=True, check=False)
    return out.read_bytes() if proc.returncode == 0 else None


# The original's object per (source folder, target, file): the same for every mutant of a run.
_ORIGINAL_OBJECTS: dict[tuple[str, str, str], bytes | None] = {}


def same_code(tree: SourceTree, mutant: Mutant, targets: Sequence[str], scratch: Path) -> bool:
    """True when every file the mutant touches compiles to the original's bytes on every target."""
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        folder = Path(tmp) / "lib"
        touched = tree.touched(mutant)
        for target in targets:
            cc = find_tool(get_target(target).cc)
            subdirs = sorted({(folder / f).parent for f in touched} - {folder})
            includes = [f"-I{d}" for d in (folder, *subdirs, INCLUDE_DIR, SRC_DIR)]
            # The prefix map keeps the scratch path out of __FILE__: originals are compiled once
            # per run, in another scratch folder than the mutant's.
            flags = [*_plain_flags(target), f"-DTT_REQUIRE_ABI_VERSION={ABI_VERSION}",
                     f"-ffile-prefix-map={tmp}=mutant", *includes]
            keys = {f: (str(tree.root), target, f) for f in touched}
            if any(k not in _ORIGINAL_OBJECTS for k in keys.values()):
                write_folder(tree, mutant, folder, mutated=False)
                for f, k in keys.items():
                    if k not in _ORIGINAL_OBJECTS:
                        _ORIGINAL_OBJECTS[k] = _object(cc, flags, folder / f, Path(tmp) / "a.o")
            write_folder(tree, mutant, folder, mutated=True)
            for f, k in keys.items():
                before = _ORIGINAL_OBJECTS[k]
                if before is None or _object(cc, flags, folder / f, Path(tmp) / "b.o") != before:
                    return False
    return True
