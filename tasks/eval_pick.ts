/**
 * `deno task eval:pick`: how close the Judges' pick alone, with no
 * measurement, comes to the measured best of the forms they ranked, on the
 * kernel corpus (data/kernels) and FPBench (../shared/fpbench).
 *
 * For each kernel, `optimize` runs as the user runs it (guided search, the
 * in-search Judge's order); its shortlist is the first RERANK_K forms of
 * that order, which the compiled-code Judge re-ranks. Every form of the
 * shortlist that passes the accuracy guard is then timed, all kernels in
 * one harness run, and each predictor's pick (its fastest predicted form
 * among them) is compared with the fastest measured one:
 *
 * - the in-search Judge: the first form of its order (what `optimize
 *   --final-judge none` returns);
 * - the compiled-code Judge: its fastest predicted form (what `optimize`
 *   returns with the profile's compiled-code Judge);
 * - the static table: the cheapest form;
 * - a second timing of a separate build of the same forms in the same run: how close a
 *   measurement's own pick comes, the ceiling any predictor is held to
 *   (the fastest of several noisy timings is itself flattered by noise).
 *
 * Kernels of data/kernels that the profile's calibration trained on are
 * reported apart from those it held out; FPBench was never trained on.
 */
import { join } from "node:path";
import { z } from "zod";
import { parseExpr } from "../pipeline/expr/fpcore.ts";
import { endOfJob, type Expr } from "../pipeline/expr/expr.ts";
import { eliminateDerivatives } from "../pipeline/expr/derivative.ts";
import type { Ranges } from "../pipeline/expr/sample.ts";
import { staticCost } from "../pipeline/expr/cost.ts";
import { timePlan } from "../pipeline/kernel/timing_plan.ts";
import { kernelConfig } from "../pipeline/kernel/toolchain.ts";
import { compiledFormJudge, type FormJudge, readAsmJudge, RERANK_K } from "../pipeline/nnue/asm_judge.ts";
import { type RankReport, rankReport } from "../pipeline/nnue/judge_metrics.ts";
import { describeWeights, networkOf, weightsSource } from "../pipeline/nnue/profiles.ts";
import { readSummary } from "../pipeline/nnue/train_judge.ts";
import { loadCorpus } from "../pipeline/records/corpus.ts";
import type { ExpressionRecord } from "../pipeline/records/schema.ts";
import { ALL_RULES } from "../pipeline/rules/all.ts";
import { DEFAULT_OPTIMIZE, guardMeasure, optimize } from "../pipeline/search/optimizer.ts";
import { jobRanges } from "../pipeline/search/jobs.ts";
import * as cli from "../pipeline/stages/cli.ts";
import { costTableFor } from "../pipeline/target/cost_tables.ts";
import { describeTarget } from "../pipeline/target/target.ts";
import { KERNELS_DIR, ROOT } from "../pipeline/base/paths.ts";

const Cmd: cli.Command<{
  corpus: string;
  fpbench: string;
  time: number;
  every: number;
  shortlist: number;
  json: boolean;
  target?: string;
}> = {
  name: "eval:pick",
  usage: `usage: deno task eval:pick [--time MS] [--every K] [--corpus DIR] [--fpbench DIR] [--json]

Optimizes every K-th kernel of the corpus and of FPBench, times the forms of
each shortlist that pass the accuracy guard in one harness run, and prints
how close each Judge's pick comes to the measured best (geometric mean of
picked time over best time; target: the pick reaches 97% of the best's speed).
  --time MS      search time per kernel (default 1000)
  --every K      every K-th kernel of each set (default 1)
  --shortlist N  forms of the in-search Judge's order the compiled-code Judge re-ranks (default ${RERANK_K},
                 optimize's)
  --corpus DIR   the kernel corpus (default data/kernels)
  --fpbench DIR  FPBench (default ../shared/fpbench)
  --json         print the figures as JSON
${cli.TARGET_USAGE}`,
  options: {
    corpus: { type: "string", default: KERNELS_DIR },
    fpbench: { type: "string", default: join(ROOT, "..", "shared", "fpbench") },
    time: { type: "string", default: "1000" },
    every: { type: "string", default: "1" },
    shortlist: { type: "string", default: String(RERANK_K) },
    json: { type: "boolean", default: false },
    ...cli.TARGET_OPTION,
  },
  schema: z.object({
    corpus: z.string(),
    fpbench: z.string(),
    time: cli.intOption(1),
    every: cli.intOption(1),
    shortlist: cli.intOption(2, 1000),
    json: z.boolean(),
    target: cli.targetOption,
  }),
};

