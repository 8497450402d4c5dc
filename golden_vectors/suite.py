"""How a suite is defined for generation: a SuiteDef makes CaseSpecs and computes outputs.

The registry of real suites is golden_vectors/suites/__init__.py (SUITES). A definition only
describes; golden_vectors/generate.py turns it into a Suite and a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class JsonConfig(Protocol):
    """The frozen numerics config: anything with ``to_json()`` giving ints, strings, bools,
    lists and dicts (no floats)."""

    def to_json(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class CaseSpec:
    """One case before its outputs are computed.

    inputs: name -> numpy integer array whose dtype is the golden dtype (int8, int16, int32,
    uint8, uint32; use np.int32(5) for a scalar). Their order is kept in the file.
    params: name -> int, plain scalar arguments of the kernel (int32 range).
    """

    id: str
    comment: str
    flags: Sequence[str]
    inputs: Mapping[str, Any]
    params: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.flags, str):
            raise TypeError(
                f"CaseSpec {self.id!r}: flags must be a list, not the string {self.flags!r}"
            )
        object.__setattr__(self, "flags", tuple(self.flags))


@dataclass(frozen=True)
class SuiteDef:
    """A golden suite: which kernel, which cases, and how to compute the expected outputs.

    cases(level) must be deterministic (seed any randomness from ``seed``); compute(case)
    returns name -> integer array, in the order the outputs should be compared.
    """

    name: str
    kernel: str
    description: str
    cases: Callable[[str], Sequence[CaseSpec]]
    compute: Callable[[CaseSpec], Mapping[str, Any]]
    config: JsonConfig | Mapping[str, Any]
    spec_version: str
    seed: int | None = None
    # Extra facts for the file's "generator" object (must not change between runs).
    generator_info: Mapping[str, Any] = field(default_factory=dict)

    def config_json(self) -> Mapping[str, Any]:
        if isinstance(self.config, Mapping):
            return self.config
        return self.config.to_json()
