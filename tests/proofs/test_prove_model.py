"""`tintin prove --model`: the accumulator theorems at a model's own sizes, one table row per
layer sum; a layer past the proved limit is named (file, line, layer) with the counterexample."""

from __future__ import annotations

from pathlib import Path

import pytest

from tintin.cli import main
from tintin.proofs import configs as C
from tintin.proofs import model_limits as ML
from tintin.reference.config import max_dot_terms
from tintin.reference.modelfile import load

CNN = """\
[model]
name = "wide"
input = [{hw}, {hw}, 1]
batch = {batch}

[[layers]]
type = "conv2d"
filters = 2
kernel = 3
padding = 1

[[layers]]
type = "relu"

[[layers]]
type = "flatten"

[[layers]]
type = "dense"
units = 3
"""


def _model(tmp_path: Path, hw: int, batch: int) -> Path:
    path = tmp_path / "model.toml"
    path.write_text(CNN.format(hw=hw, batch=batch))
    return path


def test_the_required_sizes_are_the_model_sums(tmp_path: Path) -> None:
    t = ML.model_targets(load(_model(tmp_path, 10, 3)))
    assert (t.conv_patch, t.conv_backward_terms, t.conv_gradient_terms) == (9, 18, 300)
    assert (t.fan_in, t.fan_out, t.batch, t.classes) == (200, 3, 3, 3)


def test_a_model_inside_the_limits_proves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["prove", "--model", str(_model(tmp_path, 10, 3)), "--theorem", "accumulator.conv_gradient",
                 "--out", str(out), "--jobs", "1"]) == 0
    text = (out / "model_limits.md").read_text()
    assert "layers[0] (conv2d) | gradient (batch 3 x 100 output positions) | 300 | accumulator.conv_gradient" in text
    assert "every layer within the proved limits" in capsys.readouterr().out


def test_a_layer_past_the_limit_is_named_with_the_counterexample(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = _model(tmp_path, 64, 40)  # 40 x 64 x 64 = 163840 gradient products
    assert max_dot_terms(load(path).cfg) < 40 * 64 * 64
    assert main(["prove", "--model", str(path), "--theorem", "accumulator.conv_gradient", "--out",
                 str(tmp_path / "out"), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:6 layers[0] (conv2d): the gradient sums 163840 products (batch 40 x 4096 output positions); " \
           f"accumulator.conv_gradient proves at most {max_dot_terms(load(path).cfg)}" in err
    assert "counterexample (one past the limit): k = " in err
    assert C.targets() == C.Targets()  # the model's sizes do not outlive the run


def test_model_and_explicit_sizes_do_not_mix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--model", str(_model(tmp_path, 10, 3)), "--fan-in", "10"]) == 2
    assert "--model sets the config and sizes itself" in capsys.readouterr().err
