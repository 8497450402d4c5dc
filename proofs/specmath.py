"""Exact integer mathematics for premises and postconditions, in two interpretations.

A theorem states its premises and claims once, against a ``Math`` object, like the rules
are written once against an ops object:

* ``ZMath(width)`` - z3 bit-vectors of a width chosen wide enough for the statement.
  Its own arithmetic must not wrap either, so every operation records a side condition
  in ``self.obligations``; the prover adds them to the claim (a too-narrow spec width then
  shows up as a failed proof, never as a wrong one).
* ``PyMath`` - plain Python integers and booleans, used to replay counterexamples and to
  check random inputs.

Values coming out of the rules (ops domain) enter through ``lift`` (signed accumulator
values) or ``ulift`` (uint32 values).
"""

from __future__ import annotations

from typing import Any

import z3


class PyMath:
    """Unbounded Python integers."""

    name = "python"

    def lift(self, x: Any) -> int:
        if isinstance(x, bool):
            raise TypeError("lift: a boolean is not an integer")
        return int(x)

    def ulift(self, x: Any) -> int:
        return int(x) & 0xFFFFFFFF

    def c(self, v: int) -> int:
        return int(v)

    def add(self, x: Any, y: Any) -> int:
        return int(x) + int(y)

    def sub(self, x: Any, y: Any) -> int:
        return int(x) - int(y)

    def mul(self, x: Any, y: Any) -> int:
        return int(x) * int(y)

    def neg(self, x: Any) -> int:
        return -int(x)

    def abs(self, x: Any) -> int:
        return abs(int(x))

    def shl(self, x: Any, s: Any) -> int:
        """x * 2**s for s >= 0."""
        if int(s) < 0:
            raise ValueError("shl by a negative amount")
        return int(x) << int(s)

    def pow2(self, s: Any) -> int:
        if int(s) < 0:
            raise ValueError("pow2 of a negative exponent")
        return 1 << int(s)

    def lt(self, x: Any, y: Any) -> bool:
        return int(x) < int(y)

    def le(self, x: Any, y: Any) -> bool:
        return int(x) <= int(y)

    def eq(self, x: Any, y: Any) -> bool:
        return int(x) == int(y)

    def ite(self, c: Any, x: Any, y: Any) -> Any:
        return x if bool(c) else y

    def and_(self, *cs: Any) -> bool:
        return all(bool(c) for c in cs)

    def or_(self, *cs: Any) -> bool:
        return any(bool(c) for c in cs)

    def not_(self, c: Any) -> bool:
        return not bool(c)

    def implies(self, a: Any, b: Any) -> bool:
        return (not bool(a)) or bool(b)

    def truth(self, c: Any) -> bool:
        return bool(c)

    # shared conveniences ------------------------------------------------------------------
    def gt(self, x: Any, y: Any) -> Any:
        return self.lt(y, x)

    def ge(self, x: Any, y: Any) -> Any:
        return self.le(y, x)

    def ne(self, x: Any, y: Any) -> Any:
        return self.not_(self.eq(x, y))

    def within(self, x: Any, lo: Any, hi: Any) -> Any:
        return self.and_(self.le(lo, x), self.le(x, hi))


class ZMath(PyMath):
    """Signed ``width``-bit vectors with no-wrap obligations on the spec's own arithmetic."""

    name = "z3"

    def __init__(self, width: int) -> None:
        self.width = width
        self.obligations: list[z3.BoolRef] = []

    def _w(self, x: Any) -> z3.BitVecRef:
        if isinstance(x, z3.BitVecRef):
            if x.size() != self.width:
                raise TypeError(f"spec value of {x.size()} bits in a {self.width}-bit spec; lift it")
            return x
        if isinstance(x, (bool, z3.BoolRef)):
            raise TypeError("a condition used where an integer is expected")
        v = int(x)
        if not -(1 << (self.width - 1)) <= v < (1 << (self.width - 1)):
            raise ValueError(f"constant {v} does not fit the {self.width}-bit spec width")
        return z3.BitVecVal(v, self.width)

    def _b(self, c: Any) -> z3.BoolRef:
        return c if isinstance(c, z3.BoolRef) else z3.BoolVal(bool(c))

    def lift(self, x: Any) -> z3.BitVecRef:
        if isinstance(x, z3.BitVecRef):
            if x.size() > self.width:
                raise TypeError(f"cannot lift {x.size()} bits into a {self.width}-bit spec")
            return z3.SignExt(self.width - x.size(), x)
        return self._w(x)

    def ulift(self, x: Any) -> z3.BitVecRef:
        if isinstance(x, z3.BitVecRef):
            return z3.ZeroExt(self.width - x.size(), x)
        return self._w(int(x) & 0xFFFFFFFF)

    def c(self, v: int) -> z3.BitVecRef:
        return self._w(v)

    def add(self, x: Any, y: Any) -> z3.BitVecRef:
        x, y = self._w(x), self._w(y)
        self.obligations += [z3.BVAddNoOverflow(x, y, True), z3.BVAddNoUnderflow(x, y)]
        return x + y

    def sub(self, x: Any, y: Any) -> z3.BitVecRef:
        x, y = self._w(x), self._w(y)
        self.obligations += [z3.BVSubNoOverflow(x, y), z3.BVSubNoUnderflow(x, y, True)]
        return x - y

    def mul(self, x: Any, y: Any) -> z3.BitVecRef:
        x, y = self._w(x), self._w(y)
        self.obligations += [z3.BVMulNoOverflow(x, y, True), z3.BVMulNoUnderflow(x, y)]
        return x * y

    def neg(self, x: Any) -> z3.BitVecRef:
        x = self._w(x)
        self.obligations.append(z3.BVSNegNoOverflow(x))
        return -x

    def abs(self, x: Any) -> z3.BitVecRef:
        x = self._w(x)
        self.obligations.append(z3.BVSNegNoOverflow(x))
        return z3.If(x < 0, -x, x)

    def shl(self, x: Any, s: Any) -> z3.BitVecRef:
        """x * 2**s; cheaper than a multiply by pow2(s) (a shifter, not a multiplier)."""
        x, s = self._w(x), self._w(s)
        y = x << s
        self.obligations += [z3.And(s >= 0, s <= self.width - 2), (y >> s) == x]
        return y

    def pow2(self, s: Any) -> z3.BitVecRef:
        s = self._w(s)
        self.obligations.append(z3.And(s >= 0, s <= self.width - 2))
        return z3.BitVecVal(1, self.width) << s

    def lt(self, x: Any, y: Any) -> z3.BoolRef:
        return self._w(x) < self._w(y)

    def le(self, x: Any, y: Any) -> z3.BoolRef:
        return self._w(x) <= self._w(y)

    def eq(self, x: Any, y: Any) -> z3.BoolRef:
        return self._w(x) == self._w(y)

    def ite(self, c: Any, x: Any, y: Any) -> Any:
        if isinstance(x, (bool, z3.BoolRef)):
            return z3.If(self._b(c), self._b(x), self._b(y))
        return z3.If(self._b(c), self._w(x), self._w(y))

    def and_(self, *cs: Any) -> z3.BoolRef:
        return z3.And(*[self._b(c) for c in cs])

    def or_(self, *cs: Any) -> z3.BoolRef:
        return z3.Or(*[self._b(c) for c in cs])

    def not_(self, c: Any) -> z3.BoolRef:
        return z3.Not(self._b(c))

    def implies(self, a: Any, b: Any) -> z3.BoolRef:
        return z3.Implies(self._b(a), self._b(b))

    def truth(self, c: Any) -> z3.BoolRef:
        return self._b(c)
