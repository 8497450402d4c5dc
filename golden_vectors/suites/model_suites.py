"""Golden suites for a user's model file (`tintin golden generate --model FILE.toml`).

For every kernel call of one training step of the model (forward, ReLU mask, loss error,
backward error, gradient and update of each layer) a suite at that call's real shapes, under
the model's own config, plus a suite of whole training steps from the model's seed. The
suites reuse the kernels, case machinery and training-step families of the built-in suites
(layers.py, conv.py, losses.py, train.py, train_steps.py): only the shapes and the config
differ. Names: ``l<i>_<kernel suite>`` for the file's layer i (its [[layers]] index),
``loss_<suite>``, ``train_step``. Each file's generator object names its C runner
(``runner``: the built-in suite whose tt_run_case_* runs it) and the model.

Cases per kernel suite: the edge cases of its rules at the model's shapes (all-zero inputs,
the largest magnitudes, a product of 255 that rounds to 128 and saturates, tiny values the
window shifts left, header products that fold, cancel and have S of either sign, for the
update every branch of the aligned or NITI rule) and, where the kernel checks its payloads,
one rejection case per payload input holding -128 (spec 2.1: the C kernel must return
TT_ERR_RANGE); then ``n_cases`` seeded random cases. Deterministic: the same file gives the
same bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tintin.reference import model as M
from tintin.reference import sequential as S
from tintin.reference.config import SPEC_VERSION, NumericsConfig
from tintin.reference.modelfile import ModelFile
from tintin.reference.rules import Header

from ..model import EXPECT_STATUS, STATUS_CODES
from ..suite import CaseSpec, SuiteDef
from . import conv as CV
from . import layers as LY
from . import losses as LS
from ._common import INT32_MAX, CaseList, KernelSuite, StableRng, hdr, i8, i32, normal_header
from .train import MLP_STEPS, TrainCases
from .train_steps import TrainStepSuite, pretrained, random_batches

REJECT_FLAG = "minus-128"
H7 = hdr(-7)


@dataclass(frozen=True)
class ModelSuite:
    """One generated suite and the built-in suite whose C runner takes it."""

    defn: SuiteDef
    runner: str
    oracle: Callable[[Mapping[str, Any], Mapping[str, int]], dict[str, np.ndarray]]


class _ModelKernelSuite(KernelSuite):
    """A KernelSuite whose -128 cases are rejection cases: the rule's domain is payloads in
    [-qmax, qmax] (spec 2.1), so there are no outputs, only the status the kernel must give."""

    def compute(self, spec: CaseSpec) -> dict[str, np.ndarray]:
        if REJECT_FLAG in spec.flags:
            low = -self.cfg.qmax - 1
            if not any(np.asarray(v).dtype == np.int8 and np.any(np.asarray(v) == low) for v in spec.inputs.values()):
                raise ValueError(f"case {spec.id}: a {REJECT_FLAG} case without a {low} payload")
            return {}
        return self.compute_jax(spec)

    def suite_def(self) -> SuiteDef:
        # No cases from the proof counterexamples: those are at the built-in suites' shapes.
        return SuiteDef(name=self.name, kernel=self.kernel, description=self.description, cases=self.cases,
                        compute=self.compute, config=self.cfg, spec_version=SPEC_VERSION, seed=self.seed,
                        generator_info={"expected": "JaxOps (jax.jit)", **self.generator_info})


def _seed(model_seed: int, suite: str) -> int:
    """A stable seed per suite (crc32 is the same on every platform)."""
    return (model_seed * 1_000_003 + zlib.crc32(suite.encode())) & 0x7FFFFFFF


class _Cases:
    """A CaseList plus the shared edge tables, for payload inputs of given shapes."""

    def __init__(self, suite: str, seed: int, cfg: NumericsConfig) -> None:
        self.c = CaseList(suite)
        self.rng = StableRng(seed)
        self.q = cfg.qmax

    def pay(self, shape: Sequence[int], lo: int | None = None, hi: int | None = None) -> np.ndarray:
        return self.rng.ints(-self.q if lo is None else lo, self.q if hi is None else hi, shape, np.int8)

    def full(self, shape: Sequence[int], v: int) -> np.ndarray:
        return i8(np.full(tuple(shape), v, dtype=np.int64))

    def alternating(self, shape: Sequence[int]) -> np.ndarray:
        """+qmax on even rows (first axis), -qmax on odd ones."""
        rows = np.arange(shape[0]).reshape((-1,) + (1,) * (len(shape) - 1))
        return i8(np.where(rows % 2 == 0, self.q, -self.q) * np.ones(tuple(shape), dtype=np.int64))

    def single(self, shape: Sequence[int], v: int, at: int = 0) -> np.ndarray:
        """All zero but element ``at`` (flat index)."""
        a = np.zeros(tuple(shape), dtype=np.int64)
        a.flat[at] = v
        return i8(a)

    def with_min(self, a: np.ndarray) -> np.ndarray:
        """a with its last element -qmax - 1 (-128 for int8): outside the payload range."""
        b = np.array(a, dtype=np.int8)
        b.flat[-1] = -self.q - 1
        return b


# --- per kernel -----------------------------------------------------------------------------------


def _two_input_cases(c: _Cases, a_name: str, a_shape: Sequence[int], b_name: str, b_shape: Sequence[int],
                     add: Callable[[str, str, list[str], np.ndarray, Any, np.ndarray, Any], None],
                     n_cases: int, reject: bool, b_at: int = 0) -> None:
    """The edge table shared by the products of two payload tensors (forward, backward error,
    gradient of dense and conv layers): add(edge, comment, flags, a, h_a, b, h_b). b_at: the flat
    index of b that meets a's first element in one sum (a convolution's centre tap with padding)."""
    add("zero", f"all-zero {a_name}: output 0, header of the product", ["zero", "all-zero"],
        c.full(a_shape, 0), H7, c.pay(b_shape), hdr(-6, 1, 0))
    add("zero", f"all-zero {b_name}", ["zero", "all-zero"], c.pay(a_shape), H7, c.full(b_shape, 0), H7)
    add("max-magnitude", f"{a_name} all qmax, {b_name} +-qmax by row: the largest sums of this shape",
        ["max-magnitude", "qmax"], c.full(a_shape, c.q), H7, c.alternating(b_shape), hdr(-8))
    add("max-magnitude", f"{a_name} all -qmax, {b_name} all qmax", ["max-magnitude", "qmax"],
        c.full(a_shape, -c.q), H7, c.full(b_shape, c.q), H7)
    add("saturate-high", "one product 15 * 17 = 255: requantised it rounds 127.5 to 128 and saturates",
        ["saturate-high", "down-step"], c.single(a_shape, 15), H7, c.single(b_shape, 17, b_at), H7)
    add("saturate-low", "one product 15 * -17 = -255: rounds to -128 and saturates to -127",
        ["saturate-low", "down-step"], c.single(a_shape, 15), H7, c.single(b_shape, -17, b_at), H7)
    add("window-left", "tiny payloads (shift 0): the window shifts left and steps up", ["window-left", "no-shift"],
        c.pay(a_shape, -2, 2), H7, c.pay(b_shape, -1, 1), hdr(-5, 0, 1))
    for ha, hb, what in LY.HEADER_PAIRS:
        add("headers", f"header product {ha} x {hb} ({what})", ["header", what], c.pay(a_shape), hdr(*ha),
            c.pay(b_shape), hdr(*hb))
    if reject:
        add(REJECT_FLAG, f"{a_name} holds -128 (outside the payload range): TT_ERR_RANGE", [REJECT_FLAG, "rejection"],
            c.with_min(c.pay(a_shape)), H7, c.pay(b_shape), H7)
        add(REJECT_FLAG, f"{b_name} holds -128: TT_ERR_RANGE", [REJECT_FLAG, "rejection"], c.pay(a_shape), H7,
            c.with_min(c.pay(b_shape)), H7)
    for _ in range(n_cases):
        ma, mb = c.rng.integer(1, c.q), c.rng.integer(1, c.q)
        add("random", f"seeded random payloads (|{a_name}| <= {ma}, |{b_name}| <= {mb}) and headers", ["random"],
            c.pay(a_shape, -ma, ma), normal_header(c.rng, -20, 10), c.pay(b_shape, -mb, mb),
            normal_header(c.rng, -20, 10))


def _rejecting(flags: list[str], params: dict[str, int]) -> dict[str, int]:
    return {**params, EXPECT_STATUS: STATUS_CODES["TT_ERR_RANGE"]} if REJECT_FLAG in flags else params


def _dense_forward(name: str, seed: int, cfg: NumericsConfig, b: int, n_in: int, n_out: int, relu: bool,
                   n_cases: int) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], x: Any, hx: Any, w: Any, hw: Any) -> None:
            c.c.add(edge, comment, [*flags, "relu" if relu else "no-relu"], {"x": i8(x), "h_x": hx, "w": i8(w),
                    "h_w": hw}, _rejecting(flags, {"relu": int(relu)}))

        _two_input_cases(c, "x", (b, n_in), "w", (n_out, n_in), add, n_cases, True)
        if relu:
            add("relu-kills-all", "every accumulator negative: ReLU leaves all zeros", ["relu-kills-all"],
                c.pay((b, n_in), 1, c.q), H7, c.pay((n_out, n_in), -c.q, -1), H7)
        return c.c.specs

    return _kernel(name, LY.DENSE_FORWARD, cfg, cases, seed, f"x [{b}, {n_in}], w [{n_out}, {n_in}], relu {int(relu)}")


def _dense_backward(name: str, seed: int, cfg: NumericsConfig, b: int, n_in: int, n_out: int, n_cases: int
                    ) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], e: Any, he: Any, w: Any, hw: Any) -> None:
            c.c.add(edge, comment, flags, {"e": i8(e), "h_e": he, "w": i8(w), "h_w": hw}, _rejecting(flags, {}))

        _two_input_cases(c, "e", (b, n_out), "w", (n_out, n_in), add, n_cases, True)
        return c.c.specs

    return _kernel(name, LY.DENSE_BACKWARD_ERROR, cfg, cases, seed, f"e [{b}, {n_out}], w [{n_out}, {n_in}]")


def _dense_gradient(name: str, seed: int, cfg: NumericsConfig, b: int, n_in: int, n_out: int, n_cases: int
                    ) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], e: Any, he: Any, x: Any, hx: Any) -> None:
            c.c.add(edge, comment, [f for f in flags if f not in ("saturate-high", "saturate-low", "down-step",
                                                                  "window-left", "no-shift")] or ["product"],
                    {"e": i8(e), "h_e": he, "x": i8(x), "h_x": hx})

        _two_input_cases(c, "e", (b, n_out), "x", (b, n_in), add, n_cases, False)
        return c.c.specs

    return _kernel(name, LY.DENSE_GRADIENT, cfg, cases, seed, f"e [{b}, {n_out}], x [{b}, {n_in}]")


def _centre_tap(geo: CV.Geo) -> int:
    """Flat index of the kernel tap (0, pad, pad, 0): it joins input pixel (0, 0) to output (0, 0)."""
    return int(np.ravel_multi_index((0, geo.pad, geo.pad, 0), geo.w_shape))


def _conv_forward(name: str, seed: int, cfg: NumericsConfig, geo: CV.Geo, relu: bool, n_cases: int) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], x: Any, hx: Any, w: Any, hw: Any) -> None:
            c.c.add(edge, comment, [*flags, "relu" if relu else "no-relu"], {"x": i8(x), "h_x": hx, "w": i8(w),
                    "h_w": hw}, _rejecting(flags, {"stride": geo.stride, "pad": geo.pad, "relu": int(relu)}))

        _two_input_cases(c, "x", geo.x_shape, "w", geo.w_shape, add, n_cases, True, _centre_tap(geo))
        add("pad-border", "x all qmax, w all 1: the border positions see fewer taps", ["pad-border", "qmax"],
            c.full(geo.x_shape, c.q), H7, c.full(geo.w_shape, 1), H7)
        return c.c.specs

    return _kernel(name, CV.CONV2D_FORWARD, cfg, cases, seed, f"{geo.describe()}, relu {int(relu)}")


def _conv_backward(name: str, seed: int, cfg: NumericsConfig, geo: CV.Geo, n_cases: int) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], e: Any, he: Any, w: Any, hw: Any) -> None:
            c.c.add(edge, comment, flags, {"e": i8(e), "h_e": he, "w": i8(w), "h_w": hw},
                    _rejecting(flags, {"height": geo.h, "width": geo.w, "stride": geo.stride, "pad": geo.pad}))

        _two_input_cases(c, "e", geo.e_shape, "w", geo.w_shape, add, n_cases, True, _centre_tap(geo))
        return c.c.specs

    return _kernel(name, CV.CONV2D_BACKWARD_ERROR, cfg, cases, seed, geo.describe())


def _conv_gradient(name: str, seed: int, cfg: NumericsConfig, geo: CV.Geo, n_cases: int) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], e: Any, he: Any, x: Any, hx: Any) -> None:
            c.c.add(edge, comment, [f for f in flags if f not in ("saturate-high", "saturate-low", "down-step",
                                                                  "window-left", "no-shift")] or ["product"],
                    {"e": i8(e), "h_e": he, "x": i8(x), "h_x": hx},
                    {"kernel": geo.k, "stride": geo.stride, "pad": geo.pad})

        _two_input_cases(c, "e", geo.e_shape, "x", geo.x_shape, add, n_cases, False)
        return c.c.specs

    return _kernel(name, CV.CONV2D_GRADIENT, cfg, cases, seed, geo.describe())


def _maxpool(name: str, seed: int, cfg: NumericsConfig, shape: tuple[int, int, int, int], size: int,
             backward: bool, n_cases: int) -> KernelSuite:
    b, h, w, ch = shape
    e_shape = (b, h // size, w // size, ch)

    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], x: Any) -> None:
            inputs = {"e": c.pay(e_shape), "x": i8(x)} if backward else {"x": i8(x)}
            c.c.add(edge, comment, flags, inputs, {"size": size})

        add("all-zero", "all-zero input: every window a tie", ["all-zero", "ties"], c.full(shape, 0))
        add("all-negative", "negative inputs", ["all-negative"], c.pay(shape, -c.q, -1))
        add("ties", "values in [0, 1]: many tied maxima (the first, row-major, wins)", ["ties"], c.pay(shape, 0, 1))
        add("qmax", "+-qmax inputs", ["qmax"], c.alternating(shape))
        for _ in range(n_cases):
            add("random", "seeded random inputs", ["random"], c.pay(shape))
        return c.c.specs

    base = CV.MAXPOOL2D_BACKWARD if backward else CV.MAXPOOL2D_FORWARD
    return _kernel(name, base, cfg, cases, seed, f"x {list(shape)}, window {size}")


def _relu_backward(name: str, seed: int, cfg: NumericsConfig, n: int, n_cases: int) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)
        c.c.add("dead", "stored activation all 0: the error is blocked", ["all-zero"],
                {"e": c.pay((n,)), "y": c.full((n,), 0)})
        c.c.add("live", "stored activation all positive: the error passes", ["qmax"],
                {"e": c.alternating((n,)), "y": c.pay((n,), 1, c.q)})
        for _ in range(n_cases):
            c.c.add("random", "seeded random errors and activations", ["random"],
                    {"e": c.pay((n,)), "y": c.pay((n,), 0, c.q)})
        return c.c.specs

    return _kernel(name, LY.RELU_BACKWARD, cfg, cases, seed, f"{n} elements (the layer's output for the batch)")


def _update(name: str, seed: int, cfg: NumericsConfig, shape: tuple[int, ...], g_max: int, tensor_id: int,
            n_cases: int) -> KernelSuite:
    """The update of one weight tensor; gradients up to g_max, the largest the layer's gradient sum
    can reach (its length times qmax**2), capped at INT32_MAX (the kernel's domain)."""
    g_max = min(g_max, INT32_MAX)

    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)
        rng = c.rng

        def add(edge: str, comment: str, flags: list[str], w: Any, hw: Any, g: Any, hg: Any,
                step_seed: tuple[int, int] = (1234, 5)) -> None:
            c.c.add(edge, comment, flags, {"w": i8(w), "h_w": hw, "g": i32(g), "h_g": hg, "seed": i32(step_seed[0]),
                    "step": i32(step_seed[1])}, _rejecting(flags, {"tensor_id": tensor_id}))

        w_full = c.pay(shape, -99, 99)
        w_full.flat[0] = 100
        g_zero = np.zeros(shape, dtype=np.int64)
        add("zero-gradient", "G = 0: the update is 0 (the window may still act)", ["zero-gradient"], w_full, H7,
            g_zero, hdr(-14))
        add("small-gradient", "G much finer than W: sub-unit updates (rounding of the aligned gradient)",
            ["small-gradient"], w_full, H7, rng.magnitudes(min(1 << 14, g_max), shape), hdr(-14))
        add("cap", "G coarse: the update is capped at bitwidth(max|W|) - margin bits", ["cap"], w_full, H7,
            rng.magnitudes(g_max, shape), H7)
        w_sat = c.pay(shape, 100, c.q)
        add("saturate-high", "W near +qmax, G large and negative: W - G saturates to qmax", ["saturate-high", "cap"],
            w_sat, H7, -np.abs(rng.magnitudes(g_max, shape)), hdr(-5))
        add("saturate-low", "W near -qmax, G large and positive: saturates to -qmax", ["saturate-low", "cap"],
            i8(-w_sat.astype(np.int64)), H7, np.abs(rng.magnitudes(g_max, shape)), hdr(-5))
        add("max-gradient", f"|G| at the layer's largest gradient {g_max}", ["max-magnitude", "pre-shift"], w_full, H7,
            np.where(np.arange(int(np.prod(shape))).reshape(shape) % 2 == 0, g_max, -g_max), hdr(-20))
        add("left-shift", "G coarser than W, tiny values: the aligned update is shifted left", ["left-shift"],
            w_full, H7, rng.ints(-3, 3, shape), hdr(5))
        add("fine-align-1", "fine parts differ by one third: one down step", ["fine-steps", "downs-1"],
            w_full, hdr(-7, 1, 0), rng.magnitudes(min(1 << 16, g_max), shape), hdr(-14, 0, 1))
        add("fine-align-2", "fine parts differ by two thirds: two down steps", ["fine-steps", "downs-2"],
            w_full, H7, rng.magnitudes(min(1 << 16, g_max), shape), hdr(-15, 2, 0))
        add("wide-shift", "G far finer than W: a final shift >= 32 gives 0", ["wide-shift"], w_full, H7,
            rng.magnitudes(min(1 << 10, g_max), shape), hdr(-60))
        add("window-left", "small W (max 20): after the update the window shifts left and steps up",
            ["window-left"], c.pay(shape, -20, 20), hdr(-9, 0, 1), rng.magnitudes(min(1 << 12, g_max), shape),
            hdr(-18))
        add("hash-inputs", "seed -1, step INT32_MAX: other rounding bits", ["hash-inputs"], w_full, H7,
            rng.magnitudes(min(1 << 15, g_max), shape), hdr(-14), (-1, INT32_MAX))
        add(REJECT_FLAG, "W holds -128 (outside the payload range): TT_ERR_RANGE", [REJECT_FLAG, "rejection"],
            c.with_min(w_full), H7, g_zero, H7)
        for _ in range(n_cases):
            mw = rng.integer(1, c.q)
            h_w = normal_header(rng, -12, -2)
            add("random", f"seeded random weights (|w| <= {mw}), gradient and headers", ["random"],
                c.pay(shape, -mw, mw), h_w, rng.magnitudes(g_max, shape),
                normal_header(rng, -40, 0),
                (rng.integer(-(2**31), INT32_MAX), rng.integer(0, 1 << 20)))
        return c.c.specs

    rule = "NITI" if cfg.update_rule == "niti" else "aligned"
    return _kernel(name, LY.UPDATE_TINTIN, cfg, cases, seed, f"w {list(shape)} ({rule} rule), |g| <= {g_max}",
                   traced=("tensor_id",))


