"""Shared machinery of the golden suites: case lists, a stable random source, and the two
ways of running a kernel written once over the ops interface (reference/ops.py).

A suite's kernel is ``fn(o, cfg, inputs, params) -> {output name: value}``: ``inputs`` maps
names to the case's arrays, ``params`` are plain ints, and a value is a tensor of the ops
interpretation or a header (a 3-tuple, stored as int8[3]; a tuple of 1-d tensors is stored
as [n, 3] rows). The same function gives

* the expected outputs (``KernelSuite.compute``): JaxOps, jitted once per suite and params;
* the independent check (``KernelSuite.oracle``): PyOps, exact Python integers that raise
  OracleOverflow instead of wrapping (used by tests/golden/test_suites.py on the stored
  inputs).

Every output is range-checked before it is cast to its golden dtype, so a case outside a
rule's domain fails generation loudly instead of storing a wrapped value.

Cases made from proof counterexamples (proof_cases.py, flag "proof-counterexample") are
appended to the suite of the kernel they guard. Their expected outputs come from the exact
oracle (and must equal the JAX ones); inputs the oracle rejects become rejection cases whose
param expect_status is the status that rejection maps to (oracle_status).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from tintin.reference.config import SPEC_VERSION, NumericsConfig
from tintin.reference.rules import Header

from ..model import DTYPES, EXPECT_STATUS, NULL_ARG, STATUS_CODES
from ..suite import CaseSpec, SuiteDef
from .configs import CONFIG_INPUT, ConfigRefused, case_config, refused

# The flag of cases made from proof counterexamples (proof_cases.py).
PROOF_FLAG = "proof-counterexample"
# The flag of every rejection case (param expect_status, no outputs).
REJECTION_FLAG = "rejection"

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
U32_MAX = 2**32 - 1
QMAX = 127
# Domains of the fine steps as docs/spec.md 3.3 states them (callers stay inside). For the up
# step this is INT32_MAX // 645; for the down step the spec's bound is below INT32_MAX // 203
# (= 10578737), so the cases stay inside the stated, smaller domain.
UP_DOMAIN = 3329432
DOWN_DOMAIN = 10578706

Arrays = Mapping[str, Any]
KernelFn = Callable[[Any, NumericsConfig, Arrays, Mapping[str, int]], Mapping[str, Any]]
OracleFn = Callable[[Arrays, Mapping[str, int]], dict[str, np.ndarray]]


# --- stable randomness --------------------------------------------------------------------


_M64 = (1 << 64) - 1


class StableRng:
    """SplitMix64 in plain integers: the same numbers on every platform and numpy version.

    (numpy's Generator streams are not promised to stay the same across releases, and the
    committed files must regenerate byte for byte.) Draws are modulo-reduced: the tiny bias
    does not matter for test cases, and the definition stays one line.
    """

    def __init__(self, seed: int) -> None:
        self.state = seed & _M64

    def _next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        return z ^ (z >> 31)

    def integer(self, lo: int, hi: int) -> int:
        """Uniform-ish integer in [lo, hi] (both included)."""
        if hi < lo:
            raise ValueError(f"empty range [{lo}, {hi}]")
        return lo + self._next() % (hi - lo + 1)

    def ints(self, lo: int, hi: int, shape: int | Sequence[int], dtype: Any = np.int32) -> np.ndarray:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        n = int(np.prod(shape, dtype=np.int64))
        return np.array([self.integer(lo, hi) for _ in range(n)], dtype=dtype).reshape(shape)

    def choice(self, items: Sequence[Any]) -> Any:
        return items[self.integer(0, len(items) - 1)]

    def magnitude(self, max_abs: int) -> int:
        """A signed value whose bit width is uniform in [0, bitwidth(max_abs)]: covers every
        scale, not just the largest (a uniform draw is almost always near max_abs)."""
        width = self.integer(0, max_abs.bit_length())
        if width == 0:
            return 0
        lo, hi = 1 << (width - 1), min((1 << width) - 1, max_abs)
        v = self.integer(lo, hi)
        return -v if self.integer(0, 1) else v

    def magnitudes(self, max_abs: int, shape: int | Sequence[int], dtype: Any = np.int32) -> np.ndarray:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        n = int(np.prod(shape, dtype=np.int64))
        return np.array([self.magnitude(max_abs) for _ in range(n)], dtype=dtype).reshape(shape)


# --- case lists ---------------------------------------------------------------------------


class CaseList:
    """Collects CaseSpecs with ids "<suite>/<edge-name>-NNNN" (NNNN = position in the suite)."""

    def __init__(self, suite: str) -> None:
        self.suite = suite
        self.specs: list[CaseSpec] = []

    def add(
        self,
        edge: str,
        comment: str,
        flags: Sequence[str],
        inputs: Mapping[str, Any],
        params: Mapping[str, int] | None = None,
    ) -> None:
        case_id = f"{self.suite}/{edge}-{len(self.specs):04d}"
        self.specs.append(CaseSpec(case_id, comment, list(flags), dict(inputs), dict(params or {})))


def i32(values: Any) -> np.ndarray:
    """int32 array from Python ints, refusing values that do not fit (no silent wrap)."""
    return _checked(values, "int32")


def i8(values: Any) -> np.ndarray:
    return _checked(values, "int8")


def u32(values: Any) -> np.ndarray:
    return _checked(values, "uint32")


def hdr(s: int, u: int = 0, d: int = 0) -> np.ndarray:
    """A stored header (S, U, D) as int8[3]."""
    return i8([s, u, d])


def _checked(values: Any, dtype: str) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    dt = DTYPES[dtype]
    flat = [int(v) for v in arr.flat]
    if flat and (min(flat) < dt.min or max(flat) > dt.max):
        bad = next(v for v in flat if not dt.min <= v <= dt.max)
        raise ValueError(f"value {bad} does not fit {dtype}")
    return np.array(flat, dtype=np.dtype(dtype)).reshape(arr.shape)


def header_in(o: Any, h: Any) -> Header:
    """The stored int8[3] header as a Header of the ops interpretation's integers."""
    return Header(o.widen(h[0]), o.widen(h[1]), o.widen(h[2]))


