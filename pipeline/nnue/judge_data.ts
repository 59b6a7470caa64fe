/**
 * Measured variant records as Judge training data: the measured time of a
 * record, the split of kernels into training and validation, and samples.
 *
 * The split is by kernel (`of`), never by variant, and is a pure function
 * of the kernel id, the seed and the fraction (a hash, not a shuffle of
 * whatever kernels a data set holds), so that `train-judge`, `calibrate`
 * and `eval:judge` agree on which kernels were never trained on, whatever
 * subset of the data each one reads.
 *
 * Measured time: `ns` is the harness's ns per element (median of the
 * fastest of its rounds); `ratio` is the ratio to the reference kernel
 * (fastest round over the reference's fastest round) times a fixed
 * reference time (the median over the training records), so that it reads
 * in nanoseconds. On these VMs the two are about equally repeatable: two
 * separate runs over 704 variants (5 rounds of 8 ms) differ by a median of
 * 0.12% and a 90th percentile of 1.6% in `ns`, 0.18% and 1.6% in `ratio`
 * (the reference kernel has slow spells of its own, 1.3-3x, which the
 * ratio inherits). `ns` is the default; `ratio` is one option away.
 */
import { parseExpr } from "../expr/fpcore.ts";
import type { Expr } from "../expr/expr.ts";
import type { Ranges } from "../expr/sample.ts";
import type { MeasuredVariantRecord } from "../records/schema.ts";
import { features, type FeatureSet } from "./features.ts";
import { judgeTarget, type Sample } from "./train.ts";
import { fnv1a32 } from "../base/hash.ts";
import { median } from "../base/stats.ts";

export type TimeKind = "ns" | "ratio";

/** A measured variant, parsed. */
export interface Example {
  readonly id: string;
  /** The kernel it is a variant of. */
  readonly of: string;
  readonly expr: Expr;
  /** Measured nanoseconds per element (see `measuredNs`). */
  readonly ns: number;
  readonly vars: readonly string[];
  /** The variables' ranges: what the harness timed it on. */
  readonly ranges?: Ranges;
  readonly how: string;
}

/** The reference time a ratio is scaled by: the median reference time of the records. */
export function referenceNs(records: readonly Pick<MeasuredVariantRecord, "ref_ns_per_elem">[]): number {
  return median(records.map((r) => r.ref_ns_per_elem));
}

/** Measured ns per element of a record, by the chosen kind of time. */
export function measuredNs(
  rec: Pick<MeasuredVariantRecord, "ns_per_elem" | "ratio">,
  kind: TimeKind,
  refNs: number,
): number {
  return kind === "ns" ? rec.ns_per_elem : rec.ratio * refNs;
}

/**
 * The kernel a group of variants is of: `of` up to an `@`. Calibration
 * rounds that measure the search's shortlists group each round's forms
 * apart (`k@search1`: timed in one run, so they compare like with like),
 * but they are forms of kernel `k`, and fall on its side of the split.
 */
export function kernelOf(of: string): string {
  const at = of.indexOf("@");
  return at < 0 ? of : of.slice(0, at);
}

/** Whether kernel `of` is held out for validation (about `fraction` of kernels; `kernelOf` decides). */
export function isValidationKernel(of: string, fraction: number, seed: number): boolean {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`validation fraction must be in [0, 1], got ${fraction}`);
  // Mix the seed in after hashing the id so nearby seeds give unrelated splits.
  let h = fnv1a32(kernelOf(of)) ^ Math.imul(seed + 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 < fraction;
}

/** Splits items by their kernel: all variants of a kernel land on one side. */
export function splitByKernel<T extends { readonly of: string }>(
  items: readonly T[],
  fraction: number,
  seed: number,
): { train: T[]; validation: T[] } {
  const train: T[] = [], validation: T[] = [];
  for (const x of items) (isValidationKernel(x.of, fraction, seed) ? validation : train).push(x);
  return { train, validation };
}

/** Parses measured records into examples (records with an error or no time are left out). */
export function examplesOf(
  records: readonly MeasuredVariantRecord[],
  kind: TimeKind,
  refNs: number,
): Example[] {
  return records.map((r) => ({
    id: r.id,
    of: r.of,
    expr: parseExpr(r.expr, r.vars),
    ns: measuredNs(r, kind, refNs),
    vars: r.vars,
    ranges: r.ranges,
    how: r.how,
  }));
}

/** Group numbers for kernel ids, in first-seen order. */
export function groupIds(examples: readonly { readonly of: string }[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const e of examples) if (!ids.has(e.of)) ids.set(e.of, ids.size);
  return ids;
}

/** Training samples: features, log ns, kernel group. */
export function samplesOf(fs: FeatureSet, examples: readonly Example[], groups: ReadonlyMap<string, number>): Sample[] {
  return examples.map((e) => ({ features: features(fs, e.expr), target: judgeTarget(e.ns), group: groups.get(e.of)! }));
}
