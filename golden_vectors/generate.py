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
    jobs: int = 1,
) -> list[Path]:
    """Write ``<out_dir>/<suite>.<level>.json`` for each selected suite; return the paths.

    jobs > 1 builds the suites in that many worker processes. A suite's file depends only on
    its own definition (its seeded cases and the deterministic integer reference), so the
    bytes are those of a serial run; the paths come back in registry order either way.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    defs = select(registry, names)
    if jobs > 1 and len(defs) > 1:
        return _generate_in_processes(defs, level, out, jobs)
    written = []
    for defn in defs:
        written.append(write_suite(build_suite(defn, level, progress=progress), out))
    return written


def _generate_in_processes(defs: list[SuiteDef], level: str, out: Path, jobs: int) -> list[Path]:
    """One suite per task; workers look the suite up by name in the registry module, so only
    registered suites can go to them (a SuiteDef holds closures, which do not pickle)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .suites import SUITES

    foreign = [d.name for d in defs if SUITES.get(d.name) is not d]
    if foreign:
        raise GoldenFormatError(f"--jobs builds only registered suites; not registered: {', '.join(foreign)}")
    # spawn, not fork: a forked child of a process that already started JAX's threads can hang.
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(defs)), mp_context=ctx) as pool:
        futures = [pool.submit(_build_and_write, d.name, level, str(out)) for d in defs]
        return [Path(f.result()) for f in futures]


def _build_and_write(name: str, level: str, out: str) -> str:
    from .suites import SUITES

    return str(write_suite(build_suite(SUITES[name], level, progress=False), Path(out)))
