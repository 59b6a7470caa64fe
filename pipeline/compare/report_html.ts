/**
 * The report as one self-contained HTML file: the compare table and
 * targets as text, and every plot (plots.ts) as inline SVG rendered here
 * by vega (no scripts or fonts fetched at view time).
 *
 * A short inline script counts, for each plot, the marks the browser
 * actually lays out with a non-empty box and writes the count to the
 * figure's `data-visible-marks`: the rendering test reads it back from
 * headless Chromium's DOM. Nothing else depends on it.
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import { type Plot, reportPlots, type Spec } from "./plots.ts";
import type { CompareResult } from "./results.ts";
import { formatCompare } from "./table.ts";
import { htmlAttr, htmlText } from "./html_text.ts";

/** A vega-lite spec as SVG text. */
export async function renderSvg(spec: Spec): Promise<string> {
  // deno-lint-ignore no-explicit-any
  const compiled = vl.compile(spec as any, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const SELF_CHECK = `
for (const f of document.querySelectorAll("figure[data-plot]")) {
  let n = 0;
  for (const el of f.querySelectorAll("svg g.role-mark > *")) {
    const b = el.getBBox();
    if (b.width > 0 || b.height > 0) n++;
  }
  f.dataset.visibleMarks = String(n);
}`;

const STYLE = `
body { font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
pre { font-size: 11px; background: #f6f6f6; padding: 1em; overflow-x: auto; }
figure { margin: 1em 0 2.5em; } figcaption { font-size: 0.9em; color: #555; max-width: 760px; }
.pass { color: #1a7f37; font-weight: bold; } .fail { color: #c62828; font-weight: bold; }`;

export interface ReportInfo {
  readonly sources: readonly string[];
}

/** The whole HTML document. */
export async function reportHtml(results: readonly CompareResult[], info: ReportInfo): Promise<string> {
  const merged = mergeResults(results);
  const plots: Plot[] = reportPlots(merged);
  const figures: string[] = [];
  for (const p of plots) {
    figures.push(
      `<figure id="${htmlAttr(p.id)}" data-plot="${htmlAttr(p.id)}">\n<h2>${htmlText(p.title)}</h2>\n${await renderSvg(
        p.spec,
      )}\n` +
        `<figcaption>${htmlText(p.caption)}</figcaption>\n</figure>`,
    );
  }
  const tables = results.map((r) => `<pre>${htmlText(formatCompare(r))}</pre>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kernel optimizer: comparison with gcc and clang</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Kernel optimizer: comparison with gcc and clang</h1>
<p>${merged.kernels.length} kernels from ${htmlText(merged.corpus.join(", "))}; created ${htmlText(merged.created)} on
${htmlText(merged.machine.cpu)} (machine ${htmlText(merged.machine.hash)}), target ${htmlText(merged.target)}; from ${
    htmlText(info.sources.join(", "))
  }.
Times are ns per element of float32 kernels (n = ${merged.settings.n}), each the ratio to a reference kernel
timed in the same process times the run's median reference time, so that machine drift cancels.</p>
${figures.join("\n")}
<h2>The comparison as text</h2>
${tables}
<script>${SELF_CHECK}</script>
</body>
</html>
`;
}

/** Several compare runs as one (plots over all kernels; each run keeps its own table). */
export function mergeResults(results: readonly CompareResult[]): CompareResult {
  if (results.length === 1) return results[0];
  const [first, ...rest] = results;
  return {
    ...first,
    corpus: results.flatMap((r) => r.corpus),
    kernels: results.flatMap((r) => r.kernels),
    skipped: results.flatMap((r) => r.skipped),
    sweep: first.sweep ?? rest.find((r) => r.sweep !== undefined)?.sweep,
  };
}
