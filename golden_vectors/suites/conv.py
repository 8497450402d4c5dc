"""Convolution suites: conv2d_forward, conv2d_backward_error, conv2d_gradient,
maxpool2d_forward, maxpool2d_backward (reference/conv.py: NHWC tensors, kernels [OC, K, K, C]),
and whole training steps of small CNNs, train_step_cnn_tintin and train_step_cnn_niti
(reference/sequential.py; C: tt_train_step_seq).

Geometry that the tensors' shapes do not fix travels as params: stride and pad of the
forward pass; height, width, stride and pad of the backward error (with stride > 1 several
input sizes give the same output size); kernel, stride and pad of the gradient; the window
size of max pooling (stride = window).

A CNN case stores its model as params: n_layers, n_steps, in_h, in_w, in_c, batch, loss (0:
softmax cross-entropy), and for every layer i ``layer<i>_kind`` (1 dense, 2 conv, 3 max pool,
4 flatten, the values of tt_layer_kind_t), ``layer<i>_out``, ``layer<i>_kernel``,
``layer<i>_stride``, ``layer<i>_pad``, ``layer<i>_relu`` (the fields of tt_layer_t; unused
ones 0, a pool's kernel and stride are its window). Param names cannot hold '/' (the file
format's C-identifier rule), hence ``layer0_kind`` rather than ``layer0/kind``. Inputs:
``param<p>/w`` and ``param<p>/h`` per parameter layer p (dense [O, I], conv [OC, K, K, C]),
seed, step, x_h, and per step ``batch<k>/x`` int8 [B, H, W, C] and ``batch<k>/labels``.
Outputs per step: ``step<k>/param<p>/w``, ``step<k>/param<p>/h``, ``step<k>/correct``,
``step<k>/error_abs_sum``. Reading, running and writing these cases is shared with the MLP
suites (train_steps.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tintin.reference import conv as C
from tintin.reference import model as M
from tintin.reference import sequential as S
from tintin.reference.config import NITI, TINTIN, NumericsConfig
from tintin.reference.layers import QTensor
from tintin.reference.rules import Header

from ..suite import CaseSpec
from ._common import (
    Arrays,
    CaseList,
    Entry,
    KernelSuite,
    StableRng,
    entry,
    hdr,
    header_in,
    i8,
    n_random,
    normal_header,
)
from .train_steps import LOSSES, StepFamily, TrainStepSuite, case_inputs, pretrained, random_batches, random_params

# --- kernels ----------------------------------------------------------------------------------


def _geometry(b: int, h: int, w: int, c: int, oc: int, k: int, stride: int, pad: int) -> C.ConvGeometry:
    return C.ConvGeometry(b, h, w, c, oc, k, stride, pad)


def _conv_forward(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    b, h, w, c = x["x"].shape
    oc, k = x["w"].shape[0], x["w"].shape[1]
    g = _geometry(b, h, w, c, oc, k, p["stride"], p["pad"])
    t = C.conv_forward(o, QTensor(x["x"], header_in(o, x["h_x"])), QTensor(x["w"], header_in(o, x["h_w"])), g,
                       bool(p["relu"]), cfg)
    return {"y": t.q, "h_y": tuple(t.h)}


def _conv_backward_error(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    b = x["e"].shape[0]
    oc, k, _, c = x["w"].shape
    g = _geometry(b, p["height"], p["width"], c, oc, k, p["stride"], p["pad"])
    if x["e"].shape != (b, g.out_height, g.out_width, oc):
        raise ValueError(f"e has shape {x['e'].shape}, the geometry gives {(b, g.out_height, g.out_width, oc)}")
    t = C.conv_backward_error(o, QTensor(x["e"], header_in(o, x["h_e"])), QTensor(x["w"], header_in(o, x["h_w"])),
                              g, cfg)
    return {"e_in": t.q, "h_e_in": tuple(t.h)}


def _conv_gradient(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    b, h, w, c = x["x"].shape
    oc = x["e"].shape[3]
    g = _geometry(b, h, w, c, oc, p["kernel"], p["stride"], p["pad"])
    if x["e"].shape != (b, g.out_height, g.out_width, oc):
        raise ValueError(f"e has shape {x['e'].shape}, the geometry gives {(b, g.out_height, g.out_width, oc)}")
    grad, h_g = C.conv_gradient(o, QTensor(x["e"], header_in(o, x["h_e"])), QTensor(x["x"], header_in(o, x["h_x"])),
                                g)
    return {"g": grad, "h_g": tuple(h_g)}


_NO_HEADER = Header(0, 0, 0)  # max pooling passes the header through: it plays no part


def _maxpool_forward(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"y": C.maxpool_forward(o, QTensor(x["x"], _NO_HEADER), p["size"]).q}


def _maxpool_backward(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    e = QTensor(x["e"], _NO_HEADER)
    return {"e_in": C.maxpool_backward(o, e, QTensor(x["x"], _NO_HEADER), p["size"], cfg).q}


# --- case helpers ------------------------------------------------------------------------------

CONV_SEED = 8101
H7 = hdr(-7)
# (h_a, h_b, what): header products that fold, cancel, or have S of either sign.
HEADER_PAIRS: tuple[tuple[tuple[int, int, int], tuple[int, int, int], str], ...] = (
    ((-7, 2, 0), (-6, 2, 0), "fold-up"),
    ((3, 0, 2), (-9, 0, 1), "fold-down"),
    ((-7, 1, 0), (-7, 0, 1), "cancel"),
    ((5, 0, 0), (4, 1, 0), "s-positive"),
)


def _payload(rng: StableRng, shape: Sequence[int], lo: int = -127, hi: int = 127) -> np.ndarray:
    return rng.ints(lo, hi, shape, np.int8)


def _full(shape: Sequence[int], v: int) -> np.ndarray:
    return i8(np.full(tuple(shape), v, dtype=np.int64))


@dataclass(frozen=True)
class Geo:
    """A convolution shape for case tables: input [b, h, w, c], kernels [oc, k, k, c]."""

    b: int
    h: int
    w: int
    c: int
    oc: int
    k: int
    stride: int = 1
    pad: int = 0

    @property
    def g(self) -> C.ConvGeometry:
        return _geometry(self.b, self.h, self.w, self.c, self.oc, self.k, self.stride, self.pad)

    @property
    def x_shape(self) -> tuple[int, int, int, int]:
        return (self.b, self.h, self.w, self.c)

    @property
    def w_shape(self) -> tuple[int, int, int, int]:
        return (self.oc, self.k, self.k, self.c)

    @property
    def e_shape(self) -> tuple[int, int, int, int]:
        g = self.g
        return (self.b, g.out_height, g.out_width, self.oc)

    def describe(self) -> str:
        return f"x [{self.b},{self.h},{self.w},{self.c}], w [{self.oc},{self.k},{self.k},{self.c}], " \
               f"stride {self.stride}, pad {self.pad}"


# Few distinct shapes (each one is a JAX compilation): every dimension different (catches
# transposed indexing), stride 2 with padding, stride 3 leaving input rows no window covers,
# the kernel as large as the (padded) input, a 1x1 kernel, and the two convolutions of the CI
# LeNet model.
EDGE = Geo(2, 5, 4, 3, 2, 3, 1, 1)
STRIDE2 = Geo(2, 7, 6, 2, 3, 3, 2, 1)
UNCOVERED = Geo(1, 8, 8, 1, 2, 2, 3, 0)  # windows at rows/cols 0-1, 3-4, 6-7: 2 and 5 untouched
WHOLE = Geo(2, 3, 3, 2, 3, 3, 1, 0)  # kernel == input: one output position
PADDED_ONLY = Geo(1, 1, 2, 2, 2, 3, 1, 1)  # kernel == padded height: most taps are padding
POINTWISE = Geo(2, 3, 4, 4, 3, 1, 1, 0)
STRIDE_PAD2 = Geo(1, 5, 5, 1, 2, 3, 3, 2)
LENET1 = Geo(4, 8, 8, 1, 4, 3, 1, 1)
LENET2 = Geo(4, 4, 4, 4, 8, 3, 1, 1)
RANDOM_GEOS = (EDGE, STRIDE2, UNCOVERED, WHOLE, POINTWISE, STRIDE_PAD2, LENET2)


def _saturating_pair(sign: int) -> tuple[np.ndarray, np.ndarray]:
    """x [1, 2, 2, 1], w [1, 2, 2, 1] with x . w = 255 * sign: rounds to 128, saturates to 127."""
    x = i8(np.array([127, 127, sign, 0]).reshape(1, 2, 2, 1))
    w = i8(np.array([sign, sign, 1, 0]).reshape(1, 2, 2, 1))
    return x, w


def conv2d_forward_cases(level: str) -> list[CaseSpec]:
    c = CaseList("conv2d_forward")
    rng = StableRng(CONV_SEED)

    def add(edge: str, comment: str, flags: list[str], geo: Geo, x: Any, hx: Any, w: Any, hw: Any, relu: int) -> None:
        c.add(edge, f"{comment}; {geo.describe()}", [*flags, "relu" if relu else "no-relu"],
              {"x": i8(x), "h_x": hx, "w": i8(w), "h_w": hw}, {"stride": geo.stride, "pad": geo.pad, "relu": relu})

    g = EDGE
    for relu in (0, 1):
        add("zero-x", "all-zero input: output 0, header of the product", ["zero", "all-zero"], g,
            _full(g.x_shape, 0), H7, _payload(rng, g.w_shape), hdr(-6, 1, 0), relu)
        add("zero-w", "all-zero kernels", ["zero", "all-zero"], g, _payload(rng, g.x_shape), H7, _full(g.w_shape, 0),
            H7, relu)
    add("pad-border", "x all 127, w all 1: corners see 4 taps, edges 6, the inside 9 (zero padding)",
        ["pad-border", "qmax"], g, _full(g.x_shape, 127), H7, _full(g.w_shape, 1), H7, 0)
    add("pad-border", "x all -127, w all -1 with ReLU: the border pattern, positive", ["pad-border", "qmax"], g,
        _full(g.x_shape, -127), H7, _full(g.w_shape, -1), hdr(-6), 1)
    x_pos, w_neg = _payload(rng, g.x_shape, 1, 127), _payload(rng, g.w_shape, -127, -1)
    add("relu-kills-all", "every accumulator negative: ReLU leaves all zeros", ["relu-kills-all", "all-zero"], g,
        x_pos, H7, w_neg, H7, 1)
    add("all-negative", "the same without ReLU: all negative outputs", ["all-negative"], g, x_pos, H7, w_neg, H7, 0)
    sat = Geo(1, 2, 2, 1, 1, 2)
    x, w = _saturating_pair(1)
    add("saturate-high", "kernel == input, acc 255: requantise rounds 127.5 to 128, saturates to 127, window "
        "steps down", ["saturate-high", "kernel-equals-input", "down-step"], sat, x, H7, w, H7, 1)
    x, w = _saturating_pair(-1)
    add("saturate-low", "kernel == input, acc -255: rounds to -128, saturates to -127",
        ["saturate-low", "kernel-equals-input", "down-step"], sat, x, H7, w, H7, 0)
    m = Geo(2, 3, 3, 4, 2, 3, 1, 1)
    signs = np.where(np.arange(2)[:, None, None, None] % 2 == 0, 127, -127) * np.ones(m.w_shape, dtype=np.int64)
    add("max-magnitude", f"x all 127, w all +-127, fan-in {m.k * m.k * m.c}: acc +-{127 * 127 * m.k * m.k * m.c}",
        ["max-magnitude", "qmax", "pad-border"], m, _full(m.x_shape, 127), H7, signs, hdr(-8), 0)
    add("window-left", "tiny accumulators (shift 0): the window shifts left and steps up", ["window-left", "no-shift"],
        g, _payload(rng, g.x_shape, -2, 2), H7, _payload(rng, g.w_shape, -1, 1), hdr(-5, 0, 1), 0)
    for hx, hw, what in HEADER_PAIRS:
        add("headers", f"header product {hx} x {hw} ({what})", ["header", what], g,
            _payload(rng, g.x_shape), hdr(*hx), _payload(rng, g.w_shape), hdr(*hw), 1)
    shapes = (
        (STRIDE2, "stride-2", "stride 2 with padding 1"),
        (UNCOVERED, "uncovered", "stride 3 > kernel 2: input rows and columns 2 and 5 are in no window"),
        (WHOLE, "kernel-equals-input", "kernel == input, no padding: one output position"),
        (PADDED_ONLY, "padded-input", "kernel 3 over a 1x2 input padded by 1: most taps are padding"),
        (POINTWISE, "pointwise", "1x1 kernel: a dense layer per position"),
        (STRIDE_PAD2, "stride-3-pad-2", "stride 3, padding 2: windows start in the padding"),
        (LENET1, "lenet", "the first convolution of the CI LeNet"),
        (LENET2, "lenet", "the second convolution of the CI LeNet"),
    )
    for geo, flag, comment in shapes:
        add(flag, comment, ["shape", flag], geo, _payload(rng, geo.x_shape, 0, 112), H7, _payload(rng, geo.w_shape),
            hdr(-6), 1)
    add("single", "B = H = W = C = OC = K = 1", ["shape", "single-element"], Geo(1, 1, 1, 1, 1, 1),
        [[[[-77]]]], H7, [[[[93]]]], hdr(-6), 0)
    for _ in range(n_random(level, 8, 150)):
        geo = rng.choice(RANDOM_GEOS)
        mx, mw = rng.integer(1, 127), rng.integer(1, 127)
        add("random", f"seeded random payloads (|x| <= {mx}, |w| <= {mw}) and headers", ["random"], geo,
            _payload(rng, geo.x_shape, -mx, mx), normal_header(rng, -20, 10), _payload(rng, geo.w_shape, -mw, mw),
            normal_header(rng, -20, 10), rng.integer(0, 1))
    # Patches longer than the im2col buffer (TT_CONV_PATCH: 256 taps on the portable build, 512 with
    # the DSP) take the direct loops: K*K*C = 261 (direct on the portable build only) and 513 (on
    # every build), with padding, stride and ReLU. Their own seed, so the cases above keep theirs.
    big = StableRng(CONV_SEED + 9)
    for geo in (Geo(1, 5, 5, 29, 3, 3, 1, 1), Geo(1, 4, 5, 57, 2, 3, 2, 1)):
        for relu in (0, 1):
            add("long-patch", f"K*K*C = {geo.k * geo.k * geo.c}: past the im2col buffer, the direct loops",
                ["shape", "long-patch", "pad-border"], geo, _payload(big, geo.x_shape), H7,
                _payload(big, geo.w_shape), hdr(-6), relu)
    return c.specs


def conv2d_backward_error_cases(level: str) -> list[CaseSpec]:
    c = CaseList("conv2d_backward_error")
    rng = StableRng(CONV_SEED + 1)

    def add(edge: str, comment: str, flags: list[str], geo: Geo, e: Any, he: Any, w: Any, hw: Any) -> None:
        c.add(edge, f"{comment}; {geo.describe()}", flags, {"e": i8(e), "h_e": he, "w": i8(w), "h_w": hw},
              {"height": geo.h, "width": geo.w, "stride": geo.stride, "pad": geo.pad})

    g = EDGE
    add("zero-e", "all-zero error", ["zero", "all-zero"], g, _full(g.e_shape, 0), H7, _payload(rng, g.w_shape), H7)
    add("zero-w", "all-zero kernels", ["zero", "all-zero"], g, _payload(rng, g.e_shape), H7, _full(g.w_shape, 0), H7)
    add("pad-border", "e all 1, w all 127: each input sums the windows that cover it (fewer at the border)",
        ["pad-border", "qmax"], g, _full(g.e_shape, 1), H7, _full(g.w_shape, 127), H7)
    add("pad-border", "stride 2: inputs covered by one, two or four windows", ["pad-border", "stride-2", "qmax"],
        STRIDE2, _full(STRIDE2.e_shape, 1), H7, _full(STRIDE2.w_shape, -127), hdr(-6, 1, 0))
    sat = Geo(1, 1, 1, 1, 3, 1)
    add("saturate-high", "e W = 255: rounds to 128, saturates to 127", ["saturate-high"], sat,
        [[[[127, 127, 1]]]], H7, [[[[1]]], [[[1]]], [[[1]]]], hdr(-6))
    add("saturate-low", "e W = -255: rounds to -128, saturates to -127", ["saturate-low"], sat,
        [[[[-127, -127, -1]]]], H7, [[[[1]]], [[[1]]], [[[1]]]], hdr(-6))
    m = Geo(2, 4, 4, 2, 4, 3, 1, 1)
    add("max-magnitude", f"e all 127, w all -127, up to {m.k * m.k * m.oc} products per input",
        ["max-magnitude", "qmax"], m, _full(m.e_shape, 127), H7, _full(m.w_shape, -127), H7)
    add("no-shift", "small products (shift 0): no window, the payload keeps its size", ["no-shift"], g,
        _payload(rng, g.e_shape, -1, 1), H7, _payload(rng, g.w_shape, -3, 3), H7)
    for he, hw, what in HEADER_PAIRS:
        add("headers", f"header product {he} x {hw} ({what})", ["header", what], g,
            _payload(rng, g.e_shape), hdr(*he), _payload(rng, g.w_shape), hdr(*hw))
    odd = Geo(2, 8, 7, 2, 3, 3, 2, 1)  # the same output size as height 7 / width 8
    shapes = (
        (STRIDE2, "stride-2", "stride 2 with padding 1, odd height 7"),
        (odd, "stride-2", "stride 2, height 8 and width 7: the same e shape as 7 x 6 (height/width params)"),
        (UNCOVERED, "uncovered", "stride 3 > kernel 2: inputs in no window get error 0"),
        (WHOLE, "kernel-equals-input", "kernel == input: one output position spreads over the whole input"),
        (PADDED_ONLY, "padded-input", "kernel 3 over a 1x2 input padded by 1: padding taps are dropped"),
        (POINTWISE, "pointwise", "1x1 kernel"),
        (STRIDE_PAD2, "stride-3-pad-2", "stride 3, padding 2"),
        (LENET2, "lenet", "the second convolution of the CI LeNet"),
    )
    for geo, flag, comment in shapes:
        add(flag, comment, ["shape", flag], geo, _payload(rng, geo.e_shape), hdr(-7, 0, 1), _payload(rng, geo.w_shape),
            hdr(-6))
    for _ in range(n_random(level, 8, 150)):
        geo = rng.choice(RANDOM_GEOS)
        me = rng.integer(1, 127)
        add("random", f"seeded random errors (|e| <= {me}), kernels and headers", ["random"], geo,
            _payload(rng, geo.e_shape, -me, me), normal_header(rng, -20, 10), _payload(rng, geo.w_shape),
            normal_header(rng, -20, 10))
    return c.specs


def conv2d_gradient_cases(level: str) -> list[CaseSpec]:
    c = CaseList("conv2d_gradient")
    rng = StableRng(CONV_SEED + 2)

    def add(edge: str, comment: str, flags: list[str], geo: Geo, e: Any, he: Any, x: Any, hx: Any) -> None:
        c.add(edge, f"{comment}; {geo.describe()}", flags, {"e": i8(e), "h_e": he, "x": i8(x), "h_x": hx},
              {"kernel": geo.k, "stride": geo.stride, "pad": geo.pad})

    g = EDGE
    add("zero-e", "all-zero error: zero gradient", ["zero", "all-zero"], g, _full(g.e_shape, 0), H7,
        _payload(rng, g.x_shape), H7)
    add("zero-x", "all-zero input: zero gradient", ["zero", "all-zero"], g, _payload(rng, g.e_shape), H7,
        _full(g.x_shape, 0), H7)
    add("pad-border", "e all 1, x all 127: each tap sums the positions whose window it sees inside the input",
        ["pad-border", "qmax"], g, _full(g.e_shape, 1), H7, _full(g.x_shape, 127), H7)
    m = LENET1
    e_sign = np.where(np.arange(m.oc) % 2 == 0, 127, -127) * np.ones(m.e_shape, dtype=np.int64)
    n_pos = m.b * m.h * m.w
    add("max-magnitude", f"{n_pos} positions of +-127 x 127: entries up to +-{127 * 127 * n_pos}",
        ["max-magnitude", "qmax", "pad-border"], m, e_sign, H7, _full(m.x_shape, 127), H7)
    add("batch-1", "one sample", ["batch-1"], Geo(1, 5, 4, 3, 2, 3, 1, 1), _payload(rng, (1, 5, 4, 2)), H7,
        _payload(rng, (1, 5, 4, 3)), H7)
    for he, hx, what in HEADER_PAIRS:
        add("headers", f"header sum {he} + {hx} ({what})", ["header", what], g,
            _payload(rng, g.e_shape), hdr(*he), _payload(rng, g.x_shape), hdr(*hx))
    shapes = (
        (STRIDE2, "stride-2", "stride 2 with padding 1"),
        (UNCOVERED, "uncovered", "stride 3 > kernel 2: inputs in no window add nothing"),
        (WHOLE, "kernel-equals-input", "kernel == input: the gradient is e times the whole input"),
        (PADDED_ONLY, "padded-input", "kernel 3 over a 1x2 input padded by 1: padding taps get 0"),
        (POINTWISE, "pointwise", "1x1 kernel"),
        (STRIDE_PAD2, "stride-3-pad-2", "stride 3, padding 2: taps inside padding only get 0"),
        (LENET2, "lenet", "the second convolution of the CI LeNet"),
    )
    for geo, flag, comment in shapes:
        add(flag, comment, ["shape", flag], geo, _payload(rng, geo.e_shape), H7, _payload(rng, geo.x_shape, 0, 112),
            hdr(-7, 1, 0))
    for _ in range(n_random(level, 8, 150)):
        geo = rng.choice(RANDOM_GEOS)
        add("random", "seeded random errors, inputs and headers", ["random"], geo, _payload(rng, geo.e_shape),
            normal_header(rng, -20, 10), _payload(rng, geo.x_shape), normal_header(rng, -20, 10))
    return c.specs


# --- max pooling -------------------------------------------------------------------------------


def _tie_windows() -> np.ndarray:
    """x [1, 2, 30, 1]: 15 2x2 windows, the k-th with its maximum 9 at the positions of the bits
    of k + 1 (every non-empty set of the four positions) and -3 elsewhere."""
    x = np.full((1, 2, 30, 1), -3, dtype=np.int64)
    for k in range(15):
        bits = k + 1
        for pos in range(4):
            if bits >> pos & 1:
                x[0, pos // 2, 2 * k + pos % 2, 0] = 9
    return i8(x)


POOL_SEED = 8201
POOL_SHAPES = ((2, (2, 4, 6, 3)), (3, (1, 6, 9, 2)), (2, (4, 8, 8, 4)))  # (size, x shape)


def maxpool2d_forward_cases(level: str) -> list[CaseSpec]:
    c = CaseList("maxpool2d_forward")
    rng = StableRng(POOL_SEED)

    def add(edge: str, comment: str, flags: list[str], x: Any, size: int) -> None:
        x = i8(x)
        c.add(edge, f"{comment}; x {list(x.shape)}, window {size}", flags, {"x": x}, {"size": size})

    add("ties", "every set of tied maxima in a 2x2 window (the maximum is unique in value)", ["ties"],
        _tie_windows(), 2)
    add("all-zero", "all-zero input", ["all-zero", "ties"], _full((2, 4, 4, 2), 0), 2)
    add("all-negative", "all values negative: the maximum is the least negative", ["all-negative"],
        _payload(rng, (2, 4, 6, 3), -127, -1), 2)
    add("extremes", "windows of -127 only and of -127 with one 127", ["qmax", "all-negative"],
        np.where(np.arange(16).reshape(1, 4, 4, 1) == 5, 127, -127), 2)
    add("size-1", "window 1: the identity", ["size-1"], _payload(rng, (2, 3, 5, 2)), 1)
    add("global", "window == input: one output per sample and channel", ["global"], _payload(rng, (3, 4, 4, 2)), 4)
    add("size-3", "window 3 on 6 x 9", ["size-3"], _payload(rng, (1, 6, 9, 2)), 3)
    add("rectangular", "height 2, width 8, 3 channels: channels pool separately", ["shape"],
        _payload(rng, (2, 2, 8, 3)), 2)
    for _ in range(n_random(level, 6, 100)):
        size, shape = rng.choice(POOL_SHAPES)
        lo, hi = rng.choice(((-127, 127), (0, 3), (-2, 2)))  # small ranges: many ties
        add("random", f"seeded random payloads in [{lo}, {hi}]", ["random"], _payload(rng, shape, lo, hi), size)
    return c.specs


def maxpool2d_backward_cases(level: str) -> list[CaseSpec]:
    c = CaseList("maxpool2d_backward")
    rng = StableRng(POOL_SEED + 1)

    def add(edge: str, comment: str, flags: list[str], e: Any, x: Any, size: int) -> None:
        e, x = i8(e), i8(x)
        c.add(edge, f"{comment}; x {list(x.shape)}, window {size}", flags, {"e": e, "x": x}, {"size": size})

    def e_for(shape: Sequence[int], size: int, lo: int = -127, hi: int = 127) -> np.ndarray:
        b, h, w, ch = shape
        return _payload(rng, (b, h // size, w // size, ch), lo, hi)

    ties = _tie_windows()
    add("ties", "every set of tied maxima in a 2x2 window: the error goes to the first (row-major)",
        ["ties"], e_for(ties.shape, 2, 1, 127), ties, 2)
    add("all-zero-x", "all-zero input: every window a four-way tie, the error goes to its top-left",
        ["all-zero", "ties"], e_for((2, 4, 4, 2), 2), _full((2, 4, 4, 2), 0), 2)
    add("zero-e", "all-zero error: all-zero result", ["zero", "all-zero"], _full((2, 2, 3, 3), 0),
        _payload(rng, (2, 4, 6, 3)), 2)
    add("all-negative", "negative inputs", ["all-negative"], e_for((2, 4, 6, 3), 2),
        _payload(rng, (2, 4, 6, 3), -127, -1), 2)
    add("qmax", "errors +-127", ["qmax"], np.where(np.arange(12).reshape(2, 2, 3, 1) % 2 == 0, 127, -127),
        _payload(rng, (2, 4, 6, 1)), 2)
    add("size-1", "window 1: the error passes unchanged", ["size-1"], e_for((2, 3, 5, 2), 1),
        _payload(rng, (2, 3, 5, 2)), 1)
    add("global", "window == input", ["global"], e_for((3, 4, 4, 2), 4), _payload(rng, (3, 4, 4, 2), -1, 1), 4)
    add("size-3", "window 3 on 6 x 9 with values in [0, 2] (ties in 9 positions)", ["size-3", "ties"],
        e_for((1, 6, 9, 2), 3), _payload(rng, (1, 6, 9, 2), 0, 2), 3)
    add("rectangular", "height 2, width 8, 3 channels: each channel routes on its own maximum", ["shape"],
        e_for((2, 2, 8, 3), 2), _payload(rng, (2, 2, 8, 3), -2, 2), 2)
    for _ in range(n_random(level, 6, 100)):
        size, shape = rng.choice(POOL_SHAPES)
        lo, hi = rng.choice(((-127, 127), (0, 3), (-2, 2)))
        add("random", f"seeded random inputs in [{lo}, {hi}] and errors", ["random"], e_for(shape, size),
            _payload(rng, shape, lo, hi), size)
    return c.specs


CONV2D_FORWARD = KernelSuite(
    name="conv2d_forward",
    zero_dims=((("x", 0),), (("x", 1),), (("x", 2),), (("x", 3), ("w", 3)), (("w", 0),), (("w", 1), ("w", 2))),
    null_args=7,
    payloads=("x", "w"),
    kernel="tt_conv2d_forward",
    description="Convolution forward on NHWC (reference/conv.py): x [B, H, W, C], kernels w [OC, K, K, C], "
    "params stride and pad (zero padding, pad < K); acc = int32 MAC over each window, ReLU on acc if "
    "param relu = 1, header header_mul(h_x, h_w), requantise, window (tintin), store int8 y [B, OH, OW, OC].",
    cfg=TINTIN,
    fn=_conv_forward,
    outputs={"y": "int8", "h_y": "int8"},
    cases=conv2d_forward_cases,
    seed=CONV_SEED,
)

CONV2D_BACKWARD_ERROR = KernelSuite(
    name="conv2d_backward_error",
    null_args=7,
    payloads=("e", "w"),
    kernel="tt_conv2d_backward_error",
    description="Convolution backward error: e [B, OH, OW, OC] scattered back through the kernels w "
    "[OC, K, K, C] in int32 (the transpose of the forward pass; padding taps dropped), header "
    "header_mul(h_e, h_w), requantise; no window. Params height, width (the input size: with stride > 1 "
    "several give the same OH, OW), stride, pad.",
    cfg=TINTIN,
    fn=_conv_backward_error,
    outputs={"e_in": "int8", "h_e_in": "int8"},
    cases=conv2d_backward_error_cases,
    seed=CONV_SEED + 1,
)

CONV2D_GRADIENT = KernelSuite(
    name="conv2d_gradient",
    null_args=5,
    payloads=("e", "x"),
    kernel="tt_conv2d_gradient",
    description="Convolution gradient: g [OC, K, K, C] = sum over batch and output positions of e times "
    "the input window, in int32, header header_mul(h_e, h_x). Params kernel, stride, pad.",
    cfg=TINTIN,
    fn=_conv_gradient,
    outputs={"g": "int32", "h_g": "int8"},
    cases=conv2d_gradient_cases,
    seed=CONV_SEED + 2,
)

MAXPOOL2D_FORWARD = KernelSuite(
    name="maxpool2d_forward",
    null_args=2,
    kernel="tt_maxpool2d_forward",
    description="Max pooling on NHWC: the largest payload of each size x size window (stride = size, "
    "size divides H and W); the header passes through unchanged.",
    cfg=TINTIN,
    fn=_maxpool_forward,
    outputs={"y": "int8"},
    cases=maxpool2d_forward_cases,
    seed=POOL_SEED,
)

MAXPOOL2D_BACKWARD = KernelSuite(
    name="maxpool2d_backward",
    null_args=3,
    kernel="tt_maxpool2d_backward",
    description="Max pooling backward: each window's error goes to the first (row-major) position "
    "holding the window's maximum of x; every other position gets 0. The header passes through.",
    cfg=TINTIN,
    fn=_maxpool_backward,
    outputs={"e_in": "int8"},
    cases=maxpool2d_backward_cases,
    seed=POOL_SEED + 1,
)

# --- whole CNN training steps --------------------------------------------------------------------

KIND_DENSE, KIND_CONV, KIND_POOL, KIND_FLATTEN = 1, 2, 3, 4  # tt_layer_kind_t
LAYER_FIELDS = ("kind", "out", "kernel", "stride", "pad", "relu")


def layer_params(layer: S.Layer) -> tuple[int, int, int, int, int, int]:
    """(kind, out, kernel, stride, pad, relu) of one layer, as tt_layer_t holds them."""
    if isinstance(layer, S.Dense):
        return (KIND_DENSE, layer.out, 0, 0, 0, int(layer.relu))
    if isinstance(layer, S.Conv2D):
        return (KIND_CONV, layer.out, layer.kernel, layer.stride, layer.pad, int(layer.relu))
    if isinstance(layer, S.MaxPool2D):
        return (KIND_POOL, 0, layer.size, layer.size, 0, 0)
    return (KIND_FLATTEN, 0, 0, 0, 0, 0)


def model_params(model: S.Sequential) -> dict[str, int]:
    h, w, c = model.input_shape
    out = {"n_layers": len(model.layers), "in_h": h, "in_w": w, "in_c": c, "loss": LOSSES.index(model.loss)}
    for i, layer in enumerate(model.layers):
        out.update({f"layer{i}_{f}": v for f, v in zip(LAYER_FIELDS, layer_params(layer), strict=True)})
    return out


def model_from_params(params: Mapping[str, int]) -> S.Sequential:
    """The Sequential a case's params describe (the inverse of model_params)."""
    layers: list[S.Layer] = []
    for i in range(int(params["n_layers"])):
        kind, out, kernel, stride, pad, relu = (int(params[f"layer{i}_{f}"]) for f in LAYER_FIELDS)
        if kind == KIND_DENSE:
            layers.append(S.Dense(out, bool(relu)))
        elif kind == KIND_CONV:
            layers.append(S.Conv2D(out, kernel, stride, pad, bool(relu)))
        elif kind == KIND_POOL:
            layers.append(S.MaxPool2D(kernel))
        elif kind == KIND_FLATTEN:
            layers.append(S.Flatten())
        else:
            raise ValueError(f"layer{i}_kind = {kind} is not 1 (dense), 2 (conv), 3 (max pool) or 4 (flatten)")
    shape = (int(params["in_h"]), int(params["in_w"]), int(params["in_c"]))
    return S.Sequential(shape, tuple(layers), loss=LOSSES[int(params["loss"])])


