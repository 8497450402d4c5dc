"""golden_vectors/signature.py against the two things it mirrors: the C runners' source
(c_kernels/conformance/tt_conf_*.c: which names each runner reads and checks, its NULL-argument
positions) and every suite the generators make; and its refusals of cases that do not fit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tintin.golden.format import load_suite
from tintin.golden.generate import DATA_DIR
from tintin.golden.loader import loads_suite
from tintin.golden.model import GoldenFormatError
from tintin.golden.signature import SIGNATURES, check_signature
from tintin.golden.suites import SUITES

CONF = Path(__file__).resolve().parents[2] / "c_kernels" / "conformance"
READERS = r"(?:tt_conf_input|tt_conf_header|tt_conf_scalar|tt_conf_param|matrix_i8|nhwc_i8|param_in)"
CHECKERS = r"(?:tt_conf_check|tt_conf_check_header)"


def _functions() -> dict[str, str]:
    """Every C function body of the runner sources, by name."""
    out = {}
    for path in sorted(CONF.glob("tt_conf_*.c")):
        src = path.read_text()
        for m in re.finditer(r"^(?:static )?int (\w+)\([^)]*\)\n\{.*?^\}", src, re.S | re.M):
            out[m.group(1)] = m.group(0)
    return out


FUNCTIONS = _functions()


def _runner_text(runner: str) -> str:
    # A runner may hand the case to a shared static helper (update, fine up/down): follow it.
    body = FUNCTIONS[f"tt_run_case_{runner}"]
    for called in re.findall(r"return (\w+)\(", body):
        if called in FUNCTIONS and called != f"tt_run_case_{runner}":
            body += FUNCTIONS[called]
    return body


LITERAL_RUNNERS = sorted(r for r, s in SIGNATURES.items() if not any("#" in n for n in s.inputs))


@pytest.mark.parametrize("runner", LITERAL_RUNNERS)
def test_the_table_names_what_the_c_runner_reads_and_checks(runner: str) -> None:
    body = _runner_text(runner)
    sig = SIGNATURES[runner]
    read = set(re.findall(READERS + r'\("(\w+)"', body))
    checked = set(re.findall(CHECKERS + r'\("(\w+)"', body))
    assert read == set(sig.inputs) | set(sig.params), runner
    assert checked == set(sig.outputs), runner
    positions = [int(k) for k in re.findall(r"TT_CONF_ARG\((\d+)", body)]
    assert max(positions) == sig.pointer_args, runner
    assert ("tt_conf_config(" in body) == sig.own_config, runner


@pytest.mark.parametrize("runner", sorted(SIGNATURES))
def test_every_runner_has_a_c_runner(runner: str) -> None:
    assert f"tt_run_case_{runner}" in FUNCTIONS


@pytest.mark.parametrize("name", sorted(SUITES))
def test_every_generated_suite_fits_its_runner(name: str) -> None:
    # The committed CI file is the generator's output (tests/golden/test_suites.py checks that
    # byte for byte); loading it runs check_signature, and so does the explicit call.
    suite = load_suite(DATA_DIR / f"{name}.ci.json")
    check_signature(suite)
    assert name in SIGNATURES


def _dense_forward_doc() -> dict:
    return json.loads((DATA_DIR / "dense_forward.ci.json").read_text())


def _refusal(doc: dict) -> str:
    with pytest.raises(GoldenFormatError) as info:
        loads_suite(json.dumps(doc), "dense_forward.ci.json", schema=False)
    return str(info.value)


def test_a_relu_flag_outside_zero_or_one_is_refused() -> None:
    doc = _dense_forward_doc()
    case = next(c for c in doc["cases"] if "relu" in c.get("params", {}))
    case["params"]["relu"] = 5
    message = _refusal(doc)
    assert "dense_forward.ci.json" in message and case["id"] in message
    assert "'relu' is 5, outside [0, 1]" in message


def test_a_header_of_the_wrong_shape_is_refused() -> None:
    doc = _dense_forward_doc()
    case = doc["cases"][0]
    case["inputs"]["h_x"] = dict(case["inputs"]["x"])  # a well-formed int8 tensor, not int8[3]
    assert "'h_x'" in _refusal(doc)


def test_an_output_the_runner_never_checks_is_refused() -> None:
    # Left in, it would pass every target without ever being compared.
    doc = _dense_forward_doc()
    case = next(c for c in doc["cases"] if c["outputs"])
    case["outputs"]["y_extra"] = case["outputs"]["y"]
    assert "output 'y_extra' is not one the dense_forward runner reads" in _refusal(doc)


def test_signature_checks_can_be_turned_off_for_tools_that_only_read_the_format() -> None:
    doc = _dense_forward_doc()
    next(c for c in doc["cases"] if "relu" in c.get("params", {}))["params"]["relu"] = 5
    suite = loads_suite(json.dumps(doc), "x.json", schema=False, signature=False)
    with pytest.raises(GoldenFormatError):
        check_signature(suite)
