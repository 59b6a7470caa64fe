/**
 * `optimize`: the tool a user runs. For each input kernel it searches for a
 * faster equivalent form (guided search over every rule, ranked by the
 * Judge, by default; `--search=saturate` is the equality-saturation
 * baseline ranked by static cost), keeps the fastest predicted form that
 * passes the accuracy guard, and reports the input, the result, the rules
 * applied in order, the Judge's predicted time and speedup, and the error
 * against the float64 reference. `--measure` compiles and times the result,
 * our code of the original and the original under gcc -O3, gcc -O3
 * -ffast-math and clang -O3 -ffast-math in one harness run; when the result
 * does not win (more than 2% slower than the best guard-passing build of
 * the original, or over the guard when measured), the tool returns the
 * original (pipeline/compare/measured.ts).
 *
 * Inputs (optimize_input.ts): an infix or FPCore expression argument, an
 * FPCore file (every benchmark, or `--name`), or JSONL records on stdin.
 * Outputs (optimize_output.ts): a text report, or `--emit json|fpcore|infix|c`.
 *
 * Exit codes: 0 success; 1 bad input data (a kernel, a line, a file);
 * 2 bad usage (unknown option, bad value); 3 internal failure (including,
 * with --measure, any build of ours, of the original, the optimized form or
 * an alternative, that could not be compiled or timed: the report then says
 * so per kernel and in its summary, and shows no speedups for a kernel
 * returned as a peer compiler's build because ours failed).
 */
import { z } from "zod";
import type { Interval } from "../expr/interval.ts";
import { DEFAULT_N } from "../kernel/measure.ts";
import { describeWeights, networkOf, weightsSource } from "../nnue/profiles.ts";
import type { Network } from "../nnue/network.ts";
import {
  ASM_JUDGE_FILE,
  type AsmJudge,
  compiledFormJudge,
  type FormJudge,
  readAsmJudge,
  RERANK_K,
} from "../nnue/asm_judge.ts";
import { rulesOf } from "../rules/all.ts";
import { type Domain, DOMAINS } from "../rules/rule.ts";
import {
  DEFAULT_SEARCH,
  jobRanges,
  type JobResults,
  measuredAlternatives,
  searchJobs,
  type SearchSettings,
} from "../search/jobs.ts";
import { failedOurs, measureKernels } from "../compare/measured.ts";
import {
  CliError,
  type Command,
  commandTarget,
  EXIT_DATA,
  EXIT_INTERNAL,
  EXIT_OK,
  EXIT_USAGE,
  intOption,
  numberOption,
  onErrorOption,
  parseCommand,
  TARGET_OPTION,
  TARGET_USAGE,
  targetOption,
} from "./cli.ts";
import { describeTarget, type Target } from "../target/target.ts";
import { parsePick } from "../search/pareto.ts";
import { ACCURACY_SLACK_ULP, ACCURACY_SLOWDOWN } from "../search/optimizer.ts";
import { isFile, type Loaded, loadExpression, loadFile, loadRecords } from "./optimize_input.ts";
import {
  formatOutcome,
  formatSummary,
  type Outcome,
  outcomeFPCore,
  outcomeInfix,
  outcomeRecord,
  outcomesC,
} from "./optimize_output.ts";
import { type Builder, BUILDER_WORDS, BUILDERS, costTableFor } from "../target/cost_tables.ts";

/**
 * The network of `--weights`, else of this machine's profile for `target`,
 * else the untrained one (the static table), for optimize, compare and
 * report; says on stderr which, in one line. A load failure is `command`'s
 * data error.
 */
export function openNetwork(command: string, weights: string | undefined, target: Target): Network {
  const source = weightsSource(target, weights);
  console.error(`${command}: ${describeWeights(source)}`);
  try {
    return networkOf(source, costTableFor(target.isa, "kopt"));
  } catch (e) {
    throw new CliError(`${command}: cannot load the network: ${(e as Error).message}`, EXIT_DATA);
  }
}

