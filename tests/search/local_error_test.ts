import assert from "node:assert/strict";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { sampleInputs } from "../../pipeline/expr/sample.ts";
import { localErrors } from "../../pipeline/search/local_error.ts";

Deno.test("local error points at the operation that cancels, not at its accurate neighbours", () => {
  const e = parseExpr("(/ (- (exp x) 1) (* x 2))");
  const cols = sampleInputs(["x"], { x: [-1e-3, 1e-3] }, 256, 1);
  const local = localErrors(e, ["x"], cols);
  const at = (s: string) => local.get(parseExpr(s).id)!;
  const sub = at("(- (exp x) 1)");
  assert.ok(sub > 8, `the subtraction loses many bits near 0: ${sub}`);
  for (const s of ["(exp x)", "(* x 2)", "(/ (- (exp x) 1) (* x 2))"]) assert.ok(at(s) < 1, `${s}: ${at(s)}`);
});

Deno.test("an exact operation has no local error", () => {
  const e = parseExpr("(* (+ x y) 2)");
  const cols = sampleInputs(["x", "y"], { x: [1, 2], y: [1, 2] }, 64, 3);
  assert.equal(localErrors(e, ["x", "y"], cols).get(e.id), 0);
});