def _softmax(name: str, seed: int, cfg: NumericsConfig, b: int, classes: int, n_cases: int) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], z: Any, h: Any, labels: Any) -> None:
            c.c.add(edge, comment, flags, {"z": i8(z), "h_z": h, "labels": i32(labels)}, _rejecting(flags, {}))

        labels = [k % classes for k in range(b)]
        add("uniform", "all logits equal: p = 128 / C for every class", ["uniform", "zero"], c.full((b, classes), 0),
            H7, labels)
        confident = np.full((b, classes), -c.q, dtype=np.int64)
        confident[np.arange(b), labels] = c.q
        add("confident", "one logit qmax, the rest -qmax at S = 0: saturates both ways",
            ["confident", "max-magnitude"], confident, hdr(0), [(k + 1) % classes for k in range(b)])
        for s, u, d in ((2, 1, 0), (-3, 0, 2), (-20, 0, 0), (5, 0, 1)):
            add("headers", f"logit header ({s}, {u}, {d}): the shift and fine branches of the exponent",
                ["header", "fine-steps" if u or d else "shift"], c.pay((b, classes)), hdr(s, u, d), labels)
        add(REJECT_FLAG, "z holds -128: TT_ERR_RANGE", [REJECT_FLAG, "rejection"], c.with_min(c.pay((b, classes))),
            H7, labels)
        for _ in range(n_cases):
            add("random", "seeded random logits, header and labels", ["random"], c.pay((b, classes)),
                normal_header(c.rng, -10, 2), [c.rng.integer(0, classes - 1) for _ in range(b)])
        return c.c.specs

    return _kernel(name, LS.SOFTMAX_XENT_ERROR, cfg, cases, seed, f"z [{b}, {classes}]")


