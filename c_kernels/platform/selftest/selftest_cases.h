/* Demo case table in the shape the golden emitter produces (hand-written here). */
#ifndef SELFTEST_CASES_H
#define SELFTEST_CASES_H

#include "tt_cases.h"

extern const tt_suite_t selftest_suite;

#endif /* SELFTEST_CASES_H */
