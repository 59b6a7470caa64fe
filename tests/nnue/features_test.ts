import assert from "node:assert/strict";
import { app, num, v } from "../../pipeline/expr/expr.ts";
import { KIND_COUNT, opCode } from "../../pipeline/expr/ops.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import {
  decodeFeature,
  FEATURE_KIND_NAMES,
  FEATURE_KINDS,
  featureIndex,
  features,
  featureSet,
  featureSetOf,
  FIRST_KINDS,
  kindOf,
  nodeFeatures,
  pathCount,
  selfFeature,
  SQUARE_KINDS,
} from "../../pipeline/nnue/features.ts";
import { randomTestExpr } from "./gen.ts";

Deno.test("index space: K * K * P(D), with the documented sizes", () => {
  assert.equal(FEATURE_KINDS, KIND_COUNT + 6);
  assert.equal(FEATURE_KIND_NAMES.length, FEATURE_KINDS);
  assert.deepEqual([1, 2, 3, 4].map(pathCount), [4, 13, 40, 121]);
  assert.equal(featureSet(3).size, 112_360);
  assert.equal(featureSet(4).size, 339_889);
  assert.equal(featureSetOf(3, SQUARE_KINDS).size, 81_000);
  assert.notEqual(featureSet(3).id, featureSet(4).id);
  assert.equal(featureSet(3).id, featureSet(3).id);
  assert.throws(() => featureSet(0), /depth/);
});

Deno.test("the index formula is a bijection onto [0, size)", () => {
  const fs = featureSet(2);
  const seen = new Set<number>();
  for (let p = 0; p < fs.kinds; p++) {
    for (let path = 0; path < fs.paths; path++) {
      for (let d = 0; d < fs.kinds; d++) {
        const i = featureIndex(fs, p, path, d);
        assert.ok(i >= 0 && i < fs.size);
        assert.deepEqual(decodeFeature(fs, i), [p, path, d]);
        seen.add(i);
      }
    }
  }
  assert.equal(seen.size, fs.size);
});

Deno.test("kinds: op codes, variables, and the constant classes", () => {
  assert.equal(kindOf(app("fma", [v("a"), v("b"), v("c")])), opCode("fma"));
  assert.equal(kindOf(v("x")), 1);
  assert.equal(kindOf(num(0.1)), 0);
  assert.equal(kindOf(num(-0)), FIRST_KINDS);
  assert.deepEqual([0, 1, -1, 2, 0.5].map((c) => kindOf(num(c))), [0, 1, 2, 3, 4].map((k) => FIRST_KINDS + k));
  assert.equal(kindOf(num(3)), FIRST_KINDS + 5);
  assert.equal(kindOf(num(-16)), FIRST_KINDS + 5);
  // Ops added after d come after the constant classes, in op-code order.
  assert.equal(FIRST_KINDS, opCode("d") + 1);
  assert.equal(kindOf(app("select", [app("lt", [v("a"), v("b")]), v("a"), v("b")])), SQUARE_KINDS);
  assert.equal(FEATURE_KIND_NAMES[kindOf(app("not", [app("lt", [v("a"), v("b")])]))], "not");
});

Deno.test("adding kinds moves no row: the first 45 kinds index as they always did", () => {
  const old = featureSetOf(3, SQUARE_KINDS);
  const now = featureSet(3);
  // The descriptor (and id) of the first 45 kinds is the one the shipped weights were written with.
  assert.equal(old.id, 0x2225059609ffc9f3n);
  const rng = new Rng(3);
  for (let t = 0; t < 2000; t++) {
    const p = rng.int(SQUARE_KINDS), path = rng.int(old.paths), q = rng.int(SQUARE_KINDS);
    assert.equal(featureIndex(now, p, path, q), (p * old.paths + path) * SQUARE_KINDS + q);
  }
  // Every index of the larger set decodes back, and the new kinds' rows lie past the old ones.
  for (let t = 0; t < 2000; t++) {
    const p = rng.int(now.kinds), path = rng.int(now.paths), q = rng.int(now.kinds);
    const i = featureIndex(now, p, path, q);
    assert.deepEqual(decodeFeature(now, i), [p, path, q]);
    if (Math.max(p, q) >= SQUARE_KINDS) assert.ok(i >= old.size && i < now.size);
  }
});

Deno.test("a perspective sees every path to depth D, the node itself first", () => {
  const fs = featureSet(2);
  const x = v("x");
  const e = app("+", [app("*", [x, x]), num(2)]); // (+ (* x x) 2)
  const f = nodeFeatures(fs, e);
  const plus = opCode("+"), mul = opCode("*");
  assert.deepEqual(f, [
    selfFeature(fs, plus),
    featureIndex(fs, plus, 1, mul), // path [0]
    featureIndex(fs, plus, 4, 1), // path [0, 0]: x
    featureIndex(fs, plus, 5, 1), // path [0, 1]: x again, another path
    featureIndex(fs, plus, 2, FIRST_KINDS + 3), // path [1]: the constant 2
  ]);
  // Unique nodes are perspectives once: x is shared, so 3 perspectives.
  assert.equal(features(fs, e).length, 5 + 3 + 1 + 1);
});

Deno.test("every feature of random expressions is inside the index space", () => {
  const rng = new Rng(1);
  for (const depth of [1, 3, 5]) {
    const fs = featureSet(depth);
    for (let i = 0; i < 50; i++) {
      for (const f of features(fs, randomTestExpr(rng, 40))) assert.ok(f >= 0 && f < fs.size);
    }
  }
});
