/**
 * Initial Guide head: zero output, ready to learn.
 *
 * The Guide predicts the *lookahead gain* of a state: how much lower than
 * the Judge's cost of the state the best cost reachable from it within a few
 * rewrites is (a number <= 0, in the Judge's cost units). Guided search
 * ranks a candidate by Judge(after) + Guide(after), so an untrained Guide
 * (output 0) makes the search best-first on the Judge, and training only
 * has to add the lookahead.
 *
 * Output weights start at zero; the hidden layer starts in its linear
 * range (bias 1/2, small reproducible random weights on every accumulator
 * dimension but 0, which holds cost/64 and would saturate it), so every
 * hidden unit passes gradient from the first step.
 */
import { DIMS, HEAD_LAYOUT, HIDDEN } from "../ffi/nnue.ts";
import { Rng } from "../expr/random.ts";
import { LATENCY_SCALE } from "./latency_init.ts";

export const GUIDE_INIT_RANGE = 0.1;

export function lookaheadHead(seed = 1): Float32Array {
  const p = new Float32Array(HEAD_LAYOUT.floats);
  const rng = new Rng(seed);
  for (let j = 0; j < HIDDEN; j++) {
    for (let d = 1; d < DIMS; d++) p[HEAD_LAYOUT.w1 + j * DIMS + d] = (rng.next() * 2 - 1) * GUIDE_INIT_RANGE;
    p[HEAD_LAYOUT.b1 + j] = 0.5;
  }
  p[HEAD_LAYOUT.outScale] = LATENCY_SCALE;
  return p;
}