/**
 * The compiled-code Judge stored beside the weights `optimize` uses, as the
 * final ranking (null with `requested` "none", or when the weights have
 * none: then the Judge's order stands, and the line says so).
 */
export function openFinalJudge(
  command: string,
  weights: string | undefined,
  target: Target,
  requested: "compiled" | "none" | undefined,
): FormJudge | null {
  if (requested === "none") return null;
  const source = weightsSource(target, weights);
  const dir = source.kind === "table" ? null : source.dir;
  let j: AsmJudge | null = null;
  try {
    j = dir === null ? null : readAsmJudge(dir);
  } catch (e) {
    throw new CliError(`${command}: cannot load the compiled-code Judge: ${(e as Error).message}`, EXIT_DATA);
  }
  if (j === null) {
    if (requested === "compiled") {
      throw new CliError(
        `${command}: --final-judge compiled: no ${ASM_JUDGE_FILE} in ${dir ?? "this machine's profile"} ` +
          "(deno task calibrate fits one; deno task fit:compiled-judge refits it from a profile's timings)",
        EXIT_DATA,
      );
    }
    console.error(`${command}: no compiled-code Judge in the weights: the Judge's order stands`);
    return null;
  }
  console.error(
    `${command}: the compiled-code Judge (${j.variants} variants of ${j.kernels} kernels) re-ranks the Judge's first ${RERANK_K} forms`,
  );
  return compiledFormJudge(j, target);
}

/**
 * The code the output will run as: --for, else by --emit: an expression
 * (fpcore, infix) goes to the user's compiler, gcc by default; the report,
 * JSON and the C file carry our SIMD code.
 */
export function builderFor(requested: Builder | undefined, emit: string): Builder {
  return requested ?? (emit === "fpcore" || emit === "infix" ? "gcc" : "kopt");
}

// ---- command line ------------------------------------------------------------

const RangeArg = z.string().regex(
  /^[A-Za-z_][A-Za-z0-9_.]*=[^:,]+[:,][^:,]+$/,
  "must look like x=lo:hi",
).transform((s, ctx) => {
  const [name, rest] = s.split("=");
  const [lo, hi] = rest.split(/[:,]/).map(Number);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    ctx.addIssue({ code: "custom", message: `${s}: bounds must be finite numbers with lo <= hi` });
    return z.NEVER;
  }
  return [name, [lo, hi] as const] as const;
});

/** `--rules`: `all` or a comma-separated list of domains. */
export const RulesOption = z.string().transform((s, ctx) => {
  if (s === "all") return [...DOMAINS];
  const ds = s.split(",").map((d) => d.trim()).filter((d) => d !== "");
  const bad = ds.filter((d) => !(DOMAINS as readonly string[]).includes(d));
  if (bad.length > 0 || ds.length === 0) {
    ctx.addIssue({ code: "custom", message: `unknown domain(s) ${bad.join(", ")}; known: ${DOMAINS.join(", ")}` });
    return z.NEVER;
  }
  return ds as Domain[];
});

/** `--pick`: fastest, accurate or ulp<=N (a point of the Pareto front). */
const PickOption = z.string().transform((s, ctx) => {
  const p = parsePick(s);
  if (p === null) {
    ctx.addIssue({ code: "custom", message: `${s}: must be fastest, accurate or ulp<=N (N a number of ulps)` });
    return z.NEVER;
  }
  return p;
});

const EMITS = ["text", "json", "fpcore", "infix", "c"] as const;

