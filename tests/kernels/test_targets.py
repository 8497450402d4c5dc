"""Targets as data: every built-in target is a file in c_kernels/targets/ read by the same
reader a user's --target-file goes through; a bad file is one line naming file, field and
problem; a memory map becomes a linker script with the project's sections."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from tintin.cli import main
from tintin.kernels.driver.build import CORTEXM_DIR, find_tool
from tintin.kernels.driver.linker_script import linker_script_for, linker_script_text
from tintin.kernels.driver.target_file import TargetFileError, load_target_file
from tintin.kernels.driver.targets import (
    ALL_TARGETS,
    BUILTIN_FILES,
    TARGETS,
    TARGETS_DIR,
    find_target,
)

BOARD = """
name = "m4-board"
kind = "cortex-m"
[compiler]
cpu = "cortex-m4"
defines = ["BOARD_REV=2"]
[memory]
flash = { origin = 0x00000000, length = "1M" }
ram = { origin = 0x20100000, length = "256K" }
[run]
runner = "qemu"
machine = "mps2-an386"
"""


def _write(tmp_path: Path, text: str, name: str = "board.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_builtin_target_is_a_file() -> None:
    assert sorted(p.stem for p in TARGETS_DIR.glob("*.toml")) == sorted(BUILTIN_FILES)
    assert ALL_TARGETS == BUILTIN_FILES
    for name, t in TARGETS.items():
        path = TARGETS_DIR / f"{name}.toml"
        assert t.source == str(path)
        assert load_target_file(path, find_target) == t  # the registry is the files, nothing else


def test_builtin_flags_are_the_projects() -> None:
    m4 = TARGETS["m4"]
    assert m4.cc == "arm-none-eabi-gcc" and m4.runner == "qemu" and m4.qemu_machine == "mps2-an386"
    assert m4.all_cflags[-4:] == ("-g", "-mcpu=cortex-m4", "-mfloat-abi=soft", '-DTT_TARGET="m4"')
    assert "-nostartfiles" in m4.ldflags and "-fsanitize=address,undefined" in TARGETS["host"].cflags
    assert TARGETS["m0plus"].qemu_cpu == "cortex-m0" and TARGETS["m3"].qemu_cpu is None


def test_builtin_linker_scripts_are_the_board_files() -> None:
    for name in ALL_TARGETS:
        t = TARGETS[name]
        if t.is_host:
            assert t.linker_script is None
            continue
        assert t.linker_script is not None and Path(t.linker_script).parent == CORTEXM_DIR, name


def test_memory_map_becomes_a_linker_script(tmp_path: Path) -> None:
    t = load_target_file(_write(tmp_path, BOARD))
    assert t.linker_script is None and t.ram is not None and (t.ram.origin, t.ram.length) == (0x20100000, 256 * 1024)
    assert t.stack_size == 64 * 1024 and "-DBOARD_REV=2" in t.all_cflags
    text = linker_script_text(t)
    assert "RAM   (rwx) : ORIGIN = 0x20100000, LENGTH = 0x40000" in text
    assert "FLASH (rx)  : ORIGIN = 0x00000000, LENGTH = 0x100000" in text
    assert "__stack_size = 0x10000;" in text and "INCLUDE sections.ld" in text
    path = linker_script_for(t, tmp_path / "out")
    assert path.read_text() == text
    # The same memory map as a built-in board gives the same MEMORY lines as its script.
    m4 = TARGETS["m4"]
    mine = linker_script_text(dataclasses.replace(m4, linker_script=None, stack_size=0x10000))
    board = (CORTEXM_DIR / "board_mps2_an386.ld").read_text()
    assert "__stack_size = 0x10000;" in board and "INCLUDE sections.ld" in board
    assert mine.count("ORIGIN") == board.count("ORIGIN") == 2


def test_a_twin_shares_the_build(tmp_path: Path) -> None:
    path = _write(tmp_path, 'name = "m4-probe"\nbuild = "m4"\n[run]\nrunner = "command"\n'
                  'command = "probe-run --chip X {elf}"\ntimeout = 90\n')
    t = load_target_file(path, find_target)
    m4 = TARGETS["m4"]
    assert (t.build, t.cflags, t.cpu, t.linker_script, t.flash, t.ram) == ("m4", m4.cflags, m4.cpu,
                                                                           m4.linker_script, m4.flash, m4.ram)
    assert t.command == ("probe-run", "--chip", "X", "{elf}") and t.timeout_s == 90.0
    assert t.qemu_machine is None and t.runner == "command"


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("name = 'x'\nkind = 'cortex-m'\n[compiler]\ncpu = 'cortex-m4'\n[run]\nrunner = 'qemu'\nmachine = 'm'\n",
         "memory", "give linker_script, or both flash and ram"),
        (BOARD.replace('length = "256K"', 'length = "lots"'), "memory.ram.length", "expected bytes"),
        (BOARD.replace("0x20100000", "0x00080000"), "memory", "overlaps ram"),
        (BOARD.replace('runner = "qemu"', 'runner = "jtag"'), "run.runner", "'jtag' cannot run a cortex-m target"),
        (BOARD.replace('machine = "mps2-an386"', ''), "run.machine", "missing"),
        (BOARD.replace('cpu = "cortex-m4"', 'cpu = "cortex-m4"\nmcpu = "x"'), "compiler.mcpu", "unknown field"),
        (BOARD.replace('kind = "cortex-m"', 'kind = "risc-v"'), "kind", "expected one of host, cortex-m"),
        (BOARD.replace('[memory]', '[memory]\nlinker_script = "nowhere.ld"'), "memory.linker_script",
         "no such file"),
        (BOARD.replace('name = "m4-board"', 'name = "my board"'), "name", "expected a name"),
        (BOARD.replace('machine = "mps2-an386"', 'machine = "mps2-an386"\ntimeout = -1'), "run.timeout",
         "expected a positive number"),
        ('name = "x"\nbuild = "m99"\n[run]\nrunner = "qemu"\nmachine = "m"\n', "build", "no target 'm99'"),
        ('name = "x"\nbuild = "m4"\nkind = "cortex-m"\n[run]\nrunner = "qemu"\nmachine = "m"\n', "kind",
         "not allowed with build"),
        ('name = "x"\nbuild = "m4"\n[run]\nrunner = "command"\ncommand = ["flash", "it"]\n', "run.command",
         "no {elf} placeholder"),
        ("name = 'x'\nkind = 'host'\n[compiler]\ncpu = 'cortex-m4'\n", "compiler.cpu", "only for cortex-m"),
        ('startup = ["missing.c"]\n' + BOARD, "startup", "no such file"),
    ],
)
def test_a_bad_file_is_one_line_naming_field_and_problem(tmp_path: Path, text: str, field: str, problem: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(TargetFileError) as info:
        load_target_file(path, find_target)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"target file {path}: {field}: "), message
    assert problem in message, message


def test_unreadable_files_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(TargetFileError, match=r"no such file$"):
        load_target_file(tmp_path / "absent.toml")
    with pytest.raises(TargetFileError, match="not valid TOML"):
        load_target_file(_write(tmp_path, "name = \n"))


QEMU_M4 = ('["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none", '
           '"-semihosting-config", "enable=on,target=native", "-kernel", "{elf}"]')


@pytest.mark.toolchain
@pytest.mark.qemu
def test_a_users_board_file_passes_conformance(tmp_path: Path) -> None:
    """An M4 board with RAM at 0x20100000 (256 KB), given as a memory map, with the user's own
    startup sources (copies of the project's), on QEMU's AN386; and the same ELFs again through
    a runner command (what a probe's semihosting command line does)."""
    import shutil

    shutil.copy(CORTEXM_DIR / "startup.c", tmp_path / "my_startup.c")
    shutil.copy(CORTEXM_DIR / "vectors.S", tmp_path / "my_vectors.S")
    board = _write(tmp_path, 'startup = ["my_startup.c", "my_vectors.S"]\n' + BOARD)
    probe = _write(tmp_path, f'name = "m4-board-probe"\nbuild = "m4-board"\n[run]\nrunner = "command"\n'
                   f'command = {QEMU_M4}\ntimeout = 60\n', "probe.toml")
    out, build = tmp_path / "out", tmp_path / "build"
    code = main(["conformance", "--target-file", str(board), "--target-file", str(probe), "--suite", "relu_forward",
                 "dense_forward", "window", "--out", str(out), "--build-dir", str(build), "--no-progress",
                 "--jobs", "2"])
    report = json.loads((out / "conformance.json").read_text())
    assert report["targets"] == ["m4-board", "m4-board-probe"]
    assert code == 0 and report["ok"], json.dumps(report["results"], indent=1)
    for r in report["results"]:
        assert r["state"] == "passed" and r["cases"] == r["passed"] == r["total"] > 0, r
    assert [k["target"] for k in report["kernel_checks"]] == ["m4-board"]
    (elf,) = {p["program"] for p in report["programs"]}  # one ELF, run by both
    symbols = subprocess.run([find_tool("arm-none-eabi-nm"), elf], capture_output=True, text=True, check=True).stdout
    addresses = {line.split()[2]: int(line.split()[0], 16) for line in symbols.splitlines() if len(line.split()) == 3}
    assert addresses["__stack_top"] == 0x20100000 + 256 * 1024  # linked for the file's memory map
    assert addresses["__data_start"] >= 0x20100000
    linked = Path(elf).with_suffix(".map").read_text()
    assert "my_startup.o" in linked and "my_vectors.o" in linked and "/startup.o" not in linked


def test_a_bad_target_file_is_exit_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, BOARD.replace('runner = "qemu"', 'runner = "jtag"'))
    assert main(["conformance", "--target-file", str(path), "--no-progress", "--out", str(tmp_path / "o"),
                 "--build-dir", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"target file {path}: run.runner: 'jtag' cannot run" in err, err
    same = _write(tmp_path, BOARD.replace('name = "m4-board"', 'name = "m4"'), "m4.toml")
    assert main(["conformance", "--target-file", str(same), "--no-progress"]) == 2
    assert "name: 'm4' is a built-in target" in capsys.readouterr().err
    absent = _write(tmp_path, BOARD.replace('runner = "qemu"\nmachine = "mps2-an386"',
                                            'runner = "command"\ncommand = "no-such-probe-tool {elf}"'), "p.toml")
    assert main(["conformance", "--target-file", str(absent), "--no-progress"]) == 2
    assert "run.command: 'no-such-probe-tool' is not on PATH" in capsys.readouterr().err


def test_the_documented_examples_are_valid_target_files(tmp_path: Path) -> None:
    import re

    text = (Path(__file__).resolve().parents[2] / "docs" / "targets.md").read_text()
    board, twin = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
    t = load_target_file(_write(tmp_path, board), find_target)
    assert (t.name, t.runner, t.cpu, t.fpu, t.stack_size) == ("my-f4", "command", "cortex-m4", "fpv4-sp-d16", 16384)
    assert "{elf}" in " ".join(t.command)
    assert t.all_cflags[-6:] == ("-O2", "-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=soft", "-DBOARD_REV=2",
                                 '-DTT_TARGET="my-f4"')
    u = load_target_file(_write(tmp_path, twin, "twin.toml"), find_target)
    assert (u.build, u.runner, u.command[-1]) == ("m4", "command", "{elf}")
