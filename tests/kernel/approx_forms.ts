/**
 * Random kernels with approximate functions in them, for the differential
 * tests of each ISA: exact arithmetic around the approximated functions,
 * each site lowered at a random tier (a sigmoid and its inner exp are
 * alternatives: the outermost is taken). Every other op is exact, so the
 * built kernel must equal the evaluator with the same lowering bit for bit.
 */
import { approximations } from "../../pipeline/approx/catalog.ts";
import { approxSites, loweringOf, type Placement } from "../../pipeline/approx/sites.ts";
import { app, type Expr, num, v } from "../../pipeline/expr/expr.ts";
import type { Lowering } from "../../pipeline/expr/lowering.ts";
import type { OpName } from "../../pipeline/expr/ops.ts";
import type { Rng } from "../../pipeline/expr/random.ts";

export const APPROX_VARS = ["x", "y"];
export const APPROX_RANGES = { x: [0.25, 8], y: [-6, 6] } as const;

/** A function call over an exact-arithmetic argument, inside exact arithmetic. */
function randomForm(rng: Rng): Expr {
  const arg = (): Expr => {
    const a = rng.pick<Expr>([v("x"), v("y"), app("*", [num(0.5), v("y")]), app("+", [v("x"), num(1)])]);
    return rng.next() < 0.5 ? a : app("fma", [a, num(Math.fround(rng.range(-2, 2))), num(0.25)]);
  };
  const call = (): Expr => {
    const fn = rng.pick(["exp", "exp2", "log", "log2", "sin", "cos", "tanh", "rsqrt", "pow", "sigmoid"]);
    if (fn === "sigmoid") {
      return app("/", [num(1), app("+", [num(1), app("exp", [app("neg", [arg()])])])]);
    }
    if (fn === "pow") return app("pow", [v("x"), num(Math.fround(rng.range(-3, 3)))]);
    // log, log2 and rsqrt of x (positive): their other inputs give NaN, which tells nothing.
    const positive = fn === "log" || fn === "log2" || fn === "rsqrt";
    return app(fn as OpName, [positive ? v("x") : arg()]);
  };
  const op = rng.pick<OpName>(["+", "*", "-"]);
  return app(op, [call(), rng.next() < 0.5 ? call() : arg()]);
}

function contains(outer: Expr, inner: Expr): boolean {
  if (outer === inner) return true;
  return outer.tag === "app" && outer.args.some((a) => contains(a, inner));
}

/** `count` random forms over APPROX_VARS, each with a lowering of every site at a random tier. */
export function randomLoweredForms(rng: Rng, count: number): { forms: Expr[]; lowerings: Lowering[] } {
  const all = approximations();
  const forms: Expr[] = [];
  const lowerings: Lowering[] = [];
  while (forms.length < count) {
    const e = randomForm(rng);
    const placed: Placement[] = [];
    for (const site of approxSites(e, APPROX_RANGES).reverse()) {
      if (placed.some((p) => contains(p.site.node, site.node))) continue;
      placed.push({ site, approx: rng.pick(all.filter((a) => a.fn === site.fn)) });
    }
    if (placed.length === 0) continue;
    forms.push(e);
    lowerings.push(loweringOf(placed));
  }
  return { forms, lowerings };
}

/** Inputs inside APPROX_RANGES, one column per var. */
export function approxInputs(rng: Rng, n: number): Float32Array[] {
  return APPROX_VARS.map((name) => {
    const [lo, hi] = APPROX_RANGES[name as keyof typeof APPROX_RANGES];
    return Float32Array.from({ length: n }, () => rng.range(lo, hi));
  });
}