/** A form of a shortlist that passed the guard, with what each predictor says of it. */
interface Ranked {
  readonly expr: Expr;
  /** Its place in the in-search Judge's order (0 first). */
  readonly place: number;
  readonly compiledNs: number;
  readonly cost: number;
}

interface Shortlist {
  readonly set: string;
  readonly id: string;
  readonly vars: readonly string[];
  readonly ranges: Ranges;
  readonly baseline: Expr;
  readonly forms: readonly Ranked[];
}

/** A FormJudge that keeps what it was asked and what it answered: the shortlist. */
function recording(inner: FormJudge): FormJudge & { last: { forms: Expr[]; ns: (number | null)[] } } {
  const me = {
    name: inner.name,
    k: inner.k,
    last: { forms: [] as Expr[], ns: [] as (number | null)[] },
    predictNs(forms: readonly Expr[], vars: readonly string[], ranges: Ranges) {
      const ns = inner.predictNs(forms, vars, ranges);
      me.last = { forms: [...forms], ns };
      return ns;
    },
  };
  return me;
}

/** Whether each of `forms` passes the optimizer's accuracy guard for `input` (same samples, same allowance). */
function withinGuard(input: Expr, vars: readonly string[], ranges: Ranges, forms: readonly Expr[]): boolean[] {
  const o = DEFAULT_OPTIMIZE;
  const { errorOf } = guardMeasure(input, vars, ranges, o.samples, o.seed);
  const limit = errorOf(eliminateDerivatives(input)).maxUlp + o.maxUlp;
  return forms.map((e) => errorOf(e).maxUlp <= limit);
}

function everyKth<T>(xs: readonly T[], k: number): T[] {
  return xs.filter((_, i) => i % k === 0);
}

interface SetFigures {
  readonly set: string;
  readonly kernels: number;
  readonly predictors: Record<string, RankReport>;
}

