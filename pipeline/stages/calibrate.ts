/**
 * Loop A, `deno task calibrate`: kernels -> variants -> compile -> bench ->
 * train the Judge -> weights, as one streaming pipeline in this process.
 *
 *   corpus kernels (data/kernels/*.fpcore)  ┐
 *   random expressions (generate)           ├─> variants ─> compile+bench ─> measured ─> trainJudge ─> data/*.bin
 *   generate --fused | unfuse (BWD pairs)   ┘     (batches: one compiler run, one harness run)
 *
 * Kernels are interleaved (corpus, random, pair, ...) so that a run cut
 * short by its time budget still has every kind. Measurements go to the
 * benchmark cache as each batch finishes, and variants are deterministic
 * for a seed, so running again skips everything already measured (and
 * compiled): an interrupted calibration resumes. The time budget covers the
 * whole run: collecting stops at `collectShare` of it, training stops at
 * the budget.
 *
 * The weights are a fresh network trained from the latency table: the
 * Judge head and the shared embedding are the new ones and the Guide head
 * goes back to its initialization (a Guide trained on the old embedding
 * would read rows that moved under it): run `train-guide` afterwards.
 *
 * The stages are the same as the shell pipeline's:
 *   deno task generate | deno task variants | deno task compile | deno task bench | deno task train-judge
 */
import { join } from "node:path";
import { BENCH_CACHE, CALIBRATION_DIR, KERNELS_DIR } from "../base/paths.ts";
import { Rng } from "../expr/random.ts";

import { generateRecords } from "./generate.ts";
import { loadCorpus } from "../records/corpus.ts";
import { ALL_RULES } from "../rules/all.ts";
import { ErrorRecord, type ExpressionRecord, type JsonObject, MeasuredVariantRecord } from "../records/schema.ts";
import { unfuseRecord } from "../search/unfuse.ts";
import type { VariantOptions } from "../search/variants.ts";
import { variantsStage } from "./variants.ts";
import { searchVariantsStage } from "./search_variants.ts";
import { spread } from "../compare/sweep.ts";
import { compileStage } from "./compile.ts";
import { benchStage } from "./bench.ts";
import {
  type CalibrationSummary,
  DEFAULT_JUDGE_CONFIG,
  type JudgeConfig,
  readSummary,
  type TrainedJudge,
  trainJudge,
  writeSummary,
} from "../nnue/train_judge.ts";
import { DEFAULT_WEIGHTS_DIR, saveNetwork, type SaveReport } from "../nnue/weights_file.ts";
import { ASM_JUDGE_FILE, fitOnTraining, writeAsmJudge } from "../nnue/asm_judge.ts";
import type { WeightsSource } from "../nnue/profiles.ts";
import { openMaybeGzip } from "../records/gzip.ts";
import { readMeasured } from "./train_judge.ts";
import { CliError, EXIT_DATA } from "./cli.ts";
import type { Target } from "../target/target.ts";
import { costTableFor } from "../target/cost_tables.ts";
import type { Profile } from "../target/profile.ts";

/** Where calibrate leaves the measured records before profiles existed (the shipped profile's). */
export const MEASURED_PATH = join(CALIBRATION_DIR, "measured.jsonl");

/** A profile's measured records, gzipped beside its weights: what its Judge was trained on, shipped with it. */
export const SHIPPED_MEASURED = "measured.jsonl.gz";

/** Where calibrate leaves a profile's measured records (train-judge and eval:judge read them). */
export function measuredPath(profile: Profile): string {
  return join(CALIBRATION_DIR, profile.name, "measured.jsonl");
}

/**
 * The measured records the weights of `s` (in `dir`) were calibrated on:
 * this machine's own calibration when there is one, else the data the
 * profile ships (`SHIPPED_MEASURED` beside its weights), so a clone can
 * check and refit without calibrating; for a machine without weights the
 * shipped ones'; unknown (null) for weights given by path.
 */
export function calibrationData(s: WeightsSource, dir: string): string | null {
  if (s.kind === "given") return null;
  const own = s.kind === "profile" ? measuredPath(s.profile) : MEASURED_PATH;
  const shipped = join(dir, SHIPPED_MEASURED);
  return isFileSync(own) || !isFileSync(shipped) ? own : shipped;
}

