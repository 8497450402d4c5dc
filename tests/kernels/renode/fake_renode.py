"""A stand-in for Renode's `renode-test`, for tests on machines without Renode.

It takes the command line tintin's run_renode builds (robot file, `-r DIR`, `--variable
NAME:VALUE` pairs), checks what real renode-test would need (the robot file, the ELF and the
platform exist), and then, depending on FAKE_RENODE_MODE:

- "replay" (default): writes the recorded UART log FAKE_RENODE_LOG to the UART_FILE it was
  given, as Renode's CreateFileBackend does, and exits 0 when the log has the pass line, 1
  otherwise (the robot fails at once on the fail line);
- "hang": writes the log's first FAKE_RENODE_LINES lines (no verdict) and exits 1, as the robot
  does when its virtual-time wait for a verdict runs out;
- "stuck": writes those lines, starts a child process (Renode's Mono process stands in) whose
  pid goes to FAKE_RENODE_CHILD, and never exits: the wall-clock timeout must kill both;
- "qemu": runs the ELF on qemu-system-arm FAKE_RENODE_MACHINE and writes the program's
  semihosting output to UART_FILE (an emulator standing in for Renode's).

What was checked against real Renode 1.14.0 (tests/kernels/renode/README.md): the UART file
holds exactly the program's lines (uart-*.log), `-r DIR` puts the Robot logs in DIR, and the
program reaches its verdict in about 1.5 s of virtual time. The exit status 1 on a failed test
is renode-test's usual failure status, not a recorded fact; run_renode reads the verdict from
the UART file, not from the exit status, except that a pass also needs exit status 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

PASS_LINE = "~~~ALL TESTS PASSED~~~"


def main(argv: list[str]) -> int:
    robot, results, variables = Path(argv[0]), None, {}
    rest = argv[1:]
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == "-r":
            results = Path(value)
        elif flag == "--variable":
            key, _, val = value.partition(":")
            variables[key] = val
        else:
            print(f"fake renode-test: unexpected argument {flag}", file=sys.stderr)
            return 2
    assert robot.is_file() and robot.suffix == ".robot", robot
    assert results is not None, "no -r DIR"
    assert Path(variables["ELF"]).is_file(), variables["ELF"]
    platform = variables["PLATFORM"]
    assert platform.startswith("@") and Path(platform[1:]).is_file(), platform
    results.mkdir(parents=True, exist_ok=True)
    (results / "robot_output.xml").write_text("<robot/>\n")
    uart = Path(variables["UART_FILE"])
    mode = os.environ.get("FAKE_RENODE_MODE", "replay")
    print(f"Running {robot.name} ({mode})")
    if mode == "qemu":
        proc = subprocess.run(["qemu-system-arm", "-M", os.environ["FAKE_RENODE_MACHINE"], "-nographic",
                               "-monitor", "none", "-serial", "none", "-semihosting-config",
                               "enable=on,target=native", "-kernel", variables["ELF"]],
                              capture_output=True, text=True, timeout=120, check=False)
        uart.write_text(proc.stderr)
        return 0 if PASS_LINE in proc.stderr.splitlines() else 1
    lines = Path(os.environ["FAKE_RENODE_LOG"]).read_text().splitlines(keepends=True)
    if mode == "replay":
        uart.write_text("".join(lines))
        return 0 if PASS_LINE in (line.strip() for line in lines) else 1
    uart.write_text("".join(lines[: int(os.environ.get("FAKE_RENODE_LINES", "5"))]))
    if mode == "hang":
        return 1
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    Path(os.environ["FAKE_RENODE_CHILD"]).write_text(str(child.pid))
    time.sleep(600)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
