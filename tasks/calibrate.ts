/**
 * `deno task calibrate`: Loop A (pipeline/stages/calibrate.ts). Corpus and
 * random kernels -> variants -> compile -> bench -> train the Judge ->
 * weights in data/ (or --out DIR). Progress on stderr; re-running resumes
 * from the benchmark cache.
 */
import { z } from "zod";
import * as cli from "../pipeline/stages/cli.ts";
import { calibrate, DEFAULT_CALIBRATE, measuredPath, QUICK, SHIPPED_MEASURED } from "../pipeline/stages/calibrate.ts";
import { gzipFile } from "../pipeline/records/gzip.ts";
import { hostProfile, PROFILE_FILE, profileDir, writeProfile } from "../pipeline/nnue/profiles.ts";
import { describeTarget } from "../pipeline/target/target.ts";
import { join } from "node:path";
import { DEFAULT_JUDGE_CONFIG } from "../pipeline/nnue/train_judge.ts";

import { formatSummary } from "../pipeline/stages/train_judge.ts";
import { BENCH_CACHE } from "../pipeline/base/paths.ts";

interface Opts {
  kernels?: number;
  variants?: number;
  random?: number;
  "time-budget"?: number;
  seed: number;
  epochs?: number;
  depth: number;
  out?: string;
  measured?: string;
  cache: string;
  "no-cache": boolean;
  batch: number;
  rounds?: number;
  "min-ms"?: number;
  "search-rounds"?: number;
  "search-kernels"?: number;
  "search-budget"?: number;
  time: "ns" | "ratio";
  quick: boolean;
  target?: string;
}

const COMMAND: cli.Command<Opts> = {
  name: "calibrate",
  usage: `usage: deno task calibrate [options]

Loop A: corpus kernels (data/kernels/*.fpcore) and random kernels (generate,
and generate --fused | unfuse pairs) -> variants -> compile -> bench -> train
the Judge -> weights. Variants are split into training and validation by
kernel. Re-running skips what the benchmark cache already holds.
  --quick           a run of at most 10 minutes on 2 cores: ${QUICK.variants} variants per kernel,
                    ${QUICK.random} random kernels, ${QUICK.epochs} epochs, ${QUICK.timeBudgetMin} minutes (options given
                    explicitly still win)
${cli.TARGET_USAGE}
  --kernels N       corpus kernels to use (default: all)
  --variants N      variants per kernel (default ${DEFAULT_CALIBRATE.variants})
  --random N        random kernels (default ${DEFAULT_CALIBRATE.random})
  --time-budget M   minutes for the whole run (default ${DEFAULT_CALIBRATE.timeBudgetMin})
  --seed S          seed of kernels, variants and training (default ${DEFAULT_CALIBRATE.seed})
  --epochs E        training epochs (default ${DEFAULT_CALIBRATE.epochs})
  --depth D         feature depth (default ${DEFAULT_JUDGE_CONFIG.depth})
  --time ns|ratio   measured time the Judge learns (default ${DEFAULT_JUDGE_CONFIG.time})
  --out DIR         weights directory (default: this machine's profile, data/profiles/<profile>/,
                    which optimize and compare then pick up by themselves)
  --measured PATH   measured records, JSONL (default build/calibration/<profile>/measured.jsonl)
  --cache PATH      benchmark cache (default ${BENCH_CACHE}); --no-cache for none
  --batch N         variants per compile+bench batch (default ${DEFAULT_CALIBRATE.batch})
  --rounds R        harness rounds (default ${DEFAULT_CALIBRATE.rounds})
  --min-ms X        timed ms per kernel and round (default ${DEFAULT_CALIBRATE.minMs})
active learning (after the first training; not counted in --time-budget):
  --search-rounds R rounds that optimize kernels with the network just trained, measure each
                    search's shortlist (the forms the Judges must tell apart in use) and train
                    again on everything (default ${DEFAULT_CALIBRATE.searchRounds}, --quick ${QUICK.searchRounds})
  --search-kernels N kernels searched per round, spread over those collected (default
                    ${DEFAULT_CALIBRATE.searchKernels}, --quick ${QUICK.searchKernels})
  --search-budget B rewrites per kernel's search (default ${DEFAULT_CALIBRATE.searchBudget}, --quick ${QUICK.searchBudget})`,
  options: {
    kernels: { type: "string" },
    variants: { type: "string" },
    random: { type: "string" },
    "time-budget": { type: "string" },
    seed: { type: "string", default: String(DEFAULT_CALIBRATE.seed) },
    epochs: { type: "string" },
    depth: { type: "string", default: String(DEFAULT_JUDGE_CONFIG.depth) },
    time: { type: "string", default: DEFAULT_JUDGE_CONFIG.time },
    out: { type: "string" },
    measured: { type: "string" },
    quick: { type: "boolean", default: false },
    ...cli.TARGET_OPTION,
    cache: { type: "string", default: BENCH_CACHE },
    "no-cache": { type: "boolean", default: false },
    batch: { type: "string", default: String(DEFAULT_CALIBRATE.batch) },
    rounds: { type: "string" },
    "min-ms": { type: "string" },
    "search-rounds": { type: "string" },
    "search-kernels": { type: "string" },
    "search-budget": { type: "string" },
  },
  schema: z.object({
    kernels: cli.intOption(0).optional(),
    variants: cli.intOption(1, 10000).optional(),
    random: cli.intOption(0, 1_000_000).optional(),
    "time-budget": cli.numberOption(0.01, 100000).optional(),
    seed: cli.intOption(0, 2 ** 31 - 1),
    epochs: cli.intOption(0, 100000).optional(),
    depth: cli.intOption(1, 5),
    time: z.enum(["ns", "ratio"]),
    out: z.string().min(1).optional(),
    measured: z.string().min(1).optional(),
    quick: z.boolean(),
    target: cli.targetOption,
    cache: z.string().min(1),
    "no-cache": z.boolean(),
    batch: cli.intOption(1, 100000),
    "search-rounds": cli.intOption(0, 100).optional(),
    "search-kernels": cli.intOption(1, 100000).optional(),
    "search-budget": cli.intOption(1, 10_000_000).optional(),
    rounds: cli.intOption(1, 64).optional(),
    "min-ms": cli.numberOption(0, 60000).optional(),
  }),
};