/** A profile's calibration as `eval:judge` and `fit:compiled-judge` read it: its summary and measured records. */
export interface Calibration {
  readonly data: string;
  readonly summary: CalibrationSummary;
  readonly records: readonly MeasuredVariantRecord[];
}

/**
 * Reads the calibration of the weights in `dir`: the summary beside them
 * and the measured records at `path` (given, or `calibrationData`'s);
 * what is missing is a data error that says what to run, for `command`.
 */
export async function readCalibration(command: string, dir: string, path: string): Promise<Calibration> {
  const summary = readSummary(dir);
  if (summary === null) {
    throw new CliError(`${command}: no calibration summary in ${dir}: run deno task calibrate`, EXIT_DATA);
  }
  let input: ReadableStream<Uint8Array>;
  try {
    input = await openMaybeGzip(path);
  } catch (e) {
    throw new CliError(
      `${command}: cannot read ${path} (${(e as Error).message}): run deno task calibrate, or give --data`,
      EXIT_DATA,
    );
  }
  return { data: path, summary, records: (await readMeasured(input)).records };
}

function isFileSync(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

export interface CalibrateOptions {
  /** Corpus kernels to use (null: all of them). */
  readonly kernels: number | null;
  /** Variants per kernel. */
  readonly variants: number;
  /** Random kernels (`randomKernels`: plain `generate` and `generate --fused | unfuse` pairs, alternating). */
  readonly random: number;
  /** Minutes for the whole run (collecting and training). */
  readonly timeBudgetMin: number;
  /** Share of the budget spent collecting before training starts. */
  readonly collectShare: number;
  readonly seed: number;
  readonly epochs: number;
  /** Weights directory (default data/). */
  readonly out: string;
  /** Measured records, JSONL (null: not written). */
  readonly measuredOut: string | null;
  readonly benchCache: string | null;
  /** Kernel cache directory (default build/kcache). */
  readonly cacheDir?: string;
  /** Variants per compile+bench batch. */
  readonly batch: number;
  /** Harness rounds and timed milliseconds per kernel and round. */
  readonly rounds: number;
  readonly minMs: number;
  readonly corpusFiles: readonly string[];
  readonly variantOptions: Partial<VariantOptions>;
  readonly judge: Partial<JudgeConfig>;
  /**
   * Active learning: rounds after the first training that run the optimizer
   * with the network just trained on `searchKernels` of the kernels
   * collected (spread over them), measure each search's shortlist
   * (search_variants.ts) and train again on everything; not counted in
   * `timeBudgetMin`.
   */
  readonly searchRounds: number;
  readonly searchKernels: number;
  /** Rewrites per kernel in those rounds' searches. */
  readonly searchBudget: number;
  readonly progress: (message: string) => void;
}

export const DEFAULT_CALIBRATE: CalibrateOptions = {
  kernels: null,
  variants: 24,
  random: 300,
  timeBudgetMin: 30,
  collectShare: 0.9,
  seed: 1,
  epochs: DEFAULT_JUDGE_CONFIG.epochs,
  out: DEFAULT_WEIGHTS_DIR,
  measuredOut: MEASURED_PATH,
  benchCache: BENCH_CACHE,
  batch: 240,
  rounds: 4,
  minMs: 5,
  corpusFiles: ["autodiff", "graphics", "ml", "physics"].map((f) => join(KERNELS_DIR, `${f}.fpcore`)),
  variantOptions: {},
  judge: {},
  searchRounds: 2,
  searchKernels: 200,
  searchBudget: 1500,
  progress: () => {},
};

/**
 * `calibrate --quick`: at most 10 minutes on 2 cores (collecting stops at
 * 80% of 9 minutes, training takes the rest), for a machine that has no
 * weights of its profile yet.
 */
export const QUICK: CalibrateOptions = {
  ...DEFAULT_CALIBRATE,
  variants: 12,
  random: 350,
  timeBudgetMin: 9,
  collectShare: 0.8,
  epochs: 25,
  rounds: 3,
  minMs: 3,
  searchRounds: 1,
  searchKernels: 120,
  searchBudget: 800,
};

/** The corpus kernels of the given FPCore files; every benchmark must parse. */
export function corpusRecords(files: readonly string[]): readonly ExpressionRecord[] {
  const c = loadCorpus(files);
  if (c.skipped.length > 0) throw new Error(`${c.skipped.length} corpus benchmark(s) do not parse: ${c.skipped[0]}`);
  return c.records;
}

/**
 * Random kernels: plain random expressions (`generate`) and backward pairs
 * (`generate --fused | unfuse`), alternating, of 1-4 variables and varied
 * sizes, ids unique per seed.
 */
export function* randomKernels(count: number, seed: number): Generator<ExpressionRecord> {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const fused = i % 2 === 1;
    // Six ops at least: smaller kernels are bound by loads and stores, and
    // their forms differ in time by about the measurement's noise.
    const size = fused ? 6 + 6 * rng.int(3) : 6 + rng.int(25);
    const varCount = 1 + rng.int(4);
    const s = (seed * 100_003 + i) >>> 0;
    const [rec] = generateRecords({ count: 1, seed: s, fused, size, varCount });
    yield fused ? unfuseRecord(rec, 1 + rng.int(8), s, ALL_RULES) : rec;
  }
}

