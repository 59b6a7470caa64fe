/**
 * `optimize`, first version: equality saturation with the chosen rule
 * domains, then static-cost extraction (`pipeline/egraph/saturate.ts`), and
 * an accuracy report: the largest ulp error of the float32 kernel against
 * the float64 reference of the input, on sampled inputs across each
 * variable's range (ends first), for the input and for the result.
 *
 * Input: an infix expression (`x*y + sqrt(z)`), an FPCore body
 * (`(+ (* x y) 1)`), an FPCore file (every benchmark, or `--name`), or
 * expression records (JSONL) on stdin. Output: a text report per kernel, or
 * with `--jsonl` one record per kernel: the input record plus `optimized`
 * (FPCore body), `static_cost`, `max_ulp` and `saturation`.
 *
 * A variable without a range is sampled over DEFAULT_RANGE ([-100, 100]),
 * and the e-graph gets the same range, so that rule preconditions are
 * proved exactly where accuracy is checked.
 *
 * Later issues replace the search (guided search) and the cost model (the
 * Judge); `saturateAndExtract` stays as the saturation baseline.
 */
import { z } from "zod";
import { evaluateBatch } from "../expr/evaluate.ts";
import { type Expr, freeVars } from "../expr/expr.ts";
import { parseExpr, parseFPCoreFile } from "../expr/fpcore.ts";
import { parseInfix } from "../expr/infix.ts";
import type { Interval } from "../expr/interval.ts";
import { printFPCore, printInfix } from "../expr/print.ts";
import { rangeOf, sampleInputs } from "../expr/sample.ts";
import { ParseError } from "../expr/sexpr.ts";
import { type ErrorStats, errorStats } from "../expr/ulp.ts";
import { saturateAndExtract, type SaturateResult } from "../egraph/saturate.ts";
import { rulesOf } from "../rules/all.ts";
import { type Domain, DOMAINS, type Rule } from "../rules/rule.ts";
import {
  CliError,
  type Command,
  EXIT_DATA,
  EXIT_OK,
  EXIT_USAGE,
  intOption,
  numberOption,
  onErrorOption,
  parseCommand,
} from "./cli.ts";
import { describeZodError, JsonlError, parseLine, readLines } from "./jsonl.ts";
import { formatBenchmarkError } from "./parse.ts";
import { ExpressionRecord } from "./schema.ts";

export interface OptimizeSettings {
  readonly rules: readonly Rule[];
  readonly nodeLimit: number;
  readonly iterLimit: number;
  readonly timeLimitMs: number;
  readonly allowApprox: boolean;
  readonly k: number;
  readonly samples: number;
  readonly seed: number;
}

/** One kernel to optimize. */
export interface Job {
  readonly id: string;
  readonly expr: Expr;
  readonly vars: readonly string[];
  readonly ranges: Readonly<Record<string, Interval>>;
  /** The record it came from (JSONL input), passed through. */
  readonly record?: Record<string, unknown>;
}

export interface KernelResult {
  readonly job: Job;
  readonly sat: SaturateResult;
  readonly inputError: ErrorStats;
  readonly bestError: ErrorStats;
}

/** Max ulp error of the float32 kernel `e` against float64 `reference` values. */
function kernelError(e: Expr, vars: readonly string[], cols: readonly Float32Array[], ref: Float64Array): ErrorStats {
  let out = evaluateBatch(e, vars, cols, 32);
  // Without variables the evaluator returns one value.
  if (out.length !== ref.length) out = new Float64Array(ref.length).fill(out[0]);
  return errorStats(out, ref);
}

/** Saturates one kernel and measures the accuracy of input and result. */
export function optimizeKernel(job: Job, s: OptimizeSettings): KernelResult {
  // The graph's ranges are the sampled ranges: preconditions hold where accuracy is checked.
  const ranges = Object.fromEntries(job.vars.map((v) => [v, rangeOf(job.ranges, v) as Interval]));
  const sat = saturateAndExtract(job.expr, {
    rules: s.rules,
    ranges,
    nodeLimit: s.nodeLimit,
    iterLimit: s.iterLimit,
    timeLimitMs: s.timeLimitMs,
    allowApprox: s.allowApprox,
    k: s.k,
  });
  const cols = sampleInputs(job.vars, ranges, s.samples, s.seed);
  let ref = evaluateBatch(job.expr, job.vars, cols, 64);
  if (ref.length !== s.samples) ref = new Float64Array(s.samples).fill(ref[0]);
  return {
    job,
    sat,
    inputError: kernelError(job.expr, job.vars, cols, ref),
    bestError: kernelError(sat.best, job.vars, cols, ref),
  };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, ""));
