"""Golden-vector machinery, proved with two test-only suites defined here.

sat_add: saturating int32 add (edge table + seeded random cases).
step_mix: every dtype, params, scalars, an empty tensor and "stepN/" output names.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tintin.golden import cli as golden_cli
from tintin.golden import suites as suites_module
from tintin.golden.check import check
from tintin.golden.emit_c import INDEX_NAME, emit_c
from tintin.golden.format import (
    SCHEMA_PATH,
    Case,
    GoldenFormatError,
    Suite,
    Tensor,
    compare_case,
    compare_outputs,
    load_suite,
    loads_suite,
)
from tintin.golden.generate import build_suite, generate
from tintin.golden.suite import CaseSpec, SuiteDef

REPO = Path(__file__).resolve().parents[2]
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


# --- the test-only suites -------------------------------------------------------------------


class TinyConfig:
    """Stands in for the frozen numerics config."""

    def to_json(self) -> dict[str, object]:
        return {"acc_bits": 32, "rounding": "half-away", "saturate": True, "widths": (8, 16)}


def sat_add_cases(level: str) -> list[CaseSpec]:
    edges = [
        ("zero", "zero plus zero is zero", ["zero"], 0, 0),
        ("max-plus-one", "INT32_MAX + 1 saturates to INT32_MAX", ["saturate-high"], INT32_MAX, 1),
        ("min-minus-one", "INT32_MIN - 1 saturates to INT32_MIN", ["saturate-low"], INT32_MIN, -1),
        (
            "min-plus-min",
            "INT32_MIN + INT32_MIN saturates",
            ["saturate-low", "min"],
            INT32_MIN,
            INT32_MIN,
        ),
        ("max-plus-min", "opposite extremes give -1", ["mixed-sign"], INT32_MAX, INT32_MIN),
    ]
    specs = [
        CaseSpec(f"sat_add/{name}-{i:04d}", comment, flags, {"a": np.int32(a), "b": np.int32(b)})
        for i, (name, comment, flags, a, b) in enumerate(edges)
    ]
    rng = np.random.default_rng(1234)
    for i in range(6 if level == "ci" else 40):
        a, b = (
            rng.integers(INT32_MIN, INT32_MAX, (2, 3), dtype=np.int32, endpoint=True)
            for _ in range(2)
        )
        specs.append(
            CaseSpec(f"sat_add/random-{i:04d}", "seeded random pair", ["random"], {"a": a, "b": b})
        )
    return specs


def sat_add_compute(case: CaseSpec) -> dict[str, np.ndarray]:
    wide = case.inputs["a"].astype(np.int64) + case.inputs["b"].astype(np.int64)
    return {"y": np.clip(wide, INT32_MIN, INT32_MAX).astype(np.int32)}


def step_mix_cases(level: str) -> list[CaseSpec]:
    specs = []
    for i, (shift, steps) in enumerate([(0, 1), (2, 3), (7, 2)]):
        specs.append(
            CaseSpec(
                id=f"step_mix/shift{shift}-{i:04d}",
                comment=f"{steps} accumulation steps, shift {shift}",
                flags=["multi-step", "zero" if shift == 0 else "shift"],
                inputs={
                    "x": np.array([[-128, 127, 0], [1, -1, 64]], dtype=np.int8),
                    "mask": np.array([255, 0, 7], dtype=np.uint8),
                    "bias": np.int16(-32768 + i),
                    "seed": np.array([4294967295, i], dtype=np.uint32),
                },
                params={"shift": shift, "steps": steps, "neg": INT32_MIN},
            )
        )
    return specs


def step_mix_compute(case: CaseSpec) -> dict[str, Any]:
    x = case.inputs["x"].astype(np.int32)
    acc = np.zeros_like(x)
    out: dict[str, Any] = {}
    for k in range(case.params["steps"]):
        acc = acc + ((x * (k + 1) + int(case.inputs["bias"])) >> case.params["shift"])
        out[f"step{k}/layer0/acc"] = acc.astype(np.int32)
        out[f"step{k}/layer0/gate"] = (case.inputs["mask"] >> k).astype(np.uint8)
    out["checksum"] = np.uint32(int(case.inputs["seed"].astype(np.uint64).sum()) % 2**32)
    out["empty"] = np.zeros((0, 3), dtype=np.int8)
    out["narrow"] = np.clip(acc, -128, 127).astype(np.int8).reshape(1, 2, 3, 1)
    return out


SAT_ADD = SuiteDef(
    "sat_add",
    "tt_sat_add_i32",
    "Saturating int32 addition (test-only suite).",
    sat_add_cases,
    sat_add_compute,
    TinyConfig(),
    "0.0-test",
    seed=1234,
)
STEP_MIX = SuiteDef(
    "step_mix",
    "tt_step_mix",
    "All dtypes, params and steps (test-only suite).",
    step_mix_cases,
    step_mix_compute,
    {"steps_max": 3},
    "0.0-test",
)
REGISTRY = {"sat_add": SAT_ADD, "step_mix": STEP_MIX}


@pytest.fixture(scope="module")
def ci_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden_ci")
    generate(REGISTRY, "ci", out, progress=False)
    return out


def sat_add_file(ci_dir: Path) -> Path:
    return ci_dir / "sat_add.ci.json"


# --- writing, reading, reproducibility ------------------------------------------------------


def test_written_file_reads_back_equal(ci_dir: Path) -> None:
    for name, defn in REGISTRY.items():
        suite = load_suite(ci_dir / f"{name}.ci.json")
        assert suite == build_suite(defn, "ci", progress=False)
        for spec, case in zip(defn.cases("ci"), suite.cases, strict=True):
            assert case.id == spec.id and case.params == dict(spec.params)
            for out_name, array in defn.compute(spec).items():
                got = case.outputs[out_name]
                assert got.dtype == array.dtype.name and got.shape == array.shape
                np.testing.assert_array_equal(got.to_numpy(), array)
            assert list(case.outputs) == list(defn.compute(spec))  # order kept


def test_regeneration_is_byte_identical(ci_dir: Path, tmp_path: Path) -> None:
    again = generate(REGISTRY, "ci", tmp_path, progress=False)
    for path in again:
        assert path.read_bytes() == (ci_dir / path.name).read_bytes()
    assert [r.status for r in check(REGISTRY, "ci", ci_dir, progress=False)] == ["same", "same"]


def test_layout_is_canonical(ci_dir: Path) -> None:
    raw = sat_add_file(ci_dir).read_bytes()
    text = raw.decode("ascii")
    assert text.endswith("}\n") and not text.endswith("\n\n") and "\r" not in text
    doc = json.loads(text, parse_float=lambda s: pytest.fail(f"float {s} in file"))
    assert list(doc)[:3] == ["format", "format_version", "suite"]
    assert list(doc["cases"][0]) == ["id", "comment", "flags", "inputs", "outputs"]
    assert list(doc["cases"][0]["inputs"]["a"]) == ["dtype", "shape", "data"]
    assert doc["config"] == {
        "acc_bits": 32,
        "rounding": "half-away",
        "saturate": True,
        "widths": [8, 16],
    }
    assert doc["generator"] == {
        "flag_counts": {
            "min": 1,
            "mixed-sign": 1,
            "random": 6,
            "saturate-high": 1,
            "saturate-low": 2,
            "zero": 1,
        },
        "n_cases": 11,
        "seed": 1234,
        "tool": "tintin.golden",
    }
    # Nothing machine- or time-dependent.
    assert str(REPO) not in text and str(ci_dir) not in text
    assert load_suite(sat_add_file(ci_dir), require_canonical=True)


def test_scalar_and_params_encoding(ci_dir: Path) -> None:
    doc = json.loads((ci_dir / "step_mix.ci.json").read_text())
    case = doc["cases"][1]
    assert case["params"] == {"neg": INT32_MIN, "shift": 2, "steps": 3}  # sorted keys
    assert case["inputs"]["bias"] == {
        "dtype": "int16",
        "shape": [],
        "data": base64.b64encode((-32767).to_bytes(2, "little", signed=True)).decode(),
    }
    assert case["outputs"]["empty"] == {"dtype": "int8", "shape": [0, 3], "data": ""}
    assert list(case["outputs"])[:2] == ["step0/layer0/acc", "step0/layer0/gate"]


def test_thorough_level_has_more_cases(tmp_path: Path) -> None:
    (path,) = generate(REGISTRY, "thorough", tmp_path, names=["sat_add"], progress=False)
    assert path.name == "sat_add.thorough.json"
    assert len(load_suite(path).cases) == 45


def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(REGISTRY, "ci", tmp_path, names=["sat_add"], progress=True)
    captured = capsys.readouterr()
    assert "sat_add" in captured.err and captured.out == ""


def test_loader_needs_only_the_standard_library(ci_dir: Path) -> None:
    code = (
        "import sys; sys.modules['numpy'] = None\n"  # any numpy import now fails
        "from tintin.golden.loader import load_suite\n"
        f"s = load_suite({str(sat_add_file(ci_dir))!r}, schema=False)\n"
        "print(len(s.cases), s.cases[1].outputs['y'].data)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"11 ({INT32_MAX},)"


# --- schema ---------------------------------------------------------------------------------


def test_schema_is_valid_and_accepts_written_files(ci_dir: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(ci_dir.glob("*.json")):
        assert list(validator.iter_errors(json.loads(path.read_text()))) == []


# --- unique ids and what the writer refuses -------------------------------------------------


def _tiny_case(case_id: str) -> Case:
    t = Tensor("int32", (), (1,))
    return Case(case_id, "a case", ("zero",), {"a": t}, {"y": t})


def test_duplicate_ids_are_refused_when_building() -> None:
    with pytest.raises(
        GoldenFormatError, match=r"duplicate case id 'x/a' \(cases\[0\] and cases\[2\]\)"
    ):
        Suite(
            "s",
            "k",
            "d",
            "ci",
            "1",
            {},
            {},
            (_tiny_case("x/a"), _tiny_case("x/b"), _tiny_case("x/a")),
        )

    def dup_cases(level: str) -> list[CaseSpec]:
        return [CaseSpec("d/same", "c", ["zero"], {"a": np.int32(0)})] * 2

    defn = SuiteDef("dup", "k", "d", dup_cases, sat_add_compute_scalar, {}, "1")
    with pytest.raises(GoldenFormatError, match="suite 'dup'.*duplicate case id 'd/same'"):
        build_suite(defn, "ci", progress=False)


def sat_add_compute_scalar(case: CaseSpec) -> dict[str, Any]:
    return {"y": np.int32(0)}


@pytest.mark.parametrize(
    ("config", "compute", "message"),
    [
        ({"lr": 0.5}, sat_add_compute_scalar, r"config\.lr: float 0\.5 is not allowed"),
        ({"lr": np.float32(0.5)}, sat_add_compute_scalar, r"config\.lr: float"),
        (
            {},
            lambda c: {"y": np.float32(1)},
            r"case 'd/one'.*outputs\['y'\].*float32 is not a golden dtype",
        ),
        ({}, lambda c: {"y": np.int64(1)}, r"outputs\['y'\].*int64 is not a golden dtype"),
        ({}, lambda c: {"y": 3}, r"outputs\['y'\].*has no dtype"),
        ({}, lambda c: {"param/y": np.int32(3)}, r"prefix 'param/' is reserved"),
    ],
)
def test_writer_refuses_floats_and_untyped_values(
    config: dict[str, object], compute: Callable[[CaseSpec], dict[str, object]], message: str
) -> None:
    defn = SuiteDef(
        "bad", "k", "d", lambda level: [CaseSpec("d/one", "c", ["zero"], {})], compute, config, "1"
    )
    with pytest.raises(GoldenFormatError, match=message):
        build_suite(defn, "ci", progress=False)


def test_tensor_refuses_bad_values() -> None:
    with pytest.raises(
        GoldenFormatError, match="value 128 at flat index 1 is out of range for int8"
    ):
        Tensor("int8", (2,), (0, 128))
    with pytest.raises(GoldenFormatError, match="flat index 0 is float 1.0, not an int"):
        Tensor("int32", (1,), (1.0,))
    with pytest.raises(GoldenFormatError, match="3 values do not match shape"):
        Tensor("int32", (2, 2), (1, 2, 3))
    with pytest.raises(GoldenFormatError, match="more than 4 dimensions"):
        Tensor("int32", (1, 1, 1, 1, 1), (1,))


# --- corrupted files ------------------------------------------------------------------------


Corrupt = Callable[[str], str]


def _doc_edit(edit: Callable[[Any], object]) -> Corrupt:
    def apply(text: str) -> str:
        doc = json.loads(text)
        edit(doc)
        return json.dumps(doc, indent=1)

    return apply


def _set(path: list[str | int], value: object) -> Corrupt:
    def edit(doc: Any) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return _doc_edit(edit)


A_DATA: list[str | int] = ["cases", 0, "inputs", "a", "data"]
CORRUPTIONS: dict[str, tuple[Corrupt, str]] = {
    "truncated": (
        lambda t: t[: len(t) // 2],
        r"not valid JSON \(.*line \d+ column \d+\); the file ends early: truncated\?",
    ),
    "empty": (lambda t: "", "file is empty"),
    "not-json": (lambda t: "golden? no", "not valid JSON"),
    "not-utf8": (lambda t: "\udcff", "not UTF-8"),
    "bad-base64": (
        _set(A_DATA, "AAA*AAA="),
        "cases\\[0\\] \\(id 'sat_add/zero-0000'\\)\\.inputs\\['a'\\]: data is not valid base64",
    ),
    "noncanonical-base64": (_set(A_DATA, "AAAAAB=="), "not canonical base64"),
    "wrong-length": (
        _set(A_DATA, "AAAAAAAA"),
        "data holds 6 bytes but shape \\[\\] of int32 needs 4 bytes",
    ),
    "unknown-dtype": (
        _set(["cases", 0, "inputs", "a", "dtype"], "float32"),
        "unknown dtype 'float32'",
    ),
    "wrong-format-version": (_set(["format_version"], 2), "format_version 2 is not supported"),
    "wrong-format": (_set(["format"], "wycheproof"), "not a tintin golden file"),
    "duplicate-id": (
        _set(["cases", 1, "id"], "sat_add/zero-0000"),
        "duplicate case id 'sat_add/zero-0000' \\(cases\\[0\\] and cases\\[1\\]\\)",
    ),
    "float-in-params": (
        _set(["cases", 0, "params"], {"k": 1.5}),
        r"cases\[0\]\.params\.k: float 1\.5 is not allowed",
    ),
    "float-in-shape": (
        _set(["cases", 0, "inputs", "a", "shape"], [1.0]),
        r"shape\[0\]: float 1\.0 is not allowed",
    ),
    "float-in-config": (
        _set(["config", "acc_bits"], 3.2e1),
        r"config\.acc_bits: float 32\.0 is not allowed",
    ),
    "nan": (lambda t: t.replace('"acc_bits": 32', '"acc_bits": NaN'), "float NaN is not allowed"),
    "missing-field": (
        _doc_edit(lambda d: d.pop("kernel")),
        "missing field\\(s\\) in the top level: 'kernel'",
    ),
    "unknown-field": (
        _set(["timestamp"], "today"),
        "unknown field\\(s\\) in the top level: 'timestamp'",
    ),
    "missing-outputs": (
        _doc_edit(lambda d: d["cases"][2].pop("outputs")),
        r"cases\[2\].*missing field\(s\) in case: 'outputs'",
    ),
    "param-out-of-range": (
        _set(["cases", 0, "params"], {"k": 2**31}),
        "param 'k' = 2147483648 is out of int32 range",
    ),
    "dim-out-of-range": (
        _set(["cases", 0, "inputs", "a", "shape"], [70000]),
        "dimension 70000 not in 0..65535",
    ),
    "bool-as-int": (
        _set(["cases", 0, "params"], {"k": True}),
        "param 'k' must be an integer, got bool True",
    ),
    "bad-flag": (_set(["cases", 0, "flags"], ["Tie Break"]), "flag 'Tie Break' is not valid"),
    "no-flags": (_set(["cases", 0, "flags"], []), "flags must name at least one edge"),
    "bad-id": (_set(["cases", 0, "id"], "has space"), "case id 'has space' is not valid"),
    "bad-level": (_set(["level"], "nightly"), "level 'nightly' is not one of ci, thorough"),
    "duplicate-key": (
        lambda t: t.replace('"kernel": ', '"kernel": "x", "kernel": ', 1),
        "duplicate key 'kernel' in one JSON object",
    ),
    "top-not-object": (lambda t: "[1, 2]", "top level must be a JSON object"),
}


@pytest.mark.parametrize("use_schema", [False, None], ids=["loader-only", "with-schema"])
@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corruption_gives_clear_error(
    ci_dir: Path, tmp_path: Path, kind: str, use_schema: bool | None
) -> None:
    corrupt, message = CORRUPTIONS[kind]
    bad = tmp_path / f"{kind}.json"
    bad.write_bytes(corrupt(sat_add_file(ci_dir).read_text()).encode("utf-8", "surrogateescape"))
    with pytest.raises(GoldenFormatError) as err:
        load_suite(bad, schema=use_schema)
    assert str(err.value).startswith(f"{bad}: "), str(err.value)
    assert err.value.source == str(bad)
    assert re.search(message, str(err.value)), str(err.value)


# Corruptions JSON Schema can express on its own: the schema must reject them too.
SCHEMA_VISIBLE = [
    "bad-base64",
    "unknown-dtype",
    "wrong-format-version",
    "wrong-format",
    "missing-field",
    "unknown-field",
    "missing-outputs",
    "param-out-of-range",
    "dim-out-of-range",
    "bad-flag",
    "no-flags",
    "bad-id",
    "bad-level",
    "float-in-params",
    "top-not-object",
]


@pytest.mark.parametrize("kind", SCHEMA_VISIBLE)
def test_schema_alone_rejects(ci_dir: Path, kind: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    doc = json.loads(CORRUPTIONS[kind][0](sat_add_file(ci_dir).read_text()))
    assert list(validator.iter_errors(doc)), f"schema accepts corruption {kind}"


def test_file_name_must_match_content(ci_dir: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "step_mix.ci.json"
    shutil.copy(sat_add_file(ci_dir), wrong)
    with pytest.raises(GoldenFormatError, match="file name says suite 'step_mix'"):
        load_suite(wrong)


def test_hand_edit_is_caught_by_canonical_check(ci_dir: Path) -> None:
    text = sat_add_file(ci_dir).read_text().replace('"flags": ["zero"]', '"flags": [ "zero" ]')
    line = text.splitlines().index('      "flags": [ "zero" ],') + 1
    assert loads_suite(text, "edited.json")  # still a valid file ...
    with pytest.raises(GoldenFormatError, match=f"not in canonical form .*line {line}\\)"):
        loads_suite(text, "edited.json", require_canonical=True)  # ... but not as written


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(GoldenFormatError, match="nope.json: cannot read file"):
        load_suite(tmp_path / "nope.json")


# --- comparison -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def multi_step_case(ci_dir: Path) -> Case:
    return load_suite(ci_dir / "step_mix.ci.json").cases[1]  # 3 steps


def _actual(case: Case) -> dict[str, np.ndarray]:
    return {name: t.to_numpy() for name, t in case.outputs.items()}


def test_compare_matching_outputs(multi_step_case: Case) -> None:
    assert compare_case(multi_step_case, _actual(multi_step_case)) is None
    as_lists = {name: t.to_list() for name, t in multi_step_case.outputs.items()}
    assert compare_outputs(multi_step_case.outputs, as_lists) is None


def test_compare_reports_earliest_step_and_index(multi_step_case: Case) -> None:
    actual = _actual(multi_step_case)
    actual["step2/layer0/acc"][0, 0] += 1  # later step differs too ...
    actual["step1/layer0/acc"][1, 2] -= 5  # ... but step 1 comes first in file order
    expected_value = int(multi_step_case.outputs["step1/layer0/acc"].to_numpy()[1, 2])
    m = compare_case(multi_step_case, actual)
    assert m is not None
    assert (m.kind, m.tensor, m.step, m.flat_index, m.index) == (
        "value",
        "step1/layer0/acc",
        1,
        5,
        (1, 2),
    )
    assert (m.expected, m.actual) == (expected_value, expected_value - 5)
    assert str(m) == (
        f"case step_mix/shift2-0001: step 1: output 'step1/layer0/acc'[1, 2] "
        f"(flat 5): expected {expected_value}, got {expected_value - 5}"
    )
    assert "\n" not in str(m)


def test_compare_reports_missing_shape_and_dtype(multi_step_case: Case) -> None:
    outputs = multi_step_case.outputs
    actual = _actual(multi_step_case)
    del actual["step0/layer0/gate"]
    m = compare_outputs(outputs, actual)
    assert m is not None and (m.kind, m.tensor, m.step) == ("missing", "step0/layer0/gate", 0)
    assert "missing" in str(m)

    actual = _actual(multi_step_case)
    actual["step0/layer0/acc"] = actual["step0/layer0/acc"].T
    m = compare_outputs(outputs, actual)
    assert m is not None and m.kind == "shape" and "expected [2, 3], got [3, 2]" in str(m)

    actual = _actual(multi_step_case)
    actual["checksum"] = actual["checksum"].astype(np.int64)
    m = compare_outputs(outputs, actual)
    assert m is not None and (m.kind, m.step) == ("dtype", None)
    assert "expected uint32, got int64" in str(m)

    plain: dict[str, Any] = {name: t.to_list() for name, t in outputs.items()}
    plain["narrow"] = [0] * 5  # flat list: compared by count
    m = compare_outputs(outputs, plain)
    assert m is not None and m.kind == "shape" and "expected 6 values, got 5" in str(m)


def test_compare_flat_scalar_and_plain_lists() -> None:
    expected = {"y": Tensor("int8", (2, 2), (1, 2, 3, 4)), "s": Tensor("uint32", (), (7,))}
    assert compare_outputs(expected, {"y": [1, 2, 3, 4], "s": 7}) is None
    m = compare_outputs(expected, {"y": [1, 2, 3, 4], "s": 8})
    assert (
        m is not None
        and m.index == ()
        and str(m) == "output 's' (scalar) (flat 0): expected 7, got 8"
    )
    m = compare_outputs(expected, {"y": [1, 2, 3, 300], "s": 7})
    assert m is not None and m.kind == "dtype" and "300, not an int8" in str(m)


# --- C headers ------------------------------------------------------------------------------

TT_CASES_H = """\
#ifndef TT_CASES_H
#define TT_CASES_H
#include <stdint.h>
typedef enum { TT_I8 = 1, TT_I16 = 2, TT_I32 = 3, TT_U8 = 4, TT_U32 = 5 } tt_dtype_t;
typedef struct { const char *name; tt_dtype_t dtype; uint8_t ndim; uint16_t shape[4];
                 uint32_t count; const void *data; } tt_tensor_t;
