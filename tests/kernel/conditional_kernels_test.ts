/**
 * Every conditional kernel of the corpus (data/kernels/conditionals.fpcore)
 * and of FPBench (../shared/fpbench, where present), compiled as our SIMD
 * code of the original for each x86 ISA the host runs, against the float32
 * evaluator on inputs that include both sides of every condition's
 * boundary: kernels of exact ops bit for bit; kernels with vector math (4
 * ulps per call, which arithmetic after it may amplify, and which can move
 * a boundary) within 16 ulps on 99% of the points. Some select takes both
 * arms on these inputs, in every kernel.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { KERNELS_DIR, ROOT } from "../../pipeline/base/paths.ts";
import { withBoundaries } from "../../pipeline/expr/boundary.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { type Expr, postorder } from "../../pipeline/expr/expr.ts";
import { type Benchmark, parseFPCoreFile } from "../../pipeline/expr/fpcore.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { sampleInputs } from "../../pipeline/expr/sample.ts";
import { ulpDistance } from "../../pipeline/expr/ulp.ts";
import { EXACT_OPS } from "../../pipeline/kernel/preamble.ts";
import { isaTest, kernelOutputs, sameFloat, tempCache, X86_ISAS } from "./util.ts";

const N = 2003;
const FPBENCH = join(ROOT, "..", "shared", "fpbench");

function conditionalBenchmarks(): { label: string; b: Benchmark }[] {
  const files = [join(KERNELS_DIR, "conditionals.fpcore")];
  try {
    for (const f of Deno.readDirSync(FPBENCH)) if (f.name.endsWith(".fpcore")) files.push(join(FPBENCH, f.name));
  } catch {
    console.error(`no ${FPBENCH}: the corpus's conditional kernels only`);
  }
  return files.flatMap((file) =>
    parseFPCoreFile(Deno.readTextFileSync(file)).benchmarks
      .filter((b) => postorder(b.expr).some((n) => n.tag === "app" && n.op === "select"))
      .map((b) => ({ label: `${file.split("/").pop()}: ${b.name}`, b }))
  );
}

const selects = (e: Expr) =>
  postorder(e).filter((n): n is Expr & { tag: "app" } => n.tag === "app" && n.op === "select");

for (const isa of X86_ISAS) {
  isaTest(
    isa,
    `${isa}: every conditional kernel of the corpus and FPBench agrees with the float32 evaluator`,
    async () => {
      const cases = conditionalBenchmarks();
      assert.ok(cases.length >= 28, `${cases.length} conditional kernels`);
      const inputs = cases.map(({ b }) =>
        withBoundaries(b.expr, b.vars, b.ranges, sampleInputs(b.vars, b.ranges, N, 1 + b.vars.length))
      );
      // One batch: every kernel reads its own variables' columns out of the union of all names.
      const all = [...new Set(cases.flatMap(({ b }) => b.vars))];
      const columns = cases.map(({ b }, i) =>
        all.map((name) => (b.vars.includes(name) ? inputs[i][b.vars.indexOf(name)] : new Float32Array(N)))
      );
      const outs = await kernelOutputs(cases.map(({ b }) => b.expr), all, columns, isa, tempCache());
      cases.forEach(({ label, b }, i) => {
        const want = evaluateBatch(b.expr, b.vars, inputs[i], 32);
        const exact = postorder(b.expr).every((n) => n.tag !== "app" || EXACT_OPS.includes(n.op));
        let far = 0;
        for (let k = 0; k < N; k++) {
          if (exact) assert.ok(sameFloat(outs[i][k], want[k]), `${label} at ${k}: ${outs[i][k]} vs ${want[k]}`);
          else if (!sameFloat(outs[i][k], want[k]) && !(ulpDistance(outs[i][k], want[k]) <= 16)) far++;
        }
        assert.ok(far <= N / 100, `${label}: ${far} of ${N} points beyond 16 ulps (${printFPCore(b.expr)})`);
        // Both arms of a select are taken (a kernel may also hold a defensive clamp that its ranges never reach).
        const both = selects(b.expr).some((sel) =>
          new Set(evaluateBatch(sel.args[0], b.vars, inputs[i], 32)).size === 2
        );
        assert.ok(both, `${label}: no select takes both arms`);
      });
    },
  );
}
