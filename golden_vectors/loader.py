"""Loader: golden JSON file -> Suite, standard library only.

Every way a file can be wrong ends in a GoldenFormatError naming the file, the place in it
and the problem. The loader's own checks are complete by themselves; the JSON Schema is a
second, independent statement of the format, applied when ``jsonschema`` is installed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
from pathlib import Path
from typing import Any

from .model import (
    FORMAT_NAME,
    FORMAT_VERSION,
    LEVELS,
    Case,
    GoldenFormatError,
    Suite,
    Tensor,
    _describe,
)
from .signature import check_signature

SCHEMA_PATH = Path(__file__).parent / "schema" / "golden.schema.json"

TOP_FIELDS = (
    "format",
    "format_version",
    "suite",
    "kernel",
    "description",
    "level",
    "spec_version",
    "config",
    "generator",
    "cases",
)
CASE_FIELDS = ("id", "comment", "flags", "inputs", "outputs")
CASE_OPTIONAL = ("params",)
TENSOR_FIELDS = ("dtype", "shape", "data")


class _Float:
    """Stands in for a JSON float while parsing, so the error can say where it was."""

    def __init__(self, text: str):
        self.text = text


class _DuplicateKey(Exception):
    pass


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys and drop data.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _parse_json(text: str, source: str) -> Any:
    if not text.strip():
        raise GoldenFormatError("file is empty", source=source)
    try:
        return json.loads(
            text,
            parse_float=_Float,
            parse_constant=_Float,
            object_pairs_hook=_object_without_duplicates,
        )
    except _DuplicateKey as exc:
        raise GoldenFormatError(
            f"duplicate key {exc.args[0]!r} in one JSON object", source=source
        ) from None
    except json.JSONDecodeError as exc:
        body = text.rstrip()
        # Every suite file ends with its closing brace; a file that stops short was cut off.
        cut = exc.pos >= len(body) or not body.endswith(("}", "]"))
        hint = "; the file ends early: truncated?" if cut else ""
        raise GoldenFormatError(
            f"not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno}){hint}",
            source=source,
        ) from None


def _find_float(value: Any, where: str) -> tuple[str, str] | None:
    if isinstance(value, _Float):
        return where, value.text
    if isinstance(value, dict):
        items: Any = ((f"{where}.{k}" if where else k, v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((f"{where}[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for sub_where, item in items:
        found = _find_float(item, sub_where)
        if found:
            return found
    return None


def _fields(obj: Any, required: tuple[str, ...], optional: tuple[str, ...], what: str) -> None:
    if not isinstance(obj, dict):
        raise GoldenFormatError(f"{what} must be a JSON object, got {_describe(obj)}")
    missing = [k for k in required if k not in obj]
    if missing:
        raise GoldenFormatError(f"missing field(s) in {what}: {', '.join(map(repr, missing))}")
    unknown = [k for k in obj if k not in required and k not in optional]
    if unknown:
        raise GoldenFormatError(f"unknown field(s) in {what}: {', '.join(map(repr, unknown))}")


def _expect(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise GoldenFormatError(f"{what} must be a {kind.__name__}, got {_describe(value)}")
    return value


def _decode_tensor(obj: Any) -> Tensor:
    _fields(obj, TENSOR_FIELDS, (), "tensor")
    dtype = _expect(obj["dtype"], str, "dtype")
    shape = _expect(obj["shape"], list, "shape")
    text = _expect(obj["data"], str, "data")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise GoldenFormatError(f"data is not valid base64: {exc}") from None
    if base64.b64encode(raw).decode("ascii") != text:
        # Decodable but not as the writer would have written it: edited or damaged.
        raise GoldenFormatError("data is not canonical base64 (stray padding bits)")
    return Tensor.from_bytes(dtype, shape, raw)


def _decode_tensors(obj: Any, what: str) -> dict[str, Tensor]:
    _expect(obj, dict, what)
    out = {}
    for name, tensor in obj.items():
        try:
            out[name] = _decode_tensor(tensor)
        except GoldenFormatError as exc:
            raise exc.with_context(where=f"{what}[{name!r}]") from None
    return out


def _decode_case(obj: Any) -> Case:
    _fields(obj, CASE_FIELDS, CASE_OPTIONAL, "case")
    params = _expect(obj.get("params", {}), dict, "params")
    return Case(
        id=obj["id"],
        comment=obj["comment"],
        flags=tuple(_expect(obj["flags"], list, "flags")),
        inputs=_decode_tensors(obj["inputs"], "inputs"),
        outputs=_decode_tensors(obj["outputs"], "outputs"),
        params=params,
    )


def _decode_suite(doc: Any, source: str | None) -> Suite:
    if not isinstance(doc, dict):
        raise GoldenFormatError(f"top level must be a JSON object, got {_describe(doc)}")
    if doc.get("format") != FORMAT_NAME:
        raise GoldenFormatError(
            f"not a tintin golden file: 'format' is {doc.get('format')!r}, expected {FORMAT_NAME!r}"
        )
    version = doc.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise GoldenFormatError(
            f"format_version {version!r} is not supported (this loader reads {FORMAT_VERSION})"
        )
    _fields(doc, TOP_FIELDS, (), "the top level")
    cases = []
    for i, case in enumerate(_expect(doc["cases"], list, "cases")):
        try:
            cases.append(_decode_case(case))
        except GoldenFormatError as exc:
            cid = case.get("id") if isinstance(case, dict) else None
            label = f"cases[{i}]" + (f" (id {cid!r})" if isinstance(cid, str) else "")
            raise exc.with_context(where=label) from None
    return Suite(
        name=doc["suite"],
        kernel=doc["kernel"],
        description=doc["description"],
        level=doc["level"],
        spec_version=doc["spec_version"],
        config=_expect(doc["config"], dict, "config"),
        generator=_expect(doc["generator"], dict, "generator"),
        cases=tuple(cases),
        source=source,
    )


@functools.lru_cache(maxsize=1)
def _schema_validator() -> Any:
    import jsonschema  # optional (dev extra); imported only when schema checks are wanted

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def schema_available() -> bool:
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return False
    return True


def check_schema(doc: Any, source: str | None = None) -> None:
    """Validate a parsed document against schema/golden.schema.json (needs jsonschema)."""
    import jsonschema.exceptions

    error = jsonschema.exceptions.best_match(_schema_validator().iter_errors(doc))
    if error is not None:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise GoldenFormatError(
            f"does not match the JSON schema: {error.message}",
            source=source,
            where=path.lstrip(".") or None,
        )


def _first_different_line(a: bytes, b: bytes) -> int:
    for n, (x, y) in enumerate(zip(a.split(b"\n"), b.split(b"\n"), strict=False), start=1):
        if x != y:
            return n
    return min(a.count(b"\n"), b.count(b"\n")) + 1


def loads_suite(
    raw: str | bytes,
    source: str = "<string>",
    *,
    schema: bool | None = None,
    require_canonical: bool = False,
    signature: bool = True,
) -> Suite:
    """Parse and check one suite file's content.

    schema: True = validate against the JSON Schema (jsonschema required), False = skip,
    None = validate when jsonschema is installed. require_canonical: also demand the exact
    bytes the writer produces (catches hand edits). signature: also demand that every case
    fits its suite's C runner (tensor names, dtypes, ranks, param ranges; signature.py).
    """
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GoldenFormatError(f"not UTF-8 text: {exc}", source=source) from None
    doc = _parse_json(text, source)
    found = _find_float(doc, "")
    if found:
        raise GoldenFormatError(
            f"float {found[1]} is not allowed; golden files hold integers only",
            source=source,
            where=found[0] or None,
        )
    try:
        suite = _decode_suite(doc, source)
    except GoldenFormatError as exc:
        raise exc.with_context(source=source) from None
    _check_file_name(suite, source)
    if signature:
        check_signature(suite)
    if schema or (schema is None and schema_available()):
        check_schema(doc, source)
    if require_canonical:
        from .writer import dumps_suite  # local: the writer is not needed to load

        canonical = dumps_suite(suite).encode("ascii")
        if canonical != data:
            line = _first_different_line(canonical, data)
            raise GoldenFormatError(
                f"not in canonical form (first difference at line {line}); goldens are never "
                "edited by hand: regenerate with `tintin golden generate`",
                source=source,
            )
    return suite


def _check_file_name(suite: Suite, source: str) -> None:
    # A file named "<suite>.<level>.json" must hold that suite and level; other names (say a
    # copy in a temp folder) are not checked.
    parts = os.path.basename(source).split(".")
    named = len(parts) == 3 and parts[2] == "json" and parts[1] in LEVELS
    if named and (parts[0], parts[1]) != (suite.name, suite.level):
        raise GoldenFormatError(
            f"file name says suite {parts[0]!r} level {parts[1]!r} but the content is "
            f"suite {suite.name!r} level {suite.level!r}",
            source=source,
        )


def load_suite(
    path: str | os.PathLike[str],
    *,
    schema: bool | None = None,
    require_canonical: bool = False,
    signature: bool = True,
) -> Suite:
    """Load one suite file; see loads_suite for the options."""
    source = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise GoldenFormatError(f"cannot read file: {exc.strerror or exc}", source=source) from None
    return loads_suite(raw, source, schema=schema, require_canonical=require_canonical, signature=signature)
