"""Z3 interpretation of the ops interface: bit-vectors plus overflow obligations.

``Z3Ops(acc_bits)`` runs the unchanged rules of tintin.reference.rules over z3 bit-vectors
of width ``acc_bits``. Every operation that is undefined or wraps in C records a side
condition in ``self.obligations``: signed add/sub/mul/neg overflow, a left shift whose value
does not survive the round trip, shift amounts outside [0, acc_bits - 1], clz of a negative
value, a table index outside the table, a constant that does not fit. A theorem claims the
conjunction of all obligations (plus its own postconditions).

``where(c, a, b)`` builds both branches before selecting (JAX semantics, and PyOps does the
same because Python evaluates arguments first), so obligations are unconditional: the rule
text must be safe on both branches even where the C code branches. That is deliberate.

Unsigned 32-bit helpers (the counter hash) use 32-bit vectors whatever acc_bits is; they
wrap by definition, and only their shift amounts and the final u32 -> int conversion carry
obligations. Z3's ``>>`` is arithmetic; ``ushr`` uses LShR.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from types import FrameType
from typing import Any

import z3

U32_BITS = 32


@dataclass(frozen=True)
class Obligation:
    """One side condition: what can go wrong, where the rule text asked for it, and when not."""

    kind: str  # e.g. "add overflow", "shl amount"
    site: str  # "rules.py:123 in rshift_round"
    cond: z3.BoolRef  # must hold

    @property
    def label(self) -> str:
        return f"{self.kind} ({self.site})"


_HERE = os.path.abspath(__file__)


def _call_site() -> str:
    """The first frame outside this module: the rule line that asked for the operation."""
    f: FrameType | None = sys._getframe(2)
    while f is not None and os.path.abspath(f.f_code.co_filename) == _HERE:
        f = f.f_back
    if f is None:
        return "?"
    return f"{os.path.basename(f.f_code.co_filename)}:{f.f_lineno} in {f.f_code.co_name}"


class Z3Ops:
    """Signed ``acc_bits``-wide bit-vectors; obligations instead of wrap-around."""

    name = "z3"

    def __init__(self, acc_bits: int = 32) -> None:
        if not 2 <= acc_bits <= 64:
            raise ValueError(f"acc_bits must be in [2, 64], got {acc_bits}")
        self.acc_bits = acc_bits
        self.lo = -(1 << (acc_bits - 1))
        self.hi = (1 << (acc_bits - 1)) - 1
        self.obligations: list[Obligation] = []

    # -- bookkeeping ------------------------------------------------------------------------
    def _oblige(self, kind: str, cond: Any) -> None:
        cond = z3.simplify(cond) if isinstance(cond, z3.BoolRef) else z3.BoolVal(bool(cond))
        self.obligations.append(Obligation(kind, _call_site(), cond))

    def _bv(self, x: Any) -> z3.BitVecRef:
        """An accumulator-width vector from a vector or a Python int (checked to fit)."""
        if isinstance(x, z3.BitVecRef):
            if x.size() != self.acc_bits:
                raise TypeError(f"expected a {self.acc_bits}-bit value, got {x.size()} bits: {x}")
            return x
        if isinstance(x, bool):
            raise TypeError("a boolean used where an integer is expected")
        v = int(x)
        if not self.lo <= v <= self.hi:
            self._oblige(f"constant {v} outside int{self.acc_bits}", False)
        return z3.BitVecVal(v, self.acc_bits)

    @staticmethod
    def _bool(c: Any) -> z3.BoolRef:
        if isinstance(c, z3.BoolRef):
            return c
        if isinstance(c, bool):
            return z3.BoolVal(c)
        raise TypeError(f"expected a condition, got {c!r}")

    def _amount(self, s: Any, kind: str) -> z3.BitVecRef:
        s = self._bv(s)
        self._oblige(kind, z3.And(s >= 0, s <= self.acc_bits - 1))
        return s

    # -- arithmetic -----------------------------------------------------------------------
    def const(self, v: int) -> z3.BitVecRef:
        return self._bv(v)

    def add(self, x: Any, y: Any) -> z3.BitVecRef:
        x, y = self._bv(x), self._bv(y)
        self._oblige("add overflow", z3.And(z3.BVAddNoOverflow(x, y, True), z3.BVAddNoUnderflow(x, y)))
        return x + y

    def sub(self, x: Any, y: Any) -> z3.BitVecRef:
        x, y = self._bv(x), self._bv(y)
        self._oblige("sub overflow", z3.And(z3.BVSubNoOverflow(x, y), z3.BVSubNoUnderflow(x, y, True)))
        return x - y

    def mul(self, x: Any, y: Any) -> z3.BitVecRef:
        x, y = self._bv(x), self._bv(y)
        self._oblige("mul overflow", z3.And(z3.BVMulNoOverflow(x, y, True), z3.BVMulNoUnderflow(x, y)))
        return x * y

    def neg(self, x: Any) -> z3.BitVecRef:
        x = self._bv(x)
        self._oblige("neg overflow", z3.BVSNegNoOverflow(x))
        return -x

    def shl(self, x: Any, s: Any) -> z3.BitVecRef:
        """x * 2**s: the amount must be a legal C shift and the value must survive the trip."""
        x, s = self._bv(x), self._amount(s, "shl amount")
        if z3.is_bv_value(s) and 0 <= s.as_signed_long() < self.acc_bits:
            # A constant amount as a multiply by 2**k (the same bits): Z3's simplifier then
            # sees that a sum of shifted copies equals one multiply (shift-add = multiply).
            k = s.as_signed_long()
            self._oblige("shl overflow", z3.And(x >= (self.lo >> k), x <= (self.hi >> k)))
            return x * z3.BitVecVal(1 << k, self.acc_bits)
        y = x << s
        self._oblige("shl overflow", (y >> s) == x)
        return y

    def shr(self, x: Any, s: Any) -> z3.BitVecRef:
        x, s = self._bv(x), self._amount(s, "shr amount")
        return x >> s  # arithmetic, as arm-none-eabi-gcc and JAX do for signed values

    def band(self, x: Any, y: Any) -> z3.BitVecRef:
        return self._bv(x) & self._bv(y)

    # -- comparisons and selection (signed) -------------------------------------------------
    def lt(self, x: Any, y: Any) -> z3.BoolRef:
        return self._bv(x) < self._bv(y)

    def le(self, x: Any, y: Any) -> z3.BoolRef:
        return self._bv(x) <= self._bv(y)

    def gt(self, x: Any, y: Any) -> z3.BoolRef:
        return self._bv(x) > self._bv(y)

    def ge(self, x: Any, y: Any) -> z3.BoolRef:
        return self._bv(x) >= self._bv(y)

    def eq(self, x: Any, y: Any) -> z3.BoolRef:
        return self._bv(x) == self._bv(y)

    def ne(self, x: Any, y: Any) -> z3.BoolRef:
        return self._bv(x) != self._bv(y)

    def where(self, c: Any, x: Any, y: Any) -> Any:
        c = self._bool(c)
        if isinstance(x, z3.BoolRef) or isinstance(y, z3.BoolRef):
            return z3.If(c, self._bool(x), self._bool(y))
        return z3.If(c, self._bv(x), self._bv(y))

    def logical_and(self, a: Any, b: Any) -> z3.BoolRef:
        return z3.And(self._bool(a), self._bool(b))

    def logical_or(self, a: Any, b: Any) -> z3.BoolRef:
        return z3.Or(self._bool(a), self._bool(b))

    def logical_not(self, a: Any) -> z3.BoolRef:
        return z3.Not(self._bool(a))

    def clz(self, x: Any) -> z3.BitVecRef:
        """Leading zeros of x >= 0: a priority chain, the highest set bit wins."""
        x = self._bv(x)
        self._oblige("clz of a negative value", x >= 0)
        n = self.acc_bits
        out: z3.BitVecRef = z3.BitVecVal(n, n)
        for i in range(n):  # later (higher) bits wrap the earlier ones, so they take priority
            out = z3.If(z3.Extract(i, i, x) == 1, z3.BitVecVal(n - 1 - i, n), out)
        return out

    def lookup(self, table: tuple[int, ...], index: Any) -> z3.BitVecRef:
        i = self._bv(index)
        self._oblige("table index", z3.And(i >= 0, i < len(table)))
        out = self._bv(table[0])
        for k in range(1, len(table)):
            out = z3.If(i == k, self._bv(table[k]), out)
        return out

    # -- unsigned 32-bit helpers (wrap by definition) ----------------------------------------
    def u32(self, x: Any) -> z3.BitVecRef:
        if isinstance(x, z3.BitVecRef):
            if x.size() == U32_BITS:
                return x  # already uint32 (or an int32 accumulator: same bits)
            if x.size() > U32_BITS:
                return z3.Extract(U32_BITS - 1, 0, x)  # C: conversion modulo 2**32
            return z3.SignExt(U32_BITS - x.size(), x)  # C: (uint32_t)(int16_t)x
        return z3.BitVecVal(int(x) & 0xFFFFFFFF, U32_BITS)

    def uadd(self, x: Any, y: Any) -> z3.BitVecRef:
        return self.u32(x) + self.u32(y)

    def umul(self, x: Any, y: Any) -> z3.BitVecRef:
        return self.u32(x) * self.u32(y)

    def uxor(self, x: Any, y: Any) -> z3.BitVecRef:
        return self.u32(x) ^ self.u32(y)

    def ushr(self, x: Any, s: Any) -> z3.BitVecRef:
        if isinstance(s, z3.BitVecRef) and s.size() == self.acc_bits:
            self._oblige("ushr amount", z3.And(s >= 0, s <= U32_BITS - 1))
        elif not isinstance(s, z3.BitVecRef) and not 0 <= int(s) <= U32_BITS - 1:
            self._oblige(f"ushr amount {s}", False)
        return z3.LShR(self.u32(x), self.u32(s))

    def u32_to_int(self, x: Any) -> z3.BitVecRef:
        """A uint32 below 2**(acc_bits - 1) as a signed accumulator value."""
        x = self.u32(x)
        self._oblige("u32_to_int range", z3.ULE(x, z3.BitVecVal(self.hi, U32_BITS)))
        if self.acc_bits == U32_BITS:
            return x
        if self.acc_bits < U32_BITS:
            return z3.Extract(self.acc_bits - 1, 0, x)
        return z3.ZeroExt(self.acc_bits - U32_BITS, x)

    # -- element-level tensor helpers -------------------------------------------------------
    def widen(self, q: Any) -> z3.BitVecRef:
        return self._bv(q)

    def narrow(self, x: Any, bits: int) -> z3.BitVecRef:
        """Storing into the symmetric ``bits``-wide payload: the value must already fit."""
        x = self._bv(x)
        lim = (1 << (bits - 1)) - 1
        self._oblige(f"narrow to int{bits}", z3.And(x >= -lim, x <= lim))
        return x

    def __getattr__(self, name: str) -> Any:
        # Reductions (max_abs, sum_all, matmul, ...) are not modelled: the theorems reason
        # about one element against a symbolic maximum (see rules.py's module docstring).
        if name in {"matmul", "max_abs", "sum_all", "argmax", "index_grid", "column_index",
                    "max_rows", "sum_rows", "to_numpy"}:
            raise NotImplementedError(
                f"Z3Ops.{name}: tensor reductions are modelled by symbolic maxima in the theorems"
            )
        raise AttributeError(name)
