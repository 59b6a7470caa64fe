/**
 * deno task approx:check: every tier of every approximate function over its
 * domain, in C on this machine's widest ISA (the other ISAs compute the
 * same bits: tests/approx/ check that): exhaustively over every float32 of
 * the domain for one-argument functions, on 2^26 samples for pow. Prints a
 * table; exits 1 when a measured max error exceeds its declared bound.
 *
 *   deno task approx:check                  # exhaustive (minutes)
 *   deno task approx:check --sampled 1000000  # the fast variant
 *   deno task approx:check --fn exp2 --fn log  # some functions only
 *   deno task approx:check --isa avx2          # another ISA this CPU runs
 */
import { parseArgs } from "node:util";
import { approximations } from "../pipeline/approx/catalog.ts";
import { checkFunction, type CheckRow } from "../pipeline/approx/check.ts";
import { DESIGNS } from "../pipeline/approx/designs.ts";
import { hostCpu } from "../pipeline/target/target.ts";
import { cpuRuns } from "../pipeline/target/target.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sampled: { type: "string" },
    fn: { type: "string", multiple: true },
    threads: { type: "string", default: "2" },
    isa: { type: "string" },
  },
});
const samples = values.sampled === undefined ? null : Number(values.sampled);
if (samples !== null && !(samples > 0)) {
  console.error(`--sampled: expected a positive count, got ${values.sampled}`);
  Deno.exit(2);
}
const isa = values.isa ?? (cpuRuns(hostCpu(), "avx512") ? "avx512" : "avx2");
if ((isa !== "avx512" && isa !== "avx2") || !cpuRuns(hostCpu(), isa)) {
  console.error(`--isa: this CPU does not run ${values.isa} (avx512 or avx2)`);
  Deno.exit(2);
}
const all = approximations();
const designs = DESIGNS.filter((d) => values.fn === undefined || values.fn.includes(d.name));
console.log(`approx:check on ${isa}, ${samples === null ? "exhaustive (pow: 2^26 samples)" : `${samples} samples`}`);

const header = ["function", "tier", "degree", "domain", "declared", "measured", "inputs", "seconds", "worst input"];
const rows: string[][] = [];
let failed = 0;
const hex = (b: number) => `0x${b.toString(16).padStart(8, "0")}`;
for (const d of designs) {
  const result: CheckRow[] = await checkFunction(
    d,
    all.filter((a) => a.design === d),
    isa,
    samples,
    Number(values.threads),
  );
  for (const r of result) {
    const ok = r.maxUlp <= r.bound;
    if (!ok) failed++;
    rows.push([
      r.fn,
      `u${r.bound}`,
      r.degrees.join("+"),
      r.domain.length > 28 ? r.domain.slice(0, 27) + "…" : r.domain,
      `${r.bound}`,
      `${r.maxUlp}${ok ? "" : " FAIL"}`,
      `${r.inputs.toLocaleString("en-US")}${r.exhaustive ? " (all)" : ""}`,
      r.seconds.toFixed(1),
      r.worst.map(hex).join(","),
    ]);
    console.error(`  ${r.fn} u${r.bound}: ${r.maxUlp} ulp`);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
console.log(line(header));
console.log("| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |");
for (const r of rows) console.log(line(r));
if (failed > 0) {
  console.log(`${failed} tier(s) exceed their declared bound`);
  Deno.exit(1);
}
console.log("every declared bound holds");
