"""Compare actual kernel outputs with a case's expected tensors and locate the first mismatch.

"First" follows the file's tensor order, then row-major element order, so for multi-step
cases (tensor names "stepN/...") the earliest failing step is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from .model import DTYPES, STATUS_NAMES, Case, Tensor

STEP_RE = re.compile(r"step(\d+)/")

MismatchKind = Literal["missing", "dtype", "shape", "value", "status"]
TT_OK = 0


def step_of(name: str) -> int | None:
    """The N of a "stepN/" prefix, else None."""
    m = STEP_RE.match(name)
    return int(m.group(1)) if m else None


def unravel(flat_index: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Row-major multi-dimensional index of ``flat_index``."""
    index = []
    for dim in reversed(shape):
        flat_index, r = divmod(flat_index, dim)
        index.append(r)
    return tuple(reversed(index))


@dataclass(frozen=True)
class Mismatch:
    kind: MismatchKind
    tensor: str
    step: int | None = None
    flat_index: int | None = None
    index: tuple[int, ...] | None = None
    expected: int | None = None
    actual: int | None = None
    detail: str = ""
    case_id: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.case_id is not None:
            parts.append(f"case {self.case_id}")
        if self.step is not None:
            parts.append(f"step {self.step}")
        if self.kind == "value":
            where = f"[{', '.join(map(str, self.index or ()))}]" if self.index else " (scalar)"
            parts.append(
                f"output {self.tensor!r}{where} (flat {self.flat_index}): "
                f"expected {self.expected}, got {self.actual}"
            )
        elif self.kind == "missing":
            parts.append(f"output {self.tensor!r} is missing from the actual outputs")
        elif self.kind == "status":
            parts.append(
                f"status: expected {status_name(self.expected)}, got {status_name(self.actual)}"
                + (f" ({self.detail})" if self.detail else "")
            )
        else:
            parts.append(f"output {self.tensor!r}: {self.kind} mismatch: {self.detail}")
        return ": ".join(parts)


@dataclass(frozen=True)
class _Actual:
    dtype: str | None  # None: plain Python data, which carries no dtype
    shape: tuple[int, ...] | None  # None: a flat sequence, layout unknown
    values: list[Any]


def _nested_shape(value: Any) -> tuple[tuple[int, ...], list[Any]]:
    if not isinstance(value, (list, tuple)):
        return (), [value]
    parts = [_nested_shape(v) for v in value]
    shapes = {s for s, _ in parts}
    if len(shapes) > 1:
        raise ValueError(f"ragged nested list (sub-shapes {sorted(shapes)})")
    inner = shapes.pop() if shapes else ()
    return (len(value), *inner), [x for _, flat in parts for x in flat]


def _normalize(value: Any) -> _Actual:
    if isinstance(value, Tensor):
        return _Actual(value.dtype, value.shape, list(value.data))
    if hasattr(value, "dtype") and hasattr(value, "shape") and hasattr(value, "ravel"):
        # numpy or JAX array: duck-typed so numpy is not imported here.
        dtype = getattr(value.dtype, "name", str(value.dtype))
        return _Actual(dtype, tuple(int(d) for d in value.shape), value.ravel().tolist())
    if isinstance(value, (list, tuple)) and any(isinstance(v, (list, tuple)) for v in value):
        shape, flat = _nested_shape(value)
        return _Actual(None, shape, flat)
    if isinstance(value, int):
        return _Actual(None, (), [value])
    return _Actual(None, None, list(value))  # flat sequence, array.array, ...


def compare_tensor(name: str, expected: Tensor, actual_value: Any) -> Mismatch | None:
    step = step_of(name)
    try:
        act = _normalize(actual_value)
    except (TypeError, ValueError) as exc:
        return Mismatch("shape", name, step, detail=f"cannot read actual value: {exc}")
    if act.dtype is not None and act.dtype != expected.dtype:
        return Mismatch("dtype", name, step, detail=f"expected {expected.dtype}, got {act.dtype}")
    if act.shape is not None and act.shape != expected.shape:
        return Mismatch(
            "shape", name, step, detail=f"expected {list(expected.shape)}, got {list(act.shape)}"
        )
    if len(act.values) != expected.count:
        return Mismatch(
            "shape", name, step, detail=f"expected {expected.count} values, got {len(act.values)}"
        )
    if act.dtype is None:
        # Plain data has no dtype to compare: require ints in the dtype's range instead.
        dt = DTYPES[expected.dtype]
        for i, v in enumerate(act.values):
            if isinstance(v, bool) or not isinstance(v, int) or not dt.min <= v <= dt.max:
                return Mismatch(
                    "dtype",
                    name,
                    step,
                    flat_index=i,
                    index=unravel(i, expected.shape),
                    detail=f"value at flat index {i} is {v!r}, not an {expected.dtype}",
                )
    if tuple(act.values) == expected.data:
        return None
    for i, (e, a) in enumerate(zip(expected.data, act.values, strict=True)):
        if e != a:
            return Mismatch("value", name, step, i, unravel(i, expected.shape), e, a)
    raise AssertionError("unreachable: tuples differ but no element does")


def compare_outputs(
    expected: Mapping[str, Tensor], actual: Mapping[str, Any], *, case_id: str | None = None
) -> Mismatch | None:
    """First difference between expected tensors and actual outputs, or None if all match.

    ``actual`` maps names to Tensors, numpy/JAX arrays, nested lists or flat sequences
    (a flat sequence is compared element-wise whatever the expected shape). Extra names in
    ``actual`` are ignored: harnesses may return more than the golden records.
    """
    for name, exp in expected.items():
        found: Mismatch | None
        if name not in actual:
            found = Mismatch("missing", name, step_of(name))
        else:
            found = compare_tensor(name, exp, actual[name])
        if found is not None:
            if case_id is not None:
                found = replace(found, case_id=case_id)
            return found
    return None


def status_name(status: int | None) -> str:
    """The name of a tt_status_t value: TT_OK, TT_ERR_RANGE, ... ("status N" if unknown, "none" for None)."""
    if status is None:
        return "none"
    if status == TT_OK:
        return "TT_OK"
    return STATUS_NAMES.get(status, f"status {status}")


def compare_status(case: Case, status: int) -> Mismatch | None:
    """The status a kernel returned against the case's: expect_status for a rejection case,
    TT_OK for every other case."""
    want = TT_OK if case.expect_status is None else case.expect_status
    if status == want:
        return None
    return Mismatch("status", "", expected=want, actual=status, case_id=case.id)


def compare_case(case: Case, actual: Mapping[str, Any], *, status: int | None = None) -> Mismatch | None:
    """compare_outputs for one case, with the case id in the report.

    status: what the kernel returned, if known; it must be the case's (compare_status). A
    rejection case has no outputs and needs the status: without one it is a mismatch.
    """
    if status is not None:
        found = compare_status(case, status)
        if found is not None:
            return found
    elif case.is_rejection:
        return Mismatch(
            "status",
            "",
            expected=case.expect_status,
            actual=None,
            detail="a rejection case is checked by the status the kernel returns",
            case_id=case.id,
        )
    return compare_outputs(case.outputs, actual, case_id=case.id)


__all__ = [
    "Mismatch",
    "compare_case",
    "compare_outputs",
    "compare_status",
    "compare_tensor",
    "status_name",
    "step_of",
    "unravel",
]
