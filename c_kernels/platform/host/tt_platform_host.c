/* Host side of tt_platform.h: plain stdio, so the same test program runs natively
 * (under AddressSanitizer and UBSan) before it runs on any emulated core. */
#include <stdio.h>
#include <stdlib.h>

#include "tt_platform.h"

void tt_platform_write(const char *s)
{
    /* Flushed per call so the lines before a sanitizer abort or a timeout kill survive. */
    fputs(s, stdout);
    fflush(stdout);
}

void tt_platform_exit(int status)
{
    fflush(stdout);
    exit(status);
}