CNN_STEPS = StepFamily(kernel="tt_train_step_seq", weights="param", model=model_from_params,
                       generator_info="JaxOps (sequential.train_step, jax.jit)")


# CI models: small enough for the Cortex-M0+ arena (every buffer of a case in under 10 KB).
LENET_MINI = S.Sequential(
    (8, 8, 1),
    (S.Conv2D(4, 3, pad=1), S.MaxPool2D(2), S.Conv2D(8, 3, pad=1), S.MaxPool2D(2), S.Flatten(),
     S.Dense(10, relu=False)),
    name="lenet-mini",
)
# Stride 2, then a convolution whose kernel covers its whole (pooled) input.
STRIDED = S.Sequential(
    (8, 8, 1),
    (S.Conv2D(4, 3, stride=2, pad=1), S.MaxPool2D(2), S.Conv2D(8, 2), S.Flatten(), S.Dense(10, relu=False)),
    name="strided",
)
# No padding anywhere; a hidden dense layer with ReLU on both sides.
NO_PAD = S.Sequential(
    (8, 8, 1),
    (S.Conv2D(4, 3), S.MaxPool2D(2), S.Conv2D(6, 3), S.Flatten(), S.Dense(12), S.Dense(10, relu=False)),
    name="no-pad",
)
# Rectangular two-channel input, a convolution without ReLU, window 2 over 6 x 8.
RECT = S.Sequential(
    (6, 8, 2),
    (S.Conv2D(3, 3, pad=1, relu=False), S.MaxPool2D(2), S.Flatten(), S.Dense(10, relu=False)),
    name="rect",
)


