import assert from "node:assert/strict";
import { Rng } from "../../pipeline/expr/random.ts";
import {
  dominates,
  emptyFront,
  type Front,
  frontOf,
  insert,
  type ParetoPoint,
  parsePick,
  pickPoint,
} from "../../pipeline/search/pareto.ts";

const pt = (time: number, error: number, key = `${time}/${error}`): ParetoPoint<string> => ({
  time,
  error,
  key,
  item: key,
});

/** Random points on a coarse grid, so that ties in one or both measures are common. */
function randomPoints(rng: Rng, n: number): ParetoPoint<string>[] {
  return Array.from({ length: n }, (_, i) => pt(rng.int(12), rng.int(12), `p${rng.int(4)}-${i % 3}`));
}

function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const same = (a: Front<string>, b: Front<string>) =>
  a.map((p) => [p.time, p.error, p.key]).join(";") === b.map((p) => [p.time, p.error, p.key]).join(";");

Deno.test("a front keeps the trade-offs, sorted by time with falling error", () => {
  const f = frontOf([pt(3, 1), pt(1, 9), pt(2, 4), pt(2, 5), pt(4, 1), pt(1, 9, "0")]);
  assert.deepEqual(f.map((p) => [p.time, p.error]), [[1, 9], [2, 4], [3, 1]]);
  assert.equal(f[0].key, "0", "of two equal points the smaller key stays");
  assert.ok(Object.isFrozen(f));
  assert.equal(pickPoint(f, { kind: "fastest" })!.time, 1);
  assert.equal(pickPoint(f, { kind: "accurate" })!.error, 1);
  assert.equal(pickPoint(f, { kind: "ulp", max: 4 })!.time, 2);
  assert.equal(pickPoint(f, { kind: "ulp", max: 0.5 }), null);
  assert.equal(pickPoint(emptyFront<string>(), { kind: "fastest" }), null);
  assert.equal(insert(f, pt(NaN, 1)), f, "a point without a time is no point");
});

Deno.test("--pick values parse", () => {
  assert.deepEqual(parsePick("fastest"), { kind: "fastest" });
  assert.deepEqual(parsePick("accurate"), { kind: "accurate" });
  assert.deepEqual(parsePick("ulp<=16"), { kind: "ulp", max: 16 });
  assert.deepEqual(parsePick("ulp<=0.5"), { kind: "ulp", max: 0.5 });
  for (const bad of ["", "slow", "ulp<16", "ulp<=", "ulp<=-1", "ulp<=x"]) assert.equal(parsePick(bad), null, bad);
});

Deno.test("property: no point of a front dominates another, and every input point is covered", () => {
  const rng = new Rng(17);
  for (let t = 0; t < 300; t++) {
    const pts = randomPoints(rng, 1 + rng.int(30));
    const f = frontOf(pts);
    for (const a of f) for (const b of f) assert.ok(a === b || !dominates(a, b), "mutually non-dominated");
    for (let i = 1; i < f.length; i++) assert.ok(f[i - 1].time < f[i].time && f[i - 1].error > f[i].error);
    for (const p of pts) {
      assert.ok(f.some((q) => q === p || dominates(q, p) || (q.time === p.time && q.error === p.error)), "covered");
    }
  }
});

Deno.test("property: inserting a point the front dominates leaves it unchanged (the same object)", () => {
  const rng = new Rng(23);
  for (let t = 0; t < 300; t++) {
    const f = frontOf(randomPoints(rng, 1 + rng.int(20)));
    const q = f[rng.int(f.length)];
    const worse = pt(q.time + rng.int(3), q.error + rng.int(3) + (rng.next() < 0.5 ? 0 : 1), "zz");
    if (!dominates(q, worse)) continue;
    assert.equal(insert(f, worse), f);
    assert.equal(insert(f, q), f, "a point already there changes nothing");
  }
});

Deno.test("property: the front of a set does not depend on insertion order", () => {
  const rng = new Rng(31);
  for (let t = 0; t < 300; t++) {
    const pts = randomPoints(rng, 1 + rng.int(30));
    const f = frontOf(pts);
    for (let k = 0; k < 3; k++) assert.ok(same(f, frontOf(shuffled(rng, pts))));
  }
});
