/**
 * Shared by the differential tests of every ISA (differential_test.ts for
 * x86, neon_test.ts under qemu): input columns with the values kernels get
 * wrong first (zeros of both signs, infinities, NaN, subnormals, huge
 * values), the exact-op mix, and the failure message.
 */
import { app, type Expr, num, v } from "../../pipeline/expr/expr.ts";
import { type OpName, OPS } from "../../pipeline/expr/ops.ts";
import { type OpMix, randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { EXACT_OPS } from "../../pipeline/kernel/preamble.ts";

export const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.5,
  1e-40,
  -1e-40,
  1e-45,
  3.4e38,
  -3.4e38,
  Infinity,
  -Infinity,
  NaN,
  7,
  -7,
];

export function column(rng: Rng, n: number, lo: number, hi: number, specials: boolean): Float32Array {
  const c = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const r = rng.next();
    if (specials && r < 0.1) c[k] = rng.pick(SPECIAL);
    else if (specials && r < 0.2) c[k] = Math.exp(rng.range(-100, 100)) * (rng.next() < 0.5 ? -1 : 1);
    else c[k] = rng.range(lo, hi);
  }
  return c;
}

export const EXACT_MIX: OpMix = Object.fromEntries(EXACT_OPS.map((op) => [op, 1]));

/**
 * A kernel that computes `op` over the plain variables `vars` (three of
 * them): the op itself for a number-valued op; a truth value is returned
 * as a select of 1 and 0; a select's condition compares two variables.
 */
export function exactOpAlone(op: OpName, vars: readonly string[]): Expr {
  const [x, y, z] = vars.map(v);
  const truth = (c: Expr) => app("select", [c, num(1), num(0)]);
  if (op === "select") return app("select", [app("lt", [x, y]), y, z]);
  if (op === "and" || op === "or") return truth(app(op, [app("lt", [x, y]), app("le", [y, z])]));
  if (op === "not") return truth(app("not", [app("lt", [x, y])]));
  if (OPS[op].sort === "bool") return truth(app(op, [x, y]));
  return app(op, vars.slice(0, OPS[op].arity).map(v));
}

export function failure(e: Expr, cols: readonly Float32Array[], k: number, got: number, want: number): string {
  return `${printFPCore(e)} at (${cols.map((c) => c[k]).join(", ")}): kernel ${got}, evaluator ${want}`;
}

/**
 * Each approximate op over plain variables, then over exact subexpressions
 * (whose values the evaluator and the kernel agree on bit for bit), with
 * input columns full of specials, a quarter of them over the moderate
 * ranges where the functions do their real work.
 */
export function approxCases(
  rng: Rng,
  vars: readonly string[],
  approx: readonly OpName[],
  n: number,
): { exprs: Expr[]; ops: OpName[]; inputs: Float32Array[][] } {
  const exprs: Expr[] = [];
  const ops: OpName[] = [];
  for (const op of approx) {
    const arity = OPS[op].arity;
    exprs.push(app(op, vars.slice(0, arity).map(v)));
    ops.push(op);
    const sub = () => randomExpr(rng, { vars, mix: { "+": 2, "*": 2, "-": 1, fma: 1 }, size: 3, range: [0.25, 2] });
    exprs.push(app(op, Array.from({ length: arity }, sub)));
    ops.push(op);
  }
  const inputs = exprs.map(() => vars.map(() => column(rng, n, -3, 3, true)));
  inputs.forEach((cols, i) => {
    if (i % 4 === 0) cols.forEach((c) => c.set(column(rng, n, 0.01, 90, false)));
  });
  return { exprs, ops, inputs };
}
