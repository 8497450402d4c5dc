"""Exact instruction counts from QEMU execution traces, streamed (no log is stored).

QEMU models no cycles, but it can log every translated block (TB) it executes. Two modes:

- ``tb`` (default): ``-d in_asm,exec,nochain``. ``in_asm`` lists the guest instructions of
  each TB when it is translated; ``exec`` with ``nochain`` logs every execution of a TB
  (chaining off, so no execution bypasses the log). The count of a bracket is the sum, over
  the TB executions inside it, of the TB's instruction count. A TB is keyed by its PC and
  flags; a translation is always logged right before the first execution of that TB.
- ``singlestep``: ``-singlestep -d exec,nochain``: one instruction per TB, so one log line per
  executed instruction. Slower (one line per instruction) and used to cross-check ``tb``.

A *bracket* runs from the first instruction of the marker function ``tt_bench_begin``
(included) to the first instruction of ``tt_bench_end`` (excluded); the program prints one
``BENCH item=.. rep=.. status=.. stack=..`` line per bracket (c_kernels/bench/tt_bench.h).
An instruction whose condition fails (inside an IT block) is counted: it was issued.

The log reaches Python through a pipe (``-D /dev/fd/N``) and is parsed line by line as it
arrives; nothing is written to disk, whatever the length of the run.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tintin.kernels.driver.build import find_tool
from tintin.kernels.driver.run import qemu_command
from tintin.kernels.driver.targets import Target

BEGIN_SYMBOL = "tt_bench_begin"
END_SYMBOL = "tt_bench_end"
MODES = ("tb", "singlestep")

_BENCH_LINE = re.compile(r"^BENCH item=(\d+) rep=(\d+) status=(-?\d+) stack=(\d+)\s*$")


class CountError(RuntimeError):
    """The trace or the program's output cannot be turned into exact counts."""


@dataclass(frozen=True)
class Symbol:
    address: int
    size: int
    name: str


