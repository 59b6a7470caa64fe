/**
 * `deno task eval:search`: guided search against equality saturation, on
 * the kernel corpus, at equal wall time per kernel.
 *
 * Methods: guided search with the shipped network (trained Judge and
 * Guide), guided search with an untrained Guide (the trained Judge alone),
 * and saturation (node limit 100,000, the same time limit) with static-cost
 * extraction, i.e. the baseline a plain e-graph optimizer gives. Every
 * method's result passes the same accuracy guard. Each (method, rule set)
 * runs in its own process, so its peak resident memory (VmHWM) is its own;
 * the chosen kernels of all methods are then timed together in one harness
 * run, so the measured speedups compare like with like. Workers collect
 * garbage between kernels, so the peak is the largest kernel's, for every
 * method alike.
 *
 * Then the same for growing rule sets (20, 50, 100, all; domain
 * round-robin), to show how time and memory grow with the rules.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { endOfJob } from "../pipeline/expr/expr.ts";
import { parseExpr } from "../pipeline/expr/fpcore.ts";
import { printFPCore } from "../pipeline/expr/print.ts";
import { jobRanges } from "../pipeline/search/jobs.ts";
import { geomean } from "../pipeline/kernel/peers.ts";
import { spread } from "../pipeline/compare/sweep.ts";
import { timePlan } from "../pipeline/kernel/timing_plan.ts";
import { kernelConfig } from "../pipeline/kernel/toolchain.ts";
import { lookaheadHead } from "../pipeline/nnue/guide_init.ts";
import { median } from "../pipeline/base/stats.ts";
import { describeWeights, networkOf, weightsSource } from "../pipeline/nnue/profiles.ts";
import { costTableFor } from "../pipeline/target/cost_tables.ts";
import { rulesRoundRobin } from "../pipeline/rules/all.ts";
import { optimize } from "../pipeline/search/optimizer.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { describeTarget, type Target } from "../pipeline/target/target.ts";
import { loadCorpus } from "../pipeline/records/corpus.ts";
import type { ExpressionRecord } from "../pipeline/records/schema.ts";
import { KERNELS_DIR, ROOT } from "../pipeline/base/paths.ts";

const METHODS = ["guided", "untrained", "saturate"] as const;
type Method = typeof METHODS[number];

/** What a worker reports for one kernel. */
const KernelRun = z.object({
  id: z.string(),
  chosen: z.string(),
  predictedNs: z.number(),
  staticCost: z.number(),
  timeMs: z.number(),
  /** Time until the chosen form was found (guided), or the whole run (saturation extracts at the end). */
  timeToBestMs: z.number(),
  rewrites: z.number(),
  stopped: z.string(),
});
const WorkerReport = z.object({ runs: z.array(KernelRun), peakRssMb: z.number() });
type KernelRun = z.infer<typeof KernelRun>;

/** Peak resident set of this process, from /proc (what the kernel saw, JS heap and C alike). */
function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m === null ? NaN : Number(m[1]) / 1024;
}

async function runWorker(
  target: Target,
  method: Method,
  ruleCount: number,
  timeMs: number,
  records: readonly ExpressionRecord[],
): Promise<void> {
  const all = rulesRoundRobin();
  const rules = ruleCount > 0 ? all.slice(0, ruleCount) : all;
  // The profile's weights and its target's table, as optimize would use them here.
  const costs = costTableFor(target.isa, "kopt");
  using nw = networkOf(weightsSource(target), costs);
  if (method === "untrained") nw.net.setHead("guide", lookaheadHead());
  const runs: KernelRun[] = [];
  for (const rec of records) {
    const e = parseExpr(rec.expr, rec.vars);
    const ranges = jobRanges(rec);
    const t0 = performance.now();
    const r = optimize(e, rec.vars, ranges, nw, {
      rules,
      costs,
      search: method === "saturate" ? "saturate" : "guided",
      rank: method === "saturate" ? "static" : "judge",
      timeMs,
      budget: 1_000_000,
      nodeLimit: 100_000,
    });
    const run = {
      id: rec.id,
      chosen: printFPCore(r.best.expr),
      predictedNs: r.best.predictedNs,
      staticCost: r.best.staticCost,
      timeMs: performance.now() - t0,
      timeToBestMs: r.search.timeToBestMs,
      rewrites: r.search.rewrites,
      stopped: r.search.stopped,
    };
    runs.push(run);
    // Collect the kernel's garbage before the next one (the worker runs with
    // --expose-gc), so the peak is one kernel's working set, not the
    // garbage of all earlier kernels that V8 had not yet collected; first
    // the job ends, or the WeakRef targets of the job stay alive (endOfJob).
    await endOfJob();
    (globalThis as { gc?: () => void }).gc?.();
  }
  console.log(JSON.stringify({ runs, peakRssMb: peakRssMb() }));
}

