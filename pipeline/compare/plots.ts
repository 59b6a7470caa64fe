/**
 * The report's plots as vega-lite specs, built from compare results:
 *
 * 1. measured speedup of what the optimizer returns over each compiler
 *    peer, per kernel (bars), and the geomeans by domain;
 * 2. the Judge's predicted ns against measured ns for every timed build of
 *    our code generator (scatter, log-log), with Kendall's tau;
 * 3. search quality against the number of rules, guided search and
 *    saturation (lines; from the sweep);
 * 4. speed against ulp error of each kernel's candidates, with each
 *    kernel's Pareto front and the accuracy guard.
 *
 * Specs are plain data; render.ts turns them into SVG.
 */
import { rankReport } from "../nnue/judge_metrics.ts";
import { geomean } from "../kernel/peers.ts";
import { PEER_LABELS } from "../kernel/toolchain.ts";
import { DOMAIN_ORDER, SATURATE } from "./compare.ts";
import { APPROXIMATED, OPTIMIZED, ORIGINAL } from "./measured.ts";
import type { CompareResult, KernelRow } from "./results.ts";
import { speedupOver } from "./table.ts";

// deno-lint-ignore no-explicit-any
export type Spec = Record<string, any>;

export interface Plot {
  readonly id: string;
  readonly title: string;
  /** What the plot shows and how to read it (a paragraph under it). */
  readonly caption: string;
  readonly spec: Spec;
}

const PEERS = PEER_LABELS;
const nameOf = (k: KernelRow) => k.name ?? k.id;
const FONT = { font: "sans-serif", labelFont: "sans-serif", titleFont: "sans-serif" };

/** 1a: speedup per kernel and peer. */
function speedupBars(r: CompareResult): Plot {
  const rows = r.kernels.flatMap((k) =>
    PEERS.flatMap((p) => {
      const x = speedupOver(k, p);
      return x === null ? [] : [{ kernel: nameOf(k), domain: k.domain, peer: p, speedup: x }];
    })
  );
  const order = [...r.kernels].sort((a, b) =>
    DOMAIN_ORDER.indexOf(a.domain) - DOMAIN_ORDER.indexOf(b.domain) || nameOf(a).localeCompare(nameOf(b))
  ).map(nameOf);
  return {
    id: "speedup-per-kernel",
    title: "Measured speedup per kernel over each compiler peer",
    caption: "One group of bars per kernel (sorted by domain): the time of the original compiled by each peer over " +
      "the time of what the optimizer returns (fallback to the original included), all timed in one harness run. " +
      "Right of the line at 1x the optimizer is faster. Log scale.",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: { ...FONT, view: { stroke: null } },
      width: 560,
      layer: [
        {
          data: { values: rows },
          mark: { type: "bar", height: { band: 0.85 } },
          encoding: {
            y: { field: "kernel", type: "nominal", sort: order, title: null, axis: { labelLimit: 220 } },
            // Bars start at 1x: right is faster than the peer, left slower.
            x: {
              field: "speedup",
              type: "quantitative",
              scale: { type: "log" },
              title: "speedup over the peer (x, log scale)",
            },
            x2: { datum: 1 },
            yOffset: { field: "peer", sort: PEERS },
            color: { field: "peer", sort: PEERS, title: "peer (original)", scale: { scheme: "tableau10" } },
            tooltip: [{ field: "kernel" }, { field: "peer" }, { field: "speedup", format: ".2f" }],
          },
        },
        { data: { values: [{}] }, mark: { type: "rule", color: "black" }, encoding: { x: { datum: 1 } } },
      ],
      height: { step: 4, for: "offset" },
    },
  };
}

