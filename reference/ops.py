"""Integer operations that every rule is written against.

A rule (reference/rules.py) and a layer (reference/layers.py) call only these methods,
so the same source runs three ways:

* ``PyOps``  - exact Python integers in numpy object arrays. Slow; raises
  ``OracleOverflow`` the moment any intermediate leaves the accumulator width, so it
  is the oracle the fast paths are tested against and it detects overflow instead of
  wrapping.
* ``JaxOps`` - int32 (payloads int8/int16) under jax.jit: the fast reference.
* ``Z3Ops``  - bit-vectors with overflow obligations (tintin.proofs.z3ops).

Methods (x, y: integer values or tensors; s: a shift amount; c: a boolean):
const, add, sub, mul, neg, shl, shr (arithmetic), band, lt, le, gt, ge, eq, ne,
where, logical_and, logical_or, clz (for x >= 0); unsigned 32-bit helpers for the
counter hash: u32, uadd, umul, uxor, ushr, u32_to_int; tensor helpers: widen,
narrow, materialise, matmul, matmul_nt (a b^T), max_abs, sum_all, argmax, index_grid, column_index, lookup, max_rows,
sum_rows; structural helpers for convolution: pad_hw, stack, strided_add; the three int32
convolution sums (NHWC inputs, [OC, K, K, C] kernels): conv2d, conv2d_weight_grad,
conv2d_input_grad. PyOps forms them tap by tap; JaxOps hands them to XLA's integer
convolution (one kernel instead of an im2col copy and a scatter per tap). Integer sums do
not depend on their order, so both give the same values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_U32 = 0xFFFFFFFF


class OracleOverflow(ArithmeticError):
    """An intermediate value left the accumulator width in the exact oracle."""


class PyOps:
    """Exact integers; every result is checked against the signed accumulator range."""

    name = "python"

    def __init__(self, acc_bits: int = 32) -> None:
        self.acc_bits = acc_bits
        self.lo = -(1 << (acc_bits - 1))
        self.hi = (1 << (acc_bits - 1)) - 1

    # -- representation ------------------------------------------------------------------
    @staticmethod
    def _v(x: Any) -> Any:
        """Python int for scalars, object array (exact ints) for tensors."""
        if isinstance(x, (bool, np.bool_)):
            return bool(x)
        if isinstance(x, (int, np.integer)):
            return int(x)
        arr = np.asarray(x)
        if arr.dtype == bool:
            return arr if arr.ndim else bool(arr)
        arr = arr.astype(object)
        return arr if arr.ndim else int(arr.item())

    def _check(self, v: Any, what: str) -> Any:
        v = self._v(v)
        if isinstance(v, np.ndarray):
            if v.size:
                lo, hi = min(v.flat), max(v.flat)
                if lo < self.lo or hi > self.hi:
                    bad = lo if lo < self.lo else hi
                    raise OracleOverflow(f"{what}: {bad} outside int{self.acc_bits}")
        elif not isinstance(v, bool) and not self.lo <= v <= self.hi:
            raise OracleOverflow(f"{what}: {v} outside int{self.acc_bits}")
        return v

    def _shift_amount(self, s: Any, what: str) -> Any:
        s = self._v(s)
        lo, hi = (min(s.flat), max(s.flat)) if isinstance(s, np.ndarray) else (s, s)
        if lo < 0 or hi >= self.acc_bits:
            raise OracleOverflow(f"{what}: shift amount {lo if lo < 0 else hi} outside [0, {self.acc_bits - 1}]")
        return s

    # -- arithmetic ----------------------------------------------------------------------
    def const(self, v: int) -> Any:
        return self._check(v, "const")

    def add(self, x: Any, y: Any) -> Any:
        return self._check(self._v(x) + self._v(y), "add")

    def sub(self, x: Any, y: Any) -> Any:
        return self._check(self._v(x) - self._v(y), "sub")

    def mul(self, x: Any, y: Any) -> Any:
        return self._check(self._v(x) * self._v(y), "mul")

    def neg(self, x: Any) -> Any:
        return self._check(-self._v(x), "neg")

    def shl(self, x: Any, s: Any) -> Any:
        return self._check(self._v(x) << self._shift_amount(s, "shl"), "shl")

    def shr(self, x: Any, s: Any) -> Any:
        return self._v(x) >> self._shift_amount(s, "shr")

    def band(self, x: Any, y: Any) -> Any:
        return self._v(x) & self._v(y)

    # -- comparisons and selection ---------------------------------------------------------
    def lt(self, x: Any, y: Any) -> Any:
        return self._v(x) < self._v(y)

    def le(self, x: Any, y: Any) -> Any:
        return self._v(x) <= self._v(y)

    def gt(self, x: Any, y: Any) -> Any:
        return self._v(x) > self._v(y)

    def ge(self, x: Any, y: Any) -> Any:
        return self._v(x) >= self._v(y)

    def eq(self, x: Any, y: Any) -> Any:
        return self._v(x) == self._v(y)

    def ne(self, x: Any, y: Any) -> Any:
        return self._v(x) != self._v(y)

    def where(self, c: Any, x: Any, y: Any) -> Any:
        c = self._v(c)
        if isinstance(c, bool) and not isinstance(x, np.ndarray) and not isinstance(y, np.ndarray):
            return self._v(x) if c else self._v(y)
        xo = np.asarray(self._v(x), dtype=object)
        yo = np.asarray(self._v(y), dtype=object)
        return self._v(np.where(c, xo, yo))

    def logical_and(self, a: Any, b: Any) -> Any:
        return self._v(np.logical_and(a, b))

    def logical_or(self, a: Any, b: Any) -> Any:
        return self._v(np.logical_or(a, b))

    def logical_not(self, a: Any) -> Any:
        return self._v(np.logical_not(a))

    def clz(self, x: Any) -> Any:
        x = self._v(x)
        if isinstance(x, np.ndarray):
            if x.size and min(x.flat) < 0:
                raise OracleOverflow("clz of a negative value")
            return self._v(np.frompyfunc(lambda v: self.acc_bits - int(v).bit_length(), 1, 1)(x))
        if x < 0:
            raise OracleOverflow("clz of a negative value")
        return self.acc_bits - x.bit_length()

    # -- unsigned 32-bit (the counter hash; wraps by definition) ------------------------------
    def u32(self, x: Any) -> Any:
        return self._v(x) & _U32

    def uadd(self, x: Any, y: Any) -> Any:
        return (self._v(x) + self._v(y)) & _U32

    def umul(self, x: Any, y: Any) -> Any:
        return (self._v(x) * self._v(y)) & _U32

    def uxor(self, x: Any, y: Any) -> Any:
        return self._v(x) ^ self._v(y)

    def ushr(self, x: Any, s: Any) -> Any:
        return self._v(x) >> self._v(s)

    def u32_to_int(self, x: Any) -> Any:
        """Reinterpret a uint32 known to be below 2**31 as a signed accumulator value."""
        return self._check(x, "u32_to_int")

    # -- tensors -----------------------------------------------------------------------------
    def widen(self, q: Any) -> Any:
        return self._v(q)

    def narrow(self, x: Any, bits: int) -> np.ndarray:
        """Store a value already saturated to the symmetric ``bits``-wide range."""
        x = self._v(x)
        lim = (1 << (bits - 1)) - 1
        arr = np.asarray(x, dtype=object)
        if arr.size and (min(arr.flat) < -lim or max(arr.flat) > lim):
            raise OracleOverflow(f"narrow: value outside the symmetric int{bits} range")
        return arr.astype(np.int8 if bits == 8 else np.int16)

    def materialise(self, q: Any, key: Any) -> Any:
        """The same payload (only JaxOps does something: it makes the payload one buffer)."""
        return q

    def matmul(self, a: Any, b: Any) -> Any:
        return self._check(np.asarray(self._v(a), dtype=object) @ np.asarray(self._v(b), dtype=object), "matmul")

    def matmul_nt(self, a: Any, b: Any) -> Any:
        """a b^T for 2-D a [M, K] and b [N, K]."""
        return self._check(np.asarray(self._v(a), dtype=object) @ np.asarray(self._v(b), dtype=object).T, "matmul_nt")

    def max_abs(self, x: Any) -> Any:
        # |INT32_MIN| does not fit: tensors holding it are outside every rule's domain (spec 1).
        arr = np.asarray(self._v(x), dtype=object)
        return self._check(max((abs(v) for v in arr.flat), default=0), "max_abs")

    def sum_all(self, x: Any) -> Any:
        arr = np.asarray(self._v(x), dtype=object)
        return self._check(sum(arr.flat, 0), "sum_all")

    def argmax(self, x: Any, axis: int) -> Any:
        arr = np.asarray(self._v(x), dtype=object)
        return self._v(np.argmax(arr, axis=axis))

    def index_grid(self, shape: tuple[int, ...]) -> Any:
        """Flat row-major element index of every position (for the rounding hash)."""
        return self._v(np.arange(int(np.prod(shape)), dtype=object).reshape(shape))

    def column_index(self, shape: tuple[int, int]) -> Any:
        return self._v(np.broadcast_to(np.arange(shape[1], dtype=object), shape).copy())

    def lookup(self, table: tuple[int, ...], index: Any) -> Any:
        index = self._v(index)
        if isinstance(index, np.ndarray):
            return self._v(np.frompyfunc(lambda i: table[int(i)], 1, 1)(index))
        return table[index]

    def max_rows(self, x: Any) -> Any:
        return self._v(np.max(np.asarray(self._v(x), dtype=object), axis=-1, keepdims=True))

    def sum_rows(self, x: Any) -> Any:
        return self._check(np.sum(np.asarray(self._v(x), dtype=object), axis=-1, keepdims=True), "sum_rows")

    def zeros(self, shape: tuple[int, ...]) -> Any:
        return np.zeros(shape, dtype=object)

    def pad_hw(self, x: Any, pad: int) -> Any:
        """Zero padding of axes 1 and 2 of an NHWC tensor."""
        arr = np.asarray(self._v(x), dtype=object)
        return np.pad(arr, ((0, 0), (pad, pad), (pad, pad), (0, 0)), constant_values=0) if pad else arr

    def stack(self, xs: list[Any], axis: int) -> Any:
        return np.stack([np.asarray(self._v(x), dtype=object) for x in xs], axis=axis)

    def strided_add(self, out: Any, values: Any, h0: int, w0: int, stride: int) -> Any:
        """out[:, h0::stride, w0::stride, :] += values (NHWC), as a new tensor."""
        result = np.array(np.asarray(self._v(out), dtype=object), copy=True)
        n_h, n_w = values.shape[1], values.shape[2]
        region = (slice(None), slice(h0, h0 + stride * (n_h - 1) + 1, stride),
                  slice(w0, w0 + stride * (n_w - 1) + 1, stride), slice(None))
        result[region] = result[region] + np.asarray(self._v(values), dtype=object)
        return self._check(result, "strided_add")

    def _taps(self, xp: np.ndarray, k: int, stride: int, oh: int, ow: int) -> Any:
        """(kh, kw, the input rows that tap reads) for every tap of a k x k kernel."""
        for kh in range(k):
            for kw in range(k):
                rows = slice(kh, kh + stride * (oh - 1) + 1, stride)
                cols = slice(kw, kw + stride * (ow - 1) + 1, stride)
                yield kh, kw, xp[:, rows, cols, :]

    def conv2d(self, x: Any, w: Any, stride: int, pad: int) -> Any:
        """acc[B, OH, OW, OC] = sum over taps and channels of x * w (the im2col product)."""
        xp = np.asarray(self.pad_hw(x, pad), dtype=object)
        wo = np.asarray(self._v(w), dtype=object)
        k = wo.shape[1]
        oh, ow = (xp.shape[1] - k) // stride + 1, (xp.shape[2] - k) // stride + 1
        acc = np.zeros((xp.shape[0], oh, ow, wo.shape[0]), dtype=object)
        for kh, kw, patch in self._taps(xp, k, stride, oh, ow):
            acc = acc + patch @ wo[:, kh, kw, :].T
        return self._check(acc, "conv2d")

    def conv2d_weight_grad(self, e: Any, x: Any, kernel: int, stride: int, pad: int) -> Any:
        """g[OC, K, K, C] = sum over batch and output positions of e * x-patch."""
        eo = np.asarray(self._v(e), dtype=object)
        xp = np.asarray(self.pad_hw(x, pad), dtype=object)
        oc = eo.shape[3]
        g = np.zeros((oc, kernel, kernel, xp.shape[3]), dtype=object)
        e2 = eo.reshape(-1, oc).T
        for kh, kw, patch in self._taps(xp, kernel, stride, eo.shape[1], eo.shape[2]):
            g[:, kh, kw, :] = e2 @ patch.reshape(-1, xp.shape[3])
        return self._check(g, "conv2d_weight_grad")

    def conv2d_input_grad(self, e: Any, w: Any, height: int, width: int, stride: int, pad: int) -> Any:
        """e_in[B, H, W, C]: every tap's e W scattered back (col2im) over the padded input, cropped."""
        eo = np.asarray(self._v(e), dtype=object)
        wo = np.asarray(self._v(w), dtype=object)
        k = wo.shape[1]
        full = np.zeros((eo.shape[0], height + 2 * pad, width + 2 * pad, wo.shape[3]), dtype=object)
        for kh in range(k):
            for kw in range(k):
                full = self.strided_add(full, self._check(eo @ wo[:, kh, kw, :], "conv2d_input_grad"), kh, kw, stride)
        return full[:, pad : pad + height, pad : pad + width, :]

    def to_numpy(self, x: Any, dtype: Any = np.int32) -> np.ndarray:
        return np.asarray(np.asarray(self._v(x), dtype=object).astype(dtype))


