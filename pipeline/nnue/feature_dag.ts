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
 * General path. Which nodes appear and disappear follows from reference
 * counts: the new root gains a reference and the old one loses one, new
 * nodes pass their gain to their children, nodes that reach zero pass their
 * loss on (increments first, so a surviving node never touches zero). An
 * ancestor farther than D from N on every path has the same features as its
 * rebuild, so such a pair (old gone, rebuild new) is skipped; the rest is
 * enumerated, and the two sides are cancelled against each other.
 *
 * Local path, the common case: when N' is not a node of the DAG and does not
 * contain N, no rebuilt ancestor can exist already (it contains N', a node
 * no present node contains), rebuilds are pairwise distinct, and every old
 * ancestor disappears (nothing in the new DAG refers to it). So every far
 * ancestor cancels with its rebuild, the near ones (within D) are the only
 * ancestors to look at, and their new features are read through N -> N'
 * without building anything. Reference counts only change inside N's old
 * subtree and N''s new nodes. The cost is independent of the DAG's size;
 * the new root is built only if asked for (`after`, or `commit`).
 *
 * `FeatureDag` holds the counts, parents and heights of one DAG: `rewrite`
 * is a query (the DAG is unchanged, so many candidates can be scored from
 * one state), `commit` applies one in time proportional to the ancestors of
 * N and the changed nodes.
 */
import { app, type Expr } from "../expr/expr.ts";
import { featureIndex, type FeatureSet, forEachNodeFeature, kindOf, MAX_ARITY, PATH_OFFSETS } from "./features.ts";

/** The feature delta of one rewrite. */
export interface RewriteDelta {
  readonly site: Expr;
  readonly replacement: Expr;
  /** Features to subtract from the accumulator (a sorted multiset). */
  readonly removed: Int32Array;
  /** Features to add (a sorted multiset, disjoint from `removed`). */
  readonly added: Int32Array;
  /** Root of the DAG after the rewrite (built on first access). */
  readonly after: Expr;
  /** The version of the DAG this delta was computed against. */
  readonly version: number;
}

