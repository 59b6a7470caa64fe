/**
 * Greedy extraction (egg's extract.rs): the cheapest expression tree of an
 * e-class under a per-node cost, found bottom-up.
 *
 * The cost of an e-node is its op's cost plus the best costs of its child
 * classes; the best cost of a class is the minimum over its nodes. This is
 * computed as a fixpoint: passes over all live nodes (in id order, so that
 * children, usually older, come first) until no class improves. Every op
 * costs more than zero, so a node's best cost exceeds its children's and
 * the chosen nodes never form a cycle.
 *
 * The cost is a tree cost (a shared subexpression counts once per use).
 * The static cost of `pipeline/expr/cost.ts` counts unique DAG nodes, as a
 * compiled kernel computes a shared subexpression once; tree cost is the
 * usual proxy for it, and results report the static cost of what was
 * extracted.
 *
 * The operand `x` of `(d x e)` is a variable, not a value: it costs one
 * variable leaf and is always extracted as the variable.
 *
 * A class that depends on no variable and has a finite float64 value (the
 * analysis's approximate value) can be extracted as that constant, at the
 * cost of a constant: compilers fold constant subexpressions too, and one
 * rounding of the float64 value is at least as accurate as computing it in
 * float32. Such a constant is not an e-node (a rounded value is not equal
 * to the real it approximates, see `exactfold.ts`); `best` marks it with
 * FOLDED.
 *
 * @example
 * const ex = new Extractor(g, table.byKind);
 * const best = ex.expr(root); // cheapest tree of root's class
 */
import { type Expr, num } from "../expr/expr.ts";
import { LEAF_CONST, LEAF_VAR } from "../expr/ops.ts";
import { ARITY, CODE_D, type EGraph } from "./egraph.ts";

/** `best` of a class extracted as its folded constant. */
export const FOLDED = -2;

export class Extractor {
  /** Best tree cost by class id (Infinity for non-roots and unreachable). */
  readonly cost: Float64Array;
  /** The node achieving it, by class id (-1 if none). */
  readonly best: Int32Array;
  private readonly memo = new Map<number, Expr>();

  constructor(
    private readonly g: EGraph,
    /** Cost by kind code: a static table's `byKind` (pipeline/expr/cost.ts), or a perturbed copy. */
    readonly kindCost: Float64Array,
    foldConstants = true,
  ) {
    if (!g.isClean) throw new Error("extraction needs a rebuilt e-graph");
    const n = g.idCount;
    this.cost = new Float64Array(n).fill(Infinity);
    this.best = new Int32Array(n).fill(-1);
    if (foldConstants) {
      const a = g.analysis;
      for (const c of g.classIds()) {
        // A class with an exact constant has its leaf, which is as cheap.
        if (a.hasApprox[c] && !a.hasConst[c]) {
          this.cost[c] = kindCost[LEAF_CONST];
          this.best[c] = FOLDED;
        }
      }
    }
    for (let changed = true; changed;) {
      changed = false;
      for (let node = 0; node < n; node++) {
        if (g.isDead(node)) continue;
        const c = g.find(node);
        const cost = this.nodeCost(node);
        if (cost < this.cost[c]) {
          this.cost[c] = cost;
          this.best[c] = node;
          changed = true;
        }
      }
    }
  }

  /** Cost of node `n` with its children at their best (Infinity if one has none). */
  nodeCost(n: number): number {
    const g = this.g, op = g.ops[n], kids = g.kids, k = n * 3;
    let sum = this.kindCost[op];
    const arity = ARITY[op];
    for (let i = 0; i < arity; i++) {
      const child = g.find(kids[k + i]);
      if (op === CODE_D && i === 0) {
        if (g.variableOf(child) === null) return Infinity;
        sum += this.kindCost[LEAF_VAR];
      } else sum += this.cost[child];
    }
    return sum;
  }

  /** The best tree cost of class `c`. */
  treeCost(c: number): number {
    return this.cost[this.g.find(c)];
  }

  /** The cheapest tree of class `c`. */
  expr(c: number): Expr {
    c = this.g.find(c);
    const hit = this.memo.get(c);
    if (hit !== undefined) return hit;
    const n = this.best[c];
    if (n === -1) throw new Error(`class ${c} has no extractable expression`);
    const e = n === FOLDED ? num(this.g.approxOf(c)!) : this.g.nodeExpr(n, (child) => this.expr(child))!;
    this.memo.set(c, e);
    return e;
  }
}
