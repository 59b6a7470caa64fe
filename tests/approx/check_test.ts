/**
 * The fast variant of `deno task approx:check`: every tier of every
 * function on sampled inputs (plus the first and last 4,096 float32s of
 * each domain range) in C on this machine's widest ISA, within its declared
 * bound. The exhaustive run is the task's; this keeps the suite at seconds.
 */
import assert from "node:assert/strict";
import { approximations, makeApproximation } from "../../pipeline/approx/catalog.ts";
import { checkFunction } from "../../pipeline/approx/check.ts";
import { DESIGNS } from "../../pipeline/approx/designs.ts";
import { EXP2 } from "../../pipeline/approx/exp.ts";
import { cpuRuns, hostCpu } from "../../pipeline/target/target.ts";

const ISA = cpuRuns(hostCpu(), "avx512") ? "avx512" : "avx2";

for (const d of DESIGNS) {
  Deno.test(`approx check (sampled, ${ISA}): ${d.name} ${d.tiers.map((t) => `u${t}`).join(" ")} within their bounds`, async () => {
    const tiers = approximations().filter((a) => a.design === d);
    const rows = await checkFunction(d, tiers, ISA, 200_000, 1);
    for (const r of rows) {
      assert.ok(r.inputs >= 200_000);
      assert.ok(r.maxUlp <= r.bound, `${r.fn} u${r.bound}: ${r.maxUlp} ulp at 0x${r.worst[0].toString(16)}`);
    }
  });
}

Deno.test("approx check: a tier declared tighter than it is gets caught, with the input", async () => {
  const loose = approximations().find((a) => a.fn === "exp2" && a.bound === 4096)!;
  const liar = makeApproximation(EXP2, 1, loose.coeffs);
  const [row] = await checkFunction(EXP2, [liar], ISA, 100_000, 1);
  assert.ok(row.maxUlp > 100, `${row.maxUlp}`);
  const x = new Float32Array(new Uint32Array([row.worst[0]]).buffer)[0];
  assert.ok(Math.abs(liar.evaluate(x) - 2 ** x) > 100 * 2 ** -24 * 2 ** x * 0.5);
});
