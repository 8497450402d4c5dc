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

A rejection case holds inputs outside the kernel's domain: its params include
``"expect_status"`` (a TT_ERR_* code of c_kernels/include/tintin.h, STATUS_CODES) and its
outputs are ``{}``; the kernel must return exactly that status. In C the param is the 0-d
int32 input "param/expect_status", like every param.
The JSON Schema is schema/golden.schema.json. Loading needs only the standard library.
"""

from __future__ import annotations

from .compare import Mismatch, compare_case, compare_outputs, compare_status, step_of
from .loader import SCHEMA_PATH, check_schema, load_suite, loads_suite, schema_available
from .model import (
    DTYPES,
    EXPECT_STATUS,
    FORMAT_NAME,
    FORMAT_VERSION,
    LEVELS,
    STATUS_CODES,
    STATUS_NAMES,
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
    "EXPECT_STATUS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "LEVELS",
    "SCHEMA_PATH",
    "STATUS_CODES",
    "STATUS_NAMES",
    "Case",
    "DType",
    "GoldenFormatError",
    "Mismatch",
    "Suite",
    "Tensor",
    "check_schema",
    "compare_case",
    "compare_outputs",
    "compare_status",
    "dumps_suite",
    "load_suite",
    "loads_suite",
    "normalize_json",
    "schema_available",
    "step_of",
    "write_suite",
]
