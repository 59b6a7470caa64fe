/**
 * What `optimize` writes for each kernel: the text report (default), and
 * the `--emit` formats: `json` (one OptimizeRecord per line, validated by
 * its zod schema), `fpcore` (one FPCore form per kernel with its `:name`
 * and `:pre`), `infix` (one line per kernel) and `c` (a ready-to-use C file,
 * pipeline/kernel/c_file.ts).
 *
 * Every format shows what the tool *returns*: the optimized form, or with
 * `--measure` the original when the optimized form lost (measured.ts).
 */
import { printFPCoreForm, printInfix } from "../expr/print.ts";
import { fpcoreShared as printFPCore, infixShared } from "./shared_print.ts";
import { simdKernel } from "../kernel/codegen.ts";
import { cFile, type EmittedKernel, sourceFlags } from "../kernel/c_file.ts";
import { plainKernel } from "../kernel/plain_c.ts";
import { builderConfig, kernelConfig, PEER_LABELS, peerConfig } from "../kernel/toolchain.ts";
import type { Target } from "../target/target.ts";
import {
  alternativeLabel,
  APPROXIMATED,
  errorLine,
  failedOurs,
  fmtUlp,
  guardCell,
  guardText,
  isProposed,
  type KernelMeasurement,
  MEASURE_PEERS,
  OPTIMIZED,
  ORIGINAL,
} from "../compare/measured.ts";
import type { Builder } from "../target/cost_tables.ts";
import type { OptimizeResult } from "../search/optimizer.ts";
import { type Approximated, placementsText } from "../search/approximate.ts";
import type { Expr } from "../expr/expr.ts";
import { geomean } from "../kernel/peers.ts";
import { type Job } from "../records/job.ts";
import { OptimizeRecord } from "../records/schema.ts";

/** One kernel's result, measured or not. */
export interface Outcome {
  readonly job: Job;
  readonly result: OptimizeResult;
  /** What the kernel was searched, measured and is emitted for. */
  readonly target: Target;
  /** The code the returned form runs as (optimize --for). */
  readonly builder: Builder;
  /** Forms timed next to the Judge's pick (`alternative 1`, ...), with --measure. */
  readonly alternatives: readonly Expr[];
  readonly rank: "judge" | "static";
  /** What the search optimized for (speed when absent). */
  readonly objective?: "speed" | "accuracy";
  /** Print the Pareto front of (time, max error) in the text report (`--pareto`). */
  readonly pareto?: boolean;
  /** Rules the search had. */
  readonly rules: number;
  readonly samples: number;
  readonly measured?: KernelMeasurement;
  /** Elements per timed call (with `measured`). */
  readonly n?: number;
}

/**
 * The approximations the returned kernel runs with, or null: the measured
 * choice when it is the APPROXIMATED build; unmeasured, the optimizer's
 * proposal (cheaper than the exact form by the static table) for our SIMD
 * code.
 */
export function returnedApproximated(o: Outcome): Approximated | null {
  const b = o.measured?.returned.build;
  if (b === undefined) return o.builder === "kopt" ? o.result.approximated : null;
  return b === APPROXIMATED ? o.result.approximated : null;
}

/** The form the tool returns. */
export function returnedExpr(o: Outcome): Expr {
  const approx = returnedApproximated(o);
  if (approx !== null) return approx.expr;
  const b = o.measured?.returned.build;
  if (b === undefined || b === OPTIMIZED) return o.result.best.expr;
  const alt = o.alternatives.findIndex((_, i) => alternativeLabel(i) === b);
  return alt >= 0 ? o.alternatives[alt] : o.result.baseline.expr;
}

/** Whether what is returned is a form the search proposed (the Judge's pick or an alternative). */
export function returnedIsOptimized(m: KernelMeasurement): boolean {
  return isProposed(m.returned.build);
}

/**
 * Why the measured speedups of `m` are no optimization result, or null when
 * they are one: the returned build could not be timed, or builds of ours
 * failed and what is returned is a peer compiler's build of the original.
 */