def _mse(name: str, seed: int, cfg: NumericsConfig, b: int, n: int, n_cases: int) -> KernelSuite:
    def cases(level: str) -> list[CaseSpec]:
        c = _Cases(name, seed, cfg)

        def add(edge: str, comment: str, flags: list[str], y: Any, hy: Any, t: Any, ht: Any) -> None:
            c.c.add(edge, comment, flags, {"y": i8(y), "h_y": hy, "t": i8(t), "h_t": ht}, _rejecting(flags, {}))

        same = c.pay((b, n))
        add("equal", "y = t in the same header: zero error", ["zero"], same, H7, same, H7)
        add("max-magnitude", "qmax - (-qmax): requantise shifts by 1", ["max-magnitude", "qmax"],
            c.alternating((b, n)), H7, i8(-c.alternating((b, n)).astype(np.int64)), H7)
        add("y-coarser", "y's header is coarser: t is rescaled", ["y-coarser"], c.pay((b, n)), hdr(-5), c.pay((b, n)),
            H7)
        add("t-coarser", "t's header is coarser: y is rescaled", ["t-coarser"], c.pay((b, n)), hdr(-9, 0, 1),
            c.pay((b, n)), hdr(-6, 1, 0))
        add("far-apart", "S differs by 40: the finer tensor rounds to 0", ["wide-shift"], c.pay((b, n)), hdr(-47),
            c.pay((b, n)), H7)
        add(REJECT_FLAG, "t holds -128: TT_ERR_RANGE", [REJECT_FLAG, "rejection"], c.pay((b, n)), H7,
            c.with_min(c.pay((b, n))), H7)
        for _ in range(n_cases):
            add("random", "seeded random reconstruction, target and headers", ["random"], c.pay((b, n)),
                normal_header(c.rng, -12, 0), c.pay((b, n)), normal_header(c.rng, -12, 0))
        return c.c.specs

    return _kernel(name, LS.MSE_ERROR, cfg, cases, seed, f"y, t [{b}, {n}]")


