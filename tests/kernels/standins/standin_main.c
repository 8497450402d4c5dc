/* Runs the tests registered by the ztest stand-in (zephyr/ztest.h) and prints Zephyr-like
 * PASS/FAIL lines and the summary "SUITE PASS" or "SUITE FAIL". */
#include <setjmp.h>
#include <stdio.h>

#include "zephyr/ztest.h"

jmp_buf ztest_standin_abort;
int ztest_standin_failures;
static const char *names[64];
static ztest_fn fns[64];
static int count;

void ztest_standin_register(const char *name, ztest_fn fn)
{
    if (count < 64) {
        names[count] = name;
        fns[count++] = fn;
    }
}

int main(void)
{
    int i;
    for (i = 0; i < count; i++) {
        if (setjmp(ztest_standin_abort) == 0) {
            fns[i]();
            printf(" PASS - %s\n", names[i]);
        } else {
            printf(" FAIL - %s\n", names[i]);
            ztest_standin_failures++;
        }
    }
    printf("%s\n", ztest_standin_failures ? "SUITE FAIL" : "SUITE PASS");
    return ztest_standin_failures ? 1 : 0;
}
