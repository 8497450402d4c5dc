"""The instruction counter: a synthetic trace parsed exactly in any chunking, and the known
hand-written loop counted as N * 4 + constant on emulated cores, per block and single-stepped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tintin.bench import icount, mcu
from tintin.bench.icount import CountError, _Parser

BEGIN, END = 0x3CC, 0x3D0


def _trace(pc: int, name: str = "f", flags: str = "00000110/ff000200") -> bytes:
    return b"Trace 0: 0x7f0000001000 [00800408/%08x/%s] %s\n" % (pc, flags.encode(), name.encode())


def _listing(pc: int, n: int) -> bytes:
    body = b"".join(b"0x%08x:  4770       nop\n" % (pc + 2 * i) for i in range(n))
    return b"----------------\nIN: f\n" + body + b"\n"


def _synthetic() -> tuple[bytes, list[int]]:
    """begin (1 insn), a 3-insn block 5 times, a 7-insn block twice, end; then a second bracket."""
    log = _listing(0x100, 2) + _trace(0x100)  # outside any bracket
    log += _listing(BEGIN, 1) + _trace(BEGIN)
    log += _listing(0x200, 3) + _trace(0x200) + _trace(0x200) * 4
    log += _listing(0x300, 7) + _trace(0x300) * 2
    log += _listing(END, 1) + _trace(END)
    log += _trace(0x100) * 3  # outside again
    log += _trace(BEGIN) + _trace(0x300) + _listing(0x400, 5) + _trace(0x400) + _trace(END)
    return log, [1 + 5 * 3 + 2 * 7, 1 + 7 + 5]


@pytest.mark.parametrize("chunk", [1, 7, 64, 997, 1 << 20])
def test_parser_counts_a_synthetic_trace_in_any_chunking(chunk: int) -> None:
    log, expected = _synthetic()
    parser = _Parser(BEGIN, END, "tb")
    for i in range(0, len(log), chunk):
        parser.feed(log[i : i + chunk])
    parser.feed(b"", final=True)
    assert [total for total, _ in parser.brackets] == expected
    assert parser.lines == log.count(b"\n")


def test_parser_rejects_nested_brackets() -> None:
    parser = _Parser(BEGIN, END, "tb")
    with pytest.raises(CountError, match="inside an open bracket"):
        parser.feed(_listing(BEGIN, 1) + _trace(BEGIN) + _trace(BEGIN), final=True)


def test_parser_rejects_a_block_without_listing() -> None:
    parser = _Parser(BEGIN, END, "tb")
    with pytest.raises(CountError, match="no translation listing"):
        parser.feed(_listing(BEGIN, 1) + _trace(BEGIN) + _trace(0x600) + _listing(END, 1) + _trace(END), final=True)


LOOPS = (1, 7, 1000, 54321)


def _loop_items() -> list[mcu.Item]:
    return [mcu.Item("empty", reps=2), *(mcu.Item("loop", n_in=n) for n in LOOPS)]


@pytest.mark.toolchain
@pytest.mark.qemu
@pytest.mark.parametrize("variant", ["m0plus", "m4"])
def test_known_loop_counts_4n_plus_a_constant(variant: str, tmp_path: Path) -> None:
    v = mcu.variants([variant])[0]
    elf, _ = mcu.build_variant(v, _loop_items(), None, tmp_path)
    table = icount.SymbolTable(elf)
    counts = {}
    for mode in ("tb", "singlestep"):
        run = icount.count_brackets(v.target, elf, mode, 120.0, table)
        assert all(b.status == 0 for b in run.brackets)
        counts[mode] = [b.instructions for b in run.brackets]
    assert counts["tb"] == counts["singlestep"]
    baseline = counts["tb"][0]
    assert counts["tb"][1] == baseline  # the empty bracket is constant
    net = [c - baseline for c in counts["tb"][2:]]
    constants = {c - 4 * n for n, c in zip(LOOPS, net)}
    assert len(constants) == 1, f"not 4n + c: {list(zip(LOOPS, net))}"
    # the constant is the call: set up n (1-2 instructions), bl, and the loop's bx lr
    assert 2 <= constants.pop() <= 5
