"""Emit golden suites as C99 headers for the kernel test harness (c_kernels/platform/tt_cases.h).

One header per suite, or per chunk when a suite's estimated flash size exceeds the byte
budget (small cores such as the Cortex-M0+ have little flash): ``golden_<suite>.h`` defining
``tt_suite_<suite>``, or ``golden_<suite>_part<K>.h`` (K from 0) defining
``tt_suite_<suite>_part<K>``. Params become 0-d int32 inputs named "param/<name>", after the
real inputs. A rejection case (param expect_status, no outputs) gets n_outputs 0 and a NULL
outputs table; the runners' tt_conf_status checks the kernel's status against the param.
``golden_index.json`` lists what was written, for the build driver.
Output is byte-deterministic: it depends only on the suite content and the budget.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loader import load_suite
from .model import DTYPES, STATUS_NAMES, Case, GoldenFormatError, Suite, Tensor
from .writer import write_bytes_atomic

DEFAULT_MAX_BYTES = 32 * 1024
INDEX_NAME = "golden_index.json"
INDEX_FORMAT = "tintin-golden-c-index"

C_TYPES = {
    "int8": ("int8_t", "TT_I8", 16),  # (C type, tt_dtype_t value, values per line)
    "int16": ("int16_t", "TT_I16", 12),
    "int32": ("int32_t", "TT_I32", 8),
    "uint8": ("uint8_t", "TT_U8", 16),
    "uint32": ("uint32_t", "TT_U32", 8),
}

# Flash estimate for a 32-bit target (ILP32, 4-byte pointers, natural alignment):
# tt_tensor_t = name 4 + dtype 4 + ndim 1 (+1 pad) + shape 8 (+2 pad) + count 4 + data 4,
# tt_case_t = id 4 + n_inputs 2 (+2) + inputs 4 + n_outputs 2 (+2) + outputs 4.
TENSOR_STRUCT_BYTES = 28
CASE_STRUCT_BYTES = 20
SUITE_STRUCT_BYTES = 12
# Keeps derived identifiers well inside C99's 63 significant characters.
MAX_PREFIX_LEN = 44


@dataclass(frozen=True)
class HeaderInfo:
    file: str
    suite: str
    symbol: str
    level: str
    part: int | None
    n_parts: int
    n_cases: int
    first_case: str
    last_case: str
    estimated_bytes: int
    source: str

    def to_json(self) -> dict[str, Any]:
        return dict(sorted(self.__dict__.items()))


@dataclass(frozen=True)
class EmitResult:
    headers: tuple[HeaderInfo, ...]
    index_path: Path


def _align4(n: int) -> int:
    return (n + 3) & ~3


def _c_inputs(case: Case) -> list[tuple[str, Tensor]]:
    params = [(f"param/{k}", Tensor("int32", (), (v,))) for k, v in sorted(case.params.items())]
    return list(case.inputs.items()) + params


def estimate_case_bytes(case: Case) -> int:
    """Flash bytes the case costs on a 32-bit target: data, descriptors and strings."""
    total = CASE_STRUCT_BYTES + _align4(len(case.id) + 1)
    for name, t in _c_inputs(case) + list(case.outputs.items()):
        total += TENSOR_STRUCT_BYTES + _align4(len(name) + 1) + _align4(t.nbytes)
    return total


def split_cases(suite: Suite, max_bytes: int | None) -> list[list[Case]]:
    """Consecutive chunks whose estimated size (with the suite overhead) fits ``max_bytes``."""
    overhead = SUITE_STRUCT_BYTES + _align4(len(suite.name) + 1)
    if max_bytes is None:
        return [list(suite.cases)]
    chunks: list[list[Case]] = [[]]
    used = overhead
    for case in suite.cases:
        size = estimate_case_bytes(case)
        if overhead + size > max_bytes:
            raise GoldenFormatError(
                f"case {case.id!r} needs about {overhead + size} bytes, more than the "
                f"max_bytes_per_header budget of {max_bytes}",
                source=suite.source or suite.file_name,
            )
        if chunks[-1] and used + size > max_bytes:
            chunks.append([])
            used = overhead
        chunks[-1].append(case)
        used += size
    return chunks


def c_identifier(text: str) -> str:
    """``text`` with every run of non-identifier characters turned into one underscore."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "x"


