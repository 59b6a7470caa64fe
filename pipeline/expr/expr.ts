/**
 * The expression IR: immutable, hash-consed nodes.
 *
 * Structurally equal expressions are the same object, so equality is `===`
 * and `id` is a cheap key for maps. Sharing makes an expression a DAG: a
 * subexpression used twice is one node, which is also how a compiled kernel
 * computes it (once, after common-subexpression elimination).
 *
 * The intern table holds nodes weakly, so expressions that nobody uses any
 * more are collected; ids are never reused.
 *
 * @example
 * const e = app("+", [app("*", [v("a"), v("b")]), num(1)]);
 * e === app("+", [app("*", [v("a"), v("b")]), num(1)]); // true
 */
import { type OpName, OPS, type Sort } from "./ops.ts";

export interface Const {
  readonly tag: "const";
  readonly id: number;
  readonly value: number;
}

export interface Var {
  readonly tag: "var";
  readonly id: number;
  readonly name: string;
}

export interface App {
  readonly tag: "app";
  readonly id: number;
  readonly op: OpName;
  readonly args: readonly Expr[];
}

export type Expr = Const | Var | App;

let nextId = 1;
const table = new Map<string, WeakRef<Expr>>();
const registry = new FinalizationRegistry<string>((key) => {
  const ref = table.get(key);
  if (ref !== undefined && ref.deref() === undefined) table.delete(key);
});

/**
 * Resolves on a later macrotask. V8 keeps every WeakRef target alive until
 * the current job ends, so a long synchronous run (kernel after kernel,
 * search after search) keeps every node it ever built: 600,000 nodes held
 * a 185 MB heap through gc() within one job, and none after it ended.
 * Loops over many searches await this between them.
 */
export function endOfJob(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function intern<E extends Expr>(key: string, make: (id: number) => E): E {
  const hit = table.get(key)?.deref();
  if (hit !== undefined) return hit as E;
  const node: E = Object.freeze(make(nextId++));
  table.set(key, new WeakRef<Expr>(node));
  registry.register(node, key);
  return node;
}

const BITS = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS.buffer);

/** A float constant; -0 and 0 are distinct, every NaN is one NaN. */
export function num(value: number): Const {
  BITS[0] = Number.isNaN(value) ? NaN : value;
  const key = `c${BITS_U32[0]}:${BITS_U32[1]}`;
  const v = Number.isNaN(value) ? NaN : value;
  return intern(key, (id) => ({ tag: "const", id, value: v }));
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const RESERVED = new Set(["PI", "E", "INFINITY", "NAN", "TRUE", "FALSE"]);

export function isValidVarName(name: string): boolean {
  return VAR_NAME.test(name) && !RESERVED.has(name);
}

/** A variable. Names are identifiers so that they print in every syntax. */
export function v(name: string): Var {
  if (!isValidVarName(name)) {
    throw new Error(`invalid variable name ${JSON.stringify(name)}`);
  }
  return intern(`v${name}`, (id) => ({ tag: "var", id, name }));
}

/** The sort of a value: leaves are numbers, an application has its op's result sort. */
export function sortOf(e: Expr): Sort {
  return e.tag === "app" ? OPS[e.op].sort : "real";
}

/** An application of an op; checks the arity, the operands' sorts and the shape of `d`. */
export function app(op: OpName, args: readonly Expr[]): App {
  const info = OPS[op];
  if (info === undefined) throw new Error(`unknown op ${op}`);
  if (args.length !== info.arity) {
    throw new Error(
      `${op} takes ${info.arity} argument(s), got ${args.length}`,
    );
  }
  for (let i = 0; i < args.length; i++) {
    if (sortOf(args[i]) !== info.argSorts[i]) {
      throw new Error(`operand ${i + 1} of ${op} must be a ${info.argSorts[i] === "real" ? "number" : "truth value"}`);
    }
  }
  if (op === "d" && args[0].tag !== "var") {
    throw new Error("the first argument of (d x e) must be a variable");
  }
  let key = op + "(";
  for (const a of args) key += a.id + ",";
  return intern(key, (id) => ({
    tag: "app",
    id,
    op,
    args: Object.freeze([...args]),
  }));
}

/** Convenience constructor: `mk("+", a, b)`. */
export function mk(op: OpName, ...args: Expr[]): App {
  return app(op, args);
}

/** Number of live interned nodes (for memory accounting). */
export function internedCount(): number {
  return table.size;
}

const ARGS = (n: Expr): readonly Expr[] => (n.tag === "app" ? n.args : NO_ARGS);
const NO_ARGS: readonly Expr[] = [];

/**
 * Unique nodes of `e` in post-order (children before parents); `childrenOf`
 * says what a node reads (its operands; a lowering says otherwise).
 */
export function postorder(e: Expr, childrenOf: (n: Expr) => readonly Expr[] = ARGS): Expr[] {
  const out: Expr[] = [];
  const seen = new Set<number>();
  const stack: [Expr, number][] = [[e, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i === 0 && seen.has(node.id)) {
      stack.pop();
      continue;
    }
    const args = childrenOf(node);
    if (i < args.length) {
      top[1] = i + 1;
      const child = args[i];
      if (!seen.has(child.id)) stack.push([child, 0]);
      continue;
    }
    stack.pop();
    if (!seen.has(node.id)) {
      seen.add(node.id);
      out.push(node);
    }
  }
  return out;
}

/** Number of unique nodes (the DAG size). */
export function dagSize(e: Expr): number {
  return postorder(e).length;
}

/** Number of nodes of the expression seen as a tree (shared nodes recounted). */
export function treeSize(e: Expr): number {
  const memo = new Map<number, number>();
  for (const n of postorder(e)) {
    let s = 1;
    if (n.tag === "app") { for (const a of n.args) s += memo.get(a.id)!; }
    memo.set(n.id, s);
  }
  return memo.get(e.id)!;
}

/** Height of the tree: a leaf has depth 1. */
export function depth(e: Expr): number {
  const memo = new Map<number, number>();
  for (const n of postorder(e)) {
    let d = 1;
    if (n.tag === "app") { for (const a of n.args) d = Math.max(d, 1 + memo.get(a.id)!); }
    memo.set(n.id, d);
  }
  return memo.get(e.id)!;
}

/** Variable names in order of first appearance. */
export function freeVars(e: Expr): string[] {
  const out: string[] = [];
  for (const n of postorder(e)) if (n.tag === "var") out.push(n.name);
  return out;
}

/** Rebuilds `e` bottom-up, replacing each node by `f(node, newArgs)`. */
export function rebuild(
  e: Expr,
  f: (node: Expr, args: readonly Expr[]) => Expr,
): Expr {
  const memo = new Map<number, Expr>();
  for (const n of postorder(e)) {
    const args = n.tag === "app" ? n.args.map((a) => memo.get(a.id)!) : [];
    memo.set(n.id, f(n, args));
  }
  return memo.get(e.id)!;
}

/** Replaces variables by expressions (capture is impossible: no binders). */
export function substitute(e: Expr, env: ReadonlyMap<string, Expr>): Expr {
  return rebuild(e, (n, args) => {
    if (n.tag === "var") return env.get(n.name) ?? n;
    if (n.tag === "app") return app(n.op, args);
    return n;
  });
}

/** True when `e` contains a `d` node. */
export function hasDerivative(e: Expr): boolean {
  return postorder(e).some((n) => n.tag === "app" && n.op === "d");
}
