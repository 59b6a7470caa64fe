import assert from "node:assert/strict";
import { RANGES, searchInput, VARS } from "./inputs.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import type { Expr } from "../../pipeline/expr/expr.ts";
import { randomFusedExpr } from "../../pipeline/expr/fused.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { sampleInputs } from "../../pipeline/expr/sample.ts";
import { REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { Network } from "../../pipeline/nnue/network.ts";
import { FeatureDag } from "../../pipeline/nnue/feature_dag.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { candidatesAt, NodeFacts, RuleIndex } from "../../pipeline/search/candidates.ts";
import { guidedSearch } from "../../pipeline/search/guided.ts";
import { MaxHeap } from "../../pipeline/search/heap.ts";
import { unfuse } from "../../pipeline/search/unfuse.ts";

/** Relative agreement in float64, allowing for the rounding of both forms. */
function assertSameValues(a: Expr, b: Expr, what: string) {
  const cols = sampleInputs(VARS, RANGES, 300, 4);
  const va = evaluateBatch(a, VARS, cols, 64), vb = evaluateBatch(b, VARS, cols, 64);
  for (let k = 0; k < va.length; k++) {
    const tol = 1e-9 * Math.max(1, Math.abs(va[k]), Math.abs(vb[k]));
    assert.ok(
      Math.abs(va[k] - vb[k]) <= tol || (Number.isNaN(va[k]) && Number.isNaN(vb[k])),
      `${what}: ${printFPCore(a)} = ${va[k]} but ${printFPCore(b)} = ${vb[k]}`,
    );
  }
}

Deno.test("every state and choice of the guided search keeps the input's value", () => {
  using nw = Network.create();
  const rng = new Rng(12);
  for (let i = 0; i < 25; i++) {
    const e = searchInput(rng, i);
    const r = guidedSearch(e, nw, {
      costs: REFERENCE_COSTS,
      rules: ALL_RULES,
      ranges: RANGES,
      budget: 60,
      seed: i,
      epsilon: 0.2,
    });
    for (const c of r.choices) assertSameValues(e, c.expr, `choice (${c.from})`);
    assert.ok(r.best.judge <= r.input.judge, "never worse than the input by the Judge");
  }
});

Deno.test("guided search recovers the fused form of backward-generated pairs", () => {
  using nw = Network.create();
  const rng = new Rng(31);
  let recovered = 0;
  const n = 40;
  for (let i = 0; i < n; i++) {
    const fused = randomFusedExpr(rng, { vars: VARS });
    const u = unfuse(fused, 1 + rng.int(6), rng, RANGES, ALL_RULES);
    const r = guidedSearch(u.expr, nw, {
      costs: REFERENCE_COSTS,
      rules: ALL_RULES,
      ranges: RANGES,
      budget: 300,
      seed: i,
    });
    if (r.best.cost <= staticCost(fused, REFERENCE_COSTS) + 1e-9) recovered++;
  }
  assert.ok(recovered >= 0.9 * n, `recovered ${recovered} of ${n}`);
});

Deno.test("Guide scores depend on the candidate: different rewrites of one state score differently", () => {
  using nw = Network.create();
  // Give the Guide head non-zero output weights so its scores are not all 0.
  const h = nw.net.head("guide");
  const rng = new Rng(2);
  for (let j = 0; j < 32; j++) h[256 * 32 + 32 + j] = rng.next() - 0.5;
  nw.net.setHead("guide", h);
  const e = randomExpr(new Rng(5), { size: 14, vars: VARS, range: [0.5, 4] });
  const index = new RuleIndex(ALL_RULES);
  const facts = new NodeFacts(RANGES);
  const dag = new FeatureDag(nw.fs, e);
  const cands = [...dag.nodes()].flatMap((n) => candidatesAt(n, index, facts));
  assert.ok(cands.length > 10);
  const scores = nw.scoreDeltas("guide", nw.accumulator(e), cands.map((c) => dag.rewrite(c.site, c.result)));
  assert.ok(new Set(scores).size > cands.length / 3, `only ${new Set(scores).size} distinct scores`);
});

Deno.test("unfused BWD pairs are equal in value and mostly cost more", () => {
  const rng = new Rng(77);
  let costlier = 0;
  for (let i = 0; i < 200; i++) {
    const fused = randomFusedExpr(rng, { vars: VARS });
    const u = unfuse(fused, 1 + rng.int(10), rng, RANGES, ALL_RULES);
    assertSameValues(fused, u.expr, `unfused by ${u.steps.join(",")}`);
    // Each rule costs more as a tree, except splitting an fma into the
    // multiply and the add it costs (ops.ts); and in the DAG, two fmas split
    // into adds of one shared product cost less.
    if (staticCost(u.expr, REFERENCE_COSTS) > staticCost(fused, REFERENCE_COSTS)) costlier++;
  }
  assert.ok(costlier >= 140, `${costlier} of 200 cost more`);
});

Deno.test("heap pops by priority, ties in insertion order, popAt keeps the heap valid", () => {
  const h = new MaxHeap<string>();
  const rng = new Rng(1);
  const items: [string, number][] = [];
  for (let i = 0; i < 200; i++) {
    const p = rng.int(20);
    items.push([`i${i}`, p]);
    h.push(`i${i}`, p);
  }
  h.popAt(17);
  h.popAt(3);
  let last = Infinity;
  const out: string[] = [];
  while (h.size > 0) {
    const p = h.peekPriority();
    assert.ok(p <= last);
    last = p;
    out.push(h.pop()!);
  }
  assert.equal(out.length, 198);
  const byPrio = items.filter(([k]) => out.includes(k)).sort((a, b) => b[1] - a[1]).map(([k]) => k);
  assert.deepEqual(out, byPrio);
});