export function notOptimizedWhy(m: KernelMeasurement): string | null {
  const ret = m.cells[m.returned.build];
  if (ret === undefined || !ret.ok) return "not optimized: the returned build could not be compiled or timed";
  if (failedOurs(m.cells).length > 0 && PEER_LABELS.includes(m.returned.build)) {
    return "not optimized: our builds failed";
  }
  return null;
}

/**
 * `our builds failed to compile or time: ours on the original, optimized (gcc failed: ...)`,
 * builds grouped by their error's line; null when none failed.
 */
export function failedText(m: KernelMeasurement): string | null {
  const failed = failedOurs(m.cells);
  if (failed.length === 0) return null;
  const byError = new Map<string, string[]>();
  for (const f of failed) byError.set(f.error, [...(byError.get(f.error) ?? []), buildName(f.label)]);
  return `our build${failed.length === 1 ? "" : "s"} failed to compile or time: ${
    [...byError].map(([error, labels]) => `${labels.join(", ")} (${error})`).join("; ")
  }`;
}

/** Why that form: a sentence. */
export function returnedWhy(o: Outcome): string {
  if (o.measured !== undefined) {
    const failed = failedText(o.measured);
    return failed === null ? o.measured.returned.why : `${o.measured.returned.why}; ${failed}`;
  }
  const approx = returnedApproximated(o);
  if (approx !== null) {
    return `approximate functions within the guard, cheaper by the static table (not measured: --measure times it)`;
  }
  return o.result.best.expr === o.result.baseline.expr
    ? "no faster form was predicted: the input is the result"
    : "the Judge's fastest prediction within the accuracy guard (not measured: --measure times it)";
}

const f3 = (x: number) => x.toFixed(3);
const f2 = (x: number) => x.toFixed(2);

/** Labels shown for builds. */
export function buildName(label: string): string {
  return label === OPTIMIZED ? "optimized" : label === ORIGINAL ? "ours on the original" : label;
}

/** Comma-separated words wrapped to `width`, continuation lines indented. */
function wrap(words: readonly string[], indent: string, width = 118, joiner = ","): string {
  const lines: string[] = [];
  let cur = "";
  for (const [i, w] of words.entries()) {
    const piece = w + (i < words.length - 1 ? joiner : "");
    if (cur !== "" && indent.length + cur.length + 1 + piece.length > width) {
      lines.push(cur);
      cur = piece;
    } else cur = cur === "" ? piece : `${cur} ${piece}`;
  }
  lines.push(cur);
  return lines.join(`\n${indent}`);
}

export function stepsText(r: { steps: readonly string[] | null; stepsComplete: boolean }, searchKind: string): string {
  const steps = r.steps;
  if (steps === null) {
    return searchKind === "saturate"
      ? "not recorded: saturation extracts from the e-graph without a derivation"
      : "not recorded";
  }
  const tail = r.stepsComplete ? "" : ", then the e-graph's extraction (equalities it found itself: congruence, " +
    "constant and interval folding) gives the final form";
  if (steps.length === 0) return r.stepsComplete ? "none" : `none recorded${tail}`;
  const head = steps.length <= MAX_SHOWN_STEPS ? [...steps] : steps.slice(0, MAX_SHOWN_STEPS);
  let more = "";
  if (steps.length > MAX_SHOWN_STEPS) {
    // The rest summarized by rule, most used first (--emit json lists every step).
    const counts = new Map<string, number>();
    for (const s of steps.slice(MAX_SHOWN_STEPS)) counts.set(s, (counts.get(s) ?? 0) + 1);
    const byUse = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s, n]) => `${s}×${n}`);
    more = `, ... then ${steps.length - MAX_SHOWN_STEPS} more: ${byUse.join(", ")}`;
  }
  const text = `${head.join(", ")}${more}${tail}`;
  return `${steps.length} rewrite${steps.length === 1 ? "" : "s"}: ${wrap(text.split(" "), " ".repeat(11), 118, "")}`;
}

