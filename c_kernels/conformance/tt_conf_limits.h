/*
 * tt_conf_limits.h - every buffer size of the conformance runners, in one place.
 *
 * The runners copy a case's inputs into one static arena (no malloc) and take their
 * outputs and scratch from it too; the arena is reset before each case. A case that needs
 * more than TT_CONF_ARENA_BYTES fails with an ERROR line naming the buffer and the sizes,
 * never with a wrong answer. The sizes hold every CI-level case (peak about 9 KB, the CNN
 * train-step cases on the 8x8x1 LeNet-style model with batch 4; each program prints its
 * peak in a BUFFER line and the report shows it). Override with -DTT_CONF_ARENA_BYTES=N.
 */
#ifndef TT_CONF_LIMITS_H
#define TT_CONF_LIMITS_H

#ifndef TT_CONF_ARENA_BYTES
#if defined(__ARM_ARCH_6M__)
/* Cortex-M0+ (micro:bit): 16 KB RAM, 4 KB of it stack, ~0.3 KB harness. */
#define TT_CONF_ARENA_BYTES (10u * 1024u)
#elif defined(__arm__)
/* Every other board has at least 512 KB of RAM (M55 DTCM, 64 KB of it stack); the
 * thorough-level digits cases need about 15 KB (MLP 64-32-10, batch 16) and about 90 KB
 * (LeNet-5 on 8x8, batch 16: 19.5 KB of weights, a 40 KB int32 gradient of the 120x84 layer). */
#define TT_CONF_ARENA_BYTES (128u * 1024u)
#else
/* Host. */
#define TT_CONF_ARENA_BYTES (4u * 1024u * 1024u)
#endif
#endif

/* MISMATCH lines one case prints at most: a wholly broken kernel gives a few lines per case,
 * not one per output tensor; the case still fails on the outputs compared silently after. */
#define TT_CONF_CASE_MISMATCH_MAX 4u

/* Longest tensor name a runner composes ("step12/layer3/w" and the like). */
#define TT_CONF_NAME_MAX 64u

#endif /* TT_CONF_LIMITS_H */
