/*
 * Timing one kernel, in the measuring child (already pinned to its core).
 *
 * A sample is `inner` back-to-back calls over the same cache-resident
 * inputs, with `inner` chosen so that a sample lasts about sample_us (long
 * enough that the clock's own cost, ~20 ns, is noise). Kernel and
 * reference samples alternate, in swapped order every round so that
 * neither always runs first; the ratio is the median of each kernel sample
 * over the reference sample next to it, which cancels drifts in frequency
 * that move both. Sampling stops after min_ms of kernel time and at least
 * min_samples rounds (or at max_samples).
 */
#include <math.h>
#include <stdlib.h>

#include "harness.h"

/* Nanoseconds of `calls` calls of k. */
static double timed(kh_kernel k, const float *const *in, float *out, size_t n, uint32_t calls) {
  const double t0 = kh_now_ns();
  for (uint32_t c = 0; c < calls; c++) k(in, out, n);
  return kh_now_ns() - t0;
}

/* Calls per sample so that one sample lasts about target_ns. */
static uint32_t calibrate(kh_kernel k, const float *const *in, float *out, size_t n, double target_ns) {
  uint32_t calls = 1;
  for (;;) {
    const double t = timed(k, in, out, n, calls);
    if (t >= target_ns / 4 || calls >= (1u << 24)) {
      const double per = t / calls;
      const double want = ceil(target_ns / (per > 1 ? per : 1));
      return want < 1 ? 1 : want > (1u << 24) ? (1u << 24) : (uint32_t)want;
    }
    calls *= 2;
  }
}

void kh_measure(kh_kernel k, const float *const *in, float *out, size_t n, const struct kh_settings *s,
                struct kh_timing *t, struct kh_arena *arena) {
  /* The reference always runs on its own KH_REFERENCE_N elements, so its
   * time per element does not depend on the job. */
  const size_t rn = KH_REFERENCE_N;
  float *rx = kh_arena_take(arena, rn), *ry = kh_arena_take(arena, rn), *ro = kh_arena_take(arena, rn);
  kh_reference_inputs(rx, ry, rn);
  const float *rin[2] = {rx, ry};

  /* Warm-up: caches, branch predictors, and the clock frequency. */
  const double w0 = kh_now_ns();
  while (kh_now_ns() - w0 < s->warmup_ms * 1e6) {
    k(in, out, n);
    kh_reference(rin, ro, rn);
  }
  const uint32_t ki = calibrate(k, in, out, n, s->sample_us * 1e3);
  const uint32_t ri = calibrate(kh_reference, rin, ro, rn, s->sample_us * 1e3);

  const uint32_t cap = s->max_samples > 0 ? s->max_samples : 1;
  double *ks = malloc(sizeof(double) * cap), *rs = malloc(sizeof(double) * cap),
         *q = malloc(sizeof(double) * cap);
  uint32_t m = 0;
  double spent = 0;
  while (m < cap && (spent < s->min_ms * 1e6 || m < s->min_samples)) {
    double a, b;
    if (m % 2 == 0) {
      a = timed(k, in, out, n, ki);
      b = timed(kh_reference, rin, ro, rn, ri);
    } else {
      b = timed(kh_reference, rin, ro, rn, ri);
      a = timed(k, in, out, n, ki);
    }
    spent += a;
    ks[m] = a / ((double)ki * (double)n);
    rs[m] = b / ((double)ri * (double)rn);
    q[m] = ks[m] / rs[m];
    m++;
  }
  double *scratch = malloc(sizeof(double) * cap);
  t->cv = kh_robust_cv(ks, m, scratch);
  t->ref_cv = kh_robust_cv(rs, m, scratch);
  t->plain_cv = kh_cv(ks, m);
  free(scratch);
  t->ns_per_elem = kh_median(ks, m);
  t->ref_ns_per_elem = kh_median(rs, m);
  t->ratio = kh_median(q, m);
  t->samples = m;
  t->inner = ki;
  free(ks);
  free(rs);
  free(q);
}
