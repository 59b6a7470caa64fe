/**
 * k-best extraction: the k cheapest distinct expression trees of an
 * e-class, in nondecreasing tree cost (the re-ranking pool for the Judge).
 *
 * A tree of class c is a derivation: a node of c and, for each child class,
 * the index of one of that class's own derivations. Each class keeps the
 * sorted list of its derivations found so far and a heap of candidates, and
 * grows the list lazily, on request (Huang and Chiang 2005, "Better k-best
 * parsing", algorithm 3): the first candidates are each node with every
 * child at its best (index 0, the greedy extraction's cost); when a
 * derivation is taken from the heap, its successors (one child index
 * advanced by one) become candidates on the next request. A successor costs
 * at least its predecessor, so a class's list comes out in order, and only
 * the derivations the k root trees need are ever built.
 *
 * A class with a folded constant (`extract.ts`) has that constant as one
 * more derivation.
 *
 * Distinct derivations are distinct trees: a tree is represented in exactly
 * one class (hash-consing) and each of its nodes by one e-node of it. The
 * result is also de-duplicated as expressions, for safety.
 *
 * Cycles: e-graphs have them (x = x*1), so a tree may contain its own class.
 * Costs strictly grow along a cycle (every op costs more than zero), so a
 * request for a class's j-th derivation only ever needs derivations that are
 * already listed; a request that would need a class that is in the middle of
 * growing its list returns nothing instead of recursing, and at worst drops
 * that successor (a tree that goes around a cycle more times). The result is
 * always sorted and duplicate-free.
 *
 * @example
 * for (const r of kBest(g, root, 10, new Extractor(g, table.byKind))) console.log(r.treeCost, printInfix(r.expr));
 */
import { type Expr, num } from "../expr/expr.ts";
import { staticCost } from "../expr/cost.ts";
import { ARITY, CODE_D, type EGraph } from "./egraph.ts";
import { Extractor, FOLDED } from "./extract.ts";

interface Derivation {
  readonly cost: number;
  /** The class it derives. */
  readonly cls: number;
  /** The e-node at its root, or FOLDED for the class's folded constant. */
  readonly node: number;
  /** Derivation index per child (child 0 of `d` is the variable, fixed at 0). */
  readonly idx: readonly number[];
  /** Tie-break so equal costs come out in a deterministic order. */
  readonly seq: number;
}

interface ClassState {
  readonly list: Derivation[];
  readonly heap: Derivation[];
  readonly seen: Set<string>;
  last: Derivation | null;
  busy: boolean;
}

export interface Ranked {
  readonly expr: Expr;
  /** Tree cost (shared subexpressions counted per use): the ranking key. */
  readonly treeCost: number;
  /** Static cost of the expression as a DAG. */
  readonly staticCost: number;
}

const before = (a: Derivation, b: Derivation) => a.cost < b.cost || (a.cost === b.cost && a.seq < b.seq);

function heapPush(h: Derivation[], d: Derivation): void {
  h.push(d);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(h[i], h[p])) break;
    [h[i], h[p]] = [h[p], h[i]];
    i = p;
  }
}

