"""Deterministic writer: the same Suite always gives the same bytes.

Layout rules (what makes the output byte-reproducible):
- fixed field order for the top level, cases and tensors (the order a reader wants:
  "format" first, "id" first, "dtype"/"shape" before the long "data");
- sorted keys for free-form objects whose order means nothing (config, generator, params);
- inputs/outputs keep the order given, because outputs are compared in that order;
- 2-space indentation, objects/lists of scalars on one line, ASCII only, "\\n" line ends,
  one trailing newline; integers only (the model refuses floats before we get here).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from .model import FORMAT_NAME, FORMAT_VERSION, Case, Suite, Tensor

INDENT = "  "


def _sorted_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_json(v) for v in value]
    return value


def tensor_to_json(tensor: Tensor) -> dict[str, Any]:
    return {
        "dtype": tensor.dtype,
        "shape": list(tensor.shape),
        "data": base64.b64encode(tensor.to_bytes()).decode("ascii"),
    }


def case_to_json(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {"id": case.id, "comment": case.comment, "flags": list(case.flags)}
    if case.params:
        out["params"] = {k: case.params[k] for k in sorted(case.params)}
    out["inputs"] = {name: tensor_to_json(t) for name, t in case.inputs.items()}
    out["outputs"] = {name: tensor_to_json(t) for name, t in case.outputs.items()}
    return out


def suite_to_json(suite: Suite) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "suite": suite.name,
        "kernel": suite.kernel,
        "description": suite.description,
        "level": suite.level,
        "spec_version": suite.spec_version,
        "config": _sorted_json(suite.config),
        "generator": _sorted_json(suite.generator),
        "cases": [case_to_json(c) for c in suite.cases],
    }


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _is_leaf(value: Any) -> bool:
    """Printed on one line: scalars, and containers holding scalars or lists of scalars."""
    if _is_scalar(value):
        return True
    items = value.values() if isinstance(value, dict) else value
    return all(
        _is_scalar(v) or (isinstance(v, list) and all(_is_scalar(x) for x in v)) for v in items
    )


def _render(value: Any, depth: int) -> str:
    if _is_leaf(value):
        return json.dumps(value, ensure_ascii=True, separators=(", ", ": "), allow_nan=False)
    pad, inner = INDENT * depth, INDENT * (depth + 1)
    if isinstance(value, dict):
        body = ",\n".join(
            f"{inner}{json.dumps(k, ensure_ascii=True)}: {_render(v, depth + 1)}"
            for k, v in value.items()
        )
        return "{\n" + body + "\n" + pad + "}"
    body = ",\n".join(inner + _render(v, depth + 1) for v in value)
    return "[\n" + body + "\n" + pad + "]"


def dumps_suite(suite: Suite) -> str:
    """The canonical text of a suite file (ends with one newline)."""
    return _render(suite_to_json(suite), 0) + "\n"


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; return True if written.

    Unchanged files keep their mtime, so builds driven by make do not redo work. The write
    goes through a temporary file and a rename, so a crash never leaves a half file behind.
    """
    target = Path(path)
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    from tintin import atomic

    atomic.write_bytes(target, data)
    return True


def write_suite(suite: Suite, path: str | os.PathLike[str]) -> Path:
    """Write ``suite`` to ``path`` (a file, or a folder receiving ``<suite>.<level>.json``)."""
    target = Path(path)
    if target.is_dir():
        target = target / suite.file_name
    write_bytes_atomic(target, dumps_suite(suite).encode("ascii"))
    return target