# --- normal headers -------------------------------------------------------------------------

# Every header in normal form with S in a range: U, D in {0, 1, 2}, at most one non-zero.
FINE_PARTS = ((0, 2), (0, 1), (0, 0), (1, 0), (2, 0))  # (U, D), fine part D - U from -2 to 2


def normal_header(rng: StableRng, s_lo: int, s_hi: int) -> np.ndarray:
    u, d = rng.choice(FINE_PARTS)
    return hdr(rng.integer(s_lo, s_hi), u, d)


def thirds(h: Sequence[int] | np.ndarray) -> int:
    """3S + D - U: log2 of the header's scale in thirds."""
    s, u, d = (int(v) for v in h)
    return 3 * s + d - u


# --- running a kernel ----------------------------------------------------------------------


@cache
def jax_ops() -> Any:
    from tintin.reference.ops import JaxOps

    return JaxOps()


@cache
def py_ops() -> Any:
    from tintin.reference.ops import PyOps

    return PyOps()


class OutputRangeError(ValueError):
    """An output value that does not fit its golden dtype (e.g. a header exponent past int8)."""

    def __init__(self, output: str, dtype: str, problem: str) -> None:
        self.output = output
        self.dtype = dtype
        self.problem = problem
        super().__init__(f"output {output!r}: {problem} (a case outside the rule's domain?)")


def to_golden(value: Any, dtype: str, what: str) -> np.ndarray:
    """An output (JAX array, exact-int object array, int or header tuple) as a numpy array
    of the golden dtype; values that do not fit are an error, never wrapped."""
    if isinstance(value, tuple):  # a header (or rows of headers): stack the fields last
        parts = np.broadcast_arrays(*(np.asarray(np.asarray(v), dtype=object) for v in value))
        arr = np.stack(parts, axis=-1)
    else:
        arr = np.asarray(np.asarray(value), dtype=object)
    try:
        return _checked(arr, dtype)
    except ValueError as exc:
        raise OutputRangeError(what, dtype, str(exc)) from None


def is_header_name(name: str) -> bool:
    """Header tensors: "h", "h_<x>", "<x>/h", "<x>_h" (stored as int8[3] rows)."""
    return name == "h" or name.startswith("h_") or name.endswith(("/h", "_h"))


class ZeroDimension(ValueError):
    """An input of a zero_dims group has no element: the kernel must return TT_ERR_SHAPE."""


