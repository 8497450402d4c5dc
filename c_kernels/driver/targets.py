"""The targets a C test program is built for and run on. Every target is a file of data
(format: docs/targets.md, reader: target_file.py): the built-in ones are the files in
c_kernels/targets/ (the host, six QEMU cores, and five Renode twins of the QEMU cores that run
the same ELFs), and a user adds their own with ``tintin conformance --target-file``.

The memory regions of the QEMU boards were read from QEMU 7.2.22 (``info mtree -f``) and
confirmed by running the platform self-test on each board; the linker scripts carry the same
numbers (a test keeps the two in step).
"""

from __future__ import annotations

from pathlib import Path

from .target_file import TargetFileError, load_target_file
from .target_record import KIB, MIB, MemoryRegion, Target

TARGETS_DIR = Path(__file__).resolve().parent.parent / "targets"
# The built-in target files, in report order (a test checks the folder holds exactly these).
BUILTIN_FILES: tuple[str, ...] = (
    "host",
    "m0plus",
    "m3",
    "m4",
    "m7",
    "m33",
    "m55",
    "renode-m0plus",
    "renode-m3",
    "renode-m4",
    "renode-m7",
    "renode-m33",
)


def _load_builtins() -> dict[str, Target]:
    loaded: dict[str, Target] = {}
    for stem in BUILTIN_FILES:
        t = load_target_file(TARGETS_DIR / f"{stem}.toml", loaded.get)
        if t.name != stem:
            raise TargetFileError(f"target file {TARGETS_DIR / stem}.toml: name: {t.name!r} differs from the file name")
        loaded[t.name] = t
    return loaded


TARGETS: dict[str, Target] = _load_builtins()
# Targets read from a user's files in this process (register_target); never a built-in name.
USER_TARGETS: dict[str, Target] = {}

HOST = TARGETS["host"]
# Cortex-M targets that build their own programs (a Renode twin runs its QEMU twin's ELFs).
CORTEX_M_TARGETS: tuple[str, ...] = tuple(n for n, t in TARGETS.items() if not t.is_host and t.build is None)
# What `--target all` runs, in report order.
ALL_TARGETS: tuple[str, ...] = tuple(TARGETS)
# The host and the Cortex-M targets that build their own programs; and the Renode twins.
BUILD_TARGETS: tuple[str, ...] = tuple(n for n, t in TARGETS.items() if t.build is None)
RENODE_TARGETS: tuple[str, ...] = tuple(n for n, t in TARGETS.items() if t.runner == "renode")


def find_target(name: str) -> Target | None:
    """A built-in or registered user target by name, or None."""
    return TARGETS.get(name) or USER_TARGETS.get(name)


def register_target(target: Target) -> Target:
    """Make a target read from a user's file known to get_target (a later file of the same
    name replaces it). A built-in name is a TargetFileError."""
    if target.name in TARGETS:
        raise TargetFileError(
            f"target file {target.source}: name: {target.name!r} is a built-in target; choose another name"
        )
    USER_TARGETS[target.name] = target
    return target


def get_target(target: str | Target) -> Target:
    """The Target for a name (a Target passes through); ValueError naming the choices."""
    if isinstance(target, Target):
        return target
    found = find_target(target)
    if found is None:
        raise ValueError(f"unknown target {target!r}; expected one of: {', '.join([*TARGETS, *USER_TARGETS])}")
    return found


def build_target(target: str | Target) -> Target:
    """The target whose build this one runs: itself, or the twin its file names in `build`."""
    t = get_target(target)
    return get_target(t.build) if t.build else t


__all__ = [
    "ALL_TARGETS",
    "BUILD_TARGETS",
    "CORTEX_M_TARGETS",
    "HOST",
    "KIB",
    "MIB",
    "RENODE_TARGETS",
    "TARGETS",
    "TARGETS_DIR",
    "MemoryRegion",
    "Target",
    "TargetFileError",
    "build_target",
    "find_target",
    "get_target",
    "register_target",
]
