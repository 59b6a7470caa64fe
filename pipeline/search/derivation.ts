/**
 * Rewrite steps that lead to a form: what `optimize` prints as "the rules
 * applied, in order".
 *
 * The guided search records every rewrite it applied as a concrete equation
 * (this node was replaced by that one, rule R), and each state its path.
 * A path is exact but full of detours (commute, then commute back), and
 * the final extraction can combine rewrites from different states, so the
 * chosen form may be no state at all. This module:
 *
 * - shortens a path: keeps the steps that created a node of the target or
 *   of the site of a later kept step (found backwards), checks by replaying
 *   them that they still give the target, then drops further steps one at a
 *   time while the replay still reaches it (dropping the first half of a
 *   detour makes the second half find no site, so it drops too);
 * - derives an extracted form: the rewrites that created its nodes, and any
 *   other recorded rewrite that brings more of its nodes in, replayed in
 *   trajectory order. Complete only if the replay reaches the form exactly;
 *   otherwise the steps lead to the closest form reached, and the e-graph's
 *   own equalities (congruence, constant and interval folding) did the rest.
 *
 * Replays cost one rebuild per applied step; the work is capped by a
 * deadline, past which the unshortened result is returned.
 *
 * @example
 * const d = derive(input, result.trajectory, extracted);
 * d.steps.map((j) => result.trajectory[j].rule);  // ["pow-5", "fma-fuse", ...]
 */
import { type Expr, postorder } from "../expr/expr.ts";
import { replaceNode } from "./rewrite.ts";

/** One applied rewrite: every occurrence of `site` became `result`, by `rule`. */
export interface Equation {
  readonly rule: string;
  readonly site: Expr;
  readonly result: Expr;
}

/** A derivation: indices into the recorded rewrites, and whether replaying them reaches the target. */
export interface Derivation {
  readonly steps: readonly number[];
  /** False when the steps lead only to the closest form a replay reached (see the module comment). */
  readonly complete: boolean;
}

/** Milliseconds a derivation may take by default. */
export const DERIVE_MS = 400;

const ids = (e: Expr) => new Set(postorder(e).map((n) => n.id));

/** Applies `order` from `input`, skipping rewrites whose site is absent: the result and the ones applied. */
export function replay(input: Expr, rewrites: readonly Equation[], order: readonly number[]): [Expr, number[]] {
  let cur = input, present = ids(input);
  const applied: number[] = [];
  for (const j of order) {
    const r = rewrites[j];
    if (!present.has(r.site.id)) continue;
    cur = replaceNode(cur, r.site, r.result);
    present = ids(cur);
    applied.push(j);
  }
  return [cur, applied];
}

/**
 * Steps of `order` that `target` needs: creators of its nodes and of the
 * sites of later needed steps. With `fromInput`, nodes of the input count
 * as given even when a step re-created them (the second half of a detour).
 */
function needed(
  input: Expr,
  rewrites: readonly Equation[],
  order: readonly number[],
  target: Expr,
  fromInput: boolean,
): number[] {
  // Forwards: which step (position in `order`) last created each node that was absent before it.
  const creator = new Map<number, number>();
  const given = ids(input);
  let cur = input, present = given;
  order.forEach((j, pos) => {
    const r = rewrites[j];
    if (!present.has(r.site.id)) return;
    cur = replaceNode(cur, r.site, r.result);
    const next = ids(cur);
    for (const id of next) if (!present.has(id) && !(fromInput && given.has(id))) creator.set(id, pos);
    present = next;
  });
  // Backwards: a step is needed if it created a wanted node; then its site's nodes are wanted too.
  const wanted = ids(target);
  const keep: number[] = [];
  for (let pos = order.length - 1; pos >= 0; pos--) {
    const r = rewrites[order[pos]];
    if (!postorder(r.result).some((n) => creator.get(n.id) === pos && wanted.has(n.id))) continue;
    keep.push(order[pos]);
    for (const n of postorder(r.site)) wanted.add(n.id);
  }
  return keep.reverse();
}

/**
 * Drops steps while the replay without them still reaches `target`: chunks
 * of halving size first (long detours go in one try), then single steps.
 */
function prune(
  input: Expr,
  rewrites: readonly Equation[],
  steps: readonly number[],
  target: Expr,
  deadline: number,
): number[] {
  let cur = [...steps];
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1; chunk >>= 1) {
    for (let i = 0; i < cur.length;) {
      if (performance.now() >= deadline) return cur;
      const [reached, applied] = replay(input, rewrites, [...cur.slice(0, i), ...cur.slice(i + chunk)]);
      if (reached === target) cur = applied;
      else i += chunk;
    }
  }
  return cur;
}

/** The shortest replay among candidate step lists that reaches `target`, or null. */
function firstReaching(
  input: Expr,
  rewrites: readonly Equation[],
  lists: readonly (readonly number[])[],
  target: Expr,
): number[] | null {
  for (const l of lists) {
    const [reached, applied] = replay(input, rewrites, l);
    if (reached === target) return applied;
  }
  return null;
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
  ms = DERIVE_MS,
): number[] | null {
  const deadline = performance.now() + ms;
  const [reached, applied] = replay(input, rewrites, path);
  if (reached !== target) return null;
  const lists = [needed(input, rewrites, applied, target, true), needed(input, rewrites, applied, target, false)];
  return prune(input, rewrites, firstReaching(input, rewrites, lists, target) ?? applied, target, deadline);
}

/**
 * A derivation of `target` from `input` out of the recorded `rewrites` (in
 * the order they were applied), complete or to the closest form reached.
 */
export function derive(input: Expr, rewrites: readonly Equation[], target: Expr, ms = DERIVE_MS): Derivation {
  if (target === input) return { steps: [], complete: true };
  const deadline = performance.now() + ms;
  const all = rewrites.map((_, j) => j);
  const must = new Set(needed(input, rewrites, all, target, false));
  // Forwards, in trajectory order: the needed rewrites, and any other that
  // brings more of the target's nodes in (a rewrite made in one state, applied
  // in the context of another). A few passes, while time lasts.
  const inTarget = ids(target);
  const score = (s: Set<number>) => {
    let n = 0;
    for (const id of s) if (inTarget.has(id)) n++;
    return n;
  };
  let cur = input, present = ids(input), sc = score(present);
  const steps: number[] = [];
  let closest = { expr: input, score: sc, steps: 0 };
  for (let pass = 0; pass < MAX_PASSES && performance.now() < deadline; pass++) {
    const before = steps.length;
    for (let j = 0; j < rewrites.length; j++) {
      const r = rewrites[j];
      if (!present.has(r.site.id)) continue;
      const next = replaceNode(cur, r.site, r.result);
      const nextIds = ids(next), nextScore = score(nextIds);
      if (!(pass === 0 && must.has(j)) && nextScore <= sc) continue;
      cur = next, present = nextIds, sc = nextScore;
      steps.push(j);
      if (cur === target) return { steps: prune(input, rewrites, steps, target, deadline), complete: true };
      if (sc > closest.score) closest = { expr: cur, score: sc, steps: steps.length };
    }
    if (steps.length === before) break;
  }
  const upTo = steps.slice(0, closest.steps);
  return { steps: prune(input, rewrites, upTo, closest.expr, deadline), complete: false };
}

/** Passes over the recorded rewrites before the replay gives up. */
const MAX_PASSES = 4;
