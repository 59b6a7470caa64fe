/**
 * `deno task eval:bwd`: recovery of backward-generated pairs. Fresh fused
 * expressions (a seed range Loop B never uses) are unfused by 1-10 random
 * reverse rewrites; the optimizer (by default `optimize` as the user runs
 * it, or the guided search's own best state) recovers a pair when its
 * result costs at most what the fused original costs, both by the static
 * table and by the Judge. Reported by number of unfusing steps. Anchor:
 * Lample and Charton's backward-generated integration reached 99.6%.
 *
 * With `--clock` a pair is judged by the clock as well: the returned form
 * and the fused original (two separate builds of it) are timed in one
 * harness run (every pair), and the pair counts as recovered when the
 * result measures no slower than the original within the harness's noise
 * (how far the original's two builds fall apart); a result identical to the
 * original counts without timing.
 */
import { z } from "zod";
import { randomFusedExpr } from "../pipeline/expr/fused.ts";
import { DEFAULT_GEN, Rng } from "../pipeline/expr/random.ts";
import { staticCost } from "../pipeline/expr/cost.ts";
import { printFPCore } from "../pipeline/expr/print.ts";
import { endOfJob, type Expr } from "../pipeline/expr/expr.ts";
import { ALL_RULES } from "../pipeline/rules/all.ts";
import { describeWeights, networkOf, weightsSource } from "../pipeline/nnue/profiles.ts";
import { costTableFor } from "../pipeline/target/cost_tables.ts";
import { DEFAULT_GUIDED, type GuidedResult, guidedSearch } from "../pipeline/search/guided.ts";
import { optimize, type OptimizeResult } from "../pipeline/search/optimizer.ts";
import { unfuse } from "../pipeline/search/unfuse.ts";
import type { Ranges } from "../pipeline/expr/sample.ts";
import { type TimedCell, timePlan } from "../pipeline/kernel/timing_plan.ts";
import { kernelConfig } from "../pipeline/kernel/toolchain.ts";
import { median } from "../pipeline/base/stats.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { describeTarget, type Target } from "../pipeline/target/target.ts";
import { openFinalJudge } from "../pipeline/stages/optimize.ts";

const Cmd: cli.Command<{
  pairs: number;
  seed: number;
  budget: number;
  time: number;
  dir?: string;
  via: "optimize" | "search";
  rank: "judge" | "static";
  "judge-tolerance": number;
  verbose: boolean;
  "measure-misses": boolean;
  clock: boolean;
  "final-judge"?: "compiled" | "none";
  target?: string;
}> = {
  name: "eval:bwd",
  usage: `usage: deno task eval:bwd [--pairs N] [--seed S] [--budget R] [--time MS] [--dir D]
                          [--via optimize|search] [--rank judge|static]
                          [--judge-tolerance F] [--verbose] [--measure-misses]

N fresh backward-generated pairs (default 1000), optimized with the network in D
(default: this machine's profile, else the untrained network, i.e. the target's
static table) and costed by the target's table; prints the recovery rate by
number of unfusing steps.
  --via optimize  what the user gets: guided search, then the Judge's pick
                  among the tidied candidates under the accuracy guard (default)
  --via search    the guided search's own best state, as it ends
  --rank R        optimize's ranking of the found forms: judge (its default)
                  or static (the table first, the Judge breaking ties)
  --judge-tolerance F  Judge costs within this fraction count as equal (default
                  0.01, the repeat noise of the timings the Judge learns from);
                  the strict rate (no tolerance) is printed too
  --measure-misses  time each miss's result against its fused original, in one
                  harness run: whether the table or the Judge was right
  --clock         time every pair's result against its fused original, in one harness run,
                  and print recovery by the clock beside the cost models'
  --final-judge J optimize's final ranking: compiled (default when the weights have a
                  compiled-code Judge) or none
${cli.TARGET_USAGE}`,
  options: {
    pairs: { type: "string", default: "1000" },
    seed: { type: "string", default: "900001" },
    budget: { type: "string", default: String(DEFAULT_GUIDED.budget) },
    time: { type: "string", default: String(DEFAULT_GUIDED.timeMs) },
    dir: { type: "string" },
    via: { type: "string", default: "optimize" },
    rank: { type: "string", default: "judge" },
    "judge-tolerance": { type: "string", default: "0.01" },
    verbose: { type: "boolean", default: false },
    "measure-misses": { type: "boolean", default: false },
    clock: { type: "boolean", default: false },
    "final-judge": { type: "string" },
    ...cli.TARGET_OPTION,
  },
  schema: z.object({
    pairs: cli.intOption(1),
    seed: cli.intOption(0),
    budget: cli.intOption(1),
    time: cli.intOption(1),
    dir: z.string().optional(),
    via: z.enum(["optimize", "search"]),
    rank: z.enum(["judge", "static"]),
    "judge-tolerance": z.coerce.number().min(0).max(0.5),
    verbose: z.boolean(),
    "measure-misses": z.boolean(),
    clock: z.boolean(),
    "final-judge": z.enum(["compiled", "none"]).optional(),
    target: cli.targetOption,
  }),
};