if (import.meta.main) {
  await cli.runMain(async () => {
    const parsed = cli.parseCommand(COMMAND, Deno.args);
    if (parsed === null) return 0;
    const o = parsed.opts;
    const target = cli.commandTarget("calibrate", o.target, true);
    const profile = hostProfile(target);
    const base = o.quick ? QUICK : DEFAULT_CALIBRATE;
    const out = o.out ?? profileDir(profile);
    console.error(`calibrate: target ${describeTarget(target)}; profile ${profile.name}; weights to ${out}`);
    const measuredOut = o.measured ?? measuredPath(profile);
    const t0 = performance.now();
    const r = await calibrate(target, {
      kernels: o.kernels ?? null,
      variants: o.variants ?? base.variants,
      random: o.random ?? base.random,
      timeBudgetMin: o["time-budget"] ?? base.timeBudgetMin,
      seed: o.seed,
      epochs: o.epochs ?? base.epochs,
      out,
      measuredOut,
      benchCache: o["no-cache"] ? null : o.cache,
      batch: o.batch,
      rounds: o.rounds ?? base.rounds,
      minMs: o["min-ms"] ?? base.minMs,
      judge: { depth: o.depth, time: o.time },
      searchRounds: o["search-rounds"] ?? base.searchRounds,
      searchKernels: o["search-kernels"] ?? base.searchKernels,
      searchBudget: o["search-budget"] ?? base.searchBudget,
      progress: (m) => console.error(m),
    });
    try {
      console.error(formatSummary(r.summary));
      for (const [k, p] of Object.entries(r.saved.paths)) {
        console.error(`wrote ${p} (${r.saved.bytes[k as keyof typeof r.saved.bytes]} bytes)`);
      }
      console.error(`wrote ${r.summaryPath}`);
      console.error(
        `wrote ${r.compiledJudge.path} (the compiled-code Judge, ${r.compiledJudge.variants} variants of ` +
          `${r.compiledJudge.kernels} training kernels)`,
      );
      if (r.measured > 0) {
        // The profile keeps what its Judge was trained on: eval:judge reads it from a clone.
        const shipped = join(out, SHIPPED_MEASURED);
        console.error(`wrote ${shipped} (${await gzipFile(measuredOut, shipped)} bytes)`);
      }
      if (o.out === undefined) {
        writeProfile(
          out,
          profile,
          `calibrate${o.quick ? " --quick" : ""} on ${
            new Date().toISOString()
          }: ${r.measured} measured variants of ${r.kernels} kernels in ${
            ((performance.now() - t0) / 60000).toFixed(1)
          } min`,
        );
        console.error(`wrote ${join(out, PROFILE_FILE)}`);
      }
      console.error(
        `calibrate: ${r.kernels} kernels, ${r.variants} variants, ${r.measured} measured ` +
          `(${r.fromCache} from cache) in ${(r.totalMs / 60000).toFixed(1)} min ` +
          `(collecting ${(r.collectMs / 60000).toFixed(1)} min)` +
          (r.searched.length > 0 ? `; search rounds measured ${r.searched.join(", ")} shortlist forms` : ""),
      );
    } finally {
      r.network.free();
    }
    return 0;
  });
}
