/* case_table.h: running a table of test cases as one Criterion parameterized test, each case a test
 * of its own (own process, suite init and fini around it). Criterion re-executes the test binary
 * for each test, so a parameter must hold no pointers: the parameters are the cases' indices. */
#ifndef SL_TEST_CASE_TABLE_H
#define SL_TEST_CASE_TABLE_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stddef.h>

/* The number of entries of the array A. */
#define SL_TEST_COUNT(A) (sizeof(A) / sizeof((A)[0]))

/* The parameters of ParameterizedTest(size_t *i, SUITE, NAME): the indices 0 .. N-1. */
#define SL_TEST_CASE_INDICES(SUITE, NAME, N)                      \
        ParameterizedTestParameters(SUITE, NAME)                  \
        {                                                         \
                static size_t idx_[N];                            \
                for (size_t i_ = 0; i_ < (N); i_++)               \
                        idx_[i_] = i_;                            \
                return cr_make_param_array(size_t, idx_, (N));    \
        }

#endif
