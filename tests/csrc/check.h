/* The C tests' assertion: CHECK(cond) reports a false condition with its
 * file and line on stderr and counts it in `failures`, which the test's
 * main returns as its exit status. */
#ifndef KOPT_TESTS_CHECK_H
#define KOPT_TESTS_CHECK_H

#include <stdio.h>

static int failures = 0;
#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                \
    }                                                            \
  } while (0)

#endif
