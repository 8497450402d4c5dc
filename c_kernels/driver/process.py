"""Running one program's process: the RunResult record, a run under a wall-clock timeout,
and a run that ends as soon as the program prints its verdict line (for runners such as a
debug probe, whose command does not exit when the program is done). Every run is in its own
process group, and the whole group is killed when the run is over, so no emulator, debugger
or child of a wrapper outlives it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Mirrors tt_platform.h.
EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_ERROR = 2
EXIT_FAULT = 3

PASS_LINE = "~~~ALL TESTS PASSED~~~"
FAIL_LINE = "~~~SOME TESTS FAILED~~~"


@dataclass(frozen=True)
class RunResult:
    """What one run produced. status is None when the program was killed or never ran.
    note: what the runner adds to a run that did not pass (e.g. the last line printed)."""

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
    note: str = ""

    @property
    def output(self) -> str:
        """stdout then stderr."""
        return self.stdout + self.stderr

    @property
    def faulted(self) -> bool:
        return self.status == EXIT_FAULT

    @property
    def fault_lines(self) -> tuple[str, ...]:
        return lines_starting(self.output, "FAULT ")

    def describe(self) -> str:
        """A readable account for assertion messages."""
        state = "timed out" if self.timed_out else f"exit status {self.status}"
        return (
            f"$ {' '.join(self.command)}\n{state}, passed={self.passed}\n"
            f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"
        )


def lines_starting(text: str, prefix: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip().startswith(prefix))


def last_line(text: str) -> str:
    """The last non-empty line, or ''."""
    return next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")


def skipped_result(reason: str) -> RunResult:
    return RunResult(status=None, stdout="", stderr="", passed=False, timed_out=False, summary_lines=(),
                     mismatch_lines=(), skipped=True, skip_reason=reason)


def make_result(
    command: Sequence[str],
    status: int | None,
    stdout: str,
    stderr: str,
    timed_out: bool,
    duration_s: float,
    note: str = "",
) -> RunResult:
    """A result whose verdict is the exit status AND the pass line."""
    text = stdout + stderr
    lines = {line.strip() for line in text.splitlines()}
    if timed_out and not note and last_line(text):
        note = f"last line printed: {last_line(text)}"
    return RunResult(
        status=status,
        stdout=stdout,
        stderr=stderr,
        passed=status == EXIT_PASS and not timed_out and PASS_LINE in lines,
        timed_out=timed_out,
        summary_lines=lines_starting(text, "SUMMARY "),
        mismatch_lines=lines_starting(text, "MISMATCH "),
        command=tuple(command),
        duration_s=duration_s,
        note=note,
    )


def kill_group(pid: int) -> None:
    """SIGKILL a run's whole process group (it may already be gone)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _popen(command: Sequence[str], cwd: Path | None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=cwd, start_new_session=True)


def run_with_timeout(command: Sequence[str], timeout_s: float, cwd: Path | None = None) -> RunResult:
    """Run in a new process group; on timeout kill that whole group (QEMU, or a wrapper and its
    children) and report timed_out. The group is killed after a normal exit too: a child that
    outlived its parent (Renode's Mono process under renode-test) does not survive the run."""
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s}")
    start = time.monotonic()
    proc = _popen(command, cwd)
    try:
        out, err = proc.communicate(timeout=timeout_s)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        out, err = proc.communicate()
        timed_out = True
    finally:
        kill_group(proc.pid)
    status = None if timed_out else proc.returncode
    return make_result(command, status, out.decode(errors="replace"), err.decode(errors="replace"),
                       timed_out, time.monotonic() - start)


def run_until_verdict(command: Sequence[str], timeout_s: float, cwd: Path | None = None) -> RunResult:
    """Run a command that passes the program's output through on stdout or stderr and may never
    exit by itself (a debugger holding a board). The run ends at the first verdict line, when
    the command exits, or at the timeout; then the process group is killed. The verdict line,
    not the command's exit status, says whether the program passed."""
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s}")
    start = time.monotonic()
    proc = _popen(command, cwd)
    chunks: dict[str, list[str]] = {"stdout": [], "stderr": []}
    verdict: list[str] = []
    seen = threading.Event()

    def pump(stream: IO[bytes], key: str) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace")
            chunks[key].append(line)
            if line.strip() in (PASS_LINE, FAIL_LINE) and not verdict:
                verdict.append(line.strip())
                seen.set()
        stream.close()

    assert proc.stdout is not None and proc.stderr is not None
    pumps = [threading.Thread(target=pump, args=(proc.stdout, "stdout"), daemon=True),
             threading.Thread(target=pump, args=(proc.stderr, "stderr"), daemon=True)]
    for p in pumps:
        p.start()
    deadline = start + timeout_s
    while not seen.is_set() and proc.poll() is None and time.monotonic() < deadline:
        seen.wait(0.05)
    exited = proc.poll() is not None
    kill_group(proc.pid)
    proc.wait()
    for p in pumps:
        p.join(timeout=5)
    out, err = "".join(chunks["stdout"]), "".join(chunks["stderr"])
    if verdict:
        status: int | None = EXIT_PASS if verdict[0] == PASS_LINE else EXIT_FAIL
        timed_out = False
    else:
        timed_out = not exited
        status = proc.returncode if exited else None
    return make_result(command, status, out, err, timed_out, time.monotonic() - start)