/**
 * Corpus and random kernels interleaved, at most CORPUS_SPACING random
 * kernels after each corpus kernel until the corpus is used up, then the
 * rest of the random ones: the real kernels come early, so a run cut short
 * by its time budget still has all of them, and every stretch of the run
 * has both kinds.
 */
export function* kernelSource(o: Pick<CalibrateOptions, "kernels" | "random" | "seed" | "corpusFiles">) {
  const corpus = corpusRecords(o.corpusFiles).slice(0, o.kernels ?? undefined);
  const random = randomKernels(o.random, o.seed);
  const spacing = corpus.length === 0 ? 0 : Math.min(CORPUS_SPACING, Math.floor(o.random / corpus.length));
  let r = 0;
  const nextRandom = function* (n: number) {
    for (let k = 0; k < n && r < o.random; k++, r++) yield random.next().value as ExpressionRecord;
  };
  for (const k of corpus) {
    yield k;
    yield* nextRandom(spacing);
  }
  yield* nextRandom(o.random - r);
}

const CORPUS_SPACING = 2;

export interface CalibrateReport extends TrainedJudge {
  readonly kernels: number;
  readonly variants: number;
  readonly measured: number;
  readonly fromCache: number;
  readonly failed: number;
  readonly collectMs: number;
  readonly totalMs: number;
  readonly saved: SaveReport;
  readonly summaryPath: string;
  /** The compiled-code Judge fitted on the same training kernels, and where it was written. */
  readonly compiledJudge: { readonly path: string; readonly variants: number; readonly kernels: number };
  /** Variants measured by each search round (active learning). */
  readonly searched: readonly number[];
}

const minutes = (ms: number) => `${Math.floor(ms / 60000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, "0")}`;

