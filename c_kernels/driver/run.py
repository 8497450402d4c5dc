"""Run built test programs: natively for the host, under QEMU for Cortex-M, under Renode
where it is installed. Every run has a timeout; nothing here can hang.

A program passes when it exits with status 0 AND printed the pass line. Semihosting
output (SYS_WRITE0) arrives on QEMU's stderr, so both streams are captured and parsed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .build import TOOL_PACKAGES, PathLike, ToolMissing, find_tool
from .targets import Target, get_target

# Mirrors tt_platform.h.
EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_ERROR = 2
EXIT_FAULT = 3

PASS_LINE = "~~~ALL TESTS PASSED~~~"
FAIL_LINE = "~~~SOME TESTS FAILED~~~"

RENODE_DIR = Path(__file__).resolve().parent.parent / "renode"
RENODE_ROBOT = RENODE_DIR / "tintin_m4.robot"
RENODE_SKIP_REASON = (
    "renode-test not on PATH (Renode is not installable from this machine's registries; "
    "install it from its release tarball/.deb to run these)"
)


@dataclass(frozen=True)
class RunResult:
    """What one run produced. status is None when the program was killed or never ran."""

    status: int | None
    stdout: str
    stderr: str
    passed: bool
    timed_out: bool
    summary_lines: tuple[str, ...]
    mismatch_lines: tuple[str, ...]
    command: tuple[str, ...] = ()
    duration_s: float = 0.0
    skipped: bool = False
    skip_reason: str = ""

    @property
    def output(self) -> str:
        """stdout then stderr."""
        return self.stdout + self.stderr

    @property
    def faulted(self) -> bool:
        return self.status == EXIT_FAULT

    @property
    def fault_lines(self) -> tuple[str, ...]:
        return _lines_starting(self.output, "FAULT ")

    def describe(self) -> str:
        """A readable account for assertion messages."""
        state = "timed out" if self.timed_out else f"exit status {self.status}"
        return (
            f"$ {' '.join(self.command)}\n{state}, passed={self.passed}\n"
            f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"
        )


def _lines_starting(text: str, prefix: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip().startswith(prefix))


def _result(
    command: list[str],
    status: int | None,
    stdout: str,
    stderr: str,
    timed_out: bool,
    duration_s: float,
) -> RunResult:
    text = stdout + stderr
    lines = {line.strip() for line in text.splitlines()}
    return RunResult(
        status=status,
        stdout=stdout,
        stderr=stderr,
        passed=status == EXIT_PASS and not timed_out and PASS_LINE in lines,
        timed_out=timed_out,
        summary_lines=_lines_starting(text, "SUMMARY "),
        mismatch_lines=_lines_starting(text, "MISMATCH "),
        command=tuple(command),
        duration_s=duration_s,
    )


def _run_with_timeout(command: list[str], timeout_s: float, cwd: Path | None = None) -> RunResult:
    """Run in a new process group; on timeout kill that whole group (QEMU, or a wrapper
    and its children) and report timed_out."""
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s}")
    start = time.monotonic()
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout_s)
        timed_out = False
    except subprocess.TimeoutExpired:
        # The group may already be gone if the program exited right at the deadline.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        timed_out = True
    status = None if timed_out else proc.returncode
    return _result(
        command,
        status,
        out.decode(errors="replace"),
        err.decode(errors="replace"),
        timed_out,
        time.monotonic() - start,
    )


def qemu_command(target: str | Target, elf: PathLike) -> list[str]:
    """The qemu-system-arm command line that runs a Cortex-M ELF for this target."""
    t = get_target(target)
    if t.is_host or t.qemu_machine is None:
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


def run_program(target: str | Target, elf: PathLike, timeout_s: float = 30.0) -> RunResult:
    """Run a program built by build.build_program for `target`.

    Host programs run directly; Cortex-M ELFs run on the target's QEMU board. Raises
    ToolMissing if qemu-system-arm is absent, FileNotFoundError if the program is.
    """
    t = get_target(target)
    path = Path(elf).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"program not found: {path}")
    command = [str(path)] if t.is_host else qemu_command(t, path)
    return _run_with_timeout(command, timeout_s)


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


def run_renode(elf: PathLike, timeout_s: float = 120.0) -> RunResult:
    """Run a Cortex-M4 ELF on the Renode platform in c_kernels/renode/ through its Robot
    test, which passes when the program prints the pass line.

    Without renode-test on PATH, returns a result with skipped=True and the reason.
    """
    path = Path(elf).resolve()
    if shutil.which("renode-test") is None:
        return RunResult(
            status=None,
            stdout="",
            stderr="",
            passed=False,
            timed_out=False,
            summary_lines=(),
            mismatch_lines=(),
            skipped=True,
            skip_reason=RENODE_SKIP_REASON,
        )
    if not path.is_file():
        raise FileNotFoundError(f"program not found: {path}")
    command = ["renode-test", str(RENODE_ROBOT), "--variable", f"ELF:{path}"]
    # Robot writes its logs into the working directory: keep them out of the tree.
    with tempfile.TemporaryDirectory(prefix="tintin-renode-") as work:
        raw = _run_with_timeout(command, timeout_s, cwd=Path(work))
    # renode-test exits 0 only when the Robot test saw the pass line.
    passed = raw.status == 0 and not raw.timed_out
    return RunResult(
        status=raw.status,
        stdout=raw.stdout,
        stderr=raw.stderr,
        passed=passed,
        timed_out=raw.timed_out,
        summary_lines=raw.summary_lines,
        mismatch_lines=raw.mismatch_lines,
        command=raw.command,
        duration_s=raw.duration_s,
    )


__all__ = [
    "EXIT_ERROR",
    "EXIT_FAIL",
    "EXIT_FAULT",
    "EXIT_PASS",
    "FAIL_LINE",
    "PASS_LINE",
    "RENODE_SKIP_REASON",
    "RunResult",
    "TOOL_PACKAGES",
    "ToolMissing",
    "qemu_command",
    "run_program",
    "run_renode",
    "which_tools",
]
