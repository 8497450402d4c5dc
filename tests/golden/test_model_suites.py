"""`tintin golden generate --model`: a model file written here (shapes none of the built-in
suites use) gives a suite per kernel call of its training step, whose stored outputs the exact
oracle reproduces, with the kernels' edge cases and -128 rejection cases, byte for byte again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tintin.cli import main
from tintin.golden.format import load_suite
from tintin.golden.suites import SUITES
from tintin.golden.suites.model_suites import REJECT_FLAG, model_suites
from tintin.reference.modelfile import load

DENSE = """\
[model]
name = "dense40"
input = [40]
batch = 4
seed = 3

[[layers]]
type = "dense"
units = 24

[[layers]]
type = "relu"

[[layers]]
type = "dense"
units = 10
"""

CNN = """\
[model]
name = "cnn6"
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
type = "conv2d"
filters = 4
kernel = 2
stride = 2

[[layers]]
type = "flatten"

[[layers]]
type = "dense"
units = 5

[numerics]
preset = "niti"
lr_shift = 6
"""

EXPECTED = {
    "dense40": ["l0_dense_forward", "l2_dense_forward", "loss_softmax_xent_error", "l2_dense_gradient",
                "l2_dense_backward_error", "l2_update", "l1_relu_backward", "l0_dense_gradient", "l0_update",
                "train_step"],
    "cnn6": ["l0_conv2d_forward", "l2_maxpool2d_forward", "l3_conv2d_forward", "l5_dense_forward",
             "loss_softmax_xent_error", "l5_dense_gradient", "l5_dense_backward_error", "l5_update",
             "l3_conv2d_gradient", "l3_conv2d_backward_error", "l3_update", "l2_maxpool2d_backward",
             "l1_relu_backward", "l0_conv2d_gradient", "l0_update", "train_step"],
}


@pytest.fixture(scope="module", params=[DENSE, CNN], ids=["dense40", "cnn6"])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    root = tmp_path_factory.mktemp("model")
    path = root / "model.toml"
    path.write_text(request.param)
    out = root / "golden"
    assert main(["golden", "generate", "--model", str(path), "--cases", "1", "--out", str(out), "--no-progress"]) == 0
    return load(path), out, path


def test_one_suite_per_kernel_call_of_the_step(generated: tuple) -> None:
    mf, out, _ = generated
    names = [s.defn.name for s in model_suites(mf, 1)]
    assert names == EXPECTED[mf.name]
    assert sorted(p.name for p in out.glob("*.ci.json")) == sorted(f"{n}.ci.json" for n in names)
    assert not set(names) & set(SUITES)  # never confused with the built-in files


def test_outputs_are_the_exact_oracle_under_the_model_config(generated: tuple) -> None:
    mf, out, _ = generated
    for s in model_suites(mf, 1):
        suite = load_suite(out / f"{s.defn.name}.ci.json")
        assert suite.config == mf.cfg.to_json() and suite.generator["runner"] == s.runner
        assert suite.generator["model"] == mf.name
        for case in suite.cases:
            if case.is_rejection:
                continue
            inputs = {k: t.to_numpy() for k, t in case.inputs.items()}
            exact = s.oracle(inputs, case.params)
            for name, t in case.outputs.items():
                assert np.array_equal(exact[name], t.to_numpy()), (case.id, name)


def test_edge_cases_at_the_model_shapes(generated: tuple) -> None:
    mf, out, _ = generated
    forward = load_suite(out / f"{EXPECTED[mf.name][0]}.ci.json")
    flags = {f for c in forward.cases for f in c.flags}
    assert {"saturate-high", "saturate-low", "max-magnitude", "window-left", "zero", REJECT_FLAG} <= flags
    # 255 rounds to 128 and saturates to qmax; the window (tintin) then takes one down step
    down = mf.cfg.down
    top = (mf.cfg.qmax * down.multiplier + (1 << (down.shift - 1))) >> down.shift if mf.cfg.window else mf.cfg.qmax
    for edge, sign in (("saturate-high", 1), ("saturate-low", -1)):
        sat = next(c for c in forward.cases if edge in c.flags)
        y = sat.outputs["y"].to_numpy()
        relu = sat.params["relu"]
        assert int(y.flat[0]) == (top if sign > 0 else (0 if relu else -top)), edge
    rejections = [c for c in forward.cases if c.is_rejection]
    assert len(rejections) == 2 and all(c.expect_status == 3 for c in rejections)  # TT_ERR_RANGE
    assert all(any(int(t.to_numpy().min()) == -128 for t in c.inputs.values() if t.dtype == "int8")
               for c in rejections)
    update = load_suite(out / f"{[n for n in EXPECTED[mf.name] if n.endswith('_update')][0]}.ci.json")
    uflags = {f for c in update.cases for f in c.flags}
    assert {"cap", "fine-steps", "downs-1", "downs-2", "wide-shift", "left-shift", "window-left"} <= uflags
    step = load_suite(out / "train_step.ci.json")
    assert step.cases[0].inputs["batch0/x"].shape[0] == mf.batch


def test_generation_is_byte_reproducible(generated: tuple, tmp_path: Path) -> None:
    mf, out, path = generated
    again = tmp_path / "again"
    assert main(["golden", "generate", "--model", str(path), "--cases", "1", "--out", str(again),
                 "--no-progress"]) == 0
    for p in sorted(out.glob("*.ci.json")):
        assert (again / p.name).read_bytes() == p.read_bytes(), p.name


def test_a_model_past_the_accumulator_limit_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.toml"
    path.write_text(CNN.replace("input = [6, 6, 2]", "input = [64, 64, 2]").replace("batch = 2", "batch = 40"))
    assert main(["golden", "generate", "--model", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{path}:7 layers[0] (conv2d): the gradient sums 163840 products (batch 40 x 4096 output positions)" \
        in err, err
    assert err.count("\n") == 1
