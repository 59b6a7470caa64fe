/**
 * Dense linear solves for the Remez exchange. Each exchange step solves a
 * small (degree + 2 square) system whose Vandermonde-like rows are badly
 * conditioned at high degree, and the minimax error it solves for is tiny
 * next to the function values (2^-30 against 1), so a plain float64 solve
 * can lose the very digits the fit is about. Hence: Gaussian elimination
 * with scaled partial pivoting, then iterative refinement whose residual
 * is computed with compensated (double-double) dot products, which
 * recovers close to full float64 accuracy in the solution.
 */

/** Veltkamp's split constant for float64: 2^27 + 1. */
const SPLIT = 134217729;

/** a*b as an unevaluated sum hi + lo (Dekker's TwoProduct). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const as = SPLIT * a, bs = SPLIT * b;
  const ah = as - (as - a), al = a - ah;
  const bh = bs - (bs - b), bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

/**
 * c - sum a[k] x[k], accumulated in double-double (Ogita, Rump and Oishi's
 * Dot2): as accurate as if computed in twice the precision, then rounded.
 */
export function residual(c: number, a: readonly number[], x: readonly number[]): number {
  let s = c, e = 0;
  for (let k = 0; k < a.length; k++) {
    const [p, pl] = twoProduct(-a[k], x[k]);
    const t = s + p;
    const z = t - s;
    e += ((s - (t - z)) + (p - z)) + pl;
    s = t;
  }
  return s + e;
}

/** LU factors with the row permutation, from scaled partial pivoting. */
interface Lu {
  readonly lu: number[][];
  readonly perm: number[];
}

function factor(a: readonly (readonly number[])[]): Lu {
  const n = a.length;
  const lu = a.map((row) => {
    if (row.length !== n) throw new Error(`linear solve: row of ${row.length} in a ${n}x${n} system`);
    return [...row];
  });
  const perm = [...Array(n).keys()];
  // Each row's scale, so a pivot is chosen by its size relative to its row.
  const scale = lu.map((row) => Math.max(...row.map(Math.abs)));
  for (let k = 0; k < n; k++) {
    let best = k, bestVal = -1;
    for (let i = k; i < n; i++) {
      const v = scale[perm[i]] === 0 ? 0 : Math.abs(lu[i][k]) / scale[perm[i]];
      if (v > bestVal) [best, bestVal] = [i, v];
    }
    if (bestVal === 0 || !Number.isFinite(bestVal)) throw new Error("linear solve: singular system");
    if (best !== k) {
      [lu[k], lu[best]] = [lu[best], lu[k]];
      [perm[k], perm[best]] = [perm[best], perm[k]];
    }
    for (let i = k + 1; i < n; i++) {
      const m = lu[i][k] / lu[k][k];
      lu[i][k] = m;
      for (let j = k + 1; j < n; j++) lu[i][j] -= m * lu[k][j];
    }
  }
  return { lu, perm };
}

function substitute({ lu, perm }: Lu, b: readonly number[]): number[] {
  const n = lu.length;
  const y = perm.map((p) => b[p]);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) y[i] -= lu[i][j] * y[j];
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) y[i] -= lu[i][j] * y[j];
    y[i] /= lu[i][i];
  }
  return y;
}

/**
 * x with a x = b, a square and non-singular. `refine` steps of iterative
 * refinement with double-double residuals follow the elimination.
 */
export function solve(a: readonly (readonly number[])[], b: readonly number[], refine = 3): number[] {
  if (b.length !== a.length) throw new Error(`linear solve: ${a.length} rows but ${b.length} right-hand sides`);
  const f = factor(a);
  const x = substitute(f, b);
  for (let it = 0; it < refine; it++) {
    const r = a.map((row, i) => residual(b[i], row, x));
    const d = substitute(f, r);
    for (let i = 0; i < x.length; i++) x[i] += d[i];
  }
  return x;
}
