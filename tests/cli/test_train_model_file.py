"""`tintin train --model` with a model file: the file's network and numerics are trained; a file
whose input does not fit the data is refused with one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tintin.cli import main

MODEL = """\
[model]
name = "digits-small"
input = [64]

[[layers]]
type = "dense"
units = 12

[[layers]]
type = "relu"

[[layers]]
type = "dense"
units = 10

[numerics]
preset = "tintin"
lr_shift = 7
"""


def test_train_takes_a_model_file(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(MODEL)
    out = tmp_path / "out"
    assert main(["train", "--model", str(path), "--epochs", "1", "--policy", "tintin", "--no-progress",
                 "--out", str(out)]) == 0
    result = json.loads((out / "results.json").read_text())
    assert result["architecture"] == "digits-small" and result["model"] == str(path)
    # the run uses the file's numerics (lr_shift 7), named after the preset and the model
    assert list(result["final_metric"]) == ["tintin-digits-small"]
    assert 0.0 <= result["final_metric"]["tintin-digits-small"] <= 1.0


@pytest.mark.parametrize(("change", "message"), [
    (("input = [64]", "input = [65]"), "input [65] (softmax_xent, 10 classes) does not fit digits"),
    (("units = 10", "units = 7"), "(softmax_xent, 7 classes) does not fit digits"),
])
def test_a_model_file_that_does_not_fit_the_data_is_refused(change: tuple[str, str], message: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.toml"
    path.write_text(MODEL.replace(*change))
    assert main(["train", "--model", str(path), "--epochs", "1", "--no-progress", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
