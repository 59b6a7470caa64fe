/* Sample statistics for the timing harness. */
#include <math.h>
#include <time.h>

#include "harness.h"

double kh_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Quickselect of the k-th smallest; reorders v. */
static double select_kth(double *v, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    const double pivot = v[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const double t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        if (j == 0) break;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k];
  }
  return v[k];
}

double kh_median(double *v, size_t n) {
  if (n == 0) return NAN;
  const double hi = select_kth(v, n, n / 2);
  if (n % 2 == 1) return hi;
  /* Even count: the mean of the two middle values; the lower one is the
   * largest of the lower half, which quickselect left below n/2. */
  double lo = v[0];
  for (size_t i = 1; i < n / 2; i++) if (v[i] > lo) lo = v[i];
  return (lo + hi) / 2;
}

double kh_mean(const double *v, size_t n) {
  if (n == 0) return NAN;
  double s = 0;
  for (size_t i = 0; i < n; i++) s += v[i];
  return s / (double)n;
}

/* Robust coefficient of variation: 1.4826 * median absolute deviation /
 * median, which equals stddev / mean for normally distributed samples but
 * ignores the few samples a timer interrupt or a preemption stretched (on
 * these virtual machines a core loses 5 us to 4 ms a few hundred times per
 * second, which makes the plain stddev / mean meaningless). Uses scratch. */
double kh_robust_cv(const double *v, size_t n, double *scratch) {
  if (n < 2) return 0;
  for (size_t i = 0; i < n; i++) scratch[i] = v[i];
  const double med = kh_median(scratch, n);
  for (size_t i = 0; i < n; i++) scratch[i] = fabs(v[i] - med);
  return 1.4826 * kh_median(scratch, n) / med;
}

double kh_cv(const double *v, size_t n) {
  if (n < 2) return 0;
  const double m = kh_mean(v, n);
  double ss = 0;
  for (size_t i = 0; i < n; i++) ss += (v[i] - m) * (v[i] - m);
  return sqrt(ss / (double)(n - 1)) / m;
}
