"""Planning a conformance run: which targets and suites a request names, which suites the C
runners can take, and how each target's golden headers are sized and grouped into programs
that fit its flash. Nothing here builds or runs anything."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from tintin.golden.emit_c import HeaderInfo, emit_c
from tintin.golden.model import Suite
from tintin.golden.signature import runner_name
from tintin.reference.config import NITI, TINTIN, ConfigError, NumericsConfig

from .build import find_tool
from .renode import renode_missing
from .results import Results, SuiteResult, case_family
from .targets import KIB, Target, build_target, get_target

# Suites with a C runner tt_run_case_<suite> (c_kernels/conformance/tt_conf.h), in report order.
KNOWN_SUITES: tuple[str, ...] = (
    "rshift_round",
    "rshift_stochastic",
    "counter_hash",
    "fine_up",
    "fine_down",
    "normalize_header",
    "requantise",
    "window",
    "rescale_to_coarser",
    "relu_forward",
    "relu_backward",
    "dense_forward",
    "dense_backward_error",
    "dense_gradient",
    "update_tintin",
    "update_niti",
    "softmax_xent_error",
    "mse_error",
    "train_step_mlp_tintin",
    "train_step_mlp_niti",
    "train_step_autoencoder",
    "conv2d_forward",
    "conv2d_backward_error",
    "conv2d_gradient",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "train_step_cnn_tintin",
    "train_step_cnn_niti",
)
# Mirrors the fallback of tt_conf_preset_for() in conformance/tt_conf_presets.c (used only when a
# program has not registered the suites' own configs, e.g. by the host-library tests).
NITI_SUITES = frozenset({"update_niti", "train_step_mlp_niti", "train_step_cnn_niti"})

# Flash kept free for code (kernels, runners, harness, libc) when sizing golden data per
# program: the conformance code is ~14 KB on Thumb-1; the rest is margin for the emitter's
# estimate (alignment, string pooling).
CODE_RESERVE = 48 * KIB
# Golden headers are split into chunks of at most this size so one program compiles as
# several translation units in parallel.
HEADER_CHUNK = 64 * KIB


class ConformanceError(ValueError):
    """Bad request: an unknown target or suite, or no golden files where they should be."""


def preset_for(suite: str) -> NumericsConfig:
    """The preset of a built-in suite (the C fallback by name)."""
    return NITI if suite in NITI_SUITES else TINTIN


# ---- targets and suites ----------------------------------------------------------------------


def resolve_targets(names: Iterable[str] | str, user: Sequence[str] = ()) -> tuple[str, ...]:
    """'all', a comma list or names -> built-in target names in the canonical order, then the
    targets read from the user's files (`user`, always run). No names at all: 'all', unless
    user targets were given."""
    from .targets import ALL_TARGETS

    if isinstance(names, str):
        names = [names]
    wanted: list[str] = []
    for item in names:
        wanted += [n.strip() for n in item.split(",") if n.strip()]
    if "all" in wanted or (not wanted and not user):
        return (*ALL_TARGETS, *user)
    unknown = [n for n in wanted if n not in ALL_TARGETS and n not in user]
    if unknown:
        raise ConformanceError(f"unknown target(s) {', '.join(unknown)}; choose from all, {', '.join(ALL_TARGETS)}"
                               " (or add one with --target-file)")
    return (*(n for n in ALL_TARGETS if n in wanted), *user)


def report_columns(targets: tuple[str, ...]) -> tuple[str, ...]:
    """The report's target columns: one per target (a Renode twin is a target of its own)."""
    return targets


def check_tools(targets: Sequence[str]) -> None:
    """ToolMissing (naming the Debian package) before any work starts. A Renode target needs
    nothing here: without Renode it is skipped, with the reason."""
    for name in targets:
        t = get_target(name)
        if t.runner == "renode" and renode_missing():
            continue
        b = build_target(t)
        find_tool(b.cc)
        if not b.is_host:
            find_tool("arm-none-eabi-nm")
            find_tool("arm-none-eabi-size")
        if t.runner == "qemu":
            find_tool("qemu-system-arm")
        elif t.runner == "command" and shutil.which(t.command[0].replace("{elf}", "x")) is None:
            raise ConformanceError(f"target {t.name} ({t.source}): run.command: {t.command[0]!r} is not on PATH")


