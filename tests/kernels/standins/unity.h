/* A stand-in for ThrowTheSwitch Unity's unity.h, which cannot be installed on this machine.
 * It implements only the documented Unity API that `tintin golden emit-c --framework unity`
 * output uses (UNITY_BEGIN, RUN_TEST, UNITY_END, TEST_FAIL_MESSAGE, setUp/tearDown), with
 * Unity's behaviour: a failed assertion ends the running test (longjmp), the summary line is
 * "N Tests M Failures 0 Ignored" followed by OK or FAIL, and UNITY_END returns the failures. */
#ifndef UNITY_STANDIN_H
#define UNITY_STANDIN_H
#include <setjmp.h>
#include <stdio.h>

void setUp(void);
void tearDown(void);

static jmp_buf unity_abort;
static int unity_tests, unity_failures;
static const char *unity_current;

#define UNITY_BEGIN() (unity_tests = 0, unity_failures = 0)
#define RUN_TEST(fn) unity_run(fn, #fn, __LINE__)
#define UNITY_END() unity_end()
#define TEST_FAIL_MESSAGE(msg) unity_fail(__LINE__, (msg))

static void unity_fail(int line, const char *msg)
{
    printf("%s:%d:%s:FAIL: %s\n", __FILE__, line, unity_current, msg);
    unity_failures++;
    longjmp(unity_abort, 1);
}

static void unity_run(void (*fn)(void), const char *name, int line)
{
    (void)line;
    unity_current = name;
    unity_tests++;
    if (setjmp(unity_abort) == 0) {
        setUp();
        fn();
        tearDown();
        printf("%s:%d:%s:PASS\n", __FILE__, line, name);
    }
}

static int unity_end(void)
{
    printf("-----------------------\n%d Tests %d Failures 0 Ignored\n%s\n", unity_tests, unity_failures,
           unity_failures ? "FAIL" : "OK");
    return unity_failures;
}
#endif