class SymbolTable:
    """Function symbols of an ELF (arm-none-eabi-nm), for addresses and PC -> function."""

    def __init__(self, elf: Path) -> None:
        nm = find_tool("arm-none-eabi-nm")
        proc = subprocess.run([nm, "-S", "-n", "--defined-only", str(elf)], capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            raise CountError(f"arm-none-eabi-nm failed on {elf}: {proc.stderr.strip()}")
        symbols: list[Symbol] = []
        for line in proc.stdout.splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[2] in ("T", "t", "W", "w"):
                symbols.append(Symbol(int(parts[0], 16) & ~1, int(parts[1], 16), parts[3]))
        symbols.sort(key=lambda s: s.address)
        self.symbols = symbols
        self._starts = [s.address for s in symbols]
        self.by_name = {s.name: s for s in symbols}

    def address(self, name: str) -> int:
        try:
            return self.by_name[name].address
        except KeyError:
            raise CountError(f"symbol {name} not found in the ELF") from None

    def function_at(self, pc: int) -> str:
        i = bisect.bisect_right(self._starts, pc) - 1
        if i >= 0:
            s = self.symbols[i]
            if pc < s.address + max(s.size, 2):
                return s.name
        return f"0x{pc:08x}"


class SourceMap:
    """Instruction address -> the chain of functions its code came from, innermost first, from
    the ELF's debug information (arm-none-eabi-addr2line -f -i): code the compiler inlined
    is attributed to the function it was written in."""

    def __init__(self, elf: Path, symbols: SymbolTable) -> None:
        self.elf = elf
        self.symbols = symbols
        self._chains: dict[int, tuple[str, ...]] = {}

    def chains(self, addresses: Iterable[int]) -> dict[int, tuple[str, ...]]:
        todo = sorted({a for a in addresses if a not in self._chains})
        tool = find_tool("arm-none-eabi-addr2line")
        for i in range(0, len(todo), 2000):
            batch = todo[i : i + 2000]
            proc = subprocess.run([tool, "-a", "-f", "-i", "-e", str(self.elf), *(f"0x{a:x}" for a in batch)],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise CountError(f"arm-none-eabi-addr2line failed: {proc.stderr.strip()}")
            current: int | None = None
            names: list[str] = []
            lines = proc.stdout.splitlines()
            k = 0
            while k < len(lines):
                line = lines[k].strip()
                if line.startswith("0x") and (k + 1 >= len(lines) or not lines[k + 1].startswith("0x")) and \
                        all(c in "0123456789abcdefx" for c in line):
                    if current is not None:
                        self._store(current, names)
                    current, names = int(line, 16), []
                    k += 1
                    continue
                names.append(line)
                k += 2  # function name, then file:line
            if current is not None:
                self._store(current, names)
        return {a: self._chains[a] for a in addresses}

    def _store(self, address: int, names: list[str]) -> None:
        known = tuple(n for n in names if n and n != "??")
        self._chains[address] = known or (self.symbols.function_at(address),)

    def attribute(self, per_address: dict[int, int], own: str) -> dict[str, int]:
        """Counts by source function: the real function an instruction belongs to, except that
        instructions of ``own`` are split by the function inlined directly into it."""
        chains = self.chains(per_address)
        out: dict[str, int] = {}
        for a, n in per_address.items():
            chain = chains[a]
            name = chain[-2] if chain[-1] == own and len(chain) > 1 else chain[-1]
            out[name] = out.get(name, 0) + n
        return out


@dataclass
class Bracket:
    """Instructions executed inside one bracket, in total and per function."""

    instructions: int
    per_function: dict[str, int]
    per_address: dict[int, int] = field(default_factory=dict)  # executions of each instruction address
    item: int = -1
    rep: int = -1
    status: int = 0
    stack: int = 0


@dataclass
class TraceRun:
    brackets: list[Bracket]
    mode: str
    trace_lines: int  # log lines streamed (not stored)
    trace_bytes: int
    seconds: float
    output: str
    status: int | None
    command: list[str] = field(default_factory=list)


def trace_command(target: Target, elf: Path, log_path: str, mode: str) -> list[str]:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    base = qemu_command(target, elf)
    kernel = base.index("-kernel")
    extra = ["-singlestep", "-d", "exec,nochain"] if mode == "singlestep" else ["-d", "in_asm,exec,nochain"]
    return [*base[:kernel], *extra, "-D", log_path, *base[kernel:]]


_KEY = re.compile(rb"^Trace [^\[\n]*\[[0-9a-f]{8}/([0-9a-f]{8}/[0-9a-f]{8})/", re.M)
_LISTING = re.compile(rb"^IN:", re.M)
_INSN = re.compile(rb"^0x([0-9a-f]{8}):", re.M)


class _Parser:
    """Turns the trace into brackets, a chunk at a time.

    Plain runs of Trace lines are counted at C speed (a regex ``findall`` into a Counter);
    only the rare events are handled one by one: a translation listing (its TB's size, keyed
    by the 'pc/flags' of the Trace line that follows it) and the two markers.
    """

    def __init__(self, begin_pc: int, end_pc: int, mode: str) -> None:
        self.begin = b"%08x" % begin_pc
        self.end = b"%08x" % end_pc
        self.marker = re.compile(rb"^Trace [^\[\n]*\[[0-9a-f]{8}/(%s|%s)/" % (self.begin, self.end), re.M)
        self.singlestep = mode == "singlestep"
        self.sizes: dict[bytes, int] = {}
        self.insns: dict[bytes, tuple[int, ...]] = {}  # instruction addresses of each block
        self.open: Counter[bytes] | None = None
        self.brackets: list[tuple[int, dict[bytes, int]]] = []
        self.nbytes = 0
        self.lines = 0
        self._rest = b""

    def feed(self, data: bytes, final: bool = False) -> None:
        """Parse the complete part of ``data`` (with what was held back before)."""
        buf = self._rest + data
        cut = len(buf) if final else buf.rfind(b"\n") + 1
        # a translation listing must be followed by its Trace line within the chunk
        last = buf.rfind(b"\nIN:", 0, cut)
        last = last + 1 if last >= 0 else (0 if buf.startswith(b"IN:") else -1)
        if last >= 0 and not final and buf.find(b"\nTrace ", last, cut) < 0:
            cut = last
        chunk, self._rest = buf[:cut], buf[cut:]
        self.nbytes += len(chunk)
        self.lines += chunk.count(b"\n")
        events = [(m.start(), 0, m) for m in _LISTING.finditer(chunk)]
        events += [(m.start(), 1, m) for m in self.marker.finditer(chunk)]
        events.sort(key=lambda e: e[0])
        cursor = 0
        for pos, kind, m in events:
            if pos < cursor:
                continue
            self._plain(chunk, cursor, pos)
            if kind == 0:
                cursor = self._listing(chunk, pos)
            else:
                self._marker(m.group(1))
                cursor = pos
                if m.group(1) == self.end:  # the end marker's line is not counted
                    cursor = chunk.find(b"\n", pos) + 1 or len(chunk)
        self._plain(chunk, cursor, len(chunk))
        if final and self.open is not None:
            raise CountError("the trace ended inside a bracket")

    def _plain(self, chunk: bytes, start: int, stop: int) -> None:
        if self.open is not None and stop > start:
            self.open.update(_KEY.findall(chunk, start, stop))

    def _listing(self, chunk: bytes, pos: int) -> int:
        stop = chunk.find(b"\nTrace ", pos)
        if stop < 0:
            raise CountError("a translation listing is not followed by its execution")
        stop += 1
        insns = _INSN.findall(chunk, pos, stop)
        m = _KEY.match(chunk, stop)
        if not insns or m is None:
            raise CountError(f"unreadable translation listing: {chunk[pos:stop][:200]!r}")
        key = m.group(1)
        if key[:8] != insns[0]:
            raise CountError(f"translated block at {insns[0]!r} was not the next executed ({key[:8]!r})")
        old = self.sizes.get(key)
        if old is not None and old != len(insns) and self.open and key in self.open:
            raise CountError(f"block {key!r} changed size inside a bracket ({old} -> {len(insns)})")
        self.sizes[key] = len(insns)
        self.insns[key] = tuple(int(a, 16) for a in insns)
        return stop

    def _marker(self, pc: bytes) -> None:
        if pc == self.begin:
            if self.open is not None:
                raise CountError("tt_bench_begin reached inside an open bracket")
            self.open = Counter()
            return
        if self.open is None:
            raise CountError("tt_bench_end reached with no open bracket")
        if self.singlestep:
            total = sum(self.open.values())
        else:
            missing = [k for k in self.open if k not in self.sizes]
            if missing:
                raise CountError(f"executed blocks with no translation listing: {missing[:3]}")
            total = sum(n * self.sizes[k] for k, n in self.open.items())
        self.brackets.append((total, dict(self.open)))
        self.open = None


def _bench_lines(output: str) -> list[tuple[int, int, int, int]]:
    found = []
    for line in output.splitlines():
        m = _BENCH_LINE.match(line.strip())
        if m:
            found.append(tuple(int(g) for g in m.groups()))
    return found  # type: ignore[return-value]


def _chunks(fd: int, size: int) -> Iterator[bytes]:
    with os.fdopen(fd, "rb") as f:
        while True:
            data = f.read(size)
            if not data:
                return
            yield data


def count_brackets(target: Target, elf: Path, mode: str = "tb", timeout_s: float = 600.0,
                   symbols: SymbolTable | None = None, chunk_bytes: int = 1 << 22) -> TraceRun:
    """Run ``elf`` on the target's QEMU board with tracing and return every bracket's exact count.

    Raises CountError when the program fails, faults, times out, or its BENCH lines do not
    match the brackets seen in the trace.
    """
    table = symbols or SymbolTable(elf)
    parser = _Parser(table.address(BEGIN_SYMBOL), table.address(END_SYMBOL), mode)
    read_fd, write_fd = os.pipe()
    command = trace_command(target, elf, f"/dev/fd/{write_fd}", mode)
    start = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            pass_fds=(write_fd,), start_new_session=True)
    os.close(write_fd)
    captured: dict[str, bytes] = {}

    def drain(name: str, stream: Iterable[bytes]) -> None:
        captured[name] = b"".join(stream)

    threads = [threading.Thread(target=drain, args=(n, s), daemon=True)
               for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for t in threads:
        t.start()
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout_s, kill)
    timer.start()
    try:
        for data in _chunks(read_fd, chunk_bytes):
            parser.feed(data)
        parser.feed(b"", final=True)
        status = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            kill()
            proc.wait()
        for t in threads:
            t.join()
    seconds = time.monotonic() - start
    output = (captured.get("stdout", b"") + captured.get("stderr", b"")).decode(errors="replace")
    if timed_out.is_set():
        raise CountError(f"{elf.name} on {target.name}: timed out after {timeout_s:.0f} s")
    if status != 0 or "~~~ALL TESTS PASSED~~~" not in output:
        raise CountError(f"{elf.name} on {target.name}: exit status {status}\n{output[-2000:]}")
    reports = _bench_lines(output)
    if len(reports) != len(parser.brackets):
        raise CountError(f"{elf.name}: {len(parser.brackets)} brackets in the trace but {len(reports)} BENCH lines")
    brackets = []
    for (total, keys), (item, rep, st, stack) in zip(parser.brackets, reports):
        per_function: dict[str, int] = {}
        per_address: dict[int, int] = {}
        for key, n in keys.items():
            pc = int(key[:8], 16)
            name = table.function_at(pc)
            addrs = (pc,) if parser.singlestep else parser.insns[key]
            per_function[name] = per_function.get(name, 0) + n * len(addrs)
            for a in addrs:
                per_address[a] = per_address.get(a, 0) + n
        brackets.append(Bracket(total, per_function, per_address, item, rep, st, stack))
    return TraceRun(brackets, mode, parser.lines, parser.nbytes, seconds, output, status, command)
