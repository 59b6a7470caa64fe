import assert from "node:assert/strict";
import { evaluate32, evaluate64, evaluateBatch } from "../../pipeline/expr/evaluate.ts";
import { app, num, sortOf, v } from "../../pipeline/expr/expr.ts";
import { parseExpr, parseFPCoreFile } from "../../pipeline/expr/fpcore.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { exprInterval } from "../../pipeline/expr/interval.ts";
import { printFPCore, printInfix } from "../../pipeline/expr/print.ts";
import { CONDITIONAL_MIX, randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { evaluateBatchC } from "../../pipeline/ffi/eval.ts";

const x = v("x"), y = v("y");

Deno.test("truth values are a sort of their own: a comparison is no number, a number no condition", () => {
  assert.equal(sortOf(app("lt", [x, y])), "bool");
  assert.equal(sortOf(app("select", [app("lt", [x, y]), x, y])), "real");
  assert.throws(() => app("+", [app("lt", [x, y]), num(1)]), /operand 1 of \+ must be a number/);
  assert.throws(() => app("select", [x, x, y]), /operand 1 of select must be a truth value/);
  assert.throws(() => app("and", [x, app("lt", [x, y])]), /truth value/);
  assert.throws(() => parseExpr("(+ (< x y) 1)"), /expected a number, found a truth value/);
  assert.throws(() => parseExpr("(if x 1 2)"), /expected a condition, found a number/);
  assert.throws(() => parseExpr("(< x y)"), /expected a number, found a truth value/);
});

Deno.test("FPCore conditions: n-ary chains, > and >= swap, != of every pair, TRUE and FALSE fold away", () => {
  assert.equal(parseExpr("(if (< x y z) 1 2)"), parseExpr("(if (and (< x y) (< y z)) 1 2)"));
  assert.equal(parseExpr("(if (> x y) 1 2)"), parseExpr("(if (< y x) 1 2)"));
  assert.equal(parseExpr("(if (>= x y) 1 2)"), parseExpr("(if (<= y x) 1 2)"));
  assert.equal(parseExpr("(if (!= x y z) 1 2)"), parseExpr("(if (and (and (!= x y) (!= x z)) (!= y z)) 1 2)"));
  assert.equal(parseExpr("(if (or x2 TRUE) x 2)".replace("x2", "(< x 1)")), x);
  assert.equal(parseExpr("(if (and (< x 1) FALSE) x 2)"), num(2));
  assert.equal(parseExpr("(if (not FALSE) x y)"), x);
  assert.equal(parseExpr("(if (and) x y)"), x);
  assert.equal(parseExpr("(let ([c (< x 0)]) (if c (- x) x))"), parseExpr("(if (< x 0) (- x) x)"));
  // Truth-valued arms become connectives.
  assert.equal(
    parseExpr("(if (if (< x 0) (< y 0) (< z 0)) 1 2)"),
    parseExpr("(if (or (and (< x 0) (< y 0)) (and (not (< x 0)) (< z 0))) 1 2)"),
  );
});

Deno.test("FPCore predicates: isnan, isinf, isfinite and signbit as comparisons; isnormal and loops refused", () => {
  const at = (src: string, x: number) => evaluate64(parseExpr(src), { x });
  for (const [t, want] of [[NaN, [1, 0, 0]], [Infinity, [0, 1, 0]], [-Infinity, [0, 1, 0]], [2, [0, 0, 1]]] as const) {
    assert.deepEqual(["isnan", "isinf", "isfinite"].map((p) => at(`(if (${p} x) 1 0)`, t)), want, `at ${t}`);
  }
  assert.equal(at("(if (signbit x) 1 0)", -3), 1);
  assert.equal(at("(if (signbit x) 1 0)", 3), 0);
  assert.throws(() => parseExpr("(if (isnormal x) 1 0)"), /unsupported construct: isnormal/);
  const { errors } = parseFPCoreFile(`(FPCore (x) :name "loop" (while (< x 1) ([x 0 (+ x 1)]) x))`);
  assert.match(errors[0].error.message, /unsupported construct: while in benchmark "loop"/);
});

Deno.test("comparisons are false on NaN but !=, in float32 and float64, as C and the SIMD compares are", () => {
  const env = { x: NaN, y: 1 };
  for (const [op, want] of [["<", 0], ["<=", 0], ["==", 0], ["!=", 1], [">", 0], [">=", 0]] as const) {
    const e = parseExpr(`(if (${op} x y) 1 0)`);
    assert.equal(evaluate64(e, env), want, op);
    assert.equal(evaluate32(e, env), want, op);
  }
});

Deno.test("property: random conditional kernels round-trip through FPCore and infix, and C agrees bit for bit", () => {
  const rng = new Rng(17);
  const vars = ["x", "y", "z"];
  let selects = 0;
  for (let i = 0; i < 300; i++) {
    const e = randomExpr(rng, { size: 4 + rng.int(10), vars, mix: CONDITIONAL_MIX, range: [-3, 3] });
    if (printFPCore(e).includes("(if")) selects++;
    assert.equal(parseExpr(printFPCore(e)), e, printFPCore(e));
    assert.equal(parseInfix(printInfix(e)), e, printInfix(e));
    const cols = vars.map(() => Array.from({ length: 32 }, () => Math.fround(rng.range(-3, 3))));
    const ts = evaluateBatch(e, vars, cols, 32), c = evaluateBatchC(e, vars, cols);
    for (let k = 0; k < 32; k++) {
      assert.ok(Object.is(ts[k], c[k]) || ts[k] === c[k], `${printFPCore(e)}: ${ts[k]} vs ${c[k]}`);
    }
  }
  assert.ok(selects > 60, `${selects} of 300 have a select`);
});

Deno.test("property: a select's interval holds its values, and a decided condition picks one arm", () => {
  const rng = new Rng(23);
  for (let i = 0; i < 300; i++) {
    const e = randomExpr(rng, { size: 6, vars: ["x", "y"], mix: CONDITIONAL_MIX, range: [0.5, 4] });
    const iv = exprInterval(e, { x: [0.5, 4], y: [0.5, 4] });
    if (iv === null) continue;
    for (let k = 0; k < 20; k++) {
      const val = evaluate64(e, { x: rng.range(0.5, 4), y: rng.range(0.5, 4) });
      assert.ok(iv[0] <= val && val <= iv[1], `${printFPCore(e)} = ${val} outside [${iv}]`);
    }
  }
  const sel = parseExpr("(if (< x 1) (+ x 10) (* x 100))");
  // Intervals are widened outward by a rounding step: compare to a tolerance.
  const near = (got: readonly number[] | null, want: readonly number[]) =>
    assert.ok(
      got !== null && got.every((g, i) => Math.abs(g - want[i]) < 1e-9 * Math.max(1, Math.abs(want[i]))),
      `${got}`,
    );
  near(exprInterval(sel, { x: [2, 3] }), [200, 300]);
  near(exprInterval(sel, { x: [-3, -2] }), [7, 8]);
  near(exprInterval(sel, { x: [0, 2] }), [0, 200]);
});

Deno.test("infix: C's ?:, comparisons, && || and !, with C's precedence", () => {
  assert.equal(parseInfix("x < 0 ? -x : x"), parseExpr("(if (< x 0) (- x) x)"));
  assert.equal(
    parseInfix("x > 0 && y >= 1 || !(z == 2) ? 1 : 0"),
    parseExpr("(if (or (and (< 0 x) (<= 1 y)) (not (== z 2))) 1 0)"),
  );
  assert.equal(parseInfix("x < 1 ? y : z < 2 ? 3 : 4"), parseExpr("(if (< x 1) y (if (< z 2) 3 4))"));
  assert.equal(printInfix(parseExpr("(* (if (< x y) x y) 2)")), "(x < y ? x : y) * 2");
  assert.throws(() => parseInfix("x < y"), /truth value, not a number/);
  assert.throws(() => parseInfix("(x < y) + 1"), /'\+' needs a number, found a truth value/);
  assert.throws(() => parseInfix("x ? 1 : 2"), /'\?' needs a truth value, found a number/);
});
