/**
 * Kernels with approximate functions in them (a lowering), compiled as our
 * SIMD code for each x86 ISA the host runs, against the float32 evaluator
 * with the same lowering: bit for bit, since every other op of these forms
 * is exact. Several kernels (and so the same approximation several times)
 * share one translation unit. neon_test.ts does the same under qemu.
 */
import assert from "node:assert/strict";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { APPROX_VARS, approxInputs, randomLoweredForms } from "./approx_forms.ts";
import { isaTest, kernelOutputs, sameFloat, tempCache, X86_ISAS } from "./util.ts";

const N = 1001;

for (const isa of X86_ISAS) {
  isaTest(
    isa,
    `${isa}: kernels with approximate functions equal the evaluator with their lowering, bit for bit`,
    async () => {
      const rng = new Rng(isa === "avx512" ? 11 : 12);
      const { forms, lowerings } = randomLoweredForms(rng, 24);
      const inputs = approxInputs(rng, N);
      const outs = await kernelOutputs(forms, APPROX_VARS, forms.map(() => inputs), isa, tempCache(), lowerings);
      forms.forEach((e, i) => {
        const want = evaluateBatch(e, APPROX_VARS, inputs, 32, lowerings[i]);
        for (let k = 0; k < N; k++) {
          assert.ok(
            sameFloat(outs[i][k], want[k]),
            `${printFPCore(e)} at x=${inputs[0][k]}, y=${inputs[1][k]}: ${outs[i][k]} vs ${want[k]}`,
          );
        }
      });
    },
  );
}