/** Steps printed one by one before the rest is summarized. */
const MAX_SHOWN_STEPS = 30;

/** Speedups of the returned build over each timed build of the original. */
export function speedups(m: KernelMeasurement): Record<string, number> {
  const ret = m.cells[m.returned.build];
  if (ret === undefined || !ret.ok) return {};
  const out: Record<string, number> = {};
  for (const [label, c] of Object.entries(m.cells)) {
    if (isProposed(label) || !c.ok) continue;
    out[label] = c.ratio / ret.ratio;
  }
  return out;
}

/** The text report of one kernel. */
export function formatOutcome(o: Outcome): string {
  const r = o.result, best = r.best, base = r.baseline;
  const pad = (s: string) => s.padEnd(11);
  const lines = [
    `== ${o.job.name ?? o.job.id}`,
    `${pad("input")}${printFPCore(o.job.expr)}`,
    `${pad("")}${infixShared(o.job.expr)}`,
  ];
  if (base.expr !== o.job.expr) lines.push(`${pad("")}derivatives written out: ${infixShared(base.expr)}`);
  lines.push(
    `${pad("optimized")}${printFPCore(best.expr)}`,
    `${pad("")}${infixShared(best.expr)}`,
    `${pad("steps")}${stepsText(best, r.search.kind)}`,
    `${pad("predicted")}${f3(base.predictedNs)} -> ${f3(best.predictedNs)} ns/element, x${
      f2(base.predictedNs / best.predictedNs)
    } (the Judge); static cost ${f2(base.staticCost)} -> ${f2(best.staticCost)}${
      best.finalNs !== undefined ? `; the compiled-code Judge ranked it first at ${f3(best.finalNs)} ns/element` : ""
    }`,
    `${pad("accuracy")}max ${fmtUlp(base.error.maxUlp)} -> ${fmtUlp(best.error.maxUlp)} ulp, mean ${
      f2(base.error.meanUlp)
    } -> ${f2(best.error.meanUlp)} ulp (float32 vs float64, floored ulps, ${o.samples} samples over the ranges, ` +
      `ends included); guard: max <= ${fmtUlp(base.error.maxUlp + r.allowance)}`,
  );
  if (r.picked !== null) lines.push(`${pad("picked")}${r.picked}`);
  const ap = r.approximated;
  if (ap !== null) {
    lines.push(
      `${pad("approx")}${printFPCore(ap.expr)} with ${placementsText(ap.placements)}`,
      `${pad("")}max ${fmtUlp(ap.error.maxUlp)} ulp, mean ${f2(ap.error.meanUlp)} ulp in the model (guard: max <= ${
        fmtUlp(base.error.maxUlp + r.allowance)
      }); static cost ${f2(ap.staticCost)}`,
    );
  }
  if (r.dropped > 0) {
    lines.push(
      `${pad("guard")}${r.dropped} faster-predicted candidate${r.dropped === 1 ? " was" : "s were"} dropped: ` +
        `max error above the input's + ${r.allowance} ulp`,
    );
  }
  const m = o.measured;
  if (m !== undefined) {
    // Builds of ours that failed are named once more with their errors on the `failed` line.
    const cells = Object.entries(m.cells).map(([label, c]) =>
      `${buildName(label)} ${
        c.ok ? f3(c.ns) : PEER_LABELS.includes(label) ? `failed (${errorLine(c.error)})` : "failed"
      }`
    );
    lines.push(`${pad("measured")}ns/element (one timing run, n = ${o.n}): ${wrap(cells, " ".repeat(11))}`);
    const failed = failedText(m);
    if (failed !== null) lines.push(`${pad("failed")}${failed}`);
    const ret = m.cells[m.returned.build];
    lines.push(
      `${pad("returned")}${returnedIsOptimized(m) ? `the optimized form: ${m.returned.why}` : m.returned.why}`,
    );
    const re = returnedExpr(o);
    if (re !== best.expr && re !== base.expr) {
      // Saturation's choice is not among the candidates: it has no steps.
      const c = r.candidates.find((x) => x.expr === re) ?? { steps: null, stepsComplete: false };
      lines.push(
        `${pad("")}${printFPCore(re)}`,
        `${pad("")}${infixShared(re)}`,
        `${pad("")}steps: ${stepsText(c, r.search.kind)}`,
      );
    }
    const sp = speedups(m);
    const order = [...MEASURE_PEERS, ORIGINAL].filter((l) => l in sp);
    const not = notOptimizedWhy(m);
    if (not !== null) {
      const what = ret?.ok
        ? ` (returned: the original as plain C under ${m.returned.build}, ${f3(ret.ns)} ns/element)`
        : "";
      lines.push(`${pad("speedup")}${not}${what}`);
    } else lines.push(`${pad("speedup")}${order.map((l) => `x${f2(sp[l])} vs ${buildName(l)}`).join(", ")}`);
    lines.push(
      `${pad("")}measured error: ${
        ret?.ok ? `max ${fmtUlp(ret.maxUlp)} ulp, mean ${f2(ret.meanUlp)} ulp` : "none (not timed)"
      } (guard: ${guardText(m)})`,
    );
  }
  if (o.pareto === true) lines.push(...paretoLines(o));
  const s = r.search;
  lines.push(
    `${pad("search")}${s.kind}, ranked by ${
      o.rank === "judge" ? "the Judge" : "static cost"
    }, ${o.rules} rules, ${s.rewrites} rewrites in ${(s.timeMs / 1000).toFixed(2)} s (stopped: ${s.stopped}${
      s.kind === "guided" ? `; best after ${(s.timeToBestMs / 1000).toFixed(2)} s` : ""
    })`,
  );
  return lines.join("\n");
}