const BUCKETS = [[1, 2], [3, 5], [6, 10]] as const;

interface Tally {
  n: number;
  ok: number;
  strict: number;
  found: number;
  ms: number;
}

/** What the guided search returned, and every form it ranked at the end. */
function searchOutcome(r: GuidedResult): { got: Expr; pool: Expr[] } {
  return { got: r.best.expr, pool: r.choices.map((c) => c.expr) };
}

/** What optimize returned, and every form that passed its accuracy guard. */
function optimizeOutcome(r: OptimizeResult): { got: Expr; pool: Expr[] } {
  return { got: r.best.expr, pool: r.candidates.filter((c) => c.accepted).map((c) => c.expr) };
}

/** A pair whose result the table or the Judge rates worse than the fused original. */
interface Miss {
  readonly fused: Expr;
  readonly got: Expr;
}

/** The `forms` of each pair, timed in one harness run against its fused original's reference outputs. */
function timePairs<P extends Miss>(
  pairs: readonly P[],
  forms: (p: P) => { readonly expr: Expr; readonly copy?: number }[],
  vars: readonly string[],
  ranges: Ranges,
  target: Target,
): Promise<TimedCell[][]> {
  return timePlan(
    pairs.map((p) => ({
      vars,
      ranges,
      reference: p.fused,
      entries: forms(p).map((f, i) => ({ label: String(i), ...f, config: kernelConfig(target) })),
    })),
    { target, progress: (m) => console.error(`eval:bwd: ${m}`) },
  );
}

/** Measured within this of the fused original counts as as fast (the harness's same-run ratio noise is ~1%). */
const MEASURED_TIE = 0.02;

/** Times every miss's result against its fused original in one harness run. */
async function missReport(
  misses: readonly Miss[],
  vars: readonly string[],
  ranges: Ranges,
  all: Tally,
  target: Target,
): Promise<string> {
  if (misses.length === 0) return "(no misses to measure)";
  const cells = await timePairs(misses, (m) => [{ expr: m.fused }, { expr: m.got }], vars, ranges, target);
  const ratios = cells.flatMap(([f, g]) => (f.ok && g.ok ? [g.nsPerElem / f.nsPerElem] : []));
  const asFast = ratios.filter((r) => r <= 1 + MEASURED_TIE).length;
  const both = all.ok + asFast;
  return `misses measured against the fused original (one harness run): ${ratios.length} timed, ` +
    `${asFast} as fast or faster (within ${100 * MEASURED_TIE}%), ${ratios.length - asFast} slower; ` +
    `median time ratio result/fused ${median(ratios).toFixed(3)}\n` +
    `recovered, or measured as fast as the fused original: ${both} of ${all.n} (${(100 * both / all.n).toFixed(1)}%)`;
}

/** A pair to time: the fused original, what came back, and its bucket of unfusing steps. */
interface Timed extends Miss {
  readonly bucket: number;
}

/**
 * Recovery by the clock: every pair's result timed against its fused
 * original in one harness run, by bucket, beside the cost models' rate.
 * The fused original is built twice (two functions of identical code); how
 * far apart their timings fall (the 95th percentile over the pairs) is the
 * harness's noise, and a result within it of their mean time counts as no
 * slower.
 */
