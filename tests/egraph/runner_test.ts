import assert from "node:assert/strict";
import { EGraph } from "../../pipeline/egraph/egraph.ts";
import { runRules } from "../../pipeline/egraph/runner.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { defineRules } from "../../pipeline/rules/rule.ts";
import { TEST_RULES } from "./test_rules.ts";

const ruleNamed = (...names: string[]) => TEST_RULES.filter((r) => names.includes(r.name));

Deno.test("a small rule set saturates: x*1 + 0 is x", () => {
  const g = new EGraph();
  const root = g.add(parseInfix("x * 1 + 0"));
  const rep = runRules(g, ruleNamed("t-add0", "t-mul1"), { iterLimit: 10 });
  assert.equal(rep.stopReason, "saturated");
  assert.equal(g.find(root), g.lookup(parseInfix("x")));
  const last = rep.iterations[rep.iterations.length - 1];
  assert.equal(last.unions, 0, "the last iteration changed nothing");
  assert.ok(rep.iterations[0].applied >= 2);
  assert.equal(rep.nodes, g.nodeCount);
  assert.equal(rep.classes, g.classCount);
  for (const it of rep.iterations) assert.ok(it.ms >= 0 && it.nodes > 0 && it.classes > 0);
});

Deno.test("associativity and commutativity on a long sum hit the node limit, close to it", () => {
  const g = new EGraph();
  g.add(parseInfix("a + b + c + d + e + f + g + h + i + j"));
  const rep = runRules(g, ruleNamed("t-comm-add", "t-assoc-add", "t-assoc-add-rev"), {
    nodeLimit: 2000,
    iterLimit: 1000,
    timeLimitMs: 60_000,
  });
  assert.equal(rep.stopReason, "node-limit");
  assert.ok(rep.nodes > 2000 && rep.nodes < 2000 * 1.5, `stopped at ${rep.nodes} nodes`);
});

Deno.test("iteration and time limits", () => {
  const rules = ruleNamed("t-comm-add", "t-assoc-add", "t-assoc-add-rev", "t-comm-mul", "t-dist", "t-dist-rev");
  const g1 = new EGraph();
  g1.add(parseInfix("(a + b + c + d) * (e + f + g + h)"));
  const r1 = runRules(g1, rules, { iterLimit: 2, nodeLimit: 1e7 });
  assert.equal(r1.stopReason, "iter-limit");
  assert.equal(r1.iterations.length, 2);
  const g2 = new EGraph();
  g2.add(parseInfix("(a + b + c + d + e) * (f + g + h + i + j)"));
  const t0 = performance.now();
  const r2 = runRules(g2, rules, { iterLimit: 1e6, nodeLimit: 1e8, timeLimitMs: 150 });
  assert.equal(r2.stopReason, "time-limit");
  assert.ok(performance.now() - t0 < 1500, "the time limit is checked inside iterations too");
});

Deno.test("backoff bans a rule that matches too often, and still saturates after unbanning", () => {
  const g = new EGraph();
  g.add(parseInfix("(a + b) * (c + d) + (e + f) * (g + h)"));
  const rep = runRules(g, ruleNamed("t-comm-add", "t-comm-mul", "t-add0"), {
    iterLimit: 200,
    backoff: { matchLimit: 2, banLength: 1, stepLimit: 1e6 },
  });
  assert.ok(rep.iterations.some((it) => it.banned > 0), "comm rules get banned");
  assert.equal(rep.stopReason, "saturated");
  // Both commutations of every sum and product are in the graph in the end.
  for (const s of ["b + a", "d + c", "(d + c) * (b + a)", "(h + g) * (f + e) + (b + a) * (d + c)"]) {
    assert.ok(g.lookup(parseInfix(s)) >= 0, `${s} is represented`);
  }
});

Deno.test("preconditions are respected: (/ x x) => 1 needs x != 0, proved from the ranges", () => {
  const rules = ruleNamed("t-div-self", "t-sqrt-sq", "t-exp-log");
  const mixed = new EGraph({ ranges: { x: [-1, 1] } });
  const a = mixed.add(parseInfix("x / x"));
  const s = mixed.add(parseInfix("sqrt(x * x)"));
  const l = mixed.add(parseInfix("exp(log(x))"));
  const rm = runRules(mixed, rules);
  assert.equal(rm.stopReason, "saturated");
  assert.notEqual(mixed.find(a), mixed.lookupConst(1), "x may be 0: no rewrite");
  assert.notEqual(mixed.find(s), mixed.lookup(parseInfix("x")), "x may be negative: no rewrite");
  assert.notEqual(mixed.find(l), mixed.lookup(parseInfix("x")));
  const pos = new EGraph({ ranges: { x: [0.5, 2] } });
  const b = pos.add(parseInfix("x / x"));
  const t = pos.add(parseInfix("sqrt(x * x)"));
  const m = pos.add(parseInfix("exp(log(x))"));
  runRules(pos, rules);
  assert.equal(pos.find(b), pos.lookupConst(1));
  assert.equal(pos.find(t), pos.lookup(parseInfix("x")));
  assert.equal(pos.find(m), pos.lookup(parseInfix("x")));
});

Deno.test("approximate rules take part only when allowed", () => {
  const rules = ruleNamed("t-recip-approx");
  const off = new EGraph({ ranges: { x: [1, 2] } });
  off.add(parseInfix("1 / x"));
  const r0 = runRules(off, rules);
  assert.equal(r0.rules, 0);
  assert.equal(r0.skippedApprox, 1);
  assert.equal(off.lookup(parseInfix("recip(x)")), -1);
  const on = new EGraph({ ranges: { x: [1, 2] } });
  const root = on.add(parseInfix("1 / x"));
  runRules(on, rules, { allowApprox: true });
  assert.equal(on.lookup(parseInfix("recip(x)")), on.find(root));
});

Deno.test("rules may name variables and constants; rebuild folds what rules expose", () => {
  const rules = defineRules("algebra", [
    { name: "t-x-minus-x", lhs: "(- x x)", rhs: "0" },
    { name: "t-add0b", lhs: "(+ ?a 0)", rhs: "?a" },
  ]);
  const g = new EGraph();
  const root = g.add(parseInfix("y * (x - x) + 3 * 4"));
  runRules(g, [...rules, ...ruleNamed("t-mul0")]);
  assert.equal(g.constantOf(root), 12);
  assert.equal(g.conflicts, 0);
});