const ulps = (e: ErrorStats) => (e.maxUlp >= 2 ** 32 ? "NaN/inf mismatch" : fmt(e.maxUlp));

/** The text report of one kernel. */
export function formatResult(r: KernelResult, samples: number): string {
  const { sat, job } = r;
  const rep = sat.report;
  const lines = [
    `== ${job.id}`,
    `input    ${printFPCore(job.expr)}`,
    `         ${printInfix(job.expr)}`,
    `best     ${printFPCore(sat.best)}`,
    `         ${printInfix(sat.best)}`,
    `cost     ${fmt(sat.inputCost)} -> ${fmt(sat.bestCost)} (x${
      (sat.bestCost / sat.inputCost).toFixed(3)
    }, static cost: ` +
    `cycles per 16-lane vector)`,
    `max ulp  input ${ulps(r.inputError)}, best ${ulps(r.bestError)} (${samples} float32 samples vs the float64 ` +
    `reference of the input)`,
    `search   ${rep.iterations.length} iterations, stop: ${rep.stopReason}, ${rep.nodes} e-nodes, ${rep.classes} ` +
    `classes, ${(rep.ms / 1000).toFixed(2)} s, ${rep.rules} rules`,
  ];
  if (!sat.improved) lines.push("note     nothing cheaper than the input was found: the input is the result");
  if (sat.derivativesLeft) {
    lines.push("warning  the result still contains (d x e): the derivative rules did not eliminate it");
  }
  if (r.bestError.maxUlp > Math.max(2 * r.inputError.maxUlp, r.inputError.maxUlp + 16)) {
    lines.push("warning  the result is much less accurate than the input");
  }
  if (sat.conflicts > 0) lines.push(`warning  ${sat.conflicts} merge(s) of different constants: a rule is unsound`);
  return lines.join("\n");
}

