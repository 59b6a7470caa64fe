/**
 * Inputs at the boundaries of an expression's conditions.
 *
 * A conditional kernel is piecewise: its error is largest where a
 * comparison flips, since float32 and the float64 reference may take
 * different arms there, and a rewrite of the condition (a - b < 0 into
 * a < b) moves exactly those points. Uniform samples almost never land on
 * a boundary (x == c has measure zero), so these points are found by
 * bisection: for each comparison (a op b), between two sampled points where
 * a - b has opposite signs, the segment is halved until its ends are
 * adjacent in float32, and both ends are kept: one point on each side.
 * For == and != the same sign change of a - b finds where a == b.
 */
import { evaluateBatch } from "./evaluate.ts";
import { type Expr, postorder } from "./expr.ts";
import { rangeOf, type Ranges } from "./sample.ts";

/** Segments bisected per comparison. */
const PAIRS_PER_COMPARISON = 8;
/** Halvings of a segment: float64 parameters closer than 2^-60 are one float32 point. */
const STEPS = 60;

/** The comparison nodes of `e`. */
function comparisons(e: Expr): (Expr & { tag: "app" })[] {
  return postorder(e).filter((n): n is Expr & { tag: "app" } =>
    n.tag === "app" && (n.op === "lt" || n.op === "le" || n.op === "eq" || n.op === "ne")
  );
}

/**
 * Up to `max` points (one Float32Array column per variable, all of equal
 * length, even) on both sides of the boundaries of `e`'s comparisons,
 * found from the `base` points (columns over `vars`, inside `ranges`).
 * No comparisons, or none that changes sign between base points: no points.
 */
export function boundaryInputs(
  e: Expr,
  vars: readonly string[],
  ranges: Ranges | undefined,
  base: readonly ArrayLike<number>[],
  max: number,
): Float32Array[] {
  const out: number[][] = vars.map(() => []);
  const cmps = comparisons(e);
  if (vars.length === 0 || base.length === 0 || base[0].length < 2 || cmps.length === 0) {
    return vars.map(() => new Float32Array(0));
  }
  base = withProbes(e, vars, ranges, base);
  const n = base[0].length;
  // Points of the segment from base point p to q, as the kernel sees them: float32, inside the ranges.
  const bounds = vars.map((name) => rangeOf(ranges, name));
  const point = (t: number, p: number, q: number): number[] =>
    vars.map((_, i) => {
      const x = Math.fround(base[i][p] + t * (base[i][q] - base[i][p]));
      return Math.min(Math.max(x, bounds[i][0]), bounds[i][1]);
    });
  for (const c of cmps) {
    const [a, b] = c.args;
    const diff = (cols: readonly ArrayLike<number>[]): Float64Array => {
      const x = evaluateBatch(a, vars, cols, 64), y = evaluateBatch(b, vars, cols, 64);
      const m = cols.length > 0 ? cols[0].length : 1;
      return Float64Array.from({ length: m }, (_, k) => x[x.length === 1 ? 0 : k] - y[y.length === 1 ? 0 : k]);
    };
    const d = diff(base);
    // Pairs of base points with a - b of opposite signs, taken in order.
    const neg: number[] = [], pos: number[] = [];
    for (let k = 0; k < n; k++) {
      if (d[k] < 0) neg.push(k);
      else if (d[k] > 0) pos.push(k);
    }
    const pairs = Math.min(PAIRS_PER_COMPARISON, neg.length, pos.length);
    for (let j = 0; j < pairs && out[0].length + 2 <= max; j++) {
      const p = neg[j], q = pos[j];
      // Invariant: a - b < 0 at the (rounded) point of lo, >= 0 at hi's.
      let lo = 0, hi = 1;
      let loPt = point(0, p, q), hiPt = point(1, p, q);
      for (let s = 0; s < STEPS; s++) {
        const mid = (lo + hi) / 2;
        const pt = point(mid, p, q);
        if (pt.every((x, i) => x === loPt[i]) || pt.every((x, i) => x === hiPt[i])) {
          // Rounding reached one end: move t only, the points are as near as float32 allows along this line.
          if (mid === lo || mid === hi) break;
          if (pt.every((x, i) => x === loPt[i])) lo = mid;
          else hi = mid;
          continue;
        }
        const dm = diff(pt.map((x) => [x]))[0];
        if (Number.isNaN(dm)) break;
        if (dm < 0) [lo, loPt] = [mid, pt];
        else [hi, hiPt] = [mid, pt];
      }
      loPt.forEach((x, i) => out[i].push(x));
      hiPt.forEach((x, i) => out[i].push(x));
    }
  }
  return out.map((col) => Float32Array.from(col));
}

/** Probes per variable at most: 0 and the expression's constants, both signs. */
const MAX_PROBES = 16;

/**
 * `base` and probe points: a condition such as |b| > 1e-6 holds at almost
 * every uniform sample, so its other side is looked for where kernels keep
 * their thresholds: each variable (in turn, the others as in the first base
 * point) at 0 and at the expression's constants, both signs, inside its
 * range.
 */
function withProbes(
  e: Expr,
  vars: readonly string[],
  ranges: Ranges | undefined,
  base: readonly ArrayLike<number>[],
): number[][] {
  const consts = [
    0,
    ...new Set(postorder(e).flatMap((n) => (n.tag === "const" && Number.isFinite(n.value) ? [Math.abs(n.value)] : []))),
  ];
  const values = [...new Set(consts.flatMap((c) => [c, -c]).map(Math.fround))].slice(0, MAX_PROBES);
  const cols = base.map((c) => Array.from(c));
  vars.forEach((name, i) => {
    const [lo, hi] = rangeOf(ranges, name);
    for (const x of values) {
      if (x < lo || x > hi) continue;
      cols.forEach((col, j) => col.push(j === i ? x : base[j][0]));
    }
  });
  return cols;
}

/**
 * `cols` with its last points replaced by the boundary points of `e` (at
 * most a tenth of them): the accuracy guard's sample, which keeps its size.
 */
export function withBoundaries(
  e: Expr,
  vars: readonly string[],
  ranges: Ranges | undefined,
  cols: readonly Float32Array[],
): Float32Array[] {
  const n = cols.length > 0 ? cols[0].length : 0;
  const extra = boundaryInputs(e, vars, ranges, cols.map((c) => c.subarray(0, Math.min(n, 256))), Math.floor(n / 10));
  const m = extra.length > 0 ? extra[0].length : 0;
  if (m === 0) return [...cols];
  return cols.map((c, i) => {
    const out = c.slice();
    out.set(extra[i], n - m);
    return out;
  });
}