const Opts = z.object({
  search: z.enum(["guided", "saturate"]),
  rank: z.enum(["judge", "static"]).optional(),
  rules: RulesOption,
  budget: intOption(0),
  time: numberOption(0.001, 86400),
  "max-ulp": numberOption(0, 2 ** 32),
  measure: z.boolean(),
  emit: z.enum(EMITS),
  out: z.string().optional(),
  k: intOption(1, 1000),
  "node-limit": intOption(1),
  "iter-limit": intOption(1),
  samples: intOption(1, 10_000_000),
  seed: intOption(0, 2 ** 32 - 1),
  range: z.array(RangeArg).default([]),
  name: z.string().optional(),
  weights: z.string().optional(),
  n: intOption(16, 1 << 24),
  rounds: intOption(1, 64),
  "on-error": onErrorOption,
  target: targetOption,
  for: z.enum(BUILDERS).optional(),
  objective: z.enum(["speed", "accuracy"]),
  pareto: z.boolean(),
  pick: PickOption.optional(),
  "final-judge": z.enum(["compiled", "none"]).optional(),
});
type Opts = z.infer<typeof Opts>;

export const OptimizeCmd: Command<Opts> = {
  name: "optimize",
  usage: `usage: optimize [options] INPUT

Rewrites float32 kernels to faster equivalent forms. By default a guided
best-first search over every rewrite rule, scored by the learned network,
proposes forms; the Judge (trained on timings of this machine) predicts
their time; the fastest predicted form within the accuracy guard is kept.
For each kernel it prints the input, the optimized form, the rules applied
in order, the predicted time and speedup, and the ulp error against the
float64 reference; --measure adds measured times and speedups against gcc
and clang compiling the original.

INPUT is one of
  an infix expression      "x*y + sqrt(z)"        (ranges with --range)
  an FPCore body           "(+ (* x y) (sqrt z))"
  an FPCore file           kernels.fpcore          (every benchmark, or --name; ranges from :pre)
  -, or nothing            expression records (JSONL) on stdin

search:
  --search S        guided (default) or saturate: equality saturation, cheapest by static cost
  --rank R          judge (default for guided) or static (default for saturate)
  --rules D,D       rule domains (default all): ${DOMAINS.join(",")}
  --budget N        most rewrites the guided search applies (default ${DEFAULT_SEARCH.budget})
  --time S          search time limit per kernel, seconds (default ${DEFAULT_SEARCH.timeMs / 1000})
  --k N             forms extracted for the ranking (default ${DEFAULT_SEARCH.k})
  --node-limit N    saturation: e-node limit (default ${DEFAULT_SEARCH.nodeLimit})
  --iter-limit N    saturation: iteration limit (default ${DEFAULT_SEARCH.iterLimit})
  --weights DIR     the network's weights files (default: this machine's profile under
                    data/profiles/, else the untrained network, i.e. the static table)
  --final-judge J   compiled (default when the weights have one): the compiled-code Judge, fitted
                    on the profile's timings, compiles the Judge's first ${RERANK_K} forms to assembly (one
                    compiler call) and re-ranks them by what the compiler made of them; none: the
                    Judge's order alone
accuracy guard:
  --max-ulp U       a result's max error may exceed the input's float32 kernel's by at most U
                    floored ulps (default ${DEFAULT_SEARCH.maxUlp}); faster forms that break it are dropped
objective:
  --objective O     speed (default): the fastest predicted form within the guard; accuracy: the
                    least max error (within ${ACCURACY_SLACK_ULP} ulp, the fastest such) among forms predicted at
                    most ${ACCURACY_SLOWDOWN * 100}% slower than the input, after an accuracy search (best-first on
                    error, rewriting where the error is made) that runs as long again as --time
  --pareto          print the Pareto front of (predicted time, max error) over the forms reached,
                    fastest first (the json record always carries it, as "pareto")
  --pick P          return a point of the front instead: fastest (the fastest within the guard),
                    accurate (the least max error, whatever its time) or ulp<=N (the fastest with
                    max error at most N floored ulps, whatever --max-ulp says); --emit writes it
  --samples N       sampled inputs per kernel, ends of every range included (default ${DEFAULT_SEARCH.samples})
  --seed S          search and sampling seed (default ${DEFAULT_SEARCH.seed})
measuring:
  --measure         compile and time the result, our code of the original and the original under
                    gcc -O3, gcc -O3 -ffast-math and clang -O3 -ffast-math, all in one run; if the
                    result is more than 2% slower than the best build of the original that passes
                    the guard (or breaks the guard when measured), the original is returned
  --n N             elements per timed call (default ${DEFAULT_N})
  --rounds R        timing rounds (default 5)
target:
${
    TARGET_USAGE.replace("  --target T  ", "  --target T        ").replaceAll(
      "\n              ",
      "\n                    ",
    )
  }
  --for B           the code that will run, which the search's costs, the guard and --measure use:
                    kopt (our SIMD code; default for text, json and c), gcc or clang (the returned
                    expression as plain C under that compiler at -O3 -ffast-math; default gcc for
                    fpcore and infix, which a user compiles). The returned form is never slower than
                    the input built the same way when measured. With gcc or clang the candidates are
                    ranked by that build's static table (the Judge predicts our code)
output:
  --emit F          text (default: the report), json (one record per kernel), fpcore (one
                    FPCore form per kernel, :name and :pre kept), infix (one line per kernel),
                    c (a ready-to-use C file with a header saying what was done and how to build it)
  --out FILE        write the --emit output to FILE (the text report still goes to stdout)
  --range x=lo:hi   input range of x for an expression INPUT (repeatable); default [-100, 100]
  --name NAME       only the FPCore benchmark named NAME
  --on-error M      stop (default): stop at the first bad input, exit 1;
                    skip: report bad inputs, go on, exit 0

exit codes: 0 success, 1 bad input (file, kernel or line), 2 bad usage, 3 internal failure
(with --measure: a build of ours, of the original, the optimized form or an alternative, that
could not be compiled or timed; the report says which, and shows no speedups for those kernels).`,
  options: {
    search: { type: "string", default: "guided" },
    rank: { type: "string" },
    rules: { type: "string", default: "all" },
    budget: { type: "string", default: String(DEFAULT_SEARCH.budget) },
    time: { type: "string", default: String(DEFAULT_SEARCH.timeMs / 1000) },
    "max-ulp": { type: "string", default: String(DEFAULT_SEARCH.maxUlp) },
    measure: { type: "boolean", default: false },
    emit: { type: "string", default: "text" },
    out: { type: "string", short: "o" },
    k: { type: "string", default: String(DEFAULT_SEARCH.k) },
    "node-limit": { type: "string", default: String(DEFAULT_SEARCH.nodeLimit) },
    "iter-limit": { type: "string", default: String(DEFAULT_SEARCH.iterLimit) },
    samples: { type: "string", default: String(DEFAULT_SEARCH.samples) },
    seed: { type: "string", default: String(DEFAULT_SEARCH.seed) },
    range: { type: "string", multiple: true },
    name: { type: "string" },
    weights: { type: "string" },
    n: { type: "string", default: String(DEFAULT_N) },
    rounds: { type: "string", default: "5" },
    "on-error": { type: "string", default: "stop" },
    ...TARGET_OPTION,
    for: { type: "string" },
    objective: { type: "string", default: "speed" },
    pareto: { type: "boolean", default: false },
    pick: { type: "string" },
    "final-judge": { type: "string" },
  },
  schema: Opts,
  positionals: true,
};

