/**
 * Stage `compile`: expression records -> compiled records, each with
 * `kernel: {lib, symbol, compiler, flags, compile_ms, isa, codegen}`, or an
 * `error: {stage, message}` when the record is bad (unknown op or variable,
 * empty or inverted range, a `d` left in) or its kernel does not compile.
 * Records are compiled in batches (one compiler call per chunk, two at a
 * time); unknown fields pass through. When records were given and not one
 * came out with a kernel, the stage says so on stderr and exits 3 (a kernel
 * that could not be compiled), or 1 when every record was refused as bad.
 *
 * @example
 * deno task generate --count 100 | deno task compile | deno task bench
 */
import { z } from "zod";
import * as cli from "./cli.ts";
import { describeTarget } from "../target/target.ts";
import { batchStage } from "../records/batching.ts";
import { type Compiled, compileRecords, type CompileRecordsOptions, type CompileSummary } from "../kernel/measure.ts";
// Any JSON object: what is wrong with a record becomes its error field, not a lost line.
import { JsonObject } from "../records/schema.ts";
import { errorLine } from "../compare/measured.ts";

/** The compile stage as a stream of records, `batch` records per compiler run. */
export function compileStage(
  options: CompileRecordsOptions & { batch?: number },
): TransformStream<JsonObject, Compiled> {
  return batchStage(options.batch ?? 200, (b) => compileRecords(b, options));
}

interface CompileOpts {
  target?: string;
  batch: number;
  jobs: number;
  "on-error": "stop" | "skip";
}

const CompileCmd: cli.Command<CompileOpts> = {
  name: "compile",
  usage: `usage: compile [--target T] [--batch N] [--jobs J] [--on-error=stop|skip] < records.jsonl

Compiles each expression record (JSONL on stdin) into a SIMD kernel and
writes the record with a \`kernel\` field to stdout. Kernels are cached in
build/kcache/ by a hash of their source and flags.
${cli.TARGET_USAGE}
  --batch N   records per batch (default 200)
  --jobs J    compiler processes at once (default 2)
Bad records come out with an \`error\` field; lines that are not JSON
objects stop the stage (or are skipped with --on-error=skip).

exit codes: 0 success (some records may carry errors), 1 a malformed line, or
every record refused as bad, 2 bad usage, 3 records were given and not one
compiled (the compiler failed; the summary on stderr gives its first error).`,
  options: {
    ...cli.TARGET_OPTION,
    batch: { type: "string", default: "200" },
    jobs: { type: "string", default: "2" },
    "on-error": { type: "string", default: "stop" },
  },
  schema: z.object({
    target: cli.targetOption,
    batch: cli.intOption(1, 100000),
    jobs: cli.intOption(1, 64),
    "on-error": cli.onErrorOption,
  }),
};

export async function compileMain(argv: readonly string[]): Promise<number> {
  const parsed = cli.parseCommand(CompileCmd, argv);
  if (parsed === null) return cli.EXIT_OK;
  const o = parsed.opts;
  const target = cli.commandTarget("compile", o.target, false);
  console.error(`compile: target ${describeTarget(target)}`);
  const total = {
    records: 0,
    compiled: 0,
    refused: 0,
    failed: 0,
    passed: 0,
    firstError: undefined as string | undefined,
  };
  const stage = compileStage({
    target,
    batch: o.batch,
    jobs: o.jobs,
    progress: (m) => console.error(m),
    summary: (s: CompileSummary) => {
      total.records += s.records;
      total.compiled += s.compiled;
      total.refused += s.refused;
      total.failed += s.failed;
      total.passed += s.passed;
      total.firstError ??= s.firstError;
    },
  });
  const code = await cli.runJsonlStage("compile", JsonObject, stage, o["on-error"]);
  if (total.records === 0) return code;
  const parts = [
    `${total.compiled} of ${total.records} record(s) compiled`,
    ...(total.failed > 0 ? [`${total.failed} failed to compile (first: ${errorLine(total.firstError ?? "")})`] : []),
    ...(total.refused > 0 ? [`${total.refused} refused as bad records`] : []),
    ...(total.passed > 0 ? [`${total.passed} error record(s) of an earlier stage passed on`] : []),
  ];
  // Nothing compiled, and not for want of records to compile: the stage failed.
  const none = total.compiled === 0 && total.failed + total.refused > 0;
  const exit = !none ? code : total.failed > 0 ? cli.EXIT_INTERNAL : cli.EXIT_DATA;
  console.error(`compile: ${none ? "FAILED: " : ""}${parts.join("; ")}${none ? ` (exit ${exit})` : ""}`);
  return exit;
}
