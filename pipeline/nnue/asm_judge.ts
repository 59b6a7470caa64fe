/**
 * The compiled-code Judge: nanoseconds per element as a non-negative sum of
 * per-instruction-class costs over a kernel's compiled hot loop
 * (`kernel/asm_features.ts`), plus the slow paths its vector math calls
 * take on the inputs (`kernel/call_args.ts`), fitted on measured variants.
 * It is a learned throughput table read off what the compiler produced,
 * not off the expression: it sees reloaded constants, register copies,
 * spills and which vector math function is called how often.
 *
 * Its job is to order the forms of one kernel, so it is fitted on
 * differences within a kernel: features and times are centred on their
 * kernel's mean and divided by the kernel's mean time (every kernel weighs
 * the same, whatever its size), and the weights are the non-negative least
 * squares solution. The intercept (loop overhead the centring removes) is
 * then the median residual on the training variants, so predicted times
 * are in nanoseconds too.
 */
import { join } from "node:path";
import { z } from "zod";
import { ASM_FEATURES, compiledLoopFeatures } from "../kernel/asm_features.ts";
import { CALL_ARG_FEATURES, callArgFeatures } from "../kernel/call_args.ts";
import type { Expr } from "../expr/expr.ts";
import type { Ranges } from "../expr/sample.ts";
import { LANES, type Target } from "../target/target.ts";
import { median } from "../base/stats.ts";
import type { MeasuredVariantRecord } from "../records/schema.ts";
import { examplesOf, splitByKernel } from "./judge_data.ts";
import type { CalibrationSummary } from "./train_judge.ts";

/** The features the Judge reads, in the order of its weights: the compiled loop's, then the calls' arguments'. */
export const JUDGE_FEATURES: readonly string[] = [...ASM_FEATURES, ...CALL_ARG_FEATURES];

/** A kernel to predict: a form, its variables and their ranges (what the harness times it on). */
export interface JudgedKernel {
  readonly expr: Expr;
  readonly vars: readonly string[];
  readonly ranges?: Ranges;
}

/**
 * The Judge's features of each kernel as `target`'s build compiles it (one
 * compiler call per 200 kernels: compiledLoopFeatures), null where no loop was found.
 */
export function compiledFeatures(kernels: readonly JudgedKernel[], target: Target): (Float64Array | null)[] {
  const loops = compiledLoopFeatures(kernels, target);
  return kernels.map((k, i) => {
    const loop = loops[i];
    if (loop === null) return null;
    const x = new Float64Array(JUDGE_FEATURES.length);
    x.set(loop);
    x.set(callArgFeatures(k.expr, k.vars, k.ranges, LANES[target.isa]), ASM_FEATURES.length);
    return x;
  });
}

/** A fitted compiled-code Judge, as stored in a profile (`ASM_JUDGE_FILE`). */
export interface AsmJudge {
  /** Feature names, in the order of `weights`: JUDGE_FEATURES when it was fitted. */
  readonly features: readonly string[];
  /** Nanoseconds per element per occurrence in the loop, >= 0. */
  readonly weights: readonly number[];
  readonly interceptNs: number;
  /** Variants and kernels it was fitted on. */
  readonly variants: number;
  readonly kernels: number;
}

/** One measured variant with the features of its compiled loop. */
export interface AsmExample {
  readonly of: string;
  readonly x: Float64Array;
  readonly ns: number;
}

/** Ridge added to the normal equations: keeps weights of features that never vary in a kernel at 0. */
const RIDGE = 1e-6;

/**
 * Non-negative least squares on the normal equations (`gram` = AᵀA, `rhs` =
 * Aᵀb) by cyclic coordinate descent: each weight in turn is set to its
 * optimum given the others, clamped at 0. The problem is convex, so this
 * converges to the NNLS solution; with a few dozen features it takes
 * milliseconds.
 */
export function nnlsNormal(gram: Float64Array[], rhs: Float64Array, sweeps = 5000, tol = 1e-12): Float64Array {
  const n = rhs.length;
  const w = new Float64Array(n);
  const gw = new Float64Array(n); // gram * w, kept up to date
  for (let s = 0; s < sweeps; s++) {
    let moved = 0;
    for (let j = 0; j < n; j++) {
      if (gram[j][j] <= 0) continue;
      const next = Math.max(0, w[j] + (rhs[j] - gw[j]) / gram[j][j]);
      const d = next - w[j];
      if (d === 0) continue;
      w[j] = next;
      for (let i = 0; i < n; i++) gw[i] += gram[i][j] * d;
      moved = Math.max(moved, Math.abs(d));
    }
    if (moved < tol) break;
  }
  return w;
}

