/*
 * Cortex-M reset, shared by every board. The vector table and the exception entry trampoline
 * are in vectors.S; the memory map is in board_*.ld. Needs only tt_platform.h (semihosting),
 * not the test harness, so a program of a user's own can link the board layer alone.
 */
#include <stdint.h>

#include "tt_platform.h"

/* Defined by sections.ld. */
extern uint32_t __data_load[];
extern uint32_t __data_start[];
extern uint32_t __data_end[];
extern uint32_t __bss_start[];
extern uint32_t __bss_end[];
extern uint32_t __stack_limit[];
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

int main(void);
void Reset_Handler(void) TT_NORETURN;
void tt_exception_report(const uint32_t *frame, uint32_t exc_return) TT_NORETURN;

/* ARMv8-M has a stack limit register: with it set, a stack overflow faults instead of
 * silently overwriting .bss. gcc 12 reports Cortex-M55 as 8-M mainline too. */
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__) || defined(__ARM_ARCH_8_1M_MAIN__)
#define TT_HAS_MSPLIM 1
#endif

void Reset_Handler(void)
{
    uint32_t *src = __data_load;
    uint32_t *dst = __data_start;
    void (**ctor)(void);
#ifdef TT_HAS_MSPLIM
    __asm__ volatile("msr msplim, %0" : : "r"(__stack_limit));
#endif
    while (dst < __data_end) {
        *dst++ = *src++;
    }
    for (dst = __bss_start; dst < __bss_end; ++dst) {
        *dst = 0;
    }
    /* C has no constructors, but libgcc or a kernel built with attributes might. */
    for (ctor = __init_array_start; ctor < __init_array_end; ++ctor) {
        (*ctor)();
    }
    tt_platform_exit(main());
}

/* Called from tt_exception_entry (vectors.S) with the stacked frame. This default ends the
 * run with TT_EXIT_FAULT and a bare FAULT line, so a program linking only the board layer
 * (startup, vectors, semihosting: no harness) still turns a crash into a distinct result;
 * tt_fault_report.c, linked with the harness, replaces it with the detailed FAULT line. */
__attribute__((weak)) void tt_exception_report(const uint32_t *frame, uint32_t exc_return)
{
    (void)frame;
    (void)exc_return;
    tt_platform_write("FAULT\n");
    tt_platform_exit(TT_EXIT_FAULT);
}
