"""What each C runner reads from a case: tensor names, dtypes and ranks, and param ranges.

The loader checks that a file is a well-formed golden file; this module checks that its cases
are ones the suite's C runner (c_kernels/conformance/tt_conf_*.c, tt_run_case_<runner>) can
take. Without it a golden with, say, an int32 ``x`` for the dense forward kernel, or
``relu: 5``, would be found only by the harness on the target (a failed case, exit 1) or not at
all (a tensor the runner never reads is silently unchecked). With it, such a file is bad input:
one GoldenFormatError naming file, case and field, before anything is built.

The tables mirror the C runners; tests/golden/test_signature.py holds them against both the C
source and every generated suite, so they cannot drift apart unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import EXPECT_STATUS, NULL_ARG, GoldenFormatError, Suite

DIM_MAX = 65535  # TT_CONF_DIM_MAX and the harness's batch / layer-size bound
INT32_MAX = 2**31 - 1
MLP_MAX_LAYERS = 8  # TT_MLP_MAX_LAYERS (= TT_MAX_PARAM_LAYERS)
SEQ_MAX_LAYERS = 16  # TT_SEQ_MAX_LAYERS
LAYER_KINDS = (1, 4)  # TT_DENSE .. TT_FLATTEN


HEADER = ("int8", 1)  # a tt_header_t is int8[3]
ANY_RANK = -1


@dataclass(frozen=True)
class Signature:
    """One runner's view of a case. Names are patterns where ``#`` stands for an index
    (``layer#/w``); a tensor is (dtype, rank), rank -1 = any."""

    inputs: dict[str, tuple[str, int]]
    outputs: dict[str, tuple[str, int]]
    params: dict[str, tuple[int, int]] = field(default_factory=dict)
    pointer_args: int = 0  # the kernel's pointer arguments: null_arg is 1..pointer_args
    own_config: bool = False  # a case may carry its own tt_config_t (tt_conf_config)


# A case's own configuration instead of the suite's preset (tt_conf_config, reference/c_config.py).
CONFIG_INPUTS = {"config": ("int32", 1), "config/exp2_table": ("int32", 1)}


def _rule(**tensors: tuple[str, int]) -> dict[str, tuple[str, int]]:
    return dict(tensors)


I32_ANY = ("int32", ANY_RANK)
I8_ANY = ("int8", ANY_RANK)
I8_MATRIX = ("int8", 2)
I8_NHWC = ("int8", 4)

_SHIFT = Signature(_rule(x=I32_ANY, s=I32_ANY), _rule(y=I32_ANY), pointer_args=3)
_FINE = Signature(_rule(x=I32_ANY), _rule(y=I32_ANY), pointer_args=3, own_config=True)
_UPDATE = Signature(
    _rule(w=I8_ANY, h_w=HEADER, g=I32_ANY, h_g=HEADER, seed=("int32", 0), step=("int32", 0)),
    _rule(w=I8_ANY, h_w=HEADER),
    {"tensor_id": (0, INT32_MAX)},
    pointer_args=4,
    own_config=True,
)
_CONV_GEOMETRY = {"stride": (1, DIM_MAX), "pad": (0, DIM_MAX)}

# The MLP train-step runners (tt_conf_train.c): layer sizes size0..sizeL, batches, steps.
_MLP_STEP = Signature(
    _rule(**{"layer#/w": I8_MATRIX, "layer#/h": HEADER, "seed": ("int32", 0), "step": ("int32", 0),
             "x_h": HEADER, "target_h": HEADER, "batch#/x": I8_MATRIX, "batch#/labels": ("int32", 1),
             "batch#/target": I8_MATRIX}),
    _rule(**{"step#/layer#/w": I8_ANY, "step#/layer#/h": HEADER, "step#/correct": I32_ANY,
             "step#/error_abs_sum": I32_ANY}),
    {"n_layers": (1, MLP_MAX_LAYERS), "n_steps": (1, INT32_MAX), "batch": (1, DIM_MAX),
     "loss": (0, 1), "size#": (1, DIM_MAX)},
    own_config=True,
)
# The sequential (CNN) train-step runners (tt_conf_conv.c read_seq).
_SEQ_STEP = Signature(
    _rule(**{"param#/w": I8_ANY, "param#/h": HEADER, "seed": ("int32", 0), "step": ("int32", 0),
             "x_h": HEADER, "batch#/x": I8_NHWC, "batch#/labels": ("int32", 1)}),
    _rule(**{"step#/param#/w": I8_ANY, "step#/param#/h": HEADER, "step#/correct": I32_ANY,
             "step#/error_abs_sum": I32_ANY}),
    {"n_layers": (1, SEQ_MAX_LAYERS), "n_steps": (1, 1000), "in_h": (1, DIM_MAX),
     "in_w": (1, DIM_MAX), "in_c": (1, DIM_MAX), "batch": (1, DIM_MAX), "loss": (0, 0),
     "layer#_kind": LAYER_KINDS, "layer#_out": (0, DIM_MAX), "layer#_kernel": (0, DIM_MAX),
     "layer#_stride": (0, DIM_MAX), "layer#_pad": (0, DIM_MAX), "layer#_relu": (0, 1)},
    own_config=True,
)

SIGNATURES: dict[str, Signature] = {
    "rshift_round": _SHIFT,
    "rshift_stochastic": Signature(
        _rule(x=I32_ANY, s=I32_ANY, bits=("uint32", ANY_RANK)), _rule(y=I32_ANY), pointer_args=4),
    "counter_hash": Signature(
        _rule(seed=I32_ANY, step=I32_ANY, tensor_id=I32_ANY, index=I32_ANY),
        _rule(h=("uint32", ANY_RANK)), pointer_args=5),
    "fine_up": _FINE,
    "fine_down": _FINE,
    "normalize_header": Signature(_rule(h=("int8", 2)), _rule(h=("int8", 2)), pointer_args=2),
    "requantise": Signature(_rule(acc=I32_ANY, h=HEADER), _rule(q=I8_ANY, h=HEADER), pointer_args=4, own_config=True),
    "window": Signature(_rule(q=I8_ANY, h=HEADER), _rule(q=I8_ANY, h=HEADER), pointer_args=3, own_config=True),
    "rescale_to_coarser": Signature(
        _rule(x=I32_ANY, h_from=HEADER, h_to=HEADER), _rule(y=I32_ANY), pointer_args=3, own_config=True),
    "relu_forward": Signature(_rule(acc=I32_ANY), _rule(y=I32_ANY), pointer_args=2),
    "relu_backward": Signature(_rule(e=I8_ANY, y=I8_ANY), _rule(e=I8_ANY), pointer_args=3),
    "dense_forward": Signature(
        _rule(x=I8_MATRIX, h_x=HEADER, w=I8_MATRIX, h_w=HEADER), _rule(y=I8_ANY, h_y=HEADER),
        {"relu": (0, 1)}, pointer_args=6, own_config=True),
    "dense_backward_error": Signature(
        _rule(e=I8_MATRIX, h_e=HEADER, w=I8_MATRIX, h_w=HEADER), _rule(e_in=I8_ANY, h_e_in=HEADER),
        pointer_args=6, own_config=True),
    "dense_gradient": Signature(
        _rule(e=I8_MATRIX, h_e=HEADER, x=I8_MATRIX, h_x=HEADER), _rule(g=I32_ANY, h_g=HEADER),
        pointer_args=4),
    "update_tintin": _UPDATE,
    "update_niti": _UPDATE,
    "softmax_xent_error": Signature(
        _rule(z=I8_MATRIX, h_z=HEADER, labels=("int32", 1)), _rule(e=I8_ANY, h_e=HEADER),
        pointer_args=6, own_config=True),
    "mse_error": Signature(
        _rule(y=I8_ANY, h_y=HEADER, t=I8_ANY, h_t=HEADER), _rule(e=I8_ANY, h_e=HEADER),
        pointer_args=5, own_config=True),
    "conv2d_forward": Signature(
        _rule(x=I8_NHWC, h_x=HEADER, w=I8_NHWC, h_w=HEADER), _rule(y=I8_ANY, h_y=HEADER),
        {**_CONV_GEOMETRY, "relu": (0, 1)}, pointer_args=7, own_config=True),
    "conv2d_backward_error": Signature(
        _rule(e=I8_NHWC, h_e=HEADER, w=I8_NHWC, h_w=HEADER), _rule(e_in=I8_ANY, h_e_in=HEADER),
        {**_CONV_GEOMETRY, "height": (1, DIM_MAX), "width": (1, DIM_MAX)}, pointer_args=7, own_config=True),
    "conv2d_gradient": Signature(
        _rule(e=I8_NHWC, h_e=HEADER, x=I8_NHWC, h_x=HEADER), _rule(g=I32_ANY, h_g=HEADER),
        {**_CONV_GEOMETRY, "kernel": (1, DIM_MAX)}, pointer_args=5),
    "maxpool2d_forward": Signature(_rule(x=I8_NHWC), _rule(y=I8_ANY), {"size": (1, DIM_MAX)},
                                   pointer_args=2),
    "maxpool2d_backward": Signature(_rule(e=I8_NHWC, x=I8_NHWC), _rule(e_in=I8_ANY),
                                    {"size": (1, DIM_MAX)}, pointer_args=3),
    "train_step_mlp_tintin": _MLP_STEP,
    "train_step_mlp_niti": _MLP_STEP,
    "train_step_autoencoder": _MLP_STEP,
    "train_step_cnn_tintin": _SEQ_STEP,
    "train_step_cnn_niti": _SEQ_STEP,
}


def runner_name(suite: Suite) -> str:
    """The built-in suite whose C runner (tt_run_case_<runner>) takes this suite: the file's
    generator "runner" (the suites of a model file), else the suite's own name."""
    runner = suite.generator.get("runner", suite.name)
    return runner if isinstance(runner, str) else suite.name


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile("".join(r"(0|[1-9][0-9]*)" if ch == "#" else re.escape(ch) for ch in name))


def _lookup(table: dict[str, tuple], name: str) -> tuple | None:
    if name in table:
        return table[name]
    for pattern, value in table.items():
        if "#" in pattern and _pattern(pattern).fullmatch(name):
            return value
    return None


def _check_tensors(kind: str, tensors: dict, table: dict[str, tuple[str, int]], runner: str) -> None:
    for name, tensor in tensors.items():
        want = _lookup(table, name)
        if want is None:
            known = ", ".join(sorted(table))
            raise GoldenFormatError(
                f"{kind} {name!r} is not one the {runner} runner reads (it reads {known})")
        dtype, rank = want
        if tensor.dtype != dtype:
            raise GoldenFormatError(f"{kind} {name!r} is {tensor.dtype}; the {runner} runner takes {dtype}")
        if rank >= 0 and len(tensor.shape) != rank:
            raise GoldenFormatError(
                f"{kind} {name!r} has shape {list(tensor.shape)}; the {runner} runner takes "
                f"{rank} dimension(s)")
        if want == HEADER and list(tensor.shape) != [3]:
            raise GoldenFormatError(f"{kind} {name!r} is a header and must be int8[3], got {list(tensor.shape)}")


def _check_params(params: dict, sig: Signature, runner: str) -> None:
    for name, value in params.items():
        if name == EXPECT_STATUS:
            continue  # Case itself checks it is a TT_ERR_* code
        if name == NULL_ARG and sig.pointer_args:
            bounds: tuple | None = (1, sig.pointer_args)
        else:
            bounds = _lookup(sig.params, name)
        if bounds is None:
            raise GoldenFormatError(f"param {name!r} is not one the {runner} runner reads")
        if not isinstance(value, int) or isinstance(value, bool):
            raise GoldenFormatError(f"param {name!r} must be an integer, got {value!r}")
        lo, hi = bounds
        if not lo <= value <= hi:
            raise GoldenFormatError(f"param {name!r} is {value}, outside [{lo}, {hi}] for the {runner} runner")


def _check_config(suite: Suite) -> None:
    # Every C runner is given the file's config, under which every expected value was made:
    # it must be one the reference can construct (names, types, ranges).
    from tintin.reference.config import ConfigError, NumericsConfig  # standard library only

    try:
        NumericsConfig.from_json(dict(suite.config))
    except ConfigError as exc:
        raise GoldenFormatError(str(exc), source=suite.source, where="config") from None


def check_signature(suite: Suite) -> None:
    """Raise GoldenFormatError (naming file and case) when the config or a case does not fit
    the suite's runner.
    Suites with no built-in runner are left to the caller (conformance reports them)."""
    runner = runner_name(suite)
    sig = SIGNATURES.get(runner)
    if sig is None:
        return
    _check_config(suite)
    for case in suite.cases:
        try:
            inputs = {**sig.inputs, **CONFIG_INPUTS} if sig.own_config else sig.inputs
            _check_tensors("input", case.inputs, inputs, runner)
            _check_tensors("output", case.outputs, sig.outputs, runner)
            _check_params(dict(case.params), sig, runner)
        except GoldenFormatError as exc:
            raise exc.with_context(source=suite.source, where=f"case {case.id!r}") from None
