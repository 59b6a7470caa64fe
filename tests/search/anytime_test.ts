import assert from "node:assert/strict";
import { anytimeCurve, bestBy, finalBest, timeToReach } from "../../pipeline/search/anytime.ts";
import { Rng } from "../../pipeline/expr/random.ts";

const step = (cost: number, atMs: number) => ({ cost, atMs });

Deno.test("the anytime curve keeps the points where the best improved", () => {
  const c = anytimeCurve(10, [step(11, 1), step(9, 2), step(9, 3), step(12, 4), step(4, 5)]);
  assert.deepEqual(c, [
    { rewrites: 0, ms: 0, best: 10 },
    { rewrites: 2, ms: 2, best: 9 },
    { rewrites: 5, ms: 5, best: 4 },
  ]);
  assert.equal(bestBy(c, "rewrites", 1), 10);
  assert.equal(bestBy(c, "rewrites", 4), 9);
  assert.equal(bestBy(c, "ms", 100), 4);
  assert.equal(timeToReach(c, "rewrites", 9.5), 2);
  assert.equal(timeToReach(c, "ms", 4), 5);
  assert.equal(timeToReach(c, "ms", 3), null);
  assert.equal(finalBest(c), 4);
});

Deno.test("anytime curves of random trajectories agree with a direct scan (property)", () => {
  const rng = new Rng(31);
  for (let trial = 0; trial < 200; trial++) {
    const input = rng.next() * 10;
    let ms = 0;
    const t = Array.from({ length: rng.int(40) }, () => step(rng.next() * 12, ms += rng.next()));
    const c = anytimeCurve(input, t);
    for (let i = 1; i < c.length; i++) {
      assert.ok(c[i].best < c[i - 1].best && c[i].rewrites > c[i - 1].rewrites && c[i].ms >= c[i - 1].ms);
    }
    for (let k = 0; k <= t.length; k++) {
      const direct = Math.min(input, ...t.slice(0, k).map((s) => s.cost));
      assert.equal(bestBy(c, "rewrites", k), direct);
      const reach = timeToReach(c, "rewrites", direct);
      assert.ok(reach !== null && reach <= k);
    }
    assert.equal(finalBest(c), Math.min(input, ...t.map((s) => s.cost)));
  }
});
