import assert from "node:assert/strict";
import { app, type Expr, num, postorder, v } from "../../pipeline/expr/expr.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { FeatureDag, featureDelta } from "../../pipeline/nnue/feature_dag.ts";
import { features, featureSet } from "../../pipeline/nnue/features.ts";
import { compositeExpr, multisetDiff, randomRewrite, randomTestExpr, replaceNode } from "./gen.ts";

const sorted = (a: Int32Array) => [...a].sort((x, y) => x - y);

for (const depth of [1, 2, 3, 4]) {
  Deno.test(`feature delta equals the difference of full feature multisets (D=${depth})`, () => {
    const fs = featureSet(depth);
    const rng = new Rng(100 + depth);
    for (let t = 0; t < 500; t++) {
      // Small DAGs with heavy sharing, and larger kernels (deep spines, far ancestors).
      const before = t < 400 ? randomTestExpr(rng, 1 + rng.int(40)) : compositeExpr(rng, 100 + rng.int(200));
      const [site, repl] = randomRewrite(rng, before);
      const d = featureDelta(fs, before, site, repl);
      const after = replaceNode(before, site, repl);
      assert.equal(d.after, after, "the rewritten root");
      const [gone, come] = multisetDiff(features(fs, before), features(fs, after));
      assert.deepEqual(sorted(d.removed), gone, `removed features, case ${t}`);
      assert.deepEqual(sorted(d.added), come, `added features, case ${t}`);
    }
  });
}

Deno.test("committed rewrites keep the DAG state equal to a fresh one", () => {
  const fs = featureSet(3);
  const rng = new Rng(7);
  for (let t = 0; t < 30; t++) {
    let e = randomTestExpr(rng, 30);
    const dag = new FeatureDag(fs, e);
    for (let step = 0; step < 25; step++) {
      const [site, repl] = randomRewrite(rng, e);
      const d = dag.rewrite(site, repl);
      const [gone, come] = multisetDiff(features(fs, e), features(fs, d.after));
      assert.deepEqual(sorted(d.removed), gone);
      assert.deepEqual(sorted(d.added), come);
      dag.commit(d);
      e = d.after;
      assert.equal(dag.root, e);
      const ids = new Set(postorder(e).map((n) => n.id));
      assert.equal(dag.size, ids.size, "node count after commit");
      for (const n of dag.nodes()) assert.ok(ids.has(n.id), "no stale node");
    }
    const [site, repl] = randomRewrite(rng, e);
    const stale = dag.rewrite(site, repl);
    dag.commit(dag.rewrite(e, e));
    assert.throws(() => dag.commit(stale), /stale rewrite/);
  }
});

Deno.test("a change at the bottom of a long chain touches only the D ancestors above it", () => {
  for (const depth of [1, 3, 4]) {
    const fs = featureSet(depth);
    let e: Expr = v("x");
    for (let i = 0; i < 200; i++) e = app(i % 2 ? "neg" : "sin", [e]);
    const d = featureDelta(fs, e, v("x"), num(3));
    // The leaf's self feature, and one feature per ancestor within D (the path to the leaf).
    assert.equal(d.removed.length, depth + 1);
    assert.equal(d.added.length, depth + 1);
    assert.equal(d.after, replaceNode(e, v("x"), num(3)));
  }
});
