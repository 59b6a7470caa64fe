/**
 * Judge data: the split by kernel never puts variants of one kernel on
 * both sides and does not depend on which other kernels a data set holds;
 * the ranking and error measures agree with their definitions.
 */
import assert from "node:assert/strict";
import { Rng } from "../../pipeline/expr/random.ts";
import { isValidationKernel, kernelOf, splitByKernel } from "../../pipeline/nnue/judge_data.ts";
import { median } from "../../pipeline/base/stats.ts";
import { kendallTau, mape, rankReport, relativeScale } from "../../pipeline/nnue/judge_metrics.ts";

function variantsOf(kernels: number, rng: Rng): { of: string; id: string }[] {
  const out: { of: string; id: string }[] = [];
  for (let k = 0; k < kernels; k++) {
    const of = rng.next() < 0.5 ? `gen-${rng.int(1e6)}-0` : `physics:kernel-${k}`;
    for (let i = 0; i < 1 + rng.int(20); i++) out.push({ of, id: `${of}#v${i}` });
  }
  return out;
}

Deno.test("split by kernel: no kernel on both sides, any seed and fraction", () => {
  const rng = new Rng(3);
  for (let t = 0; t < 50; t++) {
    const items = variantsOf(40 + rng.int(200), rng);
    const fraction = rng.next();
    const { train, validation } = splitByKernel(items, fraction, rng.int(1000));
    assert.equal(train.length + validation.length, items.length);
    const tk = new Set(train.map((x) => x.of));
    for (const x of validation) assert.ok(!tk.has(x.of), `kernel ${x.of} on both sides`);
  }
});

Deno.test("split by kernel: a kernel's side depends only on its id, seed and fraction", () => {
  const rng = new Rng(4);
  const items = variantsOf(300, rng);
  const all = splitByKernel(items, 0.2, 9);
  const subset = items.filter((_, i) => i % 3 === 0);
  const part = splitByKernel(subset, 0.2, 9);
  const held = new Set(all.validation.map((x) => x.of));
  for (const x of part.validation) assert.ok(held.has(x.of));
  for (const x of part.train) assert.ok(!held.has(x.of));
  // About the asked fraction of kernels, and other seeds give other splits.
  const kernels = [...new Set(items.map((x) => x.of))];
  const share = kernels.filter((k) => isValidationKernel(k, 0.2, 9)).length / kernels.length;
  assert.ok(share > 0.1 && share < 0.3, `share ${share}`);
  const other = kernels.filter((k) => isValidationKernel(k, 0.2, 10) !== isValidationKernel(k, 0.2, 9)).length;
  assert.ok(other > kernels.length / 10, `${other} kernels change sides with the seed`);
  assert.throws(() => isValidationKernel("k", 1.5, 1), /fraction/);
});

/** Tau-b by its definition over all pairs, for comparison. */
function tauByDefinition(a: number[], b: number[]): number {
  let c = 0, d = 0, n1 = 0, n2 = 0, n0 = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < i; j++) {
      n0++;
      if (a[i] === a[j]) n1++;
      if (b[i] === b[j]) n2++;
      const s = Math.sign(a[i] - a[j]) * Math.sign(b[i] - b[j]);
      if (s > 0) c++;
      if (s < 0) d++;
    }
  }
  return (c - d) / Math.sqrt((n0 - n1) * (n0 - n2));
}

Deno.test("kendallTau: tau-b with ties, +1 and -1 at the extremes", () => {
  assert.equal(kendallTau([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(kendallTau([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Number.isNaN(kendallTau([1, 1, 1], [1, 2, 3])));
  const rng = new Rng(8);
  for (let t = 0; t < 100; t++) {
    const n = 2 + rng.int(15);
    const a = Array.from({ length: n }, () => rng.int(5));
    const b = Array.from({ length: n }, () => rng.int(5));
    const want = tauByDefinition(a, b);
    const got = kendallTau(a, b);
    if (Number.isNaN(want)) assert.ok(Number.isNaN(got));
    else assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
  }
});

Deno.test("mape, relativeScale and rankReport", () => {
  assert.ok(Math.abs(mape([110, 45], [100, 50]) - 0.1) < 1e-12);
  // A cost exactly proportional to the measurement gets the inverse factor.
  assert.ok(Math.abs(relativeScale([2, 4, 6], [1, 2, 3]) - 0.5) < 1e-12);
  const r = rankReport(["a", "a", "a", "b", "b", "b", "c"], [1, 2, 3, 3, 2, 1, 5], [1, 2, 3, 1, 2, 3, 4]);
  assert.equal(r.kernels, 2); // c has one variant
  assert.equal(r.tauWithin, 0); // +1 and -1
  assert.equal(r.n, 7);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

Deno.test("split by kernel: a calibration round's group of a kernel (k@search1) falls on the kernel's side", () => {
  const rng = new Rng(6);
  for (let t = 0; t < 200; t++) {
    const k = `gen-${rng.int(1e6)}-0`, seed = rng.int(1000), fraction = rng.next();
    const side = isValidationKernel(k, fraction, seed);
    for (const round of ["@search1", "@search2", "@x"]) {
      assert.equal(isValidationKernel(k + round, fraction, seed), side);
    }
  }
  assert.equal(kernelOf("ml:softplus@search3"), "ml:softplus");
  assert.equal(kernelOf("ml:softplus"), "ml:softplus");
});
