/**
 * Local feature deltas of rewrites: what guided search feeds the
 * accumulator instead of rebuilding it.
 *
 * A rewrite replaces one node N of the hash-consed DAG (every occurrence of
 * it: rewriting a node id is the natural unit) by N'. Every ancestor of N is
 * rebuilt with a new id, and a rebuilt node may coincide with a node that
 * already exists (hash-consing merges them). The features of a node depend
 * only on the node itself (its subgraph to depth D), so
 *
 *   features(after) - features(before)
 *     = sum of features(n) over nodes that appear (in after, not before)
 *     - sum of features(n) over nodes that disappear (in before, not after).
 *
 * Which nodes appear and disappear follows from reference counts: the new
 * root gains a reference and the old one loses one, new nodes pass their
 * gain to their children, nodes that reach zero pass their loss on.
 * Increments go first, so a node that survives never touches zero. A
 * rebuilt ancestor farther than D from N on every path has the same features
 * as its old version, so a pair (old ancestor gone, its rebuild new) with
 * min distance > D is skipped without enumerating features; what remains is
 * N's old and new subtrees and the ancestors within D. Removed and added
 * feature multisets are finally cancelled against each other, so the result
 * is exactly the multiset difference.
 *
 * `FeatureDag` holds the counts, parents and heights of one DAG: `rewrite`
 * is a query (the DAG is unchanged, so many candidates can be scored from
 * one state) in time proportional to the ancestors of N and the changed
 * nodes, and `commit` applies a rewrite in the same time.
 */
import { app, type Expr } from "../expr/expr.ts";
import { type FeatureSet, forEachNodeFeature } from "./features.ts";

/** The feature delta of one rewrite, and what `commit` needs to apply it. */
export interface RewriteDelta {
  readonly site: Expr;
  readonly replacement: Expr;
  /** Root of the DAG after the rewrite. */
  readonly after: Expr;
  /** Features to subtract from the accumulator (a multiset). */
  readonly removed: Int32Array;
  /** Features to add (a multiset, disjoint from `removed`). */
  readonly added: Int32Array;
  /** Nodes of before that are not in after, and nodes of after not in before. */
  readonly removedNodes: readonly Expr[];
  readonly addedNodes: readonly Expr[];
  /** Reference count changes (id -> change). */
  readonly refChanges: ReadonlyMap<number, number>;
  /** The version of the DAG this delta was computed against. */
  readonly version: number;
}

export class FeatureDag {
  #root: Expr;
  #version = 0;
  /** Present nodes by id. */
  readonly #nodes = new Map<number, Expr>();
  /** References: parent edges (with multiplicity) plus one for the root. */
  readonly #refs = new Map<number, number>();
  /** Unique parents of each present node. */
  readonly #parents = new Map<number, Map<number, Expr>>();
  /** Height (a leaf is 0): orders ancestors children-first. */
  readonly #height = new Map<number, number>();

