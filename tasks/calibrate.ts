/**
 * `deno task calibrate`: Loop A (pipeline/nnue/calibrate.ts). Corpus and
 * random kernels -> variants -> compile -> bench -> train the Judge ->
 * weights in data/ (or --out DIR). Progress on stderr; re-running resumes
 * from the benchmark cache.
 */
import { z } from "zod";
import { type Command, intOption, numberOption, parseCommand, runMain } from "../pipeline/stages/cli.ts";
import { calibrate, DEFAULT_CALIBRATE, MEASURED_PATH } from "../pipeline/nnue/calibrate.ts";
import { DEFAULT_JUDGE_CONFIG } from "../pipeline/nnue/train_judge.ts";
import { DEFAULT_WEIGHTS_DIR } from "../pipeline/nnue/weights_file.ts";
import { BENCH_CACHE } from "../pipeline/kernel/bench_cache.ts";
import { formatSummary } from "../pipeline/stages/train_judge.ts";

interface Opts {
  kernels?: number;
  variants: number;
  random: number;
  "time-budget": number;
  seed: number;
  epochs: number;
  depth: number;
  out: string;
  measured: string;
  cache: string;
  "no-cache": boolean;
  batch: number;
  rounds: number;
  "min-ms": number;
  time: "ns" | "ratio";
}

const COMMAND: Command<Opts> = {
  name: "calibrate",
  usage: `usage: deno task calibrate [options]

Loop A: corpus kernels (data/kernels/*.fpcore) and random kernels (generate,
and generate --fused | unfuse pairs) -> variants -> compile -> bench -> train
the Judge -> weights. Variants are split into training and validation by
kernel. Re-running skips what the benchmark cache already holds.
  --kernels N       corpus kernels to use (default: all)
  --variants N      variants per kernel (default ${DEFAULT_CALIBRATE.variants})
  --random N        random kernels (default ${DEFAULT_CALIBRATE.random})
  --time-budget M   minutes for the whole run (default ${DEFAULT_CALIBRATE.timeBudgetMin})
  --seed S          seed of kernels, variants and training (default ${DEFAULT_CALIBRATE.seed})
  --epochs E        training epochs (default ${DEFAULT_CALIBRATE.epochs})
  --depth D         feature depth (default ${DEFAULT_JUDGE_CONFIG.depth})
  --time ns|ratio   measured time the Judge learns (default ${DEFAULT_JUDGE_CONFIG.time})
  --out DIR         weights directory (default ${DEFAULT_WEIGHTS_DIR})
  --measured PATH   measured records, JSONL (default ${MEASURED_PATH})
  --cache PATH      benchmark cache (default ${BENCH_CACHE}); --no-cache for none
  --batch N         variants per compile+bench batch (default ${DEFAULT_CALIBRATE.batch})
  --rounds R        harness rounds (default ${DEFAULT_CALIBRATE.rounds})
  --min-ms X        timed ms per kernel and round (default ${DEFAULT_CALIBRATE.minMs})`,
  options: {
    kernels: { type: "string" },
    variants: { type: "string", default: String(DEFAULT_CALIBRATE.variants) },
    random: { type: "string", default: String(DEFAULT_CALIBRATE.random) },
    "time-budget": { type: "string", default: String(DEFAULT_CALIBRATE.timeBudgetMin) },
    seed: { type: "string", default: String(DEFAULT_CALIBRATE.seed) },
    epochs: { type: "string", default: String(DEFAULT_CALIBRATE.epochs) },
    depth: { type: "string", default: String(DEFAULT_JUDGE_CONFIG.depth) },
    time: { type: "string", default: DEFAULT_JUDGE_CONFIG.time },
    out: { type: "string", default: DEFAULT_WEIGHTS_DIR },
    measured: { type: "string", default: MEASURED_PATH },
    cache: { type: "string", default: BENCH_CACHE },
    "no-cache": { type: "boolean", default: false },
    batch: { type: "string", default: String(DEFAULT_CALIBRATE.batch) },
    rounds: { type: "string", default: String(DEFAULT_CALIBRATE.rounds) },
    "min-ms": { type: "string", default: String(DEFAULT_CALIBRATE.minMs) },
  },
  schema: z.object({
    kernels: intOption(0).optional(),
    variants: intOption(1, 10000),
    random: intOption(0, 1_000_000),
    "time-budget": numberOption(0.01, 100000),
    seed: intOption(0, 2 ** 31 - 1),
    epochs: intOption(0, 100000),
    depth: intOption(1, 5),
    time: z.enum(["ns", "ratio"]),
    out: z.string().min(1),
    measured: z.string().min(1),
    cache: z.string().min(1),
    "no-cache": z.boolean(),
    batch: intOption(1, 100000),
    rounds: intOption(1, 64),
    "min-ms": numberOption(0, 60000),
  }),
};

if (import.meta.main) {
  await runMain(async () => {
    const parsed = parseCommand(COMMAND, Deno.args);
    if (parsed === null) return 0;
    const o = parsed.opts;
    const r = await calibrate({
      kernels: o.kernels ?? null,
      variants: o.variants,
      random: o.random,
      timeBudgetMin: o["time-budget"],
      seed: o.seed,
      epochs: o.epochs,
      out: o.out,
      measuredOut: o.measured,
      benchCache: o["no-cache"] ? null : o.cache,
      batch: o.batch,
      rounds: o.rounds,
      minMs: o["min-ms"],
      judge: { depth: o.depth, time: o.time },
      progress: (m) => console.error(m),
    });
    try {
      console.error(formatSummary(r.summary));
      for (const [k, p] of Object.entries(r.saved.paths)) {
        console.error(`wrote ${p} (${r.saved.bytes[k as keyof typeof r.saved.bytes]} bytes)`);
      }
      console.error(`wrote ${r.summaryPath}`);
      console.error(
        `calibrate: ${r.kernels} kernels, ${r.variants} variants, ${r.measured} measured ` +
          `(${r.fromCache} from cache) in ${(r.totalMs / 60000).toFixed(1)} min ` +
          `(collecting ${(r.collectMs / 60000).toFixed(1)} min)`,
      );
    } finally {
      r.network.free();
    }
    return 0;
  });
}