class HeaderNotNormal(ValueError):
    """A header input of a KernelSuite's ``headers`` out of normal form: TT_ERR_RANGE."""


def oracle_status(exc: BaseException) -> int | None:
    """The C status (tt_status_t) that matches why the exact oracle rejected a case, or None.

    OracleOverflow (an intermediate leaves the accumulator: the input is outside the proved
    domain) -> TT_ERR_RANGE; ConfigRefused (the case's own config is outside the C domain) ->
    TT_ERR_CONFIG; ZeroDimension -> TT_ERR_SHAPE; HeaderNotNormal -> TT_ERR_RANGE; a result header
    that does not fit int8 -> TT_ERR_HEADER.
    """
    from tintin.reference.ops import OracleOverflow

    if isinstance(exc, OracleOverflow):
        return STATUS_CODES["TT_ERR_RANGE"]
    if isinstance(exc, ConfigRefused):
        return STATUS_CODES["TT_ERR_CONFIG"]
    if isinstance(exc, ZeroDimension):
        return STATUS_CODES["TT_ERR_SHAPE"]
    if isinstance(exc, HeaderNotNormal):
        return STATUS_CODES["TT_ERR_RANGE"]
    if isinstance(exc, OutputRangeError) and is_header_name(exc.output) and exc.dtype == "int8":
        return STATUS_CODES["TT_ERR_HEADER"]
    return None


def pad_rows(arrays: Arrays, size: int) -> dict[str, np.ndarray]:
    """Repeat the last row of every input up to ``size`` rows (stays inside every domain)."""
    out = {}
    for name, a in arrays.items():
        a = np.asarray(a)
        widths = [(0, size - a.shape[0])] + [(0, 0)] * (a.ndim - 1)
        out[name] = np.pad(a, widths, mode="edge")
    return out


def padded_size(n: int) -> int:
    """256, or the next power of two: one or two compilations per element-wise suite."""
    return max(256, 1 << max(0, n - 1).bit_length())


