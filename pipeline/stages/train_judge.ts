/**
 * Stage `train-judge`: measured variant records (JSONL on stdin, as
 * `variants | compile | bench` writes them) -> a trained Judge: the three
 * weights files and the calibration summary in --out (default data/), and
 * the summary as one JSON line on stdout. Records that carry an `error`
 * (a kernel that did not compile or crashed) are counted and left out; any
 * other bad line stops the stage with its line number and field (or is
 * skipped with --on-error=skip).
 *
 * @example
 * deno task parse data/kernels/*.fpcore | deno task variants | deno task compile | deno task bench | deno task train-judge --out /tmp/w
 */
import { z } from "zod";
import {
  CliError,
  type Command,
  EXIT_DATA,
  EXIT_OK,
  intOption,
  numberOption,
  onErrorOption,
  parseCommand,
} from "./cli.ts";
import { isBlank, JsonlError, type Line, type OnError, parseLine, readLines } from "../records/jsonl.ts";
import { ErrorRecord, MeasuredVariantRecord } from "../records/schema.ts";
import {
  type CalibrationSummary,
  DEFAULT_JUDGE_CONFIG,
  type JudgeConfig,
  trainJudge,
  writeSummary,
} from "../nnue/train_judge.ts";
import { DEFAULT_WEIGHTS_DIR, saveNetwork } from "../nnue/weights_file.ts";
import { costTableFor } from "../target/cost_tables.ts";
import type { Isa } from "../target/target.ts";

export interface ReadMeasured {
  readonly records: MeasuredVariantRecord[];
  /** Records with an error field, left out. */
  readonly errors: number;
  /** Bad lines skipped (--on-error=skip). */
  readonly skipped: JsonlError[];
}

/** One line: null for a blank line or an error record, else a validated record (or a JsonlError). */
function measuredLine(l: Line): MeasuredVariantRecord | "error" | null {
  if (isBlank(l)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(l.text);
  } catch {
    return parseLine(MeasuredVariantRecord, l); // throws the line-numbered JSON error
  }
  if (ErrorRecord.safeParse(raw).success) return "error";
  return parseLine(MeasuredVariantRecord, l);
}

/** Reads measured variant records; a bad line throws a JsonlError naming it (or is skipped). */
export async function readMeasured(
  input: ReadableStream<Uint8Array>,
  onError: OnError = "stop",
): Promise<ReadMeasured> {
  const records: MeasuredVariantRecord[] = [];
  const skipped: JsonlError[] = [];
  let errors = 0;
  for await (const l of readLines(input)) {
    try {
      const r = measuredLine(l);
      if (r === "error") errors++;
      else if (r !== null) records.push(r);
    } catch (e) {
      if (!(e instanceof JsonlError) || onError === "stop") throw e;
      skipped.push(e);
    }
  }
  return { records, errors, skipped };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "n/a");

/** The summary as a few lines for stderr. */
export function formatSummary(s: CalibrationSummary): string {
  const lines = [
    `train-judge: ${s.records} records, ${s.trainKernels.length} training kernels (${s.trainRecords} variants), ` +
    `${s.validationKernels.length} validation kernels (${s.validationRecords} variants), ${s.epochs.length} epochs ` +
    `in ${(s.trainMs / 1000).toFixed(1)} s`,
  ];
  if (s.judge !== null && s.static !== null) {
    lines.push(
      `validation (unseen kernels):  tau within kernels  tau all  MAPE`,
      `  Judge                       ${f3(s.judge.tauWithin).padStart(18)}  ${f3(s.judge.tauAll).padStart(7)}  ${
        pct(s.judge.mape)
      }`,
      `  static table (scaled)       ${f3(s.static.tauWithin).padStart(18)}  ${f3(s.static.tauAll).padStart(7)}  ${
        pct(s.static.mape)
      }`,
    );
  }
  return lines.join("\n");
}

interface TrainJudgeOpts {
  out: string;
  epochs: number;
  depth: number;
  seed: number;
  validation: number;
  "split-seed": number;
  time: "ns" | "ratio";
  "lr-embedding": number;
  "lr-head": number;
  "rank-weight": number;
  "on-error": "stop" | "skip";
}

const D = DEFAULT_JUDGE_CONFIG;

