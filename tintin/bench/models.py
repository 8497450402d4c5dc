"""The models the benchmarks measure, and their description as a C ``tt_seq_t``.

Every model is a reference model (``MLP`` or ``Sequential``) plus a batch size; the C layer
list is derived from it, so the RAM accounting, the instruction counts and the JAX timings
all measure the same architecture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tintin.reference import sequential as S
from tintin.reference.config import TINTIN
from tintin.reference.model import MLP, init_bound

# tt_layer_kind_t (c_kernels/include/tintin.h)
TT_DENSE, TT_CONV2D, TT_MAXPOOL2D, TT_FLATTEN = 1, 2, 3, 4


@dataclass(frozen=True)
class CLayer:
    kind: int
    out: int = 0
    kernel: int = 0
    stride: int = 0
    pad: int = 0
    relu: int = 0


@dataclass(frozen=True)
class CModel:
    """The fields of a tt_seq_t."""

    layers: tuple[CLayer, ...]
    in_h: int
    in_w: int
    in_c: int
    batch: int
    loss_mse: int

    @property
    def n_in(self) -> int:
        return self.in_h * self.in_w * self.in_c


@dataclass(frozen=True)
class BenchModel:
    key: str
    title: str
    model: Any  # MLP or Sequential
    batch: int
    note: str = ""

    @property
    def mse(self) -> bool:
        return getattr(self.model, "loss", "softmax_xent") == "mse"

    def weight_shapes(self) -> list[tuple[int, ...]]:
        return [tuple(s) for s in self.model.weight_shapes()]

    def weight_counts(self) -> list[int]:
        return [math.prod(s) for s in self.weight_shapes()]

    def n_inputs(self) -> int:
        shape = self.model.sizes[:1] if isinstance(self.model, MLP) else self.model.input_shape
        return math.prod(shape)

    def n_outputs(self) -> int:
        return self.model.sizes[-1] if isinstance(self.model, MLP) else self.model.n_outputs

    def step_macs(self) -> int:
        """Nominal multiply-accumulates of one training step: each parameter layer's forward, its
        gradient, and its backward error unless it is the first layer (tt_train_step_seq); a
        convolution counts every kernel tap of every output position, padding included."""
        m = self.model
        if isinstance(m, MLP):
            fwd = [(i, self.batch * c) for i, c in enumerate(self.weight_counts())]
        else:
            fwd = [(i, self.batch * math.prod(p.out_shape[:-1]) * math.prod(p.weight_shape))
                   for i, p in enumerate(m.plan(self.batch)) if p.weight_shape is not None]
        return sum(f * (3 if i > 0 else 2) for i, f in fwd)

    def init_bounds(self) -> list[int]:
        """Bound k of the integer He-uniform initial weights per layer (spec 4.5)."""
        return [init_bound(math.prod(s[1:]), TINTIN) for s in self.weight_shapes()]

    def c_model(self) -> CModel:
        m = self.model
        mse = int(self.mse)
        if isinstance(m, MLP):
            n = m.n_layers
            layers = tuple(CLayer(TT_DENSE, out=m.sizes[i + 1], relu=int(i < n - 1)) for i in range(n))
            return CModel(layers, 1, 1, m.sizes[0], self.batch, mse)
        out: list[CLayer] = []
        for layer in m.layers:
            if isinstance(layer, S.Dense):
                out.append(CLayer(TT_DENSE, out=layer.out, relu=int(layer.relu)))
            elif isinstance(layer, S.Conv2D):
                out.append(CLayer(TT_CONV2D, out=layer.out, kernel=layer.kernel, stride=layer.stride, pad=layer.pad,
                                  relu=int(layer.relu)))
            elif isinstance(layer, S.MaxPool2D):
                out.append(CLayer(TT_MAXPOOL2D, kernel=layer.size, stride=layer.size))
            elif isinstance(layer, S.Flatten):
                out.append(CLayer(TT_FLATTEN))
            else:
                raise TypeError(f"no C layer for {type(layer).__name__}")
        shape = tuple(m.input_shape)
        h, w, c = shape if len(shape) == 3 else (1, 1, shape[0])
        return CModel(tuple(out), h, w, c, self.batch, mse)


DIGITS_MLP = BenchModel("digits_mlp", "digits MLP 64-64-10", MLP((64, 64, 10)), 32)
LENET8_B8 = BenchModel("lenet5_8x8_b8", "LeNet-5 on 8x8 digits", S.lenet5(8), 8)
LENET8_B16 = BenchModel("lenet5_8x8_b16", "LeNet-5 on 8x8 digits", S.lenet5(8), 16)
LENET28_B8 = BenchModel("lenet5_28x28_b8", "LeNet-5 on 28x28 (MNIST-sized)", S.lenet5(28), 8)
BEARING_AE = BenchModel("bearing_ae", "bearing autoencoder 32-16-8-16-32", MLP((32, 16, 8, 16, 32), loss="mse"), 32,
                        "MSE loss; the target is the input batch itself")
SPECTRUM = BenchModel("spectrum_mlp", "spectrum classifier 64-32-2", MLP((64, 32, 2)), 32)

RAM_MODELS: tuple[BenchModel, ...] = (DIGITS_MLP, LENET8_B8, LENET8_B16, LENET28_B8, BEARING_AE, SPECTRUM)


def tiny_mlp(batch: int = 2) -> BenchModel:
    """A 4-3-2 MLP: small enough to account for by hand (tests)."""
    return BenchModel("tiny_mlp", "tiny MLP 4-3-2", MLP((4, 3, 2)), batch)
