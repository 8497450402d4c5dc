"""RAM accounting of section (a): the C library's own sizes, checked against a hand count."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tintin.bench.models import RAM_MODELS, tiny_mlp
from tintin.bench.ram import HostKernels, account, build_host_library


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> HostKernels:
    if shutil.which("gcc") is None:
        pytest.skip("gcc not on PATH (install the Debian package gcc)")
    return HostKernels(build_host_library(Path(tmp_path_factory.mktemp("benchhost"))))


def test_tiny_mlp_matches_a_hand_count(host: HostKernels) -> None:
    # MLP 4-3-2, batch 2, softmax: W0 3x4 = 12, W1 2x3 = 6 weights
    a = account(host, tiny_mlp(batch=2))
    # integer side
    assert a.int_weights == 12 + 6
    assert a.int_headers == 3 * (2 + 1)  # two weight tensors and the input, 3 bytes each
    assert a.int_act == 2 * 3 + 2 * 2  # both layer outputs, int8
    assert a.int_err == 2 * (2 * 4)  # ping-pong of the widest: the input, batch x 4
    # int32 scratch in the default mode (recompute): the largest of B*out, B*in (not layer 0: it makes no input
    # error), one gradient row (n_in) and the softmax row: layer 0's B*out = 6 and layer 1's B*in = 6
    assert a.grad_mode == "recompute"
    assert a.int_acc == 4 * 6
    assert a.int_input == 2 * 4 and a.int_labels == 4 * 2
    assert a.int_total == 18 + 9 + 10 + 16 + 24 + 8 + 8 == 93
    # the mode stored also holds the largest whole gradient: layer 0's 12 weights
    assert a.int_acc_modes == {"stored": 4 * 12, "recompute": 4 * 6}
    stored = account(host, tiny_mlp(batch=2), "stored")
    assert stored.int_acc == 4 * 12 and stored.int_total == 117
    assert stored.float_total == a.float_total
    # float32 side
    assert a.f_weights == 4 * 18 and a.f_grads == 4 * 18
    assert a.f_act == 4 * 10
    assert a.f_err == 2 * 4 * 8
    assert a.f_input == 4 * 8 and a.f_labels == 8
    assert a.float_total == 72 + 40 + 64 + 72 + 32 + 8 == 288
    assert a.float_lean_total == 288 - 72 + 4 * 12
    assert a.ratio == pytest.approx(93 / 288)
    j = a.to_json()
    assert j["modes"]["stored"]["int_total"] == 117 and j["modes"]["recompute"]["int_total"] == 93
    assert j["modes"]["recompute"]["saving_percent"] == j["saving_percent"]


def test_every_benchmark_model_is_accepted_and_consistent(host: HostKernels) -> None:
    for bm in RAM_MODELS:
        a = account(host, bm).to_json()
        parts = ("int_weights", "int_headers", "int_act", "int_err", "int_acc", "int_input", "int_labels")
        assert a["int_total"] == sum(a[k] for k in parts)
        assert a["float_total"] == sum(a[k] for k in ("f_weights", "f_act", "f_err", "f_grads", "f_input", "f_labels"))
        assert a["f_weights"] == 4 * a["int_weights"]
        assert 0 < a["ratio"] < 1
        assert a["modes"]["recompute"]["int_acc"] <= a["modes"]["stored"]["int_acc"]
        assert a["int_total"] == a["modes"][a["grad_mode"]]["int_total"]


def test_every_benchmark_model_saves_60_percent_in_the_default_mode(host: HostKernels) -> None:
    """Issue 7: at least 60% less training RAM than float32 for every model of section (a)."""
    for bm in RAM_MODELS:
        a = account(host, bm)
        assert a.saving >= 0.60, f"{bm.key}: {100 * a.saving:.1f}%"


def test_the_digits_mlp_by_hand(host: HostKernels) -> None:
    # 64-64-10, batch 32: acc holds the 64x64 gradient when stored (16,384 bytes), otherwise the
    # largest accumulator 32 x 64 (8,192 bytes)
    bm = next(bm for bm in RAM_MODELS if bm.key == "digits_mlp")
    a = account(host, bm)
    assert a.int_acc_modes == {"stored": 16384, "recompute": 8192}
    assert a.in_mode("stored").int_total == 29769 and a.int_total == 29769 - 8192
    assert a.float_total == 72064
