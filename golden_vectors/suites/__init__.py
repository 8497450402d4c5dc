"""Registry of golden suites: suite name -> SuiteDef.

Empty until the suites are defined against the JAX reference. `tintin golden generate`
writes one file per entry and level; `tintin golden check` regenerates and compares.
"""

from __future__ import annotations

from ..suite import SuiteDef

SUITES: dict[str, SuiteDef] = {}
