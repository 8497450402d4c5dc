"""The golden cases made from proof counterexamples, run on the kernels as a host library.

A mutant's case must give the stored outputs (status TT_OK); a rejection case must make the
kernel return exactly its expect_status. The same cases run on every core in
`tintin conformance` (tt_conf_status); this is the quick check without a cross toolchain,
with UBSan when it loads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tintin.golden.format import Case, compare_case, load_suite
from tintin.golden.generate import DATA_DIR
from tintin.golden.suites._common import PROOF_FLAG

from .hostlib import Header, Kernels, header, ptr

Run = Callable[[Kernels, Any, dict[str, np.ndarray], dict[str, int]], tuple[int, dict[str, Any]]]


def _arrays(case: Case) -> dict[str, np.ndarray]:
    return {name: np.array(t.to_numpy(), order="C") for name, t in case.inputs.items()}


def _rshift_round(k: Kernels, cfg: Any, x: dict[str, np.ndarray], p: dict[str, int]) -> tuple[int, dict[str, Any]]:
    y = np.zeros_like(x["x"])
    return k.tt_rshift_round(ptr(x["x"]), ptr(x["s"]), ptr(y), y.size), {"y": y}


def _fine(name: str) -> Run:
    def run(k: Kernels, cfg: Any, x: dict[str, np.ndarray], p: dict[str, int]) -> tuple[int, dict[str, Any]]:
        y = np.zeros_like(x["x"])
        return getattr(k, name)(cfg, ptr(x["x"]), ptr(y), y.size), {"y": y}

    return run


def _normalize(k: Kernels, cfg: Any, x: dict[str, np.ndarray], p: dict[str, int]) -> tuple[int, dict[str, Any]]:
    out = np.zeros_like(x["h"])
    return k.tt_normalize_header(ptr(x["h"]), ptr(out), x["h"].shape[0]), {"h": out}


def _requantise(k: Kernels, cfg: Any, x: dict[str, np.ndarray], p: dict[str, int]) -> tuple[int, dict[str, Any]]:
    q, h = np.zeros(x["acc"].shape, np.int8), Header()
    st = k.tt_requantise(cfg, ptr(x["acc"]), x["acc"].size, header(x["h"]), ptr(q), h)
    return st, {"q": q, "h": list(h.tuple())}


def _window(k: Kernels, cfg: Any, x: dict[str, np.ndarray], p: dict[str, int]) -> tuple[int, dict[str, Any]]:
    q, h = x["q"].copy(), header(x["h"])
    st = k.tt_window(cfg, ptr(q), q.size, h)
    return st, {"q": q, "h": list(h.tuple())}


def _dense_forward(k: Kernels, cfg: Any, x: dict[str, np.ndarray], p: dict[str, int]) -> tuple[int, dict[str, Any]]:
    (b, n_in), n_out = x["x"].shape, x["w"].shape[0]
    acc, y, h = np.zeros(b * n_out, np.int32), np.zeros((b, n_out), np.int8), Header()
    st = k.tt_dense_forward(
        cfg,
        ptr(x["x"]),
        header(x["h_x"]),
        ptr(x["w"]),
        header(x["h_w"]),
        b,
        n_in,
        n_out,
        p["relu"],
        ptr(acc),
        ptr(y),
        h,
    )
    return st, {"y": y, "h_y": list(h.tuple())}


def _update(k: Kernels, cfg: Any, x: dict[str, np.ndarray], p: dict[str, int]) -> tuple[int, dict[str, Any]]:
    w, g, h = x["w"].copy(), x["g"].copy(), header(x["h_w"])
    st = k.tt_update_dense(
        cfg, ptr(w), h, ptr(g), header(x["h_g"]), w.size, int(x["seed"]), int(x["step"]), p["tensor_id"]
    )
    return st, {"w": w, "h_w": list(h.tuple())}


RUNNERS: dict[str, Run] = {
    "rshift_round": _rshift_round,
    "fine_up": _fine("tt_fine_up"),
    "fine_down": _fine("tt_fine_down"),
    "normalize_header": _normalize,
    "requantise": _requantise,
    "window": _window,
    "dense_forward": _dense_forward,
    "update_tintin": _update,
    "update_niti": _update,
}


def proof_cases() -> list[tuple[str, Case]]:
    out = []
    for path in sorted(DATA_DIR.glob("*.ci.json")):
        suite = load_suite(path, schema=False)
        out += [(suite.name, c) for c in suite.cases if PROOF_FLAG in c.flags]
    return out


CASES = proof_cases()


def test_every_proof_case_has_a_runner() -> None:
    assert CASES and {name for name, _ in CASES} <= set(RUNNERS)
    assert any(c.is_rejection for _, c in CASES) and any(not c.is_rejection for _, c in CASES)


@pytest.mark.parametrize(("suite", "case"), CASES, ids=[c.id for _, c in CASES])
def test_proof_case_on_the_host_library(no_ub: Kernels, suite: str, case: Case) -> None:
    cfg = no_ub.tt_conf_preset_for(suite.encode())
    status, outputs = RUNNERS[suite](no_ub, cfg, _arrays(case), dict(case.params))
    mismatch = compare_case(case, outputs, status=status)
    assert mismatch is None, str(mismatch)
