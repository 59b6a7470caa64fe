import assert from "node:assert/strict";
import { REFERENCE_COSTS } from "../../pipeline/expr/cost.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { loadNetwork } from "../../pipeline/nnue/weights_file.ts";
import { GATHER_CONSTANTS } from "../../pipeline/search/constgather.ts";
import { optimize } from "../../pipeline/search/optimizer.ts";

/** No rules, no rewrites: what the optimizer returns comes from its own passes. */
const passesOnly = {
  rules: [],
  costs: REFERENCE_COSTS,
  budget: 0,
  timeMs: 100,
  samples: 2000,
  rank: "static",
} as const;

Deno.test("optimize offers each form with its constants gathered, even when the search lines none up", () => {
  using nw = loadNetwork();
  const r = optimize(parseExpr("(* 2 (* (log x) 3))"), ["x"], { x: [1, 4] }, nw, passesOnly);
  assert.equal(printFPCore(r.best.expr), "(* 6 (log x))");
  assert.deepEqual(r.best.steps, [GATHER_CONSTANTS]);
  assert.ok(r.best.accepted);
});

Deno.test("a gathered form goes through the accuracy guard like any candidate", () => {
  using nw = loadNetwork();
  // srgb-to-linear as the search leaves it: exp2(2.4 * log2 u) measures 13 ulp
  // where these two constants give 9 (f32(2.4) is 4e-8 high, their product
  // 6e-8 low, on exp2 arguments up to 10), so a guard of 0 ulp keeps them.
  const srgb = parseExpr(
    "(exp2 (* 1.4426950408889634 (* 1.6635532333438687 (log2 (fma 0.9478672985781991 c 0.05213270142180095)))))",
  );
  const strict = optimize(srgb, ["c"], { c: [0.04045, 1] }, nw, { ...passesOnly, maxUlp: 0 });
  assert.equal(strict.best.expr, srgb);
  const gathered = strict.candidates.find((c) => c.expr !== srgb);
  assert.ok(gathered !== undefined && !gathered.accepted, "the gathered form was examined and dropped");
  assert.equal(printFPCore(gathered.expr), "(exp2 (* 2.4 (log2 (fma 0.9478672985781991 c 0.05213270142180095))))");
  const loose = optimize(srgb, ["c"], { c: [0.04045, 1] }, nw, { ...passesOnly, maxUlp: 8 });
  assert.equal(loose.best.expr, gathered.expr);
});