/**
 * Whether an argument that is not an existing file still names one (so a
 * missing file is reported as such): an .fpcore name, an explicit relative
 * or absolute path, or folders and a file name with an extension. An infix
 * expression may hold "/" too (`x / y`, `(a+b)/c`), so a slash alone is not
 * enough.
 */
export function looksLikePath(arg: string): boolean {
  const t = arg.trim();
  return /\.fpcore$/i.test(t) || /^(\.{0,2}|~)[/\\]/.test(t) || /^[\w.-]+([/\\][\w.-]+)+\.[A-Za-z]\w*$/.test(t);
}

async function loadInput(input: string | undefined, opts: Opts): Promise<Loaded> {
  const ranges = Object.fromEntries(opts.range) as Record<string, Interval>;
  if (input === undefined || input === "-") {
    if (input === undefined && Deno.stdin.isTerminal()) {
      throw new CliError(`optimize: no INPUT and stdin is a terminal\n\n${OptimizeCmd.usage}`, EXIT_USAGE);
    }
    return await loadRecords("optimize", Deno.stdin.readable, opts["on-error"]);
  }
  if (looksLikePath(input) || (await isFile(input))) {
    if (opts.range.length > 0) {
      throw new CliError("optimize: --range is for expression inputs; FPCore files give ranges in :pre", EXIT_USAGE);
    }
    return await loadFile("optimize", input, opts.name);
  }
  if (opts.name !== undefined) throw new CliError("optimize: --name selects from an FPCore file", EXIT_USAGE);
  return loadExpression("optimize", input, ranges);
}

