/**
 * The anytime curve of a guided search: the best objective reached so far,
 * after how many rewrites and how many milliseconds. It is what a Guide can
 * change: a search that reaches the same best in fewer rewrites can be
 * given half the time for the same result.
 *
 * Rewrites are the deterministic clock (a seeded search applies the same
 * rewrites in the same order whatever the machine's load); milliseconds are
 * the user's clock (a trained Guide costs what an untrained one costs per
 * candidate, so the two differ only by noise).
 */
import type { Step } from "./guided.ts";

/** A point where the best-so-far improved. */
export interface AnytimePoint {
  /** Rewrites applied when it was reached (0: the input). */
  readonly rewrites: number;
  readonly ms: number;
  /** Best static cost (the search's objective) so far. */
  readonly best: number;
}

/** The improvement points of a trajectory: strictly decreasing `best`, increasing clocks; the first is the input. */
export function anytimeCurve(inputCost: number, trajectory: readonly Pick<Step, "cost" | "atMs">[]): AnytimePoint[] {
  const out: AnytimePoint[] = [{ rewrites: 0, ms: 0, best: inputCost }];
  trajectory.forEach((s, i) => {
    if (s.cost < out[out.length - 1].best) out.push({ rewrites: i + 1, ms: s.atMs, best: s.cost });
  });
  return out;
}

export type Clock = "rewrites" | "ms";

/** The best reached by the time `at` on `clock`. */
export function bestBy(curve: readonly AnytimePoint[], clock: Clock, at: number): number {
  let best = curve[0].best;
  for (const p of curve) if (p[clock] <= at) best = p.best;
  return best;
}

/** When the curve first reached `quality` (or better) on `clock`; null if it never did. */
export function timeToReach(curve: readonly AnytimePoint[], clock: Clock, quality: number): number | null {
  for (const p of curve) if (p.best <= quality) return p[clock];
  return null;
}

/** The final best of a curve. */
export function finalBest(curve: readonly AnytimePoint[]): number {
  return curve[curve.length - 1].best;
}
