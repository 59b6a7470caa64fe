/**
 * How well a cost model predicts measured times: Kendall's tau (rank
 * agreement) within each kernel's variants and over all variants, and the
 * mean absolute percentage error. Plus the single scale factor that makes
 * a cost in other units (static cost, llvm-mca cycles) comparable in MAPE.
 */

/**
 * Kendall's tau-b of two paired samples: (concordant - discordant) pairs
 * over the geometric mean of the pairs not tied in each sample. Ties (a
 * static table gives many) count for neither side. NaN below two points or
 * when one side is constant.
 */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new Error(`kendallTau: ${n} values against ${b.length}`);
  let c = 0, d = 0, ta = 0, tb = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const x = Math.sign(a[i] - a[j]), y = Math.sign(b[i] - b[j]);
      if (x === 0 && y === 0) continue;
      if (x === 0) ta++;
      else if (y === 0) tb++;
      else if (x === y) c++;
      else d++;
    }
  }
  const denom = Math.sqrt((c + d + ta) * (c + d + tb));
  return denom === 0 ? NaN : (c - d) / denom;
}

/** Mean absolute percentage error of predictions against measurements (a fraction). */
export function mape(predicted: ArrayLike<number>, measured: ArrayLike<number>): number {
  if (predicted.length !== measured.length) throw new Error("mape: lengths differ");
  if (measured.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < measured.length; i++) s += Math.abs(predicted[i] - measured[i]) / measured[i];
  return s / measured.length;
}

/**
 * The factor s minimizing sum ((s c_i - m_i) / m_i)^2: least squares on
 * relative error, the error MAPE measures, so that a model in other units
 * gets its fairest single scale. s = sum(c/m) / sum((c/m)^2).
 */
export function relativeScale(cost: ArrayLike<number>, measured: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < cost.length; i++) {
    const r = cost[i] / measured[i];
    if (!Number.isFinite(r)) continue;
    num += r;
    den += r * r;
  }
  return den > 0 ? num / den : NaN;
}

export interface RankReport {
  /** Mean over kernels (with at least `minVariants` variants) of the within-kernel tau. */
  readonly tauWithin: number;
  /** Kernels that entered the mean. */
  readonly kernels: number;
  /** Tau over all variants of all kernels together. */
  readonly tauAll: number;
  readonly mape: number;
  readonly n: number;
  /**
   * The pick alone, with no measurement: geometric mean over the same
   * kernels of the measured time of the variant predicted fastest over the
   * fastest measured one (1 is a perfect pick). Variants tied for the
   * fastest prediction count by their mean time, as a random pick would.
   */
  readonly pickRegret: number;
}

/**
 * Predictions against measurements, grouped by kernel. Kernels with fewer
 * than `minVariants` variants (or a constant measurement) do not enter the
 * within-kernel mean.
 */
export function rankReport(
  groups: ArrayLike<string>,
  predicted: ArrayLike<number>,
  measured: ArrayLike<number>,
  minVariants = 3,
): RankReport {
  const by = new Map<string, number[]>();
  for (let i = 0; i < groups.length; i++) {
    const g = by.get(groups[i]);
    if (g === undefined) by.set(groups[i], [i]);
    else g.push(i);
  }
  let sum = 0, k = 0, logRegret = 0;
  for (const idx of by.values()) {
    if (idx.length < minVariants) continue;
    const t = kendallTau(idx.map((i) => predicted[i]), idx.map((i) => measured[i]));
    const constant = idx.every((i) => measured[i] === measured[idx[0]]);
    if (constant) continue;
    // A model that predicts one value for every variant ranks nothing: tau 0.
    sum += Number.isNaN(t) ? 0 : t;
    k++;
    const fastest = Math.min(...idx.map((i) => predicted[i]));
    const picked = idx.filter((i) => predicted[i] === fastest);
    const pickedNs = picked.reduce((s, i) => s + measured[i], 0) / picked.length;
    logRegret += Math.log(pickedNs / Math.min(...idx.map((i) => measured[i])));
  }
  return {
    tauWithin: k > 0 ? sum / k : NaN,
    pickRegret: k > 0 ? Math.exp(logRegret / k) : NaN,
    kernels: k,
    tauAll: kendallTau(predicted, measured),
    mape: mape(predicted, measured),
    n: measured.length,
  };
}
