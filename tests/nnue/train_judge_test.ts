/**
 * trainJudge's parts: the open head still equals the static table before
 * training, decay pulls context rows (not per-op rows) back toward their
 * initialization, and training on kernels whose time follows a hidden cost
 * table beats the static table on held-out kernels.
 */
import assert from "node:assert/strict";
import { REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { type Expr, freeVars } from "../../pipeline/expr/expr.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { postorder } from "../../pipeline/expr/expr.ts";
import { Network } from "../../pipeline/nnue/network.ts";
import { features, selfFeature } from "../../pipeline/nnue/features.ts";
import { decayTowardInit, openLatencyHead, trainJudge } from "../../pipeline/nnue/train_judge.ts";
import type { MeasuredVariantRecord } from "../../pipeline/records/schema.ts";
import { DIMS } from "../../pipeline/ffi/nnue.ts";

Deno.test("openLatencyHead: the untrained Judge equals staticCost exactly", () => {
  using nw = Network.create();
  nw.net.setHead("judge", openLatencyHead(-3, 1));
  const rng = new Rng(4);
  for (let i = 0; i < 200; i++) {
    const e = randomExpr(rng, { size: 1 + rng.int(150) });
    assert.equal(nw.judgeCost(e), staticCost(e, REFERENCE_COSTS), printFPCore(e));
  }
});

Deno.test("decayTowardInit pulls changed rows back, sparing the given rows", () => {
  using nw = Network.create();
  const e = randomExpr(new Rng(2), { size: 20 });
  const rows = [...new Set(features(nw.fs, e))];
  const spare = new Set([selfFeature(nw.fs, 2)]);
  const moved = new Float32Array(DIMS).fill(0.5);
  for (const r of [...rows, ...spare]) nw.net.setRow(r, moved);
  decayTowardInit(nw, 0.25, spare);
  const cur = new Float32Array(DIMS), init = new Float32Array(DIMS);
  for (const r of rows.filter((r) => !spare.has(r))) {
    nw.net.row(r, cur);
    nw.net.rowInit(r, init);
    for (const i of [0, 7, 255]) {
      assert.ok(Math.abs(cur[i] - (init[i] + 0.75 * (0.5 - init[i]))) < 1e-2, `row ${r} dim ${i}`);
    }
  }
  for (const r of spare) assert.equal(nw.net.row(r, cur)[3], 0.5);
});

/** A "machine" whose times follow a cost table unlike the static one (exp cheap, + dear). */
function measuredTime(e: Expr): number {
  const cost: Record<string, number> = { "+": 3, "-": 3, "*": 1, "/": 4, exp: 2, log: 6, sqrt: 2, sin: 9, cos: 9 };
  let s = 2;
  for (const n of postorder(e)) if (n.tag === "app") s += cost[n.op] ?? 5;
  return 0.02 * s;
}

Deno.test("trainJudge learns a cost table the static one gets wrong, on held-out kernels", () => {
  const rng = new Rng(9);
  const recs: MeasuredVariantRecord[] = [];
  for (let k = 0; k < 60; k++) {
    for (let v = 0; v < 6; v++) {
      const e = randomExpr(rng, { size: 3 + rng.int(12), vars: ["x", "y"] });
      const vars = freeVars(e);
      const ns = measuredTime(e);
      recs.push({
        id: `k${k}#v${v}`,
        of: `k${k}`,
        how: "test",
        expr: printFPCore(e),
        vars,
        ns_per_elem: ns,
        ratio: ns / 0.3,
        ref_ns_per_elem: 0.3,
        cv: 0,
        reps: 1,
        n: 4096,
        machine: { hash: "m", cpu: "", cpu_id: "", cpu_flags: [], cores: 1, compiler: "", glibc: "" },
        max_ulp: 0,
        mean_ulp: 0,
      });
    }
  }
  const { network, summary } = trainJudge(recs, { epochs: 30, validationFraction: 0.3, lrEmbedding: 1e-3 });
  try {
    assert.ok(summary.judge !== null && summary.static !== null);
    assert.ok(summary.judge.mape < summary.static.mape, `Judge ${summary.judge.mape} static ${summary.static.mape}`);
    assert.ok(
      summary.judge.tauAll > summary.static.tauAll,
      `Judge ${summary.judge.tauAll} static ${summary.static.tauAll}`,
    );
  } finally {
    network.free();
  }
});
