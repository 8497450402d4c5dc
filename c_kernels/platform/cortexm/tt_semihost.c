/*
 * Cortex-M side of tt_platform.h, through ARM semihosting (BKPT 0xAB, r0 = operation,
 * r1 = argument). Only two operations are used:
 *   SYS_WRITE0 (0x04)         - the output call QEMU and Renode both implement;
 *   SYS_EXIT_EXTENDED (0x20)  - QEMU exits with the status given here.
 * Without a debugger or emulator attached, BKPT faults: these binaries are test
 * programs, not firmware.
 */
#include <stdint.h>

#include "tt_platform.h"

#define TT_SYS_WRITE0 0x04u
#define TT_SYS_EXIT 0x18u
#define TT_SYS_EXIT_EXTENDED 0x20u
#define TT_ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define TT_ADP_STOPPED_RUNTIME_ERROR_UNKNOWN 0x20023u

static uint32_t tt_semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void tt_platform_write(const char *s)
{
    (void)tt_semihost(TT_SYS_WRITE0, s);
}

void tt_platform_exit(int status)
{
    uint32_t block[2];
    block[0] = TT_ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)status;
    (void)tt_semihost(TT_SYS_EXIT_EXTENDED, block);
    /* Still running: the host lacks SYS_EXIT_EXTENDED (Renode's SemihostingUart).
     * SYS_EXIT carries only pass/fail; the pass line already told the tester. */
    (void)tt_semihost(TT_SYS_EXIT, (const void *)(uintptr_t)(status == 0
                                                                  ? TT_ADP_STOPPED_APPLICATION_EXIT
                                                                  : TT_ADP_STOPPED_RUNTIME_ERROR_UNKNOWN));
    for (;;) {
        __asm__ volatile("wfi");
    }
}
