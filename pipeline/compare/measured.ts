/**
 * Measuring optimized kernels against their originals, and the rule that
 * decides what the optimizer returns once it has measured.
 *
 * Every kernel of a request becomes one group of a timing plan: the
 * optimized form under our SIMD code generator, the original under our
 * code generator ("kopt"), the original as plain C under the requested
 * compiler peers, and any extra builds (other searches, other candidates).
 * All groups go into ONE harness run, so every figure compares like with
 * like.
 *
 * Times: the harness times each kernel alternately with a fixed reference
 * kernel in the same process; the ratio of the two is stable to about 1%
 * while absolute times move about 10% between processes. Every ns figure
 * here is therefore `ratio x the run's median reference time`, and every
 * speedup is a ratio of ratios.
 *
 * Accuracy: each build's outputs are compared with the float64 value of the
 * original on the plan's inputs (each variable's whole range, ends
 * included), in floored ulps (pipeline/expr/ulp.ts). The measured guard
 * extends the search's guard to the timing inputs: over all the inputs
 * sampled (the search's, in the float32 model, and the timing run's,
 * compiled), a returned kernel's max error may exceed the original's by at
 * most the allowance. The search already checked its own samples, so a
 * build passes if its measured max error is at most
 * max(our build of the original's measured max, the original's max in the
 * model on the search's samples) + allowance. Max errors of kernels with
 * cancellation depend strongly on which inputs are drawn; comparing the
 * maxima over the union keeps two sample sets from contradicting each
 * other. When our build of the original fails (to compile or to run), the
 * guard still comes from the original's real error (`measuredGuard`): the
 * larger of gcc -O3's build of it measured (plain C, no -ffast-math), the
 * float32 model of it on the timing inputs (what our build computes) and on
 * the search's samples. It never falls back to "anything passes", and a
 * build that could not be timed never passes it.
 *
 * What is returned (`decide`): first the measured choice among the forms the
 * search proposed: the Judge's pick, unless one of a few alternatives (the
 * next accepted candidates, the cheapest by static cost) passes the guard
 * and measures more than 2% faster (the margin keeps the choice from
 * chasing noise). That form is returned if it passes the measured guard and
 * is at most 2% slower than the fastest guard-passing build of the
 * original (ours, or the plain C under one of the measured peers: gcc -O3,
 * gcc -O3 -ffast-math, clang -O3 -ffast-math). Otherwise the original, built
 * the fastest of those ways (ours when it is within 2% of it). So "when the
 * optimizer cannot win, it returns the original": as a peer's plain C when
 * that build is faster and within the guard, else as our SIMD code. A peer
 * whose speed comes from breaking the guard (-ffast-math rewrites that lose
 * accuracy) is never returned.
 */
import { evaluateBatch } from "../expr/evaluate.ts";
import { eliminateDerivatives } from "../expr/derivative.ts";
import { type Expr } from "../expr/expr.ts";
import { type Ranges, sampleInputs } from "../expr/sample.ts";
import { type ErrorStats, flooredErrorStats, MAX_ULPS, outputFloor } from "../expr/ulp.ts";
import { DEFAULT_N, INPUT_SEED } from "../kernel/measure.ts";
import { type PlanEntry, type PlanOptions, timePlan } from "../kernel/timing_plan.ts";
import { builderConfig, PEER_LABELS, peerConfig } from "../kernel/toolchain.ts";
import { type Builder, BUILDER_WORDS } from "../target/cost_tables.ts";
import { withBoundaries } from "../expr/boundary.ts";
import type { Lowering } from "../expr/lowering.ts";

/** Labels of the builds every measurement has. */
export const OPTIMIZED = "optimized";
/** Labels of the alternatives to the Judge's pick: `alternative 1`, ... */
export const alternativeLabel = (i: number) => `alternative ${i + 1}`;
/** The build with approximate functions in it (optimizer `approximated`): an alternative like the others. */
export const APPROXIMATED = "approximated";
const ALTERNATIVE = /^(alternative \d+|approximated)$/;

/** Whether a build is a form the search proposed (the Judge's pick, an alternative, the approximated form), not an original. */
export function isProposed(label: string): boolean {
  return label === OPTIMIZED || ALTERNATIVE.test(label);
}
export const ORIGINAL = "kopt";
/** The peer a returned kernel may not be slower than by more than `MARGIN`. */
export const FAST_PEER = "gcc -O3 -ffast-math";
export const MARGIN = 1.02;

/** The peer whose build of the original stands in for ours in the guard when ours fails: plain C, no -ffast-math. */
export const ACCURATE_PEER = "gcc -O3";

/** The peers `optimize --measure` compares with. */
export const MEASURE_PEERS: readonly string[] = ["gcc -O3", FAST_PEER, "clang -O3 -ffast-math"];

