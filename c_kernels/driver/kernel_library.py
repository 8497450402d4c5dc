"""The kernel library under test: the user's kernels where given, the reference ones elsewhere.

`tintin conformance --kernels PATH` names a folder of C/assembly sources, or a prebuilt static
library (``.a``, for one target as ``TARGET=lib.a``), that defines some of the public ``tt_*``
functions of ``c_kernels/include/tintin.h``. For each target the library is resolved like this:

1. the user's sources are compiled for the target (a compiler error is the user's, reported
   as one line) and their defined global symbols read with ``nm``, as are the archives';
2. the reference sources (``c_kernels/src``) are compiled for the target and read the same way;
3. a reference file is dropped when the user defines any of its symbols, so the user's
   definition is the only one linked. A reference file that defines several functions (e.g.
   ``tt_dense_gradient`` and ``tt_dense_gradient_update``) is dropped only as a whole, so the
   user must then provide all of them (otherwise the link would be ambiguous or partial);
4. every program of the target links the resulting objects (compiled once per target).

Symbols are read from objects, not parsed from C text, so macros, ``#if`` paths and
assembly all count exactly as the linker will see them.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .build import CompileError, compile_objects, find_tool
from .object_cache import ObjectCache
from .program_sources import INCLUDE_DIR, KERNEL_SOURCES, SRC_DIR
from .targets import Target, get_target

REFERENCE = "reference"
SOURCE_SUFFIXES = (".c", ".S", ".s")
# The ABI of tintin.h the goldens and the harness are written for (mirrors TT_ABI_VERSION).
_ABI_RE = re.compile(r"^\s*#\s*define\s+TT_ABI_VERSION\s+(\d+)", re.MULTILINE)


class KernelLibraryError(ValueError):
    """The user's kernel library cannot be used: one line that says why."""


def abi_version(header: Path) -> int | None:
    """TT_ABI_VERSION defined in a copy of tintin.h, or None when it has none."""
    m = _ABI_RE.search(header.read_text(encoding="utf-8", errors="replace"))
    return int(m.group(1)) if m else None


ABI_VERSION = abi_version(INCLUDE_DIR / "tintin.h")


@dataclass(frozen=True)
class KernelSpec:
    """One --kernels argument: a folder of sources or an archive, optionally for one target."""

    path: Path
    target: str | None = None  # None: every target of the run
    cacheable: bool = True  # False for a one-off folder (a mutant) not worth keeping objects of

    @property
    def is_archive(self) -> bool:
        return self.path.suffix == ".a"

    def label(self) -> str:
        return f"{self.target}={self.path}" if self.target else str(self.path)


def parse_kernel_spec(text: str, known_targets: Iterable[str]) -> KernelSpec:
    """'DIR', 'lib.a' or 'TARGET=lib.a' -> KernelSpec; KernelLibraryError for a bad one."""
    target: str | None = None
    raw = text
    head, sep, tail = text.partition("=")
    if sep and head in set(known_targets):
        target, raw = head, tail
    path = Path(raw).expanduser()
    if not path.exists():
        raise KernelLibraryError(f"--kernels {text}: {path} does not exist")
    if path.is_file() and path.suffix != ".a":
        raise KernelLibraryError(f"--kernels {text}: expected a folder of C/assembly sources or a static library .a")
    if path.is_dir() and target is not None:
        raise KernelLibraryError(
            f"--kernels {text}: TARGET= applies to a prebuilt .a; a source folder builds for every target")
    return KernelSpec(path.resolve(), target)


def user_sources(folder: Path) -> list[Path]:
    """The C and assembly sources of a kernel folder (recursively, sorted), or an error."""
    sources = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES)
    if not sources:
        raise KernelLibraryError(f"--kernels {folder}: no .c or .S files in it")
    return sources


