/**
 * deno task bench:approx: ns per element of every approximation tier next
 * to the vector math the project's kernels call today (the kernel
 * preamble's kop_* wrappers: glibc libmvec on x86, SLEEF u10 for pow;
 * rsqrt is vrsqrt14ps/vrsqrtps plus a Newton step), on each x86 ISA this
 * CPU runs. Short: about 7 x 5 ms per entry.
 *
 *   deno task bench:approx [--isa avx2] [--json]
 *
 * --json records each tier's time over today's call per ISA in
 * data/approx/costs.json (approx/costs.ts), which prices approximations in
 * the optimizer's static cost.
 */
import { parseArgs } from "node:util";
import { approximations } from "../pipeline/approx/catalog.ts";
import { loadApproxCosts, mergeApproxCosts, saveApproxCosts } from "../pipeline/approx/costs.ts";
import { APPROX_COSTS } from "../pipeline/base/paths.ts";
import { machineFingerprint } from "../pipeline/kernel/machine.ts";
import { type BenchEntry, runBench } from "../pipeline/approx/bench.ts";
import { DESIGNS } from "../pipeline/approx/designs.ts";
import { simdPreamble, vectorMathSymbol } from "../pipeline/kernel/preamble.ts";
import { cpuRuns, hostCpu, type Isa, targetFor } from "../pipeline/target/target.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { isa: { type: "string", multiple: true }, json: { type: "boolean", default: false } },
});
const isas = ((values.isa ?? ["avx512", "avx2"]) as Isa[]).filter((isa) => cpuRuns(hostCpu(), isa));

/** Inputs per function (typical ranges, inside each domain), and today's C for it. */
const SETUP: Record<string, { range: Omit<BenchEntry, "label" | "call">; today: string; what: (isa: Isa) => string }> =
  {
    exp2: { range: { lo: -60, hi: 60 }, today: "kop_exp2(x)", what: (i) => vectorMathSymbol(i, "exp2") },
    exp: { range: { lo: -80, hi: 80 }, today: "kop_exp(x)", what: (i) => vectorMathSymbol(i, "exp") },
    log2: { range: { lo: 1e-6, hi: 1e6, log: true }, today: "kop_log2(x)", what: (i) => vectorMathSymbol(i, "log2") },
    log: { range: { lo: 1e-6, hi: 1e6, log: true }, today: "kop_log(x)", what: (i) => vectorMathSymbol(i, "log") },
    sin: { range: { lo: -100, hi: 100 }, today: "kop_sin(x)", what: (i) => vectorMathSymbol(i, "sin") },
    cos: { range: { lo: -100, hi: 100 }, today: "kop_cos(x)", what: (i) => vectorMathSymbol(i, "cos") },
    tanh: { range: { lo: -10, hi: 10 }, today: "kop_tanh(x)", what: (i) => vectorMathSymbol(i, "tanh") },
    sigmoid: {
      range: { lo: -20, hi: 20 },
      today: "kop_div(kop_set1(1.0f), kop_add(kop_set1(1.0f), kop_exp(kop_neg(x))))",
      what: (i) => `1/(1+${vectorMathSymbol(i, "exp")}(-x))`,
    },
    pow: {
      range: { lo: 0.1, hi: 10, ylo: -5, yhi: 5 },
      today: "kop_pow(x, y)",
      what: (i) => vectorMathSymbol(i, "pow"),
    },
    rsqrt: {
      range: { lo: 1e-6, hi: 1e6, log: true },
      today: "kop_rsqrt(x)",
      what: () => "kop_rsqrt (estimate + Newton)",
    },
  };

const all = approximations();
let costs = loadApproxCosts();
for (const isa of isas) {
  const entries: BenchEntry[] = [];
  for (const name of new Set(DESIGNS.map((d) => d.name))) {
    const s = SETUP[name];
    entries.push({ label: `${name} today: ${s.what(isa)}`, call: s.today, ...s.range });
    for (const a of all.filter((x) => x.fn === name)) {
      entries.push({ label: `${a.cName}`, call: `${a.cName}(${a.arity === 1 ? "x" : "x, y"})`, ...s.range });
    }
  }
  const t = targetFor(isa, "x86_64");
  const rows = await runBench(isa, simdPreamble(isa), all, entries, t.libs);
  console.log(`\n${isa}: ns per element (4,096 in-range inputs, in L1; best of 7)`);
  let base = NaN;
  const ratios: Record<string, number> = {};
  for (const r of rows) {
    if (r.label.includes(" today: ")) base = r.ns;
    else ratios[r.label] = r.ns / base;
    const speed = r.label.includes(" today: ") ? "" : `  x${(base / r.ns).toFixed(2)}`;
    console.log(`  ${r.label.padEnd(44)} ${r.ns.toFixed(3).padStart(7)}${speed}`);
  }
  if (values.json) {
    const measured = new Date().toISOString().slice(0, 10);
    costs = mergeApproxCosts(costs, isa, ratios, { cpu: machineFingerprint().cpu, measured });
  }
}
if (values.json) {
  saveApproxCosts(costs);
  console.log(`\nwrote ${APPROX_COSTS}`);
}