/** The JSONL record of one kernel. */
export function resultRecord(r: KernelResult): Record<string, unknown> {
  const { sat, job } = r;
  const base = job.record ?? {
    id: job.id,
    expr: printFPCore(job.expr),
    vars: [...job.vars],
    ranges: Object.fromEntries(Object.entries(job.ranges).map(([k, v]) => [k, [v[0], v[1]]])),
  };
  return {
    ...base,
    optimized: printFPCore(sat.best),
    static_cost: { input: sat.inputCost, optimized: sat.bestCost },
    max_ulp: { input: r.inputError.maxUlp, optimized: r.bestError.maxUlp },
    derivatives_left: sat.derivativesLeft,
    saturation: {
      stop: sat.stopReason,
      iterations: sat.report.iterations.length,
      nodes: sat.report.nodes,
      classes: sat.report.classes,
      ms: Math.round(sat.report.ms),
      rules: sat.report.rules,
    },
  };
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

const Opts = z.object({
  rules: z.string().transform((s, ctx) => {
    if (s === "all") return [...DOMAINS];
    const ds = s.split(",").map((d) => d.trim()).filter((d) => d !== "");
    const bad = ds.filter((d) => !(DOMAINS as readonly string[]).includes(d));
    if (bad.length > 0 || ds.length === 0) {
      ctx.addIssue({ code: "custom", message: `unknown domain(s) ${bad.join(", ")}; known: ${DOMAINS.join(", ")}` });
      return z.NEVER;
    }
    return ds as Domain[];
  }),
  "node-limit": intOption(1),
  "iter-limit": intOption(1),
  time: numberOption(0.001, 86400),
  k: intOption(1, 1000),
  approx: z.boolean(),
  seed: intOption(0, 2 ** 32 - 1),
  samples: intOption(1, 10_000_000),
  range: z.array(RangeArg).default([]),
  name: z.string().optional(),
  jsonl: z.boolean(),
  "on-error": onErrorOption,
});
type Opts = z.infer<typeof Opts>;

export const OptimizeCmd: Command<Opts> = {
  name: "optimize",
  usage: `usage: optimize [options] [INPUT]

Rewrites kernels to cheaper equivalent forms by equality saturation over the
rewrite rules, extracts the k cheapest trees by static cost and keeps the
cheapest (never one costlier than the input), then reports the largest ulp
error of input and result (float32 kernel vs float64 reference of the input).

INPUT is one of
  an infix expression      "x*y + sqrt(z)"
  an FPCore body           "(+ (* x y) (sqrt z))"
  an FPCore file           kernels.fpcore (every benchmark, or --name)
  -, or nothing            expression records (JSONL) on stdin

options:
  --rules D,D      rule domains (default all): ${DOMAINS.join(",")}
  --node-limit N   stop saturating above N e-nodes (default 100000)
  --iter-limit N   stop after N iterations (default 100)
  --time S         stop after S seconds per kernel (default 10)
  --k N            trees extracted per kernel (default 10)
  --approx         also use approximate rules (default: exact rules only)
  --samples N      sampled inputs for the ulp error (default 10000)
  --seed S         sampling seed (default 1)
  --range x=lo:hi  input range of x for an expression INPUT (repeatable);
                   variables without one use [-100, 100]
  --name NAME      only the FPCore benchmark named NAME
  --jsonl          write one result record per kernel (JSONL) instead of text
  --on-error M     stop (default): exit 1 if any input failed to parse;
                   skip: report bad inputs and exit 0`,
  options: {
    rules: { type: "string", default: "all" },
    "node-limit": { type: "string", default: "100000" },
    "iter-limit": { type: "string", default: "100" },
    time: { type: "string", default: "10" },
    k: { type: "string", default: "10" },
    approx: { type: "boolean", default: false },
    samples: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    range: { type: "string", multiple: true },
    name: { type: "string" },
    jsonl: { type: "boolean", default: false },
    "on-error": { type: "string", default: "stop" },
  },
  schema: Opts,
  positionals: true,
};

/** Parses an expression argument: FPCore body if it starts with "(", else infix. */
export function parseExpressionArg(src: string): Expr {
  const t = src.trim();
  return t.startsWith("(") ? parseExpr(t) : parseInfix(t);
}

interface Loaded {
  readonly jobs: Job[];
  /** Inputs that failed, already reported. */
  readonly failed: number;
}

async function loadFile(path: string, name: string | undefined): Promise<Loaded> {
  let src: string;
  try {
    src = await Deno.readTextFile(path);
  } catch (e) {
    throw new CliError(`optimize: cannot read ${path}: ${(e as Error).message}`, EXIT_DATA);
  }
  const { benchmarks, errors } = parseFPCoreFile(src);
  let failed = 0;
  for (const e of errors) {
    if (name !== undefined && e.name !== name) continue;
    console.error(`optimize: ${formatBenchmarkError(path, e)}`);
    failed++;
  }
  const jobs = benchmarks
    .map((b, i): Job => ({ id: b.name ?? `${path}#${i + 1}`, expr: b.expr, vars: b.vars, ranges: b.ranges }))
    .filter((j) => name === undefined || j.id === name);
  if (name !== undefined && jobs.length === 0 && failed === 0) {
    throw new CliError(`optimize: no benchmark named ${JSON.stringify(name)} in ${path}`, EXIT_DATA);
  }
  return { jobs, failed };
}

function loadExpression(src: string, ranges: Record<string, Interval>): Loaded {
  let expr: Expr;
  try {
    expr = parseExpressionArg(src);
  } catch (e) {
    if (e instanceof ParseError) {
      throw new CliError(`optimize: expression: ${e.message}\n  ${src}\n  ${" ".repeat(e.pos.col - 1)}^`, EXIT_DATA);
    }
    throw new CliError(`optimize: expression: ${(e as Error).message}`, EXIT_DATA);
  }
  const vars = freeVars(expr);
  for (const v of Object.keys(ranges)) {
    if (!vars.includes(v)) {
      throw new CliError(`optimize: --range for ${v}, which the expression does not use`, EXIT_USAGE);
    }
  }
  return { jobs: [{ id: src.trim(), expr, vars, ranges }], failed: 0 };
}

async function loadStdin(onError: "stop" | "skip"): Promise<Loaded> {
  const jobs: Job[] = [];
  let failed = 0;
  for await (const l of readLines(Deno.stdin.readable)) {
    if (l.text.trim() === "") continue;
    try {
      const rec = parseLine(ExpressionRecord, l);
      const ranges = Object.fromEntries(Object.entries(rec.ranges ?? {}).map(([k, r]) => [k, [r[0], r[1]] as const]));
      jobs.push({ id: rec.id, expr: parseExpr(rec.expr, rec.vars), vars: rec.vars, ranges, record: rec });
    } catch (e) {
      const msg = e instanceof JsonlError
        ? e.message
        : e instanceof z.ZodError
        ? `line ${l.line}: ${describeZodError(e)}`
        : `line ${l.line}: ${(e as Error).message}`;
      console.error(`optimize: stdin: ${msg}`);
      failed++;
      if (onError === "stop") break;
    }
  }
  return { jobs, failed };
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
  const input = positionals[0];
  const ranges = Object.fromEntries(opts.range) as Record<string, Interval>;
  let loaded: Loaded;
  if (input === undefined || input === "-") {
    if (input === undefined && Deno.stdin.isTerminal()) {
      throw new CliError(`optimize: no INPUT and stdin is a terminal\n\n${OptimizeCmd.usage}`, EXIT_USAGE);
    }
    loaded = await loadStdin(opts["on-error"]);
  } else if (input.endsWith(".fpcore") || (input.includes("/") && (await isFile(input)))) {
    if (opts.range.length > 0) {
      throw new CliError("optimize: --range is for expression inputs; FPCore files give ranges in :pre", EXIT_USAGE);
    }
    loaded = await loadFile(input, opts.name);
  } else {
    if (opts.name !== undefined) throw new CliError("optimize: --name selects from an FPCore file", EXIT_USAGE);
    loaded = loadExpression(input, ranges);
  }
  const settings: OptimizeSettings = {
    rules: rulesOf(opts.rules),
    nodeLimit: opts["node-limit"],
    iterLimit: opts["iter-limit"],
    timeLimitMs: opts.time * 1000,
    allowApprox: opts.approx,
    k: opts.k,
    samples: opts.samples,
    seed: opts.seed,
  };
  const enc = new TextEncoder();
  const w = Deno.stdout.writable.getWriter();
  let inSum = 0, outSum = 0, improved = 0, dLeft = 0;
  try {
    for (const [i, job] of loaded.jobs.entries()) {
      if (loaded.jobs.length > 1) console.error(`optimize: [${i + 1}/${loaded.jobs.length}] ${job.id}`);
      const r = optimizeKernel(job, settings);
      inSum += r.sat.inputCost;
      outSum += r.sat.bestCost;
      if (r.sat.improved) improved++;
      if (r.sat.derivativesLeft) dLeft++;
      const text = opts.jsonl ? JSON.stringify(resultRecord(r)) : formatResult(r, settings.samples) + "\n";
      await w.write(enc.encode(text + "\n"));
    }
    if (!opts.jsonl && loaded.jobs.length > 1) {
      await w.write(enc.encode(
        `${loaded.jobs.length} kernels: static cost ${fmt(inSum)} -> ${fmt(outSum)} (x${
          (outSum / inSum).toFixed(3)
        }), ${improved} improved, ${dLeft} with derivatives left, ${loaded.failed} failed to parse\n`,
      ));
    }
  } finally {
    await w.close();
  }
  if (loaded.jobs.length === 0 && loaded.failed === 0) {
    console.error("optimize: no input kernels");
    return EXIT_DATA;
  }
  return loaded.failed > 0 && opts["on-error"] === "stop" ? EXIT_DATA : EXIT_OK;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
