import assert from "node:assert/strict";
import { REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { evaluate64 } from "../../pipeline/expr/evaluate.ts";
import { app, type Expr, num } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { tidy, tidyRules } from "../../pipeline/search/tidy.ts";

const p = (s: string) => parseExpr(s);

Deno.test("tidy removes dead weight and names each step", () => {
  const t = tidy(p("(+ (* x 1) 0)"), ALL_RULES, {}, REFERENCE_COSTS);
  assert.equal(t.expr, p("x"));
  assert.deepEqual([...t.steps].sort(), ["add-zero", "mul-one"]);
  assert.equal(tidy(p("(fma a b 0)"), ALL_RULES, {}, REFERENCE_COSTS).expr, p("(* a b)"));
  const clean = p("(+ (* x y) z)");
  const same = tidy(clean, ALL_RULES, {}, REFERENCE_COSTS);
  assert.equal(same.expr, clean, "a form without dead weight is left alone");
  assert.deepEqual(same.steps, []);
});

Deno.test("tidy folds negations left by unfusing, without choosing instructions", () => {
  const t = (s: string) => tidy(parseExpr(s, ["x", "y", "z"]), ALL_RULES, {}, REFERENCE_COSTS).expr;
  assert.equal(t("(* z (+ y (- -0 x)))"), parseExpr("(* z (- y x))", ["x", "y", "z"]));
  assert.equal(t("(- y (* (- y (- z -0)) z))"), parseExpr("(- y (* (- y z) z))", ["x", "y", "z"]));
  assert.equal(t("(fma z z (- -0 (* y x)))"), parseExpr("(fms z z (* y x))", ["x", "y", "z"]));
  assert.equal(t("(* (- -0.25) (+ y (* 2 1.5)))"), parseExpr("(* 0.25 (+ y 3))", ["x", "y", "z"]));
  // Fusing is the search's choice, not dead weight: a negated product plus c stays unfused.
  const negated = printFPCore(t("(+ (neg (* x y)) z)"));
  assert.ok(!/\((fma|fms|fnma|fnms) /.test(negated), negated);
});

Deno.test("tidy rules are exact and only shrink", () => {
  const rules = tidyRules(ALL_RULES);
  assert.ok(rules.length >= 10, `${rules.length} tidy rules`);
  for (const r of rules) assert.equal(r.approx, null, r.name);
  assert.ok(!rules.some((r) => r.name === "mul-comm"), "reordering is not tidying");
});

/** Random forms with dead weight spliced in at random places. */
function padded(rng: Rng, e: Expr): Expr {
  if (e.tag !== "app") return e;
  const args = e.args.map((a) => padded(rng, a));
  const n = app(e.op, args);
  const r = rng.next();
  if (r < 0.15) return app("*", [n, num(1)]);
  if (r < 0.3) return app("+", [n, num(0)]);
  if (r < 0.4) return app("neg", [app("neg", [n])]);
  return n;
}

Deno.test("property: tidy keeps the value and never raises the static cost", () => {
  const rng = new Rng(11);
  for (let i = 0; i < 150; i++) {
    const e = padded(rng, randomExpr(rng, { size: 10 }));
    const t = tidy(e, ALL_RULES, {}, REFERENCE_COSTS);
    assert.ok(staticCost(t.expr, REFERENCE_COSTS) <= staticCost(e, REFERENCE_COSTS) + 1e-9);
    for (let k = 0; k < 20; k++) {
      const env = { x: rng.range(0.5, 4), y: rng.range(0.5, 4), z: rng.range(0.5, 4) };
      const a = evaluate64(e, env), b = evaluate64(t.expr, env);
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)), `${a} vs ${b}`);
    }
  }
});
