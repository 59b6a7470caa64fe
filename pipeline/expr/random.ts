/**
 * Seeded random expressions.
 *
 * The generator grows a tree top-down to a target size, choosing ops by
 * weight. Every op application is checked with interval arithmetic against
 * the input ranges, so generated expressions stay inside their ops' domains
 * (no log of a negative, no division by an interval holding zero, no exp
 * overflow); a choice that would leave the domain is redrawn.
 */
import { app, type Expr, num, v } from "./expr.ts";
import { type Interval, opInterval } from "./interval.ts";
import { type OpName, OPS } from "./ops.ts";

/** A small, fast, seedable PRNG (Mulberry32); deterministic everywhere. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) ^ 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [x, w] of items) {
      r -= w;
      if (r < 0) return x;
    }
    return items[items.length - 1][0];
  }
}

export type OpMix = Readonly<Partial<Record<OpName, number>>>;

/** Plain arithmetic with a few transcendentals: what kernels mostly are. */
export const DEFAULT_MIX: OpMix = {
  "+": 6,
  "-": 4,
  "*": 6,
  "/": 2,
  neg: 1,
  fabs: 0.5,
  fmin: 0.5,
  fmax: 0.5,
  sqrt: 1.5,
  exp: 1,
  log: 1,
  sin: 1,
  cos: 1,
  pow: 0.5,
};

/** The default mix with conditionals (`select` of a comparison). */
export const CONDITIONAL_MIX: OpMix = { ...DEFAULT_MIX, select: 1.5 };

/** The mix with fused ops, for expressions already in optimized form. */
export const FUSED_MIX: OpMix = {
  ...DEFAULT_MIX,
  fma: 5,
  fms: 2,
  fnma: 2,
  rsqrt: 1,
  mulrsqrt: 1,
  recip: 1,
};

export interface GenOptions {
  /** Target number of ops (inner nodes); the tree has about twice as many nodes. */
  readonly size: number;
  /** Maximum depth of the tree (a leaf is depth 1). */
  readonly maxDepth: number;
  /** Variable names (default x0..x{n-1} from `varCount`). */
  readonly vars: readonly string[];
  readonly mix: OpMix;
  /** Probability that a leaf is a constant rather than a variable. */
  readonly constProb: number;
  /** Input range of every variable. */
  readonly range: Interval;
}

export const DEFAULT_GEN: GenOptions = {
  size: 8,
  maxDepth: 8,
  vars: ["x", "y", "z"],
  mix: DEFAULT_MIX,
  constProb: 0.25,
  range: [0.5, 4],
};

/** Constants kernels actually contain: small integers, halves, and random ones. */
function randomConst(rng: Rng): number {
  const r = rng.next();
  if (r < 0.5) return rng.pick([0.5, 1, 2, 3, 0.25, 1.5, 4, 10]);
  return Math.fround(rng.range(-4, 4));
}

/** Largest magnitude a generated subexpression may reach (keeps float32 finite). */
const MAGNITUDE_LIMIT = 1e6;

const fits = (r: Interval | null): r is Interval =>
  r !== null && Math.abs(r[0]) <= MAGNITUDE_LIMIT && Math.abs(r[1]) <= MAGNITUDE_LIMIT;

/**
 * One random expression. Deterministic for a given `rng` state. Children
 * are grown first; then an op of the drawn arity is chosen that keeps its
 * children inside its domain (redrawing only the op, so the work stays
 * linear in the size).
 */
export function randomExpr(rng: Rng, options: Partial<GenOptions> = {}): Expr {
  const o: GenOptions = { ...DEFAULT_GEN, ...options };
  // Numbers only: a select's condition is made here, a comparison of its first operand.
  const ops = (Object.entries(o.mix) as [OpName, number][]).filter(([op, w]) =>
    w > 0 && op !== "d" && (OPS[op].class !== "logic" || op === "select")
  );
  // Redraws keep the arity, among the ops a redraw may pick (not select: its first child is no condition).
  const byArity = [1, 2, 3].map((a) => ops.filter(([op]) => OPS[op].arity === a && op !== "select"));
  // One interval object per variable: opInterval reads `x * x` (the same
  // object twice) as a square, so distinct variables need distinct objects.
  const varRange = new Map(o.vars.map((n): [string, Interval] => [n, [o.range[0], o.range[1]]]));
  const leaf = (): [Expr, Interval] => {
    if (rng.next() < o.constProb) {
      const c = randomConst(rng);
      return [num(c), [c, c]];
    }
    const name = rng.pick(o.vars);
    return [v(name), varRange.get(name)!];
  };
  const grow = (budget: number, depth: number): [Expr, Interval] => {
    if (budget <= 0 || depth >= o.maxDepth) return leaf();
    const first = rng.weighted(ops);
    const arity = OPS[first].arity;
    // Share the remaining budget among the children at random.
    const rest = budget - 1;
    const cuts = Array.from({ length: arity - 1 }, () => rng.int(rest + 1)).sort((a, b) => a - b);
    const shares = [...cuts, rest].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]));
    const kids = shares.map((s) => grow(s, depth + 1));
    const ivs = kids.map(([, iv]) => iv);
    if (first === "select") {
      // (select (cmp a t) b c), with t inside a's range so that both arms are taken.
      const [[a, ia], [b, ib], [c, ic]] = kids;
      const t = num(Math.fround(rng.range(ia[0], ia[1])));
      const cond = app(rng.pick(["lt", "le", "eq", "ne"] as const), [a, t]);
      return [app("select", [cond, b, c]), [Math.min(ib[0], ic[0]), Math.max(ib[1], ic[1])]];
    }
    for (let attempt = 0; attempt < 8; attempt++) {
      if (attempt > 0 && byArity[arity - 1].length === 0) break;
      const op = attempt === 0 ? first : rng.weighted(byArity[arity - 1]);
      const iv = opInterval(op, ivs);
      if (fits(iv)) return [app(op, kids.map(([e]) => e)), iv];
    }
    // No op of this arity suits these children: keep one of them.
    return kids[0];
  };
  // A bare leaf is not a kernel: retry until there is at least one op.
  for (let i = 0; i < 100; i++) {
    const [e] = grow(o.size, 1);
    if (e.tag === "app") return e;
  }
  return app("+", [v(o.vars[0]), num(1)]);
}