def check_abi(folder: Path) -> None:
    """Every copy of tintin.h inside the user's folder must be the ABI version of ours."""
    for header in sorted(folder.rglob("tintin.h")):
        theirs = abi_version(header)
        if theirs != ABI_VERSION:
            found = "no TT_ABI_VERSION" if theirs is None else f"TT_ABI_VERSION {theirs}"
            raise KernelLibraryError(
                f"{header}: {found}, but the goldens and harness need TT_ABI_VERSION {ABI_VERSION} "
                f"(update your copy from {INCLUDE_DIR / 'tintin.h'})"
            )


_NM_MEMO: dict[tuple[str, tuple[str, ...], bytes], subprocess.CompletedProcess[str]] = {}


def _nm(nm: str, args: Sequence[str], path: Path) -> subprocess.CompletedProcess[str]:
    """nm's answer for a file, remembered by the file's bytes: a run resolves the same
    reference objects for every target, and `tintin mutate` for every mutant."""
    key = (nm, tuple(args), hashlib.sha256(path.read_bytes()).digest())
    if key not in _NM_MEMO:
        proc = subprocess.run([nm, *args, str(path)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return proc  # not remembered: the message names this path
        _NM_MEMO[key] = proc
    # The member names printed with -A start with the path nm was given: put this one in.
    cached = _NM_MEMO[key]
    first = cached.args[-1]
    return subprocess.CompletedProcess(cached.args, 0, cached.stdout.replace(first, str(path)), "")


def defined_symbols(nm: str, path: Path) -> dict[str, list[str]]:
    """Global symbols each member of an object or archive defines: {member: [names]}."""
    proc = _nm(nm, ["-P", "-A", "--defined-only", "-g"], path)
    if proc.returncode != 0:
        raise KernelLibraryError(f"{path}: cannot read its symbols ({proc.stderr.strip().splitlines()[-1:]})")
    members: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        # "file.a[member.o]: name T value size" or "file.o: name T value size"
        where, _, rest = line.rpartition(": ")
        fields = rest.split()
        if len(fields) >= 2 and fields[1] in "TDRBVWCG" and not fields[0].startswith(("__", ".")):
            members.setdefault(where, []).append(fields[0])
    return members


def undefined_symbols(nm: str, path: Path) -> set[str]:
    proc = _nm(nm, ["-P", "-u"], path)
    return {line.split()[0] for line in proc.stdout.splitlines() if line.split()}


def _nm_for(t: Target) -> str:
    return find_tool("nm" if t.is_host else "arm-none-eabi-nm")


@dataclass
class KernelLibrary:
    """What one target links as its kernels, and who provided each function."""

    target: str
    objects: list[Path]  # compiled objects and archives, in link order
    origin: dict[str, str] = field(default_factory=dict)  # symbol -> REFERENCE or the user path
    needs: dict[str, set[str]] = field(default_factory=dict)  # symbol -> tt_* symbols it calls

    @property
    def user_functions(self) -> dict[str, str]:
        return {s: o for s, o in sorted(self.origin.items()) if o != REFERENCE}

    def exercised(self, kernel: str) -> set[str]:
        """The tt_* functions a call of `kernel` can reach (itself included)."""
        seen: set[str] = set()
        todo = [kernel]
        while todo:
            name = todo.pop()
            if name in seen or name not in self.origin:
                continue
            seen.add(name)
            todo += self.needs.get(name, ())
        return seen

    def implementation(self, kernel: str) -> str:
        """'reference', or the user's functions a suite of `kernel` exercises with their origin."""
        reached = self.exercised(kernel)
        users = sorted(f for f in reached if self.origin.get(f, REFERENCE) != REFERENCE)
        if not users:
            return REFERENCE
        places = sorted({self.origin[f] for f in users})
        rest = ", reference for the rest" if reached - set(users) else ""
        return f"user {', '.join(users)} ({', '.join(places)}){rest}"


def _cache_dir(build_dir: Path, t: Target, specs: Sequence[KernelSpec]) -> Path:
    key = hashlib.sha256("\0".join([t.name, *(s.label() for s in specs)]).encode()).hexdigest()[:10]
    return build_dir / f"kernels-{key}"


def _compile_user(t: Target, folder: Path, out: Path, cache: ObjectCache | None) -> list[tuple[Path, Path]]:
    """(source, object) pairs of the user's folder compiled for the target."""
    sources = user_sources(folder)
    # The user's folder first, so their own headers win; then the project's (tintin.h, and
    # the reference's internal headers such as tt_rules.h for a kernel copied from src/).
    includes = [folder, *sorted({p.parent for p in sources} - {folder}), INCLUDE_DIR, SRC_DIR]
    try:
        objs = compile_objects(t, sources, includes, out, [f"TT_REQUIRE_ABI_VERSION={ABI_VERSION}"], cache)
    except CompileError as exc:
        first = next((ln.strip() for ln in exc.stderr.splitlines() if "error" in ln), exc.stderr.strip()[:200])
        raise KernelLibraryError(f"--kernels {folder}: does not build for {t.name}: {first}") from None
    return list(zip(sources, objs, strict=True))


def resolve_library(target: str | Target, specs: Sequence[KernelSpec], build_dir: Path,
                    cache: ObjectCache | None = None) -> KernelLibrary:
    """Compile and combine the kernels one target links. KernelLibraryError for a user problem;
    a failure to build the reference kernels propagates as CompileError. ``cache``: the object
    cache for the reference kernels and the user's sources whose spec allows it."""
    t = get_target(target)
    nm = _nm_for(t)
    root = _cache_dir(build_dir, t, specs)
    reference_objs = compile_objects(t, KERNEL_SOURCES, [INCLUDE_DIR, SRC_DIR], root / "reference", cache=cache)
    origin: dict[str, str] = {}
    user_objs: list[Path] = []
    for n, spec in enumerate(s for s in specs if s.target in (None, t.name)):
        if spec.is_archive:
            pairs = [(spec.path, spec.path)]
        else:
            check_abi(spec.path)
            pairs = _compile_user(t, spec.path, root / f"user{n}", cache if spec.cacheable else None)
        for source, f in pairs:
            for member, names in defined_symbols(nm, f).items():
                where = member if spec.is_archive else str(source)
                for name in names:
                    if name in origin:
                        raise KernelLibraryError(
                            f"{name} is defined twice in the kernels under test: {origin[name]} and {where}")
                    origin[name] = where
            user_objs.append(f)
    if specs and not any(name.startswith("tt_") for name in origin):
        raise KernelLibraryError(
            f"--kernels {', '.join(s.label() for s in specs)}: defines no tt_* function of tintin.h for {t.name}")
    kept: list[Path] = []
    needs: dict[str, set[str]] = {}
    for src, obj in zip(KERNEL_SOURCES, reference_objs, strict=True):
        names = [n for names in defined_symbols(nm, obj).values() for n in names]
        # A function reaches what its object calls and, conservatively, its object's other functions.
        calls = {s for s in undefined_symbols(nm, obj) if s.startswith("tt_")} | set(names)
        for name in names:
            needs[name] = calls
        overridden = [n for n in names if n in origin]
        if not overridden:
            kept.append(obj)
            for name in names:
                origin[name] = REFERENCE
            continue
        missing = [n for n in names if n not in origin]
        if missing:
            raise KernelLibraryError(
                f"the kernels under test define {', '.join(overridden)} but not {', '.join(missing)}: "
                f"the reference keeps them together in {src.name}, so provide all of them or none")
    for f in user_objs:
        for names in defined_symbols(nm, f).values():
            calls = {s for s in undefined_symbols(nm, f) if s.startswith("tt_")} | set(names)
            for name in names:
                needs[name] = calls
    # Archives last: the linker pulls a member only for symbols still undefined when it
    # reaches the archive, and the reference objects may call the user's functions.
    archives = [f for f in user_objs if f.suffix == ".a"]
    objs = [f for f in user_objs if f.suffix != ".a"]
    return KernelLibrary(t.name, [*objs, *kept, *archives], origin, needs)
