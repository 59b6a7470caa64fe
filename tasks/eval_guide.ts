/**
 * `deno task eval:guide`: the trained Guide against the untrained one, by
 * the anytime curves of their searches on kernels Loop B never trains on
 * (data/kernels and FPBench; Loop B searches random and backward-generated
 * expressions).
 *
 * Both heads run the same seeded search with the same Judge and table, at
 * the same time limit, kernel by kernel in alternating order (so a slow
 * spell of the machine hits both alike). Printed per set: the final best by
 * the table, the best reached within fixed budgets of rewrites and of
 * milliseconds, and how long the trained Guide takes to reach the untrained
 * one's final best, as a share of the untrained one's own time to it: the
 * issue's "same quality in at most half the time" is a share of 0.5 or
 * less. The measured speed of the kernels each returns at equal time is
 * eval:search's.
 */
import { join } from "node:path";
import { z } from "zod";
import { parseExpr } from "../pipeline/expr/fpcore.ts";
import { endOfJob } from "../pipeline/expr/expr.ts";
import { median } from "../pipeline/base/stats.ts";
import { geomean } from "../pipeline/kernel/peers.ts";
import { lookaheadHead } from "../pipeline/nnue/guide_init.ts";
import { describeWeights, networkOf, weightsSource } from "../pipeline/nnue/profiles.ts";
import { loadCorpus } from "../pipeline/records/corpus.ts";
import type { ExpressionRecord } from "../pipeline/records/schema.ts";
import { ALL_RULES } from "../pipeline/rules/all.ts";
import {
  anytimeCurve,
  type AnytimePoint,
  bestBy,
  type Clock,
  finalBest,
  timeToReach,
} from "../pipeline/search/anytime.ts";
import { guidedSearch } from "../pipeline/search/guided.ts";
import { jobRanges } from "../pipeline/search/jobs.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { costTableFor } from "../pipeline/target/cost_tables.ts";
import { describeTarget } from "../pipeline/target/target.ts";
import { KERNELS_DIR, ROOT } from "../pipeline/base/paths.ts";

const Cmd: cli.Command<
  { time: number; every: number; corpus: string; fpbench: string; dir?: string; target?: string }
> = {
  name: "eval:guide",
  usage: `usage: deno task eval:guide [--time MS] [--every K] [--dir D] [--corpus DIR] [--fpbench DIR]

Searches every K-th kernel of the corpus and of FPBench twice, with the profile's
(or D's) Guide and with the untrained one, and compares their anytime curves.
  --time MS      time limit per search (default 2000, optimize's)
  --every K      every K-th kernel of each set (default 1)
  --dir D        weights to evaluate (default: this machine's profile)
${cli.TARGET_USAGE}`,
  options: {
    time: { type: "string", default: "2000" },
    every: { type: "string", default: "1" },
    corpus: { type: "string", default: KERNELS_DIR },
    fpbench: { type: "string", default: join(ROOT, "..", "shared", "fpbench") },
    dir: { type: "string" },
    ...cli.TARGET_OPTION,
  },
  schema: z.object({
    time: cli.intOption(1),
    every: cli.intOption(1),
    corpus: z.string(),
    fpbench: z.string(),
    dir: z.string().optional(),
    target: cli.targetOption,
  }),
};

const HEADS = ["trained", "untrained"] as const;
type Head = typeof HEADS[number];
const BUDGETS: Record<Clock, readonly number[]> = {
  rewrites: [25, 50, 100, 200, 400, 800],
  ms: [25, 50, 100, 200, 400],
};

/** Both heads' curves on one kernel. */
type Pair = Record<Head, readonly AnytimePoint[]>;