async function clockReport(
  pairs: readonly Timed[],
  vars: readonly string[],
  ranges: Ranges,
  stats: readonly Tally[],
  target: Target,
  verbose: boolean,
): Promise<string> {
  const differ = pairs.filter((p) => p.got !== p.fused);
  // The second timing of the original is a separate build of it: the same
  // function timed twice would hide how far builds of one code fall apart.
  const cells = await timePairs(
    differ,
    (p) => [{ expr: p.fused }, { expr: p.got }, { expr: p.fused, copy: 1 }],
    vars,
    ranges,
    target,
  );
  const ratio = new Map<Timed, number>(), repeat: number[] = [];
  differ.forEach((p, i) => {
    const [f, g, f2] = cells[i];
    if (f.ok && g.ok && f2.ok) {
      ratio.set(p, g.nsPerElem / ((f.nsPerElem + f2.nsPerElem) / 2));
      repeat.push(Math.abs(Math.log(f2.nsPerElem / f.nsPerElem)));
    } else ratio.set(p, NaN);
  });
  const noise = repeat.length > 0 ? Math.exp(quantile(repeat, 0.95)) - 1 : MEASURED_TIE;
  const failed = [...ratio.values()].filter((r) => Number.isNaN(r)).length;
  if (verbose) {
    for (const [p, r] of ratio) {
      if (!(r <= 1 + noise)) {
        console.error(`clock miss (${r.toFixed(3)}x):\n  fused ${printFPCore(p.fused)}\n  got   ${printFPCore(p.got)}`);
      }
    }
  }
  const pct = (k: number, n: number) => `${(100 * k / Math.max(1, n)).toFixed(1)}%`;
  const lines = [
    `BWD recovery by the clock (result and fused original timed in one harness run; ${differ.length} pairs timed, ` +
    `${pairs.length - differ.length} returned the fused form itself${failed > 0 ? `, ${failed} failed to time` : ""})`,
    `harness noise: two builds of the fused original differ by up to ${(100 * noise).toFixed(1)}% ` +
    `(95th percentile over ${repeat.length} pairs; median ${
      (100 * (Math.exp(quantile(repeat, 0.5)) - 1)).toFixed(1)
    }%)`,
    `steps    pairs   by clock (within noise)   within 2%   cost models   median result/fused`,
  ];
  const row = (label: string, ps: readonly Timed[], costOk: number) => {
    const rs = ps.map((p) => (p.got === p.fused ? 1 : ratio.get(p)!));
    const within = (t: number) => rs.filter((r) => r <= 1 + t).length;
    const timedRs = rs.filter((r, k) => ps[k].got !== ps[k].fused && Number.isFinite(r));
    return `${label.padEnd(7)} ${String(ps.length).padStart(6)} ${
      `${within(noise)} ${pct(within(noise), ps.length)}`.padStart(25)
    } ${pct(within(MEASURED_TIE), ps.length).padStart(11)} ${pct(costOk, ps.length).padStart(13)} ${
      (timedRs.length > 0 ? median(timedRs).toFixed(3) : "-").padStart(21)
    }`;
  };
  BUCKETS.forEach(([lo, hi], k) => lines.push(row(`${lo}-${hi}`, pairs.filter((p) => p.bucket === k), stats[k].ok)));
  lines.push(row("all", pairs, stats.reduce((s, x) => s + x.ok, 0)));
  lines.push("(a pair that failed to time counts as not recovered; target: 99.6% by the clock)");
  return lines.join("\n");
}

/** The q-quantile of `xs` (nearest rank). */
function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

