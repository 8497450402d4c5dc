/* Never finishes: the runner's timeout must kill it and report timed_out. */
#include "tt_harness.h"

int main(void)
{
    volatile uint32_t spins = 0;
    tt_puts("spinning forever");
    for (;;) {
        ++spins;
    }
}