class JaxOps:
    """int32 arithmetic under jax; wraps on overflow like C (the proofs rule that out)."""

    name = "jax"

    def __init__(self, acc_bits: int = 32) -> None:
        if acc_bits != 32:
            raise ValueError("the JAX reference runs with 32-bit accumulators only")
        import jax
        import jax.numpy as jnp

        self.acc_bits = acc_bits
        self.jax, self.jnp = jax, jnp
        self.i32 = jnp.int32
        self.u32_t = jnp.uint32

    def _i(self, x: Any) -> Any:
        return self.jnp.asarray(x, dtype=self.i32)

    def const(self, v: int) -> Any:
        return self.jnp.int32(v)

    def add(self, x: Any, y: Any) -> Any:
        return self._i(x) + self._i(y)

    def sub(self, x: Any, y: Any) -> Any:
        return self._i(x) - self._i(y)

    def mul(self, x: Any, y: Any) -> Any:
        return self._i(x) * self._i(y)

    def neg(self, x: Any) -> Any:
        return -self._i(x)

    def shl(self, x: Any, s: Any) -> Any:
        return self.jnp.left_shift(self._i(x), self._i(s))

    def shr(self, x: Any, s: Any) -> Any:
        return self.jnp.right_shift(self._i(x), self._i(s))

    def band(self, x: Any, y: Any) -> Any:
        return self.jnp.bitwise_and(self._i(x), self._i(y))

    def lt(self, x: Any, y: Any) -> Any:
        return self._i(x) < self._i(y)

    def le(self, x: Any, y: Any) -> Any:
        return self._i(x) <= self._i(y)

    def gt(self, x: Any, y: Any) -> Any:
        return self._i(x) > self._i(y)

    def ge(self, x: Any, y: Any) -> Any:
        return self._i(x) >= self._i(y)

    def eq(self, x: Any, y: Any) -> Any:
        return self._i(x) == self._i(y)

    def ne(self, x: Any, y: Any) -> Any:
        return self._i(x) != self._i(y)

    def where(self, c: Any, x: Any, y: Any) -> Any:
        return self.jnp.where(c, self._i(x), self._i(y))

    def logical_and(self, a: Any, b: Any) -> Any:
        return self.jnp.logical_and(a, b)

    def logical_or(self, a: Any, b: Any) -> Any:
        return self.jnp.logical_or(a, b)

    def logical_not(self, a: Any) -> Any:
        return self.jnp.logical_not(a)

    def clz(self, x: Any) -> Any:
        return self.jax.lax.clz(self._i(x))

    def _u(self, x: Any) -> Any:
        x = self.jnp.asarray(x)
        if x.dtype == self.u32_t:
            return x
        # int32 -> uint32 keeps the bits; Python ints above 2**31 go straight to uint32.
        return x.astype(self.u32_t) if x.dtype != self.jnp.int32 else self.jax.lax.bitcast_convert_type(x, self.u32_t)

    def u32(self, x: Any) -> Any:
        if isinstance(x, int):
            return self.jnp.uint32(x & _U32)
        return self._u(x)

    def uadd(self, x: Any, y: Any) -> Any:
        return self.u32(x) + self.u32(y)

    def umul(self, x: Any, y: Any) -> Any:
        return self.u32(x) * self.u32(y)

    def uxor(self, x: Any, y: Any) -> Any:
        return self.jnp.bitwise_xor(self.u32(x), self.u32(y))

    def ushr(self, x: Any, s: Any) -> Any:
        return self.jnp.right_shift(self.u32(x), self.u32(s))

    def u32_to_int(self, x: Any) -> Any:
        return self.jax.lax.bitcast_convert_type(self.u32(x), self.i32)

    def widen(self, q: Any) -> Any:
        return self._i(q)

    def narrow(self, x: Any, bits: int) -> Any:
        return self._i(x).astype(self.jnp.int8 if bits == 8 else self.jnp.int16)

    def materialise(self, q: Any, key: Any) -> Any:
        """The same payload, computed once into a buffer of its own.

        XLA on CPU fuses a stored payload's whole elementwise chain (ReLU, requantisation,
        window) into every elementwise reader and recomputes it there: 25 im2col taps, the
        pooling passes and the ReLU masks of LeNet-5 each re-derive their input from the int32
        accumulator (28x28: 4 of 5 ms a step). ``lax.optimization_barrier`` does not stop that
        on CPU (it is expanded before fusion); the result of a conditional is a buffer. The
        predicate ``key`` (a header field of the payload) is one XLA cannot fold and the same
        on every device of a sharded step (no extra all-reduce); both branches are the identity.
        """
        zero = self.jnp.zeros((), q.dtype)
        return self.jax.lax.cond(self._i(key) >= 0, lambda v: v + zero, lambda v: v - zero, q)

    def matmul(self, a: Any, b: Any) -> Any:
        return self.jnp.matmul(a, b, preferred_element_type=self.i32)

    def matmul_nt(self, a: Any, b: Any) -> Any:
        # One dot contracting both last axes, not a transpose then a dot: XLA on CPU hands this
        # form of an int8 x int8 product to its int8 GEMM (YNNPACK); after a transpose it widens
        # both operands to int32 and runs a generic loop (the digits MLP's forward: 13 us -> 2 us).
        return self.jax.lax.dot_general(a, b, (((1,), (1,)), ((), ())), preferred_element_type=self.i32)

    def max_abs(self, x: Any) -> Any:
        return self.jnp.max(self.jnp.abs(self._i(x)), initial=0)

    def sum_all(self, x: Any) -> Any:
        return self.jnp.sum(self._i(x), dtype=self.i32)

    def argmax(self, x: Any, axis: int) -> Any:
        return self.jnp.argmax(self._i(x), axis=axis).astype(self.i32)

    def index_grid(self, shape: tuple[int, ...]) -> Any:
        n = 1
        for d in shape:
            n *= d
        return self.jnp.arange(n, dtype=self.i32).reshape(shape)

    def column_index(self, shape: tuple[int, int]) -> Any:
        return self.jnp.broadcast_to(self.jnp.arange(shape[1], dtype=self.i32), shape)

    def lookup(self, table: tuple[int, ...], index: Any) -> Any:
        return self.jnp.asarray(table, dtype=self.i32)[self._i(index)]

    def max_rows(self, x: Any) -> Any:
        return self.jnp.max(self._i(x), axis=-1, keepdims=True)

    def sum_rows(self, x: Any) -> Any:
        return self.jnp.sum(self._i(x), axis=-1, keepdims=True, dtype=self.i32)

    def zeros(self, shape: tuple[int, ...]) -> Any:
        return self.jnp.zeros(shape, dtype=self.i32)

    def pad_hw(self, x: Any, pad: int) -> Any:
        return self.jnp.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0))) if pad else x

    def stack(self, xs: list[Any], axis: int) -> Any:
        return self.jnp.stack(xs, axis=axis)

    def strided_add(self, out: Any, values: Any, h0: int, w0: int, stride: int) -> Any:
        n_h, n_w = values.shape[1], values.shape[2]
        return out.at[:, h0 : h0 + stride * (n_h - 1) + 1 : stride, w0 : w0 + stride * (n_w - 1) + 1 : stride, :].add(
            self._i(values)
        )

    def _pair(self, a: Any, b: Any) -> tuple[Any, Any]:
        """Both operands in one integer type (payloads stay int8; a widened one makes both int32)."""
        a, b = self.jnp.asarray(a), self.jnp.asarray(b)
        if a.dtype == b.dtype:
            return a, b
        return a.astype(self.i32), b.astype(self.i32)

    def conv2d(self, x: Any, w: Any, stride: int, pad: int) -> Any:
        x, w = self._pair(x, w)
        return self.jax.lax.conv_general_dilated(
            x, w, (stride, stride), [(pad, pad)] * 2, dimension_numbers=("NHWC", "OHWI", "NHWC"),
            preferred_element_type=self.i32)

    def conv2d_weight_grad(self, e: Any, x: Any, kernel: int, stride: int, pad: int) -> Any:
        e, x = self._pair(e, x)
        # A convolution of x with e as the kernel: the batch is the contracted feature axis,
        # x's channels the output batch axis, e dilated by the stride. Result [C, K', K', OC].
        g = self.jax.lax.conv_general_dilated(
            x, e, (1, 1), [(pad, pad)] * 2, rhs_dilation=(stride, stride),
            dimension_numbers=("CHWN", "IHWO", "NHWC"), preferred_element_type=self.i32)
        return self.jnp.transpose(g[:, :kernel, :kernel, :], (3, 1, 2, 0))

    def conv2d_input_grad(self, e: Any, w: Any, height: int, width: int, stride: int, pad: int) -> Any:
        # The transposed convolution: e dilated by the stride, the kernels flipped, OC contracted.
        e, w = self._pair(e, w)
        k, oh, ow = w.shape[1], e.shape[1], e.shape[2]
        rh = height + 2 * pad - k - (oh - 1) * stride
        rw = width + 2 * pad - k - (ow - 1) * stride
        return self.jax.lax.conv_general_dilated(
            e, w[:, ::-1, ::-1, :], (1, 1), [(k - 1 - pad, k - 1 - pad + rh), (k - 1 - pad, k - 1 - pad + rw)],
            lhs_dilation=(stride, stride), dimension_numbers=("NHWC", "IHWO", "NHWC"),
            preferred_element_type=self.i32)

    def to_numpy(self, x: Any, dtype: Any = np.int32) -> np.ndarray:
        return np.asarray(x).astype(dtype)