class CnnCases:
    """Builds CNN train-step CaseSpecs: inputs and params in the interface's order."""

    def __init__(self, suite: str) -> None:
        self.c = CaseList(suite)

    def add(self, edge: str, comment: str, flags: list[str], model: S.Sequential, state: M.TrainState,
            x_h: tuple[int, int, int], xs: Sequence[np.ndarray], labels: Sequence[np.ndarray]) -> None:
        inputs = case_inputs(CNN_STEPS.weights, state, model.loss, x_h, xs, labels)
        params = model_params(model)
        params["n_steps"] = len(xs)
        params["batch"] = int(np.shape(xs[0])[0])
        self.c.add(edge, f"{model.name}: {comment}", list(dict.fromkeys([*flags, model.name])), inputs, params)


def _cnn_cases(suite: str, cfg: NumericsConfig, seed: int) -> Callable[[str], list[CaseSpec]]:
    niti = cfg.update_rule == "niti"

    def cases(level: str) -> list[CaseSpec]:
        t = CnnCases(suite)
        rng = StableRng(seed)
        h7 = (-7, 0, 0)
        batch = 4

        def data(model: S.Sequential, n: int, lo: int = 0, hi: int = 112, b: int = batch) -> tuple[list, list]:
            return random_batches(rng, model, b, n, lo, hi)

        net = LENET_MINI
        t.add("init", "from the initial weights (seed 1), 3 steps of batch 4, inputs in [0, 112]", ["init"], net,
              S.init_state(net, cfg, 1), h7, *data(net, 3))
        t.add("signed-input", "signed inputs in [-127, 127] with input header (-6, 1, 0)",
              ["signed-input", "fine-steps"], net, S.init_state(net, cfg, 2), (-6, 1, 0), *data(net, 2, -127, 127))
        xs, ys = data(net, 2)
        xs[0] = np.zeros_like(xs[0])
        t.add("zero-batch", "the first batch all zero (no gradient for the first convolution), then random",
              ["all-zero", "zero-gradient"], net, S.init_state(net, cfg, 3), h7, xs, ys)
        xs, ys = data(net, 2)
        rows, cols = np.indices((8, 8))
        board = np.where((rows + cols) % 2 == 0, 127, -127).reshape(1, 8, 8, 1)
        xs[0] = i8(board * np.ones((batch, 1, 1, 1), dtype=np.int64))
        t.add("max-input", "a batch of +-127 checkerboards: largest accumulators, saturation",
              ["max-magnitude", "qmax"], net, S.init_state(net, cfg, 4), h7, xs, ys)
        xs, ys = data(net, 2)
        xs[0] = _full((batch, 8, 8, 1), 64)
        t.add("flat-image", "constant images: equal activations inside, ties in every pooling window",
              ["ties", "pad-border"], net, S.init_state(net, cfg, 5), h7, xs, ys)
        t.add("stride-2", "stride-2 convolution with padding, then a convolution as large as its input",
              ["stride-2", "kernel-equals-input"], STRIDED, S.init_state(STRIDED, cfg, 6), h7, *data(STRIDED, 3))
        t.add("no-pad", "no padding; a hidden dense layer with ReLU on both sides", ["no-pad", "deep"], NO_PAD,
              S.init_state(NO_PAD, cfg, 7), h7, *data(NO_PAD, 3))
        if not niti:  # the NITI update does not depend on the model's geometry: one compilation less
            t.add("rect", "6 x 8 x 2 input, convolution without ReLU", ["shape", "no-relu"], RECT,
                  S.init_state(RECT, cfg, 8), (-7, 0, 1), *data(RECT, 3, -127, 127))
        rand_state = M.TrainState(random_params(rng, net, [(-6, 0, 2), (-8, 1, 0), (-7, 0, 0)]), 7, 21)
        t.add("random-weights", "random full-range weights with fine headers (-6, 0, 2), (-8, 1, 0), (-7, 0, 0)",
              ["random-weights", "fine-steps"], net, rand_state, h7, *data(net, 2))
        counter = S.init_state(net, cfg, -5)._replace(step=1_000_000)
        t.add("step-counter", "seed -5, step counter from 1000000: other stochastic-rounding bits", ["hash-inputs"],
              net, counter, h7, *data(net, 2))
        t.add("mid-training", "state after 20 steps on random batches (exact oracle, stored as input)",
              ["mid-training"], net, pretrained(net, cfg, 9, 20, rng, 4, Header(-7, 0, 0)), h7, *data(net, 2))
        for _ in range(n_random(level, 2, 12)):
            model = rng.choice([LENET_MINI, STRIDED, NO_PAD])
            state = S.init_state(model, cfg, rng.integer(0, 1 << 20))._replace(step=rng.integer(0, 1 << 20))
            t.add("random", "seeded random initial seed, step counter and batches", ["random"], model, state, h7,
                  *data(model, 2, -127 if rng.integer(0, 1) else 0, 127))
        if level == "thorough":
            from tintin.reference.data import load_digits

            # LeNet-5 for 8x8 inputs has 19.5 KB of weights: two steps of batch 16 keep a case
            # (weights in and after each step) inside the C emitter's 64 KB per-header chunk, and
            # its buffers (about 90 KB) inside the arena of every core but the M0+.
            lenet = S.lenet5(8)
            for s in range(3):
                ds = load_digits(seed=s)
                order = [rng.integer(0, len(ds.y_train) - 1) for _ in range(2 * 16)]
                xs = [ds.x_train[order[16 * k:16 * (k + 1)]].reshape(16, *ds.image_shape) for k in range(2)]
                ys = [ds.y_train[order[16 * k:16 * (k + 1)]] for k in range(2)]
                h = tuple(int(v) for v in ds.x_header)
                t.add("digits", f"LeNet-5 (8x8) on real digits batches (split seed {s}), 2 steps of batch 16",
                      ["digits", "init"], lenet, S.init_state(lenet, cfg, s), h, xs, ys)  # type: ignore[arg-type]
            t.add("digits-stride-2", "stride-2 model, 4 steps of batch 16", ["stride-2"], STRIDED,
                  S.init_state(STRIDED, cfg, 12), h7, *data(STRIDED, 4, b=16))
        return t.c.specs

    return cases


