/**
 * Input sampling for accuracy checks and timing runs: float32 points inside
 * each variable's range, covering the whole range including both ends.
 *
 * The first points are the corners that matter most (each end of every
 * range); the rest are drawn uniformly, except that ranges spanning several
 * orders of magnitude on one side of zero are also sampled log-uniformly,
 * so that small magnitudes are not missed.
 */
import { Rng } from "./random.ts";

export type Ranges = Readonly<Record<string, readonly [number, number]>>;

/** Range used for a variable that has none: wide, symmetric. */
export const DEFAULT_RANGE: readonly [number, number] = [-100, 100];

export function rangeOf(ranges: Ranges | undefined, name: string): readonly [number, number] {
  return ranges?.[name] ?? DEFAULT_RANGE;
}

function drawIn(rng: Rng, lo: number, hi: number): number {
  // Log-uniform half the time when the range spans > 3 decades on one side of 0.
  if (lo > 0 && hi / lo > 1e3 && rng.next() < 0.5) {
    return Math.exp(rng.range(Math.log(lo), Math.log(hi)));
  }
  if (hi < 0 && lo / hi > 1e3 && rng.next() < 0.5) {
    return -Math.exp(rng.range(Math.log(-hi), Math.log(-lo)));
  }
  return rng.range(lo, hi);
}

/** Rounds into float32 without leaving [lo, hi]. */
function f32Within(x: number, lo: number, hi: number): number {
  const r = Math.fround(x);
  if (r < lo) return nextAbove(lo);
  if (r > hi) return nextBelow(hi);
  return r;
}

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);
function nextAbove(x: number): number {
  F[0] = x;
  if (F[0] >= x) return F[0];
  U[0] += F[0] >= 0 ? 1 : -1;
  return F[0];
}
function nextBelow(x: number): number {
  F[0] = x;
  if (F[0] <= x) return F[0];
  U[0] += F[0] > 0 ? -1 : 1;
  return F[0];
}

/**
 * `n` float32 points for `vars`: one Float32Array column per variable. The
 * first points put every variable at its low end, then its high end, then
 * alternate ends across variables; the rest are random. Deterministic in
 * `seed`.
 */
export function sampleInputs(
  vars: readonly string[],
  ranges: Ranges | undefined,
  n: number,
  seed: number,
): Float32Array[] {
  const rng = new Rng(seed);
  const cols = vars.map(() => new Float32Array(n));
  const corners = Math.min(n, 4);
  vars.forEach((name, i) => {
    const [lo, hi] = rangeOf(ranges, name);
    const col = cols[i];
    for (let k = 0; k < n; k++) {
      let x: number;
      if (k === 0) x = lo;
      else if (k === 1) x = hi;
      else if (k < corners) x = ((k + i) % 2 === 0) ? lo : hi;
      else x = drawIn(rng, lo, hi);
      col[k] = f32Within(x, lo, hi);
    }
  });
  return cols;
}
