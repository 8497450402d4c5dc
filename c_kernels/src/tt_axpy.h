/*
 * Internal: the portable inner loop of the dense backward kernels (the error and the gradient),
 * which both add scaled int8 rows into int32 sums.
 */
#ifndef TT_AXPY_H
#define TT_AXPY_H

#include <stdint.h>

/* a[i] += e0 p0[i] + e1 p1[i] for i < n (n >= 1): two rows per pass, so each sum is loaded and
 * stored once per two MACs. Not inlined: its own register allocation keeps the loop in the
 * eight low registers of ARMv6-M. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, unused, optimize("O2")))
#endif
static void tt_axpy2(int32_t *a, const int8_t *p0, const int8_t *p1, int32_t e0, int32_t e1, uint32_t n)
{
    uint32_t i = 0;
    do {
        a[i] += e0 * p0[i] + e1 * p1[i];
    } while (++i != n);
}

#endif /* TT_AXPY_H */
