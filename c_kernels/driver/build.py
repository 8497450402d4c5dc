"""Build driver: compile C test programs with the platform layer, for any target.

No make: ``build_program`` compiles each source to an object (in parallel), links it with
the platform objects for the target (startup, semihosting, harness, case model; compiled
once per target and flag set and reused) and returns the ELF or host executable. Also
inspects objects: ``check_no_soft_helpers`` finds float and 64-bit helper calls,
``code_size`` reports text/data/bss.

Compile a program that uses the harness with::

    build_program("m4", [my_test.c, my_cases.c, kernel.c], [my_include_dir], out_dir)

The platform's include directory (tt_harness.h, tt_cases.h, tt_platform.h) and sources are
added automatically.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .linker_script import linker_script_for
from .object_cache import ObjectCache
from .targets import Target, get_target

# The c_kernels/ folder (this driver lives in c_kernels/driver/).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PLATFORM_DIR = PACKAGE_DIR / "platform"
CORTEXM_DIR = PLATFORM_DIR / "cortexm"
HOST_DIR = PLATFORM_DIR / "host"
SELFTEST_DIR = PLATFORM_DIR / "selftest"

# Debian package that provides each tool (what scripts/bootstrap.sh installs).
TOOL_PACKAGES: dict[str, str] = {
    "gcc": "gcc",
    "nm": "binutils",
    "arm-none-eabi-gcc": "gcc-arm-none-eabi",
    "arm-none-eabi-nm": "binutils-arm-none-eabi",
    "arm-none-eabi-size": "binutils-arm-none-eabi",
    "newlib": "libnewlib-arm-none-eabi",
    "qemu-system-arm": "qemu-system-arm",
}

PathLike = str | os.PathLike[str]


class ToolMissing(RuntimeError):
    """A compiler, binutils tool, emulator or library is not installed."""

    def __init__(self, tool: str, package: str, detail: str = "") -> None:
        self.tool = tool
        self.package = package
        message = (
            f"{tool} is not installed: install the Debian package {package} "
            f"(apt-get install -y --no-install-recommends {package}) or run "
            "scripts/bootstrap.sh"
        )
        super().__init__(f"{message}; {detail}" if detail else message)


class CompileError(RuntimeError):
    """The compiler or linker rejected a source; carries the command and its stderr."""

    def __init__(self, what: str, command: Sequence[str], stderr: str) -> None:
        self.command = list(command)
        self.stderr = stderr
        super().__init__(f"{what} failed:\n  $ {' '.join(command)}\n{stderr.rstrip()}")


def find_tool(name: str) -> str:
    """Absolute path of a tool (a bare name is looked up on PATH), or ToolMissing."""
    package = TOOL_PACKAGES.get(Path(name).name, Path(name).name)
    if os.sep in name:
        if os.path.isfile(name) and os.access(name, os.X_OK):
            return name
        raise ToolMissing(name, package, f"{name} does not exist or is not executable")
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(name, package, f"{name} is not on PATH")
    return found


def platform_include_dirs() -> list[Path]:
    """Where tt_harness.h, tt_cases.h and tt_platform.h live."""
    return [PLATFORM_DIR]


def board_sources(target: str | Target) -> list[Path]:
    """What any program needs to run on the target: for Cortex-M the vector table, reset
    handler and semihosting output (tt_platform.h), nothing of the test harness; for the host,
    stdio. A program of the user's own links these alone (build_program(..., harness=False))."""
    t = get_target(target)
    if t.is_host:
        return [HOST_DIR / "tt_platform_host.c"]
    # A target file may bring its own startup (reset handler, vector table); the output
    # channel, semihosting, stays the project's.
    startup = [Path(s) for s in t.startup] if t.startup is not None else [CORTEXM_DIR / "startup.c",
                                                                          CORTEXM_DIR / "vectors.S"]
    return [CORTEXM_DIR / "tt_semihost.c", *startup]


def platform_sources(target: str | Target, harness: bool = True) -> list[Path]:
    """The platform sources linked into every program for this target: the board layer and,
    with harness, the line harness and case model (and on Cortex-M the detailed FAULT line)."""
    t = get_target(target)
    if not harness:
        return board_sources(t)
    common = [PLATFORM_DIR / "tt_harness.c", PLATFORM_DIR / "tt_cases.c"]
    fault = [] if t.is_host else [CORTEXM_DIR / "tt_fault_report.c"]
    return [*common, *fault, *board_sources(t)]


def _define_flag(define: str) -> str:
    body = define[2:] if define.startswith("-D") else define
    if not body or body.startswith("=") or any(c.isspace() for c in body.split("=", 1)[0]):
        raise ValueError(f"bad define {define!r}: expected NAME or NAME=VALUE")
    return f"-D{body}"


