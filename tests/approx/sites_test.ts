import assert from "node:assert/strict";
import { approximations } from "../../pipeline/approx/catalog.ts";
import type { ApproxCostFile } from "../../pipeline/approx/costs.ts";
import { approximationCost, approxSites, loweringOf, sigmoidArg } from "../../pipeline/approx/sites.ts";
import { costTable } from "../../pipeline/expr/cost.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { OP_NAMES, type OpName } from "../../pipeline/expr/ops.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { Rng } from "../../pipeline/expr/random.ts";

const sites = (src: string, ranges: Record<string, [number, number]>) =>
  approxSites(parseExpr(src), ranges).map((s) => `${s.fn} ${s.args.map(printFPCore).join(" ")}`);

Deno.test("the logistic sigmoid is found in the forms the rules leave it in, and nothing like it is", () => {
  for (const src of ["(/ 1 (+ 1 (exp (neg x))))", "(/ 1 (+ (exp (neg x)) 1))", "(recip (+ 1 (exp (neg x))))"]) {
    assert.equal(printFPCore(sigmoidArg(parseExpr(src))!), "x", src);
  }
  for (const src of ["(/ 2 (+ 1 (exp (neg x))))", "(/ 1 (+ 2 (exp (neg x))))", "(/ 1 (+ 1 (exp x)))", "(exp x)"]) {
    assert.equal(sigmoidArg(parseExpr(src)), null, src);
  }
});

Deno.test("a site is offered only where the ranges keep its arguments in the function's domain", () => {
  assert.deepEqual(sites("(+ (exp x) (log2 y))", { x: [-1e9, 1e9], y: [-5, 5] }), ["exp x", "log2 y"]);
  // sin and cos hold their bounds for |x| <= 16384.
  assert.deepEqual(sites("(sin (* 2 x))", { x: [-100, 100] }), ["sin (* 2 x)"]);
  assert.deepEqual(sites("(sin (* 2 x))", { x: [-1e4, 1e4] }), []);
  // pow: x > 0 and y log2 x within [-160, 130].
  assert.deepEqual(sites("(pow x 2.4)", { x: [0.01, 1] }), ["pow x 2.4"]);
  assert.deepEqual(sites("(pow x 2.4)", { x: [0, 1] }), []);
  assert.deepEqual(sites("(pow x y)", { x: [1e-30, 1], y: [1, 2] }), []);
  // The sigmoid is one site, its inner exp another (used when only the exp is worth approximating).
  assert.deepEqual(sites("(/ 1 (+ 1 (exp (neg x))))", { x: [-9, 9] }), ["exp (- x)", "sigmoid x"]);
});

Deno.test("an approximation costs its measured ratio times the table's price of what it replaces", () => {
  const a = approximations().find((x) => x.cName === "kap_exp2_u4")!;
  const s = approximations().find((x) => x.cName === "kap_sigmoid_u4")!;
  const file: ApproxCostFile = { ratio: { avx512: { kap_exp2_u4: 0.5, kap_sigmoid_u4: 0.25 } }, updated: [] };
  const table = costTable("avx512-kopt (test)", priced(), { var: 0.5, const: 0 });
  assert.equal(approximationCost(a, table, file), 0.5 * 10);
  assert.equal(approximationCost(s, table, file), 0.25 * 40);
  // An ISA never timed: the body's ops, each priced by the table (10 apiece here).
  const neon = costTable("neon-kopt (test)", priced(), { var: 0.5, const: 0 });
  const ops = approximationCost(a, neon, file);
  assert.ok(ops > 0 && ops % 10 === 0, `${ops}`);
});

/** Every op at 10. */
function priced(): Record<OpName, number> {
  return Object.fromEntries(OP_NAMES.map((n) => [n, 10])) as Record<OpName, number>;
}

Deno.test("a lowering computes each placed node by its approximation, bit for bit (random inputs)", () => {
  const rng = new Rng(5);
  const e = parseExpr("(* 3 (+ (exp2 x) (sin y)))");
  const ss = approxSites(e, { x: [-20, 20], y: [-50, 50] });
  const pick = (fn: string, bound: number) => approximations().find((a) => a.fn === fn && a.bound === bound)!;
  const lowering = loweringOf([
    { site: ss.find((s) => s.fn === "exp2")!, approx: pick("exp2", 64) },
    { site: ss.find((s) => s.fn === "sin")!, approx: pick("sin", 4096) },
  ]);
  const n = 500;
  const xs = Float32Array.from({ length: n }, () => rng.range(-20, 20));
  const ys = Float32Array.from({ length: n }, () => rng.range(-50, 50));
  const got = evaluateBatch(e, ["x", "y"], [xs, ys], 32, lowering);
  for (let k = 0; k < n; k++) {
    const want = Math.fround(3 * Math.fround(pick("exp2", 64).evaluate(xs[k]) + pick("sin", 4096).evaluate(ys[k])));
    assert.equal(got[k], want, `at ${xs[k]}, ${ys[k]}`);
  }
});
