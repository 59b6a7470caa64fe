/**
 * Kernels with approximate functions in them (a lowering), compiled as our
 * SIMD code for each x86 ISA the host runs, against the float32 evaluator
 * with the same lowering: bit for bit, since every other op of these forms
 * is exact. Random forms: exact arithmetic around the approximated
 * functions, each site at a random tier, several kernels (and so the same
 * approximation several times) in one translation unit.
 */
import assert from "node:assert/strict";
import { approximations } from "../../pipeline/approx/catalog.ts";
import { approxSites, loweringOf, type Placement } from "../../pipeline/approx/sites.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { app, type Expr, num, v } from "../../pipeline/expr/expr.ts";
import type { Lowering } from "../../pipeline/expr/lowering.ts";
import type { OpName } from "../../pipeline/expr/ops.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { isaTest, kernelOutputs, sameFloat, tempCache, X86_ISAS } from "./util.ts";

const VARS = ["x", "y"];
const RANGES = { x: [0.25, 8], y: [-6, 6] } as const;
const N = 1001;

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

for (const isa of X86_ISAS) {
  isaTest(
    isa,
    `${isa}: kernels with approximate functions equal the evaluator with their lowering, bit for bit`,
    async () => {
      const rng = new Rng(isa === "avx512" ? 11 : 12);
      const all = approximations();
      const forms: Expr[] = [];
      const lowerings: Lowering[] = [];
      while (forms.length < 24) {
        const e = randomForm(rng);
        const sites = approxSites(e, RANGES);
        // A sigmoid site and its inner exp are alternatives: take the outermost of nested sites.
        const placed: Placement[] = [];
        for (const site of [...sites].reverse()) {
          if (placed.some((p) => p.site.args.length > 0 && contains(p.site.node, site.node))) continue;
          placed.push({ site, approx: rng.pick(all.filter((a) => a.fn === site.fn)) });
        }
        if (placed.length === 0) continue;
        forms.push(e);
        lowerings.push(loweringOf(placed));
      }
      const inputs = VARS.map((name) =>
        Float32Array.from({ length: N }, () => rng.range(RANGES[name as "x"][0], RANGES[name as "x"][1]))
      );
      const outs = await kernelOutputs(forms, VARS, forms.map(() => inputs), isa, tempCache(), lowerings);
      forms.forEach((e, i) => {
        const want = evaluateBatch(e, VARS, inputs, 32, lowerings[i]);
        for (let k = 0; k < N; k++) {
          assert.ok(
            sameFloat(outs[i][k], want[k]),
            `${printFPCore(e)} at x=${inputs[0][k]}, y=${inputs[1][k]}: ${outs[i][k]} vs ${want[k]}`,
          );
        }
      });
    },
  );
}

function contains(outer: Expr, inner: Expr): boolean {
  if (outer === inner) return true;
  return outer.tag === "app" && outer.args.some((a) => contains(a, inner));
}
