/**
 * `compare` (`deno task compare`): the comparison table behind the report,
 * as text (pipeline/compare/compare.ts, table.ts), and with `--json FILE`
 * the raw results that `report --from FILE` reads.
 */
import { z } from "zod";
import { KERNELS_DIR } from "../base/paths.ts";
import { DEFAULT_N } from "../kernel/measure.ts";
import type { Network } from "../nnue/network.ts";
import { ALL_RULES, rulesOf } from "../rules/all.ts";
import { runCompare } from "../compare/compare.ts";
import { DEFAULT_SWEEP_RULES, runSweep, spread } from "../compare/sweep.ts";
import { formatCompare } from "../compare/table.ts";
import type { CompareResult } from "../compare/results.ts";
import * as cli from "./cli.ts";
import { describeTarget, ISAS, type Target } from "../target/target.ts";
import { openFinalJudge, openNetwork, RulesOption } from "./optimize.ts";
import { DEFAULT_SEARCH } from "../search/jobs.ts";
import { jobOf } from "../records/job.ts";
import { type Corpus, CorpusError, loadCorpus } from "../records/corpus.ts";
import { BUILDERS, costTableFor } from "../target/cost_tables.ts";

/** Options shared by compare and report (report runs compare when not given --from). */
export const COMPARE_OPTIONS = {
  corpus: { type: "string", multiple: true },
  time: { type: "string", default: "2" },
  "max-ulp": { type: "string", default: String(DEFAULT_SEARCH.maxUlp) },
  rules: { type: "string", default: "all" },
  kernels: { type: "string", default: "0" },
  front: { type: "string", default: "3" },
  samples: { type: "string", default: String(DEFAULT_SEARCH.samples) },
  seed: { type: "string", default: String(DEFAULT_SEARCH.seed) },
  n: { type: "string", default: String(DEFAULT_N) },
  rounds: { type: "string", default: "5" },
  "sweep-kernels": { type: "string" },
  "sweep-rules": { type: "string", default: DEFAULT_SWEEP_RULES.map((c) => (c === 0 ? "all" : c)).join(",") },
  "sweep-time": { type: "string", default: "1" },
  weights: { type: "string" },
  ...cli.TARGET_OPTION,
  for: { type: "string" },
} as const;

export const CompareOpts = z.object({
  corpus: z.array(z.string()).default([KERNELS_DIR]),
  time: cli.numberOption(0.001, 3600),
  "max-ulp": cli.numberOption(0, 2 ** 32),
  rules: RulesOption,
  kernels: cli.intOption(0),
  front: cli.intOption(0, 20),
  samples: cli.intOption(1, 10_000_000),
  seed: cli.intOption(0, 2 ** 32 - 1),
  n: cli.intOption(16, 1 << 24),
  rounds: cli.intOption(1, 64),
  "sweep-kernels": cli.intOption(0, 10_000).optional(),
  "sweep-rules": z.string().regex(/^((\d+|all),)*(\d+|all)$/, "must be a list like 10,50,all"),
  "sweep-time": cli.numberOption(0.001, 3600),
  weights: z.string().optional(),
  target: cli.targetOption,
  for: z.enum(BUILDERS).optional(),
});
export type CompareOpts = z.infer<typeof CompareOpts>;

export const COMPARE_HELP = `corpus and search:
  --corpus PATH     FPCore file or folder (repeatable; default data/kernels/); benchmarks
                    with loops (or other constructs the reader refuses) are skipped and counted
  --kernels N       only N kernels spread over the corpus (default 0: all)
  --time S          search time per kernel and method, seconds (default 2)
  --rules D,D       rule domains (default all)
  --max-ulp U       accuracy guard allowance, floored ulps (default ${DEFAULT_SEARCH.maxUlp})
  --samples N       sampled inputs for the search's accuracy guard (default ${DEFAULT_SEARCH.samples})
  --seed S          search seed (default ${DEFAULT_SEARCH.seed})
  --front N         extra guided candidates timed per kernel, for the report's Pareto plot (default 3)
  --weights DIR     network weights (default: this machine's profile, else the static table)
  --target T        ${ISAS.join("|")}: what our kernels and the peers are built for (default:
                    KOPT_TARGET, else the widest this CPU runs)
  --for B           kopt (default): our SIMD code; gcc or clang: the optimized expression as plain C
                    under that compiler at -O3 -ffast-math, searched with that build's static table,
                    timed and judged against the original built the same way
timing:
  --n N             elements per timed call (default ${DEFAULT_N})
  --rounds R        timing rounds (default 5)
rule-count sweep (search quality vs rules, for the report):
  --sweep-kernels M kernels in the sweep (compare: default 0, no sweep; report: default 8)
  --sweep-rules L   rule counts, round-robin over domains (default ${
  DEFAULT_SWEEP_RULES.map((c) => (c === 0 ? "all" : c)).join(",")
})
  --sweep-time S    search time per kernel in the sweep, seconds (default 1)`;