/** Fits the compiled-code Judge on `examples` (variants of at least two kernels, grouped by `of`). */
export function fitAsmJudge(examples: readonly AsmExample[]): AsmJudge {
  const groups = new Map<string, AsmExample[]>();
  for (const e of examples) {
    const g = groups.get(e.of);
    if (g === undefined) groups.set(e.of, [e]);
    else g.push(e);
  }
  const n = JUDGE_FEATURES.length;
  const gram = Array.from({ length: n }, () => new Float64Array(n));
  const rhs = new Float64Array(n);
  const row = new Float64Array(n);
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const meanNs = g.reduce((s, e) => s + e.ns, 0) / g.length;
    const meanX = new Float64Array(n);
    for (const e of g) for (let j = 0; j < n; j++) meanX[j] += e.x[j] / g.length;
    for (const e of g) {
      for (let j = 0; j < n; j++) row[j] = (e.x[j] - meanX[j]) / meanNs;
      const y = (e.ns - meanNs) / meanNs;
      for (let i = 0; i < n; i++) {
        if (row[i] === 0) continue;
        rhs[i] += row[i] * y;
        for (let j = 0; j < n; j++) gram[i][j] += row[i] * row[j];
      }
    }
  }
  for (let j = 0; j < n; j++) gram[j][j] += RIDGE;
  const w = nnlsNormal(gram, rhs);
  const dot = (x: Float64Array) => x.reduce((s, v, j) => s + v * w[j], 0);
  return {
    features: [...JUDGE_FEATURES],
    weights: [...w],
    interceptNs: median(examples.map((e) => e.ns - dot(e.x))),
    variants: examples.length,
    kernels: groups.size,
  };
}

/** Predicted nanoseconds per element of a kernel whose loop has features `x`. */
export function asmPredictNs(j: AsmJudge, x: Float64Array): number {
  if (j.features.length !== x.length) {
    throw new Error(`the compiled-code Judge knows ${j.features.length} features, this build counts ${x.length}`);
  }
  let s = j.interceptNs;
  for (let i = 0; i < x.length; i++) s += j.weights[i] * x[i];
  return s;
}

/** The compiled-code Judge's file in a profile's directory, beside the network's weights. */
export const ASM_JUDGE_FILE = "compiled_judge.json";

const AsmJudgeSchema = z.object({
  features: z.array(z.string()),
  weights: z.array(z.number().min(0)),
  interceptNs: z.number(),
  variants: z.number().int().min(0),
  kernels: z.number().int().min(0),
}).refine((j) => j.features.length === j.weights.length, "one weight per feature");

export function writeAsmJudge(dir: string, j: AsmJudge): void {
  Deno.writeTextFileSync(join(dir, ASM_JUDGE_FILE), JSON.stringify(j, null, 1) + "\n");
}

/**
 * The compiled-code Judge stored in `dir`, or null when there is none. One
 * fitted on other features than this build counts is an error: its weights
 * would be read against the wrong counts.
 */
export function readAsmJudge(dir: string): AsmJudge | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir, ASM_JUDGE_FILE));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const j = AsmJudgeSchema.parse(JSON.parse(text));
  if (j.features.join() !== JUDGE_FEATURES.join()) {
    throw new Error(
      `${join(dir, ASM_JUDGE_FILE)} was fitted on other features than this build counts: ` +
        "refit it (deno task fit:compiled-judge)",
    );
  }
  return j;
}

/**
 * A Judge of finished forms, for the optimizer's final ranking: predicted
 * ns per element of each form (null where it has no figure).
 */
export interface FormJudge {
  readonly name: string;
  /** How many of the in-search Judge's first forms it re-ranks. */
  readonly k: number;
  predictNs(forms: readonly Expr[], vars: readonly string[], ranges: Ranges): (number | null)[];
}

/** Forms the compiled-code Judge re-ranks by default: one compiler call of this many kernels takes ~0.2 s. */
export const RERANK_K = 8;

/** The compiled-code Judge `j` as a FormJudge for `target`'s build (one compiler call per ranking). */
export function compiledFormJudge(j: AsmJudge, target: Target, k = RERANK_K): FormJudge {
  return {
    name: "compiled-code Judge",
    k,
    predictNs: (forms, vars, ranges) =>
      compiledFeatures(forms.map((expr) => ({ expr, vars, ranges })), target).map((x) =>
        x === null ? null : asmPredictNs(j, x)
      ),
  };
}

/**
 * The compiled-code Judge fitted on the kernels the network was trained on
 * (`summary`'s split of `records`), so the held-out kernels stay held out
 * for both Judges.
 */
export function fitOnTraining(
  records: readonly MeasuredVariantRecord[],
  summary: CalibrationSummary,
  target: Target,
): AsmJudge {
  const c = summary.config;
  const train = examplesOf(splitByKernel(records, c.validationFraction, c.splitSeed).train, c.time, summary.refNs);
  const x = compiledFeatures(train, target);
  return fitAsmJudge(train.flatMap((e, i) => (x[i] === null ? [] : [{ of: e.of, x: x[i]!, ns: e.ns }])));
}