def _newlib_missing(stderr: str) -> bool:
    signs = ("nano.specs", "cannot find -lc", "stdint.h: No such file", "string.h: No such file")
    return any(sign in stderr for sign in signs)


def _run_tool(what: str, command: Sequence[str], target: Target) -> None:
    proc = subprocess.run(list(command), capture_output=True, text=True, check=False)
    if proc.returncode == 0:
        return
    if not target.is_host and _newlib_missing(proc.stderr):
        raise ToolMissing(
            "newlib", TOOL_PACKAGES["newlib"], f"{what} failed:\n{proc.stderr.rstrip()}"
        )
    raise CompileError(what, command, proc.stderr)


def _compile_many(
    target: Target,
    cc: str,
    jobs: Sequence[tuple[Path, Path]],
    flags: Sequence[str],
    cache: ObjectCache | None = None,
) -> None:
    """Compile (source, object) pairs in parallel; raise the first error in source order.
    With a cache, an object whose inputs are unchanged is copied instead (object_cache.py)."""

    def one(job: tuple[Path, Path]) -> None:
        source, obj = job
        obj.parent.mkdir(parents=True, exist_ok=True)

        def run(extra: Sequence[str]) -> None:
            _run_tool(f"compiling {source}", [cc, *flags, *extra, "-c", str(source), "-o", str(obj)], target)

        if cache is None:
            run(())
        else:
            cache.compile(cc, flags, source, obj, run)

    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(one, job) for job in jobs]:
            future.result()


def _existing_sources(sources: Iterable[PathLike]) -> list[Path]:
    paths = [Path(s).resolve() for s in sources]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"source file(s) not found: {', '.join(missing)}")
    return paths


def compile_objects(
    target: str | Target,
    sources: Iterable[PathLike],
    include_dirs: Iterable[PathLike],
    out_dir: PathLike,
    defines: Iterable[str] = (),
    cache: ObjectCache | None = None,
) -> list[Path]:
    """Compile sources to objects in out_dir (no platform, no link); for inspecting
    kernel objects with check_no_soft_helpers or code_size. ``cache``: reuse objects whose
    compiler, flags, source and headers are unchanged (object_cache.py)."""
    t = get_target(target)
    cc = find_tool(t.cc)
    srcs = _existing_sources(sources)
    out = Path(out_dir)
    flags = [
        *t.all_cflags,
        *(_define_flag(d) for d in defines),
        *(f"-I{Path(d).resolve()}" for d in [*include_dirs, *platform_include_dirs()]),
    ]
    objs = [out / f"{i:03d}_{src.stem}.o" for i, src in enumerate(srcs)]
    _compile_many(t, cc, list(zip(srcs, objs, strict=True)), flags, cache)
    return objs


def _platform_objects(t: Target, cc: str, out_dir: Path, harness: bool = True) -> list[Path]:
    """Platform objects for this target, reused while compiler, flags and sources are
    unchanged (the cache key covers all three)."""
    sources = platform_sources(t, harness)
    key = hashlib.sha256()
    key.update("\0".join([cc, *t.all_cflags]).encode())
    for path in sorted({*sources, *PLATFORM_DIR.glob("*.h")}):
        key.update(path.name.encode())
        key.update(path.read_bytes())
    cache = out_dir / f"platform-{t.name}-{key.hexdigest()[:12]}"
    objs = [cache / f"{src.stem}.o" for src in sources]
    if not all(o.is_file() for o in objs):
        flags = [*t.all_cflags, *(f"-I{d}" for d in platform_include_dirs())]
        _compile_many(t, cc, list(zip(sources, objs, strict=True)), flags)
    return objs


