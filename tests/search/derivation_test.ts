import assert from "node:assert/strict";
import { RANGES, searchInput } from "./inputs.ts";
import type { Expr } from "../../pipeline/expr/expr.ts";
import { parseExpr } from "../../pipeline/expr/fpcore.ts";
import { Rng } from "../../pipeline/expr/random.ts";
import { Network } from "../../pipeline/nnue/network.ts";
import { ALL_RULES } from "../../pipeline/rules/all.ts";
import { derive, type Equation, shortenPath } from "../../pipeline/search/derivation.ts";
import { guidedSearch } from "../../pipeline/search/guided.ts";
import { replaceNode } from "../../pipeline/search/rewrite.ts";
import { REFERENCE_COSTS } from "../../pipeline/expr/cost.ts";

const p = (s: string) => parseExpr(s);
const eq = (rule: string, site: string, result: string): Equation => ({ rule, site: p(site), result: p(result) });

/** Replays steps independently of the module: each rewrites every occurrence of its site, which must be present. */
function replay(input: Expr, rewrites: readonly Equation[], steps: readonly number[]): Expr {
  let cur = input;
  for (const j of steps) {
    const next = replaceNode(cur, rewrites[j].site, rewrites[j].result);
    assert.notEqual(next, cur, `step ${j} (${rewrites[j].rule}) found its site`);
    cur = next;
  }
  return cur;
}

Deno.test("derive: the needed rewrites in order, detours and unrelated ones left out", () => {
  const input = p("(+ (* a b) c)");
  const rw = [
    eq("mul-comm", "(* a b)", "(* b a)"),
    eq("add-comm", "(+ (* b a) c)", "(+ c (* b a))"),
    eq("add-comm", "(+ c (* b a))", "(+ (* b a) c)"),
    eq("double", "(+ c c)", "(* 2 c)"),
    eq("fma-fuse", "(+ (* b a) c)", "(fma b a c)"),
  ];
  const d = derive(input, rw, p("(fma b a c)"));
  assert.ok(d.complete);
  assert.deepEqual(d.steps.map((j) => rw[j].rule), ["mul-comm", "fma-fuse"]);
  assert.equal(replay(input, rw, d.steps), p("(fma b a c)"));
  const path = shortenPath(input, rw, [0, 1, 2, 4], p("(fma b a c)"));
  assert.deepEqual(path, [0, 4], "the commute-and-back pair is a detour");
  assert.equal(shortenPath(input, rw, [0, 1], p("(fma b a c)")), null, "a path that does not reach its state");
  const none = derive(input, rw, p("(fma a b c)"));
  assert.equal(none.complete, false, "never created: no derivation");
});

Deno.test("derivations of guided-search results replay to the form they claim, and shorten the path", () => {
  using nw = Network.create();
  const rng = new Rng(5);
  let states = 0, complete = 0, extractions = 0;
  for (let i = 0; i < 16; i++) {
    const e = searchInput(rng, i);
    const r = guidedSearch(e, nw, {
      costs: REFERENCE_COSTS,
      rules: ALL_RULES,
      ranges: RANGES,
      budget: 80,
      seed: i,
      epsilon: 0.2,
    });
    for (const c of r.choices) {
      if (c.path !== undefined) {
        states++;
        assert.equal(replay(e, r.trajectory, c.path), c.expr, "a state's path replays to it");
        const s = shortenPath(e, r.trajectory, c.path, c.expr);
        assert.ok(s !== null && s.length <= c.path.length);
        assert.equal(replay(e, r.trajectory, s), c.expr);
      } else {
        extractions++;
        const d = derive(e, r.trajectory, c.expr);
        const reached = replay(e, r.trajectory, d.steps);
        if (d.complete) {
          complete++;
          assert.equal(reached, c.expr);
        }
      }
    }
  }
  assert.ok(states > 50, `${states} states`);
  // Extractions often rest on the e-graph's own equalities (congruence, folding): derived when they do not.
  assert.ok(complete <= extractions);
});
