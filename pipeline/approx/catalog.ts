/**
 * The approximate functions as a caller uses them: each design at each
 * fitted tier, with its C name (`kap_<fn>_u<tier>`), its C text per ISA,
 * its float32 TypeScript evaluator, its declared bound, domain and special
 * values. Coefficients come from the committed file, never from a refit.
 *
 *     const a = approximation("exp2", 4);
 *     a.cName;                  // "kap_exp2_u4"
 *     approxC("avx2", [a]);     // prelude + the function, ready to #include
 *     a.evaluate(0.3);          // the same bits the C computes
 *     pickApproximation("exp2", 64);  // the cheapest tier within 64 ulp
 */
import { type CoefficientFile, loadCoefficients } from "./coefficients.ts";
import type { Design } from "./design.ts";
import { designOf, DESIGNS } from "./designs.ts";
import { emitFunction } from "./emit_c.ts";
import { EVAL32 } from "./eval32.ts";
import { type ApproxIsa, approxPrelude } from "./prelude.ts";

export interface Approximation {
  readonly fn: string;
  /** The declared max error in ulps (against the correctly rounded result, over the domain). */
  readonly bound: number;
  readonly cName: string;
  readonly arity: 1 | 2;
  readonly degrees: readonly number[];
  readonly domain: string;
  readonly specials: string;
  readonly design: Design;
  readonly coeffs: readonly (readonly number[])[];
  /** float32 result, bit for bit what the C computes. */
  evaluate(...args: number[]): number;
  /** The C function (ISA-independent body over the `kap_*` helpers of `approxPrelude`). */
  cFunction(): string;
}

const PARAMS = ["x", "y"];

export function makeApproximation(d: Design, bound: number, coeffs: readonly (readonly number[])[]): Approximation {
  const cName = `kap_${d.name}_u${bound}`;
  const degrees = coeffs.map((c) => c.length - 1);
  return {
    fn: d.name,
    bound,
    cName,
    arity: d.arity,
    degrees,
    domain: d.domain,
    specials: d.specials,
    design: d,
    coeffs,
    evaluate: (...args) => d.body(EVAL32, args.map(Math.fround), coeffs),
    cFunction: () =>
      emitFunction(
        cName,
        PARAMS.slice(0, d.arity),
        (o, args) => d.body(o, args, coeffs),
        `${d.name} within ${bound} ulp on ${d.domain}; degrees ${degrees.join(", ")}. ${d.specials}`,
      ),
  };
}

let shipped: Approximation[] | null = null;

/** Every fitted approximation, by function then tightest tier first (the committed file's: built once). */
export function approximations(file?: CoefficientFile): Approximation[] {
  if (file === undefined) return shipped ??= approximationsOf(loadCoefficients());
  return approximationsOf(file);
}

function approximationsOf(file: CoefficientFile): Approximation[] {
  return DESIGNS.flatMap((d) =>
    Object.entries(file[d.name] ?? {})
      .filter(([tier]) => d.tiers.includes(Number(tier)))
      .map(([tier, fit]) => makeApproximation(d, Number(tier), fit.coeffs))
      .sort((a, b) => a.bound - b.bound)
  );
}

export function approximation(fn: string, bound: number): Approximation {
  designOf(fn);
  const a = approximations().find((x) => x.fn === fn && x.bound === bound);
  if (a === undefined) throw new Error(`${fn} has no tier ${bound}`);
  return a;
}

/** The loosest (cheapest) tier of `fn` whose bound is within `maxUlp`, or null. */
export function pickApproximation(fn: string, maxUlp: number): Approximation | null {
  const fits = approximations().filter((a) => a.fn === fn && a.bound <= maxUlp);
  return fits.length === 0 ? null : fits[fits.length - 1];
}

/** C text for `isa`: the `kap_*` helpers, then each approximation's function. */
export function approxC(isa: ApproxIsa, list: readonly Approximation[] = approximations()): string {
  return approxPrelude(isa) + "\n" + list.map((a) => a.cFunction()).join("\n");
}

/** The approximation whose C function is `cName` (`kap_exp2_u4096`). */
export function approximationNamed(cName: string): Approximation {
  const a = approximations().find((x) => x.cName === cName);
  if (a === undefined) throw new Error(`no approximation named ${cName}`);
  return a;
}

/**
 * C text for a kernel that calls the approximations named: the prelude and
 * each function, every piece behind an include guard, so kernels compiled in
 * one translation unit each carry what they need and share one definition.
 */
export function approxKernelC(isa: ApproxIsa, cNames: readonly string[]): string {
  const guard = (macro: string, text: string) => `#ifndef ${macro}\n#define ${macro}\n${text}#endif\n`;
  return guard("KAP_PRELUDE", approxPrelude(isa)) +
    [...new Set(cNames)].sort().map((n) => guard(`KAP_DEF_${n}`, approximationNamed(n).cFunction())).join("");
}
