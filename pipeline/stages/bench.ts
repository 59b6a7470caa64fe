/**
 * Stage `bench`: compiled records -> measured records, adding
 * `{ns_per_elem, ratio, ref_ns_per_elem, cv, reps, n, machine, max_ulp,
 * mean_ulp}` (or an `error` field when the kernel crashes, runs past the
 * time limit, or the record is not compiled). Each measurement is appended
 * to data/benchmark_cache.jsonl as soon as its batch is done, and records
 * already there for the same expression, ranges, compiler flags and machine
 * are not measured again, so an interrupted run resumes where it stopped.
 *
 * @example
 * deno task parse data/kernels/*.fpcore | deno task compile | deno task bench
 */
import { z } from "zod";
import * as cli from "./cli.ts";
import { describeTarget, ISAS } from "../target/target.ts";
import { batchStage } from "../records/batching.ts";
import { type BenchOptions, benchRecords, DEFAULT_N, type Measured } from "../kernel/measure.ts";
import { JsonObject } from "../records/schema.ts";
import { BENCH_CACHE } from "../base/paths.ts";

/** The bench stage as a stream of records, `batch` records per harness run. */
export function benchStage(options: BenchOptions & { batch?: number } = {}): TransformStream<JsonObject, Measured> {
  return batchStage(options.batch ?? 100, (b) => benchRecords(b, options));
}

interface BenchOpts {
  batch: number;
  n: number;
  rounds: number;
  "min-ms": number;
  core?: number;
  "timeout-ms": number;
  cache: string;
  "no-cache": boolean;
  fresh: boolean;
  "on-error": "stop" | "skip";
  target?: string;
}

const BenchCmd: cli.Command<BenchOpts> = {
  name: "bench",
  usage: `usage: bench [options] < compiled.jsonl

Times each compiled kernel (JSONL on stdin) with the C harness and writes
the record with its measurement to stdout; progress goes to stderr.
  --batch N        records per harness run (default 100)
  --n N            elements per call (default ${DEFAULT_N})
  --rounds R       rounds over each batch; the fastest counts (default 5)
  --min-ms X       timed milliseconds per kernel and round (default 8)
  --core C         CPU to pin to (default: the last one)
  --timeout-ms X   a kernel still running after this fails (default 10000)
  --cache PATH     benchmark cache (default data/benchmark_cache.jsonl)
  --no-cache       neither read nor write the cache
  --fresh          measure again what the cache already has (and append)
  --target T       ${ISAS.join("|")}: time only kernels built for T (default: every kernel this
                   CPU runs natively; each record's kernel.isa says what it was built for)`,
  options: {
    batch: { type: "string", default: "100" },
    n: { type: "string", default: String(DEFAULT_N) },
    rounds: { type: "string", default: "5" },
    "min-ms": { type: "string", default: "8" },
    core: { type: "string" },
    "timeout-ms": { type: "string", default: "10000" },
    cache: { type: "string", default: BENCH_CACHE },
    "no-cache": { type: "boolean", default: false },
    fresh: { type: "boolean", default: false },
    "on-error": { type: "string", default: "stop" },
    ...cli.TARGET_OPTION,
  },
  schema: z.object({
    batch: cli.intOption(1, 100000),
    n: cli.intOption(1, 1 << 24),
    rounds: cli.intOption(1, 64),
    "min-ms": cli.numberOption(0, 60000),
    core: cli.intOption(-1, 4096).optional(),
    "timeout-ms": cli.numberOption(1, 3600000),
    cache: z.string().min(1),
    "no-cache": z.boolean(),
    fresh: z.boolean(),
    "on-error": cli.onErrorOption,
    target: cli.targetOption,
  }),
};

export async function benchMain(argv: readonly string[]): Promise<number> {
  const parsed = cli.parseCommand(BenchCmd, argv);
  if (parsed === null) return cli.EXIT_OK;
  const o = parsed.opts;
  const target = o.target === undefined ? undefined : cli.commandTarget("bench", o.target, true);
  const total = { records: 0, measured: 0, refused: 0, passed: 0 };
  if (target !== undefined) console.error(`bench: target ${describeTarget(target)}`);
  const stage = benchStage({
    isa: target?.isa,
    batch: o.batch,
    n: o.n,
    rounds: o.rounds,
    minMs: o["min-ms"],
    core: o.core,
    timeoutMs: o["timeout-ms"],
    benchCache: o["no-cache"] ? null : o.cache,
    fresh: o.fresh,
    progress: (m) => console.error(m),
    summary: (s) => {
      total.records += s.records;
      total.measured += s.measured;
      total.refused += s.refused;
      total.passed += s.passed;
    },
  });
  const code = await cli.runJsonlStage("bench", JsonObject, stage, o["on-error"]);
  // As compile: nothing measured, and not for want of records to measure.
  const failed = total.records - total.measured - total.refused - total.passed;
  if (code !== cli.EXIT_OK || total.measured > 0 || failed + total.refused === 0) return code;
  console.error(
    `bench: FAILED: none of ${total.records} record(s) measured (${total.refused} refused, ${failed} failed)`,
  );
  return failed > 0 ? cli.EXIT_INTERNAL : cli.EXIT_DATA;
}
