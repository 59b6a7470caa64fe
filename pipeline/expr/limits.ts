/**
 * The size limits of one kernel expression, defined once: every reader
 * (s-expressions, FPCore, infix, records) refuses past them with a clear
 * error, and every tree walk from parsing to code generation is either
 * iterative or recursive at most this deep (tests/expr/limits_test.ts runs
 * a kernel at exactly these limits through `optimize`).
 *
 * Why these values: the kernels of data/kernels are at most 16 levels deep
 * and 30 nodes, FPBench's largest benchmarks a few hundred nodes; 1,000
 * levels and 100,000 distinct nodes leave ample room for generated and
 * unrolled kernels, while the recursive walks stay inside Deno's default
 * stack with room to spare: measured with the limit lifted, kernels 3,000
 * levels deep go through `optimize` (both searches), and the first walk to
 * overflow is the FPCore reader's, between 3,000 and 4,500 levels; and a
 * kernel at the limits still parses and prints in about a second. Both
 * count the expression as a DAG: a `let` that uses a value twice adds one
 * node, not a copy.
 */
import { app, type Expr } from "./expr.ts";
import type { OpName } from "./ops.ts";

/** Deepest nesting of an expression: a leaf is 1 level, `(+ x 1)` 2. */
export const MAX_DEPTH = 1000;

/**
 * Deepest nesting of brackets the s-expression reader reads: a few levels
 * more than MAX_DEPTH, since the text of an expression nests deeper than the
 * expression (the FPCore form around it, `let*` and its bindings that
 * records use for shared nodes, `!` annotations). The expression itself is
 * still held to MAX_DEPTH when it is built.
 */
export const MAX_LIST_DEPTH = MAX_DEPTH + 8;

/** Most distinct nodes (operations, variables and constants) in one expression. */
export const MAX_NODES = 100_000;

/** The reason an expression is refused for its depth. */
export function depthMessage(what = "expression"): string {
  return `${what} nested deeper than ${MAX_DEPTH} levels (limit)`;
}

/** The reason an expression is refused for its size. */
export function nodesMessage(): string {
  return `expression of more than ${MAX_NODES} distinct nodes (limit)`;
}

/** An expression past MAX_DEPTH or MAX_NODES: readers turn it into their own error at a position. */
export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LimitError";
  }
}

/**
 * Builds the nodes of one expression while counting them: the depth of
 * every node built and the number of distinct ones, so a reader refuses an
 * expression as soon as it passes a limit instead of after building it
 * whole (a sum of 100,000 terms, a chain of lets).
 */
export class BoundedBuilder {
  private readonly depths = new Map<number, number>();

  /** `app` with the limits checked; throws LimitError. */
  app(op: OpName, args: readonly Expr[]): Expr {
    let d = 1;
    for (const a of args) d = Math.max(d, 1 + this.note(a));
    if (d > MAX_DEPTH) throw new LimitError(depthMessage());
    const e = app(op, args);
    if (!this.depths.has(e.id)) this.count(e, d);
    return e;
  }

  /** Depth an n-ary fold of `terms` (each of the given depth) would have, for its own message. */
  foldDepth(argDepths: readonly number[]): number {
    let d = argDepths[0] ?? 1;
    for (let i = 1; i < argDepths.length; i++) d = 1 + Math.max(d, argDepths[i]);
    return d;
  }

  /** Depth of a node built here (a leaf from elsewhere counts as 1). */
  note(e: Expr): number {
    const d = this.depths.get(e.id);
    if (d !== undefined) return d;
    if (e.tag === "app") throw new Error("BoundedBuilder: a node built elsewhere");
    this.count(e, 1);
    return 1;
  }

  /** Distinct nodes built so far. */
  get size(): number {
    return this.depths.size;
  }

  private count(e: Expr, d: number): void {
    this.depths.set(e.id, d);
    if (this.depths.size > MAX_NODES) throw new LimitError(nodesMessage());
  }
}
