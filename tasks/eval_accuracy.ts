/**
 * `deno task eval:accuracy`: issue 17's figure for `--objective accuracy`.
 * On FPBench (the forms the optimizer accepts, i.e. without loops), for the
 * kernels whose original max error is at least 16 floored ulps (as the
 * accuracy guard measures it: float32 model against float64, samples over
 * every range, ends included), how many get their max error at least halved
 * by `optimize --objective accuracy`, and at what speed: the Judge's
 * predicted time of the result over the original's, and with `--measure`
 * both timed by the clock in one harness run (our SIMD code of each).
 * Target: halved on at least half of them, at most 5% slower.
 */
import { join } from "node:path";
import { z } from "zod";
import { ROOT } from "../pipeline/base/paths.ts";
import { eliminateDerivatives } from "../pipeline/expr/derivative.ts";
import { endOfJob, type Expr } from "../pipeline/expr/expr.ts";
import { evaluateBatch } from "../pipeline/expr/evaluate.ts";
import { sampleInputs } from "../pipeline/expr/sample.ts";
import { flooredErrorStats } from "../pipeline/expr/ulp.ts";
import { geomean } from "../pipeline/kernel/peers.ts";
import { timePlan } from "../pipeline/kernel/timing_plan.ts";
import { kernelConfig } from "../pipeline/kernel/toolchain.ts";
import { describeWeights, networkOf, weightsSource } from "../pipeline/nnue/profiles.ts";
import { loadCorpus } from "../pipeline/records/corpus.ts";
import { type Job, jobOf } from "../pipeline/records/job.ts";
import { ALL_RULES } from "../pipeline/rules/all.ts";
import { DEFAULT_SEARCH, jobRanges, optimizeJob } from "../pipeline/search/jobs.ts";
import { infixShared } from "../pipeline/stages/shared_print.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { costTableFor } from "../pipeline/target/cost_tables.ts";
import { describeTarget } from "../pipeline/target/target.ts";

const Cmd: cli.Command<{ corpus: string; time: number; "min-ulp": number; measure: boolean; target?: string }> = {
  name: "eval:accuracy",
  usage: `usage: deno task eval:accuracy [--corpus DIR] [--time S] [--min-ulp U] [--measure]

For the kernels of the corpus (default ../shared/fpbench) whose original max
error is at least U floored ulps (default 16): the max error before and after
optimize --objective accuracy (--time S of search per kernel, and as long
again for the accuracy search; default 1), whether it is at least halved, and
the predicted time ratio (the Judge); --measure also times the original and
the result (our SIMD code) in one harness run.
${cli.TARGET_USAGE}`,
  options: {
    corpus: { type: "string", default: join(ROOT, "..", "shared", "fpbench") },
    time: { type: "string", default: "1" },
    "min-ulp": { type: "string", default: "16" },
    measure: { type: "boolean", default: false },
    ...cli.TARGET_OPTION,
  },
  schema: z.object({
    corpus: z.string(),
    time: cli.numberOption(0.001, 3600),
    "min-ulp": cli.numberOption(0),
    measure: z.boolean(),
    target: cli.targetOption,
  }),
};

/** The original's max error as the optimizer's guard measures it (same samples and seed). */
function originalMaxUlp(job: Job): number {
  const cols = sampleInputs(job.vars, jobRanges(job), DEFAULT_SEARCH.samples, DEFAULT_SEARCH.seed);
  const reference = evaluateBatch(job.expr, job.vars, cols, 64);
  return flooredErrorStats(evaluateBatch(eliminateDerivatives(job.expr), job.vars, cols, 32), reference).maxUlp;
}

interface Row {
  readonly job: Job;
  readonly before: number;
  readonly after: number;
  /** Predicted time of the result over the original's (the Judge). */
  readonly predicted: number;
  readonly expr: Expr;
  readonly base: Expr;
  /** Measured time of the result over the original's (NaN: not timed). */
  measured: number;
}

const fmtUlp = (u: number) => u >= 1e5 ? u.toExponential(1) : u.toFixed(1);

