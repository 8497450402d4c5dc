"""`tintin golden emit-c --framework plain|unity|ztest`: goldens as test sources for another
project, compiled in a throwaway project with the host compiler against the reference kernels.

The exported folder may use nothing of the repository but tintin.h: the test copies tintin.h
alone into the throwaway project, compiles the reference kernels separately (as a user links
their own library), and builds the export with no other include path. Unity and Zephyr's ztest
cannot be installed here, so tests/kernels/standins/ holds stand-ins implementing just the
documented API the export uses (see their comments).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from tintin.cli import main
from tintin.golden.format import Case, Tensor, load_suite, write_suite
from tintin.golden.generate import DATA_DIR
from tintin.kernels.driver.program_sources import INCLUDE_DIR, KERNEL_SOURCES, SRC_DIR

STANDINS = Path(__file__).resolve().parent / "standins"
SUITES = ("rshift_round", "relu_forward", "dense_forward", "requantise", "train_step_mlp_tintin")

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not on PATH (install the Debian package gcc)")


@pytest.fixture(scope="module")
def kernel_objects(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The reference kernels compiled on their own, as the user's library would be."""
    out = tmp_path_factory.mktemp("kernels")
    objs = []
    for src in KERNEL_SOURCES:
        obj = out / f"{src.stem}.o"
        subprocess.run(["gcc", "-std=c99", "-O1", f"-I{INCLUDE_DIR}", f"-I{SRC_DIR}", "-c", str(src), "-o", str(obj)],
                       check=True)
        objs.append(obj)
    return objs


def _export(tmp: Path, framework: str, data: Path = DATA_DIR) -> Path:
    out = tmp / "project" / "tintin"
    code = main(["golden", "emit-c", "--framework", framework, "--data", str(data), "--out", str(out),
                 "--suite", *SUITES])
    assert code == 0
    return out


def _build_and_run(tmp: Path, out: Path, framework: str, kernel_objects: list[Path]) -> subprocess.CompletedProcess:
    only_tintin_h = tmp / "project" / "include"
    only_tintin_h.mkdir(parents=True, exist_ok=True)
    shutil.copy(INCLUDE_DIR / "tintin.h", only_tintin_h / "tintin.h")
    sources = [out / f"tintin_goldens_{framework}.c", *sorted((out / "support").glob("*.c"))]
    includes = [out, out / "support", out / "golden", only_tintin_h]
    if framework in ("unity", "ztest"):
        includes.append(STANDINS)
    if framework == "ztest":
        sources.append(STANDINS / "standin_main.c")
    exe = tmp / "project" / "tests"
    build = subprocess.run(["gcc", "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror",
                            *(f"-I{d}" for d in includes), *map(str, sources), *map(str, kernel_objects),
                            "-o", str(exe)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    return subprocess.run([str(exe)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("framework", ["plain", "unity", "ztest"])
def test_export_compiles_and_passes_in_a_throwaway_project(tmp_path: Path, framework: str,
                                                           kernel_objects: list[Path]) -> None:
    out = _export(tmp_path, framework)
    assert not (out / "golden" / "tt_cases.h").exists()  # the case model is in support/, once
    run = _build_and_run(tmp_path, out, framework, kernel_objects)
    assert run.returncode == 0, run.stdout[-2000:]
    if framework == "plain":
        assert [ln for ln in run.stdout.splitlines() if ln.startswith("TEST ")] == [
            f"TEST {s} PASS" for s in ("rshift_round", "requantise", "relu_forward", "dense_forward",
                                       "train_step_mlp_tintin")]
        assert run.stdout.rstrip().endswith("~~~ALL TESTS PASSED~~~")
    elif framework == "unity":
        assert "5 Tests 0 Failures 0 Ignored" in run.stdout
    else:
        assert run.stdout.count(" PASS - tintin_goldens.test_") == 5 and "SUITE PASS" in run.stdout


def _corrupt(tmp: Path) -> tuple[Path, str]:
    """A copy of the goldens with one expected value of dense_forward changed."""
    data = tmp / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "dense_forward.ci.json"
    suite = load_suite(path)
    case = suite.cases[3]
    y = case.outputs["y"]
    values = list(y.data)
    values[2] = values[2] + 1 if values[2] < 127 else values[2] - 1
    outputs = {**case.outputs, "y": Tensor(y.dtype, y.shape, tuple(values))}
    cases = list(suite.cases)
    cases[3] = Case(case.id, case.comment, case.flags, case.inputs, outputs, case.params)
    write_suite(dataclasses.replace(suite, cases=tuple(cases)), path)
    return data, case.id


@pytest.mark.parametrize("framework", ["plain", "unity", "ztest"])
def test_export_reports_the_first_mismatch(tmp_path: Path, framework: str, kernel_objects: list[Path]) -> None:
    data, case_id = _corrupt(tmp_path)
    out = _export(tmp_path, framework, data)
    run = _build_and_run(tmp_path, out, framework, kernel_objects)
    assert run.returncode != 0
    lines = run.stdout.splitlines()
    failure = f"MISMATCH suite=dense_forward case={case_id} tensor=y index=2"
    if framework == "plain":
        verdict = next(ln for ln in lines if ln.startswith("TEST dense_forward"))
        assert verdict.startswith(f"TEST dense_forward FAIL {failure}")
    elif framework == "unity":
        verdict = next(ln for ln in lines if ":test_dense_forward:FAIL: " in ln)
        assert verdict.split(":FAIL: ", 1)[1].startswith(failure)
        assert "5 Tests 1 Failures 0 Ignored" in run.stdout
    else:
        assert any(failure in ln and "Assertion failed" in ln for ln in lines)
        assert " FAIL - tintin_goldens.test_dense_forward" in lines
    # The other suites still pass.
    assert run.stdout.count("PASS") >= 4


def test_unknown_suite_and_bad_framework_are_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as bad:
        main(["golden", "emit-c", "--framework", "gtest", "--out", str(tmp_path)])
    assert bad.value.code == 2
    code = main(["golden", "emit-c", "--framework", "unity", "--out", str(tmp_path), "--suite", "nope"])
    assert code == 2
    assert "no such suite file" in capsys.readouterr().err


def test_abi_table_in_docs_matches_the_goldens() -> None:
    from tintin.kernels.driver.framework_export import abi_rows
    from tintin.kernels.driver.plan import KNOWN_SUITES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "golden-c-abi.md").read_text()
    table = doc.split("<!-- abi-table:begin -->\n", 1)[1].split("<!-- abi-table:end -->", 1)[0]
    suites = [load_suite(DATA_DIR / f"{n}.ci.json") for n in KNOWN_SUITES if (DATA_DIR / f"{n}.ci.json").is_file()]
    assert table.strip().splitlines() == abi_rows(suites), "regenerate the table in docs/golden-c-abi.md"
