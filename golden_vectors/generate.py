"""Generation: SuiteDef -> Suite (cases + computed outputs) -> canonical file."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .model import LEVELS, Case, GoldenFormatError, Suite, Tensor, normalize_json
from .suite import CaseSpec, SuiteDef
from .writer import write_suite

# "ci" files are committed beside the code; "thorough" ones are build products.
DATA_DIR = Path(__file__).parent / "data"
THOROUGH_DIR = Path("build") / "golden_vectors"


class UnknownSuiteError(LookupError):
    """A suite name that is not in the registry."""


def default_dir(level: str) -> Path:
    check_level(level)
    return DATA_DIR if level == "ci" else THOROUGH_DIR


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise GoldenFormatError(f"level {level!r} is not one of {', '.join(LEVELS)}")


def _tensors(arrays: Mapping[str, Any], what: str) -> dict[str, Tensor]:
    out = {}
    for name, array in arrays.items():
        try:
            out[name] = array if isinstance(array, Tensor) else Tensor.from_array(array)
        except GoldenFormatError as exc:
            raise exc.with_context(where=f"{what}[{name!r}]") from None
    return out


def build_case(spec: CaseSpec, outputs: Mapping[str, Any]) -> Case:
    try:
        return Case(
            id=spec.id,
            comment=spec.comment,
            flags=tuple(spec.flags),
            inputs=_tensors(spec.inputs, "inputs"),
            outputs=_tensors(outputs, "outputs"),
            params=dict(spec.params),
        )
    except GoldenFormatError as exc:
        raise exc.with_context(where=f"case {spec.id!r}") from None


def build_suite(defn: SuiteDef, level: str, *, progress: bool | None = None) -> Suite:
    """Build the cases of ``defn`` at ``level`` and compute their expected outputs.

    progress: True/False forces the tqdm bar on/off; None shows it only on a terminal.
    """
    from tqdm import tqdm  # only generation needs it

    from tintin.progress import wanted

    check_level(level)
    source = f"suite {defn.name!r} ({level})"
    specs = list(defn.cases(level))
    cases = []
    bar = tqdm(
        specs,
        desc=f"{defn.name} [{level}]",
        unit="case",
        leave=False,
        disable=not wanted(progress),
        file=sys.stderr,
    )
    with bar:
        for spec in bar:
            try:
                cases.append(build_case(spec, defn.compute(spec)))
            except GoldenFormatError as exc:
                raise exc.with_context(source=source) from None
    flag_counts = Counter(f for c in cases for f in c.flags)
    generator: dict[str, Any] = {
        "tool": "tintin.golden",
        "n_cases": len(cases),
        "flag_counts": dict(sorted(flag_counts.items())),
    }
    if defn.seed is not None:
        generator["seed"] = defn.seed
    generator.update(defn.generator_info)
    try:
        return Suite(
            name=defn.name,
            kernel=defn.kernel,
            description=defn.description,
            level=level,
            spec_version=defn.spec_version,
            config=normalize_json(defn.config_json(), "config"),
            generator=normalize_json(generator, "generator"),
            cases=tuple(cases),
        )
    except GoldenFormatError as exc:
        raise exc.with_context(source=source) from None


def select(registry: Mapping[str, SuiteDef], names: Iterable[str] | None) -> list[SuiteDef]:
    """The named suites (all when ``names`` is None), in registry order; unknown names fail."""
    for key, defn in registry.items():
        if key != defn.name:
            raise GoldenFormatError(
                f"registry key {key!r} differs from SuiteDef name {defn.name!r}"
            )
    if names is None:
        return list(registry.values())
    wanted = list(dict.fromkeys(names))
    unknown = [n for n in wanted if n not in registry]
    if unknown:
        known = ", ".join(registry) or "none registered"
        raise UnknownSuiteError(f"unknown suite(s) {', '.join(unknown)} (known: {known})")
    return [registry[n] for n in wanted]


def generate(
    registry: Mapping[str, SuiteDef],
    level: str,
    out_dir: str | Path,
    *,
    names: Iterable[str] | None = None,
    progress: bool | None = None,
) -> list[Path]:
    """Write ``<out_dir>/<suite>.<level>.json`` for each selected suite; return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for defn in select(registry, names):
        written.append(write_suite(build_suite(defn, level, progress=progress), out))
    return written
