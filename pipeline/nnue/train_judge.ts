/**
 * Training the Judge on measured variants: split by kernel, fit the
 * ns-per-unit scale, train embedding and head (fit + ranking among the
 * variants of a kernel), and report how the result ranks and predicts the
 * validation kernels next to the static table. `calibrate` and the
 * `train-judge` stage both call `trainJudge`.
 *
 * @example
 * const { network, summary } = trainJudge(measuredRecords, { epochs: 30 });
 * saveNetwork(network);
 * writeSummary(summary);
 */
import { join } from "node:path";
import { z } from "zod";
import { type CostTable, REFERENCE_COSTS, staticCost } from "../expr/cost.ts";
import type { MeasuredVariantRecord } from "../records/schema.ts";
import { describeZodError } from "../records/jsonl.ts";
import { DEFAULT_DEPTH, selfFeature } from "./features.ts";
import { type Example, examplesOf, groupIds, referenceNs, samplesOf, splitByKernel } from "./judge_data.ts";
import { median } from "../base/stats.ts";
import { type RankReport, rankReport, relativeScale } from "./judge_metrics.ts";
import { DEFAULT_NETWORK, Network } from "./network.ts";
import { DIMS, HEAD_LAYOUT, HIDDEN } from "../ffi/nnue.ts";
import { Rng } from "../expr/random.ts";
import { LATENCY_SCALE } from "./latency_init.ts";
import { type EpochReport, fitLogUnit, fitLoss, JUDGE_TRAINING, trainNetwork } from "./train.ts";
import { DEFAULT_WEIGHTS_DIR } from "./weights_file.ts";

export const JudgeConfig = z.object({
  depth: z.number().int().min(1).max(5),
  epochs: z.number().int().min(0).max(100000),
  /** Training seed (the order of batches). */
  seed: z.number().int().min(0),
  /** Fraction of kernels held out, and the seed of that (hash) split. */
  validationFraction: z.number().min(0).max(1),
  splitSeed: z.number().int().min(0),
  /** Which measured time the Judge learns (see judge_data.ts). */
  time: z.enum(["ns", "ratio"]),
  lrEmbedding: z.number().nonnegative().finite(),
  lrHead: z.number().nonnegative().finite(),
  rankWeight: z.number().nonnegative().finite(),
  rankScale: z.number().positive().finite(),
  batchSize: z.number().int().min(1).max(65536),
  /** Train the head too (false: only the embedding moves, the head stays the latency table). */
  trainHead: z.boolean(),
  /**
   * Pull of every moved embedding row but the self features' back toward
   * its initialization after each epoch (row = init + (1 - decay) (row -
   * init)): an L2 penalty on context, so that per-op costs are learned
   * freely and a context feature keeps a cost only if many samples want it.
   */
  decay: z.number().min(0).max(1),
  /**
   * Head to start from: "table" is the latency-table staircase (all 32
   * hidden units spent on reproducing the static cost), "open" reproduces
   * the same static cost with one hidden unit and leaves the other 31 free
   * (see `openLatencyHead`).
   */
  head: z.enum(["table", "open"]),
  /** Initial rows' range in dimensions 1..255 (the latency table is dimension 0). */
  initRange: z.number().min(0).max(1),
});
export type JudgeConfig = z.infer<typeof JudgeConfig>;

/**
 * Defaults from trials on a dev split of the training kernels (7,800
 * variants of 365 kernels): embedding steps of 1e-4 (3e-4 and more fit the
 * training kernels better and the unseen ones worse: Adam moves a rare
 * feature's row as fast as a common one's), a light ranking term (at 0.5 it
 * fights the fit: MAPE 21% against 13%), the latency-table head (the open
 * head's free units learned the random dimensions of rare rows: MAPE 35%),
 * no decay (no gain at 0.02).
 */
export const DEFAULT_JUDGE_CONFIG: JudgeConfig = {
  depth: DEFAULT_DEPTH,
  epochs: 40,
  seed: 1,
  validationFraction: 0.2,
  splitSeed: 1,
  time: "ns",
  lrEmbedding: 1e-4,
  lrHead: 1e-3,
  rankWeight: 0.05,
  rankScale: 10,
  batchSize: 64,
  trainHead: true,
  decay: 0,
  head: "table",
  initRange: DEFAULT_NETWORK.initRange,
};

