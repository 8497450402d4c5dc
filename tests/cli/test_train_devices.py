"""`tintin train --devices N`: the integer batch split over N devices gives the same bits as one.

JAX reads XLA_FLAGS when it is imported, so the forced host CPU devices need a fresh process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tintin.cli import main

FOUR_DEVICES = {"XLA_FLAGS": "--xla_force_host_platform_device_count=4"}


def _train(out: Path, devices: int, model: str) -> None:
    cmd = [sys.executable, "-m", "tintin", "train", "--model", model, "--policy", "tintin,niti", "--epochs", "1",
           "--devices", str(devices), "--no-progress", "--out", str(out)]
    if model == "mlp":
        cmd += ["--hidden", "16"]
    env = {**os.environ, **FOUR_DEVICES, "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize("model", ["mlp", "lenet5"])
def test_four_devices_train_the_same_weights_and_headers_as_one(model: str, tmp_path: Path) -> None:
    _train(tmp_path / "d1", 1, model)
    _train(tmp_path / "d4", 4, model)
    for policy in ("tintin", "niti"):
        one = np.load(tmp_path / "d1" / f"weights.{policy}.npz")
        four = np.load(tmp_path / "d4" / f"weights.{policy}.npz")
        assert sorted(one.files) == sorted(four.files)
        assert int(one["step"]) > 0  # training happened
        for name in one.files:
            assert np.array_equal(one[name], four[name]), f"{policy}: {name} differs between 1 and 4 devices"


def test_the_sharded_step_splits_the_batch_and_reduces_across_devices() -> None:
    """The 4-device step is really data-parallel: each device holds a quarter of the batch and the
    compiled program has cross-device all-reduces (the gradient sums and header maxima)."""
    script = """
import json
import numpy as np
from tintin.reference import jax_backend as JB, packed as PK, parallel as P
from tintin.reference.config import TINTIN
from tintin.reference.layers import QTensor
from tintin.reference.model import MLP, Batch
from tintin.reference.rules import Header
model = MLP((16, 12, 10))
dp = P.data_parallel_step(model, TINTIN, 4)
state = dp.put_state(PK.pack_state(JB.init_state(model, TINTIN, 0)))
batch = dp.put_batch(PK.pack_batch(Batch(QTensor(np.ones((8, 16), np.int8), Header(-7, 0, 0)),
                                         np.zeros(8, np.int32))))
shards = {tuple(s.data.shape) for s in batch.x.addressable_shards}
text = dp.step.lower(state, batch).compile().as_text()
print(json.dumps([len(batch.x.addressable_shards), sorted(shards), text.count("all-reduce(")]))
"""
    env = {**os.environ, **FOUR_DEVICES, "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    n_shards, shapes, reduces = json.loads(proc.stdout.strip().splitlines()[-1])
    assert n_shards == 4 and shapes == [[2, 16]], proc.stdout
    assert reduces > 0, proc.stdout


@pytest.mark.parametrize(("argv", "message"), [
    (["--devices", "3", "--batch", "32"], "batch 32 is not divisible by --devices 3"),
    (["--devices", "0"], "--devices must be at least 1"),
    (["--devices", "64", "--batch", "64"], "JAX sees"),
    (["--policy", "float", "--export-c", "x.h"], "--export-c needs an integer policy"),
    (["--export-c", "x.txt"], "--export-c takes a .h file name"),
])
def test_bad_devices_and_export_options_exit_2(argv: list[str], message: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["train", "--epochs", "1", "--no-progress", "--out", str(tmp_path), *argv])
    assert status == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