def _kernel(name: str, base: KernelSuite, cfg: NumericsConfig, cases: Callable[[str], list[CaseSpec]], seed: int,
            shapes: str, traced: tuple[str, ...] = ()) -> KernelSuite:
    return _ModelKernelSuite(
        name=name, kernel=base.kernel, description=f"{base.description} Model shapes: {shapes}.", cfg=cfg,
        fn=base.fn, outputs=base.outputs, cases=cases, seed=seed, rows=base.rows,
        traced_params=traced or base.traced_params, generator_info={"runner": base.name})


# --- whole training steps ---------------------------------------------------------------------------


def _train_step(mf: ModelFile, name: str, seed: int, n_cases: int) -> TrainStepSuite:
    """Training steps of the model itself: from its initial weights (its seed), signed inputs, an
    all-zero and a +-qmax batch, a state after some training, and n_cases seeded random runs;
    two steps each."""
    cfg, net, b = mf.cfg, mf.model, mf.batch
    is_mlp = isinstance(net, M.MLP)
    mod: Any = M if is_mlp else S
    family = MLP_STEPS if is_mlp else CV.CNN_STEPS

    def cases(level: str) -> list[CaseSpec]:
        rng = StableRng(seed)
        t: Any = TrainCases(name, cfg, net.loss) if is_mlp else CV.CnnCases(name)
        h7 = (-7, 0, 0)

        def add(edge: str, comment: str, flags: list[str], state: M.TrainState, xs: list, ys: list,
                x_h: tuple[int, int, int] = h7) -> None:
            if is_mlp and net.loss == "mse":
                t.add(edge, comment, flags, net, state, x_h, xs, xs, x_h)
            else:
                t.add(edge, comment, flags, net, state, x_h, xs, ys)

        add("init", f"from the initial weights (seed {mf.seed}), 2 steps of batch {b}", ["init"],
            mod.init_state(net, cfg, mf.seed), *random_batches(rng, net, b, 2))
        add("signed-input", "signed inputs with input header (-6, 1, 0)", ["signed-input", "fine-steps"],
            mod.init_state(net, cfg, mf.seed + 1), *random_batches(rng, net, b, 2, -cfg.qmax, cfg.qmax), (-6, 1, 0))
        xs, ys = random_batches(rng, net, b, 2)
        xs[0] = np.zeros_like(xs[0])
        add("zero-batch", "the first batch all zero, then random", ["all-zero", "zero-gradient"],
            mod.init_state(net, cfg, mf.seed + 2), xs, ys)
        xs, ys = random_batches(rng, net, b, 2)
        xs[0] = np.where(np.indices(xs[0].shape).sum(axis=0) % 2 == 0, cfg.qmax, -cfg.qmax).astype(np.int8)
        add("max-input", "a batch of +-qmax inputs: the largest accumulators", ["max-magnitude", "qmax"],
            mod.init_state(net, cfg, mf.seed + 3), xs, ys)
        add("mid-training", "the state after 3 steps on random batches (exact oracle, stored as input)",
            ["mid-training"], pretrained(net, cfg, mf.seed + 4, 3, rng, b, Header(*h7)),
            *random_batches(rng, net, b, 2))
        for _ in range(n_cases):
            state = mod.init_state(net, cfg, rng.integer(0, 1 << 20))._replace(step=rng.integer(0, 1 << 20))
            add("random", "seeded random initial seed, step counter and batches", ["random"], state,
                *random_batches(rng, net, b, 2, -cfg.qmax if rng.integer(0, 1) else 0, cfg.qmax))
        return t.c.specs

    return TrainStepSuite(family=family, name=name, cases=cases, cfg=cfg, seed=seed,
                          description=f"Whole training steps of model {mf.name} ({mf.description or 'model file'}; "
                          f"batch {b}, config {cfg.name}): weights, headers and metrics after every step.")