/** What the general path computes: enough to commit. */
interface Bookkeeping {
  readonly after: Expr;
  readonly removedNodes: readonly Expr[];
  readonly addedNodes: readonly Expr[];
  readonly change: ReadonlyMap<number, number>;
  readonly removed: Int32Array;
  readonly added: Int32Array;
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
    // Each node is linked once, after its children (explicit post-order).
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
      if (!this.#nodes.has(n.id)) this.#link(n, true);
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

  /** Adds a node whose children are present; `count` adds its edges to their references. */
  #link(n: Expr, count: boolean): void {
    this.#nodes.set(n.id, n);
    let h = 0;
    if (n.tag === "app") {
      for (const a of n.args) {
        h = Math.max(h, this.#height.get(a.id)! + 1);
        if (count) this.#refs.set(a.id, (this.#refs.get(a.id) ?? 0) + 1);
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
    const version = this.#version;
    if (site === replacement) {
      const none = new Int32Array(0);
      return { site, replacement, removed: none, added: none, after: this.#root, version };
    }
    if (!this.#nodes.has(replacement.id) && !this.#contains(replacement, site)) {
      const { removed, added } = this.#local(site, replacement);
      let after: Expr | null = null;
      const build = () => {
        if (after === null && this.#version !== version) throw new Error("stale rewrite: the DAG changed since");
        return (after ??= this.#rebuild(site, replacement).after);
      };
      return {
        site,
        replacement,
        removed,
        added,
        get after() {
          return build();
        },
        version,
      };
    }
    const b = this.#general(site, replacement);
    return { site, replacement, removed: b.removed, added: b.added, after: b.after, version };
  }

  /** Whether `site` occurs in `e` (present nodes no taller than the site cannot hold it). */
  #contains(e: Expr, site: Expr): boolean {
    const limit = this.#height.get(site.id)!;
    const seen = new Set<number>();
    const stack = [e];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === site) return true;
      if (seen.has(x.id) || x.tag !== "app") continue;
      seen.add(x.id);
      const h = this.#height.get(x.id);
      if (h !== undefined && h <= limit) continue;
      for (const a of x.args) stack.push(a);
    }
    return false;
  }

  /** The local path (see the module doc): valid when N' is absent and free of N. */
  #local(site: Expr, repl: Expr): { removed: Int32Array; added: Int32Array } {
    const fs = this.fs;
    const gone: number[] = [];
    const come: number[] = [];
    const pushGone = (f: number) => gone.push(f);
    const pushCome = (f: number) => come.push(f);
    // Ancestors within D, old features out, features seen through N -> N' in.
    const seen = new Set<number>([site.id]);
    let level = [site];
    for (let d = 1; d <= fs.depth && level.length > 0; d++) {
      const next: Expr[] = [];
      for (const n of level) {
        for (const p of this.#parents.get(n.id)?.values() ?? []) {
          if (seen.has(p.id)) continue;
          seen.add(p.id);
          next.push(p);
          forEachNodeFeature(fs, p, pushGone);
          walkReplaced(fs, kindOf(p), p, 0, 0, site, repl, pushCome);
        }
      }
      level = next;
    }
    // N and the part of its subtree nothing else holds, N' and its new nodes.
    const change = new Map<number, number>();
    const stackIn: Expr[] = [repl];
    const fresh = new Set<number>();
    while (stackIn.length > 0) {
      const n = stackIn.pop()!;
      if (this.#nodes.has(n.id)) {
        change.set(n.id, (change.get(n.id) ?? 0) + 1);
      } else if (!fresh.has(n.id)) {
        fresh.add(n.id);
        forEachNodeFeature(fs, n, pushCome);
        if (n.tag === "app") { for (const a of n.args) stackIn.push(a); }
      }
    }
    forEachNodeFeature(fs, site, pushGone);
    const stackOut: Expr[] = site.tag === "app" ? [...site.args] : [];
    while (stackOut.length > 0) {
      const n = stackOut.pop()!;
      const c = (change.get(n.id) ?? 0) - 1;
      change.set(n.id, c);
      if (this.#refs.get(n.id)! + c === 0) {
        forEachNodeFeature(fs, n, pushGone);
        if (n.tag === "app") { for (const a of n.args) stackOut.push(a); }
      }
    }
    const [removed, added] = cancel(Int32Array.from(gone).sort(), Int32Array.from(come).sort());
    return { removed, added };
  }

  /** Ancestors of the site with their min distance, and their rebuilds, children first. */
  #rebuild(
    site: Expr,
    repl: Expr,
  ): { after: Expr; ancestors: Expr[]; dist: Map<number, number>; rebuilt: Map<number, Expr> } {
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
    ancestors.sort((a, b) => this.#height.get(a.id)! - this.#height.get(b.id)!);
    const rebuilt = new Map<number, Expr>([[site.id, repl]]);
    for (const a of ancestors) {
      if (a.tag === "app") rebuilt.set(a.id, app(a.op, a.args.map((c) => rebuilt.get(c.id) ?? c)));
    }
    return { after: rebuilt.get(this.#root.id) ?? this.#root, ancestors, dist, rebuilt };
  }

  /** The general path (see the module doc). */
  #general(site: Expr, repl: Expr): Bookkeeping {
    const { after, ancestors, dist, rebuilt } = this.#rebuild(site, repl);
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
    // (An ancestor is present, so it is removed iff its count reached zero;
    // a rebuild is added iff it was absent and gained a reference.)
    const skip = new Set<number>();
    for (const a of ancestors) {
      if (dist.get(a.id)! <= this.fs.depth) continue;
      const b = rebuilt.get(a.id)!;
      if (b === a || count(a) !== 0 || this.#nodes.has(b.id) || !change.has(b.id) || skip.has(b.id)) continue;
      skip.add(a.id);
      skip.add(b.id);
    }
    const gone: number[] = [];
    const come: number[] = [];
    for (const n of removedNodes) if (!skip.has(n.id)) forEachNodeFeature(this.fs, n, (f) => gone.push(f));
    for (const n of addedNodes) if (!skip.has(n.id)) forEachNodeFeature(this.fs, n, (f) => come.push(f));
    const [removed, added] = cancel(Int32Array.from(gone).sort(), Int32Array.from(come).sort());
    return { after, removedNodes, addedNodes, change, removed, added };
  }

  /** Applies a rewrite computed by `rewrite` on this version of the DAG. */
  commit(delta: RewriteDelta): void {
    if (delta.version !== this.#version) {
      throw new Error(`stale rewrite: computed on version ${delta.version}, the DAG is at ${this.#version}`);
    }
    delta.after; // a lazily built root must be built before the DAG changes
    if (delta.site === delta.replacement) {
      this.#version++;
      return;
    }
    const b = this.#general(delta.site, delta.replacement);
    for (const n of b.removedNodes) {
      this.#nodes.delete(n.id);
      this.#height.delete(n.id);
      this.#parents.delete(n.id);
      if (n.tag === "app") { for (const a of n.args) this.#parents.get(a.id)?.delete(n.id); }
    }
    // Added nodes come parents-first from the increment walk: link them
    // children-first, so every child's height is known.
    const link = (n: Expr): void => {
      if (this.#height.has(n.id)) return;
      if (n.tag === "app") { for (const a of n.args) link(a); }
      this.#link(n, false);
    };
    for (const n of b.addedNodes) link(n);
    for (const [id, c] of b.change) {
      const r = (this.#refs.get(id) ?? 0) + c;
      if (r === 0) this.#refs.delete(id);
      else this.#refs.set(id, r);
    }
    this.#root = b.after;
    this.#version++;
  }
}

/** Features of an old ancestor as they read after the rewrite: N seen as N'. */
function walkReplaced(
  fs: FeatureSet,
  kind: number,
  q: Expr,
  len: number,
  digits: number,
  site: Expr,
  repl: Expr,
  emit: (f: number) => void,
): void {
  const x = q === site ? repl : q;
  emit(featureIndex(fs, kind, PATH_OFFSETS[len] + digits, kindOf(x)));
  if (len < fs.depth && x.tag === "app") {
    const args = x.args;
    for (let c = 0; c < args.length; c++) {
      walkReplaced(fs, kind, args[c], len + 1, digits * MAX_ARITY + c, site, repl, emit);
    }
  }
}

/** Multiset difference of two sorted lists: [a - b, b - a]. */
function cancel(a: Int32Array, b: Int32Array): [Int32Array, Int32Array] {
  const onlyA = new Int32Array(a.length), onlyB = new Int32Array(b.length);
  let i = 0, j = 0, na = 0, nb = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (a[i] < b[j]) onlyA[na++] = a[i++];
    else onlyB[nb++] = b[j++];
  }
  while (i < a.length) onlyA[na++] = a[i++];
  while (j < b.length) onlyB[nb++] = b[j++];
  return [onlyA.slice(0, na), onlyB.slice(0, nb)];
}

/**
 * Stateless form: the feature delta of replacing `site` by `replacement` in
 * `before` (builds the reference counts first, so O(size of before)).
 */
export function featureDelta(fs: FeatureSet, before: Expr, site: Expr, replacement: Expr): RewriteDelta {
  return new FeatureDag(fs, before).rewrite(site, replacement);
}
