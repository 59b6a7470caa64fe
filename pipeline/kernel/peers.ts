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
import { parseExpr } from "../expr/fpcore.ts";
import type { ExpressionRecord } from "../records/schema.ts";
import { type HarnessSettings } from "./harness.ts";
import { type Machine, machineFingerprint } from "./machine.ts";
import { DEFAULT_N } from "./measure.ts";
import { type PlanGroup, timePlan } from "./timing_plan.ts";
import { type CompilerConfig, kernelConfig, peerConfigs } from "./toolchain.ts";
import { describeTarget, type Target } from "../target/target.ts";
import { median } from "../base/stats.ts";

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
  /** describeTarget of the target built for. */
  readonly target: string;
  readonly n: number;
}

export interface PeersOptions extends HarnessSettings {
  readonly target: Target;
  readonly cacheDir?: string;
  readonly n?: number;
  /** Compiler processes at once (default 2). */
  readonly jobs?: number;
  readonly progress?: (message: string) => void;
}

/** The columns: the six peers, then our code generator (`kopt`). */
export function peerColumns(target: Target): CompilerConfig[] {
  return [...peerConfigs(target), kernelConfig(target)];
}

/** Times every record under every column, in one harness run. */
export async function runPeers(records: readonly ExpressionRecord[], options: PeersOptions): Promise<PeersResult> {
  const n = options.n ?? DEFAULT_N;
  const PEER_COLUMNS = peerColumns(options.target);
  const groups: (PlanGroup | { error: string })[] = records.map((r) => {
    try {
      const e = parseExpr(r.expr, r.vars);
      return {
        vars: r.vars,
        ranges: r.ranges,
        reference: e,
        entries: PEER_COLUMNS.map((config) => ({ label: config.label, expr: e, config })),
      };
    } catch (err) {
      return { error: (err as Error).message };
    }
  });
  const planned = groups.filter((g): g is PlanGroup => !("error" in g));
  const timed = await timePlan(planned, { ...options, n });
  let k = 0;
  const cells: PeerCell[][] = groups.map((g) => {
    if ("error" in g) return PEER_COLUMNS.map(() => ({ ok: false, error: g.error }));
    return timed[k++].map((c): PeerCell =>
      c.ok ? { ok: true, nsPerElem: c.nsPerElem, ratio: c.ratio, maxUlp: c.maxUlp, meanUlp: c.meanUlp } : c
    );
  });
  return {
    columns: PEER_COLUMNS.map((c) => c.label),
    rows: records.map((rec, r) => ({
      id: rec.id,
      ...(rec.name !== undefined ? { name: rec.name } : {}),
      cells: cells[r],
    })),
    machine: machineFingerprint(),
    target: describeTarget(options.target),
    n,
  };
}

/** Geometric mean of positive numbers. */
export function geomean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
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
  const lines = [
    `ns per element (n = ${result.n}, fastest round's median; machine ${result.machine.hash}; target ${result.target})`,
    head,
  ];
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
