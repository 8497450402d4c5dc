"""Rational brackets of the nominal fine factors r = 2**(1/3) and 1/r = 2**(-1/3).

r is irrational, so the error theorem is proved against two rationals lo < r < hi (checked
exactly: lo**3 < 2 < hi**3) and, by convexity of c -> |y - x*c|, holds for r itself.
"""

from __future__ import annotations

from fractions import Fraction

DIGITS = 12  # decimal digits of the brackets; the bound is loose by at most 10**-DIGITS * |x|


def _icbrt(n: int) -> int:
    """floor(n ** (1/3)) for n >= 0, exactly."""
    lo, hi = 0, 1 << (n.bit_length() // 3 + 2)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid**3 <= n:
            lo = mid
        else:
            hi = mid - 1
    return lo


def bracket(cube: Fraction, digits: int = DIGITS) -> tuple[Fraction, Fraction]:
    """lo < cube**(1/3) < hi with hi - lo = 10**-digits (cube not a perfect cube)."""
    scale = 10**digits
    lo_num = _icbrt(int(cube * scale**3))  # floor(cbrt(cube) * scale) for integral cube*scale**3
    lo, hi = Fraction(lo_num, scale), Fraction(lo_num + 1, scale)
    if not (lo**3 < cube < hi**3):
        raise ArithmeticError(f"bracket of cbrt({cube}) is wrong: {lo}, {hi}")
    return lo, hi


def nominal(direction: str) -> tuple[Fraction, Fraction]:
    """Brackets of r (direction 'up') or 1/r ('down')."""
    return bracket(Fraction(2) if direction == "up" else Fraction(1, 2))


def error_slope(factor: Fraction, direction: str) -> Fraction:
    """delta >= |factor - nominal|: the larger distance from factor to either bracket end."""
    lo, hi = nominal(direction)
    return max(abs(factor - lo), abs(factor - hi))
