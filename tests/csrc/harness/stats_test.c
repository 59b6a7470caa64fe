/* Tests of the harness's sample statistics, run under ASan and UBSan by
 * tests/kernel/harness_test.ts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../../csrc/harness/harness.h"
#include "../check.h"

static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  /* The median against sorting, for many sizes and orders, with duplicates. */
  unsigned s = 7;
  for (size_t n = 1; n < 200; n++) {
    double *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++) {
      s = s * 1103515245u + 12345u;
      v[i] = w[i] = (double)((s >> 16) % 50);
    }
    qsort(w, n, sizeof *w, cmp);
    const double want = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
    CHECK(kh_median(v, n) == want);
    free(v);
    free(w);
  }
  double one[1] = {3};
  CHECK(kh_median(one, 1) == 3);
  CHECK(isnan(kh_median(one, 0)));

  /* CV of a constant is 0; of {1, 3}: sd sqrt(2), mean 2. */
  const double c[4] = {2, 2, 2, 2}, d[2] = {1, 3};
  CHECK(kh_cv(c, 4) == 0);
  CHECK(fabs(kh_cv(d, 2) - sqrt(2.0) / 2) < 1e-12);
  /* The robust CV ignores one wild sample; the plain one does not. */
  double e[9] = {10, 10.1, 9.9, 10, 10.2, 9.8, 10, 10.1, 1000}, scratch[9];
  CHECK(kh_robust_cv(e, 9, scratch) < 0.02);
  CHECK(kh_cv(e, 9) > 1);

  /* The clock moves forward. */
  const double t0 = kh_now_ns(), t1 = kh_now_ns();
  CHECK(t1 >= t0 && t0 > 0);

  if (failures == 0) printf("stats_test: ok\n");
  return failures == 0 ? 0 : 1;
}
