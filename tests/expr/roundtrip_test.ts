import assert from "node:assert/strict";
import { app, type Expr, mk, num, v } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { OP_NAMES, type OpName, OPS, type Sort } from "../../pipeline/expr/ops.ts";
import { printFPCore, printInfix } from "../../pipeline/expr/print.ts";
import { FUSED_MIX, randomExpr, Rng } from "../../pipeline/expr/random.ts";

/** Random expressions over every op (of the asked sort), with awkward constants, ignoring domains. */
function wildExpr(rng: Rng, depth: number, sort: Sort = "real"): Expr {
  if (sort === "bool" && (depth === 0 || rng.next() < 0.3)) {
    return app(rng.pick(["lt", "le", "eq", "ne"] as const), [wildExpr(rng, 0), wildExpr(rng, 0)]);
  }
  if (sort === "real" && (depth === 0 || rng.next() < 0.2)) {
    if (rng.next() < 0.5) return v(rng.pick(["x", "y", "z_1", "w.2"]));
    return num(
      rng.pick([
        0,
        -0,
        1,
        -1,
        2.5,
        -3.75,
        1e-7,
        -1e30,
        Infinity,
        -Infinity,
        NaN,
        Math.PI,
        5e-324,
        rng.range(-1e6, 1e6),
      ]),
    );
  }
  const op = rng.pick(OP_NAMES.filter((o) => o !== "d" && OPS[o].sort === sort)) as OpName;
  return app(op, OPS[op].argSorts.map((s) => wildExpr(rng, depth - 1, s)));
}

Deno.test("FPCore and infix printers round-trip random expressions over every op", () => {
  const rng = new Rng(11);
  for (let i = 0; i < 3000; i++) {
    const e = wildExpr(rng, 5);
    assert.equal(parseExpr(printFPCore(e)), e, printFPCore(e));
    assert.equal(parseInfix(printInfix(e)), e, printInfix(e));
  }
});

Deno.test("round trip of generated fused expressions and derivatives", () => {
  const rng = new Rng(5);
  for (let i = 0; i < 500; i++) {
    const e = randomExpr(rng, { size: 12, mix: FUSED_MIX });
    assert.equal(parseExpr(printFPCore(e)), e);
    assert.equal(parseInfix(printInfix(e)), e);
    const d = mk("d", v("x"), e);
    assert.equal(parseExpr(printFPCore(d)), d);
    assert.equal(parseInfix(printInfix(d)), d);
  }
});

Deno.test("hash-consing: equal structure is the same node, -0 and 0 differ, NaNs are one", () => {
  assert.equal(mk("+", v("a"), num(1)), mk("+", v("a"), num(1)));
  assert.notEqual(num(0), num(-0));
  assert.equal(num(NaN), num(-NaN));
  assert.throws(() => app("sqrt", [v("x"), v("y")]), /takes 1/);
  assert.throws(() => app("d", [num(1), v("y")]), /variable/);
  assert.throws(() => v("PI"), /invalid variable/);
});

Deno.test("infix precedence and unary minus", () => {
  assert.equal(printFPCore(parseInfix("x*y + sqrt(z)")), "(+ (* x y) (sqrt z))");
  assert.equal(printFPCore(parseInfix("a - b - c")), "(- (- a b) c)");
  assert.equal(printFPCore(parseInfix("a - (b - c)")), "(- a (- b c))");
  assert.equal(printFPCore(parseInfix("-x^2")), "(- (pow x 2))");
  assert.equal(printFPCore(parseInfix("-2^2")), "(- (pow 2 2))");
  assert.equal(printFPCore(parseInfix("2^3^2")), "(pow 2 (pow 3 2))");
  assert.equal(printFPCore(parseInfix("-2 * x")), "(* -2 x)");
  assert.equal(printFPCore(parseInfix("-(2) * x")), "(* (- 2) x)");
  assert.equal(printFPCore(parseInfix("abs(x) + min(a, b) + ln(y)")), "(+ (+ (fabs x) (fmin a b)) (log y))");
  assert.equal(printFPCore(parseInfix("PI * r")), `(* ${Math.PI} r)`);
  assert.equal(printFPCore(parseInfix("d(x, x*x)")), "(d x (* x x))");
});

Deno.test("infix errors name line, column and what was expected", () => {
  assert.throws(() => parseInfix("x + * y"), /line 1, column 5: expected a number, a variable, a call or '\('/);
  assert.throws(() => parseInfix("sqrt(x"), /line 1, column 7: expected '\)' to close the call of sqrt/);
  assert.throws(() => parseInfix("foo(x)"), /unknown function "foo"/);
  assert.throws(() => parseInfix("x +\n  y $"), /line 2, column 5: unexpected character "\$"/);
  assert.throws(() => parseInfix("sqrt(x, y)"), /sqrt takes 1 argument, found 2/);
  assert.throws(() => parseInfix("x y"), /expected an operator or the end/);
  assert.throws(() => parseInfix("d(2, x)"), /must be a variable/);
});
