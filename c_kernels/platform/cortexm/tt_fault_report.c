/*
 * The detailed FAULT line of a crashed test program: exception number and name, target, the
 * stacked pc/lr/xpsr, EXC_RETURN and, on mainline cores, the fault status registers. Linked
 * with the harness (it prints through tt_harness.h); replaces startup.c's weak default.
 */
#include <stdint.h>

#include "tt_harness.h"
#include "tt_platform.h"

void tt_exception_report(const uint32_t *frame, uint32_t exc_return) TT_NORETURN;

/* Configurable fault status registers exist on mainline cores only (not ARMv6-M or
 * ARMv8-M baseline, where every fault is a bare HardFault). */
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || \
    defined(__ARM_ARCH_8_1M_MAIN__)
#define TT_HAS_CFSR 1
#endif

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