TRAIN_CNN_TINTIN = TrainStepSuite(
    family=CNN_STEPS,
    name="train_step_cnn_tintin",
    description="Whole training steps of small CNNs (Conv2D, MaxPool2D, Flatten, Dense; config tintin): forward, "
    "softmax cross-entropy error, from the last layer: pooling routes the error to the first maximum, ReLU "
    "mask, gradient, backward error with the pre-update weights, aligned update; weights, headers and metrics "
    "after every step. The model is in the params (layer<i>_kind 1 dense, 2 conv, 3 max pool, 4 flatten).",
    cfg=TINTIN,
    cases=_cnn_cases("train_step_cnn_tintin", TINTIN, 8301),
    seed=8301,
)

TRAIN_CNN_NITI = TrainStepSuite(
    family=CNN_STEPS,
    name="train_step_cnn_niti",
    description="Whole training steps of small CNNs (config niti: no window, no fine steps, NITI update); "
    "weights, headers and metrics after every step. The model is in the params as in train_step_cnn_tintin.",
    cfg=NITI,
    cases=_cnn_cases("train_step_cnn_niti", NITI, 8302),
    seed=8302,
)

ENTRIES: list[Entry] = [
    *(entry(k) for k in (CONV2D_FORWARD, CONV2D_BACKWARD_ERROR, CONV2D_GRADIENT, MAXPOOL2D_FORWARD,
                         MAXPOOL2D_BACKWARD)),
    *(Entry(s.suite_def(), s.oracle) for s in (TRAIN_CNN_TINTIN, TRAIN_CNN_NITI)),
]