typedef struct { const char *id; uint16_t n_inputs; const tt_tensor_t *inputs;
                 uint16_t n_outputs; const tt_tensor_t *outputs; } tt_case_t;
typedef struct { const char *name; uint32_t n_cases; const tt_case_t *cases; } tt_suite_t;
#endif
"""

WALKER = """\
#include <stdio.h>
%(includes)s

static void print_tensor(const char *role, const tt_tensor_t *t)
{
    uint32_t i;
    printf("%%s %%s %%d %%u %%u %%u %%u %%u %%lu", role, t->name, (int)t->dtype,
           (unsigned)t->ndim, (unsigned)t->shape[0], (unsigned)t->shape[1],
           (unsigned)t->shape[2], (unsigned)t->shape[3], (unsigned long)t->count);
    for (i = 0; i < t->count; i++) {
        switch (t->dtype) {
        case TT_I8: printf(" %%d", (int)((const int8_t *)t->data)[i]); break;
        case TT_I16: printf(" %%d", (int)((const int16_t *)t->data)[i]); break;
        case TT_I32: printf(" %%ld", (long)((const int32_t *)t->data)[i]); break;
        case TT_U8: printf(" %%u", (unsigned)((const uint8_t *)t->data)[i]); break;
        case TT_U32: printf(" %%lu", (unsigned long)((const uint32_t *)t->data)[i]); break;
        }
    }
    printf("\\n");
}