/**
 * The Pareto front as text: one point per line, fastest first: its time
 * (predicted ns, or static cost under --rank static), max ulp, whether it
 * passes the guard, and its form (infix); `*` marks the chosen one.
 */
export function paretoLines(o: Outcome): string[] {
  const r = o.result, judge = o.rank === "judge";
  const head = `${"pareto".padEnd(11)}${r.front.length} point${r.front.length === 1 ? "" : "s"} of (${
    judge ? "predicted ns/element" : "static cost"
  }, max ulp) over the forms reached, fastest first (* chosen, ! over the guard):`;
  const rows = r.front.map((p) => {
    const mark = p.item.expr === r.best.expr ? "*" : p.item.accepted ? " " : "!";
    const t = judge ? f3(p.time) : f2(p.time);
    return `${" ".repeat(11)}${mark} ${t.padStart(8)} ${fmtUlp(p.error).padStart(10)} ulp  ${infixShared(p.item.expr)}`;
  });
  return [head, ...rows];
}

/** The closing table for several kernels (text report). */
export function formatSummary(outcomes: readonly Outcome[], failed: number): string {
  const measured = outcomes.every((o) => o.measured !== undefined);
  const nameW = Math.min(36, Math.max(8, ...outcomes.map((o) => (o.job.name ?? o.job.id).length)));
  const pad = (s: string, w = 12) => s.padStart(w);
  const cols = measured
    ? ["predicted", "returned", "ns", ...MEASURE_PEERS.map((p) => `vs ${p}`), "max ulp", "guard"]
    : ["predicted", "max ulp", "guard"];
  const rows: [string, string[]][] = [];
  const pred: number[] = [];
  const sp: Record<string, number[]> = Object.fromEntries(MEASURE_PEERS.map((p) => [p, []]));
  let fellBack = 0, dropped = 0, failedKernels = 0, notOptimized = 0;
  for (const o of outcomes) {
    const p = o.result.baseline.predictedNs / o.result.best.predictedNs;
    pred.push(p);
    if (o.result.dropped > 0) dropped++;
    const row = [`x${f2(p)}`];
    if (o.measured !== undefined) {
      const m = o.measured, ret = m.cells[m.returned.build];
      const failed = failedOurs(m.cells).length > 0, not = notOptimizedWhy(m) !== null;
      if (!returnedIsOptimized(m) && !(failed && not)) fellBack++;
      if (failed) failedKernels++;
      if (not) notOptimized++;
      // Speedups of a build returned because ours failed are no result of the optimizer: not shown, not averaged.
      const s = not ? {} : speedups(m);
      row.push(
        failed && !returnedIsOptimized(m)
          ? "ours failed"
          : returnedIsOptimized(m)
          ? (m.returned.build === OPTIMIZED
            ? "optimized"
            : m.returned.build === APPROXIMATED
            ? "approximated"
            : "alternative")
          : m.returned.build === ORIGINAL
          ? "original"
          : "orig/peer",
      );
      row.push(ret?.ok ? f3(ret.ns) : "fail");
      for (const peer of MEASURE_PEERS) {
        row.push(s[peer] === undefined ? "-" : `x${f2(s[peer])}`);
        if (s[peer] !== undefined) sp[peer].push(s[peer]);
      }
      row.push(ret?.ok ? fmtUlp(ret.maxUlp) : "-", guardCell(m));
    } else {
      // What is returned: the form with approximate functions, when there is one.
      const err = returnedApproximated(o)?.error ?? o.result.best.error;
      row.push(fmtUlp(err.maxUlp), fmtUlp(o.result.baseline.error.maxUlp + o.result.allowance));
    }
    rows.push([(o.job.name ?? o.job.id).slice(0, nameW).padEnd(nameW), row]);
  }
  // Every column as wide as its widest cell, plus two.
  const widths = cols.map((c, i) => Math.max(12, c.length + 2, ...rows.map(([, r]) => (r[i] ?? "").length + 2)));
  const lines = ["", "kernel".padEnd(nameW) + cols.map((c, i) => pad(c, widths[i])).join("")];
  for (const [name, row] of rows) lines.push(name + row.map((c, i) => pad(c, widths[i])).join(""));
  const gm = [`x${f2(geomean(pred))}`];
  if (measured) gm.push("", "", ...MEASURE_PEERS.map((p) => (sp[p].length ? `x${f2(geomean(sp[p]))}` : "-")));
  lines.push(`geomean (${outcomes.length})`.padEnd(nameW) + gm.map((c, i) => pad(c, widths[i])).join(""));
  const notes = [
    `${outcomes.length} kernel(s)`,
    `${dropped} with candidates dropped by the accuracy guard`,
    ...(measured ? [`${fellBack} returned as the original (the optimized form did not win when measured)`] : []),
    ...(failedKernels > 0 ? [`${failedKernels} with builds of ours that failed to compile or time`] : []),
    ...(failed > 0 ? [`${failed} input(s) failed to parse`] : []),
  ];
  lines.push(notes.join("; "));
  if (failedKernels > 0) {
    lines.push(
      `FAILED: builds of our SIMD code failed to compile or time for ${failedKernels} of ${outcomes.length} ` +
        `kernel(s) (each kernel's "failed" line gives the compiler's error); ${notOptimized} not optimized, ` +
        "their speedups not shown (exit 3)",
    );
  }
  if (measured) {
    lines.push(
      "speedups: the returned kernel against the original compiled by each peer, times measured in one run " +
        "(ratios to a reference kernel timed in the same processes)",
    );
  }
  return lines.join("\n");
}