/** 1b: geomean speedups by domain and column. */
function geomeanBars(r: CompareResult): Plot {
  const cols = [...PEERS, ORIGINAL, SATURATE];
  const domains = [...DOMAIN_ORDER.filter((d) => r.kernels.some((k) => k.domain === d)), "all"];
  const rows = domains.flatMap((d) =>
    cols.flatMap((c) => {
      const xs = r.kernels.filter((k) => d === "all" || k.domain === d).map((k) => speedupOver(k, c))
        .filter((x): x is number => x !== null);
      return xs.length === 0 ? [] : [{ domain: d, column: c, geomean: geomean(xs), kernels: xs.length }];
    })
  );
  return {
    id: "geomean-by-domain",
    title: "Geomean speedup by domain",
    caption: "Geometric mean over each domain's kernels of the speedup of what the optimizer returns over the " +
      "original under each peer, over our own code of the original (kopt) and over saturation's chosen form. " +
      "The line marks 1x.",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: { ...FONT, view: { stroke: null } },
      width: { step: 12, for: "offset" },
      height: 260,
      layer: [
        {
          data: { values: rows },
          mark: "bar",
          encoding: {
            x: { field: "domain", type: "nominal", sort: domains, title: null },
            xOffset: { field: "column", sort: cols },
            y: { field: "geomean", type: "quantitative", scale: { type: "log" }, title: "geomean speedup (x, log)" },
            y2: { datum: 1 },
            color: { field: "column", sort: cols, title: "over", scale: { scheme: "tableau10" } },
            tooltip: [{ field: "domain" }, { field: "column" }, { field: "geomean", format: ".2f" }, {
              field: "kernels",
            }],
          },
        },
        { data: { values: [{}] }, mark: { type: "rule", color: "black" }, encoding: { y: { datum: 1 } } },
      ],
    },
  };
}

/** Every timed build of our code generator with the Judge's prediction for it. */
export function judgePoints(r: CompareResult): { kernel: string; role: string; predicted: number; measured: number }[] {
  return r.kernels.flatMap((k) => {
    const pts: { kernel: string; role: string; predicted: number; measured: number }[] = [];
    const add = (role: string, label: string, predicted: number) => {
      const c = k.cells[label];
      if (c?.ok && predicted > 0) pts.push({ kernel: nameOf(k), role, predicted, measured: c.ns });
    };
    add("original", ORIGINAL, k.baseline.predictedNs);
    if (k.guided.form.expr !== k.baseline.expr) add("guided's choice", OPTIMIZED, k.guided.form.predictedNs);
    for (const c of k.candidates) {
      if (c.label?.startsWith("candidate") || c.label?.startsWith("alternative")) {
        add("other candidate", c.label, c.predictedNs);
      }
    }
    if (k.saturate.form.expr !== k.guided.form.expr && k.saturate.form.expr !== k.baseline.expr) {
      add("saturation's choice", SATURATE, k.saturate.form.predictedNs);
    }
    return pts;
  });
}

/**
 * Kendall's tau over all points, and the mean of the per-kernel taus
 * (kernels with 3+ points): eval:judge's definition (rankReport), so the
 * report's figure and the Judge's evaluation mean the same thing.
 */
export function judgeTau(r: CompareResult): { all: number; perKernel: number; points: number } {
  const pts = judgePoints(r);
  const rank = rankReport(pts.map((p) => p.kernel), pts.map((p) => p.predicted), pts.map((p) => p.measured));
  return { all: rank.tauAll, perKernel: rank.tauWithin, points: pts.length };
}

