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
import { staticCost } from "../expr/cost.ts";
import type { MeasuredVariantRecord } from "../stages/schema.ts";
import { describeZodError } from "../stages/jsonl.ts";
import { DEFAULT_DEPTH } from "./features.ts";
import { type Example, examplesOf, groupIds, median, referenceNs, samplesOf, splitByKernel } from "./judge_data.ts";
import { type RankReport, rankReport, relativeScale } from "./judge_metrics.ts";
import { DEFAULT_NETWORK, Network } from "./network.ts";
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
});
export type JudgeConfig = z.infer<typeof JudgeConfig>;

export const DEFAULT_JUDGE_CONFIG: JudgeConfig = {
  depth: DEFAULT_DEPTH,
  epochs: 60,
  seed: 1,
  validationFraction: 0.2,
  splitSeed: 1,
  time: "ns",
  lrEmbedding: 3e-3,
  lrHead: 1e-3,
  rankWeight: 0.5,
  rankScale: 10,
  batchSize: 64,
  trainHead: true,
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
): { scale: number; predict: (es: readonly Example[]) => number[] } {
  const scale = relativeScale(fitOn.map((e) => staticCost(e.expr)), fitOn.map((e) => e.ns));
  return { scale, predict: (es) => es.map((e) => scale * staticCost(e.expr)) };
}

function report(
  examples: readonly Example[],
  predicted: ArrayLike<number>,
): (RankReport & Record<string, unknown>) | null {
  if (examples.length === 0) return null;
  return { ...rankReport(examples.map((e) => e.of), predicted, examples.map((e) => e.ns)) };
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
  onEpoch: (r: EpochReport) => void = () => {},
): TrainedJudge {
  const c = JudgeConfig.parse({ ...DEFAULT_JUDGE_CONFIG, ...config });
  const { train: trainRecs, validation: valRecs } = splitByKernel(records, c.validationFraction, c.splitSeed);
  if (trainRecs.length === 0) throw new Error("trainJudge: no training records (every kernel fell in validation)");
  const refNs = referenceNs(trainRecs);
  const train = examplesOf(trainRecs, c.time, refNs);
  const validation = examplesOf(valRecs, c.time, refNs);
  const nw = Network.create({ depth: c.depth, seed: DEFAULT_NETWORK.seed, initRange: DEFAULT_NETWORK.initRange });
  const t0 = performance.now();
  try {
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
    const epochs = c.epochs > 0 ? trainNetwork(nw, trainSamples, valSamples, options, onEpoch) : [];
    const trainMs = performance.now() - t0;
    const stat = staticModel(train);
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
