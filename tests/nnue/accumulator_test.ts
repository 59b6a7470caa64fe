import assert from "node:assert/strict";
import { Rng } from "../../pipeline/expr/random.ts";
import { DIMS, toCsr } from "../../pipeline/ffi/nnue.ts";
import { FeatureDag } from "../../pipeline/nnue/feature_dag.ts";
import { features } from "../../pipeline/nnue/features.ts";
import { Network } from "../../pipeline/nnue/network.ts";
import { randomRewrite, randomTestExpr } from "./gen.ts";

/** Largest |a - b| relative to the accumulator's scale. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  let d = 0, s = 1;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

/** Moves the heads off the latency table so every dimension matters. */
function perturbHeads(nw: Network, rng: Rng): void {
  for (const h of ["judge", "guide"] as const) {
    const p = nw.net.head(h);
    for (let i = 0; i < 256 * 32 + 64; i++) p[i] += (rng.next() - 0.5) * 0.05;
    nw.net.setHead(h, p);
  }
}

Deno.test("apply_delta after random rewrites equals a rebuild", () => {
  using nw = Network.create({ depth: 3, seed: 11n });
  const rng = new Rng(5);
  for (let t = 0; t < 40; t++) {
    let e = randomTestExpr(rng, 1 + rng.int(60));
    const dag = new FeatureDag(nw.fs, e);
    const acc = nw.accumulator(e);
    // A chain of committed rewrites: rounding errors must not build up.
    for (let step = 0; step < 30; step++) {
      const [site, repl] = randomRewrite(rng, e);
      const d = dag.rewrite(site, repl);
      nw.applyDelta(acc, d);
      dag.commit(d);
      e = d.after;
      assert.ok(maxDiff(acc, nw.accumulator(e)) < 1e-5, `case ${t} step ${step}`);
    }
  }
});

Deno.test("batched delta application, scoring and evaluation agree with one-by-one calls", () => {
  using nw = Network.create({ depth: 3, seed: 12n });
  const rng = new Rng(6);
  perturbHeads(nw, rng);
  for (let t = 0; t < 10; t++) {
    const e = randomTestExpr(rng, 40);
    const dag = new FeatureDag(nw.fs, e);
    const base = nw.accumulator(e);
    // 19 candidates: not a multiple of the C kernel's group of 8.
    const deltas = Array.from({ length: 19 }, () => dag.rewrite(...randomRewrite(rng, e)));
    const scores = nw.scoreDeltas("guide", base, deltas);
    const rebuilt = nw.net.buildBatch(toCsr(deltas.map((d) => features(nw.fs, d.after))));
    const expected = nw.net.eval("guide", rebuilt);
    const batch = new Float32Array(deltas.length * DIMS);
    for (let i = 0; i < deltas.length; i++) batch.set(base, i * DIMS);
    nw.net.applyDeltaBatch(batch, toCsr(deltas.map((d) => d.removed)), toCsr(deltas.map((d) => d.added)));
    assert.ok(maxDiff(batch, rebuilt) < 1e-5, "applyDeltaBatch");
    for (let i = 0; i < deltas.length; i++) {
      assert.ok(Math.abs(scores[i] - expected[i]) <= 1e-4 * Math.max(1, Math.abs(expected[i])), `candidate ${i}`);
      const one = nw.net.eval("guide", rebuilt.subarray(i * DIMS, (i + 1) * DIMS))[0];
      assert.equal(one, expected[i], "a group of one agrees with a group of eight");
    }
    assert.deepEqual([...base], [...nw.accumulator(e)], "scoring leaves the base accumulator alone");
  }
});

Deno.test("the head forward matches a float64 reference", () => {
  using nw = Network.create({ depth: 2, seed: 13n });
  const rng = new Rng(7);
  perturbHeads(nw, rng);
  const p = nw.net.head("judge");
  for (let t = 0; t < 20; t++) {
    const acc = nw.accumulator(randomTestExpr(rng, 30));
    let s = p[256 * 32 + 64];
    for (let j = 0; j < 32; j++) {
      let z = p[256 * 32 + j];
      for (let i = 0; i < 256; i++) z += p[j * 256 + i] * acc[i];
      s += p[256 * 32 + 32 + j] * Math.min(1, Math.max(0, z));
    }
    const y = nw.net.eval("judge", acc)[0];
    assert.ok(Math.abs(y - p[256 * 32 + 65] * s) < 1e-3 * Math.max(1, Math.abs(y)), `case ${t}`);
  }
});

Deno.test("bad feature indices and sizes are refused", () => {
  using nw = Network.create({ depth: 1 });
  assert.throws(() => nw.net.build(Int32Array.of(0, nw.fs.size)), /feature index is outside/);
  assert.throws(() => nw.net.build(Int32Array.of(-1)), /feature index is outside/);
  const acc = nw.net.build(Int32Array.of(1, 2));
  assert.throws(() => nw.net.applyDelta(acc, Int32Array.of(nw.fs.size + 5), new Int32Array(0)), /outside/);
  assert.throws(() => nw.net.eval("judge", new Float32Array(100)), /whole number/);
  const bad = { offsets: Int32Array.of(0, 3, 1), items: Int32Array.of(1, 2, 3) };
  assert.throws(() => nw.net.buildBatch(bad), /invalid argument/);
});

Deno.test("rows are reproducible from the seed, whatever the order of first use", () => {
  using a = Network.create({ depth: 2, seed: 99n });
  using b = Network.create({ depth: 2, seed: 99n });
  using c = Network.create({ depth: 2, seed: 100n });
  const rows = [5, 1000, 17, a.fs.size - 1];
  const fromA = rows.map((r) => [...a.net.row(r)]);
  const fromB = [...rows].reverse().map((r) => [...b.net.row(r)]).reverse();
  assert.deepEqual(fromA, fromB);
  assert.deepEqual(fromA[1], [...a.net.rowInit(1000)]);
  assert.notDeepEqual(fromA[1], [...c.net.row(1000)]);
  for (const row of fromA) {
    assert.equal(row[0], 0, "dimension 0 is the latency table's, zero outside self features");
    assert.ok(row.slice(1).every((x) => Math.abs(x) <= 0.0502), "others within initRange (bfloat16-rounded)");
    assert.ok(new Set(row).size > 200, "and random");
  }
});
