import assert from "node:assert/strict";
import { ARITY, EGraph } from "../../pipeline/egraph/egraph.ts";
import { MatchOracle } from "../../pipeline/egraph/oracle.ts";
import { evaluate64 } from "../../pipeline/expr/evaluate.ts";
import { type Expr, num, v } from "../../pipeline/expr/expr.ts";
import { parseInfix } from "../../pipeline/expr/infix.ts";
import { LEAF_CONST } from "../../pipeline/expr/ops.ts";
import { randomExpr, Rng } from "../../pipeline/expr/random.ts";
import { holds, parsePre } from "../../pipeline/rules/precondition.ts";

/** Every live node, with its op and canonical children. */
function liveNodes(g: EGraph): { n: number; op: number; kids: number[] }[] {
  const out = [];
  for (let n = 0; n < g.idCount; n++) {
    if (g.isDead(n)) continue;
    const op = g.ops[n];
    out.push({ n, op, kids: Array.from({ length: ARITY[op] }, (_, i) => g.kids[n * 3 + i]) });
  }
  return out;
}

/** The invariants `rebuild()` promises; returns the first violation. */
function checkInvariants(g: EGraph): void {
  const keys = new Map<string, number>();
  const classes = new Set(g.classIds());
  assert.equal(classes.size, g.classCount, "classCount counts the roots");
  let live = 0;
  for (const { n, op, kids } of liveNodes(g)) {
    live++;
    for (const k of kids) assert.equal(g.find(k), k, `node ${n} has a non-canonical child ${k}`);
    // Leaves are keyed by their payload (constant or variable number).
    const key = `${op}:${ARITY[op] === 0 ? g.kids[n * 3] : kids.join(",")}`;
    const other = keys.get(key);
    assert.equal(other, undefined, `nodes ${other} and ${n} are congruent but both live`);
    keys.set(key, n);
    const c = g.find(n);
    assert.ok(g.nodesOf(c).includes(n), `node ${n} is missing from its class ${c}`);
    if (ARITY[op] > 0) assert.equal(g.lookupNode(op, kids[0], kids[1] ?? -1, kids[2] ?? -1), c, "hashcons");
  }
  assert.equal(live, g.nodeCount);
  let listed = 0;
  for (const c of classes) {
    const ns = g.nodesOf(c);
    listed += ns.length;
    for (let i = 0; i < ns.length; i++) {
      assert.ok(!g.isDead(ns[i]) && g.find(ns[i]) === c, `class ${c} lists a foreign or dead node`);
      if (i > 0) assert.ok(g.ops[ns[i - 1]] <= g.ops[ns[i]], `class ${c} is not sorted by op`);
    }
  }
  assert.equal(listed, live, "every live node is listed exactly once");
}

/**
 * The congruence closure of the given unions over the graph's terms,
 * computed naively: merge, then merge nodes with equal ops and equal
 * children classes until nothing changes.
 */
function naiveClosure(nodes: { n: number; op: number; kids: number[] }[], unions: [number, number][]): number[] {
  const size = Math.max(...nodes.map((x) => x.n)) + 1;
  const parent = Array.from({ length: size }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  const merge = (a: number, b: number) => {
    a = find(a);
    b = find(b);
    if (a === b) return false;
    parent[b] = a;
    return true;
  };
  for (const [a, b] of unions) merge(a, b);
  for (let changed = true; changed;) {
    changed = false;
    const seen = new Map<string, number>();
    for (const x of nodes) {
      if (ARITY[x.op] === 0) continue;
      const key = `${x.op}:${x.kids.map(find).join(",")}`;
      const y = seen.get(key);
      if (y === undefined) seen.set(key, x.n);
      else if (merge(y, x.n)) changed = true;
    }
  }
  return parent.map((_, i) => find(i));
}

Deno.test("random unions: rebuild restores congruence, hash-consing and sorted classes, as a naive closure does", () => {
  for (let seed = 1; seed <= 6; seed++) {
    const rng = new Rng(seed);
    const g = new EGraph({ capacity: 16 });
    // No constants: then no folding, and the naive closure is the whole truth.
    for (let i = 0; i < 25; i++) {
      g.add(
        randomExpr(rng, { size: 6, vars: ["x", "y", "z"], constProb: 0, mix: { "+": 3, "*": 3, sqrt: 1, neg: 1 } }),
      );
    }
    const terms = liveNodes(g);
    const ids = terms.map((t) => t.n);
    const unions: [number, number][] = [];
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 8; u++) {
        const a = rng.pick(ids), b = rng.pick(ids);
        unions.push([a, b]);
        g.union(a, b);
      }
      g.rebuild();
      checkInvariants(g);
      const expected = naiveClosure(terms, unions);
      for (let i = 0; i < ids.length; i++) {
        for (let j = i + 1; j < ids.length; j++) {
          const a = ids[i], b = ids[j];
          assert.equal(
            g.find(a) === g.find(b),
            expected[a] === expected[b],
            `seed ${seed}: nodes ${a}, ${b} equal in one closure only`,
          );
        }
      }
    }
  }
});

