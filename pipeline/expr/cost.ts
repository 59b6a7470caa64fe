/**
 * The static cost model: the sum, over the unique nodes of an expression, of
 * each op's reciprocal throughput from the op table (cycles per 16-lane
 * vector; a fused op counts the multiply and the add it replaces, ops.ts).
 * Unique nodes, because a compiled kernel computes a shared subexpression
 * once. This is the cost that saturation extracts by and that
 * the untrained Judge reproduces.
 */
import { type Expr, postorder } from "./expr.ts";
import { CONST_COST, OPS, VAR_COST } from "./ops.ts";

/** Cost of one node on its own (its children not included). */
export function nodeCost(e: Expr): number {
  if (e.tag === "const") return CONST_COST;
  if (e.tag === "var") return VAR_COST;
  return OPS[e.op].throughput;
}

/** Static cost of a whole expression, counting shared nodes once. */
export function staticCost(e: Expr): number {
  let sum = 0;
  for (const n of postorder(e)) sum += nodeCost(n);
  return sum;
}
