import assert from "node:assert/strict";
import { ALL_RULES, rulesByDomain } from "../../pipeline/rules/all.ts";
import { defineRules, type RuleSpec } from "../../pipeline/rules/rule.ts";
import { checkRule, checkRules, describeFailure } from "../../pipeline/rules/soundness.ts";

const one = (spec: RuleSpec) => defineRules("algebra", [spec])[0];

Deno.test("every rule of every domain passes the soundness check", () => {
  const failures = checkRules(ALL_RULES).filter((c) => !c.ok);
  assert.deepEqual(failures.map(describeFailure), []);
});

Deno.test("rule names are unique across domains", () => {
  const names = ALL_RULES.map((r) => r.name);
  assert.equal(new Set(names).size, names.length);
});

Deno.test("each of this issue's domains has at least its required number of rules", () => {
  const minimum = { algebra: 50, fma: 25, strength: 25, rsqrt: 20, simd: 10 } as const;
  for (const [d, n] of Object.entries(minimum)) {
    const rules = rulesByDomain[d as keyof typeof minimum];
    assert.ok(rules.length >= n, `${d} has ${rules.length} rules, needs ${n}`);
    const shapes = new Set(rules.map((r) => `${r.text.lhs} => ${r.text.rhs} | ${r.text.pre ?? ""}`));
    assert.equal(shapes.size, rules.length, `${d} has two rules with the same sides`);
  }
});

Deno.test("a wrong rule is caught, and its worst point shows the difference", () => {
  const c = checkRule(one({ name: "sub-comm", lhs: "(- ?a ?b)", rhs: "(- ?b ?a)" }));
  assert.equal(c.ok, false);
  assert.ok(c.failed > 900, `only ${c.failed} failures`);
  assert.ok(c.worst !== null && c.worst.err > c.worst.tol);
});

Deno.test("a rule off by one part in a million is caught", () => {
  const c = checkRule(one({ name: "nearly", lhs: "(+ ?a ?b)", rhs: "(+ ?a (* ?b 1.000001))" }));
  assert.equal(c.ok, false);
});

Deno.test("a rule whose sides differ in domain needs its precondition", () => {
  const bare = checkRule(one({ name: "sqrt-sq", lhs: "(* (sqrt ?a) (sqrt ?a))", rhs: "?a" }));
  assert.equal(bare.ok, false);
  assert.ok(bare.worst !== null && Number.isNaN(bare.worst.lhs));
  const guarded = checkRule(one({ name: "sqrt-sq", lhs: "(* (sqrt ?a) (sqrt ?a))", rhs: "?a", pre: "(>= ?a 0)" }));
  assert.equal(guarded.ok, true, describeFailure(guarded));
  assert.ok(guarded.checked >= 1000);
});

Deno.test("x/x => 1 is caught without (!= ?x 0): the sampler draws exact zeros", () => {
  const bare = checkRule(one({ name: "div-self", lhs: "(/ ?a ?a)", rhs: "1" }));
  assert.equal(bare.ok, false, "the sampler must draw exact zeros");
  const guarded = checkRule(one({ name: "div-self", lhs: "(/ ?a ?a)", rhs: "1", pre: "(!= ?a 0)" }));
  assert.equal(guarded.ok, true, describeFailure(guarded));
});

Deno.test("an approximate rule is checked against its declared bound", () => {
  const within = checkRule(
    one({ name: "sin-small", lhs: "(sin ?x)", rhs: "?x", pre: "(< -1e-4 ?x 1e-4)", approx: 2e-9 }),
  );
  assert.equal(within.ok, true, describeFailure(within));
  // sin x = x - x^3/6: at |x| = 0.1 the relative error is 1.7e-3, far beyond 2e-9.
  const beyond = checkRule(
    one({ name: "sin-small", lhs: "(sin ?x)", rhs: "?x", pre: "(< -0.1 ?x 0.1)", approx: 2e-9 }),
  );
  assert.equal(beyond.ok, false);
  const loose = checkRule(
    one({ name: "sin-small", lhs: "(sin ?x)", rhs: "?x", pre: "(< -0.1 ?x 0.1)", approx: 2e-3 }),
  );
  assert.equal(loose.ok, true, describeFailure(loose));
});

