/**
 * `eval:judge`: how well the trained Judge ranks and predicts the measured
 * times of kernels it never saw, side by side with the peers:
 *
 * - the static latency table (`staticCost`), times one scale factor;
 * - llvm-mca's block reciprocal throughput of the compiled hot loop
 *   (`kernel/mca.ts`), times one scale factor;
 * - the compiled-code Judge (`asm_judge.ts`): per-instruction-class costs
 *   of the compiled hot loop, fitted here on the training kernels of the
 *   same split, so it never sees a validation kernel either.
 *
 * Each peer's factor is the relative least-squares fit on training kernels
 * (for llvm-mca, on a seeded sample of them), so MAPE compares like with
 * like; Kendall's tau does not depend on it. The validation kernels are the
 * calibration's held-out kernels (the same hash split, from the summary
 * next to the weights); a data set whose "validation" kernels were trained
 * on is refused.
 */
import { Rng } from "../expr/random.ts";
import { type CostTable, staticCost } from "../expr/cost.ts";
import { mcaCyclesPerElement, type McaTarget } from "../kernel/mca.ts";
import { timePlan } from "../kernel/timing_plan.ts";
import { kernelConfig } from "../kernel/toolchain.ts";
import type { Target } from "../target/target.ts";
import { asmPredictNs, compiledFeatures, fitAsmJudge } from "./asm_judge.ts";
import type { MeasuredVariantRecord } from "../records/schema.ts";
import { type Example, examplesOf, kernelOf, splitByKernel } from "./judge_data.ts";
import { type RankReport, rankReport, relativeScale } from "./judge_metrics.ts";
import type { Network } from "./network.ts";
import { type CalibrationSummary, judgeNs } from "./train_judge.ts";

export interface PredictorResult extends RankReport {
  readonly name: string;
  /** The same figures on the search rounds' groups alone (`k@searchN`: optimize's shortlists), when there are any. */
  readonly shortlists: RankReport | null;
  /** Factor applied to the predictor's own units (1 for the Judge). */
  readonly scale: number;
  /** Validation variants the predictor had no answer for. */
  readonly missing: number;
}

export interface EvalResult {
  readonly validationKernels: number;
  readonly validationVariants: number;
  readonly trainVariants: number;
  readonly predictors: readonly PredictorResult[];
  /** How far the timings themselves agree (`EvalOptions.retime`), or null when not asked. */
  readonly ceiling: Ceiling | null;
}

/**
 * The measurement's own ceiling: the validation variants built again twice
 * (separate functions, in other libraries than the calibration's) and timed
 * in one harness run. A predictor is scored against one timing, so its tau
 * cannot be held much above what one timing reaches against another.
 */
export interface Ceiling {
  /** The first new build's timing as a predictor of the calibration's. */
  readonly againstCalibration: RankReport;
  /** The second new build's timing as a predictor of the first's, same run. */
  readonly betweenBuilds: RankReport;
  /** Variants that failed to build or time. */
  readonly failed: number;
}

export interface EvalOptions {
  /** The static table the Judge is compared with: its target's, for our code. */
  readonly costs: CostTable;
  readonly mca: readonly McaTarget[];
  /** Training variants llvm-mca's scale is fitted on (a seeded sample). */
  readonly mcaFitSample: number;
  /** The build the compiled-code Judge reads (the variants' own), or null to leave it out. */
  readonly asm: Target | null;
  /** Time the validation variants again, built twice, on this target (`Ceiling`); null to leave it out. */
  readonly retime: Target | null;
  readonly progress?: (message: string) => void;
}

function scored(
  name: string,
  val: readonly Example[],
  pred: readonly (number | null)[],
  scale: number,
): PredictorResult {
  const keep = val.map((_, i) => i).filter((i) => pred[i] !== null && Number.isFinite(pred[i]!));
  const report = (is: number[]) =>
    rankReport(is.map((i) => val[i].of), is.map((i) => pred[i]! * scale), is.map((i) => val[i].ns));
  const searched = keep.filter((i) => val[i].of !== kernelOf(val[i].of));
  return {
    ...report(keep),
    name,
    scale,
    missing: val.length - keep.length,
    shortlists: searched.length > 0 ? report(searched) : null,
  };
}

