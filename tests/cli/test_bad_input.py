"""Every command, fed bad input of each kind, answers with one line naming what is wrong
and exit status 2 (the contract lives in tintin.cli: BAD_INPUT, bad_input_message)."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from tintin.cli import main

GOLDEN = Path(__file__).resolve().parents[2] / "golden_vectors" / "data"
SUITE = "relu_backward"  # small and quick to regenerate
FILE = f"{SUITE}.ci.json"


def _first_tensor(doc: dict) -> dict:
    return next(iter(doc["cases"][0]["inputs"].values()))


def _set(field: str, value: object):
    def change(doc: dict) -> None:
        _first_tensor(doc)[field] = value
    return change


def _wrong_dtype(doc: dict) -> None:
    t = _first_tensor(doc)
    t["dtype"] = "float32"


def _short_data(doc: dict) -> None:
    t = _first_tensor(doc)
    t["data"] = base64.b64encode(base64.b64decode(t["data"])[:-2]).decode()


def _valid_but_wrong_dtype(doc: dict) -> None:
    # A well-formed int32 tensor where the relu backward runner takes int8.
    t = _first_tensor(doc)
    values = base64.b64decode(t["data"])
    t["dtype"] = "int32"
    t["data"] = base64.b64encode(b"".join(int.from_bytes([v], "little", signed=True).to_bytes(4, "little", signed=True)
                                          for v in values)).decode()


def _extra_tensor(doc: dict) -> None:
    doc["cases"][0]["inputs"]["bias"] = dict(_first_tensor(doc))


def _param(name: str, value: int):
    def change(doc: dict) -> None:
        case = next(c for c in doc["cases"] if "null_arg" in c.get("params", {}))
        case["params"][name] = value
    return change


def _config(field: str, value: object):
    def change(doc: dict) -> None:
        doc["config"][field] = value
    return change


def _top(field: str, value: object):
    def change(doc: dict) -> None:
        doc[field] = value
    return change


def _nan(doc: dict) -> None:
    doc["cases"][0]["flags"] = [float("nan")]


# kind -> the file's text (from the committed file)
def _variants() -> dict[str, str]:
    text = (GOLDEN / FILE).read_text()
    out = {"malformed": "{not json at all", "truncated": text[: len(text) // 2], "empty": ""}
    for kind, change in {
        "wrong-dtype": _wrong_dtype,
        "negative-shape": _set("shape", [-3]),
        "short-data": _short_data,
        "out-of-range-dimension": _set("shape", [70000]),
        "wrong-type-shape": _set("shape", "25"),
        "unknown-format-version": _top("format_version", 99),
        "non-finite": _nan,
        "dtype-wrong-for-kernel": _valid_but_wrong_dtype,
        "tensor-the-runner-never-reads": _extra_tensor,
        "param-out-of-range": _param("null_arg", 4),  # the relu backward kernel has 3 pointers
        "status-out-of-range": _param("expect_status", 9),
        "unknown-param": _param("relu", 1),
        "config-out-of-range": _config("acc_bits", 99),
        "config-wrong-type": _config("lr_shift", "x"),
    }.items():
        doc = json.loads(text)
        change(doc)
        out[kind] = json.dumps(doc)  # json writes NaN for the non-finite case, as a bad writer would
    return out


VARIANTS = _variants()


@pytest.fixture(params=sorted(VARIANTS))
def bad_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    folder = tmp_path / request.param
    folder.mkdir()
    (folder / FILE).write_text(VARIANTS[request.param])
    return folder


def _one_error_line(capsys: pytest.CaptureFixture[str], *names: str) -> str:
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1, err
    assert "Traceback" not in err[0] and ": error: " in err[0]
    for name in names:
        assert name in err[0], err[0]
    return err[0]


def test_golden_validate(bad_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bad_dir / FILE
    assert main(["golden", "validate", "--allow-noncanonical", str(path)]) == 2
    out = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("FAIL")]
    assert len(out) == 1 and str(path) in out[0]


def test_golden_emit_c(bad_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["golden", "emit-c", "--data", str(bad_dir), "--out", str(tmp_path / "h")]) == 2
    _one_error_line(capsys, str(bad_dir / FILE))
    assert not (tmp_path / "h" / "golden_index.json").exists()


def test_golden_check(bad_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["golden", "check", "--data", str(bad_dir), "--suite", SUITE, "--no-progress"]) == 2
    out = capsys.readouterr().out
    assert f"broken   {FILE}: does not load" in out


def test_conformance(bad_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["conformance", "--target", "host", "--data", str(bad_dir), "--suite", SUITE, "--no-progress",
               "--out", str(tmp_path / "out"), "--build-dir", str(tmp_path / "build")])
    assert rc == 2
    _one_error_line(capsys, str(bad_dir / FILE))


def test_golden_validate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "missing.json"
    assert main(["golden", "validate", str(path)]) == 2
    out = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("FAIL")]
    assert len(out) == 1 and str(path) in out[0]


def test_a_good_file_still_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(GOLDEN / FILE, tmp_path / FILE)
    assert main(["golden", "validate", str(tmp_path / FILE)]) == 0


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    f = tmp_path / "plain-file"
    f.write_text("not a folder\n")
    return f


def _bad_arguments(a_file: Path) -> list[tuple[list[str], str]]:
    inside = str(a_file / "sub")  # a folder path under a file: cannot be made
    return [
        (["train", "--seed", "-1"], "--seed"),
        (["train", "--seed", "99999999999999999999"], "--seed"),
        (["train", "--float-lr", "-1"], "--float-lr"),
        (["train", "--float-lr", "nan"], "--float-lr"),
        (["train", "--float-lr", "inf"], "--float-lr"),
        (["train", "--epochs", "0"], "--epochs"),
        (["train", "--seed", "x"], "--seed"),
        (["train", "--out", str(a_file)], str(a_file)),
        (["train", "--out", inside], inside),
        (["golden", "emit-c", "--max-bytes", "-5"], "--max-bytes"),
        (["golden", "emit-c", "--out", str(a_file)], str(a_file)),
        (["golden", "generate", "--out", str(a_file), "--suite", SUITE], str(a_file)),
        (["golden", "generate", "--suite", "no-such-suite", "--out", str(a_file.parent / "gen")], "no-such-suite"),
        (["prove", "--timeout", "0"], "--timeout"),
        (["prove", "--timeout", "-1"], "--timeout"),
        (["prove", "--jobs", "0"], "--jobs"),
        (["prove", "--jobs", "-3"], "--jobs"),
        (["prove", "--payload-bits", "1"], "payload_bits"),
        (["prove", "--acc-bits", "65"], "acc_bits"),
        (["prove", "--fan-in", "0"], "sizes"),
        (["prove", "--out", str(a_file)], str(a_file)),
        (["conformance", "--timeout", "nan"], "--timeout"),
        (["conformance", "--jobs", "0"], "--jobs"),
        (["conformance", "--out", str(a_file), "--target", "host"], str(a_file)),
        (["conformance", "--target", "z80"], "z80"),
        (["bench", "--out", str(a_file)], str(a_file)),
        (["demo", "--skip", "nonsense"], "nonsense"),
        (["demo", "--out", str(a_file)], str(a_file)),
        (["train", "--devices", "0"], "--devices"),
        (["mutate", "--sample", "0"], "--sample"),
        (["mutate", "--jobs", "0"], "--jobs"),
        (["mutate", "--timeout", "0"], "--timeout"),
        (["mutate", "--fail-under", "120"], "--fail-under"),
        (["mutate", "--equivalents", inside, "--list"], inside),
        (["mutate", "--target", "z80", "--list"], "z80"),
        (["mutate", "--kernels", str(a_file)], str(a_file)),
    ]


@pytest.mark.parametrize("index", range(36))
def test_bad_arguments(index: int, a_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _bad_arguments(a_file)
    assert len(cases) == 36
    argv, names = cases[index]
    monkeypatch.chdir(tmp_path)  # default output folders land in the test's folder
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse: one line, exit 2 (tintin.cli._Parser)
        rc = int(exc.code or 0)
    assert rc == 2
    _one_error_line(capsys, names)
