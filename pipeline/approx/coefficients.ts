/**
 * The committed coefficients (data/approx/coefficients.json): fitting is
 * `deno task approx:fit`'s job, once; everything else reads this file, so a
 * build never refits and every run uses the checked numbers.
 */
import { APPROX_COEFFICIENTS } from "../base/paths.ts";

/** One tier of one function: a degree and float32 coefficients (x^0 first) per slot. */
export interface TierFit {
  readonly degrees: number[];
  readonly coeffs: number[][];
  /** Per slot: the minimax weighted error in float64, and after rounding the coefficients to float32. */
  readonly remezError: number[];
  readonly roundedError: number[];
  /** Max ulps over the fit's sampled check (TypeScript, float32). */
  readonly sampledMaxUlp: number;
}

/** By function name, then tier (declared ulps, as a string key). */
export type CoefficientFile = Record<string, Record<string, TierFit>>;

let cached: CoefficientFile | null = null;

export function loadCoefficients(path = APPROX_COEFFICIENTS): CoefficientFile {
  if (path === APPROX_COEFFICIENTS && cached !== null) return cached;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message} (deno task approx:fit writes it)`);
  }
  const data = JSON.parse(text) as CoefficientFile;
  for (const [name, tiers] of Object.entries(data)) {
    for (const [tier, fit] of Object.entries(tiers)) {
      for (const c of fit.coeffs.flat()) {
        if (Math.fround(c) !== c) throw new Error(`${path}: ${name} tier ${tier}: ${c} is not a float32`);
      }
    }
  }
  if (path === APPROX_COEFFICIENTS) cached = data;
  return data;
}

export function saveCoefficients(data: CoefficientFile, path = APPROX_COEFFICIENTS): void {
  Deno.mkdirSync(new URL(".", `file://${path}`).pathname, { recursive: true });
  Deno.writeTextFileSync(path, JSON.stringify(data, null, 1) + "\n");
  if (path === APPROX_COEFFICIENTS) cached = data;
}
