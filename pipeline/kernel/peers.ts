/**
 * The compiler peers: the bar every later result is compared against. Each
 * kernel of a corpus is timed as the plain C a user would write, compiled
 * by gcc and by clang at -O2, -O3 and -O3 -ffast-math (all -march=native),
 * and as our own SIMD code of the unchanged expression, all in one harness
 * run on the same inputs, so the columns compare like with like. A kernel
 * with derivatives `(d x e)` is timed as its derivative written out by the
 * textbook rules (eliminateDerivatives): what a user would code by hand.
 *
 * @example
 * const result = await runPeers(records);
 * console.log(formatPeersTable(result));
 */
import { eliminateDerivatives } from "../expr/derivative.ts";
import { parseExpr } from "../expr/fpcore.ts";
import { sampleInputs } from "../expr/sample.ts";
import type { ExpressionRecord } from "../stages/schema.ts";
import { kernelAccuracy } from "./accuracy.ts";
import { type KernelSource, simdKernel } from "./codegen.ts";
import { compileKernels, type CompileResult } from "./compile.ts";
import { type HarnessKernel, type HarnessSettings, runHarness } from "./harness.ts";
import { type Machine, machineFingerprint } from "./machine.ts";
import { DEFAULT_N, INPUT_SEED } from "./measure.ts";
import { plainKernel } from "./plain_c.ts";
import { type CompilerConfig, KERNEL_CONFIGS, PEER_CONFIGS } from "./toolchain.ts";

export type PeerCell =
  | {
    readonly ok: true;
    readonly nsPerElem: number;
    readonly ratio: number;
    readonly maxUlp: number;
    readonly meanUlp: number;
  }
  | { readonly ok: false; readonly error: string };

export interface PeerRow {
  readonly id: string;
  readonly name?: string;
  /** One cell per column, in `columns` order. */
  readonly cells: readonly PeerCell[];
}

export interface PeersResult {
  readonly columns: readonly string[];
  readonly rows: readonly PeerRow[];
  readonly machine: Machine;
  readonly n: number;
}

export interface PeersOptions extends HarnessSettings {
  readonly cacheDir?: string;
  readonly n?: number;
  /** Compiler processes at once (default 2). */
  readonly jobs?: number;
  readonly progress?: (message: string) => void;
}

/** The columns: the six peers, then our code generator (`kopt`). */
export const PEER_COLUMNS: readonly CompilerConfig[] = [...PEER_CONFIGS, KERNEL_CONFIGS.avx512];

/** Times every record under every column. */
export async function runPeers(records: readonly ExpressionRecord[], options: PeersOptions = {}): Promise<PeersResult> {
  const n = options.n ?? DEFAULT_N;
  const columns = PEER_COLUMNS;
  // Sources per record and column (null when the expression cannot be compiled).
  const sources: ({ src: KernelSource } | { error: string })[][] = records.map((r) => {
    let e;
    try {
      e = eliminateDerivatives(parseExpr(r.expr, r.vars));
    } catch (err) {
      return columns.map(() => ({ error: (err as Error).message }));
    }
    return columns.map((c) => {
      try {
        return { src: c.flavor === "plain" ? plainKernel(e, r.vars) : simdKernel(e, r.vars, c.flavor) };
      } catch (err) {
        return { error: (err as Error).message };
      }
    });
  });

  const compiled: (CompileResult | { ok: false; error: string })[][] = records.map(() => []);
  for (const [c, config] of columns.entries()) {
    options.progress?.(`peers: compiling ${records.length} kernels with ${config.label}`);
    const todo = sources.map((s, r) => ({ r, s: s[c] })).filter((x) => "src" in x.s);
    const res = await compileKernels(todo.map((x) => (x.s as { src: KernelSource }).src), config, {
      cacheDir: options.cacheDir,
      jobs: options.jobs,
    });
    sources.forEach((s, r) => {
      const cell = s[c];
      if ("error" in cell) compiled[r][c] = { ok: false, error: cell.error };
    });
    todo.forEach((x, k) => (compiled[x.r][c] = res[k]));
  }

  const inputs = records.map((r) => sampleInputs(r.vars, r.ranges, n, INPUT_SEED));
  const kernels: HarnessKernel[] = [];
  const where: [number, number][] = [];
  compiled.forEach((row, r) =>
    row.forEach((cr, c) => {
      if (cr.ok) {
        kernels.push({ lib: cr.lib, symbol: cr.symbol, input: r });
        where.push([r, c]);
      }
    })
  );
  options.progress?.(`peers: timing ${kernels.length} kernels`);
  const timed = await runHarness({ n, inputs, kernels }, {
    ...options,
    onRound: (k, of) => options.progress?.(`peers: round ${k}/${of}`),
  });

  const cells: PeerCell[][] = compiled.map((row) =>
    row.map((cr): PeerCell => ({ ok: false, error: cr.ok ? "not timed" : cr.error }))
  );
  timed.forEach((t, k) => {
    const [r, c] = where[k];
    if (!t.ok) {
      cells[r][c] = { ok: false, error: `${t.status}: ${t.message}` };
      return;
    }
    const rec = records[r];
    const acc = kernelAccuracy(parseExpr(rec.expr, rec.vars), rec.vars, inputs[r], t.output);
    cells[r][c] = { ok: true, nsPerElem: t.nsPerElem, ratio: t.ratio, maxUlp: acc.maxUlp, meanUlp: acc.meanUlp };
  });
  return {
    columns: columns.map((c) => c.label),
    rows: records.map((rec, r) => ({
      id: rec.id,
      ...(rec.name !== undefined ? { name: rec.name } : {}),
      cells: cells[r],
    })),
    machine: machineFingerprint(),
    n,
  };
}