/** The `--emit json` record, validated by its schema. */
export function outcomeRecord(o: Outcome): OptimizeRecord {
  const r = o.result, j = o.job;
  const base = j.record ?? {
    id: j.id,
    expr: printFPCore(j.expr),
    vars: [...j.vars],
    ranges: Object.fromEntries(Object.entries(j.ranges).map(([k, v]) => [k, [v[0], v[1]]])),
    ...(j.name !== undefined ? { name: j.name } : {}),
    ...(j.pre !== undefined ? { pre: j.pre } : {}),
  };
  const err = (e: { maxUlp: number; meanUlp: number }) => ({ max_ulp: e.maxUlp, mean_ulp: e.meanUlp });
  const m = o.measured;
  const rec = {
    ...base,
    optimized: printFPCore(r.best.expr),
    steps: r.best.steps === null ? null : [...r.best.steps],
    predicted_ns: {
      input: r.baseline.predictedNs,
      optimized: r.best.predictedNs,
      ...(r.best.finalNs !== undefined ? { optimized_compiled: r.best.finalNs } : {}),
    },
    predicted_speedup: r.baseline.predictedNs / r.best.predictedNs,
    static_cost: { input: r.baseline.staticCost, optimized: r.best.staticCost },
    accuracy: {
      input: err(r.baseline.error),
      optimized: err(r.best.error),
      samples: o.samples,
      guard_max_ulp: r.baseline.error.maxUlp + r.allowance,
      dropped: r.dropped,
    },
    search: {
      kind: r.search.kind,
      rank: o.rank,
      rules: o.rules,
      rewrites: r.search.rewrites,
      ms: r.search.timeMs,
      ms_to_best: r.search.timeToBestMs,
      stopped: r.search.stopped,
      objective: o.objective ?? "speed",
    },
    pareto: r.front.map((p) => ({
      time: p.time,
      time_unit: o.rank === "judge" ? "ns" as const : "cost" as const,
      max_ulp: p.error,
      mean_ulp: p.item.error.meanUlp,
      accepted: p.item.accepted,
      expr: printFPCore(p.item.expr),
    })),
    ...(r.picked === null ? {} : { picked: r.picked }),
    ...(m === undefined ? {} : {
      measured: {
        n: o.n ?? 0,
        builds: Object.fromEntries(
          Object.entries(m.cells).map(([k, c]) => [
            k,
            c.ok
              ? { ok: true as const, ns_per_elem: c.ns, ratio: c.ratio, max_ulp: c.maxUlp, mean_ulp: c.meanUlp }
              : { ok: false as const, error: c.error },
          ]),
        ),
        guard_max_ulp: m.guardLimit,
        // No speedups where the optimizer returned a peer's build because ours failed (returned.why says so).
        speedup: notOptimizedWhy(m) === null ? speedups(m) : {},
      },
    }),
    returned: {
      build: m?.returned.build ?? OPTIMIZED,
      expr: printFPCore(returnedExpr(o)),
      why: returnedWhy(o),
      ...approximationsField(returnedApproximated(o)),
    },
  };
  return OptimizeRecord.parse(rec);
}

