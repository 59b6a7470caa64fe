/* The monotonic nanosecond clock every timing in the project is read from. */
#define _POSIX_C_SOURCE 199309L
#include <time.h>

#include "kopt.h"

double kopt_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
