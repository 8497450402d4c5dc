"""Target files: a target described as data (TOML), read into a targets.Target.

The built-in targets are such files (c_kernels/targets/*.toml) and a user's board is one
more (`tintin conformance --target-file board.toml`). The format is documented, with a
commented example, in docs/targets.md. Every problem is one TargetFileError line naming the
file, the field and what is wrong.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .target_record import KIB, MIB, MemoryRegion, Target

KINDS = ("host", "cortex-m")
RUNNERS = {"host": ("native", "command"), "cortex-m": ("qemu", "renode", "command")}
# A [run] platform of this form names one of Renode's own platform files (resolved by Renode).
RENODE_OWN_PREFIX = "renode:"

# The project's flags for each kind; a file's `cflags` replaces them, `extra_cflags` adds to them.
# Cortex-M: -mfloat-abi comes from `float_abi` (soft by default), so any float operation in a
# kernel shows up as an __aeabi_f*/__aeabi_d* call that build.check_no_soft_helpers finds.
PROJECT_CFLAGS: dict[str, tuple[str, ...]] = {
    "cortex-m": ("-std=c99", "-Os", "-mthumb", "-ffunction-sections", "-fdata-sections",
                 "-Wall", "-Wextra", "-Werror", "-g"),
    "host": ("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-g", "-fno-omit-frame-pointer",
             "-fsanitize=address,undefined", "-fno-sanitize-recover=all"),
}
# -nostartfiles: startup.c/vectors.S replace crt0. newlib-nano supplies memcpy/memset if the
# compiler emits them; nothing in the platform needs stdio or malloc.
PROJECT_LDFLAGS: dict[str, tuple[str, ...]] = {
    "cortex-m": ("-nostartfiles", "--specs=nano.specs", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments"),
    "host": (),
}
PROJECT_CC = {"cortex-m": "arm-none-eabi-gcc", "host": "gcc"}
DEFAULT_STACK = 64 * KIB

_TOP_KEYS = {"name", "kind", "notes", "build", "compiler", "memory", "startup", "run"}
_COMPILER_KEYS = {"cc", "cflags", "extra_cflags", "ldflags", "cpu", "fpu", "float_abi", "defines"}
_MEMORY_KEYS = {"linker_script", "flash", "ram", "stack"}
_RUN_KEYS = {
    "native": {"runner", "timeout"},
    "qemu": {"runner", "machine", "cpu", "timeout"},
    "renode": {"runner", "platform", "script", "timeout", "virtual_time"},
    "command": {"runner", "command", "timeout"},
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
_SIZE = re.compile(r"^(\d+)\s*([KM]?)$")
_DEFINE = re.compile(r"^[A-Za-z_]\w*(=\S*)?$")


class TargetFileError(ValueError):
    """A target file that cannot be used: the message is one line, FILE: FIELD: PROBLEM."""


class _Reader:
    """Typed access to one file's tables; every failure names the file and the field."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field: str, problem: str) -> TargetFileError:
        return TargetFileError(f"target file {self.path}: {field}: {problem}")

    def table(self, data: Mapping[str, Any], key: str, allowed: set[str]) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "expected a table")
        self.no_unknown(value, allowed, key + ".")
        return value

    def no_unknown(self, data: Mapping[str, Any], allowed: set[str], prefix: str = "") -> None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise self.fail(prefix + unknown[0], f"unknown field (expected one of: {', '.join(sorted(allowed))})")

    def string(self, data: Mapping[str, Any], key: str, field: str, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(field, f"expected a non-empty string, got {value!r}")
        return value

    def strings(self, data: Mapping[str, Any], key: str, field: str) -> tuple[str, ...] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(field, f"expected a list of non-empty strings, got {value!r}")
        return tuple(value)

    def number(self, data: Mapping[str, Any], key: str, field: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise self.fail(field, f"expected a positive number of seconds, got {value!r}")
        return float(value)

    def size(self, value: Any, field: str) -> int:
        """A byte count: an integer, or a string such as "256K" or "4M"."""
        if isinstance(value, bool):
            raise self.fail(field, f"expected a size in bytes, got {value!r}")
        if isinstance(value, int):
            n = value
        elif isinstance(value, str) and (m := _SIZE.match(value.strip())):
            n = int(m[1]) * {"": 1, "K": KIB, "M": MIB}[m[2]]
        else:
            raise self.fail(field, f'expected bytes as an integer or a string like "256K" or "4M", got {value!r}')
        if n <= 0 or n % 4:
            raise self.fail(field, f"expected a positive multiple of 4 bytes, got {n}")
        return n

    def region(self, data: Mapping[str, Any], key: str) -> MemoryRegion | None:
        value = data.get(key)
        if value is None:
            return None
        field = f"memory.{key}"
        if not isinstance(value, dict):
            raise self.fail(field, "expected a table { origin = 0x..., length = ... }")
        self.no_unknown(value, {"origin", "length"}, field + ".")
        origin = value.get("origin")
        if isinstance(origin, bool) or not isinstance(origin, int) or not 0 <= origin < 2**32 or origin % 4:
            raise self.fail(field + ".origin", f"expected a 4-byte aligned 32-bit address, got {origin!r}")
        if "length" not in value:
            raise self.fail(field + ".length", "missing")
        length = self.size(value["length"], field + ".length")
        if origin + length > 2**32:
            raise self.fail(field, f"{origin:#x} + {length:#x} runs past the 32-bit address space")
        return MemoryRegion(origin, length)

    def file(self, value: str, field: str) -> str:
        """A path relative to the target file, which must exist; returned absolute."""
        path = (self.path.parent / value).resolve()
        if not path.is_file():
            raise self.fail(field, f"no such file {path}")
        return str(path)


def _flag(r: _Reader, field: str, value: str | None, pattern: str) -> str | None:
    if value is not None and not re.fullmatch(pattern, value):
        raise r.fail(field, f"{value!r} is not a valid value")
    return value


def _defines(r: _Reader, compiler: Mapping[str, Any]) -> tuple[str, ...]:
    defines = r.strings(compiler, "defines", "compiler.defines") or ()
    for d in defines:
        if not _DEFINE.match(d.removeprefix("-D")):
            raise r.fail("compiler.defines", f"bad define {d!r}: expected NAME or NAME=VALUE")
    return tuple(d.removeprefix("-D") for d in defines)


def _check_overlap(r: _Reader, flash: MemoryRegion, ram: MemoryRegion) -> None:
    if flash.origin < ram.end and ram.origin < flash.end:
        raise r.fail("memory", f"flash {flash.origin:#x}+{flash.length:#x} overlaps "
                     f"ram {ram.origin:#x}+{ram.length:#x}")


def _run_fields(r: _Reader, kind: str, run: Mapping[str, Any]) -> dict[str, Any]:
    runner = r.string(run, "runner", "run.runner", "native" if kind == "host" else None)
    if runner is None:
        raise r.fail("run.runner", f"missing (one of: {', '.join(RUNNERS[kind])})")
    if runner not in RUNNERS[kind]:
        raise r.fail("run.runner", f"{runner!r} cannot run a {kind} target (one of: {', '.join(RUNNERS[kind])})")
    r.no_unknown(run, _RUN_KEYS[runner], "run.")
    out: dict[str, Any] = {"runner": runner, "timeout_s": r.number(run, "timeout", "run.timeout")}
    if runner == "qemu":
        out["qemu_machine"] = r.string(run, "machine", "run.machine")
        if out["qemu_machine"] is None:
            raise r.fail("run.machine", "missing: the qemu-system-arm -M board, e.g. mps2-an386")
        out["qemu_cpu"] = r.string(run, "cpu", "run.cpu")
    elif runner == "renode":
        platform = r.string(run, "platform", "run.platform")
        if platform is None:
            raise r.fail("run.platform", f"missing: a .repl file, or {RENODE_OWN_PREFIX}platforms/... for Renode's own")
        if platform.startswith(RENODE_OWN_PREFIX):
            out["renode_platform"] = platform
        else:
            out["renode_platform"] = r.file(platform, "run.platform")
        script = r.string(run, "script", "run.script")
        out["renode_script"] = r.file(script, "run.script") if script else None
        out["virtual_time_s"] = r.number(run, "virtual_time", "run.virtual_time")
    elif runner == "command":
        command = run.get("command")
        if isinstance(command, str):
            try:
                command = shlex.split(command)
            except ValueError as exc:
                raise r.fail("run.command", f"cannot split {command!r}: {exc}") from None
        if not isinstance(command, list) or not command or not all(isinstance(c, str) for c in command):
            raise r.fail("run.command", 'expected a command line, e.g. ["pyocd", "...", "{elf}"]')
        if not any("{elf}" in c for c in command):
            raise r.fail("run.command", "has no {elf} placeholder for the program to run")
        out["command"] = tuple(command)
    return out


def target_from_data(data: Mapping[str, Any], path: Path,
                     lookup: Callable[[str], Target | None] = lambda name: None) -> Target:
    """A Target from a parsed file; `lookup` finds the target a `build = "..."` names."""
    r = _Reader(path)
    r.no_unknown(data, _TOP_KEYS)
    name = r.string(data, "name", "name")
    if name is None or not _NAME.match(name):
        raise r.fail("name", f"expected a name of letters, digits and _.+- (got {name!r})")
    notes = r.string(data, "notes", "notes") or ""
    build_name = r.string(data, "build", "build")
    run = r.table(data, "run", set().union(*_RUN_KEYS.values()))
    if build_name is not None:
        twin = lookup(build_name)
        if twin is None:
            raise r.fail("build", f"no target {build_name!r} to share the build of (a built-in, or an earlier file)")
        if twin.build is not None:
            raise r.fail("build", f"{build_name!r} shares the build of {twin.build!r}: name that one")
        own = sorted({"kind", "compiler", "memory", "startup"} & set(data))
        if own:
            raise r.fail(own[0], f"not allowed with build = {build_name!r}: the program is {build_name}'s")
        reset = {"qemu_machine": None, "qemu_cpu": None, "renode_platform": None, "renode_script": None,
                 "virtual_time_s": None, "command": (), "timeout_s": None}
        return dataclasses.replace(twin, **{**reset, **_run_fields(r, twin.kind, run)}, name=name, notes=notes,
                                   build=build_name, source=str(path))
    kind = r.string(data, "kind", "kind")
    if kind not in KINDS:
        raise r.fail("kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    compiler = r.table(data, "compiler", _COMPILER_KEYS)
    memory = r.table(data, "memory", _MEMORY_KEYS)
    cflags = r.strings(compiler, "cflags", "compiler.cflags")
    extra = r.strings(compiler, "extra_cflags", "compiler.extra_cflags") or ()
    ldflags = r.strings(compiler, "ldflags", "compiler.ldflags")
    fields: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "cc": r.string(compiler, "cc", "compiler.cc", PROJECT_CC[kind]),
        "cflags": (*(PROJECT_CFLAGS[kind] if cflags is None else cflags), *extra),
        "ldflags": PROJECT_LDFLAGS[kind] if ldflags is None else ldflags,
        "defines": _defines(r, compiler),
        "notes": notes,
        "source": str(path),
        **_run_fields(r, kind, run),
    }
    if kind == "host":
        for key in ("cpu", "fpu", "float_abi"):
            if key in compiler:
                raise r.fail(f"compiler.{key}", "only for cortex-m targets")
        if memory or "startup" in data:
            raise r.fail("memory" if memory else "startup", "only for cortex-m targets")
        return Target(**fields)
    fields["cpu"] = _flag(r, "compiler.cpu", r.string(compiler, "cpu", "compiler.cpu"), r"cortex-m[0-9a-z.+]+")
    if fields["cpu"] is None:
        raise r.fail("compiler.cpu", "missing: the -mcpu value, e.g. cortex-m4")
    fields["fpu"] = _flag(r, "compiler.fpu", r.string(compiler, "fpu", "compiler.fpu"), r"[a-z0-9.-]+")
    fields["float_abi"] = r.string(compiler, "float_abi", "compiler.float_abi", "soft")
    if fields["float_abi"] not in ("soft", "softfp", "hard"):
        raise r.fail("compiler.float_abi", f"expected soft, softfp or hard, got {fields['float_abi']!r}")
    script = r.string(memory, "linker_script", "memory.linker_script")
    fields["flash"], fields["ram"] = r.region(memory, "flash"), r.region(memory, "ram")
    if script is not None:
        fields["linker_script"] = r.file(script, "memory.linker_script")
        if "stack" in memory:
            raise r.fail("memory.stack", "set __stack_size in the linker script instead")
    elif fields["flash"] is None or fields["ram"] is None:
        raise r.fail("memory", "give linker_script, or both flash and ram { origin, length }")
    else:
        fields["stack_size"] = r.size(memory.get("stack", min(DEFAULT_STACK, fields["ram"].length // 4)),
                                      "memory.stack")
        if fields["stack_size"] >= fields["ram"].length:
            raise r.fail("memory.stack", f"{fields['stack_size']} bytes leave no RAM for data")
    if fields["flash"] is not None and fields["ram"] is not None:
        _check_overlap(r, fields["flash"], fields["ram"])
    startup = data.get("startup", "project")
    if startup != "project":
        if not isinstance(startup, list) or not startup or not all(isinstance(s, str) for s in startup):
            raise r.fail("startup", f'expected "project" or a list of source files, got {startup!r}')
        fields["startup"] = tuple(r.file(s, "startup") for s in startup)
    return Target(**fields)


def load_target_file(path: str | os.PathLike[str],
                     lookup: Callable[[str], Target | None] = lambda name: None) -> Target:
    """Read and check one target file."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetFileError(f"target file {p}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetFileError(f"target file {p}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TargetFileError(f"target file {p}: not valid TOML: {exc}") from None
    return target_from_data(data, p.resolve(), lookup)
