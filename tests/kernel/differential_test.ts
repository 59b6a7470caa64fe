/**
 * Differential tests: compiled kernels against the float32 evaluator
 * (pipeline/expr/evaluate.ts). Random expressions over every exact op must
 * match bit for bit, on inputs that include zeros of both signs, infinities,
 * NaN, subnormals and huge values, for both ISAs (which also exercises the
 * masked tail: n is not a multiple of the vector width). Every approximate
 * op, applied to random exact subexpressions, must stay within its
 * documented ulp bound.
 */
import assert from "node:assert/strict";
import { app, v } from "../../pipeline/expr/expr.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { type OpName, OPS } from "../../pipeline/expr/ops.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { ulpDistance } from "../../pipeline/expr/ulp.ts";
import { EXACT_OPS, ulpBound, VECTOR_MATH } from "../../pipeline/kernel/preamble.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { isaTest, kernelOutputs, RUNNABLE_ISAS, sameFloat, tempCache, X86_ISAS } from "./util.ts";
import { approxCases, column, EXACT_MIX, exactOpAlone, failure, SPECIAL } from "./differential.ts";

const VARS = ["x", "y", "z"];
const N = 1003; // not a multiple of 8 or 16: the masked tail runs

for (const isa of X86_ISAS) {
  isaTest(isa, `${isa}: random expressions over the exact ops equal the float32 evaluator bit for bit`, async () => {
    const rng = new Rng(isa === "avx512" ? 101 : 202);
    const exprs = Array.from(
      { length: 60 },
      () => randomExpr(rng, { vars: VARS, mix: EXACT_MIX, size: 4 + rng.int(12), range: [-4, 4] }),
    );
    // Every exact op appears, also alone over plain variables.
    for (const op of EXACT_OPS) exprs.push(exactOpAlone(op as OpName, VARS));
    const inputs = exprs.map(() => VARS.map(() => column(rng, N, -4, 4, true)));
    const outs = await kernelOutputs(exprs, VARS, inputs, isa, tempCache());
    const seen = new Set<string>();
    exprs.forEach((e, i) => {
      const want = evaluateBatch(e, VARS, inputs[i], 32);
      for (let k = 0; k < N; k++) {
        if (!sameFloat(outs[i][k], want[k])) assert.fail(failure(e, inputs[i], k, outs[i][k], want[k]));
      }
      for (const m of printFPCore(e).matchAll(/\((\S+)/g)) seen.add(m[1]);
    });
    for (const op of EXACT_OPS) assert.ok(seen.has(OPS[op as OpName].fpcore ?? op), `op ${op} was exercised`);
  });

  isaTest(isa, `${isa}: approximate ops stay within their documented ulp bound`, async () => {
    const rng = new Rng(isa === "avx512" ? 303 : 404);
    const approx: OpName[] = ["rsqrt", "mulrsqrt", ...Object.keys(VECTOR_MATH) as OpName[]];
    const { exprs, ops, inputs } = approxCases(rng, VARS, approx, N);
    const outs = await kernelOutputs(exprs, VARS, inputs, isa, tempCache());
    exprs.forEach((e, i) => {
      const bound = ulpBound(ops[i], isa);
      const want = evaluateBatch(e, VARS, inputs[i], 32);
      let worst = 0;
      for (let k = 0; k < N; k++) {
        const d = ulpDistance(outs[i][k], want[k]);
        if (d > bound) assert.fail(`${failure(e, inputs[i], k, outs[i][k], want[k])}: ${d} ulp > ${bound}`);
        worst = Math.max(worst, d);
      }
    });
  });
}

Deno.test("approximate ops on every pair of special values (zeros, infinities, NaN, ±1, subnormals)", async () => {
  const ops = ["rsqrt", "mulrsqrt", ...Object.keys(VECTOR_MATH)] as OpName[];
  const xs = SPECIAL.flatMap((a) => SPECIAL.map(() => a));
  const ys = SPECIAL.flatMap(() => SPECIAL);
  const cols = [new Float32Array(xs), new Float32Array(ys), new Float32Array(xs.length)];
  const exprs = ops.map((op) => app(op, VARS.slice(0, OPS[op].arity).map(v)));
  for (const isa of RUNNABLE_ISAS) {
    const outs = await kernelOutputs(exprs, VARS, exprs.map(() => cols), isa, tempCache());
    exprs.forEach((e, i) => {
      const want = evaluateBatch(e, VARS, cols, 32);
      for (let k = 0; k < xs.length; k++) {
        const d = ulpDistance(outs[i][k], want[k]);
        if (d > ulpBound(ops[i], isa)) assert.fail(`${isa}: ${failure(e, cols, k, outs[i][k], want[k])}: ${d} ulp`);
      }
    });
  }
});
