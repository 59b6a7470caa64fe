import assert from "node:assert/strict";
import { REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { loadNetwork } from "../../pipeline/nnue/weights_file.ts";
import { GATHER_CONSTANTS } from "../../pipeline/search/constgather.ts";
import { optimize, reranked } from "../../pipeline/search/optimizer.ts";
import type { FormJudge } from "../../pipeline/nnue/asm_judge.ts";
import type { Expr } from "../../pipeline/expr/expr.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";

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

Deno.test("reranked (property): the final Judge orders the first k forms, figures first; the rest stay as they were", () => {
  const rng = new Rng(23);
  for (let t = 0; t < 200; t++) {
    const n = rng.int(14), k = 1 + rng.int(10);
    const order = Array.from({ length: n }, (_, i) => ({ e: parseExpr(String(i)), i }));
    const figure = new Map(order.map((c) => [c.e, rng.int(4) === 0 ? null : rng.int(5)]));
    const judge: FormJudge = { name: "test", k, predictNs: (forms) => forms.map((f) => figure.get(f)!) };
    const out = reranked(order, judge, [], {});
    assert.deepEqual(out.map((c) => c.i).sort((a, b) => a - b), order.map((c) => c.i));
    assert.deepEqual(out.slice(k).map((c) => c.i), order.slice(k).map((c) => c.i));
    const head = out.slice(0, k);
    const key = (c: { e: Expr }) => figure.get(c.e) ?? Infinity;
    for (let i = 1; i < head.length; i++) {
      const [a, b] = [head[i - 1], head[i]];
      assert.ok(key(a) < key(b) || (key(a) === key(b) && a.i < b.i), `trial ${t}: ${a.i} before ${b.i}`);
    }
    for (const c of head) assert.equal(c.finalNs, figure.get(c.e) ?? undefined);
  }
});

Deno.test("optimize returns the final Judge's pick among the forms it re-ranked, within the guard", () => {
  using nw = loadNetwork();
  const vars = ["x", "y"];
  // A final Judge that prefers the costliest forms: its word, not the table's, must decide.
  const judge: FormJudge = {
    name: "test",
    k: 6,
    predictNs: (forms) => forms.map((f) => 1000 - staticCost(f, REFERENCE_COSTS)),
  };
  const r = optimize(parseExpr("(+ (* x y) (* x y))", vars), vars, { x: [1, 2], y: [1, 2] }, nw, {
    rules: ALL_RULES,
    costs: REFERENCE_COSTS,
    timeMs: 300,
    samples: 2000,
    finalJudge: judge,
  });
  assert.ok(r.best.finalNs !== undefined);
  const judged = r.candidates.filter((c) => c.accepted && c.finalNs !== undefined);
  assert.equal(r.best.finalNs, Math.min(...judged.map((c) => c.finalNs!)));
});