Deno.test("derivative rules are checked over random expressions", () => {
  const product = checkRule(
    one({ name: "d-mul", lhs: "(d ?x (* ?u ?v))", rhs: "(+ (* (d ?x ?u) ?v) (* ?u (d ?x ?v)))" }),
  );
  assert.equal(product.mode, "expressions");
  assert.equal(product.ok, true, describeFailure(product));
  const wrong = checkRule(one({ name: "d-mul", lhs: "(d ?x (* ?u ?v))", rhs: "(* (d ?x ?u) (d ?x ?v))" }));
  assert.equal(wrong.ok, false);
  // The precondition is respected by construction, so the constant rule passes with it and fails without.
  const constant = checkRule(one({ name: "d-const", lhs: "(d ?x ?c)", rhs: "0", pre: "(free-of ?c ?x)" }));
  assert.equal(constant.ok, true, describeFailure(constant));
  assert.equal(checkRule(one({ name: "d-const", lhs: "(d ?x ?c)", rhs: "0" })).ok, false);
});

Deno.test("integer preconditions get integer samples", () => {
  const c = checkRule(
    one({ name: "pow-step", lhs: "(pow ?x ?n)", rhs: "(* (pow ?x (- ?n 1)) ?x)", pre: "(and (int? ?n) (!= ?x 0))" }),
  );
  assert.equal(c.ok, true, describeFailure(c));
  assert.ok(c.complete);
});

Deno.test("a precondition nothing satisfies leaves the rule unchecked, which fails it", () => {
  const c = checkRule(one({ name: "never", lhs: "(+ ?a 0)", rhs: "?a", pre: "(and (> ?a 1) (< ?a 0))" }), {
    drawsPerPoint: 5,
  });
  assert.equal(c.complete, false);
  assert.equal(c.ok, false);
  assert.match(c.problem ?? "", /points decided/);
});

Deno.test("checking is deterministic for a seed", () => {
  const r = one({ name: "assoc", lhs: "(+ (+ ?a ?b) ?c)", rhs: "(+ ?a (+ ?b ?c))" });
  assert.deepEqual(checkRule(r, { seed: 7 }).worst, checkRule(r, { seed: 7 }).worst);
});

Deno.test("rules are sort-checked: a truth value where a number goes, or a hole of both sorts, is refused", () => {
  assert.throws(
    () => defineRules("select", [{ name: "s1", lhs: "(select ?c ?a ?b)", rhs: "?c" }]),
    /is a truth value|truth value/,
  );
  assert.throws(
    () => defineRules("select", [{ name: "s2", lhs: "(select ?c ?a ?b)", rhs: "(+ ?c ?a)" }]),
    /number and as a truth value/,
  );
  assert.throws(() => defineRules("select", [{ name: "s3", lhs: "(lt ?a ?b)", rhs: "(- ?a ?b)" }]), /is a number/);
  const [ok] = defineRules("select", [{ name: "s4", lhs: "(select (not ?c) ?a ?b)", rhs: "(select ?c ?b ?a)" }]);
  assert.deepEqual(ok.boolHoles, ["c"]);
});

Deno.test("wrong conditional rules are caught: swapped arms, min for max, a negated comparison without NaN care", () => {
  const wrong = defineRules("select", [
    { name: "w1", lhs: "(select ?c ?a ?b)", rhs: "(select ?c ?b ?a)" },
    { name: "w2", lhs: "(select (lt ?a ?b) ?b ?a)", rhs: "(fmin ?a ?b)" },
    { name: "w3", lhs: "(not (lt ?a ?b))", rhs: "(lt ?b ?a)" },
    { name: "w4", lhs: "(select ?c (+ ?a ?x) (+ ?b ?y))", rhs: "(+ (select ?c ?a ?b) ?x)" },
  ]);
  for (const r of wrong) assert.equal(checkRule(r).ok, false, r.name);
});