/** The command line as typed, for the C file's header. */
function commandLine(argv: readonly string[]): string {
  const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  return ["deno run -A mod.ts optimize", ...argv.map(q)].join(" ");
}

export async function optimizeMain(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(OptimizeCmd, argv);
  if (parsed === null) return EXIT_OK;
  const { opts, positionals } = parsed;
  if (positionals.length > 1) {
    throw new CliError(
      `optimize: one INPUT at a time (quote an expression with spaces)\n\n${OptimizeCmd.usage}`,
      EXIT_USAGE,
    );
  }
  if (opts.out !== undefined && opts.emit === "text") {
    throw new CliError("optimize: --out writes an --emit format (json, fpcore, infix or c)", EXIT_USAGE);
  }
  const target = commandTarget("optimize", opts.target, opts.measure);
  const loaded = await loadInput(positionals[0], opts);
  if (loaded.jobs.length === 0) {
    if (loaded.failed === 0) console.error("optimize: no input kernels");
    return EXIT_DATA;
  }
  const builder = builderFor(opts.for, opts.emit);
  const costs = costTableFor(target.isa, builder);
  console.error(`optimize: target ${describeTarget(target)}; costs for ${BUILDER_WORDS[builder]} (${costs.name})`);
  const rank = opts.rank ?? (opts.search === "guided" && builder === "kopt" ? "judge" : "static");
  // The final ranking reads our compiled code: for the Judge's order of our SIMD code only.
  if (opts["final-judge"] === "compiled" && (rank !== "judge" || builder !== "kopt")) {
    throw new CliError("optimize: --final-judge compiled re-ranks the Judge's order of our SIMD code", EXIT_USAGE);
  }
  const finalJudge = rank === "judge" && builder === "kopt"
    ? openFinalJudge("optimize", opts.weights, target, opts["final-judge"])
    : null;
  const settings: SearchSettings = {
    search: opts.search,
    rank,
    rules: rulesOf(opts.rules),
    costs,
    budget: opts.budget,
    timeMs: opts.time * 1000,
    maxUlp: opts["max-ulp"],
    samples: opts.samples,
    seed: opts.seed,
    k: opts.k,
    nodeLimit: opts["node-limit"],
    iterLimit: opts["iter-limit"],
    objective: opts.objective,
    ...(opts.pick !== undefined ? { pick: opts.pick } : {}),
    approximate: builder === "kopt",
    ...(finalJudge !== null ? { finalJudge } : {}),
  };
  const nw = openNetwork("optimize", opts.weights, target);
  let found: JobResults;
  try {
    // Measured runs also time saturation's choice (measuredAlternatives).
    found = await searchJobs(loaded.jobs, settings, nw, opts.measure && settings.search === "guided", (i, job) => {
      if (loaded.jobs.length > 1) console.error(`optimize: [${i + 1}/${loaded.jobs.length}] ${job.id}`);
    });
  } finally {
    nw[Symbol.dispose]();
  }
  const { results, saturated } = found;
  let outcomes: Outcome[] = loaded.jobs.map((job, i) => ({
    job,
    result: results[i],
    alternatives: opts.measure ? measuredAlternatives(results[i], saturated[i]) : [],
    rank: settings.rank,
    objective: settings.objective,
    pareto: opts.pareto,
    target,
    builder,
    rules: settings.rules.length,
    samples: settings.samples,
  }));
  // Kernels whose returned build could not be timed, and kernels with any build of ours that failed.
  let measureFailed = 0, oursFailed = 0;
  let firstFailure = "";
  if (opts.measure) {
    const measured = await measureKernels(
      outcomes.map((o) => ({
        vars: o.job.vars,
        ranges: jobRanges(o.job),
        original: o.job.expr,
        optimized: o.result.best.expr,
        alternatives: o.alternatives,
        ...(o.result.approximated !== null && builder === "kopt" ? { approximated: o.result.approximated } : {}),
        modelMaxUlp: o.result.baseline.error.maxUlp,
      })),
      {
        target,
        builder,
        maxUlp: settings.maxUlp,
        n: opts.n,
        rounds: opts.rounds,
        progress: (m) => console.error(`optimize: ${m}`),
      },
    );
    outcomes = outcomes.map((o, i) => ({ ...o, measured: measured[i], n: opts.n }));
    measureFailed = measured.filter((m) => !m.cells[m.returned.build]?.ok).length;
    const failures = measured.map((m) => failedOurs(m.cells));
    oursFailed = failures.filter((f) => f.length > 0).length;
    const first = failures.findIndex((f) => f.length > 0);
    if (first >= 0) {
      const f = failures[first][0];
      firstFailure = ` (first: ${outcomes[first].job.name ?? outcomes[first].job.id}, ${f.label}: ${f.error})`;
    }
  }

  const text = outcomes.map(formatOutcome).join("\n\n") +
    (outcomes.length > 1 ? "\n" + formatSummary(outcomes, loaded.failed) : "") + "\n";
  const emitted = opts.emit === "text" ? null : emit(opts.emit, outcomes, argv);
  if (opts.out !== undefined) {
    try {
      await Deno.writeTextFile(opts.out, emitted!);
    } catch (e) {
      throw new CliError(`optimize: cannot write ${opts.out}: ${(e as Error).message}`, EXIT_DATA);
    }
    console.error(`optimize: wrote ${opts.out}`);
  }
  const stdout = emitted !== null && opts.out === undefined ? emitted : text;
  const w = Deno.stdout.writable.getWriter();
  try {
    await w.write(new TextEncoder().encode(stdout));
  } finally {
    await w.close();
  }
  if (measureFailed > 0 || oursFailed > 0) {
    if (oursFailed > 0) {
      console.error(
        `optimize: builds of our SIMD code failed to compile or time for ${oursFailed} of ${outcomes.length} ` +
          `kernel(s)${firstFailure}`,
      );
    }
    if (measureFailed > 0) console.error(`optimize: ${measureFailed} kernel(s) could not be compiled or timed`);
    return EXIT_INTERNAL;
  }
  return loaded.failed > 0 && opts["on-error"] === "stop" ? EXIT_DATA : EXIT_OK;
}

function emit(format: Exclude<(typeof EMITS)[number], "text">, outcomes: readonly Outcome[], argv: readonly string[]) {
  switch (format) {
    case "json":
      return outcomes.map((o) => JSON.stringify(outcomeRecord(o))).join("\n") + "\n";
    case "fpcore":
      return outcomes.map(outcomeFPCore).join("\n\n") + "\n";
    case "infix":
      return outcomes.map(outcomeInfix).join("\n") + "\n";
    case "c":
      return outcomesC(outcomes, commandLine(argv));
  }
}
