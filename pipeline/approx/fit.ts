/**
 * Fitting a design's coefficients for a tier: for each polynomial, the
 * lowest degree whose Remez fit, rounded to float32, keeps the weighted
 * error within a share of the tier's ulps (divided by the slot's gain);
 * then the whole approximation is run in float32 (TypeScript) on sampled
 * inputs, and while its max error exceeds the tier every degree goes up by
 * one (until within three quarters of the tier for designs checked only on
 * samples). The exhaustive check in C (`check.ts`) is the final word; this only
 * picks degrees that should pass it.
 */
import { ulpDistance } from "../expr/ulp.ts";
import type { TierFit } from "./coefficients.ts";
import type { Design, Slot } from "./design.ts";
import { EVAL32 } from "./eval32.ts";
import { seeded } from "./random.ts";
import { maxWeightedError, remez } from "./remez.ts";

const MAX_DEGREE = 14;

/** The share of a tier the polynomial may use: the rest is float32 evaluation and rounding. */
function share(tier: number): number {
  return tier <= 2 ? 0.15 : tier <= 4 ? 0.4 : 0.7;
}

/** Remez fit of a slot at degree d, coefficients rounded to float32. */
export function fitSlot(s: Slot, d: number): { coeffs: number[]; remezError: number; roundedError: number } {
  const r = remez(s.f, s.lo, s.hi, d, { weight: s.weight });
  const coeffs = r.coeffs.map(Math.fround);
  return { coeffs, remezError: r.maxError, roundedError: maxWeightedError(coeffs, s.f, s.lo, s.hi, s.weight) };
}

/** Max ulps of the float32 evaluation over `n` sampled inputs of the design's domain. */
export function sampledMaxUlp(d: Design, coeffs: readonly (readonly number[])[], n: number, seed = 1): number {
  const rand = seeded(seed);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const args = d.sample(rand);
    const got = d.body(EVAL32, args, coeffs);
    const u = ulpDistance(got, d.reference(...args));
    if (u > max) max = u;
  }
  return max;
}

export function fitTier(d: Design, tier: number, samples = 100_000): TierFit {
  const degrees = d.slots.map((s) => {
    const target = share(tier) * tier * 2 ** -24 / s.gain;
    for (let k = 1; k <= MAX_DEGREE; k++) if (fitSlot(s, k).roundedError <= target) return k;
    return MAX_DEGREE;
  });
  // A design checked only on samples (pow) keeps a quarter of its tier in reserve: its worst case is a sample away.
  const limit = d.ranges === undefined ? 0.75 * tier : tier;
  for (let bump = 0;; bump++) {
    const fits = d.slots.map((s, i) => fitSlot(s, degrees[i]));
    const coeffs = fits.map((f) => f.coeffs);
    const sampled = sampledMaxUlp(d, coeffs, samples);
    if (sampled <= limit || bump === 3) {
      if (sampled > limit) {
        throw new Error(`${d.name} tier ${tier}: ${sampled} ulps at degrees ${degrees} after 3 raises`);
      }
      return {
        degrees: [...degrees],
        coeffs,
        remezError: fits.map((f) => f.remezError),
        roundedError: fits.map((f) => f.roundedError),
        sampledMaxUlp: sampled,
      };
    }
    for (let i = 0; i < degrees.length; i++) degrees[i] = Math.min(MAX_DEGREE, degrees[i] + 1);
  }
}
