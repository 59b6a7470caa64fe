/** The committed coefficients are what the fit gives today, and the fit's degrees keep their tier on samples. */
import assert from "node:assert/strict";
import { loadCoefficients } from "../../pipeline/approx/coefficients.ts";
import { designFor } from "../../pipeline/approx/designs.ts";
import { fitSlot, fitTier, sampledMaxUlp } from "../../pipeline/approx/fit.ts";
import { EXP2_SLOT } from "../../pipeline/approx/exp.ts";

Deno.test("data/approx/coefficients.json is current: refitting gives the same coefficients", () => {
  const file = loadCoefficients();
  for (const [name, tiers] of Object.entries(file)) {
    for (const [tier, fit] of Object.entries(tiers)) {
      const again = fitTier(designFor(name, Number(tier)), Number(tier));
      assert.deepEqual(again.degrees, fit.degrees, `${name} u${tier}: run deno task approx:fit`);
      assert.deepEqual(again.coeffs, fit.coeffs, `${name} u${tier}: run deno task approx:fit`);
    }
  }
});

Deno.test("rounding to float32 costs a fit accuracy, and the fit says how much", () => {
  const f = fitSlot(EXP2_SLOT, 6);
  assert.ok(f.roundedError >= f.remezError * 0.999);
  assert.ok(f.coeffs.every((c) => Math.fround(c) === c));
});

Deno.test("each committed tier holds its bound on fresh samples (TypeScript, float32)", () => {
  for (const [name, tiers] of Object.entries(loadCoefficients())) {
    for (const [tier, fit] of Object.entries(tiers)) {
      const m = sampledMaxUlp(designFor(name, Number(tier)), fit.coeffs, 5_000, 99);
      assert.ok(m <= Number(tier), `${name} u${tier}: ${m} ulp`);
    }
  }
});
