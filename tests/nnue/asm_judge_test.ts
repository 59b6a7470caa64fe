/** The compiled-code Judge's fit: non-negative least squares within kernels. */
import assert from "node:assert/strict";
import {
  ASM_JUDGE_FILE,
  type AsmExample,
  asmPredictNs,
  compiledFormJudge,
  fitAsmJudge,
  JUDGE_FEATURES,
  nnlsNormal,
  readAsmJudge,
  writeAsmJudge,
} from "../../pipeline/nnue/asm_judge.ts";
import { join } from "node:path";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { resolveTarget } from "../../pipeline/target/target.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { kendallTau } from "../../pipeline/nnue/judge_metrics.ts";

function normal(a: number[][]): [Float64Array[], (b: number[]) => Float64Array] {
  const n = a[0].length;
  const gram = Array.from(
    { length: n },
    (_, i) => Float64Array.from({ length: n }, (_, j) => a.reduce((s, r) => s + r[i] * r[j], 0)),
  );
  return [gram, (b) => Float64Array.from({ length: n }, (_, i) => a.reduce((s, r, k) => s + r[i] * b[k], 0))];
}

Deno.test("nnls: recovers non-negative weights exactly, and clamps a negative one with the KKT conditions holding", () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 40; trial++) {
    const n = 2 + rng.int(6), m = n + 5 + rng.int(20);
    const a = Array.from({ length: m }, () => Array.from({ length: n }, () => rng.range(-1, 1)));
    const truth = Array.from({ length: n }, () => (rng.int(4) === 0 ? -rng.range(0.1, 2) : rng.range(0, 2)));
    const b = a.map((r) => r.reduce((s, v, j) => s + v * truth[j], 0));
    const [gram, rhsOf] = normal(a);
    const rhs = rhsOf(b);
    const w = nnlsNormal(gram, rhs, 20000, 1e-14);
    // KKT: w >= 0, gradient (G w - A^T b) >= 0 where w = 0, and = 0 where w > 0.
    for (let j = 0; j < n; j++) {
      assert.ok(w[j] >= 0);
      const g = gram[j].reduce((s, v, k) => s + v * w[k], 0) - rhs[j];
      if (w[j] > 1e-9) assert.ok(Math.abs(g) < 1e-6, `trial ${trial}: gradient ${g} at a free weight`);
      else assert.ok(g > -1e-6, `trial ${trial}: gradient ${g} at a clamped weight`);
    }
    if (truth.every((t) => t >= 0)) truth.forEach((t, j) => assert.ok(Math.abs(w[j] - t) < 1e-6, `${w[j]} vs ${t}`));
  }
});

Deno.test("asm judge: fitted on kernels of random sizes, it orders unseen kernels' variants as the true costs do", () => {
  const rng = new Rng(5);
  const truth = JUDGE_FEATURES.map(() => (rng.int(3) === 0 ? 0 : rng.range(0.001, 0.05)));
  const kernel = (of: string): AsmExample[] => {
    const base = Float64Array.from(JUDGE_FEATURES, () => rng.int(8));
    const overhead = rng.range(0.05, 0.5); // differs per kernel: only differences within a kernel are learnable
    return Array.from({ length: 4 + rng.int(6) }, () => {
      const x = base.map((v) => Math.max(0, v + rng.int(5) - 2));
      return { of, x, ns: overhead + x.reduce((s, v, j) => s + v * truth[j], 0) };
    });
  };
  const train = Array.from({ length: 60 }, (_, k) => kernel(`t${k}`)).flat();
  const fit = fitAsmJudge(train);
  assert.equal(fit.kernels, 60);
  assert.ok(fit.weights.every((w) => w >= 0));
  for (let k = 0; k < 20; k++) {
    const vs = kernel(`v${k}`);
    const tau = kendallTau(vs.map((e) => asmPredictNs(fit, e.x)), vs.map((e) => e.ns));
    assert.ok(tau > 0.99, `kernel v${k}: tau ${tau}`);
  }
  assert.throws(() => asmPredictNs(fit, new Float64Array(3)), /knows \d+ features/);
});

Deno.test("asm judge: stored and read back exactly; one fitted on other features is refused, none is null", () => {
  const dir = Deno.makeTempDirSync();
  try {
    assert.equal(readAsmJudge(dir), null);
    const rng = new Rng(3);
    const j = {
      features: [...JUDGE_FEATURES],
      weights: JUDGE_FEATURES.map(() => rng.range(0, 0.1)),
      interceptNs: 0.02,
      variants: 10,
      kernels: 2,
    };
    writeAsmJudge(dir, j);
    assert.deepEqual(readAsmJudge(dir), j);
    writeAsmJudge(dir, { ...j, features: j.features.slice(1), weights: j.weights.slice(1) });
    assert.throws(() => readAsmJudge(dir), /other features/);
    Deno.writeTextFileSync(join(dir, ASM_JUDGE_FILE), JSON.stringify({ ...j, weights: [-1, ...j.weights.slice(1)] }));
    assert.throws(() => readAsmJudge(dir));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("asm judge: as the optimizer's final Judge, one compiler call ranks an exp call above an add", () => {
  // Weights that price only vector math calls and additions: the compiled forms decide.
  const weights = JUDGE_FEATURES.map((f) => (f === "call:exp" ? 1 : f === "add" ? 0.01 : 0));
  const judge = compiledFormJudge(
    { features: [...JUDGE_FEATURES], weights, interceptNs: 0, variants: 0, kernels: 0 },
    resolveTarget("avx2"),
  );
  const vars = ["x"];
  const forms = ["(exp x)", "(+ x 1)", "(+ (exp x) (exp (+ x 1)))"].map((s) => parseExpr(s, vars));
  const ns = judge.predictNs(forms, vars, { x: [-1, 1] });
  assert.ok(ns.every((v) => v !== null));
  assert.ok(ns[1]! < ns[0]! && ns[0]! < ns[2]!, `${ns}`);
});