def build_program(
    target: str | Target,
    sources: Sequence[PathLike],
    include_dirs: Iterable[PathLike],
    out_dir: PathLike,
    defines: Iterable[str] = (),
    *,
    name: str | None = None,
    objects: Sequence[PathLike] = (),
    harness: bool = True,
    cache: ObjectCache | None = None,
) -> Path:
    """Compile sources and link them with the platform layer into one program.

    Returns ``<out_dir>/<name>.<target>.elf`` for Cortex-M targets (a map file sits
    beside it) or ``<out_dir>/<name>.host`` for the host. ``name`` defaults to the first
    source's stem. ``objects`` are compiled objects or static libraries linked after the
    sources (the kernel library under test, compiled once per target); ``cache`` as for
    compile_objects. ``harness=False`` links only the board layer (board_sources): for a
    program with its own output. Raises ToolMissing
    if the compiler (or newlib) is absent and CompileError, with the compiler's stderr, if compiling or linking fails.
    """
    t = get_target(target)
    if not sources:
        raise ValueError("build_program needs at least one source file")
    cc = find_tool(t.cc)
    out = Path(out_dir).resolve()
    program = name or Path(sources[0]).stem
    defines = list(defines)
    user_objs = compile_objects(t, sources, include_dirs, out / f"{program}.{t.name}.obj", defines, cache)
    objs = [*_platform_objects(t, cc, out, harness), *user_objs, *(Path(o) for o in objects)]
    if t.is_host:
        exe = out / f"{program}.host"
        link = [cc, *t.all_cflags, *map(str, objs), "-o", str(exe)]
    else:
        exe = out / f"{program}.{t.name}.elf"
        script = linker_script_for(t, out)
        link = [
            cc,
            *t.all_cflags,
            *t.ldflags,
            f"-L{CORTEXM_DIR}",
            f"-L{script.parent}",
            "-T",
            str(script),
            f"-Wl,-Map={exe.with_suffix('.map')}",
            *map(str, objs),
            "-o",
            str(exe),
        ]
    _run_tool(f"linking {exe.name}", link, t)
    return exe


# Float helpers: AEABI names and the generic libgcc soft-float routines.
_FLOAT_HELPER = re.compile(
    r"""^(
        __aeabi_[fd]\w+                      # __aeabi_fadd, __aeabi_dmul, __aeabi_f2iz, ...
      | __aeabi_u?[il]2[fd]                  # __aeabi_i2f, __aeabi_ui2d, __aeabi_l2f, ...
      | __(add|sub|mul|div|neg)[sdtx]f3
      | __float(un)?[sdt]i[sdtx]f            # int -> float
      | __fix(uns)?[sdtx]f[sdt]i             # float -> int
      | __(extend|trunc)[sdtx]f[sdtx]f2
      | __(eq|ne|lt|le|gt|ge|unord|cmp)[sdtx]f2
      | __powi[sdtx]f2
    )$""",
    re.VERBOSE,
)
# 64-bit integer helpers: AEABI long-long routines and libgcc's DImode ones.
_INT64_HELPER = re.compile(
    r"^(__aeabi_(lmul|ldivmod|uldivmod|llsl|llsr|lasr|lcmp|ulcmp)|__[a-z]+di[234])$"
)


def is_soft_helper(symbol: str) -> bool:
    """True for a floating-point or 64-bit integer runtime helper symbol."""
    return bool(_FLOAT_HELPER.match(symbol) or _INT64_HELPER.match(symbol))


def _elf_kind(path: Path) -> str:
    """'relocatable' (object or archive) or 'executable'; ValueError otherwise."""
    with path.open("rb") as f:
        head = f.read(18)
    if head.startswith(b"!<arch>\n"):
        return "relocatable"
    if head[:4] != b"\x7fELF" or len(head) < 18:
        raise ValueError(f"{path} is not an ELF object, archive or executable")
    e_type = int.from_bytes(head[16:18], "little" if head[5] == 1 else "big")
    return "relocatable" if e_type == 1 else "executable"


def _as_paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    result = [Path(p) for p in paths]
    if not result:
        raise ValueError("no files given")
    return result


def check_no_soft_helpers(elf_or_objects: PathLike | Iterable[PathLike]) -> list[str]:
    """Sorted names of float and 64-bit helpers the given files depend on.

    For objects and archives: the helpers they reference but do not define (what a
    kernel would pull from libgcc). For a linked ELF: the helpers present in it. Run it
    on kernel objects, not on the harness or libc. An empty list means clean.
    """
    nm = find_tool("arm-none-eabi-nm")
    found: set[str] = set()
    for path in _as_paths(elf_or_objects):
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found")
        wanted = {"U"} if _elf_kind(path) == "relocatable" else {"T", "t", "W", "w"}
        proc = subprocess.run(
            [nm, "-P", str(path)], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise CompileError(f"reading symbols of {path}", [nm, "-P", str(path)], proc.stderr)
        for line in proc.stdout.splitlines():
            fields = line.split()
            if len(fields) >= 2 and fields[1] in wanted and is_soft_helper(fields[0]):
                found.add(fields[0])
    return sorted(found)


def code_size(objs_or_elf: PathLike | Iterable[PathLike]) -> dict[str, int]:
    """Total text, data and bss bytes of the given objects, archives or ELF
    (arm-none-eabi-size, Berkeley format)."""
    size = find_tool("arm-none-eabi-size")
    files = [str(p) for p in _as_paths(objs_or_elf)]
    command = [size, "-B", "-t", *files]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise CompileError("measuring code size", command, proc.stderr)
    totals = proc.stdout.strip().splitlines()[-1].split()
    return {"text": int(totals[0]), "data": int(totals[1]), "bss": int(totals[2])}
