/**
 * Loop A end to end on a tiny scale: a few kernels, few variants, short
 * timing; the weights it writes load back, the split keeps kernels whole,
 * and a second run takes every measurement from the benchmark cache.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { calibrate, kernelSource } from "../../pipeline/stages/calibrate.ts";
import { loadNetwork } from "../../pipeline/nnue/weights_file.ts";
import { readSummary } from "../../pipeline/nnue/train_judge.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { HOST } from "../kernel/util.ts";

const TINY = {
  kernels: 3,
  variants: 3,
  random: 3,
  timeBudgetMin: 5,
  epochs: 2,
  rounds: 1,
  minMs: 0.5,
  batch: 8,
  variantOptions: { walks: 4, walkSteps: 4, egraphNodes: 500, egraphMs: 50, kbest: 6, perturbed: 2 },
  judge: { validationFraction: 0.35, splitSeed: 2 },
  searchRounds: 1,
  searchKernels: 3,
  searchBudget: 100,
};

Deno.test("calibrate: a tiny run writes weights that load back, and a second run resumes from the cache", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "calibrate-test-" });
  const opts = {
    ...TINY,
    out: join(dir, "weights"),
    measuredOut: join(dir, "measured.jsonl"),
    benchCache: join(dir, "bench_cache.jsonl"),
    cacheDir: join(dir, "kcache"),
  };
  const first = await calibrate(HOST, opts);
  try {
    assert.equal(first.kernels, 6);
    assert.equal(first.searched.length, 1);
    const walked = first.measured - first.searched[0];
    assert.ok(walked >= 6 && walked <= 18, `${walked} measured by the first round`);
    assert.equal(first.fromCache + first.failed <= first.variants, true);
    const s = first.summary;
    assert.equal(s.trainRecords + s.validationRecords, first.measured);
    assert.deepEqual(s.validationKernels.filter((k) => s.trainKernels.includes(k)), []);
    assert.ok(Object.values(first.saved.bytes).reduce((a, b) => a + b, 0) < 16_000_000);
    const lines = Deno.readTextFileSync(opts.measuredOut).trim().split("\n");
    assert.equal(lines.length, first.measured);
    // The search round's groups sit on their kernel's side of the split.
    const searchedOf = lines.map((l) => JSON.parse(l).of as string).filter((of) => of.includes("@search1"));
    assert.equal(searchedOf.length, first.searched[0]);
    for (const of of new Set(searchedOf)) {
      const k = of.split("@")[0];
      assert.equal(s.trainKernels.includes(of), s.trainKernels.includes(k), `${of} and ${k} on one side`);
    }
    assert.ok(first.compiledJudge.variants > 0 && Deno.statSync(first.compiledJudge.path).isFile);
  } finally {
    first.network.free();
  }
  using nw = loadNetwork(opts.out);
  const back = readSummary(opts.out)!;
  assert.deepEqual(back.trainKernels, first.summary.trainKernels);
  assert.ok(nw.predictNs([parseExpr("(+ x 1)")])[0] > 0);

  const second = await calibrate(HOST, opts);
  try {
    assert.equal(second.measured, first.measured);
    assert.equal(second.fromCache, second.measured, "every variant came from the benchmark cache");
  } finally {
    second.network.free();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("kernelSource interleaves corpus and random kernels and respects the counts", () => {
  const ks = [...kernelSource({ kernels: 4, random: 8, seed: 3, corpusFiles: calibrateCorpus() })];
  assert.equal(ks.length, 12);
  const corpus = ks.map((k, i) => (k.id.startsWith("gen-") ? -1 : i)).filter((i) => i >= 0);
  assert.equal(corpus.length, 4);
  assert.deepEqual(corpus, [0, 3, 6, 9], "one corpus kernel, then two random ones");
  assert.equal(new Set(ks.map((k) => k.id)).size, 12);
  assert.ok(ks.some((k) => typeof k.optimized === "string"), "backward pairs are among the random kernels");
});

function calibrateCorpus(): string[] {
  return ["graphics", "ml"].map((f) => new URL(`../../data/kernels/${f}.fpcore`, import.meta.url).pathname);
}
