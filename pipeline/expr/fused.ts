/**
 * Random expressions that are already in optimized form: the starting
 * point of backward (BWD) data generation. They are built from the shapes a
 * good optimizer produces: Horner polynomials as fma chains, dot products as
 * fma chains, normalization with mulrsqrt/rsqrt, interpolation as one fma,
 * factored sums, reciprocals hoisted out of repeated divisions. Leaves are
 * variables, constants or smaller fused forms.
 */
import { type Expr, mk, num, v } from "./expr.ts";
import { exprInterval, type Interval } from "./interval.ts";
import { type Rng } from "./random.ts";

export interface FusedOptions {
  readonly vars: readonly string[];
  /** Nesting depth of shapes inside shapes. */
  readonly depth: number;
  readonly range: Interval;
}

export const DEFAULT_FUSED: FusedOptions = { vars: ["x", "y", "z"], depth: 2, range: [0.5, 4] };

type Shape = (rng: Rng, leaf: () => Expr) => Expr;

const coeff = (rng: Rng) => num(Math.fround(rng.range(-3, 3)));

const SHAPES: readonly Shape[] = [
  // Horner: c_n x^n + ... + c_0 as nested fmas.
  (rng, leaf) => {
    const x = leaf();
    let acc: Expr = coeff(rng);
    const degree = 2 + rng.int(3);
    for (let i = 0; i < degree; i++) acc = mk("fma", acc, x, coeff(rng));
    return acc;
  },
  // Dot product of 2..4 terms as an fma chain.
  (rng, leaf) => {
    const n = 2 + rng.int(3);
    let acc: Expr = mk("*", leaf(), leaf());
    for (let i = 1; i < n; i++) acc = mk("fma", leaf(), leaf(), acc);
    return acc;
  },
  // Normalized component: x * rsqrt(x^2 + y^2 + ...).
  (rng, leaf) => {
    const xs = Array.from({ length: 2 + rng.int(2) }, leaf);
    let sq: Expr = mk("*", xs[0], xs[0]);
    for (const x of xs.slice(1)) sq = mk("fma", x, x, sq);
    return rng.next() < 0.5 ? mk("mulrsqrt", xs[0], sq) : mk("rsqrt", sq);
  },
  // Linear interpolation a + t (b - a) as one fma.
  (_rng, leaf) => {
    const a = leaf();
    return mk("fma", leaf(), mk("-", leaf(), a), a);
  },
  // Factored: (a + b) * c, (a - b) * c.
  (rng, leaf) => mk("*", mk(rng.next() < 0.5 ? "+" : "-", leaf(), leaf()), leaf()),
  // Shared reciprocal: a * r + b * r with r = recip(d), as fma.
  (_rng, leaf) => {
    const r = mk("recip", leaf());
    return mk("fma", leaf(), r, mk("*", leaf(), r));
  },
  // Differences of products: a*b - c*d as fms.
  (_rng, leaf) => mk("fms", leaf(), leaf(), mk("*", leaf(), leaf())),
];

const MAGNITUDE = 1e6;

/**
 * Whether some op applies to constants only (`(- 2.5 1.5)`, `(* 2 3)`):
 * arithmetic a compiler folds, which no optimized form leaves in place, so
 * a fused form holding it is not optimal and is drawn again.
 */
function hasConstantOp(e: Expr): boolean {
  if (e.tag !== "app") return false;
  return e.args.every((a) => a.tag === "const") || e.args.some(hasConstantOp);
}

/** One random fused-form expression whose ops stay inside their domains. */
export function randomFusedExpr(rng: Rng, options: Partial<FusedOptions> = {}): Expr {
  const o = { ...DEFAULT_FUSED, ...options };
  const ranges = Object.fromEntries(o.vars.map((n) => [n, o.range]));
  const build = (depth: number): Expr => {
    const leaf = (): Expr => {
      if (depth > 1 && rng.next() < 0.35) return build(depth - 1);
      return rng.next() < 0.15 ? coeff(rng) : v(rng.pick(o.vars));
    };
    for (let attempt = 0; attempt < 20; attempt++) {
      const e = rng.pick(SHAPES)(rng, leaf);
      const iv = exprInterval(e, ranges);
      if (hasConstantOp(e)) continue;
      if (iv !== null && Math.abs(iv[0]) < MAGNITUDE && Math.abs(iv[1]) < MAGNITUDE) return e;
    }
    return mk("fma", v(o.vars[0]), v(o.vars[o.vars.length - 1]), num(1));
  };
  return build(o.depth);
}
