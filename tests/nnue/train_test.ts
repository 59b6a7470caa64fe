import assert from "node:assert/strict";
import { type Expr, postorder } from "../../pipeline/expr/expr.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { HEAD_LAYOUT } from "../../pipeline/ffi/nnue.ts";
import { features } from "../../pipeline/nnue/features.ts";
import { Network } from "../../pipeline/nnue/network.ts";
import {
  batchesOf,
  fitLogUnit,
  fitLoss,
  GUIDE_TRAINING,
  JUDGE_TRAINING,
  judgeTarget,
  type Sample,
  splitByGroup,
  trainNetwork,
} from "../../pipeline/nnue/train.ts";
import { randomRewrite, randomTestExpr, replaceNode } from "./gen.ts";

/**
 * A synthetic machine whose costs the static table gets wrong: each op has
 * its own hidden cost, and a multiply feeding an add is cheap (as if
 * contracted to an FMA), and the loop has an overhead. Timings carry 3%
 * noise.
 */
function syntheticNs(e: Expr, rng: Rng): number {
  let c = 2; // loop overhead: even a constant kernel takes time
  for (const n of postorder(e)) {
    if (n.tag === "var") c += 0.4;
    if (n.tag !== "app") continue;
    c += 1 + ((n.op.charCodeAt(0) * 7 + n.op.length * 13) % 11);
    if (n.op === "+" && n.args.some((a) => a.tag === "app" && a.op === "*")) c -= 1.5;
  }
  return (c / 40) * Math.exp(0.03 * (rng.next() - 0.5));
}

/** Kernels (groups) and their variants (a few random rewrites of the kernel). */
function dataset(nw: Network, seed: number, kernels: number, variants: number): Sample[] {
  const rng = new Rng(seed);
  const out: Sample[] = [];
  for (let g = 0; g < kernels; g++) {
    const base = randomTestExpr(rng, 5 + rng.int(25));
    for (let v = 0; v < variants; v++) {
      let e = base;
      for (let k = 0; k < v % 4; k++) e = replaceNode(e, ...randomRewrite(rng, e));
      out.push({ features: features(nw.fs, e), target: judgeTarget(syntheticNs(e, rng)), group: g });
    }
  }
  return out;
}

const QUICK = { ...JUDGE_TRAINING, epochs: 12, batchSize: 64 };

Deno.test("Judge training decreases the loss on a synthetic machine, on unseen kernels too", () => {
  using nw = Network.create({ depth: 3, seed: 3n });
  const { train, validation } = splitByGroup(dataset(nw, 1, 160, 6), 0.25, 9);
  fitLogUnit(nw, train);
  const before = fitLoss(nw, validation, QUICK);
  const reports = trainNetwork(nw, train, validation, QUICK);
  const after = reports[reports.length - 1];
  assert.ok(after.trainFit < reports[0].trainFit * 0.7, `train fit ${reports[0].trainFit} -> ${after.trainFit}`);
  assert.ok(after.validationFit < before * 0.6, `validation fit ${before} -> ${after.validationFit}`);
  assert.ok(reports.every((r) => r.trainRank > 0), "ranking pairs were formed inside batches");
});

Deno.test("training is deterministic given a seed", () => {
  const run = (seed: number) => {
    using nw = Network.create({ depth: 2, seed: 4n });
    const data = dataset(nw, 2, 40, 4);
    fitLogUnit(nw, data);
    const r = trainNetwork(nw, data, [], { ...QUICK, epochs: 3, seed });
    const rows = nw.net.changedRows();
    return {
      losses: r.map((x) => x.trainLoss),
      head: [...nw.net.head("judge")],
      rows: [...rows],
      row: [...nw.net.row(rows[7])],
    };
  };
  const a = run(5), b = run(5), c = run(6);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.losses, c.losses, "another seed orders batches differently");
});

Deno.test("only rows used by the batch move; a frozen embedding does not move", () => {
  using nw = Network.create({ depth: 2, seed: 5n });
  const data = dataset(nw, 3, 20, 3);
  const used = new Set(data.flatMap((s) => [...s.features]));
  trainNetwork(nw, data, [], { ...QUICK, epochs: 1 });
  const changed = [...nw.net.changedRows()];
  assert.ok(changed.length > 0 && changed.every((r) => used.has(r)));

  using g = Network.create({ depth: 2, seed: 5n });
  const guideData = data.map((s) => ({ ...s, target: s.target * 10 + 50 }));
  const before = fitLoss(g, guideData, GUIDE_TRAINING);
  const reports = trainNetwork(g, guideData, [], { ...GUIDE_TRAINING, epochs: 30, lrHead: 3e-3 });
  assert.equal(g.net.changedRows().length, 0, "the Guide trains on a frozen embedding by default");
  assert.ok(reports[reports.length - 1].trainFit < before * 0.5, `guide fit ${before} -> ${reports.at(-1)!.trainFit}`);
  using fresh = Network.create({ depth: 2, seed: 5n });
  assert.deepEqual([...g.net.head("judge")], [...fresh.net.head("judge")], "the Judge head did not move");
});

Deno.test("Guide training with the embedding tuned moves rows and leaves the Judge head alone", () => {
  using nw = Network.create({ depth: 2, seed: 6n });
  const data = dataset(nw, 4, 20, 3).map((s) => ({ ...s, target: -s.target }));
  const judge = [...nw.net.head("judge")];
  trainNetwork(nw, data, [], { ...GUIDE_TRAINING, trainEmbedding: true, epochs: 2 });
  assert.ok(nw.net.changedRows().length > 0);
  assert.deepEqual([...nw.net.head("judge")], judge);
});

