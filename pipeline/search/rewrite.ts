/**
 * Rewriting a hash-consed expression DAG at a node: every occurrence of the
 * node is replaced (the node *is* the value, wherever it is used), and the
 * ancestors are rebuilt. Plus the neighbourhood of a change, where newly
 * enabled rewrites can appear.
 */
import { app, type Expr, postorder } from "../expr/expr.ts";

/** `root` with every occurrence of `target` replaced by `replacement`. */
export function replaceNode(root: Expr, target: Expr, replacement: Expr): Expr {
  if (root === target) return replacement;
  const memo = new Map<number, Expr>();
  // Only ancestors of the target change; everything else maps to itself.
  for (const n of postorder(root)) {
    if (n === target) {
      memo.set(n.id, replacement);
    } else if (n.tag === "app") {
      let changed = false;
      const args = n.args.map((a) => {
        const m = memo.get(a.id)!;
        if (m !== a) changed = true;
        return m;
      });
      memo.set(n.id, changed ? app(n.op, args) : n);
    } else {
      memo.set(n.id, n);
    }
  }
  return memo.get(root.id)!;
}

/** For each unique node, the unique nodes that use it as an argument. */
export function parentIndex(root: Expr): Map<number, Expr[]> {
  const parents = new Map<number, Expr[]>();
  for (const n of postorder(root)) {
    if (n.tag !== "app") continue;
    for (const a of new Set(n.args)) {
      const list = parents.get(a.id);
      if (list === undefined) parents.set(a.id, [n]);
      else list.push(n);
    }
  }
  return parents;
}

/**
 * Nodes where a rewrite may have become possible after `site` changed:
 * `site`'s descendants within `radius`, and its ancestors within `radius`
 * (a pattern rooted at an ancestor sees the change when the site is within
 * the pattern's depth). `fresh` nodes (created by the rewrite) are all
 * included whatever their depth. `parentsOf` gives the unique parents of a
 * node in the current expression (e.g. `FeatureDag.parentsOf`, or
 * `parentIndex` for a one-off).
 */
export function neighbourhood(
  site: Expr,
  radius: number,
  parentsOf: (e: Expr) => readonly Expr[],
  fresh: ReadonlySet<number> = new Set(),
): Expr[] {
  const out = new Map<number, Expr>();
  const down = (e: Expr, r: number) => {
    if (out.has(e.id) && r < radius) return;
    out.set(e.id, e);
    if (e.tag === "app" && (r > 0 || fresh.has(e.id))) { for (const a of e.args) down(a, r - 1); }
  };
  down(site, radius);
  let level: Expr[] = [site];
  for (let r = 0; r < radius; r++) {
    const next: Expr[] = [];
    for (const n of level) {
      for (const p of parentsOf(n)) {
        if (!out.has(p.id)) {
          out.set(p.id, p);
          next.push(p);
        }
      }
    }
    level = next;
  }
  return [...out.values()];
}
