"""Convolution, max pooling and flatten on NHWC tensors, composed from the same rules (spec 4.7).

A convolution is a matrix product of image patches (im2col) with the flattened kernels,
so it accumulates in int32 exactly like a dense layer and shares its output path. The
backward error scatters patch errors back (col2im) in int32 before one requantisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tintin.reference import layers as L
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig
from tintin.reference.layers import QTensor
from tintin.reference.rules import Header

V = Any


class GeometryError(ValueError):
    """A convolution or pooling geometry does not fit its input; the message says why."""


@dataclass(frozen=True)
class ConvGeometry:
    """Shapes of one convolution: input [B, H, W, C], kernels [OC, K, K, C]."""

    batch: int
    height: int
    width: int
    channels: int
    out_channels: int
    kernel: int
    stride: int = 1
    pad: int = 0

    def __post_init__(self) -> None:
        dims = (self.batch, self.height, self.width, self.channels, self.out_channels, self.kernel, self.stride)
        if any(d < 1 for d in dims) or self.pad < 0:
            raise GeometryError(f"convolution dimensions must be positive (pad >= 0): {self}")
        if self.kernel > self.height + 2 * self.pad or self.kernel > self.width + 2 * self.pad:
            raise GeometryError(f"kernel {self.kernel} larger than the padded input {self.height}x{self.width}")
        if self.pad >= self.kernel:
            raise GeometryError(f"padding {self.pad} must be smaller than the kernel {self.kernel}")

    @property
    def out_height(self) -> int:
        return (self.height + 2 * self.pad - self.kernel) // self.stride + 1

    @property
    def out_width(self) -> int:
        return (self.width + 2 * self.pad - self.kernel) // self.stride + 1

    @property
    def patch(self) -> int:
        """Fan-in of one output: kernel area x input channels."""
        return self.kernel * self.kernel * self.channels

    @property
    def positions(self) -> int:
        return self.batch * self.out_height * self.out_width


def _window_slice(start: int, count: int, stride: int) -> slice:
    return slice(start, start + stride * (count - 1) + 1, stride)


def im2col(o: Any, x: V, g: ConvGeometry) -> V:
    """Patches [B*OH*OW, K*K*C] in (kh, kw, c) order, matching kernels [OC, K, K, C]."""
    xp = o.pad_hw(x, g.pad)
    taps = []
    for kh in range(g.kernel):
        for kw in range(g.kernel):
            r = _window_slice(kh, g.out_height, g.stride)
            c = _window_slice(kw, g.out_width, g.stride)
            taps.append(xp[:, r, c, :])
    return o.stack(taps, axis=3).reshape(g.positions, g.patch)


def direct(g: ConvGeometry) -> bool:
    """Whether the convolution sums go to the ops' direct convolutions rather than im2col + matmul.

    Both give the same integers. With one input channel im2col copies K*K values per output for
    a dot only K*K long, and XLA's direct integer convolution is faster (about 2x, LeNet-5's
    first layer); with several channels the im2col matmul reaches the faster dot kernel.
    """
    return g.channels == 1


def conv_forward(o: Any, x: QTensor, w: QTensor, g: ConvGeometry, relu: bool, cfg: NumericsConfig) -> QTensor:
    """y[B, OH, OW, OC]: int32 MAC over patches, then the dense output path (4.1, 4.7)."""
    if direct(g):
        acc = o.conv2d(x.q, w.q, g.stride, g.pad)
    else:
        acc = o.matmul_nt(im2col(o, x.q, g), w.q.reshape(g.out_channels, g.patch))
        acc = acc.reshape(g.batch, g.out_height, g.out_width, g.out_channels)
    return L.accumulator_output(o, acc, R.header_mul(o, x.h, w.h), relu, cfg)


def conv_backward_error(o: Any, e: QTensor, w: QTensor, g: ConvGeometry, cfg: NumericsConfig) -> QTensor:
    """e_in[B, H, W, C]: patch errors e W scattered back in int32 (col2im), then requantised (4.2)."""
    if direct(g):
        acc = o.conv2d_input_grad(e.q, w.q, g.height, g.width, g.stride, g.pad)
    else:
        de = o.matmul(e.q.reshape(g.positions, g.out_channels), w.q.reshape(g.out_channels, g.patch))
        de = de.reshape(g.batch, g.out_height, g.out_width, g.kernel, g.kernel, g.channels)
        full = o.zeros((g.batch, g.height + 2 * g.pad, g.width + 2 * g.pad, g.channels))
        for kh in range(g.kernel):
            for kw in range(g.kernel):
                full = o.strided_add(full, de[:, :, :, kh, kw, :], kh, kw, g.stride)
        acc = full[:, g.pad : g.pad + g.height, g.pad : g.pad + g.width, :]
    return L.store(o, L.requantise(o, acc, R.header_mul(o, e.h, w.h), cfg), cfg)


def conv_gradient(o: Any, e: QTensor, x: QTensor, g: ConvGeometry) -> tuple[V, Header]:
    """G[OC, K, K, C] = sum over batch and output positions of e x-patch, in int32 (4.3)."""
    if direct(g):
        grad = o.conv2d_weight_grad(e.q, x.q, g.kernel, g.stride, g.pad)
    else:
        grad = o.matmul(e.q.reshape(g.positions, g.out_channels).T, im2col(o, x.q, g))
        grad = grad.reshape(g.out_channels, g.kernel, g.kernel, g.channels)
    return grad, R.header_mul(o, e.h, x.h)


# --- max pooling (window k, stride k) --------------------------------------------------------------


def _pool_taps(x: V, k: int) -> list[V]:
    b, h, w, c = x.shape
    if h % k or w % k:
        raise GeometryError(f"max pooling {k}x{k} needs height and width divisible by {k}, got {h}x{w}")
    r = x.reshape(b, h // k, k, w // k, k, c)
    return [r[:, :, i, :, j, :] for i in range(k) for j in range(k)]


def maxpool_forward(o: Any, x: QTensor, k: int) -> QTensor:
    """Largest payload of each k x k window; the header is unchanged."""
    taps = _pool_taps(x.q, k)
    m = taps[0]
    for t in taps[1:]:
        m = o.where(o.gt(t, m), t, m)
    return QTensor(m, x.h)


def maxpool_backward(o: Any, e: QTensor, x: QTensor, k: int, cfg: NumericsConfig) -> QTensor:
    """The error goes to the first position (row-major in the window) holding the maximum."""
    taps = _pool_taps(x.q, k)
    m = maxpool_forward(o, x, k).q
    taken = o.ne(m, m)
    parts = []
    for t in taps:
        chosen = o.logical_and(o.eq(t, m), o.logical_not(taken))
        taken = o.logical_or(taken, chosen)
        parts.append(o.where(chosen, e.q, o.const(0)))
    b, oh, ow, c = e.q.shape
    rows = [o.stack(parts[i * k : (i + 1) * k], axis=3) for i in range(k)]
    grid = o.stack(rows, axis=2)  # [B, OH, k, OW, k, C]
    return L.store(o, QTensor(grid.reshape(b, oh * k, ow * k, c), e.h), cfg)
