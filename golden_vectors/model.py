"""The golden-vector data model: Tensor, Case and Suite, and the rules each must obey.

The constructors are the single place where the contract is checked, so the writer (which
builds objects from generator output) and the loader (which builds them from JSON) enforce
exactly the same rules. Standard library only: numpy is imported lazily, and only by the
two numpy conversion helpers.
"""

from __future__ import annotations

import math
import operator
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FORMAT_NAME = "tintin-golden"
FORMAT_VERSION = 1
LEVELS = ("ci", "thorough")


@dataclass(frozen=True)
class DType:
    name: str
    struct_code: str  # used with "<" so sizes are the standard ones, not the host's
    size: int
    min: int
    max: int


DTYPES: dict[str, DType] = {
    d.name: d
    for d in (
        DType("int8", "b", 1, -(2**7), 2**7 - 1),
        DType("int16", "h", 2, -(2**15), 2**15 - 1),
        DType("int32", "i", 4, -(2**31), 2**31 - 1),
        DType("uint8", "B", 1, 0, 2**8 - 1),
        DType("uint32", "I", 4, 0, 2**32 - 1),
    )
}

# Limits of the C data model (c_kernels/platform/tt_cases.h): uint8_t ndim, uint16_t shape[4],
# uint32_t count. Enforced here so every valid file can also be emitted as C.
MAX_NDIM = 4
MAX_DIM = 2**16 - 1
MAX_COUNT = 2**32 - 1
# Params are emitted as 0-d int32 tensors, so they must fit int32.
PARAM_MIN, PARAM_MAX = DTYPES["int32"].min, DTYPES["int32"].max
# Suite names become part of C identifiers (C99 guarantees 63 significant characters).
MAX_SUITE_NAME = 32

# "_partK" endings are refused because the C emitter names suite chunks that way.
SUITE_NAME_RE = re.compile(r"(?!.*_part[0-9]+$)[a-z][a-z0-9_]*")
C_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
# Ids and tensor names are path-like ("rshift_round/tie-pos-0003", "step3/layer0/w"); the
# character set is safe in file names, C string literals and C comments.
CASE_ID_RE = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
TENSOR_NAME_RE = CASE_ID_RE
MAX_ID_LEN = 120
FLAG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_FLAG_LEN = 32
PARAM_NAME_RE = C_IDENT_RE
# The C emitter appends params to the inputs as "param/<name>"; reserve the prefix.
RESERVED_TENSOR_PREFIX = "param/"
# A rejection case: inputs outside the kernel's domain, no outputs, and this param holding the
# status the kernel must return (tt_status_t of c_kernels/include/tintin.h; never TT_OK).
EXPECT_STATUS = "expect_status"
# Param of a null-argument rejection case: the 1-based position, among the kernel's pointer
# arguments, of the one the runner passes as NULL (TT_CONF_ARG in c_kernels/conformance/tt_conf.h).
NULL_ARG = "null_arg"
STATUS_CODES: dict[str, int] = {
    "TT_ERR_NULL": 1,
    "TT_ERR_SHAPE": 2,
    "TT_ERR_RANGE": 3,
    "TT_ERR_CONFIG": 4,
    "TT_ERR_HEADER": 5,
}
STATUS_NAMES: dict[int, str] = {v: k for k, v in STATUS_CODES.items()}


class GoldenFormatError(ValueError):
    """A golden file or golden object breaks the format; says where and what.

    ``str(err)`` is ``"<source>: <where>: <problem>"`` with the parts that are known.
    """

    def __init__(self, problem: str, *, source: str | None = None, where: str | None = None):
        self.problem = problem
        self.source = source
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        return ": ".join(p for p in (self.source, self.where, self.problem) if p)

    def with_context(
        self, *, source: str | None = None, where: str | None = None
    ) -> GoldenFormatError:
        """Return a copy with a source set (if unset) and ``where`` prefixed."""
        if where and self.where:
            where = f"{where}.{self.where}"
        return GoldenFormatError(
            self.problem, source=self.source or source, where=where or self.where
        )