/** 2: predicted vs measured. */
function judgeScatter(r: CompareResult): Plot {
  const pts = judgePoints(r);
  const tau = judgeTau(r);
  const lo = Math.min(...pts.flatMap((p) => [p.predicted, p.measured]));
  const hi = Math.max(...pts.flatMap((p) => [p.predicted, p.measured]));
  return {
    id: "judge-vs-measured",
    title: `The Judge's predicted ns vs measured ns: Kendall tau ${tau.all.toFixed(3)} over ${tau.points} builds, ` +
      `${tau.perKernel.toFixed(3)} within kernels (mean)`,
    caption: "Each point is one form of a kernel compiled by our code generator and timed in the run: the original, " +
      "the guided search's choice, other candidates and saturation's choice. The diagonal is a perfect " +
      "prediction. Kendall's tau measures rank agreement (1: same order); within a kernel it is what choosing " +
      "among forms needs.",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: FONT,
      width: 520,
      height: 420,
      layer: [
        {
          data: { values: [{ x: lo, y: lo }, { x: hi, y: hi }] },
          mark: { type: "line", color: "#888", strokeDash: [4, 4] },
          encoding: {
            x: { field: "x", type: "quantitative", scale: { type: "log" } },
            y: { field: "y", type: "quantitative", scale: { type: "log" } },
          },
        },
        {
          data: { values: pts },
          mark: { type: "point", filled: true, opacity: 0.75, size: 40 },
          encoding: {
            x: {
              field: "predicted",
              type: "quantitative",
              scale: { type: "log" },
              title: "predicted ns per element (the Judge)",
            },
            y: {
              field: "measured",
              type: "quantitative",
              scale: { type: "log" },
              title: "measured ns per element",
            },
            color: { field: "role", type: "nominal", title: "form" },
            shape: { field: "role", type: "nominal" },
            tooltip: [{ field: "kernel" }, { field: "role" }, { field: "predicted", format: ".3f" }, {
              field: "measured",
              format: ".3f",
            }],
          },
        },
      ],
    },
  };
}

/** 3: search quality vs rules, from the sweep. */
function sweepLines(r: CompareResult): Plot {
  const pts = r.sweep?.points ?? [];
  const keys = [...new Set(pts.map((p) => `${p.method}|${p.rules}`))];
  const rows = keys.flatMap((key) => {
    const [method, rules] = key.split("|");
    const ps = pts.filter((p) => p.method === method && p.rules === Number(rules));
    const measured = ps.map((p) => p.measuredSpeedup).filter((x): x is number => x !== null);
    return [
      { method, rules: Number(rules), kind: "measured", speedup: geomean(measured) },
      { method, rules: Number(rules), kind: "predicted (Judge)", speedup: geomean(ps.map((p) => p.predictedSpeedup)) },
    ].filter((x) => Number.isFinite(x.speedup));
  });
  const kernels = new Set(pts.map((p) => p.id)).size;
  return {
    id: "quality-vs-rules",
    title: `Search quality vs number of rules (${kernels} kernels, ${(r.sweep?.timeMs ?? 0) / 1000} s each)`,
    caption: "Guided search (ranked by the Judge) and saturation (ranked by static cost) with the first N rules " +
      "in domain round-robin order, the same time limit per kernel. The y axis is the geomean speedup of the " +
      "chosen forms over the original (solid: measured in one timing run; dashed: the Judge's prediction).",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: FONT,
      width: 480,
      height: 300,
      data: { values: rows },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "rules", type: "quantitative", scale: { type: "log" }, title: "rules (log scale)" },
        y: { field: "speedup", type: "quantitative", title: "geomean speedup over the original (x)" },
        color: { field: "method", type: "nominal", title: "search" },
        strokeDash: { field: "kind", type: "nominal", title: "speedup" },
        tooltip: [{ field: "method" }, { field: "rules" }, { field: "kind" }, { field: "speedup", format: ".3f" }],
      },
    },
  };
}

interface ParetoPoint {
  kernel: string;
  extraUlp: number;
  speedup: number;
  status: string;
  source: string;
  front: boolean;
  /** Approximate functions used, with their declared bounds ("" for exact forms). */
  approximations?: string;
}

