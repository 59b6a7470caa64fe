import assert from "node:assert/strict";
import { boundaryInputs, withBoundaries } from "../../pipeline/expr/boundary.ts";
import { evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { type Expr, postorder } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { stepF32 } from "../../pipeline/expr/ops.ts";
import { CONDITIONAL_MIX, randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { sampleInputs } from "../../pipeline/expr/sample.ts";

Deno.test("a threshold on a variable: points on both sides, adjacent float32 values around it", () => {
  const e = parseExpr("(if (< x 0.3) (* x 2) (- x 1))");
  const base = sampleInputs(["x"], { x: [-1, 1] }, 256, 1);
  const [col] = boundaryInputs(e, ["x"], { x: [-1, 1] }, base, 100);
  assert.ok(col.length >= 2 && col.length % 2 === 0);
  const t = Math.fround(0.3);
  for (let k = 0; k < col.length; k += 2) {
    const [lo, hi] = [col[k], col[k + 1]];
    assert.ok(lo < 0.3 && hi >= 0.3, `${lo} ${hi}`);
    // Within a float32 step or two of the threshold.
    assert.ok(lo >= stepF32(stepF32(t, -1), -1) && hi <= stepF32(stepF32(t, 1), 1), `${lo} ${hi}`);
  }
});

Deno.test("property: every pair straddles the sign change of some comparison, inside the ranges", () => {
  const rng = new Rng(31);
  const vars = ["x", "y"];
  const ranges = { x: [-3, 3], y: [-3, 3] } as const;
  let pairs = 0;
  for (let i = 0; i < 100; i++) {
    const e = randomExpr(rng, { size: 6, vars, mix: CONDITIONAL_MIX, range: [-3, 3] });
    const cmps = postorder(e).filter((n): n is Expr & { tag: "app" } =>
      n.tag === "app" && ["lt", "le", "eq", "ne"].includes(n.op)
    );
    const base = sampleInputs(vars, ranges, 128, 1 + i);
    const pts = boundaryInputs(e, vars, ranges, base, 64);
    const m = pts[0].length;
    assert.ok(m <= 64 && m % 2 === 0);
    if (cmps.length === 0) assert.equal(m, 0);
    for (const c of pts) for (const x of c) assert.ok(x >= -3 && x <= 3);
    const diffs = cmps.map((c) => {
      const a = evaluateBatch(c.args[0], vars, pts, 64), b = evaluateBatch(c.args[1], vars, pts, 64);
      return (k: number) => a[a.length === 1 ? 0 : k] - b[b.length === 1 ? 0 : k];
    });
    for (let k = 0; k < m; k += 2) {
      pairs++;
      // Float32 rounding of the ends may land exactly on the boundary: <= 0 on one side, >= 0 on the other.
      assert.ok(diffs.some((d) => d(k) <= 0 && d(k + 1) >= 0), `pair ${k} of ${m}`);
    }
  }
  assert.ok(pairs > 50, `${pairs} pairs`);
});

Deno.test("withBoundaries keeps the sample's size and its first points; without conditions it changes nothing", () => {
  const vars = ["x"];
  const cols = sampleInputs(vars, { x: [0, 1] }, 1000, 1);
  const plain = withBoundaries(parseExpr("(* x x)"), vars, { x: [0, 1] }, cols);
  assert.deepEqual(plain, cols);
  const cond = withBoundaries(parseExpr("(if (< x 0.5) x 0)"), vars, { x: [0, 1] }, cols);
  assert.equal(cond[0].length, 1000);
  assert.deepEqual(cond[0].subarray(0, 900), cols[0].subarray(0, 900));
  assert.ok(cond[0].subarray(900).some((x) => Math.abs(x - 0.5) < 1e-6));
});
