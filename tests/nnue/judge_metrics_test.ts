/** The pick metric of eval:judge: what the predicted-fastest variant costs against the fastest one. */
import assert from "node:assert/strict";
import { rankReport } from "../../pipeline/nnue/judge_metrics.ts";
import { Rng } from "../../pipeline/expr/random.ts";

Deno.test("pick regret: 1 for a perfect predictor, max/min when reversed, mean/min when it cannot tell, per kernel geometric", () => {
  const rng = new Rng(9);
  for (let trial = 0; trial < 50; trial++) {
    const groups: string[] = [], ns: number[] = [];
    const kernels = 1 + rng.int(6);
    for (let k = 0; k < kernels; k++) {
      const n = 3 + rng.int(5);
      for (let i = 0; i < n; i++) {
        groups.push(`k${k}`);
        ns.push(1 + k + i * rng.range(0.01, 1)); // distinct within a kernel
      }
    }
    const per = (f: (xs: number[]) => number) => {
      let s = 0;
      for (let k = 0; k < kernels; k++) {
        const xs = ns.filter((_, i) => groups[i] === `k${k}`);
        s += Math.log(f(xs) / Math.min(...xs));
      }
      return Math.exp(s / kernels);
    };
    const close = (a: number, b: number) => Math.abs(a - b) < 1e-12 * b;
    assert.ok(close(rankReport(groups, ns, ns).pickRegret, 1));
    assert.ok(close(rankReport(groups, ns.map((x) => -x), ns).pickRegret, per((xs) => Math.max(...xs))));
    assert.ok(
      close(rankReport(groups, ns.map(() => 7), ns).pickRegret, per((xs) => xs.reduce((a, b) => a + b) / xs.length)),
    );
  }
});
