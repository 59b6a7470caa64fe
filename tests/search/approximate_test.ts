import assert from "node:assert/strict";
import { approxSites, loweringOf } from "../../pipeline/approx/sites.ts";
import { REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import type { Expr } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import type { Lowering } from "../../pipeline/expr/lowering.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { sampleInputs } from "../../pipeline/expr/sample.ts";
import { flooredErrorStats, outputFloor } from "../../pipeline/expr/ulp.ts";
import { loadNetwork } from "../../pipeline/nnue/weights_file.ts";
import { approximate, loweredCost } from "../../pipeline/search/approximate.ts";
import { optimize } from "../../pipeline/search/optimizer.ts";

/** The guard's measure of a lowering of `e`: floored ulps against float64 on sampled inputs, ends included. */
function guard(e: Expr, vars: string[], ranges: Record<string, [number, number]>) {
  const cols = sampleInputs(vars, ranges, 3000, 1);
  const ref = evaluateBatch(e, vars, cols, 64);
  const floor = outputFloor(ref);
  return (l?: Lowering) => flooredErrorStats(evaluateBatch(e, vars, cols, 32, l), ref, floor);
}

const KERNELS: [string, Record<string, [number, number]>][] = [
  ["(exp2 (* 2.4 (log2 x)))", { x: [0.01, 1] }],
  ["(* (sin x) (exp (neg y)))", { x: [-10, 10], y: [0, 5] }],
  ["(/ 1 (+ 1 (exp (neg x))))", { x: [-12, 12] }],
  ["(+ (tanh x) (* 0.5 (log y)))", { x: [-4, 4], y: [0.1, 100] }],
  ["(pow x 2.2)", { x: [0.001, 1] }],
];

Deno.test("approximations placed within any limit keep the kernel within it, and cost less (kernels x limits)", () => {
  for (const [src, ranges] of KERNELS) {
    const e = parseExpr(src);
    const vars = Object.keys(ranges);
    const err = guard(e, vars, ranges);
    const base = err().maxUlp;
    for (const allowance of [0, 1, 4, 64, 4096, 1e6]) {
      const limit = base + allowance;
      const a = approximate(e, ranges, REFERENCE_COSTS, limit, allowance, err, err);
      if (a === null) continue;
      assert.ok(a.error.maxUlp <= limit, `${src} +${allowance}: ${a.error.maxUlp} > ${limit}`);
      assert.equal(a.error.maxUlp, err(a.lowering).maxUlp);
      assert.ok(a.staticCost < staticCost(e, REFERENCE_COSTS), `${src}: ${a.staticCost}`);
      assert.equal(a.staticCost, loweredCost(e, a.placements, REFERENCE_COSTS));
      for (const p of a.placements) assert.ok(p.approx.bound <= allowance, `${p.approx.cName} over +${allowance}`);
    }
  }
});

Deno.test("a looser limit never gets a costlier placement, and a large one takes the loosest tiers", () => {
  const e = parseExpr("(exp2 (* 2.4 (log2 x)))");
  const ranges = { x: [0.01, 1] as [number, number] };
  const err = guard(e, ["x"], ranges);
  let last = Infinity;
  for (const allowance of [0, 4, 64, 4096, 1e6]) {
    const a = approximate(e, ranges, REFERENCE_COSTS, err().maxUlp + allowance, allowance, err, err);
    const cost = a?.staticCost ?? staticCost(e, REFERENCE_COSTS);
    assert.ok(cost <= last, `+${allowance}: ${cost} > ${last}`);
    last = cost;
  }
  const loose = approximate(e, ranges, REFERENCE_COSTS, 1e9, 1e9, err, err)!;
  assert.deepEqual(loose.placements.map((p) => p.approx.bound), [4096, 4096]);
});

Deno.test("the error a placement is judged by is the lowered kernel's on the guard's samples (random tiers)", () => {
  const rng = new Rng(2);
  const e = parseExpr("(+ (exp x) (cos (* 3 x)))");
  const ranges = { x: [-3, 3] as [number, number] };
  const err = guard(e, ["x"], ranges);
  const sites = approxSites(e, ranges);
  for (let t = 0; t < 10; t++) {
    const allowance = rng.pick([0, 2, 8, 100, 5000]);
    const limit = err().maxUlp + allowance;
    const a = approximate(e, ranges, REFERENCE_COSTS, limit, allowance, err, err);
    if (a === null) continue;
    assert.ok(err(loweringOf(a.placements)).maxUlp <= limit);
    assert.ok(a.placements.every((p) => sites.some((s) => s.node === p.site.node)));
  }
});

Deno.test("optimize proposes approximate functions only within its guard, and not for the accuracy objective", () => {
  using nw = loadNetwork();
  const opts = { rules: [], costs: REFERENCE_COSTS, budget: 0, timeMs: 100, samples: 2000, rank: "static" } as const;
  const e = parseExpr("(* (exp x) (sin y))");
  const ranges = { x: [-5, 5] as [number, number], y: [-3, 3] as [number, number] };
  const r = optimize(e, ["x", "y"], ranges, nw, { ...opts, maxUlp: 4096 });
  assert.ok(r.approximated !== null);
  assert.ok(r.approximated.error.maxUlp <= r.baseline.error.maxUlp + 4096);
  assert.ok(r.approximated.staticCost < r.best.staticCost);
  const none = optimize(e, ["x", "y"], ranges, nw, { ...opts, maxUlp: 4096, objective: "accuracy" });
  assert.equal(none.approximated, null);
  const off = optimize(e, ["x", "y"], ranges, nw, { ...opts, maxUlp: 4096, approximate: false });
  assert.equal(off.approximated, null);
});

Deno.test("a kernel far off at one point does not admit tiers looser than the allowance elsewhere", () => {
  // A huge limit from the input's own error, a small allowance: only the tight tiers.
  const e = parseExpr("(exp2 (* 2.4 (log2 x)))");
  const ranges = { x: [0.01, 1] as [number, number] };
  const err = guard(e, ["x"], ranges);
  const a = approximate(e, ranges, REFERENCE_COSTS, 1e9, 4, err, err);
  for (const p of a?.placements ?? []) assert.ok(p.approx.bound <= 4, p.approx.cName);
  assert.equal(approximate(e, ranges, REFERENCE_COSTS, 1e9, 0.5, err, err), null);
});
