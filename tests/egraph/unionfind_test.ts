import assert from "node:assert/strict";
import { UnionFind } from "../../pipeline/egraph/unionfind.ts";
import { Rng } from "../../pipeline/expr/random.ts";

Deno.test("union-find agrees with a naive partition under random unions", () => {
  const rng = new Rng(7);
  const uf = new UnionFind(4); // small, so that it has to grow
  const n = 500;
  const label = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) assert.equal(uf.makeSet(), i);
  for (let step = 0; step < 400; step++) {
    const a = uf.find(rng.int(n)), b = uf.find(rng.int(n));
    if (a !== b) uf.union(a, b);
    const la = label[a], lb = label[b];
    for (let i = 0; i < n; i++) if (label[i] === lb) label[i] = la;
    if (step % 50 === 0) {
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j += 7) assert.equal(uf.find(i) === uf.find(j), label[i] === label[j]);
      }
    }
  }
  assert.equal(uf.size, n);
});

Deno.test("union-find refuses to union non-roots", () => {
  const uf = new UnionFind();
  const a = uf.makeSet(), b = uf.makeSet(), c = uf.makeSet();
  uf.union(a, b);
  assert.throws(() => uf.union(c, b), /non-roots/);
  assert.ok(uf.isRoot(a) && !uf.isRoot(b));
});
