/**
 * Minimax polynomial fitting by the Remez exchange algorithm: the
 * polynomial p of degree n minimizing max |w(x) (p(x) - f(x))| over [a, b].
 * Every approximation in this folder is a range reduction followed by one
 * such polynomial; `w = 1/f` gives relative error, which is what a bound in
 * ulps needs.
 *
 * Each step solves for p and a level E with w (p - f) = ±E alternating at
 * n + 2 reference points (a (n+2)-square linear system, `linear.ts`), then
 * moves the reference to the n + 2 alternating extrema of the new error,
 * found by dense sampling (Chebyshev-spaced, dense near the ends) and
 * golden-section refinement of each local extremum. It stops when the
 * extrema are level to a relative 1e-6 (or to float64's noise) (Chebyshev's equioscillation
 * theorem: then p is the minimax polynomial) or when the error is at
 * float64 noise (f is itself such a polynomial).
 *
 * The system is solved in the variable u = x / s with s = max(|a|, |b|), so
 * the monomials stay within [-1, 1], and mapped back to monomials in x.
 */
import { solve } from "./linear.ts";

export type Fn = (x: number) => number;

export interface RemezOptions {
  /** Weight of the error; default 1 (absolute error). Relative error: `(x) => 1 / f(x)`. */
  readonly weight?: Fn;
  /** Sample points per reference point when searching the extrema (default 64). */
  readonly density?: number;
  /** Exchange steps at most (default 60). */
  readonly maxIterations?: number;
}

export interface RemezResult {
  /** Coefficients of x^0 .. x^n. */
  readonly coeffs: number[];
  /** The max weighted error over the sampled interval. */
  readonly maxError: number;
  /** The final reference: n + 2 points where the error alternates. */
  readonly reference: number[];
  /** The weighted error at each reference point. */
  readonly levels: number[];
  readonly iterations: number;
}

/** p(x) by Horner, in float64. */
export function horner(c: readonly number[], x: number): number {
  let r = 0;
  for (let k = c.length - 1; k >= 0; k--) r = r * x + c[k];
  return r;
}

/** Points of [a, b], Chebyshev-spaced (dense near the ends), n of them. */
function grid(a: number, b: number, n: number): number[] {
  const mid = (a + b) / 2, half = (b - a) / 2;
  return Array.from({ length: n }, (_, i) => mid - half * Math.cos(Math.PI * i / (n - 1)));
}

/** The max over a dense grid of [a, b] of |w (p - f)|: how a fit (also a rounded one) is judged. */
export function maxWeightedError(
  c: readonly number[],
  f: Fn,
  a: number,
  b: number,
  weight: Fn = () => 1,
  n = 20000,
): number {
  let m = 0;
  for (const x of grid(a, b, n)) m = Math.max(m, Math.abs(weight(x) * (horner(c, x) - f(x))));
  return m;
}

/** Golden-section search for the max of g over [lo, hi]. */
function goldenMax(g: Fn, lo: number, hi: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);
  let g1 = g(x1), g2 = g(x2);
  for (let i = 0; i < 60 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
    if (g1 < g2) {
      lo = x1;
      [x1, g1] = [x2, g2];
      x2 = lo + r * (hi - lo);
      g2 = g(x2);
    } else {
      hi = x2;
      [x2, g2] = [x1, g1];
      x1 = hi - r * (hi - lo);
      g1 = g(x1);
    }
  }
  return g1 > g2 ? x1 : x2;
}

/**
 * The alternating extrema of err over [a, b]: the sampled points split into
 * runs of one sign; each run's largest |err| is refined and kept. Runs whose
 * extremum is numerical noise at a sign change are merged away by keeping
 * only alternating signs.
 */
function extrema(err: Fn, a: number, b: number, n: number): { x: number; e: number }[] {
  const xs = grid(a, b, n);
  const es = xs.map(err);
  const out: { x: number; e: number }[] = [];
  let i = 0;
  while (i < xs.length) {
    const s = Math.sign(es[i]);
    let best = i;
    let j = i;
    while (j < xs.length && (Math.sign(es[j]) === s || es[j] === 0)) {
      if (Math.abs(es[j]) > Math.abs(es[best])) best = j;
      j++;
    }
    let x = xs[best];
    const lo = xs[Math.max(0, best - 1)], hi = xs[Math.min(xs.length - 1, best + 1)];
    if (best > 0 && best < xs.length - 1) {
      const g = (t: number) => Math.abs(err(t));
      const y = goldenMax(g, lo, hi);
      if (g(y) > Math.abs(es[best])) x = y;
    }
    out.push({ x, e: err(x) });
    i = j;
  }
  return out;
}

/** Keeps `m` alternating extrema, dropping the smaller of the two ends while there are too many. */
function pick(ext: { x: number; e: number }[], m: number): { x: number; e: number }[] {
  const e = [...ext];
  while (e.length > m) {
    // Prefer dropping an end whose removal keeps alternation (any end does): the smaller one.
    if (Math.abs(e[0].e) < Math.abs(e[e.length - 1].e)) e.shift();
    else e.pop();
  }
  return e;
}

/** The minimax polynomial of degree `n` for f on [a, b] under the weight. */
export function remez(f: Fn, a: number, b: number, n: number, options: RemezOptions = {}): RemezResult {
  if (!(a < b)) throw new Error(`remez: empty interval [${a}, ${b}]`);
  if (!Number.isInteger(n) || n < 0) throw new Error(`remez: degree ${n}`);
  const w = options.weight ?? (() => 1);
  const density = options.density ?? 64;
  const maxIt = options.maxIterations ?? 60;
  const s = Math.max(Math.abs(a), Math.abs(b));
  let ref = grid(a, b, n + 2);
  let coeffs: number[] = [];
  let levels: number[] = [];
  let maxError = Infinity;
  let it = 0;
  for (; it < maxIt; it++) {
    // p(x_i) + (-1)^i E / w(x_i) = f(x_i), p in powers of u = x / s.
    const rows = ref.map((x, i) => {
      const u = x / s;
      const row: number[] = [];
      let pw = 1;
      for (let k = 0; k <= n; k++, pw *= u) row.push(pw);
      row.push((i % 2 === 0 ? 1 : -1) / w(x));
      return row;
    });
    const sol = solve(rows, ref.map(f));
    coeffs = sol.slice(0, n + 1).map((d, k) => d / s ** k);
    const err = (x: number) => w(x) * (horner(coeffs, x) - f(x));
    const ext = extrema(err, a, b, density * (n + 2));
    maxError = Math.max(...ext.map((p) => Math.abs(p.e)));
    const scale = Math.max(...ref.map((x) => Math.abs(w(x) * f(x))), 1e-300);
    if (ext.length < n + 2) {
      // Fewer sign changes than a minimax error has: only float64 noise is left (f is such a polynomial).
      levels = ref.map(err);
      if (maxError <= 1e-13 * scale) break;
      throw new Error(`remez: error has ${ext.length} alternations, need ${n + 2} (degree ${n} on [${a}, ${b}])`);
    }
    const chosen = pick(ext, n + 2);
    ref = chosen.map((p) => p.x);
    levels = chosen.map((p) => p.e);
    const mags = levels.map(Math.abs);
    const lo = Math.min(...mags), hi = Math.max(...mags);
    // Level to 1e-6, or to float64's noise in evaluating w (p - f) (f's rounding, scaled by w).
    if (hi - lo <= Math.max(1e-6 * hi, 64 * Number.EPSILON * scale) || hi <= 1e-14 * scale) break;
  }
  return { coeffs, maxError, reference: ref, levels, iterations: it + 1 };
}
