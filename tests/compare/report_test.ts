import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../../pipeline/base/paths.ts";
import { readCompareResult } from "../../pipeline/compare/results.ts";
import { reportHtml } from "../../pipeline/compare/report_html.ts";
import { judgePoints, judgeTau, reportPlots } from "../../pipeline/compare/plots.ts";
import { kendallTau, rankReport } from "../../pipeline/nnue/judge_metrics.ts";

/** A small compare run (3 kernels of data/kernels, 2-kernel sweep), saved by `compare --json`. */
const CANNED = join(ROOT, "tests", "compare", "data", "compare_small.json");

function chromium(): string | null {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not here */ }
  }
  return null;
}

/** The DOM headless Chromium ends up with after loading `file` (scripts run, nothing fetched). */
async function dumpDom(file: string): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  try {
    const out = await new Deno.Command(chromium()!, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--dump-dom",
        `file://${file}`,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.ok(out.success, "chromium ran");
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

Deno.test({
  name: "report: rendered by headless Chromium, every plot present with visible marks",
  ignore: chromium() === null,
  async fn() {
    const result = readCompareResult(CANNED);
    const html = await reportHtml([result], { sources: [CANNED] });
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/, "self-contained");
    const dir = await Deno.makeTempDir();
    const file = join(dir, "report.html");
    await Deno.writeTextFile(file, html);
    const dom = await dumpDom(file);
    await Deno.remove(dir, { recursive: true });
    const ids = reportPlots(result).map((p) => p.id);
    assert.equal(ids.length, 5);
    for (const id of ids) {
      const fig = new RegExp(`<figure id="${id}" data-plot="${id}" data-visible-marks="(\\d+)"`).exec(dom);
      assert.ok(fig !== null, `${id} is in the rendered page`);
      assert.ok(Number(fig[1]) > 0, `${id} has visible marks (${fig[1]})`);
    }
    assert.match(dom, /Kendall tau -?[\d.]+ over \d+ builds/);
    assert.match(dom, /targets:/);
  },
});

Deno.test("report plots: one bar per kernel and peer, predicted/measured pairs, sweep lines, Pareto fronts", () => {
  const r = readCompareResult(CANNED);
  const plots = Object.fromEntries(reportPlots(r).map((p) => [p.id, p.spec]));
  const bars = plots["speedup-per-kernel"].layer[0].data.values;
  assert.equal(bars.length, r.kernels.length * 6, "6 peers per kernel");
  for (const b of bars) assert.ok(b.speedup > 0);
  const pts = plots["judge-vs-measured"].layer[1].data.values;
  assert.ok(pts.length >= r.kernels.length, "at least each original");
  const sweep = plots["quality-vs-rules"].data.values;
  assert.deepEqual([...new Set(sweep.map((x: { method: string }) => x.method))].sort(), ["guided", "saturate"]);
  const pareto = plots["speed-vs-error"].layer[1].data.values;
  for (const k of r.kernels) {
    assert.ok(pareto.some((p: { kernel: string; front: boolean }) => p.kernel === (k.name ?? k.id) && p.front));
  }
});

Deno.test("report's Judge tau: eval:judge's definition, a kernel the Judge predicts flat counts as 0", () => {
  const r = readCompareResult(CANNED);
  const flat = (p: number) => (p > 0 ? 0.3 : p);
  const k0 = r.kernels[0];
  const flattened = {
    ...r,
    kernels: [
      {
        ...k0,
        baseline: { ...k0.baseline, predictedNs: flat(k0.baseline.predictedNs) },
        guided: { ...k0.guided, form: { ...k0.guided.form, predictedNs: flat(k0.guided.form.predictedNs) } },
        saturate: { ...k0.saturate, form: { ...k0.saturate.form, predictedNs: flat(k0.saturate.form.predictedNs) } },
        candidates: k0.candidates.map((c) => ({ ...c, predictedNs: flat(c.predictedNs) })),
      },
      ...r.kernels.slice(1),
    ],
  };
  const pts = judgePoints(flattened);
  const kernels = [...new Set(pts.map((p) => p.kernel))];
  assert.equal(kernels.length, 3);
  const taus = kernels.map((k) => {
    const ps = pts.filter((p) => p.kernel === k);
    const t = kendallTau(ps.map((p) => p.predicted), ps.map((p) => p.measured));
    return Number.isNaN(t) ? 0 : t;
  });
  assert.equal(taus[0], 0, "the flat kernel ranks nothing");
  const tau = judgeTau(flattened);
  assert.ok(Math.abs(tau.perKernel - (taus[0] + taus[1] + taus[2]) / 3) < 1e-12, `${tau.perKernel}`);
  assert.equal(
    tau.perKernel,
    rankReport(pts.map((p) => p.kernel), pts.map((p) => p.predicted), pts.map((p) => p.measured)).tauWithin,
  );
});
