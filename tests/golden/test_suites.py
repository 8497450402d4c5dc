"""The real golden suites and their committed CI files (golden_vectors/data/*.ci.json).

- the registry covers the kernel interface (suite -> kernel, config) exactly;
- every committed file loads, matches the JSON Schema and is in canonical form; ids are
  unique, named "<suite>/<edge>-NNNN", and the files stay small;
- regeneration is byte-identical (`tintin golden check`), one test per suite so pytest-xdist
  can spread the JAX compilations;
- the independent check: every stored expected output (computed by JAX) equals the exact
  PyOps oracle run on the stored inputs, and every rejection case's expect_status is the
  status of the oracle's own rejection of its inputs or, where the oracle accepts them, of the
  suite's documented domain (KernelSuite.domain_status: -128 payloads, shift ranges);
- a flipped data byte in a copy is reported with suite, case id, tensor and index.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tintin.golden.check import check
from tintin.golden.format import EXPECT_STATUS, Case, Suite, compare_case, load_suite
from tintin.golden.generate import DATA_DIR
from tintin.golden.suites import KERNEL_SUITES, ORACLES, SUITES
from tintin.golden.suites._common import NULL_ARG, is_header_name, oracle_status
from tintin.golden.suites.configs import CONFIG_INPUT, TABLE_INPUT
from tintin.reference.config import NITI, SPEC_VERSION, TINTIN

LEVEL = "ci"
MAX_FILE_BYTES = 300_000
MAX_TOTAL_BYTES = 3_000_000
INT32_MIN = -(2**31)

# The interface the C kernels implement: suite -> (kernel, config preset).
INTERFACE = {
    "rshift_round": ("tt_rshift_round", TINTIN),
    "rshift_stochastic": ("tt_rshift_stochastic", TINTIN),
    "counter_hash": ("tt_counter_hash", TINTIN),
    "fine_up": ("tt_fine_up", TINTIN),
    "fine_down": ("tt_fine_down", TINTIN),
    "normalize_header": ("tt_normalize_header", TINTIN),
    "requantise": ("tt_requantise", TINTIN),
    "window": ("tt_window", TINTIN),
    "rescale_to_coarser": ("tt_rescale_to_coarser", TINTIN),
    "relu_forward": ("tt_relu_forward", TINTIN),
    "relu_backward": ("tt_relu_backward", TINTIN),
    "dense_forward": ("tt_dense_forward", TINTIN),
    "dense_backward_error": ("tt_dense_backward_error", TINTIN),
    "dense_gradient": ("tt_dense_gradient", TINTIN),
    "update_tintin": ("tt_update_dense", TINTIN),
    "update_niti": ("tt_update_dense", NITI),
    "softmax_xent_error": ("tt_softmax_xent_error", TINTIN),
    "mse_error": ("tt_mse_error", TINTIN),
    "train_step_mlp_tintin": ("tt_train_step_mlp", TINTIN),
    "train_step_mlp_niti": ("tt_train_step_mlp", NITI),
    "train_step_autoencoder": ("tt_train_step_mlp", TINTIN),
    "conv2d_forward": ("tt_conv2d_forward", TINTIN),
    "conv2d_backward_error": ("tt_conv2d_backward_error", TINTIN),
    "conv2d_gradient": ("tt_conv2d_gradient", TINTIN),
    "maxpool2d_forward": ("tt_maxpool2d_forward", TINTIN),
    "maxpool2d_backward": ("tt_maxpool2d_backward", TINTIN),
    "train_step_cnn_tintin": ("tt_train_step_seq", TINTIN),
    "train_step_cnn_niti": ("tt_train_step_seq", NITI),
}

# Tensor names and dtypes of the interface (train-step suites are checked by pattern below).
HEADER = ("int8", (3,))
SIGNATURES: dict[str, tuple[dict[str, Any], dict[str, Any], set[str]]] = {
    # suite: (inputs name -> dtype or (dtype, shape), outputs likewise, params)
    "rshift_round": ({"x": "int32", "s": "int32"}, {"y": "int32"}, set()),
    "rshift_stochastic": ({"x": "int32", "s": "int32", "bits": "uint32"}, {"y": "int32"}, set()),
    "counter_hash": (dict.fromkeys(("seed", "step", "tensor_id", "index"), "int32"), {"h": "uint32"}, set()),
    "fine_up": ({"x": "int32"}, {"y": "int32"}, set()),
    "fine_down": ({"x": "int32"}, {"y": "int32"}, set()),
    "normalize_header": ({"h": "int8"}, {"h": "int8"}, set()),
    "requantise": ({"acc": "int32", "h": HEADER}, {"q": "int8", "h": HEADER}, set()),
    "window": ({"q": "int8", "h": HEADER}, {"q": "int8", "h": HEADER}, set()),
    "rescale_to_coarser": ({"x": "int32", "h_from": HEADER, "h_to": HEADER}, {"y": "int32"}, set()),
    "relu_forward": ({"acc": "int32"}, {"y": "int32"}, set()),
    "relu_backward": ({"e": "int8", "y": "int8"}, {"e": "int8"}, set()),
    "dense_forward": ({"x": "int8", "h_x": HEADER, "w": "int8", "h_w": HEADER},
                      {"y": "int8", "h_y": HEADER}, {"relu"}),
    "dense_backward_error": ({"e": "int8", "h_e": HEADER, "w": "int8", "h_w": HEADER},
                             {"e_in": "int8", "h_e_in": HEADER}, set()),
    "dense_gradient": ({"e": "int8", "h_e": HEADER, "x": "int8", "h_x": HEADER}, {"g": "int32", "h_g": HEADER}, set()),
    "update_tintin": ({"w": "int8", "h_w": HEADER, "g": "int32", "h_g": HEADER, "seed": ("int32", ()),
                       "step": ("int32", ())}, {"w": "int8", "h_w": HEADER}, {"tensor_id"}),
    "softmax_xent_error": ({"z": "int8", "h_z": HEADER, "labels": "int32"}, {"e": "int8", "h_e": HEADER}, set()),
    "mse_error": ({"y": "int8", "h_y": HEADER, "t": "int8", "h_t": HEADER}, {"e": "int8", "h_e": HEADER}, set()),
    "conv2d_forward": ({"x": "int8", "h_x": HEADER, "w": "int8", "h_w": HEADER},
                       {"y": "int8", "h_y": HEADER}, {"stride", "pad", "relu"}),
    "conv2d_backward_error": ({"e": "int8", "h_e": HEADER, "w": "int8", "h_w": HEADER},
                              {"e_in": "int8", "h_e_in": HEADER}, {"height", "width", "stride", "pad"}),
    "conv2d_gradient": ({"e": "int8", "h_e": HEADER, "x": "int8", "h_x": HEADER}, {"g": "int32", "h_g": HEADER},
                        {"kernel", "stride", "pad"}),
    "maxpool2d_forward": ({"x": "int8"}, {"y": "int8"}, {"size"}),
    "maxpool2d_backward": ({"e": "int8", "x": "int8"}, {"e_in": "int8"}, {"size"}),
}
SIGNATURES["update_niti"] = SIGNATURES["update_tintin"]
MLP_TRAIN_SUITES = ("train_step_mlp_tintin", "train_step_mlp_niti", "train_step_autoencoder")
CNN_TRAIN_SUITES = ("train_step_cnn_tintin", "train_step_cnn_niti")
TRAIN_SUITES = (*MLP_TRAIN_SUITES, *CNN_TRAIN_SUITES)

ID_RE = re.compile(r"(?P<suite>[a-z0-9_]+)/(?P<edge>[a-z0-9][a-z0-9-]*)-(?P<n>[0-9]{4})")


def committed_path(name: str) -> Path:
    return DATA_DIR / f"{name}.{LEVEL}.json"


_LOADED: dict[str, Suite] = {}


def committed(name: str) -> Suite:
    """Load (once per process) with the schema and the canonical-bytes check."""
    if name not in _LOADED:
        pytest.importorskip("jsonschema", reason="the dev extra (jsonschema) validates the schema")
        _LOADED[name] = load_suite(committed_path(name), schema=True, require_canonical=True)
    return _LOADED[name]


def inputs_of(case: Case) -> dict[str, np.ndarray]:
    return {name: t.to_numpy() for name, t in case.inputs.items()}


# --- registry and files ---------------------------------------------------------------------


def test_registry_is_the_interface() -> None:
    assert list(SUITES) == list(INTERFACE), "registry suites (and their order) differ from the interface"
    assert set(ORACLES) == set(SUITES)
    for name, (kernel, cfg) in INTERFACE.items():
        defn = SUITES[name]
        assert defn.kernel == kernel, name
        assert defn.config_json() == cfg.to_json(), f"{name}: config is not the {cfg.name} preset"
        assert defn.spec_version == SPEC_VERSION


def test_every_suite_is_committed_and_nothing_else() -> None:
    files = {p.name for p in DATA_DIR.glob(f"*.{LEVEL}.json")}
    expected = {committed_path(n).name for n in SUITES}
    assert expected - files == set(), "run `tintin golden generate` to write the missing files"
    assert files - expected == set(), "files no registered suite makes (stale)"


def test_file_sizes() -> None:
    sizes = {n: committed_path(n).stat().st_size for n in SUITES}
    big = {n: s for n, s in sizes.items() if s > MAX_FILE_BYTES}
    assert not big, f"files over {MAX_FILE_BYTES} bytes: {big}"
    assert sum(sizes.values()) < MAX_TOTAL_BYTES


@pytest.mark.parametrize("name", list(INTERFACE))
def test_committed_file_is_valid(name: str) -> None:
    suite = committed(name)  # schema + loader + canonical bytes
    kernel, cfg = INTERFACE[name]
    assert (suite.name, suite.kernel, suite.level, suite.spec_version) == (name, kernel, LEVEL, SPEC_VERSION)
    assert suite.config == cfg.to_json()
    assert suite.generator["n_cases"] == len(suite.cases)
    for n, case in enumerate(suite.cases):
        m = ID_RE.fullmatch(case.id)
        assert m, f"id {case.id!r} is not '<suite>/<edge-name>-NNNN'"
        assert m["suite"] == name and int(m["n"]) == n, f"id {case.id!r} at position {n}"
        assert case.comment.strip() and case.flags


def test_ids_unique_across_files() -> None:
    ids = [c.id for n in SUITES for c in committed(n).cases]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", [n for n in INTERFACE if n not in TRAIN_SUITES])
def test_tensor_names_and_dtypes(name: str) -> None:
    ins, outs, params = SIGNATURES[name]
    for case in committed(name).cases:
        # A rejection case has no outputs (its param expect_status says what the kernel returns).
        own = [k for k in case.inputs if k in (CONFIG_INPUT, TABLE_INPUT)]  # a config of the case's own
        if own:
            assert own == [CONFIG_INPUT, TABLE_INPUT] and list(case.inputs)[-2:] == own, case.id
            assert case.inputs[CONFIG_INPUT].dtype == "int32" and case.inputs[CONFIG_INPUT].shape == (21,), case.id
            assert case.inputs[TABLE_INPUT].dtype == "int32" and len(case.inputs[TABLE_INPUT].shape) == 1, case.id
        kernel_ins = {k: v for k, v in case.inputs.items() if k not in own}
        checks = ((ins, kernel_ins),) if case.is_rejection else ((ins, kernel_ins), (outs, case.outputs))
        for want, got in checks:
            assert list(got) == list(want), f"{case.id}: tensors {list(got)}, expected {list(want)}"
            for tname, spec in want.items():
                dtype, shape = spec if isinstance(spec, tuple) else (spec, None)
                assert got[tname].dtype == dtype, f"{case.id}: {tname} is {got[tname].dtype}"
                if shape is not None:
                    assert got[tname].shape == shape, f"{case.id}: {tname} has shape {got[tname].shape}"
        assert set(case.params) - {EXPECT_STATUS, NULL_ARG} == params, case.id


@pytest.mark.parametrize("name", MLP_TRAIN_SUITES)
def test_train_step_tensor_names(name: str) -> None:
    mse = name == "train_step_autoencoder"
    for case in committed(name).cases:
        p = case.params
        n_layers, n_steps, b = p["n_layers"], p["n_steps"], p["batch"]
        sizes = [p[f"size{i}"] for i in range(n_layers + 1)]
        assert set(p) == {"n_layers", "n_steps", "batch", "loss", *(f"size{i}" for i in range(n_layers + 1))}
        assert p["loss"] == (1 if mse else 0)
        want_in: dict[str, tuple[str, tuple[int, ...]]] = {}
        for i in range(n_layers):
            want_in[f"layer{i}/w"] = ("int8", (sizes[i + 1], sizes[i]))
            want_in[f"layer{i}/h"] = HEADER
        want_in |= {"seed": ("int32", ()), "step": ("int32", ()), "x_h": HEADER}
        if mse:
            want_in["target_h"] = HEADER
        for k in range(n_steps):
            want_in[f"batch{k}/x"] = ("int8", (b, sizes[0]))
            want_in[f"batch{k}/target" if mse else f"batch{k}/labels"] = (
                ("int8", (b, sizes[-1])) if mse else ("int32", (b,))
            )
        want_out: dict[str, tuple[str, tuple[int, ...]]] = {}
        for k in range(n_steps):
            for i in range(n_layers):
                want_out[f"step{k}/layer{i}/w"] = ("int8", (sizes[i + 1], sizes[i]))
                want_out[f"step{k}/layer{i}/h"] = HEADER
            if not mse:
                want_out[f"step{k}/correct"] = ("int32", ())
            want_out[f"step{k}/error_abs_sum"] = ("int32", ())
        for want, got in ((want_in, case.inputs), (want_out, case.outputs)):
            assert [(n, t.dtype, t.shape) for n, t in got.items()] == [(n, d, s) for n, (d, s) in want.items()], case.id


def _conv_shapes(name: str, case: Case) -> None:
    """The geometry params agree with the tensor shapes (as the C runners require)."""
    p = case.params

    def out(n: int, k: int, s: int, pad: int) -> int:
        assert 0 <= pad < k <= n + 2 * pad and s >= 1, (case.id, n, k, s, pad)
        return (n + 2 * pad - k) // s + 1

    if name == "conv2d_forward":
        b, h, w, c = case.inputs["x"].shape
        oc, k, k2, c2 = case.inputs["w"].shape
        assert (k2, c2) == (k, c), case.id
        assert case.outputs["y"].shape == (b, out(h, k, p["stride"], p["pad"]), out(w, k, p["stride"], p["pad"]), oc)
    elif name == "conv2d_backward_error":
        oc, k, _, c = case.inputs["w"].shape
        b = case.inputs["e"].shape[0]
        h, w = p["height"], p["width"]
        assert case.inputs["e"].shape == (b, out(h, k, p["stride"], p["pad"]), out(w, k, p["stride"], p["pad"]), oc)
        assert case.outputs["e_in"].shape == (b, h, w, c), case.id
    elif name == "conv2d_gradient":
        b, h, w, c = case.inputs["x"].shape
        k = p["kernel"]
        oc = case.inputs["e"].shape[3]
        assert case.inputs["e"].shape == (b, out(h, k, p["stride"], p["pad"]), out(w, k, p["stride"], p["pad"]), oc)
        assert case.outputs["g"].shape == (oc, k, k, c), case.id
    else:
        b, h, w, c = case.inputs["x"].shape
        size = p["size"]
        assert size >= 1 and h % size == 0 and w % size == 0, case.id
        pooled = (b, h // size, w // size, c)
        assert (case.outputs["y"] if name == "maxpool2d_forward" else case.inputs["e"]).shape == pooled, case.id
        if name == "maxpool2d_backward":
            assert case.outputs["e_in"].shape == (b, h, w, c), case.id


@pytest.mark.parametrize("name", ["conv2d_forward", "conv2d_backward_error", "conv2d_gradient", "maxpool2d_forward",
                                  "maxpool2d_backward"])
def test_conv_geometry_params_match_the_shapes(name: str) -> None:
    for case in accepted(name):  # a rejection case has no outputs; its inputs are an accepted case's
        _conv_shapes(name, case)


@pytest.mark.parametrize("name", CNN_TRAIN_SUITES)
def test_cnn_train_step_tensor_names(name: str) -> None:
    """Model params decode to a valid Sequential whose weight shapes are the stored ones."""
    from tintin.golden.suites.conv import LAYER_FIELDS, model_from_params

    for case in committed(name).cases:
        p = case.params
        n_layers, n_steps, b = p["n_layers"], p["n_steps"], p["batch"]
        layer_keys = {f"layer{i}_{f}" for i in range(n_layers) for f in LAYER_FIELDS}
        assert set(p) == {"n_layers", "n_steps", "in_h", "in_w", "in_c", "batch", "loss", *layer_keys}, case.id
        assert p["loss"] == 0 and n_steps >= 1
        model = model_from_params(p)
        shapes = model.weight_shapes()
        want_in: dict[str, tuple[str, tuple[int, ...]]] = {}
        for i, shape in enumerate(shapes):
            want_in[f"param{i}/w"] = ("int8", tuple(shape))
            want_in[f"param{i}/h"] = HEADER
        want_in |= {"seed": ("int32", ()), "step": ("int32", ()), "x_h": HEADER}
        for k in range(n_steps):
            want_in[f"batch{k}/x"] = ("int8", (b, p["in_h"], p["in_w"], p["in_c"]))
            want_in[f"batch{k}/labels"] = ("int32", (b,))
        want_out: dict[str, tuple[str, tuple[int, ...]]] = {}
        for k in range(n_steps):
            for i, shape in enumerate(shapes):
                want_out[f"step{k}/param{i}/w"] = ("int8", tuple(shape))
                want_out[f"step{k}/param{i}/h"] = HEADER
            want_out[f"step{k}/correct"] = ("int32", ())
            want_out[f"step{k}/error_abs_sum"] = ("int32", ())
        for want, got in ((want_in, case.inputs), (want_out, case.outputs)):
            assert [(n, t.dtype, t.shape) for n, t in got.items()] == [(n, d, s) for n, (d, s) in want.items()], case.id
        labels = [v for k in range(n_steps) for v in case.inputs[f"batch{k}/labels"].data]
        assert all(0 <= v < model.n_outputs for v in labels), case.id


def test_conv_suites_cover_their_edges() -> None:
    """The edge cases the C kernels must get right are really in the committed files."""
    flags = {n: {f for c in committed(n).cases for f in c.flags} for n in INTERFACE if n.startswith(("conv", "max"))}
    for name in ("conv2d_forward", "conv2d_backward_error", "conv2d_gradient"):
        assert {"pad-border", "stride-2", "uncovered", "kernel-equals-input", "all-zero"} <= flags[name], name
    assert {"saturate-high", "saturate-low"} <= flags["conv2d_forward"] & flags["conv2d_backward_error"]
    assert {"ties", "all-zero", "global", "size-3"} <= flags["maxpool2d_forward"] & flags["maxpool2d_backward"]
    # Every set of tied maxima of a 2x2 window, and the error lands on the first of them.
    ties = next(c for c in committed("maxpool2d_backward").cases if "ties" in c.flags and c.id.endswith("-0000"))
    x, e, e_in = (ties.inputs["x"].to_numpy(), ties.inputs["e"].to_numpy(), ties.outputs["e_in"].to_numpy())
    for k in range(15):
        window = x[0, :, 2 * k : 2 * k + 2, 0].ravel()
        first = int(np.argmax(window))
        got = e_in[0, :, 2 * k : 2 * k + 2, 0].ravel()
        assert got[first] == e[0, 0, k, 0] and np.count_nonzero(got) == 1, k
    cnn = {f for n in CNN_TRAIN_SUITES for c in committed(n).cases for f in c.flags}
    assert {"stride-2", "no-pad", "kernel-equals-input", "ties", "all-zero", "max-magnitude"} <= cnn


def accepted(name: str) -> list[Case]:
    """The cases with expected outputs (rejection cases hold inputs outside the domain)."""
    return [c for c in committed(name).cases if not c.is_rejection]


def test_inputs_inside_documented_domains() -> None:
    """The domains docs/spec.md states (and the suite descriptions repeat)."""
    for x, s in ((c.inputs["x"].data, c.inputs["s"].data) for c in accepted("rshift_round")):
        assert not any(v == INT32_MIN and sh >= 32 for v, sh in zip(x, s)), "INT32_MIN with s >= 32"
        assert all(0 <= sh <= 63 for sh in s)
    assert all(0 <= sh <= 63 for c in accepted("rshift_stochastic") for sh in c.inputs["s"].data)
    for name, key, bound in (("fine_up", "x", 3329432), ("fine_down", "x", 10578706),
                             ("rescale_to_coarser", "x", 10578706), ("requantise", "acc", 2**31 - 1),
                             ("update_tintin", "g", 2**31 - 1), ("update_niti", "g", 2**31 - 1)):
        worst = max(abs(v) for c in accepted(name) for v in c.inputs[key].data)
        assert worst <= bound, f"{name}: |{key}| = {worst} > {bound}"
    for name in INTERFACE:  # payloads are symmetric (spec 2.1): -128 is never an accepted 8-bit input
        for c in accepted(name):
            if CONFIG_INPUT in c.inputs and c.inputs[CONFIG_INPUT].data[0] != 8:  # a 16-bit config of its own
                continue
            for tname, t in c.inputs.items():
                if t.dtype == "int8" and not is_header_name(tname):
                    assert -128 not in t.data, f"{c.id}: payload {tname} holds -128"
    rescale = accepted("rescale_to_coarser")
    for c in rescale:
        (sf, uf, df), (st, ut, dt) = c.inputs["h_from"].data, c.inputs["h_to"].data
        assert 3 * st + dt - ut >= 3 * sf + df - uf, f"{c.id}: h_to is finer than h_from"


def test_window_covers_every_max() -> None:
    maxima = {max((abs(v) for v in c.inputs["q"].data), default=0) for c in committed("window").cases}
    assert set(range(128)) <= maxima


def test_requantise_covers_every_bit_width_boundary() -> None:
    maxima = {max(abs(v) for v in c.inputs["acc"].data) for c in committed("requantise").cases if c.inputs["acc"].data}
    assert {(1 << k) - 1 for k in range(32)} <= maxima
    assert {1 << k for k in range(31)} <= maxima


# --- reproducibility ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(INTERFACE))
def test_regeneration_is_byte_identical(name: str) -> None:
    [result] = check(SUITES, LEVEL, DATA_DIR, names=[name], progress=False)
    assert result.status == "same", str(result)


# --- the independent check: JAX outputs == exact oracle -------------------------------------


@pytest.mark.parametrize("name", list(INTERFACE))
def test_expected_outputs_equal_the_oracle(name: str) -> None:
    oracle = ORACLES[name]
    for case in committed(name).cases:
        params = {k: v for k, v in case.params.items() if k != EXPECT_STATUS}
        if case.is_rejection:  # the oracle must reject the inputs, for the reason the status names
            try:
                oracle(inputs_of(case), params)
            except Exception as exc:  # which exception: oracle_status maps it to a status, or to None
                status = oracle_status(exc)
            else:  # outside the documented domain the oracle does not enforce, or TT_OK (0): a bad case
                suite = KERNEL_SUITES.get(name)
                status = (suite.domain_status(inputs_of(case), params) if suite else None) or 0
            mismatch = compare_case(case, {}, status=status)
        else:
            mismatch = compare_case(case, oracle(inputs_of(case), params))
        assert mismatch is None, f"{name}: {mismatch}"


# --- a damaged copy is reported precisely -------------------------------------------------


def _flip_byte(path: Path, case_index: int, tensor: str, byte_index: int) -> None:
    doc = json.loads(path.read_text(encoding="ascii"))
    t = doc["cases"][case_index]["outputs"][tensor]
    raw = bytearray(base64.b64decode(t["data"]))
    raw[byte_index] ^= 0x01
    t["data"] = base64.b64encode(bytes(raw)).decode("ascii")
    # Keep the writer's layout, so only the data differs (the file stays canonical).
    from tintin.golden.loader import loads_suite
    from tintin.golden.writer import dumps_suite

    path.write_text(dumps_suite(loads_suite(json.dumps(doc), schema=False)), encoding="ascii")


def test_flipped_byte_is_located(tmp_path: Path) -> None:
    name = "train_step_mlp_tintin"
    copy = tmp_path / committed_path(name).name
    shutil.copy(committed_path(name), copy)
    case_index, tensor, byte_index = 2, "step1/layer0/w", 37
    _flip_byte(copy, case_index, tensor, byte_index)

    damaged = load_suite(copy, require_canonical=True)  # still a well-formed file...
    case = damaged.cases[case_index]
    mismatch = compare_case(case, ORACLES[name](inputs_of(case), case.params))
    assert mismatch is not None  # ...but its numbers are wrong, and the report says where
    assert (mismatch.case_id, mismatch.tensor, mismatch.step, mismatch.flat_index) == (case.id, tensor, 1, byte_index)
    n_in = case.outputs[tensor].shape[1]
    assert mismatch.index == (byte_index // n_in, byte_index % n_in)
    text = str(mismatch)
    assert case.id.startswith(f"{name}/") and case.id in text and repr(tensor) in text and "step 1" in text



def test_flipped_byte_is_reported_by_check(tmp_path: Path) -> None:
    name = "relu_backward"  # small and quick to regenerate
    copy = tmp_path / committed_path(name).name
    shutil.copy(committed_path(name), copy)
    _flip_byte(copy, 1, "e", 3)
    [result] = check(SUITES, LEVEL, tmp_path, names=[name], progress=False)
    assert result.status == "differs" and result.file == copy.name
    case_id = committed(name).cases[1].id
    assert f"cases changed 1 (first: {case_id})" in result.detail, result.detail