export type Cell =
  | {
    readonly ok: true;
    /** Normalized ns per element: ratio x the run's median reference time. */
    readonly ns: number;
    /** Time over the reference kernel's, in the same process. */
    readonly ratio: number;
    /** Floored-ulp error against the float64 original on the plan's inputs. */
    readonly maxUlp: number;
    readonly meanUlp: number;
  }
  | { readonly ok: false; readonly error: string };

export interface MeasureRequest {
  readonly vars: readonly string[];
  readonly ranges: Ranges;
  /** The kernel as given (may contain `d`): the float64 reference. */
  readonly original: Expr;
  readonly optimized: Expr;
  /** Other forms the search proposed, timed too; one that measures faster may be returned instead. */
  readonly alternatives?: readonly Expr[];
  /** The original's max error in the float32 model on the search's samples (floored ulps), if known. */
  readonly modelMaxUlp?: number;
  /** A form with approximate functions (a lowering of it), timed as the alternative APPROXIMATED. */
  readonly approximated?: { readonly expr: Expr; readonly lowering: Lowering };
  /** Other builds to time in the same run, e.g. `saturate` (our code generator). */
  readonly extra?: readonly { readonly label: string; readonly expr: Expr }[];
}

export interface Returned {
  /** Which build is returned: OPTIMIZED, an alternative, ORIGINAL or FAST_PEER. */
  readonly build: string;
  readonly why: string;
}

export interface KernelMeasurement {
  readonly cells: Readonly<Record<string, Cell>>;
  /** Max floored ulp a returned build may have (the original's max + allowance). */
  readonly guardLimit: number;
  /** What the original's max error in the guard was taken from, in words (`measuredGuard`). */
  readonly guardFrom: string;
  readonly returned: Returned;
}

/** The measured guard of one kernel: a limit, and where the original's error in it came from. */
export interface Guard {
  readonly limit: number;
  readonly from: string;
}

/** The words for the guard's source when it is our build of the original. */
export const GUARD_FROM_OURS = "our build of the original";

/**
 * The measured guard: the original's max error + `allowance` floored ulps.
 * The original's max is our build of it, measured, or the search's model
 * on its own samples (`modelMaxUlp`) if larger. When our build of the
 * original failed, the larger of what else is real about the original's
 * error stands in: gcc -O3's build of it, measured (plain C without
 * -ffast-math), the float32 model on the timing inputs (`modelOnInputs`,
 * what our build would have computed) and on the search's samples. Never
 * a stand-in like "anything passes".
 */
export function measuredGuard(
  cells: Readonly<Record<string, Cell>>,
  allowance: number,
  model: { readonly onInputs: () => number; readonly maxUlp?: number },
): Guard {
  const ours = cells[ORIGINAL];
  if (ours?.ok) return { limit: Math.max(ours.maxUlp, model.maxUlp ?? 0) + allowance, from: GUARD_FROM_OURS };
  const peer = cells[ACCURATE_PEER];
  const onInputs = model.onInputs();
  const base = Math.max(peer?.ok ? peer.maxUlp : 0, onInputs, model.maxUlp ?? 0);
  const from = peer?.ok ? `${ACCURATE_PEER}'s build of it, measured, and the float32 model` : "the float32 model";
  return { limit: base + allowance, from: `our build of the original failed; taken from ${from}` };
}

/** The guard in words for a report: `max <= 12`, its source when not our build, or why it bounds nothing. */
export function guardText(m: Pick<KernelMeasurement, "guardLimit" | "guardFrom">): string {
  const from = m.guardFrom === GUARD_FROM_OURS ? "" : ` (${m.guardFrom})`;
  if (m.guardLimit >= MAX_ULPS) return `unbounded: the original itself gives NaN/inf where float64 does not${from}`;
  return `max <= ${fmtUlp(m.guardLimit)}${from}`;
}

/** The guard for a table column: a number, or `unbounded` (guardText says why). */
export function guardCell(m: Pick<KernelMeasurement, "guardLimit">): string {
  return m.guardLimit >= MAX_ULPS ? "unbounded" : fmtUlp(m.guardLimit);
}

/** The line of a build error worth showing: the compiler's first `error` line, else the first line. */
export function errorLine(error: string): string {
  const lines = error.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.find((l) => /\berror\b/i.test(l)) ?? lines[0] ?? "unknown error";
}

/** Builds of our code generator (the original, the optimized form, alternatives, extras) that failed. */
export function failedOurs(cells: Readonly<Record<string, Cell>>): { label: string; error: string }[] {
  return Object.entries(cells).flatMap(([label, c]) =>
    PEER_LABELS.includes(label) || c.ok ? [] : [{ label, error: errorLine(c.error) }]
  );
}