const CompareCmd: cli.Command<CompareOpts & { json?: string }> = {
  name: "compare",
  usage: `usage: deno task compare [options]

For every kernel of a corpus: ns per element of the original under gcc and
clang at -O2, -O3 and -O3 -ffast-math, our SIMD code of the original,
saturation + static cost, and guided search + Judge (what optimize returns,
the original included when the optimized form loses), all timed in one
harness run; geomean speedups by domain (graphics, physics, autodiff, ml, conditionals
from data/kernels' file names, everything else FPBench), accuracy per
column, and the issue's three targets with pass/fail.

${COMPARE_HELP}
output:
  --json FILE       also save the raw results (what report --from reads)`,
  options: { ...COMPARE_OPTIONS, json: { type: "string" } },
  schema: CompareOpts.extend({ json: z.string().optional() }),
};

/** Expression records of the corpus, and the benchmarks skipped; a path that cannot be read is a data error. */
function corpusOf(paths: readonly string[]): Corpus {
  try {
    return loadCorpus(paths);
  } catch (e) {
    if (e instanceof CorpusError) throw new cli.CliError(`compare: --corpus: ${e.message}`, cli.EXIT_DATA);
    throw e;
  }
}

/** The search settings of the options, but the rules (each caller picks its own). */
function searchSettings(o: CompareOpts, timeS: number, target: Target) {
  return {
    costs: costTableFor(target.isa, o.for ?? "kopt"),
    budget: DEFAULT_SEARCH.budget,
    timeMs: timeS * 1000,
    maxUlp: o["max-ulp"],
    samples: o.samples,
    seed: o.seed,
    k: DEFAULT_SEARCH.k,
    nodeLimit: DEFAULT_SEARCH.nodeLimit,
    iterLimit: DEFAULT_SEARCH.iterLimit,
    // Approximate functions exist in our SIMD code only.
    approximate: (o.for ?? "kopt") === "kopt",
  };
}

/** The result with the rule-count sweep (`--sweep-*` options) run on `kernels` of its kernels, spread. */
export async function addSweep(
  result: CompareResult,
  kernels: number,
  nw: Network,
  o: CompareOpts,
  target: Target,
  progress: (message: string) => void,
): Promise<CompareResult> {
  const jobs = spread(result.kernels, kernels).map(jobOf);
  const settings = searchSettings(o, o["sweep-time"], target);
  const points = await runSweep(jobs, nw, {
    settings,
    counts: o["sweep-rules"].split(",").map((c) => (c === "all" ? 0 : Number(c))),
    plan: { target, n: o.n, rounds: o.rounds },
    progress,
  });
  return { ...result, sweep: { timeMs: settings.timeMs, points } };
}

/** Runs compare (and the sweep when asked) with parsed options. */
export async function compareWith(o: CompareOpts, defaultSweepKernels: number): Promise<CompareResult> {
  const { records: all, skipped } = corpusOf(o.corpus);
  const records = spread(all, o.kernels);
  if (records.length === 0) throw new cli.CliError("compare: no kernels in the corpus", cli.EXIT_DATA);
  const target = cli.commandTarget("compare", o.target, true);
  using nw = openNetwork("compare", o.weights, target);
  // The guided search's choice as optimize makes it: re-ranked by the compiled-code Judge where there is one.
  const finalJudge = (o.for ?? "kopt") === "kopt" ? openFinalJudge("compare", o.weights, target, undefined) : null;
  const progress = (m: string) => console.error(`compare: ${m}`);
  progress(`target ${describeTarget(target)}`);
  const result = await runCompare(records, skipped, nw, {
    target,
    settings: {
      rules: o.rules.length === 0 ? ALL_RULES : rulesOf(o.rules),
      ...searchSettings(o, o.time, target),
      ...(finalJudge !== null ? { finalJudge } : {}),
    },
    builder: o.for ?? "kopt",
    front: o.front,
    n: o.n,
    rounds: o.rounds,
    corpus: o.corpus,
    progress,
  });
  // One kernel row per record, in order: the sweep's kernels are the records spread.
  const sweepKernels = o["sweep-kernels"] ?? defaultSweepKernels;
  return sweepKernels === 0 ? result : await addSweep(result, sweepKernels, nw, o, target, progress);
}

export async function compareMain(argv: readonly string[]): Promise<number> {
  const parsed = cli.parseCommand(CompareCmd, argv);
  if (parsed === null) return cli.EXIT_OK;
  const o = parsed.opts;
  const result = await compareWith(o, 0);
  if (o.json !== undefined) {
    try {
      Deno.writeTextFileSync(o.json, JSON.stringify(result));
    } catch (e) {
      throw new cli.CliError(`compare: cannot write ${o.json}: ${(e as Error).message}`, cli.EXIT_DATA);
    }
    console.error(`compare: wrote ${o.json}`);
  }
  console.log(formatCompare(result));
  return cli.EXIT_OK;
}
