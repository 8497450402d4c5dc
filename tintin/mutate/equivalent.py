"""The committed list of equivalent mutants: same behaviour on every input, so no golden can
kill them and they leave the score's denominator.

The file is a small TOML subset, one mutant per line under an [equivalent] table:

    [equivalent]
    "tt_rules.h@0123456789" = "x > 0 and x >= 1 agree on the ints this loop sees"

Ids are the stable ids of population.py (named by the line's text, not its number). Every
entry needs a reason; a malformed line stops the run.
"""

from __future__ import annotations

import re
from pathlib import Path

from tintin.kernels.driver.build import PACKAGE_DIR

DEFAULT_FILE = PACKAGE_DIR / "mutants-equivalent.toml"
_ENTRY_RE = re.compile(r'^"([^"\\]+)"\s*=\s*"((?:[^"\\]|\\.)+)"\s*(#.*)?$')


class EquivalentsError(ValueError):
    """The equivalents file cannot be read: one line that says where."""


def load_equivalents(path: Path) -> dict[str, str]:
    """{mutant id: reason}; {} for a missing file."""
    if not path.is_file():
        return {}
    found: dict[str, str] = {}
    in_table = False
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == "[equivalent]":
            in_table = True
            continue
        m = _ENTRY_RE.match(line)
        if not in_table or m is None:
            raise EquivalentsError(f'{path}:{n}: expected "[equivalent]" then lines "<mutant id>" = "<reason>"')
        if m.group(1) in found:
            raise EquivalentsError(f"{path}:{n}: {m.group(1)} is listed twice")
        found[m.group(1)] = m.group(2).replace('\\"', '"')
    return found
