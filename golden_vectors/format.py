"""The golden file format: public surface of the data model, writer, loader and comparison.

One JSON file per suite and level (``<suite>.<level>.json``)::

    {
      "format": "tintin-golden", "format_version": 1,
      "suite": ..., "kernel": ..., "description": ..., "level": "ci" | "thorough",
      "spec_version": ..., "config": {...}, "generator": {...},
      "cases": [
        {"id": ..., "comment": ..., "flags": [...], "params": {...},      # params optional
         "inputs": {name: tensor, ...}, "outputs": {name: tensor, ...}}
      ]
    }

A tensor is ``{"dtype": "int8"|"int16"|"int32"|"uint8"|"uint32", "shape": [...],
"data": base64 of the little-endian row-major bytes}``; a scalar has shape ``[]``.
The JSON Schema is schema/golden.schema.json. Loading needs only the standard library.
"""

from __future__ import annotations

from .compare import Mismatch, compare_case, compare_outputs, step_of
from .loader import SCHEMA_PATH, check_schema, load_suite, loads_suite, schema_available
from .model import (
    DTYPES,
    FORMAT_NAME,
    FORMAT_VERSION,
    LEVELS,
    Case,
    DType,
    GoldenFormatError,
    Suite,
    Tensor,
    normalize_json,
)
from .writer import dumps_suite, write_suite

__all__ = [
    "DTYPES",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "LEVELS",
    "SCHEMA_PATH",
    "Case",
    "DType",
    "GoldenFormatError",
    "Mismatch",
    "Suite",
    "Tensor",
    "check_schema",
    "compare_case",
    "compare_outputs",
    "dumps_suite",
    "load_suite",
    "loads_suite",
    "normalize_json",
    "schema_available",
    "step_of",
    "write_suite",
]
