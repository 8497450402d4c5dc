"""`tintin conformance --model`: the suites of a model file written here run on the host and the
Cortex-M4, with the model's own config taken from the golden files (not from the suite names):
goldens whose stored config is changed (outputs kept) must fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tintin.cli import main
from tintin.golden.format import Suite, load_suite, write_suite
from tintin.golden.suites.model_suites import write_model_suites
from tintin.kernels.driver.conformance import run_conformance
from tintin.kernels.driver.presets import render_suite_configs
from tintin.reference.config import NITI, TINTIN
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

# Stride 2 with padding, a pool, a convolution as large as its input; NITI cutting G to 4 bits.
CNN = """\
[model]
name = "cnn10"
input = [10, 10, 1]
batch = 3
seed = 7

[[layers]]
type = "conv2d"
filters = 4
kernel = 3
stride = 2
padding = 1

[[layers]]
type = "relu"

[[layers]]
type = "maxpool"
size = 1

[[layers]]
type = "conv2d"
filters = 3
kernel = 5

[[layers]]
type = "flatten"

[[layers]]
type = "dense"
units = 4

[numerics]
preset = "niti"
niti_mu = 4
"""

TOOLS = (pytest.mark.toolchain, pytest.mark.qemu)
# A subset that keeps the run short: every kind of runner the two models use at least once.
DENSE_SUITES = ["l0_dense_forward", "l2_dense_backward_error", "l0_update", "loss_softmax_xent_error", "train_step"]
CNN_SUITES = ["l0_conv2d_forward", "l3_conv2d_backward_error", "l2_maxpool2d_backward", "l3_update", "train_step"]


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build folder for the file: the kernel objects are compiled once per target."""
    return tmp_path_factory.mktemp("build")


@pytest.mark.parametrize(("text", "suites"), [(DENSE, DENSE_SUITES), (CNN, CNN_SUITES)], ids=["dense40", "cnn10"])
@pytest.mark.toolchain
@pytest.mark.qemu
def test_a_model_file_passes_on_host_and_m4(text: str, suites: list[str], tmp_path: Path, build_dir: Path) -> None:
    model = tmp_path / "model.toml"
    model.write_text(text)
    out = tmp_path / "report"
    status = main(["conformance", "--model", str(model), "--target", "host,m4", "--cases", "1", "--suite", *suites,
                   "--build-dir", str(build_dir), "--out", str(out), "--no-progress", "--jobs", "2"])
    report = json.loads((out / "conformance.json").read_text())
    cells = {(r["suite"], r["target"]): r for r in report["results"]}
    for suite in suites:
        for target in ("host", "m4"):
            assert cells[(suite, target)]["state"] == "passed", cells[(suite, target)]
            assert cells[(suite, target)]["passed"] == cells[(suite, target)]["total"] > 0
    assert status == 0


@pytest.mark.toolchain
def test_the_runners_take_the_config_from_the_golden_file(tmp_path: Path, build_dir: Path) -> None:
    model = tmp_path / "model.toml"
    model.write_text(CNN)
    mf = load(model)
    data = tmp_path / "golden"
    write_model_suites(mf, data, 1, ["l0_update", "l0_conv2d_forward"], progress=False)
    report = run_conformance("host", level="ci", data_dir=data, build_dir=build_dir, jobs=1)
    assert report.ok, [r.first_failure for r in report.failures]
    # The same goldens, their config changed to another valid one (niti_mu 4 -> 3): the update
    # now cuts G to 3 bits in C and must miss the stored weights; the forward pass does not
    # depend on niti_mu and still passes.
    for name in ("l0_update", "l0_conv2d_forward"):
        s = load_suite(data / f"{name}.ci.json")
        config = {**s.config, "niti_mu": 3}
        write_suite(Suite(s.name, s.kernel, s.description, s.level, s.spec_version, config, s.generator, s.cases),
                    data)
    report = run_conformance("host", level="ci", data_dir=data, build_dir=build_dir, jobs=1)
    states = {r.suite: r.state for r in report.results.values()}
    assert states == {"l0_update": "failed", "l0_conv2d_forward": "passed"}, states


def test_suite_configs_header_lists_every_suite_and_shares_equal_configs() -> None:
    text = render_suite_configs({"a": TINTIN, "b": NITI, "c": TINTIN})
    assert text == render_suite_configs({"a": TINTIN, "b": NITI, "c": TINTIN})
    assert text.count("static const tt_config_t") == 2
    assert '{"a", &TT_SUITE_CONFIG_C0}' in text and '{"b", &TT_SUITE_CONFIG_C1}' in text
    assert '{"c", &TT_SUITE_CONFIG_C0}' in text and "#define TT_SUITE_CONFIG_COUNT 3u" in text
    assert ".update_niti = 1," in text and ".update_niti = 0," in text
