/**
 * Stage `compile`: expression records -> compiled records, each with
 * `kernel: {lib, symbol, compiler, flags, compile_ms, isa, codegen}`, or an
 * `error: {stage, message}` when the record is bad (unknown op or variable,
 * empty or inverted range, a `d` left in) or its kernel does not compile.
 * Records are compiled in batches (one compiler call per chunk, two at a
 * time); unknown fields pass through.
 *
 * @example
 * deno task generate --count 100 | deno task compile | deno task bench
 */
import { z } from "zod";
import { type Command, EXIT_OK, intOption, onErrorOption, parseCommand, runJsonlStage } from "./cli.ts";
import { batchStage } from "./batching.ts";
import { compileRecords, type CompileRecordsOptions, type Rec } from "../kernel/measure.ts";

/** Any JSON object: what is wrong with a record becomes its error field, not a lost line. */
export const AnyRecord = z.looseObject({});

/** The compile stage as a stream of records, `batch` records per compiler run. */
export function compileStage(options: CompileRecordsOptions & { batch?: number } = {}): TransformStream<Rec, Rec> {
  return batchStage(options.batch ?? 200, (b) => compileRecords(b, options));
}

interface CompileOpts {
  isa: "avx512" | "avx2";
  batch: number;
  jobs: number;
  "on-error": "stop" | "skip";
}

const CompileCmd: Command<CompileOpts> = {
  name: "compile",
  usage: `usage: compile [--isa avx512|avx2] [--batch N] [--jobs J] [--on-error=stop|skip] < records.jsonl

Compiles each expression record (JSONL on stdin) into a SIMD kernel and
writes the record with a \`kernel\` field to stdout. Kernels are cached in
build/kcache/ by a hash of their source and flags.
  --isa       avx512 (16 lanes, default) or avx2 (8 lanes, -mno-avx512f)
  --batch N   records per batch (default 200)
  --jobs J    compiler processes at once (default 2)
Bad records come out with an \`error\` field; lines that are not JSON
objects stop the stage (or are skipped with --on-error=skip).`,
  options: {
    isa: { type: "string", default: "avx512" },
    batch: { type: "string", default: "200" },
    jobs: { type: "string", default: "2" },
    "on-error": { type: "string", default: "stop" },
  },
  schema: z.object({
    isa: z.enum(["avx512", "avx2"]),
    batch: intOption(1, 100000),
    jobs: intOption(1, 64),
    "on-error": onErrorOption,
  }),
};

export async function compileMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(CompileCmd, argv);
  if (parsed === null) return EXIT_OK;
  const o = parsed.opts;
  const stage = compileStage({
    isa: o.isa,
    batch: o.batch,
    jobs: o.jobs,
    progress: (m) => console.error(m),
  });
  return await runJsonlStage("compile", AnyRecord, stage, o["on-error"]);
}