/** Speed against accuracy for every candidate; measured where timed. */
export function paretoPoints(r: CompareResult): ParetoPoint[] {
  return r.kernels.flatMap((k) => {
    const ours = k.cells[ORIGINAL];
    const pts = k.candidates.flatMap((c): ParetoPoint[] => {
      const cell = c.label === undefined ? undefined : k.cells[c.label];
      const timed = cell?.ok && ours?.ok;
      const speedup = timed ? ours.ratio / cell.ratio : k.baseline.predictedNs / c.predictedNs;
      const extraUlp = timed ? cell.maxUlp - ours.maxUlp : c.maxUlp - k.baseline.maxUlp;
      if (!Number.isFinite(speedup) || speedup <= 0 || !Number.isFinite(extraUlp)) return [];
      const status = c.expr === k.guided.form.expr
        ? "chosen"
        : c.expr === k.baseline.expr
        ? "original"
        : c.accepted
        ? "within the guard"
        : "dropped by the guard";
      return [{
        kernel: nameOf(k),
        extraUlp,
        speedup,
        status,
        source: timed ? "measured" : "predicted",
        front: false,
      }];
    });
    // The form with approximate functions, where the optimizer proposed one.
    const ap = k.approximated, cell = k.cells[APPROXIMATED];
    if (ap !== undefined) {
      const timed = cell?.ok && ours?.ok;
      const speedup = timed ? ours.ratio / cell.ratio : NaN;
      const extraUlp = timed ? cell.maxUlp - ours.maxUlp : ap.maxUlp - k.baseline.maxUlp;
      if (Number.isFinite(speedup) && speedup > 0 && Number.isFinite(extraUlp)) {
        pts.push({
          kernel: nameOf(k),
          approximations: ap.approximations.map((a) => `${a.fn} <= ${a.boundUlp} ulp`).join(", "),
          extraUlp,
          speedup,
          status: "with approximate functions",
          source: "measured",
          front: false,
        });
      }
    }
    // The kernel's front: faster than every point at least as accurate.
    for (const p of pts) {
      p.front = !pts.some((q) =>
        q !== p && q.extraUlp <= p.extraUlp && q.speedup >= p.speedup &&
        (q.extraUlp < p.extraUlp || q.speedup > p.speedup)
      );
    }
    return pts;
  });
}

/** 4: Pareto. */
function paretoPlot(r: CompareResult): Plot {
  const pts = paretoPoints(r);
  const front = pts.filter((p) => p.front).sort((a, b) => a.extraUlp - b.extraUlp);
  const statuses = ["original", "chosen", "within the guard", "dropped by the guard", "with approximate functions"];
  return {
    id: "speed-vs-error",
    title: "Speed vs ulp error of each kernel's candidates, with each kernel's Pareto front",
    caption: "Every candidate the guided search ranked, for every kernel: x is its max error minus the original's " +
      "(floored ulps; left of 0 is more accurate than the original), y its speedup over the original. Filled " +
      "points were timed (measured speed and error on the timing inputs); hollow ones carry the Judge's " +
      "prediction and the float32 model's error. Forms with approximate functions (their declared bounds in the " +
      "tooltip) are shown where they were timed. Grey lines join each kernel's Pareto front; the dashed line is " +
      `the guard (+${r.settings.maxUlp} ulp).`,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: FONT,
      width: 560,
      height: 400,
      layer: [
        {
          data: { values: front },
          mark: { type: "line", color: "#bbb", strokeWidth: 1 },
          encoding: {
            x: { field: "extraUlp", type: "quantitative", scale: { type: "symlog" } },
            y: { field: "speedup", type: "quantitative", scale: { type: "log" } },
            detail: { field: "kernel" },
            order: { field: "extraUlp" },
          },
        },
        {
          data: { values: pts },
          mark: { type: "point", size: 45 },
          encoding: {
            x: {
              field: "extraUlp",
              type: "quantitative",
              scale: { type: "symlog" },
              title: "max error - the original's (floored ulps, symlog)",
            },
            y: {
              field: "speedup",
              type: "quantitative",
              scale: { type: "log" },
              title: "speedup over the original (x, log)",
            },
            color: { field: "status", type: "nominal", sort: statuses, title: "candidate" },
            fill: {
              condition: { test: "datum.source === 'measured'", field: "status", type: "nominal", sort: statuses },
              value: "transparent",
            },
            tooltip: [{ field: "kernel" }, { field: "status" }, { field: "source" }, { field: "approximations" }, {
              field: "speedup",
              format: ".2f",
            }, { field: "extraUlp", format: ".1f" }],
          },
        },
        {
          mark: { type: "rule", strokeDash: [5, 4], color: "#d33" },
          encoding: { x: { datum: r.settings.maxUlp } },
        },
      ],
    },
  };
}

/** Every plot of the report, in order. */
export function reportPlots(r: CompareResult): Plot[] {
  return [speedupBars(r), geomeanBars(r), judgeScatter(r), sweepLines(r), paretoPlot(r)];
}