function sample<T>(xs: readonly T[], n: number, seed: number): T[] {
  const a = [...xs];
  const rng = new Rng(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

/** Evaluates `nw` (trained as `summary` says) and the peers on `records`' validation kernels. */
export async function evalJudge(
  nw: Network,
  summary: CalibrationSummary,
  records: readonly MeasuredVariantRecord[],
  options: EvalOptions,
): Promise<EvalResult> {
  const c = summary.config;
  const split = splitByKernel(records, c.validationFraction, c.splitSeed);
  const trained = new Set(summary.trainKernels);
  const leaked = [...new Set(split.validation.map((r) => r.of))].filter((k) => trained.has(k));
  if (leaked.length > 0) {
    throw new Error(
      `${leaked.length} validation kernel(s) were trained on (e.g. ${leaked[0]}): ` +
        "the weights do not come from this split",
    );
  }
  if (split.validation.length === 0) throw new Error("no validation kernels in the data");
  const train = examplesOf(split.train, c.time, summary.refNs);
  const val = examplesOf(split.validation, c.time, summary.refNs);
  const say = options.progress ?? (() => {});

  const out: PredictorResult[] = [];
  out.push(scored("Judge (NNUE)", val, [...judgeNs(nw, val)], 1));
  const sc = (es: readonly Example[]) => es.map((e) => staticCost(e.expr, options.costs));
  out.push(scored("static latency table", val, sc(val), relativeScale(sc(train), train.map((e) => e.ns))));
  for (const t of options.mca) {
    say(`eval:judge: ${t.label} on ${val.length} validation variants`);
    const vp = await mcaCyclesPerElement(val, t);
    const fit = sample(train, options.mcaFitSample, 1);
    say(`eval:judge: ${t.label} on ${fit.length} training variants (for the scale)`);
    const fp = await mcaCyclesPerElement(fit, t);
    const ok = fit.map((_, i) => i).filter((i) => fp[i] !== null);
    const scale = relativeScale(ok.map((i) => fp[i]!), ok.map((i) => fit[i].ns));
    out.push(scored(t.label, val, vp, scale));
  }
  if (options.asm !== null) {
    say(`eval:judge: compiling ${train.length + val.length} variants to assembly for the compiled-code Judge`);
    const x = compiledFeatures([...train, ...val], options.asm);
    const fit = fitAsmJudge(train.flatMap((e, i) => (x[i] === null ? [] : [{ of: e.of, x: x[i]!, ns: e.ns }])));
    const vp = val.map((_, i) => {
      const xi = x[train.length + i];
      return xi === null ? null : asmPredictNs(fit, xi);
    });
    out.push(scored("compiled-code Judge", val, vp, 1));
  }
  return {
    validationKernels: new Set(val.map((e) => e.of)).size,
    validationVariants: val.length,
    trainVariants: train.length,
    predictors: out,
    ceiling: options.retime === null ? null : await ceiling(val, options.retime, say),
  };
}

/** Builds every example twice more (copies 1 and 2, each kernel's variants one plan group) and times them in one run. */
async function ceiling(val: readonly Example[], target: Target, say: (m: string) => void): Promise<Ceiling> {
  const groups = new Map<string, Example[]>();
  for (const e of val) {
    const g = groups.get(e.of);
    if (g === undefined) groups.set(e.of, [e]);
    else g.push(e);
  }
  const kernels = [...groups.values()];
  const config = kernelConfig(target);
  say(`eval:judge: timing ${val.length} validation variants again, two separate builds of each`);
  const cells = await timePlan(
    kernels.map((es) => ({
      vars: es[0].vars,
      ...(es[0].ranges === undefined ? {} : { ranges: es[0].ranges }),
      reference: es[0].expr,
      entries: es.flatMap((e, i) => [1, 2].map((copy) => ({ label: `${i}.${copy}`, expr: e.expr, config, copy }))),
    })),
    { target },
  );
  const of: string[] = [], before: number[] = [], a: number[] = [], b: number[] = [];
  let failed = 0;
  kernels.forEach((es, k) =>
    es.forEach((e, i) => {
      const [x, y] = [cells[k][2 * i], cells[k][2 * i + 1]];
      if (!x.ok || !y.ok) {
        failed++;
        return;
      }
      of.push(e.of);
      before.push(e.ns);
      a.push(x.nsPerElem);
      b.push(y.nsPerElem);
    })
  );
  return { againstCalibration: rankReport(of, a, before), betweenBuilds: rankReport(of, b, a), failed };
}

/** The side-by-side table. */
export function formatEval(r: EvalResult): string {
  const w = Math.max(...r.predictors.map((p) => p.name.length), 10) + 2;
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "n/a");
  const lines = [
    `validation: ${r.validationKernels} kernels never trained on, ${r.validationVariants} variants ` +
    `(training: ${r.trainVariants} variants)`,
    `${"predictor".padEnd(w)}${"tau within kernels".padStart(19)}${"tau all".padStart(9)}${"MAPE".padStart(8)}${
      "pick".padStart(8)
    }  scale`,
  ];
  for (const p of r.predictors) {
    lines.push(
      `${p.name.padEnd(w)}${f(p.tauWithin).padStart(19)}${f(p.tauAll).padStart(9)}${
        `${(100 * p.mape).toFixed(1)}%`.padStart(8)
      }${`x${p.pickRegret.toFixed(3)}`.padStart(8)}  ${p.scale.toPrecision(4)}${
        p.missing > 0 ? `  (${p.missing} variants without a figure)` : ""
      }`,
    );
  }
  const sl = r.predictors[0].shortlists;
  if (sl !== null) {
    lines.push(`of which the search rounds' shortlists (${sl.kernels} groups of held-out kernels):`);
    for (const p of r.predictors) {
      if (p.shortlists === null) continue;
      lines.push(
        `${p.name.padEnd(w)}${f(p.shortlists.tauWithin).padStart(19)}${f(p.shortlists.tauAll).padStart(9)}${
          `${(100 * p.shortlists.mape).toFixed(1)}%`.padStart(8)
        }${`x${p.shortlists.pickRegret.toFixed(3)}`.padStart(8)}`,
      );
    }
  }
  const c = r.ceiling;
  if (c !== null) {
    lines.push(
      "the timings' own agreement (the variants built twice more and timed in one run" +
        `${c.failed > 0 ? `; ${c.failed} failed to time` : ""}):`,
    );
    for (
      const [name, q] of [["a new build vs the calibration", c.againstCalibration], [
        "two new builds",
        c.betweenBuilds,
      ]] as const
    ) {
      lines.push(
        `${name.padEnd(w)}${f(q.tauWithin).padStart(19)}${f(q.tauAll).padStart(9)}${
          `${(100 * q.mape).toFixed(1)}%`.padStart(8)
        }${`x${q.pickRegret.toFixed(3)}`.padStart(8)}`,
      );
    }
  }
  lines.push(
    `(tau within kernels: mean over the ${r.predictors[0].kernels} kernels with 3 or more variants; pick: ` +
      "geometric mean over them of the measured time of the variant predicted fastest over the fastest one)",
  );
  return lines.join("\n");
}