Deno.test("hash-consing: adding an expression twice gives its class and no new nodes", () => {
  const g = new EGraph();
  const e = parseInfix("(x + y) * (x + y) + sqrt(x)");
  const a = g.add(e);
  const n = g.nodeCount;
  assert.equal(g.add(e), a);
  assert.equal(g.nodeCount, n);
  assert.equal(n, 6, "x, y, x+y, product, sqrt, sum");
  assert.equal(g.lookup(e), a);
  assert.equal(g.lookup(parseInfix("x - y")), -1);
});

Deno.test("constant folding: exact results become constants, rounded ones only approximate values", () => {
  const g = new EGraph();
  const five = g.add(parseInfix("2 + 3"));
  g.rebuild();
  assert.equal(g.constantOf(five), 5);
  assert.equal(g.find(five), g.lookupConst(5), "the class holds the constant's leaf");
  assert.ok(g.nodesOf(g.find(five)).some((n) => g.ops[n] === LEAF_CONST && g.constOfNode(n) === 5));
  assert.equal(g.constantOf(g.add(parseInfix("sqrt(16) * 0.25"))), 1);
  assert.equal(g.constantOf(g.add(parseInfix("pow(1.5, 3)"))), 3.375);
  const third = g.add(parseInfix("1 / 3"));
  assert.equal(g.constantOf(third), null, "1/3 is rounded: no constant");
  assert.equal(g.approxOf(third), 1 / 3);
  const tenth = g.add(parseInfix("0.1 * 3"));
  assert.equal(g.constantOf(tenth), null);
  assert.equal(g.constantOf(g.add(parseInfix("log(0 - 1)"))), null, "NaN never folds");
  assert.equal(g.approxOf(g.add(parseInfix("log(0 - 1)"))), null);
  assert.equal(g.approxOf(g.add(parseInfix("exp(1000)"))), null, "overflow never folds");
  assert.equal(g.approxOf(g.add(parseInfix("x + 1"))), null, "a variable is not a constant");
  assert.equal(g.add(num(-0)), g.add(num(0)), "the graph has one zero");
  g.rebuild();
});

Deno.test("constant folding propagates through unions: x*0 = 0 makes (x*0 + 2) * 3 the constant 6", () => {
  const g = new EGraph();
  const xz = g.add(parseInfix("x * 0"));
  const top = g.add(parseInfix("(x * 0 + 2) * 3"));
  assert.equal(g.constantOf(top), null);
  g.union(xz, g.add(num(0)));
  g.rebuild();
  assert.equal(g.constantOf(top), 6);
  assert.equal(g.find(top), g.lookupConst(6));
});