export interface MeasureOptions extends PlanOptions {
  /** Peer labels (PEER_LABELS) to time the original under; FAST_PEER is always added. */
  readonly peers?: readonly string[];
  /** Allowance over the original's max error, floored ulps. */
  readonly maxUlp: number;
  /**
   * How the original, the optimized form and the alternatives are built:
   * our SIMD code (default), or plain C under that compiler at -O3
   * -ffast-math (optimize --for), so the returned form is judged against
   * the input built the same way.
   */
  readonly builder?: Builder;
}

/** Whether the optimized form is the original (with its derivatives written out, as every build has them). */
function sameForm(r: MeasureRequest): boolean {
  return r.optimized === eliminateDerivatives(r.original);
}

function errorOf(output: Float32Array, reference: Float64Array, floor: number): ErrorStats {
  return flooredErrorStats(output, reference, floor);
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Times every request's builds in one harness run and decides what each returns. */
export async function measureKernels(
  requests: readonly MeasureRequest[],
  options: MeasureOptions,
): Promise<KernelMeasurement[]> {
  const peers = [...new Set([...(options.peers ?? MEASURE_PEERS), FAST_PEER])];
  const n = options.n ?? DEFAULT_N;
  const labelsOf: string[][] = [];
  const aliasesOf: [string, string][][] = [];
  const ourBuild = builderConfig(options.builder ?? "kopt", options.target);
  const groups = requests.map((r) => {
    // Builds of our code generator, one per distinct form: a label whose form is already built aliases it.
    const entries: PlanEntry[] = [];
    const aliases: [string, string][] = [];
    const first = new Map<Expr, string>();
    const ours = (label: string, expr: Expr) => {
      const e = eliminateDerivatives(expr);
      const had = first.get(e);
      if (had !== undefined) aliases.push([label, had]);
      else {
        first.set(e, label);
        entries.push({ label, expr: e, config: ourBuild });
      }
    };
    ours(ORIGINAL, r.original);
    ours(OPTIMIZED, r.optimized);
    (r.alternatives ?? []).forEach((e, i) => ours(alternativeLabel(i), e));
    if (r.approximated !== undefined) {
      entries.push({
        label: APPROXIMATED,
        expr: r.approximated.expr,
        config: ourBuild,
        lowering: r.approximated.lowering,
      });
    }
    for (const x of r.extra ?? []) ours(x.label, x.expr);
    entries.push(...peers.map((p) => ({ label: p, expr: r.original, config: peerConfig(p, options.target) })));
    labelsOf.push(entries.map((e) => e.label));
    aliasesOf.push(aliases);
    return { vars: r.vars, ranges: r.ranges, reference: r.original, entries };
  });
  const timed = await timePlan(groups, { ...options, n });
  const refNs = median(timed.flat().flatMap((c) => (c.ok ? [c.nsPerElem / c.ratio] : [])));
  return requests.map((r, gi) => {
    const inputs = withBoundaries(r.original, r.vars, r.ranges, sampleInputs(r.vars, r.ranges, n, INPUT_SEED));
    let reference = evaluateBatch(r.original, r.vars, inputs, 64);
    if (reference.length !== n) reference = new Float64Array(n).fill(reference[0]);
    const floor = outputFloor(reference);
    const cells: Record<string, Cell> = {};
    timed[gi].forEach((c, ei) => {
      const label = labelsOf[gi][ei];
      if (!c.ok) {
        cells[label] = { ok: false, error: c.error };
        return;
      }
      const e = errorOf(c.output, reference, floor);
      cells[label] = { ok: true, ns: c.ratio * refNs, ratio: c.ratio, maxUlp: e.maxUlp, meanUlp: e.meanUlp };
    });
    for (const [label, built] of aliasesOf[gi]) cells[label] = cells[built];
    const guard = measuredGuard(cells, options.maxUlp, {
      maxUlp: r.modelMaxUlp,
      onInputs: () => {
        let model = evaluateBatch(eliminateDerivatives(r.original), r.vars, inputs, 32);
        if (model.length !== n) model = new Float64Array(n).fill(model[0]);
        return errorOf(Float32Array.from(model), reference, floor).maxUlp;
      },
    });
    return {
      cells,
      guardLimit: guard.limit,
      guardFrom: guard.from,
      returned: decide(cells, guard.limit, sameForm(r), options.builder),
    };
  });
}

const pct = (a: number, b: number) => {
  const p = (a / b - 1) * 100;
  return `${p >= 0 ? "+" : ""}${p.toFixed(1)}%`;
};

type Timed = Extract<Cell, { ok: true }>;

/**
 * What the optimizer returns, given the measured cells (see the module
 * comment). `same`: the optimized form is the original (nothing better was
 * found), so only the two builds of the original compete.
 */
export function decide(
  cells: Readonly<Record<string, Cell>>,
  guardLimit: number,
  same: boolean,
  builder: Builder = "kopt",
): Returned {
  const ours = cells[ORIGINAL], fast = cells[FAST_PEER];
  const passes = (c: Cell | undefined): c is Timed => c !== undefined && c.ok && c.maxUlp <= guardLimit;
  // The measured choice among the proposed forms: the Judge's pick unless an alternative is clearly faster.
  const alternatives = Object.keys(cells).filter((l) => ALTERNATIVE.test(l) && passes(cells[l]))
    .sort((a, b) => (cells[a] as Timed).ratio - (cells[b] as Timed).ratio);
  let pick = same ? undefined : OPTIMIZED;
  const fastestAlt = alternatives[0];
  if (fastestAlt !== undefined) {
    const p = pick === undefined ? undefined : cells[pick];
    if (!passes(p) || (cells[fastestAlt] as Timed).ratio * MARGIN < p.ratio) pick = fastestAlt;
  }
  const opt = pick === undefined ? undefined : cells[pick];
  const label = pick === OPTIMIZED ? "it" : `${pick} (faster than the Judge's pick when measured)`;
  // Builds of the original that may be returned: ours, and the measured peers (ours first on ties); for
  // plain C under the user's compiler (--for), only the original built the same way: that is what they get.
  const ourWords = BUILDER_WORDS[builder];
  const originals = ((builder === "kopt" ? [ORIGINAL, ...MEASURE_PEERS] : [ORIGINAL]).map((l) => [l, cells[l]]) as [
    string,
    Cell | undefined,
  ][])
    .filter((x): x is [string, Timed] => passes(x[1]))
    .sort((a, b) => a[1].ratio - b[1].ratio);
  const best = originals[0];
  const vsFast = (c: Timed) => (fast?.ok ? `${pct(c.ratio, fast.ratio)} vs ${FAST_PEER}` : `${FAST_PEER} not timed`);
  const proposed = pick !== undefined;
  if (proposed && passes(opt) && (best === undefined || opt.ratio <= MARGIN * best[1].ratio)) {
    const vsOurs = ours?.ok ? `${pct(opt.ratio, ours.ratio)} vs our code of the original, ` : "";
    return { build: pick!, why: `${label} wins (${vsOurs}${vsFast(opt)})` };
  }
  // Our own build of the original when it is within the margin of the fastest passing one.
  if (passes(ours) && (best === undefined || ours.ratio <= MARGIN * best[1].ratio)) {
    const why = !proposed ? "no faster form was found" : `the optimized form ${lost(opt, ours, guardLimit)}`;
    return { build: ORIGINAL, why: `returns the original (${ourWords}, ${vsFast(ours)}): ${why}` };
  }
  if (best === undefined) {
    // Only a build within the guard is returned as one: else the original, and the caller says it failed.
    return proposed && passes(opt)
      ? { build: pick!, why: "no build of the original passed the guard: the optimized form is all there is" }
      : { build: ORIGINAL, why: `no build passed the accuracy guard or could be timed${failedWhy(ours)}` };
  }
  const [winner, cell] = best;
  const how = winner === ORIGINAL ? ourWords : `plain C under ${winner}`;
  const why = !proposed ? "no faster form was found" : `the optimized form ${lost(opt, cell, guardLimit)}`;
  return { build: winner, why: `returns the original (${how}): ${why}` };
}

/** `: our build of the original failed (...)` when it did. */
function failedWhy(ours: Cell | undefined): string {
  return ours !== undefined && !ours.ok ? ` (our build of the original failed: ${errorLine(ours.error)})` : "";
}

/** Why the optimized form lost against `winner`. */
function lost(opt: Cell | undefined, winner: Timed, guardLimit: number): string {
  if (opt === undefined) return "was not built";
  if (!opt.ok) return `could not be timed (${errorLine(opt.error)})`;
  if (opt.maxUlp > guardLimit) {
    return `breaks the accuracy guard when measured (max ${fmtUlp(opt.maxUlp)} ulp > ${fmtUlp(guardLimit)})`;
  }
  return `is slower (${pct(opt.ratio, winner.ratio)})`;
}

/** Ulps for text: integers as is, NaN/inf mismatches named. */
export function fmtUlp(u: number): string {
  if (!Number.isFinite(u)) return String(u);
  if (u >= 2 ** 32) return "NaN/inf";
  if (u >= 1e6) return u.toExponential(1);
  return u >= 100 || Number.isInteger(u) ? u.toFixed(0) : u.toFixed(1);
}
