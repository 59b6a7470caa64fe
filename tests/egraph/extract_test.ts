import assert from "node:assert/strict";
import { EGraph } from "../../pipeline/egraph/egraph.ts";
import { Extractor, FOLDED } from "../../pipeline/egraph/extract.ts";
import { kBest } from "../../pipeline/egraph/kbest.ts";
import { runRules } from "../../pipeline/egraph/runner.ts";
import { saturateAndExtract } from "../../pipeline/egraph/saturate.ts";
import { nodeCost, REFERENCE_COSTS, staticCost } from "../../pipeline/expr/cost.ts";
import { type Expr, freeVars, hasDerivative } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { printInfix } from "../../pipeline/expr/print.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { agreeOnRandomPoints, TEST_RULES } from "./test_rules.ts";

/** Cost of `e` as a tree: shared subtrees counted once per use. */
function treeCost(e: Expr): number {
  return nodeCost(e, REFERENCE_COSTS) + (e.tag === "app" ? e.args.reduce((s, a) => s + treeCost(a), 0) : 0);
}

Deno.test("greedy extraction takes the cheapest form: x / 2 becomes x * 0.5", () => {
  const g = new EGraph();
  const root = g.add(parseInfix("x / 2 + 0"));
  runRules(g, TEST_RULES);
  const ex = new Extractor(g, REFERENCE_COSTS.byKind);
  assert.equal(printInfix(ex.expr(root)), "x * 0.5");
  assert.equal(ex.treeCost(root), 1.5);
});

Deno.test("a variable-free class is extracted as its folded value, exact or not", () => {
  const g = new EGraph();
  const root = g.add(parseInfix("x * (1 / 3) + (2 + 3)"));
  g.rebuild();
  const ex = new Extractor(g, REFERENCE_COSTS.byKind);
  const e = ex.expr(root);
  assert.equal(printInfix(e), `x * ${1 / 3} + 5`);
  assert.equal(ex.best[g.lookup(parseInfix("1 / 3"))], FOLDED);
  const plain = new Extractor(g, REFERENCE_COSTS.byKind, false);
  assert.equal(printInfix(plain.expr(root)), "x * (1 / 3) + 5", "without folding only exact constants fold");
});

Deno.test("k-best: distinct trees, nondecreasing cost, the greedy one first, cost as reported", () => {
  const rng = new Rng(11);
  for (let i = 0; i < 12; i++) {
    const e = randomExpr(rng, { size: 6, vars: ["x", "y"], mix: { "+": 3, "*": 3, "-": 1, "/": 1, neg: 1 } });
    const g = new EGraph({ ranges: { x: [0.5, 4], y: [0.5, 4] } });
    const root = g.add(e);
    runRules(g, TEST_RULES, { iterLimit: 3, nodeLimit: 3000 });
    const ex = new Extractor(g, REFERENCE_COSTS.byKind);
    const ranked = kBest(g, root, 10, ex);
    assert.ok(ranked.length >= 1);
    assert.equal(ranked[0].treeCost, ex.treeCost(root), "the best is the greedy cost");
    assert.equal(new Set(ranked.map((r) => r.expr)).size, ranked.length, "distinct");
    for (let j = 0; j < ranked.length; j++) {
      if (j > 0) assert.ok(ranked[j - 1].treeCost <= ranked[j].treeCost, "nondecreasing");
      assert.equal(ranked[j].staticCost, staticCost(ranked[j].expr, REFERENCE_COSTS));
      // Folded constants count as constants; elsewhere the tree cost is exact.
      assert.ok(Math.abs(treeCost(ranked[j].expr) - ranked[j].treeCost) < 1e-9 || ranked[j].expr.tag === "const");
    }
    // Commutativity alone gives more than 10 trees for any op with two different operands.
    if (g.nodeCount > 50) assert.equal(ranked.length, 10, printInfix(e));
  }
});

