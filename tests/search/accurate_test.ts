import assert from "node:assert/strict";
import { REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { sampleInputs } from "../../pipeline/expr/sample.ts";
import { flooredErrorStats, outputFloor } from "../../pipeline/expr/ulp.ts";
import { loadNetwork } from "../../pipeline/nnue/weights_file.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { accuracySearch } from "../../pipeline/search/accurate.ts";
import { ACCURACY_SLOWDOWN, mostAccurate, optimize } from "../../pipeline/search/optimizer.ts";
import { frontOf } from "../../pipeline/search/pareto.ts";

const MOTIVATING = "(/ (- (exp x) 1) (log (exp x)))";

Deno.test("the accuracy search walks through a worse form to expm1(x) / x", () => {
  const input = parseExpr(MOTIVATING);
  const ranges = { x: [-1, 1] as const };
  const cols = sampleInputs(["x"], ranges, 256, 1);
  const ref = evaluateBatch(input, ["x"], cols, 64);
  const floor = outputFloor(ref);
  const forms = accuracySearch([input], {
    rules: ALL_RULES,
    ranges,
    costs: REFERENCE_COSTS,
    vars: ["x"],
    columns: cols,
    errorOf: (e) => flooredErrorStats(evaluateBatch(e, ["x"], cols, 32), ref, floor),
    timeMs: 20_000,
    budget: 5000,
    costCap: 1.5 * staticCost(input, REFERENCE_COSTS),
    hot: 3,
    keep: 50,
  });
  const found = forms.find((f) => printFPCore(f.expr) === "(/ (expm1 x) x)");
  assert.ok(found !== undefined, forms.slice(0, 5).map((f) => printFPCore(f.expr)).join(", "));
  assert.ok(found.steps.includes("explog-log-exp") && found.steps.includes("explog-expm1-fuse"), found.steps.join());
  for (let i = 1; i < forms.length; i++) assert.ok(forms[i].expr !== forms[i - 1].expr);
});

Deno.test("optimize: speed keeps its choice, accuracy takes expm1(x) / x, the front is a front", () => {
  using nw = loadNetwork();
  const input = parseExpr(MOTIVATING);
  const base = { rules: ALL_RULES, costs: REFERENCE_COSTS, timeMs: 400, samples: 2000 };
  const speed = optimize(input, ["x"], { x: [-1, 1] }, nw, base);
  assert.equal(speed.picked, null);
  const acc = optimize(input, ["x"], { x: [-1, 1] }, nw, { ...base, objective: "accuracy" });
  assert.equal(printFPCore(acc.best.expr), "(/ (expm1 x) x)");
  assert.ok(acc.best.error.maxUlp <= acc.baseline.error.maxUlp);
  assert.ok(acc.best.predictedNs <= acc.baseline.predictedNs * (1 + ACCURACY_SLOWDOWN));
  assert.ok(acc.picked !== null && acc.candidates.includes(acc.best));
  for (const r of [speed, acc]) {
    assert.ok(r.front.length >= 1);
    for (let i = 1; i < r.front.length; i++) {
      assert.ok(r.front[i - 1].time < r.front[i].time && r.front[i - 1].error > r.front[i].error);
    }
    // No form ranked is both faster and more accurate than a point of the front.
    for (const c of r.candidates.filter((c) => c.error.n === r.baseline.error.n)) {
      for (const p of r.front) assert.ok(!(c.predictedNs < p.time && c.error.maxUlp < p.error), printFPCore(c.expr));
    }
  }
  const accurate = optimize(input, ["x"], { x: [-1, 1] }, nw, { ...base, pick: { kind: "accurate" } });
  assert.equal(accurate.best.error.maxUlp, accurate.front[accurate.front.length - 1].error);
});

Deno.test("mostAccurate: the least error within 5% of the input's time, the fastest within an ulp of it", () => {
  const p = (time: number, error: number) => ({ time, error, key: `${time}`, item: `${time}/${error}` });
  const f = frontOf([p(0.5, 100), p(0.9, 3.5), p(1.0, 3), p(1.04, 2.8), p(1.2, 0)]);
  assert.equal(mostAccurate(f, 1, 50), "0.9/3.5", "3.5 is within an ulp of 2.8 and faster");
  assert.equal(mostAccurate(f, 1, 3), "1/3", "never more error than the input's");
  assert.equal(mostAccurate(frontOf([p(2, 1)]), 1, 5), null, "nothing fast enough");
});

Deno.test("accuracy then speed: softplus's accurate form comes back in its cheaper exp2 spelling", () => {
  using nw = loadNetwork();
  const input = parseExpr("(log (+ 1 (exp x)))");
  const r = optimize(input, ["x"], { x: [-8, 8] }, nw, {
    rules: ALL_RULES,
    costs: REFERENCE_COSTS,
    timeMs: 600,
    samples: 2000,
    objective: "accuracy",
  });
  assert.ok(r.best.error.maxUlp * 2 <= r.baseline.error.maxUlp, `${r.best.error.maxUlp} vs ${r.baseline.error.maxUlp}`);
  assert.ok(r.best.predictedNs <= r.baseline.predictedNs * (1 + ACCURACY_SLOWDOWN));
  // The rules it took include the guided search's, after the accurate step.
  const steps = r.best.steps ?? [];
  assert.ok(steps.some((s) => s.startsWith("explog-softplus") || s.startsWith("explog-log1p")), steps.join());
});
