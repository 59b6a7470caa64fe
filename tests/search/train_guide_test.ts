import assert from "node:assert/strict";
import { v } from "../../pipeline/expr/expr.ts";
import { Network } from "../../pipeline/nnue/network.ts";
import { fitLoss, GUIDE_TRAINING, splitByGroup } from "../../pipeline/nnue/train.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { guidedSearch } from "../../pipeline/search/guided.ts";
import { guideSamples, roundExpressions, trainGuideRound } from "../../pipeline/search/train_guide.ts";
import { REFERENCE_COSTS } from "../../pipeline/expr/cost.ts";

Deno.test("Guide targets are the gain reachable within the horizon, inside one path", () => {
  const f = new Int32Array([1]);
  const step = (judge: number, segment: number) => ({
    rule: "r",
    site: v("x"),
    result: v("x"),
    score: 0,
    judge,
    cost: judge,
    random: false,
    atMs: 0,
    segment,
    features: f,
  });
  const t = [step(10, 0), step(12, 0), step(7, 0), step(9, 0), step(3, 1)];
  assert.deepEqual(guideSamples(t, 8, 5, "judge").map((s) => s.target), [-3, -5, 0, 0, 0]);
  assert.deepEqual(guideSamples(t, 8, 5, "static").map((s) => s.target), [-3, -5, 0, 0, 0]);
  assert.deepEqual(guideSamples(t, 1, 5, "judge").map((s) => s.target), [0, -5, 0, 0, 0]);
});

Deno.test("a round of Loop B lowers the Guide's validation loss (fixed seed)", async () => {
  using nw = Network.create();
  const r = await trainGuideRound(nw, {
    costs: REFERENCE_COSTS,
    rules: ALL_RULES,
    expressions: 120,
    epochs: 4,
    seed: 7,
    budget: 100,
  }, 0);
  assert.ok(r.samples > 1000, `${r.samples} samples`);
  assert.ok(r.validationAfter < r.validationBefore, `${r.validationBefore} -> ${r.validationAfter}`);
});

Deno.test("the Guide head trains while the shared embedding stays frozen by default", async () => {
  using nw = Network.create();
  const tasks = roundExpressions(20, 3, ALL_RULES);
  const samples = tasks.flatMap((t, i) =>
    guideSamples(
      guidedSearch(t.expr, nw, {
        costs: REFERENCE_COSTS,
        rules: ALL_RULES,
        ranges: t.ranges,
        budget: 40,
        record: true,
        seed: i,
      }).trajectory,
      8,
      i,
    )
  );
  const { train } = splitByGroup(samples, 0, 1);
  const judgeBefore = fitLoss(nw, train, { head: "judge", loss: "linear" });
  await trainGuideRound(nw, {
    costs: REFERENCE_COSTS,
    rules: ALL_RULES,
    expressions: 20,
    epochs: 2,
    seed: 3,
    budget: 40,
  }, 0);
  assert.equal(fitLoss(nw, train, { head: "judge", loss: "linear" }), judgeBefore);
  assert.equal(GUIDE_TRAINING.trainEmbedding, false);
});
