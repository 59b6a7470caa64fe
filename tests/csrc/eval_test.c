/* C-side tests of the interpreter and the clock, run under ASan and UBSan. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../csrc/kopt.h"
#include "check.h"

int main(void) {
  /* (x * y) + 1.5 over 1000 points (crosses the chunk boundary). */
  enum { N = 1000 };
  float *in = malloc(sizeof(float) * 2 * N), *out = malloc(sizeof(float) * N);
  for (int k = 0; k < N; k++) { in[k] = (float)k; in[N + k] = 0.5f; }
  const int32_t code[] = {KOPT_VAR, 0, 0, 0, KOPT_VAR, 1, 0, 0, KOPT_MUL, 0, 1, 0,
                          KOPT_CONST, 0, 0, 0, KOPT_ADD, 2, 3, 0};
  const float consts[] = {1.5f};
  CHECK(kopt_eval_f32(code, 5, consts, in, 2, out, N) == 0);
  for (int k = 0; k < N; k++) CHECK(out[k] == (float)k * 0.5f + 1.5f);

  /* fma rounds once. */
  const int32_t fma_code[] = {KOPT_VAR, 0, 0, 0, KOPT_VAR, 1, 0, 0, KOPT_CONST, 0, 0, 0, KOPT_FMA, 0, 1, 2};
  float a[2] = {1.0f + 0x1p-12f, 1.0f + 0x1p-12f}, c = -0x1p-11f, r;
  CHECK(kopt_eval_f32(fma_code, 4, &c, a, 2, &r, 1) == 0);
  CHECK(r == fmaf(a[0], a[1], c));

  /* Malformed programs are refused, not run. */
  const int32_t forward[] = {KOPT_ADD, 0, 1, 0};
  CHECK(kopt_eval_f32(forward, 1, consts, in, 2, out, N) == -1);
  const int32_t badvar[] = {KOPT_VAR, 7, 0, 0};
  CHECK(kopt_eval_f32(badvar, 1, consts, in, 2, out, N) == -1);
  const int32_t deriv[] = {KOPT_VAR, 0, 0, 0, KOPT_VAR, 0, 0, 0, KOPT_D, 0, 1, 0};
  CHECK(kopt_eval_f32(deriv, 3, consts, in, 2, out, N) == -1);
  CHECK(kopt_eval_f32(code, 0, consts, in, 2, out, N) == -1);

  /* Kind table. */
  CHECK(kopt_kind_count() == KOPT_KIND_COUNT);
  CHECK(kopt_kind_name(KOPT_KIND_COUNT) == NULL);

  /* The clock moves forward. */
  double t0 = kopt_now_ns(), t1 = kopt_now_ns();
  CHECK(t1 >= t0 && t0 > 0);

  free(in);
  free(out);
  if (failures == 0) printf("eval_test: ok\n");
  return failures == 0 ? 0 : 1;
}
