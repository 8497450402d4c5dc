/* A stand-in for Zephyr's <zephyr/ztest.h>, which needs a Zephyr tree this machine cannot
 * fetch. It implements only what `tintin golden emit-c --framework ztest` output uses
 * (ZTEST_SUITE, ZTEST, zassert_equal, printk, k_panic), running each test on the host in
 * registration order from main() (standin_main.c); an assertion failure ends the test. */
#ifndef ZTEST_STANDIN_H
#define ZTEST_STANDIN_H
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#define printk printf
#define k_panic() abort()

typedef void (*ztest_fn)(void);
void ztest_standin_register(const char *name, ztest_fn fn);
extern jmp_buf ztest_standin_abort;
extern int ztest_standin_failures;

#define ZTEST_SUITE(name, a, b, c, d, e) int ztest_standin_suite_##name = 1
#define ZTEST(suite, name)                                                             \
    static void name(void);                                                            \
    __attribute__((constructor)) static void register_##name(void)                     \
    {                                                                                  \
        ztest_standin_register(#suite "." #name, name);                                \
    }                                                                                  \
    static void name(void)
#define zassert_equal(a, b, ...)                                                       \
    do {                                                                               \
        if ((a) != (b)) {                                                              \
            printf("    Assertion failed at %s:%d: " #a " != " #b ": ", __FILE__, __LINE__); \
            printf(__VA_ARGS__);                                                       \
            printf("\n");                                                              \
            longjmp(ztest_standin_abort, 1);                                           \
        }                                                                              \
    } while (0)
#endif
