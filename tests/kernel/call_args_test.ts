/** What vector math calls see: fractions of vectors with far, non-finite or non-positive lanes. */
import assert from "node:assert/strict";
import { CALL_ARG_FEATURES, callArgFeatures } from "../../pipeline/kernel/call_args.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { randomExpr } from "../../pipeline/expr/random.ts";
import { DEFAULT_GEN, Rng } from "../../pipeline/expr/random.ts";
import { postorder } from "../../pipeline/expr/expr.ts";
import { OPS } from "../../pipeline/expr/ops.ts";

const at = (x: Float64Array, name: string) => {
  const i = CALL_ARG_FEATURES.indexOf(name);
  assert.ok(i >= 0, name);
  return x[i];
};

Deno.test("call args: an argument's range decides the far fractions; no call, no features", () => {
  const vars = ["x"];
  const exp = parseExpr("(exp x)", vars);
  const small = callArgFeatures(exp, vars, { x: [0.5, 1] }, 16);
  assert.ok(small.every((v) => v === 0));
  const big = callArgFeatures(exp, vars, { x: [1000, 2000] }, 16);
  for (const k of [">=2^6", ">=2^9"]) assert.equal(at(big, `args:exp:${k}`), 1);
  assert.equal(at(big, "args:exp:>=2^12"), 0);
  assert.equal(at(big, "args:exp:nonpositive"), 0);
  assert.ok(callArgFeatures(parseExpr("(+ x 1)", vars), vars, { x: [1e6, 1e7] }, 16).every((v) => v === 0));
  // log of a range through 0: every vector of random lanes holds a non-positive one.
  const log = callArgFeatures(parseExpr("(log x)", vars), vars, { x: [-1, 1] }, 8);
  assert.ok(at(log, "args:log:nonpositive") > 0.99);
  // Two calls of one op add up; one node used twice is one call.
  const twice = callArgFeatures(parseExpr("(+ (exp x) (exp (* 2 x)))", vars), vars, { x: [100, 200] }, 16);
  assert.equal(at(twice, "args:exp:>=2^6"), 2);
  const shared = callArgFeatures(parseExpr("(* (exp x) (exp x))", vars), vars, { x: [100, 200] }, 16);
  assert.equal(at(shared, "args:exp:>=2^6"), 1);
});

Deno.test("call args (property): each feature lies in [0, calls of its op]; wider vectors never see fewer far lanes", () => {
  const rng = new Rng(17);
  const vars = ["x", "y"];
  for (let t = 0; t < 40; t++) {
    const e = randomExpr(rng, { ...DEFAULT_GEN, vars, size: 6 });
    const calls = new Map<string, number>();
    for (const n of postorder(e)) {
      if (n.tag === "app" && OPS[n.op].libm !== null) calls.set(n.op, (calls.get(n.op) ?? 0) + n.args.length);
    }
    const ranges = { x: [-rng.range(0, 2000), rng.range(0, 2000)] as const, y: [-1, 1] as const };
    const narrow = callArgFeatures(e, vars, ranges, 4), wide = callArgFeatures(e, vars, ranges, 16);
    CALL_ARG_FEATURES.forEach((name, i) => {
      const op = name.split(":")[1];
      assert.ok(narrow[i] >= 0 && narrow[i] <= (calls.get(op) ?? 0) + 1e-9, `${name}: ${narrow[i]}`);
      assert.ok(wide[i] >= narrow[i] - 1e-9, `${name}: 16 lanes ${wide[i]} < 4 lanes ${narrow[i]}`);
    });
  }
});
