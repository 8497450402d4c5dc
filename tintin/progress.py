"""When to draw a progress bar: on a terminal, or when asked; never into a log.

``wanted(flag)``: flag False (``--no-progress``) never, True always, None when stderr is a
terminal or the environment asks with TINTIN_PROGRESS=1 (0 turns bars off everywhere).
"""

from __future__ import annotations

import os
import sys


def wanted(flag: bool | None = None) -> bool:
    if flag is not None:
        return flag
    env = os.environ.get("TINTIN_PROGRESS", "")
    if env in ("0", "1"):
        return env == "1"
    return sys.stderr.isatty()
