"""The platform layer: harness, case model, startup, build driver and runners, on the host
and on the six QEMU boards. Each program is built once per target into a pytest temp dir."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from tintin.kernels.driver.build import (
    CORTEXM_DIR,
    SELFTEST_DIR,
    CompileError,
    ToolMissing,
    build_program,
    check_no_soft_helpers,
    code_size,
    compile_objects,
    find_tool,
    is_soft_helper,
    platform_sources,
)
from tintin.kernels.driver.run import (
    EXIT_FAIL,
    EXIT_FAULT,
    FAIL_LINE,
    PASS_LINE,
    RunResult,
    qemu_command,
    run_program,
    which_tools,
)
from tintin.kernels.driver.targets import BUILD_TARGETS, CORTEX_M_TARGETS, TARGETS, get_target

TIMEOUT_S = 20.0
SELFTEST_SOURCES = [SELFTEST_DIR / "selftest_main.c", SELFTEST_DIR / "selftest_cases.c"]
DELIBERATE_MISMATCH = (
    "MISMATCH suite=platform_selftest case=deliberate tensor=deliberately_wrong "
    "index=2 expected=3 actual=4 differing=1 of=3"
)
INJECTED_MISMATCH = (
    "MISMATCH suite=platform_selftest case=add_i8 tensor=sum index=4 expected=200 actual=201 differing=1 of=6"
)


def target_param(name: str) -> object:
    """A target id; Cortex-M ones need the cross toolchain and QEMU."""
    marks = () if name == "host" else (pytest.mark.toolchain, pytest.mark.qemu)
    return pytest.param(name, id=name, marks=marks)


class Built(NamedTuple):
    target: str
    program: Path
    result: RunResult


@pytest.fixture(scope="module")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("platform")


@pytest.fixture(scope="module", params=[target_param(n) for n in BUILD_TARGETS])
def selftest(request: pytest.FixtureRequest, build_root: Path) -> Built:
    target = request.param
    program = build_program(target, SELFTEST_SOURCES, [SELFTEST_DIR], build_root / target)
    return Built(target, program, run_program(target, program, TIMEOUT_S))


def build_and_run(
    target: str,
    root: Path,
    sources: list[Path],
    timeout_s: float = TIMEOUT_S,
    defines: tuple[str, ...] = (),
    name: str | None = None,
) -> RunResult:
    program = build_program(target, sources, [SELFTEST_DIR], root / target, defines, name=name)
    return run_program(target, program, timeout_s)


# ---- the self-test on every target -------------------------------------------------


def test_selftest_passes(selftest: Built) -> None:
    result = selftest.result
    assert result.passed, result.describe()
    assert result.status == 0
    assert f"TARGET {selftest.target}" in result.output
    assert result.summary_lines == (
        "SUMMARY suite=platform_selftest cases=3 passed=3 failed=0",
    ), result.describe()
    assert "CHECK-FAILED" not in result.output
    assert "ERROR" not in result.output


def test_deliberate_mismatch_names_tensor_and_index(selftest: Built) -> None:
    assert selftest.result.mismatch_lines == (DELIBERATE_MISMATCH,), selftest.result.describe()


@pytest.mark.parametrize("target", [target_param(n) for n in ("host", "m0plus", "m33")])
def test_injected_failure_fails_the_run(target: str, build_root: Path) -> None:
    result = build_and_run(
        target, build_root, SELFTEST_SOURCES,
        defines=("TT_SELFTEST_INJECT_FAILURE",), name="selftest_fail",
    )
    assert not result.passed
    assert result.status == EXIT_FAIL, result.describe()
    assert FAIL_LINE in result.output and PASS_LINE not in result.output
    assert result.mismatch_lines == (INJECTED_MISMATCH, DELIBERATE_MISMATCH)
    assert result.summary_lines == ("SUMMARY suite=platform_selftest cases=3 passed=2 failed=1",)


def test_linked_selftest_has_no_soft_helpers(selftest: Built) -> None:
    """No float or 64-bit helper in harness, case model, startup or what libc adds."""
    if selftest.target == "host":
        pytest.skip("helper calls are a Cortex-M matter")
    assert check_no_soft_helpers(selftest.program) == []


def test_selftest_fits_the_board(selftest: Built) -> None:
    t = TARGETS[selftest.target]
    if t.flash is None or t.ram is None:
        pytest.skip("the host has no fixed memory map")
    sizes = code_size(selftest.program)
    assert set(sizes) == {"text", "data", "bss"}
    assert sizes["bss"] >= 200  # the harness line buffer
    assert 0 < sizes["text"] + sizes["data"] <= t.flash.length
    assert sizes["data"] + sizes["bss"] + 4096 <= t.ram.length


# ---- faults, hangs --------------------------------------------------------------------


@pytest.mark.parametrize("target", [target_param(n) for n in CORTEX_M_TARGETS])
def test_fault_exits_with_fault_status(target: str, build_root: Path) -> None:
    result = build_and_run(target, build_root, [SELFTEST_DIR / "fault_main.c"])
    assert result.status == EXIT_FAULT and result.faulted, result.describe()
    assert not result.passed
    assert "about to fault" in result.output
    assert "still running" not in result.output
    (fault,) = result.fault_lines
    assert "name=HardFault" in fault and f"target={target} " in fault


@pytest.mark.parametrize("target", [target_param(n) for n in ("host", "m3")])
def test_endless_loop_is_killed_by_timeout(target: str, build_root: Path) -> None:
    start = time.monotonic()
    result = build_and_run(target, build_root, [SELFTEST_DIR / "hang_main.c"], timeout_s=1.0)
    assert time.monotonic() - start < 15
    assert result.timed_out, result.describe()
    assert result.status is None and not result.passed
    assert "spinning forever" in result.output


# ---- soft-helper check and sizes ----------------------------------------------------------

SNIPPETS = {
    "uses_float.c": "float scale(float x, float y) { return x * y + 1.0f; }\n",
    "uses_div64.c": (
        "#include <stdint.h>\n"
        "int64_t div64(int64_t a, int64_t b) { return a / b; }\n"
    ),
    "clean.c": (
        "#include <stdint.h>\n"
        "int32_t dot(const int8_t *a, const int8_t *b, uint32_t n)\n"
        "{\n    int32_t s = 0;\n    uint32_t i;\n"
        "    for (i = 0; i < n; ++i) { s += (int32_t)a[i] * b[i]; }\n    return s;\n}\n"
    ),
}


@pytest.mark.toolchain
@pytest.mark.parametrize("target", ["m0plus", "m4"])
def test_soft_helper_check_flags_float_and_int64(target: str, tmp_path: Path) -> None:
    for name, text in SNIPPETS.items():
        (tmp_path / name).write_text(text)
    float_obj, div_obj, clean_obj = compile_objects(
        target, [tmp_path / n for n in SNIPPETS], [], tmp_path / "obj"
    )
    assert {"__aeabi_fmul", "__aeabi_fadd"} <= set(check_no_soft_helpers(float_obj))
    assert check_no_soft_helpers([div_obj]) == ["__aeabi_ldivmod"]
    assert check_no_soft_helpers(clean_obj) == []
    both = check_no_soft_helpers([float_obj, div_obj, clean_obj])
    assert "__aeabi_ldivmod" in both and "__aeabi_fadd" in both
    assert code_size([clean_obj])["text"] > 0


def test_soft_helper_names() -> None:
    flagged = [
        "__aeabi_fadd", "__aeabi_dmul", "__aeabi_f2iz", "__aeabi_i2f", "__aeabi_ul2d",
        "__aeabi_lmul", "__aeabi_ldivmod", "__aeabi_uldivmod", "__aeabi_llsl",
        "__aeabi_llsr", "__aeabi_lasr", "__muldi3", "__divdi3", "__udivmoddi4",
        "__addsf3", "__floatsisf", "__fixdfdi", "__extendsfdf2", "__ltdf2",
    ]
    allowed = ["__aeabi_idiv", "__aeabi_uidiv", "__aeabi_memcpy", "memcpy", "main", "__divsi3"]
    assert [s for s in flagged if not is_soft_helper(s)] == []
    assert [s for s in allowed if is_soft_helper(s)] == []


def _symbols(nm: str, objs: list[Path], flag: str) -> set[str]:
    out = subprocess.run([nm, flag, *map(str, objs)], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if line.strip()
            and not line.endswith(":")}


@pytest.mark.toolchain
def test_platform_layer_needs_no_stdio_or_malloc(tmp_path: Path) -> None:
    """The platform objects reference only each other, main, linker-script symbols,
    memcpy/memset (the compiler's choice for the startup copy loops) and libgcc's
    Thumb-1 switch-table helpers: no stdio, no malloc, no float or 64-bit helper."""
    objs = compile_objects("m0plus", platform_sources("m0plus"), [], tmp_path)
    nm = find_tool("arm-none-eabi-nm")
    outside = _symbols(nm, objs, "--undefined-only") - _symbols(nm, objs, "--defined-only")
    linker = {"__data_load", "__data_start", "__data_end", "__bss_start", "__bss_end",
              "__stack_limit", "__stack_top", "__init_array_start", "__init_array_end"}
    allowed = linker | {"main", "memcpy", "memset"}
    unexpected = {s for s in outside - allowed if not s.startswith("__gnu_thumb1_case_")}
    assert unexpected == set()
    assert check_no_soft_helpers(objs) == []


# ---- missing tools and bad input ----------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "package"), [("m3", "gcc-arm-none-eabi"), ("host", "gcc")]
)
def test_missing_compiler_names_the_package(
    target: str, package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no compiler anywhere
    with pytest.raises(ToolMissing) as info:
        build_program(target, SELFTEST_SOURCES, [SELFTEST_DIR], tmp_path / "out")
    assert info.value.package == package
    assert f"Debian package {package}" in str(info.value)


def test_bogus_compiler_path_is_reported(tmp_path: Path) -> None:
    bogus = dataclasses.replace(get_target("m4"), cc=str(tmp_path / "bin" / "arm-none-eabi-gcc"))
    with pytest.raises(ToolMissing, match="gcc-arm-none-eabi") as info:
        build_program(bogus, SELFTEST_SOURCES, [SELFTEST_DIR], tmp_path / "out")
    assert str(tmp_path / "bin") in str(info.value)


def test_missing_qemu_and_binutils_name_their_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "program.elf"
    fake.write_bytes(b"\x7fELF")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing, match="qemu-system-arm"):
        run_program("m3", fake, 1.0)
    with pytest.raises(ToolMissing, match="binutils-arm-none-eabi"):
        check_no_soft_helpers(fake)


def test_compile_error_shows_compiler_stderr(tmp_path: Path) -> None:
    source = tmp_path / "broken.c"
    source.write_text("int main(void) { return not_declared_anywhere; }\n")
    with pytest.raises(CompileError) as info:
        build_program("host", [source], [], tmp_path / "out")
    assert "not_declared_anywhere" in info.value.stderr
    assert "broken.c" in str(info.value)


def test_bad_inputs_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown target 'm5'.*m0plus"):
        get_target("m5")
    with pytest.raises(FileNotFoundError, match="nothing_here.c"):
        build_program("host", [tmp_path / "nothing_here.c"], [], tmp_path)
    with pytest.raises(ValueError, match="bad define"):
        build_program("host", SELFTEST_SOURCES, [SELFTEST_DIR], tmp_path, defines=["=1"])
    with pytest.raises(FileNotFoundError, match="program not found"):
        run_program("host", tmp_path / "missing.host", 1.0)


# ---- QEMU command line, memory maps, Renode files ----------------------------------------


@pytest.mark.qemu
def test_qemu_command_line() -> None:
    cmd = qemu_command("m0plus", "x.elf")
    assert cmd[1:] == [
        "-M", "microbit", "-cpu", "cortex-m0", "-nographic", "-monitor", "none",
        "-serial", "none", "-semihosting-config", "enable=on,target=native",
        "-kernel", "x.elf",
    ]
    assert "-cpu" not in qemu_command("m55", "x.elf")


_MEMORY_LINE = re.compile(
    r"(FLASH|RAM)\s*\(\w+\)\s*:\s*ORIGIN\s*=\s*(0x[0-9a-fA-F]+),\s*LENGTH\s*=\s*(\d+)([KM]?)"
)


@pytest.mark.parametrize("target", CORTEX_M_TARGETS)
def test_linker_script_matches_target_table(target: str) -> None:
    t = TARGETS[target]
    assert t.linker_script is not None and t.flash is not None and t.ram is not None
    text = (CORTEXM_DIR / t.linker_script).read_text()
    scale = {"": 1, "K": 1024, "M": 1024 * 1024}
    regions = {
        m[1]: (int(m[2], 16), int(m[3]) * scale[m[4]]) for m in _MEMORY_LINE.finditer(text)
    }
    assert regions == {
        "FLASH": (t.flash.origin, t.flash.length),
        "RAM": (t.ram.origin, t.ram.length),
    }
    assert "INCLUDE sections.ld" in text


def test_which_tools_reports_each_tool() -> None:
    tools = which_tools()
    for name in ("gcc", "arm-none-eabi-gcc", "arm-none-eabi-size", "qemu-system-arm",
                 "renode-test", "newlib"):
        assert name in tools
    assert tools["qemu-system-arm"] == shutil.which("qemu-system-arm")
    if tools["arm-none-eabi-gcc"] is not None:
        assert tools["newlib"] is not None and tools["newlib"].endswith("libc_nano.a")

# ---- the board layer alone: a user's own program, no harness ----------------------------------

OWN_MAIN = r"""
#include "tintin.h"
#include "tt_platform.h"
/* A user's program: its own output through the platform call, a kernel, no tintin harness. */
int main(void)
{
    int32_t acc[3] = {-5, 0, 7}, y[3];
    if (tt_relu_forward(acc, y, 3u) != TT_OK || y[0] != 0 || y[2] != 7) return 1;
    tt_platform_write("own program ok\n");
    return 0;
}
"""


@pytest.mark.parametrize("target", [target_param("host"), target_param("m4"), target_param("m0plus")])
def test_board_layer_links_without_the_harness(target: str, tmp_path: Path) -> None:
    from tintin.kernels.driver.program_sources import INCLUDE_DIR, SRC_DIR

    main_c = tmp_path / "own_main.c"
    main_c.write_text(OWN_MAIN)
    program = build_program(target, [main_c, SRC_DIR / "tt_relu_forward.c"], [INCLUDE_DIR, SRC_DIR], tmp_path,
                            harness=False)
    result = run_program(target, program, TIMEOUT_S)
    assert result.status == 0 and "own program ok" in result.output, result.describe()
    if target != "host":
        nm = subprocess.run([find_tool("arm-none-eabi-nm"), str(program)], capture_output=True, text=True,
                            check=True).stdout
        defined = {line.split()[-1] for line in nm.splitlines() if line.split()}
        assert "tt_write" not in defined and "tt_run_suite" not in defined  # no harness linked
        assert "Reset_Handler" in defined and "tt_exception_report" in defined  # the weak default