@dataclass(frozen=True)
class KernelSuite:
    """A suite whose outputs are one call of ``fn`` on the case inputs.

    rows: inputs whose first axis is the case's element count; the JAX path pads that axis
    to a power of two (so a handful of compilations serve all cases) and cuts every output
    back to the element count.
    """

    name: str
    kernel: str
    description: str
    cfg: NumericsConfig
    fn: KernelFn
    outputs: Mapping[str, str]  # output name -> golden dtype, in file order
    cases: Callable[[str], Sequence[CaseSpec]]
    seed: int
    rows: tuple[str, ...] = ()
    # Params passed to the jitted kernel as traced int32 scalars instead of compile-time
    # constants (one compilation for all their values).
    traced_params: tuple[str, ...] = ()
    generator_info: Mapping[str, Any] = field(default_factory=dict)
    # int8 payload inputs the kernel must refuse when they hold -128 (spec 2.2: payloads are in
    # [-127, 127]); each gets rejection cases with -128 at its first, middle and last element.
    payloads: tuple[str, ...] = ()
    # The rest of the C kernel's documented domain the exact oracle does not enforce:
    # (inputs, params) -> the TT_ERR_* status the kernel returns, or None inside the domain.
    domain: Callable[[Arrays, Mapping[str, int]], int | None] | None = None
    # How many pointer arguments the kernel takes (cfg, geometry, inputs, outputs, headers
    # returned); each gets a rejection case with it NULL (tintin.h: TT_ERR_NULL).
    null_args: int = 0
    # Dimensions the kernel refuses at zero (tintin.h: TT_ERR_SHAPE): each group is one rejection
    # case, the suite's first ordinary case with every (input, axis) of the group cut to size 0
    # (inputs sharing a dimension are cut together).
    zero_dims: tuple[tuple[tuple[str, int], ...], ...] = ()
    # Header inputs the kernel refuses out of normal form (U, D in [0, 2], not both non-zero:
    # TT_ERR_RANGE); each gets rejection cases with U or D at 3 or -1 and with U = D = 1.
    headers: tuple[str, ...] = ()

    def compute(self, spec: CaseSpec) -> dict[str, np.ndarray]:
        if PROOF_FLAG in spec.flags or (CONFIG_INPUT in spec.inputs and EXPECT_STATUS not in spec.params):
            return self.compute_exact(spec)  # a case's own config: the exact oracle must agree with JAX
        if EXPECT_STATUS in spec.params:
            return self.compute_rejection(spec)
        inputs = {k: np.asarray(v) for k, v in spec.inputs.items()}
        status = self.domain_status(inputs, spec.params)
        if status is not None:
            raise ValueError(f"case {spec.id}: outside the kernel's domain (status {status}) but not a rejection case")
        return self.compute_jax(spec)

    def domain_status(self, inputs: Arrays, params: Mapping[str, int]) -> int | None:
        """The status the C kernel gives inputs outside its documented domain, or None."""
        if refused(inputs):  # the kernels check their config first
            return STATUS_CODES["TT_ERR_CONFIG"]
        if NULL_ARG in params and 1 <= params[NULL_ARG] <= self.null_args:
            return STATUS_CODES["TT_ERR_NULL"]
        if self.is_empty(inputs):
            return STATUS_CODES["TT_ERR_SHAPE"]
        if self.bad_header(inputs):
            return STATUS_CODES["TT_ERR_RANGE"]
        # -128 is outside the payloads of 8-bit configurations (a case's own config may have 16)
        qmax = case_config(inputs, self.cfg).qmax
        if qmax == 127 and any(np.any(np.asarray(inputs[p]) == -128) for p in self.payloads if p in inputs):
            return STATUS_CODES["TT_ERR_RANGE"]
        return self.domain(inputs, params) if self.domain is not None else None

    def bad_header(self, inputs: Arrays) -> bool:
        """A header input out of normal form."""
        for name in self.headers:
            _, u, d = (int(v) for v in np.asarray(inputs[name]).reshape(-1)[:3])
            if not (0 <= u <= 2 and 0 <= d <= 2 and not (u > 0 and d > 0)):
                return True
        return False

    def is_empty(self, inputs: Arrays) -> bool:
        """A zero_dims input of no element (the C kernel checks its dimensions before anything but
        its config and pointers)."""
        names = {name for group in self.zero_dims for name, _ in group}
        return any(np.asarray(inputs[k]).size == 0 for k in names if k in inputs)

    def compute_rejection(self, spec: CaseSpec) -> dict[str, np.ndarray]:
        """{} for a rejection case, after checking its expect_status: the status of the exact
        oracle's refusal (oracle_status) or, where the oracle accepts, of the domain rule."""
        inputs = {k: np.asarray(v) for k, v in spec.inputs.items()}
        params = {k: v for k, v in spec.params.items() if k != EXPECT_STATUS}
        try:
            if NULL_ARG not in params and not refused(inputs) and not self.is_empty(inputs):  # no meaning to it
                self.oracle(inputs, params)
            status = self.domain_status(inputs, params)
        except Exception as exc:  # mapped to a status, or re-raised
            status = oracle_status(exc)
            if status is None:
                raise ValueError(f"case {spec.id}: the exact oracle raised {type(exc).__name__}: {exc}") from exc
        if status is None or status != spec.params[EXPECT_STATUS]:
            raise ValueError(f"case {spec.id}: expects status {spec.params[EXPECT_STATUS]}, the rules give {status}")
        return {}

    def compute_exact(self, spec: CaseSpec) -> dict[str, np.ndarray]:
        """Outputs from the exact oracle, which must agree with JAX; {} for a rejection case
        (whose status the oracle must still give)."""
        inputs = {k: np.asarray(v) for k, v in spec.inputs.items()}
        params = {k: v for k, v in spec.params.items() if k != EXPECT_STATUS}
        try:
            exact = self.oracle(inputs, params)
        except Exception as exc:  # mapped to a status, or re-raised
            status = oracle_status(exc)
            if status is None or spec.params.get(EXPECT_STATUS) != status:
                raise ValueError(f"case {spec.id}: the exact oracle raised {type(exc).__name__}: {exc}") from exc
            return {}
        if EXPECT_STATUS in spec.params:
            raise ValueError(f"case {spec.id}: expects status {spec.params[EXPECT_STATUS]} but the oracle accepts it")
        fast = self.compute_jax(CaseSpec(spec.id, spec.comment, spec.flags, spec.inputs, params))
        for name, arr in exact.items():
            if not np.array_equal(arr, fast[name]):
                raise ValueError(f"case {spec.id}: output {name!r}: the exact oracle and JAX differ")
        return exact

    def compute_jax(self, spec: CaseSpec) -> dict[str, np.ndarray]:
        static = tuple(sorted((k, v) for k, v in spec.params.items() if k not in self.traced_params))
        traced = {k: np.int32(v) for k, v in spec.params.items() if k in self.traced_params}
        inputs = {k: np.asarray(v) for k, v in spec.inputs.items()}
        n = None
        if self.rows:
            n = inputs[self.rows[0]].shape[0]
            padded = pad_rows({k: inputs[k] for k in self.rows}, padded_size(n))
            inputs = {k: padded.get(k, v) for k, v in inputs.items()}
        raw = _jit_kernel(self.fn, case_config(inputs, self.cfg), static)(inputs, traced)
        out = {}
        for name, dtype in self.outputs.items():
            arr = to_golden(raw[name], dtype, name)
            out[name] = arr[:n] if n is not None else arr
        return out

    def oracle(self, inputs: Arrays, params: Mapping[str, int]) -> dict[str, np.ndarray]:
        if self.is_empty(inputs):
            raise ZeroDimension(f"{self.kernel}: a dimension is zero")
        if self.bad_header(inputs):
            raise HeaderNotNormal(f"{self.kernel}: a header is not in normal form")
        return self.oracle_with(case_config(inputs, self.cfg), inputs, params)

    def oracle_with(self, cfg: NumericsConfig, inputs: Arrays, params: Mapping[str, int]) -> dict[str, np.ndarray]:
        """The exact oracle under another config (the suite's own: ``oracle``)."""
        raw = self.fn(py_ops(), cfg, {k: np.asarray(v) for k, v in inputs.items()}, params)
        return {name: to_golden(raw[name], dtype, name) for name, dtype in self.outputs.items()}

    def all_cases(self, level: str) -> list[CaseSpec]:
        """The suite's cases, its rejection cases for -128 payloads and NULL pointers, then the
        cases made from proof counterexamples (proof_cases.py)."""
        from .proof_cases import suite_specs

        specs = list(self.cases(level))
        specs += payload_rejections(self, specs)
        specs += null_rejections(self, specs)
        specs += empty_rejections(self, specs)
        specs += header_rejections(self, specs)
        return specs + suite_specs(self, len(specs))

    def suite_def(self) -> SuiteDef:
        return SuiteDef(
            name=self.name,
            kernel=self.kernel,
            description=self.description,
            cases=self.all_cases,
            compute=self.compute,
            config=self.cfg,
            spec_version=SPEC_VERSION,
            seed=self.seed,
            generator_info={"expected": "JaxOps (jax.jit)", **self.generator_info},
        )


