import assert from "node:assert/strict";
import { evaluate64 } from "../../pipeline/expr/evaluate.ts";
import { app, num, v } from "../../pipeline/expr/expr.ts";
import { exprInterval, type Interval } from "../../pipeline/expr/interval.ts";
import { OP_NAMES, type OpName, OPS } from "../../pipeline/expr/ops.ts";
import { DEFAULT_MIX, randomExpr, Rng } from "../../pipeline/expr/random.ts";

function randomInterval(rng: Rng): Interval {
  const a = rng.range(-6, 6), b = rng.next() < 0.3 ? a : rng.range(-6, 6);
  return [Math.min(a, b), Math.max(a, b)];
}

Deno.test("every op's interval contains its values at sampled points, or is null", () => {
  const rng = new Rng(4);
  for (const op of OP_NAMES) {
    if (op === "d") continue;
    const arity = OPS[op].arity;
    for (let t = 0; t < 300; t++) {
      const ranges = Object.fromEntries(["a", "b", "c"].map((n) => [n, randomInterval(rng)]));
      // A truth-valued operand is a comparison of its variable with 0.
      const operand = (name: string, i: number) =>
        OPS[op].argSorts[i] === "bool" ? app("lt", [v(name), num(0)]) : v(name);
      const e = app(op as OpName, ["a", "b", "c"].slice(0, arity).map(operand));
      const iv = exprInterval(e, ranges);
      for (let k = 0; k < 20; k++) {
        const env = Object.fromEntries(
          Object.entries(ranges).map(([n, [lo, hi]]) => [n, k === 0 ? lo : k === 1 ? hi : rng.range(lo, hi)]),
        );
        const y = evaluate64(e, env);
        if (iv === null) continue;
        assert.ok(!Number.isNaN(y), `${op} at ${JSON.stringify(env)} is NaN but interval ${iv}`);
        assert.ok(iv[0] <= y && y <= iv[1], `${op}${JSON.stringify(env)} = ${y} outside [${iv}]`);
      }
    }
  }
});

Deno.test("random expressions stay inside their interval", () => {
  const rng = new Rng(8);
  for (let i = 0; i < 300; i++) {
    const e = randomExpr(rng, { size: 10, mix: DEFAULT_MIX });
    const ranges = { x: [0.5, 4], y: [0.5, 4], z: [0.5, 4] } as const;
    const iv = exprInterval(e, ranges);
    assert.notEqual(iv, null, "generated expressions respect their domains");
    for (let k = 0; k < 30; k++) {
      const y = evaluate64(e, { x: rng.range(0.5, 4), y: rng.range(0.5, 4), z: rng.range(0.5, 4) });
      assert.ok(iv![0] <= y && y <= iv![1]);
    }
  }
});

Deno.test("a product of two variables sharing one range object is not a square", () => {
  const range: Interval = [-3, 3];
  const iv = exprInterval(app("*", [v("x"), v("y")]), { x: range, y: range });
  assert.ok(iv !== null && iv[0] <= -9 && iv[1] >= 9, `x*y over [-3,3]^2 gave [${iv}]`);
  const sq = exprInterval(app("*", [v("x"), v("x")]), { x: range });
  assert.ok(sq !== null && sq[0] >= -1e-300 && sq[1] >= 9, `x*x gave [${sq}]`);
});
