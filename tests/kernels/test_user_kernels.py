"""`tintin conformance --kernels`: the user's kernel library under the goldens.

The libraries live outside the repository (tmp_path), as a user's would: a full copy of
c_kernels/src, the same copy with one rounding line changed, the worked examples of
docs/user-kernels.md (one kernel with a faster loop, one with a wrong rounding), a prebuilt
static library, and libraries that cannot be used (each one line, exit status 2).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tintin.cli import main
from tintin.kernels.driver.kernel_library import ABI_VERSION, KernelSpec, resolve_library
from tintin.kernels.driver.program_sources import INCLUDE_DIR, SRC_DIR
from tintin.kernels.driver.renode import renode_missing
from tintin.kernels.driver.report import JSON_NAME, JUNIT_NAME
from tintin.kernels.driver.targets import ALL_TARGETS, TARGETS

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "user-kernels"
# Suites that reach the changed kernels and every kind of runner, kept small for speed.
SUITES = ("rshift_round", "relu_forward", "dense_forward", "train_step_mlp_tintin", "conv2d_forward")


def _conformance(tmp: Path, *args: str) -> tuple[int, dict, str]:
    out = tmp / "report"
    code = main(["conformance", "--out", str(out), "--build-dir", str(tmp / "build"), "--no-progress",
                 "--timeout", "120", "--suite", *SUITES, *args])
    return code, json.loads((out / JSON_NAME).read_text()), (out / JUNIT_NAME).read_text()


def _cells(report: dict) -> dict[tuple[str, str], dict]:
    return {(r["suite"], r["target"]): r for r in report["results"]}


@pytest.fixture
def src_copy(tmp_path: Path) -> Path:
    lib = tmp_path / "their-kernels"
    shutil.copytree(SRC_DIR, lib)
    return lib


@pytest.mark.toolchain
@pytest.mark.qemu
def test_copy_of_the_reference_passes_everywhere(src_copy: Path, tmp_path: Path) -> None:
    code, report, _ = _conformance(tmp_path, "--target", "all", "--kernels", str(src_copy))
    assert code == 0, [r for r in report["results"] if r["state"] not in ("passed", "skipped")]
    cells = _cells(report)
    for target in ALL_TARGETS:
        if TARGETS[target].runner == "renode" and renode_missing():
            # Renode cannot be installed here: its twins are skipped with the install hint.
            assert all(cells[(s, target)]["state"] == "skipped" for s in SUITES)
            continue
        # Every public function came from the user's copy, none from the reference.
        functions = report["user_functions"][target]
        assert "tt_dense_forward" in functions and "tt_train_step_mlp" in functions
        assert all(str(src_copy) in where for where in functions.values())
        for suite in SUITES:
            cell = cells[(suite, target)]
            assert cell["state"] == "passed"
            assert cell["implementation"].startswith("user "), cell


@pytest.mark.toolchain
@pytest.mark.qemu
def test_one_changed_rounding_line_fails_and_names_the_kernel(src_copy: Path, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "wrong_rounding" / "tt_rshift_round.c", src_copy / "tt_rshift_round.c")
    code, report, junit = _conformance(tmp_path, "--target", "host,m4", "--kernels", str(src_copy))
    assert code == 1
    for target in ("host", "m4"):
        cell = _cells(report)[("rshift_round", target)]
        assert cell["state"] == "failed"
        assert cell["first_failure"].startswith("MISMATCH suite=rshift_round case=")
        assert "tt_rshift_round" in cell["implementation"]
        assert str(src_copy / "tt_rshift_round.c") in cell["implementation"]
        # Kernels that do not call tt_rshift_round still pass.
        assert _cells(report)[("relu_forward", target)]["state"] == "passed"
    assert "under test: user tt_rshift_round" in junit


@pytest.mark.toolchain
@pytest.mark.qemu
def test_worked_example_fast_kernel_passes_wrong_kernel_fails(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    fast, wrong = tmp_path / "fast_relu", tmp_path / "wrong_rounding"
    shutil.copytree(EXAMPLES / "fast_relu", fast)
    shutil.copytree(EXAMPLES / "wrong_rounding", wrong)
    code, report, _ = _conformance(tmp_path, "--target", "host,m4", "--kernels", str(fast), "--kernels", str(wrong))
    printed = capsys.readouterr().out
    assert code == 1
    for target in ("host", "m4"):
        cells = _cells(report)
        assert cells[("relu_forward", target)]["state"] == "passed"
        assert cells[("relu_forward", target)]["implementation"].startswith("user tt_relu_forward")
        assert cells[("rshift_round", target)]["state"] == "failed"
        # Suites of functions the user did not provide ran on the reference.
        assert cells[("conv2d_forward", target)]["implementation"] == "reference"
        assert report["user_functions"][target] == {
            "tt_relu_forward": str(fast / "tt_relu_forward.c"),
            "tt_rshift_round": str(wrong / "tt_rshift_round.c"),
        }
    line = next(ln for ln in printed.splitlines() if ln.startswith("FAIL rshift_round on m4 (failed"))
    assert ": MISMATCH suite=rshift_round case=" in line
    assert line.endswith(f"[under test: user tt_rshift_round ({wrong / 'tt_rshift_round.c'})]")


def _archive(tmp: Path, target: str) -> Path:
    cc, ar = ("gcc", "ar") if target == "host" else ("arm-none-eabi-gcc", "arm-none-eabi-ar")
    flags = [] if target == "host" else ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"]
    obj, lib = tmp / f"relu-{target}.o", tmp / f"librelu-{target}.a"
    subprocess.run([cc, *flags, "-std=c99", "-O2", f"-I{INCLUDE_DIR}", "-c",
                    str(EXAMPLES / "fast_relu" / "tt_relu_forward.c"), "-o", str(obj)], check=True)
    subprocess.run([ar, "rcs", str(lib), str(obj)], check=True)
    return lib


@pytest.mark.toolchain
@pytest.mark.qemu
def test_prebuilt_static_library_per_target(tmp_path: Path) -> None:
    host_lib, m4_lib = _archive(tmp_path, "host"), _archive(tmp_path, "m4")
    code, report, _ = _conformance(tmp_path, "--target", "host,m4", "--kernels", f"host={host_lib}",
                                   "--kernels", f"m4={m4_lib}")
    assert code == 0
    assert report["user_functions"]["host"] == {"tt_relu_forward": f"{host_lib}[relu-host.o]"}
    assert report["user_functions"]["m4"] == {"tt_relu_forward": f"{m4_lib}[relu-m4.o]"}
    assert _cells(report)[("relu_forward", "m4")]["implementation"].startswith("user tt_relu_forward")


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder


RELU = (EXAMPLES / "fast_relu" / "tt_relu_forward.c").read_text()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: _write(_write(d, "a.c", RELU), "b.c", RELU),
         "tt_relu_forward is defined twice in the kernels under test"),
        (lambda d: _write(d, "g.c", "int tt_dense_gradient(void) { return 0; }\n"),
         "define tt_dense_gradient but not tt_dense_gradient_update"),
        (lambda d: _write(d, "k.c", "int x = ;\n"), "does not build for host"),
        (lambda d: _write(d, "h.c", "int helper(int a) { return a; }\n"), "defines no tt_* function of tintin.h"),
        (lambda d: _write(_write(d, "k.c", RELU) / "include", "tintin.h",
                          (INCLUDE_DIR / "tintin.h").read_text().replace(
                              f"#define TT_ABI_VERSION {ABI_VERSION}", "#define TT_ABI_VERSION 999")).parent,
         "TT_ABI_VERSION 999, but the goldens and harness need"),
        (lambda d: d / "missing", "does not exist"),
        (lambda d: _write(d, "notes.txt", "x") / "notes.txt", "expected a folder of C/assembly sources"),
    ],
    ids=["duplicate", "partial-file", "build-error", "no-tt-function", "abi-mismatch", "missing", "not-a-library"],
)
@pytest.mark.toolchain
def test_unusable_library_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 make, message: str) -> None:
    lib = make(tmp_path / "lib")
    code = main(["conformance", "--target", "host", "--kernels", str(lib), "--suite", "relu_forward",
                 "--out", str(tmp_path / "r"), "--build-dir", str(tmp_path / "b"), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("tintin conformance: error: ") and message in err[0], err


@pytest.mark.toolchain
def test_reference_library_knows_what_each_kernel_reaches(tmp_path: Path) -> None:
    lib = resolve_library("host", [], tmp_path)
    assert lib.user_functions == {}
    reach = lib.exercised("tt_train_step_mlp")
    # The MLP step is built from the sequential step and the layer kernels.
    assert {"tt_train_step_mlp", "tt_train_step_seq_mode", "tt_softmax_xent_error"} <= reach
    assert "tt_conv2d_forward" not in lib.exercised("tt_dense_forward")
    assert lib.implementation("tt_dense_forward") == "reference"


@pytest.mark.toolchain
def test_user_function_reached_through_a_reference_kernel(tmp_path: Path) -> None:
    relu = _write(tmp_path / "lib", "tt_relu_forward.c", RELU)
    lib = resolve_library("host", [KernelSpec(relu)], tmp_path / "b")
    for kernel in sorted(lib.origin):
        text = lib.implementation(kernel)
        if "tt_relu_forward" in lib.exercised(kernel):
            assert text.startswith("user tt_relu_forward"), (kernel, text)
        else:
            assert text == "reference", (kernel, text)