def _as_int(value: Any, what: str) -> int:
    # operator.index accepts Python and numpy integers and refuses floats; bools are ints in
    # Python but never a deliberate integer in a golden file.
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise GoldenFormatError(f"{what} must be an integer, got {_describe(value)}")
    return operator.index(value)


def _describe(value: Any) -> str:
    kind = type(value).__module__ + "." + type(value).__qualname__
    kind = kind.removeprefix("builtins.")
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{kind} {text}"


def normalize_json(value: Any, what: str = "value") -> Any:
    """Return ``value`` as plain JSON (dict/list/str/int/bool/None); floats are refused.

    Accepts tuples and numpy integers so generators need not convert by hand.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise GoldenFormatError(f"{what}: object key {key!r} is not a string")
            out[key] = normalize_json(item, f"{what}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [normalize_json(item, f"{what}[{i}]") for i, item in enumerate(value)]
    if hasattr(value, "__index__"):
        return operator.index(value)
    if isinstance(value, float) or "float" in type(value).__name__:
        raise GoldenFormatError(
            f"{what}: float {value!r} is not allowed; golden files hold integers only "
            "(store a scaled integer or a string)"
        )
    raise GoldenFormatError(
        f"{what}: {_describe(value)} is not allowed; use int, str, bool, None, list or dict"
    )


def _check_pattern(text: Any, pattern: re.Pattern[str], what: str, max_len: int) -> str:
    if not isinstance(text, str):
        raise GoldenFormatError(f"{what} must be a string, got {_describe(text)}")
    if not pattern.fullmatch(text) or len(text) > max_len:
        raise GoldenFormatError(
            f"{what} {text!r} is not valid (pattern {pattern.pattern}, at most {max_len} chars)"
        )
    return text


def check_shape(shape: Sequence[int]) -> tuple[int, ...]:
    """The shape as a tuple of ints, within the limits of the C data model."""
    dims = tuple(_as_int(d, "shape entry") for d in shape)
    if len(dims) > MAX_NDIM:
        raise GoldenFormatError(f"shape {list(dims)} has more than {MAX_NDIM} dimensions")
    for d in dims:
        if not 0 <= d <= MAX_DIM:
            raise GoldenFormatError(f"shape {list(dims)}: dimension {d} not in 0..{MAX_DIM}")
    count = math.prod(dims)
    if count > MAX_COUNT:
        raise GoldenFormatError(f"shape {list(dims)} has {count} elements, over {MAX_COUNT}")
    return dims


@dataclass(frozen=True)
class Tensor:
    """A dense integer tensor: dtype name, shape and the row-major (C order) flat values."""

    dtype: str
    shape: tuple[int, ...]
    data: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise GoldenFormatError(
                f"unknown dtype {self.dtype!r} (expected one of {', '.join(DTYPES)})"
            )
        shape = check_shape(self.shape)
        count = math.prod(shape)
        data = tuple(self.data)
        if len(data) != count:
            raise GoldenFormatError(
                f"{len(data)} values do not match shape {list(shape)} ({count} elements)"
            )
        # Exact type check (refuses bool, float and numpy scalars); set(map(type)) keeps the
        # common all-int case fast for large tensors.
        if set(map(type, data)) - {int}:
            i, v = next((i, v) for i, v in enumerate(data) if type(v) is not int)
            raise GoldenFormatError(f"value at flat index {i} is {_describe(v)}, not an int")
        dt = DTYPES[self.dtype]
        if data and (min(data) < dt.min or max(data) > dt.max):
            i, v = next((i, v) for i, v in enumerate(data) if not dt.min <= v <= dt.max)
            raise GoldenFormatError(
                f"value {v} at flat index {i} is out of range for {self.dtype} ({dt.min}..{dt.max})"
            )
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "data", data)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def count(self) -> int:
        return len(self.data)

    @property
    def nbytes(self) -> int:
        return self.count * DTYPES[self.dtype].size

    def to_bytes(self) -> bytes:
        """The little-endian encoding stored (as base64) in the file."""
        return struct.pack(f"<{self.count}{DTYPES[self.dtype].struct_code}", *self.data)

    @classmethod
    def from_bytes(cls, dtype: str, shape: Sequence[int], raw: bytes) -> Tensor:
        if dtype not in DTYPES:
            raise GoldenFormatError(
                f"unknown dtype {dtype!r} (expected one of {', '.join(DTYPES)})"
            )
        dt = DTYPES[dtype]
        shape = check_shape(shape)
        count = math.prod(shape)
        if len(raw) != count * dt.size:
            raise GoldenFormatError(
                f"data holds {len(raw)} bytes but shape {list(shape)} of {dtype} needs "
                f"{count * dt.size} bytes ({count} x {dt.size})"
            )
        return cls(dtype, shape, struct.unpack(f"<{count}{dt.struct_code}", raw))

    @classmethod
    def from_array(cls, array: Any) -> Tensor:
        """Build from a numpy (or JAX) integer array; its dtype must be a golden dtype.

        No implicit casts: a float or int64 array is an error, so a generator cannot lose
        bits silently.
        """
        import numpy as np  # lazy: loading goldens must not need numpy

        if not hasattr(array, "dtype"):
            raise GoldenFormatError(
                f"{_describe(array)} has no dtype; pass a numpy array such as np.int32(5)"
            )
        arr = np.asarray(array)
        if arr.dtype.name not in DTYPES or arr.dtype.kind not in "iu":
            raise GoldenFormatError(
                f"array dtype {arr.dtype.name} is not a golden dtype ({', '.join(DTYPES)}); "
                "cast it explicitly"
            )
        return cls(arr.dtype.name, tuple(arr.shape), tuple(arr.ravel().tolist()))

    def to_numpy(self) -> Any:
        """A numpy array with this dtype and shape (imports numpy lazily)."""
        import numpy as np

        return np.array(self.data, dtype=np.dtype(self.dtype)).reshape(self.shape)

    def to_list(self) -> Any:
        """Nested Python lists in row-major order (a plain int for a scalar)."""

        def build(offset: int, dims: tuple[int, ...]) -> Any:
            if not dims:
                return self.data[offset]
            step = math.prod(dims[1:])
            return [build(offset + i * step, dims[1:]) for i in range(dims[0])]

        return build(0, self.shape)


def _check_tensor_map(tensors: Mapping[str, Tensor], what: str) -> dict[str, Tensor]:
    out: dict[str, Tensor] = {}
    for name, tensor in tensors.items():
        _check_pattern(name, TENSOR_NAME_RE, f"{what} tensor name", MAX_ID_LEN)
        if name.startswith(RESERVED_TENSOR_PREFIX):
            raise GoldenFormatError(
                f"{what} tensor name {name!r}: prefix {RESERVED_TENSOR_PREFIX!r} is reserved "
                "for params in the C headers"
            )
        if not isinstance(tensor, Tensor):
            raise GoldenFormatError(f"{what}[{name!r}] is {_describe(tensor)}, not a Tensor")
        out[name] = tensor
    return out


@dataclass(frozen=True)
class Case:
    """One test case. ``inputs``/``outputs`` keep their given order: outputs are compared in
    that order, so a multi-step case reports its earliest failing step first.

    A rejection case has no outputs and the param ``expect_status`` (a TT_ERR_* code): the
    kernel must refuse its inputs with exactly that status."""

    id: str
    comment: str
    flags: tuple[str, ...]
    inputs: dict[str, Tensor]
    outputs: dict[str, Tensor]
    params: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_pattern(self.id, CASE_ID_RE, "case id", MAX_ID_LEN)
        if not isinstance(self.comment, str) or not self.comment.strip():
            raise GoldenFormatError("comment must be a non-empty string")
        if isinstance(self.flags, str) or not isinstance(self.flags, Sequence):
            raise GoldenFormatError(f"flags must be a list of strings, got {_describe(self.flags)}")
        flags = tuple(self.flags)
        if not flags:
            raise GoldenFormatError("flags must name at least one edge (e.g. 'random')")
        for f in flags:
            _check_pattern(f, FLAG_RE, "flag", MAX_FLAG_LEN)
        if len(set(flags)) != len(flags):
            raise GoldenFormatError(f"flags {list(flags)} repeat an entry")
        inputs = _check_tensor_map(self.inputs, "inputs")
        outputs = _check_tensor_map(self.outputs, "outputs")
        params: dict[str, int] = {}
        for name, value in self.params.items():
            _check_pattern(name, PARAM_NAME_RE, "param name", MAX_ID_LEN)
            v = _as_int(value, f"param {name!r}")
            if not PARAM_MIN <= v <= PARAM_MAX:
                raise GoldenFormatError(
                    f"param {name!r} = {v} is out of int32 range ({PARAM_MIN}..{PARAM_MAX})"
                )
            params[name] = v
        if EXPECT_STATUS in params:
            status = params[EXPECT_STATUS]
            if status not in STATUS_NAMES:
                known = ", ".join(f"{v} ({k})" for k, v in STATUS_CODES.items())
                raise GoldenFormatError(f"param {EXPECT_STATUS!r} = {status} is not an error status (one of {known})")
            if outputs:
                raise GoldenFormatError(
                    f"a rejection case (param {EXPECT_STATUS!r}) has no outputs; got {', '.join(outputs)}"
                )
        elif not outputs:
            raise GoldenFormatError(f"a case needs at least one output (or param {EXPECT_STATUS!r}: a rejection case)")
        object.__setattr__(self, "flags", flags)
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "outputs", outputs)
        object.__setattr__(self, "params", params)

    @property
    def expect_status(self) -> int | None:
        """The TT_ERR_* code a rejection case expects, None for a case with outputs."""
        return self.params.get(EXPECT_STATUS)

    @property
    def is_rejection(self) -> bool:
        return EXPECT_STATUS in self.params


@dataclass(frozen=True)
class Suite:
    """One suite file: metadata plus the ordered cases."""

    name: str
    kernel: str
    description: str
    level: str
    spec_version: str
    config: dict[str, Any]
    generator: dict[str, Any]
    cases: tuple[Case, ...]
    # Where it was loaded from (for messages); not part of the file or of equality.
    source: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _check_pattern(self.name, SUITE_NAME_RE, "suite name", MAX_SUITE_NAME)
        _check_pattern(self.kernel, C_IDENT_RE, "kernel", MAX_ID_LEN)
        if not isinstance(self.description, str) or not self.description.strip():
            raise GoldenFormatError("description must be a non-empty string")
        if self.level not in LEVELS:
            raise GoldenFormatError(f"level {self.level!r} is not one of {', '.join(LEVELS)}")
        if not isinstance(self.spec_version, str) or not self.spec_version:
            raise GoldenFormatError("spec_version must be a non-empty string")
        for what in ("config", "generator"):
            value = getattr(self, what)
            if not isinstance(value, Mapping):
                raise GoldenFormatError(f"{what} must be an object, got {_describe(value)}")
            object.__setattr__(self, what, normalize_json(value, what))
        cases = tuple(self.cases)
        if not cases:
            raise GoldenFormatError("a suite needs at least one case")
        seen: dict[str, int] = {}
        for i, case in enumerate(cases):
            if not isinstance(case, Case):
                raise GoldenFormatError(f"cases[{i}] is {_describe(case)}, not a Case")
            if case.id in seen:
                raise GoldenFormatError(
                    f"duplicate case id {case.id!r} (cases[{seen[case.id]}] and cases[{i}])"
                )
            seen[case.id] = i
        object.__setattr__(self, "cases", cases)

    def case(self, case_id: str) -> Case:
        for c in self.cases:
            if c.id == case_id:
                return c
        raise KeyError(case_id)

    @property
    def file_name(self) -> str:
        return f"{self.name}.{self.level}.json"