const Cmd: cli.Command<{
  time: number;
  kernels: number;
  "sweep-kernels": number;
  sets: string;
  worker?: string;
  target?: string;
}> = {
  name: "eval:search",
  usage: `usage: deno task eval:search [--time MS] [--kernels N] [--sweep-kernels M] [--sets 20,50,100,all]

Guided search (trained network), guided search with an untrained Guide, and
saturation (100,000 nodes) on the kernel corpus, each with the same time limit
per kernel (default 2000 ms); the chosen kernels are timed in one harness run.
Then the rule-set sweep on M kernels (default 12).
${cli.TARGET_USAGE}`,
  options: {
    time: { type: "string", default: "2000" },
    kernels: { type: "string", default: "0" },
    "sweep-kernels": { type: "string", default: "12" },
    sets: { type: "string", default: "20,50,100,all" },
    worker: { type: "string" },
    ...cli.TARGET_OPTION,
  },
  schema: z.object({
    time: cli.intOption(1),
    kernels: cli.intOption(0),
    "sweep-kernels": cli.intOption(1),
    sets: z.string().regex(/^((\d+|all),)*(\d+|all)$/),
    worker: z.string().optional(),
    target: cli.targetOption,
  }),
};

const SELF = fileURLToPath(import.meta.url);

/** Runs one (method, rule count) in a child process; returns its report. */
async function inChild(target: Target, method: Method, rules: number, time: number, ids: readonly string[]) {
  const p = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      SELF,
      "--worker",
      JSON.stringify({ method, rules, ids }),
      "--time",
      String(time),
      "--target",
      target.isa,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  });
  const out = await p.output();
  if (!out.success) throw new Error(`eval:search worker ${method}/${rules} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return WorkerReport.parse(JSON.parse(lines[lines.length - 1]));
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

/**
 * Times what each report chose for each record (one column per report) in
 * one harness run: ns per element, NaN where a build failed.
 */
async function timeChoices(
  records: readonly ExpressionRecord[],
  reports: readonly z.infer<typeof WorkerReport>[],
  target: Target,
): Promise<number[][]> {
  const groups = records.map((rec, i) => ({
    vars: rec.vars,
    ranges: rec.ranges,
    reference: parseExpr(rec.expr, rec.vars),
    entries: reports.map((r, j) => ({
      label: String(j),
      expr: parseExpr(r.runs[i].chosen, rec.vars),
      config: kernelConfig(target),
    })),
  }));
  const cells = await timePlan(groups, { target, progress: (m) => console.error(`eval:search: ${m}`) });
  return cells.map((row) => row.map((c) => (c.ok ? c.nsPerElem : NaN)));
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = cli.parseCommand(Cmd, argv);
  if (parsed === null) return cli.EXIT_OK;
  const o = parsed.opts;
  const { records: corpus, skipped } = loadCorpus([KERNELS_DIR]);
  for (const m of skipped) console.error(`eval:search: skipped ${m}`);
  if (o.worker !== undefined) {
    const w = z.object({ method: z.enum(METHODS), rules: z.number(), ids: z.array(z.string()) }).parse(
      JSON.parse(o.worker),
    );
    const byId = new Map(corpus.map((r) => [r.id, r]));
    const target = cli.commandTarget("eval:search", o.target, false);
    await runWorker(target, w.method, w.rules, o.time, w.ids.map((id) => byId.get(id)!));
    return cli.EXIT_OK;
  }
  const target = cli.commandTarget("eval:search", o.target, true);
  const kernels = spread(corpus, o.kernels);
  const ids = kernels.map((k) => k.id);
  const all = rulesRoundRobin().length;
  console.log(
    `# eval:search  ${new Date().toISOString()}  target ${describeTarget(target)}; ${
      describeWeights(weightsSource(target))
    }`,
  );
  console.log(`${kernels.length} kernels of data/kernels, ${o.time} ms per kernel and method, all ${all} exact rules`);

  const reports = {} as Record<Method, z.infer<typeof WorkerReport>>;
  for (const m of METHODS) {
    console.error(`eval:search: ${m} on ${kernels.length} kernels`);
    reports[m] = await inChild(target, m, 0, o.time, ids);
  }
  const ns = (await timeChoices(kernels, METHODS.map((m) => reports[m]), target))
    .map((row) => Object.fromEntries(METHODS.map((m, j) => [m, row[j]])) as Record<Method, number>);
  console.log("\nkernel                                  guided ns  untrained ns  saturate ns   guided/sat speedup");
  kernels.forEach((k, i) => {
    const r = ns[i];
    console.log(
      `${(k.name ?? k.id).slice(0, 38).padEnd(38)} ${r.guided.toFixed(3).padStart(10)} ${
        r.untrained.toFixed(3).padStart(13)
      } ${r.saturate.toFixed(3).padStart(12)} ${(r.saturate / r.guided).toFixed(2).padStart(12)}x`,
    );
  });
  const ok = ns.filter((r) => METHODS.every((m) => Number.isFinite(r[m])));
  console.log(`\nmethod      geomean ns  speedup vs saturation  median time-to-best ms  median rewrites  peak RSS MB`);
  for (const m of METHODS) {
    const g = geomean(ok.map((r) => r[m]));
    const gs = geomean(ok.map((r) => r.saturate / r[m]));
    const runs = reports[m].runs;
    console.log(
      `${m.padEnd(11)} ${g.toFixed(3).padStart(10)} ${f2(gs).padStart(21)}x ${
        f1(median(runs.map((r) => r.timeToBestMs))).padStart(23)
      } ${String(median(runs.map((r) => r.rewrites))).padStart(16)} ${f1(reports[m].peakRssMb).padStart(12)}`,
    );
  }
  console.log(`(${ok.length} kernels timed by all methods; target: guided >= 1.10x over saturation)`);

  // The sweep: growing rule sets on a subset. Every choice of every set is
  // timed in one harness run, so the sets compare like with like.
  const sweep = spread(kernels, o["sweep-kernels"]);
  const sets = o.sets.split(",").map((s) => (s === "all" ? 0 : Number(s)));
  const cases = sets.flatMap((n) => (["guided", "saturate"] as const).map((m) => ({ n, m })));
  const sweepReports: z.infer<typeof WorkerReport>[] = [];
  for (const c of cases) {
    console.error(`eval:search: sweep, ${c.m} with ${c.n === 0 ? all : c.n} rules`);
    sweepReports.push(await inChild(target, c.m, c.n, o.time, sweep.map((k) => k.id)));
  }
  const sweepNs = (await timeChoices(sweep, sweepReports, target)).filter((row) => row.every(Number.isFinite));
  console.log(`\n## rule-set sweep: ${sweep.length} kernels, ${o.time} ms each`);
  console.log(
    "rules  method      geomean ns  median time-to-best ms  mean time ms  median rewrites  us/rewrite  peak RSS MB",
  );
  cases.forEach((c, j) => {
    const runs = sweepReports[j].runs;
    const rewrites = runs.reduce((s, x) => s + x.rewrites, 0);
    const totalMs = runs.reduce((s, x) => s + x.timeMs, 0);
    const perRewrite = rewrites === 0 ? "-" : f1((1000 * totalMs) / rewrites);
    console.log(
      `${String(c.n === 0 ? all : c.n).padStart(5)}  ${c.m.padEnd(10)} ${
        geomean(sweepNs.map((row) => row[j])).toFixed(3).padStart(10)
      } ${f1(median(runs.map((x) => x.timeToBestMs))).padStart(23)} ${f1(totalMs / runs.length).padStart(13)} ${
        String(median(runs.map((x) => x.rewrites))).padStart(16)
      } ${perRewrite.padStart(11)} ${f1(sweepReports[j].peakRssMb).padStart(12)}`,
    );
  });
  console.log("(geomean ns over the kernels every case could time; us/rewrite: search time over rewrites applied)");
  return cli.EXIT_OK;
}

if (import.meta.main) await cli.runMain(() => main(Deno.args));
