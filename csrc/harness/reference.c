/*
 * The reference kernel: a fixed piece of float32 SIMD work timed next to
 * every kernel in the same process, so that a kernel's time can be stored
 * as a ratio to it. Absolute times of one kernel vary by about 10% between
 * processes on these machines (frequency, placement, neighbours); the ratio
 * to a kernel measured alternately with it varies by about 1%.
 *
 * It mixes what kernels are made of (multiplies and adds, a division, a
 * square root) so that it slows down with them. A version that also called
 * libmvec's expf tracked the machine's slow spells of libmvec-heavy kernels
 * somewhat, but had slow spells of its own (2.5x, in about one measuring
 * process in ten) and made the ratios noisier when the machine was quiet;
 * this one has not been seen to vary by more than 1%. Never change it
 * without bumping KH_REFERENCE_VERSION: every stored ratio is relative to it.
 */
#include <math.h>

#include "harness.h"

void kh_reference(const float *const *in, float *out, size_t n) {
  const float *restrict x = in[0];
  const float *restrict y = in[1];
  float *restrict o = out;
  for (size_t i = 0; i < n; i++) {
    const float p = (((0.1f * x[i] + 0.2f) * x[i] + 0.3f) * x[i] + 0.4f) * x[i] + 0.5f;
    o[i] = p / (1.0f + y[i] * y[i]) + sqrtf(x[i] * 0.5f + 1.0f);
  }
}

void kh_reference_inputs(float *x, float *y, size_t n) {
  uint32_t s = 12345u;
  for (size_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    x[i] = 0.5f + (float)(s >> 8) * 0x1p-24f;
    s = s * 1664525u + 1013904223u;
    y[i] = -2.0f + 4.0f * (float)(s >> 8) * 0x1p-24f;
  }
}