/** What `calibrate` / `train-judge` leave next to the weights. */
export const CalibrationSummary = z.looseObject({
  created: z.string(),
  config: JudgeConfig,
  /** Reference ns per element a ratio is scaled by (time = "ratio"). */
  refNs: z.number(),
  records: z.number().int(),
  trainKernels: z.array(z.string()),
  validationKernels: z.array(z.string()),
  trainRecords: z.number().int(),
  validationRecords: z.number().int(),
  epochs: z.array(z.looseObject({ epoch: z.number(), trainFit: z.number(), validationFit: z.number() })),
  trainMs: z.number(),
  judge: z.looseObject({ tauWithin: z.number(), tauAll: z.number(), mape: z.number() }).nullable(),
  static: z.looseObject({ tauWithin: z.number(), tauAll: z.number(), mape: z.number(), scale: z.number() }).nullable(),
});
export type CalibrationSummary = z.infer<typeof CalibrationSummary>;

export const SUMMARY_FILE = "nnue_judge_calibration.json";

/** Judge predictions (ns per element) for examples, in batches. */
export function judgeNs(nw: Network, examples: readonly Example[]): Float64Array {
  const out = new Float64Array(examples.length);
  for (let i = 0; i < examples.length; i += 2048) {
    out.set(nw.predictNs(examples.slice(i, i + 2048).map((e) => e.expr)), i);
  }
  return out;
}

/** The static table scaled by the factor that fits `fitOn` best (relative least squares). */
export function staticModel(
  fitOn: readonly Example[],
  costs: CostTable,
): { scale: number; predict: (es: readonly Example[]) => number[] } {
  const scale = relativeScale(fitOn.map((e) => staticCost(e.expr, costs)), fitOn.map((e) => e.ns));
  return { scale, predict: (es) => es.map((e) => scale * staticCost(e.expr, costs)) };
}

function report(
  examples: readonly Example[],
  predicted: ArrayLike<number>,
): (RankReport & Record<string, unknown>) | null {
  if (examples.length === 0) return null;
  return { ...rankReport(examples.map((e) => e.of), predicted, examples.map((e) => e.ns)) };
}

/**
 * Moves every changed embedding row a fraction `decay` of the way back to
 * its initialization; rows in `spare` (the self features: per-op costs)
 * are left alone.
 */
export function decayTowardInit(nw: Network, decay: number, spare: ReadonlySet<number> = new Set()): void {
  const cur = new Float32Array(DIMS), init = new Float32Array(DIMS);
  for (const row of nw.net.changedRows()) {
    if (spare.has(row)) continue;
    nw.net.row(row, cur);
    nw.net.rowInit(row, init);
    for (let i = 0; i < DIMS; i++) cur[i] = init[i] + (1 - decay) * (cur[i] - init[i]);
    nw.net.setRow(row, cur);
  }
}

/**
 * A Judge head that equals the static table exactly, like `latencyHead`,
 * with hidden unit 0 alone: z0 = acc[0] / 512 (acc[0] = staticCost / 64),
 * w2[0] = 512, so y = 64 * 512 * clamp(z0, 0, 1) = staticCost up to 32,768
 * (powers of two: exact in float32). The other 31 units read every
 * accumulator dimension through small seeded random weights, sit in the
 * middle of their linear range and have zero output weights, so the
 * untrained Judge is still the table; training can then use them for what
 * a sum of per-feature costs cannot express (a floor of memory traffic
 * under small kernels, pipes that overlap), which the staircase, whose
 * units each cover one interval of total cost, cannot.
 */
export function openLatencyHead(logUnit: number, seed: number): Float32Array {
  const p = new Float32Array(HEAD_LAYOUT.floats);
  const rng = new Rng(seed);
  p[HEAD_LAYOUT.w1] = 1 / 512;
  p[HEAD_LAYOUT.w2] = 512;
  for (let j = 1; j < HIDDEN; j++) {
    for (let i = 0; i < DIMS; i++) p[HEAD_LAYOUT.w1 + j * DIMS + i] = rng.range(-0.02, 0.02);
    p[HEAD_LAYOUT.b1 + j] = 0.5;
  }
  p[HEAD_LAYOUT.outScale] = LATENCY_SCALE;
  p[HEAD_LAYOUT.logUnit] = logUnit;
  return p;
}

export interface TrainedJudge {
  readonly network: Network;
  readonly summary: CalibrationSummary;
  readonly train: readonly Example[];
  readonly validation: readonly Example[];
}

