/**
 * Training the network: samples, the split by kernel, batches, epochs.
 *
 * A sample is the feature list of one expression, a target and a group id.
 * For the Judge the target is log(ns per element) measured on this machine
 * and the group is the kernel the expression is a variant of: the optional
 * ranking term compares variants of one kernel (pairs are formed inside a
 * batch, so batches are packed with whole groups), and the validation split
 * holds out whole kernels, never single variants. For the Guide the target
 * is whatever score search wants (later: Judge-measured improvements), with
 * the embedding frozen by default.
 *
 * The steps run in C (`nnue_train_step`); everything here is deterministic
 * for a given seed.
 *
 * @example
 * const { train, validation } = splitByGroup(samples, 0.2, 7);
 * fitLogUnit(nw, train);            // the ns-per-unit scale first
 * const report = trainNetwork(nw, train, validation, JUDGE_TRAINING);
 */
import { z } from "zod";
import { type Csr, HEAD_LAYOUT, type StepStats, toCsr } from "../ffi/nnue.ts";
import { Rng } from "../expr/random.ts";
import { logSoftpos, type Network } from "./network.ts";

export interface Sample {
  readonly features: Int32Array;
  readonly target: number;
  /** Kernel id: variants of one kernel share it. */
  readonly group: number;
}

/** Judge target of a measurement: log of nanoseconds per element. */
export function judgeTarget(nsPerElement: number): number {
  if (!(nsPerElement > 0) || !Number.isFinite(nsPerElement)) {
    throw new Error(`ns per element must be a positive finite number, got ${nsPerElement}`);
  }
  return Math.log(nsPerElement);
}

export const TrainOptions = z.object({
  head: z.enum(["judge", "guide"]),
  /** log: p = log(softpos(y)) + log_unit against log ns; linear: p = y. */
  loss: z.enum(["log", "linear"]),
  trainEmbedding: z.boolean(),
  trainHead: z.boolean(),
  lrEmbedding: z.number().nonnegative().finite(),
  lrHead: z.number().nonnegative().finite(),
  beta1: z.number().min(0).lt(1),
  beta2: z.number().min(0).lt(1),
  epsilon: z.number().positive(),
  /** Weight of the pairwise ranking term among variants of a group (0: off). */
  rankWeight: z.number().nonnegative().finite(),
  /** Logits per unit of prediction difference (log ns for the Judge). */
  rankScale: z.number().positive().finite(),
  batchSize: z.number().int().min(1).max(1 << 16),
  epochs: z.number().int().min(0),
  seed: z.number().int(),
});
export type TrainOptions = z.infer<typeof TrainOptions>;

export const JUDGE_TRAINING: TrainOptions = {
  head: "judge",
  loss: "log",
  trainEmbedding: true,
  trainHead: true,
  lrEmbedding: 1e-3,
  lrHead: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  rankWeight: 0.1,
  rankScale: 20,
  batchSize: 128,
  epochs: 20,
  seed: 1,
};

export const GUIDE_TRAINING: TrainOptions = {
  ...JUDGE_TRAINING,
  head: "guide",
  loss: "linear",
  trainEmbedding: false,
  rankWeight: 0,
};

/**
 * Splits samples by group: a fraction of the groups (chosen by a seeded
 * shuffle) goes to validation with all their variants.
 */
export function splitByGroup<S extends { readonly group: number }>(
  samples: readonly S[],
  validationFraction: number,
  seed: number,
): { train: S[]; validation: S[] } {
  if (!(validationFraction >= 0 && validationFraction <= 1)) {
    throw new Error(`validation fraction must be in [0, 1], got ${validationFraction}`);
  }
  const groups = [...new Set(samples.map((s) => s.group))].sort((a, b) => a - b);
  shuffle(groups, new Rng(seed));
  const held = new Set(groups.slice(0, Math.round(groups.length * validationFraction)));
  return {
    train: samples.filter((s) => !held.has(s.group)),
    validation: samples.filter((s) => held.has(s.group)),
  };
}

function shuffle<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/**
 * Mini-batches of about `size` samples made of whole groups in a seeded
 * random order (a group larger than a batch is cut into batch-sized parts),
 * so ranking pairs exist inside batches.
 */
