/** The search's shortlists as calibration variants: sound, distinct forms of one kernel, grouped per round. */
import assert from "node:assert/strict";
import { searchVariantRecords } from "../../pipeline/stages/search_variants.ts";
import { REFERENCE_COSTS } from "../../pipeline/expr/cost.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { sampleInputs } from "../../pipeline/expr/sample.ts";
import { generateRecords } from "../../pipeline/stages/generate.ts";
import { loadNetwork } from "../../pipeline/nnue/weights_file.ts";
import { commutativeKey } from "../../pipeline/search/variants.ts";
import { VariantRecord } from "../../pipeline/records/schema.ts";

Deno.test("search variants (property): each shortlist form is a distinct, equivalent form of its kernel; reruns agree", () => {
  using nw = loadNetwork();
  const recs = generateRecords({ count: 6, seed: 41, fused: false, size: 8, varCount: 2 });
  let emitted = 0;
  for (const rec of recs) {
    const out = searchVariantRecords(rec, nw, { round: 2, budget: 150, costs: REFERENCE_COSTS, seed: 1 });
    if (out.length === 0) continue;
    emitted++;
    assert.ok(out.length >= 2);
    const vars = rec.vars;
    const cols = sampleInputs(vars, rec.ranges, 200, 3);
    const want = evaluateBatch(parseExpr(rec.expr, vars), vars, cols, 64);
    // Rewrites are exact in the reals; float64 rounding of different forms differs by far less than this.
    const tol = 1e-6 * Math.max(1, ...[...want].filter(Number.isFinite).map(Math.abs));
    const keys = new Set<string>();
    for (const v of out) {
      const r = VariantRecord.parse(v);
      assert.equal(r.of, `${rec.id}@search2`);
      assert.ok(r.id.startsWith(`${rec.id}@search2#v`));
      const e = parseExpr(r.expr, vars);
      keys.add(commutativeKey(e));
      const got = evaluateBatch(e, vars, cols, 64);
      want.forEach((w, k) => {
        if (!Number.isFinite(w)) return;
        assert.ok(Math.abs(got[k] - w) <= tol, `${r.expr}: ${got[k]} vs ${w}`);
      });
    }
    assert.equal(keys.size, out.length, "no two forms differ only in operand order");
    const again = searchVariantRecords(rec, nw, { round: 2, budget: 150, costs: REFERENCE_COSTS, seed: 1 });
    assert.deepEqual(again.map((v) => v.expr), out.map((v) => v.expr), "a budget, not the clock, ends the search");
  }
  assert.ok(emitted > 0, "some kernel had a shortlist of two forms or more");
});
