/**
 * The static latency table compiled into initial weights, so that the
 * untrained Judge equals `staticCost` (pipeline/expr/cost.ts) and training
 * only has to learn what the table gets wrong.
 *
 * - Embedding: dimension 0 of the self feature of kind k (depth 0, one per
 *   unique node, exactly how staticCost counts) holds cost(k) / LATENCY_SCALE;
 *   dimension 0 of every other row is 0. So acc[0] = staticCost / 64.
 * - Hidden layer: unit j reads only acc[0] and covers the cost interval
 *   [t_j, t_j + w_j]: z_j = (cost - t_j) / w_j, i.e. W1[j][0] = 64 / w_j,
 *   b1[j] = -t_j / w_j; clamp(z_j, 0, 1) is the fraction of that interval
 *   below the cost. Widths double every three units from 4 (4, 4, 4, 8, 8,
 *   8, ..., 4096, 4096), so the 32 units resolve small kernels finely and
 *   reach MAX_EXACT_COST = 20,468 (twenty `d` nodes; `d` costs 1000).
 * - Output: w2[j] = w_j / 64 with out_scale 64, so y = sum_j w_j clamp(z_j)
 *   = clamp(cost, 0, MAX_EXACT_COST).
 * Every weight is a power of two or a small dyadic fraction and costs are
 * multiples of 0.5, so every product and sum is exact in float32: the
 * untrained Judge returns the static cost to the last bit, whatever the
 * summation order. The other 255 dimensions start small and random, with
 * zero weights in both heads, so they do not disturb it; training opens them.
 *
 * Output unit of the Judge: static cost units (cycles per 16-lane vector).
 * Predicted nanoseconds per element = softpos(y) * exp(log_unit), log_unit
 * being a trained parameter of the Judge head starting at
 * log(1 / (16 lanes * 2.6 GHz)), so the log loss is defined for any y.
 * (The Guide head starts elsewhere, at zero: see guide_init.ts.)
 */
import type { CostTable } from "../expr/cost.ts";
import { LEAF_CONST } from "../expr/ops.ts";
import { DIMS, HEAD_LAYOUT, HIDDEN } from "../ffi/nnue.ts";
import { FEATURE_KINDS, featureKindOfCode, type FeatureSet, selfFeature } from "./features.ts";

/** acc[0] = staticCost / LATENCY_SCALE; also the heads' out_scale. */
export const LATENCY_SCALE = 64;
/** Nominal clock of the initial ns-per-unit scale (this machine: 2.6 GHz). */
export const NOMINAL_GHZ = 2.6;
export const LANES = 16;
/** Initial log of ns per static cost unit. */
export const INITIAL_LOG_UNIT = Math.log(1 / (LANES * NOMINAL_GHZ));

/** Widths of the hidden units' cost intervals. */
export const LATENCY_WIDTHS: readonly number[] = Array.from({ length: HIDDEN }, (_, j) => 2 ** (2 + Math.floor(j / 3)));
/** Largest cost the untrained Judge reproduces; above it the output saturates. */
export const MAX_EXACT_COST = LATENCY_WIDTHS.reduce((a, b) => a + b, 0);

/** Static cost of every feature kind (ops, variables, every constant class) in `table`. */
export function kindCosts(table: CostTable): Float64Array {
  const c = new Float64Array(FEATURE_KINDS);
  c.fill(table.byKind[LEAF_CONST]); // kind 0 and the constant classes
  table.byKind.forEach((cost, code) => (c[featureKindOfCode(code)] = cost));
  return c;
}

/** Dimension-0 initial values: self-feature rows (sorted) and cost / 64, from `table`. */
export function latencyRows(fs: FeatureSet, table: CostTable): { rows: Int32Array; values: Float32Array } {
  const costs = kindCosts(table);
  const pairs = [...costs.keys()]
    .map((k) => [selfFeature(fs, k), costs[k] / LATENCY_SCALE] as const)
    .filter(([, v]) => v !== 0)
    .sort((a, b) => a[0] - b[0]);
  return { rows: Int32Array.from(pairs.map((p) => p[0])), values: Float32Array.from(pairs.map((p) => p[1])) };
}

/** Head parameters that turn acc[0] back into the static cost. */
export function latencyHead(logUnit = INITIAL_LOG_UNIT): Float32Array {
  const p = new Float32Array(HEAD_LAYOUT.floats);
  let t = 0;
  LATENCY_WIDTHS.forEach((w, j) => {
    p[HEAD_LAYOUT.w1 + j * DIMS] = LATENCY_SCALE / w;
    p[HEAD_LAYOUT.b1 + j] = -t / w;
    p[HEAD_LAYOUT.w2 + j] = w / LATENCY_SCALE;
    t += w;
  });
  p[HEAD_LAYOUT.b2] = 0;
  p[HEAD_LAYOUT.outScale] = LATENCY_SCALE;
  p[HEAD_LAYOUT.logUnit] = logUnit;
  return p;
}
