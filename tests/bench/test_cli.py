"""`tintin bench --quick`: both files written, every section filled, the JSON consistent with
itself and with the Markdown. One test runs the command once (also under pytest-xdist, where a
module fixture would run once per worker); the checks are separate functions."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tintin.bench.report import split_dense_forward

SECTIONS = ("## (a) Training-time RAM", "## (b) Instructions executed on QEMU", "## (c) JAX reference",
            "## (d) Tool times")


@pytest.mark.toolchain
@pytest.mark.qemu
def test_quick_run_writes_both_files_filled_and_consistent(tmp_path: Path) -> None:
    run = _quick_run(tmp_path)
    _all_four_sections_are_filled(run)
    _ram_numbers_are_consistent(run)
    _instruction_numbers_are_consistent(run)
    _jax_numbers_are_consistent(run)


def _quick_run(out: Path) -> tuple[dict[str, Any], str]:
    proc = subprocess.run([sys.executable, "-m", "tintin", "bench", "--quick", "--out", str(out), "--no-progress"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "warning" not in proc.stdout, proc.stdout
    return json.loads((out / "benchmarks.json").read_text()), (out / "BENCHMARKS.md").read_text()


def _all_four_sections_are_filled(run: tuple[dict[str, Any], str]) -> None:
    res, md = run
    assert res["quick"] is True and res["command"] == "tintin bench --quick"
    for heading in SECTIONS:
        assert heading in md
    assert "Not measured" not in md
    assert res["ram"]["error"] is None and len(res["ram"]["models"]) >= 5
    assert res["instructions"]["error"] is None and {v["variant"] for v in res["instructions"]["variants"]} >= {
        "m0plus", "m4", "m4-nodsp"}
    assert res["jax"]["error"] is None and res["jax"]["models"]
    assert res["times"]["goldens"]["ok"] and res["times"]["goldens"]["files"] == 2
    proofs = res["times"]["proofs"]  # --quick does not run the proofs and says so
    assert proofs["seconds"] is None and not proofs["ok"] and "--quick" in proofs["detail"]
    assert proofs["command"].startswith("tintin prove --config all")
    for key in ("nproc", "cpu", "qemu", "arm-none-eabi-gcc", "jax"):
        assert res["machine"][key]


def _ram_numbers_are_consistent(run: tuple[dict[str, Any], str]) -> None:
    res, md = run
    for a in res["ram"]["models"]:
        assert a["int_total"] == a["int_weights"] + a["int_headers"] + a["int_workspace"] + a["int_input"] + a[
            "int_labels"]
        assert a["int_workspace"] == a["int_act"] + a["int_err"] + a["int_acc"]
        assert math.isclose(a["ratio"], a["int_total"] / a["float_total"], abs_tol=1e-4)
        assert math.isclose(a["saving_percent"], 100 * (1 - a["int_total"] / a["float_total"]), abs_tol=0.06)
        assert f"**{a['int_total']:,}**" in md and f"**{a['saving_percent']:.1f}%**" in md


def _instruction_numbers_are_consistent(run: tuple[dict[str, Any], str]) -> None:
    res, md = run
    ins = res["instructions"]
    assert ins["validation"]["tb_vs_singlestep"]["equal"]
    for v in ins["variants"]:
        assert v["loop_check"]["exact"]
        assert v["code_size"]["text"] > 0
        kinds = {it["kind"] for it in v["items"]}
        assert {"dense_forward", "dense_backward_error", "dense_gradient", "update", "softmax_xent_error",
                "conv2d_forward", "train"} <= kinds
        for it in v["items"]:
            assert it["counts"] and all(c >= 0 for c in it["counts"])
            assert math.isclose(it["instructions"], sum(it["counts"]) / len(it["counts"]))
            if "macs" in it:
                assert math.isclose(it["per_mac"], it["instructions"] / it["macs"])
            if it["kind"] == "train":
                assert math.isclose(it["per_sample"], it["instructions"] / it["batch"])
                assert it["stack_bytes"] > 0
                assert f"{round(it['per_sample']):,}" in md
            if it["kind"] not in ("empty", "loop"):
                assert it["instructions"] > 0
                # the per-function split covers the whole bracket (markers' constant included)
                assert sum(it["per_function"].values()) == it["counts"][0] + v["baseline"]
                assert sum(it["per_source"].values()) == it["counts"][0] + v["baseline"]
    # the training steps again on the M4 in the other gradient mode, same models as the default build
    other = ins["other_grad_mode"]
    assert other["mode"] in ("stored", "recompute") and other["loop_check"]["exact"]
    default_m4 = next(v for v in ins["variants"] if v["variant"] == "m4")
    assert sorted(it["model"] for it in other["items"] if it["kind"] == "train") == sorted(
        it["model"] for it in default_m4["items"] if it["kind"] == "train")
    assert f"instructions/sample M4 DSP, {other['mode']}" in md
    m4 = {v["variant"]: v for v in ins["variants"]}
    dsp = [it for it in m4["m4"]["items"] if it["kind"] == "dense_forward"]
    portable = [it for it in m4["m4-nodsp"]["items"] if it["kind"] == "dense_forward"]
    assert [it["macs"] for it in dsp] == [it["macs"] for it in portable]
    for it in dsp + portable:  # every function is in a group (else a ValueError) and each group is found
        split = split_dense_forward(it)
        assert split["mac"] > 0 and split["checks"] > 0 and split["output"] > 0 and split["rest"] >= 0, split


def _jax_numbers_are_consistent(run: tuple[dict[str, Any], str]) -> None:
    res, _ = run
    for m in res["jax"]["models"]:
        assert m["int_samples_per_s"] > 0 and m["float_samples_per_s"] > 0
        assert math.isclose(m["ratio"], m["int_samples_per_s"] / m["float_samples_per_s"], rel_tol=1e-3)
        assert math.isclose(m["int_samples_per_s"], m["batch"] / (m["int_step_ms"] / 1e3), rel_tol=1e-3)
    for s in res["jax"]["scaling"]:
        assert "error" not in s, s
        assert [r["devices"] for r in s["runs"]] == [1, 2, 4] and s["same_bits"], s
        for r in s["runs"]:
            assert math.isclose(r["samples_per_s"], s["batch"] / (r["step_ms"] / 1e3), rel_tol=1e-2)
