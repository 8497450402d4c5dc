"""Model files (reference/modelfile.py): the bundled models are the project's models, and a bad
file gives one line naming the file, the line and the field, with exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tintin.cli import main
from tintin.reference import modelfile as MF
from tintin.reference.apps import bearing, spectrum
from tintin.reference.config import NITI, TINTIN
from tintin.reference.model import MLP
from tintin.reference.sequential import lenet5

GOOD = """\
[model]
name = "tiny"
input = [6, 6, 2]
batch = 2
seed = 5

[[layers]]
type = "conv2d"
filters = 3
kernel = 3
padding = 1

[[layers]]
type = "relu"

[[layers]]
type = "maxpool"
size = 2

[[layers]]
type = "flatten"

[[layers]]
type = "dense"
units = 5

[numerics]
preset = "niti"
lr_shift = 6
"""


def test_bundled_models_are_the_project_models() -> None:
    assert MF.resolve("digits-mlp").model == MLP((64, 64, 10))
    assert MF.resolve("bearing").model == MLP((bearing.BANDS, *bearing.HIDDEN, bearing.BANDS), loss="mse")
    assert MF.resolve("spectrum").model == MLP((spectrum.BINS + 1, *spectrum.HIDDEN, 2))
    for name, hw in (("lenet5-digits", 8), ("lenet5-mnist", 28)):
        got, want = MF.resolve(name).model, lenet5(hw)
        assert (got.input_shape, got.layers, got.loss) == (want.input_shape, want.layers, want.loss), name
    for name in MF.builtin_names():
        assert MF.resolve(name).cfg == TINTIN, name


def test_a_model_file_gives_its_model_and_numerics(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(GOOD)
    mf = MF.load(path)
    assert (mf.name, mf.batch, mf.seed, mf.input_shape, mf.preset) == ("tiny", 2, 5, (6, 6, 2), "niti")
    assert mf.cfg == NITI.replace(name="niti-tiny", lr_shift=6)
    assert [p.out_shape for p in mf.model.plan()] == [(6, 6, 3), (3, 3, 3), (27,), (5,)]
    assert [li.line for li in mf.layers] == [7, 13, 16, 20, 23]
    assert MF.resolve(str(path)).model == mf.model


BAD = [
    ("syntax", GOOD.replace("batch = 2", "batch = "), ":4: not valid TOML"),
    ("unknown key", GOOD.replace("seed = 5", "sed = 5"), ":5: model.sed: unknown key"),
    ("unknown table", GOOD + "\n[training]\nepochs = 3\n", ":31: training: unknown table"),
    ("kernel 0", GOOD.replace("kernel = 3", "kernel = 0"), ":10: layers[0].kernel: must be in [1, 65535], got 0"),
    ("padding", GOOD.replace("padding = 1", "padding = 3"), ":11: layers[0].padding: must be below the kernel size"),
    ("missing units", GOOD.replace("units = 5", ""), ":23: layers[4].units: missing"),
    ("layer type", GOOD.replace('type = "flatten"', 'type = "dropout"'), ":21: layers[3].type: must be one of"),
    ("relu first", GOOD.replace('[[layers]]\ntype = "conv2d"',
                                '[[layers]]\ntype = "relu"\n\n[[layers]]\ntype = "conv2d"'),
     ":8: layers[0].type: a relu must follow"),
    ("pool", GOOD.replace("size = 2", "size = 4"), ":16: layers: layer 1 MaxPool2D(4) does not divide"),
    ("input", GOOD.replace("input = [6, 6, 2]", "input = [6, 6]"), ":3: model.input: must be [N]"),
    ("vector input", GOOD.replace("input = [6, 6, 2]", "input = [12]"), ":3: model.input: a vector input"),
    ("name", GOOD.replace('name = "tiny"', 'name = "my model"'), ":2: model.name: must be 1-32 letters"),
    ("preset", GOOD.replace('preset = "niti"', 'preset = "fast"'), ":28: numerics.preset: unknown config"),
    ("field type", GOOD.replace("lr_shift = 6", 'lr_shift = "6"'), ":29: numerics.lr_shift: must be an integer"),
    ("field range", GOOD.replace("lr_shift = 6", "lr_shift = 40"), ":29: numerics.lr_shift: lr_shift: must be in"),
    ("widths", GOOD.replace("lr_shift = 6", "acc_bits = 24"), ":27: numerics.grad_pre_bits: grad_pre_bits"),
    ("loss", GOOD.replace("seed = 5", 'seed = 5\nloss = "hinge"'), ":6: model.loss: must be one of"),
]


@pytest.mark.parametrize(("kind", "text", "message"), BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("command", [["golden", "generate", "--model"], ["prove", "--model"],
                                     ["conformance", "--target", "host", "--model"]])
def test_a_bad_model_file_is_one_line_and_exit_2(kind: str, text: str, message: str, command: list[str],
                                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    if command[0] == "prove" and kind == "widths":
        return  # prove takes widths that overflow: it shows where, with counterexamples
    assert main([*command, str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert (f"{path}{message}" if message.startswith(":") else f"{path}: {message}") in err, err


def test_an_unknown_model_name_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["golden", "generate", "--model", "no-such-model"]) == 2
    err = capsys.readouterr().err
    assert "unknown model 'no-such-model'" in err and "digits-mlp" in err


def test_the_documented_example_loads() -> None:
    mf = MF.load(Path(__file__).resolve().parents[2] / "docs" / "examples" / "my-model.toml")
    assert (mf.name, mf.input_shape, mf.batch, mf.cfg.lr_shift, mf.cfg.name) == ("my-cnn", (12, 12, 2), 8, 7,
                                                                                   "tintin-my-cnn")
