/**
 * The network: features, accumulator, Judge and Guide heads, weights files,
 * training. One import for the rest of the pipeline.
 *
 * ## Design
 *
 * - Features (`features.ts`): HalfEP over the unique nodes of the DAG. Each
 *   perspective node P and each path of child indices of length 0..D from P
 *   to a descendant Q give the feature (kind P, path, kind Q). Kinds: the
 *   op codes of `ops.ts` (0 = other constant, 1 = variable, ops from 2) plus
 *   six constant classes appended after the ops (0, 1, -1, 2, 0.5, other
 *   integers): K = 45. Index = (kind(P) * P(D) + pathCode) * K + kind(Q),
 *   P(D) = (3^(D+1) - 1) / 2, size K^2 P(D): 81,000 rows at the default
 *   D = 3, 245,025 at D = 4.
 * - Deltas (`feature_dag.ts`): `FeatureDag.rewrite(site, replacement)`
 *   returns exactly the removed and added feature multisets of replacing a
 *   node everywhere, from reference counts; cost independent of the DAG's
 *   size for the usual rewrite (a new replacement node).
 * - C (`csrc/nnue_*.c`, wrapped by `pipeline/ffi/nnue.ts`): embedding rows of 256
 *   float32 master weights with a bfloat16 copy that inference reads, a
 *   float32 accumulator, heads 256 -> 32 -> 1 with a clipped ReLU,
 *   `y = out_scale * (w2 . clamp(W1 acc + b1, 0, 1) + b2)`. Candidate
 *   scoring projects rows through W1 (cached) so a candidate costs two
 *   vector adds per delta row.
 * - Latency-table initialization (`latency_init.ts`): dimension 0 of each
 *   self feature holds its op's static cost / 64 and the 32 hidden units are
 *   a staircase over cost intervals, so the untrained Judge (and Guide)
 *   output staticCost exactly up to 20,468.
 * - Units: the Judge outputs static-cost units (cycles per 16-lane vector);
 *   predicted ns per element = softpos(y) * exp(log_unit), log_unit trained
 *   (and fitted in closed form by `fitLogUnit`), softpos keeping the log
 *   loss defined for any y.
 * - Files (`weights_file.ts`): three files with a checksummed header;
 *   only rows that moved from their seeded initialization are stored, as
 *   bfloat16 (516 bytes a row).
 * - Training (`train.ts`): samples (features, target, kernel group), split
 *   by kernel, batches of whole groups, Adam in C with sparse embedding
 *   updates, an optional ranking term among variants of a kernel.
 * - Calibration, Loop A (`stages/calibrate.ts`, composed of the shell's
 *   stages): kernels -> variants (`search/variants.ts`: rule walks and a
 *   partly saturated e-graph) -> compile -> bench -> `trainJudge`
 *   (`train_judge.ts`, data in `judge_data.ts`: the split by kernel is a
 *   hash of the kernel id) -> weights and a summary;
 *   `eval_judge.ts` compares the Judge with the static table and llvm-mca
 *   on the held-out kernels (`judge_metrics.ts`: Kendall's tau, MAPE).
 */
export * from "./features.ts";
export * from "./feature_dag.ts";
export * from "./network.ts";
export * from "./latency_init.ts";
export * from "./weights_file.ts";
export * from "./train.ts";
export * from "./judge_data.ts";
export * from "./judge_metrics.ts";
export * from "./train_judge.ts";
export * from "./eval_judge.ts";
export { type Csr, DIMS, HEAD_LAYOUT, type HeadName, HIDDEN, NnueNet, type StepStats, toCsr } from "../ffi/nnue.ts";
