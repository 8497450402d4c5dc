"""`tintin train --export-c`: the host C forward kernels, started from the exported header, predict
the test set exactly as JAX does from weights.<policy>.npz (each sample a batch of one)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tintin.cli import main
from tintin.kernels.driver.build import PACKAGE_DIR
from tintin.kernels.driver.presets import write_presets_header

HERE = Path(__file__).parent
# The kernels as tests/kernels/hostlib.py builds them (tt_preset comes from the conformance folder).
SOURCES = [*sorted((PACKAGE_DIR / "src").glob("*.c")), PACKAGE_DIR / "conformance" / "tt_conf_presets.c"]


def _weights(path: Path) -> tuple:
    from tintin.reference.layers import QTensor
    from tintin.reference.rules import Header

    z = np.load(path)
    n = sum(1 for k in z.files if k.startswith("w"))
    return tuple(QTensor(z[f"w{p}"], Header(*(int(v) for v in z[f"h{p}"]))) for p in range(n))


def _jax_predictions(model: object, policy: str, params: tuple, x: np.ndarray, header: tuple) -> np.ndarray:
    from tintin.reference import jax_backend as JB
    from tintin.reference import training as T
    from tintin.reference.config import preset
    from tintin.reference.layers import QTensor
    from tintin.reference.rules import Header

    outputs = T._jit_outputs(model, preset(policy), per_sample=True)
    jparams = tuple(JB.qtensor_to_jax(p) for p in params)
    out = outputs(jparams, JB.qtensor_to_jax(QTensor(x, Header(*header))))
    return np.argmax(np.asarray(out.q)[:, 0, :], axis=1)


def _build(tmp: Path, header: Path, policy: str) -> Path:
    shutil.copy(header, tmp / "export.h")
    presets = write_presets_header(tmp / "include").parent
    exe = tmp / f"predict_{policy}"
    include = [PACKAGE_DIR / "include", PACKAGE_DIR / "src", PACKAGE_DIR / "platform", PACKAGE_DIR / "conformance",
               presets, tmp]
    cmd = ["gcc", "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-unused-variable",
           f"-DSTATE=tt_export_{policy}_state", f"-DCONFIG=TT_EXPORT_{policy.upper()}_CONFIG",
           *(f"-I{d}" for d in include), str(HERE / "export_predict.c"), *map(str, SOURCES), "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return exe


@pytest.mark.parametrize("model_name", ["mlp", "lenet5"])
def test_host_c_from_the_exported_header_predicts_as_jax(model_name: str, tmp_path: Path) -> None:
    if shutil.which("gcc") is None:
        pytest.skip("gcc not installed")
    from tintin.reference.data import load_digits
    from tintin.reference.model import MLP
    from tintin.reference.sequential import lenet5

    out, header = tmp_path / "train", tmp_path / "model.h"
    argv = ["train", "--model", model_name, "--policy", "tintin,niti", "--epochs", "2", "--no-progress",
            "--out", str(out), "--export-c", str(header)]
    assert main(argv + (["--hidden", "24"] if model_name == "mlp" else [])) == 0
    data = load_digits(seed=0)
    model = MLP((64, 24, 10)) if model_name == "mlp" else lenet5(8, 1, 10)
    shape = (64,) if model_name == "mlp" else (8, 8, 1)
    x = data.test_inputs(shape)
    h = tuple(int(v) for v in data.x_header)
    for policy in ("tintin", "niti"):
        expected = _jax_predictions(model, policy, _weights(out / f"weights.{policy}.npz"), x, h)
        exe = _build(tmp_path, header, policy)
        proc = subprocess.run([str(exe), str(len(x)), *map(str, h)], input=np.ascontiguousarray(x).tobytes(),
                              capture_output=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout[-500:] + proc.stderr[-500:]
        got = np.array([int(v) for v in proc.stdout.decode().split()])
        assert len(got) == len(x)
        mismatch = np.flatnonzero(got != expected)
        assert mismatch.size == 0, f"{policy}: {mismatch.size} of {len(x)} predictions differ, first at {mismatch[:5]}"
        assert np.mean(expected == data.y_test) > 0.5  # a trained model, not a constant answer