def c_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\?':  # '?' too: "??x" would be a trigraph under -std=c99
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.extend(f"\\{b:03o}" for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def c_comment(text: str) -> str:
    """Text safe inside /* */: printable ASCII, no comment delimiters, no trigraphs."""
    text = "".join(ch if " " <= ch <= "~" else "?" for ch in text)
    return text.replace("*/", "* /").replace("/*", "/ *").replace("??", "? ?")


def c_value(value: int, dtype: str) -> str:
    if dtype == "uint32":
        return f"{value}u"
    if value == DTYPES["int32"].min:
        return "(-2147483647 - 1)"  # the literal 2147483648 does not fit int: avoid it
    return str(value)


def _array_def(ident: str, tensor: Tensor) -> list[str]:
    ctype, _, per_line = C_TYPES[tensor.dtype]
    values = [c_value(v, tensor.dtype) for v in tensor.data]
    head = f"static const {ctype} {ident}[{tensor.count}] = {{"
    if len(values) <= per_line:
        return [f"{head} {', '.join(values)} }};"]
    lines = [head]
    for i in range(0, len(values), per_line):
        lines.append("    " + ", ".join(values[i : i + per_line]) + ",")
    lines.append("};")
    return lines


def _tensor_row(name: str, tensor: Tensor, data_ident: str | None) -> str:
    _, enum, _ = C_TYPES[tensor.dtype]
    shape = ", ".join(f"{d}u" for d in (*tensor.shape, *[0] * (4 - tensor.ndim)))
    data = data_ident if data_ident else "NULL"
    return (
        f"    {{ {c_string(name)}, {enum}, {tensor.ndim}u, {{ {shape} }}, "
        f"{tensor.count}u, {data} }},"
    )


def _case_block(suite: Suite, index: int, width: int, case: Case) -> tuple[list[str], str]:
    """C definitions of one case; returns the lines and the case-table row."""
    prefix = f"ttg_{suite.name}_{index:0{width}d}_{c_identifier(case.id)}"[:MAX_PREFIX_LEN]
    prefix = prefix.rstrip("_")
    status = case.expect_status
    expects = f" [rejection: expects {STATUS_NAMES[status]}]" if status is not None else ""
    lines = [f"/* case {index}: {c_comment(case.id)} -- {c_comment(case.comment)}{expects} */"]
    tables = {}
    for role, tensors in (("in", _c_inputs(case)), ("out", list(case.outputs.items()))):
        rows = []
        for k, (name, tensor) in enumerate(tensors):
            ident = f"{prefix}_{role}{k}" if tensor.count else None
            if ident:
                lines += _array_def(ident, tensor)
            rows.append(_tensor_row(name, tensor, ident))
        if rows:
            tables[role] = f"{prefix}_{role}puts"
            lines.append(f"static const tt_tensor_t {tables[role]}[{len(rows)}] = {{")
            lines += rows
            lines.append("};")
    n_in, n_out = len(_c_inputs(case)), len(case.outputs)
    if max(n_in, n_out) > 0xFFFF:  # tt_case_t counts are uint16_t
        raise GoldenFormatError(f"case {case.id!r} has more than 65535 input or output tensors")
    row = (
        f"    {{ {c_string(case.id)}, {n_in}u, {tables.get('in', 'NULL')}, "
        f"{n_out}u, {tables.get('out', 'NULL')} }},"
    )
    return lines + [""], row


def render_header(
    suite: Suite,
    cases: list[Case],
    first_index: int,
    part: int | None,
    n_parts: int,
    source: str,
    file_name: str,
    symbol: str,
) -> str:
    width = max(4, len(str(len(suite.cases) - 1)))
    guard = "TT_" + c_identifier(file_name).upper()
    last = first_index + len(cases) - 1
    if part is None:
        where = f"all {len(cases)} cases"
    else:
        where = (
            f"part {part} of 0..{n_parts - 1}, cases {first_index}..{last} of {len(suite.cases)}"
        )
    out = [
        "/* GENERATED FILE - DO NOT EDIT.",
        f" * Generated by tintin.golden.emit_c from {c_comment(source)}.",
        f" * suite {suite.name}, kernel {suite.kernel}, level {suite.level}, "
        f"spec version {c_comment(suite.spec_version)}: {where}.",
        " * Regenerate with `tintin golden emit-c`; change the suite, never this file.",
        " */",
        f"#ifndef {guard}",
        f"#define {guard}",
        "",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        '#include "tt_cases.h"',
        "",
    ]
    rows = []
    for offset, case in enumerate(cases):
        lines, row = _case_block(suite, first_index + offset, width, case)
        out += lines
        rows.append(row)
    table = "ttg_" + symbol.removeprefix("tt_suite_") + "_cases"
    out.append(f"static const tt_case_t {table}[{len(cases)}] = {{")
    out += rows
    out += [
        "};",
        "",
        f"static const tt_suite_t {symbol} = {{ {c_string(suite.name)}, {len(cases)}u, {table} }};",
        "",
        f"#endif /* {guard} */",
        "",
    ]
    return "\n".join(out)


def _load(item: Suite | str | os.PathLike[str]) -> tuple[Suite, str]:
    if isinstance(item, Suite):
        return item, os.path.basename(item.source) if item.source else item.file_name
    return load_suite(item), os.path.basename(os.fspath(item))


def _previous_headers(index_path: Path) -> set[str]:
    try:
        doc = json.loads(index_path.read_text(encoding="ascii"))
        return {h["file"] for h in doc["headers"] if isinstance(h.get("file"), str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()


def emit_c(
    suites: Suite | str | os.PathLike[str] | Iterable[Suite | str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    max_bytes_per_header: int | None = DEFAULT_MAX_BYTES,
) -> EmitResult:
    """Write C headers for ``suites`` (Suite objects or suite files) into ``out_dir``.

    max_bytes_per_header: flash budget per header (estimated for a 32-bit target); a suite
    over it is split into parts, None never splits. Headers listed by a previous index in
    ``out_dir`` that this run does not write are removed, so the folder holds one set.
    """
    if isinstance(suites, (Suite, str, os.PathLike)):
        suites = [suites]
    loaded = [_load(s) for s in suites]
    names = [s.name for s, _ in loaded]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise GoldenFormatError(f"suite(s) given more than once: {', '.join(dup)}")
    if max_bytes_per_header is not None and max_bytes_per_header <= 0:
        raise ValueError(f"max_bytes_per_header must be positive, got {max_bytes_per_header}")
    out = Path(out_dir)
    headers = []
    texts = {}
    for suite, source in sorted(loaded, key=lambda item: item[0].name):
        chunks = split_cases(suite, max_bytes_per_header)
        first = 0
        for k, chunk in enumerate(chunks):
            part = k if len(chunks) > 1 else None
            stem = f"golden_{suite.name}" + (f"_part{part}" if part is not None else "")
            symbol = f"tt_suite_{suite.name}" + (f"_part{part}" if part is not None else "")
            file_name = stem + ".h"
            texts[file_name] = render_header(
                suite, chunk, first, part, len(chunks), source, file_name, symbol
            )
            headers.append(
                HeaderInfo(
                    file=file_name,
                    suite=suite.name,
                    symbol=symbol,
                    level=suite.level,
                    part=part,
                    n_parts=len(chunks),
                    n_cases=len(chunk),
                    first_case=chunk[0].id,
                    last_case=chunk[-1].id,
                    source=source,
                    estimated_bytes=SUITE_STRUCT_BYTES
                    + _align4(len(suite.name) + 1)
                    + sum(estimate_case_bytes(c) for c in chunk),
                )
            )
            first += len(chunk)
    out.mkdir(parents=True, exist_ok=True)
    index_path = out / INDEX_NAME
    stale = _previous_headers(index_path) - set(texts)
    for file_name, text in texts.items():
        write_bytes_atomic(out / file_name, text.encode("ascii"))
    index = {
        "format": INDEX_FORMAT,
        "format_version": 1,
        "headers": [h.to_json() for h in headers],
    }
    write_bytes_atomic(index_path, (json.dumps(index, indent=2) + "\n").encode("ascii"))
    for file_name in sorted(stale):
        if re.fullmatch(r"golden_[a-z0-9_]+\.h", file_name):  # only ever our own headers
            (out / file_name).unlink(missing_ok=True)
    return EmitResult(tuple(headers), index_path)
