"""Observe a rule's intermediate values without copying it: an ops proxy that records.

``Recorder(o, "where", "add")`` forwards every operation to ``o`` (Z3Ops or PyOps) and keeps
the results of the named methods in call order. A theorem can then state a loop
invariant over the values the rule really computed (e.g. the remainder and quotient of
every step of the restoring division). If the rule changes shape, the claims about the
recorded values fail loudly; they cannot pass by accident.
"""

from __future__ import annotations

import sys
from typing import Any


class Recorder:
    """``caller``: record only calls made directly by the function of that name."""

    def __init__(self, ops: Any, *methods: str, caller: str | None = None) -> None:
        self._ops = ops
        self._methods = set(methods)
        self._caller = caller
        self.calls: dict[str, list[Any]] = {m: [] for m in methods}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._ops, name)
        if name not in self._methods:
            return attr

        def recorded(*args: Any) -> Any:
            out = attr(*args)
            if self._caller is None or sys._getframe(1).f_code.co_name == self._caller:
                self.calls[name].append(out)
            return out

        return recorded