/** Runs Loop A for `target` (timed natively: the caller refuses an emulated one); returns the trained network (caller frees it) and the figures. */
export async function calibrate(target: Target, options: Partial<CalibrateOptions> = {}): Promise<CalibrateReport> {
  const o: CalibrateOptions = { ...DEFAULT_CALIBRATE, ...options };
  const t0 = performance.now();
  const budgetMs = o.timeBudgetMin * 60_000;
  const collectDeadline = t0 + budgetMs * o.collectShare;
  const say = o.progress;
  let kernels = 0;
  const collected: ExpressionRecord[] = [];
  let stopped = false;

  const source = kernelSource(o);
  const kernelStream = new ReadableStream<ExpressionRecord>({
    pull(ctl) {
      if (performance.now() > collectDeadline) {
        if (!stopped) say(`calibrate: time budget for collecting reached after ${kernels} kernels`);
        stopped = true;
        ctl.close();
        return;
      }
      const n = source.next();
      if (n.done) ctl.close();
      else {
        kernels++;
        collected.push(n.value);
        ctl.enqueue(n.value);
      }
    },
  }, { highWaterMark: 0 });

  const cache = o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {};
  // compile | bench, as the shell pipes them.
  const measure = (variants: ReadableStream<JsonObject>) =>
    variants
      .pipeThrough(compileStage({ target, batch: o.batch, ...cache }))
      .pipeThrough(
        benchStage({ rounds: o.rounds, minMs: o.minMs, benchCache: o.benchCache, batch: o.batch, ...cache }),
      );

  let out: Deno.FsFile | null = null;
  if (o.measuredOut !== null) {
    Deno.mkdirSync(join(o.measuredOut, ".."), { recursive: true });
    out = Deno.openSync(o.measuredOut, { write: true, create: true, truncate: true });
  }
  const tally = { variants: 0, fromCache: 0, failed: 0 };
  const measured: MeasuredVariantRecord[] = [];
  const enc = new TextEncoder();
  /** Keeps every measured record of `stream` (and writes it out); counts failures. */
  const collect = async (stream: ReadableStream<JsonObject>, what: () => string) => {
    let lastSay = 0;
    for await (const rec of stream) {
      tally.variants++;
      if (ErrorRecord.safeParse(rec).success) {
        tally.failed++;
        continue;
      }
      const m = MeasuredVariantRecord.safeParse(rec);
      if (!m.success) {
        tally.failed++;
        continue;
      }
      if (rec.from_cache === true) tally.fromCache++;
      measured.push(m.data);
      out?.writeSync(enc.encode(JSON.stringify(rec) + "\n"));
      const now = performance.now();
      if (now - lastSay > 5000) {
        lastSay = now;
        say(
          `calibrate: ${minutes(now - t0)} ${measured.length} measured (${tally.fromCache} from cache, ` +
            `${tally.failed} failed), ${tally.variants} variants ${what()}`,
        );
      }
    }
  };
  const train = (deadline: number) =>
    trainJudge(measured, { ...o.judge, epochs: o.epochs, seed: o.seed }, (r) => {
      say(
        `train: epoch ${r.epoch}/${o.epochs} fit ${r.trainFit.toFixed(4)} rank ${r.trainRank.toFixed(4)} ` +
          `validation fit ${r.validationFit.toFixed(4)}`,
      );
      if (performance.now() > deadline) {
        say("train: time budget reached; stopping");
        return false;
      }
    }, costTableFor(target.isa, "kopt"));

  let trained: TrainedJudge;
  const searched: number[] = [];
  let collectMs: number;
  try {
    await collect(
      measure(kernelStream.pipeThrough(variantsStage({ ...o.variantOptions, count: o.variants, seed: o.seed }))),
      () => `of ${kernels} kernels`,
    );
    collectMs = performance.now() - t0;
    say(
      `calibrate: collected ${measured.length} measured variants of ${kernels} kernels in ${minutes(collectMs)} ` +
        `(${tally.fromCache} from cache, ${tally.failed} failed or refused)`,
    );
    if (measured.length === 0) throw new Error("calibrate: nothing was measured");
    trained = train(t0 + budgetMs);

    // Active learning: the shortlists of searches with the network just trained, then training again.
    const chosen = spread(collected, o.searchKernels);
    for (let round = 1; round <= o.searchRounds && chosen.length > 0; round++) {
      const before = measured.length;
      say(`calibrate: search round ${round}/${o.searchRounds}: the shortlists of ${chosen.length} kernels`);
      const nw = trained.network;
      await collect(
        measure(
          ReadableStream.from(chosen).pipeThrough(
            searchVariantsStage(nw, {
              round,
              budget: o.searchBudget,
              costs: costTableFor(target.isa, "kopt"),
              seed: o.seed + round,
            }),
          ),
        ),
        () => `(search round ${round})`,
      );
      searched.push(measured.length - before);
      const roundStart = performance.now();
      trained = train(roundStart + budgetMs * (1 - o.collectShare));
      nw.free();
    }
  } finally {
    out?.close();
  }
  const saved = saveNetwork(trained.network, o.out);
  const summaryPath = writeSummary(
    {
      ...trained.summary,
      calibrate: {
        kernels,
        variants: tally.variants,
        measured: measured.length,
        fromCache: tally.fromCache,
        failed: tally.failed,
        ...(searched.length > 0 ? { searchRounds: searched } : {}),
      },
    },
    o.out,
  );
  say("calibrate: fitting the compiled-code Judge on the training kernels' compiled loops");
  const asm = fitOnTraining(measured, trained.summary, target);
  writeAsmJudge(o.out, asm);
  return {
    ...trained,
    compiledJudge: { path: join(o.out, ASM_JUDGE_FILE), variants: asm.variants, kernels: asm.kernels },
    kernels,
    variants: tally.variants,
    measured: measured.length,
    searched,
    fromCache: tally.fromCache,
    failed: tally.failed,
    collectMs,
    totalMs: performance.now() - t0,
    saved,
    summaryPath,
  };
}
