/**
 * The commands of the first stages (`generate`, `parse`) as CLI entry
 * points; `mod.ts` and `tasks/` both dispatch here.
 */
import { z } from "zod";
import { type Command, EXIT_DATA, EXIT_OK, intOption, onErrorOption, parseCommand } from "./cli.ts";
import { generateRecords } from "./generate.ts";
import { formatBenchmarkError, fpcoreRecords } from "../records/fpcore_records.ts";
import { mapRecords, toJsonl } from "../records/jsonl.ts";
import { runJsonlStage } from "./cli.ts";
import { ExpressionRecord } from "../records/schema.ts";
import { unfuseRecord } from "../search/unfuse.ts";
import { ALL_RULES } from "../rules/all.ts";
import { Rng } from "../expr/random.ts";

const GenerateCmd: Command<{ count: number; seed: number; fused: boolean; size: number; vars: number }> = {
  name: "generate",
  usage: `usage: generate [--count N] [--seed S] [--fused] [--size OPS] [--vars K]

Writes N random expression records (JSONL) to stdout, reproducible from S.
  --count N   number of expressions (default 10)
  --seed S    random seed (default 1)
  --fused     include fused ops (fma fms fnma rsqrt mulrsqrt recip)
  --size OPS  target number of ops per expression (default 8)
  --vars K    number of variables, 1..8 (default 3)`,
  options: {
    count: { type: "string", default: "10" },
    seed: { type: "string", default: "1" },
    fused: { type: "boolean", default: false },
    size: { type: "string", default: "8" },
    vars: { type: "string", default: "3" },
  },
  schema: z.object({
    count: intOption(0),
    seed: intOption(0, 2 ** 32 - 1),
    fused: z.boolean(),
    size: intOption(1, 10000),
    vars: intOption(1, 8),
  }),
};

export async function generateMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(GenerateCmd, argv);
  if (parsed === null) return EXIT_OK;
  const o = parsed.opts;
  await ReadableStream.from(
    generateRecords({ count: o.count, seed: o.seed, fused: o.fused, size: o.size, varCount: o.vars }),
  )
    .pipeThrough(toJsonl())
    .pipeTo(Deno.stdout.writable);
  return EXIT_OK;
}

const ParseCmd: Command<{ "on-error": "stop" | "skip"; tag?: string }> = {
  name: "parse",
  usage: `usage: parse [--on-error=stop|skip] [--tag T] FILE.fpcore...

Writes one expression record (JSONL) per FPCore benchmark to stdout.
Benchmarks that do not parse are reported on stderr with file, line and
column; the others still become records. Exit code 1 if any benchmark failed
(unless --on-error=skip) or a file has none, and if no benchmark parsed at all.
  --tag T     add tag T to every record (the file stem is always a tag)`,
  options: {
    "on-error": { type: "string", default: "stop" },
    tag: { type: "string" },
  },
  schema: z.object({ "on-error": onErrorOption, tag: z.string().optional() }),
  positionals: true,
};

export async function parseMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(ParseCmd, argv);
  if (parsed === null) return EXIT_OK;
  const { opts, positionals } = parsed;
  if (positionals.length === 0) {
    console.error(`parse: no input file\n\n${ParseCmd.usage}`);
    return 2;
  }
  let failed = 0, written = 0;
  const enc = new TextEncoder();
  const w = Deno.stdout.writable.getWriter();
  for (const path of positionals) {
    let src: string;
    try {
      src = await Deno.readTextFile(path);
    } catch (e) {
      console.error(`parse: cannot read ${path}: ${(e as Error).message}`);
      failed++;
      continue;
    }
    const result = fpcoreRecords(src, path, opts.tag !== undefined ? [opts.tag] : []);
    if (result.records.length === 0 && result.errors.length === 0) {
      // As optimize says of the same file.
      console.error(`parse: ${path}: no (FPCore ...) forms`);
      failed++;
      continue;
    }
    for (const r of result.records) await w.write(enc.encode(JSON.stringify(r) + "\n"));
    written += result.records.length;
    for (const e of result.errors) console.error(`parse: ${formatBenchmarkError(path, e)}`);
    failed += result.errors.length;
    console.error(`parse: ${path}: ${result.records.length} parsed, ${result.errors.length} failed`);
  }
  await w.close();
  if (written === 0) {
    console.error("parse: error: no benchmark parsed");
    return EXIT_DATA;
  }
  return failed > 0 && opts["on-error"] === "stop" ? EXIT_DATA : EXIT_OK;
}

const UnfuseCmd: Command<{ steps: [number, number]; seed: number; "on-error": "stop" | "skip" }> = {
  name: "unfuse",
  usage: `usage: unfuse [--steps A-B] [--seed S] [--on-error=stop|skip]  < exprs.jsonl

Backward generation: reads expression records (already optimized, e.g. from
\`generate --fused\`), applies between A and B random unfusing rewrites
(default 1-10; a sound rule each, preconditions proved over the record's
ranges) and writes {..., expr: unfused, optimized: original, steps: [rule names]}.`,
  options: {
    steps: { type: "string", default: "1-10" },
    seed: { type: "string", default: "1" },
    "on-error": { type: "string", default: "stop" },
  },
  schema: z.object({
    steps: z.string().regex(/^\d+(-\d+)?$/, "must be N or A-B").transform((s) => {
      const [a, b] = s.split("-").map(Number);
      return [a, b ?? a] as [number, number];
    }).refine(([a, b]) => a <= b && b <= 1000, "must be A-B with A <= B <= 1000"),
    seed: intOption(0, 2 ** 32 - 1),
    "on-error": onErrorOption,
  }),
};

export async function unfuseMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(UnfuseCmd, argv);
  if (parsed === null) return EXIT_OK;
  const { steps: [lo, hi], seed } = parsed.opts;
  const rng = new Rng(seed);
  return await runJsonlStage(
    "unfuse",
    ExpressionRecord,
    mapRecords((rec: ExpressionRecord) => unfuseRecord(rec, lo + rng.int(hi - lo + 1), seed, ALL_RULES)),
    parsed.opts["on-error"],
  );
}
