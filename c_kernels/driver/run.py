"""Run built test programs: natively for the host, under QEMU, under Renode where it is
installed (renode.py), or through a target file's own command line (real hardware). Every run
has a timeout and its own process group; nothing here can hang or leave a process behind.

A program passes when it exits with status 0 AND printed the pass line. Semihosting
output (SYS_WRITE0) arrives on QEMU's stderr, so both streams are captured and parsed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .build import TOOL_PACKAGES, PathLike, ToolMissing, find_tool
from .process import (
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_FAULT,
    EXIT_PASS,
    FAIL_LINE,
    PASS_LINE,
    RunResult,
    run_until_verdict,
    run_with_timeout,
)
from .renode import RENODE_DIR, RENODE_ROBOT, RENODE_SKIP_REASON, run_renode
from .targets import Target, get_target


def qemu_command(target: str | Target, elf: PathLike) -> list[str]:
    """The qemu-system-arm command line that runs a Cortex-M ELF for this target."""
    t = get_target(target)
    if t.runner != "qemu" or t.qemu_machine is None:
        raise ValueError(f"target {t.name!r} does not run under QEMU")
    qemu = find_tool("qemu-system-arm")
    cpu = ["-cpu", t.qemu_cpu] if t.qemu_cpu else []
    return [
        qemu,
        "-M",
        t.qemu_machine,
        *cpu,
        "-nographic",
        "-monitor",
        "none",
        "-serial",
        "none",
        "-semihosting-config",
        "enable=on,target=native",
        "-kernel",
        str(elf),
    ]


def command_line(target: str | Target, elf: PathLike) -> list[str]:
    """A target file's runner command with {elf} replaced by the program's path."""
    t = get_target(target)
    if t.runner != "command":
        raise ValueError(f"target {t.name!r} has no runner command")
    return [part.replace("{elf}", str(elf)) for part in t.command]


def run_program(target: str | Target, elf: PathLike, timeout_s: float = 30.0) -> RunResult:
    """Run a program built by build.build_program for `target` (or for the target whose
    build it shares) with the target's runner.

    Host programs run directly; QEMU targets on their board; Renode targets under
    renode-test (skipped, with the reason, when Renode is absent); "command" targets through
    their command line until the program's verdict line. Raises ToolMissing if
    qemu-system-arm is absent, FileNotFoundError if the program is.
    """
    t = get_target(target)
    path = Path(elf).resolve()
    if t.runner == "renode":
        return run_renode(t, path, timeout_s)
    if not path.is_file():
        raise FileNotFoundError(f"program not found: {path}")
    if t.runner == "command":
        return run_until_verdict(command_line(t, path), timeout_s)
    command = [str(path)] if t.runner == "native" else qemu_command(t, path)
    return run_with_timeout(command, timeout_s)


def which_tools() -> dict[str, str | None]:
    """Path of each external tool the build and run steps use (None when missing), and
    of newlib-nano's libc (found through the cross compiler)."""
    names = [
        "gcc",
        "arm-none-eabi-gcc",
        "arm-none-eabi-nm",
        "arm-none-eabi-size",
        "qemu-system-arm",
        "renode",
        "renode-test",
    ]
    tools: dict[str, str | None] = {name: shutil.which(name) for name in names}
    tools["newlib"] = None
    if tools["arm-none-eabi-gcc"]:
        proc = subprocess.run(
            [tools["arm-none-eabi-gcc"], "-print-file-name=libc_nano.a"],
            capture_output=True,
            text=True,
            check=False,
        )
        candidate = proc.stdout.strip()
        if proc.returncode == 0 and os.path.isabs(candidate) and os.path.isfile(candidate):
            tools["newlib"] = candidate
    return tools


__all__ = [
    "EXIT_ERROR",
    "EXIT_FAIL",
    "EXIT_FAULT",
    "EXIT_PASS",
    "FAIL_LINE",
    "PASS_LINE",
    "RENODE_DIR",
    "RENODE_ROBOT",
    "RENODE_SKIP_REASON",
    "RunResult",
    "TOOL_PACKAGES",
    "ToolMissing",
    "command_line",
    "qemu_command",
    "run_program",
    "run_renode",
    "which_tools",
]
