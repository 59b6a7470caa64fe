import assert from "node:assert/strict";
import { app, type Expr, num, v } from "../../pipeline/expr/expr.ts";
import { REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { FUSED_MIX, Rng } from "../../pipeline/expr/random.ts";
import { FeatureDag } from "../../pipeline/nnue/feature_dag.ts";
import { MAX_EXACT_COST } from "../../pipeline/nnue/latency_init.ts";
import { Network } from "../../pipeline/nnue/network.ts";
import { compositeExpr, randomRewrite, randomTestExpr } from "./gen.ts";

const close = (y: number, c: number) => Math.abs(y - c) <= 1e-4 * Math.max(Math.abs(c), 1e-9);

Deno.test("the untrained Judge equals the static cost on random expressions", () => {
  for (const depth of [2, 3, 4]) {
    using nw = Network.create({ depth });
    const rng = new Rng(depth);
    const es: Expr[] = [];
    for (let i = 0; i < 150; i++) es.push(randomTestExpr(rng, 1 + rng.int(300)));
    for (let i = 0; i < 10; i++) es.push(compositeExpr(rng, 1000, FUSED_MIX));
    const ys = nw.judgeCosts(es);
    es.forEach((e, i) => {
      const c = staticCost(e, REFERENCE_COSTS);
      assert.ok(c <= MAX_EXACT_COST);
      assert.ok(close(ys[i], c), `depth ${depth}, expr ${i}: judge ${ys[i]} vs static ${c}`);
      assert.equal(ys[i], c, "exact, in fact");
    });
    assert.equal(nw.judgeCost(num(3)), 0, "a constant costs nothing");
    assert.equal(nw.judgeCost(v("x")), 0.5, "a variable is one load");
  }
});

Deno.test("the untrained Judge follows the static cost through deltas", () => {
  using nw = Network.create();
  const rng = new Rng(77);
  for (let t = 0; t < 30; t++) {
    let e = randomTestExpr(rng, 50);
    const dag = new FeatureDag(nw.fs, e);
    const acc = nw.accumulator(e);
    for (let s = 0; s < 10; s++) {
      const d = dag.rewrite(...randomRewrite(rng, e));
      const [scored] = nw.scoreDeltas("judge", acc, [d]);
      assert.ok(close(scored, staticCost(d.after, REFERENCE_COSTS)), "scored candidate");
      nw.applyDelta(acc, d);
      dag.commit(d);
      e = d.after;
      assert.ok(close(nw.net.eval("judge", acc)[0], staticCost(e, REFERENCE_COSTS)), "after apply");
    }
  }
});

Deno.test("derivative nodes cost 1000 each and saturate past MAX_EXACT_COST", () => {
  using nw = Network.create();
  let e: Expr = v("x");
  for (let i = 0; i < 25; i++) e = app("d", [v("x"), app("+", [e, num(i)])]);
  const c = staticCost(e, REFERENCE_COSTS);
  assert.ok(c > MAX_EXACT_COST);
  assert.equal(nw.judgeCost(e), MAX_EXACT_COST);
  let small: Expr = v("y");
  for (let i = 0; i < 12; i++) small = app("d", [v("y"), small]);
  assert.equal(nw.judgeCost(small), staticCost(small, REFERENCE_COSTS));
});

Deno.test("the Guide starts at zero lookahead gain on any expression", () => {
  using nw = Network.create();
  const rng = new Rng(8);
  for (let i = 0; i < 20; i++) {
    const e = randomTestExpr(rng, 80);
    assert.equal(nw.net.eval("guide", nw.accumulator(e))[0], 0);
  }
});
