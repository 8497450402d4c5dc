/* Executes a permanently undefined instruction: every Cortex-M takes a fault (UsageFault
 * escalated to HardFault), which the platform must report with exit status 3. */
#include "tt_harness.h"

int main(void)
{
    tt_puts("about to fault");
    __asm__ volatile("udf #0");
    tt_puts("still running after udf");
    return tt_finish(0);
}