  constructor(readonly fs: FeatureSet, root: Expr) {
    this.#root = root;
    this.#refs.set(root.id, 1);
    // Each node is added once, after its children (explicit post-order).
    const stack: [Expr, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [n, i] = top;
      if (i === 0 && this.#nodes.has(n.id)) {
        stack.pop();
        continue;
      }
      if (n.tag === "app" && i < n.args.length) {
        top[1] = i + 1;
        if (!this.#nodes.has(n.args[i].id)) stack.push([n.args[i], 0]);
        continue;
      }
      stack.pop();
      if (!this.#nodes.has(n.id)) this.#addNode(n);
    }
  }

  get root(): Expr {
    return this.#root;
  }

  /** Number of unique nodes. */
  get size(): number {
    return this.#nodes.size;
  }

  /** Bumped by every commit; a delta applies only to the version it was computed on. */
  get version(): number {
    return this.#version;
  }

  has(e: Expr): boolean {
    return this.#nodes.has(e.id);
  }

  /** Present nodes (unspecified order). */
  nodes(): IterableIterator<Expr> {
    return this.#nodes.values();
  }

  /** Unique parents of a present node. */
  parentsOf(e: Expr): Expr[] {
    return [...(this.#parents.get(e.id)?.values() ?? [])];
  }

  #addNode(n: Expr): void {
    this.#nodes.set(n.id, n);
    let h = 0;
    if (n.tag === "app") {
      for (const a of n.args) {
        h = Math.max(h, this.#height.get(a.id)! + 1);
        this.#refs.set(a.id, (this.#refs.get(a.id) ?? 0) + 1);
        let ps = this.#parents.get(a.id);
        if (ps === undefined) this.#parents.set(a.id, ps = new Map());
        ps.set(n.id, n);
      }
    }
    this.#height.set(n.id, h);
  }

  /**
   * The delta of replacing `site` (a node of the DAG) by `replacement`
   * everywhere. Does not change the DAG.
   */
  rewrite(site: Expr, replacement: Expr): RewriteDelta {
    if (!this.#nodes.has(site.id)) throw new Error("rewrite site is not a node of this DAG");
    const empty = new Int32Array(0);
    if (site === replacement) {
      return {
        site,
        replacement,
        after: this.#root,
        removed: empty,
        added: empty,
        removedNodes: [],
        addedNodes: [],
        refChanges: new Map(),
        version: this.#version,
      };
    }
    // Ancestors of the site with their min distance (upward BFS).
    const dist = new Map<number, number>([[site.id, 0]]);
    const ancestors: Expr[] = [];
    for (let q = [site]; q.length > 0;) {
      const next: Expr[] = [];
      for (const n of q) {
        const d = dist.get(n.id)! + 1;
        for (const p of this.#parents.get(n.id)?.values() ?? []) {
          if (dist.has(p.id)) continue;
          dist.set(p.id, d);
          ancestors.push(p);
          next.push(p);
        }
      }
      q = next;
    }
    // Rebuild ancestors children-first.
    ancestors.sort((a, b) => this.#height.get(a.id)! - this.#height.get(b.id)!);
    const rebuilt = new Map<number, Expr>([[site.id, replacement]]);
    for (const a of ancestors) {
      if (a.tag !== "app") continue;
      rebuilt.set(a.id, app(a.op, a.args.map((c) => rebuilt.get(c.id) ?? c)));
    }
    const after = rebuilt.get(this.#root.id) ?? this.#root;

    // Reference counting: increments first, then decrements.
    const change = new Map<number, number>();
    const count = (n: Expr) => (this.#refs.get(n.id) ?? 0) + (change.get(n.id) ?? 0);
    const addedNodes: Expr[] = [];
    const removedNodes: Expr[] = [];
    for (const stack = [after]; stack.length > 0;) {
      const n = stack.pop()!;
      const was = count(n);
      change.set(n.id, (change.get(n.id) ?? 0) + 1);
      // Present nodes have a reference, and counts only grow here: zero means new.
      if (was === 0) {
        addedNodes.push(n);
        if (n.tag === "app") { for (const a of n.args) stack.push(a); }
      }
    }
    for (const stack = [this.#root]; stack.length > 0;) {
      const n = stack.pop()!;
      change.set(n.id, (change.get(n.id) ?? 0) - 1);
      if (count(n) === 0) {
        removedNodes.push(n);
        if (n.tag === "app") { for (const a of n.args) stack.push(a); }
      }
    }

    // Far ancestors whose rebuild is new: identical features, skip the pair.
    const skip = new Set<number>();
    const addedIds = new Set(addedNodes.map((n) => n.id));
    const removedIds = new Set(removedNodes.map((n) => n.id));
    for (const a of ancestors) {
      if (dist.get(a.id)! <= this.fs.depth) continue;
      const b = rebuilt.get(a.id)!;
      if (b === a || !removedIds.has(a.id) || !addedIds.has(b.id) || skip.has(b.id)) continue;
      skip.add(a.id);
      skip.add(b.id);
    }

    // Enumerate and cancel.
    const net = new Map<number, number>();
    for (const n of removedNodes) {
      if (!skip.has(n.id)) forEachNodeFeature(this.fs, n, (f) => net.set(f, (net.get(f) ?? 0) - 1));
    }
    for (const n of addedNodes) {
      if (!skip.has(n.id)) forEachNodeFeature(this.fs, n, (f) => net.set(f, (net.get(f) ?? 0) + 1));
    }
    const removed: number[] = [];
    const added: number[] = [];
    for (const [f, c] of net) {
      for (let i = 0; i < -c; i++) removed.push(f);
      for (let i = 0; i < c; i++) added.push(f);
    }
    return {
      site,
      replacement,
      after,
      removed: Int32Array.from(removed),
      added: Int32Array.from(added),
      removedNodes,
      addedNodes,
      refChanges: change,
      version: this.#version,
    };
  }

  /** Applies a delta computed by `rewrite` on this version of the DAG. */
  commit(delta: RewriteDelta): void {
    if (delta.version !== this.#version) {
      throw new Error(`stale rewrite: computed on version ${delta.version}, the DAG is at ${this.#version}`);
    }
    for (const n of delta.removedNodes) {
      this.#nodes.delete(n.id);
      this.#height.delete(n.id);
      this.#parents.delete(n.id);
      if (n.tag === "app") { for (const a of n.args) this.#parents.get(a.id)?.delete(n.id); }
    }
    // Added nodes come parents-first from the increment walk: link them
    // children-first, so every child's height is known.
    const pending = new Map(delta.addedNodes.map((n) => [n.id, n]));
    const link = (n: Expr): number => {
      const known = this.#height.get(n.id);
      if (known !== undefined) return known;
      let h = 0;
      if (n.tag === "app") {
        for (const a of n.args) {
          h = Math.max(h, link(a) + 1);
          let ps = this.#parents.get(a.id);
          if (ps === undefined) this.#parents.set(a.id, ps = new Map());
          ps.set(n.id, n);
        }
      }
      this.#nodes.set(n.id, n);
      this.#height.set(n.id, h);
      return h;
    };
    for (const n of pending.values()) link(n);
    for (const [id, c] of delta.refChanges) {
      const r = (this.#refs.get(id) ?? 0) + c;
      if (r === 0) this.#refs.delete(id);
      else this.#refs.set(id, r);
    }
    this.#root = delta.after;
    this.#version++;
  }
}

/**
 * Stateless form: the feature delta of replacing `site` by `replacement` in
 * `before` (builds the reference counts first, so O(size of before)).
 */
export function featureDelta(fs: FeatureSet, before: Expr, site: Expr, replacement: Expr): RewriteDelta {
  return new FeatureDag(fs, before).rewrite(site, replacement);
}
