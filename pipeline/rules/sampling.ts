/**
 * Random values for the holes of a rule under test.
 *
 * A uniform draw over one range misses what breaks rewrite rules: zero and
 * values near it, values near 1, negatives, tiny and huge magnitudes, exact
 * integers and half-integers (`pow` with a negative base, `floor`), and the
 * edges a precondition draws (`(< -1e-4 ?x 1e-4)` is never hit by chance).
 * So a value comes from a mixture of those families, plus draws between and
 * at the thresholds that the rule's precondition mentions.
 *
 * Magnitudes stay within 2^±40 so that products of a few holes stay finite
 * in float64; kernels are float32, whose range is far smaller anyway.
 */
import type { Rng } from "../expr/random.ts";
import type { Pre } from "./precondition.ts";

/** Numbers a precondition compares the hole `hole` with. */
export function thresholds(pre: Pre | null, hole: string): number[] {
  const out = new Set<number>();
  const walk = (p: Pre) => {
    switch (p.tag) {
      case "cmp":
        if (p.terms.some((t) => t.tag === "hole" && t.name === hole)) {
          for (const t of p.terms) if (t.tag === "num") out.add(t.value);
        }
        return;
      case "and":
      case "or":
        p.parts.forEach(walk);
        return;
      case "not":
        walk(p.part);
        return;
      default:
        return;
    }
  };
  if (pre !== null) walk(pre);
  return [...out].sort((a, b) => a - b);
}

const sign = (rng: Rng) => (rng.next() < 0.5 ? -1 : 1);

/** A point near threshold `t`: on it, or a relative (or absolute, at 0) nudge away. */
function nearThreshold(rng: Rng, t: number): number {
  const r = rng.next();
  if (r < 0.3) return t;
  const step = 2 ** -(1 + rng.int(40));
  return t === 0 ? sign(rng) * step : t * (1 + sign(rng) * step);
}

/** Uniform between two adjacent thresholds, or beyond the outermost ones. */
function betweenThresholds(rng: Rng, ts: readonly number[]): number {
  const first = ts[0], last = ts[ts.length - 1];
  const edges = [first - Math.max(1, Math.abs(first)), ...ts, last + Math.max(1, Math.abs(last))];
  const i = rng.int(edges.length - 1);
  return rng.range(edges[i], edges[i + 1]);
}

/** An integer, mostly small. */
function integer(rng: Rng): number {
  return rng.next() < 0.8 ? rng.int(17) - 8 : rng.int(201) - 100;
}

/**
 * One value for a hole. `ts` are the hole's precondition thresholds;
 * `wantsInteger` when the precondition asks `(int? ?n)`.
 */
export function drawValue(rng: Rng, ts: readonly number[], wantsInteger: boolean): number {
  if (wantsInteger && rng.next() < 0.6) return integer(rng);
  const r = rng.next();
  if (ts.length > 0 && r < 0.25) {
    return rng.next() < 0.7 ? betweenThresholds(rng, ts) : nearThreshold(rng, rng.pick(ts));
  }
  const q = rng.next();
  if (q < 0.3) return rng.range(-4, 4);
  if (q < 0.45) return sign(rng) * 2 ** rng.range(-40, 40);
  if (q < 0.53) return rng.range(-1e-3, 1e-3);
  if (q < 0.61) return sign(rng) * (1 + sign(rng) * 2 ** -(1 + rng.int(50)));
  if (q < 0.75) return rng.int(21) - 10;
  if (q < 0.83) return (2 * (rng.int(20) - 10) + 1) / 2;
  if (q < 0.9) return rng.pick([0, 1, -1, 2, 0.5, -0.5]);
  return rng.range(0, 1);
}
