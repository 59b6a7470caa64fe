import assert from "node:assert/strict";
import { EGraph } from "../../pipeline/egraph/egraph.ts";
import { compilePattern, ematch } from "../../pipeline/egraph/ematch.ts";
import { type Expr, postorder } from "../../pipeline/expr/expr.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { match, parsePattern } from "../../pipeline/rules/pattern.ts";

const PATTERNS = [
  "(+ ?a ?b)",
  "(* ?a ?a)",
  "(+ (* ?a ?b) ?c)",
  "(* ?a (+ ?b ?c))",
  "(+ ?a (* ?a ?b))",
  "(- ?a ?a)",
  "(* 2 ?a)",
  "(+ ?a 1)",
  "(sqrt (* ?x ?x))",
  "(* (+ ?a ?b) (+ ?a ?b))",
  "(+ x ?a)",
  "(neg (neg ?a))",
  "(fma ?a ?b ?c)",
  "(fma ?a ?a (* ?b ?b))",
  "x",
];

/** Random expressions without all-constant subterms (those would fold). */
function expressions(seed: number, n: number): Expr[] {
  const rng = new Rng(seed);
  const out: Expr[] = [];
  while (out.length < n) {
    const e = randomExpr(rng, {
      size: rng.int(8) + 2,
      vars: ["x", "y"],
      constProb: 0.3,
      mix: { "+": 4, "*": 4, "-": 2, neg: 1, sqrt: 1, fma: 2 },
    });
    const folds = postorder(e).some((s) => s.tag === "app" && s.args.every((a) => a.tag === "const"));
    if (!folds) out.push(e);
  }
  return out;
}

Deno.test("e-matching without unions finds exactly the subterms that tree matching finds", () => {
  let total = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const exprs = expressions(seed, 30);
    const g = new EGraph();
    for (const e of exprs) g.add(e);
    g.rebuild();
    const subterms = new Map<number, Expr>();
    for (const e of exprs) for (const s of postorder(e)) subterms.set(s.id, s);
    for (const src of PATTERNS) {
      const p = parsePattern(src);
      const prog = compilePattern(p);
      const expected = new Set<string>();
      for (const s of subterms.values()) {
        const b = match(p, s);
        if (b === null) continue;
        expected.add([g.lookup(s), ...prog.holes.map((h) => g.lookup(b.get(h)!))].join(","));
      }
      const m = ematch(g, prog);
      assert.equal(m.truncated, null);
      const found = new Set<string>();
      for (let i = 0; i < m.count; i++) found.add(m.data.slice(i * m.width, (i + 1) * m.width).join(","));
      assert.deepEqual([...found].sort(), [...expected].sort(), `seed ${seed}, pattern ${src}`);
      total += found.size;
    }
  }
  assert.ok(total > 300, `the patterns should match often (${total})`);
});

Deno.test("e-matching sees equalities: after x+0 = x, (* ?a x) also matches through x+0", () => {
  const g = new EGraph();
  const top = g.add(parseInfix("y * (x + 0)"));
  const prog = compilePattern(parsePattern("(* ?a x)"));
  assert.equal(ematch(g, prog).count, 0);
  g.union(g.add(parseInfix("x + 0")), g.add(parseInfix("x")));
  g.rebuild();
  const m = ematch(g, prog);
  assert.equal(m.count, 1);
  assert.equal(m.data[0], g.find(top));
  assert.equal(m.data[1], g.lookup(parseInfix("y")));
});

Deno.test("repeated holes bind one class", () => {
  const g = new EGraph();
  g.add(parseInfix("x * y"));
  g.add(parseInfix("x * x"));
  g.rebuild();
  const m = ematch(g, compilePattern(parsePattern("(* ?a ?a)")));
  assert.equal(m.count, 1);
  assert.equal(m.data[1], g.lookup(parseInfix("x")));
});

Deno.test("search limits: at most `limit` matches, and a step budget", () => {
  const g = new EGraph();
  for (let i = 0; i < 50; i++) g.add(parseInfix(`x * ${i + 2} + y`));
  g.rebuild();
  const prog = compilePattern(parsePattern("(+ (* ?a ?b) ?c)"));
  assert.equal(ematch(g, prog).count, 50);
  const lim = ematch(g, prog, { limit: 10 });
  assert.equal(lim.count, 10);
  assert.equal(lim.truncated, "matches");
  const steps = ematch(g, prog, { maxSteps: 20 });
  assert.equal(steps.truncated, "steps");
  assert.ok(steps.count < 50);
});

Deno.test("matching needs a rebuilt graph, and a bare hole is no pattern", () => {
  const g = new EGraph();
  const a = g.add(parseInfix("x + 1")), b = g.add(parseInfix("y"));
  g.union(g.add(parseInfix("x")), b);
  void a;
  assert.throws(() => ematch(g, compilePattern(parsePattern("(+ ?a ?b)"))), /rebuilt/);
  assert.throws(() => compilePattern(parsePattern("?a")), /bare hole/);
});