if (import.meta.main) {
  await cli.runMain(async () => {
    const parsed = cli.parseCommand(Cmd, Deno.args);
    if (parsed === null) return cli.EXIT_OK;
    const o = parsed.opts;
    const target = cli.commandTarget("eval:pick", o.target, true);
    const source = weightsSource(target);
    if (source.kind === "table") {
      throw new cli.CliError(
        `eval:pick: profile ${source.profile.name} has no weights: run deno task calibrate`,
        cli.EXIT_DATA,
      );
    }
    const asm = readAsmJudge(source.dir);
    if (asm === null) {
      throw new cli.CliError(
        `eval:pick: no compiled-code Judge in ${source.dir}: run deno task fit:compiled-judge`,
        cli.EXIT_DATA,
      );
    }
    const trained = new Set(readSummary(source.dir)?.trainKernels ?? []);
    const costs = costTableFor(target.isa, "kopt");
    console.error(`eval:pick: target ${describeTarget(target)}; ${describeWeights(source)}`);
    using nw = networkOf(source, costs);
    const judge = recording(compiledFormJudge(asm, target, o.shortlist));

    const sets: [string, ExpressionRecord[]][] = [
      ["data/kernels", everyKth(loadCorpus([o.corpus]).records, o.every)],
      ["fpbench", everyKth(loadCorpus([o.fpbench]).records, o.every)],
    ];
    const lists: Shortlist[] = [];
    for (const [set, records] of sets) {
      for (const [i, r] of records.entries()) {
        await endOfJob();
        console.error(`eval:pick: ${set} [${i + 1}/${records.length}] ${r.id}`);
        let input: Expr;
        try {
          input = parseExpr(r.expr, r.vars);
        } catch {
          continue;
        }
        const ranges = jobRanges(r);
        judge.last = { forms: [], ns: [] };
        optimize(input, r.vars, ranges, nw, {
          rules: ALL_RULES,
          costs,
          timeMs: o.time,
          approximate: false,
          finalJudge: judge,
        });
        const { forms, ns } = judge.last;
        const baseline = eliminateDerivatives(input);
        const ok = withinGuard(input, r.vars, ranges, forms);
        const ranked = forms.flatMap((e, place) =>
          ok[place] && ns[place] !== null
            ? [{ expr: e, place, compiledNs: ns[place]!, cost: staticCost(e, costs) }]
            : []
        );
        if (ranked.length < 2) continue;
        const heldOut = set !== "data/kernels" || !trained.has(r.id);
        lists.push({
          set: set === "data/kernels" ? (heldOut ? "data/kernels, held out" : "data/kernels, trained on") : set,
          id: r.id,
          vars: r.vars,
          ranges,
          baseline,
          forms: ranked,
        });
      }
    }
    console.error(
      `eval:pick: timing ${lists.reduce((s, l) => s + l.forms.length, 0)} forms of ${lists.length} kernels`,
    );
    const cells = await timePlan(
      lists.map((l) => ({
        vars: l.vars,
        ranges: l.ranges,
        reference: l.baseline,
        // Every form twice, the second a separate build of it (codegen.ts separateCopy): its timing is a
        // predictor too, the measurement's own repeatability. The same function timed again would hide how far
        // two builds of one code fall apart.
        entries: [...l.forms, ...l.forms].map((f, i) => ({
          label: String(i),
          expr: f.expr,
          config: kernelConfig(target),
          ...(i < l.forms.length ? {} : { copy: 1 }),
        })),
      })),
      { target, progress: (m) => console.error(`eval:pick: ${m}`) },
    );
    const figures: SetFigures[] = [];
    for (const set of [...new Set(lists.map((l) => l.set))]) {
      const g: string[] = [], place: number[] = [], compiled: number[] = [], cost: number[] = [], ms: number[] = [];
      const again: number[] = [];
      lists.forEach((l, li) => {
        if (l.set !== set) return;
        l.forms.forEach((f, fi) => {
          const c = cells[li][fi], c2 = cells[li][fi + l.forms.length];
          if (!c.ok || !c2.ok) return;
          g.push(l.id);
          place.push(f.place);
          compiled.push(f.compiledNs);
          cost.push(f.cost);
          ms.push(c.nsPerElem);
          again.push(c2.nsPerElem);
        });
      });
      const report = (p: number[]) => rankReport(g, p, ms, 2);
      figures.push({
        set,
        kernels: new Set(g).size,
        predictors: {
          "in-search Judge (its order)": report(place),
          "compiled-code Judge": report(compiled),
          "static table": report(cost),
          "a second build (same run)": report(again),
        },
      });
    }
    if (o.json) console.log(JSON.stringify(figures));
    else {
      console.log(
        `# eval:pick  ${new Date().toISOString()}  target ${describeTarget(target)}; ${describeWeights(source)}`,
      );
      console.log(`search ${o.time} ms per kernel; shortlist: the in-search Judge's first ${judge.k} forms`);
      console.log(`${"set".padEnd(26)}${"predictor".padEnd(30)}kernels  tau within    pick  speed of best`);
      for (const f of figures) {
        for (const [name, r] of Object.entries(f.predictors)) {
          console.log(
            `${f.set.padEnd(26)}${name.padEnd(30)}${String(r.kernels).padStart(7)}${
              r.tauWithin.toFixed(3).padStart(12)
            }${`x${r.pickRegret.toFixed(3)}`.padStart(8)}${`${(100 / r.pickRegret).toFixed(1)}%`.padStart(15)}`,
          );
        }
      }
      console.log(
        "(pick: geometric mean over the kernels of the measured time of the predictor's pick over the fastest " +
          "measured form of its shortlist; a second build: a separate build of the same forms timed in the run, as a predictor; " +
          "target: speed of best >= 97%)",
      );
    }
    return cli.EXIT_OK;
  });
}
