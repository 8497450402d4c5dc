/*
 * What the kernel-path test programs (test_dense_forward_paths.py, test_dense_backward_paths.py,
 * test_conv_paths.py) share: the seeded generator their Python oracles mirror, FNV-1a hashes of
 * the outputs, and the one result line each case prints. static inline, so a program that does
 * not use one of them builds under -Werror.
 */
#ifndef TT_PATH_HELPERS_H
#define TT_PATH_HELPERS_H

#include <stdint.h>

#include "tintin.h"
#include "tt_harness.h"

static uint32_t rng;

/* A 32-bit LCG, top 24 bits out (the oracles compute the same sequence). */
static inline uint32_t next(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

/* n payloads uniform in [-bound, bound]. */
static inline void fill(int8_t *p, uint32_t n, uint32_t bound)
{
    uint32_t i;
    for (i = 0; i < n; i++) p[i] = (int8_t)((int32_t)(next() % (2u * bound + 1u)) - (int32_t)bound);
}

static inline uint32_t fnv(uint32_t h, const uint8_t *p, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

/* FNV-1a over int32 values as little-endian bytes, whatever the target's byte order. */
static inline uint32_t fnv32(uint32_t h, const int32_t *a, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++) {
        uint32_t v = (uint32_t)a[i];
        uint8_t b[4];
        b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8), b[2] = (uint8_t)(v >> 16), b[3] = (uint8_t)(v >> 24);
        h = fnv(h, b, 4);
    }
    return h;
}

/* "<tag><case> <status> <hash>"; the hash is 0 unless the kernel returned TT_OK. */
static inline void report(const char *tag, uint32_t c, tt_status_t st, uint32_t h)
{
    tt_write(tag);
    tt_write_u32(c);
    tt_write(" ");
    tt_write_i32((int32_t)st);
    tt_write(" ");
    tt_write_hex32(st == TT_OK ? h : 0u);
    tt_write("\n");
}

#endif /* TT_PATH_HELPERS_H */
