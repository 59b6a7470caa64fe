/**
 * Speed of the approximations: ns per element of a C loop over 4,096
 * in-range float32s (hot in L1, so it measures the arithmetic, as kernels
 * see it), each entry timed in batches of at least 5 ms, the best of 7 (the
 * machine is shared: a batch that lost its core to another process is
 * slower, never faster). The
 * entries are C expressions over `kav x` (and `kav y`), so the caller can
 * time the functions the project uses today next to them (the kernel
 * preamble's libmvec and SLEEF wrappers), in the same program.
 */
import { buildC, runC } from "./cc.ts";
import { approxC, type Approximation } from "./catalog.ts";
import type { ApproxIsa } from "./prelude.ts";

export interface BenchEntry {
  readonly label: string;
  /** C expression of type kav over `x` (and `y`). */
  readonly call: string;
  /** Inputs: x in [lo, hi] (log-spaced when `log`), y in [ylo, yhi]. */
  readonly lo: number;
  readonly hi: number;
  readonly log?: boolean;
  readonly ylo?: number;
  readonly yhi?: number;
}

function benchSource(
  isa: ApproxIsa,
  pre: string,
  list: readonly Approximation[],
  entries: readonly BenchEntry[],
): string {
  const cases = entries.map((e, i) =>
    `    case ${i}:
      for (int k = 0; k < N; k += KAP_LANES) {
        kav x, y;
        memcpy(&x, X + k, sizeof x);
        memcpy(&y, Y + k, sizeof y);
        (void)y;
        const kav r = ${e.call};
        memcpy(OUT + k, &r, sizeof r);
      }
      break;`
  ).join("\n");
  const ranges = entries.map((e) => `{ ${e.lo}, ${e.hi}, ${e.log ? 1 : 0}, ${e.ylo ?? 0}, ${e.yhi ?? 0} }`).join(", ");
  return `${pre}
${approxC(isa, list)}
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
enum { N = 4096, NE = ${entries.length} };
static float X[N], Y[N];
static float OUT[N];
static const double RANGE[NE][5] = { ${ranges} };
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static void __attribute__((noinline)) pass(int e) {
  switch (e) {
${cases}
  }
}
static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
int main(void) {
  float sink = 0.0f;
  for (int e = 0; e < NE; e++) {
    unsigned s = 12345u;
    for (int k = 0; k < N; k++) {
      s = s * 1664525u + 1013904223u;
      const double u = (double)(s >> 8) / 16777216.0;
      const double lo = RANGE[e][0], hi = RANGE[e][1];
      X[k] = (float)(RANGE[e][2] != 0.0 ? lo * pow(hi / lo, u) : lo + (hi - lo) * u);
      s = s * 1664525u + 1013904223u;
      Y[k] = (float)(RANGE[e][3] + (RANGE[e][4] - RANGE[e][3]) * ((double)(s >> 8) / 16777216.0));
    }
    long reps = 1;
    for (;;) {
      const double t0 = now();
      for (long r = 0; r < reps; r++) pass(e);
      if (now() - t0 > 0.005) break;
      reps *= 2;
    }
    double t[7];
    for (int i = 0; i < 7; i++) {
      const double t0 = now();
      for (long r = 0; r < reps; r++) pass(e);
      t[i] = (now() - t0) / ((double)reps * N) * 1e9;
    }
    qsort(t, 7, sizeof t[0], cmp);
    sink += OUT[N / 2];
    printf("%d %.4f\\n", e, t[0]);
  }
  fprintf(stderr, "%g\\n", (double)sink);
  return 0;
}
`;
}

/** ns per element of each entry; `pre` is C put first (another preamble), `libs` linked after. */
export async function runBench(
  isa: ApproxIsa,
  pre: string,
  list: readonly Approximation[],
  entries: readonly BenchEntry[],
  libs: readonly string[] = [],
): Promise<{ label: string; ns: number }[]> {
  const exe = await buildC(benchSource(isa, pre, list, entries), isa, "bench", ["-O3", "-march=native", ...libs]);
  const out = new TextDecoder().decode(await runC(exe, isa));
  const ns = new Map(out.trim().split("\n").map((l) => l.split(" ").map(Number) as [number, number]));
  return entries.map((e, i) => ({ label: e.label, ns: ns.get(i) ?? NaN }));
}
