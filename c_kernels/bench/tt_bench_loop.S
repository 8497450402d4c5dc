/* tt_bench_loop4(n): n >= 1 iterations of exactly four Thumb instructions (valid on ARMv6-M
 * and ARMv7-M), then one return. Executes 4n + 1 instructions: the counter's known loop. */
    .syntax unified
    .thumb
    .text
    .global tt_bench_loop4
    .type tt_bench_loop4, %function
    .thumb_func
tt_bench_loop4:
1:  adds r1, r1, #1
    adds r2, r2, #1
    subs r0, r0, #1
    bne 1b
    bx lr
    .size tt_bench_loop4, . - tt_bench_loop4