Deno.test("the split holds out whole kernels and batches keep groups together", () => {
  const samples = Array.from({ length: 500 }, (_, i) => ({ group: Math.floor(i / 7) % 50, i }));
  const { train, validation } = splitByGroup(samples, 0.2, 3);
  const tg = new Set(train.map((s) => s.group)), vg = new Set(validation.map((s) => s.group));
  assert.equal(vg.size, 10);
  assert.ok([...vg].every((g) => !tg.has(g)), "no kernel on both sides");
  assert.equal(train.length + validation.length, samples.length);
  const batches = batchesOf(train, 32, new Rng(1));
  assert.equal(batches.flat().length, train.length);
  const seen = new Map<number, number>();
  batches.forEach((b, i) => b.forEach((s) => seen.set(s.group, seen.get(s.group) ?? i)));
  for (const [g, first] of seen) {
    const where = new Set(batches.flatMap((b, i) => (b.some((s) => s.group === g) ? [i] : [])));
    assert.ok(where.size === 1 || train.filter((s) => s.group === g).length > 32, `group ${g} split (first ${first})`);
  }
  assert.throws(() => splitByGroup(samples, 1.5, 1), /validation fraction/);
});

Deno.test("bad targets and options are refused", () => {
  assert.throws(() => judgeTarget(0), /positive/);
  using nw = Network.create({ depth: 1 });
  const s: Sample = { features: Int32Array.of(1, 2), target: Math.log(2), group: 0 };
  assert.throws(() => trainNetwork(nw, [s], [], { ...QUICK, lrHead: -1 }));
  assert.throws(() => trainNetwork(nw, [{ ...s, target: NaN }], [], QUICK), /invalid argument/);
  assert.ok(Number.isFinite(nw.net.head("judge")[HEAD_LAYOUT.logUnit]));
});

Deno.test("the first Adam step moves every head parameter against its finite-difference gradient", () => {
  using nw = Network.create({ depth: 2, seed: 8n });
  const rng = new Rng(12);
  const h = nw.net.head("judge");
  // Off the latency table, so that many hidden units are active (0 < z < 1).
  for (let i = 0; i < HEAD_LAYOUT.b1; i++) h[i] += (rng.next() - 0.5) * 0.02;
  for (let j = 0; j < 32; j++) h[HEAD_LAYOUT.b1 + j] = 0.2 + 0.02 * j;
  nw.net.setHead("judge", h);
  const data = dataset(nw, 7, 30, 2);
  const o = { ...QUICK, trainEmbedding: false, rankWeight: 0, lrHead: 1e-5, epochs: 1, batchSize: 1000 };
  const loss = (p: Float32Array) => {
    nw.net.setHead("judge", p);
    return fitLoss(nw, data, o);
  };
  const params = [HEAD_LAYOUT.logUnit, HEAD_LAYOUT.b2, HEAD_LAYOUT.w2 + 3, HEAD_LAYOUT.b1 + 5, 5 * 256 + 1, 9 * 256];
  const numeric = params.map((k) => {
    const step = 1e-2 * Math.max(1e-2, Math.abs(h[k]));
    const up = h.slice(), down = h.slice();
    up[k] += step;
    down[k] -= step;
    return (loss(up) - loss(down)) / (2 * step);
  });
  nw.net.setHead("judge", h);
  trainNetwork(nw, data, [], o);
  const moved = nw.net.head("judge");
  params.forEach((k, i) => {
    if (Math.abs(numeric[i]) < 1e-4) return; // flat: no sign to compare
    assert.equal(Math.sign(moved[k] - h[k]), -Math.sign(numeric[i]), `parameter ${k}: numeric gradient ${numeric[i]}`);
  });
  assert.ok(numeric.filter((g) => Math.abs(g) >= 1e-4).length >= 4, "most checked parameters have a gradient");
});

Deno.test("the first Adam step moves embedding rows against their finite-difference gradient", () => {
  using nw = Network.create({ depth: 2, seed: 9n });
  const rng = new Rng(13);
  const h = nw.net.head("judge");
  for (let i = 0; i < HEAD_LAYOUT.b1; i++) h[i] += (rng.next() - 0.5) * 0.5;
  for (let j = 0; j < 32; j++) h[HEAD_LAYOUT.b1 + j] = 0.2 + 0.02 * j;
  nw.net.setHead("judge", h);
  const data = dataset(nw, 8, 30, 2);
  // The most used row, and a handful of its dimensions.
  const uses = new Map<number, number>();
  for (const s of data) for (const f of s.features) uses.set(f, (uses.get(f) ?? 0) + 1);
  const row = [...uses].sort((a, b) => b[1] - a[1])[0][0];
  const before = nw.net.row(row).slice();
  const o = { ...QUICK, trainHead: false, rankWeight: 0, lrEmbedding: 1e-6, epochs: 1, batchSize: 1000 };
  const numeric = [1, 2, 50, 200].map((d) => {
    const step = 1 / 64; // far above bfloat16 resolution near 0.05: inference reads bfloat16 rows
    const at = (x: number) => {
      const r = before.slice();
      r[d] = x;
      nw.net.setRow(row, r);
      return fitLoss(nw, data, o);
    };
    return [d, (at(before[d] + step) - at(before[d] - step)) / (2 * step)] as const;
  });
  nw.net.setRow(row, before);
  trainNetwork(nw, data, [], o);
  const after = nw.net.row(row);
  let checked = 0;
  for (const [d, g] of numeric) {
    if (Math.abs(g) < 1e-3) continue;
    checked++;
    assert.equal(Math.sign(after[d] - before[d]), -Math.sign(g), `dimension ${d}: numeric gradient ${g}`);
  }
  assert.ok(checked >= 3, `${checked} dimensions with a gradient`);
});
