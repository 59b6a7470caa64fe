/**
 * The error checker: a C program per function that runs every tier of it
 * (vectorized, the host's widest ISA) over the inputs of its domain and
 * measures the max distance in ulps from the correctly rounded result.
 *
 * Exhaustive for one-argument functions: every float32 bit pattern of the
 * domain's ranges (up to 2^32), split over threads. Sampled otherwise (and
 * for the fast variant in the test suite): uniform bit patterns of the
 * ranges plus the first and last 4,096 of each range, or for pow the
 * design's own sampler.
 *
 * The reference is the double-precision libm function (glibc, < 1 ulp of
 * double) rounded to float32. That is the correctly rounded float32 result
 * except when the exact value lies within about 2^-29 ulp of a midpoint
 * between two floats, which can shift a measurement by at most 1 ulp at
 * such rare points. Distance is counted on the ordered float32 line (ulp.ts's
 * `ulpDistance`): between subnormals it is absolute (2^-149 per step), +inf
 * is one step past the largest float, and a NaN where a number belongs (or
 * the reverse) counts 2^32.
 */
import type { Approximation } from "./catalog.ts";
import { approxC } from "./catalog.ts";
import { buildC, runC } from "./cc.ts";
import type { Design } from "./design.ts";
import type { ApproxIsa } from "./prelude.ts";

export interface CheckRow {
  readonly fn: string;
  readonly bound: number;
  readonly degrees: readonly number[];
  readonly domain: string;
  /** Max ulps measured, and where (bits of the argument(s)). */
  readonly maxUlp: number;
  readonly worst: readonly number[];
  readonly inputs: number;
  readonly seconds: number;
  readonly exhaustive: boolean;
}