function approximationsField(a: Approximated | null) {
  if (a === null) return {};
  return {
    approximations: a.placements.map((p) => ({
      at: printFPCore(p.site.node),
      fn: p.approx.fn,
      bound_ulp: p.approx.bound,
      c_name: p.approx.cName,
    })),
  };
}

/** `--emit fpcore`: the returned form as a whole FPCore form, with the input's :name and :pre. */
export function outcomeFPCore(o: Outcome): string {
  return printFPCoreForm(returnedExpr(o), {
    ...(o.job.name !== undefined ? { name: o.job.name } : {}),
    vars: o.job.vars,
    ranges: o.job.ranges,
    ...(o.job.pre !== undefined ? { pre: o.job.pre } : {}),
  });
}

/** `--emit infix`: one line, in the syntax the infix parser reads back (shared parts spelled out). */
export function outcomeInfix(o: Outcome): string {
  return printInfix(returnedExpr(o));
}

/** What the C file's comment says about one kernel. */
function notes(o: Outcome): string[] {
  const r = o.result;
  const out = [
    `${o.job.name ?? o.job.id}`,
    `  input:     ${printFPCore(o.job.expr)}`,
    `  returned:  ${printFPCore(returnedExpr(o))}`,
    `  why:       ${returnedWhy(o)}`,
    ...approxNotes(returnedApproximated(o)),
    `  rules:     ${stepsText(r.best, r.search.kind).replaceAll("\n" + " ".repeat(11), " ")}`,
    `  predicted: ${f3(r.baseline.predictedNs)} -> ${f3(r.best.predictedNs)} ns/element (x${
      f2(r.baseline.predictedNs / r.best.predictedNs)
    }, the Judge)`,
    `  accuracy:  max ${fmtUlp(r.best.error.maxUlp)} ulp, mean ${f2(r.best.error.meanUlp)} ulp vs float64 ` +
    `(input: max ${fmtUlp(r.baseline.error.maxUlp)}; ${o.samples} samples, floored ulps; guard <= ${
      fmtUlp(r.baseline.error.maxUlp + r.allowance)
    })`,
  ];
  if (r.dropped > 0) out.push(`  guard:     ${r.dropped} faster-predicted candidate(s) dropped for accuracy`);
  const m = o.measured;
  if (m === undefined) out.push("  measured:  no (optimize --measure times it against gcc and clang)");
  else {
    const ret = m.cells[m.returned.build];
    const sp = speedups(m);
    const not = notOptimizedWhy(m);
    if (ret?.ok) {
      out.push(
        `  measured:  ${f3(ret.ns)} ns/element; ${
          not ?? Object.entries(sp).map(([l, x]) => `x${f2(x)} vs ${buildName(l)}`).join(", ")
        }`,
        `             max ${fmtUlp(ret.maxUlp)} ulp, mean ${f2(ret.meanUlp)} ulp measured (guard: ${guardText(m)})`,
      );
    } else out.push(`  measured:  ${not}`);
  }
  return out;
}