/**
 * Trains a Judge from scratch (latency-table initialization) on measured
 * variant records. `onEpoch` sees each epoch's losses (for progress).
 */
export function trainJudge(
  records: readonly MeasuredVariantRecord[],
  config: Partial<JudgeConfig> = {},
  onEpoch: (r: EpochReport) => boolean | void = () => {},
  /** The static table the untrained Judge starts from: the measured kernels' target's. */
  costs: CostTable = REFERENCE_COSTS,
): TrainedJudge {
  const c = JudgeConfig.parse({ ...DEFAULT_JUDGE_CONFIG, ...config });
  const { train: trainRecs, validation: valRecs } = splitByKernel(records, c.validationFraction, c.splitSeed);
  if (trainRecs.length === 0) throw new Error("trainJudge: no training records (every kernel fell in validation)");
  const refNs = referenceNs(trainRecs);
  const train = examplesOf(trainRecs, c.time, refNs);
  const validation = examplesOf(valRecs, c.time, refNs);
  const nw = Network.create({ depth: c.depth, seed: DEFAULT_NETWORK.seed, initRange: c.initRange }, costs);
  const t0 = performance.now();
  try {
    if (c.head === "open") nw.net.setHead("judge", openLatencyHead(nw.net.head("judge")[HEAD_LAYOUT.logUnit], c.seed));
    const selfRows = new Set(Array.from({ length: nw.fs.kinds }, (_, k) => selfFeature(nw.fs, k)));
    const groups = groupIds([...train, ...validation]);
    const trainSamples = samplesOf(nw.fs, train, groups);
    const valSamples = samplesOf(nw.fs, validation, groups);
    fitLogUnit(nw, trainSamples);
    const options = {
      ...JUDGE_TRAINING,
      epochs: c.epochs,
      seed: c.seed,
      lrEmbedding: c.lrEmbedding,
      lrHead: c.lrHead,
      rankWeight: c.rankWeight,
      rankScale: c.rankScale,
      batchSize: c.batchSize,
      trainHead: c.trainHead,
    };
    const epochs = c.epochs > 0
      ? trainNetwork(nw, trainSamples, valSamples, options, (r) => {
        if (c.decay > 0) decayTowardInit(nw, c.decay, selfRows);
        return onEpoch(r);
      })
      : [];
    const trainMs = performance.now() - t0;
    const stat = staticModel(train, costs);
    const summary: CalibrationSummary = {
      created: new Date().toISOString(),
      config: c,
      refNs,
      records: records.length,
      trainKernels: [...new Set(train.map((e) => e.of))].sort(),
      validationKernels: [...new Set(validation.map((e) => e.of))].sort(),
      trainRecords: train.length,
      validationRecords: validation.length,
      epochs: epochs.map((e) => ({ epoch: e.epoch, trainFit: e.trainFit, validationFit: e.validationFit })),
      finalTrainFit: fitLoss(nw, trainSamples, { head: "judge", loss: "log" }),
      trainMs: Math.round(trainMs),
      medianNs: median(train.map((e) => e.ns)),
      judge: report(validation, judgeNs(nw, validation)),
      static: (() => {
        const r = report(validation, stat.predict(validation));
        return r === null ? null : { ...r, scale: stat.scale };
      })(),
    };
    return { network: nw, summary, train, validation };
  } catch (e) {
    nw.free();
    throw e;
  }
}

/** Writes the summary next to the weights, atomically. */
export function writeSummary(summary: CalibrationSummary, dir = DEFAULT_WEIGHTS_DIR): string {
  const path = join(dir, SUMMARY_FILE);
  const tmp = `${path}.${Deno.pid}.tmp`;
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeTextFileSync(tmp, JSON.stringify(summary, null, 1) + "\n");
  Deno.renameSync(tmp, path);
  return path;
}

/** Reads a summary written by `writeSummary` (null when there is none). */
export function readSummary(dir = DEFAULT_WEIGHTS_DIR): CalibrationSummary | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir, SUMMARY_FILE));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const path = join(dir, SUMMARY_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not JSON: ${(e as Error).message}`);
  }
  const r = CalibrationSummary.safeParse(raw);
  if (!r.success) {
    throw new Error(`${path}: ${describeZodError(r.error)} (written by another version? calibrate again)`);
  }
  return r.data;
}