export function checkerSource(isa: ApproxIsa, d: Design, tiers: readonly Approximation[]): string {
  const ranges = d.ranges ?? [[0, 0]];
  const calls = tiers.map((a, i) =>
    `  { kav r = ${a.cName}(${
      d.arity === 1 ? "va" : "va, vb"
    }); memcpy(out, &r, sizeof r); tally(j, ${i}, a, b, out, ref, n); }`
  ).join("\n");
  return `${approxC(isa, tiers)}
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
enum { NT = ${tiers.length}, NR = ${ranges.length}, ARITY = ${d.arity} };
static const uint32_t RANGES[NR][2] = { ${ranges.map(([a, b]) => `{ ${a}u, ${b}u }`).join(", ")} };
static float reference(float fa, float fb) {
  const double a = fa, b = fb;
  (void)b;
  return (float)(${d.referenceC});
}
typedef struct {
  uint64_t lo, hi, seed, count;
  int sampled;
  uint64_t max[NT];
  float worst_a[NT], worst_b[NT];
} job;
static uint64_t total_patterns(void) {
  uint64_t t = 0;
  for (int r = 0; r < NR; r++) t += (uint64_t)RANGES[r][1] - RANGES[r][0] + 1;
  return t;
}
static float pattern(uint64_t k) {
  for (int r = 0; r < NR; r++) {
    const uint64_t size = (uint64_t)RANGES[r][1] - RANGES[r][0] + 1;
    if (k < size) {
      const uint32_t u = RANGES[r][0] + (uint32_t)k;
      float f;
      memcpy(&f, &u, sizeof f);
      return f;
    }
    k -= size;
  }
  return 0.0f;
}
static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
/* Distances of a block's lanes (branch-free, so it vectorizes); the scalar search only when the max grows. */
static inline void tally(job *j, int t, const float *a, const float *b, const float *out, const float *ref, int n) {
  int64_t d[KAP_LANES];
  int64_t m = 0;
  for (int l = 0; l < KAP_LANES; l++) {
    int32_t ir, ie;
    memcpy(&ir, &out[l], sizeof ir);
    memcpy(&ie, &ref[l], sizeof ie);
    const int nr = (ir & 0x7fffffff) > 0x7f800000, ne = (ie & 0x7fffffff) > 0x7f800000;
    const int64_t orr = ir < 0 ? (int64_t)INT32_MIN - ir : (int64_t)ir;
    const int64_t oe = ie < 0 ? (int64_t)INT32_MIN - ie : (int64_t)ie;
    const int64_t diff = orr > oe ? orr - oe : oe - orr;
    d[l] = (nr | ne) ? ((nr & ne) ? 0 : (int64_t)1 << 32) : diff;
    d[l] = l < n ? d[l] : 0;
    m = d[l] > m ? d[l] : m;
  }
  if ((uint64_t)m <= j->max[t]) return;
  for (int l = 0; l < n; l++) {
    if ((uint64_t)d[l] > j->max[t]) {
      j->max[t] = (uint64_t)d[l];
      j->worst_a[t] = a[l];
      j->worst_b[t] = b[l];
    }
  }
}
static void block(job *j, const float *a, const float *b, int n) {
  float out[KAP_LANES], ref[KAP_LANES];
  for (int l = 0; l < n; l++) ref[l] = reference(a[l], b[l]);
  kav va, vb;
  memcpy(&va, a, sizeof va);
  memcpy(&vb, b, sizeof vb);
  (void)vb;
${calls}
  j->count += (uint64_t)n;
}
static void sample(uint64_t *s, float *pa, float *pb, uint64_t total) {
  const uint64_t r1 = splitmix(s), r2 = splitmix(s);
  float a = 0.0f, b = 0.0f;
  (void)r2;
  if (ARITY == 1) a = pattern(r1 % total);
  else ${d.sampleC ?? "{ }"}
  *pa = a;
  *pb = b;
}
static void *work(void *p) {
  job *j = p;
  const uint64_t total = total_patterns();
  float a[KAP_LANES], b[KAP_LANES];
  uint64_t s = j->seed;
  for (uint64_t k = j->lo; k < j->hi; k += KAP_LANES) {
    int n = 0;
    for (; n < KAP_LANES && k + (uint64_t)n < j->hi; n++) {
      if (j->sampled) {
        float fa = 0.0f, fb = 0.0f;
        sample(&s, &fa, &fb, total);
        a[n] = fa;
        b[n] = fb;
      } else {
        a[n] = pattern(k + (uint64_t)n);
        b[n] = 0.0f;
      }
    }
    for (int l = n; l < KAP_LANES; l++) a[l] = a[0], b[l] = b[0];
    block(j, a, b, n);
  }
  return NULL;
}
/* The first and last 4,096 patterns of each range (sampled runs). */
static void edges(job *j) {
  float a[KAP_LANES], b[KAP_LANES] = { 0.0f };
  uint64_t base = 0;
  for (int r = 0; r < NR; r++) {
    const uint64_t size = (uint64_t)RANGES[r][1] - RANGES[r][0] + 1;
    for (uint64_t k = 0; k < size && k < 8192; k += KAP_LANES) {
      for (int l = 0; l < KAP_LANES; l++) {
        const uint64_t i = k + (uint64_t)l;
        const uint64_t at = i < 4096 ? i : size - 8192 + i;
        a[l] = pattern(base + (at < size ? at : size - 1));
      }
      block(j, a, b, KAP_LANES);
    }
    base += size;
  }
}
int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s exhaustive|sampled COUNT THREADS\\n", argv[0]);
    return 2;
  }
  const int sampled = strcmp(argv[1], "sampled") == 0;
  const uint64_t n = sampled ? strtoull(argv[2], NULL, 10) : total_patterns();
  int nt = atoi(argv[3]);
  if (nt < 1 || nt > 64) nt = 1;
  job jobs[64];
  pthread_t th[64];
  memset(jobs, 0, sizeof jobs);
  for (int i = 0; i < nt; i++) {
    jobs[i].lo = n / (uint64_t)nt * (uint64_t)i;
    jobs[i].hi = i == nt - 1 ? n : n / (uint64_t)nt * (uint64_t)(i + 1);
    jobs[i].sampled = sampled;
    jobs[i].seed = 0x5eed0000ull + (uint64_t)i;
    pthread_create(&th[i], NULL, work, &jobs[i]);
  }
  for (int i = 0; i < nt; i++) pthread_join(th[i], NULL);
  if (sampled && ARITY == 1) edges(&jobs[0]);
  uint64_t count = 0;
  for (int i = 0; i < nt; i++) count += jobs[i].count;
  for (int t = 0; t < NT; t++) {
    int w = 0;
    for (int i = 1; i < nt; i++) if (jobs[i].max[t] > jobs[w].max[t]) w = i;
    uint32_t ua, ub;
    memcpy(&ua, &jobs[w].worst_a[t], sizeof ua);
    memcpy(&ub, &jobs[w].worst_b[t], sizeof ub);
    printf("%d %llu %u %u %llu\\n", t, (unsigned long long)jobs[w].max[t], ua, ub, (unsigned long long)count);
  }
  return 0;
}
`;
}

/**
 * Checks every tier of one function: exhaustively (`samples` null, one-
 * argument functions) or on `samples` random inputs (plus range edges).
 */
export async function checkFunction(
  d: Design,
  tiers: readonly Approximation[],
  isa: ApproxIsa,
  samples: number | null,
  threads = 2,
): Promise<CheckRow[]> {
  const exhaustive = samples === null && d.arity === 1;
  const count = samples ?? 2 ** 26;
  const exe = await buildC(checkerSource(isa, d, tiers), isa, `check-${d.name}`, ["-O3"]);
  const t0 = performance.now();
  const out = new TextDecoder().decode(
    await runC(exe, isa, [exhaustive ? "exhaustive" : "sampled", String(count), String(threads)]),
  );
  const seconds = (performance.now() - t0) / 1000;
  const lines = out.trim().split("\n").map((l) => l.split(" ").map(Number));
  return tiers.map((a, i) => {
    const [, max, wa, wb, inputs] = lines[i];
    return {
      fn: d.name,
      bound: a.bound,
      degrees: a.degrees,
      domain: d.domain,
      maxUlp: max,
      worst: d.arity === 1 ? [wa] : [wa, wb],
      inputs,
      seconds,
      exhaustive,
    };
  });
}