function approxNotes(a: Approximated | null): string[] {
  if (a === null) return [];
  return [
    `  approx:    ${placementsText(a.placements)}`,
    `             max ${fmtUlp(a.error.maxUlp)} ulp in the float32 model with them (bounds declared per call)`,
  ];
}

const ISA_WORDS: Readonly<Record<Target["isa"], string>> = {
  avx512: "AVX-512",
  avx2: "AVX2 and FMA",
  neon: "aarch64 Advanced SIMD (NEON)",
};

/** `--emit c`: the returned kernels as one C file. */
export function outcomesC(outcomes: readonly Outcome[], command: string): string {
  const kernels: EmittedKernel[] = outcomes.map((o) => {
    const e = returnedExpr(o);
    const build = o.measured?.returned.build ?? OPTIMIZED;
    // Plain C when a peer's build is returned, or when the form was made for the user's compiler (--for).
    const peer = PEER_LABELS.includes(build)
      ? peerConfig(build, o.target)
      : o.builder !== "kopt"
      ? builderConfig(o.builder, o.target)
      : null;
    return {
      name: o.job.name ?? (outcomes.length === 1 ? "kernel" : o.job.id),
      vars: o.job.vars,
      source: peer !== null
        ? plainKernel(e, o.job.vars)
        : simdKernel(e, o.job.vars, o.target.isa, returnedApproximated(o)?.lowering),
      ...(peer !== null ? { peer } : {}),
      notes: notes(o),
    };
  });
  const target = outcomes[0]?.target;
  if (target === undefined) throw new Error("no kernels to emit");
  const ours = kernelConfig(target);
  const header = [
    "Generated by the kernel optimizer:",
    `  ${command}`,
    `on ${new Date().toISOString()}. Our kernels use ${ISA_WORDS[target.isa]} intrinsics and vector math`,
    `(${target.veclib}); they are built with`,
    `  ${ours.cc} ${sourceFlags(ours).join(" ")}`,
    "-fno-math-errno lets sqrt be one instruction; -ffp-contract=off keeps every multiply and add",
    "apart unless the kernel says fma, so results equal the optimizer's float32 model.",
  ];
  return cFile(kernels, header, target);
}
