/**
 * deno task approx:fit: refits every approximate function's coefficients
 * (Remez, rounded to float32, degrees checked on samples in float32) and
 * writes data/approx/coefficients.json, which everything else reads. A tier
 * whose degrees come out equal to a tighter tier's is the same function
 * and is left out.
 */
import { APPROX_COEFFICIENTS } from "../pipeline/base/paths.ts";
import { type CoefficientFile, saveCoefficients } from "../pipeline/approx/coefficients.ts";
import { DESIGNS } from "../pipeline/approx/designs.ts";
import { fitTier } from "../pipeline/approx/fit.ts";

const out: CoefficientFile = {};
for (const d of DESIGNS) {
  out[d.name] ??= {};
  const seen = new Set<string>();
  for (const tier of d.tiers) {
    const fit = fitTier(d, tier);
    const key = fit.degrees.join(",");
    const note = seen.has(key) ? " (same degrees as a tighter tier: left out)" : "";
    console.log(
      `${d.name.padEnd(8)} ${String(tier).padStart(5)} ulp  degrees ${
        key.padEnd(6)
      }  sampled max ${fit.sampledMaxUlp} ulp${note}`,
    );
    if (note === "") out[d.name][String(tier)] = fit;
    seen.add(key);
  }
}
saveCoefficients(out);
console.log(`wrote ${APPROX_COEFFICIENTS}`);
