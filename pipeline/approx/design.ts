/**
 * What an approximate function is, before its coefficients are known: the
 * polynomials it needs (each a function to fit on an interval, with a
 * weight), how a range reduction and those polynomials compute it in the
 * vocabulary (`vocab.ts`), its float64 reference, the accuracy tiers it is
 * offered at, and its domain and special values in words and as the
 * float32 ranges the checker walks. `fit.ts` turns a design and a tier into
 * coefficients; `catalog.ts` joins them into usable approximations.
 */
import type { Fn } from "./remez.ts";
import type { Ops } from "./vocab.ts";

/** One polynomial a design evaluates: the minimax fit of `f` on [lo, hi] under `weight`. */
export interface Slot {
  readonly name: string;
  readonly f: Fn;
  readonly weight: Fn;
  readonly lo: number;
  readonly hi: number;
  /**
   * How many ulps of the result one unit (2^-24) of this polynomial's
   * weighted error costs at most: 1 where the polynomial's relative error is
   * the result's, more where the reconstruction amplifies it (pow).
   */
  readonly gain: number;
}

/** Bit ranges [first, last] of float32 inputs, walked in order (uint32 bit patterns, inclusive). */
export type BitRanges = readonly (readonly [number, number])[];

export interface Design {
  readonly name: string;
  readonly arity: 1 | 2;
  /** Declared max errors in ulps, one approximation each, tightest first. */
  readonly tiers: readonly number[];
  readonly slots: readonly Slot[];
  /** The approximation, given each slot's float32 coefficients (x^0 first). */
  body<V, M>(o: Ops<V, M>, args: V[], coeffs: readonly (readonly number[])[]): V;
  /** The exact function in float64 (TypeScript), for fitting and tests. */
  reference(...args: number[]): number;
  /** The C expression of the float64 reference (libm), over doubles `a` (and `b`). */
  readonly referenceC: string;
  /** The domain over which the declared bound holds, in words. */
  readonly domain: string;
  /**
   * Whether arguments in these ranges (closed float intervals, one per
   * argument) all lie in the domain; absent: every float32 is.
   */
  admits?(args: readonly (readonly [number, number])[]): boolean;
  /** What special inputs return, in words. */
  readonly specials: string;
  /** The domain as float32 bit ranges, walked exhaustively (one-argument designs). */
  readonly ranges?: BitRanges;
  /**
   * Two-argument designs: C statements that set floats `a` and `b` to one
   * random point of the domain from `uint64_t r1, r2` (uniform random bits);
   * the checker samples these instead of walking.
   */
  readonly sampleC?: string;
  /** Random in-domain arguments for the fit's sampled check, from a uniform [0, 1) source. */
  sample(rand: () => number): number[];
}

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);
export function bitsOf(x: number): number {
  F[0] = x;
  return U[0];
}
export function floatOf(bits: number): number {
  U[0] = bits >>> 0;
  return F[0];
}

/** Every float32 bit pattern: NaNs, infinities, zeros, subnormals and normals of both signs. */
export const ALL_FLOATS: BitRanges = [[0, 0xffffffff]];

/** Every float32 x with |x| <= b (b positive), both signs. */
export function absAtMost(b: number): BitRanges {
  const hi = bitsOf(b);
  return [[0, hi], [0x80000000, (0x80000000 | hi) >>> 0]];
}

/** A random float32 of any bit pattern within `ranges` (weighted by their sizes). */
export function sampleRanges(ranges: BitRanges, rand: () => number): number {
  const sizes = ranges.map(([a, b]) => b - a + 1);
  let k = Math.floor(rand() * sizes.reduce((s, x) => s + x, 0));
  for (let i = 0; i < ranges.length; i++) {
    if (k < sizes[i]) return floatOf(ranges[i][0] + k);
    k -= sizes[i];
  }
  return floatOf(ranges[0][0]);
}