async function main(argv: readonly string[]): Promise<number> {
  const parsed = cli.parseCommand(Cmd, argv);
  if (parsed === null) return cli.EXIT_OK;
  const o = parsed.opts;
  const target = cli.commandTarget("eval:accuracy", o.target, o.measure);
  const { records, skipped } = loadCorpus([o.corpus]);
  const jobs = records.map(jobOf);
  const chosen = jobs.map((j) => ({ j, ulp: originalMaxUlp(j) })).filter((x) => x.ulp >= o["min-ulp"]);
  const costs = costTableFor(target.isa, "kopt");
  const source = weightsSource(target);
  console.log(
    `# eval:accuracy  ${new Date().toISOString()}  target ${describeTarget(target)}; ${describeWeights(source)}`,
  );
  console.log(
    `${o.corpus}: ${jobs.length} kernels accepted (${skipped.length} refused: loops and other constructs); ` +
      `${chosen.length} with original max error >= ${o["min-ulp"]} ulp; --objective accuracy, ${o.time} s search`,
  );
  using nw = networkOf(source, costs);
  const settings = {
    ...DEFAULT_SEARCH,
    rules: ALL_RULES,
    costs,
    timeMs: o.time * 1000,
    objective: "accuracy" as const,
  };
  const rows: Row[] = [];
  for (const [i, { j }] of chosen.entries()) {
    if (i > 0) await endOfJob();
    console.error(`eval:accuracy: [${i + 1}/${chosen.length}] ${j.name ?? j.id}`);
    const r = optimizeJob(j, settings, nw);
    rows.push({
      job: j,
      before: r.baseline.error.maxUlp,
      after: r.best.error.maxUlp,
      predicted: r.best.predictedNs / r.baseline.predictedNs,
      expr: r.best.expr,
      base: r.baseline.expr,
      measured: NaN,
    });
  }
  if (o.measure && rows.length > 0) {
    const cells = await timePlan(
      rows.map((x) => ({
        vars: x.job.vars,
        ranges: jobRanges(x.job),
        reference: x.job.expr,
        entries: [
          { label: "original", expr: x.base, config: kernelConfig(target) },
          { label: "accurate", expr: x.expr, config: kernelConfig(target) },
        ],
      })),
      { target, progress: (m) => console.error(`eval:accuracy: ${m}`) },
    );
    cells.forEach(([a, b], i) => {
      if (a.ok && b.ok) rows[i].measured = b.nsPerElem / a.nsPerElem;
    });
  }

  console.log(
    `\n${"kernel".padEnd(36)} ${"max ulp".padStart(9)} ${"-> after".padStart(9)}  halved ${"pred".padStart(6)} ${
      "meas".padStart(6)
    }  result`,
  );
  for (const x of rows) {
    const halved = x.after <= x.before / 2;
    console.log(
      `${(x.job.name ?? x.job.id).slice(0, 36).padEnd(36)} ${fmtUlp(x.before).padStart(9)} ${
        fmtUlp(x.after).padStart(9)
      }  ${(halved ? "yes" : "no").padEnd(6)} ${x.predicted.toFixed(2).padStart(6)} ${
        Number.isFinite(x.measured) ? x.measured.toFixed(2).padStart(6) : "     -"
      }  ${x.expr === x.base ? "(the original)" : infixShared(x.expr).slice(0, 90)}`,
    );
  }
  const halved = rows.filter((x) => x.after <= x.before / 2).length;
  const changed = rows.filter((x) => x.expr !== x.base).length;
  const timed = rows.filter((x) => Number.isFinite(x.measured));
  const slower = (xs: number[]) => xs.filter((r) => r > 1.05).length;
  console.log(
    `\nmax error halved on ${halved} of ${rows.length} kernels (${
      rows.length > 0 ? (100 * halved / rows.length).toFixed(0) : "-"
    }%; target: at least half); ${changed} returned a form other than the original`,
  );
  if (rows.length > 0) {
    const p = rows.map((x) => x.predicted);
    console.log(
      `predicted time, result / original: geomean ${geomean(p).toFixed(3)}, worst ${Math.max(...p).toFixed(3)}, ${
        slower(p)
      } more than 5% slower (target: at most 5% slower)`,
    );
  }
  if (timed.length > 0) {
    const m = timed.map((x) => x.measured);
    console.log(
      `measured time (one harness run, ${timed.length} kernels): geomean ${geomean(m).toFixed(3)}, worst ${
        Math.max(...m).toFixed(3)
      }, ${slower(m)} more than 5% slower`,
    );
    // Both halves of the target on the clock: halved, and measured at most 5% slower.
    const both = timed.filter((x) => x.after <= x.before / 2 && x.measured <= 1.05).length;
    console.log(
      `halved and measured at most 5% slower: ${both} of ${rows.length} kernels (${
        (100 * both / rows.length).toFixed(0)
      }%; target: at least half)`,
    );
  }
  return cli.EXIT_OK;
}

if (import.meta.main) await cli.runMain(() => main(Deno.args));
