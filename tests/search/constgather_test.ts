import assert from "node:assert/strict";
import { REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { evaluate64 } from "../../pipeline/expr/evaluate.ts";
import { app, dagSize, type Expr, num, postorder, rebuild } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { printFPCore } from "../../pipeline/expr/print.ts";
import { FUSED_MIX, randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { gatherConstants } from "../../pipeline/search/constgather.ts";

const p = (s: string) => parseExpr(s);
const gather = (e: Expr) => gatherConstants(e, REFERENCE_COSTS);
const gathers = (from: string, to: string) => assert.equal(printFPCore(gather(p(from))), printFPCore(p(to)), from);

Deno.test("srgb-to-linear: the two constants pow-to-exp2 leaves around log2 become 2.4", () => {
  const srgb =
    "(exp2 (* 1.4426950408889634 (* 1.6635532333438687 (log2 (fma 0.9478672985781991 c 0.05213270142180095)))))";
  gathers(srgb, "(exp2 (* 2.4 (log2 (fma 0.9478672985781991 c 0.05213270142180095))))");
});

Deno.test("c1 * log2(x) * c2, however grouped, is one constant times log2(x), rounded once to float32", () => {
  const k = Math.fround(1.4427 * 1.6636);
  for (
    const s of ["(* (* 1.4427 (log2 x)) 1.6636)", "(* 1.4427 (* (log2 x) 1.6636))", "(* (log2 x) (* 1.4427 1.6636))"]
  ) {
    const g = gather(p(s));
    assert.ok(g.tag === "app" && g.op === "*" && g.args[0].tag === "const", printFPCore(g));
    assert.equal(Math.fround(g.args[0].value), k, s);
    assert.equal(g.args[1], p("(log2 x)"));
  }
  gathers("(/ (* 2 (log2 x)) 4)", "(* 0.5 (log2 x))");
  gathers("(* 2 (/ 3 x))", "(/ 6 x)");
});

Deno.test("sums gather their addends, the other terms keeping their order and grouping", () => {
  gathers("(+ (+ x 1) (+ y 2))", "(+ (+ x y) 3)");
  gathers("(- (+ x 1) (- 2 y))", "(- (+ x y) 1)");
  gathers("(+ (- x 0.5) 0.5)", "x");
  gathers("(+ (fma a b 1) 2)", "(+ (* a b) 3)");
  gathers("(fma 2 (* 3 x) (+ y 1))", "(+ (fma 6 x y) 1)");
  gathers("(fma 2 3 x)", "(+ x 6)");
  gathers("(fma -1 t 1)", "(- 1 t)");
  gathers("(fma 1 (recip x) 1)", "(+ (recip x) 1)");
});

Deno.test("chains go through neg: signs join the constant, or cancel", () => {
  gathers("(neg (* 2 (neg (* x 3))))", "(* 6 x)");
  gathers("(* (neg x) (neg y))", "(* x y)");
  gathers("(neg (* -0.5 (sin x)))", "(* 0.5 (sin x))");
  gathers("(- (neg (+ x 2)) 3)", "(- -5 x)");
  gathers("(* 2 (neg (+ x 3)))", "(* -2 (+ x 3))");
});

Deno.test("what gathering leaves alone", () => {
  for (
    const s of [
      "(* (* 2 x) y)", // one constant: moving it gains nothing
      "(fma a b 1)", // a fused op is cheaper than its product plus a constant
      "(let ((t (* 2 x))) (* 3 (+ t t)))", // t is shared: computed once, it bounds the chain
      "(* 1e30 (* 1e30 x))", // 1e60 is no float32
      "(* 2 (+ x 3))", // gathering is not distributing
    ]
  ) assert.equal(gather(p(s)), p(s), s);
});

/** A random form with constant factors, addends and negations spliced in at random places. */
function spliced(rng: Rng, e: Expr): Expr {
  if (e.tag !== "app") return e;
  const n = app(e.op, e.args.map((a) => spliced(rng, a)));
  const c = () => num(rng.pick([2, 0.5, -3, 1.25, 0.1, Math.fround(rng.range(-4, 4))]));
  const r = rng.next();
  if (r < 0.15) return app("*", [c(), n]);
  if (r < 0.25) return app("*", [n, c()]);
  if (r < 0.3) return app("/", [n, c()]);
  if (r < 0.42) return app("+", [n, c()]);
  if (r < 0.48) return app("-", [c(), n]);
  if (r < 0.55) return app("neg", [n]);
  return n;
}

const constants = (e: Expr) => postorder(e).filter((n) => n.tag === "const").length;

/** `e` with every constant scaled by `1 + eps`. */
const scaledConstants = (e: Expr, eps: number) =>
  rebuild(e, (n, args) => n.tag === "const" ? num(n.value * (1 + eps)) : n.tag === "app" ? app(n.op, args) : n);

/**
 * Gathering changes a value only as rounding each gathered constant to
 * float32 (2^-24 relative) and reassociating in float64 do, so on points
 * where the form is not sensitive to its constants (moving them all by
 * 2^-23 changes the value by at most 1e-6 of its scale, max(1, |value|))
 * it keeps the value within 1e-5 of that scale. Where it is sensitive (a
 * cosine of an exponential of 20, say), any rounding of the constants
 * moves the value as much, and the optimizer's guard measures it.
 */
const BOUND = 1e-5;
const SENSITIVE = 1e-6;

Deno.test("property: gathering never raises the static cost or node count, keeps the value, and is idempotent", () => {
  const rng = new Rng(17);
  let changed = 0, fewer = 0, checked = 0;
  for (let i = 0; i < 300; i++) {
    const e = spliced(rng, randomExpr(rng, { size: 8, mix: FUSED_MIX, constProb: 0.3 }));
    const g = gather(e);
    assert.ok(staticCost(g, REFERENCE_COSTS) <= staticCost(e, REFERENCE_COSTS) + 1e-9, printFPCore(e));
    assert.ok(dagSize(g) <= dagSize(e), printFPCore(e));
    assert.equal(gather(g), g, `not idempotent: ${printFPCore(e)} -> ${printFPCore(g)}`);
    if (g !== e) changed++;
    if (constants(g) < constants(e)) fewer++;
    const up = scaledConstants(e, 2 ** -23), down = scaledConstants(e, -(2 ** -23));
    for (let k = 0; k < 20; k++) {
      const env = { x: rng.range(0.5, 4), y: rng.range(0.5, 4), z: rng.range(0.5, 4) };
      const a = evaluate64(e, env), b = evaluate64(g, env);
      const scale = Math.max(1, Math.abs(a));
      const moved = Math.max(Math.abs(evaluate64(up, env) - a), Math.abs(evaluate64(down, env) - a));
      if (!Number.isFinite(a) || !(moved <= SENSITIVE * scale)) continue;
      checked++;
      assert.ok(Math.abs(a - b) <= BOUND * scale, `${printFPCore(e)} -> ${printFPCore(g)}: ${a} vs ${b}`);
    }
  }
  assert.ok(changed > 200 && fewer > 100, `${changed} of 300 forms changed, ${fewer} with fewer constants`);
  assert.ok(checked > 4000, `${checked} of 6,000 points checked`);
});