static void walk(const tt_suite_t *s)
{
    uint32_t c;
    uint16_t j;
    printf("suite %%s %%lu\\n", s->name, (unsigned long)s->n_cases);
    for (c = 0; c < s->n_cases; c++) {
        const tt_case_t *k = &s->cases[c];
        printf("case %%s %%u %%u\\n", k->id, (unsigned)k->n_inputs, (unsigned)k->n_outputs);
        for (j = 0; j < k->n_inputs; j++) print_tensor("in", &k->inputs[j]);
        for (j = 0; j < k->n_outputs; j++) print_tensor("out", &k->outputs[j]);
    }
}

int main(void)
{
%(walks)s
    return 0;
}
"""

DTYPE_ENUM = {"int8": 1, "int16": 2, "int32": 3, "uint8": 4, "uint32": 5}
GCC_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-Wconversion"]


def expected_walk(suite: Suite, cases: tuple[Case, ...] | list[Case]) -> list[str]:
    """What the walker must print, computed from the JSON side."""
    lines = [f"suite {suite.name} {len(cases)}"]
    for case in cases:
        params = [(f"param/{k}", Tensor("int32", (), (v,))) for k, v in sorted(case.params.items())]
        inputs = list(case.inputs.items()) + params
        lines.append(f"case {case.id} {len(inputs)} {len(case.outputs)}")
        for role, tensors in (("in", inputs), ("out", list(case.outputs.items()))):
            for name, t in tensors:
                shape = list(t.shape) + [0] * (4 - t.ndim)
                lines.append(
                    " ".join(
                        map(
                            str, [role, name, DTYPE_ENUM[t.dtype], t.ndim, *shape, t.count, *t.data]
                        )
                    )
                )
    return lines


def include_dir(tmp_path: Path) -> Path:
    platform = REPO / "c_kernels" / "platform"
    if (platform / "tt_cases.h").is_file():
        return platform
    local = tmp_path / "include"
    local.mkdir(exist_ok=True)
    (local / "tt_cases.h").write_text(TT_CASES_H)
    return local


def gcc() -> str:
    found = shutil.which("gcc")
    if not found:
        pytest.skip("host gcc not found")
    return found


def build_and_walk(
    tmp_path: Path, out_dir: Path, symbols_by_header: dict[str, list[str]]
) -> list[str]:
    includes = "\n".join(f'#include "{h}"' for h in symbols_by_header)
    walks = "\n".join(f"    walk(&{s});" for syms in symbols_by_header.values() for s in syms)
    src = tmp_path / "walk.c"
    src.write_text(WALKER % {"includes": includes, "walks": walks})
    exe = tmp_path / "walk"
    subprocess.run(
        [
            gcc(),
            *GCC_FLAGS,
            "-I",
            str(out_dir),
            "-I",
            str(include_dir(tmp_path)),
            str(src),
            "-o",
            str(exe),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return subprocess.run(
        [str(exe)], check=True, capture_output=True, text=True
    ).stdout.splitlines()


def test_headers_compile_cleanly_and_hold_the_json_values(ci_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "c"
    files = sorted(ci_dir.glob("*.ci.json"))
    result = emit_c(files, out)
    assert [h.file for h in result.headers] == ["golden_sat_add.h", "golden_step_mix.h"]
    inc = include_dir(tmp_path)
    for h in result.headers:
        text = (out / h.file).read_text()
        assert "GENERATED FILE - DO NOT EDIT" in text and "spec version 0.0-test" in text
        assert f"from {h.suite}.ci.json" in text and str(ci_dir) not in text
        unit = tmp_path / f"use_{h.suite}.c"  # includes the header without using it
        unit.write_text(
            f'#include "{h.file}"\nint tt_unit_{h.suite}(void);\n'
            f"int tt_unit_{h.suite}(void) {{ return 0; }}\n"
        )
        proc = subprocess.run(
            [
                gcc(),
                *GCC_FLAGS,
                "-I",
                str(out),
                "-I",
                str(inc),
                "-c",
                str(unit),
                "-o",
                str(tmp_path / f"{h.suite}.o"),
            ],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
    assert "(-2147483647 - 1)" in (out / "golden_sat_add.h").read_text()
    printed = build_and_walk(tmp_path, out, {h.file: [h.symbol] for h in result.headers})
    suites = [load_suite(f) for f in files]
    assert printed == [line for s in suites for line in expected_walk(s, s.cases)]


def test_split_into_parts_under_a_byte_budget(ci_dir: Path, tmp_path: Path) -> None:
    suite = load_suite(sat_add_file(ci_dir))
    out = tmp_path / "c"
    result = emit_c(sat_add_file(ci_dir), out, max_bytes_per_header=600)
    assert len(result.headers) > 2
    assert [h.part for h in result.headers] == list(range(len(result.headers)))
    assert all(h.estimated_bytes <= 600 for h in result.headers)
    assert sum(h.n_cases for h in result.headers) == len(suite.cases)
    index = json.loads((out / INDEX_NAME).read_text())
    assert [h["file"] for h in index["headers"]] == [
        f"golden_sat_add_part{k}.h" for k in range(len(result.headers))
    ]
    assert index["headers"][0]["symbol"] == "tt_suite_sat_add_part0"
    printed = build_and_walk(tmp_path, out, {h.file: [h.symbol] for h in result.headers})
    expected = []
    first = 0
    for h in result.headers:
        expected += expected_walk(suite, suite.cases[first : first + h.n_cases])
        first += h.n_cases
    assert printed == expected

    # Re-emitting without a budget replaces the parts with one header (stale parts removed).
    emit_c(sat_add_file(ci_dir), out, max_bytes_per_header=None)
    assert sorted(p.name for p in out.iterdir()) == ["golden_index.json", "golden_sat_add.h"]


def test_emit_c_is_byte_deterministic(ci_dir: Path, tmp_path: Path) -> None:
    files = sorted(ci_dir.glob("*.ci.json"))
    emit_c(files, tmp_path / "a", max_bytes_per_header=2000)
    emit_c(list(reversed(files)), tmp_path / "b", max_bytes_per_header=2000)
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a == b and len(a) > 3


def test_case_too_big_for_budget_is_an_error(ci_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(
        GoldenFormatError, match="needs about .* more than the max_bytes_per_header budget of 100"
    ):
        emit_c(sat_add_file(ci_dir), tmp_path, max_bytes_per_header=100)


# --- the `tintin golden` command ------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tintin golden")
    golden_cli.add_arguments(parser)
    return golden_cli.run(parser.parse_args(argv))


def test_cli_generate_check_list_validate_emit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(suites_module, "SUITES", REGISTRY)
    data = tmp_path / "data"
    assert run_cli(["generate", "--out", str(data), "--no-progress"]) == 0
    assert run_cli(["check", "--data", str(data), "--no-progress"]) == 0
    assert "2 of 2 file(s) reproduce byte for byte" in capsys.readouterr().out

    assert run_cli(["list", "--data", str(data)]) == 0
    listing = capsys.readouterr().out
    assert "sat_add" in listing and "tt_sat_add_i32" in listing and "11 cases" in listing

    assert run_cli(["validate", *map(str, sorted(data.glob("*.json")))]) == 0
    assert run_cli(["emit-c", "--data", str(data), "--out", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "golden_step_mix.h").is_file()
    capsys.readouterr()

    # A changed committed file: check fails and names the file and the changed case.
    path = data / "sat_add.ci.json"
    doc = json.loads(path.read_text())
    doc["cases"][3]["outputs"]["y"]["data"] = base64.b64encode(b"\0\0\0\0").decode()
    path.write_text(json.dumps(doc, indent=2) + "\n")
    (data / "old_suite.ci.json").write_text("{}")
    assert run_cli(["check", "--data", str(data), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "differs  sat_add.ci.json: cases changed 1 (first: sat_add/min-plus-min-0003)" in out
    assert "stale    old_suite.ci.json" in out
    assert run_cli(["validate", str(path)]) == 2  # bad input (README: exit 2)
    assert "not in canonical form" in capsys.readouterr().out


def test_cli_unknown_suite_is_a_user_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tintin.cli import UserError

    monkeypatch.setattr(suites_module, "SUITES", REGISTRY)
    with pytest.raises(UserError, match="unknown suite\\(s\\) nope"):
        run_cli(["generate", "--out", str(tmp_path), "--suite", "nope"])


def test_registry_starts_empty_and_cli_is_light() -> None:
    code = (
        "import sys, tintin.golden.cli, tintin.golden.format\n"
        "print(sorted(m for m in ('numpy', 'jax', 'tqdm', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert isinstance(suites_module.SUITES, dict)