Deno.test("intervals come from the input ranges and merge by intersection", () => {
  const g = new EGraph({ ranges: { x: [-2, 3], y: [1, 4] } });
  const ax = g.add(parseInfix("fabs(x)"));
  const sy = g.add(parseInfix("sqrt(y)"));
  const [alo, ahi] = g.intervalOf(ax)!;
  assert.ok(alo <= 0 && alo > -1e-9 && ahi >= 3 && ahi < 3 + 1e-9);
  const [slo, shi] = g.intervalOf(sy)!;
  assert.ok(slo <= 1 && slo > 1 - 1e-9 && shi >= 2 && shi < 2 + 1e-9);
  assert.equal(g.intervalOf(g.add(parseInfix("log(x)"))), null, "log of a range holding 0 is unknown");
  // A synthetic union: the class's values lie in both intervals.
  g.union(ax, sy);
  g.rebuild();
  const [lo, hi] = g.intervalOf(ax)!;
  assert.ok(lo >= 1 - 1e-9 && hi <= 3 + 1e-9, `intersection, got [${lo}, ${hi}]`);
  // Parents see the narrower interval: log(fabs x) is now defined.
  assert.notEqual(g.intervalOf(g.add(parseInfix("log(fabs(x))"))), null);
});

Deno.test("variable sets: a class depends on what every member depends on", () => {
  const g = new EGraph();
  const d = g.add(parseInfix("x - x + y"));
  assert.equal(g.freeOf(d, "x"), false);
  assert.equal(g.freeOf(d, "y"), false);
  assert.equal(g.freeOf(d, "z"), true, "a variable the graph never saw");
  g.union(g.add(parseInfix("x - x")), g.add(num(0)));
  g.union(d, g.add(parseInfix("0 + y")));
  g.rebuild();
  assert.equal(g.freeOf(d, "x"), true);
  assert.equal(g.freeOf(d, "y"), false);
  assert.equal(g.variableOf(g.add(v("x"))), "x");
  assert.equal(g.variableOf(d), null);
});

Deno.test("the match oracle decides preconditions from class facts, conservatively", () => {
  const g = new EGraph({ ranges: { p: [0.5, 2], s: [-1, 1] } });
  const p = g.add(v("p")), s = g.add(v("s")), c = g.add(num(3));
  const o = new MatchOracle(g, ["x", "y"]);
  const pos = parsePre("(> ?x 0)");
  assert.equal(holds(pos, o.bind([p, c], 0)), true);
  assert.equal(holds(pos, o.bind([s, c], 0)), false, "s may be negative");
  assert.equal(holds(parsePre("(!= ?x 0)"), o.bind([s, c], 0)), false, "s may be 0");
  assert.equal(holds(parsePre("(const? ?y)"), o.bind([p, c], 0)), true);
  assert.equal(holds(parsePre("(int? ?y)"), o.bind([p, c], 0)), true);
  assert.equal(holds(parsePre("(var? ?x)"), o.bind([p, c], 0)), true);
  assert.equal(holds(parsePre("(var? ?y)"), o.bind([p, c], 0)), false);
  const e = g.add(parseInfix("p * 2 + 1"));
  assert.equal(holds(parsePre("(free-of ?x ?y)"), o.bind([e, s], 0)), true);
  assert.equal(holds(parsePre("(free-of ?x ?y)"), o.bind([e, p], 0)), false);
  assert.equal(holds(parsePre("(< 1 ?x 6)"), o.bind([e, p], 0)), true);
  assert.equal(holds(parsePre("(< 3 ?x 6)"), o.bind([e, p], 0)), false);
});

Deno.test("d needs a variable as its first operand", () => {
  const g = new EGraph();
  const x = g.add(v("x"));
  const e = g.add(parseInfix("x * x"));
  assert.ok(g.addOp("d", [x, e]) >= 0);
  assert.throws(() => g.addOp("d", [e, x]), /variable/);
});

Deno.test("anyExpr reads back an expression equal to what was added", () => {
  const rng = new Rng(3);
  for (let i = 0; i < 20; i++) {
    const e: Expr = randomExpr(rng, { size: 8 });
    const g = new EGraph();
    const c = g.add(e);
    g.rebuild();
    const back = g.anyExpr(c);
    const env = { x: 1.25, y: 2.5, z: 0.75 };
    const a = evaluate64(e, env), b = evaluate64(back, env);
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)), `${a} vs ${b}`);
  }
});
