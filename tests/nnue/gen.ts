/**
 * Test generators for the network: DAG-shaped expressions with heavy
 * sharing, and random rewrites of every kind a search can produce
 * (replacement by a fresh subtree, by an existing node so hash-consing
 * merges nodes, by an expression containing the site, by a child).
 */
import { app, dagSize, type Expr, num, postorder, sortOf, v } from "../../pipeline/expr/expr.ts";
import { OP_NAMES, type OpName, OPS } from "../../pipeline/expr/ops.ts";
import { type OpMix, randomExpr, type Rng } from "../../pipeline/expr/random.ts";

const OPS_NO_D: readonly OpName[] = OP_NAMES.filter((n) => n !== "d");
const CONSTS = [0, 1, -1, 2, 0.5, 3, 0.1, -7.25];

function randomLeaf(rng: Rng): Expr {
  return rng.next() < 0.3 ? num(rng.pick(CONSTS)) : v(rng.pick(["x", "y", "z", "w"]));
}

/** A random comparison of two numbers: a truth value where none is at hand. */
function randomCondition(rng: Rng, a: Expr, b: Expr): Expr {
  return app(rng.pick(["lt", "le", "eq", "ne"] as const), [a, b]);
}

/**
 * A DAG of about `ops` op nodes whose arguments are drawn from earlier
 * nodes of the right sort (numbers, truth values); the result is a number.
 */
export function randomDag(rng: Rng, ops: number): Expr {
  const pool: Expr[] = [randomLeaf(rng), randomLeaf(rng), randomLeaf(rng)];
  const bools: Expr[] = [];
  let last: Expr = pool[0];
  const real = (): Expr => {
    const r = rng.next();
    // Mostly recent nodes (deep DAGs), sometimes old ones (sharing), sometimes leaves.
    if (r < 0.15) return randomLeaf(rng);
    if (r < 0.6) return pool[Math.max(0, pool.length - 1 - rng.int(3))];
    return rng.pick(pool);
  };
  const truth = (): Expr =>
    bools.length > 0 && rng.next() < 0.7
      ? bools[Math.max(0, bools.length - 1 - rng.int(3))]
      : randomCondition(rng, real(), real());
  for (let i = 0; i < ops; i++) {
    const op = rng.pick(OPS_NO_D);
    const args = OPS[op].argSorts.map((s) => (s === "real" ? real() : truth()));
    const e = app(op, args);
    if (sortOf(e) === "bool") bools.push(e);
    else {
      last = e;
      pool.push(e);
    }
  }
  return last;
}

/** Either a DAG with sharing or a random tree-like kernel expression. */
export function randomTestExpr(rng: Rng, ops: number): Expr {
  return rng.next() < 0.5 ? randomDag(rng, ops) : randomExpr(rng, { size: ops, maxDepth: 12 });
}

/**
 * A kernel-like expression of at least `nodes` unique nodes: random
 * kernels of about 20 ops (`randomExpr` with `mix`) joined by + and *.
 * (One large `randomExpr` can take very long: its domain retries nest.)
 */
export function compositeExpr(rng: Rng, nodes: number, mix?: OpMix): Expr {
  const chunk = () =>
    randomExpr(rng, { size: Math.min(20, Math.max(1, Math.round(nodes / 2))), maxDepth: 10, ...(mix ? { mix } : {}) });
  let e = chunk();
  while (dagSize(e) < nodes) e = app(rng.next() < 0.6 ? "+" : "*", [e, chunk()]);
  return e;
}

/** A random (site, replacement) rewrite of `e`. */
export function randomRewrite(rng: Rng, e: Expr): [Expr, Expr] {
  const nodes = postorder(e);
  const site = rng.pick(nodes);
  const r = rng.next();
  let repl: Expr;
  if (sortOf(site) === "bool") {
    // A truth value is replaced by a truth value.
    const others = nodes.filter((n) => sortOf(n) === "bool");
    if (r < 0.3) repl = rng.pick(others);
    else if (r < 0.6) repl = app("not", [site]);
    else repl = randomCondition(rng, randomLeaf(rng), randomDag(rng, 1 + rng.int(2)));
    return [site, repl];
  }
  if (r < 0.25) repl = rng.pick(nodes.filter((n) => sortOf(n) === "real")); // merge with an existing node
  else if (r < 0.45) repl = randomDag(rng, 1 + rng.int(3));
  else if (r < 0.6) repl = app("neg", [site]); // contains the site
  else if (r < 0.7 && site.tag === "app" && site.args.some((a) => sortOf(a) === "real")) {
    repl = rng.pick(site.args.filter((a) => sortOf(a) === "real")); // collapse to a child
  } else if (r < 0.85 && site.tag === "app") {
    // Same shape, other op of the same arity and sorts (a local rule-like change).
    const args = OPS[site.op].argSorts.every((s) => s === "real") ? [...site.args].reverse() : site.args;
    const same = OPS_NO_D.filter((o) => OPS[o].sort === "real" && OPS[o].argSorts.join() === args.map(sortOf).join());
    repl = app(rng.pick(same), args);
  } else repl = randomLeaf(rng);
  return [site, repl];
}

/** Replaces every occurrence of `site` in `e` by `repl` (the reference semantics). */
export function replaceNode(e: Expr, site: Expr, repl: Expr): Expr {
  const memo = new Map<number, Expr>();
  for (const n of postorder(e)) {
    if (n === site) memo.set(n.id, repl);
    else if (n.tag === "app") memo.set(n.id, app(n.op, n.args.map((a) => memo.get(a.id)!)));
    else memo.set(n.id, n);
  }
  return memo.get(e.id)!;
}

/** Multiset difference a - b of feature lists, as sorted arrays [onlyA, onlyB]. */
export function multisetDiff(a: Int32Array, b: Int32Array): [number[], number[]] {
  const c = new Map<number, number>();
  for (const f of a) c.set(f, (c.get(f) ?? 0) + 1);
  for (const f of b) c.set(f, (c.get(f) ?? 0) - 1);
  const onlyA: number[] = [];
  const onlyB: number[] = [];
  for (const [f, k] of c) {
    for (let i = 0; i < k; i++) onlyA.push(f);
    for (let i = 0; i < -k; i++) onlyB.push(f);
  }
  return [onlyA.sort((x, y) => x - y), onlyB.sort((x, y) => x - y)];
}