# --- the model's suites ----------------------------------------------------------------------------


def _plan(mf: ModelFile) -> list[tuple[int, S.Layer, tuple[int, ...], tuple[int, ...]]]:
    """(file layer index, layer, input shape, output shape) per computing layer, batch excluded."""
    net = mf.model
    if isinstance(net, M.MLP):
        layers: list[S.Layer] = [S.Dense(n, relu=i < net.n_layers - 1) for i, n in enumerate(net.sizes[1:])]
        seq = S.Sequential((net.sizes[0],), tuple(layers), loss=net.loss)
    else:
        seq = net
    file_index = [li.index for li in mf.layers if li.type != "relu"]
    return [(file_index[k], p.layer, p.in_shape, p.out_shape) for k, p in enumerate(seq.plan(mf.batch))]


def model_suites(mf: ModelFile, n_cases: int = 4) -> list[ModelSuite]:
    """Every suite of the model, in the order of one training step (forward, loss, backward)."""
    if n_cases < 0:
        raise ValueError(f"n_cases must be >= 0, got {n_cases}")
    mf.check_dot_lengths()
    cfg, b = mf.cfg, mf.batch
    plan = _plan(mf)
    forward: list[KernelSuite] = []
    backward: list[KernelSuite] = []
    relu_at = {li.index - 1 for li in mf.layers if li.type == "relu"}
    params = [i for i, layer, _, _ in plan if isinstance(layer, (S.Dense, S.Conv2D))]

    def seed(name: str) -> int:
        return _seed(mf.seed, name)

    for k, (i, layer, in_shape, out_shape) in enumerate(plan):
        first = k == 0
        if isinstance(layer, S.Dense):
            n_in, n_out = in_shape[0], layer.out
            nm = f"l{i}_dense_forward"
            forward.append(_dense_forward(nm, seed(nm), cfg, b, n_in, n_out, layer.relu, n_cases))
            grads = [_dense_gradient(f"l{i}_dense_gradient", seed(f"l{i}_dense_gradient"), cfg, b, n_in, n_out,
                                     n_cases)]
            if not first:
                nm = f"l{i}_dense_backward_error"
                grads.append(_dense_backward(nm, seed(nm), cfg, b, n_in, n_out, n_cases))
            g_terms = b
            w_shape: tuple[int, ...] = (n_out, n_in)
        elif isinstance(layer, S.Conv2D):
            h, w, ch = in_shape
            geo = CV.Geo(b, h, w, ch, layer.out, layer.kernel, layer.stride, layer.pad)
            nm = f"l{i}_conv2d_forward"
            forward.append(_conv_forward(nm, seed(nm), cfg, geo, layer.relu, n_cases))
            grads = [_conv_gradient(f"l{i}_conv2d_gradient", seed(f"l{i}_conv2d_gradient"), cfg, geo, n_cases)]
            if not first:
                nm = f"l{i}_conv2d_backward_error"
                grads.append(_conv_backward(nm, seed(nm), cfg, geo, n_cases))
            g_terms = b * out_shape[0] * out_shape[1]
            w_shape = (layer.out, layer.kernel, layer.kernel, ch)
        elif isinstance(layer, S.MaxPool2D):
            shape4 = (b, *in_shape)
            nm = f"l{i}_maxpool2d_forward"
            forward.append(_maxpool(nm, seed(nm), cfg, shape4, layer.size, False, n_cases))
            nm = f"l{i}_maxpool2d_backward"
            backward.insert(0, _maxpool(nm, seed(nm), cfg, shape4, layer.size, True, n_cases))
            continue
        else:  # Flatten: a reshape, no kernel
            continue
        ups = []
        if i in relu_at:
            nm = f"l{i + 1}_relu_backward"
            ups.append(_relu_backward(nm, seed(nm), cfg, b * int(np.prod(out_shape)), n_cases))
        nm = f"l{i}_update"
        ups += grads
        ups.append(_update(nm, seed(nm), cfg, w_shape, g_terms * cfg.qmax * cfg.qmax, params.index(i), n_cases))
        backward[:0] = ups
    classes = plan[-1][3][0]
    if mf.loss == "mse":
        loss = _mse("loss_mse_error", seed("loss_mse_error"), cfg, b, classes, n_cases)
    else:
        loss = _softmax("loss_softmax_xent_error", seed("loss_softmax_xent_error"), cfg, b, classes, n_cases)
    out = [ModelSuite(k.suite_def(), k.generator_info["runner"], k.oracle) for k in [*forward, loss, *backward]]
    step = _train_step(mf, "train_step", seed("train_step"), n_cases)
    runner = ("train_step_autoencoder" if mf.loss == "mse" else "train_step_mlp_tintin") \
        if isinstance(mf.model, M.MLP) else "train_step_cnn_tintin"
    d = step.suite_def()
    d = SuiteDef(d.name, d.kernel, d.description, d.cases, d.compute, d.config, d.spec_version, d.seed,
                 {**d.generator_info, "runner": runner})
    out.append(ModelSuite(d, runner, step.oracle))
    info = {"model": mf.name}
    return [ModelSuite(SuiteDef(s.defn.name, s.defn.kernel, s.defn.description, s.defn.cases, s.defn.compute,
                                s.defn.config, s.defn.spec_version, s.defn.seed, {**s.defn.generator_info, **info}),
                       s.runner, s.oracle) for s in out]


def registry(suites: Sequence[ModelSuite]) -> dict[str, SuiteDef]:
    return {s.defn.name: s.defn for s in suites}


def write_model_suites(mf: ModelFile, out_dir: Any, n_cases: int = 4, names: Sequence[str] | None = None,
                       progress: bool | None = None) -> list[Any]:
    """Generate the model's suites as <out_dir>/<suite>.ci.json; returns the paths."""
    from ..generate import generate

    return generate(registry(model_suites(mf, n_cases)), "ci", out_dir, names=names, progress=progress)