function setReport(name: string, pairs: readonly Pair[]): string[] {
  const f3 = (x: number) => x.toFixed(3);
  const ratio = (h: (p: Pair, head: Head) => number) => geomean(pairs.map((p) => h(p, "trained") / h(p, "untrained")));
  const lines = [`\n## ${name}: ${pairs.length} kernels`];
  const finals = pairs.map((p) => [finalBest(p.trained), finalBest(p.untrained)]);
  lines.push(
    `final best by the table, trained/untrained: ${f3(ratio((p, h) => finalBest(p[h])))} (geomean); trained ` +
      `lower on ${finals.filter(([t, u]) => t < u).length}, higher on ${finals.filter(([t, u]) => t > u).length}`,
  );
  for (const clock of ["rewrites", "ms"] as const) {
    lines.push(
      `best within ${clock}, trained/untrained: ` +
        BUDGETS[clock].map((b) => `${b}: ${f3(ratio((p, h) => bestBy(p[h], clock, b)))}`).join("  "),
    );
    // Only kernels the untrained search improved have a time to its best.
    const shares: number[] = [];
    let never = 0;
    for (const p of pairs) {
      const goal = finalBest(p.untrained);
      const own = timeToReach(p.untrained, clock, goal)!;
      if (own <= 0) continue;
      const t = timeToReach(p.trained, clock, goal);
      if (t === null) never++;
      else shares.push(Math.max(t, clock === "ms" ? 0.01 : 1) / own);
    }
    lines.push(
      `  ${clock} the trained Guide takes to reach the untrained one's final best, as a share of the untrained ` +
        `one's (${shares.length + never} kernels it improved): median ${f3(median(shares))}, geomean ${
          f3(geomean(shares))
        }; never reached on ${never} (target: 0.5 or less)`,
    );
  }
  return lines;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = cli.parseCommand(Cmd, argv);
  if (parsed === null) return cli.EXIT_OK;
  const o = parsed.opts;
  const target = cli.commandTarget("eval:guide", o.target, false);
  const source = weightsSource(target, o.dir);
  if (source.kind === "table") throw new cli.CliError(`eval:guide: ${describeWeights(source)}`, cli.EXIT_DATA);
  const costs = costTableFor(target.isa, "kopt");
  using nw = networkOf(source, costs);
  const heads: Record<Head, Float32Array> = {
    trained: Float32Array.from(nw.net.head("guide")),
    untrained: lookaheadHead(),
  };
  const same = heads.trained.every((x, i) => x === heads.untrained[i]);
  console.log(
    `# eval:guide  ${new Date().toISOString()}  target ${describeTarget(target)}; ${describeWeights(source)}`,
  );
  if (same) console.log("(these weights' Guide is the untrained one: run deno task train-guide first)");
  const sets: [string, ExpressionRecord[]][] = [
    ["data/kernels", loadCorpus([o.corpus]).records.filter((_, i) => i % o.every === 0)],
    ["fpbench", loadCorpus([o.fpbench]).records.filter((_, i) => i % o.every === 0)],
  ];
  const lines = [`${o.time} ms per search, ${ALL_RULES.length} rules, seed 1`];
  for (const [name, records] of sets) {
    const pairs: Pair[] = [];
    for (const [i, rec] of records.entries()) {
      const input = parseExpr(rec.expr, rec.vars);
      const curves = {} as Record<Head, readonly AnytimePoint[]>;
      // Alternate which head goes first, so drift in the machine's speed is shared.
      for (const head of i % 2 === 0 ? HEADS : [...HEADS].reverse()) {
        nw.net.setHead("guide", heads[head]);
        const r = guidedSearch(input, nw, {
          rules: ALL_RULES,
          costs,
          ranges: jobRanges(rec),
          timeMs: o.time,
          budget: 1e9,
        });
        curves[head] = anytimeCurve(r.input.cost, r.trajectory);
        await endOfJob();
      }
      pairs.push(curves);
      if ((i + 1) % 20 === 0) console.error(`eval:guide: ${name} ${i + 1}/${records.length}`);
    }
    lines.push(...setReport(name, pairs));
  }
  console.log(lines.join("\n"));
  return cli.EXIT_OK;
}

if (import.meta.main) await cli.runMain(() => main(Deno.args));
