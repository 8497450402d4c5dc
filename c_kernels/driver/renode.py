"""Running a Cortex-M ELF under Renode: renode-test runs c_kernels/renode/tintin.robot, which
loads the target's platform (.repl) or script (.resc) and the ELF, saves the semihosting UART
to a file (CreateFileBackend) and ends the run at the first verdict line, failing at once on
the fail line. That file is the program's output: the same SUMMARY/MISMATCH lines QEMU gives,
read by the same parser.

Facts checked against Renode 1.14.0 (see docs/targets.md): the UART is
sysbus.cpu.semihostingUart; `renode-test -r DIR` puts the Robot logs in DIR; Renode deletes
every $TMPDIR/renode-* folder at start-up, so no folder of ours has that prefix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .build import PACKAGE_DIR, PathLike
from .process import (
    EXIT_ERROR,
    EXIT_FAIL,
    FAIL_LINE,
    PASS_LINE,
    RunResult,
    last_line,
    make_result,
    run_with_timeout,
    skipped_result,
)
from .target_file import RENODE_OWN_PREFIX
from .targets import Target, get_target

RENODE_DIR = PACKAGE_DIR / "renode"
RENODE_ROBOT = RENODE_DIR / "tintin.robot"
RENODE_TEST = "renode-test"
RENODE_SKIP_REASON = (
    "Renode is not installed (no renode-test on PATH): install Renode 1.14 or later from its release "
    "packages (https://github.com/renode/renode/releases: .deb/.rpm/portable tarball for Linux, .dmg for "
    "macOS, .msi for Windows) or with conda (conda install -c antmicro -c conda-forge renode), "
    "then put renode-test on PATH"
)
# Virtual seconds a program may run before the robot gives up waiting for a verdict line. The CI
# conformance program on the M4 prints its verdict after about 1.5 s of virtual time.
DEFAULT_VIRTUAL_S = 30.0
UART_NAME = "uart.log"
CONSOLE_NAME = "renode-test.log"


def renode_missing() -> str:
    """Why Renode targets cannot run here ('' when renode-test is on PATH)."""
    return "" if shutil.which(RENODE_TEST) else RENODE_SKIP_REASON


def work_dir(t: Target, elf: Path) -> Path:
    """Where one Renode run keeps its UART file and Robot logs: beside the ELF (never a
    renode-* name: Renode deletes $TMPDIR/renode-* folders it does not own)."""
    return elf.parent / f"{elf.stem}.{t.name}.run"


def renode_command(t: Target, elf: Path, work: Path) -> list[str]:
    """The renode-test command line for one program."""
    if t.renode_platform is None:
        raise ValueError(f"target {t.name!r} has no Renode platform")
    own = t.renode_platform.startswith(RENODE_OWN_PREFIX)
    platform = t.renode_platform.removeprefix(RENODE_OWN_PREFIX)
    variables = {
        "ELF": str(elf),
        "PLATFORM": f"@{platform}",
        "OWN_PLATFORM": "true" if own else "false",
        "SCRIPT": t.renode_script or "",
        "UART_FILE": str(work / UART_NAME),
        "NAME": f"tintin-{t.name}",
        "TIMEOUT": f"{t.virtual_time_s or DEFAULT_VIRTUAL_S:g}",
    }
    command = [RENODE_TEST, str(RENODE_ROBOT), "-r", str(work / "robot")]
    for key, value in variables.items():
        command += ["--variable", f"{key}:{value}"]
    return command


def renode_result(raw: RunResult, uart_text: str, virtual_s: float) -> RunResult:
    """The program's result from the UART file and renode-test's exit. stdout is what the
    program printed; renode-test's own console output is in the run folder, quoted in note."""
    lines = {line.strip() for line in uart_text.splitlines()}
    console = raw.stdout + raw.stderr
    said = last_line(console)
    printed = last_line(uart_text)
    note = ""
    timed_out = raw.timed_out
    if timed_out:
        status = None
        note = f"killed after {raw.duration_s:.0f} s of wall time" + (f"; last line printed: {printed}"
                                                                       if printed else "")
    elif FAIL_LINE in lines:
        status = EXIT_FAIL
    elif PASS_LINE in lines:
        status = raw.status
        if raw.status != 0:
            note = f"renode-test exit status {raw.status} after the pass line: {said}"
    elif printed:  # the program started and never printed a verdict: it hangs
        status, timed_out = None, True
        note = f"no verdict line within {virtual_s:g} s of virtual time; last line printed: {printed}"
    else:  # Renode stopped before the program printed anything
        status = raw.status if raw.status else EXIT_ERROR
        note = f"Renode ran no program (renode-test exit status {raw.status}): {said or 'no output'}"
    return make_result(raw.command, status, uart_text, "", timed_out, raw.duration_s, note=note)


def run_renode(target: str | Target, elf: PathLike, timeout_s: float = 120.0) -> RunResult:
    """Run a Cortex-M ELF on a Renode target through renode-test. Without renode-test on PATH,
    returns a result with skipped=True and RENODE_SKIP_REASON."""
    t = get_target(target)
    reason = renode_missing()
    if reason:
        return skipped_result(reason)
    path = Path(elf).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"program not found: {path}")
    work = work_dir(t, path)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    raw = run_with_timeout(renode_command(t, path, work), timeout_s, cwd=work)
    (work / CONSOLE_NAME).write_text(raw.stdout + raw.stderr)
    uart = work / UART_NAME
    uart_text = uart.read_text(errors="replace") if uart.is_file() else ""
    return renode_result(raw, uart_text, t.virtual_time_s or DEFAULT_VIRTUAL_S)