if (import.meta.main) {
  await cli.runMain(async () => {
    const parsed = cli.parseCommand(Cmd, Deno.args);
    if (parsed === null) return cli.EXIT_OK;
    const o = parsed.opts;
    const target = cli.commandTarget("eval:bwd", o.target, o["measure-misses"] || o.clock);
    // The profile's weights and its target's table, as optimize would use them here.
    const source = weightsSource(target, o.dir);
    const costs = costTableFor(target.isa, "kopt");
    console.error(`eval:bwd: target ${describeTarget(target)}; ${describeWeights(source)}; costs ${costs.name}`);
    using nw = networkOf(source, costs);
    const finalJudge = o.via === "optimize" && o.rank === "judge"
      ? openFinalJudge("eval:bwd", o.dir, target, o["final-judge"])
      : null;
    const timed: Timed[] = [];
    const rng = new Rng(o.seed);
    const vars = ["x", "y", "z"];
    const range = DEFAULT_GEN.range;
    const ranges = Object.fromEntries(vars.map((v) => [v, range] as const));
    const stats = BUCKETS.map(() => ({ n: 0, ok: 0, strict: 0, found: 0, ms: 0 }));
    const misses: Miss[] = [];
    const t0 = performance.now();
    for (let i = 0; i < o.pairs; i++) {
      if (i > 0) await endOfJob(); // earlier pairs' nodes can go
      const fused = randomFusedExpr(rng, { vars, range, depth: 1 + rng.int(2) });
      const u = unfuse(fused, 1 + rng.int(10), rng, ranges, ALL_RULES);
      if (u.steps.length === 0) continue;
      const t = performance.now();
      const { got, pool } = o.via === "search"
        ? searchOutcome(
          guidedSearch(u.expr, nw, {
            costs: costs,
            rules: ALL_RULES,
            ranges,
            budget: o.budget,
            timeMs: o.time,
            seed: i,
          }),
        )
        : optimizeOutcome(optimize(u.expr, vars, ranges, nw, {
          rules: ALL_RULES,
          costs: costs,
          budget: o.budget,
          timeMs: o.time,
          seed: i,
          rank: o.rank,
          ...(finalJudge !== null ? { finalJudge } : {}),
        }));
      const ms = performance.now() - t;
      const target = { cost: staticCost(fused, costs), judge: nw.judgeCost(fused) };
      const asGood = (e: Expr, judged: number, tolerance: number) =>
        staticCost(e, costs) <= target.cost + 1e-9 && judged <= target.judge * (1 + tolerance);
      const judged = nw.judgeCost(got);
      const strict = asGood(got, judged, 1e-6);
      const good = asGood(got, judged, o["judge-tolerance"]);
      const inPool = () => {
        const judgedPool = nw.judgeCosts(pool);
        return pool.some((e, k) => asGood(e, judgedPool[k], o["judge-tolerance"]));
      };
      const found = good || inPool(); // the pool is judged only when the result missed
      const b = BUCKETS.findIndex(([lo, hi]) => u.steps.length >= lo && u.steps.length <= hi);
      const s = stats[b];
      s.n++;
      s.ms += ms;
      if (strict) s.strict++;
      if (found) s.found++;
      if (good) s.ok++;
      else if (o["measure-misses"]) misses.push({ fused, got });
      if (o.clock) timed.push({ fused, got, bucket: b });
      if (!good && o.verbose) {
        console.error(
          `miss (${u.steps.join(",")}):\n  fused ${printFPCore(fused)}\n  got   ${printFPCore(got)}`,
        );
      }
      if ((i + 1) % 100 === 0) console.error(`eval:bwd: ${i + 1}/${o.pairs}`);
    }
    const how = o.via === "search" ? "guided search's best state" : `optimize --rank ${o.rank}`;
    console.log(`BWD recovery (${how}, budget ${o.budget} rewrites / ${o.time} ms, all ${ALL_RULES.length} rules)`);
    const tol = `${(100 * o["judge-tolerance"]).toFixed(1)}%`;
    console.log(
      `steps    pairs  recovered   rate  (Judge within ${tol})   strict rate   found rate   mean ms`,
    );
    const pct = (k: number, n: number) => `${(100 * k / Math.max(1, n)).toFixed(1)}%`;
    const row = (label: string, x: Tally) =>
      `${label.padEnd(7)} ${String(x.n).padStart(6)} ${String(x.ok).padStart(10)} ${pct(x.ok, x.n).padStart(7)} ${
        " ".repeat(20)
      } ${pct(x.strict, x.n).padStart(7)} ${pct(x.found, x.n).padStart(12)} ${
        (x.ms / Math.max(1, x.n)).toFixed(0).padStart(9)
      }`;
    BUCKETS.forEach(([lo, hi], k) => console.log(row(`${lo}-${hi}`, stats[k])));
    const all = stats.reduce((a, x) => ({
      n: a.n + x.n,
      ok: a.ok + x.ok,
      strict: a.strict + x.strict,
      found: a.found + x.found,
      ms: a.ms + x.ms,
    }));
    console.log(row("all", all));
    console.log(
      "(found: a form at least as good as the fused original, by the table and the Judge, was among the forms\n" +
        " the optimizer ranked at the end; recovered: it was the one returned)",
    );
    console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s total; target 99.6%)`);
    if (o["measure-misses"]) console.log(await missReport(misses, vars, ranges, all, target));
    if (o.clock) console.log(await clockReport(timed, vars, ranges, stats, target, o.verbose));
    return cli.EXIT_OK;
  });
}
