/**
 * The compiled-code Judge: nanoseconds per element as a non-negative sum of
 * per-instruction-class costs over a kernel's compiled hot loop
 * (`kernel/asm_features.ts`), fitted on measured variants. It is a learned
 * throughput table read off what the compiler produced, not off the
 * expression: it sees reloaded constants, register copies, spills and
 * which vector math function is called how often.
 *
 * Its job is to order the forms of one kernel, so it is fitted on
 * differences within a kernel: features and times are centred on their
 * kernel's mean and divided by the kernel's mean time (every kernel weighs
 * the same, whatever its size), and the weights are the non-negative least
 * squares solution. The intercept (loop overhead the centring removes) is
 * then the median residual on the training variants, so predicted times
 * are in nanoseconds too.
 */
import { ASM_FEATURES } from "../kernel/asm_features.ts";
import { median } from "../base/stats.ts";

/** A fitted compiled-code Judge, as stored in a profile (`asm_judge.json`). */
export interface AsmJudge {
  /** Feature names, in the order of `weights`: ASM_FEATURES when it was fitted. */
  readonly features: readonly string[];
  /** Nanoseconds per element per occurrence in the loop, >= 0. */
  readonly weights: readonly number[];
  readonly interceptNs: number;
  /** Variants and kernels it was fitted on. */
  readonly variants: number;
  readonly kernels: number;
}

/** One measured variant with the features of its compiled loop. */
export interface AsmExample {
  readonly of: string;
  readonly x: Float64Array;
  readonly ns: number;
}

/** Ridge added to the normal equations: keeps weights of features that never vary in a kernel at 0. */
const RIDGE = 1e-6;

/**
 * Non-negative least squares on the normal equations (`gram` = AᵀA, `rhs` =
 * Aᵀb) by cyclic coordinate descent: each weight in turn is set to its
 * optimum given the others, clamped at 0. The problem is convex, so this
 * converges to the NNLS solution; with a few dozen features it takes
 * milliseconds.
 */
export function nnlsNormal(gram: Float64Array[], rhs: Float64Array, sweeps = 5000, tol = 1e-12): Float64Array {
  const n = rhs.length;
  const w = new Float64Array(n);
  const gw = new Float64Array(n); // gram * w, kept up to date
  for (let s = 0; s < sweeps; s++) {
    let moved = 0;
    for (let j = 0; j < n; j++) {
      if (gram[j][j] <= 0) continue;
      const next = Math.max(0, w[j] + (rhs[j] - gw[j]) / gram[j][j]);
      const d = next - w[j];
      if (d === 0) continue;
      w[j] = next;
      for (let i = 0; i < n; i++) gw[i] += gram[i][j] * d;
      moved = Math.max(moved, Math.abs(d));
    }
    if (moved < tol) break;
  }
  return w;
}

/** Fits the compiled-code Judge on `examples` (variants of at least two kernels, grouped by `of`). */
export function fitAsmJudge(examples: readonly AsmExample[]): AsmJudge {
  const groups = new Map<string, AsmExample[]>();
  for (const e of examples) {
    const g = groups.get(e.of);
    if (g === undefined) groups.set(e.of, [e]);
    else g.push(e);
  }
  const n = ASM_FEATURES.length;
  const gram = Array.from({ length: n }, () => new Float64Array(n));
  const rhs = new Float64Array(n);
  const row = new Float64Array(n);
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const meanNs = g.reduce((s, e) => s + e.ns, 0) / g.length;
    const meanX = new Float64Array(n);
    for (const e of g) for (let j = 0; j < n; j++) meanX[j] += e.x[j] / g.length;
    for (const e of g) {
      for (let j = 0; j < n; j++) row[j] = (e.x[j] - meanX[j]) / meanNs;
      const y = (e.ns - meanNs) / meanNs;
      for (let i = 0; i < n; i++) {
        if (row[i] === 0) continue;
        rhs[i] += row[i] * y;
        for (let j = 0; j < n; j++) gram[i][j] += row[i] * row[j];
      }
    }
  }
  for (let j = 0; j < n; j++) gram[j][j] += RIDGE;
  const w = nnlsNormal(gram, rhs);
  const dot = (x: Float64Array) => x.reduce((s, v, j) => s + v * w[j], 0);
  return {
    features: [...ASM_FEATURES],
    weights: [...w],
    interceptNs: median(examples.map((e) => e.ns - dot(e.x))),
    variants: examples.length,
    kernels: groups.size,
  };
}

/** Predicted nanoseconds per element of a kernel whose loop has features `x`. */
export function asmPredictNs(j: AsmJudge, x: Float64Array): number {
  if (j.features.length !== x.length) {
    throw new Error(`the compiled-code Judge knows ${j.features.length} features, this build counts ${x.length}`);
  }
  let s = j.interceptNs;
  for (let i = 0; i < x.length; i++) s += j.weights[i] * x[i];
  return s;
}