Deno.test("k-best is cycle-safe and enumerates around cycles: x = x*1 gives x, x*1, 1*x, ...", () => {
  const g = new EGraph();
  const root = g.add(parseInfix("x * 1"));
  runRules(g, TEST_RULES.filter((r) => ["t-mul1", "t-comm-mul"].includes(r.name)));
  const ranked = kBest(g, root, 6, new Extractor(g, REFERENCE_COSTS.byKind));
  assert.equal(ranked.length, 6);
  assert.deepEqual(ranked.slice(0, 3).map((r) => printInfix(r.expr)).sort(), ["1 * x", "x", "x * 1"].sort());
  assert.deepEqual(ranked.map((r) => r.treeCost), [0.5, 1.5, 1.5, 2.5, 2.5, 2.5]);
  // A class with one tree has one.
  const h = new EGraph();
  const y = h.add(parseInfix("y"));
  h.rebuild();
  assert.equal(kBest(h, y, 10, new Extractor(h, REFERENCE_COSTS.byKind)).length, 1);
});

/** Random kernels on [0.5, 4] with the test rules, then every extracted tree is checked. */
function checkExtractionsAgree(rules: typeof TEST_RULES, seed: number, count: number, iterLimit: number): number {
  const rng = new Rng(seed);
  let checked = 0;
  for (let i = 0; i < count; i++) {
    const e = randomExpr(rng, { size: 7, vars: ["x", "y", "z"] });
    const vars = freeVars(e);
    const g = new EGraph({ ranges: Object.fromEntries(vars.map((v) => [v, [0.5, 4] as const])) });
    const root = g.add(e);
    runRules(g, rules, { iterLimit, nodeLimit: 4000, timeLimitMs: 2000 });
    assert.equal(g.conflicts, 0, `constants conflict for ${printInfix(e)}`);
    const trees = [
      new Extractor(g, REFERENCE_COSTS.byKind).expr(root),
      ...kBest(g, root, 10, new Extractor(g, REFERENCE_COSTS.byKind)).map((r) => r.expr),
    ];
    for (const t of trees) {
      const bad = agreeOnRandomPoints(e, t, vars, [0.5, 4], 64, seed + i);
      assert.equal(bad, null, `${printInfix(e)}  =>  ${printInfix(t)}: ${bad}`);
      checked++;
    }
  }
  return checked;
}

Deno.test("extracted trees equal the original on random inputs (test rules)", () => {
  assert.ok(checkExtractionsAgree(TEST_RULES, 100, 40, 5) > 300);
});

Deno.test("extracted trees equal the original on random inputs (all exact project rules)", () => {
  assert.ok(checkExtractionsAgree(ALL_RULES, 200, 40, 6) > 350);
});

Deno.test("saturateAndExtract never returns something costlier than the input, and removes derivatives", () => {
  const r = saturateAndExtract(parseInfix("x * 1 + 0"), { costs: REFERENCE_COSTS, rules: TEST_RULES });
  assert.equal(printInfix(r.best), "x");
  assert.ok(r.improved && r.bestCost === 0.5 && r.inputCost === 2.5);
  // Nothing applies: the input itself comes back.
  const same = saturateAndExtract(parseInfix("sin(x)"), { costs: REFERENCE_COSTS, rules: TEST_RULES });
  assert.equal(same.best, same.input);
  assert.equal(same.improved, false);
  assert.equal(same.stopReason, "saturated");
  const d = saturateAndExtract(parseExpr("(d x (* x (sin x)))"), {
    rules: ALL_RULES,
    costs: REFERENCE_COSTS,
    ranges: { x: [-2, 2] },
    nodeLimit: 5000,
    timeLimitMs: 3000,
  });
  assert.equal(d.derivativesLeft, false, printInfix(d.best));
  assert.ok(!hasDerivative(d.best) && d.bestCost < 50, `${printInfix(d.best)} costs ${d.bestCost}`);
  assert.equal(agreeOnRandomPoints(d.input, d.best, ["x"], [-2, 2], 64, 5), null);
});
