import assert from "node:assert/strict";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { DEFAULT_MIX, randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { dagSize } from "../../pipeline/expr/expr.ts";
import { fpcoreShared, infixShared } from "../../pipeline/stages/shared_print.ts";

Deno.test("shared printing: let* reads back as the same expression, each shared node named once", () => {
  const rng = new Rng(3);
  for (let i = 0; i < 200; i++) {
    const e = randomExpr(rng, { size: 4 + (i % 20), vars: ["x", "t0", "y"], mix: DEFAULT_MIX, range: [-2, 2] });
    const text = fpcoreShared(e);
    assert.equal(parseExpr(text), e, text);
    // Every binding is used, and the text grows with the DAG, not the tree.
    assert.ok(text.length <= 60 * dagSize(e) + 40, text);
  }
  const sq = parseInfix("(x*x)*(x*x)");
  assert.equal(infixShared(sq), "t0 = x * x; t0 * t0");
  assert.equal(fpcoreShared(sq), "(let* ([t0 (* x x)]) (* t0 t0))");
  assert.equal(infixShared(parseInfix("(t0+1)*(t0+1)")), "t1 = t0 + 1; t1 * t1", "a variable's name is never rebound");
});
