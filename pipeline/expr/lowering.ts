/**
 * A lowering: some nodes of a form computed by another function than their
 * op's, over other nodes. The approximate functions (pipeline/approx/) are
 * the case: `exp2(x)` computed by a 4096-ulp polynomial, or the whole of
 * `1 / (1 + exp(-x))` by the sigmoid approximation of `x`. The form stays
 * what it is (the search and the Judge see the exact IR); the lowering
 * says how the kernel that is built computes some of its nodes, and the
 * evaluators and the code generator follow it.
 *
 * Nodes are keyed by their interned id: a subexpression shared by two parents
 * is one node, lowered once.
 */
import { type Expr, postorder } from "./expr.ts";

/** How one node is computed instead of by its op. */
export interface Lowered {
  /** The nodes the function reads (below the lowered node). */
  readonly args: readonly Expr[];
  /** float32 semantics: float32 arguments in, the float32 result the built code gives, bit for bit. */
  readonly f32: (...args: number[]) => number;
  /** The C function (over vectors of the kernel's ISA) the code generator calls. */
  readonly cName: string;
}

/** Lowered nodes by node id. */
export type Lowering = ReadonlyMap<number, Lowered>;

export const NO_LOWERING: Lowering = new Map();

/** What a node reads under `lowering`: the lowered function's arguments, or its op's. */
export function loweredArgs(n: Expr, lowering: Lowering): readonly Expr[] {
  if (n.tag !== "app") return [];
  return lowering.get(n.id)?.args ?? n.args;
}

/**
 * Unique nodes of `e` in post-order as the lowered kernel computes them:
 * below a lowered node only its function's arguments (the op's own operands
 * are not computed unless something else reads them).
 */
export function loweredPostorder(e: Expr, lowering: Lowering): Expr[] {
  return postorder(e, (n) => loweredArgs(n, lowering));
}
