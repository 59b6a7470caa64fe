/**
 * Union-find over dense integer ids: the equivalence relation of an e-graph.
 *
 * Ids are handed out by `makeSet` in order 0, 1, 2, ... (the e-graph uses
 * the id of an e-node's first class as the node's own id, as egg does), so
 * the parent table is one growable Int32Array. `find` compresses paths by
 * halving (every visited node is re-pointed at its grandparent), which keeps
 * trees flat without recursion. `union` does not choose the root by rank:
 * the e-graph picks which class survives (the one with more nodes and
 * parents, so less data moves), and says so by argument order.
 *
 * @example
 * const uf = new UnionFind();
 * const a = uf.makeSet(), b = uf.makeSet();
 * uf.union(a, b); // a is the root
 * uf.find(b) === a; // true
 */
export class UnionFind {
  private parent: Int32Array;
  private count = 0;

  constructor(capacity = 1024) {
    this.parent = new Int32Array(Math.max(16, capacity));
  }

  /** Number of ids handed out. */
  get size(): number {
    return this.count;
  }

  /** A new singleton set; its id is the next integer. */
  makeSet(): number {
    if (this.count === this.parent.length) {
      const grown = new Int32Array(this.parent.length * 2);
      grown.set(this.parent);
      this.parent = grown;
    }
    const id = this.count++;
    this.parent[id] = id;
    return id;
  }

  /** The root of `x`'s set. */
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      // Path halving: skip a level on the way up, for every later find.
      const gp = p[p[x]];
      p[x] = gp;
      x = gp;
    }
    return x;
  }

  /** Whether `x` is the root of its set. */
  isRoot(x: number): boolean {
    return this.parent[x] === x;
  }

  /**
   * Makes `root` the parent of `other`; both must be roots of different
   * sets. Returns `root`.
   */
  union(root: number, other: number): number {
    if (this.parent[root] !== root || this.parent[other] !== other) {
      throw new Error(`union of non-roots ${root}, ${other}`);
    }
    this.parent[other] = root;
    return root;
  }
}