/** Geometric mean of positive numbers. */
export function geomean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Rows where every column was timed: the ones the geometric means cover. */
export function completeRows(result: PeersResult): PeerRow[] {
  return result.rows.filter((r) => r.cells.every((c) => c.ok));
}

const pad = (s: string, w: number) => s.length >= w ? s : " ".repeat(w - s.length) + s;

/**
 * The table: ns per element per kernel and column, the geometric mean over
 * the kernels every column timed, speed relative to gcc -O3, and accuracy
 * per column: the median over kernels of their max ulp error against
 * float64, and how many kernels exceed 16 ulp.
 */
export function formatPeersTable(result: PeersResult): string {
  const cols = result.columns;
  const nameW = Math.min(40, Math.max(8, ...result.rows.map((r) => (r.name ?? r.id).length)));
  const w = Math.max(10, ...cols.map((c) => c.length + 1));
  const head = "kernel".padEnd(nameW) + cols.map((c) => pad(c, w)).join("");
  const lines = [`ns per element (n = ${result.n}, fastest round's median; machine ${result.machine.hash})`, head];
  for (const r of result.rows) {
    const label = (r.name ?? r.id).slice(0, nameW).padEnd(nameW);
    lines.push(label + r.cells.map((c) => pad(c.ok ? c.nsPerElem.toFixed(3) : "fail", w)).join(""));
  }
  const full = completeRows(result);
  const gm = cols.map((_, c) => geomean(full.map((r) => (r.cells[c] as { nsPerElem: number }).nsPerElem)));
  lines.push("-".repeat(nameW + w * cols.length));
  lines.push(`geomean (${full.length})`.padEnd(nameW) + gm.map((g) => pad(g.toFixed(3), w)).join(""));
  const base = cols.indexOf("gcc -O3");
  if (base >= 0) {
    lines.push("speed vs gcc -O3".padEnd(nameW) + gm.map((g) => pad(`${(gm[base] / g).toFixed(2)}x`, w)).join(""));
  }
  // Accuracy against float64 on the same inputs, over the complete rows.
  const ulps = cols.map((_, c) => full.map((r) => (r.cells[c] as { maxUlp: number }).maxUlp));
  const showUlp = (u: number) => (u >= 2 ** 32 ? "NaN" : u >= 1e6 ? u.toExponential(1) : String(u));
  lines.push("max ulp, median".padEnd(nameW) + ulps.map((u) => pad(showUlp(median(u)), w)).join(""));
  lines.push(
    "max ulp > 16 (kernels)".padEnd(nameW) + ulps.map((u) => pad(String(u.filter((x) => x > 16).length), w)).join(""),
  );
  const failures = result.rows.flatMap((r) => {
    const bad = r.cells.flatMap((c, k) => (c.ok ? [] : [[cols[k], c.error.split("\n")[0]]]));
    if (bad.length === 0) return [];
    // One line when every column failed the same way.
    if (bad.length === cols.length && bad.every(([, m]) => m === bad[0][1])) {
      return [`  ${r.name ?? r.id} / all: ${bad[0][1]}`];
    }
    return bad.map(([c, m]) => `  ${r.name ?? r.id} / ${c}: ${m}`);
  });
  if (failures.length > 0) lines.push("failed:", ...failures);
  return lines.join("\n");
}