# Compilation dominates generation (each case then runs in microseconds), so XLA is asked
# for its cheapest CPU compile: no backend optimisation, no fusion emitters, one codegen
# split (together about 2-3x faster to compile a training step). Integer results do not depend
# on these options, and the PyOps oracle re-checks every stored value anyway. Options this
# jaxlib does not know are dropped (plain jax.jit).
JIT_OPTIONS = {
    "xla_backend_optimization_level": 0,
    "xla_llvm_disable_expensive_passes": True,
    "xla_cpu_use_fusion_emitters": False,
    "xla_cpu_parallel_codegen_split_count": 1,
}


@cache
def jit_options() -> dict[str, Any]:
    import jax

    supported = {}
    for key, value in JIT_OPTIONS.items():
        try:
            jax.jit(lambda v: v + 1, compiler_options={key: value}).lower(np.int32(0)).compile()
        except Exception:  # an option this XLA does not have: compile without it
            continue
        supported[key] = value
    return supported


def jit(fn: Callable[..., Any]) -> Any:
    import jax

    return jax.jit(fn, compiler_options=jit_options() or None)


@cache
def _jit_kernel(
    fn: KernelFn, cfg: NumericsConfig, static: tuple[tuple[str, int], ...]
) -> Callable[[Arrays, Arrays], Any]:
    o = jax_ops()
    return jit(lambda inputs, traced: fn(o, cfg, inputs, {**dict(static), **traced}))


@dataclass(frozen=True)
class Entry:
    """What the registry keeps per suite: the definition, its exact-integer oracle and, for a
    KernelSuite, the suite itself (proof cases need its kernel function and config)."""

    defn: SuiteDef
    oracle: OracleFn
    kernel_suite: KernelSuite | None = None


