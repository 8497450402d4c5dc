/*
 * Cortex-M reset and exception reporting, shared by every board. The vector table and
 * the exception entry trampoline are in vectors.S; the memory map is in board_*.ld.
 */
#include <stdint.h>

#include "tt_harness.h"
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

/* Configurable fault status registers exist on mainline cores only (not ARMv6-M or
 * ARMv8-M baseline, where every fault is a bare HardFault). */
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || \
    defined(__ARM_ARCH_8_1M_MAIN__)
#define TT_HAS_CFSR 1
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

static const char *tt_exception_name(uint32_t n)
{
    switch (n) {
    case 2:
        return "NMI";
    case 3:
        return "HardFault";
    case 4:
        return "MemManage";
    case 5:
        return "BusFault";
    case 6:
        return "UsageFault";
    case 7:
        return "SecureFault";
    case 11:
        return "SVCall";
    case 12:
        return "DebugMonitor";
    case 14:
        return "PendSV";
    case 15:
        return "SysTick";
    default:
        return n >= 16 ? "IRQ" : "Reserved";
    }
}

static uint32_t tt_read_ipsr(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr & 0x1FFu;
}

static void tt_write_field(const char *key, uint32_t value)
{
    tt_write(key);
    tt_write_hex32(value);
}

/* Called from tt_exception_entry (vectors.S) with the stacked frame
 * {r0, r1, r2, r3, r12, lr, pc, xpsr}. Prints one FAULT line and exits with
 * TT_EXIT_FAULT, so a crash is a distinct, visible result rather than a hang. */
void tt_exception_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t n = tt_read_ipsr();
    tt_set_muted(0);
    tt_write("FAULT exception=");
    tt_write_u32(n);
    tt_write(" name=");
    tt_write(tt_exception_name(n));
    tt_write(" target=" TT_TARGET);
    tt_write_field(" pc=", frame[6]);
    tt_write_field(" lr=", frame[5]);
    tt_write_field(" xpsr=", frame[7]);
    tt_write_field(" exc_return=", exc_return);
#ifdef TT_HAS_CFSR
    tt_write_field(" cfsr=", *(volatile const uint32_t *)0xE000ED28u);
    tt_write_field(" hfsr=", *(volatile const uint32_t *)0xE000ED2Cu);
    tt_write_field(" mmfar=", *(volatile const uint32_t *)0xE000ED34u);
    tt_write_field(" bfar=", *(volatile const uint32_t *)0xE000ED38u);
#endif
    tt_write("\n");
    tt_platform_exit(TT_EXIT_FAULT);
}