export function batchesOf<S extends { readonly group: number }>(samples: readonly S[], size: number, rng: Rng): S[][] {
  const byGroup = new Map<number, S[]>();
  for (const s of samples) {
    const g = byGroup.get(s.group);
    if (g === undefined) byGroup.set(s.group, [s]);
    else g.push(s);
  }
  const groups = shuffle([...byGroup.keys()].sort((a, b) => a - b), rng).map((g) => shuffle(byGroup.get(g)!, rng));
  const out: S[][] = [];
  let cur: S[] = [];
  for (const g of groups) {
    for (let i = 0; i < g.length; i += size) {
      const part = g.slice(i, i + size);
      if (cur.length > 0 && cur.length + part.length > size) {
        out.push(cur);
        cur = [];
      }
      cur.push(...part);
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export interface PackedBatch {
  readonly features: Csr;
  readonly targets: Float32Array;
  readonly groups: Int32Array;
}

export function packBatch(samples: readonly Sample[]): PackedBatch {
  return {
    features: toCsr(samples.map((s) => s.features)),
    targets: Float32Array.from(samples, (s) => s.target),
    groups: Int32Array.from(samples, (s) => s.group),
  };
}

/** One Adam step on one batch. */
export function trainStep(
  nw: Network,
  batch: PackedBatch,
  o: TrainOptions,
  pred?: Float32Array<ArrayBuffer>,
): StepStats {
  return nw.net.trainStep(o, batch.features, batch.targets, batch.groups, pred);
}

/** Predictions p (what the loss compares with targets) through the inference path. */
export function predict(nw: Network, samples: readonly Sample[], o: Pick<TrainOptions, "head" | "loss">): Float64Array {
  const out = new Float64Array(samples.length);
  const chunk = 4096;
  for (let i = 0; i < samples.length; i += chunk) {
    const part = samples.slice(i, i + chunk);
    const ys = nw.net.eval(o.head, nw.net.buildBatch(toCsr(part.map((s) => s.features))));
    const h = nw.net.head(o.head);
    ys.forEach((y, k) => {
      out[i + k] = o.loss === "log" ? logSoftpos(y, h[HEAD_LAYOUT.outScale]) + h[HEAD_LAYOUT.logUnit] : y;
    });
  }
  return out;
}

/** Mean squared residual as the training loss measures it (without the ranking term). */
export function fitLoss(nw: Network, samples: readonly Sample[], o: Pick<TrainOptions, "head" | "loss">): number {
  if (samples.length === 0) return NaN;
  const p = predict(nw, samples, o);
  const unit = o.loss === "log" ? 1 : nw.net.head(o.head)[HEAD_LAYOUT.outScale];
  let s = 0;
  samples.forEach((x, i) => (s += ((p[i] - x.target) / unit) ** 2));
  return s / samples.length;
}

/**
 * Sets the Judge's log_unit to the mean of target - log(softpos(y)): the
 * best ns-per-unit scale for the current network (closed form of the log
 * loss in that one parameter). Returns the new value.
 */
export function fitLogUnit(nw: Network, samples: readonly Sample[]): number {
  if (samples.length === 0) throw new Error("fitLogUnit: no samples");
  const h = nw.net.head("judge");
  const ys = predict(nw, samples, { head: "judge", loss: "log" });
  let s = 0;
  samples.forEach((x, i) => (s += x.target - (ys[i] - h[HEAD_LAYOUT.logUnit])));
  h[HEAD_LAYOUT.logUnit] = s / samples.length;
  nw.net.setHead("judge", h);
  return h[HEAD_LAYOUT.logUnit];
}

export interface EpochReport {
  readonly epoch: number;
  /** Mean over the epoch's batches of the batch loss (fit + rank term). */
  readonly trainLoss: number;
  readonly trainFit: number;
  readonly trainRank: number;
  /** Fit loss on validation through the inference path (NaN without validation). */
  readonly validationFit: number;
}

/**
 * Trains for `o.epochs` epochs; calls `onEpoch` after each (for progress
 * and early stopping: return false to stop).
 */
export function trainNetwork(
  nw: Network,
  train: readonly Sample[],
  validation: readonly Sample[],
  options: TrainOptions,
  onEpoch: (r: EpochReport) => boolean | void = () => {},
): EpochReport[] {
  const o = TrainOptions.parse(options);
  if (train.length === 0) throw new Error("trainNetwork: no training samples");
  const rng = new Rng(o.seed);
  const reports: EpochReport[] = [];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let loss = 0, fit = 0, rank = 0, n = 0;
    for (const b of batchesOf(train, o.batchSize, rng)) {
      const s = trainStep(nw, packBatch(b), o);
      loss += s.loss * b.length;
      fit += s.fit * b.length;
      rank += s.rank * b.length;
      n += b.length;
    }
    const r: EpochReport = {
      epoch,
      trainLoss: loss / n,
      trainFit: fit / n,
      trainRank: rank / n,
      validationFit: validation.length > 0 ? fitLoss(nw, validation, o) : NaN,
    };
    reports.push(r);
    if (onEpoch(r) === false) break;
  }
  return reports;
}