function heapPop(h: Derivation[]): Derivation | undefined {
  if (h.length === 0) return undefined;
  const top = h[0];
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && before(h[l], h[m])) m = l;
      if (r < h.length && before(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
  return top;
}

/** Lazily enumerates derivations of the classes of a rebuilt e-graph. */
export class KBest {
  private readonly states = new Map<number, ClassState>();
  private readonly exprs = new Map<Derivation, Expr>();
  private seq = 0;

  constructor(private readonly g: EGraph, private readonly ex: Extractor) {}

  /** The j-th cheapest derivation of class `c`, or null. */
  get(c: number, j: number): Derivation | null {
    const st = this.state(this.g.find(c));
    while (st.list.length <= j) {
      if (st.busy) return null;
      st.busy = true;
      if (st.last !== null) this.pushSuccessors(st, st.last);
      st.last = null;
      const d = heapPop(st.heap);
      st.busy = false;
      if (d === undefined) return null;
      st.list.push(d);
      st.last = d;
    }
    return st.list[j];
  }

  /**
   * The expression tree of a derivation, built children first with a stack
   * of its own (a recursion nested as deep as the tree, three frames per
   * level, overflowed the JS stack near 3,000 levels). Children are visited
   * in the order the recursion visited them, so classes grow their lists,
   * and equal costs break ties, as before.
   */
  expr(root: Derivation): Expr {
    const hit = this.exprs.get(root);
    if (hit !== undefined) return hit;
    const stack: { d: Derivation; i: number; kids: Expr[] }[] = [{ d: root, i: 0, kids: [] }];
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      const d = f.d;
      if (d.node === FOLDED) {
        this.exprs.set(d, num(this.g.approxOf(d.cls)!));
        stack.pop();
        continue;
      }
      const op = this.g.ops[d.node], k = d.node * 3;
      let descended = false;
      while (f.i < d.idx.length) {
        const i = f.i;
        if (op === CODE_D && i === 0) {
          f.i++;
          continue;
        }
        const kid = this.get(this.g.kids[k + i], d.idx[i])!;
        const e = this.exprs.get(kid);
        if (e === undefined) {
          stack.push({ d: kid, i: 0, kids: [] });
          descended = true;
          break;
        }
        f.kids.push(e);
        f.i++;
      }
      if (descended) continue;
      // nodeExpr asks for the children in order, skipping the variable of `d`.
      let n = 0;
      this.exprs.set(d, this.g.nodeExpr(d.node, () => f.kids[n++])!);
      stack.pop();
    }
    return this.exprs.get(root)!;
  }

  private state(c: number): ClassState {
    let st = this.states.get(c);
    if (st !== undefined) return st;
    st = { list: [], heap: [], seen: new Set(), last: null, busy: false };
    this.states.set(c, st);
    if (this.ex.best[c] === FOLDED) {
      heapPush(st.heap, { cost: this.ex.cost[c], cls: c, node: FOLDED, idx: [], seq: this.seq++ });
    }
    for (const n of this.g.nodesOf(c)) {
      if (this.g.isDead(n)) continue;
      const cost = this.ex.nodeCost(n);
      if (!Number.isFinite(cost)) continue;
      const idx = new Array<number>(ARITY[this.g.ops[n]]).fill(0);
      st.seen.add(`${n}:${idx.join(",")}`);
      heapPush(st.heap, { cost, cls: c, node: n, idx, seq: this.seq++ });
    }
    return st;
  }

  private pushSuccessors(st: ClassState, d: Derivation): void {
    if (d.node === FOLDED) return;
    const g = this.g, op = g.ops[d.node], k = d.node * 3;
    for (let i = 0; i < d.idx.length; i++) {
      if (op === CODE_D && i === 0) continue;
      const child = g.kids[k + i];
      const next = this.get(child, d.idx[i] + 1);
      if (next === null) continue;
      const idx = d.idx.slice();
      idx[i]++;
      const key = `${d.node}:${idx.join(",")}`;
      if (st.seen.has(key)) continue;
      st.seen.add(key);
      const cur = this.get(child, d.idx[i])!;
      heapPush(st.heap, { cost: d.cost - cur.cost + next.cost, cls: d.cls, node: d.node, idx, seq: this.seq++ });
    }
  }
}

/**
 * The `k` cheapest distinct trees of class `root` (fewer if the class has
 * fewer), sorted by tree cost.
 */
export function kBest(g: EGraph, root: number, k: number, ex: Extractor): Ranked[] {
  const kb = new KBest(g, ex);
  // The DAG cost by the extractor's own table (a perturbed one stays perturbed).
  const table = { name: "extraction", byKind: ex.kindCost };
  const out: Ranked[] = [];
  const seen = new Set<Expr>();
  // Duplicates are not expected; the bound only guards against surprises.
  for (let j = 0; out.length < k && j < 4 * k + 16; j++) {
    const d = kb.get(root, j);
    if (d === null) break;
    const e = kb.expr(d);
    if (seen.has(e)) continue;
    seen.add(e);
    out.push({ expr: e, treeCost: d.cost, staticCost: staticCost(e, table) });
  }
  return out.sort((a, b) => a.treeCost - b.treeCost);
}
