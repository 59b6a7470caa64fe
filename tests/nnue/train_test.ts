import assert from "node:assert/strict";
import { type Expr, postorder } from "../../pipeline/expr/expr.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { HEAD_LAYOUT } from "../../ffi/nnue.ts";
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