def find_suite_files(data_dir: Path, level: str) -> dict[str, Path]:
    """suite name -> <data_dir>/<suite>.<level>.json."""
    suffix = f".{level}.json"
    return {p.name[: -len(suffix)]: p for p in sorted(data_dir.glob(f"*{suffix}"))}


def select_suites(available: dict[str, Path], wanted: Sequence[str] | None, data_dir: Path, level: str) -> list[str]:
    if not available:
        raise ConformanceError(
            f"no golden files *.{level}.json in {data_dir}; generate them with "
            f"`tintin golden generate --level {level}`"
        )
    if not wanted:
        return [s for s in KNOWN_SUITES if s in available] + sorted(set(available) - set(KNOWN_SUITES))
    unknown = [s for s in wanted if s not in available]
    if unknown:
        raise ConformanceError(
            f"unknown suite(s) {', '.join(unknown)}: no {level} file in {data_dir}; "
            f"available: {', '.join(sorted(available))}"
        )
    return list(dict.fromkeys(wanted))




def suite_config(suite: Suite) -> NumericsConfig:
    """The config a suite's goldens were made with (the C runners get it as a tt_config_t)."""
    return NumericsConfig.from_json(dict(suite.config))


def suite_problem(suite: Suite) -> str:
    """Why a suite cannot run against the C runners, or ''."""
    from .presets import PresetError, config_fields

    runner = runner_name(suite)
    if runner not in KNOWN_SUITES:
        return f"no C runner for suite {suite.name!r} (runner {runner!r}; c_kernels/conformance/tt_conf.h)"
    try:
        config_fields(suite_config(suite))
    except (ConfigError, PresetError) as exc:
        return f"the golden config cannot be given to the C kernels: {exc}"
    return ""


def _empty_result(suite: Suite, target: str) -> SuiteResult:
    ids = tuple(c.id for c in suite.cases)
    families = {c.id: case_family(c.id, c.expect_status is not None) for c in suite.cases}
    return SuiteResult(suite.name, target, len(suite.cases), case_ids=ids, families=families)


def plan_results(suites: Sequence[Suite], columns: Sequence[str]) -> tuple[Results, list[Suite]]:
    """An empty result per suite x column, and the suites to run. A suite the C runners cannot
    take is marked error in every column now, so no program is built for it."""
    results = {(s.name, t): _empty_result(s, t) for s in suites for t in columns}
    runnable = []
    for suite in suites:
        problem = suite_problem(suite)
        if problem:
            for t in columns:
                r = results[(suite.name, t)]
                r.state, r.detail, r.first_failure = "error", problem, problem
        else:
            runnable.append(suite)
    return results, runnable


# ---- programs of one target --------------------------------------------------------------------


def golden_budget(target: Target) -> int | None:
    """Bytes of golden data one program may hold on this target (None: no limit)."""
    if target.flash is None:
        return None
    return target.flash.length - CODE_RESERVE


def group_headers(headers: Sequence[HeaderInfo], budget: int | None) -> list[list[HeaderInfo]]:
    """Consecutive headers packed into programs whose golden data fits the budget."""
    groups: list[list[HeaderInfo]] = [[]]
    used = 0
    for h in headers:
        if groups[-1] and budget is not None and used + h.estimated_bytes > budget:
            groups.append([])
            used = 0
        groups[-1].append(h)
        used += h.estimated_bytes
    return [g for g in groups if g]


def plan_programs(target: Target, suites: Sequence[Suite], golden_dir: Path) -> list[list[HeaderInfo]]:
    """Emit the suites as C headers into golden_dir and group them into this target's programs.
    Raises GoldenFormatError, e.g. when one case is larger than the board's budget."""
    budget = golden_budget(target)
    chunk = HEADER_CHUNK if budget is None else min(HEADER_CHUNK, budget)
    emitted = emit_c(suites, golden_dir, max_bytes_per_header=chunk)
    return group_headers(emitted.headers, budget)
