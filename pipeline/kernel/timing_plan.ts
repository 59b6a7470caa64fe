/**
 * A timing plan: several builds of several kernels, compiled and timed in
 * one harness run on the same inputs, so every figure of a comparison comes
 * from the same run (ratios to the harness's reference kernel stay
 * comparable, machine drift hits all columns alike).
 *
 * A group is one kernel: its variables, ranges and reference expression
 * (for accuracy); its entries are the builds to time: an expression (the
 * original, an optimized form...) under a compiler configuration (our SIMD
 * code generator, or plain C under a peer compiler). The peers table, the
 * optimizer's `--measure` and the comparison report are all plans.
 *
 * @example
 * const cells = await timePlan([{ vars, ranges, reference: e, entries: [
 *   { label: "gcc -O3", expr: e, config: peerConfigs(target)[1] },
 *   { label: "kopt", expr: best, config: kernelConfig(target) },
 * ] }], { target });
 */
import { eliminateDerivatives } from "../expr/derivative.ts";
import type { Expr } from "../expr/expr.ts";
import { type Ranges, sampleInputs } from "../expr/sample.ts";
import { kernelAccuracy } from "./accuracy.ts";
import { type KernelSource, separateCopy, simdKernel } from "./codegen.ts";
import { compileKernels, type CompileResult } from "./compile.ts";
import { type HarnessKernel, type HarnessSettings, runHarness } from "./harness.ts";
import { plainKernel } from "./plain_c.ts";
import { DEFAULT_N, INPUT_SEED } from "./measure.ts";
import type { CompilerConfig } from "./toolchain.ts";
import type { Target } from "../target/target.ts";
import type { Lowering } from "../expr/lowering.ts";
import { withBoundaries } from "../expr/boundary.ts";

export interface PlanEntry {
  readonly label: string;
  /** What to compile; a `d` in it is written out first (eliminateDerivatives). */
  readonly expr: Expr;
  readonly config: CompilerConfig;
  /** Nodes our SIMD code computes by approximate functions (the expr must then have no `d`). */
  readonly lowering?: Lowering;
  /** A separate build of the same code (codegen.ts `separateCopy`), 1 and up; the entry itself when absent. */
  readonly copy?: number;
}

export interface PlanGroup {
  readonly vars: readonly string[];
  readonly ranges?: Ranges;
  /** The float64 reference every entry's outputs are compared with. */
  readonly reference: Expr;
  readonly entries: readonly PlanEntry[];
}

export type TimedCell =
  | {
    readonly ok: true;
    readonly nsPerElem: number;
    /** Kernel time over the harness's reference kernel time, same processes. */
    readonly ratio: number;
    readonly cv: number;
    readonly maxUlp: number;
    readonly meanUlp: number;
    /** The kernel's outputs on the plan's inputs. */
    readonly output: Float32Array;
  }
  | { readonly ok: false; readonly error: string };

export interface PlanOptions extends HarnessSettings {
  /** The target every entry is built for: its harness runs them all. */
  readonly target: Target;
  readonly cacheDir?: string;
  readonly n?: number;
  readonly jobs?: number;
  readonly progress?: (message: string) => void;
}

/** The source of an entry, or why it has none. */
function sourceOf(entry: PlanEntry, vars: readonly string[]): { src: KernelSource } | { error: string } {
  try {
    const e = eliminateDerivatives(entry.expr);
    const c = entry.config;
    if (entry.lowering !== undefined && (e !== entry.expr || c.flavor === "plain")) {
      throw new Error("a lowering applies to our SIMD code of a form without derivatives");
    }
    const src = c.flavor === "plain" ? plainKernel(e, vars) : simdKernel(e, vars, c.flavor, entry.lowering);
    return { src: entry.copy === undefined ? src : separateCopy(src, entry.copy) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Compiles and times every entry of every group; cells in the same shape as the plan. */
export async function timePlan(groups: readonly PlanGroup[], options: PlanOptions): Promise<TimedCell[][]> {
  const n = options.n ?? DEFAULT_N;
  const cells: TimedCell[][] = groups.map((g) => g.entries.map(() => ({ ok: false, error: "not timed" })));
  const sources = groups.map((g) => g.entries.map((e) => sourceOf(e, g.vars)));

  // Compile per configuration: one batch per compiler and flag set.
  const configs = new Map<string, CompilerConfig>();
  groups.forEach((g) => g.entries.forEach((e) => configs.set(e.config.label, e.config)));
  const built = new Map<string, CompileResult>();
  const at = (gi: number, ei: number) => `${gi}:${ei}`;
  for (const config of configs.values()) {
    const todo: [number, number, KernelSource][] = [];
    sources.forEach((row, gi) =>
      row.forEach((s, ei) => {
        if (groups[gi].entries[ei].config.label !== config.label) return;
        if ("error" in s) cells[gi][ei] = { ok: false, error: s.error };
        else todo.push([gi, ei, s.src]);
      })
    );
    if (todo.length === 0) continue;
    options.progress?.(`compiling ${todo.length} kernel(s) with ${config.label}`);
    const res = await compileKernels(todo.map((t) => t[2]), config, { cacheDir: options.cacheDir, jobs: options.jobs });
    todo.forEach(([gi, ei], k) => {
      const r = res[k];
      if (r.ok) built.set(at(gi, ei), r);
      else cells[gi][ei] = { ok: false, error: r.error };
    });
  }

  // Both sides of every condition's boundary too (boundary.ts), where the accuracy of a conditional is decided.
  const inputs = groups.map((g) =>
    withBoundaries(g.reference, g.vars, g.ranges, sampleInputs(g.vars, g.ranges, n, INPUT_SEED))
  );
  const kernels: HarnessKernel[] = [];
  const where: [number, number][] = [];
  groups.forEach((g, gi) =>
    g.entries.forEach((_, ei) => {
      const r = built.get(at(gi, ei));
      if (r !== undefined && r.ok) {
        kernels.push({ lib: r.lib, symbol: r.symbol, input: gi });
        where.push([gi, ei]);
      }
    })
  );
  if (kernels.length === 0) return cells;
  options.progress?.(`timing ${kernels.length} kernel(s)`);
  const timed = await runHarness({ n, inputs, kernels }, {
    ...options,
    onRound: (k, of) => options.progress?.(`timing: round ${k}/${of}`),
  });
  timed.forEach((t, k) => {
    const [gi, ei] = where[k];
    if (!t.ok) {
      cells[gi][ei] = { ok: false, error: `${t.status}: ${t.message}` };
      return;
    }
    const g = groups[gi];
    const acc = kernelAccuracy(g.reference, g.vars, inputs[gi], t.output);
    cells[gi][ei] = {
      ok: true,
      nsPerElem: t.nsPerElem,
      ratio: t.ratio,
      cv: t.cv,
      maxUlp: acc.maxUlp,
      meanUlp: acc.meanUlp,
      output: t.output,
    };
  });
  return cells;
}
