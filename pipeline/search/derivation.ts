/**
 * Rewrite steps of a form the search extracted rather than visited.
 *
 * The guided search records every rewrite it applied as a concrete equation
 * (this node was replaced by that one, rule R). Its final extraction can
 * combine rewrites from different states of the trajectory, so the chosen
 * form may be no state the search stood on, and has no recorded path. This
 * module rebuilds one: the rewrites that created a node of the target (or a
 * node of the site of a rewrite already needed), found backwards from the
 * target, then replayed forwards from the input in trajectory order, with
 * any other recorded rewrite that brings more of the target's nodes in (a
 * rewrite made in one state applied in the context of another). The steps
 * are returned only if the replay reaches the target exactly, so a
 * derivation is never a guess; otherwise the result is null (unknown: an
 * e-graph extraction through derivative rules often cannot be replayed
 * this way).
 *
 * @example
 * const steps = deriveSteps(input, result.trajectory, extracted);
 * // ["mul-comm", "fma-fuse", ...] or null
 */
import { type Expr, postorder } from "../expr/expr.ts";
import { replaceNode } from "./rewrite.ts";

/** One applied rewrite: every occurrence of `site` became `result`, by `rule`. */
export interface Equation {
  readonly rule: string;
  readonly site: Expr;
  readonly result: Expr;
}

/** Whether `node` occurs in `root` (hash-consed: identity). */
function contains(root: Expr, node: Expr): boolean {
  return postorder(root).includes(node);
}

/** A derivation: indices into the recorded rewrites, and whether replaying them reaches the target. */
export interface Derivation {
  readonly steps: readonly number[];
  /**
   * False when no replay reaches the target: `steps` then lead to the form
   * closest to it (most of its nodes), which the e-graph's extraction turned
   * into the target with equalities it found itself (congruence, or its
   * analysis folding constants and intervals).
   */
  readonly complete: boolean;
}

/**
 * Indices into `rewrites` of a derivation of `target` from `input`: applying
 * them in this order, each to every occurrence of its site, gives `target`
 * (or, if incomplete, the closest form any replay reached).
 */
export function derive(input: Expr, rewrites: readonly Equation[], target: Expr): Derivation {
  if (target === input) return { steps: [], complete: true };
  // The rewrite that first created each node absent from the input.
  const inInput = new Set(postorder(input).map((n) => n.id));
  const creator = new Map<number, number>();
  rewrites.forEach((r, j) => {
    for (const n of postorder(r.result)) {
      if (!inInput.has(n.id) && !creator.has(n.id)) creator.set(n.id, j);
    }
  });
  // Backwards: a rewrite is needed if it created a wanted node; then the nodes of its site are wanted too.
  const wanted = new Set(postorder(target).map((n) => n.id));
  const needed: number[] = [];
  for (let j = rewrites.length - 1; j >= 0; j--) {
    const creates = postorder(rewrites[j].result).some((n) => creator.get(n.id) === j && wanted.has(n.id));
    if (!creates) continue;
    needed.push(j);
    for (const n of postorder(rewrites[j].site)) wanted.add(n.id);
  }
  needed.reverse();
  const mustApply = new Set(needed);
  // Forwards, in trajectory order: the needed rewrites, and any other whose
  // rewrite brings more of the target's nodes in (the extraction combined a
  // rewrite made in one state with the context of another). A few passes.
  const inTarget = new Set(postorder(target).map((n) => n.id));
  const score = (e: Expr) => postorder(e).reduce((s, n) => s + (inTarget.has(n.id) ? 1 : 0), 0);
  let cur = input;
  const steps: number[] = [];
  let closest = { expr: input, score: score(input), steps: 0 };
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const before = steps.length;
    for (let j = 0; j < rewrites.length; j++) {
      const r = rewrites[j];
      if (!contains(cur, r.site)) continue;
      const next = replaceNode(cur, r.site, r.result);
      if (!(pass === 0 && mustApply.has(j)) && score(next) <= score(cur)) continue;
      cur = next;
      steps.push(j);
      if (cur === target) return { steps: prune(input, rewrites, steps, target), complete: true };
      const sc = score(cur);
      if (sc > closest.score) closest = { expr: cur, score: sc, steps: steps.length };
    }
    if (steps.length === before) break;
  }
  return { steps: prune(input, rewrites, steps.slice(0, closest.steps), closest.expr), complete: false };
}

/**
 * A recorded path (indices into `rewrites`, as the search applied them)
 * without its detours, or null if replaying it does not give `target`.
 */
export function shortenPath(
  input: Expr,
  rewrites: readonly Equation[],
  path: readonly number[],
  target: Expr,
): number[] | null {
  const [reached, applied] = replay(input, rewrites, path);
  return reached === target ? prune(input, rewrites, applied, target) : null;
}

/** Applies `order` from `input`, skipping rewrites whose site is absent; the result and the ones applied. */
function replay(input: Expr, rewrites: readonly Equation[], order: readonly number[]): [Expr, number[]] {
  let cur = input;
  const applied: number[] = [];
  for (const j of order) {
    if (!contains(cur, rewrites[j].site)) continue;
    cur = replaceNode(cur, rewrites[j].site, rewrites[j].result);
    applied.push(j);
  }
  return [cur, applied];
}

/**
 * Leaves out detours: drops each step in turn when the replay without it
 * (which then also skips the steps that depended on it, e.g. the second
 * half of a commute-and-back) still reaches the target.
 */
function prune(input: Expr, rewrites: readonly Equation[], steps: number[], target: Expr): number[] {
  let cur = steps;
  let tries = 0;
  for (let i = 0; i < cur.length && tries < MAX_PRUNE_TRIES; i++, tries++) {
    const [reached, applied] = replay(input, rewrites, [...cur.slice(0, i), ...cur.slice(i + 1)]);
    if (reached === target) {
      cur = applied;
      i--;
    }
  }
  return cur;
}

/** Replays tried while pruning (each is linear in the steps). */
const MAX_PRUNE_TRIES = 400;

/** Passes over the recorded rewrites before the replay gives up. */
const MAX_PASSES = 4;