const TrainJudgeCmd: Command<TrainJudgeOpts> = {
  name: "train-judge",
  usage: `usage: train-judge [options] < measured.jsonl

Trains the Judge on measured variant records (variants | compile | bench),
split into training and validation by kernel (the \`of\` field), and writes
the weights files and ${"nnue_judge_calibration.json"} into --out; the summary
also goes to stdout as one JSON line.
  --out DIR             weights directory (default ${DEFAULT_WEIGHTS_DIR})
  --epochs E            (default ${D.epochs})
  --depth D             feature depth (default ${D.depth})
  --seed S              training seed (default ${D.seed})
  --validation F        fraction of kernels held out (default ${D.validationFraction})
  --split-seed S        seed of the kernel split (default ${D.splitSeed})
  --time ns|ratio       measured time to learn (default ${D.time})
  --lr-embedding X      (default ${D.lrEmbedding})
  --lr-head X           (default ${D.lrHead})
  --rank-weight X       weight of the ranking term (default ${D.rankWeight})
  --on-error=stop|skip  bad lines stop the stage (default) or are skipped`,
  options: {
    out: { type: "string", default: DEFAULT_WEIGHTS_DIR },
    epochs: { type: "string", default: String(D.epochs) },
    depth: { type: "string", default: String(D.depth) },
    seed: { type: "string", default: String(D.seed) },
    validation: { type: "string", default: String(D.validationFraction) },
    "split-seed": { type: "string", default: String(D.splitSeed) },
    time: { type: "string", default: D.time },
    "lr-embedding": { type: "string", default: String(D.lrEmbedding) },
    "lr-head": { type: "string", default: String(D.lrHead) },
    "rank-weight": { type: "string", default: String(D.rankWeight) },
    "on-error": { type: "string", default: "stop" },
  },
  schema: z.object({
    out: z.string().min(1),
    epochs: intOption(0, 100000),
    depth: intOption(1, 5),
    seed: intOption(0, 2 ** 31 - 1),
    validation: numberOption(0, 1),
    "split-seed": intOption(0, 2 ** 31 - 1),
    time: z.enum(["ns", "ratio"]),
    "lr-embedding": numberOption(0, 10),
    "lr-head": numberOption(0, 10),
    "rank-weight": numberOption(0, 1000),
    "on-error": onErrorOption,
  }),
};

export async function trainJudgeMain(
  argv: readonly string[],
  input: ReadableStream<Uint8Array> = Deno.stdin.readable,
): Promise<number> {
  const parsed = parseCommand(TrainJudgeCmd, argv);
  if (parsed === null) return EXIT_OK;
  const o = parsed.opts;
  let read: ReadMeasured;
  try {
    read = await readMeasured(input, o["on-error"]);
  } catch (e) {
    if (!(e instanceof JsonlError)) throw e;
    console.error(`train-judge: error: ${e.message}`);
    return EXIT_DATA;
  }
  for (const e of read.skipped) console.error(`train-judge: skipped ${e.message}`);
  if (read.errors > 0) console.error(`train-judge: ${read.errors} record(s) with an error field left out`);
  if (read.records.length === 0) {
    console.error("train-judge: error: no measured records on stdin");
    return EXIT_DATA;
  }
  const config: Partial<JudgeConfig> = {
    epochs: o.epochs,
    depth: o.depth,
    seed: o.seed,
    validationFraction: o.validation,
    splitSeed: o["split-seed"],
    time: o.time,
    lrEmbedding: o["lr-embedding"],
    lrHead: o["lr-head"],
    rankWeight: o["rank-weight"],
  };
  // The untrained Judge starts from the table of the ISA the records were built for.
  const isas = [...new Set(read.records.map((r) => (r as { kernel?: { isa?: Isa } }).kernel?.isa ?? "avx512"))];
  if (isas.length > 1) {
    throw new CliError(
      `train-judge: the records were built for several ISAs (${isas.join(", ")}): one at a time`,
      EXIT_DATA,
    );
  }
  const costs = costTableFor(isas[0] ?? "avx512", "kopt");
  const { network, summary } = trainJudge(read.records, config, (r) => {
    if (r.epoch % 10 === 0 || r.epoch === o.epochs) {
      console.error(
        `train-judge: epoch ${r.epoch}/${o.epochs} fit ${r.trainFit.toFixed(4)} validation ${
          r.validationFit.toFixed(4)
        }`,
      );
    }
  }, costs);
  try {
    const saved = saveNetwork(network, o.out);
    writeSummary(summary, o.out);
    console.error(formatSummary(summary));
    console.error(`train-judge: weights in ${o.out} (${Object.values(saved.bytes).reduce((a, b) => a + b, 0)} bytes)`);
  } finally {
    network.free();
  }
  console.log(JSON.stringify(summary));
  return EXIT_OK;
}
