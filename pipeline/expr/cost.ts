/**
 * The static cost model: the sum, over the unique nodes of an expression, of
 * each op's reciprocal throughput from a cost table (cycles per vector of
 * the table's ISA, in units of one add; a fused op counts the multiply and
 * the add it replaces). Unique nodes, because a compiled kernel computes a
 * shared subexpression once. This is the cost that saturation extracts by
 * and that the untrained Judge reproduces.
 *
 * A table belongs to an ISA and a build (our SIMD code, or plain C under a
 * user's compiler, which calls different vector math or none):
 * pipeline/target/cost_tables.ts picks one per target. The reference
 * table is the op table's own (ops.ts: AVX-512, our code, Zen 4).
 */
import { type Expr, postorder } from "./expr.ts";
import { CONST_COST, KIND_COUNT, LEAF_CONST, LEAF_VAR, OP_NAMES, opCode, type OpName, OPS, VAR_COST } from "./ops.ts";

export interface CostTable {
  /** `avx512-kopt`, `avx2-clang`, ...: what it prices. */
  readonly name: string;
  /** Cost by kind code (LEAF_CONST, LEAF_VAR, then op codes): read-only by convention, shared. */
  readonly byKind: Float64Array;
}

/** A table from per-op costs and the two leaves' (costs must be multiples of 0.5: see latency_init.ts). */
export function costTable(
  name: string,
  ops: Readonly<Record<OpName, number>>,
  leaves: { readonly var: number; readonly const: number },
): CostTable {
  const byKind = new Float64Array(KIND_COUNT);
  byKind[LEAF_CONST] = leaves.const;
  byKind[LEAF_VAR] = leaves.var;
  OP_NAMES.forEach((n, i) => {
    const c = ops[n];
    if (!Number.isFinite(c) || c < 0) throw new Error(`cost table ${name}: ${n} costs ${c}`);
    byKind[i + 2] = c;
  });
  return Object.freeze({ name, byKind });
}

/** The op table's own costs (ops.ts `throughput`): AVX-512, our code, measured on Zen 4. */
export const REFERENCE_COSTS: CostTable = costTable(
  "avx512-kopt (ops.ts)",
  Object.fromEntries(OP_NAMES.map((n) => [n, OPS[n].throughput])) as Record<OpName, number>,
  { var: VAR_COST, const: CONST_COST },
);

/** Cost of one node on its own (its children not included). */
export function nodeCost(e: Expr, table: CostTable): number {
  if (e.tag === "const") return table.byKind[LEAF_CONST];
  if (e.tag === "var") return table.byKind[LEAF_VAR];
  return table.byKind[opCode(e.op)];
}

/** Static cost of a whole expression, counting shared nodes once. */
export function staticCost(e: Expr, table: CostTable): number {
  let sum = 0;
  for (const n of postorder(e)) sum += nodeCost(n, table);
  return sum;
}