def entry(k: KernelSuite) -> Entry:
    return Entry(k.suite_def(), k.oracle, k)


def payload_rejections(k: KernelSuite, specs: Sequence[CaseSpec]) -> list[CaseSpec]:
    """For each payload input: the suite's first ordinary case with -128 at the payload's
    first, middle and last element (a scan that stops early or starts late misses one)."""
    base = next((s for s in specs if EXPECT_STATUS not in s.params), None)
    if base is None:
        return []
    out: list[CaseSpec] = []
    for name in k.payloads:
        n = int(np.asarray(base.inputs[name]).size)
        for where, at in (("first", 0), ("middle", n // 2), ("last", n - 1)):
            q = np.array(base.inputs[name], dtype=np.int8)
            q.flat[at] = -128
            out.append(CaseSpec(
                f"{k.name}/reject-128-{len(specs) + len(out):04d}",
                f"{base.id} with -128 at the {where} element of {name} (index {at}): payloads are in [-127, 127]",
                [REJECTION_FLAG, "payload-128"],
                {**base.inputs, name: q},
                {**base.params, EXPECT_STATUS: STATUS_CODES["TT_ERR_RANGE"]},
            ))
    return out


def null_rejections(k: KernelSuite, specs: Sequence[CaseSpec]) -> list[CaseSpec]:
    """The suite's first ordinary case once per pointer argument, that argument NULL."""
    base = next((s for s in specs if EXPECT_STATUS not in s.params), None)
    if base is None:
        return []
    return [CaseSpec(f"{k.name}/reject-null-{len(specs) + i:04d}",
                     f"{base.id} with pointer argument {i + 1} of {k.kernel} NULL",
                     [REJECTION_FLAG, "null-argument"], dict(base.inputs),
                     {**base.params, NULL_ARG: i + 1, EXPECT_STATUS: STATUS_CODES["TT_ERR_NULL"]})
            for i in range(k.null_args)]


def empty_rejections(k: KernelSuite, specs: Sequence[CaseSpec]) -> list[CaseSpec]:
    """The suite's first ordinary case once per zero_dims group, those dimensions cut to 0."""
    base = next((s for s in specs if EXPECT_STATUS not in s.params), None)
    if base is None:
        return []
    out: list[CaseSpec] = []
    for group in k.zero_dims:
        cut: dict[str, np.ndarray] = {}
        for name, axis in group:
            a = np.asarray(cut.get(name, base.inputs[name]))
            cut[name] = np.take(a, np.arange(0), axis=axis)
        what = ", ".join(f"dimension {axis} of {name}" for name, axis in group)
        out.append(CaseSpec(f"{k.name}/reject-empty-{len(specs) + len(out):04d}",
                            f"{base.id} with {what} zero: {k.kernel} refuses a zero dimension",
                            [REJECTION_FLAG, "empty"], {**base.inputs, **cut},
                            {**base.params, EXPECT_STATUS: STATUS_CODES["TT_ERR_SHAPE"]}))
    return out


# (U, D) just outside normal form: each bound of tt_header_ok once
BAD_FINE_PARTS = ((3, 0), (0, 3), (-1, 0), (0, -1), (1, 1))


def header_rejections(k: KernelSuite, specs: Sequence[CaseSpec]) -> list[CaseSpec]:
    """The suite's first ordinary case with each ``headers`` input out of normal form."""
    base = next((s for s in specs if EXPECT_STATUS not in s.params), None)
    if base is None:
        return []
    out: list[CaseSpec] = []
    for name in k.headers:
        s_ = int(np.asarray(base.inputs[name]).reshape(-1)[0])
        for u, d in BAD_FINE_PARTS:
            out.append(CaseSpec(f"{k.name}/reject-header-{len(specs) + len(out):04d}",
                                f"{base.id} with {name} = ({s_}, {u}, {d}), not in normal form",
                                [REJECTION_FLAG, "header-form"], {**base.inputs, name: hdr(s_, u, d)},
                                {**base.params, EXPECT_STATUS: STATUS_CODES["TT_ERR_RANGE"]}))
    return out


def n_random(level: str, ci: int, thorough: int) -> int:
    return ci if level == "ci" else thorough
