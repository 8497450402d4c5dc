"""Rejection cases in the golden format: param expect_status (a TT_ERR_* code), no outputs.

Model, writer, loader and JSON Schema agree on the rule; compare_case checks the status; the
C emitter gives such a case no outputs table and the param "param/expect_status".
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tintin.golden.emit_c import emit_c
from tintin.golden.format import (
    SCHEMA_PATH,
    STATUS_CODES,
    Case,
    GoldenFormatError,
    Suite,
    Tensor,
    compare_case,
    compare_status,
    dumps_suite,
    loads_suite,
)

REPO = Path(__file__).resolve().parents[2]
RANGE, HEADER = STATUS_CODES["TT_ERR_RANGE"], STATUS_CODES["TT_ERR_HEADER"]


def x_of(*values: int) -> dict[str, Tensor]:
    return {"x": Tensor("int32", (len(values),), values)}


def ordinary() -> Case:
    return Case("fine_up/payload-0000", "in the domain", ("payload",), x_of(1, 2), {"y": Tensor("int32", (2,), (1, 3))})


def rejection(status: int = RANGE, **params: int) -> Case:
    return Case(
        "fine_up/proof-domain-1-0001",
        "one past the domain",
        ("rejection",),
        x_of(3329433),
        {},
        {"expect_status": status, **params},
    )


def suite(*cases: Case) -> Suite:
    return Suite(
        "fine_up",
        "tt_fine_up",
        "Fine up step (test copy).",
        "ci",
        "1.0",
        {"acc_bits": 32},
        {"n_cases": len(cases)},
        cases,
    )


def test_model_accepts_a_rejection_case() -> None:
    c = rejection(HEADER, relu=0)
    assert c.is_rejection and c.expect_status == HEADER and c.outputs == {}
    assert not ordinary().is_rejection and ordinary().expect_status is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: rejection(0), "expect_status' = 0 is not an error status"),
        (lambda: rejection(6), "expect_status' = 6 is not an error status"),
        (
            lambda: Case("a/b-0000", "c", ("f",), x_of(1), {"y": Tensor("int32", (1,), (1,))}, {"expect_status": 3}),
            "a rejection case .* has no outputs; got y",
        ),
        (lambda: Case("a/b-0000", "c", ("f",), x_of(1), {}), "needs at least one output \\(or param 'expect_status'"),
        (lambda: Case("a/b-0000", "c", ("f",), x_of(1), {}, {"relu": 1}), "needs at least one output"),
    ],
)
def test_model_refuses_bad_rejection_cases(make: object, message: str) -> None:
    with pytest.raises(GoldenFormatError, match=message):
        make()  # type: ignore[operator]


def test_round_trip_is_canonical_and_schema_valid() -> None:
    pytest.importorskip("jsonschema", reason="the dev extra (jsonschema) validates the schema")
    s = suite(ordinary(), rejection())
    text = dumps_suite(s)
    assert '"params": {"expect_status": 3}' in text and '"outputs": {}' in text
    back = loads_suite(text, "fine_up.ci.json", schema=True, require_canonical=True)
    assert back == s and back.cases[1].is_rejection


@pytest.mark.parametrize(
    ("edit", "what"),
    [
        (lambda c: c.pop("params"), "no outputs and no expect_status"),
        (lambda c: c.update(params={"relu": 1}), "params without expect_status"),
        (lambda c: c["params"].update(expect_status=7), "an unknown status"),
        (lambda c: c["params"].update(expect_status=0), "TT_OK"),
        (lambda c: c.update(outputs={"y": {"dtype": "int32", "shape": [], "data": "AQAAAA=="}}), "outputs too"),
    ],
)
def test_schema_alone_refuses_bad_rejection_cases(edit: object, what: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    doc = json.loads(dumps_suite(suite(ordinary(), rejection())))
    assert not list(validator.iter_errors(doc))
    edit(doc["cases"][1])  # type: ignore[operator]
    assert list(validator.iter_errors(doc)), f"the schema accepts a rejection case with {what}"
    with pytest.raises(GoldenFormatError):  # and so does the loader
        loads_suite(json.dumps(doc), schema=False)


def test_compare_checks_the_status() -> None:
    rej, ok = rejection(), ordinary()
    assert compare_case(rej, {}, status=RANGE) is None
    m = compare_case(rej, {}, status=0)
    assert m is not None and m.kind == "status"
    assert str(m) == "case fine_up/proof-domain-1-0001: status: expected TT_ERR_RANGE, got TT_OK"
    m = compare_case(rej, {})  # a rejection case cannot pass without a status
    assert m is not None and m.kind == "status" and "expected TT_ERR_RANGE, got none" in str(m)
    assert compare_case(ok, {"y": [1, 3]}, status=0) is None
    m = compare_case(ok, {"y": [1, 3]}, status=HEADER)
    assert m is not None and "expected TT_OK, got TT_ERR_HEADER" in str(m)
    assert compare_status(ok, 0) is None and compare_status(rej, RANGE) is None


def test_emit_c_gives_no_outputs_and_the_status_param(tmp_path: Path) -> None:
    s = suite(ordinary(), rejection())
    out = tmp_path / "c"
    [header] = emit_c(s, out).headers
    text = (out / header.file).read_text()
    assert re.search(r'\{ "fine_up/proof-domain-1-0001", 2u, \w+_inputs, 0u, NULL \},', text), text
    assert re.search(r'\{ "fine_up/payload-0000", 1u, \w+_inputs, 1u, \w+_outputs \},', text), text
    assert '{ "param/expect_status", TT_I32, 0u, { 0u, 0u, 0u, 0u }, 1u,' in text
    assert "[rejection: expects TT_ERR_RANGE]" in text
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("host gcc not found")
    unit = tmp_path / "use.c"
    unit.write_text(
        f'#include "{header.file}"\nconst tt_suite_t *tt_use(void);\n'
        f"const tt_suite_t *tt_use(void) {{ return &{header.symbol}; }}\n"
    )
    proc = subprocess.run(
        [
            gcc,
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-I",
            str(out),
            "-I",
            str(REPO / "c_kernels" / "platform"),
            "-c",
            str(unit),
            "-o",
            str(tmp_path / "use.o"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
